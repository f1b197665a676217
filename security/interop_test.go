package security_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/internal/ndntspeer"
	"github.com/ndnflow/ndnflow/ndn"
	"github.com/ndnflow/ndnflow/security"
	"github.com/ndnflow/ndnflow/security/cert"
	"github.com/ndnflow/ndnflow/security/keychain"
	"github.com/ndnflow/ndnflow/security/trust"
)

// ndntsSetup installs the pinned NDNts packages (interop/ndnts, through
// internal/ndntspeer) if needed; it skips the test only with -short or when
// node or npm is missing.
func ndntsSetup(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("NDNts interop runs Node.js; skipped with -short")
	}
	ndntspeer.Setup(t)
}

// ndnts runs one interop/ndnts/security.mjs command with req as JSON and
// decodes the reply.
func ndnts(t *testing.T, command string, req any) map[string]any {
	t.Helper()
	in, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	out, err := ndntspeer.Node(t, time.Minute, in, "security.mjs", command)
	if err != nil {
		t.Fatal(err)
	}
	var reply map[string]any
	if err := json.Unmarshal(out, &reply); err != nil {
		t.Fatalf("node security.mjs %s: reply %q: %v", command, out, err)
	}
	return reply
}

func hexField(t *testing.T, m map[string]any, k string) []byte {
	t.Helper()
	s, _ := m[k].(string)
	b, err := hex.DecodeString(s)
	if err != nil || len(b) == 0 {
		t.Fatalf("reply field %q = %v", k, m[k])
	}
	return b
}

