package ndn_test

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/internal/ndntspeer"
	"github.com/ndnflow/ndnflow/ndn"
	tv "github.com/ndnflow/ndnflow/ndn/ndntestvector"
)

// The NDNts cross-check decodes ndnflow's encodings, and the §6 vectors, with
// NDNts (@ndn/packet 0.0.20250307), an implementation that shares no code with
// this one, and compares every field. The script is interop/ndnts/decode.mjs,
// in the repository's one NDNts project, which internal/ndntspeer installs
// with `npm ci` on first use. Without node or npm the test is skipped, except
// in CI (CI set), where they are expected and their absence fails the test.

type ndntsReq struct {
	Kind string `json:"kind"`
	Hex  string `json:"hex"`
	Data string `json:"data,omitempty"`
}

type ndntsURIs struct {
	Canonical, Alt string
}

type ndntsResult struct {
	Error string

	// name
	Canonical, Alt string

	// interest and data
	Name              ndntsURIs
	CanBePrefix       bool
	MustBeFresh       bool
	FwHint            []string
	Nonce             *uint32
	Lifetime          int64
	HopLimit          int
	AppParameters     *string
	SigType           *int
	SigNonce          *string
	SigValue          string
	ParamsDigestValid *bool

	ContentType     uint64
	FreshnessPeriod int64
	FinalBlockID    *string `json:"finalBlockId"`
	Content         *string
	KeyLocator      *string
	ImplicitDigest  string
	FullName        string

	// match
	Matches bool
}

// runNDNts sends the requests to decode.mjs in one process.
func runNDNts(t *testing.T, reqs []ndntsReq) []ndntsResult {
	t.Helper()
	var in bytes.Buffer
	enc := json.NewEncoder(&in)
	for _, r := range reqs {
		if err := enc.Encode(r); err != nil {
			t.Fatal(err)
		}
	}
	out, err := ndntspeer.Node(t, time.Minute, in.Bytes(), "decode.mjs")
	if err != nil {
		t.Fatal(err)
	}
	var res []ndntsResult
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var r ndntsResult
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("%v: %s", err, sc.Bytes())
		}
		res = append(res, r)
	}
	if len(res) != len(reqs) {
		t.Fatalf("NDNts answered %d of %d requests", len(res), len(reqs))
	}
	return res
}

// keyNameSigner is DigestSha256 with a KeyLocator name, enough to carry a
// KeyLocator through NDNts' decoder (which does not verify here).
type keyNameSigner struct{ digestSigner }

func (keyNameSigner) SigType() ndn.SigType { return ndn.SigEcdsaSha256 }
func (keyNameSigner) KeyLocator() ndn.KeyLocator {
	return ndn.KeyLocator{Name: ndn.MustParseName("/ndnflow/KEY/%01%02/self/v=1")}
}

func hexPtr(b []byte, present bool) *string {
	if !present {
		return nil
	}
	s := hex.EncodeToString(b)
	return &s
}

func ptrStr(p *string) string {
	if p == nil {
		return "<nil>"
	}
	return *p
}

