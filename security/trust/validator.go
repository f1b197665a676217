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
	// CacheSize bounds the certificates kept. Default 1000.
	CacheSize int
	// VerifiedLifetime is how long a certificate whose chain reached an
	// anchor is trusted without walking the chain again (its own validity
	// period and the signatures it is used for are still checked every
	// time). Default 1 h.
	VerifiedLifetime time.Duration
	// FetchLifetime is the InterestLifetime of certificate fetches. Default 4 s.
	FetchLifetime time.Duration
	// AcceptDigest accepts DigestSha256 signatures on the packet itself
	// (not in a certificate chain) after checking the digest. That proves
	// integrity only, not origin; NDNts producers sign with it by default.
	// By default such packets are rejected with ErrNoKeyLocator.
	AcceptDigest bool
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
	cache   map[string]*list.Element // certificate name value -> element of lru
	byKey   map[string]*list.Element // key name value -> newest cached certificate of the key
	lru     *list.List               // of *cacheEntry, most recent first
}

// cacheEntry is a cached certificate. A verified one chained to an anchor
// at verifiedAt; until then plus Options.VerifiedLifetime the validator
// stops there instead of walking on to the anchor.
type cacheEntry struct {
	c          *cert.Certificate
	verified   bool
	verifiedAt time.Time
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
	if o.VerifiedLifetime <= 0 {
		o.VerifiedLifetime = time.Hour
	}
	if o.FetchLifetime <= 0 {
		o.FetchLifetime = 4 * time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	v := &Validator{opts: o, cache: make(map[string]*list.Element), byKey: make(map[string]*list.Element), lru: list.New()}
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
// producer's own certificate chain). It is not trusted for that: the first
// validation that uses it still walks its chain to an anchor.
func (v *Validator) AddCert(c *cert.Certificate) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.cacheLocked(c, time.Time{})
}

// cacheLocked adds or refreshes c; a non-zero verifiedAt marks it verified.
func (v *Validator) cacheLocked(c *cert.Certificate, verifiedAt time.Time) {
	k := string(c.Name().Value())
	if e, ok := v.cache[k]; ok {
		v.lru.MoveToFront(e)
		if !verifiedAt.IsZero() {
			ce := e.Value.(*cacheEntry)
			ce.verified, ce.verifiedAt = true, verifiedAt
		}
		return
	}
	for v.lru.Len() >= v.opts.CacheSize {
		old := v.lru.Back()
		v.lru.Remove(old)
		oc := old.Value.(*cacheEntry).c
		delete(v.cache, string(oc.Name().Value()))
		if kk := string(oc.KeyName().Value()); v.byKey[kk] == old {
			delete(v.byKey, kk)
		}
	}
	e := v.lru.PushFront(&cacheEntry{c: c, verified: !verifiedAt.IsZero(), verifiedAt: verifiedAt})
	v.cache[k] = e
	v.byKey[string(c.KeyName().Value())] = e
}

// matches reports whether certificate c is what KeyLocator kl designates.
func matches(c *cert.Certificate, kl ndn.KeyLocator) bool {
	if len(kl.Digest) > 0 {
		d := c.PublicKey.Digest()
		return string(d[:]) == string(kl.Digest)
	}
	return kl.Name.IsPrefixOf(c.Name()) && c.KeyName().IsPrefixOf(kl.Name)
}

// lookup finds an anchor or cached certificate for kl; trusted means an
// anchor or a cached certificate verified within VerifiedLifetime of now.
func (v *Validator) lookup(kl ndn.KeyLocator, now time.Time) (c *cert.Certificate, anchor, trusted bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	for _, a := range v.anchors {
		if matches(a, kl) {
			return a, true, true
		}
	}
	if len(kl.Digest) > 0 {
		return nil, false, false
	}
	e, ok := v.cache[string(kl.Name.Value())]
	if !ok {
		kn, err := security.ToKeyName(kl.Name)
		if err != nil {
			if l := kl.Name.Len(); l >= 3 {
				kn, err = security.ToKeyName(kl.Name.Prefix(l - 1)) // /<id>/KEY/<key-id>/<issuer-id>
			}
		}
		if err != nil {
			return nil, false, false
		}
		if e, ok = v.byKey[string(kn.Value())]; !ok || !matches(e.Value.(*cacheEntry).c, kl) {
			return nil, false, false
		}
	}
	v.lru.MoveToFront(e)
	ce := e.Value.(*cacheEntry)
	return ce.c, false, ce.verified && now.Sub(ce.verifiedAt) < v.opts.VerifiedLifetime
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
	// chain holds the certificates below the trusted one, packet side first;
	// they become verified cache entries when the chain succeeds.
	var chain []*cert.Certificate
	for depth := 0; ; depth++ {
		kl := l.sigInfo.KeyLocator
		rej := &RejectError{Packet: l.name, Key: kl.Name, Depth: depth}
		if depth > v.opts.MaxDepth {
			rej.Err = fmt.Errorf("%w: limit %d", ErrDepth, v.opts.MaxDepth)
			return rej
		}
		if depth == 0 && v.opts.AcceptDigest && l.sigInfo.Type == ndn.SigDigestSha256 {
			if err := (security.DigestSha256{}).Verify(l.sigInfo.Type, l.portion, l.sig); err != nil {
				rej.Err = fmt.Errorf("%w: %w", ErrSignature, err)
				return rej
			}
			return nil
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
			c, _, _ := v.lookup(kl, now)
			if c == nil {
				rej.Err = fmt.Errorf("%w: KeyDigest %x matches no trust anchor", ErrNoKeyLocator, kl.Digest)
				return rej
			}
			rej.Cert = c.Name()
			if rej.Rule, rej.Err = v.opts.Policy.Check(l.name, c.KeyName()); rej.Err != nil {
				return rej
			}
			return v.finish(rej, l, c, now, true, chain)
		}
		rule, err := v.opts.Policy.Check(l.name, kl.Name)
		rej.Rule = rule
		if err != nil {
			rej.Err = err
			return rej
		}
		c, _, trusted := v.lookup(kl, now)
		if c == nil {
			c, err = v.fetch(ctx, kl.Name)
			if err != nil {
				if !errors.Is(err, ErrInvalidCert) {
					err = fmt.Errorf("%w: %s: %v", ErrCertNotFound, kl.Name, err)
				}
				rej.Err = err
				return rej
			}
		}
		rej.Cert = c.Name()
		if trusted {
			return v.finish(rej, l, c, now, true, chain)
		}
		if err := v.finish(rej, l, c, now, false, nil); err != nil {
			return err
		}
		for _, seen := range chain {
			if seen.Name().Equal(c.Name()) {
				c = nil
				break
			}
		}
		if c == nil || c.IsSelfSigned() {
			rej.Err = fmt.Errorf("%w: %s is self-signed or repeats in the chain", ErrNoAnchor, rej.Cert)
			return rej
		}
		chain = append(chain, c)
		l = link{name: c.Name(), sigInfo: &c.Data.SigInfo, portion: c.Data.SignedPortion(), sig: c.Data.SigValue}
	}
}

// finish checks the signer certificate's validity and l's signature. When c
// is trusted (an anchor or a verified cache entry) and both pass, the
// certificates of chain are cached as verified.
func (v *Validator) finish(rej *RejectError, l link, c *cert.Certificate, now time.Time, trusted bool, chain []*cert.Certificate) error {
	if err := c.CheckValidity(now); err != nil {
		rej.Err = fmt.Errorf("%w: %w", ErrInvalidCert, err)
		return rej
	}
	if err := c.PublicKey.Verify(l.sigInfo.Type, l.portion, l.sig); err != nil {
		rej.Err = fmt.Errorf("%w: %w", ErrSignature, err)
		return rej
	}
	if trusted && len(chain) > 0 {
		v.mu.Lock()
		for _, f := range chain {
			v.cacheLocked(f, now)
		}
		v.mu.Unlock()
	}
	return nil
}
