package ndn

import (
	"crypto/sha256"
	"fmt"
	"time"

	"github.com/ndnflow/ndnflow/tlv"
)

// Data is a Data packet (ndn-protocols.md §1.6).
//
// A decoded Data keeps its wire bytes and re-encodes to exactly those bytes
// from its fields (absent and default-valued elements are remembered), except
// that unknown non-critical elements are not re-encoded: forward Wire, never
// a re-encoding, since the signature and implicit digest cover the wire.
type Data struct {
	Name        Name
	ContentType uint64
	// Freshness is the FreshnessPeriod; 0 means absent or zero.
	Freshness time.Duration
	// FinalBlock is the component inside FinalBlockId; Type 0 means absent.
	FinalBlock Component
	// Content is the Content value; nil means no Content element.
	Content  []byte
	SigInfo  SigInfo
	SigValue []byte

	wire          []byte
	signedStart   int
	signedEnd     int
	metaPresent   bool
	ctPresent     bool
	fpPresent     bool
	digest        [32]byte
	digestPresent bool
}

// Wire returns the encoding the Data was decoded from or last encoded to.
func (d *Data) Wire() []byte { return d.wire }

// SignedPortion returns the bytes the signature covers (Name through
// SignatureInfo, ndn-protocols.md §1.8 item 3) of a decoded or encoded Data.
func (d *Data) SignedPortion() []byte { return d.wire[d.signedStart:d.signedEnd] }

// Digest returns the implicit SHA-256 digest of the wire, computing it on
// first use. It is not safe to call concurrently on one Data until the
// first call has returned.
func (d *Data) Digest() [32]byte {
	if !d.digestPresent {
		d.digest = sha256.Sum256(d.wire)
		d.digestPresent = true
	}
	return d.digest
}

// FullName returns the name with the implicit digest component appended.
func (d *Data) FullName() Name {
	return d.Name.Append(ImplicitDigestComponent(d.Digest()))
}

// IsFresh reports whether Data that arrived at arrival is still fresh at now.
func (d *Data) IsFresh(arrival, now time.Time) bool {
	return d.Freshness > 0 && now.Before(arrival.Add(d.Freshness))
}

func dataOrder(t uint32) int {
	switch t {
	case TtName:
		return 1
	case TtMetaInfo:
		return 2
	case TtContent:
		return 3
	case TtSignatureInfo:
		return 4
	case TtSignatureValue:
		return 5
	}
	return 0
}

// Decode decodes a Data element; wire must hold exactly one element.
func (d *Data) Decode(wire []byte) error {
	*d = Data{}
	e, err := tlv.Decode(wire)
	if err != nil {
		return fmt.Errorf("Data: %w", err)
	}
	if e.Type != TtData {
		return ErrPacketType
	}
	d.wire = wire
	base := len(wire) - len(e.Value)
	d.signedStart = base
	dec := tlv.NewDecoder(e.Value)
	last := 0
	haveSigInfo := false
	for dec.Next() {
		f := dec.Element()
		ord := dataOrder(f.Type)
		if last == 0 && f.Type != TtName {
			return fmt.Errorf("Data element %d before Name: %w", f.Type, tlv.ErrCritical)
		}
		if ord == 0 || ord <= last {
			if tlv.IsCritical(f.Type) {
				return fmt.Errorf("Data element %d: %w", f.Type, tlv.ErrCritical)
			}
			continue
		}
		last = ord
		switch f.Type {
		case TtName:
			d.Name, err = NameFromValue(f.Value)
		case TtMetaInfo:
			d.metaPresent = true
			err = d.decodeMeta(f.Value)
		case TtContent:
			d.Content = f.Value
		case TtSignatureInfo:
			err = d.SigInfo.Decode(f.Value)
			haveSigInfo = true
		case TtSignatureValue:
			if !haveSigInfo {
				err = ErrMissing
			}
			d.SigValue = f.Value
			d.signedEnd = base + dec.Offset() - len(f.Wire)
		}
		if err != nil {
			return fmt.Errorf("Data element %d: %w", f.Type, err)
		}
	}
	if err := dec.Err(); err != nil {
		return fmt.Errorf("Data: %w", err)
	}
	if last < 5 {
		return fmt.Errorf("Data: signature: %w", ErrMissing)
	}
	return nil
}

