package daemon

import (
	"context"
	"fmt"

	"github.com/ndnflow/ndnflow/face"
	"github.com/ndnflow/ndnflow/forwarder/mgmt"
	"github.com/ndnflow/ndnflow/forwarder/rib"
	"github.com/ndnflow/ndnflow/forwarder/status"
	"github.com/ndnflow/ndnflow/ndn"
	nfd "github.com/ndnflow/ndnflow/ndn/mgmt"
	"github.com/ndnflow/ndnflow/security"
	"github.com/ndnflow/ndnflow/security/cert"
	"github.com/ndnflow/ndnflow/security/keychain"
	"github.com/ndnflow/ndnflow/security/trust"
)

// ManagementSection configures the NFD management server (docs/config.md,
// "management"). The zero value is NFD's default configuration: commands
// from local faces are accepted, commands from other faces are rejected,
// and /localhop/nfd is served to local faces only.
type ManagementSection struct {
	// Disabled turns the management server off (nothing answers
	// /localhost/nfd; routes come from the configuration file only).
	Disabled bool `yaml:"disabled"`
	// TrustAnchors are certificate files: commands from non-local faces
	// must be signed by one of these keys or a key they certify (with
	// SignatureTime and the replay checks of NFD's command Interests).
	TrustAnchors []string `yaml:"trust_anchors"`
	// RequireSignedLocal applies TrustAnchors to local faces as well.
	RequireSignedLocal bool `yaml:"require_signed_local"`
	// LocalhopTrustAnchors enable /localhop/nfd RIB commands from non-local
	// faces (NFD's rib.localhop_security), signed as for TrustAnchors by
	// these certificates' keys. Empty: disabled.
	LocalhopTrustAnchors []string `yaml:"localhop_trust_anchors"`
	// SigningKey is an identity, key or certificate name in Keychain whose
	// key signs responses and datasets. Empty: DigestSha256.
	SigningKey string `yaml:"signing_key"`
	// Keychain is the keychain directory for SigningKey; default
	// $NDNFLOW_KEYCHAIN or the user config directory.
	Keychain string `yaml:"keychain"`
}

// signer returns the response signer the section names (nil: default).
func (m *ManagementSection) signer() (ndn.Signer, error) {
	if m.SigningKey == "" {
		return nil, nil
	}
	name, err := ndn.ParseName(m.SigningKey)
	if err != nil {
		return nil, fmt.Errorf("management.signing_key: %w", err)
	}
	dir := m.Keychain
	if dir == "" {
		if dir, err = keychain.DefaultDir(); err != nil {
			return nil, fmt.Errorf("management.keychain: %w", err)
		}
	}
	kc, err := keychain.Open(dir)
	if err != nil {
		return nil, fmt.Errorf("management.keychain: %w", err)
	}
	k, err := kc.Signer(name)
	if err != nil {
		return nil, fmt.Errorf("management.signing_key %s: %w", m.SigningKey, err)
	}
	return k, nil
}

// validator returns a command validator for the certificate files, or nil
// when there are none.
func commandValidator(key string, files []string) (*trust.Validator, error) {
	if len(files) == 0 {
		return nil, nil
	}
	var anchors []*cert.Certificate
	for _, f := range files {
		c, err := cert.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("management.%s %s: %w", key, f, err)
		}
		anchors = append(anchors, c)
	}
	return trust.NewValidator(trust.Options{Policy: trust.AcceptAll{}, Anchors: anchors,
		Replay: security.NewReplayChecker(security.ReplayOptions{})}), nil
}

// startManagement starts the management server and, with an http address,
// the status page. Both are closed with the listeners.
func (n *Node) startManagement(ctx context.Context, c *Config) error {
	var r *rib.RIB
	if !c.Management.Disabled {
		v, err := commandValidator("trust_anchors", c.Management.TrustAnchors)
		if err != nil {
			return err
		}
		lv, err := commandValidator("localhop_trust_anchors", c.Management.LocalhopTrustAnchors)
		if err != nil {
			return err
		}
		signer, err := c.Management.signer()
		if err != nil {
			return err
		}
		srv, err := mgmt.New(mgmt.Options{
			Forwarder: n.fw,
			Signer:    signer,
			Auth:      mgmt.Auth{Validator: v, RequireLocal: c.Management.RequireSignedLocal, Localhop: lv},
			Channels:  n.ListenerURIs,
			Dial: func(ctx context.Context, u nfd.FaceURI, p face.Persistency) (face.Transport, error) {
				// UDP faces share a channel of their family, as NFD's; a
				// transport that exists already belongs to another face.
				if ap, err := u.AddrPort(); err == nil && (u.Scheme == "udp4" || u.Scheme == "udp6") {
					for _, l := range n.udp {
						if l.LocalAddr().Addr().Unmap().Is4() == ap.Addr().Unmap().Is4() {
							t, err := l.Dial(ctx, ap.String())
							if err != nil {
								return nil, err
							}
							return t, nil
						}
					}
				}
				fs := FaceSection{URI: u.String()}
				if p == face.PersistencyPermanent {
					fs.Persistency = "permanent"
				}
				return n.dial(ctx, fs, false)
			},
			Logger: n.log,
		})
		if err != nil {
			return fmt.Errorf("management: %w", err)
		}
		n.listeners = append(n.listeners, srv)
		r = srv.RIB()
		if c.RIB.ReadvertiseNLSR {
			a, b := face.NewMemPair(face.MemPairConfig{URIA: "internal://readvertise", URIB: "internal://forwarder"})
			n.fw.AddFace(b, face.Config{})
			n.listeners = append(n.listeners, newReadvertiser(r, newCertFetcher(a), signer, n.log))
		}
	}
	if c.HTTP != "" {
		hs, err := status.Listen(ctx, c.HTTP, status.Options{Forwarder: n.fw, RIB: r, Logger: n.log})
		if err != nil {
			return fmt.Errorf("http %s: %w", c.HTTP, err)
		}
		n.listeners = append(n.listeners, hs)
		n.log.Info("status page", "url", hs.URL(), "metrics", hs.URL()+"metrics")
	}
	return nil
}

// addStaticRoute installs a route of the configuration file: in the RIB
// with origin static and CHILD_INHERIT (as `nfdc route add` would) when the
// management server runs, so that rib/list shows it and RIB updates do not
// remove it; directly in the FIB otherwise.
func (n *Node) addStaticRoute(prefix ndn.Name, faceID, cost uint64) error {
	for _, l := range n.listeners {
		if s, ok := l.(*mgmt.Server); ok {
			return s.RIB().Register(prefix, rib.Route{FaceID: faceID, Origin: uint16(nfd.OriginStatic), Cost: cost, Flags: rib.ChildInherit})
		}
	}
	return n.fw.AddNextHop(prefix, faceID, cost)
}
