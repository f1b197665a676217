package video

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
)

// PlaylistRefs returns the local files a playlist (HLS .m3u8) or manifest
// (DASH .mpd) at rel refers to, as clean slash-separated paths relative to
// the stream directory, in order of appearance and without duplicates.
// References with a scheme, absolute paths and paths leaving the stream
// directory are not local and are left out; so are DASH SegmentTemplate
// patterns ($Number$ and the like), which name no single file, and
// EXT-X-PRELOAD-HINT, which names a file that does not exist yet.
func PlaylistRefs(rel string, body []byte) ([]string, error) {
	var raw []string
	switch strings.ToLower(path.Ext(rel)) {
	case ".mpd":
		var err error
		if raw, err = mpdRefs(body); err != nil {
			return nil, fmt.Errorf("video: manifest %s: %w", rel, err)
		}
	default:
		if !bytes.HasPrefix(bytes.TrimLeft(body, "\ufeff \t\r\n"), []byte("#EXTM3U")) {
			return nil, fmt.Errorf("video: playlist %s does not start with #EXTM3U", rel)
		}
		raw = m3u8Refs(body)
	}
	dir := path.Dir(rel)
	seen := make(map[string]bool)
	var out []string
	for _, u := range raw {
		if i := strings.IndexAny(u, "?#"); i >= 0 {
			u = u[:i]
		}
		if u == "" || strings.Contains(u, ":") || strings.HasPrefix(u, "/") || strings.Contains(u, "$") {
			continue
		}
		p := path.Clean(path.Join(dir, u))
		if p == ".." || strings.HasPrefix(p, "../") || p == "." || seen[p] {
			continue
		}
		seen[p] = true
		out = append(out, p)
	}
	return out, nil
}

// m3u8Refs returns the URI lines and URI="…" attributes of an HLS playlist.
func m3u8Refs(body []byte) []string {
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "":
		case !strings.HasPrefix(line, "#"):
			out = append(out, line)
		case strings.HasPrefix(line, "#EXT-X-PRELOAD-HINT"), strings.HasPrefix(line, "#EXT-X-RENDITION-REPORT"):
		case strings.HasPrefix(line, "#EXT"):
			for rest := line; ; {
				i := strings.Index(rest, `URI="`)
				if i < 0 {
					break
				}
				rest = rest[i+5:]
				j := strings.IndexByte(rest, '"')
				if j < 0 {
					break
				}
				out = append(out, rest[:j])
				rest = rest[j+1:]
			}
		}
	}
	return out
}

// mpdRefs returns the file references of a DASH manifest: BaseURL text and
// the media, initialization and sourceURL attributes.
func mpdRefs(body []byte) ([]string, error) {
	d := xml.NewDecoder(bytes.NewReader(body))
	var out []string
	inBase := false
	sawMPD := false
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local == "MPD" {
				sawMPD = true
			}
			inBase = t.Name.Local == "BaseURL"
			for _, a := range t.Attr {
				switch a.Name.Local {
				case "media", "initialization", "sourceURL":
					out = append(out, a.Value)
				}
			}
		case xml.CharData:
			if inBase {
				if s := strings.TrimSpace(string(t)); s != "" && !strings.HasSuffix(s, "/") {
					out = append(out, s)
				}
			}
		case xml.EndElement:
			inBase = false
		}
	}
	if !sawMPD {
		return nil, errors.New("no MPD element")
	}
	return out, nil
}

// CheckMedia reports whether a media file is complete by its container
// framing: an MPEG-TS file is a whole number of 188-octet packets each
// starting with the 0x47 sync byte; an ISO BMFF file (fMP4 .m4s, .mp4,
// .m4a, CMAF) is a sequence of boxes whose sizes add up to the file size.
// Other files are not checked. The error wraps ErrIncomplete.
func CheckMedia(rel string, b []byte) error {
	switch strings.ToLower(path.Ext(rel)) {
	case ".ts":
		if len(b) == 0 || len(b)%188 != 0 {
			return fmt.Errorf("%w: %s is %d octets, not a whole number of 188-octet TS packets", ErrIncomplete, rel, len(b))
		}
		for i := 0; i < len(b); i += 188 {
			if b[i] != 0x47 {
				return fmt.Errorf("%w: %s has no TS sync byte at offset %d", ErrIncomplete, rel, i)
			}
		}
	case ".m4s", ".mp4", ".m4a", ".m4v", ".cmfv", ".cmfa":
		if len(b) == 0 {
			return fmt.Errorf("%w: %s is empty", ErrIncomplete, rel)
		}
		for off := uint64(0); off < uint64(len(b)); {
			rem := uint64(len(b)) - off
			if rem < 8 {
				return fmt.Errorf("%w: %s ends inside a box header at offset %d", ErrIncomplete, rel, off)
			}
			size := uint64(binary.BigEndian.Uint32(b[off:]))
			switch size {
			case 0: // extends to the end of the file
				size = rem
			case 1:
				if rem < 16 {
					return fmt.Errorf("%w: %s ends inside a box header at offset %d", ErrIncomplete, rel, off)
				}
				size = binary.BigEndian.Uint64(b[off+8:])
				if size < 16 {
					return fmt.Errorf("%w: %s has a box of size %d at offset %d", ErrIncomplete, rel, size, off)
				}
			default:
				if size < 8 {
					return fmt.Errorf("%w: %s has a box of size %d at offset %d", ErrIncomplete, rel, size, off)
				}
			}
			if size > rem {
				return fmt.Errorf("%w: %s: box %q at offset %d needs %d octets, the file has %d", ErrIncomplete, rel, b[off+4:off+8], off, size, rem)
			}
			off += size
		}
	}
	return nil
}
