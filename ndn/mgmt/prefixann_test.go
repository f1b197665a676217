package mgmt_test

import (
	"crypto/sha256"
	"errors"
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/ndn"
	"github.com/ndnflow/ndnflow/ndn/mgmt"
	"github.com/ndnflow/ndnflow/tlv"
)

type digestSigner struct{}

func (digestSigner) SigType() ndn.SigType       { return ndn.SigDigestSha256 }
func (digestSigner) KeyLocator() ndn.KeyLocator { return ndn.KeyLocator{} }
func (digestSigner) Sign(p []byte) ([]byte, error) {
	d := sha256.Sum256(p)
	return d[:], nil
}

func signedPA(t *testing.T, a *mgmt.PrefixAnn) []byte {
	t.Helper()
	w, err := a.Data().SignWith(digestSigner{})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func TestPrefixAnnRoundTrip(t *testing.T) {
	nb := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, a := range []mgmt.PrefixAnn{
		{Announced: name("/example"), Version: 1700000000000, ExpirationPeriod: time.Hour},
		{Announced: name("/a/b"), Version: 3, ExpirationPeriod: 10 * time.Second, NotBefore: nb, NotAfter: nb.Add(24 * time.Hour)},
	} {
		wire := signedPA(t, &a)
		var d ndn.Data
		if err := d.Decode(wire); err != nil {
			t.Fatal(err)
		}
		if d.ContentType != 5 || d.Name.String() != a.Announced.String()+"/32=PA/v="+itoa(a.Version)+"/seg=0" {
			t.Fatalf("Data %s type %d", d.Name, d.ContentType)
		}
		got, err := mgmt.DecodePrefixAnn(&d)
		if err != nil {
			t.Fatal(err)
		}
		if !got.Announced.Equal(a.Announced) || got.Version != a.Version || got.ExpirationPeriod != a.ExpirationPeriod ||
			!got.NotBefore.Equal(a.NotBefore) || !got.NotAfter.Equal(a.NotAfter) {
			t.Fatalf("got %+v want %+v", got, a)
		}
		// As carried by rib/announce: the Data inside ApplicationParameters.
		pd, pa, err := mgmt.DecodeAnnounceParams(wire)
		if err != nil || !pa.Announced.Equal(a.Announced) || string(pd.Wire()) != string(wire) {
			t.Fatalf("DecodeAnnounceParams: %v", err)
		}
	}
}

func TestPrefixAnnContentVector(t *testing.T) {
	nb := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	a := mgmt.PrefixAnn{ExpirationPeriod: 10 * time.Second, NotBefore: nb, NotAfter: nb}
	checkBytes(t, "content", a.AppendContent(nil), unhex(t, `6d02 2710 fd00fd 26 fd00fe 0f "20260102T030405" fd00ff 0f "20260102T030405"`))
	var b mgmt.PrefixAnn
	tests := []struct {
		hex  string
		want error
	}{
		{"", mgmt.ErrNotPrefixAnn},
		{`fd00fd 00`, tlv.ErrTruncated},
		{"6d03 000001", tlv.ErrNNI},
		{"8001 00", mgmt.ErrMissing},
		{"6d01 00 8101 00", tlv.ErrCritical},
		{`6d01 00 fd00fd 26 fd00fe 0f "20261302T030405" fd00ff 0f "20260102T030405"`, ndn.ErrTime},
	}
	for _, tt := range tests {
		if err := b.DecodeContent(unhex(t, tt.hex)); !errors.Is(err, tt.want) {
			t.Errorf("%s: err = %v, want %v", tt.hex, err, tt.want)
		}
	}
	// Unknown non-critical elements are ignored.
	if err := b.DecodeContent(unhex(t, "8001 00 6d01 05")); err != nil || b.ExpirationPeriod != 5*time.Millisecond {
		t.Errorf("non-critical: %v %v", err, b.ExpirationPeriod)
	}
}

func TestPrefixAnnNameChecks(t *testing.T) {
	good := mgmt.PrefixAnn{Announced: name("/p"), Version: 1, ExpirationPeriod: time.Second}
	mk := func(n ndn.Name, ct uint64) *ndn.Data {
		return &ndn.Data{Name: n, ContentType: ct, Content: good.AppendContent(nil)}
	}
	marker := ndn.Component{Type: 8, Value: []byte{0xFD, 0x01}}
	markerSeg := ndn.Component{Type: 8, Value: []byte{0x00, 0x00}}
	tests := []struct {
		d  *ndn.Data
		ok bool
	}{
		{mk(good.Name(), 5), true},
		{mk(name("/p").Append(ndn.KeywordComponent("PA"), marker, markerSeg), 5), true},
		{mk(good.Name(), 0), false},
		{mk(name("/p/PA/v=1/seg=0"), 5), false},
		{mk(name("/p/32=PA/v=1/seg=1"), 5), false},
		{mk(name("/p/32=PA/v=1"), 5), false},
		{mk(name("/32=PA/v=1/seg=0"), 5), true},
	}
	for _, tt := range tests {
		_, err := mgmt.DecodePrefixAnn(tt.d)
		if (err == nil) != tt.ok {
			t.Errorf("%s type %d: err = %v", tt.d.Name, tt.d.ContentType, err)
		}
	}
	if _, _, err := mgmt.DecodeAnnounceParams(unhex(t, "8000")); !errors.Is(err, mgmt.ErrMissing) {
		t.Errorf("no Data: %v", err)
	}
}

func TestPrefixAnnRoute(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	a := mgmt.PrefixAnn{Announced: name("/p"), ExpirationPeriod: time.Hour}
	if got := a.ExpiresAt(now); !got.Equal(now.Add(time.Hour)) {
		t.Errorf("ExpiresAt %v", got)
	}
	a.NotBefore, a.NotAfter = now.Add(-time.Hour), now.Add(time.Minute)
	if got := a.ExpiresAt(now); !got.Equal(now.Add(time.Minute)) {
		t.Errorf("ExpiresAt with NotAfter %v", got)
	}
	p := a.AnnounceRoute(300, now)
	checkBytes(t, "rib/announce response", p.Encode(),
		unhex(t, "6817 0703 080170 6902012c 6f0181 6a020800 6c0101 6d02ea60"))
}

func itoa(v uint64) string {
	if v == 0 {
		return "0"
	}
	var b []byte
	for ; v > 0; v /= 10 {
		b = append([]byte{byte('0' + v%10)}, b...)
	}
	return string(b)
}
