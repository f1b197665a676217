package ndn

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	"github.com/ndnflow/ndnflow/tlv"
)

// Component is one name component: a TLV-TYPE in [1, 65535] and a value.
// A decoded Component's Value aliases the packet buffer.
// The zero Component (Type 0) means "no component" where one is optional.
type Component struct {
	Type  uint16
	Value []byte
}

// GenericComponent returns a GenericNameComponent holding s.
func GenericComponent(s string) Component {
	return Component{Type: TtGenericNameComponent, Value: []byte(s)}
}

// KeywordComponent returns a KeywordNameComponent holding s, for example "metadata".
func KeywordComponent(s string) Component {
	return Component{Type: TtKeywordNameComponent, Value: []byte(s)}
}

// NumberComponent returns a component of type t holding the NonNegativeInteger v.
func NumberComponent(t uint16, v uint64) Component {
	return Component{Type: t, Value: tlv.AppendNNI(make([]byte, 0, 8), v)}
}

// SegmentComponent returns the typed segment number component seg=v.
func SegmentComponent(v uint64) Component { return NumberComponent(TtSegmentNameComponent, v) }

// ByteOffsetComponent returns the typed byte offset component off=v.
func ByteOffsetComponent(v uint64) Component { return NumberComponent(TtByteOffsetNameComponent, v) }

// VersionComponent returns the typed version component v=v.
func VersionComponent(v uint64) Component { return NumberComponent(TtVersionNameComponent, v) }

// TimestampComponent returns the typed timestamp component t=v (microseconds since the Unix epoch).
func TimestampComponent(v uint64) Component { return NumberComponent(TtTimestampNameComponent, v) }

// SequenceNumComponent returns the typed sequence number component seq=v.
func SequenceNumComponent(v uint64) Component { return NumberComponent(TtSequenceNumNameComponent, v) }

// ImplicitDigestComponent returns an ImplicitSha256DigestComponent.
func ImplicitDigestComponent(d [32]byte) Component {
	return Component{Type: TtImplicitSha256DigestComponent, Value: bytes.Clone(d[:])}
}

// ParamsDigestComponent returns a ParametersSha256DigestComponent.
func ParamsDigestComponent(d [32]byte) Component {
	return Component{Type: TtParametersSha256DigestComponent, Value: bytes.Clone(d[:])}
}

// emptyParamsDigest is the SHA-256 of nothing: the placeholder value of a
// ParametersSha256DigestComponent before the parameters are known.
var emptyParamsDigest = sha256.Sum256(nil)

// IsValid reports whether c may appear in a name.
func (c Component) IsValid() bool {
	return c.validate() == nil
}

func (c Component) validate() error {
	if c.Type == 0 {
		return ErrComponentType
	}
	if (c.Type == TtImplicitSha256DigestComponent || c.Type == TtParametersSha256DigestComponent) && len(c.Value) != 32 {
		return ErrDigestLength
	}
	return nil
}

// Number returns the NonNegativeInteger value of a typed number component.
// ok is false when the value is not 1, 2, 4 or 8 octets long.
func (c Component) Number() (v uint64, ok bool) {
	v, err := tlv.DecodeNNI(c.Value)
	return v, err == nil
}

// Length returns the size of the component's TLV encoding.
func (c Component) Length() int {
	return tlv.ElementLen(uint32(c.Type), len(c.Value))
}

// Append appends the component's TLV encoding to dst.
func (c Component) Append(dst []byte) []byte {
	return tlv.AppendElement(dst, uint32(c.Type), c.Value)
}

// Equal reports whether two components have the same type and value.
func (c Component) Equal(o Component) bool {
	return c.Type == o.Type && bytes.Equal(c.Value, o.Value)
}

// Compare orders components canonically (ndn-protocols.md §2.2): by type,
// then by value length, then by value octets. It returns -1, 0 or +1.
func (c Component) Compare(o Component) int {
	switch {
	case c.Type < o.Type:
		return -1
	case c.Type > o.Type:
		return 1
	case len(c.Value) < len(o.Value):
		return -1
	case len(c.Value) > len(o.Value):
		return 1
	}
	return bytes.Compare(c.Value, o.Value)
}

// altPrefix returns the alternate URI prefix of typed number components.
func altNumberPrefix(t uint16) string {
	switch t {
	case TtSegmentNameComponent:
		return "seg"
	case TtByteOffsetNameComponent:
		return "off"
	case TtVersionNameComponent:
		return "v"
	case TtTimestampNameComponent:
		return "t"
	case TtSequenceNumNameComponent:
		return "seq"
	}
	return ""
}

// String returns the component in the alternate URI form that ndn-cxx prints
// by default: "hello", "seg=3", "sha256digest=…", "32=metadata".
func (c Component) String() string {
	return string(c.appendURI(nil, false))
}

// CanonicalString returns the component in canonical URI form: "8=hello", "50=%03".
func (c Component) CanonicalString() string {
	return string(c.appendURI(nil, true))
}

