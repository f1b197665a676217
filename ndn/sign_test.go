package ndn_test

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/ndn"
	tv "github.com/ndnflow/ndnflow/ndn/ndntestvector"
)

// digestSigner signs with DigestSha256: the signature is the SHA-256 of the
// signed portion and there is no KeyLocator.
type digestSigner struct{}

func (digestSigner) SigType() ndn.SigType       { return ndn.SigDigestSha256 }
func (digestSigner) KeyLocator() ndn.KeyLocator { return ndn.KeyLocator{} }
func (digestSigner) Sign(p []byte) ([]byte, error) {
	s := sha256.Sum256(p)
	return s[:], nil
}

// failSigner always fails.
type failSigner struct{ digestSigner }

var errSign = errors.New("sign failed")

func (failSigner) Sign([]byte) ([]byte, error) { return nil, errSign }

func mustHex(h string) []byte { return tv.Bytes(h) }

// TestInterestSignWithVectors rebuilds I4 and I5 from their fields with
// SignWith: the result must be the python-ndn bytes exactly.
func TestInterestSignWithVectors(t *testing.T) {
	for _, tc := range []struct {
		id     string
		params []byte
	}{
		{"I4", []byte{1, 2, 3, 4}},
		{"I5", nil},
	} {
		t.Run(tc.id, func(t *testing.T) {
			var want []byte
			for _, v := range tv.Interests {
				if v.ID == tc.id {
					want = tv.Bytes(v.Hex)
				}
			}
			i := ndn.Interest{
				Name:      ndn.MustParseName("/local/ndn/prefix"),
				Nonce:     0x6c211166,
				HasNonce:  true,
				Lifetime:  4 * time.Second,
				AppParams: tc.params,
			}
			w, err := i.SignWith(digestSigner{})
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(w, want) {
				t.Errorf("SignWith\n got %x\nwant %x", w, want)
			}
			if !bytes.Equal(i.Wire(), w) || !i.IsSigned {
				t.Error("Interest not updated to the signed packet")
			}
		})
	}
}

func TestInterestSignWith(t *testing.T) {
	var d [32]byte
	i := ndn.Interest{
		// A stale digest component in the middle must be dropped and a
		// fresh one appended last.
		Name:        ndn.MustParseName("/A").Append(ndn.ParamsDigestComponent(d), ndn.GenericComponent("B")),
		MustBeFresh: true,
		HasNonce:    true,
		Nonce:       7,
		AppParams:   []byte("hello"),
		SigInfo:     ndn.SigInfo{Nonce: []byte{1, 2, 3, 4, 5, 6, 7, 8}, Time: 1700000000000, HasTime: true, SeqNum: 9, HasSeqNum: true},
	}
	w, err := i.SignWith(digestSigner{})
	if err != nil {
		t.Fatal(err)
	}
	var j ndn.Interest
	if err := j.Decode(w); err != nil { // checks the params digest
		t.Fatal(err)
	}
	if j.Name.Len() != 3 || j.Name.At(-1).Type != ndn.TtParametersSha256DigestComponent || j.Name.Prefix(2).String() != "/A/B" {
		t.Errorf("Name = %s, want /A/B/params-sha256=…", j.Name)
	}
	sum := sha256.Sum256(j.SignedPortion(nil))
	if !bytes.Equal(sum[:], j.SigValue) {
		t.Error("signature is not the digest of the signed portion")
	}
	// The signed portion is the name components without the digest, then
	// ApplicationParameters through InterestSignatureInfo.
	portion := j.SignedPortion(nil)
	wantStart := ndn.MustParseName("/A/B").Value()
	if !bytes.HasPrefix(portion, wantStart) || !bytes.HasPrefix(portion[len(wantStart):], []byte{0x24, 5}) {
		t.Errorf("SignedPortion = %x", portion)
	}
	s := j.SigInfo
	if !bytes.Equal(s.Nonce, []byte{1, 2, 3, 4, 5, 6, 7, 8}) || s.Time != 1700000000000 || !s.HasTime || s.SeqNum != 9 || !s.HasSeqNum {
		t.Errorf("SigInfo = %+v", s)
	}
	if !j.MustBeFresh || j.Nonce != 7 || string(j.AppParams) != "hello" {
		t.Errorf("fields lost: %+v", j)
	}

	f := ndn.Interest{Name: ndn.MustParseName("/A")}
	if _, err := f.SignWith(failSigner{}); !errors.Is(err, errSign) {
		t.Errorf("SignWith(failing signer) = %v", err)
	}
}

