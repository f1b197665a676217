package topo_test

import (
	"os"
	"testing"

	"github.com/ndnflow/ndnflow/forwarder/daemon"
)

// TestDistConfigParses keeps dist/ndnflow.yaml, the sample that
// docs/operators.md and dist/ndnflow.service refer to, a valid
// configuration.
func TestDistConfigParses(t *testing.T) {
	b, err := os.ReadFile("../../dist/ndnflow.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := daemon.Parse(b); err != nil {
		t.Fatalf("dist/ndnflow.yaml: %v", err)
	}
}
