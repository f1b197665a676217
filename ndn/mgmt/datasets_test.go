package mgmt_test

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/ndn"
	"github.com/ndnflow/ndnflow/ndn/mgmt"
	"github.com/ndnflow/ndnflow/tlv"
)

type codec interface {
	tlv.Field
	Decode([]byte) error
}

// roundTrip encodes in, checks Length, decodes into out and compares.
func roundTrip(t *testing.T, in, out codec) []byte {
	t.Helper()
	wire := tlv.Encode(in)
	if len(wire) != in.Length() {
		t.Fatalf("%T: Length %d, encoded %d", in, in.Length(), len(wire))
	}
	if err := out.Decode(wire); err != nil {
		t.Fatalf("%T: %v", in, err)
	}
	if !reflect.DeepEqual(tlv.Encode(out), wire) {
		t.Fatalf("%T: re-encoding differs", in)
	}
	return wire
}

func sampleForwarderStatus() mgmt.ForwarderStatus {
	return mgmt.ForwarderStatus{
		NfdVersion:     "ndnflow 0.1",
		StartTimestamp: time.UnixMilli(1700000000000).UTC(), CurrentTimestamp: time.UnixMilli(1700000360123).UTC(),
		NNameTreeEntries: 1, NFibEntries: 2, NPitEntries: 3, NMeasurementsEntries: 4, NCsEntries: 5,
		NInInterests: 6, NInData: 7, NInNacks: 8, NOutInterests: 9, NOutData: 10, NOutNacks: 11,
		NSatisfiedInterests: 12, NUnsatisfiedInterests: 13,
	}
}

func TestForwarderStatus(t *testing.T) {
	s := sampleForwarderStatus()
	var got mgmt.ForwarderStatus
	wire := roundTrip(t, &s, &got)
	if got != s {
		t.Fatalf("got %+v", got)
	}
	// Counter order of ndn-cxx: 90 91 97 92 93 98 99 9a (not sorted).
	want := unhex(t, `800b "ndnflow 0.1" 8108 0000018bcfe56800 8208 0000018bcfeae6bb
		830101 840102 850103 860104 870105 900106 910107 970108 920109 93010a 98010b 99010c 9a010d`)
	checkBytes(t, "status/general", wire, want)
	// Missing field.
	if err := got.Decode(want[:len(want)-3]); !errors.Is(err, mgmt.ErrMissing) {
		t.Fatalf("missing NUnsatisfiedInterests: %v", err)
	}
}

func TestFaceStatusMinimal(t *testing.T) {
	s := mgmt.FaceStatus{FaceID: 1, URI: "internal://", LocalURI: "internal://", FaceScope: mgmt.ScopeLocal,
		FacePersistency: mgmt.PersistencyPermanent, LinkType: mgmt.LinkPointToPoint}
	var got mgmt.FaceStatus
	wire := roundTrip(t, &s, &got)
	if got != s {
		t.Fatalf("got %+v", got)
	}
	checkBytes(t, "minimal FaceStatus", wire, unhex(t, `8041 690101 720b "internal://" 810b "internal://"
		840101 850102 860100 900100 910100 970100 920100 930100 980100 940100 950100 6c0100`))
}

