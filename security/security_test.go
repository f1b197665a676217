package security_test

import (
	"bytes"
	"encoding/hex"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/ndn"
	"github.com/ndnflow/ndnflow/security"
)

// unhex decodes annotated hex: spaces, newlines and text after '#' on a line are ignored.
func unhex(t testing.TB, s string) []byte {
	t.Helper()
	var b strings.Builder
	for _, line := range strings.Split(s, "\n") {
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		b.WriteString(strings.Join(strings.Fields(line), ""))
	}
	out, err := hex.DecodeString(b.String())
	if err != nil {
		t.Fatalf("bad hex: %v", err)
	}
	return out
}

func readHex(t testing.TB, file string) []byte {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return unhex(t, string(b))
}

func decodeData(t testing.TB, wire []byte) *ndn.Data {
	t.Helper()
	var d ndn.Data
	if err := d.Decode(wire); err != nil {
		t.Fatalf("decode Data: %v", err)
	}
	return &d
}

func decodeInterest(t testing.TB, wire []byte) *ndn.Interest {
	t.Helper()
	var i ndn.Interest
	if err := i.Decode(wire); err != nil {
		t.Fatalf("decode Interest: %v", err)
	}
	return &i
}

// TestVectorD1 verifies the DigestSha256 Data of ndn-protocols.md §6.2 D1.
func TestVectorD1(t *testing.T) {
	d := decodeData(t, unhex(t, `0630 0703 080145 1400 1500 1603 1b0100
		1720 f965ee682c6973c3cbaa7b69e4c7063680f83be93a46be2ccc98686134354b66`))
	if err := security.VerifyData(d, security.DigestSha256{}); err != nil {
		t.Fatalf("D1 does not verify: %v", err)
	}
	// Re-signing the decoded packet produces the same bytes.
	d2 := decodeData(t, d.Wire())
	w, err := d2.SignWith(security.DigestSha256{})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(w[len(w)-32:], d.SigValue) {
		t.Errorf("our DigestSha256 of /E differs:\n got %x\nwant %x", w[len(w)-32:], d.SigValue)
	}
}

func ndnCxxRSAKey(t testing.TB) *security.PrivateKey {
	t.Helper()
	k, err := security.ParsePrivateKey(ndn.MustParseName("/test/key/locator"), readHex(t, "testdata/ndn-cxx-rsa-key.pk8.hex"))
	if err != nil {
		t.Fatalf("ndn-cxx test key: %v", err)
	}
	return k
}

// TestVectorD3 verifies ndn-cxx DATA1 (RSA) with the ndn-cxx test key and
// re-creates it byte for byte (PKCS#1 v1.5 signatures are deterministic).
func TestVectorD3(t *testing.T) {
	wire := readHex(t, "testdata/d3.hex")
	d := decodeData(t, wire)
	key := ndnCxxRSAKey(t)
	if key.Type() != security.KeyRSA {
		t.Fatalf("key type %v", key.Type())
	}
	if err := security.VerifyData(d, key.Public()); err != nil {
		t.Fatalf("D3 does not verify: %v", err)
	}
	if got := hex.EncodeToString(func() []byte { x := d.Digest(); return x[:] }()); got != "28bad4b5275bd392dbb670c75cf0b66f13f7942b21e80f55c0e86b374753a548" {
		t.Errorf("implicit digest %s", got)
	}
	re := ndn.Data{Name: ndn.MustParseName("/local/ndn/prefix"), Freshness: 10 * time.Second, Content: []byte("SUCCESS!")}
	w, err := re.SignWith(key)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(w, wire) {
		t.Errorf("re-signed D3 differs:\n got %x\nwant %x", w, wire)
	}
}

