// Command ndnflow is the one ndnflow binary: the NDN forwarder (`ndnflow fw`),
// its management client and the application and benchmark tools, each a
// subcommand. `ndnflow --help` lists them.
//
// Exit status: 0 on success, 1 when a command fails while running, 2 on a
// usage error (unknown subcommand or flag, bad flag value, wrong arguments).
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	// SIGINT and SIGTERM cancel the command's context; long-running
	// subcommands (fw, pingserver, video serve) shut down cleanly on it.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := execute(ctx, newRootCmd(), os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
