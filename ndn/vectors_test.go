package ndn_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/ndn"
	tv "github.com/ndnflow/ndnflow/ndn/ndntestvector"
	"github.com/ndnflow/ndnflow/tlv"
)

func hexOf(b []byte) string { return hex.EncodeToString(b) }

// checkInterest compares a decoded Interest with a vector's expectations.
func checkInterest(t *testing.T, v tv.Interest, i *ndn.Interest) {
	t.Helper()
	if got := i.Name.String(); got != v.Name {
		t.Errorf("Name = %s, want %s", got, v.Name)
	}
	if i.CanBePrefix != v.CanBePrefix || i.MustBeFresh != v.MustBeFresh {
		t.Errorf("CanBePrefix, MustBeFresh = %v, %v; want %v, %v", i.CanBePrefix, i.MustBeFresh, v.CanBePrefix, v.MustBeFresh)
	}
	var fh []string
	for _, n := range i.ForwardingHint {
		fh = append(fh, n.String())
	}
	if fmt.Sprint(fh) != fmt.Sprint(v.ForwardingHint) {
		t.Errorf("ForwardingHint = %v, want %v", fh, v.ForwardingHint)
	}
	if i.HasNonce != v.HasNonce || i.Nonce != v.Nonce {
		t.Errorf("Nonce = %v %08x, want %v %08x", i.HasNonce, i.Nonce, v.HasNonce, v.Nonce)
	}
	if want := time.Duration(v.LifetimeMs) * time.Millisecond; i.Lifetime != want {
		t.Errorf("Lifetime = %v, want %v", i.Lifetime, want)
	}
	if v.LifetimeMs == 0 && i.EffectiveLifetime() != 4*time.Second {
		t.Errorf("EffectiveLifetime = %v, want 4s", i.EffectiveLifetime())
	}
	if hl := int(i.HopLimit); !i.HasHopLimit && v.HopLimit != -1 || i.HasHopLimit && hl != v.HopLimit {
		t.Errorf("HopLimit = %v %d, want %d", i.HasHopLimit, i.HopLimit, v.HopLimit)
	}
	if i.HasAppParams != v.HasAppParams || hexOf(i.AppParams) != v.AppParams {
		t.Errorf("AppParams = %v %x, want %v %s", i.HasAppParams, i.AppParams, v.HasAppParams, v.AppParams)
	}
	if i.IsSigned != (v.SigType >= 0) {
		t.Fatalf("IsSigned = %v, want SigType %d", i.IsSigned, v.SigType)
	}
	if !i.IsSigned {
		return
	}
	if int(i.SigInfo.Type) != v.SigType || hexOf(i.SigInfo.Nonce) != v.SigNonce || hexOf(i.SigValue) != v.SigValue {
		t.Errorf("SigInfo = type %d nonce %x value %x; want %d %s %s", i.SigInfo.Type, i.SigInfo.Nonce, i.SigValue,
			v.SigType, v.SigNonce, v.SigValue)
	}
	if v.SigValueValid {
		sum := sha256.Sum256(i.SignedPortion(nil))
		if !bytes.Equal(sum[:], i.SigValue) {
			t.Errorf("SHA-256(SignedPortion) = %x, want the SignatureValue %x", sum, i.SigValue)
		}
	}
}

func TestInterestVectors(t *testing.T) {
	for _, v := range tv.Interests {
		t.Run(v.ID, func(t *testing.T) {
			wire := tv.Bytes(v.Hex)
			var i ndn.Interest
			if err := i.Decode(wire); err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if !bytes.Equal(i.Wire(), wire) {
				t.Errorf("Wire() is not the input")
			}
			checkInterest(t, v, &i)
			enc := i.Append(nil)
			if len(enc) != i.Length() {
				t.Errorf("Length() = %d, Append wrote %d", i.Length(), len(enc))
			}
			if v.ReEncodes && !bytes.Equal(enc, wire) {
				t.Errorf("re-encoding\n got %x\nwant %x", enc, wire)
			}
			// Whatever the encoding, it must decode to the same fields.
			var j ndn.Interest
			if err := j.Decode(enc); err != nil && v.ReEncodes {
				t.Fatalf("decode re-encoding: %v", err)
			} else if err == nil {
				checkInterest(t, v, &j)
			}
		})
	}
}