// TestVectorSignedInterests verifies I4, I5 (python-ndn) and M3 (v0.3) and M4
// (v0.2) digest-signed Interests of ndn-protocols.md §6.1 and §6.6.
func TestVectorSignedInterests(t *testing.T) {
	tests := []struct {
		name    string
		hex     string
		format  security.SignedFormat
		sigName string
	}{
		{"I4", `056f 0736 08056c6f63616c 08036e646e 0806707265666978
			0220 8e6e36d7eabcde43756140c90bda09d500d2a577f2f533b569f0441df0a7f9e2
			0a04 6c211166  0c02 0fa0  2404 01020304  2c03 1b0100
			2e20 eaa8f099086378951de05ff1debbc118b5218b2fcaa0b51d18fabc29f54d58ff`, security.FormatV03, "/local/ndn/prefix"},
		{"I5", `056b 0736 08056c6f63616c 08036e646e 0806707265666978
			0220 4077a57049d83848b525a423ab978e6480f96d5ca38a80a5e2d6e250a617be4f
			0a04 6c211166 0c02 0fa0 2400 2c03 1b0100
			2e20 094e009d7459825ca02daab7ad6048303919d8998025beffa6f99679d65e9f62`, security.FormatV03, "/local/ndn/prefix"},
		{"M3", `0599 0750 0809 6c6f63616c686f7374 0803 6e6664 0803 726962 0808 7265676973746572
			080d 680b 0709 0807 6578616d706c65
			0220 cd9725008a1f819fc19bf0e7b78052af8081e58ee84712f7f233f445fff2a7e6
			0a04 a1b2c3d4 0c02 2710 2400
			2c17 1b0100 2608 0102030405060708 2808 0000018bcfe56800
			2e20 8b0ea3bdfd85c53158d719fb858bcc92b10bed15c0669de263e3a4857b3bf022`, security.FormatV03, ""},
		{"M4", `0579 076d 0809 6c6f63616c686f7374 0803 6e6664 0803 726962 0808 7265676973746572
			080d 680b 0709 0807 6578616d706c65
			0808 0000018bcfe56800 0808 0a0b0c0d0e0f1011
			0805 16031b0100
			0822 1720 a90ac7e0e13eec9953b7a8296497f9fb667245cefb47ba70046b4fe596175b29
			0a04 a1b2c3d5 0c02 2710`, security.FormatV02, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wire := unhex(t, tt.hex)
			i := decodeInterest(t, wire)
			s, err := security.VerifyInterest(i, security.DigestSha256{})
			if err != nil {
				t.Fatalf("verify: %v", err)
			}
			if s.Format != tt.format {
				t.Errorf("format %v, want %v", s.Format, tt.format)
			}
			if tt.sigName != "" && s.Name.String() != tt.sigName {
				t.Errorf("name without signature %s, want %s", s.Name, tt.sigName)
			}
			if tt.name == "M3" || tt.name == "M4" {
				if s.Name.Len() != 5 || !s.SigInfo.HasTime || s.SigInfo.Time != 1700000000000 {
					t.Errorf("M3/M4: name %s, time %v %d", s.Name, s.SigInfo.HasTime, s.SigInfo.Time)
				}
			}
			// Flip every byte of the signed portion in the wire: verification
			// (or decoding, for the parameters digest) must fail.
			for k := range wire {
				bad := bytes.Clone(wire)
				bad[k] ^= 0x01
				var bi ndn.Interest
				if bi.Decode(bad) != nil {
					continue
				}
				if _, err := security.VerifyInterest(&bi, security.DigestSha256{}); err == nil && signedByte(tt.name, k, len(wire)) {
					t.Errorf("flipping byte %d still verifies", k)
				}
			}
		})
	}
}

// signedByte reports whether wire offset k of vector name is covered by the
// signature (Nonce and InterestLifetime are not).
func signedByte(name string, k, n int) bool {
	switch name {
	case "I4", "I5":
		return k < 2+2+0x36-34 || k >= 2+2+0x36+6+4 // name (without digest) and params onward
	case "M3":
		return k < 2+2+0x50-34 || k >= 2+2+0x50+6+4
	case "M4":
		return k >= 4 && k < 2+2+0x6d-0x24
	}
	return false
}

