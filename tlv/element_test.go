package tlv_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/ndnflow/ndnflow/tlv"
)

func TestReadElement(t *testing.T) {
	tests := []struct {
		name  string
		hex   string // input; the element is followed by trailing bytes where noted
		typ   uint32
		value string
		n     int
	}{
		{"name with one component", "07 03 080141", 7, "080141", 5},
		{"empty value", "21 00", 33, "", 2},
		{"trailing bytes not consumed", "0A 04 A0A1A2A3 22 01 40", 10, "A0A1A2A3", 6},
		{"3-octet type 253 (ValidityPeriod)", "FD00FD 00", 253, "", 4},
		{"3-octet type 255 (NotAfter)", "FD00FF 01 41", 255, "41", 5},
		{"5-octet type, largest allowed", "FEFFFFFFFF 01 99", 0xFFFFFFFF, "99", 7},
		{"3-octet length", "15 FD00FD" + strings.Repeat("00", 253), 21, strings.Repeat("00", 253), 257},
		{"non-minimal type and length", "FD0007 FE00000001 08", 7, "08", 9},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := unhex(t, tt.hex)
			e, n, err := tlv.ReadElement(b)
			if err != nil {
				t.Fatalf("ReadElement(% X): %v", b, err)
			}
			if e.Type != tt.typ || n != tt.n {
				t.Errorf("Type, n = %d, %d; want %d, %d", e.Type, n, tt.typ, tt.n)
			}
			if want := unhex(t, tt.value); !bytes.Equal(e.Value, want) {
				t.Errorf("Value = % X, want % X", e.Value, want)
			}
			if !bytes.Equal(e.Wire, b[:n]) {
				t.Errorf("Wire = % X, want % X", e.Wire, b[:n])
			}
		})
	}
}

func TestReadElementErrors(t *testing.T) {
	tests := []struct {
		name string
		hex  string
		want error
	}{
		{"empty input", "", tlv.ErrTruncated},
		{"type 0", "00 00", tlv.ErrType},
		{"type 0, 3 octets", "FD0000 00", tlv.ErrType},
		{"type 2^32 (9 octets)", "FF0000000100000000 00", tlv.ErrType},
		{"type 2^64-1", "FFFFFFFFFFFFFFFFFF 00", tlv.ErrType},
		{"type truncated in 3-octet form", "FD00", tlv.ErrTruncated},
		{"type 253 written in 1 octet reads as a truncated 3-octet number", "FD 00", tlv.ErrTruncated},
		{"type truncated in 5-octet form", "FE000001", tlv.ErrTruncated},
		{"no length", "07", tlv.ErrTruncated},
		{"length truncated in 3-octet form", "07 FD01", tlv.ErrTruncated},
		{"length truncated in 9-octet form", "07 FF00000000000000", tlv.ErrTruncated},
		{"value shorter than length", "07 03 0801", tlv.ErrTruncated},
		{"length 2^64-1 does not overflow", "07 FFFFFFFFFFFFFFFFFF 00", tlv.ErrTruncated},
		{"length 2^32 does not overflow", "07 FF0000000100000000 00", tlv.ErrTruncated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := unhex(t, tt.hex)
			e, n, err := tlv.ReadElement(b)
			if !errors.Is(err, tt.want) {
				t.Errorf("ReadElement(% X) error = %v, want %v", b, err, tt.want)
			}
			if n != 0 || e.Type != 0 || e.Value != nil || e.Wire != nil {
				t.Errorf("ReadElement(% X) returned %+v, %d with an error; want the zero Element and 0", b, e, n)
			}
		})
	}
}

// Value and Wire point into the input: decoding copies nothing.
func TestReadElementNoCopy(t *testing.T) {
	b := unhex(t, "FD00FD 03 414243 EE") // 3-octet type, then a trailing byte
	e, n, err := tlv.ReadElement(b)
	if err != nil || n != 7 {
		t.Fatalf("ReadElement = %v, %d", err, n)
	}
	if &e.Wire[0] != &b[0] || len(e.Wire) != 7 {
		t.Errorf("Wire is not b[0:7]")
	}
	if &e.Value[0] != &b[4] || len(e.Value) != 3 {
		t.Errorf("Value is not b[4:7]")
	}
	// Capacities end with the element, so appending to Value or Wire cannot
	// overwrite the bytes that follow it in the input.
	_ = append(e.Value, 0x00)
	_ = append(e.Wire, 0x00)
	if b[7] != 0xEE {
		t.Errorf("appending to Value or Wire overwrote the next input byte")
	}
}

