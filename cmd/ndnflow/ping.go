package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/ndnflow/ndnflow/app"
	"github.com/ndnflow/ndnflow/ndn"
	"github.com/ndnflow/ndnflow/security"
	"github.com/ndnflow/ndnflow/security/cert"
	"github.com/ndnflow/ndnflow/security/keychain"
	"github.com/ndnflow/ndnflow/security/trust"
)

// appFlags are the flags every application tool (ping, pingserver, put,
// get) shares: the forwarder to connect to and the keychain for --sign.
type appFlags struct {
	uplink   string
	keychain string
}

func (f *appFlags) register(c *cobra.Command) {
	c.Flags().StringVar(&f.uplink, "uplink", "",
		"forwarder URI: unix:///path, tcp://host:port, udp://host:port or ws://host:port/ (default $NDN_CLIENT_TRANSPORT, else "+app.DefaultURI+")")
}

func (f *appFlags) registerKeychain(c *cobra.Command) {
	c.Flags().StringVar(&f.keychain, "keychain", "", "keychain directory for --sign (default $NDNFLOW_KEYCHAIN or the user config dir)")
}

// connect opens the Client, logging through the command's logger.
func (f *appFlags) connect(cmd *cobra.Command) (*app.Client, error) {
	c, err := app.Connect(cmd.Context(), f.uplink, app.Options{Logger: cmdLogger(cmd)})
	if err != nil {
		uri := f.uplink
		if uri == "" {
			uri = "the default forwarder"
		}
		return nil, fmt.Errorf("cannot connect to %s (is a forwarder running? see --uplink): %w", uri, err)
	}
	return c, nil
}

// signer returns the signer a --sign value names: "digest" (DigestSha256),
// or an identity, key or certificate name in the keychain, together with
// that key's certificate (nil for digest), which the tool serves so that
// consumers can validate the signatures.
func (f *appFlags) signer(spec string) (ndn.Signer, *cert.Certificate, error) {
	if spec == "" || spec == "digest" {
		return security.DigestSha256{}, nil, nil
	}
	n, err := ndn.ParseName(spec)
	if err != nil {
		return nil, nil, usageError{fmt.Errorf("--sign %q: want digest or a key name: %w", spec, err)}
	}
	dir := f.keychain
	if dir == "" {
		if dir, err = keychain.DefaultDir(); err != nil {
			return nil, nil, err
		}
	}
	kc, err := keychain.Open(dir)
	if err != nil {
		return nil, nil, err
	}
	k, err := kc.Signer(n)
	if err != nil {
		return nil, nil, fmt.Errorf("--sign %s: %w", spec, err)
	}
	c, err := kc.ResolveCert(k.Name())
	if err != nil {
		return nil, nil, fmt.Errorf("--sign %s: %w", spec, err)
	}
	return k, c, nil
}

// serveCert answers Interests for a certificate (by its key name or full
// name) so that validators can fetch it; nil c serves nothing.
func serveCert(cmd *cobra.Command, cl *app.Client, c *cert.Certificate) (*app.Producer, error) {
	if c == nil {
		return nil, nil
	}
	h := func(_ context.Context, i *ndn.Interest) (*ndn.Data, error) {
		if i.Name.IsPrefixOf(c.Name()) && (i.CanBePrefix || i.Name.Equal(c.Name())) {
			return c.Data, nil
		}
		return nil, nil
	}
	p, err := cl.Serve(cmd.Context(), c.KeyName(), h, app.ServeOptions{})
	if err != nil {
		return nil, fmt.Errorf("serving certificate %s: %w", c.Name(), err)
	}
	return p, nil
}

// readCert reads a certificate file: base64 (as `ndnflow key export` and
// ndnsec write it) or binary.
func readCert(path string) (*cert.Certificate, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	wire := b
	if len(b) > 0 && b[0] != ndn.TtData {
		if wire, err = cert.DecodeBase64(b); err != nil {
			return nil, fmt.Errorf("%s: not a certificate: %w", path, err)
		}
	}
	c, err := cert.Decode(wire)
	if err != nil {
		return nil, fmt.Errorf("%s: not a certificate: %w", path, err)
	}
	return c, nil
}

