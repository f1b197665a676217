package ndn_test

import (
	"bytes"
	"errors"
	"hash/maphash"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/ndnflow/ndnflow/ndn"
)

const (
	zeros64 = "0000000000000000000000000000000000000000000000000000000000000000"
	ffs64   = "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
)

func TestParseName(t *testing.T) {
	for _, tc := range []struct {
		in, uri, canonical string
	}{
		{"/", "/", "/"},
		{"", "/", "/"},
		{"ndn:", "/", "/"},
		{"ndn:/", "/", "/"},
		{"/hello/world", "/hello/world", "/8=hello/8=world"},
		{"hello/world", "/hello/world", "/8=hello/8=world"},      // no leading slash
		{"/hello/world/", "/hello/world", "/8=hello/8=world"},    // trailing slash
		{"ndn:/hello/world", "/hello/world", "/8=hello/8=world"}, // scheme
		{"ndn://authority/hello", "/hello", "/8=hello"},          // authority ignored
		{"//authority/hello", "/hello", "/8=hello"},
		{"ndn://authority", "/", "/"},
		{"/8=hello", "/hello", "/8=hello"},
		{"/a+b", "/a%2Bb", "/8=a%2Bb"},     // '+' is escaped on output
		{"/a%2Bb", "/a%2Bb", "/8=a%2Bb"},   //
		{"/~user", "/~user", "/8=~user"},   // '~' is unreserved
		{"/%7euser", "/~user", "/8=~user"}, // lowercase escapes accepted
		{"/-._~AZaz09", "/-._~AZaz09", "/8=-._~AZaz09"},
		{"/hello%20world%2f", "/hello%20world%2F", "/8=hello%20world%2F"},
		{"/%00%FF", "/%00%FF", "/8=%00%FF"},
		{"/...", "/...", "/8=..."},       // empty component
		{"/....", "/....", "/8=...."},    // "."
		{"/.....", "/.....", "/8=....."}, // ".."
		{"/8=...", "/...", "/8=..."},
		{"/a.b", "/a.b", "/8=a.b"},
		{"/%2E", "/....", "/8=...."}, // an escaped period is a period
		{"/seg=3", "/seg=3", "/50=%03"},
		{"/50=%03", "/seg=3", "/50=%03"},
		{"/off=1024", "/off=1024", "/52=%04%00"},
		{"/v=3", "/v=3", "/54=%03"},
		{"/t=1700000000000000", "/t=1700000000000000", "/56=%00%06%0A%24%18%1E%40%00"},
		{"/seq=65536", "/seq=65536", "/58=%00%01%00%00"},
		{"/seg=18446744073709551615", "/seg=18446744073709551615", "/50=%FF%FF%FF%FF%FF%FF%FF%FF"},
		{"/32=metadata", "/32=metadata", "/32=metadata"}, // keyword has no alternate prefix
		{"/9=hello", "/9=hello", "/9=hello"},             // unknown types print numerically
		{"/65535=x", "/65535=x", "/65535=x"},
		{"/50=%01%02%03", "/50=%01%02%03", "/50=%01%02%03"}, // non-NNI typed value printed numerically
		{"/54=...", "/54=...", "/54=..."},                   // empty typed value is not an NNI
		{"/50=%000", "/50=%000", "/50=%000"},                // non-minimal NNI prints numerically, so it parses back
		{"/sha256digest=" + zeros64, "/sha256digest=" + zeros64, "/1=" + strings.Repeat("%00", 32)},
		{"/sha256digest=" + strings.ToUpper(ffs64), "/sha256digest=" + ffs64, "/1=" + strings.Repeat("%FF", 32)},
		{"/params-sha256=" + zeros64, "/params-sha256=" + zeros64, "/2=" + strings.Repeat("%00", 32)},
		{"/1=" + strings.Repeat("%00", 32), "/sha256digest=" + zeros64, "/1=" + strings.Repeat("%00", 32)},
		{"/A/32=metadata/v=3/seg=0", "/A/32=metadata/v=3/seg=0", "/8=A/32=metadata/54=%03/50=%00"},
	} {
		n, err := ndn.ParseName(tc.in)
		if err != nil {
			t.Errorf("ParseName(%q): %v", tc.in, err)
			continue
		}
		if got := n.String(); got != tc.uri {
			t.Errorf("ParseName(%q).String() = %q, want %q", tc.in, got, tc.uri)
		}
		if got := n.CanonicalString(); got != tc.canonical {
			t.Errorf("ParseName(%q).CanonicalString() = %q, want %q", tc.in, got, tc.canonical)
		}
		for _, again := range []string{tc.uri, tc.canonical} {
			if m, err := ndn.ParseName(again); err != nil || !m.Equal(n) {
				t.Errorf("ParseName(%q) = %v, %v; want the name of %q", again, m, err, tc.in)
			}
		}
	}
}

