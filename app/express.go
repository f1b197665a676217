package app

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/ndnflow/ndnflow/ndn"
)

// ExpressOptions configures Express. The zero value sends one Interest and
// does not verify the Data.
type ExpressOptions struct {
	// Retries is how many times the Interest is sent again, each time with
	// a fresh Nonce, after it times out or is Nacked for a reason other than
	// NoRoute; default 0.
	Retries int
	// Verifier, when set, checks the Data's signature with one key (or
	// DigestSha256); a failure returns an error wrapping ErrValidation.
	Verifier ndn.Verifier
	// Validator, when set, validates the Data against a trust policy (a
	// *trust.Validator from security/trust fits); a failure returns an
	// error wrapping ErrValidation. It may fetch certificates.
	Validator Validator
}

// Validator validates a Data packet against a trust policy, fetching
// certificates as needed. *trust.Validator (security/trust) implements it.
// ValidateData must not retain d: a segment's Data aliases a receive buffer.
type Validator interface {
	ValidateData(ctx context.Context, d *ndn.Data) error
}

// pending is one Express call waiting for its Data or Nack.
type pending struct {
	key      uint32
	want     ndn.Interest // Name and CanBePrefix only: what Data must match
	nameHash uint64
	digest   bool   // Name ends with an ImplicitSha256DigestComponent
	nonce    uint32 // of the latest transmission, to match Nacks
	ch       chan *Packet
}

// Express sends interest and waits for the Data that satisfies it. It
// returns the Data (which owns its bytes), or an error: ErrTimeout after the
// InterestLifetime of the last transmission, a *NackError (errors.Is
// ErrNack), an error wrapping ErrValidation, ctx.Err(), or ErrClosed.
//
// interest is not modified: every transmission is a copy with a new random
// Nonce, encoded from its fields (a signed Interest keeps its exact wire).
// ApplicationParameters get their ParametersSha256DigestComponent computed
// when missing.
func (c *Client) Express(ctx context.Context, interest *ndn.Interest, opts ExpressOptions) (*ndn.Data, error) {
	in := *interest
	in.ForwardingHint = append([]ndn.Name(nil), interest.ForwardingHint...)
	in.HasNonce = true
	in.Nonce = rand.Uint32()
	var wire []byte
	if interest.IsSigned && interest.Wire() != nil && interest.HasNonce {
		// Keep a signed Interest's exact bytes; only the Nonce changes.
		wire = bytes.Clone(interest.Wire())
		if err := in.Decode(wire); err != nil {
			return nil, err
		}
		in.PatchNonce(rand.Uint32())
	} else {
		var err error
		if wire, err = in.Encode(); err != nil {
			return nil, fmt.Errorf("app: encoding Interest: %w", err)
		}
	}
	key := c.key.Add(1)
	for key == 0 {
		key = c.key.Add(1) // 0 means "no token"
	}
	p := &pending{
		key:    key,
		want:   ndn.Interest{Name: in.Name, CanBePrefix: in.CanBePrefix},
		digest: in.Name.Len() > 0 && in.Name.At(-1).Type == ndn.TtImplicitSha256DigestComponent,
		ch:     make(chan *Packet, 1),
	}
	p.nameHash = c.nameHash(in.Name)
	c.addPending(p)
	defer c.removePending(p)

	lifetime := in.EffectiveLifetime()
	timer := time.NewTimer(lifetime)
	defer timer.Stop()
	var lastNack *NackError
	for attempt := 0; attempt <= opts.Retries; attempt++ {
		if attempt > 0 {
			in.PatchNonce(rand.Uint32())
		}
		c.pitMu.Lock()
		p.nonce = in.Nonce
		c.pitMu.Unlock()
		tok := Token{Key: p.key}
		if err := c.send(&tok, false, 0, wire); err != nil && err != ErrDown {
			return nil, err
		}
		timer.Reset(lifetime)
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-c.done:
			return nil, ErrClosed
		case <-timer.C:
			lastNack = nil
			continue
		case pkt := <-p.ch:
			if pkt.IsNack {
				lastNack = &NackError{Name: interest.Name, Reason: pkt.NackReason}
				pkt.Release()
				if lastNack.Reason == ndn.NackNoRoute {
					return nil, lastNack
				}
				// Give the network a moment before trying again.
				select {
				case <-ctx.Done():
					return nil, ctx.Err()
				case <-c.done:
					return nil, ErrClosed
				case <-time.After(min(lifetime/4, 100*time.Millisecond)):
				}
				c.addPending(p) // the Nack removed it
				continue
			}
			d, err := ownData(pkt)
			if err != nil {
				return nil, err
			}
			if opts.Verifier != nil {
				if err := opts.Verifier.Verify(d.SigInfo.Type, d.SignedPortion(), d.SigValue); err != nil {
					return nil, fmt.Errorf("%w: %s: %w", ErrValidation, d.Name, err)
				}
			}
			if opts.Validator != nil {
				if err := opts.Validator.ValidateData(ctx, d); err != nil {
					return nil, fmt.Errorf("%w: %s: %w", ErrValidation, d.Name, err)
				}
			}
			return d, nil
		}
	}
	if lastNack != nil {
		return nil, lastNack
	}
	return nil, fmt.Errorf("%w: %s", ErrTimeout, interest.Name)
}

