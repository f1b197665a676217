package app

import (
	"context"
	"crypto/rand"
	"fmt"
	"time"

	"github.com/ndnflow/ndnflow/ndn"
	"github.com/ndnflow/ndnflow/security"
	"github.com/ndnflow/ndnflow/tlv"
)

// digestSigner is the default signer of replies and commands.
type digestSigner = security.DigestSha256

// Management TLV-TYPEs used here (ndn-protocols.md §4.2, §4.3). They are
// private until package ndn/mgmt provides them.
const (
	ttControlParameters = 0x68
	ttControlResponse   = 0x65
	ttStatusCode        = 0x66
	ttStatusText        = 0x67
	ttOrigin            = 0x6F
	ttCost              = 0x6A
	ttFlags             = 0x6C
	ttExpirationPeriod  = 0x6D
)

// routeFlagChildInherit is the CHILD_INHERIT route flag.
const routeFlagChildInherit = 1

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

// appendControlParameters encodes ControlParameters with Name and, for
// rib/register, Origin, Cost and Flags in ndn-cxx order.
func appendControlParameters(dst []byte, name ndn.Name, origin, cost uint64, register bool) []byte {
	n := name.TLVLength()
	if origin != 0 || register {
		n += tlv.NNIElementLen(ttOrigin, origin)
	}
	if register {
		n += tlv.NNIElementLen(ttCost, cost) + tlv.NNIElementLen(ttFlags, routeFlagChildInherit)
	}
	dst = tlv.AppendTL(dst, ttControlParameters, n)
	dst = name.AppendTLV(dst)
	if origin != 0 || register {
		dst = tlv.AppendNNIElement(dst, ttOrigin, origin)
	}
	if register {
		dst = tlv.AppendNNIElement(dst, ttCost, cost)
		dst = tlv.AppendNNIElement(dst, ttFlags, routeFlagChildInherit)
	}
	return dst
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
func (c *Client) command(ctx context.Context, verb string, in *ndn.Interest) error {
	if err := c.signCommand(in); err != nil {
		return err
	}
	d, err := c.Express(ctx, in, ExpressOptions{Retries: 2})
	if err != nil {
		return fmt.Errorf("app: %s: %w", verb, err)
	}
	code, text, err := parseControlResponse(d.Content)
	if err != nil {
		return fmt.Errorf("app: %s: bad ControlResponse: %w", verb, err)
	}
	if code != 200 {
		return &CommandError{Command: verb, Code: code, Text: text}
	}
	return nil
}

func parseControlResponse(b []byte) (code uint64, text string, err error) {
	e, err := tlv.Decode(b)
	if err != nil {
		return 0, "", err
	}
	if e.Type != ttControlResponse {
		return 0, "", ndn.ErrPacketType
	}
	d := tlv.NewDecoder(e.Value)
	haveCode := false
	for d.Next() {
		f := d.Element()
		switch f.Type {
		case ttStatusCode:
			code, err = f.NNI()
			haveCode = true
		case ttStatusText:
			text = string(f.Value)
		}
		if err != nil {
			return 0, "", err
		}
	}
	if err := d.Err(); err != nil {
		return 0, "", err
	}
	if !haveCode {
		return 0, "", ndn.ErrMissing
	}
	return code, text, nil
}

// register asks the forwarder to route p's prefix to this Client.
func (c *Client) register(ctx context.Context, p *Producer) error {
	if err := c.waitUp(ctx); err != nil {
		return err
	}
	if p.opts.Announce {
		return c.announce(ctx, p)
	}
	cp := appendControlParameters(nil, p.prefix, p.opts.Origin, p.opts.Cost, true)
	in := &ndn.Interest{Name: c.commandPrefix().Append(
		ndn.GenericComponent("rib"), ndn.GenericComponent("register"),
		ndn.Component{Type: ndn.TtGenericNameComponent, Value: cp})}
	return c.command(ctx, "rib/register", in)
}

// unregister removes the route registered for p.
func (c *Client) unregister(ctx context.Context, p *Producer) error {
	cp := appendControlParameters(nil, p.prefix, p.opts.Origin, 0, false)
	in := &ndn.Interest{Name: c.commandPrefix().Append(
		ndn.GenericComponent("rib"), ndn.GenericComponent("unregister"),
		ndn.Component{Type: ndn.TtGenericNameComponent, Value: cp})}
	return c.command(ctx, "rib/unregister", in)
}

// announce sends rib/announce with a Prefix Announcement Data
// (/<prefix>/32=PA/v=<ms>/seg=0, ContentType PrefixAnn, Content
// ExpirationPeriod) in ApplicationParameters (ndn-protocols.md §1.9, §4.1).
func (c *Client) announce(ctx context.Context, p *Producer) error {
	pa := ndn.Data{
		Name: p.prefix.Append(ndn.KeywordComponent("PA"),
			ndn.VersionComponent(uint64(time.Now().UnixMilli())), ndn.SegmentComponent(0)),
		ContentType: ndn.ContentPrefixAnn,
		Content:     tlv.AppendNNIElement(nil, ttExpirationPeriod, uint64(p.opts.AnnounceExpiration/time.Millisecond)),
	}
	paWire, err := pa.SignWith(p.opts.AnnounceSigner)
	if err != nil {
		return fmt.Errorf("app: signing prefix announcement: %w", err)
	}
	in := &ndn.Interest{
		Name:      c.commandPrefix().Append(ndn.GenericComponent("rib"), ndn.GenericComponent("announce")),
		AppParams: paWire, HasAppParams: true,
	}
	return c.command(ctx, "rib/announce", in)
}
