package ndn

import (
	"fmt"
	"time"

	"github.com/ndnflow/ndnflow/tlv"
)

// KeyLocator names the key that made a signature: either a Name or a KeyDigest.
type KeyLocator struct {
	Name   Name
	Digest []byte
}

// IsEmpty reports whether the KeyLocator holds neither a Name nor a digest.
func (k KeyLocator) IsEmpty() bool { return k.Name.IsEmpty() && len(k.Digest) == 0 }

func (k KeyLocator) valueLen() int {
	if len(k.Digest) > 0 {
		return tlv.ElementLen(TtKeyDigest, len(k.Digest))
	}
	return k.Name.TLVLength()
}

func (k KeyLocator) appendTLV(dst []byte) []byte {
	dst = tlv.AppendTL(dst, TtKeyLocator, k.valueLen())
	if len(k.Digest) > 0 {
		return tlv.AppendElement(dst, TtKeyDigest, k.Digest)
	}
	return k.Name.AppendTLV(dst)
}

func (k *KeyLocator) decode(v []byte) error {
	e, err := tlv.Decode(v)
	if err != nil {
		return fmt.Errorf("KeyLocator: %w", err)
	}
	switch e.Type {
	case TtName:
		k.Name, err = NameFromValue(e.Value)
		return err
	case TtKeyDigest:
		k.Digest = e.Value
		return nil
	}
	return fmt.Errorf("KeyLocator: %w", tlv.ErrCritical)
}

// SigInfo is a SignatureInfo (Data) or InterestSignatureInfo (Interest)
// element (ndn-protocols.md §1.7). Fields an element does not carry stay at
// their zero value.
type SigInfo struct {
	Type       SigType
	KeyLocator KeyLocator
	// Nonce is the SignatureNonce of a signed Interest.
	Nonce []byte
	// Time is the SignatureTime of a signed Interest, in milliseconds since the Unix epoch.
	Time    uint64
	HasTime bool
	// SeqNum is the SignatureSeqNum of a signed Interest.
	SeqNum    uint64
	HasSeqNum bool
	// NotBefore and NotAfter are the ValidityPeriod of a certificate; both
	// zero means no ValidityPeriod.
	NotBefore, NotAfter time.Time
	// Extensions holds the wire of elements this decoder does not interpret
	// (for example a certificate's AdditionalDescription), in order.
	Extensions []byte
}

// HasValidity reports whether the SigInfo carries a ValidityPeriod.
func (s *SigInfo) HasValidity() bool { return !s.NotBefore.IsZero() || !s.NotAfter.IsZero() }

const vpTimeLayoutLen = 15 // YYYYMMDDThhmmss

func appendVPTime(dst []byte, t time.Time) []byte {
	return t.UTC().AppendFormat(dst, "20060102T150405")
}

