package app

import (
	"fmt"
	"sync"

	"github.com/ndnflow/ndnflow/ndn"
)

// Receiver receives the Data and Nacks that answer a Consumer's Interests.
// Receive is called on the Client's receive goroutine: it must not block
// (hand the packet to another goroutine instead) and it owns p until it
// calls p.Release.
type Receiver interface {
	Receive(p *Packet)
}

// Consumer is the low-level, allocation-free way to send many Interests and
// receive their answers, for pipelines such as the segment fetcher. Its
// Interests carry PIT tokens with the Consumer's own Owner; packets that
// come back without a token are matched by the Consumer's name prefix.
// Send is safe for concurrent use.
type Consumer struct {
	c      *Client
	owner  uint16
	prefix ndn.Name
	recv   Receiver

	closeOnce sync.Once
}

// NewConsumer attaches a Consumer to the Client. prefix names what its
// Interests ask for (Data or Nacks under it without a token go to it); recv
// gets every answer until Close.
func (c *Client) NewConsumer(prefix ndn.Name, recv Receiver) (*Consumer, error) {
	select {
	case <-c.done:
		return nil, ErrClosed
	default:
	}
	c.ownMu.Lock()
	defer c.ownMu.Unlock()
	if len(c.owners) >= 1<<16-1 {
		return nil, fmt.Errorf("app: too many Consumers on one Client")
	}
	for {
		c.nextOwner++
		if c.nextOwner == 0 {
			continue // Owner 0 is Express
		}
		if _, used := c.owners[c.nextOwner]; !used {
			break
		}
	}
	cs := &Consumer{c: c, owner: c.nextOwner, prefix: prefix.Clone(), recv: recv}
	c.owners[cs.owner] = cs
	return cs, nil
}

// Send queues one Interest (its complete TLV encoding, which Send copies)
// with a PIT token made of the Consumer's Owner and key; the answer carries
// the same Token if the forwarder echoes it. It blocks only while the
// Client's send queue is full; it returns ErrDown, dropping the Interest,
// while the Client is reconnecting.
func (cs *Consumer) Send(key uint32, interestWire []byte) error {
	tok := Token{Owner: cs.owner, Key: key}
	return cs.c.send(&tok, false, 0, interestWire)
}

// Client returns the Client the Consumer belongs to.
func (cs *Consumer) Client() *Client { return cs.c }

// Close detaches the Consumer; answers arriving later are dropped.
func (cs *Consumer) Close() error {
	cs.closeOnce.Do(func() {
		cs.c.ownMu.Lock()
		delete(cs.c.owners, cs.owner)
		cs.c.ownMu.Unlock()
	})
	return nil
}

func (cs *Consumer) deliver(p *Packet) { cs.recv.Receive(p) }

func (c *Client) owner(id uint16) *Consumer {
	c.ownMu.RLock()
	cs := c.owners[id]
	c.ownMu.RUnlock()
	return cs
}

func (c *Client) ownerByName(n ndn.Name) *Consumer {
	c.ownMu.RLock()
	defer c.ownMu.RUnlock()
	var best *Consumer
	for _, cs := range c.owners {
		if cs.prefix.IsPrefixOf(n) && (best == nil || len(cs.prefix.Value()) > len(best.prefix.Value())) {
			best = cs
		}
	}
	return best
}
