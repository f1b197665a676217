package ndntestvector_test

import (
	"testing"

	"github.com/ndnflow/ndnflow/ndn/ndntestvector"
	"github.com/ndnflow/ndnflow/tlv"
)

// TestWellFormed checks that every valid vector is exactly one TLV element,
// so that a typo in a length shows up here rather than as a decoder bug.
func TestWellFormed(t *testing.T) {
	check := func(id, h string) {
		t.Helper()
		if _, err := tlv.Decode(ndntestvector.Bytes(h)); err != nil {
			t.Errorf("%s: %v", id, err)
		}
	}
	for _, v := range ndntestvector.Interests {
		check(v.ID, v.Hex)
	}
	for _, v := range ndntestvector.Datas {
		check(v.ID, v.Hex)
	}
	for _, v := range ndntestvector.Names {
		check(v.ID, v.Hex)
	}
	for _, v := range ndntestvector.LpPackets {
		check(v.ID, v.Hex)
		if len(v.Fragment) > 8 { // a whole packet, not a 2-octet slice
			check(v.ID+" fragment", v.Fragment)
		}
	}
	check("ValidityPeriod", ndntestvector.ValidityPeriodHex)
	for _, v := range ndntestvector.Invalid {
		// Only the truncation vectors may break the outer element; the
		// others must fail for their own rule, inside a sound TLV.
		if v.Rule == ndntestvector.RuleTruncated {
			continue
		}
		if _, err := tlv.Decode(ndntestvector.Bytes(v.Hex)); err != nil {
			t.Errorf("%s %q: outer element: %v", v.Kind, v.Desc, err)
		}
	}
}

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"05 01 (AB) | cd", "0501abcd", true},
		{"0a0b // comment 99\n0C", "0a0b0c", true},
		{"0g", "", false},
		{"abc", "", false},
	} {
		b, err := ndntestvector.Parse(tc.in)
		if (err == nil) != tc.ok {
			t.Errorf("Parse(%q) error %v", tc.in, err)
			continue
		}
		if tc.ok && ndntestvector.Hex(tc.in) != tc.want {
			t.Errorf("Parse(%q) = %x, want %s", tc.in, b, tc.want)
		}
	}
}
