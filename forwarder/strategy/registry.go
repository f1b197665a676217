package strategy

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ndnflow/ndnflow/ndn"
)

// prefixURI is the name prefix of every strategy name.
const prefixURI = "/localhost/nfd/strategy"

type registration struct {
	version uint64
	make    func(params []ndn.Component) (Strategy, error)
}

// registry returns the built-in strategies by short name. It builds a new
// map each call: there is no package-level mutable state.
func registry() map[string]registration {
	noParams := func(s Strategy) func([]ndn.Component) (Strategy, error) {
		return func(p []ndn.Component) (Strategy, error) {
			if len(p) > 0 {
				return nil, fmt.Errorf("%w: takes no parameters", ErrParams)
			}
			return s, nil
		}
	}
	return map[string]registration{
		"best-route": {5, func(p []ndn.Component) (Strategy, error) {
			retx, err := ParseSuppression(p)
			if err != nil {
				return nil, err
			}
			return BestRoute{Retx: retx}, nil
		}},
		"multicast": {5, func(p []ndn.Component) (Strategy, error) {
			retx, err := ParseSuppression(p)
			if err != nil {
				return nil, err
			}
			return Multicast{Retx: retx}, nil
		}},
		"random":        {1, noParams(Random{})},
		"self-learning": {1, noParams(SelfLearning{})},
		"asf":           {5, newASFFromParams},
	}
}

func newASFFromParams(params []ndn.Component) (Strategy, error) {
	var interval int64
	var maxTO int
	for _, c := range params {
		k, v, ok := strings.Cut(string(c.Value), "~")
		if !ok {
			return nil, fmt.Errorf("%w: %q", ErrParams, c.Value)
		}
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %v", ErrParams, k, err)
		}
		switch k {
		case "probing-interval": // ms; NFD requires >= 1000
			if n < 1000 {
				return nil, fmt.Errorf("%w: probing-interval below 1000 ms", ErrParams)
			}
			interval = int64(n) * 1e6
		case "max-timeouts":
			if n < 1 {
				return nil, fmt.Errorf("%w: max-timeouts below 1", ErrParams)
			}
			maxTO = int(n)
		default:
			return nil, fmt.Errorf("%w: unknown parameter %q", ErrParams, k)
		}
	}
	return NewASF(interval, maxTO), nil
}

// Names returns the versioned names of the built-in strategies, sorted.
func Names() []ndn.Name {
	var out []ndn.Name
	for _, s := range []string{"asf", "best-route", "multicast", "random", "self-learning"} {
		r := registry()[s]
		out = append(out, ndn.MustParseName(prefixURI+"/"+s).Append(ndn.VersionComponent(r.version)))
	}
	return out
}

// ParseName parses a strategy name as an operator writes it: a full name
// (/localhost/nfd/strategy/best-route, optionally /v=5 and parameters) or a
// short one (best-route, asf/v=5/max-timeouts~2). It returns the full
// name without resolving the version; see Resolve.
func ParseName(s string) (ndn.Name, error) {
	if !strings.HasPrefix(s, "/") {
		s = prefixURI + "/" + s
	}
	return ndn.ParseName(s)
}

// Resolve checks a strategy name and returns its canonical form, with the
// version added when it was omitted (NFD picks the latest) and parameters
// kept, plus the short name and parameters. It fails with ErrUnknown for
// an unknown strategy or version.
func Resolve(name ndn.Name) (canonical ndn.Name, short string, params []ndn.Component, err error) {
	base := ndn.MustParseName(prefixURI)
	if !base.IsPrefixOf(name) || name.Len() <= base.Len() {
		return ndn.Name{}, "", nil, fmt.Errorf("%w: %s", ErrUnknown, name)
	}
	shortC := name.At(base.Len())
	short = string(shortC.Value)
	reg, ok := registry()[short]
	if !ok || shortC.Type != ndn.TtGenericNameComponent {
		return ndn.Name{}, "", nil, fmt.Errorf("%w: %s", ErrUnknown, name)
	}
	rest := name.Len() - base.Len() - 1
	canonical = name.Prefix(base.Len() + 1).Append(ndn.VersionComponent(reg.version))
	if rest > 0 {
		vc := name.At(base.Len() + 1)
		if vc.Type == ndn.TtVersionNameComponent {
			v, _ := vc.Number()
			if v != reg.version {
				return ndn.Name{}, "", nil, fmt.Errorf("%w: %s version %d (have %d)", ErrUnknown, short, v, reg.version)
			}
			rest--
		}
		for i := name.Len() - rest; i < name.Len(); i++ {
			params = append(params, name.At(i))
		}
		canonical = canonical.Append(params...)
	}
	return canonical, short, params, nil
}

// New creates a strategy instance from a name accepted by Resolve.
func New(name ndn.Name) (Strategy, error) {
	_, short, params, err := Resolve(name)
	if err != nil {
		return nil, err
	}
	return registry()[short].make(params)
}
