package mgmt_test

import (
	"bytes"
	"encoding/hex"
	"strings"
	"testing"
)

// unhex decodes an annotated hex vector: whitespace is ignored, "quoted"
// text stands for its UTF-8 bytes, and "…" comments are not allowed.
func unhex(t testing.TB, s string) []byte {
	t.Helper()
	var out []byte
	for len(s) > 0 {
		switch {
		case s[0] == ' ' || s[0] == '\n' || s[0] == '\t':
			s = s[1:]
		case s[0] == '"':
			end := strings.IndexByte(s[1:], '"')
			if end < 0 {
				t.Fatalf("unterminated quote in vector")
			}
			out = append(out, s[1:1+end]...)
			s = s[end+2:]
		default:
			end := strings.IndexAny(s, " \n\t\"")
			if end < 0 {
				end = len(s)
			}
			b, err := hex.DecodeString(s[:end])
			if err != nil {
				t.Fatalf("bad hex %q: %v", s[:end], err)
			}
			out = append(out, b...)
			s = s[end:]
		}
	}
	return out
}

func checkBytes(t testing.TB, what string, got, want []byte) {
	t.Helper()
	if !bytes.Equal(got, want) {
		t.Errorf("%s:\n got %x\nwant %x", what, got, want)
	}
}
