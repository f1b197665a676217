package video

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"os"

	"github.com/ndnflow/ndnflow/ndn"
)

// Sealed record layout (docs/video.md, "Encryption"). Every Data segment of
// an encrypted object carries exactly one record:
//
//	version(1)=1 | flags(1), bit 0: last record | key id(8) | nonce(12) |
//	ciphertext length(4, big endian) | AES-256-GCM ciphertext and tag
//
// The additional authenticated data is the versioned object name (Name TLV),
// the record index (8 octets, big endian) and the 26-octet header, so a
// record cannot be moved to another object or position, and a stream cut
// short is detected (no record with the last flag).
const (
	recordVersion   = 1
	recordHeaderLen = 26
	recordOverhead  = recordHeaderLen + 16
	maxRecord       = 1 << 20
)

// KeyIDLen is the length of a key id in octets.
const KeyIDLen = 8

// Key is an AES-256-GCM content key and its id (the first 8 octets of
// SHA-256 over a label and the key). It is safe for concurrent use.
type Key struct {
	aead cipher.AEAD
	id   [KeyIDLen]byte
}

// NewKey returns the Key of 32 raw octets.
func NewKey(raw []byte) (*Key, error) {
	if len(raw) != 32 {
		return nil, fmt.Errorf("video: an AES-256 key has 32 octets, not %d", len(raw))
	}
	blk, err := aes.NewCipher(raw)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(blk)
	if err != nil {
		return nil, err
	}
	k := &Key{aead: aead}
	h := sha256.Sum256(append([]byte("ndnflow video key id\x00"), raw...))
	copy(k.id[:], h[:])
	return k, nil
}

// LoadKey reads a key file: 64 hexadecimal digits (surrounding white space
// ignored), as GenerateKeyFile writes, or 32 raw octets.
func LoadKey(file string) (*Key, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("video: reading key: %w", err)
	}
	if t := bytes.TrimSpace(b); len(t) == 64 {
		if raw, err := hex.DecodeString(string(t)); err == nil {
			return NewKey(raw)
		}
	}
	if len(b) == 32 {
		return NewKey(b)
	}
	return nil, fmt.Errorf("video: key file %s must hold 64 hex digits or 32 raw octets", file)
}

// GenerateKeyFile writes a new random key to file (mode 0600, 64 hex
// digits and a newline) and returns it; it fails if file exists.
func GenerateKeyFile(file string) (*Key, error) {
	raw := make([]byte, 32)
	rand.Read(raw)
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("video: %w", err)
	}
	if _, err := fmt.Fprintf(f, "%x\n", raw); err != nil {
		f.Close()
		return nil, fmt.Errorf("video: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("video: %w", err)
	}
	return NewKey(raw)
}

// ID returns the key id.
func (k *Key) ID() [KeyIDLen]byte { return k.id }

// IDString returns the key id in hexadecimal.
func (k *Key) IDString() string { return hex.EncodeToString(k.id[:]) }

// recordPlaintext returns how many plaintext octets fit one record of a
// Data segment whose Content is at most chunk octets.
func recordPlaintext(chunk int) int { return chunk - recordOverhead }

func recordAAD(dst []byte, versioned ndn.Name, index uint64, hdr []byte) []byte {
	dst = versioned.AppendTLV(dst)
	dst = binary.BigEndian.AppendUint64(dst, index)
	return append(dst, hdr...)
}

// seal appends the record of plaintext number index of versioned to dst.
func (k *Key) seal(dst []byte, versioned ndn.Name, index uint64, last bool, plain []byte) []byte {
	start := len(dst)
	var flags byte
	if last {
		flags = 1
	}
	dst = append(dst, recordVersion, flags)
	dst = append(dst, k.id[:]...)
	var nonce [12]byte
	rand.Read(nonce[:])
	dst = append(dst, nonce[:]...)
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(plain)+k.aead.Overhead()))
	hdr := bytes.Clone(dst[start:])
	aad := recordAAD(nil, versioned, index, hdr)
	return k.aead.Seal(dst, nonce[:], plain, aad)
}

// decrypter is an io.Writer taking the concatenated records of one object
// and writing the plaintext to w. Close reports a stream cut short. Not
// safe for concurrent use.
type decrypter struct {
	k         *Key
	versioned ndn.Name
	w         io.Writer
	buf       []byte
	aad       []byte
	index     uint64
	sawLast   bool
	err       error
}

func newDecrypter(k *Key, versioned ndn.Name, w io.Writer) *decrypter {
	return &decrypter{k: k, versioned: versioned, w: w}
}

func (d *decrypter) Write(p []byte) (int, error) {
	if d.err != nil {
		return 0, d.err
	}
	d.buf = append(d.buf, p...)
	off := 0
	for len(d.buf)-off >= recordHeaderLen {
		hdr := d.buf[off : off+recordHeaderLen]
		if hdr[0] != recordVersion || hdr[1]&^1 != 0 {
			d.err = fmt.Errorf("%w: %s record %d: unknown record version %d flags %#x", ErrDecrypt, d.versioned, d.index, hdr[0], hdr[1])
			return 0, d.err
		}
		if !bytes.Equal(hdr[2:10], d.k.id[:]) {
			d.err = fmt.Errorf("%w: %s is sealed with key id %x, the key given has id %x", ErrWrongKey, d.versioned, hdr[2:10], d.k.id)
			return 0, d.err
		}
		n := int(binary.BigEndian.Uint32(hdr[22:26]))
		if n < d.k.aead.Overhead() || n > maxRecord {
			d.err = fmt.Errorf("%w: %s record %d: bad length %d", ErrDecrypt, d.versioned, d.index, n)
			return 0, d.err
		}
		if len(d.buf)-off < recordHeaderLen+n {
			break
		}
		if d.sawLast {
			d.err = fmt.Errorf("%w: %s: data after the last record", ErrDecrypt, d.versioned)
			return 0, d.err
		}
		d.aad = recordAAD(d.aad[:0], d.versioned, d.index, hdr)
		ct := d.buf[off+recordHeaderLen : off+recordHeaderLen+n]
		plain, err := d.k.aead.Open(ct[:0], hdr[10:22], ct, d.aad) // in place
		if err != nil {
			d.err = fmt.Errorf("%w: %s record %d: %w", ErrDecrypt, d.versioned, d.index, err)
			return 0, d.err
		}
		d.sawLast = hdr[1]&1 != 0
		d.index++
		off += recordHeaderLen + n
		if _, err := d.w.Write(plain); err != nil {
			d.err = err
			return 0, err
		}
	}
	d.buf = d.buf[:copy(d.buf, d.buf[off:])]
	return len(p), nil
}

// Close reports an error if the stream ended inside a record or without
// the last record.
func (d *decrypter) Close() error {
	if d.err != nil {
		return d.err
	}
	if len(d.buf) != 0 || !d.sawLast {
		return fmt.Errorf("%w: %s ends after %d records without its last record", ErrDecrypt, d.versioned, d.index)
	}
	return nil
}
