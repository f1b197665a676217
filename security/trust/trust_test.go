package trust_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/ndn"
	"github.com/ndnflow/ndnflow/security"
	"github.com/ndnflow/ndnflow/security/cert"
	"github.com/ndnflow/ndnflow/security/trust"
)

var t0 = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

// pki is a three-level hierarchy: root (anchor) → site → user.
type pki struct {
	root, site, user             *security.PrivateKey
	rootCert, siteCert, userCert *cert.Certificate
	store                        map[string]*cert.Certificate // by key name URI
	fetches                      atomic.Int64
}

func key(t testing.TB, id string) *security.PrivateKey {
	t.Helper()
	k, err := security.GenerateKey(security.KeyEd25519, security.NewKeyName(ndn.MustParseName(id)))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func issue(t testing.TB, subject, issuer *security.PrivateKey, nb time.Time, validity time.Duration) *cert.Certificate {
	t.Helper()
	c, err := cert.Issue(subject.Name(), subject.Public(), issuer, cert.Options{NotBefore: nb, Validity: validity})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func newPKI(t testing.TB) *pki {
	p := &pki{root: key(t, "/example"), site: key(t, "/example/site"), user: key(t, "/example/site/alice")}
	var err error
	if p.rootCert, err = cert.SelfSign(p.root, cert.Options{NotBefore: t0.Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}
	p.siteCert = issue(t, p.site, p.root, t0.Add(-time.Hour), 30*24*time.Hour)
	p.userCert = issue(t, p.user, p.site, t0.Add(-time.Hour), 24*time.Hour)
	p.store = map[string]*cert.Certificate{}
	for _, c := range []*cert.Certificate{p.siteCert, p.userCert} {
		p.store[c.KeyName().String()] = c
	}
	return p
}

func (p *pki) Fetch(ctx context.Context, i *ndn.Interest) (*ndn.Data, error) {
	p.fetches.Add(1)
	if !i.CanBePrefix || !i.MustBeFresh {
		return nil, errors.New("certificate Interest lacks CanBePrefix/MustBeFresh")
	}
	for _, c := range p.store {
		if i.Name.IsPrefixOf(c.Name()) {
			var d ndn.Data
			if err := d.Decode(c.Wire()); err != nil {
				return nil, err
			}
			return &d, nil
		}
	}
	return nil, errors.New("timeout")
}

func (p *pki) validator(o trust.Options) *trust.Validator {
	o.Anchors = []*cert.Certificate{p.rootCert}
	if o.Fetcher == nil {
		o.Fetcher = p
	}
	if o.Now == nil {
		o.Now = func() time.Time { return t0 }
	}
	return trust.NewValidator(o)
}

func signed(t testing.TB, name string, s ndn.Signer) *ndn.Data {
	t.Helper()
	d := ndn.Data{Name: ndn.MustParseName(name), Content: []byte("x")}
	w, err := d.SignWith(s)
	if err != nil {
		t.Fatal(err)
	}
	var out ndn.Data
	if err := out.Decode(w); err != nil {
		t.Fatal(err)
	}
	return &out
}

func TestHierarchicalChain(t *testing.T) {
	p := newPKI(t)
	v := p.validator(trust.Options{})
	ctx := context.Background()
	d := signed(t, "/example/site/alice/post/1", p.user)
	if err := v.ValidateData(ctx, d); err != nil {
		t.Fatalf("valid chain rejected: %v", err)
	}
	if n := p.fetches.Load(); n != 2 {
		t.Errorf("%d fetches, want 2 (user and site certificates)", n)
	}
	// The chain is cached now.
	if err := v.ValidateData(ctx, signed(t, "/example/site/alice/post/2", p.user)); err != nil {
		t.Fatal(err)
	}
	if n := p.fetches.Load(); n != 2 {
		t.Errorf("%d fetches after a cached validation, want 2", n)
	}
	// The anchor may sign directly, by key name or by certificate name.
	if err := v.ValidateData(ctx, signed(t, "/example/x", p.root)); err != nil {
		t.Errorf("anchor-signed: %v", err)
	}
	if err := v.ValidateData(ctx, signed(t, "/example/x", p.root.WithKeyLocator(ndn.KeyLocator{Name: p.rootCert.Name()}))); err != nil {
		t.Errorf("anchor-signed by cert name: %v", err)
	}
}

func TestRejections(t *testing.T) {
	ctx := context.Background()
	p := newPKI(t)
	tampered := signed(t, "/example/site/alice/post/1", p.user)
	tamperedWire := append([]byte(nil), tampered.Wire()...)
	// Flip a Content byte: Content "x" is right before SignatureInfo.
	idx := strings.Index(string(tamperedWire), "\x15\x01x")
	tamperedWire[idx+2] = 'y'
	var bad ndn.Data
	if err := bad.Decode(tamperedWire); err != nil {
		t.Fatal(err)
	}

	expiredSite := newPKI(t)
	expiredSite.siteCert = issue(t, expiredSite.site, expiredSite.root, t0.Add(-48*time.Hour), 24*time.Hour)
	expiredSite.store[expiredSite.siteCert.KeyName().String()] = expiredSite.siteCert

	rogue := key(t, "/example/site/alice")
	rogueCert, err := cert.SelfSign(rogue, cert.Options{NotBefore: t0.Add(-time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	selfSigned := newPKI(t)
	selfSigned.store[rogueCert.KeyName().String()] = rogueCert

	tests := []struct {
		name    string
		v       *trust.Validator
		d       *ndn.Data
		want    error
		also    error
		inError string
	}{
		{"tampered content", p.validator(trust.Options{}), &bad, trust.ErrSignature, security.ErrBadSignature, "post/1"},
		{"outside identity", p.validator(trust.Options{}), signed(t, "/example/other/post", p.user), trust.ErrPolicy, nil, "/example/site/alice"},
		{"expired intermediate", expiredSite.validator(trust.Options{}), signed(t, "/example/site/alice/p", expiredSite.user), trust.ErrInvalidCert, cert.ErrExpired, expiredSite.siteCert.Name().String()},
		{"not yet valid", p.validator(trust.Options{Now: func() time.Time { return t0.Add(-2 * time.Hour) }}), signed(t, "/example/site/alice/p", p.user), trust.ErrInvalidCert, cert.ErrNotYetValid, "not yet valid"},
		{"depth limit", p.validator(trust.Options{MaxDepth: 1}), signed(t, "/example/site/alice/p", p.user), trust.ErrDepth, nil, "depth"},
		{"self-signed not anchor", selfSigned.validator(trust.Options{}), signed(t, "/example/site/alice/p", rogue), trust.ErrNoAnchor, nil, rogueCert.Name().String()},
		{"certificate missing", p.validator(trust.Options{}), signed(t, "/example/site/bob/p", key(t, "/example/site/bob")), trust.ErrCertNotFound, nil, "/example/site/bob/KEY"},
		{"no fetcher", trust.NewValidator(trust.Options{Anchors: []*cert.Certificate{p.rootCert}, Now: func() time.Time { return t0 }}), signed(t, "/example/site/alice/p", p.user), trust.ErrCertNotFound, nil, ""},
		{"digest signature", p.validator(trust.Options{}), signed(t, "/example/p", security.DigestSha256{}), trust.ErrNoKeyLocator, nil, "DigestSha256"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.v.ValidateData(ctx, tt.d)
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
			if tt.also != nil && !errors.Is(err, tt.also) {
				t.Errorf("got %v, want it to match %v too", err, tt.also)
			}
			var rej *trust.RejectError
			if !errors.As(err, &rej) {
				t.Fatalf("%T is not a *RejectError", err)
			}
			if !strings.Contains(err.Error(), tt.inError) {
				t.Errorf("error %q does not mention %q", err, tt.inError)
			}
		})
	}
}

func TestSchemaPolicy(t *testing.T) {
	schema, err := trust.ParseSchema(`
# blog: a user signs her own posts; the site signs user keys; the root signs the site key
post: /<site>/blog/<user>/<**>        <= /<site>/user/<user>/KEY/<_>
user: /<site>/user/<user>/KEY/<**>    <= /<site>/KEY/<_>
site: /<site>/KEY/<**>                <= /root/KEY/<_>
`)
	if err != nil {
		t.Fatal(err)
	}
	root, site := key(t, "/root"), key(t, "/news")
	alice, bob := key(t, "/news/user/alice"), key(t, "/news/user/bob")
	rootCert, err := cert.SelfSign(root, cert.Options{NotBefore: t0.Add(-time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	store := map[string]*cert.Certificate{}
	for _, c := range []*cert.Certificate{
		issue(t, site, root, t0.Add(-time.Hour), time.Hour*48),
		issue(t, alice, site, t0.Add(-time.Hour), time.Hour*48),
		issue(t, bob, site, t0.Add(-time.Hour), time.Hour*48),
	} {
		store[c.KeyName().String()] = c
	}
	fetch := trust.FetcherFunc(func(ctx context.Context, i *ndn.Interest) (*ndn.Data, error) {
		c, ok := store[i.Name.String()]
		if !ok {
			return nil, errors.New("timeout")
		}
		return c.Data, nil
	})
	v := trust.NewValidator(trust.Options{Policy: schema, Anchors: []*cert.Certificate{rootCert}, Fetcher: fetch,
		Now: func() time.Time { return t0 }})
	ctx := context.Background()
	if err := v.ValidateData(ctx, signed(t, "/news/blog/alice/2026/hello", alice)); err != nil {
		t.Errorf("alice's post: %v", err)
	}
	err = v.ValidateData(ctx, signed(t, "/news/blog/alice/2026/forged", bob))
	var rej *trust.RejectError
	if !errors.Is(err, trust.ErrPolicy) || !errors.As(err, &rej) || rej.Depth != 0 {
		t.Errorf("bob signing alice's post: %v", err)
	}
	if err := v.ValidateData(ctx, signed(t, "/news/other/x", alice)); !errors.Is(err, trust.ErrPolicy) {
		t.Errorf("name outside every rule: %v", err)
	}
}

func TestPatternMatching(t *testing.T) {
	s, err := trust.ParseSchema(`
exact: /a/b <= /k/KEY/<_>
cap:   /c/<x>/<**> <= /<x>/KEY/<_>
mid:   /m/<**>/end <= /k/KEY/<_>
typed: /v/v=3/seg=0/<_> <= /k/KEY/<_>
`)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		pkt, key string
		rule     string
	}{
		{"/a/b", "/k/KEY/1", "exact"},
		{"/a/b/c", "/k/KEY/1", ""},
		{"/a/b", "/k/KEY/1/self/v=1", "exact"}, // certificate name reduced to key name
		{"/c/alice", "/alice/KEY/9", "cap"},
		{"/c/alice/x/y", "/alice/KEY/9", "cap"},
		{"/c/alice/x", "/bob/KEY/9", ""},
		{"/m/end", "/k/KEY/1", "mid"},
		{"/m/1/2/end", "/k/KEY/1", "mid"},
		{"/m/1/2", "/k/KEY/1", ""},
		{"/v/v=3/seg=0/x", "/k/KEY/1", "typed"},
		{"/v/v=3/seg=1/x", "/k/KEY/1", ""},
		{"/v/3/seg=0/x", "/k/KEY/1", ""}, // v=3 is a typed version, not the generic 3
	}
	for _, tt := range tests {
		rule, err := s.Check(ndn.MustParseName(tt.pkt), ndn.MustParseName(tt.key))
		if rule != tt.rule || (tt.rule == "") != errors.Is(err, trust.ErrPolicy) {
			t.Errorf("Check(%s, %s) = %q, %v; want %q", tt.pkt, tt.key, rule, err, tt.rule)
		}
	}
	for _, bad := range []string{"", "x: /a", "x: a <= /b", "x: /a <= /<b c>", ": /a <= /b", "x: /a//b <= /c", "x: /v=x <= /c"} {
		if _, err := trust.ParseSchema(bad); !errors.Is(err, trust.ErrSchema) {
			t.Errorf("ParseSchema(%q): %v", bad, err)
		}
	}
}

func TestValidateInterest(t *testing.T) {
	p := newPKI(t)
	rc := security.NewReplayChecker(security.ReplayOptions{Now: func() time.Time { return t0 }})
	v := p.validator(trust.Options{Replay: rc})
	ctx := context.Background()
	for _, v02 := range []bool{false, true} {
		i := ndn.Interest{Name: ndn.MustParseName("/example/site/alice/cmd")}
		o := security.InterestSignOptions{Time: t0}
		if v02 {
			o.Time = t0.Add(time.Millisecond)
			_, err := security.SignInterestV02(&i, p.user, o)
			if err != nil {
				t.Fatal(err)
			}
		} else if _, err := security.SignInterest(&i, p.user, o); err != nil {
			t.Fatal(err)
		}
		var j ndn.Interest
		if err := j.Decode(i.Wire()); err != nil {
			t.Fatal(err)
		}
		if _, err := v.ValidateInterest(ctx, &j); err != nil {
			t.Fatalf("v02=%v: %v", v02, err)
		}
		if _, err := v.ValidateInterest(ctx, &j); !errors.Is(err, security.ErrReplay) {
			t.Errorf("v02=%v replay: %v", v02, err)
		}
	}
}

func TestAcceptDigest(t *testing.T) {
	p := newPKI(t)
	v := p.validator(trust.Options{AcceptDigest: true})
	d := signed(t, "/anything", security.DigestSha256{})
	if err := v.ValidateData(context.Background(), d); err != nil {
		t.Errorf("digest-signed Data with AcceptDigest: %v", err)
	}
	w := append([]byte(nil), d.Wire()...)
	w[len(w)-1] ^= 1
	var bad ndn.Data
	if err := bad.Decode(w); err != nil {
		t.Fatal(err)
	}
	if err := v.ValidateData(context.Background(), &bad); !errors.Is(err, trust.ErrSignature) {
		t.Errorf("wrong digest with AcceptDigest: %v", err)
	}
}

// TestVerifiedCache checks that a certificate whose chain reached the anchor
// is trusted for VerifiedLifetime without walking the chain again, and that
// AddCert saves fetches without being trusted.
func TestVerifiedCache(t *testing.T) {
	p := newPKI(t)
	// The site certificate expires 2 h after t0; alice's lasts 23 h more.
	p.siteCert = issue(t, p.site, p.root, t0.Add(-time.Hour), 3*time.Hour)
	p.store[p.siteCert.KeyName().String()] = p.siteCert
	now := t0
	v := p.validator(trust.Options{VerifiedLifetime: 2 * time.Hour, Now: func() time.Time { return now }})
	ctx := context.Background()
	if err := v.ValidateData(ctx, signed(t, "/example/site/alice/1", p.user)); err != nil {
		t.Fatal(err)
	}
	now = t0.Add(150 * time.Minute) // site certificate expired, alice's verified 2.5 h ago
	if err := v.ValidateData(ctx, signed(t, "/example/site/alice/2", p.user)); !errors.Is(err, cert.ErrExpired) {
		t.Errorf("after VerifiedLifetime the chain is walked again and the expired site certificate found: %v", err)
	}
	v = p.validator(trust.Options{VerifiedLifetime: 3 * time.Hour, Now: func() time.Time { return now }})
	now = t0
	if err := v.ValidateData(ctx, signed(t, "/example/site/alice/1", p.user)); err != nil {
		t.Fatal(err)
	}
	now = t0.Add(150 * time.Minute)
	if err := v.ValidateData(ctx, signed(t, "/example/site/alice/2", p.user)); err != nil {
		t.Errorf("within VerifiedLifetime alice's certificate is trusted: %v", err)
	}

	// AddCert: no fetch needed, but the chain is still checked.
	q := newPKI(t)
	noFetch := trust.FetcherFunc(func(context.Context, *ndn.Interest) (*ndn.Data, error) {
		return nil, errors.New("no network")
	})
	v = q.validator(trust.Options{Fetcher: noFetch})
	v.AddCert(q.userCert)
	v.AddCert(q.siteCert)
	if err := v.ValidateData(ctx, signed(t, "/example/site/alice/1", q.user)); err != nil {
		t.Errorf("with AddCert certificates: %v", err)
	}
	rogue := key(t, "/example/site/mallory")
	v = q.validator(trust.Options{Fetcher: noFetch})
	v.AddCert(issue(t, rogue, rogue, t0.Add(-time.Hour), time.Hour*2))
	if err := v.ValidateData(ctx, signed(t, "/example/site/mallory/1", rogue)); !errors.Is(err, trust.ErrNoAnchor) {
		t.Errorf("AddCert of a self-signed certificate made it trusted: %v", err)
	}
}

// BenchmarkValidateData validates Ed25519 Data signed by a key two levels
// below the anchor, with the chain cached and verified.
func BenchmarkValidateData(b *testing.B) {
	p := newPKI(b)
	v := p.validator(trust.Options{})
	d := signed(b, "/example/site/alice/post/1", p.user)
	ctx := context.Background()
	if err := v.ValidateData(ctx, d); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := v.ValidateData(ctx, d); err != nil {
			b.Fatal(err)
		}
	}
}