func checkData(t *testing.T, v tv.Data, d *ndn.Data) {
	t.Helper()
	if got := d.Name.String(); got != v.Name {
		t.Errorf("Name = %s, want %s", got, v.Name)
	}
	if d.ContentType != v.ContentType {
		t.Errorf("ContentType = %d, want %d", d.ContentType, v.ContentType)
	}
	if want := time.Duration(v.FreshnessMs) * time.Millisecond; d.Freshness != want {
		t.Errorf("Freshness = %v, want %v", d.Freshness, want)
	}
	if (d.Content != nil) != v.HasContent || hexOf(d.Content) != v.Content {
		t.Errorf("Content = %v %x, want %v %s", d.Content != nil, d.Content, v.HasContent, v.Content)
	}
	if uint64(d.SigInfo.Type) != v.SigType {
		t.Errorf("SigType = %d, want %d", d.SigInfo.Type, v.SigType)
	}
	kl := ""
	if !d.SigInfo.KeyLocator.Name.IsEmpty() {
		kl = d.SigInfo.KeyLocator.Name.String()
	}
	if kl != v.KeyLocator {
		t.Errorf("KeyLocator = %q, want %q", kl, v.KeyLocator)
	}
	if hexOf(d.SigValue) != v.SigValue {
		t.Errorf("SigValue = %x, want %s", d.SigValue, v.SigValue)
	}
}

func TestDataVectors(t *testing.T) {
	for _, v := range tv.Datas {
		t.Run(v.ID, func(t *testing.T) {
			wire := tv.Bytes(v.Hex)
			var d ndn.Data
			if err := d.Decode(wire); err != nil {
				t.Fatalf("Decode: %v", err)
			}
			checkData(t, v, &d)
			if v.SigValueIsDigest {
				if sum := sha256.Sum256(d.SignedPortion()); hexOf(sum[:]) != v.SigValue {
					t.Errorf("SHA-256(SignedPortion) = %x, want %s", sum, v.SigValue)
				}
			}
			dg := d.Digest()
			if full := sha256.Sum256(wire); dg != full {
				t.Errorf("Digest() = %x, want SHA-256 of the wire %x", dg, full)
			}
			if v.ImplicitDigest != "" {
				if hexOf(dg[:]) != v.ImplicitDigest {
					t.Errorf("Digest() = %x, want %s", dg, v.ImplicitDigest)
				}
				want := v.Name + "/sha256digest=" + v.ImplicitDigest
				if v.Name == "/" {
					want = "/sha256digest=" + v.ImplicitDigest
				}
				if got := d.FullName().String(); got != want {
					t.Errorf("FullName = %s, want %s", got, want)
				}
			}
			enc := d.Append(nil)
			if len(enc) != d.Length() {
				t.Errorf("Length() = %d, Append wrote %d", d.Length(), len(enc))
			}
			if v.ReEncodes && !bytes.Equal(enc, wire) {
				t.Errorf("re-encoding\n got %x\nwant %x", enc, wire)
			}
			var e ndn.Data
			if err := e.Decode(enc); err != nil {
				t.Fatalf("decode re-encoding: %v", err)
			}
			checkData(t, v, &e)
		})
	}
}

