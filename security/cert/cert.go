// Package cert is the NDN certificate v2 (ndn-protocols.md §1.7): a Data
// named /<identity>/KEY/<key-id>/<issuer-id>/v=<version> with ContentType
// KEY, the DER SubjectPublicKeyInfo as Content and a ValidityPeriod in its
// SignatureInfo. It decodes certificates from Data, creates self-signed
// certificates and issues certificates signed by another key.
package cert

import (
	"fmt"
	"time"

	"github.com/ndnflow/ndnflow/ndn"
	"github.com/ndnflow/ndnflow/security"
)

// DefaultFreshness is the FreshnessPeriod of certificates this package makes.
const DefaultFreshness = time.Hour

// Certificate is a decoded NDN certificate. Its fields alias the Data's
// wire; it is read-only after Decode or FromData and safe for concurrent
// reads.
type Certificate struct {
	// Data is the certificate packet; Data.Wire() is its encoding.
	Data *ndn.Data
	security.CertNameParts
	// PublicKey is the subject's key, decoded from Content.
	PublicKey *security.PublicKey
	// NotBefore and NotAfter are the ValidityPeriod.
	NotBefore, NotAfter time.Time
}

// Name returns the certificate name.
func (c *Certificate) Name() ndn.Name { return c.Data.Name }

// Wire returns the certificate's encoding.
func (c *Certificate) Wire() []byte { return c.Data.Wire() }

// Issuer returns the KeyLocator of the certificate's signature.
func (c *Certificate) Issuer() ndn.KeyLocator { return c.Data.SigInfo.KeyLocator }

// IsSelfSigned reports whether the KeyLocator names the certificate's own key
// (by key name, certificate name or KeyDigest).
func (c *Certificate) IsSelfSigned() bool {
	kl := c.Issuer()
	if len(kl.Digest) > 0 {
		d := c.PublicKey.Digest()
		return string(kl.Digest) == string(d[:])
	}
	return c.KeyName().IsPrefixOf(kl.Name) && kl.Name.IsPrefixOf(c.Name())
}

// CheckValidity returns nil if now is inside the ValidityPeriod, else an
// error wrapping ErrExpired or ErrNotYetValid that names the certificate.
func (c *Certificate) CheckValidity(now time.Time) error {
	if now.Before(c.NotBefore) {
		return fmt.Errorf("%w: %s is valid from %s", ErrNotYetValid, c.Name(), c.NotBefore.Format(time.RFC3339))
	}
	if now.After(c.NotAfter) {
		return fmt.Errorf("%w: %s expired at %s", ErrExpired, c.Name(), c.NotAfter.Format(time.RFC3339))
	}
	return nil
}

// Decode decodes a certificate from the wire of a Data.
func Decode(wire []byte) (*Certificate, error) {
	d := new(ndn.Data)
	if err := d.Decode(wire); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotCert, err)
	}
	return FromData(d)
}

// FromData interprets a decoded Data as a certificate. It checks the shape
// (name, ContentType KEY, a parsable SubjectPublicKeyInfo, a ValidityPeriod),
// not the signature or the validity at any time.
func FromData(d *ndn.Data) (*Certificate, error) {
	parts, err := security.ParseCertName(d.Name)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotCert, err)
	}
	if d.ContentType != ndn.ContentKey {
		return nil, fmt.Errorf("%w: %s: ContentType %d, want KEY (2)", ErrNotCert, d.Name, d.ContentType)
	}
	if !d.SigInfo.HasValidity() {
		return nil, fmt.Errorf("%w: %s: no ValidityPeriod", ErrNotCert, d.Name)
	}
	if d.SigInfo.NotAfter.Before(d.SigInfo.NotBefore) {
		return nil, fmt.Errorf("%w: %s: NotAfter before NotBefore", ErrNotCert, d.Name)
	}
	pub, err := security.ParsePublicKey(d.Content)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: Content: %v", ErrNotCert, d.Name, err)
	}
	return &Certificate{Data: d, CertNameParts: parts, PublicKey: pub,
		NotBefore: d.SigInfo.NotBefore, NotAfter: d.SigInfo.NotAfter}, nil
}

// Options are the fields of a new certificate. The zero value gives
// issuer id "self" for SelfSign and "NA" for Issue (as ndn-cxx), version =
// now in milliseconds, validity from now for one year, FreshnessPeriod 1 h.
type Options struct {
	// IssuerID is the issuer-id component.
	IssuerID ndn.Component
	// Version is the version number; 0 means the current Unix time in ms.
	Version uint64
	// NotBefore and NotAfter bound the ValidityPeriod (second precision,
	// UTC). Zero NotBefore means now; zero NotAfter means NotBefore+Validity.
	NotBefore, NotAfter time.Time
	// Validity is used when NotAfter is zero. Default 365 days.
	Validity time.Duration
	// Freshness is the FreshnessPeriod. Default DefaultFreshness.
	Freshness time.Duration
	// Now is the clock. Default time.Now.
	Now func() time.Time
}

