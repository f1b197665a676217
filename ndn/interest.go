package ndn

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"time"

	"github.com/ndnflow/ndnflow/tlv"
)

// Interest is an Interest packet (ndn-protocols.md §1.5).
//
// A decoded Interest keeps its wire bytes (Wire) and its fields alias them.
// Setting fields does not change Wire; call Encode (or Append) to produce a
// new encoding.
type Interest struct {
	Name        Name
	CanBePrefix bool
	MustBeFresh bool
	// ForwardingHint lists the delegation names; Decode reuses its capacity.
	ForwardingHint []Name
	Nonce          uint32
	HasNonce       bool
	// Lifetime is the InterestLifetime; 0 means absent (4 s implied).
	Lifetime    time.Duration
	HopLimit    uint8
	HasHopLimit bool
	// AppParams is the ApplicationParameters value. HasAppParams
	// distinguishes an empty element (24 00) from none.
	AppParams    []byte
	HasAppParams bool
	// SigInfo and SigValue hold a v0.3 signature when IsSigned.
	SigInfo  SigInfo
	SigValue []byte
	IsSigned bool

	wire       []byte
	nonceOff   int // offset of the Nonce value in wire, 0 if absent
	hopOff     int // offset of the HopLimit value in wire, 0 if absent
	paramsOff  int // offset of ApplicationParameters in wire
	sigValOff  int // offset of InterestSignatureValue in wire
	nameValOff int // offset of the Name TLV-VALUE in wire
	trailer    []byte
}

// EffectiveLifetime returns Lifetime, or DefaultInterestLifetime (4 s) when
// Lifetime is 0, which is how an absent InterestLifetime element decodes.
func (i *Interest) EffectiveLifetime() time.Duration {
	if i.Lifetime == 0 {
		return DefaultInterestLifetime * time.Millisecond
	}
	return i.Lifetime
}

// Wire returns the encoding the Interest was decoded from or last encoded to.
func (i *Interest) Wire() []byte { return i.wire }

// Reset clears i, keeping the capacity of its ForwardingHint slice.
func (i *Interest) Reset() {
	fh := i.ForwardingHint[:0]
	*i = Interest{ForwardingHint: fh}
}

// interest element order, for the out-of-order rule.
func interestOrder(t uint32) int {
	switch t {
	case TtName:
		return 1
	case TtCanBePrefix:
		return 2
	case TtMustBeFresh:
		return 3
	case TtForwardingHint:
		return 4
	case TtNonce:
		return 5
	case TtInterestLifetime:
		return 6
	case TtHopLimit:
		return 7
	case TtApplicationParameters:
		return 8
	case TtInterestSignatureInfo:
		return 9
	case TtInterestSignatureValue:
		return 10
	}
	return 0
}

