package video

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/ndnflow/ndnflow/app"
	"github.com/ndnflow/ndnflow/ndn"
	"github.com/ndnflow/ndnflow/tlv"
)

// RDR metadata of the files a Publisher serves: /<file name>/32=metadata
// answered with /<file name>/32=metadata/v=<ms>/seg=0, whose Content is
// the Name TLV of the newest versioned name (as NDNts @ndn/rdr and ndnd
// read it), then for an encrypted file a TtKeyID element.

// TtKeyID is the RDR metadata extension (after the Name) that carries the
// key id of an encrypted object. 200 lies in the application range and is
// even, so consumers that do not know it ignore it.
const TtKeyID = 200

// Discover asks for name's RDR metadata and returns the versioned name it
// announces and the TtKeyID extension, if any. An application Nack from the
// producer is ErrNotFound.
func Discover(ctx context.Context, c *app.Client, name ndn.Name, lifetime time.Duration, opts app.ExpressOptions) (ndn.Name, []byte, error) {
	in := &ndn.Interest{Name: name.Append(ndn.KeywordComponent("metadata")), CanBePrefix: true, MustBeFresh: true, Lifetime: lifetime}
	d, err := c.Express(ctx, in, opts)
	if err != nil {
		return ndn.Name{}, nil, err
	}
	if d.ContentType == ndn.ContentNack {
		return ndn.Name{}, nil, fmt.Errorf("%w: %s (the producer answered with an application Nack)", ErrNotFound, name)
	}
	return ParseMetadata(name, d.Content)
}

// ParseMetadata decodes RDR metadata Content: the versioned name, which
// must be name plus a version component, and the optional TtKeyID element.
func ParseMetadata(name ndn.Name, content []byte) (ndn.Name, []byte, error) {
	dec := tlv.NewDecoder(content)
	var versioned ndn.Name
	var keyID []byte
	first := true
	for dec.Next() {
		e := dec.Element()
		switch {
		case first:
			if e.Type != ndn.TtName {
				return ndn.Name{}, nil, fmt.Errorf("video: metadata of %s does not start with a Name", name)
			}
			n, err := ndn.NameFromValue(e.Value)
			if err != nil {
				return ndn.Name{}, nil, fmt.Errorf("video: metadata of %s: %w", name, err)
			}
			versioned = n.Clone()
		case e.Type == TtKeyID:
			keyID = bytes.Clone(e.Value)
		case tlv.IsCritical(e.Type):
			return ndn.Name{}, nil, fmt.Errorf("video: metadata of %s has unknown critical element %d", name, e.Type)
		}
		first = false
	}
	if err := dec.Err(); err != nil {
		return ndn.Name{}, nil, fmt.Errorf("video: metadata of %s: %w", name, err)
	}
	if first {
		return ndn.Name{}, nil, fmt.Errorf("video: metadata of %s is empty", name)
	}
	if versioned.Len() != name.Len()+1 || !name.IsPrefixOf(versioned) || versioned.At(-1).Type != ndn.TtVersionNameComponent {
		return ndn.Name{}, nil, fmt.Errorf("video: metadata of %s announces %s, not %s/v=<version>", name, versioned, name)
	}
	return versioned, keyID, nil
}

// metadata returns the RDR metadata of the file or catalog named target,
// or an application Nack when there is no such file.
func (p *Publisher) metadata(target ndn.Name) *ndn.Data {
	d := &ndn.Data{
		Name:      target.Append(ndn.KeywordComponent("metadata"), ndn.VersionComponent(uint64(time.Now().UnixMilli())), ndn.SegmentComponent(0)),
		Freshness: time.Millisecond,
	}
	p.mu.RLock()
	f := p.files[string(target.Value())]
	var versioned ndn.Name
	var keyID []byte
	if f != nil {
		versioned, keyID = f.latest().versioned, f.keyID
	}
	p.mu.RUnlock()
	if f == nil {
		d.ContentType = ndn.ContentNack
		d.Freshness = 100 * time.Millisecond
		d.Content = []byte{}
		return d
	}
	d.Content = versioned.AppendTLV(nil)
	if keyID != nil {
		d.Content = tlv.AppendElement(d.Content, TtKeyID, keyID)
	}
	return d
}
