package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ndnflow/ndnflow/app"
	"github.com/ndnflow/ndnflow/app/store"
	"github.com/ndnflow/ndnflow/app/video"
	"github.com/ndnflow/ndnflow/face"
	"github.com/ndnflow/ndnflow/ndn"
)

// newVideoCmd builds `ndnflow video`: publish, gateway and keygen.
func newVideoCmd() *cobra.Command {
	c := &cobra.Command{
		Use:   "video",
		Short: "Publish HLS/DASH video as named data and serve it to browsers",
		Long: `Publish a packaged HLS or DASH stream (or a media file, packaged with ffmpeg)
as versioned, segmented, signed named data, and run an HTTP gateway that lets
ordinary players (a browser with hls.js, ffplay, VLC) play it over NDN.
See docs/video.md.`,
	}
	c.AddCommand(newVideoPublishCmd(), newVideoGatewayCmd(), newVideoKeygenCmd())
	return c
}

// uplinkFlags are the forwarder connection flags of the video commands.
type uplinkFlags struct {
	appFlags
	local      string
	noRegister bool
}

func (f *uplinkFlags) register(c *cobra.Command) {
	f.appFlags.register(c)
	c.Flags().StringVar(&f.local, "uplink-local", "",
		"with a udp:// --uplink, bind this local address (host:port), so a forwarder can reach the producer through a static face and route")
}

// connect opens the Client; with --uplink-local it dials UDP from that
// address.
func (f *uplinkFlags) connect(cmd *cobra.Command) (*app.Client, error) {
	if f.local == "" {
		return f.appFlags.connect(cmd)
	}
	u, err := url.Parse(f.uplink)
	if err != nil || !strings.HasPrefix(u.Scheme, "udp") || u.Host == "" {
		return nil, usageError{fmt.Errorf("--uplink-local needs a udp://host:port --uplink, not %q", f.uplink)}
	}
	dial := func(ctx context.Context) (face.Transport, error) {
		return face.DialUDP(ctx, u.Host, face.UDPDialConfig{LocalAddr: f.local})
	}
	c, err := app.Connect(cmd.Context(), f.uplink, app.Options{Logger: cmdLogger(cmd), Dial: dial})
	if err != nil {
		return nil, fmt.Errorf("cannot connect to %s from %s: %w", f.uplink, f.local, err)
	}
	return c, nil
}

