package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/ndnflow/ndnflow/app"
	"github.com/ndnflow/ndnflow/app/cc"
	"github.com/ndnflow/ndnflow/app/rdr"
	"github.com/ndnflow/ndnflow/app/segmented"
	"github.com/ndnflow/ndnflow/ndn"
)

// getSummary is the --json output of ndnflow get.
type getSummary struct {
	Name            string  `json:"name"`
	Bytes           int64   `json:"bytes"`
	Segments        uint64  `json:"segments"`
	Seconds         float64 `json:"seconds"`
	GoodputMbps     float64 `json:"goodput_mbps"`
	Retransmissions uint64  `json:"retransmissions"`
	Timeouts        uint64  `json:"timeouts"`
	// Spurious counts retransmissions whose earlier Interest was answered
	// after all: a stall longer than the RTO, not a loss.
	Spurious        uint64  `json:"spurious"`
	Nacks           uint64  `json:"nacks"`
	CongestionMarks uint64  `json:"congestion_marks"`
	WindowDecreases uint64  `json:"window_decreases"`
	MaxWindow       float64 `json:"max_window"`
	SRTTms          float64 `json:"srtt_ms"`
	MinRTTms        float64 `json:"min_rtt_ms"`
}

func newGetCmd() *cobra.Command {
	var af appFlags
	var output, verify, algo string
	var anchors []string
	var jsonOut, noProgress bool
	var maxWindow, retries int
	var lifetime, timeout time.Duration
	c := &cobra.Command{
		Use:   "get NAME",
		Short: "Fetch a segmented object (from ndnflow put, NDNts or ndnd) to a file or stdout",
		Long: `Fetch the object NAME: the latest version found through RDR metadata, or exactly
the version NAME ends with (v=<n>). Segments are fetched with congestion control
(CUBIC, or AIMD) and written in order; memory use does not grow with the size.

A progress bar goes to stderr when it is a terminal. The summary goes to stdout
when -o is given, else to stderr; --json prints it as JSON. The exit status is 1
with a message saying why on timeout, missing route (Nack NoRoute), validation
failure or a misbehaving producer; with -o a regular file is written only on success
(through a temporary file renamed over it); a device or FIFO (-o /dev/null) is
written directly.`,
		Example: `  ndnflow get /example/video.mp4 -o video.mp4
  ndnflow get /example/backup | tar x
  ndnflow get /example/doc/v=1700000000000 -o doc.pdf --verify alice.cert
  ndnflow get /example/alice/doc -o doc.pdf --trust-anchor example-root.cert
  ndnflow get /example/big -o /dev/null --json --uplink tcp://127.0.0.1`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			name, err := parseNamePrefix(args[0])
			if err != nil {
				return err
			}
			opts := segmented.FetchOptions{MaxWindow: maxWindow, MaxRetries: retries, Lifetime: lifetime}
			switch algo {
			case "cubic":
				opts.Algorithm = &cc.Cubic{}
			case "aimd":
				opts.Algorithm = &cc.AIMD{}
			default:
				return usageError{fmt.Errorf("--cc %q: want cubic or aimd", algo)}
			}
			if opts.Verifier, err = loadVerifier(verify); err != nil {
				return err
			}
			cl, err := af.connect(cmd)
			if err != nil {
				return err
			}
			defer cl.Close()
			if opts.Validator, err = trustValidator(cl, anchors); err != nil {
				return err
			}

			var w io.Writer = cmd.OutOrStdout()
			summaryOut := cmd.ErrOrStderr()
			var tmp *os.File
			if fi, serr := os.Stat(output); output != "" && output != "-" && serr == nil && !fi.Mode().IsRegular() {
				// A device or FIFO (-o /dev/null): write to it directly. A
				// temporary file renamed over it would replace the device.
				dev, err := os.OpenFile(output, os.O_WRONLY, 0)
				if err != nil {
					return err
				}
				defer dev.Close()
				w, summaryOut = dev, cmd.OutOrStdout()
			} else if output != "" && output != "-" {
				tmp, err = os.CreateTemp(filepath.Dir(output), "."+filepath.Base(output)+".part-*")
				if err != nil {
					return err
				}
				defer func() {
					if tmp != nil {
						tmp.Close()
						os.Remove(tmp.Name())
					}
				}()
				w, summaryOut = tmp, cmd.OutOrStdout()
			}
			bar := newBar(cmd, noProgress)
			if bar != nil {
				opts.Progress = func(p segmented.Progress) {
					if p.TotalSegments > 0 && p.Segments > 0 {
						bar.ChangeMax64(int64(float64(p.Bytes) / float64(p.Segments) * float64(p.TotalSegments)))
					}
					bar.Set64(p.Bytes)
				}
			}
			ctx := cmd.Context()
			if timeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, timeout)
				defer cancel()
			}
			res, err := segmented.Fetch(ctx, cl, name, w, opts)
			if bar != nil {
				if err == nil {
					bar.Finish()
				}
				fmt.Fprintln(cmd.ErrOrStderr()) // end the bar's line before any message
			}
			if errors.Is(err, context.DeadlineExceeded) {
				err = fmt.Errorf("%w: gave up after --timeout %v", app.ErrTimeout, timeout)
			}
			if err != nil {
				return explainFetchError(name, err)
			}
			if tmp != nil {
				if err := tmp.Sync(); err != nil {
					return err
				}
				if err := tmp.Close(); err != nil {
					return err
				}
				if err := os.Rename(tmp.Name(), output); err != nil {
					return err
				}
				tmp = nil
			}
			return printSummary(summaryOut, res, jsonOut)
		},
	}
	af.register(c)
	c.Flags().StringVarP(&output, "output", "o", "", "write to this file instead of stdout")
	c.Flags().StringVar(&verify, "verify", "", "verify every segment: digest or a certificate file whose key signed them")
	c.Flags().StringArrayVar(&anchors, "trust-anchor", nil, "validate every segment up to this trust anchor certificate file (repeatable)")
	c.Flags().StringVar(&algo, "cc", "cubic", "congestion control: cubic or aimd")
	c.Flags().IntVar(&maxWindow, "max-window", 1024, "maximum Interests in flight")
	c.Flags().IntVar(&retries, "retries", 15, "retransmissions of one segment before giving up")
	c.Flags().DurationVar(&lifetime, "lifetime", 4*time.Second, "InterestLifetime of segment Interests (also the largest RTO)")
	c.Flags().DurationVar(&timeout, "timeout", 0, "give up after this long in total (0: never; --retries still applies)")
	c.Flags().BoolVar(&jsonOut, "json", false, "print the summary as JSON")
	c.Flags().BoolVar(&noProgress, "no-progress", false, "never show a progress bar")
	return c
}

