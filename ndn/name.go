package ndn

import (
	"bytes"
	"fmt"
	"hash/maphash"
	"iter"
	"strings"

	"github.com/ndnflow/ndnflow/tlv"
)

// MaxNameComponents bounds the components NFD tables accept (FIB, RIB and
// strategy-choice depth, ndn-protocols.md §5.2).
const MaxNameComponents = 32

// Name is an NDN name, held as the TLV-VALUE of its Name element: the
// concatenation of its component TLVs, always minimally encoded and valid.
// The zero Name is the empty name "/". A Name is immutable once made; a
// decoded Name aliases the packet buffer.
//
// Because the encoding is minimal, canonical order is a byte comparison of
// the values (ndn-protocols.md §2.2), and equal names have equal bytes, so
// hashing the value is hashing the name.
type Name struct {
	v []byte
}

// NameFromValue returns the Name whose TLV-VALUE is v, without copying v.
// It checks every component (type range, digest length, minimal encoding).
func NameFromValue(v []byte) (Name, error) {
	d := tlv.NewDecoder(v)
	for d.Next() {
		e := d.Element()
		if e.Type > 0xFFFF {
			return Name{}, ErrComponentType
		}
		if len(e.Wire)-len(e.Value) != tlv.TLLen(e.Type, len(e.Value)) {
			return Name{}, ErrNonMinimal
		}
		if (e.Type == TtImplicitSha256DigestComponent || e.Type == TtParametersSha256DigestComponent) && len(e.Value) != 32 {
			return Name{}, ErrDigestLength
		}
	}
	if err := d.Err(); err != nil {
		if err == tlv.ErrType {
			return Name{}, ErrComponentType
		}
		return Name{}, err
	}
	return Name{v: v}, nil
}

// DecodeName decodes a whole Name element (07 LEN …).
func DecodeName(wire []byte) (Name, error) {
	e, err := tlv.Decode(wire)
	if err != nil {
		return Name{}, err
	}
	if e.Type != TtName {
		return Name{}, ErrPacketType
	}
	return NameFromValue(e.Value)
}

// NameFromComponents returns a new Name made of the given components.
// It panics if a component is invalid; use [Component.IsValid] on untrusted input.
func NameFromComponents(comps ...Component) Name {
	return Name{}.Append(comps...)
}

// ParseName parses a name URI in canonical or alternate form
// (ndn-protocols.md §2.1): an optional "ndn:" scheme and "//authority" are
// ignored, a missing leading or present trailing "/" is accepted.
func ParseName(uri string) (Name, error) {
	s := strings.TrimPrefix(uri, "ndn:")
	if strings.HasPrefix(s, "//") {
		rest := s[2:]
		if i := strings.IndexByte(rest, '/'); i >= 0 {
			s = rest[i:]
		} else {
			s = "/"
		}
	}
	s = strings.TrimPrefix(s, "/")
	s = strings.TrimSuffix(s, "/")
	var v []byte
	if s == "" {
		return Name{}, nil
	}
	for part := range strings.SplitSeq(s, "/") {
		c, err := ParseComponent(part)
		if err != nil {
			return Name{}, fmt.Errorf("name %q: %w", uri, err)
		}
		v = c.Append(v)
	}
	return Name{v: v}, nil
}

// MustParseName is ParseName for constants; it panics on error.
func MustParseName(uri string) Name {
	n, err := ParseName(uri)
	if err != nil {
		panic(err)
	}
	return n
}

// Value returns the component TLVs (the Name's TLV-VALUE). The caller must
// not modify them.
func (n Name) Value() []byte { return n.v }

// IsEmpty reports whether the name has no components.
func (n Name) IsEmpty() bool { return len(n.v) == 0 }

// Len returns the number of components.
func (n Name) Len() int {
	k := 0
	for off := 0; off < len(n.v); k++ {
		off += n.elemLen(off)
	}
	return k
}

// elemLen returns the size of the (valid) component TLV at offset off.
func (n Name) elemLen(off int) int {
	_, tn, _ := tlv.ReadVarNum(n.v[off:])
	l, ln, _ := tlv.ReadVarNum(n.v[off+tn:])
	return tn + ln + int(l)
}

// offset returns the byte offset of component i (or len(v) when i == Len()).
// Negative i counts from the end. ok is false when i is out of range.
func (n Name) offset(i int) (off int, ok bool) {
	if i < 0 {
		i += n.Len()
		if i < 0 {
			return 0, false
		}
	}
	for k := 0; k < i; k++ {
		if off >= len(n.v) {
			return 0, false
		}
		off += n.elemLen(off)
	}
	return off, off <= len(n.v)
}

