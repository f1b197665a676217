package mgmt_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/ndn"
	"github.com/ndnflow/ndnflow/ndn/mgmt"
)

func TestCommandNames(t *testing.T) {
	want := []string{"faces/create", "faces/update", "faces/destroy", "fib/add-nexthop", "fib/remove-nexthop",
		"rib/register", "rib/unregister", "rib/announce", "strategy-choice/set", "strategy-choice/unset",
		"cs/config", "cs/erase"}
	cmds := mgmt.Commands()
	if len(cmds) != len(want) {
		t.Fatalf("%d commands", len(cmds))
	}
	for i, c := range cmds {
		if c.String() != want[i] {
			t.Errorf("command %d = %s, want %s", i, c, want[i])
		}
		mod, verb, _ := strings.Cut(want[i], "/")
		if got, ok := mgmt.LookupCommand(mod, verb); !ok || got != c {
			t.Errorf("LookupCommand(%s, %s) = %v %v", mod, verb, got, ok)
		}
		if c.IsLocalhopAllowed() != (mod == "rib") {
			t.Errorf("%s IsLocalhopAllowed", c)
		}
	}
	if _, ok := mgmt.LookupCommand("faces", "list"); ok {
		t.Error("faces/list is a dataset, not a command")
	}
	if s := mgmt.Command(0).String(); s != "Command(0)" {
		t.Errorf("zero Command = %q", s)
	}
}

func name(s string) ndn.Name { return ndn.MustParseName(s) }

