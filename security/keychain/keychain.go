// Package keychain keeps private keys and certificates in a directory on
// disk, with a default key, and imports and exports them as NDN SafeBags
// (ndn-cxx `ndnsec export` / NDNts format) and base64 certificate files
// (`ndnsec cert-dump` format).
//
// Layout of the directory (created with mode 0700):
//
//	keys/<id>.key    PKCS#8 PrivateKeyInfo DER, mode 0600
//	keys/<id>.name   the key name as a URI, one line
//	certs/<id>.cert  the certificate Data wire
//	default          the default key name as a URI, one line
//
// where <id> is the first 16 octets of SHA-256 of the name's TLV-VALUE, in
// hex. A Keychain is safe for concurrent use by one process; several
// processes writing one directory at once may lose updates (each file is
// replaced atomically, so none is ever half-written).
package keychain

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/ndnflow/ndnflow/ndn"
	"github.com/ndnflow/ndnflow/security"
	"github.com/ndnflow/ndnflow/security/cert"
)

// EnvKeychain is the environment variable that overrides DefaultDir.
const EnvKeychain = "NDNFLOW_KEYCHAIN"

// DefaultDir returns $NDNFLOW_KEYCHAIN if set, else
// os.UserConfigDir()/ndnflow/keychain ($XDG_CONFIG_HOME/ndnflow/keychain or
// ~/.config/ndnflow/keychain on Linux).
func DefaultDir() (string, error) {
	if d := os.Getenv(EnvKeychain); d != "" {
		return d, nil
	}
	c, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("keychain: no config directory (set %s): %w", EnvKeychain, err)
	}
	return filepath.Join(c, "ndnflow", "keychain"), nil
}

// Keychain is an on-disk keychain directory.
type Keychain struct {
	dir string
	mu  sync.Mutex // serializes changes made through this value
}

// Open opens the keychain in dir, creating the directory if needed.
func Open(dir string) (*Keychain, error) {
	for _, d := range []string{dir, filepath.Join(dir, "keys"), filepath.Join(dir, "certs")} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, fmt.Errorf("keychain: %w", err)
		}
	}
	return &Keychain{dir: dir}, nil
}

// Dir returns the keychain directory.
func (kc *Keychain) Dir() string { return kc.dir }

func fileID(n ndn.Name) string {
	h := sha256.Sum256(n.Value())
	return hex.EncodeToString(h[:16])
}

func (kc *Keychain) keyPath(keyName ndn.Name, ext string) string {
	return filepath.Join(kc.dir, "keys", fileID(keyName)+ext)
}

func (kc *Keychain) certPath(certName ndn.Name) string {
	return filepath.Join(kc.dir, "certs", fileID(certName)+".cert")
}

// writeFile replaces path atomically with data at mode perm.
func writeFile(path string, data []byte, perm os.FileMode) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	if err := f.Chmod(perm); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// AddKey stores a private key under its name, which must be a key name.
// An existing key of that name is replaced.
func (kc *Keychain) AddKey(k *security.PrivateKey) error {
	if _, _, err := security.ParseKeyName(k.Name()); err != nil {
		return err
	}
	der, err := k.MarshalPKCS8()
	if err != nil {
		return err
	}
	kc.mu.Lock()
	defer kc.mu.Unlock()
	if err := writeFile(kc.keyPath(k.Name(), ".key"), der, 0o600); err != nil {
		return fmt.Errorf("keychain: %w", err)
	}
	if err := writeFile(kc.keyPath(k.Name(), ".name"), []byte(k.Name().String()+"\n"), 0o600); err != nil {
		return fmt.Errorf("keychain: %w", err)
	}
	return nil
}

// AddCert stores a certificate. If the keychain holds the certificate's key,
// the certificate must carry that key's public key (ErrKeyMismatch).
func (kc *Keychain) AddCert(c *cert.Certificate) error {
	if k, err := kc.Key(c.KeyName()); err == nil {
		if !bytes.Equal(k.Public().SPKI(), c.PublicKey.SPKI()) {
			return fmt.Errorf("%w: %s", ErrKeyMismatch, c.Name())
		}
	} else if !errors.Is(err, ErrNotFound) {
		return err
	}
	kc.mu.Lock()
	defer kc.mu.Unlock()
	if err := writeFile(kc.certPath(c.Name()), c.Wire(), 0o644); err != nil {
		return fmt.Errorf("keychain: %w", err)
	}
	return nil
}

// Generate makes a key of type t for identity with a self-signed
// certificate (options o), stores both and, if the keychain has no default
// key yet, makes it the default.
func (kc *Keychain) Generate(identity ndn.Name, t security.KeyType, o cert.Options) (*security.PrivateKey, *cert.Certificate, error) {
	k, err := security.GenerateKey(t, security.NewKeyName(identity))
	if err != nil {
		return nil, nil, err
	}
	c, err := cert.SelfSign(k, o)
	if err != nil {
		return nil, nil, err
	}
	if err := kc.AddKey(k); err != nil {
		return nil, nil, err
	}
	if err := kc.AddCert(c); err != nil {
		return nil, nil, err
	}
	if _, err := kc.DefaultKey(); errors.Is(err, ErrNotFound) {
		if err := kc.SetDefault(k.Name()); err != nil {
			return nil, nil, err
		}
	}
	return k, c, nil
}

