package forwarder

import (
	"encoding/binary"
	"fmt"
	"testing"

	"github.com/ndnflow/ndnflow/face"
	"github.com/ndnflow/ndnflow/ndn"
)

// nullFace accepts every packet and keeps only the last PIT token.
type nullFace struct {
	id    uint64
	info  face.TransportInfo
	token [tokenLen]byte
}

func (f *nullFace) ID() uint64               { return f.id }
func (f *nullFace) Info() face.TransportInfo { return f.info }
func (f *nullFace) Send(p *ndn.LpPacket) bool {
	copy(f.token[:], p.PitToken)
	return true
}

// BenchmarkShardExchange measures the forwarder's own work per
// Interest/Data exchange (dispatch excluded): one shard processes an
// Interest (CS miss, PIT insert, FIB and strategy, out-record, send) and
// its Data (PIT match, CS insert or not, send, finalize), synchronously,
// without faces or goroutine hand-offs. 4-component names, 64 flows,
// 100-byte content.
func BenchmarkShardExchange(b *testing.B) {
	for _, mode := range []string{"cs-off", "cs-hit"} {
		b.Run(mode, func(b *testing.B) {
			cfg := Config{Shards: 1}
			if mode == "cs-off" {
				cfg.CsCapacity = -1
			}
			fw := newForwarder(cfg)
			defer fw.Close()
			s := fw.shards[0]
			cons := &nullFace{id: 300}
			prod := &nullFace{id: 301}
			fw.attach(cons, nil)
			fw.attach(prod, nil)
			t, _ := fw.fib.Load().AddNextHop(ndn.MustParseName("/bench"), 301, 0)
			fw.fib.Store(t)
			s.load()

			const names = 4096
			iw := make([][]byte, names)
			dw := make([][]byte, names)
			for k := range names {
				name := ndn.MustParseName(fmt.Sprintf("/bench/f%02d/obj", k%64)).Append(ndn.SequenceNumComponent(uint64(k)))
				iw[k] = makeInterest(b, name, 1, iopt{hop: -1})
				d := ndn.Data{Name: name, Content: make([]byte, 100)}
				dw[k], _ = d.SignWith(digestSigner{})
			}
			var ilp, dlp ndn.LpPacket
			var in ndn.Interest
			var data ndn.Data
			buf := make([]byte, 0, 256)
			exchange := func(k int, nonce uint32) {
				buf = append(buf[:0], iw[k]...)
				binary.BigEndian.PutUint32(buf[len(buf)-4:], nonce) // Nonce is the last element
				ilp.Reset()
				ilp.Fragment = buf
				in.Decode(buf)
				s.process([]inPacket{{face: 300, kind: face.KindInterest, lp: &ilp, interest: &in}})
				if mode == "cs-hit" && nonce > names {
					return
				}
				dlp.Reset()
				dlp.Fragment, dlp.PitToken = dw[k], prod.token[:]
				data.Decode(dw[k])
				s.process([]inPacket{{face: 301, kind: face.KindData, lp: &dlp, data: &data}})
			}
			for k := range names {
				exchange(k, uint32(k+1))
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				exchange(i%names, uint32(names+1+i))
				s.now += 1000
			}
			b.StopTimer()
			if c := fw.Counters(); mode == "cs-hit" && c.CsHits < uint64(b.N) {
				b.Fatalf("CS hits %d < %d", c.CsHits, b.N)
			}
		})
	}
}
