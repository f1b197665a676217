package app_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/app"
	"github.com/ndnflow/ndnflow/app/apptest"
	"github.com/ndnflow/ndnflow/face"
	"github.com/ndnflow/ndnflow/ndn"
	"github.com/ndnflow/ndnflow/security"
)

// newFwd returns a test forwarder closed after the test's clients.
func newFwd(t testing.TB) *apptest.Forwarder {
	fwd := apptest.New()
	t.Cleanup(fwd.Close)
	return fwd
}

// memClient connects a Client to fwd over an in-memory link.
func memClient(t *testing.T, fwd *apptest.Forwarder, opt apptest.LinkOptions) *app.Client {
	t.Helper()
	c, err := app.Connect(context.Background(), "mem", app.Options{
		Dial: func(context.Context) (face.Transport, error) { return fwd.ConnectMem(opt), nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func ctxT(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func echoHandler(content string) app.Handler {
	return func(_ context.Context, i *ndn.Interest) (*ndn.Data, error) {
		return &ndn.Data{Name: i.Name.Clone(), Content: []byte(content), Freshness: time.Second}, nil
	}
}

func TestExpressServe(t *testing.T) {
	fwd := newFwd(t)
	prod, cons := memClient(t, fwd, apptest.LinkOptions{}), memClient(t, fwd, apptest.LinkOptions{})
	prefix := ndn.MustParseName("/example/app")
	p, err := prod.Serve(ctxT(t, 5*time.Second), prefix, echoHandler("hello"), app.ServeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !fwd.HasRoute(prefix) {
		t.Fatalf("route not registered; routes %v", fwd.Routes())
	}
	d, err := cons.Express(ctxT(t, 5*time.Second), &ndn.Interest{Name: prefix.Append(ndn.GenericComponent("x"))},
		app.ExpressOptions{Verifier: security.DigestSha256{}})
	if err != nil {
		t.Fatal(err)
	}
	if string(d.Content) != "hello" || d.Name.String() != "/example/app/x" {
		t.Errorf("got %s %q", d.Name, d.Content)
	}
	if fwd.Counters.TokensEchoed.Load() != 1 || fwd.Counters.TokensMissing.Load()+fwd.Counters.TokensWrong.Load() != 0 {
		t.Errorf("producer did not echo the PIT token: echoed %d, missing %d, wrong %d", fwd.Counters.TokensEchoed.Load(),
			fwd.Counters.TokensMissing.Load(), fwd.Counters.TokensWrong.Load())
	}
	// CanBePrefix Interest.
	d, err = cons.Express(ctxT(t, 5*time.Second), &ndn.Interest{Name: prefix, CanBePrefix: true}, app.ExpressOptions{})
	if err != nil || !prefix.IsPrefixOf(d.Name) {
		t.Fatalf("CanBePrefix: %v %v", d, err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if fwd.HasRoute(prefix) {
		t.Errorf("route still present after Close: %v", fwd.Routes())
	}
}

func TestExpressErrors(t *testing.T) {
	fwd := newFwd(t)
	prod, cons := memClient(t, fwd, apptest.LinkOptions{}), memClient(t, fwd, apptest.LinkOptions{})
	var calls atomic.Int32
	handlers := map[string]app.Handler{
		"/nack": func(context.Context, *ndn.Interest) (*ndn.Data, error) {
			return nil, app.ReplyNack(ndn.NackCongestion)
		},
		"/silent": func(context.Context, *ndn.Interest) (*ndn.Data, error) {
			calls.Add(1)
			return nil, nil
		},
		"/badsig": func(_ context.Context, i *ndn.Interest) (*ndn.Data, error) {
			d := &ndn.Data{Name: i.Name.Clone(), Content: []byte("x")}
			w, _ := d.SignWith(security.DigestSha256{})
			w[len(w)-1] ^= 1 // corrupt the signature
			var out ndn.Data
			return &out, out.Decode(w)
		},
		// Answers only the third transmission.
		"/third": func(_ context.Context, i *ndn.Interest) (*ndn.Data, error) {
			if calls.Add(1)%3 != 0 {
				return nil, nil
			}
			return &ndn.Data{Name: i.Name.Clone()}, nil
		},
	}
	for p, h := range handlers {
		if _, err := prod.Serve(ctxT(t, 5*time.Second), ndn.MustParseName(p), h, app.ServeOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	short := 100 * time.Millisecond
	tests := []struct {
		name    string
		opts    app.ExpressOptions
		wantErr error
		reason  ndn.NackReason
	}{
		{"/noroute/a", app.ExpressOptions{}, app.ErrNack, ndn.NackNoRoute},
		{"/nack/a", app.ExpressOptions{Retries: 1}, app.ErrNack, ndn.NackCongestion},
		{"/silent/a", app.ExpressOptions{}, app.ErrTimeout, 0},
		{"/badsig/a", app.ExpressOptions{Verifier: security.DigestSha256{}}, app.ErrValidation, 0},
		{"/third/a", app.ExpressOptions{Retries: 2}, nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls.Store(0)
			_, err := cons.Express(ctxT(t, 5*time.Second), &ndn.Interest{Name: ndn.MustParseName(tt.name), Lifetime: short}, tt.opts)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Fatalf("err %v, want %v", err, tt.wantErr)
			}
			var ne *app.NackError
			if errors.As(err, &ne) && ne.Reason != tt.reason {
				t.Errorf("reason %v, want %v", ne.Reason, tt.reason)
			}
		})
	}
	if got := calls.Load(); got != 3 {
		t.Errorf("/third handler saw %d transmissions, want 3", got)
	}
}

func TestExpressCancel(t *testing.T) {
	fwd := newFwd(t)
	prod, cons := memClient(t, fwd, apptest.LinkOptions{}), memClient(t, fwd, apptest.LinkOptions{})
	prod.Serve(ctxT(t, 5*time.Second), ndn.MustParseName("/silent"),
		func(context.Context, *ndn.Interest) (*ndn.Data, error) { return nil, nil }, app.ServeOptions{})
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(20 * time.Millisecond); cancel() }()
	_, err := cons.Express(ctx, &ndn.Interest{Name: ndn.MustParseName("/silent/x"), Lifetime: time.Minute}, app.ExpressOptions{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v, want context.Canceled", err)
	}
	cons.Close()
	_, err = cons.Express(context.Background(), &ndn.Interest{Name: ndn.MustParseName("/silent/x")}, app.ExpressOptions{})
	if !errors.Is(err, app.ErrClosed) {
		t.Fatalf("after Close: err %v, want ErrClosed", err)
	}
}

func TestAnnounce(t *testing.T) {
	fwd := newFwd(t)
	prod := memClient(t, fwd, apptest.LinkOptions{})
	prefix := ndn.MustParseName("/announced")
	if _, err := prod.Serve(ctxT(t, 5*time.Second), prefix, echoHandler("a"), app.ServeOptions{Announce: true}); err != nil {
		t.Fatal(err)
	}
	if !fwd.HasRoute(prefix) {
		t.Fatalf("announce did not add a route: %v", fwd.Routes())
	}
}

// TestReconnect restarts the forwarder on the same Unix socket and checks
// that the Client reconnects, registers its prefix again and works.
func TestReconnect(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "fw.sock")
	fwd := apptest.New()
	if err := fwd.ListenUnix(sock, apptest.LinkOptions{}); err != nil {
		t.Fatal(err)
	}
	uri := "unix://" + sock
	prod, err := app.Connect(context.Background(), uri, app.Options{MinBackoff: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer prod.Close()
	prefix := ndn.MustParseName("/restart")
	if _, err := prod.Serve(ctxT(t, 5*time.Second), prefix, echoHandler("again"), app.ServeOptions{}); err != nil {
		t.Fatal(err)
	}
	fwd.Close()

	fwd2 := apptest.New()
	defer fwd2.Close()
	if err := fwd2.ListenUnix(sock, apptest.LinkOptions{}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for !fwd2.HasRoute(prefix) {
		if time.Now().After(deadline) {
			t.Fatalf("prefix not registered again after restart; reconnects=%d", prod.Counters.Reconnects.Load())
		}
		time.Sleep(10 * time.Millisecond)
	}
	cons, err := app.Connect(context.Background(), uri, app.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer cons.Close()
	d, err := cons.Express(ctxT(t, 5*time.Second), &ndn.Interest{Name: prefix.Append(ndn.GenericComponent("1"))}, app.ExpressOptions{})
	if err != nil || string(d.Content) != "again" {
		t.Fatalf("after restart: %v %v", d, err)
	}
}

func TestConnectURI(t *testing.T) {
	for _, uri := range []string{"ftp://x", "unix://", "tcp://", "udp://", "ws://", "::bad"} {
		_, err := app.Connect(context.Background(), uri, app.Options{})
		if !errors.Is(err, app.ErrURI) {
			t.Errorf("%q: err %v, want ErrURI", uri, err)
		}
	}
	_, err := app.Connect(context.Background(), "unix://"+filepath.Join(t.TempDir(), "none.sock"), app.Options{})
	if err == nil {
		t.Error("connecting to a missing socket succeeded")
	}
}

// TestRegisterNoManagement connects to a forwarder that has no route to
// /localhost/nfd: Serve fails with ErrRegister and says why.
func TestRegisterNoManagement(t *testing.T) {
	fwd := newFwd(t)
	c, err := app.Connect(context.Background(), "mem", app.Options{
		Dial:          func(context.Context) (face.Transport, error) { return fwd.ConnectMem(apptest.LinkOptions{}), nil },
		CommandPrefix: ndn.MustParseName("/localhost/nomgmt"),
	})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, err = c.Serve(ctxT(t, 5*time.Second), ndn.MustParseName("/p"), echoHandler("x"), app.ServeOptions{})
	if !errors.Is(err, app.ErrRegister) || !strings.Contains(err.Error(), "rib/register /p") {
		t.Fatalf("err %v, want ErrRegister naming rib/register /p", err)
	}
}

// TestTransports serves and expresses over each kind of uplink.
func TestTransports(t *testing.T) {
	for _, kind := range []string{"tcp", "udp", "ws"} {
		t.Run(kind, func(t *testing.T) {
			fwd := newFwd(t)
			uri, err := fwd.Listen(kind, apptest.LinkOptions{})
			if err != nil {
				t.Fatal(err)
			}
			var cs [2]*app.Client
			for i := range cs {
				if cs[i], err = app.Connect(context.Background(), uri, app.Options{}); err != nil {
					t.Fatal(err)
				}
				defer cs[i].Close()
			}
			prefix := ndn.MustParseName("/over").Append(ndn.GenericComponent(kind))
			if _, err := cs[0].Serve(ctxT(t, 5*time.Second), prefix, echoHandler(kind), app.ServeOptions{}); err != nil {
				t.Fatal(err)
			}
			d, err := cs[1].Express(ctxT(t, 5*time.Second), &ndn.Interest{Name: prefix.Append(ndn.GenericComponent("x"))},
				app.ExpressOptions{Retries: 2})
			if err != nil || string(d.Content) != kind {
				t.Fatalf("Express over %s: %v %v", uri, d, err)
			}
		})
	}
}

// TestRefresh: a route the forwarder lost comes back with the periodic
// re-registration.
func TestRefresh(t *testing.T) {
	fwd := newFwd(t)
	c, err := app.Connect(context.Background(), "mem", app.Options{RefreshInterval: 20 * time.Millisecond,
		Dial: func(context.Context) (face.Transport, error) { return fwd.ConnectMem(apptest.LinkOptions{}), nil }})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	prefix := ndn.MustParseName("/refreshed")
	if _, err := c.Serve(ctxT(t, 5*time.Second), prefix, echoHandler("r"), app.ServeOptions{}); err != nil {
		t.Fatal(err)
	}
	fwd.RemoveRoutes(prefix)
	deadline := time.Now().Add(5 * time.Second)
	for !fwd.HasRoute(prefix) {
		if time.Now().After(deadline) {
			t.Fatal("route not registered again")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestExpressAggregated sends identical (and overlapping CanBePrefix)
// Interests concurrently from one Client. The test forwarder aggregates
// them in one PIT entry per name and returns one Data with one PIT token,
// as NFD does for Interests from one face; every Express call must still
// get the Data.
func TestExpressAggregated(t *testing.T) {
	const n = 8
	tests := []struct {
		name     string
		interest func(k int) *ndn.Interest
		data     string // name of the Data the producer returns
		entries  int    // PIT entries it satisfies in the forwarder
	}{
		{"same name", func(int) *ndn.Interest {
			return &ndn.Interest{Name: ndn.MustParseName("/agg/same/x")}
		}, "/agg/same/x", 1},
		{"MustBeFresh", func(int) *ndn.Interest {
			return &ndn.Interest{Name: ndn.MustParseName("/agg/fresh/x"), MustBeFresh: true}
		}, "/agg/fresh/x", 1},
		{"CanBePrefix", func(int) *ndn.Interest {
			return &ndn.Interest{Name: ndn.MustParseName("/agg/prefix"), CanBePrefix: true, MustBeFresh: true}
		}, "/agg/prefix/x/v1", 1},
		{"prefixes and exact", func(k int) *ndn.Interest {
			switch k % 3 {
			case 0:
				return &ndn.Interest{Name: ndn.MustParseName("/agg/mixed"), CanBePrefix: true}
			case 1:
				return &ndn.Interest{Name: ndn.MustParseName("/agg/mixed/x"), CanBePrefix: true}
			}
			return &ndn.Interest{Name: ndn.MustParseName("/agg/mixed/x/y")}
		}, "/agg/mixed/x/y", 3},
	}
	fwd := newFwd(t)
	prod, cons := memClient(t, fwd, apptest.LinkOptions{}), memClient(t, fwd, apptest.LinkOptions{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The producer stays silent until all n Interests have passed
			// the forwarder, then answers the last: the forwarder then holds
			// every one of them and sends the Data once.
			var seen atomic.Int32
			prefix := ndn.MustParseName(tt.data).Prefix(2)
			h := func(context.Context, *ndn.Interest) (*ndn.Data, error) {
				if seen.Add(1) != n {
					return nil, nil
				}
				return &ndn.Data{Name: ndn.MustParseName(tt.data), Content: []byte(tt.name)}, nil
			}
			p, err := prod.Serve(ctxT(t, 5*time.Second), prefix, h, app.ServeOptions{})
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			dataBefore, unsolicitedBefore := fwd.Counters.Data.Load(), cons.Counters.RxUnsolicited.Load()
			errs := make(chan error, n)
			for k := range n {
				go func() {
					d, err := cons.Express(ctxT(t, 10*time.Second), tt.interest(k), app.ExpressOptions{})
					if err == nil && (d.Name.String() != tt.data || string(d.Content) != tt.name) {
						err = fmt.Errorf("got Data %s %q", d.Name, d.Content)
					}
					errs <- err
				}()
			}
			for k := range n {
				if err := <-errs; err != nil {
					t.Errorf("Express %d: %v", k, err)
				}
			}
			if got := fwd.Counters.Data.Load() - dataBefore; got != 1 {
				t.Errorf("producer sent %d Data, want 1", got)
			}
			// The forwarder sends the Data once per PIT entry: the first
			// copy satisfies every call, the others are unsolicited.
			if got := cons.Counters.RxUnsolicited.Load() - unsolicitedBefore; got != uint64(tt.entries-1) {
				t.Errorf("%d unsolicited Data, want %d", got, tt.entries-1)
			}
		})
	}
}

// TestServeRelease checks that ServeOptions.Release gets back every Data
// the handler returned, after it was sent, and nothing else.
func TestServeRelease(t *testing.T) {
	fwd := newFwd(t)
	prod, cons := memClient(t, fwd, apptest.LinkOptions{}), memClient(t, fwd, apptest.LinkOptions{})
	prefix := ndn.MustParseName("/release")
	var mu sync.Mutex
	returned := map[*ndn.Data]bool{}
	released := 0
	h := func(_ context.Context, i *ndn.Interest) (*ndn.Data, error) {
		if i.Name.At(-1).String() == "none" {
			return nil, nil
		}
		d := &ndn.Data{Name: i.Name.Clone(), Content: []byte("r")}
		mu.Lock()
		returned[d] = true
		mu.Unlock()
		return d, nil
	}
	rel := func(d *ndn.Data) {
		mu.Lock()
		defer mu.Unlock()
		if !returned[d] {
			t.Errorf("Release got a Data the handler did not return")
		}
		delete(returned, d)
		released++
	}
	if _, err := prod.Serve(ctxT(t, 5*time.Second), prefix, h, app.ServeOptions{Release: rel}); err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		if _, err := cons.Express(ctxT(t, 5*time.Second), &ndn.Interest{Name: prefix.Append(ndn.SegmentComponent(uint64(i)))}, app.ExpressOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	in := &ndn.Interest{Name: prefix.Append(ndn.GenericComponent("none")), Lifetime: 50 * time.Millisecond}
	if _, err := cons.Express(ctxT(t, 5*time.Second), in, app.ExpressOptions{}); !errors.Is(err, app.ErrTimeout) {
		t.Fatalf("unanswered Interest: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if released != 5 || len(returned) != 0 {
		t.Errorf("released %d Data, %d not released; want 5 and 0", released, len(returned))
	}
}
