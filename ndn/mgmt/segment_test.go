package mgmt_test

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/ndn"
	"github.com/ndnflow/ndnflow/ndn/mgmt"
)

func TestSegment(t *testing.T) {
	big := bytes.Repeat([]byte{7}, 20001)
	tests := []struct {
		n, max int
		want   []int
	}{
		{0, 0, []int{0}},
		{1, 0, []int{1}},
		{8000, 0, []int{8000}},
		{8001, 0, []int{8000, 1}},
		{20001, 0, []int{8000, 8000, 4001}},
		{10, 3, []int{3, 3, 3, 1}},
		{9, 3, []int{3, 3, 3}},
	}
	for _, tt := range tests {
		chunks := mgmt.Segment(big[:tt.n], tt.max)
		var sizes []int
		var joined []byte
		for _, c := range chunks {
			sizes = append(sizes, len(c))
			joined = append(joined, c...)
		}
		if len(sizes) != len(tt.want) || !bytes.Equal(joined, big[:tt.n]) {
			t.Errorf("Segment(%d, %d) sizes %v, want %v", tt.n, tt.max, sizes, tt.want)
			continue
		}
		for i := range sizes {
			if sizes[i] != tt.want[i] {
				t.Errorf("Segment(%d, %d) sizes %v, want %v", tt.n, tt.max, sizes, tt.want)
			}
		}
	}
	// Appending to a chunk never overwrites the next one.
	chunks := mgmt.Segment([]byte("abcdef"), 3)
	_ = append(chunks[0], 'X')
	if string(chunks[1]) != "def" {
		t.Fatal("chunk capacity not limited")
	}
}

func TestDatasetData(t *testing.T) {
	prefix := name("/localhost/nfd/fib/list")
	segs := mgmt.DatasetData(prefix, 1700000000000, make([]byte, 16001), 0)
	if len(segs) != 3 {
		t.Fatalf("%d segments", len(segs))
	}
	for i := range segs {
		d := &segs[i]
		if want := "/localhost/nfd/fib/list/v=1700000000000/seg=" + itoa(uint64(i)); d.Name.String() != want {
			t.Errorf("name %s, want %s", d.Name, want)
		}
		if (d.FinalBlock.Type != 0) != (i == 2) {
			t.Errorf("segment %d FinalBlock %v", i, d.FinalBlock)
		}
		wire, err := d.SignWith(digestSigner{})
		if err != nil || len(wire) > ndn.MaxPacketSize {
			t.Fatalf("segment %d: %d octets, %v", i, len(wire), err)
		}
	}
	if fb := segs[2].FinalBlock; fb.Type != ndn.TtSegmentNameComponent || fb.String() != "seg=2" {
		t.Errorf("FinalBlock %s", fb)
	}
	empty := mgmt.DatasetData(prefix, 1, nil, 0)
	if len(empty) != 1 || empty[0].Content == nil || empty[0].FinalBlock.String() != "seg=0" {
		t.Fatalf("empty dataset: %+v", empty)
	}
	if v := mgmt.DatasetVersion(time.UnixMilli(1700000000123)); v != 1700000000123 {
		t.Errorf("DatasetVersion %d", v)
	}
}

func markerComp(marker byte, v ...byte) ndn.Component {
	return ndn.Component{Type: ndn.TtGenericNameComponent, Value: append([]byte{marker}, v...)}
}

