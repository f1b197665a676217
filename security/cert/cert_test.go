package cert_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/ndn"
	"github.com/ndnflow/ndnflow/security"
	"github.com/ndnflow/ndnflow/security/cert"
	"github.com/ndnflow/ndnflow/tlv"
)

func newKey(t testing.TB, kt security.KeyType, id string) *security.PrivateKey {
	t.Helper()
	k, err := security.GenerateKey(kt, security.NewKeyName(ndn.MustParseName(id)))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestSelfSign(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, kt := range []security.KeyType{security.KeyEd25519, security.KeyECDSA, security.KeyRSA} {
		k := newKey(t, kt, "/example/alice")
		c, err := cert.SelfSign(k, cert.Options{Now: func() time.Time { return now }})
		if err != nil {
			t.Fatal(err)
		}
		if !c.KeyName().Equal(k.Name()) || string(c.IssuerID.Value) != "self" || c.Version != uint64(now.UnixMilli()) {
			t.Errorf("%v: name %s", kt, c.Name())
		}
		if !c.NotBefore.Equal(now) || !c.NotAfter.Equal(now.Add(365*24*time.Hour)) {
			t.Errorf("%v: validity %s – %s", kt, c.NotBefore, c.NotAfter)
		}
		if c.Data.Freshness != time.Hour || c.Data.ContentType != ndn.ContentKey {
			t.Errorf("%v: freshness %s, content type %d", kt, c.Data.Freshness, c.Data.ContentType)
		}
		if !c.IsSelfSigned() {
			t.Errorf("%v: not self-signed", kt)
		}
		// Decoding the wire gives the same certificate, and it verifies with its own key.
		c2, err := cert.Decode(c.Wire())
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(c2.PublicKey.SPKI(), k.Public().SPKI()) {
			t.Errorf("%v: SPKI changed", kt)
		}
		if err := security.VerifyData(c2.Data, c2.PublicKey); err != nil {
			t.Errorf("%v: self-signature: %v", kt, err)
		}
		if !strings.Contains(c.String(), "Self-Signed: true") {
			t.Errorf("String():\n%s", c)
		}
	}
}

func TestIssueAndValidity(t *testing.T) {
	root := newKey(t, security.KeyECDSA, "/example")
	alice := newKey(t, security.KeyEd25519, "/example/alice")
	nb := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c, err := cert.Issue(alice.Name(), alice.Public(), root, cert.Options{NotBefore: nb, Validity: 24 * time.Hour, IssuerID: ndn.GenericComponent("root")})
	if err != nil {
		t.Fatal(err)
	}
	if c.IsSelfSigned() || !c.Issuer().Name.Equal(root.Name()) || string(c.IssuerID.Value) != "root" {
		t.Errorf("issuer %s, id %s", c.Issuer().Name, c.IssuerID)
	}
	if err := security.VerifyData(c.Data, root.Public()); err != nil {
		t.Errorf("issuer signature: %v", err)
	}
	if err := security.VerifyData(c.Data, alice.Public()); err == nil {
		t.Errorf("verifies with the subject key")
	}
	tests := []struct {
		at   time.Time
		want error
	}{
		{nb.Add(-time.Second), cert.ErrNotYetValid},
		{nb, nil},
		{nb.Add(24 * time.Hour), nil},
		{nb.Add(24*time.Hour + time.Second), cert.ErrExpired},
	}
	for _, tt := range tests {
		err := c.CheckValidity(tt.at)
		if !errors.Is(err, tt.want) || (tt.want == nil && err != nil) {
			t.Errorf("at %s: %v, want %v", tt.at, err, tt.want)
		}
		if err != nil && !strings.Contains(err.Error(), c.Name().String()) {
			t.Errorf("error does not name the certificate: %v", err)
		}
	}
}

func TestFromDataRejects(t *testing.T) {
	k := newKey(t, security.KeyEd25519, "/a")
	good, err := cert.SelfSign(k, cert.Options{})
	if err != nil {
		t.Fatal(err)
	}
	mk := func(mod func(d *ndn.Data)) []byte {
		var d ndn.Data
		if err := d.Decode(bytes.Clone(good.Wire())); err != nil {
			t.Fatal(err)
		}
		mod(&d)
		w, err := d.SignWith(k)
		if err != nil {
			t.Fatal(err)
		}
		return w
	}
	tests := []struct {
		name string
		wire []byte
		msg  string
	}{
		{"not a Data", []byte{0x05, 0x00}, ""},
		{"name", mk(func(d *ndn.Data) { d.Name = ndn.MustParseName("/a/b/c") }), "not a certificate name"},
		{"content type", mk(func(d *ndn.Data) { d.ContentType = ndn.ContentBlob }), "ContentType"},
		{"no validity", mk(func(d *ndn.Data) { d.SigInfo.NotBefore, d.SigInfo.NotAfter = time.Time{}, time.Time{} }), "ValidityPeriod"},
		{"content", mk(func(d *ndn.Data) { d.Content = []byte{1, 2, 3} }), "Content"},
	}
	for _, tt := range tests {
		_, err := cert.Decode(tt.wire)
		if !errors.Is(err, cert.ErrNotCert) || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
}

func TestBase64(t *testing.T) {
	k := newKey(t, security.KeyRSA, "/a")
	c, err := cert.SelfSign(k, cert.Options{})
	if err != nil {
		t.Fatal(err)
	}
	text := cert.EncodeBase64(c.Wire())
	for _, line := range strings.Split(strings.TrimSuffix(string(text), "\n"), "\n") {
		if len(line) > 64 {
			t.Fatalf("line of %d characters", len(line))
		}
	}
	back, err := cert.DecodeBase64(text)
	if err != nil || !bytes.Equal(back, c.Wire()) {
		t.Errorf("base64 round trip: %v", err)
	}
	for _, form := range [][]byte{c.Wire(), text} {
		path := filepath.Join(t.TempDir(), "c.ndncert")
		if err := os.WriteFile(path, form, 0o644); err != nil {
			t.Fatal(err)
		}
		if got, err := cert.ReadFile(path); err != nil || !got.Name().Equal(c.Name()) {
			t.Errorf("ReadFile: %v", err)
		}
	}
	if _, err := cert.Parse([]byte("!!!")); !errors.Is(err, cert.ErrNotCert) {
		t.Errorf("Parse junk: %v", err)
	}
	if _, err := cert.DecodeBase64([]byte("!!!")); !errors.Is(err, cert.ErrNotCert) {
		t.Errorf("bad base64: %v", err)
	}
}

// FuzzDecode feeds arbitrary bytes to the certificate decoder; it must
// never panic, and whatever it accepts must re-encode to a decodable Data.
func FuzzDecode(f *testing.F) {
	k, err := security.GenerateKey(security.KeyEd25519, ndn.MustParseName("/f/KEY/1"))
	if err != nil {
		f.Fatal(err)
	}
	c, err := cert.SelfSign(k, cert.Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(c.Wire())
	f.Add([]byte{0x06, 0x00})
	f.Fuzz(func(t *testing.T, wire []byte) {
		c, err := cert.Decode(wire)
		if err != nil {
			return
		}
		_ = c.String()
		_ = c.CheckValidity(time.Now())
		_ = security.VerifyData(c.Data, c.PublicKey)
	})
}

// FuzzSigInfo decodes arbitrary SignatureInfo values as a certificate's
// would be read: decoding must not panic and what decodes must re-encode to
// something that decodes to the same ValidityPeriod.
func FuzzSigInfo(f *testing.F) {
	f.Add([]byte{0x1b, 0x01, 0x05, 0x1c, 0x03, 0x07, 0x01, 0x08, 0xfd, 0x00, 0xfd, 0x26,
		0xfd, 0x00, 0xfe, 0x0f, '1', '9', '7', '0', '0', '1', '0', '1', 'T', '0', '0', '0', '0', '0', '0',
		0xfd, 0x00, 0xff, 0x0f, '1', '9', '7', '0', '0', '1', '0', '2', 'T', '0', '0', '0', '0', '0', '0'})
	f.Add([]byte{0x1b, 0x01, 0x00})
	f.Fuzz(func(t *testing.T, v []byte) {
		var si ndn.SigInfo
		if si.Decode(v) != nil {
			return
		}
		e, err := tlv.Decode(si.AppendTLV(nil, ndn.TtSignatureInfo))
		if err != nil {
			t.Fatalf("re-encoded SignatureInfo does not decode as TLV: %v", err)
		}
		var si2 ndn.SigInfo
		if err := si2.Decode(e.Value); err != nil {
			t.Fatalf("re-encoded SignatureInfo %x does not decode: %v", e.Wire, err)
		}
		if si2.Type != si.Type || si2.HasValidity() != si.HasValidity() {
			t.Fatalf("round trip changed SignatureInfo: %+v -> %+v", si, si2)
		}
	})
}
