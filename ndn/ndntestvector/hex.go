// Package ndntestvector holds the packet test vectors of ndn-protocols.md §6
// as annotated hex, together with the field values a decoder must find in
// them, so that tests in every package check against the same bytes.
//
// It imports only the standard library: expected values are plain strings
// and numbers (names as URIs, byte strings as lowercase hex), never ndn
// types, so package ndn's own tests can use it too.
//
// Key tables: [Interests], [Datas], [Names], [LpPackets], [Invalid].
package ndntestvector

import (
	"encoding/hex"
	"strings"
)

// Bytes decodes annotated hex: hex digits in either case, with whitespace,
// the grouping characters "(", ")" and "|", and "//" comments to the end of
// a line ignored. It panics on anything else, because vectors are constants.
func Bytes(annotated string) []byte {
	b, err := Parse(annotated)
	if err != nil {
		panic("ndntestvector: " + err.Error())
	}
	return b
}

// Parse is Bytes for input that is not a constant: it returns an error
// instead of panicking.
func Parse(annotated string) ([]byte, error) {
	var sb strings.Builder
	for line := range strings.Lines(annotated) {
		if i := strings.Index(line, "//"); i >= 0 {
			line = line[:i]
		}
		for _, r := range line {
			switch r {
			case ' ', '\t', '\n', '\r', '(', ')', '|':
				continue
			}
			sb.WriteRune(r)
		}
	}
	return hex.DecodeString(sb.String())
}

// Hex returns the vector's bytes as lowercase hex without annotations.
func Hex(annotated string) string {
	return hex.EncodeToString(Bytes(annotated))
}
