package tlv

import "math"

// Element is one decoded TLV element. Value and Wire are sub-slices of the
// decoded buffer, so an Element is valid only as long as that buffer is not
// reused.
type Element struct {
	// Type is the TLV-TYPE, in [1, 2^32-1].
	Type uint32
	// Value is the TLV-VALUE.
	Value []byte
	// Wire is the whole element: TLV-TYPE, TLV-LENGTH and TLV-VALUE.
	Wire []byte
}

// ReadElement decodes the element at the start of b. It returns the element
// and the number of bytes it occupies; b may hold more bytes after it.
func ReadElement(b []byte) (e Element, n int, err error) {
	t, tn, err := ReadVarNum(b)
	if err != nil {
		return e, 0, err
	}
	if t == 0 || t > math.MaxUint32 {
		return e, 0, ErrType
	}
	l, ln, err := ReadVarNum(b[tn:])
	if err != nil {
		return e, 0, err
	}
	h := tn + ln
	if l > uint64(len(b)-h) {
		return e, 0, ErrTruncated
	}
	n = h + int(l)
	return Element{Type: uint32(t), Value: b[h:n:n], Wire: b[:n:n]}, n, nil
}

// Decode decodes b as exactly one element; trailing bytes are ErrTrailing.
func Decode(b []byte) (Element, error) {
	e, n, err := ReadElement(b)
	if err == nil && n != len(b) {
		err = ErrTrailing
	}
	return e, err
}

// NNI decodes the element's value as a NonNegativeInteger.
func (e Element) NNI() (uint64, error) {
	return DecodeNNI(e.Value)
}

// Decoder iterates over consecutive elements in a buffer without allocating.
// The zero value is an empty decoder. A Decoder is not safe for concurrent use.
//
//	d := tlv.NewDecoder(value)
//	for d.Next() {
//		e := d.Element()
//		...
//	}
//	if err := d.Err(); err != nil { ... }
type Decoder struct {
	b   []byte
	off int
	cur Element
	err error
}

// NewDecoder returns a Decoder over b.
func NewDecoder(b []byte) Decoder {
	return Decoder{b: b}
}

// Next decodes the next element. It returns false at the end of the buffer or
// on the first error, which Err then reports.
func (d *Decoder) Next() bool {
	if d.err != nil || d.off >= len(d.b) {
		return false
	}
	e, n, err := ReadElement(d.b[d.off:])
	if err != nil {
		d.err = err
		return false
	}
	d.cur = e
	d.off += n
	return true
}

// Element returns the element decoded by the last successful call to Next.
func (d *Decoder) Element() Element { return d.cur }

// Offset returns the number of bytes consumed so far.
func (d *Decoder) Offset() int { return d.off }

// Rest returns the bytes not yet consumed, aliasing the decoded buffer.
// After an error it starts at the element that failed.
func (d *Decoder) Rest() []byte { return d.b[d.off:] }

// Err returns the first decoding error, or nil.
func (d *Decoder) Err() error { return d.err }
