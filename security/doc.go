// Package security signs and verifies NDN packets (ndn-protocols.md §1.7,
// §1.8): one [ndn.Signer] and [ndn.Verifier] per SignatureType, key
// generation and the PKCS#8 / SubjectPublicKeyInfo encodings keys are stored
// in, key and certificate naming, signed Interests (v0.3 and the legacy v0.2
// command-Interest form) and a replay checker for them.
//
// Key types: [PrivateKey] (a Signer for RSA, ECDSA P-256 or Ed25519),
// [PublicKey] (the matching Verifier), [DigestSha256], [HMACKey],
// [ReplayChecker].
//
// Certificates live in package cert, the on-disk keychain in package
// keychain and the trust policies and validator in package trust.
//
// Packets expose their signed portion and keys sign bytes, so signing a Data
// is d.SignWith(key) and verifying it is [VerifyData](d, publicKey).
package security
