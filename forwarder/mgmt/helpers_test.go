package mgmt_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/face"
	"github.com/ndnflow/ndnflow/forwarder"
	"github.com/ndnflow/ndnflow/forwarder/mgmt"
	"github.com/ndnflow/ndnflow/ndn"
	nfd "github.com/ndnflow/ndnflow/ndn/mgmt"
	"github.com/ndnflow/ndnflow/security"
)

// env is an in-process forwarder with a management server.
type env struct {
	t   *testing.T
	fw  *forwarder.Forwarder
	srv *mgmt.Server
}

func newEnv(t *testing.T, o mgmt.Options) *env {
	t.Helper()
	fw := forwarder.New(forwarder.Config{Shards: 2})
	o.Forwarder = fw
	if o.PollInterval == 0 {
		o.PollInterval = 10 * time.Millisecond
	}
	srv, err := mgmt.New(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		srv.Close()
		fw.Close()
	})
	return &env{t: t, fw: fw, srv: srv}
}

// infoTransport overrides the Info of a transport (to make a non-local
// face out of an in-memory one).
type infoTransport struct {
	face.Transport
	info face.TransportInfo
}

func (t infoTransport) Info() face.TransportInfo { return t.info }

// client is a minimal consumer on a face of the forwarder.
type client struct {
	t    *testing.T
	id   uint64 // the forwarder's FaceId of the client's face
	f    *face.Face
	mu   sync.Mutex
	recv []*ndn.Data
	sig  chan struct{}
}

var nonLocalInfo = face.TransportInfo{LocalURI: "udp4://192.0.2.1:6363", RemoteURI: "udp4://192.0.2.2:6363", Scope: face.ScopeNonLocal}

// newClient attaches a client; info, when not nil, replaces the forwarder
// side's TransportInfo.
func (e *env) newClient(info *face.TransportInfo) *client {
	a, b := face.NewMemPair(face.MemPairConfig{})
	var ta face.Transport = a
	if info != nil {
		ta = infoTransport{a, *info}
	}
	fwf := e.fw.AddFace(ta, face.Config{})
	c := &client{t: e.t, id: fwf.ID(), sig: make(chan struct{}, 1)}
	c.f = face.New(b, face.Config{ID: 1, Handler: c.handle})
	e.t.Cleanup(func() { c.f.Close() })
	return c
}

func (c *client) handle(batch []*face.RxPacket) {
	for _, rx := range batch {
		if rx.Kind == face.KindData {
			var d ndn.Data
			if d.Decode(append([]byte(nil), rx.Wire()...)) == nil {
				c.mu.Lock()
				c.recv = append(c.recv, &d)
				c.mu.Unlock()
				select {
				case c.sig <- struct{}{}:
				default:
				}
			}
		}
		rx.Release()
	}
}

// express sends i and returns the first Data it matches, or nil after
// timeout.
func (c *client) express(i *ndn.Interest, timeout time.Duration) *ndn.Data {
	c.t.Helper()
	if !i.HasNonce {
		i.Nonce, i.HasNonce = uint32(time.Now().UnixNano()), true
	}
	wire, err := i.Encode()
	if err != nil {
		c.t.Fatal(err)
	}
	return c.expressWire(i, wire, timeout)
}

func (c *client) expressWire(i *ndn.Interest, wire []byte, timeout time.Duration) *ndn.Data {
	c.t.Helper()
	var sent ndn.Interest
	if err := sent.Decode(wire); err != nil {
		c.t.Fatal(err)
	}
	c.f.Send(&ndn.LpPacket{Fragment: wire})
	deadline := time.After(timeout)
	for {
		c.mu.Lock()
		for k, d := range c.recv {
			if sent.MatchesData(d) {
				c.recv = append(c.recv[:k], c.recv[k+1:]...)
				c.mu.Unlock()
				return d
			}
		}
		c.mu.Unlock()
		select {
		case <-c.sig:
		case <-deadline:
			return nil
		}
	}
}

// signedCommand returns the v0.3 (or v0.2) command Interest wire, signed
// with signer.
func signedCommand(t *testing.T, prefix string, cmd nfd.Command, p *nfd.ControlParameters, signer ndn.Signer, v02 bool) (*ndn.Interest, []byte) {
	t.Helper()
	i := &ndn.Interest{Name: nfd.CommandName(ndn.MustParseName(prefix), cmd, p), MustBeFresh: true, Lifetime: time.Second}
	var wire []byte
	var err error
	if v02 {
		wire, err = security.SignInterestV02(i, signer, security.InterestSignOptions{})
	} else {
		wire, err = security.SignInterest(i, signer, security.InterestSignOptions{})
	}
	if err != nil {
		t.Fatal(err)
	}
	return i, wire
}

// command sends a DigestSha256-signed v0.3 command to /localhost/nfd and
// returns the response; ok is false on timeout.
func (c *client) command(cmd nfd.Command, p *nfd.ControlParameters) (nfd.ControlResponse, bool) {
	c.t.Helper()
	return c.commandAt("/localhost/nfd", cmd, p, security.DigestSha256{}, false)
}

func (c *client) commandAt(prefix string, cmd nfd.Command, p *nfd.ControlParameters, signer ndn.Signer, v02 bool) (nfd.ControlResponse, bool) {
	c.t.Helper()
	i, wire := signedCommand(c.t, prefix, cmd, p, signer, v02)
	return c.sendCommand(i, wire, time.Second)
}

func (c *client) sendCommand(i *ndn.Interest, wire []byte, timeout time.Duration) (nfd.ControlResponse, bool) {
	c.t.Helper()
	d := c.expressWire(i, wire, timeout)
	if d == nil {
		return nfd.ControlResponse{}, false
	}
	var r nfd.ControlResponse
	if err := r.Decode(d.Content); err != nil {
		c.t.Fatalf("bad ControlResponse: %v", err)
	}
	return r, true
}

// mustOK sends a command and fails the test unless it gets 200.
func (c *client) mustOK(cmd nfd.Command, p *nfd.ControlParameters) nfd.ControlParameters {
	c.t.Helper()
	r, ok := c.command(cmd, p)
	if !ok {
		c.t.Fatalf("%s: no response", cmd)
	}
	if !r.OK() {
		c.t.Fatalf("%s: %s", cmd, r.String())
	}
	body, _, err := r.Params()
	if err != nil {
		c.t.Fatal(err)
	}
	return body
}

// dataset fetches a whole dataset; the error is a *nfd.RejectError for
// a NACK Data.
func (c *client) dataset(path string) ([]byte, error) {
	c.t.Helper()
	return c.datasetName(nfd.DatasetName(ndn.MustParseName("/localhost/nfd"), path))
}

var errTimeout = errors.New("dataset timeout")

func (c *client) datasetName(name ndn.Name) ([]byte, error) {
	c.t.Helper()
	a := nfd.NewAssembler(name)
	i := &ndn.Interest{Name: name, CanBePrefix: true, MustBeFresh: true, Lifetime: time.Second}
	for range 1000 {
		d := c.express(i, 2*time.Second)
		if d == nil {
			return nil, errTimeout
		}
		done, err := a.Add(d)
		if err != nil {
			return nil, err
		}
		if done {
			return a.Payload(), nil
		}
		i = &ndn.Interest{Name: a.NextName(), MustBeFresh: true, Lifetime: time.Second}
	}
	c.t.Fatal("dataset has over 1000 segments")
	return nil, nil
}

func name(s string) ndn.Name { return ndn.MustParseName(s) }

// eventually polls cond for up to 5 s.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 5 s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
