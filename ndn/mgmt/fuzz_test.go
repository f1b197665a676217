package mgmt_test

import (
	"bytes"
	"testing"

	"github.com/ndnflow/ndnflow/ndn"
	"github.com/ndnflow/ndnflow/ndn/mgmt"
	"github.com/ndnflow/ndnflow/tlv"
)

// stable checks that a decoded value re-encodes to bytes that decode to the
// same encoding again (decode ∘ encode is idempotent).
func stable[T any, P interface {
	*T
	codec
}](t *testing.T, wire []byte) {
	var v T
	if P(&v).Decode(wire) != nil {
		return
	}
	enc := tlv.Encode(P(&v))
	var w T
	if err := P(&w).Decode(enc); err != nil {
		t.Fatalf("re-decode of %x: %v", enc, err)
	}
	if enc2 := tlv.Encode(P(&w)); !bytes.Equal(enc, enc2) {
		t.Fatalf("unstable: %x -> %x", enc, enc2)
	}
}

func seeds(f *testing.F, hexes ...string) {
	for _, h := range hexes {
		f.Add(unhex(f, h))
	}
}

func FuzzControlParameters(f *testing.F) {
	seeds(f, vecM5, "6800", "680b 0709 0807 6578616d706c65", "6805 6903 010203", "6804 6b02 0700")
	fp := fullParams()
	f.Add(fp.Encode())
	f.Fuzz(func(t *testing.T, b []byte) {
		stable[mgmt.ControlParameters](t, b)
		var p mgmt.ControlParameters
		if p.Decode(b) == nil {
			for _, c := range mgmt.Commands() {
				q := p
				if mgmt.Validate(c, &q) == nil {
					mgmt.ApplyDefaults(c, &q, 1)
					r := c.ResponseParams(&q)
					_ = r.Encode()
				}
			}
			_ = p.String()
		}
	})
}

func FuzzControlResponse(f *testing.F) {
	seeds(f, vecM1, vecM6, "6500", "6503 6601 c8")
	f.Fuzz(func(t *testing.T, b []byte) {
		stable[mgmt.ControlResponse](t, b)
		var r mgmt.ControlResponse
		if r.Decode(b) == nil {
			_, _, _ = r.Params()
		}
	})
}

func FuzzFaceStatus(f *testing.F) {
	seeds(f, vecM2, "8000")
	f.Fuzz(func(t *testing.T, b []byte) { stable[mgmt.FaceStatus](t, b) })
}

func FuzzFaceQueryFilter(f *testing.F) {
	seeds(f, "9600", `9609 8304 "udp4" 690105`, `960b 690105 8304 "udp4" 8401 01`)
	f.Fuzz(func(t *testing.T, b []byte) {
		stable[mgmt.FaceQueryFilter](t, b)
		_, _, _ = mgmt.ParseFaceQueryName(mgmt.DatasetName(name("/localhost/nfd"), "faces/query").Append(
			ndn.Component{Type: 8, Value: b}), name("/localhost/nfd"))
	})
}

func FuzzFaceEventNotification(f *testing.F) {
	n := mgmt.FaceEventNotification{Kind: 1, FaceID: 300, URI: "fd://17", LocalURI: "unix:///x"}
	f.Add(tlv.Encode(&n))
	f.Fuzz(func(t *testing.T, b []byte) { stable[mgmt.FaceEventNotification](t, b) })
}

// FuzzDatasetLists decodes the input as every dataset payload type.
func FuzzDatasetLists(f *testing.F) {
	s := sampleForwarderStatus()
	f.Add(tlv.Encode(&s))
	seeds(f, vecM2+vecM2, `8215 8113 "udp4://0.0.0.0:6363"`,
		"8017 0703 080161 8107 69020100 6a010a 8107 6902012c 6a0100",
		`802e 0709 0807 6578616d706c65 8113 6902012c 6f0141 6a0100 6c0102 6d0400124f80 810c 690101 6f01ff 6a010a 6c0101`,
		"8013 830400010000 6c0103 870164 810107 8202012c")
	sc := mgmt.StrategyChoice{Strategy: name("/localhost/nfd/strategy/best-route/v=5")}
	f.Add(tlv.Encode(&sc))
	f.Fuzz(func(t *testing.T, b []byte) {
		check := func(enc []byte, err error) {
			if err == nil && !bytes.Equal(enc, b) && len(enc) > len(b) {
				t.Fatalf("re-encoding grew: %x -> %x", b, enc)
			}
		}
		if l, err := mgmt.DecodeFaceStatusList(b); err == nil {
			check(mgmt.AppendList(nil, l), nil)
		}
		if l, err := mgmt.DecodeChannelStatusList(b); err == nil {
			check(mgmt.AppendList(nil, l), nil)
		}
		if l, err := mgmt.DecodeFibEntryList(b); err == nil {
			check(mgmt.AppendList(nil, l), nil)
		}
		if l, err := mgmt.DecodeRibEntryList(b); err == nil {
			check(mgmt.AppendList(nil, l), nil)
		}
		if l, err := mgmt.DecodeStrategyChoiceList(b); err == nil {
			check(mgmt.AppendList(nil, l), nil)
		}
		if l, err := mgmt.DecodeList[mgmt.FaceEventNotification](b); err == nil {
			check(mgmt.AppendList(nil, l), nil)
		}
		if c, err := mgmt.DecodeCsInfo(b); err == nil {
			check(tlv.Encode(&c), nil)
		}
		var fs mgmt.ForwarderStatus
		if fs.Decode(b) == nil {
			enc := fs.Append(nil)
			var fs2 mgmt.ForwarderStatus
			if err := fs2.Decode(enc); err != nil || !bytes.Equal(fs2.Append(nil), enc) {
				t.Fatalf("ForwarderStatus unstable: %v", err)
			}
		}
		for _, wire := range [][]byte{b} {
			stable[mgmt.FibEntry](t, wire)
			stable[mgmt.RibEntry](t, wire)
			stable[mgmt.StrategyChoice](t, wire)
			stable[mgmt.CsInfo](t, wire)
			stable[mgmt.ChannelStatus](t, wire)
		}
	})
}

