package tlv_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/ndnflow/ndnflow/tlv"
)

// FuzzReadElement checks that ReadElement never panics, that a decoded
// element is a prefix of the input, and that re-encoding it minimally decodes
// to the same Type and Value. Decoding is lenient (non-minimal VAR-NUMBERs are
// accepted), so the re-encoding equals the input only when the input was minimal.
func FuzzReadElement(f *testing.F) {
	for _, s := range []string{
		"07 03 080141",
		"21 00",
		"FD00FD 00",
		"FEFFFFFFFF 01 99",
		"FD0007 FE00000001 08",              // non-minimal
		"05 0B 07 03 080141 0A 04 A0A1A2A3", // a small Interest
		"00 00",
		"FF0000000100000000 00",
		"07 FFFFFFFFFFFFFFFFFF 00",
		"07 03 0801",
		"",
	} {
		f.Add(unhex(f, s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		e, n, err := tlv.ReadElement(b)
		whole, wholeErr := tlv.Decode(b)
		if err != nil {
			if n != 0 || e.Wire != nil || e.Value != nil {
				t.Fatalf("error %v came with n=%d and a non-zero element", err, n)
			}
			if !errors.Is(err, tlv.ErrTruncated) && !errors.Is(err, tlv.ErrType) {
				t.Fatalf("unexpected error %v", err)
			}
			if !errors.Is(wholeErr, err) {
				t.Fatalf("Decode error %v, ReadElement error %v", wholeErr, err)
			}
			return
		}
		if n < 2 || n > len(b) || !bytes.Equal(e.Wire, b[:n]) || &e.Wire[0] != &b[0] {
			t.Fatalf("n=%d, Wire=% X is not the input's first n bytes", n, e.Wire)
		}
		if e.Type == 0 || len(e.Value) > n-2 || !bytes.HasSuffix(e.Wire, e.Value) {
			t.Fatalf("bad element %+v", e)
		}
		if (wholeErr == nil) != (n == len(b)) || (wholeErr != nil && !errors.Is(wholeErr, tlv.ErrTrailing)) {
			t.Fatalf("Decode error %v with n=%d of %d bytes", wholeErr, n, len(b))
		}
		if wholeErr == nil && (whole.Type != e.Type || !bytes.Equal(whole.Wire, e.Wire)) {
			t.Fatalf("Decode and ReadElement disagree")
		}

		re := tlv.AppendElement(nil, e.Type, e.Value)
		if len(re) != tlv.ElementLen(e.Type, len(e.Value)) || len(re) > n {
			t.Fatalf("re-encoding is %d bytes, ElementLen %d, input element %d", len(re), tlv.ElementLen(e.Type, len(e.Value)), n)
		}
		if len(re) == n && !bytes.Equal(re, e.Wire) {
			t.Fatalf("minimal input % X re-encoded as % X", e.Wire, re)
		}
		e2, n2, err := tlv.ReadElement(re)
		if err != nil || n2 != len(re) || e2.Type != e.Type || !bytes.Equal(e2.Value, e.Value) {
			t.Fatalf("re-decoding % X gave %d % X, %d, %v; want %d % X", re, e2.Type, e2.Value, n2, err, e.Type, e.Value)
		}
	})
}

// FuzzVarNum checks that ReadVarNum never panics and that the minimal
// re-encoding of what it reads is no longer than the input and reads back the same.
func FuzzVarNum(f *testing.F) {
	for _, s := range []string{"00", "FC", "FD 00FD", "FD 0000", "FE 00010000", "FF 0000000100000000", "FF FFFFFFFFFFFFFFFF", "FD", "FE 0000", ""} {
		f.Add(unhex(f, s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		v, n, err := tlv.ReadVarNum(b)
		if err != nil {
			if !errors.Is(err, tlv.ErrTruncated) || n != 0 {
				t.Fatalf("error %v, n=%d", err, n)
			}
			return
		}
		want := map[byte]int{0xFD: 3, 0xFE: 5, 0xFF: 9}[b[0]]
		if want == 0 {
			want = 1
		}
		if n != want {
			t.Fatalf("first octet %02X: n=%d, want %d", b[0], n, want)
		}
		re := tlv.AppendVarNum(nil, v)
		if len(re) != tlv.VarNumLen(v) || len(re) > n {
			t.Fatalf("%d re-encoded in %d octets, VarNumLen %d, input %d", v, len(re), tlv.VarNumLen(v), n)
		}
		if len(re) == n && !bytes.Equal(re, b[:n]) {
			t.Fatalf("minimal input % X re-encoded as % X", b[:n], re)
		}
		if v2, n2, err := tlv.ReadVarNum(re); err != nil || v2 != v || n2 != len(re) {
			t.Fatalf("% X reads back as %d, %d, %v; want %d", re, v2, n2, err, v)
		}
	})
}

// FuzzDecodeNNI checks that DecodeNNI accepts exactly the lengths 1, 2, 4 and
// 8 and that the shortest re-encoding reads back the same value.
func FuzzDecodeNNI(f *testing.F) {
	for _, s := range []string{"", "00", "0100", "010000", "00010000", "0000000100000000", "000000000000000000"} {
		f.Add(unhex(f, s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		v, err := tlv.DecodeNNI(b)
		switch len(b) {
		case 1, 2, 4, 8:
		default:
			if !errors.Is(err, tlv.ErrNNI) {
				t.Fatalf("%d octets: error %v, want ErrNNI", len(b), err)
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		re := tlv.AppendNNI(nil, v)
		if len(re) != tlv.NNILen(v) || len(re) > len(b) {
			t.Fatalf("%d re-encoded in %d octets, NNILen %d, input %d", v, len(re), tlv.NNILen(v), len(b))
		}
		if v2, err := tlv.DecodeNNI(re); err != nil || v2 != v {
			t.Fatalf("% X reads back as %d, %v; want %d", re, v2, err, v)
		}
	})
}

// FuzzDecoder checks that a Decoder walks consecutive elements: their Wires
// concatenate to the consumed bytes, and it stops at the end or at the first
// error, which is exactly ReadElement's error on the rest.
func FuzzDecoder(f *testing.F) {
	for _, s := range []string{"07 03 080141 21 00 0A 04 A0A1A2A3 22 01 40", "21 00 0A 04 A0A1", "", "00"} {
		f.Add(unhex(f, s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		d := tlv.NewDecoder(b)
		var consumed []byte
		for i := 0; d.Next(); i++ {
			if i > len(b) {
				t.Fatalf("more elements than input bytes")
			}
			consumed = append(consumed, d.Element().Wire...)
			if d.Offset() != len(consumed) {
				t.Fatalf("Offset %d after %d bytes of elements", d.Offset(), len(consumed))
			}
		}
		if !bytes.Equal(consumed, b[:d.Offset()]) || !bytes.Equal(d.Rest(), b[d.Offset():]) {
			t.Fatalf("elements do not tile the consumed input")
		}
		if d.Err() == nil {
			if d.Offset() != len(b) {
				t.Fatalf("stopped at %d of %d bytes without an error", d.Offset(), len(b))
			}
			return
		}
		if _, _, err := tlv.ReadElement(d.Rest()); !errors.Is(err, d.Err()) {
			t.Fatalf("Err() = %v, ReadElement on the rest = %v", d.Err(), err)
		}
	})
}
