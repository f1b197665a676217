// Package interop holds ndnflow's end-to-end interoperability tests with
// NDNts, the TypeScript NDN library from npm: NDNts producers, consumers and
// ping peers (interop/ndnts/peer.mjs, run through internal/ndntspeer) and the
// ndnflow binary (fw, put, get, ping, pingserver, key, ctl) exchange packets
// over Unix, TCP and UDP. docs/interop.md says what is covered and how to
// run it.
//
// The package has no code outside its tests. The tests build the ndnflow
// binary once per test process and skip only when node is not installed.
package interop
