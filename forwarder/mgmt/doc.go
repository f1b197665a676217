// Package mgmt is ndnflow's NFD management server (ndn-protocols.md §4):
// an internal face, FaceId 1 like NFD's internal://, that serves the
// control commands and status datasets under /localhost/nfd and the RIB
// commands under /localhop/nfd.
//
// Modules: faces (create, update, destroy, list, query, channels, the
// events notification stream), fib (add-nexthop, remove-nexthop, list),
// rib (register, unregister, announce, list), strategy-choice (set, unset,
// list), cs (config, erase, info) and status/general. Status codes, texts
// and response bodies are NFD's; where NFD sends nothing (parameters that do
// not decode, unknown module or verb, a malformed signature) the server
// sends nothing either.
//
// Routes live in a rib.RIB that computes the forwarder's FIB; a face's
// routes are removed when it closes.
//
// Authorization (Auth): by default, as NFD's default configuration,
// commands from local faces are accepted whatever their signature;
// commands from other faces need a Validator (trust anchors, replay
// checks), and /localhop/nfd commands from non-local faces need the
// Localhop validator, which is off by default (they then get no answer,
// as NFD does not serve /localhop/nfd without rib.localhop_security). For authorization a face
// is local when its scope is local (Unix sockets, loopback TCP and
// WebSocket) or when both of its ends are loopback addresses (loopback
// UDP, as ndnd decides); see docs/management.md.
//
// A Server runs one worker goroutine (RoutineWorker) that handles every
// request in arrival order; faces/create dials in a goroutine of its own.
// Its methods are safe for concurrent use.
package mgmt
