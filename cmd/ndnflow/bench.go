package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ndnflow/ndnflow/bench"
	"github.com/ndnflow/ndnflow/bench/report"
)

func newBenchCmd() *cobra.Command {
	c := &cobra.Command{
		Use:   "bench",
		Short: "Benchmark a forwarder: fwd, relay and fetch scenarios, reports and plots",
		Long: `bench measures a forwarder with ndnflow's own traffic generator. Each flow is a
consumer and a producer connected to the forwarder under test like any app
(Unix stream, UDP or TCP); producers register their prefixes with rib/register,
so any NFD-compatible forwarder can be measured the same way:

  ndnflow bench fwd --target internal                       # ndnflow fw, started here
  ndnflow bench fwd --target unix:///run/nfd/nfd.sock        # a running NFD or ndnd
  ndnflow bench relay --target internal --flows 16           # forwarder vs zero-processing relay
  ndnflow bench fetch --target internal --object-size 64MiB  # get-style transfers
  ndnflow bench report runs.json -o report.html              # plots

See docs/benchmarks.md for the figures, the JSON schema and measured results.`,
	}
	for _, sc := range []struct{ name, short string }{
		{bench.ScenarioFwd, "Interest/Data exchanges through the target: rates, loss, RTT percentiles"},
		{bench.ScenarioRelay, "fwd through a zero-processing relay and through the target, with efficiency = target/relay"},
		{bench.ScenarioFetch, "get-style consumers fetch large segmented objects: goodput, its spread, retransmissions"},
	} {
		c.AddCommand(newBenchScenarioCmd(sc.name, sc.short))
	}
	c.AddCommand(newBenchReportCmd(), newBenchRelayServeCmd())
	return c
}

