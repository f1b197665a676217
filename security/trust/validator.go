// Package trust validates signed Data and Interests against trust anchors
// and a policy: it follows KeyLocators to certificates (anchors, a cache,
// or fetched through a Fetcher), checks each certificate's validity period
// and every signature on the way, and asks the Policy whether each key may
// sign what it signed. Policies: Hierarchical, Schema (rule-based, see
// docs/security.md) and AcceptAll.
package trust

import (
	"container/list"
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/ndnflow/ndnflow/ndn"
	"github.com/ndnflow/ndnflow/security"
	"github.com/ndnflow/ndnflow/security/cert"
)

// Fetcher retrieves a Data for an Interest; an application face implements
// it. It must be safe for concurrent use and honour ctx.
type Fetcher interface {
	Fetch(ctx context.Context, i *ndn.Interest) (*ndn.Data, error)
}

// FetcherFunc adapts a function to Fetcher.
type FetcherFunc func(ctx context.Context, i *ndn.Interest) (*ndn.Data, error)

// Fetch implements Fetcher.
func (f FetcherFunc) Fetch(ctx context.Context, i *ndn.Interest) (*ndn.Data, error) { return f(ctx, i) }

// Options configure a Validator. The zero value validates hierarchically
// against no anchors (so rejects everything until anchors are added).
type Options struct {
	// Policy decides which key may sign which name. Default Hierarchical.
	Policy Policy
	// Anchors are the trusted certificates; chains must end at one.
	Anchors []*cert.Certificate
	// Fetcher retrieves certificates not in the anchors or the cache by
	// expressing an Interest for the KeyLocator name (CanBePrefix,
	// MustBeFresh). Nil means no retrieval.
	Fetcher Fetcher
	// MaxDepth is the most certificates a chain may have below the anchor,
	// counting the anchor's child as 1. Default 5.
	MaxDepth int
	// CacheSize bounds the verified certificates kept. Default 1000.
	CacheSize int
	// FetchLifetime is the InterestLifetime of certificate fetches. Default 4 s.
	FetchLifetime time.Duration
	// Replay, if set, is applied by ValidateInterest after the signature
	// chain validates.
	Replay *security.ReplayChecker
	// Now is the clock for validity periods. Default time.Now.
	Now func() time.Time
}

// Validator validates packets. It is safe for concurrent use.
type Validator struct {
	opts Options

	mu      sync.Mutex // guards anchors and the cache
	anchors []*cert.Certificate
	cache   map[string]*list.Element // certificate name wire -> element of lru
	lru     *list.List               // of *cert.Certificate, most recent first
}

// NewValidator returns a validator with options o (defaults applied).
func NewValidator(o Options) *Validator {
	if o.Policy == nil {
		o.Policy = Hierarchical{}
	}
	if o.MaxDepth <= 0 {
		o.MaxDepth = 5
	}
	if o.CacheSize <= 0 {
		o.CacheSize = 1000
	}
	if o.FetchLifetime <= 0 {
		o.FetchLifetime = 4 * time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	v := &Validator{opts: o, cache: make(map[string]*list.Element), lru: list.New()}
	v.anchors = append(v.anchors, o.Anchors...)
	return v
}

// AddAnchor adds a trust anchor.
func (v *Validator) AddAnchor(c *cert.Certificate) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.anchors = append(v.anchors, c)
}

// AddCert puts a certificate in the cache, saving a fetch (for example the
// producer's own certificate chain). It is still verified when used.
func (v *Validator) AddCert(c *cert.Certificate) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.cacheLocked(c)
}

func (v *Validator) cacheLocked(c *cert.Certificate) {
	k := string(c.Name().Value())
	if e, ok := v.cache[k]; ok {
		v.lru.MoveToFront(e)
		return
	}
	for v.lru.Len() >= v.opts.CacheSize {
		old := v.lru.Back()
		v.lru.Remove(old)
		delete(v.cache, string(old.Value.(*cert.Certificate).Name().Value()))
	}
	v.cache[k] = v.lru.PushFront(c)
}

// matches reports whether certificate c is what KeyLocator kl designates.
func matches(c *cert.Certificate, kl ndn.KeyLocator) bool {
	if len(kl.Digest) > 0 {
		d := c.PublicKey.Digest()
		return string(d[:]) == string(kl.Digest)
	}
	return kl.Name.IsPrefixOf(c.Name()) && c.KeyName().IsPrefixOf(kl.Name)
}

// lookup finds an anchor or cached certificate for kl.
func (v *Validator) lookup(kl ndn.KeyLocator) (c *cert.Certificate, anchor bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	for _, a := range v.anchors {
		if matches(a, kl) {
			return a, true
		}
	}
	if len(kl.Digest) > 0 {
		return nil, false
	}
	// The cache is keyed by certificate name; a key-name locator needs a scan,
	// bounded by CacheSize. Prefer the exact certificate name.
	if e, ok := v.cache[string(kl.Name.Value())]; ok {
		v.lru.MoveToFront(e)
		return e.Value.(*cert.Certificate), false
	}
	for e := v.lru.Front(); e != nil; e = e.Next() {
		if c := e.Value.(*cert.Certificate); matches(c, kl) {
			v.lru.MoveToFront(e)
			return c, false
		}
	}
	return nil, false
}