// Decode decodes an Interest element. wire must hold exactly one element.
// It checks the ParametersSha256DigestComponent against the parameters.
func (i *Interest) Decode(wire []byte) error {
	i.Reset()
	e, err := tlv.Decode(wire)
	if err != nil {
		return fmt.Errorf("Interest: %w", err)
	}
	if e.Type != TtInterest {
		return ErrPacketType
	}
	i.wire = wire
	base := len(wire) - len(e.Value)
	d := tlv.NewDecoder(e.Value)
	last := 0
	haveSigInfo := false
	for d.Next() {
		f := d.Element()
		off := base + d.Offset() - len(f.Wire)
		ord := interestOrder(f.Type)
		if last == 0 && f.Type != TtName {
			return fmt.Errorf("Interest element %d before Name: %w", f.Type, tlv.ErrCritical)
		}
		if ord == 0 || ord <= last {
			// Unknown, repeated or out of order: fatal only if critical.
			if tlv.IsCritical(f.Type) {
				return fmt.Errorf("Interest element %d: %w", f.Type, tlv.ErrCritical)
			}
			continue
		}
		if ord >= 9 && !i.HasAppParams {
			// The signature elements belong after ApplicationParameters
			// (§1.5); without it they are unrecognized non-critical elements.
			continue
		}
		last = ord
		switch f.Type {
		case TtName:
			i.nameValOff = off + len(f.Wire) - len(f.Value)
			i.Name, err = NameFromValue(f.Value)
			if err == nil && i.Name.IsEmpty() {
				err = ErrEmptyName
			}
		case TtCanBePrefix:
			i.CanBePrefix, err = true, zeroLen(f)
		case TtMustBeFresh:
			i.MustBeFresh, err = true, zeroLen(f)
		case TtForwardingHint:
			err = i.decodeForwardingHint(f.Value)
		case TtNonce:
			if len(f.Value) != 4 {
				err = tlv.ErrLength
				break
			}
			i.Nonce, i.HasNonce = binary.BigEndian.Uint32(f.Value), true
			i.nonceOff = off + len(f.Wire) - 4
		case TtInterestLifetime:
			var ms uint64
			ms, err = f.NNI()
			if ms > uint64(1<<63-1)/uint64(time.Millisecond) {
				ms = uint64(1<<63-1) / uint64(time.Millisecond)
			}
			i.Lifetime = time.Duration(ms) * time.Millisecond
			if ms == 0 {
				i.Lifetime = 1 // present and zero: keep it distinguishable from absent
			}
		case TtHopLimit:
			if len(f.Value) != 1 {
				err = tlv.ErrLength
				break
			}
			i.HopLimit, i.HasHopLimit = f.Value[0], true
			i.hopOff = off + len(f.Wire) - 1
		case TtApplicationParameters:
			i.AppParams, i.HasAppParams = f.Value, true
			i.paramsOff = off
		case TtInterestSignatureInfo:
			err = i.SigInfo.Decode(f.Value)
			haveSigInfo = true
		case TtInterestSignatureValue:
			if !haveSigInfo {
				err = ErrMissing
				break
			}
			i.SigValue, i.IsSigned = f.Value, true
			i.sigValOff = off
		}
		if err != nil {
			return fmt.Errorf("Interest element %d: %w", f.Type, err)
		}
	}
	if err := d.Err(); err != nil {
		return fmt.Errorf("Interest: %w", err)
	}
	if last == 0 {
		return fmt.Errorf("Interest: Name: %w", ErrMissing)
	}
	if haveSigInfo && !i.IsSigned {
		i.SigInfo = SigInfo{}
	}
	return i.checkParamsDigest()
}

func zeroLen(e tlv.Element) error {
	if len(e.Value) != 0 {
		return tlv.ErrLength
	}
	return nil
}

func (i *Interest) decodeForwardingHint(v []byte) error {
	d := tlv.NewDecoder(v)
	for d.Next() {
		e := d.Element()
		switch e.Type {
		case TtName:
			n, err := NameFromValue(e.Value)
			if err != nil {
				return err
			}
			i.ForwardingHint = append(i.ForwardingHint, n)
		case TtDelegation: // legacy: Delegation = 1F (1E preference) Name
			inner := tlv.NewDecoder(e.Value)
			for inner.Next() {
				if ie := inner.Element(); ie.Type == TtName {
					n, err := NameFromValue(ie.Value)
					if err != nil {
						return err
					}
					i.ForwardingHint = append(i.ForwardingHint, n)
				}
			}
			if err := inner.Err(); err != nil {
				return err
			}
		default:
			if tlv.IsCritical(e.Type) {
				return tlv.ErrCritical
			}
		}
	}
	return d.Err()
}

// paramsDigestIndex returns the index of the ParametersSha256DigestComponent
// and how many there are.
func (i *Interest) paramsDigestIndex() (idx, count int) {
	idx = -1
	for k, c := range i.Name.Components() {
		if c.Type == TtParametersSha256DigestComponent {
			idx = k
			count++
		}
	}
	return idx, count
}

func (i *Interest) checkParamsDigest() error {
	idx, count := i.paramsDigestIndex()
	if !i.HasAppParams {
		if count != 0 {
			return fmt.Errorf("Interest: digest without ApplicationParameters: %w", ErrParamsDigest)
		}
		return nil
	}
	if count != 1 {
		return fmt.Errorf("Interest: %d digest components: %w", count, ErrParamsDigest)
	}
	sum := sha256.Sum256(i.wire[i.paramsOff:])
	if !bytes.Equal(i.Name.At(idx).Value, sum[:]) {
		return fmt.Errorf("Interest: digest mismatch: %w", ErrParamsDigest)
	}
	return nil
}

