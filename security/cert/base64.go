package cert

import (
	"bytes"
	"encoding/base64"
	"fmt"
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
