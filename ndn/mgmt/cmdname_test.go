package mgmt_test

import (
	"errors"
	"testing"

	"github.com/ndnflow/ndnflow/ndn"
	"github.com/ndnflow/ndnflow/ndn/mgmt"
	"github.com/ndnflow/ndnflow/tlv"
)

func TestCommandNameRoundTrip(t *testing.T) {
	prefix := name("/localhost/nfd")
	p := mgmt.ControlParameters{Name: name("/a/b"), HasName: true, Cost: 5, HasCost: true}
	n := mgmt.CommandName(prefix, mgmt.FibAddNextHop, &p)
	if got := n.At(2).String() + "/" + n.At(3).String(); got != "fib/add-nexthop" {
		t.Fatalf("name %s", n)
	}
	checkBytes(t, "parameters component", n.At(4).Value, p.Encode())
	// v0.3 signing appends params-sha256; parsing ignores it.
	signed := n.Append(ndn.ParamsDigestComponent([32]byte{1}))
	for _, nn := range []ndn.Name{n, signed} {
		req, err := mgmt.ParseCommand(nn, prefix)
		if err != nil {
			t.Fatal(err)
		}
		if req.Command != mgmt.FibAddNextHop || req.Module != "fib" || req.Verb != "add-nexthop" || req.V02 ||
			req.Params.String() != p.String() {
			t.Fatalf("got %+v", req)
		}
	}
	// Under /localhop/nfd.
	lh := mgmt.CommandName(name(mgmt.LocalhopPrefix), mgmt.RibRegister, &p)
	if _, err := mgmt.ParseCommand(lh, name(mgmt.LocalhopPrefix)); err != nil {
		t.Fatal(err)
	}
	// rib/announce has no parameters component.
	an := mgmt.CommandName(prefix, mgmt.RibAnnounce, nil)
	if an.Len() != 4 {
		t.Fatalf("rib/announce name %s", an)
	}
	if req, err := mgmt.ParseCommand(an.Append(ndn.ParamsDigestComponent([32]byte{})), prefix); err != nil || req.Command != mgmt.RibAnnounce {
		t.Fatalf("rib/announce: %+v %v", req, err)
	}
}

func TestParseCommandErrors(t *testing.T) {
	prefix := name("/localhost/nfd")
	cp := ndn.Component{Type: 8, Value: unhex(t, "6800")}
	tests := []struct {
		name ndn.Name
		want error
	}{
		{name("/localhop/nfd/rib/register").Append(cp), mgmt.ErrCommandName},
		{name("/localhost/nfd/rib"), mgmt.ErrCommandName},
		{name("/localhost/nfd/rib/register"), mgmt.ErrCommandName},
		{name("/localhost/nfd/rib/32=register").Append(cp), mgmt.ErrCommandName},
		{name("/localhost/nfd/rib/register/32=x"), mgmt.ErrCommandName},
		{name("/localhost/nfd/rib/frobnicate").Append(cp), mgmt.ErrUnknownCommand},
		{name("/localhost/nfd/faces/list").Append(cp), mgmt.ErrUnknownCommand},
		{name("/localhost/nfd/rib/register").Append(ndn.Component{Type: 8, Value: unhex(t, "6803 6901 01 00")}), tlv.ErrTrailing},
		{name("/localhost/nfd/rib/register").Append(ndn.Component{Type: 8, Value: unhex(t, "6903 6901 01")}), mgmt.ErrElementType},
		{name("/localhost/nfd/rib/register").Append(ndn.Component{Type: 8, Value: unhex(t, "6803 6902 01")}), tlv.ErrTruncated},
	}
	for _, tt := range tests {
		req, err := mgmt.ParseCommand(tt.name, prefix)
		if !errors.Is(err, tt.want) {
			t.Errorf("%s: err = %v, want %v", tt.name, err, tt.want)
		}
		if errors.Is(err, mgmt.ErrUnknownCommand) && (req.Module == "" || req.Verb == "") {
			t.Errorf("%s: module/verb not reported", tt.name)
		}
	}
}

func TestDatasetNames(t *testing.T) {
	prefix := name("/localhost/nfd")
	if got := mgmt.DatasetName(prefix, "faces/list").String(); got != "/localhost/nfd/faces/list" {
		t.Errorf("DatasetName = %s", got)
	}
	if got := mgmt.DatasetName(prefix, "/status/general/").String(); got != "/localhost/nfd/status/general" {
		t.Errorf("DatasetName = %s", got)
	}
	if got := mgmt.NotificationName(prefix, 7).String(); got != "/localhost/nfd/faces/events/seq=7" {
		t.Errorf("NotificationName = %s", got)
	}
	f := mgmt.FaceQueryFilter{URIScheme: "udp4", HasURIScheme: true}
	q := mgmt.FaceQueryName(prefix, &f)
	got, ok, err := mgmt.ParseFaceQueryName(q, prefix)
	if err != nil || !ok || got != f {
		t.Fatalf("ParseFaceQueryName: %+v %v %v", got, ok, err)
	}
	// With version and segment after the filter, as the consumer asks.
	if got, ok, err := mgmt.ParseFaceQueryName(q.Append(ndn.VersionComponent(1), ndn.SegmentComponent(0)), prefix); err != nil || !ok || got != f {
		t.Fatalf("versioned: %+v %v %v", got, ok, err)
	}
	if _, ok, _ := mgmt.ParseFaceQueryName(mgmt.DatasetName(prefix, "faces/query"), prefix); ok {
		t.Error("no filter component reported as present")
	}
	bad := mgmt.DatasetName(prefix, "faces/query").Append(ndn.GenericComponent("junk"))
	if _, ok, err := mgmt.ParseFaceQueryName(bad, prefix); !ok || err == nil {
		t.Errorf("malformed filter: ok=%v err=%v", ok, err)
	}
}
