package video

import "errors"

// Sentinel errors of package video; compare with errors.Is.
var (
	// ErrNotFound means the producer has no object of that name (it
	// answered with an application-level Nack) or the name is outside the
	// gateway's prefix.
	ErrNotFound = errors.New("video: no such object")
	// ErrMissingReference means a playlist or manifest names a file that
	// does not exist.
	ErrMissingReference = errors.New("video: playlist names a missing file")
	// ErrIncomplete means a media file is truncated or still being written
	// (its container framing does not add up).
	ErrIncomplete = errors.New("video: incomplete media file")
	// ErrEncrypted means an object is encrypted and no key was given.
	ErrEncrypted = errors.New("video: object is encrypted and no key was given")
	// ErrWrongKey means an object is encrypted with a different key.
	ErrWrongKey = errors.New("video: object is encrypted with another key")
	// ErrDecrypt means a sealed record failed authentication or is
	// malformed, or records are missing at the end.
	ErrDecrypt = errors.New("video: decryption failed")
	// ErrNoFFmpeg means ffmpeg (or ffprobe) is not installed.
	ErrNoFFmpeg = errors.New("video: ffmpeg is not installed (install it, e.g. apt-get install ffmpeg)")
	// ErrNoDirectory means the directory to publish does not exist or is
	// not a directory.
	ErrNoDirectory = errors.New("video: not a directory")
)