// trustValidator returns a validator trusting the anchor certificate files
// (hierarchical policy: a key may sign names under its identity), fetching
// intermediate certificates through cl; nil without anchors.
func trustValidator(cl *app.Client, anchors []string) (app.Validator, error) {
	if len(anchors) == 0 {
		return nil, nil
	}
	o := trust.Options{Fetcher: trust.FetcherFunc(func(ctx context.Context, i *ndn.Interest) (*ndn.Data, error) {
		return cl.Express(ctx, i, app.ExpressOptions{Retries: 1})
	})}
	for _, a := range anchors {
		c, err := readCert(a)
		if err != nil {
			return nil, fmt.Errorf("--trust-anchor %w", err)
		}
		o.Anchors = append(o.Anchors, c)
	}
	return trust.NewValidator(o), nil
}

// loadVerifier returns the verifier a --verify value names: "" or "none"
// (no verification), "digest", or a certificate file (base64, as `ndnflow
// key export` writes it, or binary) whose key must have signed every packet.
func loadVerifier(spec string) (ndn.Verifier, error) {
	switch spec {
	case "", "none":
		return nil, nil
	case "digest":
		return security.DigestSha256{}, nil
	}
	c, err := readCert(spec)
	if err != nil {
		return nil, fmt.Errorf("--verify %w", err)
	}
	return c.PublicKey, nil
}

func parseNamePrefix(s string) (ndn.Name, error) {
	n, err := ndn.ParseName(s)
	if err != nil {
		return ndn.Name{}, usageError{fmt.Errorf("bad name %q: %w", s, err)}
	}
	if n.IsEmpty() {
		return ndn.Name{}, usageError{errors.New("the name must have at least one component")}
	}
	return n, nil
}

func newPingCmd() *cobra.Command {
	var af appFlags
	var count int
	var interval, lifetime time.Duration
	var start int64
	var verify string
	var anchors []string
	c := &cobra.Command{
		Use:   "ping PREFIX",
		Short: "Check reachability of a prefix served by `ndnflow pingserver` or ndnpingserver",
		Long: `Send Interests named /PREFIX/ping/<sequence number> (MustBeFresh), as ndn-tools'
ndnping does, one every --interval, and print the round-trip time of each reply,
then loss and min/avg/max/mdev like ping. Exits 1 when no reply came back.`,
		Example: `  ndnflow pingserver /example &
  ndnflow ping /example -c 4
  ndnflow ping /example -i 100ms --uplink tcp://router.example.net`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			prefix, err := parseNamePrefix(args[0])
			if err != nil {
				return err
			}
			if interval <= 0 || lifetime <= 0 || count < 0 {
				return usageError{errors.New("--interval and --timeout must be positive and -c not negative")}
			}
			v, err := loadVerifier(verify)
			if err != nil {
				return err
			}
			cl, err := af.connect(cmd)
			if err != nil {
				return err
			}
			defer cl.Close()
			val, err := trustValidator(cl, anchors)
			if err != nil {
				return err
			}
			seq := uint64(start)
			if start < 0 {
				seq = rand.Uint64N(1 << 32)
			}
			st, err := runPing(cmd.Context(), cl, cmd.OutOrStdout(), prefix, seq, count, interval, lifetime,
				app.ExpressOptions{Verifier: v, Validator: val})
			if err != nil {
				return err
			}
			if st.received == 0 {
				return fmt.Errorf("no reply from %s", prefix)
			}
			return nil
		},
	}
	af.register(c)
	c.Flags().IntVarP(&count, "count", "c", 0, "stop after this many Interests (0: until interrupted)")
	c.Flags().DurationVarP(&interval, "interval", "i", time.Second, "time between Interests")
	c.Flags().DurationVarP(&lifetime, "timeout", "t", 4*time.Second, "InterestLifetime: how long to wait for each reply")
	c.Flags().Int64Var(&start, "start", -1, "first sequence number (default random)")
	c.Flags().StringVar(&verify, "verify", "", "verify replies: digest or a certificate file whose key signed them")
	c.Flags().StringArrayVar(&anchors, "trust-anchor", nil, "validate replies up to this trust anchor certificate file (repeatable)")
	return c
}

