package keychain

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/ndnflow/ndnflow/ndn"
	"github.com/ndnflow/ndnflow/security"
	"github.com/ndnflow/ndnflow/security/cert"
	"github.com/ndnflow/ndnflow/tlv"
)

// SafeBag TLV-TYPE numbers (ndn-cxx security/safe-bag.hpp, NDNts @ndn/ndnsec).
const (
	TtSafeBag         = 0x80
	TtEncryptedKeyBag = 0x81
)

// SafeBag is a certificate and its private key, the key encrypted with a
// passphrase: `80 LEN <certificate Data> 81 LEN <EncryptedPrivateKeyInfo>`.
type SafeBag struct {
	Cert *cert.Certificate
	// EncryptedKey is a DER PKCS#8 EncryptedPrivateKeyInfo.
	EncryptedKey []byte
}

// NewSafeBag encrypts key with passphrase (see EncryptPKCS8) and bundles it
// with c, which must carry key's public key.
func NewSafeBag(c *cert.Certificate, key *security.PrivateKey, passphrase []byte) (*SafeBag, error) {
	if !bytes.Equal(c.PublicKey.SPKI(), key.Public().SPKI()) {
		return nil, fmt.Errorf("%w: %s", ErrKeyMismatch, c.Name())
	}
	der, err := key.MarshalPKCS8()
	if err != nil {
		return nil, err
	}
	enc, err := EncryptPKCS8(der, passphrase)
	if err != nil {
		return nil, err
	}
	return &SafeBag{Cert: c, EncryptedKey: enc}, nil
}

// Encode returns the SafeBag TLV.
func (b *SafeBag) Encode() []byte {
	w := b.Cert.Wire()
	n := len(w) + tlv.ElementLen(TtEncryptedKeyBag, len(b.EncryptedKey))
	out := tlv.AppendTL(make([]byte, 0, tlv.ElementLen(TtSafeBag, n)), TtSafeBag, n)
	out = append(out, w...)
	return tlv.AppendElement(out, TtEncryptedKeyBag, b.EncryptedKey)
}

// DecodeSafeBag decodes a SafeBag TLV. It checks the certificate's shape,
// not its signature.
func DecodeSafeBag(wire []byte) (*SafeBag, error) {
	e, err := tlv.Decode(wire)
	if err != nil || e.Type != TtSafeBag {
		return nil, fmt.Errorf("%w: not a SafeBag", ErrCorrupt)
	}
	d := tlv.NewDecoder(e.Value)
	var b SafeBag
	for d.Next() {
		f := d.Element()
		switch f.Type {
		case ndn.TtData:
			if b.Cert, err = cert.Decode(f.Wire); err != nil {
				return nil, fmt.Errorf("%w: SafeBag certificate: %v", ErrCorrupt, err)
			}
		case TtEncryptedKeyBag:
			b.EncryptedKey = f.Value
		default:
			if tlv.IsCritical(f.Type) {
				return nil, fmt.Errorf("%w: SafeBag element %d", ErrCorrupt, f.Type)
			}
		}
	}
	if d.Err() != nil || b.Cert == nil || b.EncryptedKey == nil {
		return nil, fmt.Errorf("%w: SafeBag lacks a certificate or key", ErrCorrupt)
	}
	return &b, nil
}

// Key decrypts the private key; its name is the certificate's key name.
func (b *SafeBag) Key(passphrase []byte) (*security.PrivateKey, error) {
	der, err := DecryptPKCS8(b.EncryptedKey, passphrase)
	if err != nil {
		return nil, err
	}
	k, err := security.ParsePrivateKey(b.Cert.KeyName(), der)
	if err != nil {
		return nil, fmt.Errorf("%w: SafeBag key: %v", ErrCorrupt, err)
	}
	if !bytes.Equal(k.Public().SPKI(), b.Cert.PublicKey.SPKI()) {
		return nil, fmt.Errorf("%w: %s", ErrKeyMismatch, b.Cert.Name())
	}
	return k, nil
}

// ExportSafeBag bundles the certificate an identity, key or certificate name
// resolves to with its private key, encrypted with passphrase.
func (kc *Keychain) ExportSafeBag(name ndn.Name, passphrase []byte) (*SafeBag, error) {
	c, err := kc.ResolveCert(name)
	if err != nil {
		return nil, err
	}
	k, err := kc.Key(c.KeyName())
	if err != nil {
		return nil, err
	}
	return NewSafeBag(c, k, passphrase)
}

// Import reads a file's contents and stores what it holds: a SafeBag
// (binary or base64; needs passphrase) or a certificate (binary Data or
// base64 as `ndnsec cert-dump` prints it). It returns the certificate.
func (kc *Keychain) Import(contents []byte, passphrase []byte) (*cert.Certificate, error) {
	wire := contents
	if len(wire) == 0 || (wire[0] != TtSafeBag && wire[0] != ndn.TtData) {
		var err error
		if wire, err = cert.DecodeBase64(contents); err != nil {
			return nil, fmt.Errorf("%w: neither a SafeBag, a certificate nor base64 of one", ErrCorrupt)
		}
	}
	if len(wire) > 0 && wire[0] == TtSafeBag {
		b, err := DecodeSafeBag(wire)
		if err != nil {
			return nil, err
		}
		k, err := b.Key(passphrase)
		if err != nil {
			return nil, err
		}
		if err := kc.AddKey(k); err != nil {
			return nil, err
		}
		if err := kc.AddCert(b.Cert); err != nil {
			return nil, err
		}
		if _, err := kc.DefaultKey(); errors.Is(err, ErrNotFound) {
			_ = kc.SetDefault(k.Name())
		}
		return b.Cert, nil
	}
	c, err := cert.Decode(wire)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	return c, kc.AddCert(c)
}
