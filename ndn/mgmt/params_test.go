package mgmt_test

import (
	"errors"
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/ndn"
	"github.com/ndnflow/ndnflow/ndn/mgmt"
	"github.com/ndnflow/ndnflow/tlv"
)

func fullParams() mgmt.ControlParameters {
	return mgmt.ControlParameters{
		Name: ndn.MustParseName("/a/b"), HasName: true,
		FaceID: 300, HasFaceID: true,
		URI: "udp4://192.0.2.1:6363", HasURI: true,
		LocalURI: "udp4://192.0.2.2:6363", HasLocalURI: true,
		Origin: mgmt.OriginStatic, HasOrigin: true,
		Cost: 70000, HasCost: true,
		Capacity: 65536, HasCapacity: true,
		Count: 5, HasCount: true,
		Flags: 5, HasFlags: true,
		Mask: 7, HasMask: true,
		Strategy: ndn.MustParseName("/localhost/nfd/strategy/best-route/v=5"), HasStrategy: true,
		ExpirationPeriod: 3600 * time.Second, HasExpirationPeriod: true,
		FacePersistency: mgmt.PersistencyPermanent, HasFacePersistency: true,
		BaseCongestionMarkingInterval: 100 * time.Millisecond, HasBaseCongestionMarkingInterval: true,
		DefaultCongestionThreshold: 65536, HasDefaultCongestionThreshold: true,
		Mtu: 8800, HasMtu: true,
	}
}

func TestControlParametersAllFields(t *testing.T) {
	p := fullParams()
	wire := p.Encode()
	if len(wire) != p.Length() {
		t.Fatalf("Length %d, encoded %d", p.Length(), len(wire))
	}
	// ndn-cxx order: Name FaceId Uri LocalUri Origin Cost Capacity Count Flags Mask
	// Strategy ExpirationPeriod FacePersistency BaseCongestionMarkingInterval
	// DefaultCongestionThreshold Mtu, each NNI in its shortest form.
	want := unhex(t, `68 98
		0706 0801 61 0801 62
		6902 012c
		7215 "udp4://192.0.2.1:6363"
		8115 "udp4://192.0.2.2:6363"
		6f01 ff
		6a04 00011170
		8304 00010000
		8401 05
		6c01 05
		7001 07
		6b2b 0729 0809 6c6f63616c686f7374 0803 6e6664 0808 7374726174656779 080a 626573742d726f757465 3601 05
		6d04 0036ee80
		8501 02
		8704 05f5e100
		8804 00010000
		8902 2260`)
	checkBytes(t, "encoding", wire, want)
	var q mgmt.ControlParameters
	if err := q.Decode(wire); err != nil {
		t.Fatal(err)
	}
	if q.String() != p.String() || !q.Name.Equal(p.Name) || !q.Strategy.Equal(p.Strategy) || q.Fields() != p.Fields() {
		t.Fatalf("round trip:\n got %v\nwant %v", &q, &p)
	}
	if p.Fields().String() != "Name|FaceId|Uri|LocalUri|Origin|Cost|Capacity|Count|Flags|Mask|Strategy|ExpirationPeriod|FacePersistency|BaseCongestionMarkingInterval|DefaultCongestionThreshold|Mtu" {
		t.Errorf("Fields().String() = %s", p.Fields())
	}
}

func TestControlParametersEmpty(t *testing.T) {
	var p mgmt.ControlParameters
	checkBytes(t, "empty", p.Encode(), []byte{0x68, 0x00})
	if err := p.Decode([]byte{0x68, 0x00}); err != nil || p.Fields() != 0 {
		t.Fatalf("decode empty: %v %v", err, p.Fields())
	}
	// The empty name "/" is a present Name, not an absent one.
	p = mgmt.ControlParameters{HasName: true}
	checkBytes(t, "empty name", p.Encode(), unhex(t, "6802 0700"))
}

func TestControlParametersDecodeAnyOrderUnknownIgnored(t *testing.T) {
	// Mtu, then an unknown non-critical 0xFE00 element, FaceId, an unknown
	// critical type 0x71, then Name: decoded like NDNts (never critical).
	wire := unhex(t, "681b 8902 05dc fdfe00 02 abcd 6901 07 7101 00 0709 0807 6578616d706c65")
	var p mgmt.ControlParameters
	if err := p.Decode(wire); err != nil {
		t.Fatal(err)
	}
	if p.Mtu != 1500 || p.FaceID != 7 || p.Name.String() != "/example" || p.Fields() != mgmt.FieldMtu|mgmt.FieldFaceID|mgmt.FieldName {
		t.Fatalf("got %v", &p)
	}
	// Re-encoding puts the fields in ndn-cxx order and drops the unknowns.
	checkBytes(t, "re-encode", p.Encode(), unhex(t, "6812 0709 0807 6578616d706c65 6901 07 8902 05dc"))
}

