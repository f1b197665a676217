package security_test

import (
	"testing"

	"github.com/ndnflow/ndnflow/ndn"
	"github.com/ndnflow/ndnflow/security"
)

// FuzzParseSignedInterest feeds arbitrary Interests to the signed-Interest
// parser and verifier: they must never panic.
func FuzzParseSignedInterest(f *testing.F) {
	f.Add(unhex(f, `0579 076d 0809 6c6f63616c686f7374 0803 6e6664 0803 726962 0808 7265676973746572
			080d 680b 0709 0807 6578616d706c65 0808 0000018bcfe56800 0808 0a0b0c0d0e0f1011
			0805 16031b0100 0822 1720 a90ac7e0e13eec9953b7a8296497f9fb667245cefb47ba70046b4fe596175b29
			0a04 a1b2c3d5 0c02 2710`))
	f.Add(unhex(f, `056b 0736 08056c6f63616c 08036e646e 0806707265666978
			0220 4077a57049d83848b525a423ab978e6480f96d5ca38a80a5e2d6e250a617be4f
			0a04 6c211166 0c02 0fa0 2400 2c03 1b0100
			2e20 094e009d7459825ca02daab7ad6048303919d8998025beffa6f99679d65e9f62`))
	rc := security.NewReplayChecker(security.ReplayOptions{TimeOptional: true})
	f.Fuzz(func(t *testing.T, wire []byte) {
		var i ndn.Interest
		if i.Decode(wire) != nil {
			return
		}
		s, err := security.VerifyInterest(&i, security.DigestSha256{})
		if err == nil {
			_ = rc.Check(&s.SigInfo)
		}
	})
}
