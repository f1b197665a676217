package trust_test

import (
	"context"
	"fmt"

	"github.com/ndnflow/ndnflow/ndn"
	"github.com/ndnflow/ndnflow/security"
	"github.com/ndnflow/ndnflow/security/cert"
	"github.com/ndnflow/ndnflow/security/trust"
)

// Build a validator with a trust anchor, a schema and a Fetcher, then
// validate Data signed by a key the anchor certified.
func ExampleValidator() {
	root, _ := security.GenerateKey(security.KeyECDSA, security.NewKeyName(ndn.MustParseName("/example")))
	rootCert, _ := cert.SelfSign(root, cert.Options{})
	alice, _ := security.GenerateKey(security.KeyEd25519, ndn.MustParseName("/example/alice/KEY/1"))
	aliceCert, _ := cert.Issue(alice.Name(), alice.Public(), root, cert.Options{})

	schema, err := trust.ParseSchema(`
data: /example/<user>/<**>       <= /example/<user>/KEY/<_>
user: /example/<user>/KEY/<**>   <= /example/KEY/<_>
`)
	if err != nil {
		panic(err)
	}
	// An application face implements Fetcher; here a map stands in for the network.
	fetch := trust.FetcherFunc(func(ctx context.Context, i *ndn.Interest) (*ndn.Data, error) {
		if i.Name.IsPrefixOf(aliceCert.Name()) {
			return aliceCert.Data, nil
		}
		return nil, fmt.Errorf("no route to %s", i.Name)
	})
	v := trust.NewValidator(trust.Options{Anchors: []*cert.Certificate{rootCert}, Policy: schema, Fetcher: fetch})

	d := ndn.Data{Name: ndn.MustParseName("/example/alice/photo/1")}
	_, _ = d.SignWith(alice)
	fmt.Println(v.ValidateData(context.Background(), &d))

	forged := ndn.Data{Name: ndn.MustParseName("/example/bob/photo/1")}
	_, _ = forged.SignWith(alice)
	err = v.ValidateData(context.Background(), &forged)
	fmt.Println(err != nil)
	// Output:
	// <nil>
	// true
}
