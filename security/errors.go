package security

import "errors"

// Sentinel errors of package security; functions wrap them with context.
// Compare with errors.Is.
var (
	// ErrSigType means a signature has a SignatureType the verifier does not
	// handle (for example an Ed25519 signature given to an ECDSA key).
	ErrSigType = errors.New("security: wrong or unsupported signature type")
	// ErrBadSignature means the signature value does not verify.
	ErrBadSignature = errors.New("security: signature does not verify")
	// ErrKeyType means a key's algorithm or curve is not supported: only RSA
	// (2048 bits or more when generated), ECDSA P-256 and Ed25519 are.
	ErrKeyType = errors.New("security: unsupported key type")
	// ErrKeyName means a name is not a key name /<identity>/KEY/<key-id>.
	ErrKeyName = errors.New("security: not a key name")
	// ErrCertName means a name is not a certificate name
	// /<identity>/KEY/<key-id>/<issuer-id>/<version>.
	ErrCertName = errors.New("security: not a certificate name")
	// ErrUnsigned means an Interest carries neither a v0.3 signature nor the
	// four v0.2 command-Interest components.
	ErrUnsigned = errors.New("security: Interest is not signed")
	// ErrMalformed means signature elements are present but cannot be
	// decoded (a v0.2 SignatureInfo component, a timestamp that is not an NNI).
	ErrMalformed = errors.New("security: malformed signature elements")
	// ErrReplay means a signed Interest's SignatureTime, SignatureNonce or
	// SignatureSeqNum fails the replay rules.
	ErrReplay = errors.New("security: signed Interest replayed or out of window")
	// ErrNoTime means a signed Interest has no SignatureTime (or v0.2
	// timestamp) where the replay checker requires one.
	ErrNoTime = errors.New("security: signed Interest has no SignatureTime")
	// ErrPassphrase means a passphrase-protected private key could not be
	// decrypted: wrong passphrase or corrupt data.
	ErrPassphrase = errors.New("security: wrong passphrase or corrupt encrypted key")
)
