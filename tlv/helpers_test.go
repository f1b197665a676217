package tlv_test

import (
	"encoding/hex"
	"strings"
	"testing"
)

// unhex decodes annotated hex: spaces and '|' separate fields for the reader,
// and anything from '#' to the end of the string is a comment.
func unhex(tb testing.TB, s string) []byte {
	tb.Helper()
	if i := strings.IndexByte(s, '#'); i >= 0 {
		s = s[:i]
	}
	b, err := hex.DecodeString(strings.Join(strings.Fields(strings.ReplaceAll(s, "|", " ")), ""))
	if err != nil {
		tb.Fatalf("bad test hex %q: %v", s, err)
	}
	return b
}
