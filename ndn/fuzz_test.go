package ndn_test

import (
	"bytes"
	"fmt"
	"hash/maphash"
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/ndn"
	tv "github.com/ndnflow/ndnflow/ndn/ndntestvector"
	"github.com/ndnflow/ndnflow/tlv"
)

// The fuzz targets state what a decoder guarantees for ANY input:
//
//   - it never panics;
//   - whatever decodes re-encodes (Append) to bytes that decode again to the
//     same fields;
//   - re-encoding is a fixed point: encoding the re-decoded value gives the
//     same bytes again.
//
// Re-encoding does not always give back the input: encoders write minimal
// VAR-NUMBERs and NonNegativeIntegers, their own element order inside
// SignatureInfo, and drop unknown non-critical elements. For Data, the one
// packet that must survive re-encoding byte for byte (its signature covers
// the bytes), FuzzDataDecode checks exactly that whenever the input is in that
// canonical form (see canonicalData).

func addSeeds(f *testing.F, kind string) {
	add := func(h string) { f.Add(tv.Bytes(h)) }
	switch kind {
	case tv.KindInterest:
		for _, v := range tv.Interests {
			add(v.Hex)
		}
	case tv.KindData:
		for _, v := range tv.Datas {
			add(v.Hex)
		}
	case tv.KindLp:
		for _, v := range tv.LpPackets {
			add(v.Hex)
		}
		add(tv.I1Hex)
		add(tv.D1Hex)
	case tv.KindName:
		for _, v := range tv.Names {
			add(v.Hex)
		}
	}
	for _, v := range tv.Invalid {
		if v.Kind == kind {
			add(v.Hex)
		}
	}
}

// interestFields renders every decoded field of an Interest, except the
// parameters digest component, whose value depends on the re-encoding.
func interestFields(i *ndn.Interest) string {
	var name []string
	for _, c := range i.Name.Components() {
		if c.Type != ndn.TtParametersSha256DigestComponent {
			name = append(name, c.CanonicalString())
		}
	}
	var fh []string
	for _, h := range i.ForwardingHint {
		fh = append(fh, h.CanonicalString())
	}
	si := ""
	if i.IsSigned {
		si = fmt.Sprintf("%x", i.SigInfo.AppendTLV(nil, ndn.TtInterestSignatureInfo))
	}
	return fmt.Sprintf("name=%v cbp=%v mbf=%v fh=%v nonce=%v/%x life=%v hop=%v/%d params=%v/%x signed=%v si=%s sv=%x",
		name, i.CanBePrefix, i.MustBeFresh, fh, i.HasNonce, i.Nonce, i.Lifetime, i.HasHopLimit, i.HopLimit,
		i.HasAppParams, i.AppParams, i.IsSigned, si, i.SigValue)
}

func FuzzInterestDecode(f *testing.F) {
	addSeeds(f, tv.KindInterest)
	f.Fuzz(func(t *testing.T, wire []byte) {
		var i ndn.Interest
		if i.Decode(wire) != nil {
			return
		}
		want := interestFields(&i)
		// Encode recomputes the parameters digest: unknown elements after
		// ApplicationParameters were covered by the old one and are dropped.
		j := i
		j.ForwardingHint = append([]ndn.Name(nil), i.ForwardingHint...)
		w1, err := j.Encode()
		if err != nil {
			t.Fatalf("re-encoding of %x does not decode: %v", wire, err)
		}
		if got := interestFields(&j); got != want {
			t.Fatalf("fields changed by re-encoding %x\n got %s\nwant %s", wire, got, want)
		}
		var k ndn.Interest
		if err := k.Decode(w1); err != nil {
			t.Fatal(err)
		}
		if w2 := k.Append(nil); !bytes.Equal(w2, w1) || k.Length() != len(w1) {
			t.Fatalf("re-encoding is not a fixed point:\n%x\n%x", w1, w2)
		}
		// Without parameters the name is untouched, so plain Append works too.
		if !i.HasAppParams && !i.IsSigned {
			var m ndn.Interest
			if err := m.Decode(i.Append(nil)); err != nil || interestFields(&m) != want {
				t.Fatalf("Append of %x: %v", wire, err)
			}
		}
		_ = i.MatchesData(&ndn.Data{Name: i.Name})
		_ = i.SignedPortion(nil)
		_, _, _, _ = i.V02SignedPortion()
	})
}

