package keychain_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/ndnflow/ndnflow/ndn"
	"github.com/ndnflow/ndnflow/security"
	"github.com/ndnflow/ndnflow/security/cert"
	"github.com/ndnflow/ndnflow/security/keychain"
)

func open(t *testing.T) *keychain.Keychain {
	t.Helper()
	kc, err := keychain.Open(filepath.Join(t.TempDir(), "kc"))
	if err != nil {
		t.Fatal(err)
	}
	return kc
}

func TestGenerateListResolve(t *testing.T) {
	kc := open(t)
	alice := ndn.MustParseName("/example/alice")
	k1, c1, err := kc.Generate(alice, security.KeyEd25519, cert.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// The private key file is 0600 and holds PKCS#8.
	files, _ := filepath.Glob(filepath.Join(kc.Dir(), "keys", "*.key"))
	if len(files) != 1 {
		t.Fatalf("key files %v", files)
	}
	st, err := os.Stat(files[0])
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, %v", st.Mode(), err)
	}
	der, _ := os.ReadFile(files[0])
	if _, err := security.ParsePrivateKey(k1.Name(), der); err != nil {
		t.Errorf("key file is not PKCS#8: %v", err)
	}
	if def, err := kc.DefaultKey(); err != nil || !def.Equal(k1.Name()) {
		t.Errorf("default %s, %v", def, err)
	}
	k2, _, err := kc.Generate(alice, security.KeyECDSA, cert.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if def, _ := kc.DefaultKey(); !def.Equal(k1.Name()) {
		t.Errorf("second key became default")
	}
	keys, err := kc.KeyNames()
	if err != nil || len(keys) != 2 {
		t.Fatalf("KeyNames %v, %v", keys, err)
	}
	// Resolution by identity (default wins), key name and certificate name.
	for _, tt := range []struct {
		name ndn.Name
		want ndn.Name
	}{{alice, k1.Name()}, {k2.Name(), k2.Name()}, {c1.Name(), k1.Name()}} {
		got, err := kc.ResolveKey(tt.name)
		if err != nil || !got.Equal(tt.want) {
			t.Errorf("ResolveKey(%s) = %s, %v; want %s", tt.name, got, err, tt.want)
		}
	}
	if err := kc.SetDefault(ndn.MustParseName("/nobody/KEY/1")); !errors.Is(err, keychain.ErrNotFound) {
		t.Errorf("SetDefault(unknown): %v", err)
	}
	if _, err := kc.ResolveKey(ndn.MustParseName("/nobody")); !errors.Is(err, keychain.ErrNotFound) {
		t.Errorf("unknown identity: %v", err)
	}
	// Two keys, default elsewhere: ambiguous.
	if _, _, err := kc.Generate(ndn.MustParseName("/b"), security.KeyEd25519, cert.Options{}); err != nil {
		t.Fatal(err)
	}
	if err := kc.SetDefault(keys[0]); err != nil {
		t.Fatal(err)
	}
	bk, _ := kc.ResolveKey(ndn.MustParseName("/b"))
	if err := kc.SetDefault(bk); err != nil {
		t.Fatal(err)
	}
	if _, err := kc.ResolveKey(alice); !errors.Is(err, keychain.ErrAmbiguous) {
		t.Errorf("identity with two keys, default elsewhere: %v", err)
	}
	// A signer from the keychain signs verifiable Data.
	s, err := kc.Signer(k2.Name())
	if err != nil {
		t.Fatal(err)
	}
	d := ndn.Data{Name: ndn.MustParseName("/example/alice/x")}
	if _, err := d.SignWith(s); err != nil {
		t.Fatal(err)
	}
	if err := security.VerifyData(&d, k2.Public()); err != nil {
		t.Errorf("keychain signer: %v", err)
	}
}

func TestDelete(t *testing.T) {
	kc := open(t)
	k, c, err := kc.Generate(ndn.MustParseName("/a"), security.KeyEd25519, cert.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := kc.Delete(c.Name()); err != nil {
		t.Fatal(err)
	}
	if _, err := kc.Cert(c.Name()); !errors.Is(err, keychain.ErrNotFound) {
		t.Errorf("cert still there: %v", err)
	}
	if _, err := kc.Delete(ndn.MustParseName("/a")); err != nil {
		t.Fatal(err)
	}
	if _, err := kc.Key(k.Name()); !errors.Is(err, keychain.ErrNotFound) {
		t.Errorf("key still there: %v", err)
	}
	if _, err := kc.DefaultKey(); !errors.Is(err, keychain.ErrNotFound) {
		t.Errorf("default survives deletion: %v", err)
	}
	if _, err := kc.Delete(ndn.MustParseName("/a")); !errors.Is(err, keychain.ErrNotFound) {
		t.Errorf("delete twice: %v", err)
	}
}

func TestCorruptFiles(t *testing.T) {
	kc := open(t)
	k, c, err := kc.Generate(ndn.MustParseName("/a"), security.KeyEd25519, cert.Options{})
	if err != nil {
		t.Fatal(err)
	}
	certs, _ := filepath.Glob(filepath.Join(kc.Dir(), "certs", "*.cert"))
	keys, _ := filepath.Glob(filepath.Join(kc.Dir(), "keys", "*.key"))
	os.WriteFile(certs[0], []byte("garbage"), 0o644)
	os.WriteFile(keys[0], []byte("garbage"), 0o600)
	if _, err := kc.Cert(c.Name()); !errors.Is(err, keychain.ErrCorrupt) {
		t.Errorf("corrupt cert: %v", err)
	}
	if _, err := kc.Certs(); !errors.Is(err, keychain.ErrCorrupt) {
		t.Errorf("corrupt cert listing: %v", err)
	}
	if _, err := kc.Key(k.Name()); !errors.Is(err, keychain.ErrCorrupt) {
		t.Errorf("corrupt key: %v", err)
	}
}

func TestSafeBagRoundTrip(t *testing.T) {
	src, dst := open(t), open(t)
	for _, kt := range []security.KeyType{security.KeyEd25519, security.KeyECDSA, security.KeyRSA} {
		k, c, err := src.Generate(ndn.MustParseName("/x/"+kt.String()), kt, cert.Options{})
		if err != nil {
			t.Fatal(err)
		}
		bag, err := src.ExportSafeBag(k.Name(), []byte("pass word"))
		if err != nil {
			t.Fatal(err)
		}
		wire := bag.Encode()
		if wire[0] != keychain.TtSafeBag {
			t.Fatalf("SafeBag type %#x", wire[0])
		}
		if _, err := dst.Import(wire, []byte("wrong")); !errors.Is(err, security.ErrPassphrase) {
			t.Errorf("%v wrong passphrase: %v", kt, err)
		}
		// Binary and base64 forms both import.
		for _, form := range [][]byte{wire, cert.EncodeBase64(wire)} {
			got, err := dst.Import(form, []byte("pass word"))
			if err != nil {
				t.Fatalf("%v import: %v", kt, err)
			}
			if !got.Name().Equal(c.Name()) {
				t.Errorf("imported %s", got.Name())
			}
		}
		k2, err := dst.Key(k.Name())
		if err != nil || !bytes.Equal(k2.Public().SPKI(), k.Public().SPKI()) {
			t.Errorf("%v: imported key differs: %v", kt, err)
		}
	}
}

func TestImportCertAndCorrupt(t *testing.T) {
	src, dst := open(t), open(t)
	_, c, err := src.Generate(ndn.MustParseName("/anchor"), security.KeyECDSA, cert.Options{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := dst.Import(cert.EncodeBase64(c.Wire()), nil)
	if err != nil || !got.Name().Equal(c.Name()) {
		t.Fatalf("import base64 cert: %v", err)
	}
	for _, n := range []ndn.Name{c.Name(), c.KeyName(), c.Identity} {
		if got, err := dst.ResolveCert(n); err != nil || !got.Name().Equal(c.Name()) {
			t.Errorf("imported cert not found by %s: %v", n, err)
		}
	}
	for _, bad := range [][]byte{nil, []byte("hello"), {0x80, 0x02, 0x81, 0x00}, {0x06, 0x01}} {
		if _, err := dst.Import(bad, []byte("p")); !errors.Is(err, keychain.ErrCorrupt) {
			t.Errorf("import %q: %v", bad, err)
		}
	}
	// A certificate that does not match the stored key is refused.
	k, _, err := dst.Generate(ndn.MustParseName("/m"), security.KeyEd25519, cert.Options{})
	if err != nil {
		t.Fatal(err)
	}
	other, err := security.GenerateKey(security.KeyEd25519, k.Name())
	if err != nil {
		t.Fatal(err)
	}
	oc, err := cert.SelfSign(other, cert.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := dst.AddCert(oc); !errors.Is(err, keychain.ErrKeyMismatch) {
		t.Errorf("mismatched cert: %v", err)
	}
}

func TestPKCS8Encryption(t *testing.T) {
	der := []byte{0x30, 0x03, 0x02, 0x01, 0x00}
	enc, err := keychain.EncryptPKCS8(der, []byte("pw"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := keychain.DecryptPKCS8(enc, []byte("pw"))
	if err != nil || !bytes.Equal(got, der) {
		t.Errorf("round trip: %x, %v", got, err)
	}
	if _, err := keychain.DecryptPKCS8(enc, []byte("px")); !errors.Is(err, security.ErrPassphrase) {
		t.Errorf("wrong passphrase: %v", err)
	}
	if _, err := keychain.DecryptPKCS8([]byte{1, 2, 3}, []byte("pw")); !errors.Is(err, keychain.ErrCorrupt) {
		t.Errorf("junk: %v", err)
	}
}

func TestDefaultDir(t *testing.T) {
	t.Setenv(keychain.EnvKeychain, "/tmp/x-kc")
	if d, err := keychain.DefaultDir(); err != nil || d != "/tmp/x-kc" {
		t.Errorf("with env: %s, %v", d, err)
	}
	t.Setenv(keychain.EnvKeychain, "")
	t.Setenv("XDG_CONFIG_HOME", "/tmp/xdg")
	if d, err := keychain.DefaultDir(); err != nil || d != "/tmp/xdg/ndnflow/keychain" {
		t.Errorf("without env: %s, %v", d, err)
	}
}

// FuzzDecodeSafeBag feeds arbitrary bytes to the SafeBag decoder and
// decryption; they must never panic.
func FuzzDecodeSafeBag(f *testing.F) {
	k, err := security.GenerateKey(security.KeyEd25519, ndn.MustParseName("/f/KEY/1"))
	if err != nil {
		f.Fatal(err)
	}
	c, err := cert.SelfSign(k, cert.Options{})
	if err != nil {
		f.Fatal(err)
	}
	bag, err := keychain.NewSafeBag(c, k, []byte("p"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(bag.Encode())
	f.Fuzz(func(t *testing.T, wire []byte) {
		b, err := keychain.DecodeSafeBag(wire)
		if err != nil {
			return
		}
		_, _ = keychain.DecryptPKCS8(b.EncryptedKey, []byte("q"))
	})
}
