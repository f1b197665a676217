package mgmt

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
)

// FaceURI is an NFD FaceUri: "udp4://192.0.2.1:6363", "tcp6://[::1]:6363",
// "unix:///run/nfd/nfd.sock", "ether://[01:00:5e:00:17:aa]", "dev://eth0",
// "fd://3", "internal://", "ws://0.0.0.0:9696" and so on. Parsing follows
// ndn-cxx FaceUri::parse; IsCanonical and Canonical follow its canonize
// providers (udp, tcp, ether, dev, udp+dev), without DNS unless Canonize is
// given a resolver. The zero value is not a valid FaceUri.
type FaceURI struct {
	// Scheme is the part before "://", for example "udp4" or "udp4+dev".
	Scheme string
	// Host is the authority without brackets or port: an IPv4 address, an
	// IPv6 address (with "%zone" when link-local), a host name, an Ethernet
	// address, an interface name or a file descriptor number. Empty for
	// unix, internal, contentstore and null.
	Host string
	// Port is the port as written (decimal digits), empty when absent.
	Port string
	// Path starts with "/" (unix sockets); empty when absent.
	Path string
}

// Default ports that canonization fills in, as ndn-cxx does.
const (
	DefaultUnicastPort   = 6363
	DefaultMulticastPort = 56363
)

