package security_test

import (
	"testing"

	"github.com/ndnflow/ndnflow/ndn"
	"github.com/ndnflow/ndnflow/ndn/ndntestvector"
	"github.com/ndnflow/ndnflow/security"
)

// TestSharedVectors verifies every signature of the shared §6 vectors that
// is real (not a placeholder): DigestSha256 Data and Interests, and D3 with
// the ndn-cxx RSA test key.
func TestSharedVectors(t *testing.T) {
	rsa := ndnCxxRSAKey(t).Public()
	n := 0
	for _, v := range ndntestvector.Datas {
		var verifier ndn.Verifier
		switch {
		case v.SigValueIsDigest:
			verifier = security.DigestSha256{}
		case v.ID == "D3":
			verifier = rsa
		default:
			continue
		}
		d := decodeData(t, ndntestvector.Bytes(v.Hex))
		if err := security.VerifyData(d, verifier); err != nil {
			t.Errorf("%s: %v", v.ID, err)
		}
		n++
	}
	for _, v := range ndntestvector.Interests {
		if !v.SigValueValid {
			continue
		}
		i := decodeInterest(t, ndntestvector.Bytes(v.Hex))
		if _, err := security.VerifyInterest(i, security.DigestSha256{}); err != nil {
			t.Errorf("%s: %v", v.ID, err)
		}
		n++
	}
	if n < 5 {
		t.Errorf("only %d vectors with real signatures found (D1, D2, D3, I4, I5 expected)", n)
	}
}
