package mgmt

import (
	"errors"
	"fmt"
	"time"

	"github.com/ndnflow/ndnflow/ndn"
	"github.com/ndnflow/ndnflow/tlv"
)

// Legacy naming-convention markers (ndn-protocols.md §2.1).
const (
	markerSegment = 0x00
	markerVersion = 0xFD
)

// numberWithMarker decodes a GenericNameComponent holding marker + NNI.
func numberWithMarker(c ndn.Component, marker byte) (uint64, bool) {
	if c.Type != ndn.TtGenericNameComponent || len(c.Value) < 2 || c.Value[0] != marker {
		return 0, false
	}
	v, err := tlv.DecodeNNI(c.Value[1:])
	return v, err == nil
}

// VersionOf returns the version in a typed version component (v=, 0x36) or a
// legacy marker component (0xFD + NNI).
func VersionOf(c ndn.Component) (uint64, bool) {
	if c.Type == ndn.TtVersionNameComponent {
		return c.Number()
	}
	return numberWithMarker(c, markerVersion)
}

// SegmentOf returns the segment number in a typed segment component (seg=,
// 0x32) or a legacy marker component (0x00 + NNI).
func SegmentOf(c ndn.Component) (uint64, bool) {
	if c.Type == ndn.TtSegmentNameComponent {
		return c.Number()
	}
	return numberWithMarker(c, markerSegment)
}

// Segment splits a dataset payload into chunks of at most maxSeg octets
// (maxSeg <= 0 means MaxSegmentPayload, 8000). It always returns at least
// one chunk, empty for an empty payload. Chunks alias payload.
func Segment(payload []byte, maxSeg int) [][]byte {
	if maxSeg <= 0 {
		maxSeg = MaxSegmentPayload
	}
	n := max(1, (len(payload)+maxSeg-1)/maxSeg)
	out := make([][]byte, 0, n)
	for i := range n {
		end := min(len(payload), (i+1)*maxSeg)
		out = append(out, payload[i*maxSeg:end:end])
	}
	return out
}

// DatasetFreshness is the FreshnessPeriod of dataset segments and command
// responses.
const DatasetFreshness = time.Second

// DatasetVersion returns the version NFD gives a dataset generated at t:
// milliseconds since the Unix epoch.
func DatasetVersion(t time.Time) uint64 { return uint64(max(t.UnixMilli(), 0)) }

// DatasetData returns the unsigned Data segments of a status dataset, as
// ndn-cxx's StatusDatasetContext makes them: names datasetName/v=version/seg=i
// (typed components), Content = the i-th chunk of Segment(payload, maxSeg),
// FreshnessPeriod 1 s, and FinalBlockId on the last segment only. The
// caller signs each one and sends it with CachePolicy NO_CACHE. Content
// aliases payload.
func DatasetData(datasetName ndn.Name, version uint64, payload []byte, maxSeg int) []ndn.Data {
	chunks := Segment(payload, maxSeg)
	base := datasetName.Append(ndn.VersionComponent(version))
	out := make([]ndn.Data, len(chunks))
	last := uint64(len(chunks) - 1)
	for i, c := range chunks {
		d := &out[i]
		d.Name = base.Append(ndn.SegmentComponent(uint64(i)))
		d.Freshness = DatasetFreshness
		if c == nil {
			c = []byte{}
		}
		d.Content = c
		if uint64(i) == last {
			d.FinalBlock = ndn.SegmentComponent(last)
		}
	}
	return out
}

// RejectError is returned by Assembler.Add when the producer answered with a
// NACK Data (ContentType 3) carrying a ControlResponse, such as
// "400 Malformed filter".
type RejectError struct {
	Response ControlResponse
}

// Error returns the response's status code and text.
func (e *RejectError) Error() string {
	return fmt.Sprintf("mgmt: dataset request rejected: %d %s", e.Response.Code, e.Response.Text)
}

// Assembler reassembles a segmented status dataset on the consumer side. It
// accepts typed and marker-based version and segment components. Feed it
// the reply to the first Interest (the dataset name with CanBePrefix and
// MustBeFresh), then request NextName until Add reports done. The zero value
// is not usable; use NewAssembler. An Assembler is not safe for concurrent use.
type Assembler struct {
	prefix     ndn.Name
	version    uint64
	hasVersion bool
	next       uint64
	payload    []byte
	done       bool
	// markerVer and markerSeg remember that the producer used the legacy
	// marker form, which NextName then uses too.
	markerVer, markerSeg bool
}

