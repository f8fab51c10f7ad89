// Package ratelimit holds the token-bucket limiter that the GraphQL API and
// the plain HTTP routes charge their callers to, keyed by client (an IP, an
// API key), with memory bounded whatever the number of clients.
package ratelimit

import (
	"math"
	"net"
	"net/http"
	"sync"
	"time"
)

// Rate is a token bucket's refill rate and size. A PerSecond of zero (or
// less) means no limit.
type Rate struct {
	PerSecond float64
	Burst     int
}

// MaxBuckets bounds a limiter's memory; beyond it, idle buckets are
// dropped, and when none is idle new clients share one bucket.
const MaxBuckets = 100_000

// overflowKey is the bucket that new clients share when MaxBuckets busy
// clients already have one. It cannot collide with a caller's key, which
// callers prefix ("ip:", "holder:", ...).
const overflowKey = "\x00overflow"

// bucket is a token bucket.
type bucket struct {
	tokens float64
	last   time.Time
}

// Limiter is a set of token buckets, one per key, each starting full.
// A nil *Limiter allows everything. It is safe for concurrent use.
type Limiter struct {
	rate  float64
	burst float64
	now   func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
}

// New returns a limiter for r, or nil (no limit) when r.PerSecond <= 0.
// A burst below one is one.
func New(r Rate) *Limiter {
	return newWithClock(r, time.Now)
}

func newWithClock(r Rate, now func() time.Time) *Limiter {
	if r.PerSecond <= 0 {
		return nil
	}
	return &Limiter{rate: r.PerSecond, burst: float64(max(r.Burst, 1)), now: now, buckets: map[string]*bucket{}}
}

// Allow takes one token from key's bucket. When the bucket is empty it
// takes none and says how long until a token is back.
func (l *Limiter) Allow(key string) (ok bool, retryAfter time.Duration) {
	return l.Take(key, 1)
}

// Take takes n tokens from key's bucket; when there are not enough, it
// takes none and says how long until there would be. A request of more
// than the burst waits for a full bucket and empties it.
func (l *Limiter) Take(key string, n int) (ok bool, retryAfter time.Duration) {
	if l == nil || n <= 0 {
		return true, 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b := l.buckets[key]
	if b == nil {
		if len(l.buckets) >= MaxBuckets {
			l.sweep(now)
		}
		if len(l.buckets) >= MaxBuckets {
			key = overflowKey
			b = l.buckets[key]
		}
		if b == nil {
			b = &bucket{tokens: l.burst, last: now}
			l.buckets[key] = b
		}
	}
	b.tokens = math.Min(l.burst, b.tokens+now.Sub(b.last).Seconds()*l.rate)
	b.last = now
	need := math.Min(float64(n), l.burst)
	if b.tokens >= need {
		b.tokens -= need
		return true, 0
	}
	return false, time.Duration((need - b.tokens) / l.rate * float64(time.Second))
}

// sweep drops buckets that are full again (their clients have been idle).
func (l *Limiter) sweep(now time.Time) {
	for k, b := range l.buckets {
		if b.tokens+now.Sub(b.last).Seconds()*l.rate >= l.burst {
			delete(l.buckets, k)
		}
	}
}

// RetryAfterSeconds is retryAfter rounded up to whole seconds, at least
// one: the value of a Retry-After header.
func RetryAfterSeconds(retryAfter time.Duration) int {
	return max(int(math.Ceil(retryAfter.Seconds())), 1)
}

// ClientIP is the request's TCP peer address without the port. Headers
// such as X-Forwarded-For are ignored: a client could forge them, so a
// proxy in front must be trusted with its own limits.
func ClientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