func dataFields(d *ndn.Data) string {
	return fmt.Sprintf("name=%x ct=%d fresh=%v fb=%d/%x content=%v/%x si=%x sv=%x",
		d.Name.Value(), d.ContentType, d.Freshness, d.FinalBlock.Type, d.FinalBlock.Value,
		d.Content != nil, d.Content, d.SigInfo.AppendTLV(nil, ndn.TtSignatureInfo), d.SigValue)
}

func FuzzDataDecode(f *testing.F) {
	addSeeds(f, tv.KindData)
	f.Fuzz(func(t *testing.T, wire []byte) {
		var d ndn.Data
		if d.Decode(wire) != nil {
			return
		}
		want := dataFields(&d)
		w1 := d.Append(nil)
		if len(w1) != d.Length() {
			t.Fatalf("Length %d, Append %d", d.Length(), len(w1))
		}
		if canonicalData(wire) && !bytes.Equal(w1, wire) {
			t.Fatalf("canonical Data re-encoded differently:\n got %x\nwant %x", w1, wire)
		}
		var e ndn.Data
		if err := e.Decode(w1); err != nil {
			t.Fatalf("re-encoding %x of %x does not decode: %v", w1, wire, err)
		}
		if got := dataFields(&e); got != want {
			t.Fatalf("fields changed by re-encoding %x\n got %s\nwant %s", wire, got, want)
		}
		if w2 := e.Append(nil); !bytes.Equal(w2, w1) {
			t.Fatalf("re-encoding is not a fixed point:\n%x\n%x", w1, w2)
		}
		_ = d.FullName()
		_ = d.SignedPortion()
	})
}

// canonicalData reports whether a Data is in the form the encoder writes:
// minimal VAR-NUMBERs and NonNegativeIntegers, only the elements the model
// knows, in the encoder's order and without repetition (unknown non-critical
// elements are allowed only at the end of SignatureInfo, which keeps them
// verbatim), a KeyLocator that is not empty, ValidityPeriod times that print
// back unchanged, and a FreshnessPeriod a time.Duration can hold.
func canonicalData(wire []byte) bool {
	e, err := tlv.Decode(wire)
	return err == nil && minimalTL(e) && inOrder(e.Value, func(f tlv.Element) bool {
		switch f.Type {
		case ndn.TtName, ndn.TtContent, ndn.TtSignatureValue:
			return true
		case ndn.TtMetaInfo:
			return inOrder(f.Value, func(m tlv.Element) bool {
				switch m.Type {
				case ndn.TtContentType:
					return minimalNNI(m, 1<<64-1)
				case ndn.TtFreshnessPeriod:
					return minimalNNI(m, uint64(1<<63-1)/uint64(time.Millisecond))
				case ndn.TtFinalBlockID:
					c, err := tlv.Decode(m.Value)
					return err == nil && minimalTL(c)
				}
				return false
			}, ndn.TtContentType, ndn.TtFreshnessPeriod, ndn.TtFinalBlockID)
		case ndn.TtSignatureInfo:
			return canonicalSigInfo(f.Value)
		}
		return false
	}, ndn.TtName, ndn.TtMetaInfo, ndn.TtContent, ndn.TtSignatureInfo, ndn.TtSignatureValue)
}

func canonicalSigInfo(v []byte) bool {
	order := []uint32{ndn.TtSignatureType, ndn.TtKeyLocator, ndn.TtSignatureNonce, ndn.TtSignatureTime,
		ndn.TtSignatureSeqNum, ndn.TtValidityPeriod}
	known := 0
	d := tlv.NewDecoder(v)
	for d.Next() {
		f := d.Element()
		if !minimalTL(f) {
			return false
		}
		k := 0
		for k < len(order) && order[k] != f.Type {
			k++
		}
		if k == len(order) {
			return true // extensions to the end are kept verbatim
		}
		if k+1 <= known {
			return false
		}
		known = k + 1
		ok := true
		switch f.Type {
		case ndn.TtSignatureType, ndn.TtSignatureTime, ndn.TtSignatureSeqNum:
			ok = minimalNNI(f, 1<<64-1)
		case ndn.TtKeyLocator:
			kl, err := tlv.Decode(f.Value)
			ok = err == nil && minimalTL(kl) && len(kl.Value) > 0
		case ndn.TtValidityPeriod:
			var s ndn.SigInfo
			ok = s.Decode(append([]byte{ndn.TtSignatureType, 1, 0}, f.Wire...)) == nil &&
				bytes.Equal(s.AppendTLV(nil, ndn.TtSignatureInfo)[5:], f.Wire)
		}
		if !ok {
			return false
		}
	}
	return d.Err() == nil
}

