package video

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ndnflow/ndnflow/ndn"
	"github.com/ndnflow/ndnflow/tlv"
)

func testKey(t testing.TB, b byte) *Key {
	k, err := NewKey(bytes.Repeat([]byte{b}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

var testObject = ndn.MustParseName("/lab/video/talk/v0/seg001.ts/v=5")

// sealAll cuts plain into records of at most chunk plaintext octets.
func sealAll(k *Key, name ndn.Name, plain []byte, chunk int) [][]byte {
	n := max(1, (len(plain)+chunk-1)/chunk)
	var recs [][]byte
	for i := range n {
		part := plain[min(i*chunk, len(plain)):min((i+1)*chunk, len(plain))]
		recs = append(recs, k.seal(nil, name, uint64(i), i == n-1, part))
	}
	return recs
}

func decryptAll(k *Key, name ndn.Name, recs [][]byte, writeSize int) ([]byte, error) {
	var out bytes.Buffer
	d := newDecrypter(k, name, &out)
	all := bytes.Join(recs, nil)
	for len(all) > 0 {
		n := min(writeSize, len(all))
		if _, err := d.Write(all[:n]); err != nil {
			return nil, err
		}
		all = all[n:]
	}
	return out.Bytes(), d.Close()
}

func TestSealOpen(t *testing.T) {
	k := testKey(t, 1)
	plain := bytes.Repeat([]byte("ndnflow video "), 3000) // 42 KB
	recs := sealAll(k, testObject, plain, recordPlaintext(DefaultChunkSize))
	for i, r := range recs {
		if len(r) > DefaultChunkSize {
			t.Fatalf("record %d is %d octets, more than a segment's %d", i, len(r), DefaultChunkSize)
		}
		if bytes.Contains(r, []byte("ndnflow video")) {
			t.Fatalf("record %d holds plaintext", i)
		}
	}
	for _, ws := range []int{1, 7, 1000, 1 << 20} {
		got, err := decryptAll(k, testObject, recs, ws)
		if err != nil || !bytes.Equal(got, plain) {
			t.Fatalf("write size %d: %d octets, %v", ws, len(got), err)
		}
	}
	empty := sealAll(k, testObject, nil, 100)
	if got, err := decryptAll(k, testObject, empty, 10); err != nil || len(got) != 0 {
		t.Fatalf("empty object: %q %v", got, err)
	}

	flip := func(i, off int) [][]byte {
		c := make([][]byte, len(recs))
		for j := range recs {
			c[j] = bytes.Clone(recs[j])
		}
		c[i][off] ^= 1
		return c
	}
	tests := []struct {
		name string
		key  *Key
		obj  ndn.Name
		recs [][]byte
		want error
	}{
		{"flipped ciphertext", k, testObject, flip(1, 100), ErrDecrypt},
		{"flipped last flag", k, testObject, flip(len(recs)-1, 1), ErrDecrypt},
		{"flipped nonce", k, testObject, flip(0, 12), ErrDecrypt},
		{"cut short", k, testObject, recs[:len(recs)-1], ErrDecrypt},
		{"cut inside a record", k, testObject, append(recs[:len(recs)-1:len(recs)-1], recs[len(recs)-1][:50]), ErrDecrypt},
		{"reordered", k, testObject, append([][]byte{recs[1], recs[0]}, recs[2:]...), ErrDecrypt},
		{"other object", k, ndn.MustParseName("/lab/video/talk/v0/seg002.ts/v=5"), recs, ErrDecrypt},
		{"other key", testKey(t, 2), testObject, recs, ErrWrongKey},
		{"after the last", k, testObject, append(append([][]byte{}, recs...), recs[0]), ErrDecrypt},
	}
	for _, tc := range tests {
		if _, err := decryptAll(tc.key, tc.obj, tc.recs, 3000); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
}

func TestPlaylistRefs(t *testing.T) {
	tests := []struct {
		rel, body string
		want      []string
	}{
		{"master.m3u8", "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv0/index.m3u8\n#EXT-X-MEDIA:TYPE=AUDIO,URI=\"a/index.m3u8\"\n#EXT-X-I-FRAME-STREAM-INF:URI=\"v0/iframe.m3u8\"\n",
			[]string{"v0/index.m3u8", "a/index.m3u8", "v0/iframe.m3u8"}},
		{"v0/index.m3u8", "#EXTM3U\n#EXT-X-MAP:URI=\"init_0.mp4\"\n#EXTINF:2,\nseg000.m4s\n#EXTINF:2,\nseg001.m4s?x=1\n#EXTINF:2,\nseg000.m4s\n",
			[]string{"v0/init_0.mp4", "v0/seg000.m4s", "v0/seg001.m4s"}},
		{"v0/index.m3u8", "#EXTM3U\n#EXTINF:2,\nhttps://cdn.example/x.ts\n#EXTINF:2,\n/abs.ts\n#EXTINF:2,\n../../escape.ts\n#EXTINF:2,\n../v1/ok.ts\n#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"future.ts\"\n",
			[]string{"v1/ok.ts"}},
		{"dash/manifest.mpd", `<MPD><Period><BaseURL>media/</BaseURL><AdaptationSet><SegmentTemplate initialization="init-$RepresentationID$.m4s" media="chunk-$Number$.m4s"/><Representation id="0"><SegmentList><Initialization sourceURL="i.mp4"/><SegmentURL media="c1.m4s"/></SegmentList></Representation></AdaptationSet></Period></MPD>`,
			[]string{"dash/i.mp4", "dash/c1.m4s"}},
	}
	for _, tc := range tests {
		got, err := PlaylistRefs(tc.rel, []byte(tc.body))
		if err != nil || len(got) != len(tc.want) {
			t.Errorf("%s: %v %v, want %v", tc.rel, got, err, tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("%s: %v, want %v", tc.rel, got, tc.want)
				break
			}
		}
	}
	for _, bad := range []struct{ rel, body string }{{"x.m3u8", "hello"}, {"x.mpd", "<html/>"}, {"x.mpd", "<MPD"}} {
		if _, err := PlaylistRefs(bad.rel, []byte(bad.body)); err == nil {
			t.Errorf("%s %q: no error", bad.rel, bad.body)
		}
	}
}

func TestCheckMedia(t *testing.T) {
	ts := bytes.Repeat(append([]byte{0x47}, make([]byte, 187)...), 3)
	box := func(typ string, n int) []byte {
		b := make([]byte, n)
		b[0], b[1], b[2], b[3] = byte(n>>24), byte(n>>16), byte(n>>8), byte(n)
		copy(b[4:], typ)
		return b
	}
	large := make([]byte, 24)
	large[3] = 1
	copy(large[4:], "mdat")
	large[15] = 24
	tests := []struct {
		rel  string
		b    []byte
		okay bool
	}{
		{"a.ts", ts, true},
		{"a.ts", ts[:500], false},
		{"a.ts", append(bytes.Clone(ts[:188]), 0x00), false},
		{"a.ts", append(ts[:188:188], make([]byte, 188)...), false},
		{"a.ts", nil, false},
		{"a.m4s", append(box("moof", 16), box("mdat", 100)...), true},
		{"a.m4s", append(box("moof", 16), box("mdat", 100)[:60]...), false},
		{"a.mp4", box("ftyp", 8)[:6], false},
		{"a.mp4", box("free", 4), false},
		{"a.mp4", large, true},
		{"a.mp4", large[:20], false},
		{"a.aac", []byte{1, 2, 3}, true},
	}
	for i, tc := range tests {
		err := CheckMedia(tc.rel, tc.b)
		if (err == nil) != tc.okay || (err != nil && !errors.Is(err, ErrIncomplete)) {
			t.Errorf("%d %s (%d octets): %v, want ok=%v", i, tc.rel, len(tc.b), err, tc.okay)
		}
	}
}

func TestNames(t *testing.T) {
	p := ndn.MustParseName("/lab/video/talk")
	for _, rel := range []string{"master.m3u8", "v0/seg000.ts", "a/b/c.m4s"} {
		n, err := FileName(p, rel)
		if err != nil {
			t.Fatal(err)
		}
		back, ok := RelPath(p, n)
		if !ok || back != rel {
			t.Errorf("%s -> %s -> %q %v", rel, n, back, ok)
		}
	}
	for _, bad := range []string{"", "/abs", "a/../b", "./a", "a//b", "a/"} {
		if n, err := FileName(p, bad); err == nil {
			t.Errorf("FileName(%q) = %s, want an error", bad, n)
		}
	}
	if _, ok := RelPath(p, p.Append(ndn.VersionComponent(1))); ok {
		t.Error("RelPath accepts a version component")
	}
}

func TestParseMetadata(t *testing.T) {
	name := ndn.MustParseName("/a/b.ts")
	vn := name.Append(ndn.VersionComponent(7))
	good := tlv.AppendElement(vn.AppendTLV(nil), TtKeyID, []byte{1, 2, 3, 4, 5, 6, 7, 8})
	got, id, err := ParseMetadata(name, good)
	if err != nil || !got.Equal(vn) || len(id) != 8 {
		t.Fatalf("ParseMetadata: %s %x %v", got, id, err)
	}
	for _, bad := range [][]byte{
		nil,
		{0x08, 0x01},
		ndn.MustParseName("/other/v=1").AppendTLV(nil),
		name.AppendTLV(nil),
		append(vn.AppendTLV(nil), 0x01, 0x00), // unknown critical element
	} {
		if n, _, err := ParseMetadata(name, bad); err == nil {
			t.Errorf("ParseMetadata(%x) = %s, want an error", bad, n)
		}
	}
}

func FuzzPlaylistRefs(f *testing.F) {
	f.Add("x.m3u8", []byte("#EXTM3U\n#EXT-X-MAP:URI=\"init.mp4\"\n#EXTINF:2,\nseg000.ts\n"))
	f.Add("d/x.mpd", []byte(`<MPD><BaseURL>m/</BaseURL><SegmentURL media="a.m4s"/></MPD>`))
	f.Fuzz(func(t *testing.T, rel string, body []byte) {
		refs, err := PlaylistRefs(rel, body)
		if err != nil {
			return
		}
		for _, r := range refs {
			if r == "" || r == ".." || bytes.HasPrefix([]byte(r), []byte("../")) || r[0] == '/' {
				t.Fatalf("ref %q leaves the stream directory", r)
			}
		}
	})
}

func FuzzCheckMedia(f *testing.F) {
	f.Add("a.ts", bytes.Repeat(append([]byte{0x47}, make([]byte, 187)...), 2))
	f.Add("a.m4s", []byte{0, 0, 0, 8, 'f', 'r', 'e', 'e', 0, 0, 0, 1, 'm', 'd', 'a', 't', 0, 0, 0, 0, 0, 0, 0, 16})
	f.Fuzz(func(t *testing.T, rel string, b []byte) {
		CheckMedia(rel, b)
	})
}

func FuzzParseMetadata(f *testing.F) {
	name := ndn.MustParseName("/a/b.ts")
	f.Add(tlv.AppendElement(name.Append(ndn.VersionComponent(7)).AppendTLV(nil), TtKeyID, []byte{1, 2}))
	f.Fuzz(func(t *testing.T, content []byte) {
		if vn, _, err := ParseMetadata(name, content); err == nil && vn.Len() != name.Len()+1 {
			t.Fatalf("accepted %s", vn)
		}
	})
}

func FuzzDecrypter(f *testing.F) {
	k := testKey(f, 1)
	recs := sealAll(k, testObject, []byte("hello, ciphertext"), 5)
	f.Add(bytes.Join(recs, nil), 7)
	f.Fuzz(func(t *testing.T, b []byte, ws int) {
		ws = max(1, ws%4096)
		out, err := decryptAll(k, testObject, [][]byte{b}, ws)
		if err == nil && !bytes.Equal(out, []byte("hello, ciphertext")) && len(out) > 0 {
			t.Fatalf("forged plaintext %q", out)
		}
	})
}

func BenchmarkSeal(b *testing.B) {
	k := testKey(b, 1)
	plain := make([]byte, recordPlaintext(DefaultChunkSize))
	dst := make([]byte, 0, DefaultChunkSize)
	b.SetBytes(int64(len(plain)))
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		dst = k.seal(dst[:0], testObject, uint64(i), false, plain)
	}
}

func BenchmarkDecrypt(b *testing.B) {
	k := testKey(b, 1)
	plain := make([]byte, 1<<20)
	all := bytes.Join(sealAll(k, testObject, plain, recordPlaintext(DefaultChunkSize)), nil)
	b.SetBytes(int64(len(plain)))
	b.ReportAllocs()
	for b.Loop() {
		d := newDecrypter(k, testObject, discard{})
		for off := 0; off < len(all); off += 16 << 10 {
			d.Write(all[off:min(off+16<<10, len(all))])
		}
		if err := d.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// BenchmarkPublisherAnswer measures answering one segment Interest from
// memory (the producer's per-Interest work, signing done up front).
func BenchmarkPublisherAnswer(b *testing.B) {
	opts := Options{Prefix: ndn.MustParseName("/lab/video/talk")}
	opts.applyDefaults()
	p := &Publisher{opts: opts, log: opts.Logger, files: make(map[string]*file)}
	vn, err := p.PublishFile("v0/seg000.ts", make([]byte, 100*DefaultChunkSize), time.Now())
	if err != nil {
		b.Fatal(err)
	}
	in := &ndn.Interest{Name: vn.Append(ndn.SegmentComponent(42))}
	b.ReportAllocs()
	for b.Loop() {
		d, err := p.handle(context.Background(), in)
		if err != nil || d == nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(DefaultChunkSize)
}