func (c Component) appendURI(dst []byte, canonical bool) []byte {
	if !canonical {
		switch c.Type {
		case TtGenericNameComponent:
			return appendEscaped(dst, c.Value)
		case TtImplicitSha256DigestComponent, TtParametersSha256DigestComponent:
			if len(c.Value) == 32 {
				if c.Type == TtImplicitSha256DigestComponent {
					dst = append(dst, "sha256digest="...)
				} else {
					dst = append(dst, "params-sha256="...)
				}
				return hex.AppendEncode(dst, c.Value)
			}
		default:
			if p := altNumberPrefix(c.Type); p != "" {
				// Only a minimal NNI prints as a number: "seg=48" parses
				// back to one octet, so 0x0030 prints as "50=%000".
				if v, ok := c.Number(); ok && len(c.Value) == tlv.NNILen(v) {
					dst = append(append(dst, p...), '=')
					return strconv.AppendUint(dst, v, 10)
				}
			}
		}
	}
	dst = strconv.AppendUint(dst, uint64(c.Type), 10)
	dst = append(dst, '=')
	return appendEscaped(dst, c.Value)
}

func isUnreserved(b byte) bool {
	return 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' ||
		b == '-' || b == '.' || b == '_' || b == '~'
}

// appendEscaped percent-escapes v and applies the period rule.
func appendEscaped(dst, v []byte) []byte {
	allPeriods := true
	for _, b := range v {
		if b != '.' {
			allPeriods = false
			break
		}
	}
	if allPeriods {
		dst = append(dst, "..."...)
		return append(dst, v...)
	}
	const hexUpper = "0123456789ABCDEF"
	for _, b := range v {
		if isUnreserved(b) {
			dst = append(dst, b)
		} else {
			dst = append(dst, '%', hexUpper[b>>4], hexUpper[b&0xF])
		}
	}
	return dst
}

// unescape decodes percent-escapes and the period rule of one component value.
func unescape(s string) ([]byte, error) {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		b := s[i]
		if b != '%' {
			out = append(out, b)
			continue
		}
		if i+2 >= len(s) {
			return nil, fmt.Errorf("%w: truncated escape in %q", ErrURI, s)
		}
		v, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
		if err != nil {
			return nil, fmt.Errorf("%w: bad escape in %q", ErrURI, s)
		}
		out = append(out, byte(v))
		i += 2
	}
	allPeriods := true
	for _, b := range out {
		if b != '.' {
			allPeriods = false
			break
		}
	}
	if allPeriods && strings.IndexByte(s, '%') < 0 {
		if len(out) < 3 {
			return nil, fmt.Errorf("%w: component %q needs three extra periods", ErrURI, s)
		}
		out = out[3:]
	}
	return out, nil
}

// ParseComponent parses one component in canonical or alternate URI form.
func ParseComponent(s string) (Component, error) {
	eq := strings.IndexByte(s, '=')
	if eq < 0 {
		v, err := unescape(s)
		return Component{Type: TtGenericNameComponent, Value: v}, err
	}
	prefix, val := s[:eq], s[eq+1:]
	switch prefix {
	case "sha256digest", "params-sha256":
		d, err := hex.DecodeString(val)
		if err != nil || len(d) != 32 {
			return Component{}, fmt.Errorf("%w: %s needs 64 hex digits", ErrURI, prefix)
		}
		t := uint16(TtImplicitSha256DigestComponent)
		if prefix == "params-sha256" {
			t = TtParametersSha256DigestComponent
		}
		return Component{Type: t, Value: d}, nil
	case "seg", "off", "v", "t", "seq":
		n, err := strconv.ParseUint(val, 10, 64)
		if err != nil {
			return Component{}, fmt.Errorf("%w: %s= needs a decimal number, got %q", ErrURI, prefix, val)
		}
		var t uint16
		switch prefix {
		case "seg":
			t = TtSegmentNameComponent
		case "off":
			t = TtByteOffsetNameComponent
		case "v":
			t = TtVersionNameComponent
		case "t":
			t = TtTimestampNameComponent
		case "seq":
			t = TtSequenceNumNameComponent
		}
		return NumberComponent(t, n), nil
	}
	if prefix == "" || (len(prefix) > 1 && prefix[0] == '0') {
		return Component{}, fmt.Errorf("%w: bad component type %q", ErrURI, prefix)
	}
	t, err := strconv.ParseUint(prefix, 10, 16)
	if err != nil || t == 0 {
		return Component{}, fmt.Errorf("%w: component type %q not in [1, 65535]", ErrURI, prefix)
	}
	v, err := unescape(val)
	if err != nil {
		return Component{}, err
	}
	c := Component{Type: uint16(t), Value: v}
	if err := c.validate(); err != nil {
		return Component{}, fmt.Errorf("%w: %w", ErrURI, err)
	}
	return c, nil
}
