package mgmt_test

import (
	"crypto/sha256"
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/ndn"
	"github.com/ndnflow/ndnflow/ndn/mgmt"
	"github.com/ndnflow/ndnflow/tlv"
)

// Vectors of ndn-protocols.md §6.6.
const (
	vecM1 = `6517 6602 0194 6711 "Nothing not found"`
	vecM2 = `806a 6901 64 7215 "tcp4://192.0.2.1:6363" 8116 "tcp4://192.0.2.2:55555"
	         6d02 2710 840101 850101 860101 870105 880107 890109
	         90010a 9101c8 970101 92020bb8 930104 980102 94044f41e77b 95043b8d3730 6c0107`
	vecM3 = `0599 0750 0809 6c6f63616c686f7374 0803 6e6664 0803 726962 0808 7265676973746572
	         080d 680b 0709 0807 6578616d706c65
	         0220 cd9725008a1f819fc19bf0e7b78052af8081e58ee84712f7f233f445fff2a7e6
	         0a04 a1b2c3d4 0c02 2710 2400
	         2c17 1b0100 2608 0102030405060708 2808 0000018bcfe56800
	         2e20 8b0ea3bdfd85c53158d719fb858bcc92b10bed15c0669de263e3a4857b3bf022`
	vecM5 = `681a 0709 0807 6578616d706c65 6f01 41 6a01 00 6c01 02 6d04 00124f80`
	vecM6 = `6521 6601 c8 6702 4f4b 6818 0709 0807 6578616d706c65 6902 012c 6f01 00 6a01 00 6c01 01`
)

func TestVectorM1(t *testing.T) {
	wire := unhex(t, vecM1)
	var r mgmt.ControlResponse
	if err := r.Decode(wire); err != nil {
		t.Fatal(err)
	}
	if r.Code != 404 || r.Text != "Nothing not found" || r.Body != nil {
		t.Fatalf("got %+v", r)
	}
	checkBytes(t, "re-encode", r.Encode(), wire)
	checkBytes(t, "NewControlResponse", (&mgmt.ControlResponse{Code: 404, Text: "Nothing not found"}).Encode(), wire)
}

func TestVectorM2(t *testing.T) {
	wire := unhex(t, vecM2)
	var s mgmt.FaceStatus
	if err := s.Decode(wire); err != nil {
		t.Fatal(err)
	}
	want := mgmt.FaceStatus{
		FaceID: 100, URI: "tcp4://192.0.2.1:6363", LocalURI: "tcp4://192.0.2.2:55555",
		ExpirationPeriod: 10 * time.Second, HasExpirationPeriod: true,
		FaceScope: mgmt.ScopeLocal, FacePersistency: mgmt.PersistencyOnDemand, LinkType: mgmt.LinkMultiAccess,
		BaseCongestionMarkingInterval: 5, HasBaseCongestionMarkingInterval: true,
		DefaultCongestionThreshold: 7, HasDefaultCongestionThreshold: true,
		Mtu: 9, HasMtu: true,
		NInInterests: 10, NInData: 200, NInNacks: 1, NOutInterests: 3000, NOutData: 4, NOutNacks: 2,
		NInBytes: 1329719163, NOutBytes: 999110448, Flags: 7,
	}
	if s != want {
		t.Fatalf("got  %+v\nwant %+v", s, want)
	}
	// NFD numbering: 1 is on-demand (NDNts would call it Persistent).
	if s.FacePersistency.String() != "on-demand" {
		t.Errorf("FacePersistency 1 = %s", s.FacePersistency)
	}
	checkBytes(t, "re-encode", tlv.Encode(&want), wire)
	list, err := mgmt.DecodeFaceStatusList(append(append([]byte{}, wire...), wire...))
	if err != nil || len(list) != 2 || list[1] != want {
		t.Fatalf("list: %v %+v", err, list)
	}
}