func (d *Data) decodeMeta(v []byte) error {
	dec := tlv.NewDecoder(v)
	last := 0
	for dec.Next() {
		f := dec.Element()
		ord := 0
		switch f.Type {
		case TtContentType:
			ord = 1
		case TtFreshnessPeriod:
			ord = 2
		case TtFinalBlockID:
			ord = 3
		}
		if ord == 0 || ord <= last {
			if tlv.IsCritical(f.Type) {
				return fmt.Errorf("MetaInfo element %d: %w", f.Type, tlv.ErrCritical)
			}
			continue
		}
		last = ord
		var err error
		switch f.Type {
		case TtContentType:
			d.ContentType, err = f.NNI()
			d.ctPresent = true
		case TtFreshnessPeriod:
			var ms uint64
			ms, err = f.NNI()
			const maxMs = uint64(1<<63-1) / uint64(time.Millisecond)
			d.Freshness = time.Duration(min(ms, maxMs)) * time.Millisecond
			d.fpPresent = true
		case TtFinalBlockID:
			var c tlv.Element
			c, err = tlv.Decode(f.Value)
			if err == tlv.ErrType {
				err = ErrComponentType
			}
			if err == nil {
				if c.Type > 0xFFFF {
					err = ErrComponentType
				} else {
					d.FinalBlock = Component{Type: uint16(c.Type), Value: c.Value}
					err = d.FinalBlock.validate()
				}
			}
		}
		if err != nil {
			return fmt.Errorf("MetaInfo element %d: %w", f.Type, err)
		}
	}
	return dec.Err()
}

func (d *Data) metaLen() (n int, present bool) {
	if d.ContentType != 0 || d.ctPresent {
		n += tlv.NNIElementLen(TtContentType, d.ContentType)
	}
	if d.Freshness != 0 || d.fpPresent {
		n += tlv.NNIElementLen(TtFreshnessPeriod, uint64(d.Freshness/time.Millisecond))
	}
	if d.FinalBlock.Type != 0 {
		n += tlv.ElementLen(TtFinalBlockID, d.FinalBlock.Length())
	}
	return n, n > 0 || d.metaPresent
}

func (d *Data) signedLen() int {
	n := d.Name.TLVLength()
	if ml, ok := d.metaLen(); ok {
		n += tlv.ElementLen(TtMetaInfo, ml)
	}
	if d.Content != nil {
		n += tlv.ElementLen(TtContent, len(d.Content))
	}
	return n + d.SigInfo.Length(TtSignatureInfo)
}

func (d *Data) appendSigned(dst []byte) []byte {
	dst = d.Name.AppendTLV(dst)
	if ml, ok := d.metaLen(); ok {
		dst = tlv.AppendTL(dst, TtMetaInfo, ml)
		if d.ContentType != 0 || d.ctPresent {
			dst = tlv.AppendNNIElement(dst, TtContentType, d.ContentType)
		}
		if d.Freshness != 0 || d.fpPresent {
			dst = tlv.AppendNNIElement(dst, TtFreshnessPeriod, uint64(d.Freshness/time.Millisecond))
		}
		if d.FinalBlock.Type != 0 {
			dst = tlv.AppendTL(dst, TtFinalBlockID, d.FinalBlock.Length())
			dst = d.FinalBlock.Append(dst)
		}
	}
	if d.Content != nil {
		dst = tlv.AppendElement(dst, TtContent, d.Content)
	}
	return d.SigInfo.AppendTLV(dst, TtSignatureInfo)
}

// Length returns the size of the Data's encoding from its fields.
func (d *Data) Length() int {
	return tlv.ElementLen(TtData, d.signedLen()+tlv.ElementLen(TtSignatureValue, len(d.SigValue)))
}

// Append encodes the Data from its fields (with its current SigValue) and
// appends it to dst.
func (d *Data) Append(dst []byte) []byte {
	dst = tlv.AppendTL(dst, TtData, d.signedLen()+tlv.ElementLen(TtSignatureValue, len(d.SigValue)))
	dst = d.appendSigned(dst)
	return tlv.AppendElement(dst, TtSignatureValue, d.SigValue)
}

// SignWith fills SignatureType and KeyLocator from s, signs the Data and
// encodes it; afterwards Wire returns the signed packet. A ValidityPeriod or
// other SigInfo fields set beforehand are kept.
func (d *Data) SignWith(s Signer) ([]byte, error) {
	d.SigInfo.Type = s.SigType()
	d.SigInfo.KeyLocator = s.KeyLocator()
	portion := d.appendSigned(make([]byte, 0, d.signedLen()))
	sig, err := s.Sign(portion)
	if err != nil {
		return nil, err
	}
	vlen := len(portion) + tlv.ElementLen(TtSignatureValue, len(sig))
	w := make([]byte, 0, tlv.ElementLen(TtData, vlen))
	w = tlv.AppendTL(w, TtData, vlen)
	w = append(w, portion...)
	w = tlv.AppendElement(w, TtSignatureValue, sig)
	if err := d.Decode(w); err != nil {
		return nil, err
	}
	return w, nil
}
