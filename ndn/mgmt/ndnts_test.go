package mgmt_test

import (
	"encoding/hex"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/internal/ndntspeer"
	"github.com/ndnflow/ndnflow/ndn"
	"github.com/ndnflow/ndnflow/ndn/mgmt"
	"github.com/ndnflow/ndnflow/tlv"
)

// ndntsResult is the output of interop/ndnts/mgmt-crosscheck.mjs.
type ndntsResult struct {
	Decoded []struct {
		OK    bool           `json:"ok"`
		Value map[string]any `json:"value"`
		Error string         `json:"error"`
	} `json:"decoded"`
	Encoded map[string]string `json:"encoded"`
}

type ndntsCase struct {
	Kind string         `json:"kind"`
	Hex  string         `json:"hex"`
	want map[string]any // nil: NDNts must reject it
}

// runNDNts runs interop/ndnts/mgmt-crosscheck.mjs on the cases;
// internal/ndntspeer installs the pinned NDNts packages if needed and skips
// the test only when node or npm is missing.
func runNDNts(t *testing.T, cases []ndntsCase) ndntsResult {
	t.Helper()
	in, err := json.Marshal(cases)
	if err != nil {
		t.Fatal(err)
	}
	out, err := ndntspeer.Node(t, time.Minute, in, "mgmt-crosscheck.mjs")
	if err != nil {
		t.Fatal(err)
	}
	var res ndntsResult
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("mgmt-crosscheck.mjs output: %v\n%s", err, out)
	}
	if len(res.Decoded) != len(cases) {
		t.Fatalf("%d results for %d cases", len(res.Decoded), len(cases))
	}
	return res
}

func hexOf(f tlv.Field) string { return hex.EncodeToString(tlv.Encode(f)) }

