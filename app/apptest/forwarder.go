// Package apptest is a minimal NFD-compatible forwarder for the app tests:
// a FIB by prefix, a PIT by name, rib/register, rib/unregister and
// rib/announce answered with 200, PIT tokens echoed, Nack NoRoute when no
// route exists, and optional lossy, congestion-marking links. It is not
// fast and not complete (no CS, no strategy, no Dead Nonce List); it exists
// so the app and tool tests do not depend on package forwarder. It is
// exported (not internal) so cmd/ndnflow tests can use it too.
package apptest

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ndnflow/ndnflow/face"
	"github.com/ndnflow/ndnflow/ndn"
	"github.com/ndnflow/ndnflow/ndn/mgmt"
	"github.com/ndnflow/ndnflow/security"
)

// LinkOptions degrade what the forwarder sends on one face.
type LinkOptions struct {
	// Loss is the probability in [0, 1) that a Data or Nack sent to the face
	// is dropped.
	Loss float64
	// MarkEvery, when > 0, sets CongestionMark on every MarkEvery-th Data
	// sent to the face.
	MarkEvery int
	// Seed seeds the loss generator (0 means a fixed default) so tests are
	// repeatable.
	Seed uint64
}

// Counters of a Forwarder.
type Counters struct {
	Interests, Data, Nacks, Dropped, Lost, Marked, Commands atomic.Uint64
	// TokensEchoed counts Data and Nacks from producers that carried back
	// the PIT token the forwarder put on the Interest; TokensMissing those
	// that carried none, TokensWrong those with a token it never issued.
	TokensEchoed, TokensMissing, TokensWrong atomic.Uint64
}

// Forwarder is the test forwarder. Every packet is processed under one
// mutex on the receiving face's goroutine.
type Forwarder struct {
	Counters Counters

	mu      sync.Mutex // protects faces, fib, pit, nextID, closed, lns
	faces   map[uint64]*Face
	fib     []route
	pit     map[string]*pitEntry
	nextID  uint64
	tokens  map[uint64]bool // PIT tokens put on forwarded Interests, not yet answered
	nextTok uint64
	closed  bool
	lns     []io.Closer

	wg sync.WaitGroup
}

type route struct {
	prefix ndn.Name
	face   uint64
}

type inRecord struct {
	face   uint64
	token  []byte
	expiry time.Time
}

type pitEntry struct {
	name   ndn.Name
	prefix bool
	in     []inRecord
}

// New returns a Forwarder with no faces.
func New() *Forwarder {
	return &Forwarder{faces: make(map[uint64]*Face), pit: make(map[string]*pitEntry), tokens: make(map[uint64]bool), nextID: 256}
}

// Face is one face of the test forwarder.
type Face struct {
	ID  uint64
	fwd *Forwarder
	tr  face.Transport
	opt LinkOptions

	mu   sync.Mutex // protects rng, sent, and serialises Write
	rng  *rand.Rand
	sent int
}