func TestNameVectors(t *testing.T) {
	for _, v := range tv.Names {
		t.Run(v.ID, func(t *testing.T) {
			wire := tv.Bytes(v.Hex)
			n, err := ndn.DecodeName(wire)
			if err != nil {
				t.Fatalf("DecodeName: %v", err)
			}
			if got := n.String(); got != v.URI {
				t.Errorf("String() = %s, want %s", got, v.URI)
			}
			if got := n.CanonicalString(); got != v.Canonical {
				t.Errorf("CanonicalString() = %s, want %s", got, v.Canonical)
			}
			for _, uri := range []string{v.URI, v.Canonical} {
				p, err := ndn.ParseName(uri)
				if err != nil {
					t.Errorf("ParseName(%s): %v", uri, err)
				} else if !p.Equal(n) {
					t.Errorf("ParseName(%s) = %x, want %x", uri, p.Value(), n.Value())
				}
			}
			if enc := n.AppendTLV(nil); !bytes.Equal(enc, wire) || n.TLVLength() != len(wire) {
				t.Errorf("AppendTLV = %x (TLVLength %d), want %x", enc, n.TLVLength(), wire)
			}
		})
	}
}

func TestValidityPeriodVector(t *testing.T) {
	vp := tv.Bytes(tv.ValidityPeriodHex)
	value := append(tv.Bytes("1b0103"), vp...) // SignatureType ECDSA, then the ValidityPeriod
	var s ndn.SigInfo
	if err := s.Decode(value); err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if !s.HasValidity() {
		t.Fatal("HasValidity() = false")
	}
	if want := time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC); !s.NotBefore.Equal(want) {
		t.Errorf("NotBefore = %v, want %v", s.NotBefore, want)
	}
	if want := time.Date(1970, 1, 2, 0, 0, 0, 0, time.UTC); !s.NotAfter.Equal(want) {
		t.Errorf("NotAfter = %v, want %v", s.NotAfter, want)
	}
	enc := s.AppendTLV(nil, ndn.TtSignatureInfo)
	want := tlv.AppendElement(nil, ndn.TtSignatureInfo, value)
	if !bytes.Equal(enc, want) || s.Length(ndn.TtSignatureInfo) != len(want) {
		t.Errorf("AppendTLV = %x, want %x", enc, want)
	}
}

func checkLp(t *testing.T, v tv.LpPacket, p *ndn.LpPacket) {
	t.Helper()
	if p.HasSequence != v.HasSequence || p.Sequence != v.Sequence {
		t.Errorf("Sequence = %v %d, want %v %d", p.HasSequence, p.Sequence, v.HasSequence, v.Sequence)
	}
	if p.FragIndex != v.FragIndex || p.FragCount != v.FragCount {
		t.Errorf("FragIndex/Count = %d/%d, want %d/%d", p.FragIndex, p.FragCount, v.FragIndex, v.FragCount)
	}
	if hexOf(p.PitToken) != v.PitToken {
		t.Errorf("PitToken = %x, want %s", p.PitToken, v.PitToken)
	}
	if p.IsNack != (v.NackReason >= 0) || p.IsNack && int(p.NackReason) != v.NackReason {
		t.Errorf("Nack = %v %v, want %d", p.IsNack, p.NackReason, v.NackReason)
	}
	if p.CongestionMark != v.CongestionMark {
		t.Errorf("CongestionMark = %d, want %d", p.CongestionMark, v.CongestionMark)
	}
	if fmt.Sprint(p.Acks) != fmt.Sprint(v.Acks) && len(p.Acks)+len(v.Acks) > 0 {
		t.Errorf("Acks = %v, want %v", p.Acks, v.Acks)
	}
	if want := tv.Bytes(v.Fragment); !bytes.Equal(p.Fragment, want) || p.IsIdle() != (v.Fragment == "") {
		t.Errorf("Fragment = %x (idle %v), want %x", p.Fragment, p.IsIdle(), want)
	}
}

