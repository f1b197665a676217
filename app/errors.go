package app

import (
	"errors"
	"fmt"

	"github.com/ndnflow/ndnflow/ndn"
)

// Sentinel errors of package app; compare with errors.Is.
var (
	// ErrTimeout means no Data arrived before the last InterestLifetime
	// (after every retransmission) expired.
	ErrTimeout = errors.New("app: Interest timed out")
	// ErrNack means the network answered with a Nack; the error is a
	// *NackError carrying the reason.
	ErrNack = errors.New("app: Interest Nacked")
	// ErrValidation means a Data packet failed signature verification.
	ErrValidation = errors.New("app: Data failed validation")
	// ErrClosed means the Client, Producer or Consumer was closed.
	ErrClosed = errors.New("app: closed")
	// ErrDown means the connection to the forwarder is down (reconnecting);
	// the packet was not sent.
	ErrDown = errors.New("app: connection to forwarder is down")
	// ErrURI means the forwarder URI is malformed or its scheme unsupported.
	ErrURI = errors.New("app: unsupported or malformed forwarder URI")
	// ErrRegister means the forwarder refused a prefix registration; the
	// error is a *CommandError carrying the status code.
	ErrRegister = errors.New("app: prefix registration failed")
)

// NackError is returned when the network answers an Interest with a Nack.
// errors.Is(err, ErrNack) reports true for it.
type NackError struct {
	Name   ndn.Name
	Reason ndn.NackReason
}

func (e *NackError) Error() string {
	return fmt.Sprintf("app: Interest %s Nacked: %s", e.Name, e.Reason)
}

// Is makes errors.Is(err, ErrNack) true.
func (e *NackError) Is(target error) bool { return target == ErrNack }

// CommandError is a management command answered with a status code other
// than 200 (ndn-protocols.md §4.3). errors.Is(err, ErrRegister) is true for
// registration commands.
type CommandError struct {
	Command string // e.g. "rib/register"
	Code    uint64
	Text    string
}

func (e *CommandError) Error() string {
	return fmt.Sprintf("app: %s: status %d %s", e.Command, e.Code, e.Text)
}

// Is makes errors.Is(err, ErrRegister) true.
func (e *CommandError) Is(target error) bool { return target == ErrRegister }

// ReplyNack returns the error a Handler returns to answer an Interest with
// a Nack of the given reason instead of Data.
func ReplyNack(reason ndn.NackReason) error { return &NackError{Reason: reason} }
