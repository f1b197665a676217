package video

import (
	"bytes"
	"container/list"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ndnflow/ndnflow/app"
	"github.com/ndnflow/ndnflow/app/segmented"
	"github.com/ndnflow/ndnflow/ndn"
)

// DefaultPlayerJS is where the player page loads hls.js from unless
// GatewayOptions.PlayerJS says otherwise.
const DefaultPlayerJS = "https://cdn.jsdelivr.net/npm/hls.js@1.5.20/dist/hls.min.js"

// GatewayOptions configures a Gateway. The zero value serves every name.
type GatewayOptions struct {
	// Prefix limits the names served (others get 404) and is where the
	// player page looks for streams (<Prefix>/32=streams); default /.
	Prefix ndn.Name
	// Key decrypts encrypted objects; without it they fail with
	// ErrEncrypted (HTTP 502).
	Key *Key
	// Verifier, when set, checks the signature of every metadata packet
	// and segment; a failure is HTTP 502 "bad signature".
	Verifier ndn.Verifier
	// Validator, when set, validates them against a trust policy.
	Validator app.Validator
	// CacheBytes bounds the completed objects kept in memory; default
	// 64 MiB. Larger objects are streamed and not kept.
	CacheBytes int64
	// Timeout bounds one object's fetch; default 30 s.
	Timeout time.Duration
	// DiscoveryLifetime is the InterestLifetime of the metadata Interest
	// that finds an object's newest version (sent up to 3 times); default 1 s.
	DiscoveryLifetime time.Duration
	// PlayerJS is the URL of hls.js on the player page; default
	// DefaultPlayerJS.
	PlayerJS string
	// PlayerJSFile, when set, is a file the gateway serves at the path
	// PlayerJS (which must then be a path such as /hls.js), for offline use.
	PlayerJSFile string
	// Logger receives fetch failures; default slog.Default().
	Logger *slog.Logger
}

func (o *GatewayOptions) applyDefaults() {
	if o.CacheBytes <= 0 {
		o.CacheBytes = 64 << 20
	}
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	if o.DiscoveryLifetime <= 0 {
		o.DiscoveryLifetime = time.Second
	}
	if o.PlayerJS == "" {
		o.PlayerJS = DefaultPlayerJS
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
}

// GatewayCounters count a Gateway's work; updated atomically.
type GatewayCounters struct {
	// Requests counts object requests; Fetches the NDN fetches started;
	// Shared the requests that joined a fetch already running; CacheHits
	// those served from the cache; Errors those answered with an error.
	Requests, Fetches, Shared, CacheHits, Errors atomic.Uint64
}

// Gateway is an http.Handler that serves named objects to HTTP clients:
// GET /<name path> finds the newest version of /<name path> (RDR metadata),
// fetches it over NDN and streams it as segments arrive. Concurrent
// requests for the same version share one fetch; completed objects stay in
// a bounded LRU cache. It is safe for concurrent use.
type Gateway struct {
	c    *app.Client
	opts GatewayOptions
	log  *slog.Logger

	// Counters; see the type.
	Counters GatewayCounters

	ctx    context.Context
	cancel context.CancelFunc

	streamsMu sync.Mutex // serialises Streams

	mu          sync.Mutex // protects inflight, discovering, lru, byKey, cached, streams
	inflight    map[string]*fetchEntry
	discovering map[string]*discoverCall
	lru         *list.List // of *fetchEntry, most recent first
	byKey       map[string]*list.Element
	cached      int64
	streams     map[string]streamSeen
}

type streamSeen struct {
	s    Stream
	seen time.Time
}

// NewGateway returns a Gateway fetching through c. Close stops its fetches.
func NewGateway(c *app.Client, opts GatewayOptions) *Gateway {
	opts.applyDefaults()
	g := &Gateway{
		c: c, opts: opts, log: opts.Logger,
		inflight: make(map[string]*fetchEntry), discovering: make(map[string]*discoverCall), lru: list.New(), byKey: make(map[string]*list.Element),
		streams: make(map[string]streamSeen),
	}
	g.ctx, g.cancel = context.WithCancel(context.Background())
	return g
}

// Close cancels running fetches.
func (g *Gateway) Close() error {
	g.cancel()
	return nil
}

// fetchEntry is one object version being fetched or cached. Readers wait
// on notify, which is closed and replaced whenever bytes arrive.
type fetchEntry struct {
	key       string
	versioned ndn.Name

	mu     sync.Mutex // protects buf, done, err, notify
	buf    []byte
	done   bool
	err    error
	notify chan struct{}
}

// Write appends fetched (and decrypted) bytes; it implements io.Writer.
func (e *fetchEntry) Write(p []byte) (int, error) {
	e.mu.Lock()
	e.buf = append(e.buf, p...)
	close(e.notify)
	e.notify = make(chan struct{})
	e.mu.Unlock()
	return len(p), nil
}

func (e *fetchEntry) finish(err error) {
	e.mu.Lock()
	e.done, e.err = true, err
	close(e.notify)
	e.notify = make(chan struct{})
	e.mu.Unlock()
}

// snapshot returns the bytes from off on, whether the fetch ended, its
// error, and a channel closed at the next change.
func (e *fetchEntry) snapshot(off int) ([]byte, bool, error, <-chan struct{}) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.buf[min(off, len(e.buf)):], e.done, e.err, e.notify
}

