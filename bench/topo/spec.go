package topo

import (
	"fmt"
	"time"
)

// LinkKind is how a link between two forwarders is carried.
type LinkKind int

const (
	// UDP links are unicast UDP faces between the two /30 addresses
	// (port 6363), through each forwarder's UDP listener.
	UDP LinkKind = iota
	// TCP links are TCP faces dialed by end A only (B accepts the
	// connection as an on-demand face), so that B is started first and
	// routes go from A towards B. Start starts the nodes in an order that
	// puts every TCP link's B before its A.
	TCP
	// Ethernet links are permanent AF_PACKET unicast faces between the two
	// veth MAC addresses (EtherType 0x8624), configured as static faces
	// ether://[<mac>] with local dev://<veth>.
	Ethernet
)

func (k LinkKind) String() string {
	switch k {
	case UDP:
		return "udp"
	case TCP:
		return "tcp"
	case Ethernet:
		return "ether"
	}
	return fmt.Sprintf("LinkKind(%d)", int(k))
}

// Shape is the tc shaping of a link, applied to both directions. The zero
// value leaves the link unshaped.
type Shape struct {
	// Delay is the one-way delay added by netem.
	Delay time.Duration
	// LossPercent is netem's random loss, in percent.
	LossPercent float64
	// Rate is the rate limit in tc notation ("50mbit"); netem's rate, or
	// tbf when netem is not available.
	Rate string
}

func (s Shape) zero() bool { return s == Shape{} }

// Link is a veth pair between nodes A and B.
type Link struct {
	A, B  string
	Kind  LinkKind
	Shape Shape
	// Permanent makes the static faces permanent (a TCP face reconnects
	// with backoff when the connection drops).
	Permanent bool
}

// LAN is a bridge that several nodes join, each with one veth to it
// (address 10.202.<lan index>.<position in Nodes + 1>/24). By default each
// node has an Ethernet multicast face (01:00:5E:00:17:AA) on it; with
// UDPMulticast a UDP multicast face (224.0.23.170:56363) instead; with
// UDPMesh a static UDP face to every other node of the LAN.
type LAN struct {
	Name         string
	Nodes        []string
	UDPMesh      bool
	UDPMulticast bool
}

// Route is a static route in Node's configuration: Prefix through its link
// to the neighbour Via (the first link between them), or through its face
// on the LAN named Via.
type Route struct {
	Node, Prefix, Via string
	Cost              uint64
}

// Node is a forwarder of the topology.
type Node struct {
	Name string
	// Strategies maps name prefixes to strategies (strategy_choice).
	Strategies map[string]string
	// CsMaxPackets is tables.cs_max_packets; 0 keeps the default (65536),
	// negative disables the CS.
	CsMaxPackets int
	// Threads is forwarder.threads; 0 keeps the default. Default 1 here:
	// several forwarders share the machine.
	Threads int
}

// Spec describes a topology.
type Spec struct {
	Nodes  []Node
	Links  []Link
	LANs   []LAN
	Routes []Route
}

// Check reports the first inconsistency: duplicate or unknown node names,
// a link to itself, a route via a node that is not a neighbour.
func (s *Spec) Check() error {
	names := map[string]bool{}
	for _, n := range s.Nodes {
		if n.Name == "" || len(n.Name) > 12 {
			return fmt.Errorf("topo: node name %q must have 1..12 characters", n.Name)
		}
		if names[n.Name] {
			return fmt.Errorf("topo: node %q twice", n.Name)
		}
		names[n.Name] = true
	}
	for _, l := range s.Links {
		if !names[l.A] || !names[l.B] || l.A == l.B {
			return fmt.Errorf("topo: link %s-%s: %w", l.A, l.B, ErrUnknownNode)
		}
	}
	lans := map[string]map[string]bool{}
	mesh := map[string]bool{}
	for _, l := range s.LANs {
		if l.UDPMesh && l.UDPMulticast {
			return fmt.Errorf("topo: lan %s: UDPMesh and UDPMulticast exclude each other", l.Name)
		}
		mesh[l.Name] = l.UDPMesh
		m := map[string]bool{}
		for _, n := range l.Nodes {
			if !names[n] {
				return fmt.Errorf("topo: lan %s node %s: %w", l.Name, n, ErrUnknownNode)
			}
			m[n] = true
		}
		lans[l.Name] = m
	}
	for _, r := range s.Routes {
		if !names[r.Node] {
			return fmt.Errorf("topo: route at %s: %w", r.Node, ErrUnknownNode)
		}
		if m, ok := lans[r.Via]; ok && m[r.Node] {
			if mesh[r.Via] {
				return fmt.Errorf("topo: route %s at %s via LAN %s: a UDP-mesh LAN has no single face to route through", r.Prefix, r.Node, r.Via)
			}
			continue
		}
		k, ok := s.link(r.Node, r.Via)
		if !ok {
			return fmt.Errorf("topo: route %s at %s via %s: %w", r.Prefix, r.Node, r.Via, ErrNoLink)
		}
		if l := s.Links[k]; l.Kind == TCP && l.B == r.Node {
			return fmt.Errorf("topo: route %s at %s via %s: TCP links are dialed by A (%s), routes go from A to B", r.Prefix, r.Node, r.Via, l.A)
		}
	}
	_, err := s.startOrder()
	return err
}

// startOrder returns the node names in an order where every TCP link's B
// comes before its A (B must listen before A dials it).
func (s *Spec) startOrder() ([]string, error) {
	after := map[string][]string{} // B → the As that must wait for it
	indeg := map[string]int{}
	for _, l := range s.Links {
		if l.Kind == TCP {
			after[l.B] = append(after[l.B], l.A)
			indeg[l.A]++
		}
	}
	var order, ready []string
	for _, n := range s.Nodes {
		if indeg[n.Name] == 0 {
			ready = append(ready, n.Name)
		}
	}
	for len(ready) > 0 {
		n := ready[0]
		ready = ready[1:]
		order = append(order, n)
		for _, a := range after[n] {
			if indeg[a]--; indeg[a] == 0 {
				ready = append(ready, a)
			}
		}
	}
	if len(order) != len(s.Nodes) {
		return nil, fmt.Errorf("topo: TCP links form a cycle (each B must start before its A)")
	}
	return order, nil
}

// link returns the index of the first link between a and b.
func (s *Spec) link(a, b string) (int, bool) {
	for k, l := range s.Links {
		if (l.A == a && l.B == b) || (l.A == b && l.B == a) {
			return k, true
		}
	}
	return 0, false
}