func FuzzPrefixAnnContent(f *testing.F) {
	seeds(f, "6d02 2710", `6d02 2710 fd00fd 26 fd00fe 0f "20260102T030405" fd00ff 0f "20260102T030405"`, "8001 00 6d01 05", "")
	f.Fuzz(func(t *testing.T, b []byte) {
		var a mgmt.PrefixAnn
		if a.DecodeContent(b) != nil {
			return
		}
		enc := a.AppendContent(nil)
		var c mgmt.PrefixAnn
		if err := c.DecodeContent(enc); err != nil {
			t.Fatalf("re-decode %x: %v", enc, err)
		}
		if !bytes.Equal(c.AppendContent(nil), enc) {
			t.Fatalf("unstable %x", enc)
		}
		_, _, _ = mgmt.DecodeAnnounceParams(b)
	})
}

func FuzzFaceURI(f *testing.F) {
	for _, s := range []string{"udp4://1.2.3.4:6363", "udp6://[fe80::1%eth0]:6363", "unix:///run/nfd/nfd.sock",
		"ether://[01:00:5e:00:17:aa]", "dev://eth0", "fd://3", "internal://", "tcp://[::ffff:1.2.3.4]", "udp4+dev://eth0:1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := mgmt.ParseFaceURI(s)
		if err != nil {
			return
		}
		u2, err := mgmt.ParseFaceURI(u.String())
		if err != nil || u2 != u {
			t.Fatalf("%q -> %q -> %+v, %v", s, u.String(), u2, err)
		}
		if c, err := u.Canonical(); err == nil {
			if !c.IsCanonical() {
				t.Fatalf("Canonical(%q) = %q not canonical", s, c)
			}
			if c2, err := c.Canonical(); err != nil || c2 != c {
				t.Fatalf("Canonical not idempotent: %q -> %q", c, c2)
			}
		}
		if u.IsCanonical() {
			if c, err := u.Canonical(); err != nil || c != u {
				t.Fatalf("canonical %q changed by Canonical: %q %v", s, c, err)
			}
		}
	})
}

func FuzzParseCommand(f *testing.F) {
	p := mgmt.ControlParameters{Name: name("/example"), HasName: true}
	f.Add(mgmt.CommandName(name("/localhost/nfd"), mgmt.RibRegister, &p).Value())
	f.Fuzz(func(t *testing.T, v []byte) {
		n, err := ndn.NameFromValue(v)
		if err != nil {
			return
		}
		req, err := mgmt.ParseCommand(n, name("/localhost/nfd"))
		if err == nil && req.Command != mgmt.RibAnnounce {
			_ = mgmt.Validate(req.Command, &req.Params)
		}
	})
}

func FuzzAssembler(f *testing.F) {
	f.Add([]byte{0x36, 0x01, 0x05, 0x32, 0x01, 0x00}, []byte("payload"), true)
	f.Fuzz(func(t *testing.T, suffix, content []byte, final bool) {
		prefix := name("/localhost/nfd/faces/list")
		sv, err := ndn.NameFromValue(suffix)
		if err != nil {
			return
		}
		d := &ndn.Data{Name: prefix.AppendName(sv), Content: content}
		if final && sv.Len() > 0 {
			d.FinalBlock = sv.At(-1)
		}
		a := mgmt.NewAssembler(prefix)
		_, _ = a.Add(d)
		_ = a.NextName()
	})
}