// TestValidate follows ndn-cxx control-command.t.cpp: each command with
// valid, missing-required and forbidden-field parameters.
func TestValidate(t *testing.T) {
	type P = mgmt.ControlParameters
	tests := []struct {
		cmd  mgmt.Command
		p    P
		ok   bool
		text string // part of the error
	}{
		{mgmt.FacesCreate, P{URI: "udp4://192.0.2.1:6363", HasURI: true}, true, ""},
		{mgmt.FacesCreate, P{URI: "tcp4://192.0.2.1:6363", HasURI: true, LocalURI: "tcp4://192.0.2.2:6363", HasLocalURI: true,
			FacePersistency: mgmt.PersistencyPermanent, HasFacePersistency: true, Flags: 1, HasFlags: true, Mask: 1, HasMask: true,
			Mtu: 1400, HasMtu: true}, true, ""},
		{mgmt.FacesCreate, P{}, false, "Uri is required but missing"},
		{mgmt.FacesCreate, P{URI: "udp4://192.0.2.1:6363", HasURI: true, FaceID: 4, HasFaceID: true}, false, "FaceId is forbidden but present"},
		{mgmt.FacesCreate, P{URI: "udp4://192.0.2.1:6363", HasURI: true, Flags: 1, HasFlags: true}, false, "Flags must be accompanied by Mask"},
		{mgmt.FacesCreate, P{URI: "udp4://192.0.2.1:6363", HasURI: true, Mask: 1, HasMask: true}, false, "Flags must be accompanied by Mask"},
		{mgmt.FacesUpdate, P{}, true, ""},
		{mgmt.FacesUpdate, P{FaceID: 0, HasFaceID: true, FacePersistency: mgmt.PersistencyPersistent, HasFacePersistency: true}, true, ""},
		{mgmt.FacesUpdate, P{URI: "udp4://192.0.2.1:6363", HasURI: true}, false, "Uri is forbidden"},
		{mgmt.FacesDestroy, P{FaceID: 4, HasFaceID: true}, true, ""},
		{mgmt.FacesDestroy, P{FaceID: 0, HasFaceID: true}, false, "FaceId must be valid"},
		{mgmt.FacesDestroy, P{}, false, "FaceId is required"},
		{mgmt.FibAddNextHop, P{Name: name("/a"), HasName: true}, true, ""},
		{mgmt.FibAddNextHop, P{Name: name("/a"), HasName: true, FaceID: 2, HasFaceID: true, Cost: 3, HasCost: true}, true, ""},
		{mgmt.FibAddNextHop, P{FaceID: 2, HasFaceID: true}, false, "Name is required"},
		{mgmt.FibAddNextHop, P{Name: name("/a"), HasName: true, Origin: 0, HasOrigin: true}, false, "Origin is forbidden"},
		{mgmt.FibRemoveNextHop, P{Name: name("/a"), HasName: true, FaceID: 2, HasFaceID: true}, true, ""},
		{mgmt.FibRemoveNextHop, P{Name: name("/a"), HasName: true, Cost: 2, HasCost: true}, false, "Cost is forbidden"},
		{mgmt.RibRegister, P{Name: name("/a"), HasName: true}, true, ""},
		// rib/register allows Flags without Mask (Mask is not allowed at all).
		{mgmt.RibRegister, P{Name: name("/a"), HasName: true, Flags: 2, HasFlags: true, ExpirationPeriod: time.Minute, HasExpirationPeriod: true}, true, ""},
		{mgmt.RibRegister, P{Name: name("/a"), HasName: true, Flags: 2, HasFlags: true, Mask: 2, HasMask: true}, false, "Mask is forbidden"},
		{mgmt.RibUnregister, P{Name: name("/a"), HasName: true, Origin: 65, HasOrigin: true}, true, ""},
		{mgmt.RibUnregister, P{Name: name("/a"), HasName: true, Cost: 0, HasCost: true}, false, "Cost is forbidden"},
		{mgmt.StrategyChoiceSet, P{Name: name("/"), HasName: true, Strategy: name("/localhost/nfd/strategy/multicast"), HasStrategy: true}, true, ""},
		{mgmt.StrategyChoiceSet, P{Name: name("/a"), HasName: true}, false, "Strategy is required"},
		{mgmt.StrategyChoiceUnset, P{Name: name("/a"), HasName: true}, true, ""},
		{mgmt.StrategyChoiceUnset, P{Name: name("/"), HasName: true}, false, "Name must not be /"},
		{mgmt.CsConfig, P{}, true, ""},
		{mgmt.CsConfig, P{Capacity: 10, HasCapacity: true, Flags: 1, HasFlags: true, Mask: 1, HasMask: true}, true, ""},
		{mgmt.CsConfig, P{Flags: 1, HasFlags: true}, false, "Flags must be accompanied by Mask"},
		{mgmt.CsErase, P{Name: name("/a"), HasName: true}, true, ""},
		{mgmt.CsErase, P{Name: name("/a"), HasName: true, Count: 0, HasCount: true}, false, "Count must be positive"},
		{mgmt.CsErase, P{Name: name("/a"), HasName: true, Capacity: 1, HasCapacity: true}, false, "Capacity is forbidden"},
		{mgmt.RibAnnounce, P{}, true, ""},
	}
	for _, tt := range tests {
		err := mgmt.Validate(tt.cmd, &tt.p)
		if tt.ok {
			if err != nil {
				t.Errorf("%s %v: %v", tt.cmd, &tt.p, err)
			}
			continue
		}
		if !errors.Is(err, mgmt.ErrInvalidParams) || !strings.Contains(err.Error(), tt.text) {
			t.Errorf("%s %v: err = %v, want %q", tt.cmd, &tt.p, err, tt.text)
		}
	}
	if err := mgmt.Validate(mgmt.Command(99), &mgmt.ControlParameters{}); !errors.Is(err, mgmt.ErrUnknownCommand) {
		t.Errorf("unknown command: %v", err)
	}
}

