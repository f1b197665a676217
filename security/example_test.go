package security_test

import (
	"fmt"

	"github.com/ndnflow/ndnflow/ndn"
	"github.com/ndnflow/ndnflow/security"
)

// Sign a Data with a new Ed25519 key and verify it after decoding.
func Example() {
	key, err := security.GenerateKey(security.KeyEd25519, security.NewKeyName(ndn.MustParseName("/example/alice")))
	if err != nil {
		panic(err)
	}
	d := ndn.Data{Name: ndn.MustParseName("/example/alice/hello"), Content: []byte("hi")}
	wire, err := d.SignWith(key)
	if err != nil {
		panic(err)
	}

	var got ndn.Data
	if err := got.Decode(wire); err != nil {
		panic(err)
	}
	fmt.Println(security.VerifyData(&got, key.Public()))
	// Output: <nil>
}

// Sign a command Interest (v0.3, SignatureNonce and SignatureTime) and check
// it as a forwarder would: signature, then replay rules.
func ExampleSignInterest() {
	key, err := security.GenerateKey(security.KeyECDSA, ndn.MustParseName("/operator/KEY/1"))
	if err != nil {
		panic(err)
	}
	i := ndn.Interest{Name: ndn.MustParseName("/localhost/nfd/faces/list")}
	wire, err := security.SignInterest(&i, key, security.InterestSignOptions{})
	if err != nil {
		panic(err)
	}

	var got ndn.Interest
	if err := got.Decode(wire); err != nil {
		panic(err)
	}
	s, err := security.VerifyInterest(&got, key.Public())
	fmt.Println(s.Name, s.SigInfo.KeyLocator.Name, err)
	rc := security.NewReplayChecker(security.ReplayOptions{})
	fmt.Println(rc.Check(&s.SigInfo))
	fmt.Println(rc.Check(&s.SigInfo) != nil)
	// Output:
	// /localhost/nfd/faces/list /operator/KEY/1 <nil>
	// <nil>
	// true
}