func TestInterestSignRoundTrip(t *testing.T) {
	keys := allSigners(t)
	for _, k := range keys {
		for _, v02 := range []bool{false, true} {
			i := ndn.Interest{Name: ndn.MustParseName("/localhost/nfd/rib/register"), HasNonce: true, Nonce: 7}
			var err error
			now := time.Unix(1700000000, 0)
			if v02 {
				_, err = security.SignInterestV02(&i, k.s, security.InterestSignOptions{Time: now})
			} else {
				_, err = security.SignInterest(&i, k.s, security.InterestSignOptions{Time: now, SeqNum: 9, HasSeqNum: true})
			}
			if err != nil {
				t.Fatalf("%s v02=%v: %v", k.name, v02, err)
			}
			j := decodeInterest(t, i.Wire())
			s, err := security.VerifyInterest(j, k.v)
			if err != nil {
				t.Fatalf("%s v02=%v: verify: %v", k.name, v02, err)
			}
			if s.SigInfo.Time != uint64(now.UnixMilli()) || len(s.SigInfo.Nonce) != 8 || s.Name.String() != "/localhost/nfd/rib/register" {
				t.Errorf("%s v02=%v: sig info %+v name %s", k.name, v02, s.SigInfo, s.Name)
			}
			if !s.SigInfo.KeyLocator.Name.Equal(k.s.KeyLocator().Name) {
				t.Errorf("%s: KeyLocator %s", k.name, s.SigInfo.KeyLocator.Name)
			}
		}
	}
	// An unsigned Interest.
	i := decodeInterest(t, unhex(t, "051c 0714 08056c6f63616c 08036e646e 0806707265666978 0a04 01020304"))
	if _, err := security.VerifyInterest(i, security.DigestSha256{}); !errors.Is(err, security.ErrUnsigned) {
		t.Errorf("unsigned Interest: %v, want ErrUnsigned", err)
	}
}

// TestV02ReproducesM4 signs the M4 command with SignInterestV02 and gets the vector.
func TestV02ReproducesM4(t *testing.T) {
	cp := unhex(t, "680b 0709 0807 6578616d706c65")
	i := ndn.Interest{Name: ndn.MustParseName("/localhost/nfd/rib/register").Append(ndn.Component{Type: 8, Value: cp}),
		HasNonce: true, Nonce: 0xa1b2c3d5, Lifetime: 10 * time.Second}
	w, err := security.SignInterestV02(&i, security.DigestSha256{}, security.InterestSignOptions{
		Time: time.UnixMilli(1700000000000), Nonce: unhex(t, "0a0b0c0d0e0f1011")})
	if err != nil {
		t.Fatal(err)
	}
	want := unhex(t, `0579 076d 0809 6c6f63616c686f7374 0803 6e6664 0803 726962 0808 7265676973746572
			080d 680b 0709 0807 6578616d706c65
			0808 0000018bcfe56800 0808 0a0b0c0d0e0f1011
			0805 16031b0100
			0822 1720 a90ac7e0e13eec9953b7a8296497f9fb667245cefb47ba70046b4fe596175b29
			0a04 a1b2c3d5 0c02 2710`)
	if !bytes.Equal(w, want) {
		t.Errorf("got  %x\nwant %x", w, want)
	}
}

type testKey struct {
	name string
	s    ndn.Signer
	v    ndn.Verifier
}

func allSigners(t testing.TB) []testKey {
	t.Helper()
	out := []testKey{{"digest", security.DigestSha256{}, security.DigestSha256{}}}
	h := security.NewHMACKey(ndn.MustParseName("/h/KEY/1"), []byte("secret"))
	out = append(out, testKey{"hmac", h, h})
	for _, kt := range []security.KeyType{security.KeyRSA, security.KeyECDSA, security.KeyEd25519} {
		k, err := security.GenerateKey(kt, security.NewKeyName(ndn.MustParseName("/test")))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, testKey{kt.String(), k, k.Public()})
	}
	return out
}

// TestDataRoundTripAndTamper signs a Data with every algorithm, verifies it,
// and checks that changing any byte of the signed portion or the signature
// makes verification fail.
func TestDataRoundTripAndTamper(t *testing.T) {
	for _, k := range allSigners(t) {
		t.Run(k.name, func(t *testing.T) {
			d := ndn.Data{Name: ndn.MustParseName("/test/data/v=1"), Freshness: time.Second, Content: []byte("hello")}
			w, err := d.SignWith(k.s)
			if err != nil {
				t.Fatal(err)
			}
			if d.SigInfo.Type != k.s.SigType() {
				t.Errorf("SigType %d", d.SigInfo.Type)
			}
			dd := decodeData(t, w)
			if err := security.VerifyData(dd, k.v); err != nil {
				t.Fatalf("verify: %v", err)
			}
			portionStart := len(w) - len(dd.SignedPortion()) - len(dd.SigValue) - 2
			for off := portionStart; off < len(w); off++ {
				if off == len(w)-len(dd.SigValue)-2 || off == len(w)-len(dd.SigValue)-1 {
					continue // SignatureValue TL
				}
				bad := bytes.Clone(w)
				bad[off] ^= 0x80
				var bd ndn.Data
				if bd.Decode(bad) != nil {
					continue
				}
				if security.VerifyData(&bd, k.v) == nil {
					t.Errorf("byte %d flipped: still verifies", off)
				}
			}
		})
	}
}