// inOrder reports whether the elements of v appear in the given order without
// repetition and each satisfies ok.
func inOrder(v []byte, ok func(tlv.Element) bool, order ...uint32) bool {
	k := 0
	d := tlv.NewDecoder(v)
	for d.Next() {
		f := d.Element()
		for k < len(order) && order[k] != f.Type {
			k++
		}
		if k == len(order) || !minimalTL(f) || !ok(f) {
			return false
		}
		k++
	}
	return d.Err() == nil
}

func minimalTL(e tlv.Element) bool {
	return len(e.Wire)-len(e.Value) == tlv.TLLen(e.Type, len(e.Value))
}

func minimalNNI(e tlv.Element, max uint64) bool {
	v, err := e.NNI()
	return err == nil && len(e.Value) == tlv.NNILen(v) && v <= max
}

func lpFields(p *ndn.LpPacket) string {
	return fmt.Sprintf("seq=%v/%d fi=%d fc=%d pit=%x nack=%v/%d in=%v/%d nh=%v/%d cp=%d cm=%d acks=%v tx=%v/%d nd=%v pa=%x frag=%v/%x",
		p.HasSequence, p.Sequence, p.FragIndex, p.FragCount, p.PitToken, p.IsNack, p.NackReason,
		p.HasIncomingFaceID, p.IncomingFaceID, p.HasNextHopFaceID, p.NextHopFaceID, p.CachePolicy,
		p.CongestionMark, p.Acks, p.HasTxSequence, p.TxSequence, p.NonDiscovery, p.PrefixAnn,
		p.Fragment != nil, p.Fragment)
}

func FuzzLpDecode(f *testing.F) {
	addSeeds(f, tv.KindLp)
	f.Fuzz(func(t *testing.T, wire []byte) {
		var p ndn.LpPacket
		if p.Decode(wire) != nil {
			return
		}
		want := lpFields(&p)
		w1 := p.Append(nil)
		if len(w1) != p.Length() {
			t.Fatalf("Length %d, Append %d", p.Length(), len(w1))
		}
		if p.HasHeaders() && !bytes.Equal(p.AppendHeader(nil), w1[:len(w1)-len(p.Fragment)]) {
			t.Fatalf("AppendHeader disagrees with Append %x", w1)
		}
		if !p.HasHeaders() {
			// Sent bare: the Fragment alone, which is a packet only if it
			// was one (a bare packet, or an LpPacket holding one whole).
			if !bytes.Equal(w1, p.Fragment) {
				t.Fatalf("bare encoding %x is not the Fragment", w1)
			}
			if e, err := tlv.Decode(p.Fragment); err != nil || e.Type != ndn.TtInterest && e.Type != ndn.TtData {
				return
			}
		}
		var q ndn.LpPacket
		if err := q.Decode(w1); err != nil {
			t.Fatalf("re-encoding %x of %x does not decode: %v", w1, wire, err)
		}
		if got := lpFields(&q); got != want {
			t.Fatalf("fields changed by re-encoding %x\n got %s\nwant %s", wire, got, want)
		}
		if w2 := q.Append(nil); !bytes.Equal(w2, w1) {
			t.Fatalf("re-encoding is not a fixed point:\n%x\n%x", w1, w2)
		}
	})
}

