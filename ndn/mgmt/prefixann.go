package mgmt

import (
	"fmt"
	"time"

	"github.com/ndnflow/ndnflow/ndn"
	"github.com/ndnflow/ndnflow/tlv"
)

// PrefixAnn is a Prefix Announcement object (ndn-protocols.md §1.9): a Data
// named /<Announced>/32=PA/v=<Version>/seg=0 with ContentType PrefixAnn (5)
// and Content ExpirationPeriod [ValidityPeriod].
type PrefixAnn struct {
	Announced ndn.Name
	Version   uint64
	// ExpirationPeriod travels in milliseconds.
	ExpirationPeriod time.Duration
	// NotBefore and NotAfter are the optional ValidityPeriod (second
	// precision, UTC); both zero means none.
	NotBefore, NotAfter time.Time
}

// Prefix announcement constants: the keyword component, the route NFD
// installs (origin prefixann, cost 2048, CHILD_INHERIT).
const (
	PrefixAnnKeyword = "PA"
	PrefixAnnCost    = 2048
	PrefixAnnFlags   = RouteChildInherit
)

// HasValidity reports whether the announcement carries a ValidityPeriod.
func (a *PrefixAnn) HasValidity() bool { return !a.NotBefore.IsZero() || !a.NotAfter.IsZero() }

// Name returns /<Announced>/32=PA/v=<Version>/seg=0.
func (a *PrefixAnn) Name() ndn.Name {
	return a.Announced.Append(ndn.KeywordComponent(PrefixAnnKeyword), ndn.VersionComponent(a.Version), ndn.SegmentComponent(0))
}

const vpTimeLen = 15 // YYYYMMDDThhmmss

func vpValueLen() int { return 2 * tlv.ElementLen(ndn.TtNotBefore, vpTimeLen) }

// AppendContent appends the Content value (ExpirationPeriod, then
// ValidityPeriod if any) to dst.
func (a *PrefixAnn) AppendContent(dst []byte) []byte {
	dst = tlv.AppendNNIElement(dst, TtExpirationPeriod, durationMs(a.ExpirationPeriod))
	if a.HasValidity() {
		dst = tlv.AppendTL(dst, ndn.TtValidityPeriod, vpValueLen())
		dst = tlv.AppendTL(dst, ndn.TtNotBefore, vpTimeLen)
		dst = a.NotBefore.UTC().AppendFormat(dst, "20060102T150405")
		dst = tlv.AppendTL(dst, ndn.TtNotAfter, vpTimeLen)
		dst = a.NotAfter.UTC().AppendFormat(dst, "20060102T150405")
	}
	return dst
}

// Data returns the unsigned Data of the announcement; sign it (for example
// with Data.SignWith) before sending it in a rib/announce command.
func (a *PrefixAnn) Data() *ndn.Data {
	return &ndn.Data{Name: a.Name(), ContentType: ndn.ContentPrefixAnn, Content: a.AppendContent(nil)}
}

// DecodeContent decodes a Prefix Announcement Content value into a's
// ExpirationPeriod and ValidityPeriod. ExpirationPeriod is required; unknown
// critical elements are an error, unknown non-critical ones are ignored.
func (a *PrefixAnn) DecodeContent(content []byte) error {
	a.ExpirationPeriod, a.NotBefore, a.NotAfter = 0, time.Time{}, time.Time{}
	if len(content) == 0 {
		return fmt.Errorf("%w: empty content", ErrNotPrefixAnn)
	}
	d := tlv.NewDecoder(content)
	haveExp := false
	for d.Next() {
		e := d.Element()
		switch e.Type {
		case TtExpirationPeriod:
			ms, err := nni(e, "PrefixAnn ExpirationPeriod")
			if err != nil {
				return err
			}
			if !haveExp {
				a.ExpirationPeriod, haveExp = msToDuration(ms), true
			}
		case ndn.TtValidityPeriod:
			if a.HasValidity() {
				continue
			}
			if err := a.decodeValidity(e.Value); err != nil {
				return err
			}
		default:
			if tlv.IsCritical(e.Type) {
				return fmt.Errorf("PrefixAnn element %d: %w", e.Type, tlv.ErrCritical)
			}
		}
	}
	if err := d.Err(); err != nil {
		return fmt.Errorf("PrefixAnn: %w", err)
	}
	if !haveExp {
		return fmt.Errorf("PrefixAnn: ExpirationPeriod: %w", ErrMissing)
	}
	return nil
}

