package bench

import (
	"context"
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/face"
	"github.com/ndnflow/ndnflow/ndn"
)

// TestConsumerKeepsWindowAfterLoss drops the first Interests a consumer
// sends and answers the rest: once the lost ones are displaced from the slot
// table, the window must be whole again (no credit leaks).
func TestConsumerKeepsWindowAfterLoss(t *testing.T) {
	const window, dropped = 8, 5
	pool := face.NewPool()
	a, b := face.NewMemPair(face.MemPairConfig{Pool: pool})
	c := newConn(a, pool)
	k := newConsumer(c, consumerConfig{
		tmpl:   newInterestTemplate(ndn.MustParseName("/t/1/f0"), ttGenericComp, 4000),
		window: window, timeout: time.Minute, payload: 10, epoch: time.Now(), seed: 1,
	})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	go c.run(k.handle)
	go k.routineWrite(ctx)
	defer c.close()

	// The producer side: drop the first Interests, answer the others.
	tail := dataTail(10)
	go func() {
		defer b.Close()
		bufs, sizes := [][]byte{pool.Get()}, []int{0}
		out := make([]byte, 0, 2048)
		for seen := 0; ctx.Err() == nil; {
			n, err := b.Read(bufs, sizes)
			if err != nil {
				return
			}
			for i := range n {
				fi := parseFrame(bufs[i][:sizes[i]])
				if fi.kind != pktInterest {
					continue
				}
				if seen++; seen <= dropped {
					continue
				}
				if b.Write([][]byte{appendData(out[:0], fi.nameV, tail, nil)}) != nil {
					return
				}
			}
		}
	}()

	deadline := time.Now().Add(5 * time.Second)
	for k.stats.timeouts.Load() < dropped || k.stats.data.Load() < 2000 {
		if time.Now().After(deadline) {
			t.Fatalf("timeouts %d data %d after 5s", k.stats.timeouts.Load(), k.stats.data.Load())
		}
		time.Sleep(10 * time.Millisecond)
	}
	k.mu.Lock()
	inflight := k.inflight
	k.mu.Unlock()
	if got := inflight + int(k.credits.Load()); got != window {
		t.Errorf("in flight %d + credits %d = %d, want the window %d", inflight, k.credits.Load(), got, window)
	}
	if got := k.stats.timeouts.Load(); got != dropped {
		t.Errorf("%d timeouts, want %d", got, dropped)
	}
}

// TestConsumerWorkingSet checks the names a consumer asks for with --cs-hit:
// the first csSet Interests fetch the working set, later ones repeat it in
// order (all of them with csHit 1, about csHit of them otherwise) and the
// rest ask for names never asked before.
func TestConsumerWorkingSet(t *testing.T) {
	const set, later = 50, 10000
	for _, hit := range []float64{0, 0.3, 1} {
		k := newConsumer(nil, consumerConfig{window: 8, timeout: time.Minute, csHit: hit, csSet: set, seed: 7})
		seen := map[uint64]bool{}
		repeats, nextSet := 0, uint64(0)
		for i := range set + later {
			seq, _ := k.nextSeq(0)
			k.slots[seq&k.mask].state = slotFree // answered
			if seq&setFlag != 0 {
				k.setSlots[seq&^setFlag].state = slotFree
				if seq&^setFlag != nextSet {
					t.Fatalf("cs-hit %v: Interest %d asks for set name %d, want %d", hit, i, seq&^setFlag, nextSet)
				}
				nextSet = (nextSet + 1) % set
			}
			if i < set && hit > 0 && seq != setFlag|uint64(i) {
				t.Fatalf("cs-hit %v: warm-up Interest %d asks for %#x", hit, i, seq)
			}
			if i >= set && seen[seq] {
				repeats++
			}
			seen[seq] = true
		}
		if got := float64(repeats) / later; got < hit-0.03 || got > hit+0.03 {
			t.Errorf("cs-hit %v: %.3f of the Interests after the warm-up repeat a name", hit, got)
		}
		if k.stats.timeouts.Load() != 0 {
			t.Errorf("cs-hit %v: %d slots counted lost", hit, k.stats.timeouts.Load())
		}
	}
}
