// Package forwarder is the NDN forwarder: a [Forwarder] value owns its
// faces, FIB, strategy-choice table and N forwarding shards, each shard a
// goroutine that owns one PIT+CS table (package pitcs), one dead nonce list
// and its own strategy instances, and touches them without locks.
//
// Data path (see docs/forwarder.md and ARCHITECTURE.md "The data path"):
// each face's receive goroutine decodes packets (package face) and hands
// them to the forwarder's dispatcher, which appends each packet to a batch
// for its shard and sends whole batches over a channel. An Interest goes
// to the shard chosen by a keyed hash of its first min(K, len) name
// components (K = Config.DispatchDepth, default 2). Every Interest the
// forwarder sends upstream carries an 8-octet PIT token naming the shard,
// the PIT entry slot and a check octet; Data and Nacks that echo it go
// straight back to that shard. Data without our token is dispatched by the
// hash of its first min(K, len) components, then handed on to the shards of
// its shorter prefixes (depth K-1 … 1) so that CanBePrefix Interests
// shorter than K are still found; a Nack without a token goes by its
// Interest name like the Interest did.
//
// The FIB and the strategy-choice table are immutable snapshots behind
// atomic pointers; management calls (AddNextHop, SetStrategy, …) build and
// publish a new snapshot under a mutex.
//
// Pipelines follow NFD (ndn-protocols.md §5.1); departures are listed in
// docs/forwarder.md.
package forwarder