// Key loads the private key named keyName; its KeyLocator is the key name.
func (kc *Keychain) Key(keyName ndn.Name) (*security.PrivateKey, error) {
	der, err := os.ReadFile(kc.keyPath(keyName, ".key"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: key %s", ErrNotFound, keyName)
	}
	if err != nil {
		return nil, fmt.Errorf("keychain: %w", err)
	}
	k, err := security.ParsePrivateKey(keyName, der)
	if err != nil {
		return nil, fmt.Errorf("%w: key %s: %v", ErrCorrupt, keyName, err)
	}
	return k, nil
}

// KeyNames lists the names of the stored private keys, sorted.
func (kc *Keychain) KeyNames() ([]ndn.Name, error) {
	files, err := filepath.Glob(filepath.Join(kc.dir, "keys", "*.name"))
	if err != nil {
		return nil, err
	}
	var out []ndn.Name
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("keychain: %w", err)
		}
		n, err := ndn.ParseName(strings.TrimSpace(string(b)))
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %v", ErrCorrupt, f, err)
		}
		out = append(out, n)
	}
	slices.SortFunc(out, ndn.Name.Compare)
	return out, nil
}

// Certs returns every stored certificate, sorted by name. A certificate
// file that does not decode is an error naming the file.
func (kc *Keychain) Certs() ([]*cert.Certificate, error) {
	files, err := filepath.Glob(filepath.Join(kc.dir, "certs", "*.cert"))
	if err != nil {
		return nil, err
	}
	var out []*cert.Certificate
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("keychain: %w", err)
		}
		c, err := cert.Decode(b)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %v", ErrCorrupt, f, err)
		}
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b *cert.Certificate) int { return a.Name().Compare(b.Name()) })
	return out, nil
}

// CertsOf returns the certificates of one key, sorted by name (so the
// newest version of each issuer comes last).
func (kc *Keychain) CertsOf(keyName ndn.Name) ([]*cert.Certificate, error) {
	all, err := kc.Certs()
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(all, func(c *cert.Certificate) bool { return !c.KeyName().Equal(keyName) }), nil
}

// Cert loads the certificate named certName.
func (kc *Keychain) Cert(certName ndn.Name) (*cert.Certificate, error) {
	b, err := os.ReadFile(kc.certPath(certName))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: certificate %s", ErrNotFound, certName)
	}
	if err != nil {
		return nil, fmt.Errorf("keychain: %w", err)
	}
	c, err := cert.Decode(b)
	if err != nil {
		return nil, fmt.Errorf("%w: certificate %s: %v", ErrCorrupt, certName, err)
	}
	return c, nil
}

// DefaultKey returns the default key's name. It returns an error matching
// ErrNotFound when no default was set or its key has been deleted, and
// ErrCorrupt when the default file does not hold a name.
func (kc *Keychain) DefaultKey() (ndn.Name, error) {
	b, err := os.ReadFile(filepath.Join(kc.dir, "default"))
	if errors.Is(err, fs.ErrNotExist) {
		return ndn.Name{}, fmt.Errorf("%w: no default key", ErrNotFound)
	}
	if err != nil {
		return ndn.Name{}, fmt.Errorf("keychain: %w", err)
	}
	n, err := ndn.ParseName(strings.TrimSpace(string(b)))
	if err != nil {
		return ndn.Name{}, fmt.Errorf("%w: default: %v", ErrCorrupt, err)
	}
	if _, err := os.Stat(kc.keyPath(n, ".key")); err != nil {
		return ndn.Name{}, fmt.Errorf("%w: default key %s is gone", ErrNotFound, n)
	}
	return n, nil
}

// SetDefault makes keyName, a stored key, the default key.
func (kc *Keychain) SetDefault(keyName ndn.Name) error {
	if _, err := os.Stat(kc.keyPath(keyName, ".key")); err != nil {
		return fmt.Errorf("%w: key %s", ErrNotFound, keyName)
	}
	kc.mu.Lock()
	defer kc.mu.Unlock()
	return writeFile(filepath.Join(kc.dir, "default"), []byte(keyName.String()+"\n"), 0o600)
}

