package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/ndnflow/ndnflow/app"
	"github.com/ndnflow/ndnflow/app/segmented"
	"github.com/ndnflow/ndnflow/app/store"
	"github.com/ndnflow/ndnflow/ndn"
)

func newPutCmd() *cobra.Command {
	var af appFlags
	var chunk int
	var version uint64
	var freshness time.Duration
	var sign, storeDir string
	c := &cobra.Command{
		Use:   "put NAME [FILE|-]",
		Short: "Publish a file or stdin as a versioned, segmented object and serve it",
		Long: `Publish FILE (or stdin with "-" or no FILE) as /NAME/v=<version>/seg=<n>, signed, with
RDR metadata (/NAME/32=metadata) so that 'ndnflow get NAME', NDNts and ndnd find the
latest version. Prints the versioned name on stdout, then serves until interrupted.

A FILE is read segment by segment when asked for and signed then (it must not
change meanwhile); stdin is read, signed and held in memory. With --store DIR the
signed segments are written to an on-disk store instead, and a later
'ndnflow put --store DIR NAME' without FILE serves the latest stored version
again without reading or signing anything.`,
		Example: `  ndnflow put /example/video.mp4 video.mp4
  tar c dir | ndnflow put /example/backup -
  ndnflow put --store /var/lib/ndn /example/big big.iso     # keep it
  ndnflow put --store /var/lib/ndn /example/big             # serve it again after a restart
  ndnflow put /example/doc doc.pdf --sign /example/alice`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			name, err := parseNamePrefix(args[0])
			if err != nil {
				return err
			}
			if name.At(-1).Type == ndn.TtVersionNameComponent || name.At(-1).Type == ndn.TtSegmentNameComponent {
				return usageError{fmt.Errorf("NAME %s must not end with a version or segment: put adds them", name)}
			}
			if chunk <= 0 || chunk > 8000 {
				return usageError{errors.New("--chunk-size must be in [1, 8000]")}
			}
			signer, signerCert, err := af.signer(sign)
			if err != nil {
				return err
			}
			var st *store.Store
			if storeDir != "" {
				if st, err = store.Open(storeDir, store.Options{}); err != nil {
					return err
				}
				defer st.Close()
			}
			cl, err := af.connect(cmd)
			if err != nil {
				return err
			}
			defer cl.Close()
			if cp, err := serveCert(cmd, cl, signerCert); err != nil {
				return err
			} else if cp != nil {
				defer cp.Close()
			}
			ctx := cmd.Context()
			opts := segmented.PublishOptions{Version: version, ChunkSize: chunk, Signer: signer, Freshness: freshness}
			var pub *segmented.Publication
			file := "-"
			if len(args) == 2 {
				file = args[1]
			}
			switch {
			case len(args) == 1 && st != nil:
				latest, ok := st.Latest(name)
				if !ok {
					return fmt.Errorf("store %s has no complete object under %s; give a FILE to publish one", storeDir, name)
				}
				pub, err = segmented.OpenStored(ctx, cl, st, latest, opts)
			case file == "-":
				var in io.Reader = cmd.InOrStdin()
				if f, ok := in.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
					cmdLogger(cmd).Info("reading the content from the terminal; end it with Ctrl-D")
				}
				if st != nil {
					opts.Store = st
				}
				pub, err = segmented.Publish(ctx, cl, name, in, opts)
			case st != nil:
				f, ferr := os.Open(file)
				if ferr != nil {
					return ferr
				}
				opts.Store = st
				pub, err = segmented.Publish(ctx, cl, name, f, opts)
				f.Close()
			default:
				pub, err = segmented.PublishFile(ctx, cl, name, file, opts)
			}
			if err != nil {
				return fmt.Errorf("publishing %s: %w", name, err)
			}
			fmt.Fprintln(cmd.OutOrStdout(), pub.Name)
			cmdLogger(cmd).Info("serving; interrupt to stop", "name", pub.Name.String(), "segments", pub.Final+1)
			select {
			case <-ctx.Done():
			case <-cl.Done():
			}
			pub.Close()
			if err := cl.Err(); err != nil && !errors.Is(err, app.ErrClosed) {
				return err
			}
			return nil
		},
	}
	af.register(c)
	af.registerKeychain(c)
	c.Flags().IntVar(&chunk, "chunk-size", segmented.DefaultChunkSize, "payload octets per segment")
	c.Flags().Uint64Var(&version, "version", 0, "version number (default: current Unix time in ms)")
	c.Flags().DurationVar(&freshness, "freshness", 10*time.Second, "FreshnessPeriod of the segments")
	c.Flags().StringVar(&sign, "sign", "digest", "sign with digest or a keychain identity/key name")
	c.Flags().StringVar(&storeDir, "store", "", "keep the signed segments in this directory (bbolt store)")
	return c
}