func (o *Options) applyDefaults(issuer string) {
	if o.Now == nil {
		o.Now = time.Now
	}
	now := o.Now()
	if o.IssuerID.Type == 0 {
		o.IssuerID = ndn.GenericComponent(issuer)
	}
	if o.Version == 0 {
		o.Version = uint64(now.UnixMilli())
	}
	if o.NotBefore.IsZero() {
		o.NotBefore = now
	}
	if o.Validity <= 0 {
		o.Validity = 365 * 24 * time.Hour
	}
	if o.NotAfter.IsZero() {
		o.NotAfter = o.NotBefore.Add(o.Validity)
	}
	o.NotBefore = o.NotBefore.UTC().Truncate(time.Second)
	o.NotAfter = o.NotAfter.UTC().Truncate(time.Second)
	if o.Freshness <= 0 {
		o.Freshness = DefaultFreshness
	}
}

// SelfSign makes a self-signed certificate of key, whose name must be a key
// name; the KeyLocator is the key name.
func SelfSign(key *security.PrivateKey, o Options) (*Certificate, error) {
	o.applyDefaults("self")
	signer := key.WithKeyLocator(ndn.KeyLocator{Name: key.Name()})
	return build(key.Name(), key.Public(), signer, o)
}

// Issue makes a certificate for the subject key named subjectKey (a key
// name) with public key pub, signed by issuer (whose KeyLocator is
// usually its key name or certificate name).
func Issue(subjectKey ndn.Name, pub *security.PublicKey, issuer ndn.Signer, o Options) (*Certificate, error) {
	o.applyDefaults("NA")
	return build(subjectKey, pub, issuer, o)
}

func build(keyName ndn.Name, pub *security.PublicKey, signer ndn.Signer, o Options) (*Certificate, error) {
	if _, _, err := security.ParseKeyName(keyName); err != nil {
		return nil, err
	}
	if o.NotAfter.Before(o.NotBefore) {
		return nil, fmt.Errorf("cert: NotAfter %s before NotBefore %s", o.NotAfter, o.NotBefore)
	}
	d := &ndn.Data{
		Name:        security.CertName(keyName, o.IssuerID, o.Version),
		ContentType: ndn.ContentKey,
		Freshness:   o.Freshness,
		Content:     pub.SPKI(),
	}
	d.SigInfo.NotBefore, d.SigInfo.NotAfter = o.NotBefore, o.NotAfter
	w, err := d.SignWith(signer)
	if err != nil {
		return nil, err
	}
	return Decode(w)
}

// String returns a multi-line human-readable description, in the spirit of
// `ndnsec cert-dump -p`.
func (c *Certificate) String() string {
	kl := c.Issuer()
	signer := kl.Name.String()
	if len(kl.Digest) > 0 {
		signer = fmt.Sprintf("KeyDigest %x", kl.Digest)
	}
	d := c.PublicKey.Digest()
	return fmt.Sprintf("Certificate Name:\n  %s\nIdentity: %s\nKey: %s\nIssuer ID: %s\nVersion: %d\n"+
		"Validity:\n  NotBefore: %s\n  NotAfter:  %s\nPublic Key:\n  Type: %s\n  KeyDigest: %x\n"+
		"Signature Information:\n  Signature Type: %s\n  Key Locator: %s\n  Self-Signed: %t\n",
		c.Name(), c.Identity, c.KeyName(), c.IssuerID, c.Version,
		c.NotBefore.Format("20060102T150405"), c.NotAfter.Format("20060102T150405"),
		c.PublicKey.Type(), d[:], SigTypeName(c.Data.SigInfo.Type), signer, c.IsSelfSigned())
}

// SigTypeName returns the spec name of a SignatureType.
func SigTypeName(t ndn.SigType) string {
	switch t {
	case ndn.SigDigestSha256:
		return "DigestSha256"
	case ndn.SigRsaSha256:
		return "SignatureSha256WithRsa"
	case ndn.SigEcdsaSha256:
		return "SignatureSha256WithEcdsa"
	case ndn.SigHmacSha256:
		return "SignatureHmacWithSha256"
	case ndn.SigEd25519:
		return "SignatureEd25519"
	case ndn.SigNull:
		return "Null"
	}
	return fmt.Sprintf("SignatureType(%d)", uint64(t))
}