func TestControlParametersDecodeErrors(t *testing.T) {
	tests := []struct {
		name string
		hex  string
		want error
	}{
		{"FaceId NNI of 3 octets", "6805 6903 010203", tlv.ErrNNI},
		{"Cost NNI empty", "6802 6a00", tlv.ErrNNI},
		{"ExpirationPeriod NNI of 5 octets", "6807 6d05 0102030405", tlv.ErrNNI},
		{"Origin above 65535", "6806 6f04 00010000", mgmt.ErrRange},
		{"FacePersistency above 255", "6804 8502 0100", mgmt.ErrRange},
		{"Strategy without Name", "6804 6b02 0800", mgmt.ErrElementType},
		{"Strategy empty", "6802 6b00", tlv.ErrTruncated},
		{"bad Name component type 0", "6804 0702 0000", ndn.ErrComponentType},
		{"wrong outer type", "6900", mgmt.ErrElementType},
		{"truncated", "6805 6901", tlv.ErrTruncated},
		{"trailing bytes", "6800 00", tlv.ErrTrailing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p mgmt.ControlParameters
			err := p.Decode(unhex(t, tt.hex))
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestControlParametersDurationsSaturate(t *testing.T) {
	var p mgmt.ControlParameters
	if err := p.Decode(unhex(t, "6814 6d08 ffffffffffffffff 8708 ffffffffffffffff")); err != nil {
		t.Fatal(err)
	}
	if p.ExpirationPeriod <= 0 || p.BaseCongestionMarkingInterval <= 0 {
		t.Fatalf("durations wrapped: %v %v", p.ExpirationPeriod, p.BaseCongestionMarkingInterval)
	}
	// Negative durations encode as 0.
	q := mgmt.ControlParameters{ExpirationPeriod: -time.Second, HasExpirationPeriod: true}
	checkBytes(t, "negative", q.Encode(), unhex(t, "6803 6d01 00"))
}

func TestFlagsWithMask(t *testing.T) {
	tests := []struct {
		name    string
		p       mgmt.ControlParameters
		current uint64
		want    uint64
	}{
		{"no flags", mgmt.ControlParameters{}, 0b101, 0b101},
		{"flags only replace", mgmt.ControlParameters{Flags: 0b010, HasFlags: true}, 0b101, 0b010},
		{"mask selects bits", mgmt.ControlParameters{Flags: 0b010, HasFlags: true, Mask: 0b011, HasMask: true}, 0b101, 0b110},
		{"mask clears bit", mgmt.ControlParameters{Flags: 0, HasFlags: true, Mask: 0b100, HasMask: true}, 0b111, 0b011},
	}
	for _, tt := range tests {
		if got := tt.p.FlagsWithMask(tt.current); got != tt.want {
			t.Errorf("%s: got %03b, want %03b", tt.name, got, tt.want)
		}
	}
	var p mgmt.ControlParameters
	p.SetFlagBit(mgmt.FaceBitCongestionMarking, true)
	p.SetFlagBit(mgmt.FaceBitLocalFields, false)
	if !p.HasFlags || !p.HasMask || p.Flags != 0b100 || p.Mask != 0b101 {
		t.Fatalf("SetFlagBit: flags %b mask %b", p.Flags, p.Mask)
	}
	if v, spec := p.FlagBit(mgmt.FaceBitCongestionMarking); !v || !spec {
		t.Error("FlagBit(congestion) should be set and specified")
	}
	if v, spec := p.FlagBit(mgmt.FaceBitLpReliability); v || spec {
		t.Error("FlagBit(reliability) should be unset and unspecified")
	}
	if err := mgmt.Validate(mgmt.FacesUpdate, &p); err != nil {
		t.Errorf("faces/update with Flags+Mask: %v", err)
	}
}

func TestKeep(t *testing.T) {
	p := fullParams()
	q := p.Keep(mgmt.FieldName | mgmt.FieldCost | mgmt.FieldMtu)
	if q.Fields() != mgmt.FieldName|mgmt.FieldCost|mgmt.FieldMtu || q.Cost != p.Cost || q.FaceID != 0 || q.URI != "" {
		t.Fatalf("Keep: %v", &q)
	}
	if all := p.Keep(^mgmt.Field(0)); all.String() != p.String() {
		t.Fatalf("Keep(all): %v", &all)
	}
}

func TestConstantsMatchNFD(t *testing.T) {
	// NFD's numbers (ndn-cxx nfd-constants.hpp), not NDNts's.
	checks := []struct {
		name      string
		got, want uint64
	}{
		{"persistent", uint64(mgmt.PersistencyPersistent), 0},
		{"on-demand", uint64(mgmt.PersistencyOnDemand), 1},
		{"permanent", uint64(mgmt.PersistencyPermanent), 2},
		{"non-local", uint64(mgmt.ScopeNonLocal), 0},
		{"local", uint64(mgmt.ScopeLocal), 1},
		{"point-to-point", uint64(mgmt.LinkPointToPoint), 0},
		{"multi-access", uint64(mgmt.LinkMultiAccess), 1},
		{"ad hoc", uint64(mgmt.LinkAdHoc), 2},
		{"origin app", uint64(mgmt.OriginApp), 0},
		{"origin client", uint64(mgmt.OriginClient), 65},
		{"origin nlsr", uint64(mgmt.OriginNLSR), 128},
		{"origin prefixann", uint64(mgmt.OriginPrefixAnn), 129},
		{"origin static", uint64(mgmt.OriginStatic), 255},
		{"child inherit", mgmt.RouteChildInherit, 1},
		{"capture", mgmt.RouteCapture, 2},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %d, want %d", c.name, c.got, c.want)
		}
	}
	var p mgmt.ControlParameters
	if err := p.Decode(unhex(t, "6803 8501 00")); err != nil || p.FacePersistency.String() != "persistent" {
		t.Fatalf("FacePersistency 0 decodes as %v (%v)", p.FacePersistency, err)
	}
}
