package mgmt

import (
	"fmt"
	"math"

	"github.com/ndnflow/ndnflow/ndn"
	"github.com/ndnflow/ndnflow/tlv"
)

// ControlResponse is the Content of a command's reply (ndn-protocols.md §4.3),
// also used in the NACK Data that rejects a dataset request.
type ControlResponse struct {
	Code uint32
	Text string
	// Body holds the encoded elements after StatusText, usually one
	// ControlParameters; nil means no body. A decoded Body aliases the wire.
	Body []byte
}

// NewControlResponse returns a response with the given code and text and,
// when params is not nil, params encoded as the body.
func NewControlResponse(code uint32, text string, params *ControlParameters) ControlResponse {
	r := ControlResponse{Code: code, Text: text}
	if params != nil {
		r.Body = params.Encode()
	}
	return r
}

// OK reports whether the status code is 200.
func (r *ControlResponse) OK() bool { return r.Code == StatusOK }

// Params decodes the body as ControlParameters. ok is false when there is no
// body or the body does not start with a ControlParameters element; err is
// set when it does but is malformed.
func (r *ControlResponse) Params() (p ControlParameters, ok bool, err error) {
	if len(r.Body) == 0 {
		return p, false, nil
	}
	e, _, err := tlv.ReadElement(r.Body)
	if err != nil {
		return p, false, fmt.Errorf("ControlResponse body: %w", err)
	}
	if e.Type != TtControlParameters {
		return p, false, nil
	}
	if err := p.Decode(e.Wire); err != nil {
		return p, false, err
	}
	return p, true, nil
}

func (r *ControlResponse) valueLen() int {
	return tlv.NNIElementLen(TtStatusCode, uint64(r.Code)) + stringElemLen(TtStatusText, r.Text) + len(r.Body)
}

// Length returns the size of the ControlResponse element.
func (r *ControlResponse) Length() int { return tlv.ElementLen(TtControlResponse, r.valueLen()) }

// Append appends the ControlResponse element (65 LEN …) to dst.
func (r *ControlResponse) Append(dst []byte) []byte {
	dst = tlv.AppendTL(dst, TtControlResponse, r.valueLen())
	dst = tlv.AppendNNIElement(dst, TtStatusCode, uint64(r.Code))
	dst = appendString(dst, TtStatusText, r.Text)
	return append(dst, r.Body...)
}

// Encode returns the encoding in a new slice.
func (r *ControlResponse) Encode() []byte { return tlv.Encode(r) }

// Decode decodes a ControlResponse element; wire must hold exactly one
// element. Like ndn-cxx, it requires StatusCode first and StatusText second
// and keeps whatever follows as the body (which must be well-formed TLV).
func (r *ControlResponse) Decode(wire []byte) error {
	*r = ControlResponse{}
	v, err := decodeOuter(wire, TtControlResponse, "ControlResponse")
	if err != nil {
		return err
	}
	e, n, err := tlv.ReadElement(v)
	if err != nil || e.Type != TtStatusCode {
		return fmt.Errorf("ControlResponse: StatusCode: %w", orMissing(err, v))
	}
	code, err := nniMax(e, "ControlResponse StatusCode", math.MaxUint32)
	if err != nil {
		return err
	}
	v = v[n:]
	e, n, err = tlv.ReadElement(v)
	if err != nil || e.Type != TtStatusText {
		return fmt.Errorf("ControlResponse: StatusText: %w", orMissing(err, v))
	}
	r.Code, r.Text = uint32(code), string(e.Value)
	if body := v[n:]; len(body) > 0 {
		d := tlv.NewDecoder(body)
		for d.Next() {
		}
		if err := d.Err(); err != nil {
			return fmt.Errorf("ControlResponse body: %w", err)
		}
		r.Body = body
	}
	return nil
}

// orMissing turns "no element here" into ErrMissing and keeps real errors.
func orMissing(err error, v []byte) error {
	if err != nil && len(v) > 0 {
		return err
	}
	return ErrMissing
}

// String returns "404 Nothing not found".
func (r *ControlResponse) String() string {
	return fmt.Sprintf("%d %s", r.Code, r.Text)
}

// ResponseData returns the unsigned Data that answers a command Interest as
// NFD does: Name equal to the Interest name, FreshnessPeriod 1 s, Content =
// the encoded ControlResponse. The caller signs it.
func ResponseData(interestName ndn.Name, r *ControlResponse) *ndn.Data {
	return &ndn.Data{Name: interestName, Freshness: DatasetFreshness, Content: r.Encode()}
}

// NackData returns the unsigned NACK Data (ContentType 3) with which a
// dataset producer rejects a request, for example
// NackData(name, &ControlResponse{Code: 400, Text: "Malformed filter"}).
func NackData(name ndn.Name, r *ControlResponse) *ndn.Data {
	return &ndn.Data{Name: name, ContentType: ndn.ContentNack, Freshness: DatasetFreshness, Content: r.Encode()}
}