func TestVectorM3(t *testing.T) {
	var i ndn.Interest
	if err := i.Decode(unhex(t, vecM3)); err != nil {
		t.Fatal(err)
	}
	req, err := mgmt.ParseCommand(i.Name, ndn.MustParseName(mgmt.NfdPrefix))
	if err != nil {
		t.Fatal(err)
	}
	if req.Command != mgmt.RibRegister || req.V02 {
		t.Fatalf("got %+v", req)
	}
	p := req.Params
	if !p.HasName || p.Name.String() != "/example" || p.Fields() != mgmt.FieldName {
		t.Fatalf("params %v", &p)
	}
	checkBytes(t, "ControlParameters", req.ParamsWire, unhex(t, "680b 0709 0807 6578616d706c65"))
	// The name before signing is what CommandName builds.
	built := mgmt.CommandName(ndn.MustParseName("/localhost/nfd"), mgmt.RibRegister, &p)
	if !built.Equal(i.Name.Prefix(-1)) {
		t.Errorf("CommandName = %s, want %s", built, i.Name.Prefix(-1))
	}
	if err := mgmt.Validate(req.Command, &p); err != nil {
		t.Fatal(err)
	}
	mgmt.ApplyDefaults(req.Command, &p, 300)
	want := unhex(t, "6818 0709 0807 6578616d706c65 6902 012c 6f01 00 6a01 00 6c01 01")
	resp := req.Command.ResponseParams(&p)
	checkBytes(t, "effective parameters", resp.Encode(), want)
	// which is exactly the body of M6.
	r := mgmt.NewControlResponse(200, "OK", &resp)
	checkBytes(t, "M6", r.Encode(), unhex(t, vecM6))
}

func TestVectorM4(t *testing.T) {
	prefix := ndn.MustParseName("/localhost/nfd")
	p := mgmt.ControlParameters{Name: ndn.MustParseName("/example"), HasName: true}
	name := mgmt.CommandName(prefix, mgmt.RibRegister, &p)
	name = name.Append(
		ndn.Component{Type: 8, Value: unhex(t, "0000018bcfe56800")},
		ndn.Component{Type: 8, Value: unhex(t, "0a0b0c0d0e0f1011")},
		ndn.Component{Type: 8, Value: unhex(t, "16031b0100")},
	)
	sig := sha256.Sum256(name.Value())
	checkBytes(t, "v0.2 DigestSha256 over our name", sig[:],
		unhex(t, "a90ac7e0e13eec9953b7a8296497f9fb667245cefb47ba70046b4fe596175b29"))
	name = name.Append(ndn.Component{Type: 8, Value: append([]byte{0x17, 0x20}, sig[:]...)})
	if got := name.TLVLength(); got != 2+0x6d {
		t.Errorf("Name length %d, want 07 6d", got)
	}
	req, err := mgmt.ParseCommand(name, prefix)
	if err != nil {
		t.Fatal(err)
	}
	if !req.V02 || req.Command != mgmt.RibRegister || req.Params.Name.String() != "/example" {
		t.Fatalf("got %+v", req)
	}
}

func TestVectorM5(t *testing.T) {
	wire := unhex(t, vecM5)
	var p mgmt.ControlParameters
	if err := p.Decode(wire); err != nil {
		t.Fatal(err)
	}
	want := mgmt.ControlParameters{
		Name: ndn.MustParseName("/example"), HasName: true,
		Origin: mgmt.OriginClient, HasOrigin: true, Cost: 0, HasCost: true,
		Flags: mgmt.RouteCapture, HasFlags: true,
		ExpirationPeriod: 1200 * time.Second, HasExpirationPeriod: true,
	}
	if p.String() != want.String() || !p.Name.Equal(want.Name) {
		t.Fatalf("got %v, want %v", &p, &want)
	}
	checkBytes(t, "encode", want.Encode(), wire)
	if err := mgmt.Validate(mgmt.RibRegister, &p); err != nil {
		t.Fatal(err)
	}
	mgmt.ApplyDefaults(mgmt.RibRegister, &p, 260)
	// Defaults do not override what NDNts sent.
	if p.FaceID != 260 || p.Origin != mgmt.OriginClient || p.Flags != mgmt.RouteCapture {
		t.Fatalf("after defaults %v", &p)
	}
}

func TestVectorM6(t *testing.T) {
	wire := unhex(t, vecM6)
	var r mgmt.ControlResponse
	if err := r.Decode(wire); err != nil {
		t.Fatal(err)
	}
	if !r.OK() || r.Text != "OK" {
		t.Fatalf("got %v", &r)
	}
	p, ok, err := r.Params()
	if err != nil || !ok {
		t.Fatalf("Params: %v %v", ok, err)
	}
	if p.Name.String() != "/example" || p.FaceID != 300 || p.Origin != 0 || p.Cost != 0 || p.Flags != 1 ||
		p.Fields() != mgmt.FieldName|mgmt.FieldFaceID|mgmt.FieldOrigin|mgmt.FieldCost|mgmt.FieldFlags {
		t.Fatalf("params %v", &p)
	}
	if err := mgmt.ValidateResponse(mgmt.RibRegister, &p); err != nil {
		t.Fatal(err)
	}
	checkBytes(t, "re-encode", r.Encode(), wire)
}