// newBar returns a progress bar on stderr if stderr is a terminal.
func newBar(cmd *cobra.Command, disabled bool) *progressbar.ProgressBar {
	f, ok := cmd.ErrOrStderr().(*os.File)
	if disabled || !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	return progressbar.NewOptions64(-1,
		progressbar.OptionSetWriter(f),
		progressbar.OptionShowBytes(true),
		progressbar.OptionShowCount(),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionSetWidth(30),
	)
}

// explainFetchError turns a fetch error into a message that says what
// went wrong in the user's terms.
func explainFetchError(name ndn.Name, err error) error {
	var ne *app.NackError
	switch {
	case errors.As(err, &ne) && ne.Reason == ndn.NackNoRoute:
		return fmt.Errorf("no route to %s (Nack NoRoute): is a producer running and registered? (%w)", name, err)
	case errors.As(err, &ne):
		return fmt.Errorf("network refused %s (Nack %s): %w", name, ne.Reason, err)
	case errors.Is(err, app.ErrTimeout):
		return fmt.Errorf("timed out fetching %s: no producer answered (%w)", name, err)
	case errors.Is(err, app.ErrValidation):
		return fmt.Errorf("validation failed for %s: %w", name, err)
	case errors.Is(err, rdr.ErrMetadata):
		return fmt.Errorf("cannot find the latest version of %s: %w", name, err)
	case errors.Is(err, segmented.ErrFinalBlock), errors.Is(err, segmented.ErrBadSegment):
		return fmt.Errorf("the producer of %s misbehaves: %w", name, err)
	}
	return err
}

func printSummary(out io.Writer, r *segmented.Result, asJSON bool) error {
	if asJSON {
		s := getSummary{
			Name: r.Name.String(), Bytes: r.Bytes, Segments: r.Segments, Seconds: r.Elapsed.Seconds(),
			GoodputMbps: r.Goodput() / 1e6, Retransmissions: r.Retransmissions, Timeouts: r.Timeouts,
			Spurious: r.Spurious,
			Nacks:    r.Nacks, CongestionMarks: r.CongestionMarks, WindowDecreases: r.WindowDecreases,
			MaxWindow: r.MaxWindowUsed, SRTTms: float64(r.SRTT.Microseconds()) / 1000,
			MinRTTms: float64(r.MinRTT.Microseconds()) / 1000,
		}
		enc := json.NewEncoder(out)
		return enc.Encode(s)
	}
	_, err := fmt.Fprintf(out, "%s: %d bytes in %d segments, %.3f s, %.1f Mbit/s; %d retransmissions (%d timeouts, %d Nacks), %d congestion marks, srtt %.3f ms\n",
		r.Name, r.Bytes, r.Segments, r.Elapsed.Seconds(), r.Goodput()/1e6, r.Retransmissions, r.Timeouts, r.Nacks,
		r.CongestionMarks, float64(r.SRTT.Microseconds())/1000)
	return err
}