// ownData copies a received Data out of its pooled buffer and releases it.
func ownData(p *Packet) (*ndn.Data, error) {
	w := bytes.Clone(p.Data.Wire())
	p.Release()
	d := new(ndn.Data)
	if err := d.Decode(w); err != nil {
		return nil, err
	}
	return d, nil
}

func (c *Client) addPending(p *pending) {
	c.pitMu.Lock()
	if _, ok := c.pit[p.key]; !ok {
		c.pit[p.key] = p
		c.byName[p.nameHash] = append(c.byName[p.nameHash], p)
		if p.digest {
			c.digestPending++
		}
	}
	c.pitMu.Unlock()
}

func (c *Client) removePending(p *pending) {
	c.pitMu.Lock()
	c.removePendingLocked(p)
	c.pitMu.Unlock()
}

func (c *Client) removePendingLocked(p *pending) {
	if _, ok := c.pit[p.key]; !ok {
		return
	}
	delete(c.pit, p.key)
	if p.digest {
		c.digestPending--
	}
	l := c.byName[p.nameHash]
	for i, q := range l {
		if q == p {
			l[i] = l[len(l)-1]
			l[len(l)-1] = nil
			l = l[:len(l)-1]
			break
		}
	}
	if len(l) == 0 {
		delete(c.byName, p.nameHash)
	} else {
		c.byName[p.nameHash] = l
	}
}

// deliverExpress hands pkt to the Express calls it answers and reports
// whether any took it. A Nack goes to one call: the one whose token key it
// carries (key != 0), else one with its name and Nonce. A Data goes to every
// call whose Interest it satisfies (ndn.Interest.MatchesData): the one its
// token names and any others, because a forwarder aggregates identical
// Interests from one face and returns a single Data, echoing one token. The
// first call gets pkt itself, the others copies in pooled buffers.
func (c *Client) deliverExpress(pkt *Packet, key uint32) bool {
	var arr [8]*pending
	ws := arr[:0]
	c.pitMu.Lock()
	if key != 0 {
		if p := c.pit[key]; p != nil && c.matches(p, pkt) {
			ws = append(ws, p)
			c.removePendingLocked(p)
		}
	}
	if pkt.IsNack {
		if key == 0 {
			if p := c.findNack(pkt); p != nil {
				ws = append(ws, p)
				c.removePendingLocked(p)
			}
		}
	} else if len(c.pit) > 0 {
		n := len(ws)
		ws = c.appendDataWaiters(ws, pkt)
		for _, p := range ws[n:] {
			c.removePendingLocked(p)
		}
	}
	c.pitMu.Unlock()
	if len(ws) == 0 {
		return false
	}
	for _, p := range ws[1:] {
		if q := c.copyData(pkt); q != nil {
			give(p, q)
		}
	}
	give(ws[0], pkt)
	return true
}

// give hands pkt to an Express call; its channel has room for one answer,
// and a call is removed from the PIT when it gets one, so the default case
// only guards against a bug.
func give(p *pending, pkt *Packet) {
	select {
	case p.ch <- pkt:
	default:
		pkt.Release()
	}
}

// copyData returns a copy of a received Data in a pooled buffer, or nil if
// the copy does not decode (it cannot: the original did).
func (c *Client) copyData(pkt *Packet) *Packet {
	q := c.getPacket()
	q.buf = c.pool.Get()
	n := copy(q.buf, pkt.Data.Wire())
	if q.Data.Decode(q.buf[:n]) != nil {
		q.Release()
		return nil
	}
	q.CongestionMark = pkt.CongestionMark
	q.IsNack, q.NackReason = false, 0
	q.Token, q.HasToken = Token{}, false
	q.lp = ndn.LpPacket{}
	return q
}

// matches checks that a packet really answers p: a Data must satisfy the
// Interest; a Nack must carry the latest Nonce.
func (c *Client) matches(p *pending, pkt *Packet) bool {
	if pkt.IsNack {
		return pkt.Interest.Name.Equal(p.want.Name) && pkt.Interest.Nonce == p.nonce
	}
	return p.want.MatchesData(&pkt.Data)
}

// findNack finds the pending Express a Nack without our token answers: the
// same name and the Nonce of its latest transmission.
func (c *Client) findNack(pkt *Packet) *pending {
	for _, p := range c.byName[c.nameHash(pkt.Interest.Name)] {
		if c.matches(p, pkt) {
			return p
		}
	}
	return nil
}

// appendDataWaiters appends to ws every pending Express that a Data
// satisfies: its Interest name is the Data name, a prefix of it
// (CanBePrefix), or the Data name plus its implicit digest.
func (c *Client) appendDataWaiters(ws []*pending, pkt *Packet) []*pending {
	var hs [ndn.MaxNameComponents + 2]uint64
	hashes := pkt.Data.Name.PrefixHashes(c.seed, hs[:0])
	for i := len(hashes) - 1; i >= 0; i-- {
		for _, p := range c.byName[hashes[i]] {
			if c.matches(p, pkt) {
				ws = append(ws, p)
			}
		}
	}
	if c.digestPending > 0 {
		full := pkt.Data.FullName()
		for _, p := range c.byName[c.nameHash(full)] {
			if c.matches(p, pkt) {
				ws = append(ws, p)
			}
		}
	}
	return ws
}
