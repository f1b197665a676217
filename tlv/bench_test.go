package tlv_test

import (
	"testing"

	"github.com/ndnflow/ndnflow/tlv"
)

// interestValue is the inside of a typical Interest: a 4-component Name,
// CanBePrefix, MustBeFresh, Nonce, InterestLifetime and HopLimit.
const interestValue = "07 1C 0805 766964656F 0805 6C69766531 3608 000001927A3E1C00 3202 0102" +
	" 21 00 12 00 0A 04 A0A1A2A3 0C 02 0FA0 22 01 40"

func BenchmarkReadElement(b *testing.B) {
	buf := tlv.AppendElement(nil, 5, unhex(b, interestValue))
	b.SetBytes(int64(len(buf)))
	b.ReportAllocs()
	for b.Loop() {
		e, _, err := tlv.ReadElement(buf)
		if err != nil || e.Type != 5 {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecoder(b *testing.B) {
	buf := unhex(b, interestValue)
	b.SetBytes(int64(len(buf)))
	b.ReportAllocs()
	for b.Loop() {
		d := tlv.NewDecoder(buf)
		n := 0
		for d.Next() {
			n++
		}
		if d.Err() != nil || n != 6 {
			b.Fatal(n, d.Err())
		}
	}
}

func BenchmarkAppendElement(b *testing.B) {
	value := unhex(b, interestValue)
	buf := make([]byte, 0, 128)
	b.SetBytes(int64(tlv.ElementLen(5, len(value))))
	b.ReportAllocs()
	for b.Loop() {
		buf = tlv.AppendElement(buf[:0], 5, value)
	}
}
