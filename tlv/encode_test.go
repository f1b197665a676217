package tlv_test

import (
	"bytes"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/ndnflow/ndnflow/tlv"
)

func TestAppendElement(t *testing.T) {
	tests := []struct {
		name  string
		typ   uint32
		value []byte
		hex   string
	}{
		{"1-octet type and length", 0x08, []byte("A"), "08 01 41"},
		{"empty value", 0x21, nil, "21 00"},
		{"type 252, last 1-octet type", 252, nil, "FC 00"},
		{"type 253 needs 3 octets", 253, nil, "FD00FD 00"},
		{"type 254 needs 3 octets", 254, []byte("x"), "FD00FE 01 78"},
		{"type 255 needs 3 octets", 255, nil, "FD00FF 00"},
		{"type 256", 256, nil, "FD0100 00"},
		{"5-octet type", 65536, nil, "FE00010000 00"},
		{"largest type", math.MaxUint32, nil, "FEFFFFFFFF 00"},
		{"3-octet length", 0x15, make([]byte, 253), "15 FD00FD" + strings.Repeat("00", 253)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := unhex(t, tt.hex)
			got := tlv.AppendElement([]byte{0xAA}, tt.typ, tt.value)
			if !bytes.Equal(got[1:], want) || got[0] != 0xAA {
				t.Errorf("AppendElement(AA, %d, % X) = % X, want AA % X", tt.typ, tt.value, got, want)
			}
			if n := tlv.ElementLen(tt.typ, len(tt.value)); n != len(want) {
				t.Errorf("ElementLen = %d, want %d", n, len(want))
			}
			if n := tlv.TLLen(tt.typ, len(tt.value)); n != len(want)-len(tt.value) {
				t.Errorf("TLLen = %d, want %d", n, len(want)-len(tt.value))
			}
			e, err := tlv.Decode(want)
			if err != nil || e.Type != tt.typ || !bytes.Equal(e.Value, tt.value) {
				t.Errorf("Decode(AppendElement) = %d % X, %v", e.Type, e.Value, err)
			}
		})
	}
}

// TLLen and ElementLen agree with what AppendTL writes, across every size boundary.
func TestLengthsAgreeWithAppend(t *testing.T) {
	types := []uint32{1, 252, 253, 255, 65535, 65536, math.MaxUint32}
	lengths := []int{0, 1, 252, 253, 65535, 65536, math.MaxInt32}
	if strconv.IntSize == 64 {
		one := 1
		lengths = append(lengths, one<<32-1, one<<32) // largest 5-octet and smallest 9-octet length
	}
	for _, typ := range types {
		for _, l := range lengths {
			tl := tlv.AppendTL(nil, typ, l)
			if n := tlv.TLLen(typ, l); n != len(tl) {
				t.Errorf("TLLen(%d, %d) = %d, AppendTL wrote %d octets", typ, l, n, len(tl))
			}
			if n := tlv.ElementLen(typ, l); n != len(tl)+l {
				t.Errorf("ElementLen(%d, %d) = %d, want %d", typ, l, n, len(tl)+l)
			}
			gotT, tn, err := tlv.ReadVarNum(tl)
			if err != nil || gotT != uint64(typ) {
				t.Fatalf("AppendTL(%d, %d) = % X: type reads back as %d, %v", typ, l, tl, gotT, err)
			}
			if gotL, _, err := tlv.ReadVarNum(tl[tn:]); err != nil || gotL != uint64(l) {
				t.Errorf("AppendTL(%d, %d) = % X: length reads back as %d, %v", typ, l, tl, gotL, err)
			}
		}
	}
}

// meta is a small Field, shaped like a MetaInfo: ContentType and FreshnessPeriod.
type meta struct {
	contentType, freshness uint64
}

func (m meta) valueLen() int {
	return tlv.NNIElementLen(0x18, m.contentType) + tlv.NNIElementLen(0x19, m.freshness)
}

func (m meta) Length() int { return tlv.ElementLen(0x14, m.valueLen()) }

func (m meta) Append(dst []byte) []byte {
	dst = tlv.AppendTL(dst, 0x14, m.valueLen())
	dst = tlv.AppendNNIElement(dst, 0x18, m.contentType)
	return tlv.AppendNNIElement(dst, 0x19, m.freshness)
}

var _ tlv.Field = meta{}

func TestEncode(t *testing.T) {
	tests := []struct {
		m   meta
		hex string
	}{
		{meta{0, 0}, "14 06 | 18 01 00 | 19 01 00"},
		{meta{2, 4000}, "14 07 | 18 01 02 | 19 02 0FA0"},
		{meta{0, 1 << 40}, "14 0D | 18 01 00 | 19 08 0000010000000000"},
	}
	for _, tt := range tests {
		want := unhex(t, tt.hex)
		got := tlv.Encode(tt.m)
		if !bytes.Equal(got, want) {
			t.Errorf("Encode(%+v) = % X, want % X", tt.m, got, want)
		}
		if len(got) != tt.m.Length() || cap(got) != len(got) {
			t.Errorf("Encode(%+v): len %d cap %d, Length() %d; want all equal", tt.m, len(got), cap(got), tt.m.Length())
		}
	}
}

func TestAppendDoesNotAllocateWithRoom(t *testing.T) {
	buf := make([]byte, 0, 64)
	m := meta{2, 4000}
	if n := testing.AllocsPerRun(100, func() {
		b := m.Append(buf[:0])
		b = tlv.AppendElement(b, 0x15, []byte("hello"))
		_ = tlv.AppendVarNum(b, math.MaxUint64)
	}); n != 0 {
		t.Errorf("appending into a buffer with room: %v allocations per run, want 0", n)
	}
}