// parseVPTime parses YYYYMMDDThhmmss without allocating.
func parseVPTime(b []byte) (time.Time, error) {
	if len(b) != vpTimeLayoutLen || b[8] != 'T' {
		return time.Time{}, ErrTime
	}
	num := func(s []byte) (int, bool) {
		n := 0
		for _, c := range s {
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	y, ok1 := num(b[0:4])
	mo, ok2 := num(b[4:6])
	d, ok3 := num(b[6:8])
	h, ok4 := num(b[9:11])
	mi, ok5 := num(b[11:13])
	s, ok6 := num(b[13:15])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60 {
		return time.Time{}, ErrTime
	}
	return time.Date(y, time.Month(mo), d, h, mi, s, 0, time.UTC), nil
}

func (s *SigInfo) valueLen() int {
	n := tlv.NNIElementLen(TtSignatureType, uint64(s.Type))
	if !s.KeyLocator.IsEmpty() {
		n += tlv.ElementLen(TtKeyLocator, s.KeyLocator.valueLen())
	}
	if len(s.Nonce) > 0 {
		n += tlv.ElementLen(TtSignatureNonce, len(s.Nonce))
	}
	if s.HasTime {
		n += tlv.NNIElementLen(TtSignatureTime, s.Time)
	}
	if s.HasSeqNum {
		n += tlv.NNIElementLen(TtSignatureSeqNum, s.SeqNum)
	}
	if s.HasValidity() {
		n += tlv.ElementLen(TtValidityPeriod, 2*tlv.ElementLen(TtNotBefore, vpTimeLayoutLen))
	}
	return n + len(s.Extensions)
}

// Length returns the size of the element of type t (TtSignatureInfo or
// TtInterestSignatureInfo) holding s.
func (s *SigInfo) Length(t uint32) int { return tlv.ElementLen(t, s.valueLen()) }

// AppendTLV appends s as an element of type t (TtSignatureInfo or TtInterestSignatureInfo).
func (s *SigInfo) AppendTLV(dst []byte, t uint32) []byte {
	dst = tlv.AppendTL(dst, t, s.valueLen())
	dst = tlv.AppendNNIElement(dst, TtSignatureType, uint64(s.Type))
	if !s.KeyLocator.IsEmpty() {
		dst = s.KeyLocator.appendTLV(dst)
	}
	if len(s.Nonce) > 0 {
		dst = tlv.AppendElement(dst, TtSignatureNonce, s.Nonce)
	}
	if s.HasTime {
		dst = tlv.AppendNNIElement(dst, TtSignatureTime, s.Time)
	}
	if s.HasSeqNum {
		dst = tlv.AppendNNIElement(dst, TtSignatureSeqNum, s.SeqNum)
	}
	if s.HasValidity() {
		dst = tlv.AppendTL(dst, TtValidityPeriod, 2*tlv.ElementLen(TtNotBefore, vpTimeLayoutLen))
		dst = appendVPTime(tlv.AppendTL(dst, TtNotBefore, vpTimeLayoutLen), s.NotBefore)
		dst = appendVPTime(tlv.AppendTL(dst, TtNotAfter, vpTimeLayoutLen), s.NotAfter)
	}
	return append(dst, s.Extensions...)
}

// Decode decodes a SignatureInfo or InterestSignatureInfo TLV-VALUE into s.
func (s *SigInfo) Decode(v []byte) error {
	*s = SigInfo{}
	d := tlv.NewDecoder(v)
	haveType := false
	extStart := -1
	for d.Next() {
		e := d.Element()
		var err error
		switch e.Type {
		case TtSignatureType:
			var t uint64
			t, err = e.NNI()
			s.Type, haveType = SigType(t), true
		case TtKeyLocator:
			err = s.KeyLocator.decode(e.Value)
		case TtSignatureNonce:
			if len(e.Value) == 0 {
				err = tlv.ErrLength
			}
			s.Nonce = e.Value
		case TtSignatureTime:
			s.Time, err = e.NNI()
			s.HasTime = true
		case TtSignatureSeqNum:
			s.SeqNum, err = e.NNI()
			s.HasSeqNum = true
		case TtValidityPeriod:
			err = s.decodeValidity(e.Value)
		default:
			if tlv.IsCritical(e.Type) {
				err = tlv.ErrCritical
			} else {
				if extStart == -1 {
					extStart = d.Offset() - len(e.Wire)
				}
				continue
			}
		}
		if err != nil {
			return fmt.Errorf("SignatureInfo element %d: %w", e.Type, err)
		}
		if extStart >= 0 {
			// A known element after an unknown one: keep only the
			// interpreted fields, so re-encoding never duplicates.
			extStart = -2
		}
	}
	if err := d.Err(); err != nil {
		return fmt.Errorf("SignatureInfo: %w", err)
	}
	if !haveType {
		return fmt.Errorf("SignatureInfo: SignatureType: %w", ErrMissing)
	}
	if extStart >= 0 {
		s.Extensions = v[extStart:]
	}
	return nil
}

func (s *SigInfo) decodeValidity(v []byte) error {
	nb, n, err := tlv.ReadElement(v)
	if err != nil {
		return err
	}
	na, err := tlv.Decode(v[n:])
	if err != nil {
		return err
	}
	if nb.Type != TtNotBefore || na.Type != TtNotAfter {
		return ErrTime
	}
	if s.NotBefore, err = parseVPTime(nb.Value); err != nil {
		return err
	}
	s.NotAfter, err = parseVPTime(na.Value)
	return err
}
