package forwarder

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/face"
	"github.com/ndnflow/ndnflow/ndn"
	"github.com/ndnflow/ndnflow/security"
	"github.com/ndnflow/ndnflow/security/cert"
	"github.com/ndnflow/ndnflow/security/trust"
)

// benchNet is a forwarder with a consumer and a producer on in-memory
// faces. Names are /bench/fNN/obj/<8-octet sequence number> (64 flows);
// the producer answers every Interest with a 100-byte-content Data of the
// same name built from a template, echoing the PIT token. Client and
// producer allocate nothing per packet, so allocs/op is the forwarder's
// (and its faces').
type benchNet struct {
	fw       *Forwarder
	cons     face.Transport
	prod     face.Transport
	tmpl     [][]byte // Interest template per flow
	seqOff   int      // offset of the sequence number in a template
	nonceOff int
	received atomic.Int64
	notify   chan struct{}
	// signed, when set, maps name values to pre-signed Data the producer
	// returns instead of the template.
	signed map[string][]byte
}

const benchFlows = 64

// cpuTime returns the process's user+system CPU time in nanoseconds; CPU
// per exchange is steadier than wall-clock rates on a shared machine.
func cpuTime() int64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// benchShards is the shard count of the benchmarks: $NDNFLOW_BENCH_SHARDS
// or the default (GOMAXPROCS).
func benchShards() int {
	n, _ := strconv.Atoi(os.Getenv("NDNFLOW_BENCH_SHARDS"))
	return n
}

func newBenchNet(b testing.TB, cfg Config, signed map[string][]byte) *benchNet {
	return newBenchNetRelay(b, cfg, signed, false)
}

// newBenchNetRelay builds the bench network; with relay, the two faces are
// joined by a zero-processing relay (each packet received on one face is
// sent on the other, PIT token and all) instead of the forwarder: the
// ceiling for the forwarder on the same faces.
func newBenchNetRelay(b testing.TB, cfg Config, signed map[string][]byte, relay bool) *benchNet {
	return newBenchNetFull(b, cfg, signed, relay, 100)
}

func newBenchNetContent(b testing.TB, cfg Config, content int) *benchNet {
	return newBenchNetFull(b, cfg, nil, false, content)
}

func newBenchNetFull(b testing.TB, cfg Config, signed map[string][]byte, relay bool, content int) *benchNet {
	n := &benchNet{notify: make(chan struct{}, 1), signed: signed}
	ca, cb := face.NewMemPair(face.MemPairConfig{Queue: 8192})
	pa, pb := face.NewMemPair(face.MemPairConfig{Queue: 8192})
	n.cons, n.prod = ca, pa
	if relay {
		var fc, fp atomic.Pointer[face.Face]
		pass := func(to *atomic.Pointer[face.Face]) face.Handler {
			return func(batch []*face.RxPacket) {
				for _, p := range batch {
					if t := to.Load(); t != nil {
						t.Send(&p.Lp)
					}
					p.Release()
				}
			}
		}
		c := face.New(cb, face.Config{ID: 1, Handler: pass(&fp), QueueLen: 8192})
		p := face.New(pb, face.Config{ID: 2, Handler: pass(&fc), QueueLen: 8192})
		fc.Store(c)
		fp.Store(p)
		b.Cleanup(func() { c.Close(); p.Close() })
	} else {
		n.fw = New(cfg)
		n.fw.AddFace(cb, face.Config{QueueLen: 8192})
		pf := n.fw.AddFace(pb, face.Config{QueueLen: 8192})
		if err := n.fw.AddNextHop(ndn.MustParseName("/bench"), pf.ID(), 0); err != nil {
			b.Fatal(err)
		}
	}
	const seq0 = uint64(1) << 56
	for k := range benchFlows {
		name := ndn.MustParseName(fmt.Sprintf("/bench/f%02d/obj", k)).Append(ndn.SequenceNumComponent(seq0))
		var i ndn.Interest
		w := makeInterest(b, name, 0x01020304, iopt{hop: -1})
		if err := i.Decode(w); err != nil {
			b.Fatal(err)
		}
		n.tmpl = append(n.tmpl, w)
		n.seqOff = bytes.Index(w, []byte{1, 0, 0, 0, 0, 0, 0, 0})
		n.nonceOff = bytes.Index(w, []byte{1, 2, 3, 4})
	}
	d := ndn.Data{Name: ndn.MustParseName("/bench/f00/obj").Append(ndn.SequenceNumComponent(seq0)), Content: make([]byte, content)}
	dw, _ := d.SignWith(digestSigner{})
	nameOff := bytes.Index(dw, d.Name.Value())
	go n.routineProducer(dw, nameOff, len(d.Name.Value()))
	go n.routineConsumer()
	b.Cleanup(func() {
		if n.fw != nil {
			n.fw.Close()
		}
		ca.Close()
		pa.Close()
	})
	return n
}

