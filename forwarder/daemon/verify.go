package daemon

import (
	"context"
	"fmt"
	"os"
	"sync"

	"github.com/ndnflow/ndnflow/face"
	"github.com/ndnflow/ndnflow/forwarder"
	"github.com/ndnflow/ndnflow/ndn"
	"github.com/ndnflow/ndnflow/security/cert"
	"github.com/ndnflow/ndnflow/security/trust"
)

// VerificationSection configures signature verification in the forwarder.
type VerificationSection struct {
	// Workers verifying in parallel; 0: GOMAXPROCS.
	Workers int `yaml:"workers"`
	// Queue of Data waiting for verification; 0: 1024.
	Queue int          `yaml:"queue"`
	Rules []VerifyRule `yaml:"rules"`
}

// VerifyRule verifies Data under Prefix.
type VerifyRule struct {
	Prefix string `yaml:"prefix"`
	// Exempt turns verification off under Prefix (inside a verified prefix).
	Exempt bool `yaml:"exempt"`
	// Anchors are trust anchor certificate files (binary or base64).
	Anchors []string `yaml:"anchors"`
	// Policy is hierarchical (default), accept-all, or schema.
	Policy string `yaml:"policy"`
	// Schema is a trust schema file (policy: schema), docs/security.md.
	Schema string `yaml:"schema"`
	// AcceptDigest accepts DigestSha256-signed Data (integrity only).
	AcceptDigest bool `yaml:"accept_digest"`
	// Fetch retrieves certificates missing from the anchors and the cache
	// through the forwarder itself; default true.
	Fetch *bool `yaml:"fetch"`
}

func (c *Config) checkVerification() error {
	for k, r := range c.Verification.Rules {
		key := fmt.Sprintf("verification.rules[%d]", k)
		if _, err := ndn.ParseName(r.Prefix); err != nil || r.Prefix == "" {
			return fmt.Errorf("%s.prefix: %q is not a name", key, r.Prefix)
		}
		if r.Exempt {
			continue
		}
		switch r.Policy {
		case "", "hierarchical", "accept-all":
		case "schema":
			if r.Schema == "" {
				return fmt.Errorf("%s.schema: required with policy schema", key)
			}
		default:
			return fmt.Errorf("%s.policy: %q is not hierarchical, accept-all or schema", key, r.Policy)
		}
		if len(r.Anchors) == 0 && !r.AcceptDigest {
			return fmt.Errorf("%s.anchors: at least one anchor (or accept_digest) is needed", key)
		}
	}
	if c.Verification.Workers < 0 || c.Verification.Queue < 0 {
		return fmt.Errorf("verification: workers and queue must not be negative")
	}
	return nil
}

// buildVerifyRules reads anchors and schemas and makes the validators.
// fetcher may be nil (no certificate retrieval).
func (c *Config) buildVerifyRules(fetcher trust.Fetcher) ([]forwarder.VerifyRule, error) {
	var out []forwarder.VerifyRule
	for k, r := range c.Verification.Rules {
		key := fmt.Sprintf("verification.rules[%d]", k)
		vr := forwarder.VerifyRule{Prefix: ndn.MustParseName(r.Prefix)}
		if !r.Exempt {
			o := trust.Options{AcceptDigest: r.AcceptDigest}
			for _, a := range r.Anchors {
				ac, err := cert.ReadFile(a)
				if err != nil {
					return nil, fmt.Errorf("%s.anchors: %s: %w", key, a, err)
				}
				o.Anchors = append(o.Anchors, ac)
			}
			switch r.Policy {
			case "accept-all":
				o.Policy = trust.AcceptAll{}
			case "schema":
				b, err := os.ReadFile(r.Schema)
				if err != nil {
					return nil, fmt.Errorf("%s.schema: %w", key, err)
				}
				s, err := trust.ParseSchema(string(b))
				if err != nil {
					return nil, fmt.Errorf("%s.schema: %w", key, err)
				}
				o.Policy = s
			}
			if r.Fetch == nil || *r.Fetch {
				o.Fetcher = fetcher
			}
			vr.Validator = trust.NewValidator(o)
		}
		out = append(out, vr)
	}
	return out, nil
}

// certFetcher expresses Interests through an in-process face of the
// forwarder and returns the Data: certificates for the validator, and
// readvertisement commands (readvertise.go). A Nack is not reported; Fetch
// waits for the Interest lifetime. It is safe for concurrent use.
type certFetcher struct {
	tr face.Transport

	mu      sync.Mutex
	pending map[string][]chan []byte // Interest name value → waiters
}

func newCertFetcher(tr face.Transport) *certFetcher {
	f := &certFetcher{tr: tr, pending: map[string][]chan []byte{}}
	go f.routineReceive()
	return f
}

func (f *certFetcher) routineReceive() {
	bufs, sizes := [][]byte{make([]byte, face.BufferSize)}, []int{0}
	var lp ndn.LpPacket
	var d ndn.Data
	for {
		n, err := f.tr.Read(bufs, sizes)
		if err != nil {
			return
		}
		if n == 0 || lp.Decode(bufs[0][:sizes[0]]) != nil || lp.IsNack || d.Decode(lp.Fragment) != nil {
			continue
		}
		w := append([]byte(nil), lp.Fragment...)
		f.mu.Lock()
		for name, ws := range f.pending {
			pn, _ := ndn.NameFromValue([]byte(name))
			if pn.IsPrefixOf(d.Name) {
				for _, ch := range ws {
					ch <- w
				}
				delete(f.pending, name)
			}
		}
		f.mu.Unlock()
	}
}

// Fetch implements trust.Fetcher.
func (f *certFetcher) Fetch(ctx context.Context, i *ndn.Interest) (*ndn.Data, error) {
	w, err := i.Encode()
	if err != nil {
		return nil, err
	}
	ch := make(chan []byte, 1)
	key := string(i.Name.Value())
	f.mu.Lock()
	f.pending[key] = append(f.pending[key], ch)
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		ws := f.pending[key]
		for k, c := range ws {
			if c == ch {
				f.pending[key] = append(ws[:k], ws[k+1:]...)
				break
			}
		}
		if len(f.pending[key]) == 0 {
			delete(f.pending, key)
		}
		f.mu.Unlock()
	}()
	if err := f.tr.Write([][]byte{w}); err != nil {
		return nil, err
	}
	lt := i.EffectiveLifetime()
	ctx, cancel := context.WithTimeout(ctx, lt)
	defer cancel()
	select {
	case b := <-ch:
		var d ndn.Data
		if err := d.Decode(b); err != nil {
			return nil, err
		}
		return &d, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("fetch %s: %w", i.Name, ctx.Err())
	}
}
