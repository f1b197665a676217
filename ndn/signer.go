package ndn

// Signer signs packets. Keys in package security implement it; packets only
// expose their signed portion, so the two stay apart.
type Signer interface {
	// SigType returns the SignatureType the signer produces.
	SigType() SigType
	// KeyLocator returns the KeyLocator to put in SignatureInfo; empty for
	// DigestSha256.
	KeyLocator() KeyLocator
	// Sign returns the SignatureValue of the signed portion.
	Sign(portion []byte) ([]byte, error)
}

// Verifier checks signatures made by one key or algorithm.
type Verifier interface {
	// Verify returns nil if sig is a valid signature of type t over portion.
	Verify(t SigType, portion, sig []byte) error
}