func TestVerifierRejectsOtherType(t *testing.T) {
	ks := allSigners(t)
	d := ndn.Data{Name: ndn.MustParseName("/x")}
	if _, err := d.SignWith(ks[4].s); err != nil { // ed25519
		t.Fatal(err)
	}
	for _, k := range ks[:4] {
		if err := security.VerifyData(&d, k.v); !errors.Is(err, security.ErrSigType) {
			t.Errorf("%s verifier on Ed25519 Data: %v, want ErrSigType", k.name, err)
		}
	}
}

func TestPKCS8RoundTrip(t *testing.T) {
	for _, kt := range []security.KeyType{security.KeyRSA, security.KeyECDSA, security.KeyEd25519} {
		name := security.NewKeyName(ndn.MustParseName("/a"))
		k, err := security.GenerateKey(kt, name)
		if err != nil {
			t.Fatal(err)
		}
		der, err := k.MarshalPKCS8()
		if err != nil {
			t.Fatal(err)
		}
		k2, err := security.ParsePrivateKey(name, der)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(k.Public().SPKI(), k2.Public().SPKI()) || k2.Type() != kt {
			t.Errorf("%v: PKCS#8 round trip changed the key", kt)
		}
		p, err := security.ParsePublicKey(k.Public().SPKI())
		if err != nil || p.Digest() != k.Public().Digest() {
			t.Errorf("%v: SPKI round trip: %v", kt, err)
		}
	}
	if _, err := security.ParsePrivateKey(ndn.Name{}, []byte("junk")); !errors.Is(err, security.ErrKeyType) {
		t.Errorf("junk PKCS#8: %v", err)
	}
	if _, err := security.ParsePublicKey([]byte{0x30, 0x00}); !errors.Is(err, security.ErrKeyType) {
		t.Errorf("junk SPKI: %v", err)
	}
}

func TestNaming(t *testing.T) {
	kn := security.KeyName(ndn.MustParseName("/a/b"), ndn.GenericComponent("k1"))
	if kn.String() != "/a/b/KEY/k1" {
		t.Errorf("KeyName %s", kn)
	}
	cn := security.CertName(kn, ndn.GenericComponent("self"), 5)
	p, err := security.ParseCertName(cn)
	if err != nil || !p.Identity.Equal(ndn.MustParseName("/a/b")) || p.Version != 5 || string(p.IssuerID.Value) != "self" {
		t.Errorf("ParseCertName(%s) = %+v, %v", cn, p, err)
	}
	if p, err := security.ParseCertName(ndn.MustParseName("/a/KEY/k/self/%FD%00%00%01I%C9%8B")); err != nil || p.Version != 0x149c98b {
		t.Errorf("legacy marker version: %+v, %v", p, err)
	}
	for _, bad := range []string{"/a/b", "/a/KEY", "/a/KEY/k/self"} {
		if _, err := security.ParseCertName(ndn.MustParseName(bad)); !errors.Is(err, security.ErrCertName) {
			t.Errorf("ParseCertName(%s): %v", bad, err)
		}
	}
	if got, err := security.ToKeyName(cn); err != nil || !got.Equal(kn) {
		t.Errorf("ToKeyName(cert) = %s, %v", got, err)
	}
	if _, err := security.ToKeyName(ndn.MustParseName("/a/b")); !errors.Is(err, security.ErrKeyName) {
		t.Errorf("ToKeyName(/a/b): %v", err)
	}
}

func TestParseKeyType(t *testing.T) {
	for _, s := range []string{"ed25519", "ECDSA", "rsa"} {
		kt, err := security.ParseKeyType(s)
		if err != nil || !strings.EqualFold(kt.String(), s) {
			t.Errorf("ParseKeyType(%q) = %v, %v", s, kt, err)
		}
	}
	if _, err := security.ParseKeyType("dsa"); !errors.Is(err, security.ErrKeyType) {
		t.Errorf("dsa: %v", err)
	}
}