// TestNDNtsCrossCheck decodes our encodings with NDNts @ndn/nfdmgmt
// 0.0.20250307 and decodes NDNts's encodings with ours. Numbers are
// compared, not enum names: NDNts's FacePersistency enum swaps 0 and 1
// (OnDemand=0, Persistent=1). NDNts has no decoder for FibEntry or
// FaceEventNotification, so those are not cross-checked.
func TestNDNtsCrossCheck(t *testing.T) {
	full := fullParams()
	fs := sampleForwarderStatus()
	ch := mgmt.ChannelStatus{LocalURI: "udp6://[::]:6363"}
	cs := mgmt.CsInfo{Capacity: 65536, Flags: 3, NCsEntries: 100, NHits: 7, NMisses: 300}
	sc := mgmt.StrategyChoice{Name: name("/a"), Strategy: name("/localhost/nfd/strategy/asf/v=5")}
	rib := mgmt.RibEntry{Name: name("/example"), Routes: []mgmt.Route{
		{FaceID: 300, Origin: mgmt.OriginClient, Flags: mgmt.RouteCapture, ExpirationPeriod: 1200 * time.Second, HasExpirationPeriod: true},
		{FaceID: 1, Origin: mgmt.OriginStatic, Cost: 10, Flags: mgmt.RouteChildInherit},
	}}
	filter := mgmt.FaceQueryFilter{FaceID: 5, HasFaceID: true, URIScheme: "udp4", HasURIScheme: true,
		FacePersistency: mgmt.PersistencyOnDemand, HasFacePersistency: true, LinkType: mgmt.LinkMultiAccess, HasLinkType: true}
	nb := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	pa := mgmt.PrefixAnn{Announced: name("/example"), Version: 7, ExpirationPeriod: time.Hour, NotBefore: nb, NotAfter: nb.Add(24 * time.Hour)}
	paWire, err := pa.Data().SignWith(digestSigner{})
	if err != nil {
		t.Fatal(err)
	}
	cases := []ndntsCase{
		{"cp", hexOf(&full), map[string]any{
			"name": "/8=a/8=b", "faceId": 300.0, "uri": "udp4://192.0.2.1:6363", "localUri": "udp4://192.0.2.2:6363",
			"origin": 255.0, "cost": 70000.0, "capacity": 65536.0, "count": 5.0, "flags": 5.0, "mask": 7.0,
			"strategy": "/8=localhost/8=nfd/8=strategy/8=best-route/54=%05", "expirationPeriod": 3600000.0,
			"facePersistency": 2.0, "baseCongestionMarkingInterval": 100000000.0, "defaultCongestionThreshold": 65536.0, "mtu": 8800.0,
		}},
		{"cp", hex.EncodeToString(unhex(t, vecM5)), map[string]any{
			"name": "/8=example", "origin": 65.0, "cost": 0.0, "flags": 2.0, "expirationPeriod": 1200000.0,
		}},
		{"cr", hex.EncodeToString(unhex(t, vecM1)), map[string]any{"statusCode": 404.0, "statusText": "Nothing not found", "body": ""}},
		{"cr", hex.EncodeToString(unhex(t, vecM6)), map[string]any{"statusCode": 200.0, "statusText": "OK",
			"body": "6818070908076578616d706c656902012c6f01006a01006c0101"}},
		{"cr", "6500", nil},                    // StatusCode missing
		{"cr", "65076702" + "4f4b6601c8", nil}, // out of order
		{"cp", "68056903010203", nil},          // bad NNI
		{"facestatus", hex.EncodeToString(unhex(t, vecM2)), map[string]any{
			"faceId": 100.0, "uri": "tcp4://192.0.2.1:6363", "localUri": "tcp4://192.0.2.2:55555", "expirationPeriod": 10000.0,
			"faceScope": 1.0, "facePersistency": 1.0, "linkType": 1.0, "baseCongestionMarkingInterval": 5.0,
			"defaultCongestionThreshold": 7.0, "mtu": 9.0, "nInInterests": "10", "nInData": "200", "nInNacks": "1",
			"nOutInterests": "3000", "nOutData": "4", "nOutNacks": "2", "nInBytes": "1329719163", "nOutBytes": "999110448", "flags": 7.0,
		}},
		{"channel", hexOf(&ch), map[string]any{"localUri": "udp6://[::]:6363"}},
		{"csinfo", hexOf(&cs), map[string]any{"capacity": "65536", "flags": 3.0, "nCsEntries": "100", "nHits": "7", "nMisses": "300"}},
		{"strategy", hexOf(&sc), map[string]any{"name": "/8=a", "strategy": "/8=localhost/8=nfd/8=strategy/8=asf/54=%05"}},
		{"rib", hexOf(&rib), map[string]any{"name": "/8=example", "route": []any{
			map[string]any{"faceId": 300.0, "origin": 65.0, "cost": 0.0, "flags": 2.0, "expirationPeriod": 1200000.0},
			map[string]any{"faceId": 1.0, "origin": 255.0, "cost": 10.0, "flags": 1.0},
		}}},
		{"filter", hexOf(&filter), map[string]any{"faceId": 5.0, "uriScheme": "udp4", "facePersistency": 1.0, "linkType": 1.0}},
		{"general", hex.EncodeToString(fs.Append(nil)), map[string]any{
			"nfdVersion": "ndnflow 0.1", "startTimestamp": 1700000000000.0, "currentTimestamp": 1700000360123.0,
			"nNameTreeEntries": 1.0, "nFibEntries": 2.0, "nPitEntries": 3.0, "nMeasurementsEntries": 4.0, "nCsEntries": 5.0,
			"nInInterests": 6.0, "nInData": 7.0, "nInNacks": 8.0, "nOutInterests": 9.0, "nOutData": 10.0, "nOutNacks": 11.0,
			"nSatisfiedInterests": 12.0, "nUnsatisfiedInterests": 13.0,
		}},
		{"pa", hex.EncodeToString(paWire), map[string]any{"announced": "/8=example", "expirationPeriod": 3600000.0,
			"notBefore": float64(nb.UnixMilli()), "notAfter": float64(nb.Add(24 * time.Hour).UnixMilli())}},
	}
	res := runNDNts(t, cases)
	for i, c := range cases {
		got := res.Decoded[i]
		switch {
		case c.want == nil && got.OK:
			t.Errorf("case %d %s %s: NDNts accepted %v, we reject it", i, c.Kind, c.Hex, got.Value)
		case c.want == nil:
			if ourDecode(t, c) == nil {
				t.Errorf("case %d %s %s: NDNts rejects it (%s), we accept it", i, c.Kind, c.Hex, got.Error)
			}
		case c.want != nil && !got.OK:
			t.Errorf("case %d %s: NDNts rejected our encoding: %s", i, c.Kind, got.Error)
		case c.want != nil && !reflect.DeepEqual(got.Value, c.want):
			t.Errorf("case %d %s:\n NDNts %v\n want  %v", i, c.Kind, got.Value, c.want)
		}
	}

	// NDNts encodings, decoded by us and re-encoded byte for byte.
	enc := func(k string) []byte {
		b, err := hex.DecodeString(res.Encoded[k])
		if err != nil || len(b) == 0 {
			t.Fatalf("encoded[%s]: %v", k, err)
		}
		return b
	}
	checkBytes(t, "NDNts rib/register parameters = M5", enc("cpReg"), unhex(t, vecM5))
	for _, k := range []string{"cpReg", "cpFace", "cpStrategy"} {
		var p mgmt.ControlParameters
		if err := p.Decode(enc(k)); err != nil {
			t.Fatalf("%s: %v", k, err)
		}
		checkBytes(t, k+" re-encoded", p.Encode(), enc(k))
		if k == "cpFace" && (p.FacePersistency != mgmt.PersistencyPermanent || p.BaseCongestionMarkingInterval != 100*time.Millisecond || p.Mask != 7) {
			t.Errorf("cpFace: %v", &p)
		}
		if k == "cpStrategy" && p.Strategy.String() != "/localhost/nfd/strategy/best-route/v=5" {
			t.Errorf("cpStrategy: %v", &p)
		}
	}
	var r mgmt.ControlResponse
	if err := r.Decode(enc("cr")); err != nil {
		t.Fatal(err)
	}
	if p, ok, err := r.Params(); !r.OK() || !ok || err != nil || p.FaceID != 7 {
		t.Errorf("NDNts ControlResponse: %v %v %v", &r, ok, err)
	}
	var d ndn.Data
	if err := d.Decode(enc("pa")); err != nil {
		t.Fatal(err)
	}
	got, err := mgmt.DecodePrefixAnn(&d)
	if err != nil {
		t.Fatal(err)
	}
	if got.Announced.String() != "/example" || got.Version != 1700000000000 || got.ExpirationPeriod != time.Hour ||
		!got.NotBefore.Equal(nb) || !got.NotAfter.Equal(nb.Add(24*time.Hour)) {
		t.Errorf("NDNts PrefixAnn: %+v", got)
	}
}

// ourDecode decodes a reject case with our decoder.
func ourDecode(t *testing.T, c ndntsCase) error {
	b, err := hex.DecodeString(c.Hex)
	if err != nil {
		t.Fatal(err)
	}
	switch c.Kind {
	case "cp":
		var p mgmt.ControlParameters
		return p.Decode(b)
	case "cr":
		var r mgmt.ControlResponse
		return r.Decode(b)
	}
	t.Fatalf("no decoder for %s", c.Kind)
	return nil
}
