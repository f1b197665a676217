package mgmt

import (
	"context"
	"errors"
	"log/slog"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/ndnflow/ndnflow/face"
	"github.com/ndnflow/ndnflow/forwarder"
	"github.com/ndnflow/ndnflow/forwarder/rib"
	"github.com/ndnflow/ndnflow/ndn"
	nfd "github.com/ndnflow/ndnflow/ndn/mgmt"
	"github.com/ndnflow/ndnflow/security"
	"github.com/ndnflow/ndnflow/security/trust"
)

// FaceID is the FaceId of the management face, as NFD's internal face.
const FaceID = 1

// Auth is the command authorization policy. The zero value is NFD's default
// configuration: local faces may do anything, other faces nothing, and
// /localhop/nfd is served to local faces only.
type Auth struct {
	// Validator checks the signed commands of non-local faces (and of local
	// faces with RequireLocal): signature chain to its anchors, its policy,
	// and its replay checker (trust.Options.Replay). Nil rejects them.
	Validator *trust.Validator
	// RequireLocal makes commands from local faces pass Validator too.
	RequireLocal bool
	// Localhop checks /localhop/nfd RIB commands from non-local faces
	// (NFD's rib.localhop_security). Nil (the default) leaves them
	// unanswered, as NFD, which then does not serve the prefix.
	Localhop *trust.Validator
}

// Options configure a Server. The zero value is usable except for
// Forwarder.
type Options struct {
	// Forwarder is the forwarder to manage. Required.
	Forwarder *forwarder.Forwarder
	// Signer signs responses and dataset segments, and the Prefix
	// Announcements self-learning makes for registered prefixes (on the
	// forwarding goroutines, so it must be safe for concurrent use);
	// default DigestSha256.
	Signer ndn.Signer
	// Auth is the authorization policy; the zero value is NFD's default.
	Auth Auth
	// Channels returns the local FaceUris of the listening channels, for
	// faces/channels; default none.
	Channels func() []string
	// Dial opens the transport of faces/create for a canonical udp4, udp6,
	// tcp4 or tcp6 FaceUri; default face.Dial (TCP permanent when asked).
	// An error wrapping face.ErrExists means a transport to that peer
	// exists (the server then answers 409 with its face).
	Dial func(ctx context.Context, uri nfd.FaceURI, persistency face.Persistency) (face.Transport, error)
	// DialTimeout bounds a faces/create connection attempt; default 10 s.
	DialTimeout time.Duration
	// Version is the NfdVersion of status/general; default "ndnflow".
	Version string
	// PollInterval is how often the face table is scanned for new faces
	// (faces/events "created"); default 100 ms.
	PollInterval time.Duration
	// Now is the clock; default time.Now.
	Now func() time.Time
	// Logger defaults to slog.Default().
	Logger *slog.Logger
}

