package face

import (
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/ndn"
)

func TestCodel(t *testing.T) {
	ms := int64(time.Millisecond)
	c := codel{target: 5 * ms, interval: 100 * ms}
	type step struct {
		now, sojourn int64
		mark         bool
	}
	steps := []step{
		{0, 1 * ms, false},       // below target
		{10 * ms, 6 * ms, false}, // above: starts the interval
		{50 * ms, 6 * ms, false}, // still inside the first interval
		{111 * ms, 7 * ms, true}, // above for a whole interval: first mark
		{120 * ms, 7 * ms, false},
		{212 * ms, 7 * ms, true}, // next mark after interval/sqrt(1)
		{260 * ms, 7 * ms, false},
		{283 * ms, 7 * ms, true},  // interval/sqrt(2) ≈ 70.7 ms later
		{290 * ms, 2 * ms, false}, // below target: reset
		{300 * ms, 9 * ms, false}, // a new interval starts
		{401 * ms, 9 * ms, true},
	}
	for i, s := range steps {
		if got := c.mark(s.sojourn, s.now); got != s.mark {
			t.Errorf("step %d (t=%dms sojourn=%dms): mark=%v, want %v", i, s.now/ms, s.sojourn/ms, got, s.mark)
		}
	}
}

// newTestFace returns a face whose goroutines are not running, so the test
// can drive the link service directly.
func newTestFace(cfg Config) *Face {
	info := TransportInfo{LocalURI: "internal://test", RemoteURI: "internal://peer", Scope: ScopeLocal}
	cfg.applyDefaults(info)
	f := &Face{info: info, cfg: cfg, pool: cfg.Pool, epoch: time.Now()}
	f.localFields.Store(cfg.LocalFields)
	f.rx.init(f)
	if cfg.Reliability {
		f.rel = newReliability(f, 1)
	}
	return f
}

func frameOf(lp ndn.LpPacket) []byte { return lp.Append(nil) }

var (
	testInterest = []byte{0x05, 0x0b, 0x07, 0x03, 0x08, 0x01, 'A', 0x0a, 0x04, 1, 2, 3, 4}
	testData     = []byte{0x06, 0x0e, 0x07, 0x03, 0x08, 0x01, 'A', 0x16, 0x03, 0x1b, 0x01, 0x00, 0x17, 0x02, 0xAB, 0xCD}
)

func TestReceiveAllocs(t *testing.T) {
	f := newTestFace(Config{})
	tests := []struct {
		name  string
		frame []byte
	}{
		{"bare Interest", testInterest},
		{"Data with PitToken and CongestionMark", frameOf(ndn.LpPacket{PitToken: []byte{1, 2, 3, 4, 5, 6}, CongestionMark: 1, Fragment: testData})},
		{"Nack", frameOf(ndn.LpPacket{IsNack: true, NackReason: ndn.NackNoRoute, Fragment: testInterest})},
	}
	for _, tt := range tests {
		p := f.pool.getRx()
		allocs := testing.AllocsPerRun(1000, func() {
			n := copy(p.buf, tt.frame)
			if out := f.rx.receive(p, p.buf[:n], Endpoint{}, 0); out != p {
				t.Fatalf("%s: not delivered: %+v", tt.name, f.ctr.DropMalformedNet.Load())
			}
			p.Lp.Reset()
			p.Interest.Reset()
		})
		if allocs != 0 {
			t.Errorf("%s: %.1f allocations per received packet, want 0", tt.name, allocs)
		}
	}
}

// FuzzReceive feeds arbitrary frames through the link service and the
// reassembler: nothing may panic, and every delivered packet must be an
// Interest, Data or Nack whose wire decodes.
func FuzzReceive(f *testing.F) {
	frag := func(seq, idx, count uint64, b []byte) []byte {
		return frameOf(ndn.LpPacket{Sequence: seq, HasSequence: true, FragIndex: idx, FragCount: count, Fragment: b})
	}
	join := func(frames ...[]byte) []byte {
		var out []byte
		for _, fr := range frames {
			out = append(out, byte(len(fr)>>8), byte(len(fr)))
			out = append(out, fr...)
		}
		return out
	}
	f.Add(join(testInterest))
	f.Add(join(testData, []byte{0x64, 0x00}))
	f.Add(join(frameOf(ndn.LpPacket{IsNack: true, Fragment: testInterest})))
	f.Add(join(frag(10, 0, 2, testData[:7]), frag(11, 1, 2, testData[7:])))
	f.Add(join(frag(11, 1, 2, testData[7:]), frag(10, 0, 2, testData[:7])))
	f.Add(join(frag(10, 0, 2, testData[:7]), frag(10, 0, 2, testData[:7]), frag(11, 1, 3, testData[7:])))
	f.Add(join(frag(10, 0, 2, testInterest[:3]), frag(11, 1, 2, testData[3:])))
	f.Add(join([]byte{0x64, 0x04, 0x51, 0x02, 0x00, 0x00}))
	f.Add(join(frameOf(ndn.LpPacket{Sequence: 5, HasSequence: true, TxSequence: 9, HasTxSequence: true, Acks: []uint64{1, 2}, Fragment: testData}),
		frameOf(ndn.LpPacket{Sequence: 5, HasSequence: true, Fragment: testData}), frameOf(ndn.LpPacket{Acks: []uint64{9}})))
	f.Fuzz(func(t *testing.T, in []byte) {
		fc := newTestFace(Config{MaxPartials: 4, LocalFields: len(in)%2 == 0, Reliability: len(in)%3 == 0})
		now := int64(0)
		for len(in) >= 2 {
			n := int(in[0])<<8 | int(in[1])
			in = in[2:]
			n = min(n, len(in))
			fr := in[:n]
			in = in[n:]
			p := fc.pool.getRx()
			m := copy(p.buf, fr)
			now += int64(100 * time.Millisecond)
			out := fc.rx.receive(p, p.buf[:m], Endpoint{Port: uint16(len(in) % 3)}, now)
			fc.rx.reasm.sweep(now)
			if out == nil {
				p.Release()
				continue
			}
			switch out.Kind {
			case KindInterest, KindNack:
				var i ndn.Interest
				if i.Decode(out.Wire()) != nil {
					t.Fatal("delivered an Interest that does not decode")
				}
			case KindData:
				var d ndn.Data
				if d.Decode(out.Wire()) != nil {
					t.Fatal("delivered a Data that does not decode")
				}
			}
			if out != p {
				p.Release()
			}
			out.Release()
		}
		if len(fc.rx.reasm.partials) > 4 {
			t.Fatalf("%d partial packets held, bound is 4", len(fc.rx.reasm.partials))
		}
		fc.rx.reasm.clear()
	})
}

// FuzzStreamFraming feeds arbitrary bytes to the stream frame parser.
func FuzzStreamFraming(f *testing.F) {
	f.Add(testInterest)
	f.Add(append(append([]byte{}, testData...), testInterest...))
	f.Add([]byte{0x06, 0xFD, 0xFF})
	f.Add([]byte{0x64, 0xFF, 0, 0, 0, 0, 0, 0, 0, 1})
	f.Fuzz(func(t *testing.T, in []byte) {
		for len(in) > 0 {
			n, err := nextFrame(in)
			if err != nil || n == 0 {
				return
			}
			if n > len(in) || n > MaxFrameLen {
				t.Fatalf("frame length %d of %d bytes", n, len(in))
			}
			in = in[n:]
		}
	})
}
