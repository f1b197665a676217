package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/spf13/cobra"
)

// newRootCmd builds the ndnflow command tree. It holds no state outside the
// returned value, so tests build a fresh tree per case and run it with execute.
//
// Adding a subcommand: write `func newXxxCmd() *cobra.Command` in its own file
// (xxx.go, with xxx_test.go next to it) and add ONE line, `newXxxCmd,`, to the
// subcommands list below. A subcommand:
//   - does its work in RunE and returns errors instead of printing them; execute
//     prints "ndnflow: <error>" once and exits 1;
//   - declares its arguments with Args (cobra.ExactArgs etc.); argument, flag
//     and required-flag errors become usage errors (exit 2) automatically;
//   - gets its logger from cmdLogger(cmd), which honours --log-level, and its
//     context from cmd.Context(), which SIGINT/SIGTERM cancel;
//   - writes to cmd.OutOrStdout() / cmd.ErrOrStderr(), never os.Stdout, so tests
//     can capture the output;
//   - keeps its flag values in local variables captured by RunE, never in
//     package-level variables.
func newRootCmd() *cobra.Command {
	level := &logLevelFlag{level: slog.LevelInfo}
	root := &cobra.Command{
		Use:   "ndnflow",
		Short: "Named Data Networking forwarder, tools and library",
		Long: `ndnflow is a Named Data Networking (NDN) forwarder with the tools to manage it,
publish and fetch named data, and benchmark it. It speaks the NDN packet format
v0.3, NDNLPv2 and the NFD management protocol, so it works with NFD, ndnd and
the ndn-cxx, NDNts and python-ndn applications.`,
		// Runtime errors are not usage mistakes: execute prints the error once,
		// and a one-line hint instead of the whole usage for usage errors.
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.PersistentFlags().Var(level, "log-level", "log verbosity: debug, info, warn or error")

	// Subcommands, one line each; keep the list sorted.
	subcommands := []func() *cobra.Command{
		newCtlCmd,
		newDissectCmd,
		newGetCmd,
		newKeyCmd,
		newPingCmd,
		newPingServerCmd,
		newPutCmd,
		newBenchCmd,
		newFwCmd,
		newVersionCmd,
		newVideoCmd,
	}
	for _, newCmd := range subcommands {
		root.AddCommand(newCmd())
	}
	return root
}

// execute runs root with args and returns the process exit status: 0, 1 for a
// runtime error or 2 for a usage error. It prints an error as "ndnflow: <error>"
// on stderr, once.
func execute(ctx context.Context, root *cobra.Command, args []string, stdout, stderr io.Writer) int {
	if args == nil {
		args = []string{} // a nil slice makes cobra read os.Args
	}
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	markUsageErrors(root)

	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return 0
	}
	fmt.Fprintf(stderr, "%s: %v\n", root.Name(), err)
	if errors.As(err, new(usageError)) {
		fmt.Fprintf(stderr, "Run '%s --help' for usage.\n", cmd.CommandPath())
		return 2
	}
	return 1
}

// usageError marks an error as the user's mistake in invoking a command.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// markUsageErrors walks the tree below c so that argument errors, unknown
// subcommands and missing required flags come back as usageError. Cobra
// validates arguments after parsing flags and before any run hook, so the
// wrapped Args function is the one place that sees all of these.
func markUsageErrors(c *cobra.Command) {
	args := c.Args
	if args == nil {
		if c.HasSubCommands() {
			args = unknownSubcommand
			if c.SuggestionsMinimumDistance <= 0 {
				c.SuggestionsMinimumDistance = 2 // cobra's own default for "did you mean"
			}
		} else {
			args = cobra.ArbitraryArgs
		}
	}
	if !c.Runnable() {
		// A command group: without a RunE cobra would print help and exit 0 for
		// `ndnflow group typo`. Bare `ndnflow group` still prints help.
		c.RunE = func(cmd *cobra.Command, _ []string) error { return cmd.Help() }
	}
	c.Args = func(cmd *cobra.Command, a []string) error {
		if err := args(cmd, a); err != nil {
			return usageError{err}
		}
		if err := cmd.ValidateRequiredFlags(); err != nil {
			return usageError{err}
		}
		if err := cmd.ValidateFlagGroups(); err != nil {
			return usageError{err}
		}
		return nil
	}
	for _, sub := range c.Commands() {
		markUsageErrors(sub)
	}
}

// unknownSubcommand rejects any positional argument of a command group.
func unknownSubcommand(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	msg := fmt.Sprintf("unknown command %q for %q", args[0], cmd.CommandPath())
	if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
		msg += fmt.Sprintf(" (did you mean %q?)", s[0])
	}
	return errors.New(msg)
}

// cmdLogger returns a logger that writes text records to cmd's stderr at the
// level chosen with --log-level. Subcommands pass it down to the values they
// build (forwarder, faces, clients); nothing sets slog's default logger.
func cmdLogger(cmd *cobra.Command) *slog.Logger {
	lvl := slog.LevelInfo
	if f := cmd.Root().PersistentFlags().Lookup("log-level"); f != nil {
		if l, ok := f.Value.(*logLevelFlag); ok {
			lvl = l.level
		}
	}
	return slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), &slog.HandlerOptions{Level: lvl}))
}

// logLevelFlag is the pflag.Value behind --log-level. Parsing it while flags
// are parsed makes a bad value a usage error before any command runs.
type logLevelFlag struct{ level slog.Level }

func (f *logLevelFlag) String() string {
	switch f.level {
	case slog.LevelDebug:
		return "debug"
	case slog.LevelInfo:
		return "info"
	case slog.LevelWarn:
		return "warn"
	case slog.LevelError:
		return "error"
	}
	return f.level.String()
}

func (f *logLevelFlag) Set(s string) error {
	switch strings.ToLower(s) {
	case "debug":
		f.level = slog.LevelDebug
	case "info":
		f.level = slog.LevelInfo
	case "warn":
		f.level = slog.LevelWarn
	case "error":
		f.level = slog.LevelError
	default:
		return errors.New("must be one of debug, info, warn, error")
	}
	return nil
}

func (f *logLevelFlag) Type() string { return "level" }
