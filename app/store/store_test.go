package store_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/ndnflow/ndnflow/app/store"
	"github.com/ndnflow/ndnflow/ndn"
	bolt "go.etcd.io/bbolt"
)

func seg(n uint64) []byte { return []byte(fmt.Sprintf("wire-of-segment-%d", n)) }

func segments(count uint64, failAt int64) func(yield func(uint64, []byte) error) error {
	return func(yield func(uint64, []byte) error) error {
		for i := range count {
			if int64(i) == failAt {
				return errors.New("source failed")
			}
			if err := yield(i, seg(i)); err != nil {
				return err
			}
		}
		return nil
	}
}

func TestPutGet(t *testing.T) {
	dir := t.TempDir()
	s, err := store.Open(dir, store.Options{BatchBytes: 100})
	if err != nil {
		t.Fatal(err)
	}
	v1 := ndn.MustParseName("/a/b/v=1")
	v2 := ndn.MustParseName("/a/b/v=2")
	for _, v := range []ndn.Name{v1, v2} {
		final, err := s.Put(v, segments(50, -1))
		if err != nil || final != 49 {
			t.Fatalf("Put %s: final %d err %v", v, final, err)
		}
	}
	// A failed Put leaves nothing behind.
	v3 := ndn.MustParseName("/a/b/v=3")
	if _, err := s.Put(v3, segments(50, 20)); err == nil {
		t.Fatal("Put with a failing source succeeded")
	}
	if got, ok := s.Latest(ndn.MustParseName("/a/b")); !ok || !got.Equal(v2) {
		t.Fatalf("Latest = %s %v, want %s", got, ok, v2)
	}
	s.Close()

	// Reopen: everything complete is still served.
	s, err = store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i := range uint64(50) {
		w, err := s.Get(v1, i, nil)
		if err != nil || !bytes.Equal(w, seg(i)) {
			t.Fatalf("Get %d: %q %v", i, w, err)
		}
	}
	if _, err := s.Get(v1, 50, nil); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Get beyond end: %v", err)
	}
	if _, err := s.Get(v3, 0, nil); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Get of failed object: %v", err)
	}
	if f, ok := s.Final(v2); !ok || f != 49 {
		t.Errorf("Final = %d %v", f, ok)
	}
	if n := len(s.List()); n != 2 {
		t.Errorf("List has %d objects, want 2", n)
	}
}

// TestCorruptSegment flips a byte inside a stored segment behind the
// store's back: Get must refuse it.
func TestCorruptSegment(t *testing.T) {
	dir := t.TempDir()
	s, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	v := ndn.MustParseName("/c/v=1")
	if _, err := s.Put(v, segments(3, -1)); err != nil {
		t.Fatal(err)
	}
	s.Close()
	db, err := bolt.Open(filepath.Join(dir, store.FileName), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("segments")).Bucket(v.Value())
		k := []byte{0, 0, 0, 0, 0, 0, 0, 1}
		val := bytes.Clone(b.Get(k))
		val[len(val)-1] ^= 0xFF
		return b.Put(k, val)
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	s, err = store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Get(v, 1, nil); !errors.Is(err, store.ErrCorrupt) {
		t.Fatalf("corrupt segment: err %v, want ErrCorrupt", err)
	}
	if _, err := s.Get(v, 0, nil); err != nil {
		t.Fatalf("intact segment: %v", err)
	}
}

// TestCrashMidPut kills a process in the middle of a Put (after some
// batches were committed) and checks that the reopened store does not
// serve the partial object.
func TestCrashMidPut(t *testing.T) {
	if dir := os.Getenv("STORE_CRASH_DIR"); dir != "" {
		s, err := store.Open(dir, store.Options{BatchBytes: 64})
		if err != nil {
			os.Exit(3)
		}
		s.Put(ndn.MustParseName("/crash/v=1"), func(yield func(uint64, []byte) error) error {
			for i := range uint64(100) {
				if i == 60 {
					os.Exit(7) // crash with 50+ segments committed
				}
				if err := yield(i, seg(i)); err != nil {
					return err
				}
			}
			return nil
		})
		os.Exit(0)
	}
	dir := t.TempDir()
	s, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Put(ndn.MustParseName("/ok/v=1"), segments(5, -1)); err != nil {
		t.Fatal(err)
	}
	s.Close()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashMidPut$")
	cmd.Env = append(os.Environ(), "STORE_CRASH_DIR="+dir)
	err = cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 7 {
		t.Fatalf("child did not crash as planned: %v", err)
	}
	s, err = store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, o := range s.List() {
		if o.Name.String() == "/crash/v=1" {
			t.Errorf("partial object survived reopening: %+v", o)
		}
	}
	if _, err := s.Get(ndn.MustParseName("/crash/v=1"), 0, nil); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("partial object served: %v", err)
	}
	if _, err := s.Get(ndn.MustParseName("/ok/v=1"), 4, nil); err != nil {
		t.Errorf("complete object lost: %v", err)
	}
}
