package keychain

import "errors"

// Sentinel errors of package keychain; compare with errors.Is.
var (
	// ErrNotFound means no identity, key or certificate has the name given.
	ErrNotFound = errors.New("keychain: not found")
	// ErrAmbiguous means an identity has several keys and none is the default.
	ErrAmbiguous = errors.New("keychain: name is ambiguous")
	// ErrCorrupt means a keychain file or an imported file cannot be decoded.
	ErrCorrupt = errors.New("keychain: corrupt file")
	// ErrUnsupported means an imported file uses an encryption scheme this
	// package does not implement.
	ErrUnsupported = errors.New("keychain: unsupported format")
	// ErrKeyMismatch means a certificate's public key is not the key it is
	// stored or imported with.
	ErrKeyMismatch = errors.New("keychain: certificate does not match the key")
)
