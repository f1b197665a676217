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
