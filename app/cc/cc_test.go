package cc_test

import (
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/app/cc"
)

func TestRTTEstimator(t *testing.T) {
	e := cc.NewRTTEstimator(cc.RTTOptions{})
	if e.RTO() != time.Second {
		t.Fatalf("initial RTO %v, want 1s", e.RTO())
	}
	// RFC 6298 §2.2: first sample R: SRTT=R, RTTVAR=R/2, RTO=SRTT+4*RTTVAR.
	e.AddSample(100 * time.Millisecond)
	if e.SRTT() != 100*time.Millisecond || e.RTTVar() != 50*time.Millisecond || e.RTO() != 300*time.Millisecond {
		t.Fatalf("after 1 sample: srtt %v rttvar %v rto %v", e.SRTT(), e.RTTVar(), e.RTO())
	}
	// §2.3: RTTVAR = 3/4*50 + 1/4*|100-200| = 62.5; SRTT = 7/8*100 + 1/8*200 = 112.5.
	e.AddSample(200 * time.Millisecond)
	if e.SRTT() != 112500*time.Microsecond || e.RTTVar() != 62500*time.Microsecond {
		t.Fatalf("after 2 samples: srtt %v rttvar %v", e.SRTT(), e.RTTVar())
	}
	if want := 112500*time.Microsecond + 4*62500*time.Microsecond; e.RTO() != want {
		t.Fatalf("rto %v, want %v", e.RTO(), want)
	}
	e.Backoff()
	e.Backoff()
	if want := 4 * (362500 * time.Microsecond); e.RTO() != want {
		t.Fatalf("after 2 backoffs rto %v, want %v", e.RTO(), want)
	}
	for range 10 {
		e.Backoff()
	}
	if e.RTO() != 60*time.Second {
		t.Fatalf("backoff not capped: %v", e.RTO())
	}
	// Small RTTs are clamped to MinRTO.
	f := cc.NewRTTEstimator(cc.RTTOptions{})
	for range 20 {
		f.AddSample(300 * time.Microsecond)
	}
	if f.RTO() != 200*time.Millisecond || f.MinRTT() != 300*time.Microsecond {
		t.Fatalf("rto %v min %v", f.RTO(), f.MinRTT())
	}
}

func TestWindows(t *testing.T) {
	algos := []struct {
		name string
		a    cc.Algorithm
		beta float64
	}{
		{"aimd", &cc.AIMD{}, 0.5},
		{"cubic", &cc.Cubic{}, 0.7},
	}
	for _, tt := range algos {
		t.Run(tt.name, func(t *testing.T) {
			a, now, rtt := tt.a, time.Unix(1000, 0), 10*time.Millisecond
			if a.Window() != 2 {
				t.Fatalf("initial window %v", a.Window())
			}
			// Slow start: one segment per ack, so the window doubles per RTT.
			for range 30 {
				a.OnAck(now, rtt)
			}
			if a.Window() != 32 {
				t.Fatalf("slow start window %v, want 32", a.Window())
			}
			a.OnCongestion(now)
			if want := 32 * tt.beta; a.Window() != want {
				t.Fatalf("after congestion %v, want %v", a.Window(), want)
			}
			// Congestion avoidance grows, but by less than one per ack.
			w := a.Window()
			for i := range 100 {
				now = now.Add(rtt / 10)
				a.OnAck(now, rtt)
				if i == 0 && a.Window()-w >= 1 {
					t.Fatalf("avoidance grew by %v on one ack", a.Window()-w)
				}
			}
			if a.Window() <= w {
				t.Fatalf("window did not grow in congestion avoidance: %v -> %v", w, a.Window())
			}
			for range 50 {
				a.OnCongestion(now)
			}
			if a.Window() < 1 {
				t.Fatalf("window fell below minimum: %v", a.Window())
			}
		})
	}
}

func BenchmarkCubicOnAck(b *testing.B) {
	var c cc.Cubic
	now := time.Unix(0, 0)
	c.OnAck(now, time.Millisecond)
	c.OnCongestion(now)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		c.OnAck(now.Add(time.Duration(i)*time.Microsecond), time.Millisecond)
	}
}

func TestExitSlowStart(t *testing.T) {
	for _, a := range []interface {
		cc.Algorithm
		cc.SlowStarter
	}{&cc.AIMD{}, &cc.Cubic{}} {
		now := time.Unix(1000, 0)
		for range 14 {
			a.OnAck(now, time.Millisecond)
		}
		if !a.InSlowStart() || a.Window() != 16 {
			t.Fatalf("%T: window %v slow start %v", a, a.Window(), a.InSlowStart())
		}
		a.ExitSlowStart(now)
		if a.InSlowStart() || a.Window() != 16 {
			t.Fatalf("%T: after exit: window %v slow start %v", a, a.Window(), a.InSlowStart())
		}
		// Growth is now at most about one segment per window of acks.
		for range 16 {
			now = now.Add(100 * time.Microsecond)
			a.OnAck(now, time.Millisecond)
		}
		if w := a.Window(); w > 18 || w < 16 {
			t.Errorf("%T: window %v after one window of acks in avoidance, want about 17", a, w)
		}
	}
}
