package interop

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/internal/ndntspeer"
)

// TestNDNtsMatrix: an NDNts producer and an NDNts consumer exchange a 20 MB
// segmented object (2500 Data of 8000 octets, DigestSha256, RDR version
// discovery) through `ndnflow fw`, for every pair of transports. The content
// store is off, so every segment crosses the producer's face. Over UDP NDNts
// fragments each Data at its 1400-octet MTU and the forwarder reassembles
// it; every Data the consumer receives must carry back its 6-byte PIT token.
func TestNDNtsMatrix(t *testing.T) {
	if testing.Short() {
		t.Skip("runs node and the ndnflow binary")
	}
	ndntspeer.Setup(t)
	const size = 20_000_000
	file, data := content(t, "matrix.bin", size)
	sum := sha256.Sum256(data)
	f := startForwarder(t, "--cs-capacity", "0")
	for _, pt := range transports {
		prefix := "/interop/matrix/" + pt
		stats := filepath.Join(t.TempDir(), "producer-"+pt+".json")
		prod, err := ndntspeer.Start(t, 60*time.Second, "produce", "--uplink", f.Uplinks[pt], "--mgmt", "native",
			"--file", file, "--stats-out", stats, prefix)
		if err != nil {
			t.Fatal(err)
		}
		for _, ct := range transports {
			t.Run("producer-"+pt+"/consumer-"+ct, func(t *testing.T) {
				start := time.Now()
				out, err := ndntspeer.Run(t, 90*time.Second, "consume", "--uplink", f.Uplinks[ct], prefix)
				if err != nil {
					t.Fatal(err)
				}
				var res ndntspeer.ConsumeResult
				if err := ndntspeer.Decode(out, &res); err != nil {
					t.Fatal(err)
				}
				if res.Bytes != size || res.Sha256 != hex.EncodeToString(sum[:]) {
					t.Fatalf("consumer got %d bytes sha256 %s, want %d bytes %x", res.Bytes, res.Sha256, size, sum)
				}
				if res.Name != prod.Ready {
					t.Errorf("consumer fetched %s, producer published %s", res.Name, prod.Ready)
				}
				checkTokens(t, res.Face)
				t.Logf("%d bytes in %v (NDNts: %.0f ms); consumer face %+v", res.Bytes, time.Since(start).Round(time.Millisecond), res.Ms, res.Face)
			})
		}
		prod.Stop()
		s, err := ndntspeer.ReadStats(stats)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("producer over %s: face %+v", pt, s)
		if s.TxData < 3*size/8000 {
			t.Errorf("producer over %s sent %d Data for three fetches of %d segments; the CS is off", pt, s.TxData, size/8000)
		}
		if pt == "udp" && s.TxFragments < 5*s.TxData {
			t.Errorf("producer over UDP sent %d fragments for %d Data; want about 6 fragments of at most 1400 octets for each 8 KB Data", s.TxFragments, s.TxData)
		}
		if s.FaceDown != 0 {
			t.Errorf("producer's face went down %d times", s.FaceDown)
		}
	}
}

// checkTokens checks that every Data an NDNts face received carried a 6-byte
// PIT token, as NDNts sends on every Interest, and that the face stayed up.
func checkTokens(t *testing.T, s ndntspeer.FaceStats) {
	t.Helper()
	if s.TxInterest == 0 || s.TxInterestToken6 != s.TxInterest {
		t.Errorf("NDNts sent %d Interests, %d with a 6-byte PIT token", s.TxInterest, s.TxInterestToken6)
	}
	if s.RxData == 0 || s.RxDataToken6 != s.RxData {
		t.Errorf("NDNts received %d Data, %d with its 6-byte PIT token echoed", s.RxData, s.RxDataToken6)
	}
	if s.FaceDown != 0 || s.RxErrors != 0 {
		t.Errorf("NDNts face went down %d times, %d undecodable frames", s.FaceDown, s.RxErrors)
	}
}