func TestParseNameInvalid(t *testing.T) {
	for _, in := range []string{
		"/.", "/..", "/a/./b", // period rule
		"/8=.", "/8=..", "/8=", "/54=", // same with a type
		"/%", "/%4", "/%zz", "/a%g0", // bad escapes
		"/0=x", "/65536=x", "/01=x", "/=x", "/-1=x", "/x=1", // bad types
		"/SEG=42", "/Seg=1", // alternate prefixes are case-sensitive
		"/seg=abc", "/seg=-1", "/seg=", "/seg=18446744073709551616", "/v=1.5",
		"/sha256digest=00", "/sha256digest=" + zeros64 + "00", "/sha256digest=xy" + zeros64[2:],
		"/params-sha256=", "/1=abc", "/2=%00",
	} {
		if n, err := ndn.ParseName(in); err == nil {
			t.Errorf("ParseName(%q) = %s, want an error", in, n)
		} else if !errors.Is(err, ndn.ErrURI) {
			t.Errorf("ParseName(%q) error %v is not ErrURI", in, err)
		}
	}
}

func TestComponentTypes(t *testing.T) {
	var d [32]byte
	d[0] = 0xab
	for _, tc := range []struct {
		c        ndn.Component
		typ      uint16
		uri      string
		number   uint64
		isNumber bool
	}{
		{ndn.GenericComponent("hi"), 0x08, "hi", 0, false},
		{ndn.KeywordComponent("metadata"), 0x20, "32=metadata", 0, false},
		{ndn.SegmentComponent(7), 0x32, "seg=7", 7, true},
		{ndn.ByteOffsetComponent(256), 0x34, "off=256", 256, true},
		{ndn.VersionComponent(1 << 40), 0x36, "v=1099511627776", 1 << 40, true},
		{ndn.TimestampComponent(1700000000000000), 0x38, "t=1700000000000000", 1700000000000000, true},
		{ndn.SequenceNumComponent(65536), 0x3a, "seq=65536", 65536, true},
		{ndn.NumberComponent(0x32, 0), 0x32, "seg=0", 0, true},
		{ndn.ImplicitDigestComponent(d), 0x01, "sha256digest=ab" + zeros64[2:], 0, false},
		{ndn.ParamsDigestComponent(d), 0x02, "params-sha256=ab" + zeros64[2:], 0, false},
	} {
		if tc.c.Type != tc.typ || !tc.c.IsValid() {
			t.Errorf("%s: type %d valid %v, want %d", tc.uri, tc.c.Type, tc.c.IsValid(), tc.typ)
		}
		if got := tc.c.String(); got != tc.uri {
			t.Errorf("String() = %q, want %q", got, tc.uri)
		}
		p, err := ndn.ParseComponent(tc.uri)
		if err != nil || !p.Equal(tc.c) {
			t.Errorf("ParseComponent(%q) = %v, %v", tc.uri, p, err)
		}
		if q, err := ndn.ParseComponent(tc.c.CanonicalString()); err != nil || !q.Equal(tc.c) {
			t.Errorf("ParseComponent(%q) = %v, %v", tc.c.CanonicalString(), q, err)
		}
		if tc.isNumber {
			if v, ok := tc.c.Number(); !ok || v != tc.number {
				t.Errorf("%s: Number() = %d, %v", tc.uri, v, ok)
			}
		}
		if enc := tc.c.Append(nil); len(enc) != tc.c.Length() {
			t.Errorf("%s: Length %d, Append %d", tc.uri, tc.c.Length(), len(enc))
		}
	}
	if _, ok := (ndn.Component{Type: 0x32, Value: []byte{1, 2, 3}}).Number(); ok {
		t.Error("Number() of a 3-octet value: ok")
	}
	for _, c := range []ndn.Component{{}, {Type: 1, Value: []byte{1}}, {Type: 2}} {
		if c.IsValid() {
			t.Errorf("%+v IsValid", c)
		}
	}
}