func newBenchScenarioCmd(scenario, short string) *cobra.Command {
	cfg := bench.Config{Scenario: scenario}
	var (
		transport  string
		objectSize string
		jsonOut    bool
		jsonFile   string
		failOnLoss bool
	)
	cmd := &cobra.Command{
		Use:   scenario,
		Short: short,
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if cmd.Flags().Changed("transport") {
				cfg.Transport = transport
			}
			n, err := parseSize(objectSize)
			if err != nil {
				return usageError{fmt.Errorf("--object-size: %w", err)}
			}
			cfg.ObjectSize = n
			cfg.Logger = cmdLogger(cmd)
			cfg.Spawn = spawnSelf
			if err := cfg.Validate(); err != nil {
				return usageError{err}
			}
			var jf io.Writer
			if jsonFile != "" {
				f, err := os.OpenFile(jsonFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
				if err != nil {
					return err
				}
				defer f.Close()
				jf = f
			}
			out := cmd.OutOrStdout()
			emit := func(r bench.Result) {
				if jsonOut {
					bench.WriteJSON(out, r)
				}
				if jf != nil {
					bench.WriteJSON(jf, r)
				}
			}
			results, runErr := bench.Run(cmd.Context(), cfg, emit)
			if len(results) > 0 {
				if cfg.Repeat > 1 {
					for _, s := range bench.Summarize(results) {
						if jsonOut {
							bench.WriteJSON(out, s)
						}
						if jf != nil {
							bench.WriteJSON(jf, s)
						}
					}
				}
				if !jsonOut {
					if err := bench.WriteTable(out, results); err != nil {
						return err
					}
				}
			}
			if runErr != nil {
				return runErr
			}
			if failOnLoss {
				for _, r := range results {
					if r.Timeouts > 0 {
						return fmt.Errorf("%w: %s run %d: %d Interests timed out (loss ratio %.4f)",
							bench.ErrDataLoss, r.Label, r.Run, r.Timeouts, r.LossRatio)
					}
				}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&cfg.Target, "target", bench.TargetInternal, "forwarder under test: internal (start ndnflow fw), inproc (ndnflow's forwarder in this process), relay (the zero-processing relay) or a FaceUri such as unix:///run/nfd/nfd.sock")
	f.StringVar(&cfg.Label, "label", "", "name of the target in tables and plots (default ndnflow for internal, else the URI)")
	f.StringVar(&transport, "transport", "unix", "unix, udp, tcp or memory (default: the scheme of a URI --target)")
	f.IntVar(&cfg.Flows, "flows", 1, "consumer/producer pairs")
	f.IntVar(&cfg.NameLen, "name-len", 4, "name components (at least 4)")
	defPayload := 100
	if scenario == bench.ScenarioFetch {
		defPayload = 8000
	}
	f.IntVar(&cfg.Payload, "payload", defPayload, "Content octets per Data (fetch: segment size)")
	defWindow := 32
	if scenario == bench.ScenarioFetch {
		defWindow = 1024
		f.StringVar(&cfg.Fetcher, "fetcher", "", "app (app/segmented, CUBIC; default) or gen (the generator's fixed window; default with --target relay)")
	}
	f.IntVar(&cfg.Window, "window", defWindow, "Interests in flight per flow (fetch with app: the largest congestion window)")
	f.IntVar(&cfg.FIBSize, "fib-size", 0, "extra routes registered on the target")
	f.Float64Var(&cfg.CSHit, "cs-hit", 0, "fraction of measured Interests that repeat a name of the flow's working set, fetched once during the warm-up (1: all CS hits if the CS holds flows×cs-set Data)")
	f.IntVar(&cfg.CSSet, "cs-set", 1000, "names in each flow's working set with --cs-hit (at least --window)")
	f.DurationVar(&cfg.Duration, "duration", 10*time.Second, "measured interval")
	f.DurationVar(&cfg.Warmup, "warmup", 2*time.Second, "traffic before the measured interval")
	f.StringVar(&objectSize, "object-size", "16MiB", "fetch: size of each consumer's object (B, KiB, MiB, GiB)")
	f.DurationVar(&cfg.Timeout, "timeout", time.Second, "an Interest unanswered for this long is lost (fetch: sent again)")
	f.DurationVar(&cfg.StallTimeout, "stall-timeout", 5*time.Second, "end the run with an error when no Data arrives for this long")
	f.IntVar(&cfg.Repeat, "repeat", 1, "runs; with more than one, a summary (median, min, max) follows")
	f.IntVar(&cfg.CSCapacity, "cs-capacity", 0, "content store capacity (packets) of the internal/inproc forwarder: 0 its default, -1 off")
	f.StringArrayVar(&cfg.FwArgs, "fw-arg", nil, "extra argument for ndnflow fw with --target internal (repeatable)")
	f.BoolVar(&jsonOut, "json", false, "print one JSON object per run instead of the table")
	f.StringVar(&jsonFile, "json-out", "", "also append the JSON lines to this file")
	f.BoolVar(&failOnLoss, "fail-on-loss", false, "exit 1 if any Interest timed out (for CI)")
	return cmd
}

// spawnSelf runs this executable as a child (ndnflow fw, bench relay-serve).
func spawnSelf(_ context.Context, args ...string) *exec.Cmd {
	exe, err := os.Executable()
	if err != nil {
		exe = os.Args[0]
	}
	return exec.Command(exe, args...)
}

func newBenchRelayServeCmd() *cobra.Command {
	var listen string
	cmd := &cobra.Command{
		Use:    "relay-serve",
		Short:  "Run the benchmark's zero-processing relay (started by bench itself)",
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			out := cmd.OutOrStdout()
			return bench.RunRelay(cmd.Context(), listen, cmdLogger(cmd), func(uri string) {
				fmt.Fprintf(out, "ready %s\n", uri)
			})
		},
	}
	cmd.Flags().StringVar(&listen, "listen", "", "FaceUri to listen on: unix:///path, tcp://127.0.0.1:0, udp://127.0.0.1:0")
	cmd.MarkFlagRequired("listen")
	return cmd
}

func newBenchReportCmd() *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "report RUNS.json...",
		Short: "Plot results of bench --json runs into an HTML, SVG or PNG report",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return usageError{errors.New("-o FILE is required (report.html, report.svg or report.png)")}
			}
			var results []bench.Result
			for _, path := range args {
				rs, err := report.ReadResults(path)
				if err != nil {
					return err
				}
				results = append(results, rs...)
			}
			if err := report.Write(out, results); err != nil {
				if errors.Is(err, report.ErrFormat) {
					return usageError{err}
				}
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %s (%d runs)\n", out, len(results))
			return nil
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "report file: .html, .svg or .png")
	return cmd
}

// parseSize parses 1048576, 64KiB, 16MiB, 1GiB, 10MB.
func parseSize(s string) (int64, error) {
	s = strings.TrimSpace(s)
	units := []struct {
		suffix string
		mult   int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"GB", 1e9}, {"MB", 1e6}, {"KB", 1e3}, {"B", 1}}
	mult := int64(1)
	for _, u := range units {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSuffix(s, u.suffix), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%q is not a positive size such as 16MiB", s)
	}
	return n * mult, nil
}