// ResolveKey turns an identity, key or certificate name into a stored key
// name. An identity with several keys resolves to the default key if it is
// one of them, else ErrAmbiguous.
func (kc *Keychain) ResolveKey(name ndn.Name) (ndn.Name, error) {
	keys, err := kc.KeyNames()
	if err != nil {
		return ndn.Name{}, err
	}
	if kn, err := security.ToKeyName(name); err == nil && slices.ContainsFunc(keys, kn.Equal) {
		return kn, nil
	}
	var match []ndn.Name
	for _, k := range keys {
		if id, _, _ := security.ParseKeyName(k); id.Equal(name) {
			match = append(match, k)
		}
	}
	switch len(match) {
	case 0:
		return ndn.Name{}, fmt.Errorf("%w: no key for %s", ErrNotFound, name)
	case 1:
		return match[0], nil
	}
	if def, err := kc.DefaultKey(); err == nil && slices.ContainsFunc(match, def.Equal) {
		return def, nil
	}
	return ndn.Name{}, fmt.Errorf("%w: %s has %d keys; name one of them", ErrAmbiguous, name, len(match))
}

// ResolveCert turns an identity, key or certificate name into a stored
// certificate: the certificate itself, or the last (newest) certificate of
// the resolved key, preferring a self-signed one only if there is no other.
// It also finds certificates whose key is not in the keychain.
func (kc *Keychain) ResolveCert(name ndn.Name) (*cert.Certificate, error) {
	if _, err := security.ParseCertName(name); err == nil {
		return kc.Cert(name)
	}
	var certs []*cert.Certificate
	kn, err := kc.ResolveKey(name)
	switch {
	case err == nil:
		if certs, err = kc.CertsOf(kn); err != nil {
			return nil, err
		}
	case errors.Is(err, ErrNotFound):
		// Certificates without a private key, such as imported trust anchors.
		all, err := kc.Certs()
		if err != nil {
			return nil, err
		}
		for _, c := range all {
			if c.KeyName().Equal(name) || c.Identity.Equal(name) {
				certs = append(certs, c)
			}
		}
		kn = name
	default:
		return nil, err
	}
	if len(certs) == 0 {
		return nil, fmt.Errorf("%w: no certificate for %s", ErrNotFound, kn)
	}
	for i := len(certs) - 1; i >= 0; i-- {
		if !certs[i].IsSelfSigned() {
			return certs[i], nil
		}
	}
	return certs[len(certs)-1], nil
}

// Signer returns the private key an identity, key or certificate name
// resolves to, ready to sign (KeyLocator = key name).
func (kc *Keychain) Signer(name ndn.Name) (*security.PrivateKey, error) {
	kn, err := kc.ResolveKey(name)
	if err != nil {
		return nil, err
	}
	return kc.Key(kn)
}

// DefaultSigner returns the default key's private key, with DefaultKey's
// errors.
func (kc *Keychain) DefaultSigner() (*security.PrivateKey, error) {
	kn, err := kc.DefaultKey()
	if err != nil {
		return nil, err
	}
	return kc.Key(kn)
}

// DeleteCert removes one certificate.
func (kc *Keychain) DeleteCert(certName ndn.Name) error {
	kc.mu.Lock()
	defer kc.mu.Unlock()
	if err := os.Remove(kc.certPath(certName)); errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%w: certificate %s", ErrNotFound, certName)
	} else if err != nil {
		return fmt.Errorf("keychain: %w", err)
	}
	return nil
}

// DeleteKey removes a key and all its certificates; if it was the default,
// there is no default afterwards.
func (kc *Keychain) DeleteKey(keyName ndn.Name) error {
	certs, err := kc.CertsOf(keyName)
	if err != nil {
		return err
	}
	def, _ := kc.DefaultKey()
	kc.mu.Lock()
	defer kc.mu.Unlock()
	err = os.Remove(kc.keyPath(keyName, ".key"))
	if errors.Is(err, fs.ErrNotExist) && len(certs) == 0 {
		return fmt.Errorf("%w: key %s", ErrNotFound, keyName)
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("keychain: %w", err)
	}
	_ = os.Remove(kc.keyPath(keyName, ".name"))
	for _, c := range certs {
		if err := os.Remove(kc.certPath(c.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("keychain: %w", err)
		}
	}
	if def.Equal(keyName) {
		_ = os.Remove(filepath.Join(kc.dir, "default"))
	}
	return nil
}

// Delete removes what name designates: a certificate, a key (with its
// certificates) or every key of an identity. It returns what was removed.
func (kc *Keychain) Delete(name ndn.Name) ([]ndn.Name, error) {
	if _, err := security.ParseCertName(name); err == nil {
		return []ndn.Name{name}, kc.DeleteCert(name)
	}
	if _, _, err := security.ParseKeyName(name); err == nil {
		return []ndn.Name{name}, kc.DeleteKey(name)
	}
	keys, err := kc.KeyNames()
	if err != nil {
		return nil, err
	}
	var done []ndn.Name
	for _, k := range keys {
		if id, _, _ := security.ParseKeyName(k); id.Equal(name) {
			if err := kc.DeleteKey(k); err != nil {
				return done, err
			}
			done = append(done, k)
		}
	}
	if len(done) == 0 {
		return nil, fmt.Errorf("%w: no identity, key or certificate %s", ErrNotFound, name)
	}
	return done, nil
}
