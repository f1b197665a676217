package rdr_test

import (
	"errors"
	"testing"

	"github.com/ndnflow/ndnflow/app/rdr"
	"github.com/ndnflow/ndnflow/ndn"
)

func TestMetadata(t *testing.T) {
	v := ndn.MustParseName("/a/b/v=7")
	d := rdr.MakeMetadata(v, 0)
	if !rdr.IsMetadataInterest(ndn.MustParseName("/a/b"), d.Name.Prefix(-2)) {
		t.Fatalf("metadata Data name %s is not under /a/b/32=metadata", d.Name)
	}
	if d.Name.At(-1).Type != ndn.TtSegmentNameComponent || d.Name.At(-2).Type != ndn.TtVersionNameComponent {
		t.Errorf("name %s does not end with v=/seg=", d.Name)
	}
	got, err := rdr.ParseMetadata(d)
	if err != nil || !got.Equal(v) {
		t.Fatalf("ParseMetadata = %s, %v", got, err)
	}
	// Content 07 06 08 01 61 36 01 07: Name /a/v=7, then an extension.
	d2 := &ndn.Data{Content: []byte{0x07, 0x06, 0x08, 0x01, 0x61, 0x36, 0x01, 0x07, 0xC0, 0x00}}
	if got, err := rdr.ParseMetadata(d2); err != nil || got.String() != "/a/v=7" {
		t.Errorf("with extension: %s %v", got, err)
	}
	for _, bad := range [][]byte{nil, {0x08, 0x01, 0x61}, {0x07, 0x03, 0x08, 0x05}} {
		if _, err := rdr.ParseMetadata(&ndn.Data{Content: bad}); !errors.Is(err, rdr.ErrMetadata) {
			t.Errorf("content %x: err %v, want ErrMetadata", bad, err)
		}
	}
}

func FuzzParseMetadata(f *testing.F) {
	f.Add([]byte{0x07, 0x06, 0x08, 0x01, 0x61, 0x36, 0x01, 0x07})
	f.Add([]byte{0x07, 0x00})
	f.Fuzz(func(t *testing.T, content []byte) {
		n, err := rdr.ParseMetadata(&ndn.Data{Content: content})
		if err == nil {
			// A parsed name survives a round trip through a metadata packet.
			back, err := rdr.ParseMetadata(&ndn.Data{Content: n.AppendTLV(nil)})
			if err != nil || !back.Equal(n) {
				t.Fatalf("name %s from %x does not round-trip: %s %v", n, content, back, err)
			}
		}
	})
}
