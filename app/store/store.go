// Package store keeps signed segments of published objects on disk, so a
// producer serves them again after a restart without reading the source or
// signing anything.
//
// It is built on bbolt (go.etcd.io/bbolt): one file, a B+tree with
// copy-on-write pages and a checksummed meta page, so a committed
// transaction is all there or not at all after a crash, and readers never
// block the writer. See docs/library.md for why it was chosen.
//
// Layout: bucket "objects" maps a versioned name (its TLV-VALUE) to its
// state (complete flag, last segment number); bucket "segments" holds one
// nested bucket per object mapping the 8-octet big-endian segment number to
// CRC-32C ‖ Data wire. An object is written in batches of transactions and
// marked complete in the last one; Open deletes objects left incomplete by
// a crash, Get serves only complete objects and checks every segment's
// CRC, so no partial or corrupt segment is ever served.
//
// A Store is safe for concurrent use; one process may open a directory at a
// time (bbolt locks the file).
package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"time"

	"github.com/ndnflow/ndnflow/ndn"
	bolt "go.etcd.io/bbolt"
)

// Sentinel errors; compare with errors.Is.
var (
	// ErrNotFound means the object is not in the store, not complete, or
	// has no such segment.
	ErrNotFound = errors.New("store: not found")
	// ErrCorrupt means a stored segment failed its checksum.
	ErrCorrupt = errors.New("store: corrupt segment")
)

// FileName is the database file inside the store directory.
const FileName = "segments.db"

var (
	bucketObjects  = []byte("objects")
	bucketSegments = []byte("segments")
	castagnoli     = crc32.MakeTable(crc32.Castagnoli)
)

// Options configures Open. The zero value is usable.
type Options struct {
	// BatchBytes is how many bytes of segments go into one write
	// transaction (one fsync); default 8 MiB.
	BatchBytes int
	// NoSync skips fsync (tests only: a crash may then lose committed data,
	// though never serve a corrupt segment).
	NoSync bool
}

// Store is an on-disk segment store.
type Store struct {
	db   *bolt.DB
	opts Options
}

// ObjectInfo describes a stored object.
type ObjectInfo struct {
	Name     ndn.Name // versioned name
	Final    uint64
	Complete bool
}

