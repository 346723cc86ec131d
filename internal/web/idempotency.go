package web

import (
	"context"
	"crypto/sha256"
	"errors"
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
//
// A key names one request: a repeat must be the same method, path and
// body. A key reused for another request is refused (422), because
// answering it with the first request's reply would tell the client its
// second request was done when nothing was done. The memory is bounded
// twice, by the number of keys and by the bytes of the answers kept, so
// that large answers cannot grow it past maxReplayBytes.

// ReplayFor is how long the answer to a keyed command is kept.
const ReplayFor = 24 * time.Hour

const (
	headerIdempotency = "Idempotency-Key"
	maxReplays        = 10000
	maxKeyLen         = 100
	// maxReplayBytes bounds the answers kept, together. A command's
	// answer (its event and the job's status) is a few KB, so 10,000
	// of them fit; an answer larger than a tenth of it is not kept.
	maxReplayBytes = 32 << 20
)

// errKeyReused is a key sent again with another request.
var errKeyReused = errors.New("Idempotency-Key already used for another request")

// requestDigest is what a key stands for: the method, path and body.
func requestDigest(method, path string, body []byte) [sha256.Size]byte {
	h := sha256.New()
	h.Write([]byte(method))
	h.Write([]byte{0})
	h.Write([]byte(path))
	h.Write([]byte{0})
	h.Write(body)
	var d [sha256.Size]byte
	h.Sum(d[:0])
	return d
}

type replays struct {
	mu    sync.Mutex
	byKey map[string]*replay
	order []*replay // oldest first
	bytes int       // of the answers kept
}

type replay struct {
	key    string
	digest [sha256.Size]byte
	done   chan struct{}
	ok     bool
	body   []byte
	at     time.Time
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

// begin claims a key for a request (its digest). The first caller gets
// first=true and must call finish; a later one with the same request
// waits until the first has finished and gets its answer, or first=true
// again if the first was refused. A later one with another request gets
// errKeyReused at once.
func (r *replays) begin(ctx context.Context, key string, digest [sha256.Size]byte, now time.Time) (body []byte, first bool, err error) {
	for {
		r.mu.Lock()
		r.expire(now)
		p := r.byKey[key]
		if p == nil {
			p = &replay{key: key, digest: digest, done: make(chan struct{}), at: now}
			r.byKey[key] = p
			r.order = append(r.order, p)
			r.mu.Unlock()
			return nil, true, nil
		}
		r.mu.Unlock()
		if p.digest != digest {
			return nil, false, errKeyReused
		}
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
	if ok && len(body) > maxReplayBytes/10 {
		// Too large to keep: the key is let go like a refused one's, and
		// a repeat is judged afresh.
		ok = false
	}
	p.ok, p.body = ok, body
	if !ok {
		delete(r.byKey, key)
	} else {
		r.bytes += len(body)
	}
	close(p.done)
}

// expire forgets answers older than ReplayFor, and the oldest beyond
// maxReplays keys (refused ones included) or beyond maxReplayBytes, so
// that the list and the answers stay bounded. Called with mu held.
func (r *replays) expire(now time.Time) {
	n := 0
	for ; n < len(r.order); n++ {
		p := r.order[n]
		if r.byKey[p.key] != p {
			continue // refused and let go
		}
		if now.Sub(p.at) < ReplayFor && len(r.order)-n <= maxReplays && r.bytes <= maxReplayBytes {
			break
		}
		select {
		case <-p.done:
			delete(r.byKey, p.key)
			r.bytes -= len(p.body)
		default:
			// Still being committed: keep it and what follows.
			r.order = r.order[n:]
			return
		}
	}
	r.order = r.order[n:]
}
