package mgmt

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/ndnflow/ndnflow/ndn"
	"github.com/ndnflow/ndnflow/tlv"
)

// decodeOuter checks that wire is exactly one element of type t and returns its value.
func decodeOuter(wire []byte, t uint32, what string) ([]byte, error) {
	e, err := tlv.Decode(wire)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	if e.Type != t {
		return nil, fmt.Errorf("%s: got TLV-TYPE %d: %w", what, e.Type, ErrElementType)
	}
	return e.Value, nil
}

// nni decodes an NNI field, naming the field in the error.
func nni(e tlv.Element, what string) (uint64, error) {
	v, err := e.NNI()
	if err != nil {
		return 0, fmt.Errorf("%s: %w", what, err)
	}
	return v, nil
}

// nniMax decodes an NNI field that must not exceed limit.
func nniMax(e tlv.Element, what string, limit uint64) (uint64, error) {
	v, err := nni(e, what)
	if err == nil && v > limit {
		err = fmt.Errorf("%s: %d > %d: %w", what, v, limit, ErrRange)
	}
	return v, err
}

// msToDuration converts milliseconds to a Duration, saturating.
func msToDuration(ms uint64) time.Duration {
	const maxMs = uint64(math.MaxInt64) / uint64(time.Millisecond)
	return time.Duration(min(ms, maxMs)) * time.Millisecond
}

// nsToDuration converts nanoseconds to a Duration, saturating.
func nsToDuration(ns uint64) time.Duration {
	return time.Duration(min(ns, math.MaxInt64))
}

// durationMs converts a Duration to whole milliseconds; negative is 0.
func durationMs(d time.Duration) uint64 {
	if d < 0 {
		return 0
	}
	return uint64(d / time.Millisecond)
}

// durationNs converts a Duration to nanoseconds; negative is 0.
func durationNs(d time.Duration) uint64 {
	if d < 0 {
		return 0
	}
	return uint64(d)
}

// nameElem decodes a Name element (07 LEN …) into a Name aliasing it.
func nameElem(e tlv.Element, what string) (ndn.Name, error) {
	if e.Type != ndn.TtName {
		return ndn.Name{}, fmt.Errorf("%s: got TLV-TYPE %d: %w", what, e.Type, ErrElementType)
	}
	n, err := ndn.NameFromValue(e.Value)
	if err != nil {
		return ndn.Name{}, fmt.Errorf("%s: %w", what, err)
	}
	return n, nil
}

// nestedName decodes the value of an element holding a Name first (Strategy).
// Elements after the Name are ignored, as ndn-cxx does.
func nestedName(v []byte, what string) (ndn.Name, error) {
	e, _, err := tlv.ReadElement(v)
	if err != nil {
		return ndn.Name{}, fmt.Errorf("%s: %w", what, err)
	}
	return nameElem(e, what)
}

func nestedNameLen(n ndn.Name) int { return n.TLVLength() }

func appendNested(dst []byte, t uint32, n ndn.Name) []byte {
	return n.AppendTLV(tlv.AppendTL(dst, t, n.TLVLength()))
}

func stringElemLen(t uint32, s string) int { return tlv.ElementLen(t, len(s)) }

func appendString(dst []byte, t uint32, s string) []byte {
	return append(tlv.AppendTL(dst, t, len(s)), s...)
}

// seq decodes a structure whose fields must appear in a fixed order, as the
// ndn-cxx dataset decoders require. Elements of types the structure does not
// know are skipped (NDNts decodes management structs as never critical); a
// known type out of order or repeated is an error, and so is a required
// field that is absent.
type seq struct {
	d     tlv.Decoder
	cur   tlv.Element
	ok    bool
	known []uint32
	what  string
}

func newSeq(v []byte, what string, known ...uint32) seq {
	s := seq{d: tlv.NewDecoder(v), known: known, what: what}
	s.advance()
	return s
}

func (s *seq) advance() {
	for s.ok = s.d.Next(); s.ok; s.ok = s.d.Next() {
		s.cur = s.d.Element()
		if slices.Contains(s.known, s.cur.Type) {
			return
		}
	}
}

// opt returns the current element if it has type t, and moves past it.
func (s *seq) opt(t uint32) (tlv.Element, bool) {
	if !s.ok || s.cur.Type != t {
		return tlv.Element{}, false
	}
	e := s.cur
	s.advance()
	return e, true
}

// req is opt for a required field.
func (s *seq) req(t uint32, field string) (tlv.Element, error) {
	if err := s.d.Err(); err != nil {
		return tlv.Element{}, fmt.Errorf("%s: %w", s.what, err)
	}
	e, ok := s.opt(t)
	if !ok {
		return e, fmt.Errorf("%s: %s: %w", s.what, field, ErrMissing)
	}
	return e, nil
}

func (s *seq) reqNNI(t uint32, field string) (uint64, error) {
	return s.reqNNIMax(t, field, math.MaxUint64)
}

func (s *seq) reqNNIMax(t uint32, field string, limit uint64) (uint64, error) {
	e, err := s.req(t, field)
	if err != nil {
		return 0, err
	}
	return s.value(e, field, limit)
}

// value decodes e as an NNI not above limit, naming the field only on error.
func (s *seq) value(e tlv.Element, field string, limit uint64) (uint64, error) {
	v, err := e.NNI()
	if err != nil {
		return 0, fmt.Errorf("%s %s: %w", s.what, field, err)
	}
	if v > limit {
		return 0, fmt.Errorf("%s %s: %d > %d: %w", s.what, field, v, limit, ErrRange)
	}
	return v, nil
}

func (s *seq) optNNI(t uint32, field string) (uint64, bool, error) {
	e, ok := s.opt(t)
	if !ok {
		return 0, false, nil
	}
	v, err := s.value(e, field, math.MaxUint64)
	return v, true, err
}

func (s *seq) reqString(t uint32, field string) (string, error) {
	e, err := s.req(t, field)
	return string(e.Value), err
}

// finish reports a known element left over (out of order or repeated) or a
// decoding error.
func (s *seq) finish() error {
	if s.ok {
		return fmt.Errorf("%s: element %d out of order or repeated: %w", s.what, s.cur.Type, ErrMissing)
	}
	if err := s.d.Err(); err != nil {
		return fmt.Errorf("%s: %w", s.what, err)
	}
	return nil
}

func tlvEncode(f tlv.Field) []byte { return tlv.Encode(f) }
