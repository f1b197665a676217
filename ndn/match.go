package ndn

import "bytes"

// MatchesData reports whether d satisfies i (ndn-protocols.md §1.5, as
// ndn-cxx Interest::matchesData): an Interest name one component longer than
// the Data name must end with the Data's implicit digest; otherwise the names
// must be equal, or with CanBePrefix the Interest name must be a prefix.
// MustBeFresh is not considered. It may compute d's implicit digest.
func (i *Interest) MatchesData(d *Data) bool {
	iv, dv := i.Name.Value(), d.Name.Value()
	if len(iv) > len(dv) {
		// Only a full-name match can be longer than the Data name.
		last := i.Name.At(-1)
		if last.Type != TtImplicitSha256DigestComponent {
			return false
		}
		prefix := i.Name.Prefix(-1)
		if !prefix.Equal(d.Name) {
			return false
		}
		dg := d.Digest()
		return bytes.Equal(last.Value, dg[:])
	}
	if i.CanBePrefix {
		return i.Name.IsPrefixOf(d.Name)
	}
	return bytes.Equal(iv, dv)
}

// Nack is a network Nack: an Interest returned with a reason. On the wire it
// is an LpPacket whose Nack header carries the reason and whose Fragment is
// the Interest.
type Nack struct {
	Reason   NackReason
	Interest *Interest
}
