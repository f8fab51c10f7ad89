package ratelimit

import (
	"fmt"
	"net/http"
	"testing"
	"time"
)

// clock is a hand-advanced time source.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

func TestLimiter(t *testing.T) {
	type step struct {
		advance time.Duration
		key     string
		n       int
		ok      bool
		wait    time.Duration // expected retryAfter when refused
	}
	cases := []struct {
		name  string
		rate  Rate
		steps []step
	}{
		{"ok/burst-then-refused", Rate{PerSecond: 2, Burst: 3}, []step{
			{0, "a", 1, true, 0}, {0, "a", 1, true, 0}, {0, "a", 1, true, 0},
			{0, "a", 1, false, 500 * time.Millisecond},
		}},
		{"ok/refills-at-rate", Rate{PerSecond: 2, Burst: 2}, []step{
			{0, "a", 2, true, 0}, {0, "a", 1, false, 500 * time.Millisecond},
			{500 * time.Millisecond, "a", 1, true, 0}, {0, "a", 1, false, 500 * time.Millisecond},
			{time.Hour, "a", 2, true, 0}, // never more than the burst
			{0, "a", 1, false, 500 * time.Millisecond},
		}},
		{"ok/keys-are-independent", Rate{PerSecond: 1, Burst: 1}, []step{
			{0, "a", 1, true, 0}, {0, "a", 1, false, time.Second}, {0, "b", 1, true, 0},
		}},
		{"ok/more-than-burst-waits-for-a-full-bucket", Rate{PerSecond: 1, Burst: 2}, []step{
			{0, "a", 1, true, 0}, {0, "a", 5, false, time.Second},
			{time.Second, "a", 5, true, 0}, {0, "a", 1, false, time.Second},
		}},
		{"ok/refused-take-takes-nothing", Rate{PerSecond: 1, Burst: 3}, []step{
			{0, "a", 2, true, 0}, {0, "a", 2, false, time.Second}, {0, "a", 1, true, 0},
		}},
		{"ok/burst-below-one-is-one", Rate{PerSecond: 1, Burst: 0}, []step{
			{0, "a", 1, true, 0}, {0, "a", 1, false, time.Second},
		}},
		{"ok/zero-tokens-always-allowed", Rate{PerSecond: 1, Burst: 1}, []step{
			{0, "a", 1, true, 0}, {0, "a", 0, true, 0},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := &clock{t: time.Unix(1_800_000_000, 0)}
			l := newWithClock(tc.rate, c.now)
			for i, s := range tc.steps {
				c.advance(s.advance)
				ok, wait := l.Take(s.key, s.n)
				if ok != s.ok || (!ok && wait != s.wait) {
					t.Fatalf("step %d: Take(%q, %d) = %v, %v; want %v, %v", i, s.key, s.n, ok, wait, s.ok, s.wait)
				}
			}
		})
	}
}

func TestNoLimit(t *testing.T) {
	for _, r := range []Rate{{}, {PerSecond: 0, Burst: 10}, {PerSecond: -1, Burst: 10}} {
		t.Run(fmt.Sprintf("ok/rate-%v", r.PerSecond), func(t *testing.T) {
			l := New(r)
			if l != nil {
				t.Fatalf("New(%+v) = %v, want nil (no limit)", r, l)
			}
			for i := range 1000 {
				if ok, _ := l.Allow("a"); !ok {
					t.Fatalf("call %d refused by a nil limiter", i)
				}
			}
		})
	}
}

func TestMemoryIsBounded(t *testing.T) {
	c := &clock{t: time.Unix(1_800_000_000, 0)}
	l := newWithClock(Rate{PerSecond: 1, Burst: 1}, c.now)
	for i := range MaxBuckets {
		if ok, _ := l.Allow(fmt.Sprintf("ip:%d", i)); !ok {
			t.Fatalf("client %d refused its first call", i)
		}
	}
	t.Run("ok/busy-clients-new-ones-share-a-bucket", func(t *testing.T) {
		if ok, _ := l.Allow("ip:new-1"); !ok {
			t.Fatal("first new client refused")
		}
		if ok, _ := l.Allow("ip:new-2"); ok {
			t.Fatal("second new client got its own bucket beyond MaxBuckets")
		}
		if n := len(l.buckets); n > MaxBuckets+1 {
			t.Fatalf("%d buckets, want at most %d", n, MaxBuckets+1)
		}
	})
	t.Run("ok/idle-buckets-dropped", func(t *testing.T) {
		c.advance(time.Minute)
		if ok, _ := l.Allow("ip:new-3"); !ok {
			t.Fatal("new client refused after every other client went idle")
		}
		if n := len(l.buckets); n != 1 {
			t.Fatalf("%d buckets after the sweep, want 1", n)
		}
	})
}

func TestRetryAfterSeconds(t *testing.T) {
	cases := []struct {
		name string
		in   time.Duration
		want int
	}{
		{"zero-is-one", 0, 1},
		{"below-a-second-is-one", 10 * time.Millisecond, 1},
		{"rounds-up", 1500 * time.Millisecond, 2},
		{"whole", 3 * time.Second, 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := RetryAfterSeconds(tc.in); got != tc.want {
				t.Fatalf("RetryAfterSeconds(%v) = %d, want %d", tc.in, got, tc.want)
			}
		})
	}
}

func TestClientIP(t *testing.T) {
	cases := []struct{ name, remote, xff, want string }{
		{"ipv4", "192.0.2.7:51234", "", "192.0.2.7"},
		{"ipv6", "[2001:db8::1]:443", "", "2001:db8::1"},
		{"no-port", "192.0.2.7", "", "192.0.2.7"},
		{"forwarded-for-ignored", "192.0.2.7:1", "198.51.100.9", "192.0.2.7"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := &http.Request{RemoteAddr: tc.remote, Header: http.Header{}}
			if tc.xff != "" {
				r.Header.Set("X-Forwarded-For", tc.xff)
			}
			if got := ClientIP(r); got != tc.want {
				t.Fatalf("ClientIP(%q) = %q, want %q", tc.remote, got, tc.want)
			}
		})
	}
}
