package segmented

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/ndnflow/ndnflow/app"
	"github.com/ndnflow/ndnflow/app/rdr"
	"github.com/ndnflow/ndnflow/ndn"
	"github.com/ndnflow/ndnflow/security"
	"github.com/ndnflow/ndnflow/tlv"
)

// DefaultChunkSize is the Content size of every segment but the last: large
// enough that a Data packet (name, signature, headers) stays well under
// 8800 octets.
const DefaultChunkSize = 8000

// PublishOptions configures the Publish functions. The zero value is
// usable.
type PublishOptions struct {
	// Version is the version component's value; default the current Unix
	// time in milliseconds, as ndn-cxx and NDNts choose it.
	Version uint64
	// ChunkSize is the Content size of each segment; default
	// DefaultChunkSize. At most 8000 is safe for 8800-octet packets.
	ChunkSize int
	// Signer signs segments and metadata; default DigestSha256.
	Signer ndn.Signer
	// Freshness is every segment's FreshnessPeriod; default 10 s.
	Freshness time.Duration
	// Serve configures the Producer (registration, concurrency). Its
	// Signer is ignored: Signer above signs.
	Serve app.ServeOptions
	// Store, when set, keeps the signed segments in an on-disk store so
	// they can be served again after a restart without re-signing (see
	// OpenStored); Publish then streams the input instead of holding it.
	Store SegmentStore
}

func (o *PublishOptions) applyDefaults() {
	if o.Version == 0 {
		o.Version = uint64(time.Now().UnixMilli())
	}
	if o.ChunkSize <= 0 {
		o.ChunkSize = DefaultChunkSize
	}
	if o.Signer == nil {
		o.Signer = security.DigestSha256{}
	}
	if o.Freshness <= 0 {
		o.Freshness = 10 * time.Second
	}
}

// SegmentStore is what a Publication needs from an on-disk store; package
// app/store implements it.
type SegmentStore interface {
	// Put writes the signed segments of versioned, committing the object
	// (making it visible to Get) only when every segment is written.
	Put(versioned ndn.Name, segments func(yield func(seg uint64, wire []byte) error) error) (final uint64, err error)
	// Get appends the wire of segment seg of versioned to dst.
	Get(versioned ndn.Name, seg uint64, dst []byte) ([]byte, error)
	// Final returns the last segment number of a complete object.
	Final(versioned ndn.Name) (uint64, bool)
}

// source produces one signed segment.
type source interface {
	segment(seg uint64) (*ndn.Data, error)
}

// Publication is a published, versioned object being served.
type Publication struct {
	// Name is the versioned name /<prefix>/v=<version>.
	Name ndn.Name
	// Final is the number of the last segment.
	Final uint64

	prefix ndn.Name
	src    source
	signer ndn.Signer
	prod   *app.Producer
}

// Close stops serving.
func (p *Publication) Close() error { return p.prod.Close() }

// Producer returns the underlying Producer (for its counters).
func (p *Publication) Producer() *app.Producer { return p.prod }

// PublishBytes serves b as /<name>/v=<version>/seg=<n>, signing every
// segment once, up front.
func PublishBytes(ctx context.Context, c *app.Client, name ndn.Name, b []byte, opts PublishOptions) (*Publication, error) {
	return Publish(ctx, c, name, bytes.NewReader(b), opts)
}

// Publish reads r to its end and serves it. Without a Store the signed
// segments are held in memory; with one they are written to it as they are
// read, so memory use stays constant.
func Publish(ctx context.Context, c *app.Client, name ndn.Name, r io.Reader, opts PublishOptions) (*Publication, error) {
	opts.applyDefaults()
	versioned := name.Append(ndn.VersionComponent(opts.Version))
	var src source
	var final uint64
	if opts.Store != nil {
		var err error
		final, err = opts.Store.Put(versioned, func(yield func(uint64, []byte) error) error {
			return signStream(versioned, r, opts, yield)
		})
		if err != nil {
			return nil, err
		}
		src = storeSource{st: opts.Store, name: versioned}
	} else {
		var segs [][]byte
		err := signStream(versioned, r, opts, func(_ uint64, w []byte) error {
			segs = append(segs, bytes.Clone(w))
			return nil
		})
		if err != nil {
			return nil, err
		}
		final = uint64(len(segs) - 1)
		ms := make(memSource, len(segs))
		for i, w := range segs {
			if err := ms[i].Decode(w); err != nil {
				return nil, err
			}
		}
		src = ms
	}
	return serve(ctx, c, versioned, final, src, opts)
}

