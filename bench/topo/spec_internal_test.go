package topo

import (
	"errors"
	"slices"
	"testing"
)

func TestSpecCheck(t *testing.T) {
	two := []Node{{Name: "a"}, {Name: "b"}}
	tests := []struct {
		name string
		spec Spec
		ok   bool
	}{
		{"empty", Spec{}, true},
		{"link", Spec{Nodes: two, Links: []Link{{A: "a", B: "b"}}}, true},
		{"duplicate node", Spec{Nodes: []Node{{Name: "a"}, {Name: "a"}}}, false},
		{"long name", Spec{Nodes: []Node{{Name: "abcdefghijklm"}}}, false},
		{"unknown link end", Spec{Nodes: two, Links: []Link{{A: "a", B: "c"}}}, false},
		{"self link", Spec{Nodes: two, Links: []Link{{A: "a", B: "a"}}}, false},
		{"route via neighbour", Spec{Nodes: two, Links: []Link{{A: "a", B: "b"}},
			Routes: []Route{{Node: "a", Prefix: "/p", Via: "b"}}}, true},
		{"route via non-neighbour", Spec{Nodes: append(two, Node{Name: "c"}), Links: []Link{{A: "a", B: "b"}},
			Routes: []Route{{Node: "a", Prefix: "/p", Via: "c"}}}, false},
		{"route via lan", Spec{Nodes: two, LANs: []LAN{{Name: "0", Nodes: []string{"a", "b"}}},
			Routes: []Route{{Node: "a", Prefix: "/p", Via: "0"}}}, true},
		{"route via udp-mesh lan", Spec{Nodes: two, LANs: []LAN{{Name: "0", Nodes: []string{"a", "b"}, UDPMesh: true}},
			Routes: []Route{{Node: "a", Prefix: "/p", Via: "0"}}}, false},
		{"tcp route from B", Spec{Nodes: two, Links: []Link{{A: "a", B: "b", Kind: TCP}},
			Routes: []Route{{Node: "b", Prefix: "/p", Via: "a"}}}, false},
		{"tcp cycle", Spec{Nodes: two, Links: []Link{{A: "a", B: "b", Kind: TCP}, {A: "b", B: "a", Kind: TCP}}}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.spec.Check()
			if (err == nil) != tc.ok {
				t.Errorf("Check() = %v, want ok=%v", err, tc.ok)
			}
		})
	}
}

// TestStartOrder: every TCP link's B (the listener) starts before its A.
func TestStartOrder(t *testing.T) {
	s := Spec{
		Nodes: []Node{{Name: "r1"}, {Name: "r2"}, {Name: "r3"}, {Name: "x"}},
		Links: []Link{{A: "r1", B: "r2", Kind: TCP}, {A: "r2", B: "r3", Kind: TCP}, {A: "x", B: "r1", Kind: UDP}},
	}
	order, err := s.startOrder()
	if err != nil {
		t.Fatal(err)
	}
	pos := func(n string) int { return slices.Index(order, n) }
	if len(order) != 4 || pos("r3") > pos("r2") || pos("r2") > pos("r1") {
		t.Errorf("start order %v: want r3 before r2 before r1, every node once", order)
	}
}

// TestDeleteRefusesForeignNamespaces: the harness deletes only names with
// its run prefix that it recorded as created.
func TestDeleteRefusesForeignNamespaces(t *testing.T) {
	n := &Network{prefix: "ndntabc123"}
	ours := []string{"ndntabc123-r1"}
	for _, ns := range []string{"ndntabc124-r1", "ndntabc123-r2", "other", "ndntabc123"} {
		if err := n.deleteNS(ns, ours); !errors.Is(err, ErrNotOurs) {
			t.Errorf("deleteNS(%q) = %v, want ErrNotOurs", ns, err)
		}
	}
	if err := n.addNS("ndntabc124-r1"); !errors.Is(err, ErrNotOurs) {
		t.Errorf("addNS of a foreign name = %v, want ErrNotOurs", err)
	}
}
