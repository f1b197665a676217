package face_test

import (
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/face"
)

// TestIdleRemaining checks which faces report an idle deadline and that it
// counts down from IdleTimeout.
func TestIdleRemaining(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  face.Config
		ok   bool
	}{
		{"on-demand", face.Config{Persistency: face.PersistencyOnDemand, IdleTimeout: time.Hour}, true},
		{"on-demand default timeout", face.Config{Persistency: face.PersistencyOnDemand}, true},
		{"on-demand no timeout", face.Config{Persistency: face.PersistencyOnDemand, IdleTimeout: -1}, false},
		{"persistent", face.Config{IdleTimeout: time.Hour}, false},
		{"permanent", face.Config{Persistency: face.PersistencyPermanent}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, b := face.NewMemPair(face.MemPairConfig{})
			defer b.Close()
			f := face.New(a, tc.cfg)
			defer f.Close()
			timeout := tc.cfg.IdleTimeout
			if timeout == 0 {
				timeout = 600 * time.Second
			}
			rem, ok := f.IdleRemaining()
			if ok != tc.ok || ok && (rem <= 0 || rem > timeout) || !ok && rem != 0 {
				t.Errorf("IdleRemaining() = %v, %v; want ok=%v and 0 < remaining <= %v", rem, ok, tc.ok, timeout)
			}
		})
	}
	// A persistent face made on-demand by faces/update starts reporting.
	a, b := face.NewMemPair(face.MemPairConfig{})
	defer b.Close()
	f := face.New(a, face.Config{IdleTimeout: time.Hour})
	defer f.Close()
	f.SetPersistency(face.PersistencyOnDemand)
	if rem, ok := f.IdleRemaining(); !ok || rem <= 0 || rem > time.Hour {
		t.Errorf("after SetPersistency(on-demand): %v, %v", rem, ok)
	}
}