func (n *benchNet) routineProducer(tmpl []byte, nameOff, nameLen int) {
	bs := n.prod.BatchSize()
	bufs, sizes, out := make([][]byte, bs), make([]int, bs), make([][]byte, bs)
	for i := range bufs {
		bufs[i] = make([]byte, face.BufferSize)
		out[i] = make([]byte, 0, face.BufferSize)
	}
	data := make([]byte, len(tmpl))
	var lp, resp ndn.LpPacket
	var in ndn.Interest
	for {
		k, err := n.prod.Read(bufs, sizes)
		if err != nil {
			return
		}
		m := 0
		for i := range k {
			if lp.Decode(bufs[i][:sizes[i]]) != nil || in.Decode(lp.Fragment) != nil || len(in.Name.Value()) != nameLen {
				continue
			}
			frag := data
			if n.signed != nil {
				frag = n.signed[string(in.Name.Value())]
			} else {
				copy(data, tmpl)
				copy(data[nameOff:], in.Name.Value())
			}
			resp.Reset()
			resp.PitToken, resp.Fragment = lp.PitToken, frag
			out[m] = append(resp.AppendHeader(out[m][:0]), frag...)
			m++
		}
		if n.prod.Write(out[:m]) != nil {
			return
		}
	}
}

func (n *benchNet) routineConsumer() {
	bs := n.cons.BatchSize()
	bufs, sizes := make([][]byte, bs), make([]int, bs)
	for i := range bufs {
		bufs[i] = make([]byte, face.BufferSize)
	}
	for {
		k, err := n.cons.Read(bufs, sizes)
		if err != nil {
			return
		}
		n.received.Add(int64(k))
		select {
		case n.notify <- struct{}{}:
		default:
		}
	}
}

func (n *benchNet) state() string {
	if n.fw == nil {
		return "relay"
	}
	return fmt.Sprintf("%+v %+v", n.fw.Counters(), n.fw.VerifyCounters())
}

// exchange sends count Interests with at most window outstanding and waits
// for all the Data. Sequence numbers are first, first+1, … per Interest, so
// names repeat only when the caller repeats first.
func (n *benchNet) exchange(b testing.TB, first uint64, count int, window int, nonce *uint32) {
	frames := make([][]byte, 0, 64)
	bufs := make([][]byte, 64)
	for i := range bufs {
		bufs[i] = make([]byte, len(n.tmpl[0]))
	}
	base := n.received.Load()
	for sent := 0; sent < count; {
		for int64(sent)-(n.received.Load()-base) >= int64(window) {
			select {
			case <-n.notify:
			case <-time.After(10 * time.Second):
				b.Fatalf("stalled: sent %d received %d; %s", sent, n.received.Load()-base, n.state())
			}
		}
		frames = frames[:0]
		for len(frames) < cap(frames) && sent < count {
			seq := first + uint64(sent)
			w := bufs[len(frames)]
			copy(w, n.tmpl[seq%benchFlows])
			binary.BigEndian.PutUint64(w[n.seqOff:], 1<<56|seq)
			*nonce++
			binary.BigEndian.PutUint32(w[n.nonceOff:], *nonce)
			frames = append(frames, w)
			sent++
		}
		if err := n.cons.Write(frames); err != nil {
			b.Fatal(err)
		}
	}
	for n.received.Load()-base < int64(count) {
		select {
		case <-n.notify:
		case <-time.After(10 * time.Second):
			b.Fatalf("stalled at the end: %d of %d; %s", n.received.Load()-base, count, n.state())
		}
	}
}