// NewAssembler returns an Assembler for the dataset named datasetName
// (without version or segment), for example /localhost/nfd/faces/list.
func NewAssembler(datasetName ndn.Name) *Assembler {
	return &Assembler{prefix: datasetName}
}

// Add adds the next segment. Segments must come in order: a segment other
// than the one NextName asks for is an ErrSegment error, except for the
// first Data, whose version is adopted even when it is not segment 0 (it is
// then not consumed and NextName asks for segment 0). done is true after the
// segment whose number equals its FinalBlockId. A NACK Data returns a
// *RejectError. The payload copies the Content, so d may be reused.
func (a *Assembler) Add(d *ndn.Data) (done bool, err error) {
	if a.done {
		return true, nil
	}
	if d.ContentType == ndn.ContentNack {
		var r ControlResponse
		if err := r.Decode(d.Content); err != nil {
			return false, fmt.Errorf("%w: NACK content: %w", ErrSegment, err)
		}
		return false, &RejectError{Response: r}
	}
	k := a.prefix.Len()
	if !a.prefix.IsPrefixOf(d.Name) || d.Name.Len() != k+2 {
		return false, fmt.Errorf("%w: %s is not %s/<version>/<segment>", ErrSegment, d.Name, a.prefix)
	}
	ver, okV := VersionOf(d.Name.At(k))
	seg, okS := SegmentOf(d.Name.At(k + 1))
	if !okV || !okS {
		return false, fmt.Errorf("%w: %s lacks version or segment", ErrSegment, d.Name)
	}
	if !a.hasVersion {
		a.version, a.hasVersion = ver, true
		a.markerVer = d.Name.At(k).Type == ndn.TtGenericNameComponent
		a.markerSeg = d.Name.At(k+1).Type == ndn.TtGenericNameComponent
	} else if ver != a.version {
		return false, fmt.Errorf("%w: version %d, expected %d", ErrSegment, ver, a.version)
	}
	if seg != a.next {
		if a.next == 0 && len(a.payload) == 0 {
			return false, nil
		}
		return false, fmt.Errorf("%w: segment %d, expected %d", ErrSegment, seg, a.next)
	}
	a.payload = append(a.payload, d.Content...)
	a.next++
	if d.FinalBlock.Type != 0 {
		final, ok := SegmentOf(d.FinalBlock)
		if !ok {
			return false, fmt.Errorf("%w: FinalBlockId is not a segment number", ErrSegment)
		}
		if final == seg {
			a.done = true
		} else if final < seg {
			return false, fmt.Errorf("%w: segment %d beyond FinalBlockId %d", ErrSegment, seg, final)
		}
	}
	return a.done, nil
}

// Version returns the dataset version once the first segment is in.
func (a *Assembler) Version() (uint64, bool) { return a.version, a.hasVersion }

// NextName returns the name of the next segment to request, with version
// and segment components in the form the producer used (typed or marker), or
// the dataset prefix before any segment has arrived.
func (a *Assembler) NextName() ndn.Name {
	if !a.hasVersion {
		return a.prefix
	}
	v, s := ndn.VersionComponent(a.version), ndn.SegmentComponent(a.next)
	if a.markerVer {
		v = markerComponent(markerVersion, a.version)
	}
	if a.markerSeg {
		s = markerComponent(markerSegment, a.next)
	}
	return a.prefix.Append(v, s)
}

func markerComponent(marker byte, v uint64) ndn.Component {
	return ndn.Component{Type: ndn.TtGenericNameComponent, Value: tlv.AppendNNI([]byte{marker}, v)}
}

// Done reports whether the last segment has been added.
func (a *Assembler) Done() bool { return a.done }

// Payload returns the concatenated Content of the segments added so far.
func (a *Assembler) Payload() []byte { return a.payload }

// IsReject reports whether err is a *RejectError and returns its response.
func IsReject(err error) (ControlResponse, bool) {
	var re *RejectError
	if errors.As(err, &re) {
		return re.Response, true
	}
	return ControlResponse{}, false
}
