package topo

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
)

// BuildNdnflow builds the ndnflow command of this module into dir and
// returns the executable's path; call it once per test process (TestMain).
func BuildNdnflow(ctx context.Context, dir string) (string, error) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		goBin = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	out := filepath.Join(dir, "ndnflow")
	cmd := exec.CommandContext(ctx, goBin, "build", "-o", out, "github.com/ndnflow/ndnflow/cmd/ndnflow")
	cmd.Dir = moduleRoot()
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("topo: go build ndnflow: %w: %s", err, b)
	}
	return out, nil
}

// moduleRoot returns the nearest directory at or above the working
// directory holding a go.mod, or "" (the working directory).
func moduleRoot() string {
	d, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
		up := filepath.Dir(d)
		if up == d {
			return ""
		}
		d = up
	}
}