// TestNDNtsInterop checks signatures, certificates and SafeBags both ways
// against NDNts 0.0.20250307.
func TestNDNtsInterop(t *testing.T) {
	ndntsSetup(t)

	t.Run("NDNts signs, we verify", func(t *testing.T) {
		for _, alg := range []string{"ed25519", "ecdsa"} {
			r := ndnts(t, "sign", map[string]string{"alg": alg, "name": "/ndnts/" + alg})
			c, err := cert.Decode(hexField(t, r, "cert"))
			if err != nil {
				t.Fatalf("%s: NDNts certificate: %v", alg, err)
			}
			if err := security.VerifyData(c.Data, c.PublicKey); err != nil {
				t.Errorf("%s: NDNts self-signature: %v", alg, err)
			}
			wire := hexField(t, r, "data")
			d := decodeData(t, wire)
			if err := security.VerifyData(d, c.PublicKey); err != nil {
				t.Errorf("%s: NDNts Data: %v", alg, err)
			}
			v := trust.NewValidator(trust.Options{Anchors: []*cert.Certificate{c}})
			if err := v.ValidateData(context.Background(), d); err != nil {
				t.Errorf("%s: validator with the NDNts certificate as anchor: %v", alg, err)
			}
			bad := bytes.Clone(wire)
			bad[len(bad)-len(d.SigValue)-40] ^= 1
			var bd ndn.Data
			if bd.Decode(bad) == nil && security.VerifyData(&bd, c.PublicKey) == nil {
				t.Errorf("%s: tampered NDNts Data verifies", alg)
			}
		}
	})

	t.Run("we sign, NDNts verifies", func(t *testing.T) {
		for _, kt := range []security.KeyType{security.KeyEd25519, security.KeyECDSA, security.KeyRSA} {
			k, err := security.GenerateKey(kt, security.NewKeyName(ndn.MustParseName("/ndnflow/"+kt.String())))
			if err != nil {
				t.Fatal(err)
			}
			c, err := cert.SelfSign(k, cert.Options{})
			if err != nil {
				t.Fatal(err)
			}
			d := ndn.Data{Name: ndn.MustParseName("/ndnflow/" + kt.String() + "/data"), Content: []byte("signed by ndnflow")}
			w, err := d.SignWith(k)
			if err != nil {
				t.Fatal(err)
			}
			r := ndnts(t, "verify", map[string]string{"cert": hex.EncodeToString(c.Wire()), "data": hex.EncodeToString(w)})
			if r["ok"] != true {
				t.Errorf("%v: NDNts rejects our Data: %v", kt, r["error"])
			}
			bad := bytes.Clone(w)
			bad[8] ^= 1 // a name byte
			r = ndnts(t, "verify", map[string]string{"cert": hex.EncodeToString(c.Wire()), "data": hex.EncodeToString(bad)})
			if r["ok"] != false {
				t.Errorf("%v: NDNts accepts a tampered Data", kt)
			}
		}
	})

	t.Run("NDNts SafeBag imports", func(t *testing.T) {
		for _, alg := range []string{"ed25519", "ecdsa"} {
			r := ndnts(t, "bag-make", map[string]string{"alg": alg, "name": "/ndnts/bag/" + alg, "passphrase": "NDNts pass"})
			kc, err := keychain.Open(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			c, err := kc.Import(hexField(t, r, "safebag"), []byte("NDNts pass"))
			if err != nil {
				t.Fatalf("%s: import NDNts SafeBag: %v", alg, err)
			}
			k, err := kc.Signer(c.Name())
			if err != nil {
				t.Fatal(err)
			}
			d := ndn.Data{Name: ndn.MustParseName("/ndnts/bag/x")}
			if _, err := d.SignWith(k); err != nil {
				t.Fatal(err)
			}
			if err := security.VerifyData(&d, c.PublicKey); err != nil {
				t.Errorf("%s: key from NDNts SafeBag does not match its certificate: %v", alg, err)
			}
		}
	})

	t.Run("our SafeBag in NDNts", func(t *testing.T) {
		for _, kt := range []security.KeyType{security.KeyEd25519, security.KeyECDSA} {
			kc, err := keychain.Open(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			k, _, err := kc.Generate(ndn.MustParseName("/ndnflow/bag"), kt, cert.Options{})
			if err != nil {
				t.Fatal(err)
			}
			bag, err := kc.ExportSafeBag(k.Name(), []byte("our pass"))
			if err != nil {
				t.Fatal(err)
			}
			r := ndnts(t, "bag-sign", map[string]string{"safebag": hex.EncodeToString(bag.Encode()), "passphrase": "our pass", "alg": kt.String()})
			d := decodeData(t, hexField(t, r, "data"))
			if err := security.VerifyData(d, k.Public()); err != nil {
				t.Errorf("%v: Data NDNts signed with the key from our SafeBag: %v", kt, err)
			}
		}
	})
	t.Run("signed Interests both ways", func(t *testing.T) {
		for _, alg := range []string{"ed25519", "ecdsa"} {
			r := ndnts(t, "isign", map[string]string{"alg": alg, "name": "/ndnts/cmd/" + alg})
			c, err := cert.Decode(hexField(t, r, "cert"))
			if err != nil {
				t.Fatal(err)
			}
			i := decodeInterest(t, hexField(t, r, "interest"))
			s, err := security.VerifyInterest(i, c.PublicKey)
			if err != nil {
				t.Fatalf("%s: NDNts signed Interest: %v", alg, err)
			}
			if s.Format != security.FormatV03 || !s.SigInfo.HasTime || len(s.SigInfo.Nonce) == 0 || !s.SigInfo.HasSeqNum {
				t.Errorf("%s: NDNts SigInfo %+v", alg, s.SigInfo)
			}
			rc := security.NewReplayChecker(security.ReplayOptions{})
			if err := rc.Check(&s.SigInfo); err != nil {
				t.Errorf("%s: replay check of a fresh NDNts Interest: %v", alg, err)
			}
		}
		for _, kt := range []security.KeyType{security.KeyEd25519, security.KeyECDSA, security.KeyRSA} {
			k, err := security.GenerateKey(kt, security.NewKeyName(ndn.MustParseName("/ndnflow/cmd")))
			if err != nil {
				t.Fatal(err)
			}
			c, err := cert.SelfSign(k, cert.Options{})
			if err != nil {
				t.Fatal(err)
			}
			i := ndn.Interest{Name: ndn.MustParseName("/ndnflow/cmd/x"), AppParams: []byte("p"), HasAppParams: true}
			w, err := security.SignInterest(&i, k, security.InterestSignOptions{SeqNum: 1, HasSeqNum: true})
			if err != nil {
				t.Fatal(err)
			}
			r := ndnts(t, "iverify", map[string]string{"cert": hex.EncodeToString(c.Wire()), "interest": hex.EncodeToString(w)})
			if r["ok"] != true {
				t.Errorf("%v: NDNts rejects our signed Interest: %v", kt, r["error"])
			}
		}
	})
}