// sortedNames is in canonical order (ndn-protocols.md §2.2, like ndn-cxx
// name.t.cpp CompareOp): by component type, then value length, then value
// octets, and a proper prefix first.
var sortedNames = []string{
	"/",
	"/sha256digest=" + zeros64,
	"/sha256digest=" + ffs64,
	"/params-sha256=" + zeros64,
	"/...",   // empty generic component
	"/.../a", // a longer name after its prefix, before any larger first component
	"/A",
	"/A/sha256digest=" + zeros64, // type 1 < type 8
	"/A/...",
	"/A/B",
	"/A/B/C",
	"/A/C",
	"/B",
	"/a",  // 0x61 > 0x42
	"/AA", // longer value sorts after, whatever the octets
	"/aa",
	"/aaa",
	"/9=x", // type 9 after every generic component
	"/31=x",
	"/32=metadata",
	"/seg=0", // 50
	"/seg=255",
	"/seg=256", // two octets: longer
	"/v=0",
	"/252=x",
	"/253=x", // TLV-TYPE needs 3 octets from here on
	"/300=x",
	"/65535=x",
}

func TestNameCompare(t *testing.T) {
	names := make([]ndn.Name, len(sortedNames))
	for k, s := range sortedNames {
		names[k] = ndn.MustParseName(s)
	}
	for a := range names {
		for b := range names {
			want := 0
			if a < b {
				want = -1
			} else if a > b {
				want = 1
			}
			if got := names[a].Compare(names[b]); got != want {
				t.Errorf("Compare(%s, %s) = %d, want %d", names[a], names[b], got, want)
			}
			if names[a].Equal(names[b]) != (a == b) {
				t.Errorf("Equal(%s, %s) = %v", names[a], names[b], !(a == b))
			}
		}
	}
	// Single-component names: Component.Compare agrees.
	for a := range names {
		for b := range names {
			if names[a].Len() == 1 && names[b].Len() == 1 {
				if got, want := names[a].At(0).Compare(names[b].At(0)), names[a].Compare(names[b]); got != want {
					t.Errorf("Component.Compare(%s, %s) = %d, want %d", names[a], names[b], got, want)
				}
			}
		}
	}
	// Sorting a shuffled copy restores the order.
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20 {
		shuffled := slices.Clone(names)
		rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		slices.SortFunc(shuffled, ndn.Name.Compare)
		for k := range shuffled {
			if !shuffled[k].Equal(names[k]) {
				t.Fatalf("sorted[%d] = %s, want %s", k, shuffled[k], names[k])
			}
		}
	}
}

func TestNameAccessors(t *testing.T) {
	n := ndn.MustParseName("/A/32=metadata/v=3/seg=0")
	if n.Len() != 4 || n.IsEmpty() {
		t.Fatalf("Len = %d", n.Len())
	}
	for _, tc := range []struct {
		i    int
		want string
	}{
		{0, "A"}, {1, "32=metadata"}, {3, "seg=0"}, {-1, "seg=0"}, {-4, "A"}, {-2, "v=3"},
	} {
		if got := n.At(tc.i).String(); got != tc.want {
			t.Errorf("At(%d) = %s, want %s", tc.i, got, tc.want)
		}
	}
	for _, i := range []int{4, 5, -5, -100} {
		if c := n.At(i); c.Type != 0 || c.Value != nil {
			t.Errorf("At(%d) = %v, want the zero Component", i, c)
		}
	}
	for _, tc := range []struct {
		k    int
		want string
	}{
		{0, "/"}, {1, "/A"}, {3, "/A/32=metadata/v=3"}, {4, n.String()}, {9, n.String()},
		{-1, "/A/32=metadata/v=3"}, {-4, "/"}, {-9, "/"},
	} {
		if got := n.Prefix(tc.k).String(); got != tc.want {
			t.Errorf("Prefix(%d) = %s, want %s", tc.k, got, tc.want)
		}
	}
	var got []string
	for k, c := range n.Components() {
		if !c.Equal(n.At(k)) {
			t.Errorf("Components()[%d] = %v, At = %v", k, c, n.At(k))
		}
		got = append(got, c.String())
	}
	if strings.Join(got, ",") != "A,32=metadata,v=3,seg=0" {
		t.Errorf("Components = %v", got)
	}
	for range n.Components() {
		break // early exit must not panic
	}
	if ndn.MustParseName("/").Len() != 0 || !(ndn.Name{}).IsEmpty() || (ndn.Name{}).String() != "/" {
		t.Error("empty name")
	}
}

