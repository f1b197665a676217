package bench

import (
	"context"
	"errors"
	"os/exec"
	"strings"
	"testing"
	"time"
)

func TestConfigValidate(t *testing.T) {
	spawn := func(context.Context, ...string) *exec.Cmd { return nil }
	tests := []struct {
		name string
		cfg  Config
		want string // substring of the error, "" for valid
	}{
		{"zero value with spawn", Config{Spawn: spawn}, ""},
		{"memory relay needs no spawn", Config{Target: TargetRelay, Transport: "memory"}, ""},
		{"inproc needs no spawn", Config{Target: TargetInproc, Transport: "memory"}, ""},
		{"URI target sets transport", Config{Target: "udp://127.0.0.1:6363"}, ""},
		{"unknown scenario", Config{Scenario: "nope", Spawn: spawn}, "unknown scenario"},
		{"bad transport", Config{Transport: "sctp", Spawn: spawn}, "--transport"},
		{"bad target", Config{Target: "http://x", Spawn: spawn}, "--target"},
		{"unix target without path", Config{Target: "unix://"}, "--target"},
		{"transport contradicts target", Config{Target: "unix:///x.sock", Transport: "udp"}, "contradicts"},
		{"memory with internal", Config{Transport: "memory", Spawn: spawn}, "memory needs"},
		{"relay scenario on relay", Config{Scenario: ScenarioRelay, Target: TargetRelay, Spawn: spawn}, "makes no sense"},
		{"flows", Config{Flows: -1, Spawn: spawn}, "--flows"},
		{"name too short", Config{NameLen: 3, Spawn: spawn}, "--name-len"},
		{"name too long", Config{NameLen: 33, Spawn: spawn}, "--name-len"},
		{"payload too large", Config{Payload: 9000, Spawn: spawn}, "--payload"},
		{"window", Config{Window: 5000, Spawn: spawn}, "--window"},
		{"fib", Config{FIBSize: -2, Spawn: spawn}, "--fib-size"},
		{"cs-hit", Config{CSHit: 1.5, Spawn: spawn}, "--cs-hit"},
		{"cs-set", Config{CSSet: -1, Spawn: spawn}, "--cs-set"},
		{"cs-set below window", Config{CSHit: 1, CSSet: 16, Window: 32, Spawn: spawn}, "--cs-set 16"},
		{"duration", Config{Duration: -time.Second, Spawn: spawn}, "--duration"},
		{"timeout", Config{Timeout: time.Millisecond, Spawn: spawn}, "--timeout"},
		{"repeat", Config{Repeat: -1, Spawn: spawn}, "--repeat"},
		{"object size", Config{Scenario: ScenarioFetch, ObjectSize: -1, Spawn: spawn}, "--object-size"},
		{"internal without spawn", Config{}, "child processes"},
		{"unknown fetcher", Config{Scenario: ScenarioFetch, Fetcher: "wget", Spawn: spawn}, "--fetcher"},
		{"app fetcher through the relay", Config{Scenario: ScenarioFetch, Target: TargetRelay, Fetcher: FetcherApp, Spawn: spawn}, "--fetcher app"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			if tt.want == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want ErrConfig mentioning %q", err, tt.want)
			}
		})
	}
}

func TestConfigDefaults(t *testing.T) {
	c := Config{Target: "udp://127.0.0.1:6363"}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.Transport != "udp" || c.Flows != 1 || c.NameLen != 4 || c.Payload != 100 || c.Window != 32 ||
		c.Duration != 10*time.Second || c.Warmup != 2*time.Second || c.Repeat != 1 {
		t.Errorf("defaults: %+v", c)
	}
	f := Config{Scenario: ScenarioFetch, Target: TargetRelay, Transport: "memory"}
	if err := f.Validate(); err != nil || f.Payload != 8000 || f.ObjectSize != 16<<20 {
		t.Errorf("fetch defaults: %v %+v", err, f)
	}
}
