package strategy_test

import (
	"errors"
	"testing"

	"github.com/ndnflow/ndnflow/forwarder/strategy"
	"github.com/ndnflow/ndnflow/ndn"
)

func TestResolveNames(t *testing.T) {
	tests := []struct {
		in, want string
		err      error
	}{
		{"best-route", "/localhost/nfd/strategy/best-route/v=5", nil},
		{"/localhost/nfd/strategy/best-route", "/localhost/nfd/strategy/best-route/v=5", nil},
		{"/localhost/nfd/strategy/multicast/v=5", "/localhost/nfd/strategy/multicast/v=5", nil},
		{"random", "/localhost/nfd/strategy/random/v=1", nil},
		{"self-learning", "/localhost/nfd/strategy/self-learning/v=1", nil},
		{"self-learning/v=1/x~1", "", strategy.ErrParams},
		{"asf/v=5/max-timeouts~2", "/localhost/nfd/strategy/asf/v=5/max-timeouts~2", nil},
		{"asf/probing-interval~30000", "/localhost/nfd/strategy/asf/v=5/probing-interval~30000", nil},
		{"best-route/v=4", "", strategy.ErrUnknown},
		{"flooding", "", strategy.ErrUnknown},
		{"/ndn/strategy/best-route", "", strategy.ErrUnknown},
		{"asf/v=5/probing-interval~10", "", strategy.ErrParams},
		{"best-route/v=5/x~1", "", strategy.ErrParams},
		{"best-route/v=5/retx-suppression-initial~20/retx-suppression-max~500",
			"/localhost/nfd/strategy/best-route/v=5/retx-suppression-initial~20/retx-suppression-max~500", nil},
		{"multicast/retx-suppression-multiplier~1.5", "/localhost/nfd/strategy/multicast/v=5/retx-suppression-multiplier~1.5", nil},
		{"best-route/retx-suppression-initial~0", "", strategy.ErrParams},
		{"best-route/retx-suppression-initial~300", "", strategy.ErrParams}, // above the default max 250
		{"best-route/retx-suppression-initial~20/retx-suppression-max~10", "", strategy.ErrParams},
		{"best-route/retx-suppression-initial~1.5", "", strategy.ErrParams},
		{"multicast/retx-suppression-multiplier~0.9", "", strategy.ErrParams},
		{"multicast/retx-suppression-multiplier~abc", "", strategy.ErrParams},
		{"multicast/retx-suppression-max", "", strategy.ErrParams},
		{"random/retx-suppression-initial~20", "", strategy.ErrParams},
	}
	for _, tc := range tests {
		n, err := strategy.ParseName(tc.in)
		if err != nil {
			t.Fatalf("ParseName(%q): %v", tc.in, err)
		}
		canon, _, _, err := strategy.Resolve(n)
		if err == nil {
			_, err = strategy.New(n)
		}
		if tc.err != nil {
			if !errors.Is(err, tc.err) {
				t.Errorf("%s: err %v, want %v", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || canon.String() != tc.want {
			t.Errorf("%s: %s %v, want %s", tc.in, canon, err, tc.want)
		}
	}
	if len(strategy.Names()) != 5 {
		t.Errorf("Names() = %v", strategy.Names())
	}
}

func TestWouldViolateScope(t *testing.T) {
	local, remote := faceScope(1), faceScope(0)
	tests := []struct {
		name      string
		in, out   faceScope
		violation bool
	}{
		{"/localhost/a", local, remote, true},
		{"/localhost/a", local, local, false},
		{"/localhop/a", remote, remote, true},
		{"/localhop/a", local, remote, false},
		{"/localhop/a", remote, local, false},
		{"/a", remote, remote, false},
	}
	for _, tc := range tests {
		if got := strategy.WouldViolateScope(ndn.MustParseName(tc.name), tc.in.s(), tc.out.s()); got != tc.violation {
			t.Errorf("%s %v→%v: %v", tc.name, tc.in, tc.out, got)
		}
	}
}