// SignedPortion appends the v0.3 signed portion (ndn-protocols.md §1.8 item
// 4) of a decoded signed Interest to dst: the name components other than the
// parameters digest, then ApplicationParameters through InterestSignatureInfo.
func (i *Interest) SignedPortion(dst []byte) []byte {
	for _, c := range i.Name.Components() {
		if c.Type != TtParametersSha256DigestComponent {
			dst = c.Append(dst)
		}
	}
	if i.paramsOff > 0 && i.sigValOff > i.paramsOff {
		dst = append(dst, i.wire[i.paramsOff:i.sigValOff]...)
	}
	return dst
}

// V02SignedPortion returns the signed portion of a legacy v0.2 command
// Interest (the Name TLV-VALUE minus its last component) and the SigInfo and
// SigValue components, if the name has the v0.2 shape.
func (i *Interest) V02SignedPortion() (portion []byte, sigInfo, sigValue Component, ok bool) {
	n := i.Name.Len()
	if n < 5 {
		return nil, Component{}, Component{}, false
	}
	sigInfo, sigValue = i.Name.At(n-2), i.Name.At(n-1)
	if sigInfo.Type != TtGenericNameComponent || sigValue.Type != TtGenericNameComponent ||
		len(sigInfo.Value) == 0 || sigInfo.Value[0] != TtSignatureInfo ||
		len(sigValue.Value) == 0 || sigValue.Value[0] != TtSignatureValue {
		return nil, Component{}, Component{}, false
	}
	return i.Name.Prefix(n - 1).Value(), sigInfo, sigValue, true
}

// PatchNonce rewrites the Nonce in the wire in place. It returns false when
// the decoded Interest had no Nonce (the caller must re-encode).
func (i *Interest) PatchNonce(n uint32) bool {
	if i.nonceOff == 0 {
		return false
	}
	binary.BigEndian.PutUint32(i.wire[i.nonceOff:], n)
	i.Nonce = n
	return true
}

// PatchHopLimit rewrites the HopLimit in the wire in place. It returns false
// when the decoded Interest had no HopLimit.
func (i *Interest) PatchHopLimit(h uint8) bool {
	if i.hopOff == 0 {
		return false
	}
	i.wire[i.hopOff] = h
	i.HopLimit = h
	return true
}

func (i *Interest) valueLen() int {
	n := i.Name.TLVLength()
	if i.CanBePrefix {
		n += 2
	}
	if i.MustBeFresh {
		n += 2
	}
	if len(i.ForwardingHint) > 0 {
		n += tlv.ElementLen(TtForwardingHint, i.fhLen())
	}
	if i.HasNonce {
		n += 6
	}
	if i.Lifetime != 0 {
		n += tlv.NNIElementLen(TtInterestLifetime, i.lifetimeMs())
	}
	if i.HasHopLimit {
		n += 3
	}
	if i.HasAppParams || i.IsSigned {
		n += tlv.ElementLen(TtApplicationParameters, len(i.AppParams))
	}
	if i.IsSigned {
		n += i.SigInfo.Length(TtInterestSignatureInfo) + tlv.ElementLen(TtInterestSignatureValue, len(i.SigValue))
	}
	return n
}

func (i *Interest) lifetimeMs() uint64 {
	if i.Lifetime < time.Millisecond {
		return 0
	}
	return uint64(i.Lifetime / time.Millisecond)
}

func (i *Interest) fhLen() int {
	n := 0
	for _, h := range i.ForwardingHint {
		n += h.TLVLength()
	}
	return n
}

// Length returns the size of the Interest's encoding from its fields.
func (i *Interest) Length() int { return tlv.ElementLen(TtInterest, i.valueLen()) }

