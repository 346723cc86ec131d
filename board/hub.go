package board

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"bayboard/internal/shop"
)

// Shop is the live shop the boards show; the engine implements it.
type Shop interface {
	// State returns the published state, never changed in place.
	State() *shop.State
	// Now is the shop's clock (a fast one in the demo).
	Now() time.Time
}

// Options tune the hub. The defaults suit a shop's LAN; tests shorten them.
type Options struct {
	// RingSize is how many changes of each view are kept for screens that
	// reconnect: at a busy shop's rate of a few changes a minute, hours of
	// them, so a TV that reboots is replayed rather than sent everything.
	RingSize int
	// QueueSize bounds the messages waiting for one screen. A healthy
	// screen on a LAN never has more than a few; a full queue means the
	// screen is stuck, and it is dropped.
	QueueSize int
	// PingEvery is how often each screen is pinged; PongWait is how long a
	// screen may stay silent (no pong, no message) before it is dropped.
	PingEvery time.Duration
	PongWait  time.Duration
	// WriteWait bounds one write to a screen.
	WriteWait time.Duration
	// BeatEvery is how often (wall time) every screen hears the shop's
	// clock, which also tells it that its link is up.
	BeatEvery time.Duration
	// RefreshEvery is how often (shop time) the views are recomputed with
	// nothing committed: ETAs, late and at-risk flags move with the clock.
	RefreshEvery time.Duration
	Logger       *slog.Logger
}

// Defaults for Options.
const (
	DefaultRingSize     = 512
	DefaultQueueSize    = 64
	DefaultPingEvery    = 20 * time.Second
	DefaultPongWait     = 45 * time.Second
	DefaultWriteWait    = 10 * time.Second
	DefaultBeatEvery    = time.Second
	DefaultRefreshEvery = 20 * time.Second
)

func (o *Options) fill() {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	if o.RingSize <= 0 {
		o.RingSize = DefaultRingSize
	}
	if o.QueueSize <= 0 {
		o.QueueSize = DefaultQueueSize
	}
	def(&o.PingEvery, DefaultPingEvery)
	def(&o.PongWait, DefaultPongWait)
	def(&o.WriteWait, DefaultWriteWait)
	def(&o.BeatEvery, DefaultBeatEvery)
	def(&o.RefreshEvery, DefaultRefreshEvery)
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
}

// ErrClosed is returned to a screen that connects while the hub shuts down.
var ErrClosed = errors.New("board: the server is shutting down")

// Hub keeps every view and the screens that show it.
type Hub struct {
	shop  Shop
	opts  Options
	log   *slog.Logger
	epoch string
	// loungeKey hides job numbers from the lounge's row keys.
	loungeKey []byte
	views     map[string]*channel // fixed at New

	latest atomic.Pointer[update]
	wake   chan struct{}
	// lastBeat is the latest beat, which a joining screen is sent first.
	// It is encoded by the hub's goroutine, not by the screens': encoding
	// JSON grows a goroutine's stack, and a screen's stays as grown for
	// as long as the screen is connected.
	lastBeat atomic.Pointer[message]

	closed  atomic.Bool
	screens atomic.Int64
	dropped atomic.Uint64

	// lastCompute is the shop time of the last recompute (Run's goroutine).
	lastCompute time.Time
}

// update is the newest committed state and the last event in it.
type update struct {
	state *shop.State
	event uint64
}

// channel is one view: its last frame, its numbered changes and the
// screens showing it. The hub's goroutine alone computes frames; mu guards
// what screens joining read.
type channel struct {
	name string
	// changedAt is when (wall time) a change was last sent: the screens of
	// a view that changes all the time need no beat. Run's goroutine only.
	changedAt time.Time
	mu        sync.Mutex
	frame     *frame
	seq       uint64
	event     uint64
	ring      *ring
	snaps     map[string]*message // snapshot by reason, at seq
	screens   map[*screen]struct{}
}

