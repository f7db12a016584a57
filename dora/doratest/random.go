package doratest

import (
	"encoding/binary"
	"encoding/hex"
	"math"
	"math/rand/v2"
	"time"
)

// rng is the seeded source of one repository's history; every draw goes through it, so the
// history of a repository depends only on the org and the repository's index.
type rng struct {
	*rand.Rand
	seed, stream uint64
	shas         uint64
}

func newRNG(seed int64, stream int) *rng {
	s := uint64(seed)
	st := uint64(stream)*0x9e3779b97f4a7c15 + 0x632be59bd9b4e019
	return &rng{Rand: rand.New(rand.NewPCG(s, st)), seed: s, stream: st}
}

// chance reports true with probability p.
func (r *rng) chance(p float64) bool { return p > 0 && r.Float64() < p }

// between draws a duration uniformly from [lo, hi).
func (r *rng) between(lo, hi time.Duration) time.Duration {
	if hi <= lo {
		return lo
	}
	return lo + time.Duration(r.Int64N(int64(hi-lo)))
}

// lognormal draws a duration with the given median and spread (sigma of the log), clamped to
// [lo, hi]: the long tail of review and restore times.
func (r *rng) lognormal(median time.Duration, sigma float64, lo, hi time.Duration) time.Duration {
	d := time.Duration(float64(median) * math.Exp(sigma*r.NormFloat64()))
	return min(max(d, lo), hi)
}

// poisson draws a count with mean lambda (Knuth's method; lambda is small here).
func (r *rng) poisson(lambda float64) int {
	if lambda <= 0 {
		return 0
	}
	l, k, p := math.Exp(-lambda), 0, 1.0
	for {
		p *= r.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

// pick returns an index drawn with the given weights, or -1 when they are all zero.
func (r *rng) pick(weights ...float64) int {
	var sum float64
	for _, w := range weights {
		sum += w
	}
	if sum <= 0 {
		return -1
	}
	x := r.Float64() * sum
	for i, w := range weights {
		if x < w {
			return i
		}
		x -= w
	}
	return len(weights) - 1
}

func oneOf[T any](r *rng, xs []T) T { return xs[r.IntN(len(xs))] }

// sha returns the next commit id of the repository: 40 hex digits derived from the seed, the
// repository and a counter, unique in practice and stable across runs.
func (r *rng) sha() string {
	r.shas++
	var b [24]byte
	x := r.seed ^ r.stream
	for i := range 3 {
		binary.BigEndian.PutUint64(b[i*8:], splitmix(x+r.shas*0xbf58476d1ce4e5b9+uint64(i)*0x94d049bb133111eb))
	}
	return hex.EncodeToString(b[:20])
}

func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}
