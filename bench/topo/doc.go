// Package topo builds multi-node NDN networks out of Linux network
// namespaces for tests: each node is a namespace running its own forwarder
// process (`ndnflow fw --config`, or another forwarder, see
// Options.Forwarder) with its own Unix socket and configuration; links are
// veth pairs carried as UDP, TCP or Ethernet faces, optionally shaped with
// tc (netem delay/loss/rate, or tbf rate when netem is missing); LANs are
// bridges in a namespace of their own; applications run inside a node's
// namespace with `ip netns exec`.
//
// Safety: every namespace is named <run prefix>-<node>, where the run
// prefix is random per Network; interfaces live only inside those
// namespaces (veth pairs are created directly in them, never in the host
// namespace); Close stops every process it started by PID and deletes only
// the namespaces it created, checking each name against its own record.
// Addresses come from 10.201.0.0/16 (point-to-point links, one /30 each)
// and 10.202.0.0/16 (LANs) and exist only inside those namespaces.
//
// A test binary that is killed (SIGKILL, or the panic of go test
// -timeout) runs no cleanup: its namespaces stay, named ndnt<6 hex>-<node>,
// with their forwarders inside (`ip netns pids NAME`).
//
// Start needs root (CAP_SYS_ADMIN, CAP_NET_ADMIN) and the ip and tc
// commands; without them it skips the test with the reason. A Network is
// used by one test goroutine; its Node methods that query a forwarder
// (Faces, Status, CsInfo) are safe for concurrent use.
package topo