// TestInterestEncodeParams checks that Encode computes the parameters digest.
func TestInterestEncodeParams(t *testing.T) {
	i := ndn.Interest{
		Name: ndn.MustParseName("/local/ndn/prefix"), HasNonce: true, Nonce: 1,
		AppParams: []byte{0xc0, 0xc1, 0xc2, 0xc3}, HasAppParams: true,
	}
	w, err := i.Encode()
	if err != nil {
		t.Fatal(err)
	}
	if want := tv.Bytes(tv.Interests[1].Hex); !bytes.Equal(w, want) { // I2
		t.Errorf("Encode\n got %x\nwant %x", w, want)
	}
	// Encoding again replaces the digest rather than adding a second one.
	i.AppParams = []byte{0xca, 0xfe}
	if _, err := i.Encode(); err != nil {
		t.Fatal(err)
	}
	if i.Name.Len() != 4 {
		t.Errorf("Name after second Encode = %s", i.Name)
	}
}

// TestV02SignedPortion builds the legacy command Interest of vector M4 and
// checks the signed portion and the SignatureValue published with it.
func TestV02SignedPortion(t *testing.T) {
	raw := func(h string) ndn.Component {
		return ndn.Component{Type: ndn.TtGenericNameComponent, Value: tv.Bytes(h)}
	}
	base := ndn.MustParseName("/localhost/nfd/rib/register").Append(
		raw("680b 0709 0807 6578616d706c65"), // ControlParameters Name=/example
		raw("0000018bcfe56800"),              // timestamp
		raw("0a0b0c0d0e0f1011"),              // random
		raw("16031b0100"),                    // SignatureInfo DigestSha256
	)
	sig := sha256.Sum256(base.Value())
	name := base.Append(raw("1720" + hexOf(sig[:])))
	i := ndn.Interest{Name: name, Nonce: 0xa1b2c3d5, HasNonce: true, Lifetime: 10 * time.Second}
	w, err := i.Encode()
	if err != nil {
		t.Fatal(err)
	}
	const m4 = `0579 076d 0809 6c6f63616c686f7374 0803 6e6664 0803 726962 0808 7265676973746572
	                    080d 680b 0709 0807 6578616d706c65
	                    0808 0000018bcfe56800 0808 0a0b0c0d0e0f1011
	                    0805 16031b0100
	                    0822 1720 a90ac7e0e13eec9953b7a8296497f9fb667245cefb47ba70046b4fe596175b29
	               0a04 a1b2c3d5 0c02 2710`
	if !bytes.Equal(w, tv.Bytes(m4)) {
		t.Errorf("M4 rebuilt\n got %x\nwant %s", w, tv.Hex(m4))
	}
	var j ndn.Interest
	if err := j.Decode(w); err != nil {
		t.Fatal(err)
	}
	portion, si, sv, ok := j.V02SignedPortion()
	if !ok {
		t.Fatal("V02SignedPortion: not recognised")
	}
	if !bytes.Equal(portion, base.Value()) {
		t.Errorf("portion = %x, want %x", portion, base.Value())
	}
	if hexOf(si.Value) != "16031b0100" || hexOf(sv.Value[2:]) != "a90ac7e0e13eec9953b7a8296497f9fb667245cefb47ba70046b4fe596175b29" {
		t.Errorf("SigInfo %x SigValue %x", si.Value, sv.Value)
	}
	if got := sha256.Sum256(portion); !bytes.Equal(got[:], sv.Value[2:]) {
		t.Error("SignatureValue is not the digest of the portion")
	}
	// Names that do not have the v0.2 shape are not mistaken for it.
	for _, n := range []string{"/localhost/nfd/rib/register", "/a/b/c/d/e", tv.Interests[0].Name} {
		k := ndn.Interest{Name: ndn.MustParseName(n)}
		if _, _, _, ok := k.V02SignedPortion(); ok {
			t.Errorf("%s: recognised as v0.2 signed", n)
		}
	}
}

