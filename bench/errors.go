package bench

import "errors"

// Sentinel errors of this package. Compare with errors.Is.
var (
	// ErrConfig means a Config knob is out of range or inconsistent; the
	// error text names the knob.
	ErrConfig = errors.New("bench: invalid configuration")
	// ErrTargetDied means the forwarder or relay under test closed a
	// connection or exited during the run.
	ErrTargetDied = errors.New("bench: target died")
	// ErrStalled means Interests were outstanding but no Data arrived for
	// Config.StallTimeout.
	ErrStalled = errors.New("bench: target stopped answering")
	// ErrRegister means the target refused or did not answer a prefix
	// registration (rib/register) or a relay hello.
	ErrRegister = errors.New("bench: prefix registration failed")
	// ErrDataLoss means a run completed but lost packets (timeouts); CI
	// treats it as a failure.
	ErrDataLoss = errors.New("bench: data lost")
)

// errTimeout is an internal "no reply in time" that callers turn into one of
// the sentinels above.
var errTimeout = errors.New("bench: timeout")
