package security

import (
	"container/list"
	"fmt"
	"sync"
	"time"

	"github.com/ndnflow/ndnflow/ndn"
)

// ReplayOptions configure a ReplayChecker. The zero value is NFD's
// command-Interest policy (ndn-protocols.md §4.1).
type ReplayOptions struct {
	// Grace is how far SignatureTime may be from now, either way. Default 2 min.
	Grace time.Duration
	// RecordLifetime is how long a key's record is kept after its last
	// accepted Interest. Default 1 h.
	RecordLifetime time.Duration
	// MaxKeys bounds the number of keys remembered; the least recently used
	// key is forgotten first. Default 1000.
	MaxKeys int
	// MaxNonces bounds the SignatureNonces remembered per key; the oldest is
	// forgotten first. Default 256.
	MaxNonces int
	// TimeOptional accepts Interests without SignatureTime. By default (as
	// in NFD) SignatureTime is required.
	TimeOptional bool
	// Now is the clock. Default time.Now.
	Now func() time.Time
}

func (o *ReplayOptions) applyDefaults() {
	if o.Grace <= 0 {
		o.Grace = 2 * time.Minute
	}
	if o.RecordLifetime <= 0 {
		o.RecordLifetime = time.Hour
	}
	if o.MaxKeys <= 0 {
		o.MaxKeys = 1000
	}
	if o.MaxNonces <= 0 {
		o.MaxNonces = 256
	}
	if o.Now == nil {
		o.Now = time.Now
	}
}

// ReplayChecker enforces the signed-Interest replay rules per signing key
// (ndn-protocols.md §1.7): SignatureTime within ±Grace of now and strictly
// increasing, SignatureNonce not seen before, SignatureSeqNum strictly
// increasing. Memory is bounded by MaxKeys × MaxNonces. It is safe for
// concurrent use.
type ReplayChecker struct {
	opts ReplayOptions

	mu   sync.Mutex // guards keys and lru
	keys map[string]*list.Element
	lru  *list.List // of *replayRecord, most recent at the front
}

type replayRecord struct {
	key      string
	lastUsed time.Time
	hasTime  bool
	time     uint64
	hasSeq   bool
	seq      uint64
	nonces   map[string]struct{}
	order    []string // ring of nonces, oldest at next
	next     int
}

// NewReplayChecker returns a checker with options o (defaults applied).
func NewReplayChecker(o ReplayOptions) *ReplayChecker {
	o.applyDefaults()
	return &ReplayChecker{opts: o, keys: make(map[string]*list.Element), lru: list.New()}
}

// replayKey identifies the signing key of si.
func replayKey(si *ndn.SigInfo) string {
	if len(si.KeyLocator.Digest) > 0 {
		return "d" + string(si.KeyLocator.Digest)
	}
	return "n" + string(si.KeyLocator.Name.Value())
}

// Len returns the number of keys remembered.
func (c *ReplayChecker) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Len()
}

// Check applies the replay rules to a signed Interest's SigInfo and, if it
// passes, records it. Call it only after the signature has verified, so that
// forged Interests cannot advance a key's record. It returns an error
// wrapping ErrReplay or ErrNoTime.
func (c *ReplayChecker) Check(si *ndn.SigInfo) error {
	now := c.opts.Now()
	if !si.HasTime && !c.opts.TimeOptional {
		return ErrNoTime
	}
	if si.HasTime {
		t := time.UnixMilli(int64(min(si.Time, 1<<62)))
		if d := t.Sub(now); d > c.opts.Grace || d < -c.opts.Grace {
			return fmt.Errorf("%w: SignatureTime %s is %s from now (grace %s)", ErrReplay,
				t.UTC().Format(time.RFC3339Nano), d.Round(time.Millisecond), c.opts.Grace)
		}
	}
	key := replayKey(si)

	c.mu.Lock()
	defer c.mu.Unlock()
	var r *replayRecord
	if e, ok := c.keys[key]; ok {
		r = e.Value.(*replayRecord)
		if now.Sub(r.lastUsed) > c.opts.RecordLifetime {
			c.lru.Remove(e)
			delete(c.keys, key)
			r = nil
		}
	}
	if r != nil {
		if si.HasTime && r.hasTime && si.Time <= r.time {
			return fmt.Errorf("%w: SignatureTime %d not after %d", ErrReplay, si.Time, r.time)
		}
		if si.HasSeqNum && r.hasSeq && si.SeqNum <= r.seq {
			return fmt.Errorf("%w: SignatureSeqNum %d not after %d", ErrReplay, si.SeqNum, r.seq)
		}
		if len(si.Nonce) > 0 {
			if _, seen := r.nonces[string(si.Nonce)]; seen {
				return fmt.Errorf("%w: SignatureNonce %x reused", ErrReplay, si.Nonce)
			}
		}
		c.lru.MoveToFront(c.keys[key])
	} else {
		for c.lru.Len() >= c.opts.MaxKeys {
			old := c.lru.Back()
			c.lru.Remove(old)
			delete(c.keys, old.Value.(*replayRecord).key)
		}
		r = &replayRecord{key: key}
		c.keys[key] = c.lru.PushFront(r)
	}
	r.lastUsed = now
	if si.HasTime {
		r.time, r.hasTime = si.Time, true
	}
	if si.HasSeqNum {
		r.seq, r.hasSeq = si.SeqNum, true
	}
	if len(si.Nonce) > 0 {
		r.addNonce(string(si.Nonce), c.opts.MaxNonces)
	}
	return nil
}

func (r *replayRecord) addNonce(n string, limit int) {
	if r.nonces == nil {
		r.nonces = make(map[string]struct{})
	}
	if len(r.order) < limit {
		r.order = append(r.order, n)
	} else {
		delete(r.nonces, r.order[r.next])
		r.order[r.next] = n
		r.next = (r.next + 1) % limit
	}
	r.nonces[n] = struct{}{}
}