// AddFace attaches a transport and starts reading from it.
func (f *Forwarder) AddFace(tr face.Transport, opt LinkOptions) *Face {
	seed := opt.Seed
	if seed == 0 {
		seed = 1
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		tr.Close()
		return nil
	}
	fc := &Face{ID: f.nextID, fwd: f, tr: tr, opt: opt, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
	f.nextID++
	f.faces[fc.ID] = fc
	f.wg.Add(1)
	go fc.routineReceive()
	return fc
}

// ConnectMem creates an in-memory link and returns the application's end.
func (f *Forwarder) ConnectMem(opt LinkOptions) face.Transport {
	app, fw := face.NewMemPair(face.MemPairConfig{Queue: 4096})
	f.AddFace(fw, opt)
	return app
}

// ListenUnix accepts applications on a Unix socket at path.
func (f *Forwarder) ListenUnix(path string, opt LinkOptions) error {
	ln, err := face.ListenUnix(context.Background(), path, face.StreamListenerConfig{
		Accept: func(t face.Transport) { f.AddFace(t, opt) },
	})
	if err != nil {
		return err
	}
	f.mu.Lock()
	f.lns = append(f.lns, ln)
	f.mu.Unlock()
	return nil
}

// Listen accepts applications on a loopback listener of the given kind
// ("tcp", "udp" or "ws") at a free port, and returns the URI to connect to.
func (f *Forwarder) Listen(kind string, opt LinkOptions) (string, error) {
	accept := func(t face.Transport) { f.AddFace(t, opt) }
	var ln io.Closer
	var uri string
	switch kind {
	case "tcp":
		l, err := face.ListenTCP(context.Background(), "127.0.0.1:0", face.StreamListenerConfig{Accept: accept})
		if err != nil {
			return "", err
		}
		ln, uri = l, "tcp://"+l.Addr().String()
	case "udp":
		l, err := face.ListenUDP(context.Background(), "127.0.0.1:0", face.UDPListenerConfig{Accept: accept})
		if err != nil {
			return "", err
		}
		ln, uri = l, "udp://"+l.LocalAddr().String()
	case "ws":
		l, err := face.ListenWebSocket(context.Background(), "127.0.0.1:0", face.WebSocketConfig{Accept: accept})
		if err != nil {
			return "", err
		}
		ln, uri = l, "ws://"+l.Addr().String()+"/"
	default:
		return "", fmt.Errorf("apptest: unknown listener kind %q", kind)
	}
	f.mu.Lock()
	f.lns = append(f.lns, ln)
	f.mu.Unlock()
	return uri, nil
}

// AddRoute adds a FIB route to a face.
func (f *Forwarder) AddRoute(prefix ndn.Name, faceID uint64) {
	f.mu.Lock()
	f.addRouteLocked(prefix, faceID)
	f.mu.Unlock()
}

func (f *Forwarder) addRouteLocked(prefix ndn.Name, faceID uint64) {
	for _, r := range f.fib {
		if r.face == faceID && r.prefix.Equal(prefix) {
			return
		}
	}
	f.fib = append(f.fib, route{prefix: prefix.Clone(), face: faceID})
}

// RemoveRoutes drops every route of prefix, as a forwarder restart would.
func (f *Forwarder) RemoveRoutes(prefix ndn.Name) {
	f.mu.Lock()
	defer f.mu.Unlock()
	kept := f.fib[:0]
	for _, r := range f.fib {
		if !r.prefix.Equal(prefix) {
			kept = append(kept, r)
		}
	}
	f.fib = kept
}

// Routes returns the registered prefixes, in URI form.
func (f *Forwarder) Routes() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, r := range f.fib {
		out = append(out, r.prefix.String())
	}
	return out
}

// HasRoute reports whether a route for prefix exists.
func (f *Forwarder) HasRoute(prefix ndn.Name) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, r := range f.fib {
		if r.prefix.Equal(prefix) {
			return true
		}
	}
	return false
}

// Close closes every listener and face and waits for their goroutines.
func (f *Forwarder) Close() {
	f.mu.Lock()
	f.closed = true
	lns := f.lns
	faces := make([]*Face, 0, len(f.faces))
	for _, fc := range f.faces {
		faces = append(faces, fc)
	}
	f.mu.Unlock()
	for _, ln := range lns {
		ln.Close()
	}
	for _, fc := range faces {
		fc.tr.Close()
	}
	f.wg.Wait()
}

func (fc *Face) routineReceive() {
	f := fc.fwd
	defer f.wg.Done()
	defer func() {
		fc.tr.Close()
		f.mu.Lock()
		delete(f.faces, fc.ID)
		kept := f.fib[:0]
		for _, r := range f.fib {
			if r.face != fc.ID {
				kept = append(kept, r)
			}
		}
		f.fib = kept
		f.mu.Unlock()
	}()
	bs := fc.tr.BatchSize()
	bufs := make([][]byte, bs)
	sizes := make([]int, bs)
	pool := face.NewPool()
	for i := range bufs {
		bufs[i] = pool.Get()
	}
	var lp ndn.LpPacket
	for {
		n, err := fc.tr.Read(bufs, sizes)
		for i := range n {
			if lp.Decode(bufs[i][:sizes[i]]) != nil || lp.Fragment == nil || lp.IsFragmented() {
				f.Counters.Dropped.Add(1)
				continue
			}
			f.mu.Lock()
			f.handle(fc, &lp)
			f.mu.Unlock()
		}
		if err != nil {
			return
		}
	}
}

