package video

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ndnflow/ndnflow/app"
	"github.com/ndnflow/ndnflow/app/store"
	"github.com/ndnflow/ndnflow/ndn"
	"github.com/ndnflow/ndnflow/security"
)

// DefaultChunkSize is the Content size of every Data segment but the last,
// as in package segmented.
const DefaultChunkSize = 8000

// Options configures a Publisher. Only Prefix is required.
type Options struct {
	// Prefix is the stream prefix, e.g. /lab/video/talk.
	Prefix ndn.Name
	// Signer signs every segment and metadata packet; default DigestSha256.
	Signer ndn.Signer
	// ChunkSize is the Content size of each Data segment; default
	// DefaultChunkSize, at most 8000.
	ChunkSize int
	// Freshness is the FreshnessPeriod of media segments; default 1 h.
	Freshness time.Duration
	// PlaylistFreshness is the FreshnessPeriod of playlists, manifests and
	// the catalog, which change in live streams; default 1 s.
	PlaylistFreshness time.Duration
	// Key, when set, encrypts every file (not the catalog): each Data
	// segment then holds one sealed record.
	Key *Key
	// Store, when set, keeps the signed segments on disk (see
	// Publisher.LoadStore); otherwise they are held in memory.
	Store *store.Store
	// KeepVersions is how many versions of a file are served (the newest
	// and older ones that fetches may still be reading); default 4.
	KeepVersions int
	// Serve configures the Producers (NoRegister for a static route).
	// Its Signer is ignored.
	Serve app.ServeOptions
	// Logger receives per-file events; default slog.Default().
	Logger *slog.Logger
}

