package cert

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"os"

	"github.com/ndnflow/ndnflow/ndn"
)

// EncodeBase64 returns the base64 of wire in 64-character lines with a
// trailing newline, as `ndnsec cert-dump` prints a certificate and as
// ndnsec and NDNts read .ndncert files.
func EncodeBase64(wire []byte) []byte {
	s := base64.StdEncoding.EncodeToString(wire)
	var b bytes.Buffer
	for len(s) > 64 {
		b.WriteString(s[:64])
		b.WriteByte('\n')
		s = s[64:]
	}
	b.WriteString(s)
	b.WriteByte('\n')
	return b.Bytes()
}

// DecodeBase64 decodes base64 text, ignoring whitespace and line breaks.
func DecodeBase64(text []byte) ([]byte, error) {
	clean := bytes.Map(func(r rune) rune {
		if r == ' ' || r == '\n' || r == '\r' || r == '\t' {
			return -1
		}
		return r
	}, text)
	out := make([]byte, base64.StdEncoding.DecodedLen(len(clean)))
	n, err := base64.StdEncoding.Decode(out, clean)
	if err != nil {
		return nil, fmt.Errorf("%w: base64: %v", ErrNotCert, err)
	}
	return out[:n], nil
}

// Parse decodes a certificate file's contents: the binary Data or its
// base64 (any line length), as ndnsec and NDNts write .ndncert files.
func Parse(contents []byte) (*Certificate, error) {
	if len(contents) > 0 && contents[0] == ndn.TtData {
		return Decode(contents)
	}
	w, err := DecodeBase64(contents)
	if err != nil {
		return nil, err
	}
	return Decode(w)
}

// ReadFile reads and parses a certificate file (see Parse), for example a
// trust anchor named in a configuration file.
func ReadFile(path string) (*Certificate, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	c, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}
