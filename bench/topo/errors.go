package topo

import "errors"

var (
	// ErrUnknownNode means a name does not belong to the topology.
	ErrUnknownNode = errors.New("topo: unknown node")
	// ErrNoLink means two nodes have no link between them.
	ErrNoLink = errors.New("topo: no link between the nodes")
	// ErrNotOurs means the harness was asked to delete something it did
	// not create; it refuses.
	ErrNotOurs = errors.New("topo: refusing to touch a namespace this run did not create")
	// ErrTimeout means a wait ended before its condition held.
	ErrTimeout = errors.New("topo: timed out")
)