// object returns the entry of versioned: cached, in flight, or a new fetch.
func (g *Gateway) object(versioned ndn.Name, keyID []byte) *fetchEntry {
	key := string(versioned.Value())
	g.mu.Lock()
	if el, ok := g.byKey[key]; ok {
		g.lru.MoveToFront(el)
		g.mu.Unlock()
		g.Counters.CacheHits.Add(1)
		return el.Value.(*fetchEntry)
	}
	if e, ok := g.inflight[key]; ok {
		g.mu.Unlock()
		g.Counters.Shared.Add(1)
		return e
	}
	e := &fetchEntry{key: key, versioned: versioned.Clone(), notify: make(chan struct{})}
	g.inflight[key] = e
	g.mu.Unlock()
	g.Counters.Fetches.Add(1)
	go g.routineFetch(e, keyID)
	return e
}

// routineFetch fetches one object into its entry, then caches it.
func (g *Gateway) routineFetch(e *fetchEntry, keyID []byte) {
	ctx, cancel := context.WithTimeout(g.ctx, g.opts.Timeout)
	defer cancel()
	err := g.fetchInto(ctx, e, keyID)
	e.finish(err)
	g.mu.Lock()
	delete(g.inflight, e.key)
	if err == nil && int64(len(e.buf)) <= g.opts.CacheBytes/4 {
		g.byKey[e.key] = g.lru.PushFront(e)
		g.cached += int64(len(e.buf))
		for g.cached > g.opts.CacheBytes {
			old := g.lru.Remove(g.lru.Back()).(*fetchEntry)
			delete(g.byKey, old.key)
			g.cached -= int64(len(old.buf))
		}
	}
	g.mu.Unlock()
	if err != nil {
		g.log.Warn("fetch failed", "name", e.versioned.String(), "err", err)
	}
}

func (g *Gateway) fetchInto(ctx context.Context, e *fetchEntry, keyID []byte) error {
	var dec *decrypter
	var w interface{ Write([]byte) (int, error) } = e
	if keyID != nil {
		switch {
		case g.opts.Key == nil:
			return fmt.Errorf("%w: %s is sealed with key id %x (start the gateway with --decrypt-key)", ErrEncrypted, e.versioned, keyID)
		case !bytes.Equal(keyID, g.opts.Key.id[:]):
			return fmt.Errorf("%w: %s is sealed with key id %x, the gateway's key has id %s", ErrWrongKey, e.versioned, keyID, g.opts.Key.IDString())
		}
		dec = newDecrypter(g.opts.Key, e.versioned, e)
		w = dec
	}
	_, err := segmented.Fetch(ctx, g.c, e.versioned, w, segmented.FetchOptions{
		Verifier:    g.opts.Verifier,
		Validator:   g.opts.Validator,
		WriteBuffer: 1, // every segment reaches the HTTP clients as it arrives
		MaxWindow:   256,
	})
	if err == nil && dec != nil {
		err = dec.Close()
	}
	return err
}

