package daemon

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ndnflow/ndnflow/forwarder/rib"
	"github.com/ndnflow/ndnflow/ndn"
	nfd "github.com/ndnflow/ndnflow/ndn/mgmt"
	"github.com/ndnflow/ndnflow/security"
)

// RIBSection configures what the RIB does beyond computing the FIB.
type RIBSection struct {
	// ReadvertiseNLSR is NFD's rib.readvertise_nlsr: routes of origin
	// client (65) are announced to the routing daemon with
	// /localhost/nlsr/rib/register and withdrawn with
	// /localhost/nlsr/rib/unregister. Off by default, as in NFD's sample
	// configuration. Needs the management server.
	ReadvertiseNLSR bool `yaml:"readvertise_nlsr"`
}

// Readvertisement timing, NFD's (daemon/rib/readvertise): a failed command
// is retried after 50 s doubling to an hour; a readvertised prefix is
// announced again every hour.
const (
	readvertiseRetryMin = 50 * time.Second
	readvertiseRetryMax = time.Hour
	readvertiseRefresh  = time.Hour
	// readvertisePoll is how often the RIB is compared with what has been
	// readvertised (the RIB has no change notifications).
	readvertisePoll = 200 * time.Millisecond
	readvertiseWait = 2 * time.Second // command Interest lifetime
)

// nlsrPrefix is where the routing daemon receives readvertisements; the
// daemon is reachable (the destination is available) while a route for it
// is in the RIB.
var nlsrPrefix = ndn.MustParseName("/localhost/nlsr")

// readvertiser is NFD's readvertise-to-NLSR with the client policy: every
// prefix that has at least one route of origin client, except under
// /localhost and /localhop, is registered at the routing daemon once, and
// unregistered when its last client route goes. When the daemon
// (/localhost/nlsr) disappears, nothing is sent; when it comes back, every
// prefix is registered again. Commands are signed command Interests
// (SignatureNonce and SignatureTime, so that no two have the same name and
// the content store never answers one), signed with the management
// signing key or DigestSha256; NFD signs them with its default key.
//
// It runs one goroutine, which owns every field below.
type readvertiser struct {
	rib    *rib.RIB
	signer ndn.Signer
	exp    *certFetcher // expresses the commands through an internal face
	log    *slog.Logger
	state  map[string]*rrState // by Name TLV-VALUE
	avail  bool
	// available mirrors avail for other goroutines (tests).
	available atomic.Bool
	stop      chan struct{}
	wg        sync.WaitGroup
}

type rrState struct {
	name        ndn.Name
	wanted      bool          // a client route exists
	registered  bool          // the daemon acknowledged the register
	withdrawing bool          // an unregister is pending (retrying)
	next        time.Time     // next attempt (retry or refresh); zero: now
	delay       time.Duration // retry delay
}

// newReadvertiser starts readvertising the routes of r through exp,
// signing with signer (nil: DigestSha256).
func newReadvertiser(r *rib.RIB, exp *certFetcher, signer ndn.Signer, log *slog.Logger) *readvertiser {
	if signer == nil {
		signer = security.DigestSha256{}
	}
	ra := &readvertiser{rib: r, exp: exp, signer: signer, log: log, state: map[string]*rrState{}, stop: make(chan struct{})}
	ra.wg.Add(1)
	go ra.run()
	return ra
}

// Close stops the goroutine; it does not withdraw anything (NFD neither).
func (ra *readvertiser) Close() error {
	close(ra.stop)
	ra.wg.Wait()
	return ra.exp.tr.Close()
}

func (ra *readvertiser) run() {
	defer ra.wg.Done()
	t := time.NewTicker(readvertisePoll)
	defer t.Stop()
	for {
		ra.step(time.Now())
		select {
		case <-ra.stop:
			return
		case <-t.C:
		}
	}
}

// readvertisable reports whether the client policy readvertises name.
func readvertisable(name ndn.Name) bool {
	if name.Len() == 0 {
		return false
	}
	first := name.At(0)
	return string(first.Value) != "localhost" && string(first.Value) != "localhop"
}

