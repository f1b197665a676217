package forwarder

import (
	"context"
	"errors"
	"sync/atomic"

	"github.com/ndnflow/ndnflow/forwarder/lpm"
	"github.com/ndnflow/ndnflow/ndn"
	"github.com/ndnflow/ndnflow/security/trust"
)

// DataValidator validates a Data packet's signature chain and policy.
// *trust.Validator implements it. It must be safe for concurrent use.
type DataValidator interface {
	ValidateData(ctx context.Context, d *ndn.Data) error
}

// VerifyRule asks the forwarder to verify Data under Prefix with
// Validator before caching or forwarding it. The longest matching prefix
// applies; a rule with a nil Validator exempts its prefix.
type VerifyRule struct {
	Prefix    ndn.Name
	Validator DataValidator
}

// VerifyCounters count verification outcomes, per reason for rejections
// (the trust package's sentinel errors).
type VerifyCounters struct {
	Verified, QueueFull                                     uint64
	NoKeyLocator, Policy, CertNotFound, InvalidCert         uint64
	BadSignature, ChainTooLong, NoAnchor, OtherVerifyErrors uint64
}

type verifyCounters struct {
	verified, queueFull                                     atomic.Uint64
	noKeyLocator, policy, certNotFound, invalidCert         atomic.Uint64
	badSignature, chainTooLong, noAnchor, otherVerifyErrors atomic.Uint64
}

func (c *verifyCounters) reject(err error) {
	switch {
	case errors.Is(err, trust.ErrNoKeyLocator):
		c.noKeyLocator.Add(1)
	case errors.Is(err, trust.ErrPolicy):
		c.policy.Add(1)
	case errors.Is(err, trust.ErrCertNotFound):
		c.certNotFound.Add(1)
	case errors.Is(err, trust.ErrInvalidCert):
		c.invalidCert.Add(1)
	case errors.Is(err, trust.ErrSignature):
		c.badSignature.Add(1)
	case errors.Is(err, trust.ErrDepth):
		c.chainTooLong.Add(1)
	case errors.Is(err, trust.ErrNoAnchor):
		c.noAnchor.Add(1)
	default:
		c.otherVerifyErrors.Add(1)
	}
}

// VerifyCounters returns the verification counters.
func (fw *Forwarder) VerifyCounters() VerifyCounters {
	c := &fw.verifyCtr
	return VerifyCounters{
		Verified: c.verified.Load(), QueueFull: c.queueFull.Load(),
		NoKeyLocator: c.noKeyLocator.Load(), Policy: c.policy.Load(), CertNotFound: c.certNotFound.Load(),
		InvalidCert: c.invalidCert.Load(), BadSignature: c.badSignature.Load(), ChainTooLong: c.chainTooLong.Load(),
		NoAnchor: c.noAnchor.Load(), OtherVerifyErrors: c.otherVerifyErrors.Load(),
	}
}

// verifyJob is a Data waiting for verification, owned by the verifier
// until it is handed back to its shard or released.
type verifyJob struct {
	p     inPacket
	shard int
	v     DataValidator
}

func (fw *Forwarder) buildVerifyTable() {
	if len(fw.cfg.Verify) == 0 {
		return
	}
	t := lpm.New[DataValidator](fw.seed)
	for _, r := range fw.cfg.Verify {
		var err error
		if t, err = t.With(r.Prefix, r.Validator); err != nil {
			fw.log.Warn("verification rule ignored", "prefix", r.Prefix, "err", err)
		}
	}
	fw.verify = t
	fw.verifyQ = make(chan verifyJob, fw.cfg.VerifyQueue)
}

// startVerifiers starts the verification workers.
func (fw *Forwarder) startVerifiers() {
	if fw.verifyQ == nil {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-fw.done; cancel() }()
	for range fw.cfg.VerifyWorkers {
		fw.wg.Add(1)
		go func() { defer fw.wg.Done(); fw.RoutineVerify(ctx) }()
	}
}

// RoutineVerify is a verification worker: it validates queued Data and
// hands valid Data back to its shard, so a slow signature never stalls a
// forwarding shard.
func (fw *Forwarder) RoutineVerify(ctx context.Context) {
	for {
		select {
		case j := <-fw.verifyQ:
			if !fw.verifyOne(ctx, j) {
				return
			}
		case <-fw.done:
			for {
				select {
				case j := <-fw.verifyQ:
					j.p.release()
				default:
					return
				}
			}
		}
	}
}

// verifyOne validates one job and hands a valid packet back to its
// shard. It returns false when the forwarder closed meanwhile.
func (fw *Forwarder) verifyOne(ctx context.Context, j verifyJob) bool {
	if err := j.v.ValidateData(ctx, j.p.data); err != nil {
		fw.verifyCtr.reject(err)
		j.p.release()
		return true
	}
	fw.verifyCtr.verified.Add(1)
	j.p.verified = true
	b := fw.getBatch()
	b.items[0] = j.p
	b.n = 1
	select {
	case fw.shards[j.shard].in <- b:
		return true
	case <-fw.done:
		j.p.release()
		fw.putBatch(b)
		return false
	}
}

// validatorFor returns the validator for Data named by the shard's current
// hashes, or nil.
func (s *shard) validatorFor(name ndn.Name) DataValidator {
	t := s.fw.verify
	if t == nil {
		return nil
	}
	e, ok := t.Lookup(name, s.hashes)
	if !ok {
		return nil
	}
	return e.Value
}

// queueVerify hands p to the verifiers; it reports false when the queue
// is full (p is then still the caller's).
func (s *shard) queueVerify(p *inPacket, v DataValidator) bool {
	select {
	case s.fw.verifyQ <- verifyJob{p: *p, shard: s.id, v: v}:
		return true
	default:
		s.fw.verifyCtr.queueFull.Add(1)
		return false
	}
}
