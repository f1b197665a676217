package tlv_test

import (
	"bytes"
	"errors"
	"math"
	"testing"

	"github.com/ndnflow/ndnflow/tlv"
)

func TestVarNumMinimalEncoding(t *testing.T) {
	// Minimal VAR-NUMBER encodings (ndn-protocols.md §1.1), including both edges of every size.
	vectors := []struct {
		v   uint64
		hex string
	}{
		{0, "00"},
		{1, "01"},
		{252, "FC"},                     // largest 1-octet value
		{253, "FD 00FD"},                // smallest 3-octet value
		{1024, "FD 0400"},               // the spec's example, not FE 00000400
		{65535, "FD FFFF"},              // largest 3-octet value
		{65536, "FE 00010000"},          // smallest 5-octet value
		{math.MaxUint32, "FE FFFFFFFF"}, // largest 5-octet value
		{math.MaxUint32 + 1, "FF 0000000100000000"}, // smallest 9-octet value
		{math.MaxUint64, "FF FFFFFFFFFFFFFFFF"},     // largest value
		{0x0102030405060708, "FF 0102030405060708"}, // byte order is big-endian
	}
	for _, tt := range vectors {
		want := unhex(t, tt.hex)
		if got := tlv.AppendVarNum(nil, tt.v); !bytes.Equal(got, want) {
			t.Errorf("AppendVarNum(%d) = % X, want % X", tt.v, got, want)
		}
		if got := tlv.VarNumLen(tt.v); got != len(want) {
			t.Errorf("VarNumLen(%d) = %d, want %d", tt.v, got, len(want))
		}
		// Decoding reads exactly the number and ignores what follows.
		in := append(bytes.Clone(want), 0xAA, 0xBB)
		v, n, err := tlv.ReadVarNum(in)
		if err != nil || v != tt.v || n != len(want) {
			t.Errorf("ReadVarNum(% X) = %d, %d, %v; want %d, %d, nil", in, v, n, err, tt.v, len(want))
		}
	}
}

func TestAppendVarNumKeepsPrefix(t *testing.T) {
	dst := []byte{0x99}
	got := tlv.AppendVarNum(dst, 1024)
	if want := unhex(t, "99 FD0400"); !bytes.Equal(got, want) {
		t.Errorf("AppendVarNum appended to % X gives % X, want % X", dst, got, want)
	}
}

// Decoders accept non-minimal encodings, as ndn-cxx and NDNts do (§1.1).
func TestReadVarNumNonMinimal(t *testing.T) {
	tests := []struct {
		hex string
		v   uint64
	}{
		{"FD 0000", 0},
		{"FD 00FC", 252},
		{"FE 00000400", 1024},
		{"FE 0000FFFF", 65535},
		{"FF 0000000000000001", 1},
		{"FF 00000000FFFFFFFF", math.MaxUint32},
	}
	for _, tt := range tests {
		b := unhex(t, tt.hex)
		v, n, err := tlv.ReadVarNum(b)
		if err != nil || v != tt.v || n != len(b) {
			t.Errorf("ReadVarNum(%s) = %d, %d, %v; want %d, %d, nil", tt.hex, v, n, err, tt.v, len(b))
		}
	}
}

// Every proper prefix of every size's encoding is truncated.
func TestReadVarNumTruncated(t *testing.T) {
	for _, full := range []string{"FD 0100", "FE 00010000", "FF 0000000100000000"} {
		b := unhex(t, full)
		for i := range len(b) {
			_, _, err := tlv.ReadVarNum(b[:i])
			if !errors.Is(err, tlv.ErrTruncated) {
				t.Errorf("ReadVarNum(% X) (first %d of %s) error = %v, want ErrTruncated", b[:i], i, full, err)
			}
		}
	}
}

