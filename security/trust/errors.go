package trust

import (
	"errors"
	"fmt"
	"strings"

	"github.com/ndnflow/ndnflow/ndn"
)

// Sentinel errors a RejectError wraps; compare with errors.Is. A rejection
// for an expired or not-yet-valid certificate also matches cert.ErrExpired
// or cert.ErrNotYetValid, and a bad signature security.ErrBadSignature.
var (
	// ErrNoKeyLocator means the signature has no KeyLocator name to follow
	// (DigestSha256, Null, or a KeyDigest that matches no trust anchor).
	ErrNoKeyLocator = errors.New("trust: signature has no usable KeyLocator")
	// ErrPolicy means no policy rule allows the key to sign the packet.
	ErrPolicy = errors.New("trust: policy does not allow this key to sign this name")
	// ErrCertNotFound means the signing certificate is neither an anchor nor
	// cached and could not be fetched.
	ErrCertNotFound = errors.New("trust: certificate not found")
	// ErrInvalidCert means a fetched certificate is malformed, does not match
	// the KeyLocator, or is outside its validity period.
	ErrInvalidCert = errors.New("trust: invalid certificate")
	// ErrSignature means a signature in the chain does not verify.
	ErrSignature = errors.New("trust: signature does not verify")
	// ErrDepth means the chain is longer than the depth limit.
	ErrDepth = errors.New("trust: certificate chain too long")
	// ErrNoAnchor means the chain loops or ends at a self-signed certificate
	// that is not a trust anchor.
	ErrNoAnchor = errors.New("trust: chain does not end at a trust anchor")
	// ErrSchema means a trust schema text or pattern does not parse.
	ErrSchema = errors.New("trust: bad schema")
)

// RejectError says why a packet was rejected. It wraps one of the sentinel
// errors above and, where there is one, the underlying cause.
type RejectError struct {
	// Packet is the name of the packet being checked when validation
	// failed: the Data or Interest itself, or a certificate in its chain.
	Packet ndn.Name
	// Key is the KeyLocator name of Packet's signature.
	Key ndn.Name
	// Cert is the certificate involved (the signer's), if one was found.
	Cert ndn.Name
	// Rule is the policy rule that allowed Key to sign Packet, if any.
	Rule string
	// Depth is 0 for the packet, 1 for its signer's certificate, and so on.
	Depth int
	// Err is the reason; errors.Is on the RejectError sees through it.
	Err error
}

// Error names the packet, its signer, the chain depth, rule and
// certificate where known, then the reason.
func (e *RejectError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "trust: %s", e.Packet)
	if !e.Key.IsEmpty() {
		fmt.Fprintf(&b, " signed by %s", e.Key)
	}
	if e.Depth > 0 {
		fmt.Fprintf(&b, " (chain depth %d)", e.Depth)
	}
	if e.Rule != "" {
		fmt.Fprintf(&b, " [rule %s]", e.Rule)
	}
	if !e.Cert.IsEmpty() {
		fmt.Fprintf(&b, " certificate %s", e.Cert)
	}
	fmt.Fprintf(&b, ": %v", e.Err)
	return b.String()
}

// Unwrap returns Err, so that errors.Is sees the sentinel reason.
func (e *RejectError) Unwrap() error { return e.Err }
