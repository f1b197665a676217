package cert_test

import (
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/security"
	"github.com/ndnflow/ndnflow/security/cert"
)

// ndnCxxCert is CERT of ndn-cxx tests/unit/security/certificate.t.cpp: an
// RSA certificate with a legacy marker version and a placeholder signature.
const ndnCxxCert = `06fd01bb
0733 08036e646e 080573697465310803 4b4559 0811 6b736b2d31343136343235333737303934
     0804 30313233 0807 fd00000149c98b
1409 180102 190400 36ee80
15a0 30819d300d06092a864886f70d010101050003818b0030818702818100 9e063e4785b23437aa8547ac032483b5
     9ca8053a241eeb8901bbe99bb2c322ac68e3f06c02ce68a6c4d0a706909caa1b081d8b439a3367446d21a31b88
     9a975e59c4150bd92cbd51076182adc1b8d7bf9bcf7d24c263f39717ebfe6225ba5b4d8ac27abd438a8fb8f2f1
     c56a30d3508cc89adfefed35e77a62ea767cbb0826c7020111
1655 1b0101 1c26 0724 08036e646e 08057369746531 08034b4559 08116b736b2d32353136343235333737303934
     fd00fd26 fd00fe0f 32303135303831345432323337333 9 fd00ff0f 323031353038313854323233373338
1780` + `ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff` +
	`ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff` +
	`ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff` +
	`ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff`

func TestNdnCxxCertificate(t *testing.T) {
	wire, err := hex.DecodeString(strings.Join(strings.Fields(ndnCxxCert), ""))
	if err != nil {
		t.Fatal(err)
	}
	c, err := cert.Decode(wire)
	if err != nil {
		t.Fatalf("decode ndn-cxx certificate: %v", err)
	}
	checks := []struct{ what, got, want string }{
		{"name", c.Name().String(), "/ndn/site1/KEY/ksk-1416425377094/0123/%FD%00%00%01I%C9%8B"},
		{"key name", c.KeyName().String(), "/ndn/site1/KEY/ksk-1416425377094"},
		{"identity", c.Identity.String(), "/ndn/site1"},
		{"issuer id", c.IssuerID.String(), "0123"},
		{"key locator", c.Issuer().Name.String(), "/ndn/site1/KEY/ksk-2516425377094"},
		{"not before", c.NotBefore.Format("20060102T150405"), "20150814T223739"},
		{"not after", c.NotAfter.Format("20060102T150405"), "20150818T223738"},
		{"freshness", c.Data.Freshness.String(), time.Hour.String()},
	}
	for _, ch := range checks {
		if ch.got != ch.want {
			t.Errorf("%s = %s, want %s", ch.what, ch.got, ch.want)
		}
	}
	if c.PublicKey.Type() != security.KeyRSA {
		t.Errorf("key type %v", c.PublicKey.Type())
	}
	if err := c.CheckValidity(time.Date(2015, 8, 16, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Errorf("valid in August 2015: %v", err)
	}
}