func TestAssemblerMarkerNames(t *testing.T) {
	prefix := name("/localhost/nfd/rib/list")
	ver := markerComp(0xFD, 0x01, 0x02)
	mk := func(seg byte, content string, final bool) *ndn.Data {
		d := &ndn.Data{Name: prefix.Append(ver, markerComp(0x00, seg)), Content: []byte(content)}
		if final {
			d.FinalBlock = markerComp(0x00, seg)
		}
		return d
	}
	a := mgmt.NewAssembler(prefix)
	if done, err := a.Add(mk(0, "ab", false)); done || err != nil {
		t.Fatal(done, err)
	}
	if v, ok := a.Version(); !ok || v != 0x0102 {
		t.Fatalf("version %d %v", v, ok)
	}
	// NextName keeps the producer's marker form.
	if !a.NextName().Equal(prefix.Append(ver, markerComp(0x00, 1))) {
		t.Fatalf("NextName %s", a.NextName())
	}
	if done, err := a.Add(mk(1, "cd", true)); !done || err != nil {
		t.Fatal(done, err)
	}
	if string(a.Payload()) != "abcd" || !a.Done() {
		t.Fatalf("payload %q", a.Payload())
	}
	// Mixed: typed FinalBlockId with marker names is fine too.
	if v, ok := mgmt.SegmentOf(ndn.SegmentComponent(9)); !ok || v != 9 {
		t.Error("SegmentOf typed")
	}
	if _, ok := mgmt.VersionOf(markerComp(0xFD, 1, 2, 3)); ok {
		t.Error("3-octet marker NNI accepted")
	}
	if _, ok := mgmt.VersionOf(ndn.GenericComponent("v")); ok {
		t.Error("generic component taken as version")
	}
}

func TestAssemblerErrors(t *testing.T) {
	prefix := name("/localhost/nfd/faces/list")
	seg := func(v, s uint64) *ndn.Data {
		return &ndn.Data{Name: prefix.Append(ndn.VersionComponent(v), ndn.SegmentComponent(s)), Content: []byte{1}}
	}
	// First Data is not segment 0: the version is adopted, NextName asks for seg 0.
	a := mgmt.NewAssembler(prefix)
	if done, err := a.Add(seg(5, 3)); done || err != nil {
		t.Fatal(done, err)
	}
	if a.NextName().String() != "/localhost/nfd/faces/list/v=5/seg=0" {
		t.Fatalf("NextName %s", a.NextName())
	}
	if _, err := a.Add(seg(6, 0)); !errors.Is(err, mgmt.ErrSegment) {
		t.Errorf("other version: %v", err)
	}
	if _, err := a.Add(seg(5, 0)); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Add(seg(5, 2)); !errors.Is(err, mgmt.ErrSegment) {
		t.Errorf("gap: %v", err)
	}
	bad := seg(5, 1)
	bad.FinalBlock = ndn.SegmentComponent(0)
	if _, err := a.Add(bad); !errors.Is(err, mgmt.ErrSegment) {
		t.Errorf("beyond FinalBlockId: %v", err)
	}
	for _, n := range []ndn.Name{name("/other/v=1/seg=0"), prefix.Append(ndn.VersionComponent(1)), prefix.Append(ndn.GenericComponent("x"), ndn.SegmentComponent(0))} {
		if _, err := mgmt.NewAssembler(prefix).Add(&ndn.Data{Name: n}); !errors.Is(err, mgmt.ErrSegment) {
			t.Errorf("%s: %v", n, err)
		}
	}
	// NACK with ControlResponse.
	r := mgmt.ControlResponse{Code: 400, Text: "Malformed filter"}
	nack := &ndn.Data{Name: prefix, ContentType: ndn.ContentNack, Content: r.Encode()}
	_, err := mgmt.NewAssembler(prefix).Add(nack)
	got, ok := mgmt.IsReject(err)
	if !ok || got.Code != 400 || got.Text != "Malformed filter" {
		t.Fatalf("NACK: %v", err)
	}
}

func TestResponseAndNackData(t *testing.T) {
	in := name("/localhost/nfd/rib/register/x")
	r := mgmt.ControlResponse{Code: 200, Text: "OK"}
	d := mgmt.ResponseData(in, &r)
	if !d.Name.Equal(in) || d.Freshness != time.Second || d.ContentType != 0 {
		t.Fatalf("ResponseData %+v", d)
	}
	n := mgmt.NackData(in, &mgmt.ControlResponse{Code: 400, Text: "Malformed filter"})
	if _, err := n.SignWith(digestSigner{}); err != nil {
		t.Fatal(err)
	}
	_, err := mgmt.NewAssembler(name("/localhost/nfd/rib")).Add(n)
	if resp, ok := mgmt.IsReject(err); !ok || resp.Code != 400 {
		t.Fatalf("NACK not recognized: %v", err)
	}
}
