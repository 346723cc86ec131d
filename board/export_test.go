package board

import "encoding/json"

// Hooks for the tests of package board_test. They drive the demo shop,
// and the demo imports internal/web, which imports this package: so they
// cannot be inside it, and reach its insides through these.

// Recompute recomputes every view now, as Run does after a commit.
func (h *Hub) Recompute() { h.recompute() }

// Current is a view's snapshot data as the hub holds it.
func (h *Hub) Current(view string) string {
	c := h.views[view]
	c.mu.Lock()
	defer c.mu.Unlock()
	return string(c.frame.snapshot())
}

// Seq is a view's last change number.
func (h *Hub) Seq(view string) uint64 {
	c := h.views[view]
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.seq
}

// ChangesSince returns the encoded changes of a view after seq, from the
// ring, and whether the ring still holds them all.
func (h *Hub) ChangesSince(view string, seq uint64) ([][]byte, bool) {
	c := h.views[view]
	c.mu.Lock()
	defer c.mu.Unlock()
	ms, ok := c.ring.since(seq, c.seq)
	out := make([][]byte, len(ms))
	for i, m := range ms {
		out[i] = m.data
	}
	return out, ok
}

// SnapshotMessage is the snapshot a connecting screen would be sent now.
func (h *Hub) SnapshotMessage(view string) []byte {
	c := h.views[view]
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.snapshot(h, ReasonConnect).data
}

// PublishRaw sends a view's screens a change with any data, as if the view
// had changed; only for a hub whose Run is not running.
func (h *Hub) PublishRaw(view string, data json.RawMessage) {
	c := h.views[view]
	h.publish(c, c.frame, 0, "", data)
}

// Listed is how many screens a view lists.
func (h *Hub) Listed(view string) int {
	c := h.views[view]
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.screens)
}
