package board

// ring keeps a view's latest changes, oldest overwritten first, so that a
// screen back from a short outage is replayed what it missed instead of
// being sent the whole view. Its size bounds the memory a view holds
// however long the server runs. The changes it holds have consecutive seqs.
type ring struct {
	buf   []*message
	start int // index of the oldest
	n     int
}

func newRing(size int) *ring { return &ring{buf: make([]*message, size)} }

func (r *ring) push(m *message) {
	if len(r.buf) == 0 {
		return
	}
	if r.n < len(r.buf) {
		r.buf[(r.start+r.n)%len(r.buf)] = m
		r.n++
		return
	}
	r.buf[r.start] = m
	r.start = (r.start + 1) % len(r.buf)
}

// since returns the changes after seq, oldest first, and whether the ring
// still holds all of them. last is the view's current seq.
func (r *ring) since(seq, last uint64) ([]*message, bool) {
	if seq > last {
		return nil, false
	}
	missed := int(last - seq)
	if missed == 0 {
		return nil, true
	}
	if missed > r.n {
		return nil, false
	}
	out := make([]*message, missed)
	for i := range missed {
		out[i] = r.buf[(r.start+r.n-missed+i)%len(r.buf)]
	}
	return out, true
}
