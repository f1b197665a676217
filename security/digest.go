package security

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"

	"github.com/ndnflow/ndnflow/ndn"
)

// DigestSha256 signs and verifies SignatureType 0: the signature is the
// SHA-256 of the signed portion and there is no KeyLocator. It proves
// integrity, not origin. The zero value is ready to use.
type DigestSha256 struct{}

var (
	_ ndn.Signer   = DigestSha256{}
	_ ndn.Verifier = DigestSha256{}
)

// SigType implements ndn.Signer.
func (DigestSha256) SigType() ndn.SigType { return ndn.SigDigestSha256 }

// KeyLocator implements ndn.Signer; it is empty.
func (DigestSha256) KeyLocator() ndn.KeyLocator { return ndn.KeyLocator{} }

// Sign implements ndn.Signer.
func (DigestSha256) Sign(portion []byte) ([]byte, error) {
	h := sha256.Sum256(portion)
	return h[:], nil
}

// Verify implements ndn.Verifier.
func (DigestSha256) Verify(t ndn.SigType, portion, sig []byte) error {
	if t != ndn.SigDigestSha256 {
		return ErrSigType
	}
	h := sha256.Sum256(portion)
	if subtle.ConstantTimeCompare(h[:], sig) != 1 {
		return ErrBadSignature
	}
	return nil
}

// HMACKey signs and verifies SignatureType 4, HMAC-SHA256 with a shared
// secret. It is immutable and safe for concurrent use.
type HMACKey struct {
	secret  []byte
	locator ndn.KeyLocator
}

var (
	_ ndn.Signer   = (*HMACKey)(nil)
	_ ndn.Verifier = (*HMACKey)(nil)
)

// NewHMACKey returns an HMAC-SHA256 key with the given secret (copied) whose
// signatures carry KeyLocator name.
func NewHMACKey(name ndn.Name, secret []byte) *HMACKey {
	return &HMACKey{secret: append([]byte(nil), secret...), locator: ndn.KeyLocator{Name: name}}
}

// SigType implements ndn.Signer.
func (*HMACKey) SigType() ndn.SigType { return ndn.SigHmacSha256 }

// KeyLocator implements ndn.Signer.
func (k *HMACKey) KeyLocator() ndn.KeyLocator { return k.locator }

// Sign implements ndn.Signer.
func (k *HMACKey) Sign(portion []byte) ([]byte, error) {
	m := hmac.New(sha256.New, k.secret)
	m.Write(portion)
	return m.Sum(nil), nil
}

// Verify implements ndn.Verifier.
func (k *HMACKey) Verify(t ndn.SigType, portion, sig []byte) error {
	if t != ndn.SigHmacSha256 {
		return ErrSigType
	}
	m := hmac.New(sha256.New, k.secret)
	m.Write(portion)
	if !hmac.Equal(m.Sum(nil), sig) {
		return ErrBadSignature
	}
	return nil
}

// VerifyData checks d's signature with v. d must have been decoded or
// signed (so that its signed portion is known).
func VerifyData(d *ndn.Data, v ndn.Verifier) error {
	return v.Verify(d.SigInfo.Type, d.SignedPortion(), d.SigValue)
}
