// Package bench is ndnflow's benchmark harness: a lean traffic generator,
// a zero-processing relay, the scenarios `fwd`, `relay` and `fetch`, and the
// results they produce (a human table and one JSON object per run).
//
// Key types and functions: Config (the knobs of one scenario), Run (runs
// a scenario Repeat times and returns one Result per run), Result and Summary
// (the figures), Histogram (RTT distribution without allocation per sample),
// RunRelay (the relay, as `ndnflow bench relay-serve` runs it).
//
// The generator is its own minimal NDN client over face transports. Each flow
// is one consumer connection and one producer connection to the target; the
// consumer keeps Window Interests in flight, built from a pre-encoded template
// whose sequence component and Nonce are patched in place, written in batches
// by a writer goroutine while a reader goroutine matches Data to a fixed slot
// table and records the RTT in a fixed-size Histogram. The producer answers
// every Interest with a Data built from a pre-encoded template (the Interest's
// name, then a constant MetaInfo, Content and DigestSha256 signature block)
// and echoes NDNLPv2 PIT tokens. Its signature value is a constant, not the
// real digest: forwarders do not verify by default, and hashing every reply
// would make the generator the bottleneck.
//
// Targets: "internal" starts `ndnflow fw` as a child process (Config.Spawn),
// "inproc" runs package forwarder inside this process (routes added with
// AddNextHop), "relay" starts the zero-processing relay as a child process
// (or in-process for the memory transport), and any FaceUri
// (unix:///run/nfd/nfd.sock, udp://127.0.0.1:6363, tcp://127.0.0.1:6363)
// measures an NFD-compatible forwarder that is already running; producers
// register their prefixes with rib/register (NFD management, signed Interest
// v0.3, DigestSha256).
//
// The fetch scenario uses app/segmented (Publish/Fetch with congestion
// control) by default, or the generator's fixed window (Config.Fetcher).
//
// docs/benchmarks.md documents the knobs, the JSON schema and measured
// results.
//
// A target that dies or stops answering ends the run with an error wrapping
// ErrTargetDied or ErrStalled; nothing waits forever.
package bench