func TestNNI(t *testing.T) {
	// Minimal encodings; the first five are the examples of ndn-protocols.md §1.2.
	tests := []struct {
		v   uint64
		hex string
	}{
		{0, "00"},
		{255, "FF"},
		{256, "0100"},
		{65535, "FFFF"},
		{65536, "00010000"},
		{math.MaxUint32, "FFFFFFFF"},
		{math.MaxUint32 + 1, "0000000100000000"},
		{math.MaxUint64, "FFFFFFFFFFFFFFFF"},
	}
	for _, tt := range tests {
		want := unhex(t, tt.hex)
		if got := tlv.AppendNNI(nil, tt.v); !bytes.Equal(got, want) {
			t.Errorf("AppendNNI(%d) = % X, want % X", tt.v, got, want)
		}
		if got := tlv.NNILen(tt.v); got != len(want) {
			t.Errorf("NNILen(%d) = %d, want %d", tt.v, got, len(want))
		}
		if v, err := tlv.DecodeNNI(want); err != nil || v != tt.v {
			t.Errorf("DecodeNNI(% X) = %d, %v; want %d", want, v, err, tt.v)
		}
	}
}

// The §1.2 examples as whole elements: "TT 01 00" and so on, with TT = 0x19 FreshnessPeriod.
func TestNNIElement(t *testing.T) {
	tests := []struct {
		v   uint64
		hex string
	}{
		{0, "19 01 00"},
		{255, "19 01 FF"},
		{256, "19 02 0100"},
		{65535, "19 02 FFFF"},
		{65536, "19 04 00010000"},
	}
	for _, tt := range tests {
		want := unhex(t, tt.hex)
		if got := tlv.AppendNNIElement(nil, 0x19, tt.v); !bytes.Equal(got, want) {
			t.Errorf("AppendNNIElement(0x19, %d) = % X, want % X", tt.v, got, want)
		}
		if got := tlv.NNIElementLen(0x19, tt.v); got != len(want) {
			t.Errorf("NNIElementLen(0x19, %d) = %d, want %d", tt.v, got, len(want))
		}
		e, err := tlv.Decode(want)
		if err != nil {
			t.Fatalf("Decode(% X): %v", want, err)
		}
		if v, err := e.NNI(); err != nil || v != tt.v {
			t.Errorf("Element(% X).NNI() = %d, %v; want %d", want, v, err, tt.v)
		}
	}
}

// Decoders accept non-minimal NNIs but reject lengths other than 1, 2, 4 and 8.
func TestDecodeNNILengths(t *testing.T) {
	for n := range 10 {
		b := make([]byte, n)
		if n > 0 {
			b[n-1] = 7
		}
		v, err := tlv.DecodeNNI(b)
		switch n {
		case 1, 2, 4, 8:
			if err != nil || v != 7 {
				t.Errorf("DecodeNNI(% X) = %d, %v; want 7, nil", b, v, err)
			}
		default:
			if !errors.Is(err, tlv.ErrNNI) {
				t.Errorf("DecodeNNI of %d octets: error %v, want ErrNNI", n, err)
			}
		}
	}
}

func TestIsCritical(t *testing.T) {
	tests := []struct {
		t    uint32
		want bool
		why  string
	}{
		{1, true, "ImplicitSha256DigestComponent: grandfathered 0-31"},
		{5, true, "Interest"},
		{8, true, "GenericNameComponent: even but <= 31"},
		{18, true, "MustBeFresh: even but <= 31"},
		{30, true, "ForwardingHint: even but <= 31"},
		{31, true, "largest grandfathered type"},
		{32, false, "KeywordNameComponent: first even type above 31"},
		{33, true, "CanBePrefix: odd"},
		{34, false, "HopLimit"},
		{36, false, "ApplicationParameters"},
		{253, true, "ValidityPeriod: odd"},
		{254, false, "NotBefore"},
		{258, false, "AdditionalDescription"},
		{0x0340, false, "LP even type"},
		{math.MaxUint32, true, "largest type, odd"},
		{math.MaxUint32 - 1, false, "largest even type"},
	}
	for _, tt := range tests {
		if got := tlv.IsCritical(tt.t); got != tt.want {
			t.Errorf("IsCritical(%d) = %v, want %v (%s)", tt.t, got, tt.want, tt.why)
		}
	}
}
