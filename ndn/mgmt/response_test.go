package mgmt_test

import (
	"errors"
	"testing"

	"github.com/ndnflow/ndnflow/ndn/mgmt"
	"github.com/ndnflow/ndnflow/tlv"
)

func TestControlResponseRoundTrip(t *testing.T) {
	p := fullParams()
	for _, r := range []mgmt.ControlResponse{
		{Code: 200, Text: "OK"},
		{Code: 403, Text: "authorization rejected"},
		mgmt.NewControlResponse(409, "Face with remote URI already exists", &p),
		{Code: 10060, Text: ""},
	} {
		wire := r.Encode()
		if len(wire) != r.Length() {
			t.Fatalf("%v: Length %d, encoded %d", &r, r.Length(), len(wire))
		}
		var q mgmt.ControlResponse
		if err := q.Decode(wire); err != nil {
			t.Fatalf("%v: %v", &r, err)
		}
		if q.Code != r.Code || q.Text != r.Text || string(q.Body) != string(r.Body) {
			t.Fatalf("round trip %v -> %v", &r, &q)
		}
		got, ok, err := q.Params()
		if ok != (r.Body != nil) || err != nil {
			t.Fatalf("%v: Params ok=%v err=%v", &r, ok, err)
		}
		if ok && got.String() != p.String() {
			t.Fatalf("Params %v", &got)
		}
	}
}

func TestControlResponseDecodeErrors(t *testing.T) {
	tests := []struct {
		name string
		hex  string
		want error
	}{
		{"empty", "6500", mgmt.ErrMissing},
		{"missing code", `6704 6702 "OK"`, mgmt.ErrMissing},
		{"text first", `6507 6702 "OK" 6601 c8`, mgmt.ErrMissing},
		{"missing text", "6503 6601 c8", mgmt.ErrMissing},
		{"code bad NNI", `6707 6603 0000c8 6700`, tlv.ErrNNI},
		{"code above 2^32", `650c 6608 0000000100000000 6700`, mgmt.ErrRange},
		{"truncated body", `6507 6601 c8 6700 6805`, tlv.ErrTruncated},
		{"wrong type", "6600", mgmt.ErrElementType},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r mgmt.ControlResponse
			w := unhex(t, tt.hex)
			if w[0] == 0x67 { // fix outer type for cases written with a placeholder
				w[0] = 0x65
			}
			if err := r.Decode(w); !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestControlResponseNonParamsBody(t *testing.T) {
	// The body is kept as is; Params reports "not ControlParameters".
	var r mgmt.ControlResponse
	if err := r.Decode(unhex(t, `650b 6601 c8 6702 "OK" 8002 6901`)); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := r.Params(); ok || err != nil {
		t.Fatalf("Params ok=%v err=%v", ok, err)
	}
	// A malformed ControlParameters body is reported by Params.
	if err := r.Decode(unhex(t, `650e 6601 c8 6702 "OK" 6805 6903 010203`)); err == nil {
		if _, _, err := r.Params(); err == nil {
			t.Fatal("malformed body accepted")
		}
	} else {
		t.Fatalf("Decode: %v", err)
	}
}