// BenchmarkForwarderExchange measures Interest/Data exchanges per second
// through the forwarder over in-memory faces: 4-component names over 64
// flows, 100-byte content; with the CS off (every name new), and with
// every Data from the CS (4096 names, cached beforehand).
//
// Mode "relay" runs the same traffic through a zero-processing relay
// between the same two faces, the ceiling to compare cs-off against.
func BenchmarkForwarderExchange(b *testing.B) {
	for _, mode := range []string{"cs-off", "cs-hit", "relay"} {
		b.Run(mode, func(b *testing.B) {
			cfg := Config{Shards: benchShards()}
			if mode == "cs-off" {
				cfg.CsCapacity = -1
			}
			n := newBenchNetRelay(b, cfg, nil, mode == "relay")
			var nonce uint32
			n.exchange(b, 0, 4096, 4096, &nonce) // warm up pools (and the CS)
			runtime.GC()
			b.ReportAllocs()
			b.ResetTimer()
			start := time.Now()
			cpu0 := cpuTime()
			if mode != "cs-hit" {
				n.exchange(b, 1<<20, b.N, 1024, &nonce)
			} else {
				for done := 0; done < b.N; done += 4096 {
					n.exchange(b, 0, min(4096, b.N-done), 1024, &nonce)
				}
			}
			el := time.Since(start)
			b.ReportMetric(float64(b.N)/el.Seconds(), "exchanges/s")
			b.ReportMetric(float64(cpuTime()-cpu0)/1e3/float64(b.N), "cpu-µs/exchange")
			if mode == "cs-hit" {
				if c := n.fw.Counters(); c.CsHits < uint64(b.N) {
					b.Fatalf("only %d CS hits for %d Interests", c.CsHits, b.N)
				}
			}
		})
	}
}

// BenchmarkForwarderVerify is BenchmarkForwarderExchange with the CS off
// and every Data verified (one signature per Data, by a trust anchor's
// key) with Ed25519 or ECDSA P-256. Names cycle over 16384 pre-signed
// Data.
func BenchmarkForwarderVerify(b *testing.B) {
	for _, kt := range []security.KeyType{security.KeyEd25519, security.KeyECDSA} {
		b.Run(kt.String(), func(b *testing.B) {
			key, err := security.GenerateKey(kt, security.NewKeyName(ndn.MustParseName("/bench")))
			if err != nil {
				b.Fatal(err)
			}
			anchor, _ := cert.SelfSign(key, cert.Options{})
			signer := key.WithKeyLocator(ndn.KeyLocator{Name: anchor.Name()})
			const names = 16384
			signed := make(map[string][]byte, names)
			for seq := range uint64(names) {
				name := ndn.MustParseName(fmt.Sprintf("/bench/f%02d/obj", seq%benchFlows)).Append(ndn.SequenceNumComponent(1<<56 | seq))
				d := ndn.Data{Name: name, Content: make([]byte, 100)}
				w, err := d.SignWith(signer)
				if err != nil {
					b.Fatal(err)
				}
				signed[string(name.Value())] = w
			}
			v := trust.NewValidator(trust.Options{Anchors: []*cert.Certificate{anchor}})
			n := newBenchNet(b, Config{CsCapacity: -1, Verify: []VerifyRule{{Prefix: ndn.MustParseName("/bench"), Validator: v}}}, signed)
			var nonce uint32
			n.exchange(b, 0, 2048, 512, &nonce)
			b.ReportAllocs()
			b.ResetTimer()
			start := time.Now()
			for done := 0; done < b.N; done += names {
				n.exchange(b, 0, min(names, b.N-done), 512, &nonce) // window < verify queue
			}
			el := time.Since(start)
			b.ReportMetric(float64(b.N)/el.Seconds(), "exchanges/s")
			if vc := n.fw.VerifyCounters(); vc.Verified < uint64(b.N) {
				b.Fatalf("verified %d of %d: %+v", vc.Verified, b.N, vc)
			}
		})
	}
}
