package mgmt

import "errors"

// ErrNoForwarder means Options.Forwarder is nil.
var ErrNoForwarder = errors.New("mgmt: Options.Forwarder is required")
