package forwarder

import (
	"log/slog"
	"runtime"
	"time"

	"github.com/ndnflow/ndnflow/face"
	"github.com/ndnflow/ndnflow/forwarder/pitcs"
)

// UnsolicitedPolicy says what happens to Data that matches no PIT entry
// (ndn-protocols.md §5.1 Data unsolicited).
type UnsolicitedPolicy uint8

// UnsolicitedPolicy values; the zero value is NFD's default, drop-all.
const (
	UnsolicitedDropAll UnsolicitedPolicy = iota
	UnsolicitedAdmitLocal
	UnsolicitedAdmitNetwork
	UnsolicitedAdmitAll
)

// ParseUnsolicitedPolicy parses the NFD names drop-all, admit-local,
// admit-network and admit-all.
func ParseUnsolicitedPolicy(s string) (UnsolicitedPolicy, bool) {
	switch s {
	case "drop-all", "":
		return UnsolicitedDropAll, true
	case "admit-local":
		return UnsolicitedAdmitLocal, true
	case "admit-network":
		return UnsolicitedAdmitNetwork, true
	case "admit-all":
		return UnsolicitedAdmitAll, true
	}
	return 0, false
}

func (p UnsolicitedPolicy) String() string {
	return [...]string{"drop-all", "admit-local", "admit-network", "admit-all"}[p&3]
}

// Config configures a Forwarder. The zero value is usable.
type Config struct {
	// Shards is the number of forwarding goroutines; default GOMAXPROCS,
	// at most 255.
	Shards int
	// DispatchDepth is K, the number of leading name components whose hash
	// picks an Interest's shard; default 2.
	DispatchDepth int
	// PitCapacity bounds the PIT entries of the whole forwarder (split
	// evenly between shards); default 1<<20. Interests that would need a
	// new entry beyond it are dropped and counted.
	PitCapacity int
	// CsCapacity is the CS capacity in Data packets (split between shards);
	// default 65536; negative disables the CS.
	CsCapacity int
	// CsCapacityBytes bounds the CS in bytes of Data (split between
	// shards); default 1 GiB.
	CsCapacityBytes int64
	// CsPolicy is the CS replacement policy: pitcs.PolicyLRU (default) or
	// pitcs.PolicyARC.
	CsPolicy pitcs.Policy
	// CsNoAdmit and CsNoServe turn off admitting Data to the CS and serving
	// Interests from it (NFD cs/config flags); both default to false.
	CsNoAdmit, CsNoServe bool
	// Unsolicited is the unsolicited-Data policy; default drop-all.
	Unsolicited UnsolicitedPolicy
	// DeadNonceLifetime defaults to 6 s.
	DeadNonceLifetime time.Duration
	// DeadNonceCapacity is the dead-nonce-list capacity per shard; default 65536.
	DeadNonceCapacity int
	// Pool supplies face buffers; default a new face.Pool.
	Pool *face.Pool
	// FaceQueueLen is the send queue length of faces made by AddFace;
	// default face's (1024).
	FaceQueueLen int
	// Verify lists per-prefix signature verification rules (off when
	// empty): Data under a rule's prefix is verified before it is cached
	// or forwarded, by VerifyWorkers goroutines beside the shards; invalid
	// Data is dropped and counted per reason (VerifyCounters).
	Verify []VerifyRule
	// VerifyWorkers defaults to GOMAXPROCS.
	VerifyWorkers int
	// VerifyQueue is the number of Data waiting for verification; more
	// are dropped (VerifyCounters.QueueFull). Default 1024.
	VerifyQueue int
	// Logger defaults to slog.Default().
	Logger *slog.Logger
}

func (c *Config) applyDefaults() {
	if c.Shards <= 0 {
		c.Shards = runtime.GOMAXPROCS(0)
	}
	c.Shards = min(c.Shards, 255)
	if c.DispatchDepth <= 0 {
		c.DispatchDepth = 2
	}
	if c.PitCapacity <= 0 {
		c.PitCapacity = 1 << 20
	}
	if c.CsCapacity == 0 {
		c.CsCapacity = 65536
	}
	if c.CsCapacityBytes <= 0 {
		c.CsCapacityBytes = 1 << 30
	}
	if c.DeadNonceLifetime <= 0 {
		c.DeadNonceLifetime = 6 * time.Second
	}
	if c.Pool == nil {
		c.Pool = face.NewPool()
	}
	if c.VerifyWorkers <= 0 {
		c.VerifyWorkers = runtime.GOMAXPROCS(0)
	}
	if c.VerifyQueue <= 0 {
		c.VerifyQueue = 1024
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
}
