package web

import (
	"context"
	"sync"
	"time"
)

// A form sent twice — a double click, a retry after a timeout — must act
// once. A client that sends a command with an Idempotency-Key header gets,
// for a repeat of that key by the same user within ReplayFor, the answer
// the first request got, and nothing is done again; a repeat that arrives
// while the first is still being committed waits for it.
//
// Only accepted commands are remembered: a refused one changed nothing,
// so its repeat is judged afresh. The answers are kept in memory: a
// repeat that straddles a restart of the server is not recognised.

// ReplayFor is how long the answer to a keyed command is kept.
const ReplayFor = 24 * time.Hour

const (
	headerIdempotency = "Idempotency-Key"
	maxReplays        = 10000
	maxKeyLen         = 100
)

type replays struct {
	mu    sync.Mutex
	byKey map[string]*replay
	order []*replay // oldest first
}

type replay struct {
	key  string
	done chan struct{}
	ok   bool
	body []byte
	at   time.Time
}

func newReplays() *replays { return &replays{byKey: map[string]*replay{}} }

// validKey says whether a client's key is one we keep: printable ASCII,
// not too long.
func validKey(k string) bool {
	if k == "" || len(k) > maxKeyLen {
		return false
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 0x21 || k[i] > 0x7e {
			return false
		}
	}
	return true
}

// begin claims a key. The first caller gets first=true and must call
// finish; a later one waits until the first has finished and gets its
// answer, or first=true again if the first was refused.
func (r *replays) begin(ctx context.Context, key string, now time.Time) (body []byte, first bool, err error) {
	for {
		r.mu.Lock()
		r.expire(now)
		p := r.byKey[key]
		if p == nil {
			p = &replay{key: key, done: make(chan struct{}), at: now}
			r.byKey[key] = p
			r.order = append(r.order, p)
			r.mu.Unlock()
			return nil, true, nil
		}
		r.mu.Unlock()
		select {
		case <-p.done:
		case <-ctx.Done():
			return nil, false, ctx.Err()
		}
		if p.ok {
			return p.body, false, nil
		}
		// The first was refused and has let the key go: try again.
	}
}

// finish records the first caller's answer; a refused command (ok false)
// lets the key go.
func (r *replays) finish(key string, ok bool, body []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	p := r.byKey[key]
	if p == nil {
		return
	}
	p.ok, p.body = ok, body
	if !ok {
		delete(r.byKey, key)
	}
	close(p.done)
}

// expire forgets answers older than ReplayFor, and the oldest beyond
// maxReplays keys, refused ones included, so that the list stays bounded.
// Called with mu held.
func (r *replays) expire(now time.Time) {
	n := 0
	for ; n < len(r.order); n++ {
		p := r.order[n]
		if r.byKey[p.key] != p {
			continue // refused and let go
		}
		if now.Sub(p.at) < ReplayFor && len(r.order)-n <= maxReplays {
			break
		}
		select {
		case <-p.done:
			delete(r.byKey, p.key)
		default:
			// Still being committed: keep it and what follows.
			r.order = r.order[n:]
			return
		}
	}
	r.order = r.order[n:]
}