// OpenStored serves an object already complete in st under its versioned
// name, without reading or signing anything.
func OpenStored(ctx context.Context, c *app.Client, st SegmentStore, versioned ndn.Name, opts PublishOptions) (*Publication, error) {
	opts.applyDefaults()
	final, ok := st.Final(versioned)
	if !ok {
		return nil, fmt.Errorf("segmented: %s is not in the store", versioned)
	}
	return serve(ctx, c, versioned, final, storeSource{st: st, name: versioned}, opts)
}

// PublishFile serves the file at path, reading each segment from it when
// asked (io.ReaderAt) and signing it then; nothing is held in memory. The
// file must not change while it is served.
func PublishFile(ctx context.Context, c *app.Client, name ndn.Name, path string, opts PublishOptions) (*Publication, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	p, err := PublishReaderAt(ctx, c, name, f, fi.Size(), opts)
	if err != nil {
		f.Close()
		return nil, err
	}
	go func() {
		<-p.prod.Done()
		f.Close()
	}()
	return p, nil
}

// PublishReaderAt serves size bytes of r, reading and signing each segment
// when it is asked for.
func PublishReaderAt(ctx context.Context, c *app.Client, name ndn.Name, r io.ReaderAt, size int64, opts PublishOptions) (*Publication, error) {
	opts.applyDefaults()
	versioned := name.Append(ndn.VersionComponent(opts.Version))
	final := uint64(0)
	if size > 0 {
		final = uint64((size - 1) / int64(opts.ChunkSize))
	}
	src := newReaderAtSource(r, size, versioned, final, opts)
	return serve(ctx, c, versioned, final, src, opts)
}

// makeSegment signs one segment and returns its wire.
func makeSegment(versioned ndn.Name, seg uint64, content []byte, final uint64, hasFinal bool, opts *PublishOptions) ([]byte, error) {
	d := ndn.Data{
		Name:      versioned.Append(ndn.SegmentComponent(seg)),
		Freshness: opts.Freshness,
		Content:   content,
	}
	if hasFinal {
		d.FinalBlock = ndn.SegmentComponent(final)
	}
	return d.SignWith(opts.Signer)
}

// signStream cuts r into segments and signs them. FinalBlockId goes on
// every segment when r tells its length (bytes.Reader, strings.Reader,
// bytes.Buffer: a Len method), else on the last one only, since the end is
// known only there. An empty input is one empty segment.
func signStream(versioned ndn.Name, r io.Reader, opts PublishOptions, yield func(uint64, []byte) error) error {
	knownFinal, known := uint64(0), false
	if l, ok := r.(interface{ Len() int }); ok {
		if n := l.Len(); n > 0 {
			knownFinal = uint64((n - 1) / opts.ChunkSize)
		}
		known = true
	}
	cur := make([]byte, opts.ChunkSize)
	next := make([]byte, opts.ChunkSize)
	n, err := io.ReadFull(r, cur)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return err
	}
	for seg := uint64(0); ; seg++ {
		last := n < len(cur)
		m := 0
		if !last {
			m, err = io.ReadFull(r, next)
			if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
				return err
			}
			last = m == 0
		}
		final, hasFinal := seg, last
		if known {
			final, hasFinal = knownFinal, true
		}
		w, err := makeSegment(versioned, seg, cur[:n], final, hasFinal, &opts)
		if err != nil {
			return err
		}
		if err := yield(seg, w); err != nil {
			return err
		}
		if last {
			return nil
		}
		cur, next, n = next, cur, m
	}
}

