package bench

import (
	"context"
	"fmt"
	"log/slog"
	"os/exec"
	"slices"
	"time"

	"github.com/ndnflow/ndnflow/ndn"
)

// Scenario names.
const (
	ScenarioFwd   = "fwd"
	ScenarioRelay = "relay"
	ScenarioFetch = "fetch"
)

// Target names other than a FaceUri.
const (
	TargetInternal = "internal"
	TargetRelay    = "relay"
)

// Config is one benchmark: a scenario, a target and the knobs of the
// traffic. The zero value is usable (fwd on the internal forwarder over Unix
// sockets, 1 flow, 100-byte payloads) once Spawn is set for child targets.
type Config struct {
	// Scenario is fwd, relay or fetch; default fwd. relay measures the relay
	// and then the target in the same run and reports efficiency.
	Scenario string
	// Target is "internal" (start `ndnflow fw` as a child process, default),
	// "inproc" (ndnflow's forwarder inside this process),
	// "relay" (the zero-processing relay alone), or the FaceUri of a running
	// NFD-compatible forwarder (unix:///run/nfd/nfd.sock, udp://host:port,
	// tcp://host:port).
	Target string
	// Label names the target in tables and plots; default "ndnflow" for
	// internal, "relay" for relay, else the URI.
	Label string
	// Transport is unix, udp, tcp or memory; default unix, or the scheme of
	// a URI Target (a different explicit value is an error).
	Transport string
	// Flows is the number of consumer/producer pairs; default 1.
	Flows int
	// NameLen is the number of name components, at least 4; default 4.
	NameLen int
	// Payload is the Content size in octets; default 100.
	Payload int
	// Window is the number of Interests in flight per flow; default 32
	// (fetch with the app fetcher: the largest congestion window).
	Window int
	// FIBSize is the number of extra routes registered; default 0.
	FIBSize int
	// CSHit is the fraction of measured fwd Interests that repeat a name of
	// the flow's working set, so a forwarder whose content store holds the
	// set answers them from it; the rest ask for new names. Each flow's
	// first CSSet Interests fetch its set once (during the warm-up, when
	// the warm-up is long enough), so with CSHit 1 every later Interest
	// repeats a cached name. Default 0.
	CSHit float64
	// CSSet is the number of names in each flow's working set (with
	// CSHit > 0); default 1000, at least Window. cs_hit_ratio reaches
	// CSHit only when the CS holds Flows×CSSet/CSHit Data: a set name
	// comes back every CSSet/CSHit Interests of its flow.
	CSSet int
	// Duration is the measured interval; default 10 s. Warmup precedes it;
	// default 2 s (0 keeps the default; use a negative value for none).
	Duration, Warmup time.Duration
	// ObjectSize is the size of each object in the fetch scenario; default
	// 16 MiB. Its segments are Payload octets (fetch's default Payload is
	// 8000).
	ObjectSize int64
	// Fetcher is how the fetch scenario fetches: "app" (app/segmented with
	// CUBIC congestion control, the default) or "gen" (the generator's
	// fixed window). The relay target supports only gen, its default there.
	Fetcher string
	// Timeout is how long an Interest may go unanswered before it counts as
	// lost (and, fetching, is sent again); default 1 s.
	Timeout time.Duration
	// StallTimeout ends the run with ErrStalled when Interests are
	// outstanding and no Data arrives for this long; default 5 s.
	StallTimeout time.Duration
	// Repeat is the number of runs; default 1.
	Repeat int
	// CSCapacity is the content store capacity in packets of the internal
	// and inproc forwarders: 0 keeps the forwarder's default, a negative
	// value turns the CS off.
	CSCapacity int
	// FwArgs are extra arguments for `ndnflow fw` (internal target).
	FwArgs []string
	// Spawn builds the command of a child process that runs the ndnflow
	// binary with args (["fw", ...] or ["bench", "relay-serve", ...]).
	// Required for the internal target and for relay targets other than
	// memory; `ndnflow bench` uses its own executable.
	Spawn func(ctx context.Context, args ...string) *exec.Cmd
	// Logger defaults to a discarding logger.
	Logger *slog.Logger
}