// TestDataSignWith re-signs decoded D1 (keeping its empty MetaInfo) and gets
// D1 back, then signs a fresh Data.
func TestDataSignWith(t *testing.T) {
	want := tv.Bytes(tv.D1Hex)
	var d ndn.Data
	if err := d.Decode(want); err != nil {
		t.Fatal(err)
	}
	w, err := d.SignWith(digestSigner{})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(w, want) {
		t.Errorf("re-signed D1\n got %x\nwant %x", w, want)
	}

	e := ndn.Data{
		Name: ndn.MustParseName("/A/v=1/seg=0"), ContentType: ndn.ContentKey, Freshness: time.Hour,
		FinalBlock: ndn.SegmentComponent(0), Content: []byte("payload"),
		SigInfo: ndn.SigInfo{
			NotBefore: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
			NotAfter:  time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		},
	}
	w, err = e.SignWith(digestSigner{})
	if err != nil {
		t.Fatal(err)
	}
	var f ndn.Data
	if err := f.Decode(w); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(f.SignedPortion())
	if !bytes.Equal(sum[:], f.SigValue) {
		t.Error("signature is not the digest of the signed portion")
	}
	if f.Name.String() != "/A/v=1/seg=0" || f.ContentType != ndn.ContentKey || f.Freshness != time.Hour ||
		f.FinalBlock.String() != "seg=0" || string(f.Content) != "payload" ||
		!f.SigInfo.NotAfter.Equal(e.SigInfo.NotAfter) {
		t.Errorf("decoded %+v", f)
	}
	if !bytes.Equal(f.Append(nil), w) {
		t.Error("re-encoding a signed Data changed it")
	}
	if _, err := e.SignWith(failSigner{}); !errors.Is(err, errSign) {
		t.Errorf("SignWith(failing signer) = %v", err)
	}
}

func TestSigInfoKeyLocator(t *testing.T) {
	for _, h := range []string{
		"1b0101 1c16 0714 08047465737408036b657908076c6f6361746f72", // Name
		"1b0103 1c06 1d04 01020304",                                 // KeyDigest
		"1b0105 1c02 0700",                                          // empty Name
	} {
		v := tv.Bytes(h)
		var s ndn.SigInfo
		if err := s.Decode(v); err != nil {
			t.Errorf("%s: %v", h, err)
			continue
		}
		enc := s.AppendTLV(nil, ndn.TtSignatureInfo)
		if !bytes.Equal(enc[2:], v) && h != "1b0105 1c02 0700" {
			t.Errorf("%s: re-encoded %x", h, enc)
		}
	}
	for _, h := range []string{
		"1b0101 1c00",           // empty KeyLocator
		"1b0101 1c03 1f0100",    // unknown critical inside KeyLocator
		"1b0101 1c04 0700 0800", // trailing bytes in KeyLocator
		"1b0101 2600",           // empty SignatureNonce
		"1b0101 2803 000000",    // SignatureTime of 3 octets
		"fd00fd00 1b0101",       // ValidityPeriod empty
	} {
		var s ndn.SigInfo
		if err := s.Decode(tv.Bytes(h)); err == nil {
			t.Errorf("%s: decoded", h)
		}
	}
}
