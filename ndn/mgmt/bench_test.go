package mgmt_test

import (
	"testing"

	"github.com/ndnflow/ndnflow/ndn/mgmt"
	"github.com/ndnflow/ndnflow/tlv"
)

func BenchmarkControlParametersDecode(b *testing.B) {
	wire := unhex(b, vecM5)
	var p mgmt.ControlParameters
	b.ReportAllocs()
	for b.Loop() {
		if err := p.Decode(wire); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkControlParametersAppend(b *testing.B) {
	p := fullParams()
	buf := make([]byte, 0, p.Length())
	b.ReportAllocs()
	for b.Loop() {
		buf = p.Append(buf[:0])
	}
}

func BenchmarkFaceStatusAppend(b *testing.B) {
	var s mgmt.FaceStatus
	if err := s.Decode(unhex(b, vecM2)); err != nil {
		b.Fatal(err)
	}
	buf := make([]byte, 0, s.Length())
	b.ReportAllocs()
	for b.Loop() {
		buf = s.Append(buf[:0])
	}
}

func BenchmarkDecodeFaceStatusList(b *testing.B) {
	one := unhex(b, vecM2)
	var payload []byte
	for range 100 {
		payload = append(payload, one...)
	}
	b.SetBytes(int64(len(payload)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := mgmt.DecodeFaceStatusList(payload); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCsInfoEncode(b *testing.B) {
	c := mgmt.CsInfo{Capacity: 65536, Flags: 3, NCsEntries: 100, NHits: 7, NMisses: 300}
	b.ReportAllocs()
	for b.Loop() {
		_ = tlv.Encode(&c)
	}
}