// handle processes one packet; f.mu is held.
func (f *Forwarder) handle(in *Face, lp *ndn.LpPacket) {
	switch lp.Fragment[0] {
	case ndn.TtInterest:
		var i ndn.Interest
		if i.Decode(lp.Fragment) != nil {
			f.Counters.Dropped.Add(1)
			return
		}
		if lp.IsNack {
			f.Counters.Nacks.Add(1)
			f.checkToken(lp)
			f.onNack(&i, lp)
			return
		}
		f.Counters.Interests.Add(1)
		f.onInterest(in, &i, lp)
	case ndn.TtData:
		var d ndn.Data
		if d.Decode(lp.Fragment) != nil {
			f.Counters.Dropped.Add(1)
			return
		}
		f.Counters.Data.Add(1)
		f.checkToken(lp)
		f.onData(&d, lp)
	default:
		f.Counters.Dropped.Add(1)
	}
}

func (f *Forwarder) checkToken(lp *ndn.LpPacket) {
	switch {
	case len(lp.PitToken) == 0:
		f.Counters.TokensMissing.Add(1)
	case len(lp.PitToken) == 8 && f.tokens[binary.BigEndian.Uint64(lp.PitToken)]:
		delete(f.tokens, binary.BigEndian.Uint64(lp.PitToken))
		f.Counters.TokensEchoed.Add(1)
	default:
		f.Counters.TokensWrong.Add(1)
	}
}

func pitKey(n ndn.Name, prefix bool) string {
	if prefix {
		return "P" + string(n.Value())
	}
	return "E" + string(n.Value())
}

func (f *Forwarder) onInterest(in *Face, i *ndn.Interest, lp *ndn.LpPacket) {
	if i.Name.Len() >= 4 && (i.Name.At(0).Equal(ndn.GenericComponent("localhost")) || i.Name.At(0).Equal(ndn.GenericComponent("localhop"))) &&
		i.Name.At(1).Equal(ndn.GenericComponent("nfd")) && i.Name.At(2).Equal(ndn.GenericComponent("rib")) {
		f.onCommand(in, i, lp)
		return
	}
	var best *route
	for k := range f.fib {
		r := &f.fib[k]
		if r.face != in.ID && r.prefix.IsPrefixOf(i.Name) && (best == nil || len(r.prefix.Value()) > len(best.prefix.Value())) {
			best = r
		}
	}
	if best == nil {
		in.send(&ndn.LpPacket{PitToken: lp.PitToken, IsNack: true, NackReason: ndn.NackNoRoute, Fragment: lp.Fragment}, false)
		return
	}
	key := pitKey(i.Name, i.CanBePrefix)
	e := f.pit[key]
	if e == nil {
		e = &pitEntry{name: i.Name.Clone(), prefix: i.CanBePrefix}
		f.pit[key] = e
	}
	now := time.Now()
	rec := inRecord{face: in.ID, token: append([]byte(nil), lp.PitToken...), expiry: now.Add(i.EffectiveLifetime())}
	found := false
	kept := e.in[:0]
	for _, r := range e.in {
		if r.face == in.ID {
			r, found = rec, true
		}
		if r.expiry.After(now) {
			kept = append(kept, r)
		}
	}
	e.in = kept
	if !found {
		e.in = append(e.in, rec)
	}
	if out := f.faces[best.face]; out != nil {
		// Like ndnd, put a token of our own on the Interest; the producer
		// must echo it (ndn-protocols.md §3.5).
		f.nextTok++
		if len(f.tokens) > 1<<16 {
			clear(f.tokens) // forget unanswered ones
		}
		f.tokens[f.nextTok] = true
		tok := binary.BigEndian.AppendUint64(nil, f.nextTok)
		out.send(&ndn.LpPacket{PitToken: tok, Fragment: lp.Fragment}, false)
	}
}

func (f *Forwarder) onData(d *ndn.Data, lp *ndn.LpPacket) {
	var matched []*pitEntry
	if e := f.pit[pitKey(d.Name, false)]; e != nil {
		matched = append(matched, e)
		delete(f.pit, pitKey(d.Name, false))
	}
	for k := d.Name.Len(); k >= 0; k-- {
		key := pitKey(d.Name.Prefix(k), true)
		if e := f.pit[key]; e != nil {
			matched = append(matched, e)
			delete(f.pit, key)
		}
	}
	now := time.Now()
	for _, e := range matched {
		for _, r := range e.in {
			if out := f.faces[r.face]; out != nil && r.expiry.After(now) {
				out.send(&ndn.LpPacket{PitToken: r.token, CongestionMark: lp.CongestionMark, Fragment: lp.Fragment}, true)
			}
		}
	}
}

