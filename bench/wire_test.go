package bench

import (
	"bytes"
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/ndn"
)

func TestInterestTemplateDecodes(t *testing.T) {
	prefix := ndn.MustParseName("/ndnflow-bench/ab12/f3/c0")
	for _, typ := range []uint16{ttGenericComp, ttSegmentComp} {
		tmpl := newInterestTemplate(prefix, typ, 1500)
		buf := make([]byte, len(tmpl.wire))
		w := tmpl.put(buf, 0x0102030405060708, 0xCAFEBABE)
		var in ndn.Interest
		if err := in.Decode(w); err != nil {
			t.Fatalf("type %#x: %v", typ, err)
		}
		if in.Name.Len() != 5 || !prefix.IsPrefixOf(in.Name) {
			t.Errorf("name %v", in.Name)
		}
		last := in.Name.At(-1)
		if last.Type != typ || !bytes.Equal(last.Value, []byte{1, 2, 3, 4, 5, 6, 7, 8}) {
			t.Errorf("last component %+v", last)
		}
		if in.Nonce != 0xCAFEBABE || in.Lifetime != 1500*time.Millisecond {
			t.Errorf("nonce %#x lifetime %v", in.Nonce, in.Lifetime)
		}
		seq, ok := lastSeq(in.Name.AppendTLV(nil)[2:])
		if !ok || seq != 0x0102030405060708 {
			t.Errorf("lastSeq = %#x, %v", seq, ok)
		}
	}
}

func TestProducerDataDecodes(t *testing.T) {
	nameV := ndn.MustParseName("/a/b").Append(ndn.Component{Type: ttGenericComp, Value: make([]byte, 8)}).AppendTLV(nil)[2:]
	tail := dataTail(1000)
	tests := []struct {
		name  string
		token []byte
	}{
		{"bare", nil},
		{"with PIT token", []byte{1, 2, 3, 4, 5, 6, 7, 8}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			buf := make([]byte, 0, dataLen(len(nameV), len(tail))+lpOverhead)
			w := appendData(buf, nameV, tail, tt.token)
			if cap(w) != cap(buf) {
				t.Error("appendData reallocated")
			}
			fi := parseFrame(w)
			if fi.kind != pktData || !bytes.Equal(fi.nameV, nameV) || !bytes.Equal(fi.token, tt.token) {
				t.Fatalf("parseFrame = %+v", fi)
			}
			var d ndn.Data
			if err := d.Decode(fi.wire); err != nil {
				t.Fatal(err)
			}
			if len(d.Content) != 1000 || d.SigInfo.Type != ndn.SigDigestSha256 || d.Freshness != dataFreshnessMs*time.Millisecond {
				t.Errorf("content %d sigtype %v freshness %v", len(d.Content), d.SigInfo.Type, d.Freshness)
			}
			if len(fi.wire) != dataLen(len(nameV), len(tail)) {
				t.Errorf("dataLen %d, encoded %d", dataLen(len(nameV), len(tail)), len(fi.wire))
			}
		})
	}
}

func TestParseFrame(t *testing.T) {
	in := ndn.Interest{Name: ndn.MustParseName("/x/y"), Nonce: 1, HasNonce: true}
	iw, _ := in.Encode()
	nack := ndn.LpPacket{IsNack: true, NackReason: ndn.NackNoRoute, Fragment: iw}
	nw := nack.Append(nil)
	frag := ndn.LpPacket{FragIndex: 0, FragCount: 2, Fragment: iw[:4]}
	tests := []struct {
		name  string
		frame []byte
		want  pktKind
	}{
		{"bare Interest", iw, pktInterest},
		{"Nack", nw, pktNack},
		{"first of two fragments", frag.Append(nil), pktFragment},
		{"IDLE", []byte{0x64, 0x00}, pktOther},
		{"garbage", []byte{0xFF, 0x01}, pktOther},
		{"truncated", iw[:len(iw)-1], pktOther},
		{"empty", nil, pktOther},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := parseFrame(tt.frame).kind; got != tt.want {
				t.Errorf("kind %v, want %v", got, tt.want)
			}
		})
	}
}

func TestParseFrameDoesNotAllocate(t *testing.T) {
	tmpl := newInterestTemplate(ndn.MustParseName("/a/b/c"), ttGenericComp, 1000)
	if n := testing.AllocsPerRun(100, func() { parseFrame(tmpl.wire) }); n != 0 {
		t.Errorf("parseFrame allocates %v times", n)
	}
}

func FuzzParseFrame(f *testing.F) {
	tmpl := newInterestTemplate(ndn.MustParseName("/a/b/c"), ttGenericComp, 1000)
	f.Add(tmpl.wire)
	nameV := ndn.MustParseName("/a").AppendTLV(nil)[2:]
	f.Add(appendData(nil, nameV, dataTail(10), []byte{9, 9}))
	f.Add([]byte{0x64, 0x02, 0x50, 0x00})
	f.Fuzz(func(t *testing.T, b []byte) {
		fi := parseFrame(b)
		if fi.kind != pktOther && fi.wire == nil {
			t.Fatal("a packet without wire")
		}
		lastSeq(fi.nameV)
		isCtrl(fi.nameV)
	})
}

func BenchmarkProducerReply(b *testing.B) {
	b.ReportAllocs()
	nameV := ndn.MustParseName("/ndnflow-bench/ab/f1").Append(ndn.Component{Type: ttGenericComp, Value: make([]byte, 8)}).AppendTLV(nil)[2:]
	tail := dataTail(100)
	buf := make([]byte, 0, dataLen(len(nameV), len(tail))+lpOverhead)
	for b.Loop() {
		appendData(buf, nameV, tail, []byte{1, 2, 3, 4, 5, 6, 7, 8})
	}
}