func (o *Options) applyDefaults() {
	if o.Signer == nil {
		o.Signer = security.DigestSha256{}
	}
	if o.ChunkSize <= 0 || o.ChunkSize > DefaultChunkSize {
		o.ChunkSize = DefaultChunkSize
	}
	if o.Freshness <= 0 {
		o.Freshness = time.Hour
	}
	if o.PlaylistFreshness <= 0 {
		o.PlaylistFreshness = time.Second
	}
	if o.KeepVersions <= 0 {
		o.KeepVersions = 4
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
}

// Counters count what a Publisher answered. They are updated atomically.
type Counters struct {
	// Interests counts Interests received; NotFound those for names it
	// does not have (answered with an application Nack or not at all).
	Interests, NotFound atomic.Uint64
	// Data and DataBytes count the Data packets sent and their wire
	// octets: what left the producer upstream.
	Data, DataBytes atomic.Uint64
	// Segments and SegmentBytes count only Data segments of objects.
	Segments, SegmentBytes atomic.Uint64
	// Rejected counts files and playlist versions refused (incomplete
	// media, missing references).
	Rejected atomic.Uint64
}

// object is one version of a published file.
type object struct {
	versioned ndn.Name
	version   uint64
	final     uint64
	size      int64    // plaintext octets
	segs      [][]byte // signed wires; nil when in the store
}

// file is a published file and its newest versions (ascending).
type file struct {
	rel      string // "" for the catalog
	name     ndn.Name
	playlist bool
	keyID    []byte
	modTime  time.Time
	versions []*object
}

func (f *file) latest() *object { return f.versions[len(f.versions)-1] }

// Publisher serves the files of one stream under Options.Prefix. Its
// methods are safe for concurrent use.
type Publisher struct {
	c    *app.Client
	opts Options
	log  *slog.Logger

	// Counters count Interests and Data; see the type.
	Counters Counters

	mu    sync.RWMutex // protects files
	files map[string]*file

	prods []*app.Producer
}

// NewPublisher starts serving opts.Prefix (and <parent>/32=streams, so a
// gateway whose prefix is the parent lists this stream) with nothing
// published yet: Interests for unknown files get an application Nack.
func NewPublisher(ctx context.Context, c *app.Client, opts Options) (*Publisher, error) {
	opts.applyDefaults()
	if opts.Prefix.IsEmpty() {
		return nil, errors.New("video: Options.Prefix is required")
	}
	p := &Publisher{c: c, opts: opts, log: opts.Logger.With("prefix", opts.Prefix.String()), files: make(map[string]*file)}
	so := opts.Serve
	so.Signer = opts.Signer
	prefixes := []ndn.Name{opts.Prefix}
	if opts.Prefix.Len() > 1 {
		prefixes = append(prefixes, StreamsName(opts.Prefix.Prefix(-1)))
	}
	for _, pfx := range prefixes {
		prod, err := c.Serve(ctx, pfx, p.handle, so)
		if err != nil {
			p.Close()
			return nil, fmt.Errorf("video: serving %s: %w", pfx, err)
		}
		p.prods = append(p.prods, prod)
	}
	return p, nil
}

// Close stops serving.
func (p *Publisher) Close() error {
	var errs []error
	for _, prod := range p.prods {
		errs = append(errs, prod.Close())
	}
	return errors.Join(errs...)
}

// Prefix returns the stream prefix.
func (p *Publisher) Prefix() ndn.Name { return p.opts.Prefix }

// FileInfo describes a published file.
type FileInfo struct {
	Path     string `json:"path"`
	Version  uint64 `json:"version"`
	Size     int64  `json:"size"`
	Segments uint64 `json:"segments"`
	Playlist bool   `json:"playlist,omitempty"`
	KeyID    string `json:"key_id,omitempty"`
}

// Files lists the newest version of every published file, sorted by path.
func (p *Publisher) Files() []FileInfo {
	p.mu.RLock()
	defer p.mu.RUnlock()
	var out []FileInfo
	for _, f := range p.files {
		if f.rel == "" {
			continue
		}
		o := f.latest()
		fi := FileInfo{Path: f.rel, Version: o.version, Size: o.size, Segments: o.final + 1, Playlist: f.playlist}
		if f.keyID != nil {
			fi.KeyID = fmt.Sprintf("%x", f.keyID)
		}
		out = append(out, fi)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// StreamBytes returns the total size of the newest version of every file:
// what one viewer fetching the whole stream receives.
func (p *Publisher) StreamBytes() int64 {
	var n int64
	for _, f := range p.Files() {
		n += f.Size
	}
	return n
}

// PublishDir publishes every file under dir (hidden and *.tmp files
// excepted) as it is now, for video on demand. It first checks the whole
// directory with CheckDir and publishes nothing if that fails.
func (p *Publisher) PublishDir(dir string) error {
	items, err := checkDir(dir)
	if err != nil {
		p.Counters.Rejected.Add(1)
		return err
	}
	// Media first, playlists after, so a playlist never names an
	// unpublished file even while PublishDir runs.
	sort.SliceStable(items, func(i, j int) bool { return !IsPlaylist(items[i].rel) && IsPlaylist(items[j].rel) })
	for _, it := range items {
		if _, err := p.PublishFile(it.rel, it.body, it.mod); err != nil {
			return err
		}
	}
	return p.publishCatalog()
}

// CheckDir checks a packaged stream directory without publishing it: it
// must exist and hold files; every playlist and manifest must parse and
// every local file it names must exist; every media file must be complete
// (CheckMedia). The error lists every problem and wraps ErrNoDirectory,
// ErrMissingReference or ErrIncomplete.
func CheckDir(dir string) error {
	_, err := checkDir(dir)
	return err
}

type dirItem struct {
	rel  string
	body []byte
	mod  time.Time
}

func checkDir(dir string) ([]dirItem, error) {
	st, err := os.Stat(dir)
	if err != nil || !st.IsDir() {
		if err == nil {
			err = errors.New("is a file")
		}
		return nil, fmt.Errorf("%w: %s: %w", ErrNoDirectory, dir, err)
	}
	rels, err := listFiles(dir)
	if err != nil {
		return nil, err
	}
	if len(rels) == 0 {
		return nil, fmt.Errorf("video: %s holds no files to publish", dir)
	}
	have := make(map[string]bool, len(rels))
	for _, r := range rels {
		have[r] = true
	}
	var items []dirItem
	var errs []error
	for _, rel := range rels {
		abs := filepath.Join(dir, filepath.FromSlash(rel))
		body, err := os.ReadFile(abs)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		fi, err := os.Stat(abs)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if IsPlaylist(rel) {
			refs, err := PlaylistRefs(rel, body)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			for _, ref := range refs {
				if !have[ref] {
					errs = append(errs, fmt.Errorf("%w: %s names %s, which does not exist", ErrMissingReference, rel, ref))
				}
			}
		} else if err := CheckMedia(rel, body); err != nil {
			errs = append(errs, err)
		}
		items = append(items, dirItem{rel, body, fi.ModTime()})
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("video: not publishing %s: %w", dir, errors.Join(errs...))
	}
	return items, nil
}

// listFiles returns the slash-separated relative paths of the regular
// files under dir, skipping hidden files and directories and *.tmp files.
func listFiles(dir string) ([]string, error) {
	var rels []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != dir && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() || skipFile(d.Name()) {
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		rels = append(rels, filepath.ToSlash(rel))
		return nil
	})
	return rels, err
}

// skipFile reports whether a file name is a packager's temporary file.
func skipFile(base string) bool {
	return strings.HasPrefix(base, ".") || strings.HasSuffix(base, ".tmp") || strings.HasSuffix(base, "~")
}

// PublishFile publishes body as the newest version of the file at rel
// (slash-separated, relative to the stream). The version is modTime in
// Unix milliseconds, raised above the newest version already published, so
// versions only grow. With a Store, a version already stored complete is
// served again without signing. It returns the versioned name.
func (p *Publisher) PublishFile(rel string, body []byte, modTime time.Time) (ndn.Name, error) {
	name, err := FileName(p.opts.Prefix, rel)
	if err != nil {
		return ndn.Name{}, err
	}
	pl := IsPlaylist(rel)
	fresh := p.opts.Freshness
	if pl {
		fresh = p.opts.PlaylistFreshness
	}
	o, err := p.install(name, rel, pl, body, modTime, fresh, p.opts.Key)
	if err != nil {
		return ndn.Name{}, err
	}
	p.log.Debug("published", "file", rel, "version", o.version, "octets", o.size, "segments", o.final+1)
	return o.versioned, nil
}

// install makes (or finds in the store) a new version of a file and makes
// it the newest.
func (p *Publisher) install(name ndn.Name, rel string, playlist bool, body []byte, modTime time.Time, fresh time.Duration, key *Key) (*object, error) {
	k := string(name.Value())
	version := uint64(max(modTime.UnixMilli(), 1))
	p.mu.RLock()
	f := p.files[k]
	if f != nil {
		version = max(version, f.latest().version+1)
	}
	p.mu.RUnlock()
	o, err := p.makeObject(name.Append(ndn.VersionComponent(version)), body, fresh, key)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	f = p.files[k]
	if f == nil {
		f = &file{rel: rel, name: name.Clone(), playlist: playlist}
		p.files[k] = f
	} else if f.latest().version >= o.version {
		return nil, fmt.Errorf("video: %s: version %d is not newer than %d", name, o.version, f.latest().version)
	}
	f.modTime = modTime
	f.keyID = nil
	if key != nil {
		id := key.ID()
		f.keyID = id[:]
	}
	f.versions = append(f.versions, o)
	if n := len(f.versions) - p.opts.KeepVersions; n > 0 {
		f.versions = slices.Delete(f.versions, 0, n)
	}
	return o, nil
}

// makeObject cuts body into Data segments of versioned (sealed records when
// key is set), signs them and keeps them in memory or in the store.
func (p *Publisher) makeObject(versioned ndn.Name, body []byte, fresh time.Duration, key *Key) (*object, error) {
	o := &object{versioned: versioned, size: int64(len(body))}
	o.version, _ = versioned.At(-1).Number()
	chunk := p.opts.ChunkSize
	if key != nil {
		chunk = recordPlaintext(chunk)
	}
	n := max(1, (len(body)+chunk-1)/chunk)
	o.final = uint64(n - 1)
	segments := func(yield func(uint64, []byte) error) error {
		var content []byte
		for i := range n {
			part := body[min(i*chunk, len(body)):min((i+1)*chunk, len(body))]
			if key != nil {
				content = key.seal(content[:0], versioned, uint64(i), i == n-1, part)
			} else {
				content = part
			}
			d := ndn.Data{
				Name:       versioned.Append(ndn.SegmentComponent(uint64(i))),
				Freshness:  fresh,
				FinalBlock: ndn.SegmentComponent(o.final),
				Content:    content,
			}
			w, err := d.SignWith(p.opts.Signer)
			if err != nil {
				return fmt.Errorf("video: signing %s: %w", d.Name, err)
			}
			if err := yield(uint64(i), w); err != nil {
				return err
			}
		}
		return nil
	}
	if st := p.opts.Store; st != nil {
		if final, ok := st.Final(versioned); ok && final == o.final && storedSealedWith(st, versioned, key) {
			return o, nil
		}
		if _, err := st.Put(versioned, segments); err != nil {
			return nil, fmt.Errorf("video: storing %s: %w", versioned, err)
		}
		return o, nil
	}
	o.segs = make([][]byte, 0, n)
	err := segments(func(_ uint64, w []byte) error {
		o.segs = append(o.segs, w)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

// storedSealedWith reports whether a stored object is sealed with key
// (key != nil), or is not sealed at all (key == nil), judging by segment 0:
// a stored version is reused only if it is protected as asked. Plaintext
// that happens to look like a record header is signed again, which is safe.
func storedSealedWith(st *store.Store, versioned ndn.Name, key *Key) bool {
	w, err := st.Get(versioned, 0, nil)
	if err != nil {
		return false
	}
	var d ndn.Data
	if d.Decode(w) != nil {
		return false
	}
	c := d.Content
	sealed := len(c) >= recordOverhead && c[0] == recordVersion && c[1]&^1 == 0
	if key == nil {
		return !sealed
	}
	return sealed && bytes.Equal(c[2:2+KeyIDLen], key.id[:])
}

// Remove stops serving the file at rel (a live packager deleted it).
func (p *Publisher) Remove(rel string) {
	name, err := FileName(p.opts.Prefix, rel)
	if err != nil {
		return
	}
	p.mu.Lock()
	delete(p.files, string(name.Value()))
	p.mu.Unlock()
}

// catalog is the JSON Content of /<prefix>/32=catalog.
type catalog struct {
	Prefix string     `json:"prefix"`
	Files  []FileInfo `json:"files"`
}

// publishCatalog publishes a new version of the catalog.
func (p *Publisher) publishCatalog() error {
	b, err := json.Marshal(catalog{Prefix: p.opts.Prefix.String(), Files: p.Files()})
	if err != nil {
		return err
	}
	_, err = p.install(CatalogName(p.opts.Prefix), "", true, b, time.Now(), p.opts.PlaylistFreshness, nil)
	return err
}

// LoadStore serves again what a previous run stored: the newest catalog in
// Options.Store and every file version it lists. It returns the number of
// files.
func (p *Publisher) LoadStore() (int, error) {
	st := p.opts.Store
	if st == nil {
		return 0, errors.New("video: LoadStore without Options.Store")
	}
	cname := CatalogName(p.opts.Prefix)
	versioned, ok := st.Latest(cname)
	if !ok {
		return 0, fmt.Errorf("video: the store has no catalog of %s; publish a directory first", p.opts.Prefix)
	}
	body, err := readStored(st, versioned)
	if err != nil {
		return 0, err
	}
	var cat catalog
	if err := json.Unmarshal(body, &cat); err != nil {
		return 0, fmt.Errorf("video: catalog %s: %w", versioned, err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	add := func(name ndn.Name, rel string, fi FileInfo) error {
		vn := name.Append(ndn.VersionComponent(fi.Version))
		final, ok := st.Final(vn)
		if !ok {
			return fmt.Errorf("video: the catalog lists %s, which is not in the store", vn)
		}
		f := &file{rel: rel, name: name, playlist: fi.Playlist}
		if fi.KeyID != "" {
			fmt.Sscanf(fi.KeyID, "%x", &f.keyID)
		}
		f.versions = []*object{{versioned: vn, version: fi.Version, final: final, size: fi.Size}}
		p.files[string(name.Value())] = f
		return nil
	}
	cv, _ := versioned.At(-1).Number()
	if err := add(cname, "", FileInfo{Version: cv, Size: int64(len(body)), Playlist: true}); err != nil {
		return 0, err
	}
	for _, fi := range cat.Files {
		name, err := FileName(p.opts.Prefix, fi.Path)
		if err != nil {
			return 0, err
		}
		if err := add(name, fi.Path, fi); err != nil {
			return 0, err
		}
	}
	return len(cat.Files), nil
}

// readStored concatenates the Content of a stored object's segments.
func readStored(st *store.Store, versioned ndn.Name) ([]byte, error) {
	final, ok := st.Final(versioned)
	if !ok {
		return nil, fmt.Errorf("video: %s is not in the store", versioned)
	}
	var out []byte
	for seg := uint64(0); seg <= final; seg++ {
		w, err := st.Get(versioned, seg, nil)
		if err != nil {
			return nil, err
		}
		var d ndn.Data
		if err := d.Decode(w); err != nil {
			return nil, err
		}
		out = append(out, d.Content...)
	}
	return out, nil
}

// handle answers the Interests of the stream prefix and of
// <parent>/32=streams.
func (p *Publisher) handle(_ context.Context, in *ndn.Interest) (*ndn.Data, error) {
	p.Counters.Interests.Add(1)
	d, seg := p.answer(in)
	if d == nil {
		p.Counters.NotFound.Add(1)
		return nil, nil
	}
	if d.Wire() == nil {
		if _, err := d.SignWith(p.opts.Signer); err != nil {
			return nil, err
		}
	}
	n := uint64(len(d.Wire()))
	p.Counters.Data.Add(1)
	p.Counters.DataBytes.Add(n)
	if seg {
		p.Counters.Segments.Add(1)
		p.Counters.SegmentBytes.Add(n)
	}
	return d, nil
}

// answer returns the Data for an Interest (nil for none) and whether it is
// an object segment.
func (p *Publisher) answer(in *ndn.Interest) (*ndn.Data, bool) {
	name := in.Name
	prefix := p.opts.Prefix
	if name.Len() >= 1 && name.At(-1).Equal(ndn.KeywordComponent(keywordStreams)) {
		base := name.Prefix(-1)
		if base.Equal(prefix) || (prefix.Len() > 1 && base.Equal(prefix.Prefix(-1))) {
			return p.streamsData(name), false
		}
		return nil, false
	}
	if !prefix.IsPrefixOf(name) || name.Len() < prefix.Len()+2 {
		return nil, false
	}
	last := name.At(-1)
	if last.Equal(ndn.KeywordComponent("metadata")) {
		return p.metadata(name.Prefix(-1)), false
	}
	if last.Type != ndn.TtSegmentNameComponent || name.At(-2).Type != ndn.TtVersionNameComponent {
		return nil, false
	}
	seg, _ := last.Number()
	ver, _ := name.At(-2).Number()
	k := string(name.Prefix(-2).Value())
	p.mu.RLock()
	var o *object
	if f := p.files[k]; f != nil {
		for _, v := range f.versions {
			if v.version == ver {
				o = v
			}
		}
	}
	p.mu.RUnlock()
	if o == nil || seg > o.final {
		return nil, false
	}
	var w []byte
	if o.segs != nil {
		w = o.segs[seg]
	} else {
		var err error
		if w, err = p.opts.Store.Get(o.versioned, seg, nil); err != nil {
			p.log.Warn("reading the store", "name", o.versioned.String(), "seg", seg, "err", err)
			return nil, false
		}
	}
	d := new(ndn.Data)
	if err := d.Decode(w); err != nil {
		return nil, false
	}
	return d, true
}

// Stream describes one published stream in a 32=streams answer.
type Stream struct {
	// Prefix is the stream prefix.
	Prefix string `json:"prefix"`
	// Entries are the playable entry points: master playlists (or media
	// playlists when there is no master) and DASH manifests.
	Entries []Entry `json:"entries"`
}

// Entry is one playable file of a Stream.
type Entry struct {
	Path      string `json:"path"`
	Kind      string `json:"kind"` // "hls" or "dash"
	Encrypted bool   `json:"encrypted,omitempty"`
}

// streamsList is the JSON Content of a 32=streams Data.
type streamsList struct {
	Streams []Stream `json:"streams"`
}

// Entries returns the stream's playable entry points.
func (p *Publisher) Entries() []Entry {
	p.mu.RLock()
	type pl struct {
		rel    string
		master bool
		enc    bool
	}
	var pls []pl
	for _, f := range p.files {
		if f.rel == "" || !f.playlist {
			continue
		}
		master := false
		if o := f.latest(); strings.HasSuffix(strings.ToLower(f.rel), ".m3u8") && f.keyID == nil {
			master = p.isMasterLocked(o)
		}
		pls = append(pls, pl{f.rel, master, f.keyID != nil})
	}
	p.mu.RUnlock()
	hasMaster := slices.ContainsFunc(pls, func(x pl) bool { return x.master })
	var out []Entry
	for _, x := range pls {
		switch {
		case strings.HasSuffix(strings.ToLower(x.rel), ".mpd"):
			out = append(out, Entry{Path: x.rel, Kind: "dash", Encrypted: x.enc})
		case x.master || (!hasMaster && !strings.Contains(x.rel, "/")):
			out = append(out, Entry{Path: x.rel, Kind: "hls", Encrypted: x.enc})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// isMasterLocked reports whether a clear playlist object is an HLS master
// playlist. p.mu is held.
func (p *Publisher) isMasterLocked(o *object) bool {
	var body []byte
	if o.segs != nil {
		for _, w := range o.segs {
			var d ndn.Data
			if d.Decode(w) == nil {
				body = append(body, d.Content...)
			}
		}
	} else if p.opts.Store != nil {
		body, _ = readStored(p.opts.Store, o.versioned)
	}
	return strings.Contains(string(body), "#EXT-X-STREAM-INF")
}

// streamsData answers <prefix>/32=streams or <parent>/32=streams.
func (p *Publisher) streamsData(interestName ndn.Name) *ndn.Data {
	b, _ := json.Marshal(streamsList{Streams: []Stream{{Prefix: p.opts.Prefix.String(), Entries: p.Entries()}}})
	return &ndn.Data{
		Name:      interestName.Append(ndn.VersionComponent(uint64(time.Now().UnixMilli())), ndn.SegmentComponent(0)),
		Freshness: time.Millisecond,
		Content:   b,
	}
}
