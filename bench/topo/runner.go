package topo

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"
	"testing"

	"github.com/ndnflow/ndnflow/face"
	"github.com/ndnflow/ndnflow/forwarder/daemon"
	"github.com/ndnflow/ndnflow/forwarder/mgmt"
	"github.com/ndnflow/ndnflow/ndn"
)

// Environment variables of the node runner.
const (
	envRunner   = "NDNFLOW_TOPO_NODE"
	envExtra    = "NDNFLOW_TOPO_EXTRA"
	envLogLevel = "NDNFLOW_TOPO_LOGLEVEL"
)

// Main is a TestMain for a package that uses the node runner and needs
// nothing else at exit:
//
//	func TestMain(m *testing.M) { topo.Main(m) }
func Main(m *testing.M) {
	RunNodeIfChild()
	os.Exit(m.Run())
}

// RunNodeIfChild runs the node runner and exits when the harness started
// this test binary as a node (the environment says so); otherwise it
// returns at once. Call it first in TestMain.
//
// The node runner does what `ndnflow fw --config` does (package
// forwarder/daemon), plus what that command lacks today: a management
// server (forwarder/mgmt) when the daemon did not attach one, and Ethernet
// faces (unicast and multicast) with their routes.
func RunNodeIfChild() {
	cfg := os.Getenv(envRunner)
	if cfg == "" {
		return
	}
	if err := runNode(cfg, os.Getenv(envExtra), os.Getenv(envLogLevel)); err != nil {
		fmt.Fprintln(os.Stderr, "topo node:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

func runNode(cfgPath, extraPath, level string) error {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		lv = slog.LevelWarn
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: lv}))
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	cfg, err := daemon.Load(cfgPath)
	if err != nil {
		return err
	}
	var extra runnerExtra
	if extraPath != "" {
		b, err := os.ReadFile(extraPath)
		if err != nil {
			return err
		}
		if err := json.Unmarshal(b, &extra); err != nil {
			return fmt.Errorf("%s: %w", extraPath, err)
		}
	}
	node, err := daemon.Start(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer node.Close()
	fw := node.Forwarder()
	if _, ok := fw.Face(mgmt.FaceID); !ok {
		srv, err := mgmt.New(mgmt.Options{Forwarder: fw, Channels: node.ListenerURIs, Logger: log})
		if err != nil {
			return fmt.Errorf("management: %w", err)
		}
		defer srv.Close()
		log.Info("management server attached by the topo runner")
	}
	for _, e := range extra.Ether {
		var cfg face.EthernetConfig
		if e.Remote != "" {
			if cfg.Remote, err = net.ParseMAC(e.Remote); err != nil {
				return err
			}
		}
		t, err := face.NewEthernet(e.Ifname, cfg)
		if err != nil {
			return err
		}
		fc := face.Config{Persistency: face.PersistencyPermanent}
		f := fw.AddFace(t, fc)
		log.Info("ethernet face", "face", f.ID(), "dev", e.Ifname, "remote", e.Remote)
		for _, r := range e.Routes {
			p, err := ndn.ParseName(r.Prefix)
			if err != nil {
				return err
			}
			if err := fw.AddNextHop(p, f.ID(), r.Cost); err != nil {
				return err
			}
		}
	}
	<-ctx.Done()
	return nil
}
