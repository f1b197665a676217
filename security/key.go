package security

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"fmt"
	"strings"

	"github.com/ndnflow/ndnflow/ndn"
)

// KeyType is the algorithm of an asymmetric key pair.
type KeyType int

// Key types. The zero KeyType is invalid.
const (
	KeyEd25519 KeyType = iota + 1
	KeyECDSA           // ECDSA on P-256
	KeyRSA
)

// DefaultRSABits is the modulus size GenerateKey uses for RSA keys.
const DefaultRSABits = 2048

// String returns "ed25519", "ecdsa" or "rsa".
func (t KeyType) String() string {
	switch t {
	case KeyEd25519:
		return "ed25519"
	case KeyECDSA:
		return "ecdsa"
	case KeyRSA:
		return "rsa"
	}
	return fmt.Sprintf("KeyType(%d)", int(t))
}

// ParseKeyType parses "ed25519", "ecdsa" (or "ec", "p256") and "rsa".
func ParseKeyType(s string) (KeyType, error) {
	switch strings.ToLower(s) {
	case "ed25519":
		return KeyEd25519, nil
	case "ecdsa", "ec", "p256", "p-256":
		return KeyECDSA, nil
	case "rsa":
		return KeyRSA, nil
	}
	return 0, fmt.Errorf("%w: %q (want ed25519, ecdsa or rsa)", ErrKeyType, s)
}

// SigType returns the SignatureType keys of this type produce.
func (t KeyType) SigType() ndn.SigType {
	switch t {
	case KeyECDSA:
		return ndn.SigEcdsaSha256
	case KeyRSA:
		return ndn.SigRsaSha256
	}
	return ndn.SigEd25519
}

// PrivateKey is an RSA, ECDSA P-256 or Ed25519 private key with the name put
// in the KeyLocator of what it signs. It implements ndn.Signer. A PrivateKey
// is immutable and safe for concurrent use.
type PrivateKey struct {
	typ     KeyType
	signer  crypto.Signer
	name    ndn.Name
	locator ndn.KeyLocator
	pub     *PublicKey
}

var _ ndn.Signer = (*PrivateKey)(nil)

// GenerateKey makes a new key pair of type t (RSA keys have DefaultRSABits)
// named name, usually a key name /<identity>/KEY/<key-id> (see NewKeyName).
func GenerateKey(t KeyType, name ndn.Name) (*PrivateKey, error) {
	var k crypto.Signer
	var err error
	switch t {
	case KeyEd25519:
		_, k, err = ed25519.GenerateKey(rand.Reader)
	case KeyECDSA:
		k, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case KeyRSA:
		k, err = rsa.GenerateKey(rand.Reader, DefaultRSABits)
	default:
		return nil, fmt.Errorf("%w: %v", ErrKeyType, t)
	}
	if err != nil {
		return nil, err
	}
	return NewPrivateKey(name, k)
}

// NewPrivateKey wraps a Go private key (*rsa.PrivateKey, *ecdsa.PrivateKey on
// P-256, or ed25519.PrivateKey) named name; the KeyLocator is name.
func NewPrivateKey(name ndn.Name, k crypto.Signer) (*PrivateKey, error) {
	var t KeyType
	switch kk := k.(type) {
	case ed25519.PrivateKey:
		t = KeyEd25519
	case *ecdsa.PrivateKey:
		if kk.Curve != elliptic.P256() {
			return nil, fmt.Errorf("%w: ECDSA curve %s", ErrKeyType, kk.Curve.Params().Name)
		}
		t = KeyECDSA
	case *rsa.PrivateKey:
		t = KeyRSA
	default:
		return nil, fmt.Errorf("%w: %T", ErrKeyType, k)
	}
	spki, err := x509.MarshalPKIXPublicKey(k.Public())
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrKeyType, err)
	}
	pub, err := ParsePublicKey(spki)
	if err != nil {
		return nil, err
	}
	return &PrivateKey{typ: t, signer: k, name: name, locator: ndn.KeyLocator{Name: name}, pub: pub}, nil
}

// ParsePrivateKey decodes an unencrypted PKCS#8 PrivateKeyInfo (DER). For
// compatibility it also accepts PKCS#1 RSA and SEC 1 EC private keys.
func ParsePrivateKey(name ndn.Name, der []byte) (*PrivateKey, error) {
	k, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		if k1, err1 := x509.ParsePKCS1PrivateKey(der); err1 == nil {
			k = k1
		} else if k2, err2 := x509.ParseECPrivateKey(der); err2 == nil {
			k = k2
		} else {
			return nil, fmt.Errorf("%w: private key: %v", ErrKeyType, err)
		}
	}
	s, ok := k.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("%w: %T", ErrKeyType, k)
	}
	return NewPrivateKey(name, s)
}