// step compares the RIB with the readvertised prefixes and sends what is
// due.
func (ra *readvertiser) step(now time.Time) {
	for _, s := range ra.state {
		s.wanted = false
	}
	avail := false
	for _, e := range ra.rib.Entries() {
		if e.Name.Equal(nlsrPrefix) && len(e.Routes) > 0 {
			avail = true
		}
		if !readvertisable(e.Name) {
			continue
		}
		for _, rt := range e.Routes {
			if rt.Origin != uint16(nfd.OriginClient) {
				continue
			}
			k := string(e.Name.Value())
			s := ra.state[k]
			if s == nil {
				s = &rrState{name: e.Name, delay: readvertiseRetryMin}
				ra.state[k] = s
			}
			s.wanted = true
			break
		}
	}
	ra.available.Store(avail)
	if avail != ra.avail {
		ra.avail = avail
		ra.log.Info("readvertise: routing daemon", "available", avail, "prefix", nlsrPrefix)
		for k, s := range ra.state {
			// Unavailable: assume withdrawals done, registrations lost;
			// available again: register everything now.
			if !s.wanted {
				delete(ra.state, k)
				continue
			}
			s.registered, s.withdrawing, s.next, s.delay = false, false, time.Time{}, readvertiseRetryMin
		}
	}
	if !avail {
		for k, s := range ra.state {
			if !s.wanted {
				delete(ra.state, k)
			}
		}
		return
	}
	for k, s := range ra.state {
		select {
		case <-ra.stop:
			return
		default:
		}
		due := s.next.IsZero() || !now.Before(s.next)
		switch {
		case !s.wanted && !s.registered:
			delete(ra.state, k)
		case !s.wanted:
			// The last client route went: withdraw at once, not at the
			// refresh time; retry on failure.
			if s.withdrawing && !due {
				continue
			}
			if !s.withdrawing {
				s.withdrawing, s.delay = true, readvertiseRetryMin
			}
			if err := ra.command("unregister", s.name); err != nil {
				ra.fail(s, "unregister", err, now)
				continue
			}
			ra.log.Info("readvertise: withdrawn", "prefix", s.name)
			delete(ra.state, k)
		case due:
			if s.withdrawing {
				s.withdrawing, s.delay = false, readvertiseRetryMin
			}
			if err := ra.command("register", s.name); err != nil {
				ra.fail(s, "register", err, now)
				continue
			}
			if !s.registered {
				ra.log.Info("readvertise: announced", "prefix", s.name)
			}
			s.registered, s.delay, s.next = true, readvertiseRetryMin, now.Add(readvertiseRefresh)
		}
	}
}

func (ra *readvertiser) fail(s *rrState, verb string, err error, now time.Time) {
	ra.log.Warn("readvertise: "+verb+" failed; retrying", "prefix", s.name, "in", s.delay, "err", err)
	s.next = now.Add(s.delay)
	s.delay = min(2*s.delay, readvertiseRetryMax)
}

// command sends /localhost/nlsr/rib/<verb>/<ControlParameters(Name,
// Origin client)> and checks the response.
func (ra *readvertiser) command(verb string, prefix ndn.Name) error {
	p := nfd.ControlParameters{Name: prefix, HasName: true, Origin: nfd.OriginClient, HasOrigin: true}
	name := nlsrPrefix.Append(ndn.GenericComponent("rib"), ndn.GenericComponent(verb),
		ndn.Component{Type: ndn.TtGenericNameComponent, Value: p.Encode()})
	in := &ndn.Interest{Name: name, MustBeFresh: true, Lifetime: readvertiseWait}
	nonce := make([]byte, 8)
	rand.Read(nonce)
	in.SigInfo = ndn.SigInfo{Nonce: nonce, Time: uint64(time.Now().UnixMilli()), HasTime: true}
	if _, err := in.SignWith(ra.signer); err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-ra.stop:
			cancel()
		case <-ctx.Done():
		}
	}()
	d, err := ra.exp.Fetch(ctx, in)
	if err != nil {
		return err
	}
	var r nfd.ControlResponse
	if err := r.Decode(d.Content); err != nil {
		return fmt.Errorf("response: %w", err)
	}
	if !r.OK() {
		return fmt.Errorf("response %d %s", r.Code, r.Text)
	}
	return nil
}
