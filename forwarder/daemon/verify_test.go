package daemon

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/face"
	"github.com/ndnflow/ndnflow/ndn"
	"github.com/ndnflow/ndnflow/security"
	"github.com/ndnflow/ndnflow/security/cert"
)

// TestVerificationWithFetchedCertificate runs a node that verifies Data
// under /v against a trust anchor from a file. The producer's certificate
// is not configured: the validator fetches it through the forwarder.
func TestVerificationWithFetchedCertificate(t *testing.T) {
	dir := t.TempDir()
	root, err := security.GenerateKey(security.KeyEd25519, security.NewKeyName(ndn.MustParseName("/v")))
	if err != nil {
		t.Fatal(err)
	}
	anchor, _ := cert.SelfSign(root, cert.Options{})
	anchorFile := filepath.Join(dir, "anchor.ndncert")
	os.WriteFile(anchorFile, anchor.Wire(), 0o644)
	prodKey, _ := security.GenerateKey(security.KeyEd25519, security.NewKeyName(ndn.MustParseName("/v/producer")))
	prodCert, err := cert.Issue(prodKey.Name(), prodKey.Public(), root.WithKeyLocator(ndn.KeyLocator{Name: anchor.Name()}), cert.Options{})
	if err != nil {
		t.Fatal(err)
	}
	signer := prodKey.WithKeyLocator(ndn.KeyLocator{Name: prodCert.Name()})
	forger, _ := security.GenerateKey(security.KeyEd25519, prodKey.Name())
	forged := forger.WithKeyLocator(ndn.KeyLocator{Name: prodCert.Name()})

	sock := filepath.Join(dir, "nfd.sock")
	cfg, err := Parse([]byte(fmt.Sprintf(`
listeners: {unix: [%q], udp: [], tcp: [], websocket: []}
verification:
  rules:
    - prefix: /v
      anchors: [%q]
`, sock, anchorFile)))
	if err != nil {
		t.Fatal(err)
	}
	n, err := Start(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	producerFunc(t, n, sock, "/v", func(in *ndn.Interest) []byte {
		if in.Name.IsPrefixOf(prodCert.Name()) {
			return prodCert.Wire()
		}
		d := ndn.Data{Name: in.Name, Content: []byte("payload")}
		s := signer
		if in.Name.At(2).String() == "forged" {
			s = forged
		}
		w, _ := d.SignWith(s)
		return w
	})
	cons, err := face.DialUnix(context.Background(), sock)
	if err != nil {
		t.Fatal(err)
	}
	defer cons.Close()
	consume(t, cons, "/v/producer/data", 5)
	i := ndn.Interest{Name: ndn.MustParseName("/v/producer/forged/1"), Nonce: 7, HasNonce: true}
	w, _ := i.Encode()
	cons.Write([][]byte{w})
	deadline := time.Now().Add(10 * time.Second)
	for n.Forwarder().VerifyCounters().BadSignature == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	vc := n.Forwarder().VerifyCounters()
	if vc.BadSignature != 1 || vc.Verified < 5 {
		t.Errorf("verify counters %+v", vc)
	}
}