func (c *Config) applyDefaults() {
	if c.Scenario == "" {
		c.Scenario = ScenarioFwd
	}
	if c.Target == "" {
		c.Target = TargetInternal
	}
	if c.Transport == "" {
		c.Transport = "unix"
		if ep, err := parseEndpoint(c.Target); err == nil {
			c.Transport = ep.kind
		}
	}
	if c.Flows == 0 {
		c.Flows = 1
	}
	if c.NameLen == 0 {
		c.NameLen = 4
	}
	if c.Payload == 0 {
		c.Payload = 100
		if c.Scenario == ScenarioFetch {
			c.Payload = 8000
		}
	}
	if c.Window == 0 {
		c.Window = 32
	}
	if c.CSSet == 0 {
		c.CSSet = 1000
	}
	if c.Duration == 0 {
		c.Duration = 10 * time.Second
	}
	if c.Warmup == 0 {
		c.Warmup = 2 * time.Second
	}
	if c.Warmup < 0 {
		c.Warmup = 0
	}
	if c.ObjectSize == 0 {
		c.ObjectSize = 16 << 20
	}
	if c.Fetcher == "" {
		c.Fetcher = FetcherApp
		if c.Target == TargetRelay || c.Scenario == ScenarioRelay {
			c.Fetcher = FetcherGen
		}
	}
	if c.Timeout == 0 {
		c.Timeout = time.Second
	}
	if c.StallTimeout == 0 {
		c.StallTimeout = 5 * time.Second
	}
	if c.Repeat == 0 {
		c.Repeat = 1
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
}

// maxPayload keeps the largest Data (with a 32-component name and an LP
// header) under ndn.MaxPacketSize.
const maxPayload = ndn.MaxPacketSize - 600

// Validate applies the defaults and checks every knob; errors wrap ErrConfig
// and name the knob as its flag is spelled.
func (c *Config) Validate() error {
	c.applyDefaults()
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: %s", ErrConfig, fmt.Sprintf(format, a...))
	}
	if !slices.Contains([]string{ScenarioFwd, ScenarioRelay, ScenarioFetch}, c.Scenario) {
		return bad("unknown scenario %q (want fwd, relay or fetch)", c.Scenario)
	}
	if !slices.Contains([]string{"unix", "udp", "tcp", "memory"}, c.Transport) {
		return bad("--transport %q: want unix, udp, tcp or memory", c.Transport)
	}
	switch c.Target {
	case TargetInternal, TargetRelay, TargetInproc:
	default:
		ep, err := parseEndpoint(c.Target)
		if err != nil {
			return bad("--target %q: want internal, relay or a FaceUri such as unix:///run/nfd/nfd.sock (%v)", c.Target, err)
		}
		if ep.kind != c.Transport {
			return bad("--transport %s contradicts --target %s", c.Transport, c.Target)
		}
	}
	if c.Transport == "memory" && c.Target != TargetRelay && c.Target != TargetInproc {
		return bad("--transport memory needs --target inproc or relay")
	}
	if c.Target == TargetRelay && c.Scenario == ScenarioRelay {
		return bad("the relay scenario compares a forwarder target with the relay; --target relay makes no sense there")
	}
	switch {
	case c.Flows < 1 || c.Flows > 1024:
		return bad("--flows %d: want 1..1024", c.Flows)
	case c.NameLen < 4 || c.NameLen > ndn.MaxNameComponents:
		return bad("--name-len %d: want 4..%d components", c.NameLen, ndn.MaxNameComponents)
	case c.Payload < 0 || c.Payload > maxPayload:
		return bad("--payload %d: want 0..%d octets", c.Payload, maxPayload)
	case c.Window < 1 || c.Window > 4096:
		return bad("--window %d: want 1..4096", c.Window)
	case c.FIBSize < 0 || c.FIBSize > 1_000_000:
		return bad("--fib-size %d: want 0..1000000", c.FIBSize)
	case c.CSHit < 0 || c.CSHit > 1:
		return bad("--cs-hit %v: want a fraction in [0, 1]", c.CSHit)
	case c.CSSet < 1 || c.CSSet > 1<<20:
		return bad("--cs-set %d: want 1..%d", c.CSSet, 1<<20)
	case c.CSHit > 0 && c.CSSet < c.Window:
		return bad("--cs-set %d is smaller than --window %d (a name would be asked again while still pending)", c.CSSet, c.Window)
	case c.Duration < 0:
		return bad("--duration %v must be positive", c.Duration)
	case c.ObjectSize < 1:
		return bad("--object-size %d must be positive", c.ObjectSize)
	case c.Scenario == ScenarioFetch && c.Payload < 1:
		return bad("--payload must be at least 1 for fetch (it is the segment size)")
	case c.Fetcher != FetcherApp && c.Fetcher != FetcherGen:
		return bad("--fetcher %q: want app or gen", c.Fetcher)
	case c.Scenario == ScenarioFetch && c.Fetcher == FetcherApp && c.Target == TargetRelay:
		return bad("--fetcher app cannot go through the relay (it registers prefixes); use --fetcher gen")
	case c.Timeout < 10*time.Millisecond:
		return bad("--timeout %v: want at least 10ms", c.Timeout)
	case c.StallTimeout < c.Timeout:
		return bad("stall timeout %v is shorter than --timeout %v", c.StallTimeout, c.Timeout)
	case c.Repeat < 1 || c.Repeat > 1000:
		return bad("--repeat %d: want 1..1000", c.Repeat)
	}
	needChild := c.Target == TargetInternal || c.Scenario == ScenarioRelay || (c.Target == TargetRelay && c.Transport != "memory")
	if needChild && c.Spawn == nil {
		return bad("no way to start child processes (Config.Spawn is nil)")
	}
	return nil
}

// label returns the display name of a target.
func (c *Config) label(target string) string {
	switch {
	case target == TargetRelay:
		return "relay"
	case c.Label != "":
		return c.Label
	case target == TargetInternal:
		return "ndnflow"
	case target == TargetInproc:
		return "ndnflow-inproc"
	}
	return target
}