// Discover finds the newest version of name through its RDR metadata and
// the key id of the object if it is encrypted (nil otherwise). An
// application Nack from the producer is ErrNotFound.
//
// Concurrent calls for the same name share one metadata Interest: a
// forwarder keeps one PIT in-record per face, so identical Interests from
// one Client would otherwise get one answer between them.
func (g *Gateway) Discover(ctx context.Context, name ndn.Name) (versioned ndn.Name, keyID []byte, err error) {
	key := string(name.Value())
	g.mu.Lock()
	call, ok := g.discovering[key]
	if !ok {
		call = &discoverCall{done: make(chan struct{})}
		g.discovering[key] = call
		go func() {
			dctx, cancel := context.WithTimeout(g.ctx, 3*g.opts.DiscoveryLifetime+time.Second)
			defer cancel()
			call.versioned, call.keyID, call.err = Discover(dctx, g.c, name, g.opts.DiscoveryLifetime,
				app.ExpressOptions{Retries: 2, Verifier: g.opts.Verifier, Validator: g.opts.Validator})
			g.mu.Lock()
			delete(g.discovering, key)
			g.mu.Unlock()
			close(call.done)
		}()
	}
	g.mu.Unlock()
	select {
	case <-call.done:
		return call.versioned, call.keyID, call.err
	case <-ctx.Done():
		return ndn.Name{}, nil, ctx.Err()
	}
}

// discoverCall is one metadata lookup that concurrent requests share.
type discoverCall struct {
	done      chan struct{}
	versioned ndn.Name
	keyID     []byte
	err       error
}

// nameOfPath maps a URL path to a name: one generic component per
// non-empty path element.
func nameOfPath(p string) (ndn.Name, error) {
	p = strings.Trim(p, "/")
	if p == "" {
		return ndn.Name{}, errors.New("empty name")
	}
	var comps []ndn.Component
	for _, s := range strings.Split(p, "/") {
		if s == "" || s == "." || s == ".." {
			return ndn.Name{}, fmt.Errorf("bad path element %q", s)
		}
		comps = append(comps, ndn.GenericComponent(s))
	}
	return ndn.NameFromComponents(comps...), nil
}

// ServeHTTP implements http.Handler.
func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/":
		g.servePage(w, r)
		return
	case r.URL.Path == "/_streams":
		g.serveStreams(w, r)
		return
	case g.opts.PlayerJSFile != "" && r.URL.Path == g.opts.PlayerJS:
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		http.ServeFile(w, r, g.opts.PlayerJSFile)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "only GET and HEAD", http.StatusMethodNotAllowed)
		return
	}
	g.Counters.Requests.Add(1)
	name, err := nameOfPath(r.URL.Path)
	if err != nil {
		g.Counters.Errors.Add(1)
		http.Error(w, "ndnflow gateway: "+err.Error(), http.StatusBadRequest)
		return
	}
	if !g.opts.Prefix.IsPrefixOf(name) {
		g.Counters.Errors.Add(1)
		w.Header().Set("X-NDN-Error", "outside-prefix")
		http.Error(w, fmt.Sprintf("ndnflow gateway: %s is outside the gateway's prefix %s", name, g.opts.Prefix), http.StatusNotFound)
		return
	}
	versioned, keyID, err := g.Discover(r.Context(), name)
	if err != nil {
		g.fail(w, name, err)
		return
	}
	ver, _ := versioned.At(-1).Number()
	etag := `"` + strconv.FormatUint(ver, 10) + `"`
	h := w.Header()
	h.Set("Content-Type", ContentType(string(name.At(-1).Value)))
	h.Set("ETag", etag)
	h.Set("X-NDN-Name", versioned.String())
	if IsPlaylist(string(name.At(-1).Value)) {
		h.Set("Cache-Control", "no-cache")
	} else {
		h.Set("Cache-Control", "public, max-age=60")
	}
	if inm := r.Header.Get("If-None-Match"); inm != "" && (inm == etag || inm == "*") {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	e := g.object(versioned, keyID)
	if r.Header.Get("Range") != "" {
		// A range needs the total size: wait for the whole object.
		for {
			buf, done, ferr, ch := e.snapshot(0)
			if done {
				if ferr != nil {
					g.fail(w, versioned, ferr)
					return
				}
				http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(buf))
				return
			}
			select {
			case <-ch:
			case <-r.Context().Done():
				return
			}
		}
	}
	g.stream(w, r, e)
}