func isWordChar(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_'
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func isHexColon(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == ':' || '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// validScheme checks the scheme syntax of ndn-cxx: word characters,
// optionally followed by "+" and more word characters.
func validScheme(s string) bool {
	base, ext, hasExt := strings.Cut(s, "+")
	check := func(p string) bool {
		if p == "" {
			return false
		}
		for i := 0; i < len(p); i++ {
			if !isWordChar(p[i]) {
				return false
			}
		}
		return true
	}
	return check(base) && (!hasExt || check(ext))
}

// cutScheme splits "scheme://rest".
func cutScheme(s string) (scheme, rest string, ok bool) {
	i := strings.Index(s, "://")
	if i < 0 {
		return "", "", false
	}
	return s[:i], s[i+3:], true
}

// splitPort splits an optional ":digits" suffix; ok is false when a colon
// is followed by something other than digits.
func splitPort(s string) (host, port string, ok bool) {
	i := strings.IndexByte(s, ':')
	if i < 0 {
		return s, "", true
	}
	if !allDigits(s[i+1:]) {
		return "", "", false
	}
	return s[:i], s[i+1:], true
}

// ParseFaceURI parses a FaceUri. It checks syntax only: a host name is
// accepted where an address is expected; use IsCanonical or Canonical to
// check the address.
func ParseFaceURI(s string) (FaceURI, error) {
	bad := func(why string) (FaceURI, error) {
		return FaceURI{}, fmt.Errorf("%w: %q: %s", ErrFaceURI, s, why)
	}
	scheme, rest, ok := cutScheme(s)
	if !ok || !validScheme(scheme) {
		return bad("expected scheme://")
	}
	u := FaceURI{Scheme: scheme}
	auth := rest
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		auth, u.Path = rest[:i], rest[i:]
		if strings.IndexByte(u.Path, '?') >= 0 {
			return bad("query not allowed")
		}
	}
	if auth == "" {
		return u, nil
	}
	if auth[0] == '[' {
		end := strings.IndexByte(auth, ']')
		if end < 0 {
			return bad("unterminated [")
		}
		inner, after := auth[1:end], auth[end+1:]
		port := ""
		if after != "" {
			if after[0] != ':' || !allDigits(after[1:]) {
				return bad("bad port")
			}
			port = after[1:]
		}
		addr, zone, hasZone := strings.Cut(inner, "%")
		switch {
		case hasZone:
			// IPv6 link-local with a zone.
			if !isHexColon(addr) || zone == "" || strings.ContainsAny(zone, " \t\r\n\f\v/:") {
				return bad("bad IPv6 zone address")
			}
		case strings.HasPrefix(inner, "::ffff:") && strings.Contains(inner, "."):
			// IPv4-mapped IPv6: ndn-cxx keeps only the IPv4 address.
			v4 := inner[len("::ffff:"):]
			if a, err := netip.ParseAddr(v4); err != nil || !a.Is4() {
				return bad("bad IPv4-mapped address")
			}
			inner = v4
		case !isHexColon(inner):
			return bad("bad bracketed address")
		}
		u.Host, u.Port = inner, port
		return u, nil
	}
	host, port, ok := splitPort(auth)
	if !ok || host == "" {
		return bad("bad host or port")
	}
	u.Host, u.Port = host, port
	return u, nil
}

// MustParseFaceURI is ParseFaceURI for constants; it panics on error.
func MustParseFaceURI(s string) FaceURI {
	u, err := ParseFaceURI(s)
	if err != nil {
		panic(err)
	}
	return u
}

// String formats the FaceUri; hosts containing ":" (IPv6, Ethernet) are
// bracketed.
func (u FaceURI) String() string {
	var b strings.Builder
	b.WriteString(u.Scheme)
	b.WriteString("://")
	if strings.IndexByte(u.Host, ':') >= 0 {
		b.WriteByte('[')
		b.WriteString(u.Host)
		b.WriteByte(']')
	} else {
		b.WriteString(u.Host)
	}
	if u.Port != "" {
		b.WriteByte(':')
		b.WriteString(u.Port)
	}
	b.WriteString(u.Path)
	return b.String()
}

// PortNumber returns the port as a number; ok is false when it is absent or
// not a canonical decimal in [0, 65535].
func (u FaceURI) PortNumber() (port uint16, ok bool) {
	p, err := strconv.ParseUint(u.Port, 10, 16)
	if err != nil || strconv.FormatUint(p, 10) != u.Port {
		return 0, false
	}
	return uint16(p), true
}

// ipBase returns "udp" or "tcp" and the required address family (4, 6, or 0
// for either) of an IP scheme; base is "" for other schemes.
func ipBase(scheme string) (base string, family int) {
	switch scheme {
	case "udp", "tcp":
		return scheme, 0
	case "udp4", "tcp4":
		return scheme[:3], 4
	case "udp6", "tcp6":
		return scheme[:3], 6
	}
	return "", 0
}

// hostAddr parses Host as an IP address.
func (u FaceURI) hostAddr() (netip.Addr, bool) {
	a, err := netip.ParseAddr(u.Host)
	return a, err == nil
}

// IsCanonical reports whether the FaceUri is in the canonical form NFD
// requires of faces/create (ndn-cxx FaceUri::isCanonical):
//   - udp4, udp6, tcp4, tcp6: a numeric address of the scheme's family in
//     its normal form (a zone only on link-local IPv6, and not escaped as
//     "%25zone"), an explicit port, no path; no multicast for TCP. Stricter
//     than ndn-cxx, the port must be a canonical decimal in [0, 65535];
//   - ether: a lowercase colon-separated MAC, no port, no path;
//   - dev: an interface name, no port, no path;
//   - udp4+dev, udp6+dev: a port, no path.
//
// Every other scheme (unix, fd, ws, internal, …) is never canonical.
func (u FaceURI) IsCanonical() bool {
	if base, family := ipBase(u.Scheme); base != "" {
		if family == 0 || u.Path != "" {
			return false
		}
		if _, ok := u.PortNumber(); !ok {
			return false
		}
		a, ok := u.hostAddr()
		if !ok || a.Is4In6() || (family == 4) != a.Is4() || a.String() != u.Host {
			return false
		}
		if z := a.Zone(); z != "" && (!zoneAllowed(a) || len(z) > 2 && z[:2] == "25") {
			return false // "%25eth0" is accepted but is not the canonical form
		}
		return base != "tcp" || !a.IsMulticast()
	}
	switch u.Scheme {
	case "ether":
		mac, ok := parseMAC(u.Host)
		return ok && mac.String() == u.Host && u.Port == "" && u.Path == ""
	case "dev":
		return u.Host != "" && u.Port == "" && u.Path == ""
	case "udp4+dev", "udp6+dev":
		return u.Port != "" && u.Path == ""
	}
	return false
}

// Canonical returns the canonical form of a FaceUri whose host is already
// numeric: the family suffix is added to udp/tcp, a missing port becomes
// 6363 (56363 for UDP multicast), IPv4-mapped addresses are unmapped and
// addresses are reformatted. A host name needs Canonize. Errors wrap
// ErrCanonize.
func (u FaceURI) Canonical() (FaceURI, error) {
	if u.IsCanonical() {
		return u, nil
	}
	fail := func(why string) (FaceURI, error) {
		return FaceURI{}, fmt.Errorf("%w: %s: %s", ErrCanonize, u, why)
	}
	if base, family := ipBase(u.Scheme); base != "" {
		a, ok := u.hostAddr()
		if !ok {
			return fail("host is not an IP address (needs name resolution)")
		}
		return canonicalIP(u, base, family, a)
	}
	switch u.Scheme {
	case "ether":
		mac, ok := parseMAC(u.Host)
		if !ok {
			return fail("invalid ethernet address")
		}
		return FaceURI{Scheme: "ether", Host: mac.String()}, nil
	case "dev":
		switch {
		case u.Host == "":
			return fail("network interface name is missing")
		case u.Port != "":
			return fail("port number is not allowed")
		case u.Path != "" && u.Path != "/":
			return fail("path is not allowed")
		}
		return FaceURI{Scheme: "dev", Host: u.Host}, nil
	case "udp4+dev", "udp6+dev":
		return fail("cannot canonize")
	}
	return fail("scheme not supported")
}

func canonicalIP(u FaceURI, base string, family int, a netip.Addr) (FaceURI, error) {
	fail := func(why string) (FaceURI, error) {
		return FaceURI{}, fmt.Errorf("%w: %s: %s", ErrCanonize, u, why)
	}
	a = a.Unmap()
	if family == 4 && !a.Is4() || family == 6 && !a.Is6() {
		return fail("IPv4/v6 mismatch")
	}
	if base == "tcp" && a.IsMulticast() {
		return fail("cannot use multicast address")
	}
	if z := a.Zone(); z != "" {
		switch {
		case !zoneAllowed(a):
			a = a.WithZone("")
		case len(z) > 2 && z[:2] == "25":
			a = a.WithZone(z[2:]) // percent-escaped "%25zone"
		}
	}
	var port uint64 = DefaultUnicastPort
	if a.IsMulticast() {
		port = DefaultMulticastPort
	}
	if u.Port != "" {
		p, err := strconv.ParseUint(u.Port, 10, 16)
		if err != nil {
			return fail("invalid port number")
		}
		port = p
	}
	return FaceURIFromAddrPort(base, netip.AddrPortFrom(a, uint16(port))), nil
}

// Canonize is Canonical that also resolves a host name with r (nil means
// net.DefaultResolver), taking the first address of the scheme's family.
func (u FaceURI) Canonize(ctx context.Context, r *net.Resolver) (FaceURI, error) {
	base, family := ipBase(u.Scheme)
	if base == "" || u.IsCanonical() {
		return u.Canonical()
	}
	if _, ok := u.hostAddr(); ok {
		return u.Canonical()
	}
	if r == nil {
		r = net.DefaultResolver
	}
	network := "ip"
	switch family {
	case 4:
		network = "ip4"
	case 6:
		network = "ip6"
	}
	addrs, err := r.LookupNetIP(ctx, network, u.Host)
	if err != nil || len(addrs) == 0 {
		return FaceURI{}, fmt.Errorf("%w: %s: %v", ErrCanonize, u, err)
	}
	return canonicalIP(u, base, family, addrs[0])
}

// AddrPort returns the address and port of a udp4, udp6, tcp4 or tcp6
// FaceUri (or of another scheme whose host is numeric, such as ws).
func (u FaceURI) AddrPort() (netip.AddrPort, error) {
	a, ok := u.hostAddr()
	p, okp := u.PortNumber()
	if !ok || !okp {
		return netip.AddrPort{}, fmt.Errorf("%w: %s: not an address and port", ErrFaceURI, u)
	}
	return netip.AddrPortFrom(a, p), nil
}

// FaceURIFromAddrPort makes the FaceUri of an IP endpoint. For scheme "udp"
// or "tcp" the family suffix is added ("udp4", "tcp6"); any other scheme
// ("ws", "wsclient") is used as given. IPv4-mapped IPv6 addresses are
// unmapped.
func FaceURIFromAddrPort(scheme string, ap netip.AddrPort) FaceURI {
	a := ap.Addr().Unmap()
	if scheme == "udp" || scheme == "tcp" {
		if a.Is4() {
			scheme += "4"
		} else {
			scheme += "6"
		}
	}
	return FaceURI{Scheme: scheme, Host: a.String(), Port: strconv.FormatUint(uint64(ap.Port()), 10)}
}

// UnixFaceURI returns "unix://" + path, for a Unix stream socket.
func UnixFaceURI(path string) FaceURI { return FaceURI{Scheme: "unix", Path: path} }

// FdFaceURI returns "fd://N", the remote URI NFD gives Unix stream faces.
func FdFaceURI(fd int) FaceURI { return FaceURI{Scheme: "fd", Host: strconv.Itoa(fd)} }

// DevFaceURI returns "dev://ifname", the local URI of an Ethernet face.
func DevFaceURI(ifname string) FaceURI { return FaceURI{Scheme: "dev", Host: ifname} }

// EtherFaceURI returns "ether://[xx:xx:xx:xx:xx:xx]".
func EtherFaceURI(mac net.HardwareAddr) FaceURI {
	return FaceURI{Scheme: "ether", Host: mac.String()}
}

// parseMAC parses six groups of one or two hex digits separated by ":" or
// "-", as ndn-cxx ethernet::Address::fromString does.
func parseMAC(s string) (net.HardwareAddr, bool) {
	mac := make(net.HardwareAddr, 0, 6)
	for i, g := range strings.FieldsFunc(s, func(r rune) bool { return r == ':' || r == '-' }) {
		if i >= 6 || len(g) < 1 || len(g) > 2 {
			return nil, false
		}
		v, err := strconv.ParseUint(g, 16, 8)
		if err != nil {
			return nil, false
		}
		mac = append(mac, byte(v))
	}
	if len(mac) != 6 || strings.Count(s, ":")+strings.Count(s, "-") != 5 {
		return nil, false
	}
	return mac, true
}

// zoneAllowed reports whether an IPv6 address may carry a zone: link-local
// unicast and link- or interface-local multicast.
func zoneAllowed(a netip.Addr) bool {
	return a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() || a.IsInterfaceLocalMulticast()
}