// New builds the hub and computes every view from the shop's current state.
func New(s Shop, opts Options) *Hub {
	opts.fill()
	h := &Hub{shop: s, opts: opts, log: opts.Logger, epoch: randomHex(8), loungeKey: []byte(randomHex(16)),
		views: map[string]*channel{}, wake: make(chan struct{}, 1)}
	sc := h.scene(s.State())
	for _, name := range Views {
		c := &channel{name: name, ring: newRing(opts.RingSize), snaps: map[string]*message{}, screens: map[*screen]struct{}{}}
		f, err := compute(name, sc).encode()
		if err != nil {
			panic(err) // a view with duplicate keys on an unchanged state is a bug to see at once
		}
		c.frame = f
		h.views[name] = c
	}
	h.lastCompute = sc.now
	h.lastBeat.Store(h.beatMessage())
	return h
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// Epoch names this run of the server: a screen that knew another epoch
// gets a fresh snapshot.
func (h *Hub) Epoch() string { return h.epoch }

// Screens is how many screens are connected now.
func (h *Hub) Screens() int { return int(h.screens.Load()) }

// Dropped is how many screens were dropped for falling behind.
func (h *Hub) Dropped() uint64 { return h.dropped.Load() }

// Changed is told of every commit (the engine's subscriber). It runs on the
// engine's goroutine, so it only notes the state and wakes the hub: bursts
// of commits are folded into one recompute.
func (h *Hub) Changed(st *shop.State, events []shop.Event) {
	u := &update{state: st}
	if len(events) > 0 {
		u.event = events[len(events)-1].Seq
	} else if prev := h.latest.Load(); prev != nil {
		u.event = prev.event
	}
	h.latest.Store(u)
	select {
	case h.wake <- struct{}{}:
	default:
	}
}

// Run recomputes the views after each commit and as the clock moves, and
// beats, until ctx ends.
func (h *Hub) Run(ctx context.Context) {
	beat := time.NewTicker(h.opts.BeatEvery)
	defer beat.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-h.wake:
			h.recompute()
		case <-beat.C:
			if h.shop.Now().Sub(h.lastCompute) >= h.opts.RefreshEvery {
				h.recompute()
			}
			h.beat()
		}
	}
}

func (h *Hub) scene(st *shop.State) *scene {
	now := h.shop.Now()
	return &scene{state: st, now: now, workshop: st.Workshop(now), loungeKey: h.loungeKey}
}

// recompute builds every view from the newest state and sends each view's
// screens what changed, if anything did.
func (h *Hub) recompute() {
	st, event := h.shop.State(), uint64(0)
	if u := h.latest.Load(); u != nil {
		st, event = u.state, u.event
	}
	sc := h.scene(st)
	h.lastCompute = sc.now
	now := clock(sc.now, st.Loc)
	for _, name := range Views {
		c := h.views[name]
		next, err := compute(name, sc).encode()
		if err != nil {
			h.log.Error("board view not computed", "view", name, "error", err)
			continue
		}
		if data := diff(c.frame, next); data != nil {
			h.publish(c, next, event, now, data)
		}
	}
}

// publish numbers a change, keeps it in the ring and queues it for every
// screen of the view. Queueing never blocks, so the lock is held only for
// as long as it takes to hand one pointer to each screen.
func (h *Hub) publish(c *channel, next *frame, event uint64, now string, data json.RawMessage) {
	c.changedAt = time.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seq++
	m := encodeMessage(Envelope{Type: TypeChange, View: c.name, Epoch: h.epoch, Seq: c.seq, Event: event, Now: now, Data: data})
	c.frame, c.event = next, event
	clear(c.snaps)
	c.ring.push(m)
	h.fanOut(c, m)
}

// fanOut queues a message for every screen of a view. Called under c.mu.
func (h *Hub) fanOut(c *channel, m *message) {
	for s := range c.screens {
		if s.enqueue(m) {
			h.dropped.Add(1)
		}
	}
}

func (h *Hub) beatMessage() *message {
	return encodeMessage(Envelope{Type: TypeBeat, Epoch: h.epoch, Now: clock(h.shop.Now(), h.shop.State().Loc), Data: empty})
}

// beat tells the screens the shop's time and that their link is up. The
// screens of a view that changed within the last beat have just heard
// both from the change: sparing them the beat spares a busy server a
// write per screen per second.
func (h *Hub) beat() {
	m := h.beatMessage()
	h.lastBeat.Store(m)
	for _, name := range Views {
		c := h.views[name]
		if time.Since(c.changedAt) < h.opts.BeatEvery*9/10 {
			continue
		}
		c.mu.Lock()
		h.fanOut(c, m)
		c.mu.Unlock()
	}
}