// checkName checks the invariants every valid Name has.
func checkName(t *testing.T, n ndn.Name) {
	t.Helper()
	for _, uri := range []string{n.String(), n.CanonicalString()} {
		m, err := ndn.ParseName(uri)
		if err != nil {
			t.Fatalf("ParseName(%q) of %x: %v", uri, n.Value(), err)
		}
		if !m.Equal(n) {
			t.Fatalf("ParseName(%q) = %x, want %x", uri, m.Value(), n.Value())
		}
	}
	seed := maphash.MakeSeed()
	hs := n.PrefixHashes(seed, nil)
	count := 0
	for k, c := range n.Components() {
		if !c.IsValid() || k < 8 && (!c.Equal(n.At(k)) || !c.Equal(n.At(k-n.Len()))) {
			t.Fatalf("component %d of %x: %v", k, n.Value(), c)
		}
		count++
	}
	if count != n.Len() || len(hs) != count+1 {
		t.Fatalf("Len %d, Components %d, PrefixHashes %d", n.Len(), count, len(hs))
	}
	// Prefix, Hash and At walk the name, so checking every k is quadratic:
	// long names get the first and last few.
	for k := 0; k <= count; k++ {
		if k == 8 && count > 16 {
			k = count - 8
		}
		p := n.Prefix(k)
		if !p.IsPrefixOf(n) || p.Len() != k || n.Hash(seed, k) != hs[k] || p.Compare(n) > 0 {
			t.Fatalf("Prefix(%d) of %x", k, n.Value())
		}
	}
	if d, err := ndn.DecodeName(n.AppendTLV(nil)); err != nil || !d.Equal(n) {
		t.Fatalf("AppendTLV of %x: %v", n.Value(), err)
	}
}

func FuzzNameFromValue(f *testing.F) {
	for _, v := range tv.Names {
		e, _ := tlv.Decode(tv.Bytes(v.Hex))
		f.Add(e.Value)
	}
	for _, v := range tv.Invalid {
		if v.Kind == tv.KindName {
			if e, err := tlv.Decode(tv.Bytes(v.Hex)); err == nil {
				f.Add(e.Value)
			}
		}
	}
	f.Fuzz(func(t *testing.T, v []byte) {
		n, err := ndn.NameFromValue(v)
		if err != nil {
			return
		}
		checkName(t, n)
	})
}

func FuzzParseName(f *testing.F) {
	for _, v := range tv.Names {
		f.Add(v.URI)
		f.Add(v.Canonical)
	}
	for _, s := range []string{"/", "ndn://auth/a", "/...", "/....", "/.", "/a%2Bb/~c", "/8=", "/%zz",
		"/65535=x", "/65536=x", "/sha256digest=" + zeros64, "/seg=99999999999999999999", "a/b/", "//"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, uri string) {
		n, err := ndn.ParseName(uri)
		if err != nil {
			return
		}
		// A parsed name is a valid name: its value passes the decoder's checks.
		if m, err := ndn.NameFromValue(n.Value()); err != nil || !m.Equal(n) {
			t.Fatalf("ParseName(%q) = %x, which NameFromValue rejects: %v", uri, n.Value(), err)
		}
		checkName(t, n)
	})
}

func FuzzSigInfo(f *testing.F) {
	f.Add(tv.Bytes("1b0100"))
	f.Add(tv.Bytes("1b0101 1c16 0714 08047465737408036b657908076c6f6361746f72"))
	f.Add(tv.Bytes("1b0103 1c06 1d04 01020304"))
	f.Add(tv.Bytes("1b0100 2608 0102030405060708 2808 0000018bcfe56800 2a01 05"))
	f.Add(append(tv.Bytes("1b0103"), tv.Bytes(tv.ValidityPeriodHex)...))
	f.Add(append(tv.Bytes("1b0103"), append(tv.Bytes(tv.ValidityPeriodHex), tv.Bytes("fd0102 04 fd020000")...)...))
	f.Fuzz(func(t *testing.T, v []byte) {
		var s ndn.SigInfo
		if s.Decode(v) != nil {
			return
		}
		w1 := s.AppendTLV(nil, ndn.TtInterestSignatureInfo)
		if len(w1) != s.Length(ndn.TtInterestSignatureInfo) {
			t.Fatalf("Length %d, AppendTLV %d", s.Length(ndn.TtInterestSignatureInfo), len(w1))
		}
		e, err := tlv.Decode(w1)
		if err != nil {
			t.Fatal(err)
		}
		var s2 ndn.SigInfo
		if err := s2.Decode(e.Value); err != nil {
			t.Fatalf("re-encoding %x of %x does not decode: %v", w1, v, err)
		}
		if w2 := s2.AppendTLV(nil, ndn.TtInterestSignatureInfo); !bytes.Equal(w2, w1) {
			t.Fatalf("re-encoding of %x is not a fixed point:\n%x\n%x", v, w1, w2)
		}
	})
}