func TestNDNtsCrossCheck(t *testing.T) {
	ndntspeer.Require(t)

	// Interests: the vectors, and packets this package encodes.
	var interests [][]byte
	for _, v := range tv.Interests {
		if v.ID == "I7" {
			continue // legacy Delegation ForwardingHint, which NDNts no longer decodes
		}
		interests = append(interests, tv.Bytes(v.Hex))
	}
	build := []ndn.Interest{
		{Name: ndn.MustParseName("/A/v=3/seg=7"), CanBePrefix: true, MustBeFresh: true, Nonce: 0xdeadbeef, HasNonce: true,
			Lifetime: 1500 * time.Millisecond, HopLimit: 7, HasHopLimit: true,
			ForwardingHint: []ndn.Name{ndn.MustParseName("/hint/one"), ndn.MustParseName("/hint/32=two")}},
		{Name: ndn.MustParseName("/params/...%00"), Nonce: 1, HasNonce: true, AppParams: []byte("app"), HasAppParams: true},
		{Name: ndn.MustParseName("/hop0"), Nonce: 2, HasNonce: true, HopLimit: 0, HasHopLimit: true, Lifetime: 10 * 24 * time.Hour},
	}
	for k := range build {
		w, err := build[k].Encode()
		if err != nil {
			t.Fatal(err)
		}
		interests = append(interests, w)
	}
	signed := ndn.Interest{Name: ndn.MustParseName("/localhost/nfd/rib/register"), Nonce: 3, HasNonce: true,
		AppParams: []byte{0x68, 0x00}, SigInfo: ndn.SigInfo{Nonce: []byte{1, 2, 3, 4, 5, 6, 7, 8}, Time: 1700000000000, HasTime: true}}
	w, err := signed.SignWith(digestSigner{})
	if err != nil {
		t.Fatal(err)
	}
	interests = append(interests, w)

	// Data: the vectors, and packets this package signs.
	var datas [][]byte
	for _, v := range tv.Datas {
		datas = append(datas, tv.Bytes(v.Hex))
	}
	for _, d := range []ndn.Data{
		{Name: ndn.MustParseName("/video/v=1700000000000/seg=0"), ContentType: ndn.ContentBlob, Freshness: 2 * time.Second,
			FinalBlock: ndn.SegmentComponent(9), Content: bytes.Repeat([]byte{0xab}, 4096)},
		{Name: ndn.MustParseName("/ndnflow/KEY/%01%02/self/v=1"), ContentType: ndn.ContentKey, Freshness: time.Hour,
			Content: []byte("spki"), SigInfo: ndn.SigInfo{
				NotBefore: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2035, 1, 1, 0, 0, 0, 0, time.UTC)}},
		{Name: ndn.MustParseName("/")},
	} {
		var s ndn.Signer = digestSigner{}
		if d.ContentType == ndn.ContentKey {
			s = keyNameSigner{}
		}
		w, err := d.SignWith(s)
		if err != nil {
			t.Fatal(err)
		}
		datas = append(datas, w)
	}

	// Names: the vectors and the ordering list, which exercises escaping.
	var names []ndn.Name
	for _, v := range tv.Names {
		n, _ := ndn.DecodeName(tv.Bytes(v.Hex))
		names = append(names, n)
	}
	nonMinimal := ndn.MustParseName("/50=%000/54=%00%00%00%01")
	names = append(names, nonMinimal)
	for _, s := range append(sortedNames, "/a+b/~c/%00%20%2F/..../...../8=...", "/hello world/%C3%A9") {
		names = append(names, ndn.MustParseName(s))
	}

	// Matching: Interests of TestMatchesData against one Data.
	md := ndn.Data{Name: ndn.MustParseName("/A/B"), Content: []byte("x")}
	mdWire, err := md.SignWith(digestSigner{})
	if err != nil {
		t.Fatal(err)
	}
	dg := md.Digest()
	var matchInterests []*ndn.Interest
	for _, n := range []string{"/A/B", "/A", "/A/B/C", "/AB", "/A/B/sha256digest=" + hex.EncodeToString(dg[:]), "/A/B/sha256digest=" + zeros64} {
		for _, cbp := range []bool{false, true} {
			mi := &ndn.Interest{Name: ndn.MustParseName(n), CanBePrefix: cbp, Nonce: 9, HasNonce: true}
			if _, err := mi.Encode(); err != nil {
				t.Fatal(err)
			}
			matchInterests = append(matchInterests, mi)
		}
	}

	var reqs []ndntsReq
	for _, w := range interests {
		reqs = append(reqs, ndntsReq{Kind: "interest", Hex: hex.EncodeToString(w)})
	}
	for _, w := range datas {
		reqs = append(reqs, ndntsReq{Kind: "data", Hex: hex.EncodeToString(w)})
	}
	for _, n := range names {
		reqs = append(reqs, ndntsReq{Kind: "name", Hex: hex.EncodeToString(n.AppendTLV(nil))})
	}
	for _, mi := range matchInterests {
		reqs = append(reqs, ndntsReq{Kind: "match", Hex: hex.EncodeToString(mi.Wire()), Data: hex.EncodeToString(mdWire)})
	}
	res := runNDNts(t, reqs)

	k := 0
	for _, w := range interests {
		r := res[k]
		k++
		var i ndn.Interest
		if err := i.Decode(w); err != nil {
			t.Fatal(err)
		}
		checkNDNtsInterest(t, &i, r)
	}
	for _, w := range datas {
		r := res[k]
		k++
		var d ndn.Data
		if err := d.Decode(w); err != nil {
			t.Fatal(err)
		}
		checkNDNtsData(t, &d, r)
	}
	for _, n := range names {
		r := res[k]
		k++
		alt := n.String()
		if n.Equal(nonMinimal) {
			// A deliberate difference: NDNts (and ndn-cxx) print any valid
			// NNI length in alternate form, which does not parse back to the
			// same name; ndnflow prints non-minimal values numerically.
			alt = "/seg=48/v=1"
		}
		if r.Error != "" || r.Canonical != n.CanonicalString() || r.Alt != alt {
			t.Errorf("name %x: NDNts %q %q (error %q); ndnflow %q %q", n.Value(), r.Canonical, r.Alt, r.Error,
				n.CanonicalString(), n.String())
		}
	}
	for _, mi := range matchInterests {
		r := res[k]
		k++
		if r.Error != "" || r.Matches != mi.MatchesData(&md) {
			t.Errorf("Interest %s CanBePrefix=%v: NDNts canSatisfy %v (error %q), ndnflow MatchesData %v",
				mi.Name, mi.CanBePrefix, r.Matches, r.Error, mi.MatchesData(&md))
		}
	}
}