// Open opens (creating if needed) the store in directory dir and removes
// objects a crash left incomplete.
func Open(dir string, opts Options) (*Store, error) {
	if opts.BatchBytes <= 0 {
		opts.BatchBytes = 8 << 20
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	db, err := bolt.Open(filepath.Join(dir, FileName), 0o600, &bolt.Options{
		Timeout:        time.Second,
		NoFreelistSync: true,
		FreelistType:   bolt.FreelistMapType,
		NoSync:         opts.NoSync,
	})
	if err != nil {
		return nil, fmt.Errorf("store: opening %s: %w", dir, err)
	}
	s := &Store{db: db, opts: opts}
	err = db.Update(func(tx *bolt.Tx) error {
		objs, err := tx.CreateBucketIfNotExists(bucketObjects)
		if err != nil {
			return err
		}
		segs, err := tx.CreateBucketIfNotExists(bucketSegments)
		if err != nil {
			return err
		}
		var stale [][]byte
		objs.ForEach(func(k, v []byte) error {
			if len(v) < 1 || v[0] != 1 {
				stale = append(stale, bytes.Clone(k))
			}
			return nil
		})
		for _, k := range stale {
			objs.Delete(k)
			if segs.Bucket(k) != nil {
				segs.DeleteBucket(k)
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("store: %w", err)
	}
	return s, nil
}

// Close closes the database file.
func (s *Store) Close() error { return s.db.Close() }

func encodeMeta(complete bool, final uint64) []byte {
	b := make([]byte, 9)
	if complete {
		b[0] = 1
	}
	binary.BigEndian.PutUint64(b[1:], final)
	return b
}

func segKey(seg uint64) []byte { return binary.BigEndian.AppendUint64(nil, seg) }

// Put stores the segments segments yields under versioned, replacing any
// object of that name, and marks it complete when all are written; it
// returns the last segment number. If segments or a write fails, the
// partial object is removed.
func (s *Store) Put(versioned ndn.Name, segments func(yield func(seg uint64, wire []byte) error) error) (uint64, error) {
	key := bytes.Clone(versioned.Value())
	err := s.db.Update(func(tx *bolt.Tx) error {
		segs := tx.Bucket(bucketSegments)
		if segs.Bucket(key) != nil {
			if err := segs.DeleteBucket(key); err != nil {
				return err
			}
		}
		if _, err := segs.CreateBucket(key); err != nil {
			return err
		}
		return tx.Bucket(bucketObjects).Put(key, encodeMeta(false, 0))
	})
	if err != nil {
		return 0, fmt.Errorf("store: %w", err)
	}
	type item struct {
		seg uint64
		v   []byte
	}
	var batch []item
	batchBytes := 0
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := s.db.Update(func(tx *bolt.Tx) error {
			b := tx.Bucket(bucketSegments).Bucket(key)
			if b == nil {
				return ErrNotFound
			}
			b.FillPercent = 1 // keys arrive in order
			for _, it := range batch {
				if err := b.Put(segKey(it.seg), it.v); err != nil {
					return err
				}
			}
			return nil
		})
		batch, batchBytes = batch[:0], 0
		return err
	}
	var final uint64
	var any bool
	err = segments(func(seg uint64, wire []byte) error {
		v := binary.BigEndian.AppendUint32(make([]byte, 0, 4+len(wire)), crc32.Checksum(wire, castagnoli))
		batch = append(batch, item{seg, append(v, wire...)})
		batchBytes += len(v) + len(wire)
		if !any || seg > final {
			final, any = seg, true
		}
		if batchBytes >= s.opts.BatchBytes {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err == nil && !any {
		err = fmt.Errorf("store: %s has no segments", versioned)
	}
	if err == nil {
		err = s.db.Update(func(tx *bolt.Tx) error {
			return tx.Bucket(bucketObjects).Put(key, encodeMeta(true, final))
		})
	}
	if err != nil {
		s.Delete(versioned)
		return 0, err
	}
	return final, nil
}

// Get appends the Data wire of segment seg of the complete object versioned
// to dst.
func (s *Store) Get(versioned ndn.Name, seg uint64, dst []byte) ([]byte, error) {
	err := s.db.View(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketObjects).Get(versioned.Value())
		if len(meta) != 9 || meta[0] != 1 {
			return ErrNotFound
		}
		b := tx.Bucket(bucketSegments).Bucket(versioned.Value())
		if b == nil {
			return ErrNotFound
		}
		v := b.Get(segKey(seg))
		if v == nil {
			return ErrNotFound
		}
		if len(v) < 4 || crc32.Checksum(v[4:], castagnoli) != binary.BigEndian.Uint32(v) {
			return fmt.Errorf("%w: %s segment %d", ErrCorrupt, versioned, seg)
		}
		dst = append(dst, v[4:]...)
		return nil
	})
	return dst, err
}

// Final returns the last segment number of a complete object.
func (s *Store) Final(versioned ndn.Name) (final uint64, ok bool) {
	s.db.View(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketObjects).Get(versioned.Value())
		if len(meta) == 9 && meta[0] == 1 {
			final, ok = binary.BigEndian.Uint64(meta[1:]), true
		}
		return nil
	})
	return final, ok
}

// Latest returns the complete object with the highest version under prefix
// (prefix plus one version component).
func (s *Store) Latest(prefix ndn.Name) (versioned ndn.Name, ok bool) {
	var best uint64
	s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketObjects).Cursor()
		pv := prefix.Value()
		for k, v := c.Seek(pv); k != nil && bytes.HasPrefix(k, pv); k, v = c.Next() {
			if len(v) != 9 || v[0] != 1 {
				continue
			}
			n, err := ndn.NameFromValue(k)
			if err != nil || n.Len() != prefix.Len()+1 || n.At(-1).Type != ndn.TtVersionNameComponent {
				continue
			}
			if ver, vok := n.At(-1).Number(); vok && (!ok || ver > best) {
				best, ok, versioned = ver, true, n.Clone()
			}
		}
		return nil
	})
	return versioned, ok
}

// List returns every object in the store, complete or not.
func (s *Store) List() []ObjectInfo {
	var out []ObjectInfo
	s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketObjects).ForEach(func(k, v []byte) error {
			n, err := ndn.NameFromValue(k)
			if err != nil || len(v) != 9 {
				return nil
			}
			out = append(out, ObjectInfo{Name: n.Clone(), Final: binary.BigEndian.Uint64(v[1:]), Complete: v[0] == 1})
			return nil
		})
	})
	return out
}

// Delete removes an object.
func (s *Store) Delete(versioned ndn.Name) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		key := versioned.Value()
		tx.Bucket(bucketObjects).Delete(key)
		if tx.Bucket(bucketSegments).Bucket(key) != nil {
			return tx.Bucket(bucketSegments).DeleteBucket(key)
		}
		return nil
	})
}
