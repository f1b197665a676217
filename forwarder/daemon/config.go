// Package daemon runs a forwarder as `ndnflow fw` does: it loads the YAML
// configuration (docs/config.md), opens the listeners, dials the static
// faces, installs routes and strategy choices, and shuts it all down.
package daemon

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/ndnflow/ndnflow/face"
	"github.com/ndnflow/ndnflow/forwarder"
	"github.com/ndnflow/ndnflow/forwarder/pitcs"
	"github.com/ndnflow/ndnflow/forwarder/strategy"
	"github.com/ndnflow/ndnflow/ndn"
)

// Config is the configuration file. Every field's zero value means its
// documented default (docs/config.md); listener lists distinguish absent
// (defaults) from empty (disabled).
type Config struct {
	Forwarder ForwarderSection `yaml:"forwarder"`
	Tables    TablesSection    `yaml:"tables"`
	Listeners ListenersSection `yaml:"listeners"`
	Faces     []FaceSection    `yaml:"faces"`
	Routes    []RouteSection   `yaml:"routes"`
	Strategy  []StrategyChoice `yaml:"strategy_choice"`

	Verification VerificationSection `yaml:"verification"`
	// Management configures the NFD management server (mgmt.go).
	Management ManagementSection `yaml:"management"`
	// RIB configures readvertisement (readvertise.go).
	RIB RIBSection `yaml:"rib"`
	// HTTP is the HOST:PORT of the status page and /metrics; "" is off.
	HTTP string `yaml:"http"`
}

// ForwarderSection configures the data plane.
type ForwarderSection struct {
	// Threads is the number of forwarding shards; 0: GOMAXPROCS.
	Threads int `yaml:"threads"`
	// DispatchDepth is K, the name components hashed to pick a shard; 0: 2.
	DispatchDepth int `yaml:"dispatch_depth"`
	// FaceQueue is each face's send queue length in packets; 0: 1024.
	FaceQueue int `yaml:"face_queue"`
}

// TablesSection configures the tables.
type TablesSection struct {
	PitMaxEntries     int      `yaml:"pit_max_entries"`
	CsMaxPackets      *int     `yaml:"cs_max_packets"`
	CsMaxBytes        int64    `yaml:"cs_max_bytes"`
	CsPolicy          string   `yaml:"cs_policy"`
	CsAdmit           *bool    `yaml:"cs_admit"`
	CsServe           *bool    `yaml:"cs_serve"`
	CsUnsolicited     string   `yaml:"cs_unsolicited_policy"`
	DeadNonceLifetime Duration `yaml:"dead_nonce_lifetime"`
	DeadNonceCapacity int      `yaml:"dead_nonce_capacity"`
}

// ListenersSection lists listener addresses per kind; nil means the
// default, an empty list disables the kind.
type ListenersSection struct {
	Unix      *[]string `yaml:"unix"`
	UDP       *[]string `yaml:"udp"`
	TCP       *[]string `yaml:"tcp"`
	WebSocket *[]string `yaml:"websocket"`
}

// FaceSection is a static face.
type FaceSection struct {
	// URI is a FaceUri: udp4://host:port, tcp4://…, unix:///path, ws://…,
	// udp4://<group>:<port> (multicast), ether://[<mac>].
	URI string `yaml:"uri"`
	// Persistency is persistent (default; permanent for multicast faces)
	// or permanent.
	Persistency string `yaml:"persistency"`
	// Local is NFD's LocalUri dev://<ifname>: the network interface of a
	// multicast UDP face or an Ethernet face, required for them and only
	// for them.
	Local string `yaml:"local"`
	// Interface is <ifname>, the same as Local dev://<ifname>.
	Interface string `yaml:"interface"`
}

// ifname returns the interface of Local or Interface.
func (fs FaceSection) ifname() string {
	if fs.Local != "" {
		return strings.TrimPrefix(fs.Local, "dev://")
	}
	return fs.Interface
}

// key identifies a static face for routes: its URI, and its interface
// when it has one.
func (fs FaceSection) key() string { return faceKey(fs.URI, fs.ifname()) }

