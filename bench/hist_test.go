package bench

import (
	"testing"
	"time"
)

func TestHistogramQuantiles(t *testing.T) {
	var h Histogram
	for i := 1; i <= 1000; i++ {
		h.Record(time.Duration(i) * time.Microsecond)
	}
	tests := []struct {
		q    float64
		want time.Duration
	}{
		{0.5, 500 * time.Microsecond},
		{0.9, 900 * time.Microsecond},
		{0.99, 990 * time.Microsecond},
		{1, 1000 * time.Microsecond},
	}
	for _, tt := range tests {
		got := h.Quantile(tt.q)
		if d := float64(got-tt.want) / float64(tt.want); d < -1.0/32 || d > 1.0/32 {
			t.Errorf("Quantile(%v) = %v, want %v within 1/32", tt.q, got, tt.want)
		}
	}
	if h.Count() != 1000 || h.Max() != time.Millisecond {
		t.Errorf("Count %d Max %v", h.Count(), h.Max())
	}
	if m := h.Mean(); m != 500500*time.Nanosecond {
		t.Errorf("Mean %v", m)
	}
}

func TestHistogramSmallAndEmpty(t *testing.T) {
	var h Histogram
	if h.Quantile(0.5) != 0 || h.Mean() != 0 || len(h.Buckets()) != 0 {
		t.Fatal("empty histogram is not zero")
	}
	h.Record(-5)
	h.Record(7)
	if h.Quantile(1) != 7 || h.Quantile(0) != 0 {
		t.Errorf("exact small values: q0 %v q1 %v", h.Quantile(0), h.Quantile(1))
	}
	var o Histogram
	o.Record(time.Second)
	h.Merge(&o)
	if h.Count() != 3 || h.Max() != time.Second {
		t.Errorf("after Merge: count %d max %v", h.Count(), h.Max())
	}
	h.Reset()
	if h.Count() != 0 {
		t.Error("Reset kept samples")
	}
}

func TestHistogramBoundsCoverEveryValue(t *testing.T) {
	for _, v := range []uint64{0, 1, 31, 32, 33, 63, 64, 1000, 1 << 20, 1<<40 + 12345, ^uint64(0)} {
		i := histIndex(v)
		lo, hi := histBounds(i)
		if v < lo || v > hi || i >= histBuckets {
			t.Errorf("value %d in bucket %d [%d, %d]", v, i, lo, hi)
		}
	}
}

func TestHistogramRecordDoesNotAllocate(t *testing.T) {
	var h Histogram
	if n := testing.AllocsPerRun(100, func() { h.Record(123 * time.Microsecond) }); n != 0 {
		t.Errorf("Record allocates %v times", n)
	}
}

func BenchmarkHistogramRecord(b *testing.B) {
	b.ReportAllocs()
	var h Histogram
	for i := 0; b.Loop(); i++ {
		h.Record(time.Duration(i))
	}
}