func (v *Validator) fetch(ctx context.Context, kl ndn.Name) (*cert.Certificate, error) {
	if v.opts.Fetcher == nil {
		return nil, errors.New("no fetcher configured")
	}
	var nonce [4]byte
	_, _ = rand.Read(nonce[:])
	i := &ndn.Interest{Name: kl, CanBePrefix: true, MustBeFresh: true,
		Nonce: binary.BigEndian.Uint32(nonce[:]), HasNonce: true, Lifetime: v.opts.FetchLifetime}
	if _, err := i.Encode(); err != nil {
		return nil, err
	}
	d, err := v.opts.Fetcher.Fetch(ctx, i)
	if err != nil {
		return nil, err
	}
	c, err := cert.FromData(d)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidCert, err)
	}
	if !matches(c, ndn.KeyLocator{Name: kl}) {
		return nil, fmt.Errorf("%w: fetched %s does not match KeyLocator %s", ErrInvalidCert, c.Name(), kl)
	}
	return c, nil
}

// link is one signed thing in a chain: a packet or a certificate.
type link struct {
	name    ndn.Name
	sigInfo *ndn.SigInfo
	portion []byte
	sig     []byte
}

// ValidateData validates a decoded Data.
func (v *Validator) ValidateData(ctx context.Context, d *ndn.Data) error {
	return v.validate(ctx, link{name: d.Name, sigInfo: &d.SigInfo, portion: d.SignedPortion(), sig: d.SigValue})
}

// ValidateInterest validates a decoded signed Interest (v0.3 or v0.2): the
// policy sees the Interest name without its signature components. With
// Options.Replay set it then applies the replay rules.
func (v *Validator) ValidateInterest(ctx context.Context, i *ndn.Interest) (security.SignedInterest, error) {
	s, err := security.ParseSignedInterest(i, nil)
	if err != nil {
		return s, &RejectError{Packet: i.Name, Err: err}
	}
	if err := v.validate(ctx, link{name: s.Name, sigInfo: &s.SigInfo, portion: s.Portion, sig: s.Value}); err != nil {
		return s, err
	}
	if v.opts.Replay != nil {
		if err := v.opts.Replay.Check(&s.SigInfo); err != nil {
			return s, &RejectError{Packet: s.Name, Key: s.SigInfo.KeyLocator.Name, Err: err}
		}
	}
	return s, nil
}

func (v *Validator) validate(ctx context.Context, l link) error {
	now := v.opts.Now()
	var fetched []*cert.Certificate
	seen := map[string]bool{}
	for depth := 0; ; depth++ {
		kl := l.sigInfo.KeyLocator
		rej := &RejectError{Packet: l.name, Key: kl.Name, Depth: depth}
		if depth > v.opts.MaxDepth {
			rej.Err = fmt.Errorf("%w: limit %d", ErrDepth, v.opts.MaxDepth)
			return rej
		}
		switch l.sigInfo.Type {
		case ndn.SigDigestSha256, ndn.SigNull:
			rej.Err = fmt.Errorf("%w: %s", ErrNoKeyLocator, cert.SigTypeName(l.sigInfo.Type))
			return rej
		}
		if kl.IsEmpty() {
			rej.Err = ErrNoKeyLocator
			return rej
		}
		if kl.Name.IsEmpty() {
			// KeyDigest: only an anchor can be found by digest.
			c, ok := v.lookup(kl)
			if !ok {
				rej.Err = fmt.Errorf("%w: KeyDigest %x matches no trust anchor", ErrNoKeyLocator, kl.Digest)
				return rej
			}
			rej.Cert = c.Name()
			if _, err := v.opts.Policy.Check(l.name, c.KeyName()); err != nil {
				rej.Err = err
				return rej
			}
			return v.finish(rej, l, c, now, true, fetched)
		}
		rule, err := v.opts.Policy.Check(l.name, kl.Name)
		rej.Rule = rule
		if err != nil {
			rej.Err = err
			return rej
		}
		c, anchor := v.lookup(kl)
		if c == nil {
			c, err = v.fetch(ctx, kl.Name)
			if err != nil {
				if !errors.Is(err, ErrInvalidCert) {
					err = fmt.Errorf("%w: %s: %v", ErrCertNotFound, kl.Name, err)
				}
				rej.Err = err
				return rej
			}
			fetched = append(fetched, c)
		}
		rej.Cert = c.Name()
		if anchor {
			return v.finish(rej, l, c, now, true, fetched)
		}
		if err := v.finish(rej, l, c, now, false, nil); err != nil {
			return err
		}
		key := string(c.Name().Value())
		if seen[key] || c.IsSelfSigned() {
			rej.Err = fmt.Errorf("%w: %s is self-signed or repeats in the chain", ErrNoAnchor, c.Name())
			return rej
		}
		seen[key] = true
		l = link{name: c.Name(), sigInfo: &c.Data.SigInfo, portion: c.Data.SignedPortion(), sig: c.Data.SigValue}
	}
}

// finish checks the signer certificate's validity and l's signature; at the
// anchor it also caches the certificates fetched on the way.
func (v *Validator) finish(rej *RejectError, l link, c *cert.Certificate, now time.Time, anchor bool, fetched []*cert.Certificate) error {
	if err := c.CheckValidity(now); err != nil {
		rej.Err = fmt.Errorf("%w: %w", ErrInvalidCert, err)
		return rej
	}
	if err := c.PublicKey.Verify(l.sigInfo.Type, l.portion, l.sig); err != nil {
		rej.Err = fmt.Errorf("%w: %w", ErrSignature, err)
		return rej
	}
	if anchor && len(fetched) > 0 {
		v.mu.Lock()
		for _, f := range fetched {
			v.cacheLocked(f)
		}
		v.mu.Unlock()
	}
	return nil
}