// join registers a screen and returns what it must be sent first: a beat,
// so that it shows the shop's time at once, then the changes it missed,
// when the ring still has them, or a snapshot.
func (c *channel) join(h *Hub, s *screen, r Resume) ([]*message, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if h.closed.Load() {
		return nil, false
	}
	c.screens[s] = struct{}{}
	beat := h.lastBeat.Load()
	switch {
	case r.Epoch == "":
		return []*message{beat, c.snapshot(h, ReasonConnect)}, true
	case r.Epoch != h.epoch:
		return []*message{beat, c.snapshot(h, ReasonRestart)}, true
	}
	missed, ok := c.ring.since(r.Seq, c.seq)
	if !ok {
		return []*message{beat, c.snapshot(h, ReasonTooOld)}, true
	}
	data, _ := json.Marshal(struct {
		From     uint64 `json:"from"`
		Replayed int    `json:"replayed"`
	}{r.Seq, len(missed)})
	resumed := encodeMessage(Envelope{Type: TypeResumed, View: c.name, Epoch: h.epoch, Seq: c.seq, Event: c.event, Data: data})
	return append([]*message{beat, resumed}, missed...), true
}

// snapshot is the view's snapshot message at its current seq, encoded once
// for all the screens that join until the next change. Called under mu.
func (c *channel) snapshot(h *Hub, reason string) *message {
	if m := c.snaps[reason]; m != nil {
		return m
	}
	m := encodeMessage(Envelope{Type: TypeSnapshot, View: c.name, Epoch: h.epoch, Seq: c.seq, Event: c.event, Reason: reason, Data: c.frame.snapshot()})
	c.snaps[reason] = m
	return m
}

func (c *channel) leave(s *screen) {
	c.mu.Lock()
	delete(c.screens, s)
	c.mu.Unlock()
}

// Serve shows a view on a connected screen until the screen goes away, is
// dropped, or the hub closes. It returns only once the screen's writer has
// stopped, so the caller may release the connection.
func (h *Hub) Serve(conn Conn, view string, r Resume) error {
	c := h.views[view]
	if c == nil {
		conn.Close()
		return fmt.Errorf("board: no view %q", view)
	}
	return h.serve(c, conn, r)
}

// serve runs one screen on a channel (a view's, or a group wall's scope)
// until it goes: its first frame and the changes after on its writer, its
// reads here, then its leaving. It returns once the writer has stopped.
func (h *Hub) serve(c *channel, conn Conn, r Resume) error {
	h.screens.Add(1)
	defer h.screens.Add(-1)
	s := newScreen(conn, h.opts.QueueSize)
	first, ok := c.join(h, s, r)
	if !ok {
		conn.WriteControl(closeMessage, closeFrame(CloseGoingAway, "server shutting down"), time.Now().Add(time.Second))
		conn.Close()
		return ErrClosed
	}
	wrote := make(chan struct{})
	go func() {
		defer close(wrote)
		s.write(first, h.opts)
	}()
	s.read(h.opts)
	s.stop(CloseNormal, "")
	c.leave(s)
	<-wrote
	return nil
}

// Close tells every screen the server is going away (they reconnect to the
// next run by themselves) and waits until they are gone or ctx ends, when
// the laggards' connections are cut.
func (h *Hub) Close(ctx context.Context) {
	h.closeScreens(ctx, func(fn func(*screen)) {
		for _, name := range Views {
			c := h.views[name]
			c.mu.Lock()
			for s := range c.screens {
				fn(s)
			}
			c.mu.Unlock()
		}
	})
}

// closeScreens closes the hub and tells each screen (each walks them) that
// the server is going away, then waits until they are gone or ctx ends,
// when the laggards' connections are cut.
func (h *Hub) closeScreens(ctx context.Context, each func(fn func(*screen))) {
	h.closed.Store(true)
	each(func(s *screen) { s.stop(CloseGoingAway, "server restarting") })
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for h.screens.Load() > 0 {
		select {
		case <-ctx.Done():
			each(func(s *screen) { s.conn.Close() })
			return
		case <-tick.C:
		}
	}
}