// Append encodes the Interest from its fields and appends it to dst. The
// Name must already carry a correct ParametersSha256DigestComponent when
// there are parameters; use Encode to have it computed.
func (i *Interest) Append(dst []byte) []byte {
	dst = tlv.AppendTL(dst, TtInterest, i.valueLen())
	dst = i.Name.AppendTLV(dst)
	if i.CanBePrefix {
		dst = append(dst, TtCanBePrefix, 0)
	}
	if i.MustBeFresh {
		dst = append(dst, TtMustBeFresh, 0)
	}
	if len(i.ForwardingHint) > 0 {
		dst = tlv.AppendTL(dst, TtForwardingHint, i.fhLen())
		for _, h := range i.ForwardingHint {
			dst = h.AppendTLV(dst)
		}
	}
	if i.HasNonce {
		dst = binary.BigEndian.AppendUint32(append(dst, TtNonce, 4), i.Nonce)
	}
	if i.Lifetime != 0 {
		dst = tlv.AppendNNIElement(dst, TtInterestLifetime, i.lifetimeMs())
	}
	if i.HasHopLimit {
		dst = append(dst, TtHopLimit, 1, i.HopLimit)
	}
	if i.HasAppParams || i.IsSigned {
		dst = tlv.AppendElement(dst, TtApplicationParameters, i.AppParams)
	}
	if i.IsSigned {
		dst = i.SigInfo.AppendTLV(dst, TtInterestSignatureInfo)
		dst = tlv.AppendElement(dst, TtInterestSignatureValue, i.SigValue)
	}
	return dst
}

// Encode encodes the Interest, computing the ParametersSha256DigestComponent
// when there are parameters (replacing any present, else appending it), and
// then decodes the result into i so that Wire and the offsets are set.
func (i *Interest) Encode() ([]byte, error) {
	if i.HasAppParams || i.IsSigned {
		i.HasAppParams = true
		i.Name = i.nameWithParamsDigest(emptyParamsDigest)
		w := i.Append(nil)
		// The digest covers ApplicationParameters to the end; the name is
		// before it and the placeholder has the same size as the digest.
		start := len(w) - i.paramsTailLen()
		sum := sha256.Sum256(w[start:])
		i.Name = i.nameWithParamsDigest(sum)
	}
	w := i.Append(make([]byte, 0, i.Length()))
	var out Interest
	out.ForwardingHint = i.ForwardingHint[:0:0]
	if err := out.Decode(w); err != nil {
		return nil, err
	}
	*i = out
	return w, nil
}

func (i *Interest) paramsTailLen() int {
	n := tlv.ElementLen(TtApplicationParameters, len(i.AppParams))
	if i.IsSigned {
		n += i.SigInfo.Length(TtInterestSignatureInfo) + tlv.ElementLen(TtInterestSignatureValue, len(i.SigValue))
	}
	return n
}

// nameWithParamsDigest returns the Name with its parameters digest set to d:
// the existing digest component is replaced, or one is appended.
func (i *Interest) nameWithParamsDigest(d [32]byte) Name {
	idx, _ := i.paramsDigestIndex()
	if idx < 0 {
		return i.Name.Append(ParamsDigestComponent(d))
	}
	out := Name{}
	for k, c := range i.Name.Components() {
		if k == idx {
			c = ParamsDigestComponent(d)
		}
		out = out.Append(c)
	}
	return out
}

// SignWith signs the Interest in the v0.3 format (ndn-protocols.md §1.8 item
// 4): it sets IsSigned, asks s to fill the SignatureInfo, signs the signed
// portion, appends the parameters digest and encodes the packet. SignatureNonce
// and SignatureTime, when wanted, must be set in i.SigInfo before the call.
func (i *Interest) SignWith(s Signer) ([]byte, error) {
	// Drop any old digest component: it is not part of the signed portion.
	if idx, _ := i.paramsDigestIndex(); idx >= 0 {
		out := Name{}
		for k, c := range i.Name.Components() {
			if k != idx {
				out = out.Append(c)
			}
		}
		i.Name = out
	}
	i.HasAppParams, i.IsSigned = true, true
	i.SigInfo.Type = s.SigType()
	i.SigInfo.KeyLocator = s.KeyLocator()
	portion := i.Name.Value()
	portion = append(bytes.Clone(portion), tlv.AppendElement(nil, TtApplicationParameters, i.AppParams)...)
	portion = i.SigInfo.AppendTLV(portion, TtInterestSignatureInfo)
	sig, err := s.Sign(portion)
	if err != nil {
		return nil, err
	}
	i.SigValue = sig
	return i.Encode()
}