// TestEd25519Objects: over each transport, `ndnflow get` fetches an object
// the NDNts producer signed with Ed25519 and verifies it with the
// producer's self-signed certificate; the NDNts consumer fetches an object
// `ndnflow put` signed with an Ed25519 key from a temporary keychain
// (`ndnflow key gen`) and verifies it with the certificate `ndnflow key
// export` printed. Both files must be byte-for-byte identical to the
// original, and a verification with the other side's certificate must fail.
func TestEd25519Objects(t *testing.T) {
	if testing.Short() {
		t.Skip("runs node and the ndnflow binary")
	}
	ndntspeer.Setup(t)
	const size = 3_000_000
	file, data := content(t, "signed.bin", size)
	f := startForwarder(t)
	dir := t.TempDir()
	keychain := filepath.Join(dir, "keychain")
	if _, _, err := runNdnflow(t, keychain, 30*time.Second, "key", "gen", "/interop/alice"); err != nil {
		t.Fatal(err)
	}
	aliceCert := filepath.Join(dir, "alice.cert")
	if _, _, err := runNdnflow(t, keychain, 30*time.Second, "key", "export", "/interop/alice", "-o", aliceCert); err != nil {
		t.Fatal(err)
	}
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) {
			uplink := f.Uplinks[tr]
			// NDNts → ndnflow get.
			ndntsCert := filepath.Join(t.TempDir(), "ndnts.cert")
			prefix := "/interop/ndnts-ed25519/" + tr
			prod, err := ndntspeer.Start(t, 60*time.Second, "produce", "--uplink", uplink, "--mgmt", "native",
				"--sign", "ed25519", "--cert-out", ndntsCert, "--file", file, prefix)
			if err != nil {
				t.Fatal(err)
			}
			got := filepath.Join(t.TempDir(), "got.bin")
			out, _, err := runNdnflow(t, "", 60*time.Second, "get", prefix, "--uplink", uplink, "--verify", ndntsCert,
				"-o", got, "--json", "--no-progress", "--timeout", "50s")
			if err != nil {
				t.Fatal(err)
			}
			var sum struct {
				Name     string `json:"name"`
				Bytes    int    `json:"bytes"`
				Segments int    `json:"segments"`
			}
			if err := json.Unmarshal([]byte(out), &sum); err != nil {
				t.Fatalf("get --json: %q: %v", out, err)
			}
			if sum.Name != prod.Ready || sum.Bytes != size {
				t.Errorf("get summary %+v; producer published %s", sum, prod.Ready)
			}
			sameFile(t, got, data)
			if tr == "unix" {
				// The same object validated through the certificate as a
				// trust anchor (hierarchical: the key is under the prefix).
				got2 := filepath.Join(t.TempDir(), "got2.bin")
				if _, _, err := runNdnflow(t, "", 60*time.Second, "get", prefix, "--uplink", uplink,
					"--trust-anchor", ndntsCert, "-o", got2, "--no-progress", "--timeout", "50s"); err != nil {
					t.Fatal(err)
				}
				sameFile(t, got2, data)
				// A certificate of another key must be refused.
				_, stderr, err := runNdnflow(t, "", 60*time.Second, "get", prefix, "--uplink", uplink, "--verify", aliceCert,
					"-o", filepath.Join(t.TempDir(), "bad.bin"), "--no-progress", "--timeout", "20s")
				if err == nil {
					t.Errorf("get --verify with another key's certificate succeeded")
				} else {
					t.Logf("get with the wrong certificate: %s", strings.TrimSpace(stderr))
				}
			}
			prod.Stop()

			// ndnflow put → NDNts.
			name := "/interop/alice/put-" + tr
			put := startNdnflow(t, keychain, name, 30*time.Second, "put", name, file, "--sign", "/interop/alice", "--uplink", uplink)
			gotN := filepath.Join(t.TempDir(), "ndnts-got.bin")
			out, err = ndntspeer.Run(t, 60*time.Second, "consume", "--uplink", uplink, "--verify", "cert:"+aliceCert, "--out", gotN, name)
			if err != nil {
				t.Fatal(err)
			}
			var res ndntspeer.ConsumeResult
			if err := ndntspeer.Decode(out, &res); err != nil {
				t.Fatal(err)
			}
			if res.Name != put.First || res.Bytes != size {
				t.Errorf("NDNts fetched %s (%d bytes); put published %s", res.Name, res.Bytes, put.First)
			}
			sameFile(t, gotN, data)
			checkTokens(t, res.Face)
			if tr == "unix" {
				// NDNts refuses the object with another key's certificate.
				if _, err := ndntspeer.Run(t, 60*time.Second, "consume", "--uplink", uplink, "--verify", "cert:"+ndntsCert, name); err == nil {
					t.Errorf("NDNts verified ndnflow's object with another key's certificate")
				}
			}
			put.stop()
		})
	}
}

// sameFile fails the test unless file holds exactly want.
func sameFile(t *testing.T, file string, want []byte) {
	t.Helper()
	got, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		i := 0
		for i < len(got) && i < len(want) && got[i] == want[i] {
			i++
		}
		t.Fatalf("%s: %d bytes, want %d; first difference at offset %d", file, len(got), len(want), i)
	}
}