func newVideoPublishCmd() *cobra.Command {
	var uf uplinkFlags
	var prefixS, from, segType, storeDir, keyFile, sign string
	var live bool
	var freshness, plFreshness time.Duration
	c := &cobra.Command{
		Use:   "publish [DIR]",
		Short: "Publish an HLS/DASH directory (or a media file with --from) as named data",
		Long: `Publish every file under DIR as /PREFIX/<file path>/v=<version>/seg=<n>, signed,
with RDR metadata so that a player asking for /PREFIX/master.m3u8 gets the newest
version. Before anything is published the directory is checked: every playlist
and manifest must name only files that exist, and every media segment must be
complete (whole TS packets, whole MP4 boxes).

--from INPUT packages a media file with ffmpeg first (H.264/AAC HLS, two
renditions, 2 s segments) into DIR, or into a temporary directory without DIR.

--live keeps watching DIR: each new segment is published when a playlist names
it (or, for DASH templates, when its size is stable and it is complete), each
playlist change becomes a new version with a short FreshnessPeriod. Playlist
versions naming missing or half-written files are reported and not published.

--store DIR keeps the signed segments on disk; run again with --store and no
DIR to serve what was stored, without packaging or signing anything.

--encrypt-key FILE seals every segment with AES-256-GCM (see 'ndnflow video
keygen'): forwarders cache only ciphertext; gateways need --decrypt-key.

On exit (SIGINT, SIGTERM) it prints the producer's counters on stdout.`,
		Example: `  ndnflow video publish --from talk.mp4 --prefix /lab/video/talk
  ndnflow video publish ./hls --prefix /lab/video/talk --sign /lab/alice
  ffmpeg -re -i in.mp4 ... -f hls live/index.m3u8 &
  ndnflow video publish --live ./live --prefix /lab/video/live
  ndnflow video publish ./hls --prefix /lab/video/talk --store /var/lib/ndnvideo
  ndnflow video publish --prefix /lab/video/talk --store /var/lib/ndnvideo   # after a restart`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			log := cmdLogger(cmd)
			ctx := cmd.Context()
			prefix, err := parseNamePrefix(prefixS)
			if err != nil {
				return err
			}
			dir := ""
			if len(args) == 1 {
				dir = args[0]
			}
			switch {
			case dir == "" && from == "" && storeDir == "":
				return usageError{errors.New("give a DIR, --from INPUT, or --store DIR to serve a stored stream")}
			case live && dir == "":
				return usageError{errors.New("--live needs the DIR a packager writes into")}
			case live && from != "":
				return usageError{errors.New("--live and --from do not go together: --from packages a file for video on demand")}
			case segType != "mpegts" && segType != "fmp4":
				return usageError{fmt.Errorf("--segment-type %q: want mpegts or fmp4", segType)}
			}
			signer, signerCert, err := uf.signer(sign)
			if err != nil {
				return err
			}
			opts := video.Options{Prefix: prefix, Signer: signer, Freshness: freshness, PlaylistFreshness: plFreshness, Logger: log}
			opts.Serve.NoRegister = uf.noRegister
			if keyFile != "" {
				if opts.Key, err = video.LoadKey(keyFile); err != nil {
					return err
				}
			}
			if from != "" {
				if dir == "" {
					tmp, err := os.MkdirTemp("", "ndnflow-video-")
					if err != nil {
						return err
					}
					defer os.RemoveAll(tmp)
					dir = tmp
				}
				log.Info("packaging with ffmpeg", "input", from, "dir", dir)
				start := time.Now()
				if err := video.Package(ctx, from, dir, video.PackageOptions{SegmentType: segType}); err != nil {
					return err
				}
				log.Info("packaged", "took", time.Since(start).Round(time.Millisecond))
			}
			if dir != "" && !live {
				// Check everything before connecting: a bad directory
				// publishes nothing.
				if err := video.CheckDir(dir); err != nil {
					return err
				}
			}
			if live {
				if st, err := os.Stat(dir); err != nil || !st.IsDir() {
					return fmt.Errorf("%w: %s", video.ErrNoDirectory, dir)
				}
			}
			if storeDir != "" {
				st, err := store.Open(storeDir, store.Options{})
				if err != nil {
					return err
				}
				defer st.Close()
				opts.Store = st
			}
			cl, err := uf.connect(cmd)
			if err != nil {
				return err
			}
			defer cl.Close()
			pub, err := video.NewPublisher(ctx, cl, opts)
			if err != nil {
				return err
			}
			defer pub.Close()
			if !uf.noRegister {
				if cp, err := serveCert(cmd, cl, signerCert); err != nil {
					return err
				} else if cp != nil {
					defer cp.Close()
				}
			}
			out := cmd.OutOrStdout()
			switch {
			case live:
				fmt.Fprintf(out, "watching %s, publishing under %s\n", dir, prefix)
				werr := make(chan error, 1)
				go func() { werr <- pub.Watch(ctx, dir, video.WatchOptions{}) }()
				select {
				case err = <-werr:
				case <-cl.Done():
					err = cl.Err()
				}
			default:
				if dir == "" {
					n, err := pub.LoadStore()
					if err != nil {
						return err
					}
					fmt.Fprintf(out, "serving %d stored files under %s\n", n, prefix)
				} else {
					if err := pub.PublishDir(dir); err != nil {
						return err
					}
					fmt.Fprintf(out, "published %d files (%d octets) under %s\n", len(pub.Files()), pub.StreamBytes(), prefix)
				}
				for _, e := range pub.Entries() {
					fmt.Fprintf(out, "  %s %s/%s\n", e.Kind, prefix, e.Path)
				}
				log.Info("serving; interrupt to stop")
				select {
				case <-ctx.Done():
				case <-cl.Done():
					err = cl.Err()
				}
			}
			k := &pub.Counters
			fmt.Fprintf(out, "stats: interests=%d data=%d data_bytes=%d segments=%d segment_bytes=%d not_found=%d rejected=%d stream_bytes=%d\n",
				k.Interests.Load(), k.Data.Load(), k.DataBytes.Load(), k.Segments.Load(), k.SegmentBytes.Load(),
				k.NotFound.Load(), k.Rejected.Load(), pub.StreamBytes())
			if err != nil && !errors.Is(err, app.ErrClosed) {
				return err
			}
			return nil
		},
	}
	uf.register(c)
	uf.registerKeychain(c)
	f := c.Flags()
	f.StringVar(&prefixS, "prefix", "", "stream prefix, e.g. /lab/video/talk (required)")
	f.StringVar(&from, "from", "", "package this media file with ffmpeg first")
	f.StringVar(&segType, "segment-type", "mpegts", "with --from: HLS segment type, mpegts or fmp4")
	f.BoolVar(&live, "live", false, "keep watching DIR and publish new segments and playlist versions")
	f.StringVar(&storeDir, "store", "", "keep the signed segments in this directory (bbolt store)")
	f.StringVar(&keyFile, "encrypt-key", "", "seal every segment with this AES-256 key file (ndnflow video keygen)")
	f.StringVar(&sign, "sign", "digest", "sign with digest or a keychain identity/key name")
	f.DurationVar(&freshness, "freshness", time.Hour, "FreshnessPeriod of media segments")
	f.DurationVar(&plFreshness, "playlist-freshness", time.Second, "FreshnessPeriod of playlists and manifests")
	f.BoolVar(&uf.noRegister, "no-register", false, "do not register the prefix (the forwarder has a static route to this producer)")
	c.MarkFlagRequired("prefix")
	return c
}

