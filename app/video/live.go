package video

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// WatchOptions configures Publisher.Watch. The zero value is usable.
type WatchOptions struct {
	// Debounce is how long Watch waits after the last change of a file
	// before reading it; default 50 ms.
	Debounce time.Duration
	// Settle is how long a media file that no playlist names yet must keep
	// its size (and pass CheckMedia) before it is published, for DASH
	// SegmentTemplate streams whose manifest names no file; default 1 s.
	Settle time.Duration
	// RefWait is how long a new playlist version may name files that are
	// missing or incomplete before Watch reports it (it keeps the previous
	// version and retries every second); default 2 s.
	RefWait time.Duration
}

func (o *WatchOptions) applyDefaults() {
	if o.Debounce <= 0 {
		o.Debounce = 50 * time.Millisecond
	}
	if o.Settle <= 0 {
		o.Settle = time.Second
	}
	if o.RefWait <= 0 {
		o.RefWait = 2 * time.Second
	}
}

// pubState is what Watch published of a file.
type pubState struct {
	size    int64
	modTime time.Time
	body    []byte // playlists only
}

// watchState is the state of one Watch; owned by its goroutine.
type watchState struct {
	p        *Publisher
	dir      string
	opts     WatchOptions
	w        *fsnotify.Watcher
	due      map[string]time.Time // rel → when to look at it
	pub      map[string]pubState
	seen     map[string]pubState // media: size last seen and since when (modTime field)
	waiting  map[string]time.Time
	reported map[string]string // playlist rel → body of the version already reported bad
}

// Watch publishes a live stream that a packager writes into dir, until ctx
// ends. It publishes what is already there, then:
//   - a playlist or manifest is published as a new version each time its
//     content changes, but only once every local file it names is
//     published; before that, each named media file that is new or changed
//     is checked complete (CheckMedia) and published. A version naming a
//     missing or incomplete file for longer than RefWait is reported
//     (logged, Counters.Rejected) and not published; viewers keep the
//     previous version;
//   - a media file no playlist names is published when its size has been
//     stable for Settle and it passes CheckMedia;
//   - a deleted media file stops being served.
//
// Hidden files and *.tmp files (packagers write and rename them) are
// ignored. Watch returns ErrNoDirectory if dir is missing, or the watcher's
// error.
func (p *Publisher) Watch(ctx context.Context, dir string, opts WatchOptions) error {
	opts.applyDefaults()
	st, err := os.Stat(dir)
	if err != nil || !st.IsDir() {
		if err == nil {
			err = errors.New("is a file")
		}
		return fmt.Errorf("%w: %s: %w", ErrNoDirectory, dir, err)
	}
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("video: watching %s: %w", dir, err)
	}
	defer w.Close()
	s := &watchState{
		p: p, dir: dir, opts: opts, w: w,
		due: make(map[string]time.Time), pub: make(map[string]pubState), seen: make(map[string]pubState),
		waiting: make(map[string]time.Time), reported: make(map[string]string),
	}
	if err := s.addTree(dir); err != nil {
		return err
	}
	tick := time.NewTicker(25 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case err, ok := <-w.Errors:
			if !ok {
				return nil
			}
			return fmt.Errorf("video: watching %s: %w", dir, err)
		case ev, ok := <-w.Events:
			if !ok {
				return nil
			}
			s.event(ev)
		case now := <-tick.C:
			s.runDue(now)
		}
	}
}

// addTree watches d and its subdirectories and schedules the files in them.
func (s *watchState) addTree(d string) error {
	return filepath.WalkDir(d, func(path string, e os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if path != s.dir && strings.HasPrefix(e.Name(), ".") {
			if e.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if e.IsDir() {
			if err := s.w.Add(path); err != nil {
				return fmt.Errorf("video: watching %s: %w", path, err)
			}
			return nil
		}
		if e.Type().IsRegular() && !skipFile(e.Name()) {
			s.schedule(path, 0)
		}
		return nil
	})
}

func (s *watchState) rel(abs string) (string, bool) {
	r, err := filepath.Rel(s.dir, abs)
	if err != nil || r == "." || strings.HasPrefix(r, "..") {
		return "", false
	}
	return filepath.ToSlash(r), true
}

func (s *watchState) schedule(abs string, after time.Duration) {
	rel, ok := s.rel(abs)
	if !ok {
		return
	}
	s.due[rel] = time.Now().Add(after)
}

func (s *watchState) event(ev fsnotify.Event) {
	base := filepath.Base(ev.Name)
	if skipFile(base) {
		return
	}
	if ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename) {
		if _, err := os.Stat(ev.Name); err == nil {
			s.schedule(ev.Name, s.opts.Debounce)
			return
		}
		if rel, ok := s.rel(ev.Name); ok && !IsPlaylist(rel) {
			if _, published := s.pub[rel]; published {
				s.p.Remove(rel)
				delete(s.pub, rel)
			}
			delete(s.seen, rel)
			delete(s.due, rel)
		}
		return
	}
	if ev.Has(fsnotify.Create) {
		if fi, err := os.Stat(ev.Name); err == nil && fi.IsDir() {
			if err := s.addTree(ev.Name); err != nil {
				s.p.log.Warn("watching a new directory", "dir", ev.Name, "err", err)
			}
			return
		}
	}
	if ev.Has(fsnotify.Create) || ev.Has(fsnotify.Write) {
		s.schedule(ev.Name, s.opts.Debounce)
	}
}

