package wheel

import (
	"math/rand/v2"
	"testing"
)

func TestWheelFiresInOrderOfTicks(t *testing.T) {
	const ms = int64(1e6)
	w := New(ms, 16, 0)
	type owner struct {
		t     Timer
		fired int64
	}
	rng := rand.New(rand.NewPCG(1, 2))
	os := make([]*owner, 200)
	for i := range os {
		o := &owner{fired: -1}
		o.t.Owner = o
		w.Schedule(&o.t, rng.Int64N(100*ms)) // up to 6 revolutions
		os[i] = o
	}
	// Cancel and re-arm some.
	for i := 0; i < 50; i++ {
		w.Cancel(&os[i].t)
	}
	for i := 50; i < 60; i++ {
		w.Schedule(&os[i].t, 150*ms)
	}
	if w.Len() != 150 {
		t.Fatalf("Len = %d, want 150", w.Len())
	}
	for now := int64(0); now <= 200*ms; now += ms / 3 {
		w.Advance(now, func(tm *Timer) { tm.Owner.(*owner).fired = now })
	}
	for i, o := range os {
		switch {
		case i < 50:
			if o.fired != -1 {
				t.Errorf("cancelled timer %d fired", i)
			}
		default:
			if o.fired < o.t.When() || o.fired > o.t.When()+ms+ms/3 {
				t.Errorf("timer %d due %d fired at %d", i, o.t.When(), o.fired)
			}
		}
	}
	if w.Len() != 0 {
		t.Fatalf("Len = %d after all fired", w.Len())
	}
}

func TestWheelRescheduleFromCallback(t *testing.T) {
	w := New(10, 4, 0)
	var a, b Timer
	count := 0
	w.Schedule(&a, 5)
	w.Schedule(&b, 5)
	w.Advance(20, func(tm *Timer) {
		count++
		if tm == &a {
			w.Cancel(&b)
			w.Schedule(&a, 25) // same slot one revolution later? no: next tick
		}
	})
	if count != 1 || !a.Armed() || b.Armed() {
		t.Fatalf("count=%d a.armed=%v b.armed=%v", count, a.Armed(), b.Armed())
	}
	w.Advance(1000, func(tm *Timer) { count++ })
	if count != 2 || w.Len() != 0 {
		t.Fatalf("count=%d len=%d", count, w.Len())
	}
}

func BenchmarkScheduleAdvance(b *testing.B) {
	w := New(1e6, 1024, 0)
	ts := make([]Timer, 4096)
	b.ReportAllocs()
	now := int64(0)
	for i := 0; b.Loop(); i++ {
		t := &ts[i&4095]
		w.Schedule(t, now+4e9)
		now += 1e5
		w.Advance(now, func(*Timer) {})
	}
}