func checkNDNtsInterest(t *testing.T, i *ndn.Interest, r ndntsResult) {
	t.Helper()
	id := i.Name.String()
	if r.Error != "" {
		t.Errorf("Interest %s %x: NDNts rejects it: %s", id, i.Wire(), r.Error)
		return
	}
	if r.Name.Alt != i.Name.String() || r.Name.Canonical != i.Name.CanonicalString() {
		t.Errorf("Interest %s: NDNts name %q %q", id, r.Name.Alt, r.Name.Canonical)
	}
	var fh []string
	for _, h := range i.ForwardingHint {
		fh = append(fh, h.String())
	}
	if r.CanBePrefix != i.CanBePrefix || r.MustBeFresh != i.MustBeFresh || strings.Join(r.FwHint, ",") != strings.Join(fh, ",") {
		t.Errorf("Interest %s: NDNts CanBePrefix %v MustBeFresh %v FwHint %v", id, r.CanBePrefix, r.MustBeFresh, r.FwHint)
	}
	if (r.Nonce != nil) != i.HasNonce || r.Nonce != nil && *r.Nonce != i.Nonce {
		t.Errorf("Interest %s: NDNts Nonce %v, ndnflow %v %08x", id, r.Nonce, i.HasNonce, i.Nonce)
	}
	if r.Lifetime != i.EffectiveLifetime().Milliseconds() {
		t.Errorf("Interest %s: NDNts lifetime %d, ndnflow %v", id, r.Lifetime, i.EffectiveLifetime())
	}
	hop := 255 // NDNts' value for "absent"
	if i.HasHopLimit {
		hop = int(i.HopLimit)
	}
	if r.HopLimit != hop {
		t.Errorf("Interest %s: NDNts HopLimit %d, ndnflow %d", id, r.HopLimit, hop)
	}
	if ptrStr(r.AppParameters) != ptrStr(hexPtr(i.AppParams, i.HasAppParams)) {
		t.Errorf("Interest %s: NDNts AppParameters %s, ndnflow %x", id, ptrStr(r.AppParameters), i.AppParams)
	}
	if i.HasAppParams && (r.ParamsDigestValid == nil || !*r.ParamsDigestValid) {
		t.Errorf("Interest %s: NDNts finds the parameters digest invalid", id)
	}
	if (r.SigType != nil) != i.IsSigned {
		t.Errorf("Interest %s: NDNts SigType %v, ndnflow signed %v", id, r.SigType, i.IsSigned)
	} else if i.IsSigned {
		if *r.SigType != int(i.SigInfo.Type) || r.SigValue != hex.EncodeToString(i.SigValue) ||
			ptrStr(r.SigNonce) != ptrStr(hexPtr(i.SigInfo.Nonce, len(i.SigInfo.Nonce) > 0)) {
			t.Errorf("Interest %s: NDNts signature %d %s nonce %s", id, *r.SigType, r.SigValue, ptrStr(r.SigNonce))
		}
	}
}

func checkNDNtsData(t *testing.T, d *ndn.Data, r ndntsResult) {
	t.Helper()
	id := d.Name.String()
	if r.Error != "" {
		t.Errorf("Data %s %x: NDNts rejects it: %s", id, d.Wire(), r.Error)
		return
	}
	if r.Name.Alt != d.Name.String() || r.Name.Canonical != d.Name.CanonicalString() {
		t.Errorf("Data %s: NDNts name %q %q", id, r.Name.Alt, r.Name.Canonical)
	}
	if r.ContentType != d.ContentType || r.FreshnessPeriod != d.Freshness.Milliseconds() {
		t.Errorf("Data %s: NDNts ContentType %d FreshnessPeriod %d", id, r.ContentType, r.FreshnessPeriod)
	}
	fb := ""
	if d.FinalBlock.Type != 0 {
		fb = d.FinalBlock.String()
	}
	if r.FinalBlockID != nil && *r.FinalBlockID != fb || r.FinalBlockID == nil && fb != "" {
		t.Errorf("Data %s: NDNts FinalBlockId %s, ndnflow %q", id, ptrStr(r.FinalBlockID), fb)
	}
	// NDNts reports an absent Content as empty.
	if ptrStr(r.Content) != hex.EncodeToString(d.Content) {
		t.Errorf("Data %s: NDNts Content %.40s…", id, ptrStr(r.Content))
	}
	kl := ""
	if !d.SigInfo.KeyLocator.Name.IsEmpty() {
		kl = d.SigInfo.KeyLocator.Name.String()
	}
	if r.SigType == nil || *r.SigType != int(d.SigInfo.Type) || ptrStr(r.KeyLocator) != ptrStr(&kl) && !(kl == "" && r.KeyLocator == nil) ||
		r.SigValue != hex.EncodeToString(d.SigValue) {
		t.Errorf("Data %s: NDNts signature %v KeyLocator %s value %s", id, r.SigType, ptrStr(r.KeyLocator), r.SigValue)
	}
	dg := d.Digest()
	if r.ImplicitDigest != hex.EncodeToString(dg[:]) || r.FullName != d.FullName().String() {
		t.Errorf("Data %s: NDNts implicit digest %s full name %s", id, r.ImplicitDigest, r.FullName)
	}
	if sum := sha256.Sum256(d.Wire()); sum != dg {
		t.Errorf("Data %s: Digest is not SHA-256 of the wire", id)
	}
}