// stream sends the object as it arrives: headers once the first bytes
// (or the end, or an error) are there, so an NDN failure before the first
// byte is a proper HTTP error; one after it aborts the response.
func (g *Gateway) stream(w http.ResponseWriter, r *http.Request, e *fetchEntry) {
	fl, _ := w.(http.Flusher)
	off := 0
	started := false
	for {
		buf, done, err, ch := e.snapshot(off)
		if !started && (len(buf) > 0 || done) {
			if done && err != nil {
				g.fail(w, e.versioned, err)
				return
			}
			if done {
				w.Header().Set("Content-Length", strconv.Itoa(len(buf)))
			}
			w.WriteHeader(http.StatusOK)
			started = true
			if r.Method == http.MethodHead {
				return
			}
		}
		if started && len(buf) > 0 {
			if _, werr := w.Write(buf); werr != nil {
				return
			}
			off += len(buf)
			if fl != nil {
				fl.Flush()
			}
		}
		if done {
			if err != nil {
				g.Counters.Errors.Add(1)
				g.log.Warn("fetch failed after the response started; aborting it", "name", e.versioned.String(), "err", err)
				panic(http.ErrAbortHandler)
			}
			return
		}
		select {
		case <-ch:
		case <-r.Context().Done():
			return
		}
	}
}

// fail answers with the HTTP status and message of an NDN failure.
func (g *Gateway) fail(w http.ResponseWriter, name ndn.Name, err error) {
	g.Counters.Errors.Add(1)
	code, kind, msg := Classify(err)
	w.Header().Del("ETag")
	w.Header().Del("Content-Length")
	w.Header().Set("X-NDN-Error", kind)
	http.Error(w, fmt.Sprintf("ndnflow gateway: %s: %s (%v)", name, msg, err), code)
}

// Classify maps a fetch error to an HTTP status, a short kind (the
// X-NDN-Error header) and a sentence in NDN terms.
func Classify(err error) (status int, kind, msg string) {
	var nack *app.NackError
	switch {
	case errors.As(err, &nack) && nack.Reason == ndn.NackNoRoute:
		return http.StatusBadGateway, "no-route", "no route: the forwarder knows no producer for this name (Nack NoRoute)"
	case errors.As(err, &nack):
		return http.StatusBadGateway, "nack", fmt.Sprintf("the network answered Nack %s", nack.Reason)
	case errors.Is(err, ErrNotFound):
		return http.StatusNotFound, "not-found", "the producer has no such object"
	case errors.Is(err, app.ErrTimeout), errors.Is(err, context.DeadlineExceeded):
		return http.StatusGatewayTimeout, "timeout", "timeout: no Data came back"
	case errors.Is(err, app.ErrValidation):
		return http.StatusBadGateway, "bad-signature", "bad signature: the Data failed verification"
	case errors.Is(err, ErrEncrypted):
		return http.StatusBadGateway, "encrypted", "the object is encrypted and the gateway has no key"
	case errors.Is(err, ErrWrongKey):
		return http.StatusBadGateway, "wrong-key", "the object is encrypted with another key"
	case errors.Is(err, ErrDecrypt):
		return http.StatusBadGateway, "decrypt", "decryption failed: the ciphertext is corrupt or cut short"
	case errors.Is(err, app.ErrDown), errors.Is(err, app.ErrClosed):
		return http.StatusServiceUnavailable, "down", "the gateway's connection to its forwarder is down"
	}
	return http.StatusBadGateway, "error", "fetching over NDN failed"
}

// Streams asks <Prefix>/32=streams for the published streams and returns
// them together with those other answers listed in the last 10 minutes.
func (g *Gateway) Streams(ctx context.Context) ([]Stream, error) {
	// One Interest at a time: identical Interests from one face would get
	// one answer between them.
	g.streamsMu.Lock()
	defer g.streamsMu.Unlock()
	in := &ndn.Interest{Name: StreamsName(g.opts.Prefix), CanBePrefix: true, MustBeFresh: true, Lifetime: g.opts.DiscoveryLifetime}
	d, err := g.c.Express(ctx, in, app.ExpressOptions{Retries: 1, Verifier: g.opts.Verifier, Validator: g.opts.Validator})
	now := time.Now()
	g.mu.Lock()
	defer g.mu.Unlock()
	if err == nil {
		var sl streamsList
		if jerr := json.Unmarshal(d.Content, &sl); jerr != nil {
			err = fmt.Errorf("video: %s: %w", d.Name, jerr)
		}
		for _, s := range sl.Streams {
			if pn, perr := ndn.ParseName(s.Prefix); perr == nil && g.opts.Prefix.IsPrefixOf(pn) {
				g.streams[s.Prefix] = streamSeen{s, now}
			}
		}
	}
	var out []Stream
	for k, s := range g.streams {
		if now.Sub(s.seen) > 10*time.Minute {
			delete(g.streams, k)
			continue
		}
		out = append(out, s.s)
	}
	if len(out) > 0 {
		err = nil
	}
	sortStreams(out)
	return out, err
}
