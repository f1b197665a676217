package strategy

import "errors"

// Sentinel errors.
var (
	// ErrUnknown means a strategy name or version is not registered.
	ErrUnknown = errors.New("strategy: unknown strategy")
	// ErrParams means a strategy's parameters are invalid.
	ErrParams = errors.New("strategy: invalid parameters")
)
