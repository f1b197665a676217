package face

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"strings"
)

// DialConfig configures Dial per transport kind; the zero value is usable.
type DialConfig struct {
	TCP TCPDialConfig
	UDP UDPDialConfig
}

// Dial opens a transport to the FaceUri uri:
//
//	unix:///run/nfd/nfd.sock   (also unix:///path with any path)
//	tcp://host:port, tcp4://…, tcp6://…   (port defaults to 6363)
//	udp://host:port, udp4://…, udp6://…   (a connected socket of its own)
//	ws://host:port/path, wss://…
//
// A forwarder that has a UDP channel should create UDP faces with
// UDPListener.Dial instead, so that peers see its channel's address.
func Dial(ctx context.Context, uri string, cfg DialConfig) (Transport, error) {
	u, err := url.Parse(uri)
	if err != nil {
		return nil, fmt.Errorf("face: %q: %w", uri, ErrURI)
	}
	hostPort := func() (string, error) {
		if u.Host == "" {
			return "", fmt.Errorf("face: %q has no host: %w", uri, ErrURI)
		}
		if u.Port() == "" {
			return net.JoinHostPort(strings.Trim(u.Host, "[]"), "6363"), nil
		}
		return u.Host, nil
	}
	switch u.Scheme {
	case "unix":
		p := u.Path
		if p == "" {
			p = u.Opaque
		}
		return DialUnix(ctx, p)
	case "tcp", "tcp4", "tcp6":
		hp, err := hostPort()
		if err != nil {
			return nil, err
		}
		return dialTCP(ctx, u.Scheme, hp, cfg.TCP)
	case "udp", "udp4", "udp6":
		hp, err := hostPort()
		if err != nil {
			return nil, err
		}
		return dialUDP(ctx, "ip"+strings.TrimPrefix(u.Scheme, "udp"), hp, cfg.UDP)
	case "ws", "wss":
		return DialWebSocket(ctx, uri)
	}
	return nil, fmt.Errorf("face: scheme %q: %w", u.Scheme, ErrURI)
}