func (f *Forwarder) onNack(i *ndn.Interest, lp *ndn.LpPacket) {
	for _, prefix := range []bool{false, true} {
		key := pitKey(i.Name, prefix)
		e := f.pit[key]
		if e == nil {
			continue
		}
		delete(f.pit, key)
		for _, r := range e.in {
			if out := f.faces[r.face]; out != nil {
				out.send(&ndn.LpPacket{PitToken: r.token, IsNack: true, NackReason: lp.NackReason, Fragment: lp.Fragment}, false)
			}
		}
	}
}

// onCommand answers rib/register, rib/unregister and rib/announce with 200
// and updates the FIB for the requesting face. Like NFD, it stays silent
// when the command name or its v0.3 signature (DigestSha256 with
// SignatureNonce and SignatureTime) is malformed, so a test of a bad
// command times out.
func (f *Forwarder) onCommand(in *Face, i *ndn.Interest, lp *ndn.LpPacket) {
	f.Counters.Commands.Add(1)
	mgmtPrefix := i.Name.Prefix(2) // /localhost/nfd or /localhop/nfd
	req, err := mgmt.ParseCommand(i.Name, mgmtPrefix)
	if err != nil || !i.IsSigned || len(i.SigInfo.Nonce) == 0 || !i.SigInfo.HasTime ||
		(security.DigestSha256{}).Verify(i.SigInfo.Type, i.SignedPortion(nil), i.SigValue) != nil {
		f.Counters.Dropped.Add(1)
		return
	}
	var prefix ndn.Name
	switch req.Command {
	case mgmt.RibRegister, mgmt.RibUnregister:
		if !req.Params.HasName {
			f.reply(in, i, lp, 400, "Name missing")
			return
		}
		prefix = req.Params.Name
	case mgmt.RibAnnounce:
		var pa ndn.Data
		if !i.HasAppParams || pa.Decode(i.AppParams) != nil {
			f.reply(in, i, lp, 403, "bad prefix announcement")
			return
		}
		ann, err := mgmt.DecodePrefixAnn(&pa)
		if err != nil {
			f.reply(in, i, lp, 403, "bad prefix announcement")
			return
		}
		prefix = ann.Announced
	default:
		return
	}
	if req.Command == mgmt.RibUnregister {
		kept := f.fib[:0]
		for _, r := range f.fib {
			if !(r.face == in.ID && r.prefix.Equal(prefix)) {
				kept = append(kept, r)
			}
		}
		f.fib = kept
	} else {
		f.addRouteLocked(prefix, in.ID)
	}
	f.reply(in, i, lp, 200, "OK")
}

func (f *Forwarder) reply(in *Face, i *ndn.Interest, lp *ndn.LpPacket, code uint32, text string) {
	resp := mgmt.NewControlResponse(code, text, nil)
	d := ndn.Data{Name: i.Name, Freshness: time.Second, Content: resp.Encode()}
	w, _ := d.SignWith(security.DigestSha256{})
	in.send(&ndn.LpPacket{PitToken: lp.PitToken, Fragment: w}, false)
}

// send writes one packet to the face, applying the link options to Data
// and Nacks (isData marks Data).
func (fc *Face) send(lp *ndn.LpPacket, isData bool) {
	fc.mu.Lock()
	defer fc.mu.Unlock()
	if (isData || lp.IsNack) && fc.opt.Loss > 0 && fc.rng.Float64() < fc.opt.Loss {
		fc.fwd.Counters.Lost.Add(1)
		return
	}
	if isData && fc.opt.MarkEvery > 0 {
		fc.sent++
		if fc.sent%fc.opt.MarkEvery == 0 {
			lp.CongestionMark = 1
			fc.fwd.Counters.Marked.Add(1)
		}
	}
	w := lp.Append(make([]byte, 0, lp.Length()))
	fc.tr.Write([][]byte{w})
}
