package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// runCLI executes a fresh command tree in-process, optionally with extra
// test-only subcommands, and returns its exit status and output.
func runCLI(t *testing.T, extra []*cobra.Command, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	root := newRootCmd()
	root.AddCommand(extra...)
	var out, errOut bytes.Buffer
	code = execute(context.Background(), root, args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestRootHelp(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}, {}} {
		code, stdout, stderr := runCLI(t, nil, args...)
		if code != 0 || stderr != "" {
			t.Errorf("ndnflow %v: exit %d, stderr %q; want 0 and nothing", args, code, stderr)
		}
		for _, want := range []string{"Usage:", "version", "--log-level"} {
			if !strings.Contains(stdout, want) {
				t.Errorf("ndnflow %v: help lacks %q:\n%s", args, want, stdout)
			}
		}
	}
}

func TestVersionCmd(t *testing.T) {
	code, stdout, stderr := runCLI(t, nil, "version")
	if code != 0 || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	if !strings.HasPrefix(stdout, "ndnflow ") || !strings.Contains(stdout, "go1.") || strings.Count(stdout, "\n") != 1 {
		t.Errorf("version printed %q; want one line like \"ndnflow (devel) go1.x linux/amd64\"", stdout)
	}
}

// newFailingCmd is a subcommand that logs at every level and then fails at run time.
func newFailingCmd() *cobra.Command {
	return &cobra.Command{
		Use:  "fail",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			log := cmdLogger(cmd)
			log.Debug("dbg-record")
			log.Info("info-record")
			log.Warn("warn-record")
			log.Error("error-record")
			return errors.New("boom " + args[0])
		},
	}
}

func TestRootErrors(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		code     int
		errLine  string // the "ndnflow: ..." line, exactly
		hintPath string // command path in the usage hint, "" for none
	}{
		{"unknown subcommand", []string{"bogus"}, 2,
			`ndnflow: unknown command "bogus" for "ndnflow"`, "ndnflow"},
		{"misspelt subcommand", []string{"versoin"}, 2,
			`ndnflow: unknown command "versoin" for "ndnflow" (did you mean "version"?)`, "ndnflow"},
		{"bad log level", []string{"--log-level", "loud", "version"}, 2,
			`ndnflow: invalid argument "loud" for "--log-level" flag: must be one of debug, info, warn, error`, "ndnflow version"},
		{"unknown flag", []string{"version", "--nope"}, 2,
			`ndnflow: unknown flag: --nope`, "ndnflow version"},
		{"extra argument", []string{"version", "x"}, 2,
			`ndnflow: unknown command "x" for "ndnflow version"`, "ndnflow version"},
		{"missing argument", []string{"fail"}, 2,
			`ndnflow: accepts 1 arg(s), received 0`, "ndnflow fail"},
		{"runtime error", []string{"--log-level=error", "fail", "x"}, 1,
			`ndnflow: boom x`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, []*cobra.Command{newFailingCmd()}, tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d", code, tt.code)
			}
			if stdout != "" {
				t.Errorf("stdout %q, want nothing (no usage dump)", stdout)
			}
			if n := strings.Count(stderr, "ndnflow: "); n != 1 {
				t.Errorf("error printed %d times, want once:\n%s", n, stderr)
			}
			if !strings.Contains(stderr, tt.errLine+"\n") {
				t.Errorf("stderr lacks line %q:\n%s", tt.errLine, stderr)
			}
			hint := "Run '" + tt.hintPath + " --help' for usage."
			if has := strings.Contains(stderr, "--help' for usage."); has != (tt.hintPath != "") {
				t.Errorf("usage hint present=%v, want %v:\n%s", has, tt.hintPath != "", stderr)
			} else if has && !strings.Contains(stderr, hint) {
				t.Errorf("stderr lacks hint %q:\n%s", hint, stderr)
			}
		})
	}
}

func TestRootLogLevel(t *testing.T) {
	tests := []struct {
		level string
		want  []string // records present; the rest must be absent
	}{
		{"", []string{"info", "warn", "error"}},
		{"debug", []string{"dbg", "info", "warn", "error"}},
		{"INFO", []string{"info", "warn", "error"}},
		{"warn", []string{"warn", "error"}},
		{"error", []string{"error"}},
	}
	for _, tt := range tests {
		t.Run("level="+tt.level, func(t *testing.T) {
			args := []string{"fail", "x"}
			if tt.level != "" {
				args = append([]string{"--log-level", tt.level}, args...)
			}
			code, _, stderr := runCLI(t, []*cobra.Command{newFailingCmd()}, args...)
			if code != 1 {
				t.Fatalf("exit %d, want 1; stderr:\n%s", code, stderr)
			}
			for _, rec := range []string{"dbg", "info", "warn", "error"} {
				want := false
				for _, w := range tt.want {
					want = want || w == rec
				}
				if got := strings.Contains(stderr, "msg="+rec+"-record"); got != want {
					t.Errorf("record %q logged=%v, want %v:\n%s", rec, got, want, stderr)
				}
			}
		})
	}
}

// TestSubcommandsHaveNoSharedState builds two trees and checks that a flag set
// on one does not leak into the other, as package-level flag variables would.
func TestSubcommandsHaveNoSharedState(t *testing.T) {
	a, b := newRootCmd(), newRootCmd()
	if err := a.PersistentFlags().Set("log-level", "debug"); err != nil {
		t.Fatal(err)
	}
	if got := b.PersistentFlags().Lookup("log-level").Value.String(); got != "info" {
		t.Errorf("second tree's --log-level = %q, want info", got)
	}
	seen := map[*cobra.Command]bool{}
	for _, c := range a.Commands() {
		seen[c] = true
	}
	for _, c := range b.Commands() {
		if seen[c] {
			t.Errorf("subcommand %q is shared between trees", c.Name())
		}
	}
}