// At returns component i; a negative i counts from the end (-1 is the last).
// It returns the zero Component when i is out of range.
func (n Name) At(i int) Component {
	off, ok := n.offset(i)
	if !ok || off >= len(n.v) {
		return Component{}
	}
	e, _, _ := tlv.ReadElement(n.v[off:])
	return Component{Type: uint16(e.Type), Value: e.Value}
}

// Components iterates over the components in order.
func (n Name) Components() iter.Seq2[int, Component] {
	return func(yield func(int, Component) bool) {
		d := tlv.NewDecoder(n.v)
		for i := 0; d.Next(); i++ {
			e := d.Element()
			if !yield(i, Component{Type: uint16(e.Type), Value: e.Value}) {
				return
			}
		}
	}
}

// Prefix returns the first k components (k < 0 drops -k from the end). It
// aliases n.
func (n Name) Prefix(k int) Name {
	if k < 0 {
		k += n.Len()
		if k < 0 {
			k = 0
		}
	}
	off, ok := n.offset(k)
	if !ok {
		return n
	}
	return Name{v: n.v[:off:off]}
}

// Append returns a new name with the components added; n is unchanged.
// It panics if a component is invalid.
func (n Name) Append(comps ...Component) Name {
	size := len(n.v)
	for _, c := range comps {
		if err := c.validate(); err != nil {
			panic(fmt.Sprintf("ndn: Name.Append: %v", err))
		}
		size += c.Length()
	}
	v := make([]byte, 0, size)
	v = append(v, n.v...)
	for _, c := range comps {
		v = c.Append(v)
	}
	return Name{v: v}
}

// AppendName returns a new name made of n followed by the components of suffix.
func (n Name) AppendName(suffix Name) Name {
	v := make([]byte, 0, len(n.v)+len(suffix.v))
	return Name{v: append(append(v, n.v...), suffix.v...)}
}

// Clone returns a copy of n that does not alias the original buffer.
func (n Name) Clone() Name {
	if n.v == nil {
		return n
	}
	return Name{v: bytes.Clone(n.v)}
}

// Equal reports whether two names have the same components, compared
// octet by octet (so typed and generic components never match).
func (n Name) Equal(o Name) bool { return bytes.Equal(n.v, o.v) }

// Compare orders names canonically, returning -1, 0 or +1.
func (n Name) Compare(o Name) int { return bytes.Compare(n.v, o.v) }

// IsPrefixOf reports whether n is a prefix of o (every name is a prefix of itself).
func (n Name) IsPrefixOf(o Name) bool {
	if len(n.v) > len(o.v) || !bytes.Equal(n.v, o.v[:len(n.v)]) {
		return false
	}
	// The byte prefix must end on a component boundary of o, which it does
	// when n is a whole name and o's component at that offset starts there:
	// both are valid names sharing those bytes, so their boundaries agree.
	return true
}

// Hash returns a keyed hash of the first k components (all of them when
// k >= Len). Forwarders use it to choose a shard and to probe hash tables.
func (n Name) Hash(seed maphash.Seed, k int) uint64 {
	off, ok := n.offset(k)
	if !ok {
		off = len(n.v)
	}
	return maphash.Bytes(seed, n.v[:off])
}

// PrefixHashes appends to dst the keyed hashes of the prefixes of n with
// 0, 1, …, Len() components (Len()+1 values) in one pass, and returns it.
func (n Name) PrefixHashes(seed maphash.Seed, dst []uint64) []uint64 {
	var h maphash.Hash
	h.SetSeed(seed)
	dst = append(dst, h.Sum64())
	for off := 0; off < len(n.v); {
		l := n.elemLen(off)
		h.Write(n.v[off : off+l])
		off += l
		dst = append(dst, h.Sum64())
	}
	return dst
}

// TLVLength returns the size of the Name element (07 LEN …).
func (n Name) TLVLength() int { return tlv.ElementLen(TtName, len(n.v)) }

// AppendTLV appends the Name element (07 LEN …) to dst.
func (n Name) AppendTLV(dst []byte) []byte { return tlv.AppendElement(dst, TtName, n.v) }

// String returns the URI in alternate form, as ndn-cxx prints it.
func (n Name) String() string { return n.uri(false) }

// CanonicalString returns the URI in canonical form, as NDNts prints it.
func (n Name) CanonicalString() string { return n.uri(true) }

func (n Name) uri(canonical bool) string {
	if len(n.v) == 0 {
		return "/"
	}
	b := make([]byte, 0, len(n.v)+8)
	for _, c := range n.Components() {
		b = append(b, '/')
		b = c.appendURI(b, canonical)
	}
	return string(b)
}
