package app

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"time"

	"github.com/ndnflow/ndnflow/ndn"
	"github.com/ndnflow/ndnflow/ndn/mgmt"
	"github.com/ndnflow/ndnflow/security"
)

// digestSigner is the default signer of replies and commands.
type digestSigner = security.DigestSha256

var (
	compLocalhost = ndn.GenericComponent("localhost")
	compLocalhop  = ndn.GenericComponent("localhop")
	compNfd       = ndn.GenericComponent("nfd")
)

// commandPrefix returns /localhost/nfd or /localhop/nfd (§4.6).
func (c *Client) commandPrefix() ndn.Name {
	if !c.opts.CommandPrefix.IsEmpty() {
		return c.opts.CommandPrefix
	}
	if c.IsLocal() {
		return ndn.NameFromComponents(compLocalhost, compNfd)
	}
	return ndn.NameFromComponents(compLocalhop, compNfd)
}

// signCommand turns in into a v0.3 signed command Interest (DigestSha256
// or the configured signer, SigNonce of 8 octets and SigTime, as ndn-cxx
// and NDNts send them) and returns its wire.
func (c *Client) signCommand(in *ndn.Interest) error {
	nonce := make([]byte, 8)
	rand.Read(nonce)
	in.SigInfo = ndn.SigInfo{Nonce: nonce, Time: uint64(time.Now().UnixMilli()), HasTime: true}
	in.Lifetime = 4 * time.Second
	in.MustBeFresh = true
	_, err := in.SignWith(c.opts.CommandSigner)
	return err
}

// command sends a signed management command and checks its ControlResponse.
func (c *Client) command(ctx context.Context, verb string, prefix ndn.Name, in *ndn.Interest) error {
	if err := c.signCommand(in); err != nil {
		return err
	}
	d, err := c.Express(ctx, in, ExpressOptions{Retries: 2})
	var ne *NackError
	switch {
	case errors.As(err, &ne):
		// The command name is long and unreadable: name the command.
		return fmt.Errorf("%w: %s %s: the forwarder answered Nack %s (does it serve %s?)",
			ErrRegister, verb, prefix, ne.Reason, in.Name.Prefix(2))
	case errors.Is(err, ErrTimeout):
		return fmt.Errorf("%w: %s %s: no answer from the forwarder's management (%s)", ErrRegister, verb, prefix, in.Name.Prefix(2))
	case err != nil:
		return fmt.Errorf("%w: %s %s: %w", ErrRegister, verb, prefix, err)
	}
	var resp mgmt.ControlResponse
	if err := resp.Decode(d.Content); err != nil {
		return fmt.Errorf("app: %s: bad ControlResponse: %w", verb, err)
	}
	if !resp.OK() {
		return &CommandError{Command: verb + " " + prefix.String(), Code: uint64(resp.Code), Text: resp.Text}
	}
	return nil
}

// register asks the forwarder to route p's prefix to this Client.
func (c *Client) register(ctx context.Context, p *Producer) error {
	if err := c.waitUp(ctx); err != nil {
		return err
	}
	if p.opts.Announce {
		return c.announce(ctx, p)
	}
	cp := &mgmt.ControlParameters{
		Name: p.prefix, HasName: true,
		Origin: mgmt.RouteOrigin(p.opts.Origin), HasOrigin: true,
		Cost: p.opts.Cost, HasCost: true,
		Flags: mgmt.RouteChildInherit, HasFlags: true,
	}
	in := &ndn.Interest{Name: mgmt.CommandName(c.commandPrefix(), mgmt.RibRegister, cp)}
	return c.command(ctx, "rib/register", p.prefix, in)
}

// unregister removes the route registered for p.
func (c *Client) unregister(ctx context.Context, p *Producer) error {
	cp := &mgmt.ControlParameters{Name: p.prefix, HasName: true}
	if p.opts.Origin != 0 {
		cp.Origin, cp.HasOrigin = mgmt.RouteOrigin(p.opts.Origin), true
	}
	in := &ndn.Interest{Name: mgmt.CommandName(c.commandPrefix(), mgmt.RibUnregister, cp)}
	return c.command(ctx, "rib/unregister", p.prefix, in)
}

// announce sends rib/announce with a Prefix Announcement Data
// (/<prefix>/32=PA/v=<ms>/seg=0, ContentType PrefixAnn, Content
// ExpirationPeriod) in ApplicationParameters (ndn-protocols.md §1.9, §4.1).
func (c *Client) announce(ctx context.Context, p *Producer) error {
	ann := mgmt.PrefixAnn{Announced: p.prefix, Version: uint64(time.Now().UnixMilli()), ExpirationPeriod: p.opts.AnnounceExpiration}
	pa := ann.Data()
	paWire, err := pa.SignWith(p.opts.AnnounceSigner)
	if err != nil {
		return fmt.Errorf("app: signing prefix announcement: %w", err)
	}
	in := &ndn.Interest{
		Name:      mgmt.CommandName(c.commandPrefix(), mgmt.RibAnnounce, nil),
		AppParams: paWire, HasAppParams: true,
	}
	return c.command(ctx, "rib/announce", p.prefix, in)
}
