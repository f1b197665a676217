package bench

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/ndnflow/ndnflow/ndn"
	"github.com/ndnflow/ndnflow/ndn/mgmt"
	"github.com/ndnflow/ndnflow/security"
)

// registerPrefixes registers every prefix on the target through c's face
// (FaceId 0: the requesting face) with rib/register, pipelined up to 32
// commands at a time. It tries /localhost/nfd first and, when that gets no
// answer, /localhop/nfd (which NFD serves to non-local faces such as UDP).
//
// *which, when not empty, is tried first, and is set to the prefix that
// worked, so the flows of one run after the first do not wait again.
func registerPrefixes(ctx context.Context, c *conn, prefixes []ndn.Name, timeout time.Duration, which *string) error {
	var lastErr error
	order := []string{mgmt.NfdPrefix, mgmt.LocalhopPrefix}
	if *which == mgmt.LocalhopPrefix {
		order[0], order[1] = order[1], order[0]
	}
	for _, mp := range order {
		err := registerVia(ctx, c, ndn.MustParseName(mp), prefixes, timeout)
		if err == nil {
			*which = mp
			return nil
		}
		lastErr = err
		if !errors.Is(err, errTimeout) || len(prefixes) == 0 {
			break
		}
	}
	if errors.Is(lastErr, errTimeout) {
		return fmt.Errorf("%w: no answer to rib/register within %v", ErrRegister, timeout)
	}
	return lastErr
}

func registerVia(ctx context.Context, c *conn, mgmtPrefix ndn.Name, prefixes []ndn.Name, timeout time.Duration) error {
	const window = 32
	sent, answered := 0, 0
	for answered < len(prefixes) {
		var batch [][]byte
		for sent < len(prefixes) && sent-answered < window {
			w, err := registerCommand(mgmtPrefix, prefixes[sent])
			if err != nil {
				return err
			}
			batch = append(batch, w)
			sent++
		}
		if len(batch) > 0 {
			if err := c.write(batch); err != nil {
				return fmt.Errorf("%w: %v", ErrTargetDied, err)
			}
		}
		w, err := c.awaitCtrl(ctx, timeout)
		if err != nil {
			return err
		}
		var d ndn.Data
		if err := d.Decode(w); err != nil {
			return fmt.Errorf("%w: bad reply: %v", ErrRegister, err)
		}
		var r mgmt.ControlResponse
		if err := r.Decode(d.Content); err != nil {
			return fmt.Errorf("%w: bad ControlResponse: %v", ErrRegister, err)
		}
		if r.Code != mgmt.StatusOK {
			return fmt.Errorf("%w: %d %s", ErrRegister, r.Code, r.Text)
		}
		answered++
	}
	return nil
}

// registerCommand returns a signed rib/register command Interest (v0.3,
// DigestSha256, SignatureNonce and SignatureTime) for prefix.
func registerCommand(mgmtPrefix, prefix ndn.Name) ([]byte, error) {
	p := mgmt.ControlParameters{Name: prefix, HasName: true}
	name := mgmtPrefix.Append(ndn.GenericComponent("rib"), ndn.GenericComponent("register"),
		ndn.Component{Type: ttGenericComp, Value: p.Encode()})
	in := ndn.Interest{Name: name, Lifetime: 4 * time.Second, MustBeFresh: true, Nonce: randNonce(), HasNonce: true}
	w, err := security.SignInterest(&in, security.DigestSha256{}, security.InterestSignOptions{})
	if err != nil {
		return nil, fmt.Errorf("bench: signing rib/register: %w", err)
	}
	return w, nil
}

// relayHelloName names the hello a generator connection sends a relay:
// /ndnflow-bench-relay/<pair id, 8 octets>/<role>.
func relayHelloName(pair uint64, role byte) ndn.Name {
	var id [8]byte
	binary.BigEndian.PutUint64(id[:], pair)
	return ndn.NameFromComponents(ndn.GenericComponent("ndnflow-bench-relay"),
		ndn.Component{Type: ttGenericComp, Value: id[:]}, ndn.GenericComponent(string(role)))
}

// relayHello introduces c to the relay as one end of pair and waits until
// the relay has paired it (its reply); hellos are repeated, since on UDP one
// may be lost.
func relayHello(ctx context.Context, c *conn, pair uint64, role byte, timeout time.Duration) error {
	in := ndn.Interest{Name: relayHelloName(pair, role), Lifetime: time.Second, Nonce: randNonce(), HasNonce: true}
	w, err := in.Encode()
	if err != nil {
		return err
	}
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if err := c.write([][]byte{w}); err != nil {
			return fmt.Errorf("%w: %v", ErrTargetDied, err)
		}
		_, err := c.awaitCtrl(ctx, 200*time.Millisecond)
		if err == nil {
			return nil
		}
		if !errors.Is(err, errTimeout) {
			return err
		}
	}
	return fmt.Errorf("%w: the relay did not pair connection %d%c within %v", ErrRegister, pair, role, timeout)
}

// randNonce returns a random Interest Nonce; some forwarders (ndnd) drop
// Interests without one.
func randNonce() uint32 {
	var b [4]byte
	rand.Read(b[:])
	return binary.BigEndian.Uint32(b[:])
}