func faceKey(uri, ifname string) string {
	if ifname == "" {
		return uri
	}
	return uri + " dev://" + ifname
}

// RouteSection is a static route: a prefix through a static face.
type RouteSection struct {
	Prefix string `yaml:"prefix"`
	// Face is the URI of a face in the faces list.
	Face string `yaml:"face"`
	// Local is dev://<ifname> when several faces have the URI Face (the
	// same multicast group on several interfaces).
	Local string `yaml:"local"`
	Cost  uint64 `yaml:"cost"`
}

// StrategyChoice sets a strategy for a prefix.
type StrategyChoice struct {
	Prefix   string `yaml:"prefix"`
	Strategy string `yaml:"strategy"`
}

// Duration is a time.Duration written as "6s", "500ms".
type Duration time.Duration

// UnmarshalYAML implements yaml.Unmarshaler.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if err != nil || v < 0 {
		return fmt.Errorf("line %d: %q is not a duration such as 6s or 500ms", n.Line, n.Value)
	}
	*d = Duration(v)
	return nil
}

// Default listener addresses.
var (
	DefaultUnix      = []string{face.DefaultUnixPath}
	DefaultUDP       = []string{"0.0.0.0:6363"}
	DefaultTCP       = []string{":6363"}
	DefaultWebSocket = []string{":9696"}
)

// Load reads and checks a configuration file.
func Load(path string) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	c, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	return c, nil
}

// Parse decodes and checks a configuration; unknown keys are errors.
func Parse(b []byte) (*Config, error) {
	var c Config
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
		var te *yaml.TypeError
		if errors.As(err, &te) && len(te.Errors) > 0 {
			return nil, fmt.Errorf("%s", te.Errors[0])
		}
		return nil, err
	}
	if err := c.Check(); err != nil {
		return nil, err
	}
	return &c, nil
}