type pingStats struct {
	mu                        sync.Mutex
	sent, received, nacked    int
	min, max, sum, sumSquares float64 // milliseconds
}

func runPing(ctx context.Context, cl *app.Client, out io.Writer, prefix ndn.Name, seq uint64, count int,
	interval, lifetime time.Duration, eo app.ExpressOptions) (*pingStats, error) {
	st := &pingStats{min: math.Inf(1)}
	pingPrefix := prefix.Append(ndn.GenericComponent("ping"))
	fmt.Fprintf(out, "PING %s\n", prefix)
	begin := time.Now()
	var wg sync.WaitGroup
	tick := time.NewTicker(interval)
	defer tick.Stop()
loop:
	for i := 0; count == 0 || i < count; i++ {
		n := seq + uint64(i)
		st.mu.Lock()
		st.sent++
		st.mu.Unlock()
		wg.Add(1)
		go func() {
			defer wg.Done()
			in := &ndn.Interest{Name: pingPrefix.Append(ndn.GenericComponent(strconv.FormatUint(n, 10))),
				MustBeFresh: true, Lifetime: lifetime}
			t0 := time.Now()
			_, err := cl.Express(ctx, in, eo)
			rtt := float64(time.Since(t0).Microseconds()) / 1000
			st.mu.Lock()
			defer st.mu.Unlock()
			var ne *app.NackError
			switch {
			case err == nil:
				st.received++
				st.min, st.max = math.Min(st.min, rtt), math.Max(st.max, rtt)
				st.sum += rtt
				st.sumSquares += rtt * rtt
				fmt.Fprintf(out, "content from %s: seq=%d time=%.3f ms\n", prefix, n, rtt)
			case errors.As(err, &ne):
				st.nacked++
				fmt.Fprintf(out, "nack from %s: seq=%d time=%.3f ms reason=%s\n", prefix, n, rtt, ne.Reason)
			case errors.Is(err, app.ErrTimeout):
				fmt.Fprintf(out, "timeout from %s: seq=%d time=%.3f ms\n", prefix, n, rtt)
			case errors.Is(err, app.ErrValidation):
				fmt.Fprintf(out, "invalid reply from %s: seq=%d: %v\n", prefix, n, err)
			case ctx.Err() != nil:
				st.sent-- // interrupted before an answer was due
			default:
				fmt.Fprintf(out, "error from %s: seq=%d: %v\n", prefix, n, err)
			}
		}()
		if count != 0 && i == count-1 {
			break
		}
		select {
		case <-ctx.Done():
			break loop
		case <-cl.Done():
			break loop
		case <-tick.C:
		}
	}
	wg.Wait()
	st.mu.Lock()
	defer st.mu.Unlock()
	elapsed := time.Since(begin)
	lost := st.sent - st.received
	lossPct := 0.0
	if st.sent > 0 {
		lossPct = 100 * float64(lost) / float64(st.sent)
	}
	fmt.Fprintf(out, "\n--- %s ping statistics ---\n", prefix)
	fmt.Fprintf(out, "%d packets transmitted, %d received, %.1f%% lost, %d nacked, time %d ms\n",
		st.sent, st.received, lossPct, st.nacked, elapsed.Milliseconds())
	if st.received > 0 {
		avg := st.sum / float64(st.received)
		mdev := math.Sqrt(math.Max(0, st.sumSquares/float64(st.received)-avg*avg))
		fmt.Fprintf(out, "rtt min/avg/max/mdev = %.3f/%.3f/%.3f/%.3f ms\n", st.min, avg, st.max, mdev)
	}
	return st, nil
}
