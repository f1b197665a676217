package dnl_test

import (
	"testing"

	"github.com/ndnflow/ndnflow/forwarder/dnl"
)

func TestLifetimeAndCapacity(t *testing.T) {
	l := dnl.New(6e9, 4)
	k := dnl.Key(12345, 7)
	if k == dnl.Key(12345, 8) || k == dnl.Key(12346, 7) {
		t.Fatal("Key does not depend on both inputs")
	}
	l.Add(k, 0)
	if !l.Has(k, 5e9) {
		t.Error("record gone before lifetime")
	}
	if l.Has(k, 6e9) {
		t.Error("record present after lifetime")
	}
	for i := range uint32(10) {
		l.Add(dnl.Key(1, i), 7e9)
	}
	if l.Len() != 4 || l.Evicted != 6 {
		t.Errorf("Len=%d Evicted=%d, want 4 and 6", l.Len(), l.Evicted)
	}
	if l.Has(dnl.Key(1, 0), 7e9) || !l.Has(dnl.Key(1, 9), 7e9) {
		t.Error("capacity did not evict the oldest")
	}
}

func BenchmarkAddHas(b *testing.B) {
	l := dnl.New(0, 0)
	b.ReportAllocs()
	now := int64(0)
	for i := 0; b.Loop(); i++ {
		now += 1000
		k := dnl.Key(uint64(i), uint32(i))
		l.Add(k, now)
		l.Has(k, now)
	}
}
