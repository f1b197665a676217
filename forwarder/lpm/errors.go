package lpm

import "errors"

// ErrTooDeep means a prefix has more than MaxDepth components.
var ErrTooDeep = errors.New("lpm: prefix deeper than 32 components")
