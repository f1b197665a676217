// Package rdr implements Realtime Data Retrieval version discovery as NDNts
// @ndn/rdr and ndnd do: a consumer asks for /<prefix>/32=metadata with
// CanBePrefix and MustBeFresh; the producer answers with a Data named
// /<prefix>/32=metadata/v=<ms>/seg=0 whose Content is the Name TLV of the
// latest versioned name (/<prefix>/v=<version>). Elements after the Name are
// extensions and ignored.
package rdr

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ndnflow/ndnflow/app"
	"github.com/ndnflow/ndnflow/ndn"
	"github.com/ndnflow/ndnflow/tlv"
)

// ErrMetadata means a metadata packet's Content holds no usable Name, or
// the Name is not under the prefix that was asked for.
var ErrMetadata = errors.New("rdr: bad metadata packet")

// Keyword is the 32=metadata component.
func Keyword() ndn.Component { return ndn.KeywordComponent("metadata") }

// MetadataName returns /<prefix>/32=metadata.
func MetadataName(prefix ndn.Name) ndn.Name { return prefix.Append(Keyword()) }

// IsMetadataInterest reports whether an Interest name is prefix/32=metadata.
func IsMetadataInterest(prefix, name ndn.Name) bool {
	return name.Len() == prefix.Len()+1 && prefix.IsPrefixOf(name) && name.At(-1).Equal(Keyword())
}

// MakeMetadata returns an unsigned metadata Data announcing versioned
// (whose prefix it is named under: versioned minus its last component)
// with the given FreshnessPeriod (NDNts uses 1 ms).
func MakeMetadata(versioned ndn.Name, freshness time.Duration) *ndn.Data {
	prefix := versioned.Prefix(-1)
	return &ndn.Data{
		Name:      MetadataName(prefix).Append(ndn.VersionComponent(uint64(time.Now().UnixMilli())), ndn.SegmentComponent(0)),
		Freshness: freshness,
		Content:   versioned.AppendTLV(nil),
	}
}

// ParseMetadata returns the versioned name a metadata Data announces.
func ParseMetadata(d *ndn.Data) (ndn.Name, error) {
	e, _, err := tlv.ReadElement(d.Content)
	if err != nil || e.Type != ndn.TtName {
		return ndn.Name{}, fmt.Errorf("%w: content is not a Name", ErrMetadata)
	}
	n, err := ndn.NameFromValue(e.Value)
	if err != nil {
		return ndn.Name{}, fmt.Errorf("%w: %w", ErrMetadata, err)
	}
	return n.Clone(), nil
}

// Discover asks for prefix's metadata and returns the versioned name,
// which must be prefix plus one version component.
func Discover(ctx context.Context, c *app.Client, prefix ndn.Name, opts app.ExpressOptions) (ndn.Name, error) {
	in := &ndn.Interest{Name: MetadataName(prefix), CanBePrefix: true, MustBeFresh: true}
	d, err := c.Express(ctx, in, opts)
	if err != nil {
		return ndn.Name{}, err
	}
	n, err := ParseMetadata(d)
	if err != nil {
		return ndn.Name{}, err
	}
	if n.Len() != prefix.Len()+1 || !prefix.IsPrefixOf(n) || n.At(-1).Type != ndn.TtVersionNameComponent {
		return ndn.Name{}, fmt.Errorf("%w: %s is not %s/v=<version>", ErrMetadata, n, prefix)
	}
	return n, nil
}