func (a *PrefixAnn) decodeValidity(v []byte) error {
	nb, n, err := tlv.ReadElement(v)
	if err != nil {
		return fmt.Errorf("PrefixAnn ValidityPeriod: %w", err)
	}
	na, _, err := tlv.ReadElement(v[n:])
	if err != nil {
		return fmt.Errorf("PrefixAnn ValidityPeriod: %w", err)
	}
	if nb.Type != ndn.TtNotBefore || na.Type != ndn.TtNotAfter {
		return fmt.Errorf("PrefixAnn ValidityPeriod: %w", ndn.ErrTime)
	}
	if a.NotBefore, err = parseVPTime(nb.Value); err != nil {
		return err
	}
	a.NotAfter, err = parseVPTime(na.Value)
	return err
}

func parseVPTime(b []byte) (time.Time, error) {
	if len(b) != vpTimeLen {
		return time.Time{}, fmt.Errorf("PrefixAnn ValidityPeriod time %q: %w", b, ndn.ErrTime)
	}
	t, err := time.Parse("20060102T150405", string(b))
	if err != nil {
		return time.Time{}, fmt.Errorf("PrefixAnn ValidityPeriod time %q: %w", b, ndn.ErrTime)
	}
	return t, nil
}

// DecodePrefixAnn interprets a Data packet as a Prefix Announcement: its
// name must end with 32=PA, a version and segment 0 (typed or marker form),
// its ContentType must be PrefixAnn and its Content well-formed. The
// signature is not checked. Announced aliases d's name.
func DecodePrefixAnn(d *ndn.Data) (PrefixAnn, error) {
	var a PrefixAnn
	n := d.Name.Len()
	if n < 3 {
		return a, fmt.Errorf("%w: name %s too short", ErrNotPrefixAnn, d.Name)
	}
	kw := d.Name.At(-3)
	ver, okV := VersionOf(d.Name.At(-2))
	seg, okS := SegmentOf(d.Name.At(-1))
	if kw.Type != ndn.TtKeywordNameComponent || string(kw.Value) != PrefixAnnKeyword || !okV || !okS || seg != 0 {
		return a, fmt.Errorf("%w: wrong name structure %s", ErrNotPrefixAnn, d.Name)
	}
	if d.ContentType != ndn.ContentPrefixAnn {
		return a, fmt.Errorf("%w: ContentType is %d", ErrNotPrefixAnn, d.ContentType)
	}
	a.Announced, a.Version = d.Name.Prefix(-3), ver
	if err := a.DecodeContent(d.Content); err != nil {
		return PrefixAnn{}, err
	}
	return a, nil
}

// ExpiresAt returns when the route NFD installs for the announcement
// expires, if received at now: now + ExpirationPeriod, or NotAfter if that
// is earlier.
func (a *PrefixAnn) ExpiresAt(now time.Time) time.Time {
	t := now.Add(a.ExpirationPeriod)
	if a.HasValidity() && a.NotAfter.Before(t) {
		t = a.NotAfter
	}
	return t
}

// DecodeAnnounceParams finds the Prefix Announcement Data in the
// ApplicationParameters value of a rib/announce command (the first Data
// element, as ndn-cxx looks for it) and decodes it. The returned Data keeps
// its wire for signature verification.
func DecodeAnnounceParams(appParams []byte) (*ndn.Data, PrefixAnn, error) {
	d := tlv.NewDecoder(appParams)
	for d.Next() {
		e := d.Element()
		if e.Type != ndn.TtData {
			continue
		}
		var data ndn.Data
		if err := data.Decode(e.Wire); err != nil {
			return nil, PrefixAnn{}, fmt.Errorf("rib/announce: %w", err)
		}
		a, err := DecodePrefixAnn(&data)
		return &data, a, err
	}
	if err := d.Err(); err != nil {
		return nil, PrefixAnn{}, fmt.Errorf("rib/announce: %w", err)
	}
	return nil, PrefixAnn{}, fmt.Errorf("rib/announce: missing prefix announcement: %w", ErrMissing)
}

// AnnounceRoute returns the effective parameters NFD answers a successful
// rib/announce with: Name, FaceId, Origin prefixann, Cost 2048,
// CHILD_INHERIT and the ExpirationPeriod left at now.
func (a *PrefixAnn) AnnounceRoute(faceID uint64, now time.Time) ControlParameters {
	exp := a.ExpiresAt(now).Sub(now)
	if exp < 0 {
		exp = 0
	}
	return ControlParameters{
		Name: a.Announced, HasName: true, FaceID: faceID, HasFaceID: true,
		Origin: OriginPrefixAnn, HasOrigin: true, Cost: PrefixAnnCost, HasCost: true,
		Flags: PrefixAnnFlags, HasFlags: true, ExpirationPeriod: exp, HasExpirationPeriod: true,
	}
}
