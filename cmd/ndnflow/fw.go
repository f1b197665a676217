package main

import (
	"github.com/spf13/cobra"

	"github.com/ndnflow/ndnflow/forwarder/daemon"
)

// newFwCmd builds `ndnflow fw`, the forwarder daemon.
func newFwCmd() *cobra.Command {
	var (
		configPath          string
		unix, udp, tcp, ws  []string
		csCapacity, threads int
		httpAddr            string
	)
	cmd := &cobra.Command{
		Use:   "fw",
		Short: "Run the NDN forwarder",
		Long: `Run the NDN forwarder until SIGINT or SIGTERM.

Without --config it uses the defaults: a Unix socket at /run/nfd/nfd.sock,
UDP on 0.0.0.0:6363, TCP on :6363 and WebSocket on :9696, multicast and
Ethernet off, no static faces or routes. Every configuration key and its
default is described in docs/config.md; docs/ndnflow.sample.yaml is an
example.

The listener flags override the file: each may be repeated, a flag replaces
that kind's list from the file or the defaults, and an empty value
(--ws "") disables the kind.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg := &daemon.Config{}
			if configPath != "" {
				var err error
				if cfg, err = daemon.Load(configPath); err != nil {
					return err
				}
			}
			f := cmd.Flags()
			set := func(name string, v []string, dst **[]string) {
				if f.Changed(name) {
					c := append([]string(nil), v...)
					*dst = &c
				}
			}
			set("unix", unix, &cfg.Listeners.Unix)
			set("udp", udp, &cfg.Listeners.UDP)
			set("tcp", tcp, &cfg.Listeners.TCP)
			set("ws", ws, &cfg.Listeners.WebSocket)
			if f.Changed("cs-capacity") {
				cfg.Tables.CsMaxPackets = &csCapacity
			}
			if f.Changed("http") {
				cfg.HTTP = httpAddr
			}
			if f.Changed("threads") {
				cfg.Forwarder.Threads = threads
			}
			if err := cfg.Check(); err != nil {
				return err
			}
			log := cmdLogger(cmd)
			node, err := daemon.Start(cmd.Context(), cfg, log)
			if err != nil {
				return err
			}
			log.Info("forwarder running", "shards", node.Forwarder().Shards())
			<-cmd.Context().Done()
			log.Info("shutting down")
			return node.Close()
		},
	}
	f := cmd.Flags()
	f.StringVar(&configPath, "config", "", "YAML configuration file (see docs/config.md)")
	f.StringArrayVar(&unix, "unix", nil, "Unix socket `PATH` to listen on (repeatable; empty disables)")
	f.StringArrayVar(&udp, "udp", nil, "UDP `HOST:PORT` to listen on (repeatable; empty disables)")
	f.StringArrayVar(&tcp, "tcp", nil, "TCP `HOST:PORT` to listen on (repeatable; empty disables)")
	f.StringArrayVar(&ws, "ws", nil, "WebSocket `HOST:PORT` to listen on (repeatable; empty disables)")
	f.IntVar(&csCapacity, "cs-capacity", 65536, "content store capacity in packets (0 disables the CS)")
	f.IntVar(&threads, "threads", 0, "forwarding threads (0: GOMAXPROCS)")
	f.StringVar(&httpAddr, "http", "", "serve the status page and Prometheus /metrics on `HOST:PORT` (default off)")
	return cmd
}