// Check validates values that YAML typing cannot; errors name the key.
func (c *Config) Check() error {
	t := &c.Tables
	if c.Forwarder.Threads < 0 || c.Forwarder.Threads > 255 {
		return fmt.Errorf("forwarder.threads: %d is not in 0..255", c.Forwarder.Threads)
	}
	if c.Forwarder.DispatchDepth < 0 || c.Forwarder.DispatchDepth > 32 {
		return fmt.Errorf("forwarder.dispatch_depth: %d is not in 0..32", c.Forwarder.DispatchDepth)
	}
	if c.Forwarder.FaceQueue < 0 {
		return fmt.Errorf("forwarder.face_queue: negative")
	}
	if t.PitMaxEntries < 0 {
		return fmt.Errorf("tables.pit_max_entries: negative")
	}
	if t.CsMaxPackets != nil && *t.CsMaxPackets < 0 {
		return fmt.Errorf("tables.cs_max_packets: negative")
	}
	if t.CsMaxBytes < 0 {
		return fmt.Errorf("tables.cs_max_bytes: negative")
	}
	if _, ok := pitcs.ParsePolicy(t.CsPolicy); !ok {
		return fmt.Errorf("tables.cs_policy: %q is not lru or arc", t.CsPolicy)
	}
	if _, ok := forwarder.ParseUnsolicitedPolicy(t.CsUnsolicited); !ok {
		return fmt.Errorf("tables.cs_unsolicited_policy: %q is not drop-all, admit-local, admit-network or admit-all", t.CsUnsolicited)
	}
	if t.DeadNonceCapacity < 0 {
		return fmt.Errorf("tables.dead_nonce_capacity: negative")
	}
	keys := map[string]bool{}
	uris := map[string]int{} // faces per URI
	for k, f := range c.Faces {
		if f.URI == "" {
			return fmt.Errorf("faces[%d].uri: missing", k)
		}
		if f.Persistency != "" && f.Persistency != "persistent" && f.Persistency != "permanent" {
			return fmt.Errorf("faces[%d].persistency: %q is not persistent or permanent", k, f.Persistency)
		}
		if f.Local != "" && (!strings.HasPrefix(f.Local, "dev://") || f.Local == "dev://") {
			return fmt.Errorf("faces[%d].local: %q is not dev://<interface>", k, f.Local)
		}
		if f.Local != "" && f.Interface != "" {
			return fmt.Errorf("faces[%d].interface: give local or interface, not both", k)
		}
		kind, _, err := faceKind(f.URI)
		if err != nil {
			return fmt.Errorf("faces[%d].uri: %w", k, err)
		}
		if (kind == kindMulticast || kind == kindEthernet) != (f.ifname() != "") {
			return fmt.Errorf("faces[%d].local: dev://<interface> required for multicast UDP and Ethernet faces, and only for them", k)
		}
		if f.multiAccess() && f.Persistency == "persistent" {
			return fmt.Errorf("faces[%d].persistency: multicast faces are permanent", k)
		}
		if keys[f.key()] {
			return fmt.Errorf("faces[%d]: %s is already in faces", k, f.key())
		}
		keys[f.key()] = true
		uris[f.URI]++
	}
	for k, r := range c.Routes {
		if _, err := ndn.ParseName(r.Prefix); err != nil || r.Prefix == "" {
			return fmt.Errorf("routes[%d].prefix: %q is not a name", k, r.Prefix)
		}
		switch {
		case r.Local != "":
			if !keys[faceKey(r.Face, strings.TrimPrefix(r.Local, "dev://"))] {
				return fmt.Errorf("routes[%d]: no face %q with local %q in faces", k, r.Face, r.Local)
			}
		case uris[r.Face] == 0:
			return fmt.Errorf("routes[%d].face: %q is not the uri of a face in faces", k, r.Face)
		case uris[r.Face] > 1:
			return fmt.Errorf("routes[%d].local: %q is the uri of several faces; say which with local: dev://<interface>", k, r.Face)
		}
	}
	if c.RIB.ReadvertiseNLSR && c.Management.Disabled {
		return fmt.Errorf("rib.readvertise_nlsr: needs the management server (management.disabled is true)")
	}
	if err := c.checkVerification(); err != nil {
		return err
	}
	for k, s := range c.Strategy {
		if _, err := ndn.ParseName(s.Prefix); err != nil || s.Prefix == "" {
			return fmt.Errorf("strategy_choice[%d].prefix: %q is not a name", k, s.Prefix)
		}
		n, err := strategy.ParseName(s.Strategy)
		if err == nil {
			_, err = strategy.New(n)
		}
		if err != nil {
			return fmt.Errorf("strategy_choice[%d].strategy: %w", k, err)
		}
	}
	return nil
}

// ForwarderConfig returns the forwarder.Config the file describes.
func (c *Config) ForwarderConfig() forwarder.Config {
	t := &c.Tables
	fc := forwarder.Config{
		Shards:            c.Forwarder.Threads,
		DispatchDepth:     c.Forwarder.DispatchDepth,
		FaceQueueLen:      c.Forwarder.FaceQueue,
		PitCapacity:       t.PitMaxEntries,
		CsCapacityBytes:   t.CsMaxBytes,
		DeadNonceLifetime: time.Duration(t.DeadNonceLifetime),
		DeadNonceCapacity: t.DeadNonceCapacity,
		VerifyWorkers:     c.Verification.Workers,
		VerifyQueue:       c.Verification.Queue,
	}
	if t.CsMaxPackets != nil {
		fc.CsCapacity = *t.CsMaxPackets
		if fc.CsCapacity == 0 {
			fc.CsCapacity = -1
		}
	}
	fc.CsNoAdmit = t.CsAdmit != nil && !*t.CsAdmit
	fc.CsNoServe = t.CsServe != nil && !*t.CsServe
	fc.Unsolicited, _ = forwarder.ParseUnsolicitedPolicy(t.CsUnsolicited)
	fc.CsPolicy, _ = pitcs.ParsePolicy(t.CsPolicy)
	return fc
}

func listOr(l *[]string, def []string) []string {
	if l == nil {
		return def
	}
	var out []string
	for _, s := range *l {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}