func TestApplyDefaults(t *testing.T) {
	type P = mgmt.ControlParameters
	const requester = 261
	tests := []struct {
		cmd  mgmt.Command
		in   P
		want string
	}{
		{mgmt.FacesCreate, P{URI: "udp4://192.0.2.1:6363", HasURI: true}, "ControlParameters(Uri=udp4://192.0.2.1:6363, FacePersistency=persistent)"},
		{mgmt.FacesCreate, P{URI: "u", HasURI: true, FacePersistency: mgmt.PersistencyPermanent, HasFacePersistency: true}, "ControlParameters(Uri=u, FacePersistency=permanent)"},
		{mgmt.FacesUpdate, P{}, "ControlParameters(FaceId=261)"},
		{mgmt.FacesUpdate, P{FaceID: 7, HasFaceID: true}, "ControlParameters(FaceId=7)"},
		{mgmt.FacesDestroy, P{FaceID: 7, HasFaceID: true}, "ControlParameters(FaceId=7)"},
		{mgmt.FibAddNextHop, P{Name: name("/a"), HasName: true}, "ControlParameters(Name=/a, FaceId=261, Cost=0)"},
		{mgmt.FibAddNextHop, P{Name: name("/a"), HasName: true, FaceID: 0, HasFaceID: true, Cost: 9, HasCost: true}, "ControlParameters(Name=/a, FaceId=261, Cost=9)"},
		{mgmt.FibRemoveNextHop, P{Name: name("/a"), HasName: true}, "ControlParameters(Name=/a, FaceId=261)"},
		{mgmt.RibRegister, P{Name: name("/a"), HasName: true}, "ControlParameters(Name=/a, FaceId=261, Origin=0, Cost=0, Flags=0x1)"},
		{mgmt.RibUnregister, P{Name: name("/a"), HasName: true}, "ControlParameters(Name=/a, FaceId=261, Origin=0)"},
		{mgmt.RibUnregister, P{Name: name("/a"), HasName: true, FaceID: 5, HasFaceID: true, Origin: 65, HasOrigin: true}, "ControlParameters(Name=/a, FaceId=5, Origin=65)"},
		{mgmt.CsConfig, P{}, "ControlParameters()"},
		{mgmt.StrategyChoiceUnset, P{Name: name("/a"), HasName: true}, "ControlParameters(Name=/a)"},
	}
	for _, tt := range tests {
		p := tt.in
		mgmt.ApplyDefaults(tt.cmd, &p, requester)
		if got := p.String(); got != tt.want {
			t.Errorf("%s: got %s, want %s", tt.cmd, got, tt.want)
		}
	}
	// An unknown requester leaves FaceId 0 (the server answers 404/410).
	p := P{Name: name("/a"), HasName: true}
	mgmt.ApplyDefaults(mgmt.FibAddNextHop, &p, 0)
	if !p.HasFaceID || p.FaceID != 0 {
		t.Errorf("requester 0: %v", &p)
	}
}

func TestResponseParams(t *testing.T) {
	p := fullParams()
	for _, c := range mgmt.Commands() {
		r := c.ResponseParams(&p)
		if extra := r.Fields() &^ c.Response().Allowed(); extra != 0 {
			t.Errorf("%s: response has %s", c, extra)
		}
		if err := mgmt.ValidateResponse(c, &r); err != nil {
			t.Errorf("%s: %v", c, err)
		}
	}
	reg := mgmt.ControlParameters{Name: name("/a"), HasName: true, ExpirationPeriod: time.Second, HasExpirationPeriod: true}
	mgmt.ApplyDefaults(mgmt.RibRegister, &reg, 300)
	r := mgmt.RibRegister.ResponseParams(&reg)
	checkBytes(t, "rib/register response", r.Encode(), unhex(t, "6816 0703 080161 6902012c 6f0100 6a0100 6c0101 6d0203e8"))
	// A response missing a required field fails ValidateResponse.
	r.HasCost = false
	if err := mgmt.ValidateResponse(mgmt.RibRegister, &r); !errors.Is(err, mgmt.ErrInvalidParams) {
		t.Errorf("missing Cost: %v", err)
	}
}