func TestLpVectors(t *testing.T) {
	for _, v := range tv.LpPackets {
		t.Run(v.ID, func(t *testing.T) {
			wire := tv.Bytes(v.Hex)
			var p ndn.LpPacket
			if err := p.Decode(wire); err != nil {
				t.Fatalf("Decode: %v", err)
			}
			checkLp(t, v, &p)
			enc := p.Append(nil)
			if !bytes.Equal(enc, wire) || p.Length() != len(wire) {
				t.Errorf("re-encoding (Length %d)\n got %x\nwant %x", p.Length(), enc, wire)
			}
			if h := p.AppendHeader(nil); len(h) != p.HeaderLength() || !bytes.Equal(append(h, p.Fragment...), wire) {
				t.Errorf("AppendHeader+Fragment = %x (HeaderLength %d), want %x", append(h, p.Fragment...), p.HeaderLength(), wire)
			}
		})
	}
}

// TestLpNackOfI1 decodes L2 all the way: the Fragment is Interest I1.
func TestLpNackOfI1(t *testing.T) {
	var p ndn.LpPacket
	if err := p.Decode(tv.Bytes(tv.LpPackets[1].Hex)); err != nil {
		t.Fatal(err)
	}
	var i ndn.Interest
	if err := i.Decode(p.Fragment); err != nil {
		t.Fatal(err)
	}
	if !p.IsNack || p.NackReason != ndn.NackNoRoute || i.Name.String() != "/local/ndn/prefix" {
		t.Errorf("got Nack %v %v of %s", p.IsNack, p.NackReason, i.Name)
	}
}

func TestLpBarePackets(t *testing.T) {
	for _, h := range []string{tv.I1Hex, tv.D1Hex} {
		wire := tv.Bytes(h)
		var p ndn.LpPacket
		if err := p.Decode(wire); err != nil {
			t.Fatal(err)
		}
		if !p.IsBare || !bytes.Equal(p.Fragment, wire) || p.HasHeaders() {
			t.Errorf("bare %x: IsBare %v HasHeaders %v", wire[:2], p.IsBare, p.HasHeaders())
		}
		if enc := p.Append(nil); !bytes.Equal(enc, wire) {
			t.Errorf("bare packet re-encoded as %x", enc)
		}
	}
}

// TestLpIgnorableField checks the unknown-field rule's accepting side: a
// field in [800, 959] whose type is a multiple of 4 is skipped.
func TestLpIgnorableField(t *testing.T) {
	for _, h := range []string{
		`6408 fd0384 00 5002 03e8`,                          // 900
		`6408 fd0320 00 5002 03e8`,                          // Nack without reason still fine
		`640b fd03bc 03 010203 5002 03e8`,                   // 956
		`6411 fd0320 09 (fd0384 00 fd0321 01 96) 5002 03e8`, // ignorable field inside Nack
	} {
		var p ndn.LpPacket
		if err := p.Decode(tv.Bytes(h)); err != nil {
			t.Errorf("%s: %v", h, err)
		} else if !bytes.Equal(p.Fragment, []byte{3, 0xe8}) {
			t.Errorf("%s: Fragment %x", h, p.Fragment)
		}
	}
}

var ruleErr = map[string]error{
	tv.RuleTruncated:      tlv.ErrTruncated,
	tv.RuleCritical:       tlv.ErrCritical,
	tv.RuleOrder:          tlv.ErrCritical,
	tv.RuleBeforeName:     tlv.ErrCritical,
	tv.RuleMissing:        ndn.ErrMissing,
	tv.RuleNNI:            tlv.ErrNNI,
	tv.RuleLength:         tlv.ErrLength,
	tv.RuleEmptyName:      ndn.ErrEmptyName,
	tv.RuleComponentType:  ndn.ErrComponentType,
	tv.RuleDigestLength:   ndn.ErrDigestLength,
	tv.RuleParamsDigest:   ndn.ErrParamsDigest,
	tv.RuleLpField:        ndn.ErrLpField,
	tv.RulePacketType:     ndn.ErrPacketType,
	tv.RuleNonMinimalName: ndn.ErrNonMinimal,
	tv.RuleValidityPeriod: ndn.ErrTime,
}

