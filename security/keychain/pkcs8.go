package keychain

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"hash"

	"crypto/pbkdf2"

	"github.com/ndnflow/ndnflow/security"
)

// Object identifiers of PKCS#5 v2 (RFC 8018) and NIST AES, as functions so
// that no package-level value can be modified.
func oidPBES2() asn1.ObjectIdentifier          { return asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 13} }
func oidPBKDF2() asn1.ObjectIdentifier         { return asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 12} }
func oidHMACWithSHA1() asn1.ObjectIdentifier   { return asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 7} }
func oidHMACWithSHA256() asn1.ObjectIdentifier { return asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 9} }
func oidAES128CBC() asn1.ObjectIdentifier {
	return asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 2}
}
func oidAES192CBC() asn1.ObjectIdentifier {
	return asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 22}
}
func oidAES256CBC() asn1.ObjectIdentifier {
	return asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 42}
}

type encryptedPrivateKeyInfo struct {
	Algo pkix.AlgorithmIdentifier
	Data []byte
}

type pbes2Params struct {
	KDF pkix.AlgorithmIdentifier
	Enc pkix.AlgorithmIdentifier
}

type pbkdf2Params struct {
	Salt      []byte
	Iter      int
	KeyLength int                      `asn1:"optional"`
	PRF       pkix.AlgorithmIdentifier `asn1:"optional"`
}

// PBKDF2Iterations is the iteration count EncryptPKCS8 uses (OpenSSL's and
// therefore ndn-cxx's default is 2048; more is slower for an attacker).
const PBKDF2Iterations = 100000

// EncryptPKCS8 encrypts a PKCS#8 PrivateKeyInfo into an
// EncryptedPrivateKeyInfo with PBES2: PBKDF2 with HMAC-SHA256 and a 16-octet
// salt, and AES-256-CBC — the scheme ndn-cxx (through OpenSSL) and NDNts use
// in a SafeBag.
func EncryptPKCS8(der []byte, passphrase []byte) ([]byte, error) {
	return encryptPKCS8(der, passphrase, PBKDF2Iterations)
}

func encryptPKCS8(der []byte, passphrase []byte, iter int) ([]byte, error) {
	salt := make([]byte, 16)
	iv := make([]byte, aes.BlockSize)
	if _, err := rand.Read(salt); err != nil {
		return nil, err
	}
	if _, err := rand.Read(iv); err != nil {
		return nil, err
	}
	key, err := pbkdf2.Key(sha256.New, string(passphrase), salt, iter, 32)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	pad := aes.BlockSize - len(der)%aes.BlockSize
	plain := append(bytes.Clone(der), bytes.Repeat([]byte{byte(pad)}, pad)...)
	out := make([]byte, len(plain))
	cipher.NewCBCEncrypter(block, iv).CryptBlocks(out, plain)

	null := asn1.RawValue{Tag: asn1.TagNull}
	kdfParams, err := asn1.Marshal(pbkdf2Params{Salt: salt, Iter: iter,
		PRF: pkix.AlgorithmIdentifier{Algorithm: oidHMACWithSHA256(), Parameters: null}})
	if err != nil {
		return nil, err
	}
	ivDER, err := asn1.Marshal(iv)
	if err != nil {
		return nil, err
	}
	params, err := asn1.Marshal(pbes2Params{
		KDF: pkix.AlgorithmIdentifier{Algorithm: oidPBKDF2(), Parameters: asn1.RawValue{FullBytes: kdfParams}},
		Enc: pkix.AlgorithmIdentifier{Algorithm: oidAES256CBC(), Parameters: asn1.RawValue{FullBytes: ivDER}},
	})
	if err != nil {
		return nil, err
	}
	return asn1.Marshal(encryptedPrivateKeyInfo{
		Algo: pkix.AlgorithmIdentifier{Algorithm: oidPBES2(), Parameters: asn1.RawValue{FullBytes: params}},
		Data: out,
	})
}