func (o *Options) applyDefaults() {
	if o.Signer == nil {
		o.Signer = security.DigestSha256{}
	}
	if o.Channels == nil {
		o.Channels = func() []string { return nil }
	}
	if o.Dial == nil {
		o.Dial = func(ctx context.Context, u nfd.FaceURI, p face.Persistency) (face.Transport, error) {
			return face.Dial(ctx, u.String(), face.DialConfig{TCP: face.TCPDialConfig{Permanent: p == face.PersistencyPermanent}})
		}
	}
	if o.DialTimeout <= 0 {
		o.DialTimeout = 10 * time.Second
	}
	if o.Version == "" {
		o.Version = "ndnflow"
	}
	if o.PollInterval <= 0 {
		o.PollInterval = 100 * time.Millisecond
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
}

// request is one Interest received on the management face, copied out of
// the face's buffer.
type request struct {
	interest ndn.Interest
	token    []byte
	inFace   uint64        // IncomingFaceId, or 0 when the forwarder sent none
	done     chan struct{} // closed once handled (tests); usually nil
}

// Server is the management server. See the package doc.
type Server struct {
	opts  Options
	fw    *forwarder.Forwarder
	rib   *rib.RIB
	log   *slog.Logger
	start time.Time

	sl *selfLearning

	fwFace  *face.Face // forwarder side, FaceId 1
	appFace *face.Face // our side

	reqs   chan request
	events chan faceEvent
	done   chan struct{}
	wg     sync.WaitGroup

	// Worker state, touched only by RoutineWorker.
	w workerState

	faceMu sync.Mutex // protects watched
	// watched holds the cancel function of each face's state subscription.
	watched map[uint64]func()
}

var (
	compLocalhost = ndn.GenericComponent("localhost")
	compLocalhop  = ndn.GenericComponent("localhop")
	compNfd       = ndn.GenericComponent("nfd")
)

// New starts a management server on opts.Forwarder: it attaches the
// management face (FaceId 1), routes /localhost/nfd and /localhop/nfd to
// it and starts the worker. Close stops it.
func New(opts Options) (*Server, error) {
	if opts.Forwarder == nil {
		return nil, ErrNoForwarder
	}
	opts.applyDefaults()
	s := &Server{
		opts: opts, fw: opts.Forwarder, log: opts.Logger, start: opts.Now(),
		reqs: make(chan request, 512), events: make(chan faceEvent, 256),
		done: make(chan struct{}), watched: map[uint64]func(){},
	}
	s.rib = rib.New(rib.Options{FIB: s.fw, Now: opts.Now, Logger: opts.Logger})
	s.sl = newSelfLearning(s)
	s.w.init()
	a, b := face.NewMemPair(face.MemPairConfig{URIA: "internal://", URIB: "internal://"})
	ff, err := s.fw.AddFaceWithID(FaceID, a, face.Config{LocalFields: true, Persistency: face.PersistencyPermanent, QueueLen: 4096})
	if err != nil {
		a.Close()
		b.Close()
		return nil, err
	}
	s.fwFace = ff
	s.appFace = face.New(b, face.Config{ID: FaceID, Handler: s.handle, LocalFields: true, QueueLen: 4096, Logger: opts.Logger})
	for _, p := range []ndn.Name{
		ndn.NameFromComponents(compLocalhost, compNfd),
		ndn.NameFromComponents(compLocalhop, compNfd),
	} {
		if err := s.fw.AddNextHop(p, FaceID, 0); err != nil {
			s.Close()
			return nil, err
		}
	}
	s.wg.Add(1)
	go func() { defer s.wg.Done(); s.RoutineWorker() }()
	s.fw.SetAnnouncer(s.sl)
	return s, nil
}

// RIB returns the server's RIB (static routes from a configuration file
// may be added to it with origin static).
func (s *Server) RIB() *rib.RIB { return s.rib }

// Close stops the worker, closes the management face and the RIB's timer.
// Routes stay in the FIB.
func (s *Server) Close() error {
	select {
	case <-s.done:
		return nil
	default:
	}
	s.fw.SetAnnouncer(nil)
	close(s.done)
	s.wg.Wait()
	s.rib.Close()
	s.faceMu.Lock()
	for _, c := range s.watched {
		c()
	}
	s.watched = map[uint64]func(){}
	s.faceMu.Unlock()
	if s.appFace != nil {
		s.appFace.Close()
	}
	if s.fwFace != nil {
		s.fwFace.Close()
	}
	return nil
}

// handle is the management face's handler: it copies each Interest and
// queues it for the worker (dropping it when the queue is full, as an
// overloaded NFD would time out).
func (s *Server) handle(batch []*face.RxPacket) {
	for _, rx := range batch {
		if rx.Kind == face.KindInterest {
			wire := append([]byte(nil), rx.Wire()...)
			var r request
			if r.interest.Decode(wire) == nil {
				r.token = append([]byte(nil), rx.Lp.PitToken...)
				if rx.Lp.HasIncomingFaceID {
					r.inFace = rx.Lp.IncomingFaceID
				}
				select {
				case s.reqs <- r:
				default:
				}
			}
		}
		rx.Release()
	}
}

// RoutineWorker handles requests, face events and dataset-cache expiry
// until Close.
func (s *Server) RoutineWorker() {
	tick := time.NewTicker(s.opts.PollInterval)
	defer tick.Stop()
	s.pollFaces()
	for {
		select {
		case <-s.done:
			return
		case r := <-s.reqs:
			s.serve(&r)
			if r.done != nil {
				close(r.done)
			}
		case ev := <-s.events:
			s.onFaceEvent(ev)
		case j := <-s.sl.jobs:
			s.sl.do(j)
		case <-tick.C:
			s.pollFaces()
			s.w.expire(s.opts.Now())
		}
	}
}

// send signs d and sends it on the management face. noCache adds
// CachePolicy NO_CACHE (dataset segments, as ndn-cxx does).
func (s *Server) send(d *ndn.Data, token []byte, noCache bool) {
	wire, err := d.SignWith(s.opts.Signer)
	if err != nil {
		s.log.Warn("mgmt: cannot sign response", "name", d.Name, "err", err)
		return
	}
	s.sendWire(wire, token, noCache)
}

// sendWire sends an encoded, signed Data on the management face.
func (s *Server) sendWire(wire, token []byte, noCache bool) {
	lp := ndn.LpPacket{Fragment: wire, PitToken: token}
	if noCache {
		lp.CachePolicy = 1
	}
	s.appFace.Send(&lp)
}

// respond answers a command Interest with a ControlResponse.
func (s *Server) respond(r *request, code uint32, text string, body *nfd.ControlParameters) {
	resp := nfd.NewControlResponse(code, text, body)
	s.send(nfd.ResponseData(r.interest.Name, &resp), r.token, false)
}

// requester returns the FaceId of the face a request came from (the
// IncomingFaceId the forwarder puts on Interests towards a face with local
// fields), or 0 when unknown.
func (s *Server) requester(r *request) uint64 { return r.inFace }

// serve handles one request.
func (s *Server) serve(r *request) {
	name := r.interest.Name
	if name.Len() < 3 || !name.At(1).Equal(compNfd) {
		return
	}
	localhop := name.At(0).Equal(compLocalhop)
	if !localhop && !name.At(0).Equal(compLocalhost) {
		return
	}
	prefix := name.Prefix(2)
	module := string(name.At(2).Value)
	if !localhop {
		if s.serveDataset(r, prefix, module) {
			return
		}
	}
	req, err := nfd.ParseCommand(name, prefix)
	if err != nil || req.Command == 0 {
		return // NFD: no response to unparsable parameters or an unknown command
	}
	if localhop && !req.Command.IsLocalhopAllowed() {
		return
	}
	switch s.authorize(r, localhop) {
	case authSilent:
		return
	case authReject:
		s.respond(r, nfd.StatusUnauthorized, "authorization rejected", nil)
		return
	}
	p := req.Params
	if err := nfd.Validate(req.Command, &p); err != nil {
		s.respond(r, nfd.StatusMalformed, nfd.ValidationFailedText, nil)
		return
	}
	nfd.ApplyDefaults(req.Command, &p, s.requester(r))
	s.command(r, req.Command, &p)
}

type authResult int

const (
	authAccept authResult = iota
	authReject
	authSilent
)

// authorize applies Auth to a command (ndn-protocols.md §4.1).
func (s *Server) authorize(r *request, localhop bool) authResult {
	local := s.isLocal(s.requester(r))
	a := &s.opts.Auth
	var v *trust.Validator
	switch {
	case local && !a.RequireLocal:
		return authAccept
	case localhop && !local:
		if a.Localhop == nil {
			// NFD does not serve /localhop/nfd without
			// rib.localhop_security: the command gets no answer.
			return authSilent
		}
		v = a.Localhop
	default:
		v = a.Validator
	}
	if v == nil {
		return authReject
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Second)
	defer cancel()
	_, err := v.ValidateInterest(ctx, &r.interest)
	switch {
	case err == nil:
		return authAccept
	case errors.Is(err, security.ErrMalformed) || errors.Is(err, security.ErrUnsigned) ||
		errors.Is(err, trust.ErrNoKeyLocator):
		// NFD's CommandAuthenticator drops MALFORMED_SIGNATURE (which
		// includes an unsigned command) and INVALID_KEY_LOCATOR silently.
		return authSilent
	}
	s.log.Debug("mgmt: command rejected", "name", r.interest.Name, "err", err)
	return authReject
}

// isLocal reports whether a face is local for authorization: local scope
// (Unix, loopback TCP/WebSocket) or both ends on loopback addresses
// (loopback UDP).
func (s *Server) isLocal(id uint64) bool {
	f, ok := s.fw.Face(id)
	if !ok {
		return false
	}
	return IsLocal(f.Info())
}

// IsLocal reports whether a transport counts as local for management
// authorization: ScopeLocal, or a loopback remote address with a loopback
// (or unspecified, for a listener on 0.0.0.0 or ::) local address.
func IsLocal(info face.TransportInfo) bool {
	if info.Scope == face.ScopeLocal {
		return true
	}
	l, r := uriAddr(info.LocalURI), uriAddr(info.RemoteURI)
	// A listener bound to the unspecified address reports it as its
	// local address; a loopback source address can only come from this
	// host, so such a peer is local too.
	return r.IsLoopback() && (l.IsLoopback() || l.IsUnspecified())
}

// uriAddr returns the IP address of a FaceUri, or the zero Addr.
func uriAddr(s string) netip.Addr {
	u, err := nfd.ParseFaceURI(s)
	if err != nil {
		return netip.Addr{}
	}
	host := u.Host
	if i := strings.IndexByte(host, '%'); i >= 0 {
		host = host[:i]
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}
	}
	return a.Unmap()
}