// Type returns the key's algorithm.
func (k *PrivateKey) Type() KeyType { return k.typ }

// Name returns the name the key was created or loaded with.
func (k *PrivateKey) Name() ndn.Name { return k.name }

// Public returns the matching public key.
func (k *PrivateKey) Public() *PublicKey { return k.pub }

// CryptoSigner returns the underlying Go key.
func (k *PrivateKey) CryptoSigner() crypto.Signer { return k.signer }

// WithKeyLocator returns a copy of k that puts l in the KeyLocator of what it
// signs, for example a certificate name instead of the key name.
func (k *PrivateKey) WithKeyLocator(l ndn.KeyLocator) *PrivateKey {
	c := *k
	c.locator = l
	return &c
}

// MarshalPKCS8 returns the unencrypted PKCS#8 PrivateKeyInfo DER.
func (k *PrivateKey) MarshalPKCS8() ([]byte, error) { return x509.MarshalPKCS8PrivateKey(k.signer) }

// SigType implements ndn.Signer.
func (k *PrivateKey) SigType() ndn.SigType { return k.typ.SigType() }

// KeyLocator implements ndn.Signer.
func (k *PrivateKey) KeyLocator() ndn.KeyLocator { return k.locator }

// Sign implements ndn.Signer: RSASSA-PKCS1-v1_5 or ECDSA (DER) over
// SHA-256(portion), or Ed25519 over portion itself.
func (k *PrivateKey) Sign(portion []byte) ([]byte, error) {
	if k.typ == KeyEd25519 {
		return ed25519.Sign(k.signer.(ed25519.PrivateKey), portion), nil
	}
	h := sha256.Sum256(portion)
	return k.signer.Sign(rand.Reader, h[:], crypto.SHA256)
}

// PublicKey is an RSA, ECDSA P-256 or Ed25519 public key. It implements
// ndn.Verifier for the one SignatureType of its algorithm. A PublicKey is
// immutable and safe for concurrent use.
type PublicKey struct {
	typ  KeyType
	key  crypto.PublicKey
	spki []byte
}

var _ ndn.Verifier = (*PublicKey)(nil)

// ParsePublicKey decodes a DER SubjectPublicKeyInfo, the Content of an NDN
// certificate.
func ParsePublicKey(spki []byte) (*PublicKey, error) {
	k, err := x509.ParsePKIXPublicKey(spki)
	if err != nil {
		return nil, fmt.Errorf("%w: SubjectPublicKeyInfo: %v", ErrKeyType, err)
	}
	p := &PublicKey{key: k, spki: append([]byte(nil), spki...)}
	switch kk := k.(type) {
	case ed25519.PublicKey:
		p.typ = KeyEd25519
	case *ecdsa.PublicKey:
		if kk.Curve != elliptic.P256() {
			return nil, fmt.Errorf("%w: ECDSA curve %s", ErrKeyType, kk.Curve.Params().Name)
		}
		p.typ = KeyECDSA
	case *rsa.PublicKey:
		p.typ = KeyRSA
	default:
		return nil, fmt.Errorf("%w: %T", ErrKeyType, k)
	}
	return p, nil
}

// Type returns the key's algorithm.
func (p *PublicKey) Type() KeyType { return p.typ }

// SPKI returns the DER SubjectPublicKeyInfo; the caller must not modify it.
func (p *PublicKey) SPKI() []byte { return p.spki }

// Digest returns the KeyDigest of the key: SHA-256 of its SubjectPublicKeyInfo.
func (p *PublicKey) Digest() [32]byte { return KeyDigest(p.spki) }

// CryptoPublicKey returns the underlying Go key.
func (p *PublicKey) CryptoPublicKey() crypto.PublicKey { return p.key }

// Verify implements ndn.Verifier. It returns ErrSigType if t is not the
// key's SignatureType and ErrBadSignature if sig does not verify.
func (p *PublicKey) Verify(t ndn.SigType, portion, sig []byte) error {
	if t != p.typ.SigType() {
		return ErrSigType
	}
	ok := false
	switch k := p.key.(type) {
	case ed25519.PublicKey:
		ok = ed25519.Verify(k, portion, sig)
	case *ecdsa.PublicKey:
		h := sha256.Sum256(portion)
		ok = ecdsa.VerifyASN1(k, h[:], sig)
	case *rsa.PublicKey:
		h := sha256.Sum256(portion)
		ok = rsa.VerifyPKCS1v15(k, crypto.SHA256, h[:], sig) == nil
	}
	if !ok {
		return ErrBadSignature
	}
	return nil
}

// KeyDigest returns SHA-256 of a DER SubjectPublicKeyInfo, the value of a
// KeyDigest KeyLocator (ndn-protocols.md §1.4).
func KeyDigest(spki []byte) [32]byte { return sha256.Sum256(spki) }
