package trust

import (
	"fmt"

	"github.com/ndnflow/ndnflow/ndn"
	"github.com/ndnflow/ndnflow/security"
)

// Policy decides which key may sign which name. The validator asks it for
// the packet and for every certificate in the chain except trust anchors.
// Implementations must be safe for concurrent use.
type Policy interface {
	// Check returns the name of the rule that allows the key named key (a
	// KeyLocator name: key or certificate name) to sign a packet named
	// packet, or an error wrapping ErrPolicy.
	Check(packet, key ndn.Name) (rule string, err error)
}

// Hierarchical is the policy in which a key may sign any name under its
// identity: the identity of the KeyLocator (the name before KEY) must be a
// prefix of the packet name. The zero value is ready to use.
type Hierarchical struct{}

var _ Policy = Hierarchical{}

// Check implements Policy.
func (Hierarchical) Check(packet, key ndn.Name) (string, error) {
	kn, err := security.ToKeyName(key)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrPolicy, err)
	}
	id, _, _ := security.ParseKeyName(kn)
	if !id.IsPrefixOf(packet) {
		return "", fmt.Errorf("%w: identity %s is not a prefix of %s", ErrPolicy, id, packet)
	}
	return "hierarchical", nil
}

// AcceptAll allows any key to sign any name; the validator still checks
// signatures, validity periods and the chain to an anchor.
type AcceptAll struct{}

// Check implements Policy.
func (AcceptAll) Check(packet, key ndn.Name) (string, error) { return "accept-all", nil }
