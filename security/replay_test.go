package security_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/ndn"
	"github.com/ndnflow/ndnflow/security"
)

type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

func sigInfo(key string, ms uint64, nonce string) *ndn.SigInfo {
	si := &ndn.SigInfo{Type: ndn.SigEd25519, KeyLocator: ndn.KeyLocator{Name: ndn.MustParseName(key)}}
	if ms > 0 {
		si.Time, si.HasTime = ms, true
	}
	if nonce != "" {
		si.Nonce = []byte(nonce)
	}
	return si
}

func TestReplayChecker(t *testing.T) {
	clk := &fakeClock{t: time.UnixMilli(1_700_000_000_000)}
	now := uint64(1_700_000_000_000)
	type step struct {
		advance time.Duration
		si      *ndn.SigInfo
		wantErr error
	}
	tests := []struct {
		name  string
		opts  security.ReplayOptions
		steps []step
	}{
		{"increasing times accepted", security.ReplayOptions{}, []step{
			{0, sigInfo("/a/KEY/1", now, "n1"), nil},
			{time.Second, sigInfo("/a/KEY/1", now+1000, "n2"), nil},
		}},
		{"equal time rejected", security.ReplayOptions{}, []step{
			{0, sigInfo("/a/KEY/1", now, "n1"), nil},
			{0, sigInfo("/a/KEY/1", now, "n2"), security.ErrReplay},
		}},
		{"older time rejected, other key independent", security.ReplayOptions{}, []step{
			{0, sigInfo("/a/KEY/1", now, "n1"), nil},
			{0, sigInfo("/a/KEY/1", now-1, "n2"), security.ErrReplay},
			{0, sigInfo("/b/KEY/1", now-1, "n2"), nil},
		}},
		{"outside grace", security.ReplayOptions{}, []step{
			{0, sigInfo("/a/KEY/1", now-121_000, "n1"), security.ErrReplay},
			{0, sigInfo("/a/KEY/1", now+121_000, "n1"), security.ErrReplay},
			{0, sigInfo("/a/KEY/1", now+119_000, "n1"), nil},
		}},
		{"custom grace", security.ReplayOptions{Grace: time.Second}, []step{
			{0, sigInfo("/a/KEY/1", now-2000, "n1"), security.ErrReplay},
		}},
		{"time required by default", security.ReplayOptions{}, []step{
			{0, sigInfo("/a/KEY/1", 0, "n1"), security.ErrNoTime},
		}},
		{"nonce reuse", security.ReplayOptions{TimeOptional: true}, []step{
			{0, sigInfo("/a/KEY/1", 0, "n1"), nil},
			{0, sigInfo("/a/KEY/1", 0, "n2"), nil},
			{0, sigInfo("/a/KEY/1", 0, "n1"), security.ErrReplay},
		}},
		{"record expires after lifetime", security.ReplayOptions{}, []step{
			{0, sigInfo("/a/KEY/1", now+100_000, "n1"), nil},
			{61 * time.Minute, sigInfo("/a/KEY/1", now+61*60_000, "n1"), nil},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := *clk
			tt.opts.Now = c.now
			rc := security.NewReplayChecker(tt.opts)
			for k, s := range tt.steps {
				c.t = c.t.Add(s.advance)
				err := rc.Check(s.si)
				if !errors.Is(err, s.wantErr) || (s.wantErr == nil && err != nil) {
					t.Errorf("step %d: %v, want %v", k, err, s.wantErr)
				}
			}
		})
	}
}

func TestReplaySeqNum(t *testing.T) {
	rc := security.NewReplayChecker(security.ReplayOptions{TimeOptional: true})
	for k, c := range []struct {
		seq uint64
		ok  bool
	}{{1, true}, {2, true}, {2, false}, {1, false}, {10, true}} {
		si := sigInfo("/a/KEY/1", 0, fmt.Sprint("n", k))
		si.SeqNum, si.HasSeqNum = c.seq, true
		if err := rc.Check(si); (err == nil) != c.ok {
			t.Errorf("seq %d: %v", c.seq, err)
		}
	}
}

// TestReplayBounded checks that memory stays bounded: MaxKeys keys and
// MaxNonces nonces per key.
func TestReplayBounded(t *testing.T) {
	rc := security.NewReplayChecker(security.ReplayOptions{MaxKeys: 3, MaxNonces: 2, TimeOptional: true})
	for k := range 10 {
		if err := rc.Check(sigInfo(fmt.Sprintf("/k%d/KEY/1", k), 0, "n")); err != nil {
			t.Fatal(err)
		}
	}
	if rc.Len() != 3 {
		t.Errorf("Len = %d, want 3", rc.Len())
	}
	// The most recent keys are remembered: /k9 reusing its nonce is a replay.
	if err := rc.Check(sigInfo("/k9/KEY/1", 0, "n")); !errors.Is(err, security.ErrReplay) {
		t.Errorf("recent key forgotten: %v", err)
	}
	// Nonces per key: after two more, the first is forgotten.
	for _, n := range []string{"a", "b", "c"} {
		if err := rc.Check(sigInfo("/x/KEY/1", 0, n)); err != nil {
			t.Fatal(err)
		}
	}
	if err := rc.Check(sigInfo("/x/KEY/1", 0, "a")); err != nil {
		t.Errorf("oldest nonce still remembered beyond MaxNonces: %v", err)
	}
	if err := rc.Check(sigInfo("/x/KEY/1", 0, "c")); !errors.Is(err, security.ErrReplay) {
		t.Errorf("recent nonce forgotten: %v", err)
	}
}

// TestReplayWithSignedInterests runs the checker on real v0.3 and v0.2
// command Interests, as the forwarder will.
func TestReplayWithSignedInterests(t *testing.T) {
	key, err := security.GenerateKey(security.KeyEd25519, ndn.MustParseName("/op/KEY/1"))
	if err != nil {
		t.Fatal(err)
	}
	base := time.UnixMilli(1_700_000_000_000)
	rc := security.NewReplayChecker(security.ReplayOptions{Now: func() time.Time { return base }})
	check := func(v02 bool, at time.Time) error {
		i := ndn.Interest{Name: ndn.MustParseName("/localhost/nfd/faces/create")}
		o := security.InterestSignOptions{Time: at}
		if v02 {
			_, err = security.SignInterestV02(&i, key, o)
		} else {
			_, err = security.SignInterest(&i, key, o)
		}
		if err != nil {
			t.Fatal(err)
		}
		var j ndn.Interest
		if err := j.Decode(i.Wire()); err != nil {
			t.Fatal(err)
		}
		s, err := security.VerifyInterest(&j, key.Public())
		if err != nil {
			return err
		}
		return rc.Check(&s.SigInfo)
	}
	if err := check(false, base); err != nil {
		t.Fatal(err)
	}
	if err := check(true, base.Add(time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	if err := check(false, base.Add(time.Millisecond)); !errors.Is(err, security.ErrReplay) {
		t.Errorf("same time again: %v", err)
	}
}