// DecryptPKCS8 decrypts an EncryptedPrivateKeyInfo made with PBES2 (PBKDF2
// with HMAC-SHA1 or HMAC-SHA256, AES-128/192/256-CBC) and returns the
// PKCS#8 PrivateKeyInfo. A wrong passphrase gives security.ErrPassphrase.
func DecryptPKCS8(enc []byte, passphrase []byte) ([]byte, error) {
	var epki encryptedPrivateKeyInfo
	if rest, err := asn1.Unmarshal(enc, &epki); err != nil || len(rest) > 0 {
		return nil, fmt.Errorf("%w: not an EncryptedPrivateKeyInfo", ErrCorrupt)
	}
	if !epki.Algo.Algorithm.Equal(oidPBES2()) {
		return nil, fmt.Errorf("%w: encryption %v is not PBES2", ErrUnsupported, epki.Algo.Algorithm)
	}
	var p pbes2Params
	if _, err := asn1.Unmarshal(epki.Algo.Parameters.FullBytes, &p); err != nil {
		return nil, fmt.Errorf("%w: PBES2 parameters", ErrCorrupt)
	}
	if !p.KDF.Algorithm.Equal(oidPBKDF2()) {
		return nil, fmt.Errorf("%w: key derivation %v is not PBKDF2", ErrUnsupported, p.KDF.Algorithm)
	}
	var kp pbkdf2Params
	if _, err := asn1.Unmarshal(p.KDF.Parameters.FullBytes, &kp); err != nil {
		return nil, fmt.Errorf("%w: PBKDF2 parameters", ErrCorrupt)
	}
	if kp.Iter <= 0 || kp.Iter > 1_000_000 {
		return nil, fmt.Errorf("%w: PBKDF2 iteration count %d", ErrUnsupported, kp.Iter)
	}
	var keyLen int
	switch {
	case p.Enc.Algorithm.Equal(oidAES128CBC()):
		keyLen = 16
	case p.Enc.Algorithm.Equal(oidAES192CBC()):
		keyLen = 24
	case p.Enc.Algorithm.Equal(oidAES256CBC()):
		keyLen = 32
	default:
		return nil, fmt.Errorf("%w: cipher %v", ErrUnsupported, p.Enc.Algorithm)
	}
	if kp.KeyLength != 0 && kp.KeyLength != keyLen {
		return nil, fmt.Errorf("%w: PBKDF2 key length %d", ErrCorrupt, kp.KeyLength)
	}
	var iv []byte
	if _, err := asn1.Unmarshal(p.Enc.Parameters.FullBytes, &iv); err != nil || len(iv) != aes.BlockSize {
		return nil, fmt.Errorf("%w: AES-CBC IV", ErrCorrupt)
	}
	var h func() hash.Hash
	switch {
	case len(kp.PRF.Algorithm) == 0 || kp.PRF.Algorithm.Equal(oidHMACWithSHA1()):
		h = sha1.New
	case kp.PRF.Algorithm.Equal(oidHMACWithSHA256()):
		h = sha256.New
	default:
		return nil, fmt.Errorf("%w: PBKDF2 PRF %v", ErrUnsupported, kp.PRF.Algorithm)
	}
	key, err := pbkdf2.Key(h, string(passphrase), kp.Salt, kp.Iter, keyLen)
	if err != nil {
		return nil, err
	}
	if len(epki.Data) == 0 || len(epki.Data)%aes.BlockSize != 0 {
		return nil, fmt.Errorf("%w: ciphertext length %d", ErrCorrupt, len(epki.Data))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	plain := make([]byte, len(epki.Data))
	cipher.NewCBCDecrypter(block, iv).CryptBlocks(plain, epki.Data)
	pad := int(plain[len(plain)-1])
	if pad == 0 || pad > aes.BlockSize || !bytes.Equal(plain[len(plain)-pad:], bytes.Repeat([]byte{byte(pad)}, pad)) {
		return nil, security.ErrPassphrase
	}
	plain = plain[:len(plain)-pad]
	// A wrong passphrase passes the padding check 1 time in 256; the
	// result is then not a DER SEQUENCE.
	var raw asn1.RawValue
	if rest, err := asn1.Unmarshal(plain, &raw); err != nil || len(rest) > 0 || raw.Tag != asn1.TagSequence {
		return nil, security.ErrPassphrase
	}
	return plain, nil
}
