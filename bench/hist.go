package bench

import (
	"math"
	"math/bits"
	"time"
)

// histBuckets is the number of Histogram buckets: 32 exact buckets for
// 0-31 ns, then 16 sub-buckets per power of two up to 2^64 ns.
const histBuckets = 32 + 59*16

// Histogram records durations in log-linear buckets (relative error at most
// 1/32) in a fixed array, so recording never allocates. The zero value is an
// empty histogram. It is not safe for concurrent use: each flow owns one and
// the runner merges them after the flows stop.
type Histogram struct {
	counts [histBuckets]uint64
	n      uint64
	sum    uint64 // nanoseconds
	max    uint64
}

func histIndex(v uint64) int {
	if v < 32 {
		return int(v)
	}
	shift := bits.Len64(v) - 5
	return 32 + (shift-1)*16 + int((v>>shift)&15)
}

// histBounds returns the smallest and largest value of bucket i.
func histBounds(i int) (lo, hi uint64) {
	if i < 32 {
		return uint64(i), uint64(i)
	}
	shift := (i-32)/16 + 1
	m := uint64((i-32)%16 + 16)
	lo = m << shift
	return lo, lo + (1 << shift) - 1
}

// Record adds one duration; negative durations count as zero.
func (h *Histogram) Record(d time.Duration) {
	v := uint64(0)
	if d > 0 {
		v = uint64(d)
	}
	h.counts[histIndex(v)]++
	h.n++
	h.sum += v
	if v > h.max {
		h.max = v
	}
}

// Merge adds every sample of o to h.
func (h *Histogram) Merge(o *Histogram) {
	for i, c := range o.counts {
		h.counts[i] += c
	}
	h.n += o.n
	h.sum += o.sum
	h.max = max(h.max, o.max)
}

// Reset empties h.
func (h *Histogram) Reset() { *h = Histogram{} }

// Count returns the number of samples.
func (h *Histogram) Count() uint64 { return h.n }

// Mean returns the mean duration, 0 when empty.
func (h *Histogram) Mean() time.Duration {
	if h.n == 0 {
		return 0
	}
	return time.Duration(h.sum / h.n)
}

// Max returns the largest duration recorded.
func (h *Histogram) Max() time.Duration { return time.Duration(h.max) }

// Quantile returns an estimate of the q-quantile (0 ≤ q ≤ 1): the midpoint
// of the bucket holding it, capped at Max. It returns 0 when empty.
func (h *Histogram) Quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	q = math.Min(math.Max(q, 0), 1)
	rank := uint64(math.Ceil(q * float64(h.n)))
	rank = max(rank, 1)
	var cum uint64
	for i, c := range h.counts {
		cum += c
		if cum >= rank {
			lo, hi := histBounds(i)
			return time.Duration(min(lo+(hi-lo)/2, h.max))
		}
	}
	return time.Duration(h.max)
}

// Buckets returns the non-empty buckets as (upper bound in microseconds,
// count) pairs in increasing order, for plotting a distribution.
func (h *Histogram) Buckets() [][2]float64 {
	var out [][2]float64
	for i, c := range h.counts {
		if c == 0 {
			continue
		}
		_, hi := histBounds(i)
		out = append(out, [2]float64{float64(hi) / 1e3, float64(c)})
	}
	return out
}
