// Package wheel is a hashed timing wheel for one goroutine: timers are
// intrusive (embedded in their owner), so arming, re-arming and cancelling
// allocate nothing and cost O(1).
//
// A Wheel is not safe for concurrent use; the forwarder keeps one per shard
// and drives it from the shard goroutine. Times are int64 nanoseconds on any
// monotonic clock the caller chooses; the wheel never reads a clock itself.
package wheel

// Timer is a timer embedded in its owner. Owner lets the expiry callback
// find the enclosing value. The zero Timer is stopped.
type Timer struct {
	// Owner is returned to the callback unchanged; store a pointer (no
	// allocation happens when a pointer is stored in an interface).
	Owner      any
	when       int64
	prev, next *Timer
	armed      bool
}

// When returns the expiry time of an armed timer.
func (t *Timer) When() int64 { return t.when }

// Armed reports whether t is scheduled.
func (t *Timer) Armed() bool { return t.armed }

// Wheel schedules Timers with a resolution of Tick nanoseconds over a ring
// of slots; timers further away than one revolution wait in their slot and
// are skipped until due. The zero Wheel is not usable; call New.
type Wheel struct {
	tick  int64
	slots []Timer // sentinel heads of circular lists
	mask  int64
	cur   int64 // the tick number processed last
	n     int
	tmp   Timer // list being expired by Advance
}

// New returns a wheel with the given tick (nanoseconds, > 0) and number of
// slots (rounded up to a power of two), starting at time now.
func New(tick int64, slots int, now int64) *Wheel {
	if tick <= 0 {
		tick = 1
	}
	s := 1
	for s < slots {
		s <<= 1
	}
	w := &Wheel{tick: tick, slots: make([]Timer, s), mask: int64(s - 1), cur: now / tick}
	for i := range w.slots {
		h := &w.slots[i]
		h.prev, h.next = h, h
	}
	return w
}

// Len returns the number of armed timers.
func (w *Wheel) Len() int { return w.n }

// Schedule arms t to fire at when (re-arming it if already armed). A time in
// the past fires at the next Advance.
func (w *Wheel) Schedule(t *Timer, when int64) {
	if t.armed {
		w.unlink(t)
	}
	t.when = when
	tk := (when + w.tick - 1) / w.tick // ceil: never fire early
	if tk <= w.cur {
		tk = w.cur + 1
	}
	h := &w.slots[tk&w.mask]
	t.prev, t.next = h.prev, h
	h.prev.next = t
	h.prev = t
	t.armed = true
	w.n++
}

// Cancel stops t; cancelling a stopped timer does nothing.
func (w *Wheel) Cancel(t *Timer) {
	if t.armed {
		w.unlink(t)
	}
}

func (w *Wheel) unlink(t *Timer) {
	t.prev.next = t.next
	t.next.prev = t.prev
	t.prev, t.next = nil, nil
	t.armed = false
	w.n--
}

// Advance fires, in no particular order within a tick, every timer due at or
// before now (a timer fires at most one tick late, never early), calling fire with each (already stopped) timer. fire may
// schedule or cancel any timer, including the one it was given.
func (w *Wheel) Advance(now int64, fire func(*Timer)) {
	end := now / w.tick
	if end-w.cur > w.mask+1 {
		// More than one revolution passed: visiting each slot once suffices.
		w.cur = end - w.mask - 1
	}
	tmp := &w.tmp
	for w.cur < end {
		w.cur++
		h := &w.slots[w.cur&w.mask]
		if h.next == h {
			continue
		}
		// Move the slot's list to tmp, then pop timers one by one, so that
		// fire may freely schedule or cancel others (even into this slot).
		tmp.next, tmp.prev = h.next, h.prev
		tmp.next.prev, tmp.prev.next = tmp, tmp
		h.next, h.prev = h, h
		for tmp.next != tmp {
			t := tmp.next
			tmp.next = t.next
			t.next.prev = tmp
			if (t.when+w.tick-1)/w.tick <= w.cur {
				t.prev, t.next, t.armed = nil, nil, false
				w.n--
				fire(t)
				continue
			}
			// Not due in this revolution: put it back.
			t.prev, t.next = h.prev, h
			h.prev.next = t
			h.prev = t
		}
	}
}