// memSource holds every segment decoded, so serving one allocates nothing.
type memSource []ndn.Data

func (s memSource) segment(seg uint64) (*ndn.Data, error) {
	if seg >= uint64(len(s)) {
		return nil, errNoSegment
	}
	return &s[seg], nil // immutable once published: shared, not copied
}

type storeSource struct {
	st   SegmentStore
	name ndn.Name
}

func (s storeSource) segment(seg uint64) (*ndn.Data, error) {
	w, err := s.st.Get(s.name, seg, nil)
	if err != nil {
		return nil, err
	}
	return decodeData(w)
}

func decodeData(w []byte) (*ndn.Data, error) {
	d := new(ndn.Data)
	if err := d.Decode(w); err != nil {
		return nil, err
	}
	return d, nil
}

// readerAtSource reads and signs a segment when it is asked for, into a
// pooled buffer that the Producer hands back through ServeOptions.Release
// once the reply is queued: serving one allocates nothing but what the
// Signer does (DigestSha256: its 32-octet value). Safe for concurrent use.
type readerAtSource struct {
	r         io.ReaderAt
	size      int64
	versioned ndn.Name
	final     uint64
	opts      PublishOptions
	meta      []byte // MetaInfo element: the same for every segment
	sigInfo   []byte // SignatureInfo element
	bufLen    int

	pool sync.Pool  // *fileSegment
	mu   sync.Mutex // protects live
	live map[*ndn.Data]*fileSegment
}

// fileSegment is one segment being served: its Data and the buffer its
// Wire aliases.
type fileSegment struct {
	d   ndn.Data
	buf []byte
}

// segHeadroom is room left in front of the signed portion for the Data
// TLV's type and length (at most 1+5 octets).
const segHeadroom = 8

func newReaderAtSource(r io.ReaderAt, size int64, versioned ndn.Name, final uint64, opts PublishOptions) *readerAtSource {
	s := &readerAtSource{r: r, size: size, versioned: versioned, final: final, opts: opts, live: make(map[*ndn.Data]*fileSegment)}
	fb := ndn.SegmentComponent(final)
	metaVal := tlv.NNIElementLen(ndn.TtFreshnessPeriod, uint64(opts.Freshness/time.Millisecond)) +
		tlv.ElementLen(ndn.TtFinalBlockID, fb.Length())
	s.meta = tlv.AppendTL(nil, ndn.TtMetaInfo, metaVal)
	s.meta = tlv.AppendNNIElement(s.meta, ndn.TtFreshnessPeriod, uint64(opts.Freshness/time.Millisecond))
	s.meta = tlv.AppendTL(s.meta, ndn.TtFinalBlockID, fb.Length())
	s.meta = fb.Append(s.meta)
	si := ndn.SigInfo{Type: opts.Signer.SigType(), KeyLocator: opts.Signer.KeyLocator()}
	s.sigInfo = si.AppendTLV(nil, ndn.TtSignatureInfo)
	// Name (prefix + a 10-octet segment component at most), MetaInfo,
	// Content, SignatureInfo, SignatureValue (room for any signature
	// ndnflow makes), plus the Data TL in the headroom.
	s.bufLen = segHeadroom + tlv.ElementLen(ndn.TtName, len(versioned.Value())+10) + len(s.meta) +
		tlv.ElementLen(ndn.TtContent, opts.ChunkSize) + len(s.sigInfo) + tlv.ElementLen(ndn.TtSignatureValue, 1024)
	return s
}

func (s *readerAtSource) segment(seg uint64) (*ndn.Data, error) {
	if seg > s.final {
		return nil, errNoSegment
	}
	fs, _ := s.pool.Get().(*fileSegment)
	if fs == nil {
		fs = &fileSegment{buf: make([]byte, s.bufLen)}
	}
	d, err := s.build(fs, seg)
	if err != nil {
		s.pool.Put(fs)
		return nil, err
	}
	s.mu.Lock()
	s.live[d] = fs
	s.mu.Unlock()
	return d, nil
}