func decodeKind(kind string, wire []byte) error {
	switch kind {
	case tv.KindInterest:
		var i ndn.Interest
		return i.Decode(wire)
	case tv.KindData:
		var d ndn.Data
		return d.Decode(wire)
	case tv.KindLp:
		var p ndn.LpPacket
		return p.Decode(wire)
	case tv.KindName:
		_, err := ndn.DecodeName(wire)
		return err
	}
	panic(kind)
}

// TestInvalid checks every rejection rule: each malformed vector fails with
// the sentinel error of its rule.
func TestInvalid(t *testing.T) {
	for _, v := range tv.Invalid {
		t.Run(v.Kind+"/"+v.Desc, func(t *testing.T) {
			want, ok := ruleErr[v.Rule]
			if !ok {
				t.Fatalf("no error for rule %q", v.Rule)
			}
			err := decodeKind(v.Kind, tv.Bytes(v.Hex))
			if !errors.Is(err, want) {
				t.Errorf("error %v, want %v", err, want)
			}
		})
	}
}

// TestTruncatedVectors decodes every proper prefix of every valid vector: all
// must fail cleanly (the outer TLV-LENGTH no longer fits), none may panic.
func TestTruncatedVectors(t *testing.T) {
	var all [][2]string
	for _, v := range tv.Interests {
		all = append(all, [2]string{tv.KindInterest, v.Hex})
	}
	for _, v := range tv.Datas {
		all = append(all, [2]string{tv.KindData, v.Hex})
	}
	for _, v := range tv.LpPackets {
		all = append(all, [2]string{tv.KindLp, v.Hex})
	}
	for _, v := range tv.Names {
		all = append(all, [2]string{tv.KindName, v.Hex})
	}
	for _, k := range all {
		wire := tv.Bytes(k[1])
		for n := range len(wire) {
			if err := decodeKind(k[0], wire[:n]); err == nil {
				t.Errorf("%s %x: prefix of %d octets decoded", k[0], wire[:min(4, len(wire))], n)
			}
		}
	}
}

// TestInterestIgnoredElements checks the non-critical side of §1.3: unknown,
// repeated or misplaced non-critical elements are skipped, and re-encoding
// drops them.
func TestInterestIgnoredElements(t *testing.T) {
	for _, tc := range []struct {
		desc, in, reencoded string
		hop                 int
	}{
		{"repeated HopLimit (ndn-cxx NonCriticalElementOutOfOrder)",
			`050e 0703 080149 2201 d6 2200 2202 0101`, `0508 0703 080149 2201 d6`, 214},
		{"signature elements without ApplicationParameters",
			`050e 0703 080149 2c03 1b0100 2e02 abcd`, `0505 0703 080149`, -1},
		{"unknown non-critical types 252 and 510",
			`050e 0703 080149 fc00 2201 07 fd01fe 00`, `0508 0703 080149 2201 07`, 7},
	} {
		var i ndn.Interest
		if err := i.Decode(tv.Bytes(tc.in)); err != nil {
			t.Errorf("%s: %v", tc.desc, err)
			continue
		}
		if hop := int(i.HopLimit); i.HasHopLimit != (tc.hop >= 0) || i.HasHopLimit && hop != tc.hop {
			t.Errorf("%s: HopLimit %v %d", tc.desc, i.HasHopLimit, i.HopLimit)
		}
		if i.IsSigned || i.HasAppParams {
			t.Errorf("%s: IsSigned %v HasAppParams %v", tc.desc, i.IsSigned, i.HasAppParams)
		}
		if got := hexOf(i.Append(nil)); got != tv.Hex(tc.reencoded) {
			t.Errorf("%s: re-encoded %s, want %s", tc.desc, got, tv.Hex(tc.reencoded))
		}
	}
}