func newVideoGatewayCmd() *cobra.Command {
	var uf uplinkFlags
	var listen, prefixS, keyFile, verify, playerJS, playerJSFile string
	var cacheMB int
	var timeout time.Duration
	c := &cobra.Command{
		Use:   "gateway",
		Short: "Serve named video to HTTP players: GET /<name path> fetches it over NDN",
		Long: `Run an HTTP server: GET /<name path> finds the newest version of /<name path>
(RDR metadata), fetches it over NDN and streams it to the client as segments
arrive, with the Content-Type of its extension, Range requests and an ETag from
its version. Concurrent requests for one object share one fetch; completed
objects stay in a small cache. NDN failures become HTTP errors that name them
(X-NDN-Error: no-route, timeout, bad-signature, not-found, encrypted, ...).

GET / is a player page listing the streams found under --prefix and playing
one with hls.js, loaded from --player-js. Offline, serve hls.js yourself:
--player-js /hls.js --player-js-file node_modules/hls.js/dist/hls.min.js.

It prints "listening on http://ADDR/" on stdout once it accepts connections.`,
		Example: `  ndnflow video gateway --listen 127.0.0.1:8080 --prefix /lab/video
  ndnflow video gateway --listen 127.0.0.1:8080 --prefix /lab/video --decrypt-key video.key
  ndnflow video gateway --prefix /lab/video --player-js /hls.js --player-js-file ./hls.min.js`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			log := cmdLogger(cmd)
			prefix, err := ndn.ParseName(prefixS)
			if err != nil {
				return usageError{fmt.Errorf("--prefix %q: %w", prefixS, err)}
			}
			if playerJSFile != "" && !strings.HasPrefix(playerJS, "/") {
				return usageError{errors.New("--player-js-file needs --player-js to be a path on the gateway, such as /hls.js")}
			}
			if playerJSFile != "" {
				if _, err := os.Stat(playerJSFile); err != nil {
					return fmt.Errorf("--player-js-file: %w", err)
				}
			}
			opts := video.GatewayOptions{Prefix: prefix, CacheBytes: int64(cacheMB) << 20, Timeout: timeout,
				PlayerJS: playerJS, PlayerJSFile: playerJSFile, Logger: log}
			if keyFile != "" {
				if opts.Key, err = video.LoadKey(keyFile); err != nil {
					return err
				}
			}
			if opts.Verifier, err = loadVerifier(verify); err != nil {
				return err
			}
			ln, err := net.Listen("tcp", listen)
			if err != nil {
				return err
			}
			cl, err := uf.connect(cmd)
			if err != nil {
				ln.Close()
				return err
			}
			defer cl.Close()
			gw := video.NewGateway(cl, opts)
			defer gw.Close()
			srv := &http.Server{Handler: gw, ReadHeaderTimeout: 10 * time.Second}
			errc := make(chan error, 1)
			go func() { errc <- srv.Serve(ln) }()
			fmt.Fprintf(cmd.OutOrStdout(), "listening on http://%s/\n", ln.Addr())
			log.Info("gateway running", "listen", ln.Addr().String(), "prefix", prefix.String())
			select {
			case err = <-errc:
			case <-cmd.Context().Done():
			case <-cl.Done():
				err = cl.Err()
			}
			sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			srv.Shutdown(sctx)
			if err != nil && !errors.Is(err, http.ErrServerClosed) && !errors.Is(err, app.ErrClosed) {
				return err
			}
			return nil
		},
	}
	uf.register(c)
	f := c.Flags()
	f.StringVar(&listen, "listen", "127.0.0.1:8080", "HTTP listen address")
	f.StringVar(&prefixS, "prefix", "/", "serve only names under this prefix; the player page lists streams under it")
	f.StringVar(&keyFile, "decrypt-key", "", "AES-256 key file for encrypted streams")
	f.StringVar(&verify, "verify", "", "verify every packet: digest or a certificate file whose key signed them")
	f.StringVar(&playerJS, "player-js", video.DefaultPlayerJS, "URL of hls.js on the player page")
	f.StringVar(&playerJSFile, "player-js-file", "", "serve this file at the --player-js path (offline hls.js)")
	f.IntVar(&cacheMB, "cache-size", 64, "cache of completed objects, in MiB")
	f.DurationVar(&timeout, "timeout", 30*time.Second, "time limit of one object's fetch")
	return c
}

func newVideoKeygenCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "keygen FILE",
		Short: "Write a new random AES-256 content key (64 hex digits) to FILE",
		Long: `Write a new random AES-256 key to FILE (mode 0600; it must not exist) and print
its key id. Give it to 'video publish --encrypt-key' and 'video gateway
--decrypt-key'; forwarders and caches never see it.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			k, err := video.GenerateKeyFile(args[0])
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "key id %s written to %s\n", k.IDString(), args[0])
			return nil
		},
	}
}