func TestDecode(t *testing.T) {
	b := unhex(t, "07 03 080141")
	e, err := tlv.Decode(b)
	if err != nil || e.Type != 7 || &e.Wire[0] != &b[0] || len(e.Wire) != len(b) {
		t.Errorf("Decode(% X) = %+v, %v", b, e, err)
	}
	for _, in := range []string{"07 03 080141 00", "07 03 080141 0801"} {
		if _, err := tlv.Decode(unhex(t, in)); !errors.Is(err, tlv.ErrTrailing) {
			t.Errorf("Decode(%s) error = %v, want ErrTrailing", in, err)
		}
	}
	if _, err := tlv.Decode(unhex(t, "07 04 080141")); !errors.Is(err, tlv.ErrTruncated) {
		t.Errorf("Decode of a truncated element: error = %v, want ErrTruncated", err)
	}
}

func TestDecoder(t *testing.T) {
	// The inside of an Interest: Name, CanBePrefix, Nonce, HopLimit.
	b := unhex(t, "07 03 080141 | 21 00 | 0A 04 A0A1A2A3 | 22 01 40")
	type got struct {
		typ    uint32
		value  string
		offset int
	}
	want := []got{{7, "080141", 5}, {33, "", 7}, {10, "A0A1A2A3", 13}, {34, "40", 16}}
	var all []got
	d := tlv.NewDecoder(b)
	for d.Next() {
		e := d.Element()
		all = append(all, got{e.Type, string(e.Value), d.Offset()})
	}
	if err := d.Err(); err != nil {
		t.Fatalf("Err() = %v", err)
	}
	if len(all) != len(want) {
		t.Fatalf("decoded %d elements, want %d", len(all), len(want))
	}
	for i := range want {
		w := want[i]
		w.value = string(unhex(t, w.value))
		if all[i] != w {
			t.Errorf("element %d = %+v, want %+v", i, all[i], w)
		}
	}
	if len(d.Rest()) != 0 || d.Next() {
		t.Errorf("after the last element: Rest() = % X, Next() = true", d.Rest())
	}
}

func TestDecoderStopsAtFirstError(t *testing.T) {
	b := unhex(t, "21 00 | 0A 04 A0A1 ") // the Nonce is truncated
	d := tlv.NewDecoder(b)
	if !d.Next() || d.Element().Type != 33 {
		t.Fatalf("first element not decoded")
	}
	if d.Next() {
		t.Fatalf("Next() = true on a truncated element")
	}
	if !errors.Is(d.Err(), tlv.ErrTruncated) {
		t.Errorf("Err() = %v, want ErrTruncated", d.Err())
	}
	if d.Offset() != 2 || !bytes.Equal(d.Rest(), b[2:]) {
		t.Errorf("Offset() = %d, Rest() = % X; want 2 and the undecoded bytes", d.Offset(), d.Rest())
	}
	if d.Next() {
		t.Errorf("Next() = true after an error")
	}
}

func TestDecoderZeroValue(t *testing.T) {
	var d tlv.Decoder
	if d.Next() || d.Err() != nil || d.Offset() != 0 || len(d.Rest()) != 0 {
		t.Errorf("zero Decoder is not an empty, error-free decoder")
	}
}

func TestDecodingDoesNotAllocate(t *testing.T) {
	b := unhex(t, "07 03 080141 | 21 00 | 0A 04 A0A1A2A3 | 22 01 40 | 0C 02 0FA0")
	var sink uint32
	if n := testing.AllocsPerRun(100, func() {
		d := tlv.NewDecoder(b)
		for d.Next() {
			sink += d.Element().Type
		}
		if d.Err() != nil {
			panic(d.Err())
		}
	}); n != 0 {
		t.Errorf("Decoder iteration: %v allocations per run, want 0", n)
	}
	if n := testing.AllocsPerRun(100, func() {
		e, _, err := tlv.ReadElement(b)
		if err != nil {
			panic(err)
		}
		v, _ := tlv.DecodeNNI(e.Value[2:3])
		sink += e.Type + uint32(v)
	}); n != 0 {
		t.Errorf("ReadElement: %v allocations per run, want 0", n)
	}
	_ = sink
}
