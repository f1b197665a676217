package forwarder

import (
	"hash/maphash"

	"github.com/ndnflow/ndnflow/face"
	"github.com/ndnflow/ndnflow/ndn"
)

// dispatcher sorts one face's received packets into per-shard batches. It
// is used only by that face's receive goroutine (face.Handler contract).
type dispatcher struct {
	fw   *Forwarder
	face uint64
	pend []*batch
}

func newDispatcher(fw *Forwarder, id uint64) *dispatcher {
	return &dispatcher{fw: fw, face: id, pend: make([]*batch, len(fw.shards))}
}

// interestShard returns the shard of an Interest name: the hash of its
// first min(K, len) components.
func (fw *Forwarder) interestShard(n ndn.Name) int {
	if len(fw.shards) == 1 {
		return 0
	}
	return fw.shardOfHash(n.Hash(fw.seed, fw.cfg.DispatchDepth))
}

// handle is the face.Handler of the face.
func (d *dispatcher) handle(pkts []*face.RxPacket) {
	fw := d.fw
	for _, rx := range pkts {
		p := inPacket{rx: rx, face: d.face, kind: rx.Kind, lp: &rx.Lp, interest: &rx.Interest, data: &rx.Data}
		var k int
		switch rx.Kind {
		case face.KindInterest:
			k = fw.interestShard(rx.Interest.Name)
		case face.KindNack:
			var ok bool
			if k, ok = fw.tokenShard(rx.Lp.PitToken); !ok {
				k = fw.interestShard(rx.Interest.Name)
			}
		case face.KindData:
			var ok bool
			if k, ok = fw.tokenShard(rx.Lp.PitToken); !ok {
				k = fw.interestShard(rx.Data.Name)
				if len(fw.shards) > 1 {
					p.fbDepth = int8(min(fw.cfg.DispatchDepth, rx.Data.Name.Len()) - 1)
				}
			}
		default:
			rx.Release()
			continue
		}
		b := d.pend[k]
		if b == nil {
			b = fw.getBatch()
			d.pend[k] = b
		}
		b.items[b.n] = p
		b.n++
		if b.n == batchSize {
			d.flush(k)
		}
	}
	for k, b := range d.pend {
		if b != nil {
			d.flush(k)
		}
	}
}

// flush hands the pending batch of shard k over, blocking while the
// shard's queue is full (back-pressure onto the face's receive loop).
func (d *dispatcher) flush(k int) {
	b := d.pend[k]
	d.pend[k] = nil
	select {
	case d.fw.shards[k].in <- b:
	case <-d.fw.done:
		for i := range b.items[:b.n] {
			b.items[i].release()
		}
		d.fw.putBatch(b)
	}
}

// fullNameHash returns the keyed hash of name followed by an implicit
// digest component, equal to the hash ndn.Name.Hash gives the full name,
// without building the name.
func fullNameHash(seed maphash.Seed, name ndn.Name, digest *[32]byte) uint64 {
	var h maphash.Hash
	h.SetSeed(seed)
	h.Write(name.Value())
	h.Write([]byte{ndn.TtImplicitSha256DigestComponent, 32})
	h.Write(digest[:])
	return h.Sum64()
}
