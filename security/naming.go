package security

import (
	"crypto/rand"
	"fmt"

	"github.com/ndnflow/ndnflow/ndn"
)

// KeyComponent returns the KEY component that separates an identity from
// the key id in key and certificate names.
func KeyComponent() ndn.Component { return ndn.GenericComponent("KEY") }

func isKeyComponent(c ndn.Component) bool {
	return c.Type == ndn.TtGenericNameComponent && string(c.Value) == "KEY"
}

// KeyName returns /<identity>/KEY/<keyID>.
func KeyName(identity ndn.Name, keyID ndn.Component) ndn.Name {
	return identity.Append(KeyComponent(), keyID)
}

// NewKeyName returns /<identity>/KEY/<key-id> with a random 8-octet key id,
// as ndn-cxx and NDNts make by default.
func NewKeyName(identity ndn.Name) ndn.Name {
	var id [8]byte
	_, _ = rand.Read(id[:])
	return KeyName(identity, ndn.Component{Type: ndn.TtGenericNameComponent, Value: id[:]})
}

// ParseKeyName splits a key name /<identity>/KEY/<key-id>.
func ParseKeyName(n ndn.Name) (identity ndn.Name, keyID ndn.Component, err error) {
	l := n.Len()
	if l < 2 || !isKeyComponent(n.At(l-2)) {
		return ndn.Name{}, ndn.Component{}, fmt.Errorf("%w: %s", ErrKeyName, n)
	}
	return n.Prefix(l - 2), n.At(l - 1), nil
}

// CertName returns /<key name>/<issuerID>/v=<version>.
func CertName(keyName ndn.Name, issuerID ndn.Component, version uint64) ndn.Name {
	return keyName.Append(issuerID, ndn.VersionComponent(version))
}

// CertNameParts are the parts of a certificate name.
type CertNameParts struct {
	Identity ndn.Name
	KeyID    ndn.Component
	IssuerID ndn.Component
	Version  uint64
}

// KeyName returns /<identity>/KEY/<key-id>.
func (p CertNameParts) KeyName() ndn.Name { return KeyName(p.Identity, p.KeyID) }

// ParseCertName splits a certificate name
// /<identity>/KEY/<key-id>/<issuer-id>/<version> (ndn-protocols.md §1.7).
// Like ndn-cxx it requires only the KEY component in its place: Version is
// the number of a typed version component (v=) or of a legacy marker version
// (a generic component 0xFD followed by the number), and 0 otherwise.
func ParseCertName(n ndn.Name) (CertNameParts, error) {
	l := n.Len()
	if l < 4 || !isKeyComponent(n.At(l-4)) {
		return CertNameParts{}, fmt.Errorf("%w: %s", ErrCertName, n)
	}
	v := n.At(l - 1)
	var ver uint64
	switch {
	case v.Type == ndn.TtVersionNameComponent:
		ver, _ = v.Number()
	case v.Type == ndn.TtGenericNameComponent && len(v.Value) > 1 && len(v.Value) <= 9 && v.Value[0] == 0xFD:
		for _, b := range v.Value[1:] { // big-endian, any length up to 8 octets
			ver = ver<<8 | uint64(b)
		}
	}
	return CertNameParts{Identity: n.Prefix(l - 4), KeyID: n.At(l - 3), IssuerID: n.At(l - 2), Version: ver}, nil
}

// ToKeyName returns the key name of a key name or certificate name.
func ToKeyName(n ndn.Name) (ndn.Name, error) {
	if _, _, err := ParseKeyName(n); err == nil {
		return n, nil
	}
	if p, err := ParseCertName(n); err == nil {
		return p.KeyName(), nil
	}
	return ndn.Name{}, fmt.Errorf("%w: %s is neither a key nor a certificate name", ErrKeyName, n)
}
