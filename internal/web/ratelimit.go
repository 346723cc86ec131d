package web

import (
	"math"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
)

// A script with a password or an API token could send commands as fast
// as the server commits them and grow the data file by tens of megabytes
// a second. Changes are therefore rate-limited per person and per API
// token, with two token buckets each: one counts requests, one the bytes
// of their bodies (a command may carry up to a 1 MiB body). A request
// over either is answered 429 rate_limited with Retry-After, and changes
// nothing.
//
// The limits are far above what people do: a busy advisor sends a
// command every few seconds at most, a technician at the kiosk a few a
// minute, and the demo's simulator, the busiest actor there is, at most
// a handful a second for one person at its fastest clock (docs/API.md
// gives the figures).

// CommandLimit is how many changes a person (or an API token) may send.
type CommandLimit struct {
	// PerSecond is the sustained rate; 0 turns the limit off.
	PerSecond float64
	// Burst is how many may come at once after a quiet spell.
	Burst int
	// BytesPerSecond and BurstBytes bound the request bodies alike.
	BytesPerSecond float64
	BurstBytes     int
}

// DefaultCommandLimit lets a person send 10 changes a second, 100 at
// once, and 256 KiB of bodies a second, 4 MiB at once: a data file then
// grows at most by about half a megabyte a second per script (the body
// and its event), not by tens.
var DefaultCommandLimit = CommandLimit{PerSecond: 10, Burst: 100, BytesPerSecond: 256 << 10, BurstBytes: 4 << 20}

// CommandLimitAt is the default limit at another sustained rate, with a
// burst of ten seconds' worth; a rate of 0 or less turns it off.
func CommandLimitAt(perSecond float64) CommandLimit {
	if perSecond <= 0 {
		return CommandLimit{PerSecond: -1}
	}
	l := DefaultCommandLimit
	l.PerSecond, l.Burst = perSecond, max(1, int(10*perSecond))
	return l
}

// bucket is a token bucket: it holds up to burst tokens, refilled at rate
// a second, as of at.
type bucket struct {
	tokens float64
	at     time.Time
}

// fill brings the bucket to now.
func (b *bucket) fill(now time.Time, rate, burst float64) {
	if dt := now.Sub(b.at).Seconds(); dt > 0 {
		b.tokens = math.Min(burst, b.tokens+dt*rate)
	}
	b.at = now
}

// wait is how long until the bucket holds n tokens (0 if it does now).
func (b *bucket) wait(n, rate float64) time.Duration {
	if b.tokens >= n {
		return 0
	}
	return time.Duration((n - b.tokens) / rate * float64(time.Second))
}

// limiter holds the buckets of everyone who has sent a change lately, on
// an injected clock (the wall clock: limits are about real seconds, not
// the demo's faster shop time).
type limiter struct {
	limit CommandLimit
	clock func() time.Time

	mu      sync.Mutex
	buckets map[string]*[2]bucket // requests, bytes
}

func newLimiter(limit CommandLimit, clock func() time.Time) *limiter {
	return &limiter{limit: limit, clock: clock, buckets: map[string]*[2]bucket{}}
}

// maxIdleBuckets is how many buckets are kept before full ones (whose
// owner has been quiet long enough to have every token back) are dropped.
const maxIdleBuckets = 1000

// take spends one request and size bytes from the keys' buckets, or
// from none of them: it answers how long to wait when one is short. A
// body larger than the byte burst is judged against a full bucket, so
// that it waits instead of never passing.
func (l *limiter) take(size int, keys ...string) (wait time.Duration) {
	if l.limit.PerSecond <= 0 {
		return 0
	}
	now := l.clock()
	rates := [2]float64{l.limit.PerSecond, l.limit.BytesPerSecond}
	bursts := [2]float64{float64(l.limit.Burst), float64(l.limit.BurstBytes)}
	costs := [2]float64{1, math.Min(float64(size), bursts[1])}
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.buckets) > maxIdleBuckets {
		l.dropFull(now, rates, bursts)
	}
	var found []*[2]bucket
	for _, k := range keys {
		b := l.buckets[k]
		if b == nil {
			b = &[2]bucket{{tokens: bursts[0], at: now}, {tokens: bursts[1], at: now}}
			l.buckets[k] = b
		}
		for i := range b {
			if rates[i] <= 0 {
				continue
			}
			b[i].fill(now, rates[i], bursts[i])
			wait = max(wait, b[i].wait(costs[i], rates[i]))
		}
		found = append(found, b)
	}
	if wait > 0 {
		return wait
	}
	for _, b := range found {
		for i := range b {
			if rates[i] > 0 {
				b[i].tokens -= costs[i]
			}
		}
	}
	return 0
}

// dropFull forgets the buckets that have refilled. Called with mu held.
func (l *limiter) dropFull(now time.Time, rates, bursts [2]float64) {
	for k, b := range l.buckets {
		full := true
		for i := range b {
			if rates[i] > 0 {
				b[i].fill(now, rates[i], bursts[i])
				full = full && b[i].tokens >= bursts[i]
			}
		}
		if full {
			delete(l.buckets, k)
		}
	}
}

// limitChanges is the middleware that rate-limits changes (any method
// but GET and HEAD): a person's, or an API token's.
// It runs after requireUser, so someone is signed in.
func (s *Server) limitChanges(c *fiber.Ctx) error {
	if m := c.Method(); m == fiber.MethodGet || m == fiber.MethodHead {
		return c.Next()
	}
	w := whoOf(c)
	if w.user == nil {
		return c.Next()
	}
	// A script on an API token has its own buckets, so that it cannot
	// spend its owner's: the manager's desk keeps working while their
	// script is held back. A person's sessions share theirs.
	key := "user\x00" + w.user.ID
	if w.token {
		key = "token\x00" + w.tokenID
	}
	if wait := s.limiter.take(len(c.Body()), key); wait > 0 {
		c.Set(fiber.HeaderRetryAfter, retryAfter(wait))
		return problem(c, CodeRateLimited, "too many changes at once; try again in "+retryAfter(wait)+" seconds")
	}
	return c.Next()
}
