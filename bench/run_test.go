package bench

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// short returns a configuration that runs in about half a second.
func short(target, transport string) Config {
	return Config{Target: target, Transport: transport, Flows: 2, Window: 8,
		Duration: 400 * time.Millisecond, Warmup: 100 * time.Millisecond,
		Timeout: 500 * time.Millisecond, StallTimeout: 2 * time.Second, Spawn: testSpawn("")}
}

func runOne(t *testing.T, cfg Config) Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	rs, err := Run(ctx, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != max(cfg.Repeat, 1)*map[bool]int{true: 2, false: 1}[cfg.Scenario == ScenarioRelay] {
		t.Fatalf("%d results", len(rs))
	}
	return rs[len(rs)-1]
}

func checkTraffic(t *testing.T, r Result) {
	t.Helper()
	if r.Data == 0 || r.DataPerS <= 0 || r.InterestsPerS <= 0 || r.GoodputBps <= 0 {
		t.Errorf("no traffic: %+v", r)
	}
	if r.Timeouts != 0 || r.LossRatio != 0 {
		t.Errorf("lost %d Interests on an idle loopback", r.Timeouts)
	}
	if r.RTT.P50 <= 0 || r.RTT.P50 > r.RTT.P90 || r.RTT.P90 > r.RTT.P99 {
		t.Errorf("RTT percentiles %+v", r.RTT)
	}
	if r.Machine.Cores == 0 || r.Machine.GoVersion == "" {
		t.Errorf("machine facts %+v", r.Machine)
	}
}

func TestRelayTargets(t *testing.T) {
	for _, transport := range []string{"unix", "udp", "tcp", "memory"} {
		t.Run(transport, func(t *testing.T) {
			r := runOne(t, short(TargetRelay, transport))
			checkTraffic(t, r)
			if r.Label != "relay" || r.Knobs.Transport != transport {
				t.Errorf("label %q transport %q", r.Label, r.Knobs.Transport)
			}
		})
	}
}

func TestInprocForwarder(t *testing.T) {
	for _, transport := range []string{"memory", "unix", "udp"} {
		t.Run(transport, func(t *testing.T) {
			cfg := short(TargetInproc, transport)
			cfg.FIBSize = 50
			checkTraffic(t, runOne(t, cfg))
		})
	}
}

func TestInprocCacheHits(t *testing.T) {
	tests := []struct {
		hit, lo, hi float64
		capacity    int
	}{
		{hit: 1, lo: 0.95, hi: 1},
		{hit: 0.5, lo: 0.3, hi: 0.7},
		{hit: 1, capacity: -1}, // CS off: no hits whatever the names
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("cs-hit %v cs-capacity %d", tt.hit, tt.capacity), func(t *testing.T) {
			cfg := short(TargetInproc, "memory")
			cfg.CSHit, cfg.CSSet, cfg.CSCapacity = tt.hit, 100, tt.capacity
			r := runOne(t, cfg)
			checkTraffic(t, r)
			if r.CSHitRatio < tt.lo || r.CSHitRatio > tt.hi {
				t.Errorf("cs_hit_ratio %.3f, want %.2f..%.2f", r.CSHitRatio, tt.lo, tt.hi)
			}
			if r.Knobs.CSHit != tt.hit || r.Knobs.CSSet != 100 {
				t.Errorf("knobs %+v", r.Knobs)
			}
		})
	}
}

func TestRelayScenarioEfficiency(t *testing.T) {
	cfg := short(TargetInproc, "memory")
	cfg.Scenario = ScenarioRelay
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	rs, err := Run(ctx, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 2 || rs[0].Label != "relay" || rs[1].Label != "ndnflow-inproc" {
		t.Fatalf("results %+v", rs)
	}
	if rs[1].Efficiency <= 0 || rs[1].RelayDataPerS != rs[0].DataPerS {
		t.Errorf("efficiency %v relay rate %v vs %v", rs[1].Efficiency, rs[1].RelayDataPerS, rs[0].DataPerS)
	}
}

func TestFetch(t *testing.T) {
	for _, tt := range []struct{ target, fetcher string }{
		{TargetRelay, FetcherGen}, {TargetInproc, FetcherGen}, {TargetInproc, FetcherApp},
	} {
		t.Run(tt.target+"/"+tt.fetcher, func(t *testing.T) {
			cfg := short(tt.target, "unix")
			cfg.Fetcher = tt.fetcher
			cfg.Scenario = ScenarioFetch
			cfg.ObjectSize = 2 << 20
			cfg.Payload = 8000
			cfg.Repeat = 2
			r := runOne(t, cfg)
			want := uint64((cfg.ObjectSize+7999)/8000) * uint64(cfg.Flows)
			if r.Data != want {
				t.Errorf("received %d segments, want %d", r.Data, want)
			}
			if r.GoodputBps <= 0 || r.GoodputMinBps <= 0 || r.GoodputMinBps > r.GoodputMaxBps {
				t.Errorf("goodput %v min %v max %v", r.GoodputBps, r.GoodputMinBps, r.GoodputMaxBps)
			}
		})
	}
}

// killDuringRun starts a relay child, signals it once traffic flows, and
// returns Run's error.
func killDuringRun(t *testing.T, transport string, sig syscall.Signal) error {
	t.Helper()
	pidFile := filepath.Join(t.TempDir(), "pid")
	cfg := short(TargetRelay, transport)
	cfg.Duration = 20 * time.Second
	cfg.Spawn = testSpawn(pidFile)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	errc := make(chan error, 1)
	start := time.Now()
	go func() {
		_, err := Run(ctx, cfg, nil)
		errc <- err
	}()
	pid := 0
	for i := 0; i < 100 && pid == 0; i++ {
		time.Sleep(50 * time.Millisecond)
		b, _ := os.ReadFile(pidFile)
		pid, _ = strconv.Atoi(string(b))
	}
	if pid == 0 {
		t.Fatal("the relay child did not start")
	}
	time.Sleep(500 * time.Millisecond) // traffic flows
	syscall.Kill(pid, sig)
	if sig == syscall.SIGSTOP {
		defer syscall.Kill(pid, syscall.SIGCONT)
	}
	select {
	case err := <-errc:
		if time.Since(start) > 15*time.Second {
			t.Errorf("took %v to notice", time.Since(start))
		}
		return err
	case <-time.After(25 * time.Second):
		syscall.Kill(pid, syscall.SIGCONT)
		t.Fatal("Run hangs after the target died")
		return nil
	}
}

func TestTargetDiesMidRun(t *testing.T) {
	for _, transport := range []string{"unix", "udp"} {
		t.Run(transport, func(t *testing.T) {
			err := killDuringRun(t, transport, syscall.SIGKILL)
			if !errors.Is(err, ErrTargetDied) {
				t.Fatalf("error %v, want ErrTargetDied", err)
			}
			t.Log(err)
		})
	}
}

func TestTargetStopsAnswering(t *testing.T) {
	err := killDuringRun(t, "udp", syscall.SIGSTOP)
	if !errors.Is(err, ErrStalled) {
		t.Fatalf("error %v, want ErrStalled", err)
	}
	t.Log(err)
}

func TestUnreachableTarget(t *testing.T) {
	cfg := short("unix://"+t.TempDir()+"/none.sock", "unix")
	_, err := Run(context.Background(), cfg, nil)
	if !errors.Is(err, ErrTargetDied) {
		t.Fatalf("error %v, want ErrTargetDied (cannot connect)", err)
	}
}