// build encodes, reads and signs segment seg into fs.
func (s *readerAtSource) build(fs *fileSegment, seg uint64) (*ndn.Data, error) {
	off := int64(seg) * int64(s.opts.ChunkSize)
	n := int(min(int64(s.opts.ChunkSize), s.size-off))
	nv := s.versioned.Value()
	segLen := 2 + tlv.NNILen(seg)
	b := fs.buf[:segHeadroom]
	b = tlv.AppendTL(b, ndn.TtName, len(nv)+segLen)
	b = append(b, nv...)
	b = append(b, ndn.TtSegmentNameComponent, byte(tlv.NNILen(seg)))
	b = tlv.AppendNNI(b, seg)
	b = append(b, s.meta...)
	b = tlv.AppendTL(b, ndn.TtContent, n)
	content := b[len(b) : len(b)+n]
	if m, err := s.r.ReadAt(content, off); err != nil && !(errors.Is(err, io.EOF) && m == len(content)) {
		return nil, err
	}
	b = b[:len(b)+n]
	b = append(b, s.sigInfo...)
	sig, err := s.opts.Signer.Sign(b[segHeadroom:])
	if err != nil {
		return nil, err
	}
	vlen := len(b) - segHeadroom + tlv.ElementLen(ndn.TtSignatureValue, len(sig))
	if len(b)+tlv.ElementLen(ndn.TtSignatureValue, len(sig)) > cap(b) {
		return nil, fmt.Errorf("segmented: %d-octet signature does not fit", len(sig))
	}
	b = tlv.AppendElement(b, ndn.TtSignatureValue, sig)
	start := segHeadroom - tlv.TLLen(ndn.TtData, vlen)
	tlv.AppendTL(fs.buf[start:start], ndn.TtData, vlen)
	if err := fs.d.Decode(b[start:]); err != nil {
		return nil, err
	}
	return &fs.d, nil
}

// release takes back the buffer of a Data that segment returned.
func (s *readerAtSource) release(d *ndn.Data) {
	s.mu.Lock()
	fs := s.live[d]
	delete(s.live, d)
	s.mu.Unlock()
	if fs != nil {
		fs.d = ndn.Data{}
		s.pool.Put(fs)
	}
}

var errNoSegment = errors.New("segmented: no such segment")

// serve starts the Producer of a Publication.
func serve(ctx context.Context, c *app.Client, versioned ndn.Name, final uint64, src source, opts PublishOptions) (*Publication, error) {
	p := &Publication{Name: versioned, Final: final, prefix: versioned.Prefix(-1), src: src, signer: opts.Signer}
	so := opts.Serve
	so.Signer = opts.Signer
	switch src := src.(type) {
	case memSource:
		so.Inline = true // prepared Data: microseconds, never blocks
	case *readerAtSource:
		so.Release = src.release
	}
	prod, err := c.Serve(ctx, p.prefix, p.handle, so)
	if err != nil {
		return nil, err
	}
	p.prod = prod
	return p, nil
}

// handle answers metadata Interests, segment Interests and discovery
// Interests (CanBePrefix on the prefix or the versioned name: segment 0).
func (p *Publication) handle(_ context.Context, i *ndn.Interest) (*ndn.Data, error) {
	name := i.Name
	if rdr.IsMetadataInterest(p.prefix, name) {
		return rdr.MakeMetadata(p.Name, time.Millisecond), nil
	}
	var seg uint64
	switch {
	case name.Len() == p.Name.Len()+1 && p.Name.IsPrefixOf(name):
		c := name.At(-1)
		if c.Type != ndn.TtSegmentNameComponent {
			return nil, nil
		}
		var ok bool
		if seg, ok = c.Number(); !ok {
			return nil, nil
		}
	case i.CanBePrefix && name.IsPrefixOf(p.Name):
		seg = 0
	default:
		return nil, nil
	}
	d, err := p.src.segment(seg)
	if errors.Is(err, errNoSegment) {
		return nil, nil
	}
	return d, err
}