func TestNameAppend(t *testing.T) {
	base := ndn.MustParseName("/A")
	a := base.Append(ndn.VersionComponent(3), ndn.SegmentComponent(0))
	if a.String() != "/A/v=3/seg=0" || base.String() != "/A" {
		t.Errorf("Append = %s, base %s", a, base)
	}
	// Appending to a prefix must not overwrite the longer name's bytes.
	full := ndn.MustParseName("/A/B/C")
	p := full.Prefix(1)
	q := p.Append(ndn.GenericComponent("X"))
	if full.String() != "/A/B/C" || q.String() != "/A/X" {
		t.Errorf("after Prefix+Append: full %s, q %s", full, q)
	}
	if r := p.AppendName(ndn.MustParseName("/Y/Z")); r.String() != "/A/Y/Z" || full.String() != "/A/B/C" {
		t.Errorf("AppendName = %s, full %s", r, full)
	}
	if c := ndn.NameFromComponents(ndn.GenericComponent("A"), ndn.KeywordComponent("k")); c.String() != "/A/32=k" {
		t.Errorf("NameFromComponents = %s", c)
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("Append of an invalid component did not panic")
			}
		}()
		base.Append(ndn.Component{Type: 1, Value: []byte{1}})
	}()
	cl := full.Clone()
	if !cl.Equal(full) || &cl.Value()[0] == &full.Value()[0] {
		t.Error("Clone shares the buffer or differs")
	}
}

func TestNameIsPrefixOf(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"/", "/", true},
		{"/", "/A", true},
		{"/A", "/A", true},
		{"/A", "/A/B", true},
		{"/A/B", "/A", false},
		{"/A", "/AB", false}, // not a component boundary
		{"/A", "/B/A", false},
		{"/A/B", "/A/C", false},
		{"/seg=1", "/seg=256", false}, // same type, different length
	} {
		if got := ndn.MustParseName(tc.a).IsPrefixOf(ndn.MustParseName(tc.b)); got != tc.want {
			t.Errorf("%s.IsPrefixOf(%s) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestNameHash(t *testing.T) {
	seed := maphash.MakeSeed()
	n := ndn.MustParseName("/ndn/edu/ucla/v=3/seg=0")
	hs := n.PrefixHashes(seed, nil)
	if len(hs) != n.Len()+1 {
		t.Fatalf("PrefixHashes: %d values, want %d", len(hs), n.Len()+1)
	}
	for k := 0; k <= n.Len(); k++ {
		if got := n.Hash(seed, k); got != hs[k] {
			t.Errorf("Hash(seed, %d) = %x, PrefixHashes[%d] = %x", k, got, k, hs[k])
		}
		if got := n.Prefix(k).Hash(seed, 99); got != hs[k] {
			t.Errorf("Prefix(%d).Hash = %x, want %x", k, got, hs[k])
		}
	}
	if n.Hash(seed, 99) != hs[n.Len()] {
		t.Error("Hash(seed, k > Len) is not the whole-name hash")
	}
	// Equal names from different buffers hash equally; different prefixes differ.
	m, _ := ndn.DecodeName(bytes.Clone(n.AppendTLV(nil)))
	if m.Hash(seed, 3) != n.Hash(seed, 3) {
		t.Error("equal names hash differently")
	}
	if hs[1] == hs[2] {
		t.Error("different prefixes hash equally")
	}
	// Appending to a non-empty dst keeps what was there.
	out := n.PrefixHashes(seed, []uint64{42})
	if out[0] != 42 || len(out) != len(hs)+1 {
		t.Errorf("PrefixHashes with dst = %v", out)
	}
}

func TestNameFromValue(t *testing.T) {
	// The value aliases the input; no copy is made.
	v := []byte{0x08, 0x01, 'A'}
	n, err := ndn.NameFromValue(v)
	if err != nil || n.String() != "/A" {
		t.Fatal(n, err)
	}
	v[2] = 'B'
	if n.String() != "/B" {
		t.Errorf("NameFromValue copied its input")
	}
	if n, err := ndn.NameFromValue(nil); err != nil || !n.IsEmpty() {
		t.Errorf("NameFromValue(nil) = %v, %v", n, err)
	}
}
