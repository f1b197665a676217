// Package digest is the DigestSha256 signer and verifier the app packages
// use by default until package security provides them (ndn-protocols.md
// §1.8). A DigestSha256 "signature" is the SHA-256 of the signed portion; it
// proves integrity, not origin.
package digest

import (
	"crypto/sha256"
	"crypto/subtle"
	"errors"

	"github.com/ndnflow/ndnflow/ndn"
)

// ErrBadDigest means a DigestSha256 signature does not match.
var ErrBadDigest = errors.New("digest: DigestSha256 mismatch")

// ErrSigType means the packet is not signed with DigestSha256.
var ErrSigType = errors.New("digest: signature type is not DigestSha256")

// Signer signs with DigestSha256. The zero value is ready; it is stateless
// and safe for concurrent use.
type Signer struct{}

var _ ndn.Signer = Signer{}

// SigType returns ndn.SigDigestSha256.
func (Signer) SigType() ndn.SigType { return ndn.SigDigestSha256 }

// KeyLocator returns the empty KeyLocator: DigestSha256 names no key.
func (Signer) KeyLocator() ndn.KeyLocator { return ndn.KeyLocator{} }

// Sign returns the SHA-256 of portion.
func (Signer) Sign(portion []byte) ([]byte, error) {
	s := sha256.Sum256(portion)
	return s[:], nil
}

// Verifier checks DigestSha256 signatures. The zero value is ready.
type Verifier struct{}

var _ ndn.Verifier = Verifier{}

// Verify returns nil if sig is the SHA-256 of portion and t is DigestSha256.
func (Verifier) Verify(t ndn.SigType, portion, sig []byte) error {
	if t != ndn.SigDigestSha256 {
		return ErrSigType
	}
	s := sha256.Sum256(portion)
	if subtle.ConstantTimeCompare(s[:], sig) != 1 {
		return ErrBadDigest
	}
	return nil
}