func TestFaceStatusDecodeErrors(t *testing.T) {
	m2 := unhex(t, vecM2)
	tests := []struct {
		name string
		wire []byte
		want error
	}{
		// Swap NInNacks (97) and NOutInterests (92): sorted order is wrong.
		{"sorted counters", unhex(t, `806a 6901 64 7215 "tcp4://192.0.2.1:6363" 8116 "tcp4://192.0.2.2:55555"
			6d02 2710 840101 850101 860101 870105 880107 890109
			90010a 9101c8 92020bb8 970101 930104 980102 94044f41e77b 95043b8d3730 6c0107`), mgmt.ErrMissing},
		{"no Flags", append([]byte{0x80, 0x67}, m2[2:len(m2)-3]...), mgmt.ErrMissing},
		{"FaceScope NNI 3 octets", unhex(t, `800f 690101 7200 8100 8403 000001 850100`), tlv.ErrNNI},
		{"FaceScope 256", unhex(t, `800e 6901 01 7200 8100 8402 0100 850100`), mgmt.ErrRange},
		{"wrong type", unhex(t, "8100"), mgmt.ErrElementType},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s mgmt.FaceStatus
			if err := s.Decode(tt.wire); !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestFaceStatusUnknownElementSkipped(t *testing.T) {
	s := mgmt.FaceStatus{FaceID: 9, URI: "udp4://192.0.2.1:6363", LocalURI: "udp4://0.0.0.0:6363"}
	wire := tlv.Encode(&s)
	// Insert an unknown element (type 0xF0) after FaceId and one at the end.
	v := wire[2:]
	patched := append([]byte{}, v[:3]...)
	patched = append(patched, 0xF0, 0x01, 0xAA)
	patched = append(patched, v[3:]...)
	patched = append(patched, 0xFD, 0x01, 0x00, 0x00)
	patched = append(tlv.AppendTL(nil, mgmt.TtFaceStatus, len(patched)), patched...)
	var got mgmt.FaceStatus
	if err := got.Decode(patched); err != nil || got != s {
		t.Fatalf("got %+v, %v", got, err)
	}
}

func TestChannelStatus(t *testing.T) {
	c := mgmt.ChannelStatus{LocalURI: "udp4://0.0.0.0:6363"}
	var got mgmt.ChannelStatus
	wire := roundTrip(t, &c, &got)
	checkBytes(t, "ChannelStatus", wire, unhex(t, `8215 8113 "udp4://0.0.0.0:6363"`))
	if got != c {
		t.Fatalf("got %+v", got)
	}
	if err := got.Decode(unhex(t, "8200")); !errors.Is(err, mgmt.ErrMissing) {
		t.Fatalf("empty ChannelStatus: %v", err)
	}
}

func TestFibEntry(t *testing.T) {
	f := mgmt.FibEntry{Name: ndn.MustParseName("/a"), NextHops: []mgmt.NextHopRecord{{FaceID: 256, Cost: 10}, {FaceID: 300, Cost: 0}}}
	var got mgmt.FibEntry
	wire := roundTrip(t, &f, &got)
	checkBytes(t, "FibEntry", wire, unhex(t, "8017 0703 080161 8107 69020100 6a010a 8107 6902012c 6a0100"))
	if !reflect.DeepEqual(got.NextHops, f.NextHops) || !got.Name.Equal(f.Name) {
		t.Fatalf("got %+v", got)
	}
	// No nexthops is allowed; Cost before FaceId is not.
	if err := got.Decode(unhex(t, "8005 0703 080161")); err != nil || len(got.NextHops) != 0 {
		t.Fatalf("no nexthops: %v %v", err, got.NextHops)
	}
	if err := got.Decode(unhex(t, "800d 0703 080161 8106 6a0100 690101")); !errors.Is(err, mgmt.ErrMissing) {
		t.Fatalf("Cost first: %v", err)
	}
	if err := got.Decode(unhex(t, "8004 8102 6900")); !errors.Is(err, mgmt.ErrMissing) {
		t.Fatalf("no Name: %v", err)
	}
}

func TestRibEntry(t *testing.T) {
	r := mgmt.RibEntry{Name: ndn.MustParseName("/example"), Routes: []mgmt.Route{
		{FaceID: 300, Origin: mgmt.OriginClient, Cost: 0, Flags: mgmt.RouteCapture, ExpirationPeriod: 1200 * time.Second, HasExpirationPeriod: true},
		{FaceID: 1, Origin: mgmt.OriginStatic, Cost: 10, Flags: mgmt.RouteChildInherit},
	}}
	var got mgmt.RibEntry
	wire := roundTrip(t, &r, &got)
	checkBytes(t, "RibEntry", wire, unhex(t, `802e 0709 0807 6578616d706c65
		8113 6902012c 6f0141 6a0100 6c0102 6d0400124f80
		810c 690101 6f01ff 6a010a 6c0101`))
	if !reflect.DeepEqual(got.Routes, r.Routes) || !got.Name.Equal(r.Name) {
		t.Fatalf("got %+v", got)
	}
	if err := got.Decode(unhex(t, "8012 0700 810e 690101 6f03 0000ff 6a0100 6c0100")); !errors.Is(err, tlv.ErrNNI) {
		t.Fatalf("bad Origin NNI: %v", err)
	}
}

func TestStrategyChoice(t *testing.T) {
	s := mgmt.StrategyChoice{Name: ndn.Name{}, Strategy: ndn.MustParseName("/localhost/nfd/strategy/multicast/v=5")}
	var got mgmt.StrategyChoice
	wire := roundTrip(t, &s, &got)
	if !got.Name.Equal(s.Name) || !got.Strategy.Equal(s.Strategy) {
		t.Fatalf("got %+v", got)
	}
	if wire[2] != 0x07 || wire[3] != 0x00 || wire[4] != mgmt.TtStrategy {
		t.Fatalf("layout %x", wire)
	}
	if err := got.Decode(unhex(t, "8002 0700")); !errors.Is(err, mgmt.ErrMissing) {
		t.Fatalf("no Strategy: %v", err)
	}
}

func TestCsInfo(t *testing.T) {
	c := mgmt.CsInfo{Capacity: 65536, Flags: 3, NCsEntries: 100, NHits: 7, NMisses: 300}
	var got mgmt.CsInfo
	wire := roundTrip(t, &c, &got)
	checkBytes(t, "CsInfo", wire, unhex(t, "8013 830400010000 6c0103 870164 810107 8202012c"))
	if got != c {
		t.Fatalf("got %+v", got)
	}
	one, err := mgmt.DecodeCsInfo(wire)
	if err != nil || one != c {
		t.Fatalf("DecodeCsInfo %+v %v", one, err)
	}
}

func TestFaceEventNotification(t *testing.T) {
	n := mgmt.FaceEventNotification{Kind: mgmt.FaceEventCreated, FaceID: 300, URI: "fd://17", LocalURI: "unix:///run/nfd/nfd.sock",
		FaceScope: mgmt.ScopeLocal, FacePersistency: mgmt.PersistencyOnDemand, LinkType: mgmt.LinkPointToPoint, Flags: 1}
	var got mgmt.FaceEventNotification
	wire := roundTrip(t, &n, &got)
	checkBytes(t, "FaceEventNotification", wire, unhex(t, `c036 c10101 6902012c 7207 "fd://17" 8118 "unix:///run/nfd/nfd.sock"
		840101 850101 860100 6c0101`))
	if got != n || got.Kind.String() != "created" {
		t.Fatalf("got %+v", got)
	}
}

func TestFaceQueryFilter(t *testing.T) {
	all := mgmt.FaceQueryFilter{FaceID: 5, HasFaceID: true, URIScheme: "udp4", HasURIScheme: true,
		URI: "udp4://192.0.2.1:6363", HasURI: true, LocalURI: "udp4://0.0.0.0:6363", HasLocalURI: true,
		FaceScope: mgmt.ScopeNonLocal, HasFaceScope: true, FacePersistency: mgmt.PersistencyPermanent, HasFacePersistency: true,
		LinkType: mgmt.LinkMultiAccess, HasLinkType: true}
	for _, f := range []mgmt.FaceQueryFilter{{}, {URIScheme: "tcp4", HasURIScheme: true}, all} {
		var got mgmt.FaceQueryFilter
		roundTrip(t, &f, &got)
		if got != f {
			t.Fatalf("got %+v want %+v", got, f)
		}
	}
	var got mgmt.FaceQueryFilter
	if err := got.Decode(unhex(t, `9609 8304 "udp4" 690105`)); !errors.Is(err, mgmt.ErrMissing) {
		t.Fatalf("FaceId after UriScheme: %v", err)
	}
	s := mgmt.FaceStatus{FaceID: 5, URI: "udp4://192.0.2.1:6363", LocalURI: "udp4://0.0.0.0:6363",
		FacePersistency: mgmt.PersistencyPermanent, LinkType: mgmt.LinkMultiAccess}
	if !all.Matches(&s) {
		t.Error("filter with every field should match")
	}
	if f := (mgmt.FaceQueryFilter{URIScheme: "udp", HasURIScheme: true}); f.Matches(&s) {
		t.Error("scheme udp should not match udp4")
	}
	unix := mgmt.FaceStatus{URI: "fd://17", LocalURI: "unix:///run/nfd/nfd.sock"}
	if f := (mgmt.FaceQueryFilter{URIScheme: "unix", HasURIScheme: true}); !f.Matches(&unix) {
		t.Error("scheme unix should match the local URI")
	}
	if f := (mgmt.FaceQueryFilter{}); !f.Matches(&s) {
		t.Error("empty filter should match")
	}
}

// TestDatasetAcrossSegments splits a faces/list payload into small segments
// so that items straddle boundaries, reassembles it and decodes it.
func TestDatasetAcrossSegments(t *testing.T) {
	var faces []mgmt.FaceStatus
	for i := range 40 {
		faces = append(faces, mgmt.FaceStatus{FaceID: uint64(256 + i), URI: "udp4://192.0.2.1:6363", LocalURI: "udp4://192.0.2.2:6363",
			NInInterests: uint64(i) * 1000003, Flags: uint64(i % 8)})
	}
	payload := mgmt.AppendList(nil, faces)
	prefix := ndn.MustParseName("/localhost/nfd/faces/list")
	for _, maxSeg := range []int{0, 1, 57, 100, 1000} {
		segs := mgmt.DatasetData(prefix, 1700000000000, payload, maxSeg)
		a := mgmt.NewAssembler(prefix)
		if !a.NextName().Equal(prefix) {
			t.Fatal("first NextName should be the dataset prefix")
		}
		for i := range segs {
			d := &segs[i]
			if d.Freshness != time.Second {
				t.Fatalf("Freshness %v", d.Freshness)
			}
			if i > 0 && !a.NextName().Equal(d.Name) {
				t.Fatalf("NextName %s, segment %s", a.NextName(), d.Name)
			}
			done, err := a.Add(d)
			if err != nil {
				t.Fatal(err)
			}
			if done != (i == len(segs)-1) {
				t.Fatalf("maxSeg %d: segment %d/%d done=%v", maxSeg, i, len(segs), done)
			}
		}
		got, err := mgmt.DecodeFaceStatusList(a.Payload())
		if err != nil {
			t.Fatalf("maxSeg %d: %v", maxSeg, err)
		}
		if !reflect.DeepEqual(got, faces) {
			t.Fatalf("maxSeg %d: items differ", maxSeg)
		}
	}
}

func TestDecodeListErrors(t *testing.T) {
	c := mgmt.ChannelStatus{LocalURI: "tcp4://0.0.0.0:6363"}
	payload := tlv.Encode(&c)
	// A FaceStatus-typed (0x80) element in a channels list is an error.
	bad := append(append([]byte{}, payload...), 0x80, 0x00)
	if _, err := mgmt.DecodeChannelStatusList(bad); !errors.Is(err, mgmt.ErrElementType) {
		t.Fatalf("wrong item type: %v", err)
	}
	// A truncated last item.
	if got, err := mgmt.DecodeChannelStatusList(payload[:len(payload)-1]); !errors.Is(err, tlv.ErrTruncated) || len(got) != 0 {
		t.Fatalf("truncated: %v %v", got, err)
	}
	if got, err := mgmt.DecodeChannelStatusList(nil); err != nil || len(got) != 0 {
		t.Fatalf("empty: %v %v", got, err)
	}
	items := 0
	for w, err := range mgmt.Items(append(payload, payload...)) {
		if err != nil || w[0] != mgmt.TtChannelStatus {
			t.Fatal(err)
		}
		items++
	}
	if items != 2 {
		t.Fatalf("Items yielded %d", items)
	}
}