func (s *watchState) runDue(now time.Time) {
	var ready []string
	for rel, at := range s.due {
		if !at.After(now) {
			ready = append(ready, rel)
		}
	}
	// Media before playlists, so a playlist finds its files published.
	for _, pass := range []bool{false, true} {
		for _, rel := range ready {
			if IsPlaylist(rel) != pass {
				continue
			}
			delete(s.due, rel)
			if pass {
				s.playlist(rel, now)
			} else {
				s.media(rel, now)
			}
		}
	}
}

func (s *watchState) abs(rel string) string { return filepath.Join(s.dir, filepath.FromSlash(rel)) }

// media handles a media file no playlist has claimed yet: publish it once
// its size has been stable for Settle.
func (s *watchState) media(rel string, now time.Time) {
	fi, err := os.Stat(s.abs(rel))
	if err != nil || !fi.Mode().IsRegular() {
		return
	}
	if ps, ok := s.pub[rel]; ok && ps.size == fi.Size() && ps.modTime.Equal(fi.ModTime()) {
		return
	}
	seen, ok := s.seen[rel]
	if !ok || seen.size != fi.Size() {
		s.seen[rel] = pubState{size: fi.Size(), modTime: now}
		s.due[rel] = now.Add(s.opts.Settle)
		return
	}
	if now.Sub(seen.modTime) < s.opts.Settle {
		s.due[rel] = seen.modTime.Add(s.opts.Settle)
		return
	}
	if err := s.publishMedia(rel); err != nil {
		// Still being written or truncated: a later event retries.
		s.p.log.Debug("media file not published yet", "file", rel, "err", err)
	}
}

// publishMedia publishes a media file if it is new or changed and complete.
func (s *watchState) publishMedia(rel string) error {
	abs := s.abs(rel)
	fi, err := os.Stat(abs)
	if err != nil {
		return fmt.Errorf("%w: %s: %w", ErrMissingReference, rel, err)
	}
	if ps, ok := s.pub[rel]; ok && ps.size == fi.Size() && ps.modTime.Equal(fi.ModTime()) {
		return nil
	}
	body, err := os.ReadFile(abs)
	if err != nil {
		return fmt.Errorf("%w: %s: %w", ErrMissingReference, rel, err)
	}
	if err := CheckMedia(rel, body); err != nil {
		return err
	}
	if _, err := s.p.PublishFile(rel, body, fi.ModTime()); err != nil {
		return err
	}
	s.pub[rel] = pubState{size: int64(len(body)), modTime: fi.ModTime()}
	delete(s.seen, rel)
	return nil
}

// playlist publishes a new playlist version once all it names is published.
func (s *watchState) playlist(rel string, now time.Time) {
	abs := s.abs(rel)
	body, err := os.ReadFile(abs)
	if err != nil {
		return // gone (being replaced): the Create event reschedules it
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return
	}
	if ps, ok := s.pub[rel]; ok && bytes.Equal(ps.body, body) {
		delete(s.waiting, rel)
		return
	}
	refs, err := PlaylistRefs(rel, body)
	if err == nil {
		for _, ref := range refs {
			if IsPlaylist(ref) {
				if _, ok := s.pub[ref]; !ok {
					err = fmt.Errorf("%w: %s names %s, which is not published yet", ErrMissingReference, rel, ref)
					s.schedule(s.abs(ref), 0)
					break
				}
				continue
			}
			if err = s.publishMedia(ref); err != nil {
				if errors.Is(err, ErrMissingReference) {
					err = fmt.Errorf("%w: %s names %s, which does not exist", ErrMissingReference, rel, ref)
				}
				break
			}
		}
	}
	if err != nil {
		since, ok := s.waiting[rel]
		if !ok {
			since = now
			s.waiting[rel] = now
		}
		if now.Sub(since) < s.opts.RefWait {
			s.due[rel] = now.Add(100 * time.Millisecond)
			return
		}
		if s.reported[rel] != string(body) {
			s.reported[rel] = string(body)
			s.p.Counters.Rejected.Add(1)
			s.p.log.Error("not publishing this playlist version; viewers keep the previous one", "file", rel, "err", err)
		}
		s.due[rel] = now.Add(time.Second)
		return
	}
	delete(s.waiting, rel)
	delete(s.reported, rel)
	if _, err := s.p.PublishFile(rel, body, fi.ModTime()); err != nil {
		s.p.log.Error("publishing playlist", "file", rel, "err", err)
		return
	}
	s.pub[rel] = pubState{size: int64(len(body)), modTime: fi.ModTime(), body: body}
	if err := s.p.publishCatalog(); err != nil {
		s.p.log.Warn("publishing the catalog", "err", err)
	}
}
