package grouplink

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"bayboard/internal/jetstream"
	"bayboard/internal/shop"
	"bayboard/internal/store"
)

const (
	// DefaultBatch is the most events published before their acks are
	// waited for and the cursor advanced.
	DefaultBatch = 500
	// SnapshotEvery is how often, by the shop's clock, a store publishes
	// another snapshot: the stream keeps messages for a while only
	// (jetstream.Stream.Keep, at least two days), so it always holds a
	// recent one to start from, a quiet store's too.
	SnapshotEvery = 24 * time.Hour
	// DefaultRecheck is how often, at most, an idle link looks at the
	// shop's clock for the day's snapshot: no commit wakes a quiet store.
	DefaultRecheck = time.Minute
	// DefaultMinBackoff and DefaultMaxBackoff bound the pause after a
	// failure while the link is down: quick to notice its return, and a
	// store offline for a day asks once a minute, not ten times a second.
	DefaultMinBackoff = time.Second
	DefaultMaxBackoff = time.Minute
)

// Store is what the publisher needs of the data file.
type Store interface {
	GroupCursor() (store.GroupCursor, error)
	SetGroupCursor(store.GroupCursor) error
	EventsPage(after uint64, limit int) ([]shop.Event, error)
	FirstSeq() uint64
	LastSeq() uint64
}

// Config is what a Publisher needs.
type Config struct {
	Store Store
	// State is the engine's live state: the link's settings and the
	// records a message carries as they stand when published.
	State func() *shop.State
	// Now is the shop's clock: a snapshot's time and the status's.
	Now    func() time.Time
	Logger *slog.Logger
	// Name names the connection in the group's monitoring.
	Name string
	// Batch, MinBackoff, MaxBackoff and Recheck default to the Default…
	// constants.
	Batch                  int
	MinBackoff, MaxBackoff time.Duration
	Recheck                time.Duration
}

// Status is the link's state for the admin.
type Status struct {
	// Active says a link is set and active; Connected that its connection
	// is up now.
	Active    bool   `json:"active"`
	Connected bool   `json:"connected"`
	StoreID   string `json:"store_id,omitempty"`
	// Cursor is the last event the group's stream acknowledged, LastSeq
	// the store's newest, Backlog the events between them.
	Cursor  uint64 `json:"cursor"`
	LastSeq uint64 `json:"last_seq"`
	Backlog uint64 `json:"backlog"`
	// Published counts the messages this process published.
	Published     uint64    `json:"published"`
	LastError     string    `json:"last_error,omitempty"`
	LastErrorAt   time.Time `json:"last_error_at,omitzero"`
	LastSuccessAt time.Time `json:"last_success_at,omitzero"`
}

// Publisher publishes the store's events while its link is active.
type Publisher struct {
	cfg  Config
	wake chan struct{}

	mu     sync.Mutex
	status Status
	conn   *jetstream.Conn
	cursor store.GroupCursor
}

// New makes a publisher; Run runs it.
func New(cfg Config) *Publisher {
	if cfg.Batch <= 0 {
		cfg.Batch = DefaultBatch
	}
	if cfg.MinBackoff <= 0 {
		cfg.MinBackoff = DefaultMinBackoff
	}
	if cfg.MaxBackoff < cfg.MinBackoff {
		cfg.MaxBackoff = max(DefaultMaxBackoff, cfg.MinBackoff)
	}
	if cfg.Recheck <= 0 {
		cfg.Recheck = DefaultRecheck
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Publisher{cfg: cfg, wake: make(chan struct{}, 1)}
}

// Notify wakes the publisher after a commit: new events, or a changed
// link. It never blocks.
func (p *Publisher) Notify() {
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// Status is the link's state now.
func (p *Publisher) Status() Status {
	p.mu.Lock()
	st := p.status
	conn := p.conn
	cursor := p.cursor
	p.mu.Unlock()
	link := p.cfg.State().GroupLink
	st.Active = link != nil && link.Active
	st.Connected = st.Active && conn != nil && conn.Connected()
	st.LastSeq = p.cfg.Store.LastSeq()
	if link != nil && sameLink(cursor, link) {
		st.Cursor = cursor.Seq
	} else if link != nil {
		// Not read yet in this process: the file has it.
		if c, err := p.cfg.Store.GroupCursor(); err == nil && sameLink(c, link) {
			st.Cursor = c.Seq
		}
	}
	if link != nil {
		st.StoreID = link.StoreID
	}
	if st.LastSeq > st.Cursor {
		st.Backlog = st.LastSeq - st.Cursor
	}
	return st
}

// Run publishes while a link is active, starting, stopping and restarting
// with the link's changes, until ctx ends.
func (p *Publisher) Run(ctx context.Context) {
	var running *running
	defer func() { running.end() }()
	for {
		link := p.cfg.State().GroupLink
		switch {
		case !sameSettings(running.settings(), link):
			running.end()
			running = nil
			if link != nil && link.Active {
				running = p.start(ctx, *link)
			}
		case running != nil:
			select {
			case running.wake <- struct{}{}:
			default:
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-p.wake:
		}
	}
}

// running is the session of one link's settings.
type running struct {
	link shop.GroupLink
	stop context.CancelFunc
	done chan struct{}
	wake chan struct{}
}

func (p *Publisher) start(ctx context.Context, link shop.GroupLink) *running {
	ctx, stop := context.WithCancel(ctx)
	r := &running{link: link, stop: stop, done: make(chan struct{}), wake: make(chan struct{}, 1)}
	go func() {
		defer close(r.done)
		p.session(ctx, link, r.wake)
	}()
	return r
}

func (r *running) settings() *shop.GroupLink {
	if r == nil {
		return nil
	}
	return &r.link
}

// end stops the session and waits for it.
func (r *running) end() {
	if r != nil {
		r.stop()
		<-r.done
	}
}

// sameSettings says whether the running link (nil: none) is the link now
// (nil or inactive: none).
func sameSettings(running, now *shop.GroupLink) bool {
	if now == nil || !now.Active {
		return running == nil
	}
	return running != nil && *running == *now
}

// sameLink says whether a cursor is this link's: the same store in the
// same group under the same policy. Any other starts from a snapshot.
func sameLink(c store.GroupCursor, l *shop.GroupLink) bool {
	return c.StoreID == l.StoreID && c.URLs == l.URLs && c.Contacts == l.Contacts
}

// cursorEvery is how often, at most, the cursor is written while events
// stream: each write is an fsync beside the engine's own, and a cursor a
// second behind only makes a crashed store publish that second again,
// which the stream's message ids drop.
const cursorEvery = time.Second

// cursor is a session's cursor: the last acknowledged event, and whether
// the file has it yet.
type cursor struct {
	store.GroupCursor
	loaded  bool
	dirty   bool
	written time.Time
}

// session publishes for one link's settings until ctx ends.
func (p *Publisher) session(ctx context.Context, link shop.GroupLink, wake <-chan struct{}) {
	log := p.cfg.Logger.With("store_id", link.StoreID, "urls", link.URLs)
	var conn *jetstream.Conn
	var cur cursor
	defer func() {
		if err := p.flush(&cur); err != nil {
			log.Error("group link: record the cursor", "err", err)
		}
		p.mu.Lock()
		p.conn = nil
		p.mu.Unlock()
		if conn != nil {
			conn.Close()
		}
	}()
	pause := p.cfg.MinBackoff
	for ctx.Err() == nil {
		var err error
		more := false
		if conn == nil {
			conn, err = jetstream.Connect(ctx, jetstream.Config{URLs: link.URLs, Username: link.Username, Secret: link.Secret, Name: p.cfg.Name})
			if err == nil {
				p.mu.Lock()
				p.conn = conn
				p.mu.Unlock()
				log.Info("group link: connected")
			}
		}
		if err == nil {
			more, err = p.publishBatch(ctx, conn, link, &cur)
		}
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			p.failed(err)
			log.Warn("group link: publishing failed; the events wait in the data file", "err", err, "retry_in", pause)
			if !sleep(ctx, pause) {
				return
			}
			pause = min(2*pause, p.cfg.MaxBackoff)
			continue
		}
		pause = p.cfg.MinBackoff
		if more {
			continue
		}
		// Idle: a cursor not yet written is written when its second is up,
		// unless new events come first; the day's snapshot is looked for
		// when it falls due by the shop's clock, or every Recheck.
		var flushAt <-chan time.Time
		var flushTimer *time.Timer
		if cur.dirty {
			flushTimer = time.NewTimer(cursorEvery - time.Since(cur.written))
			flushAt = flushTimer.C
		}
		due := time.NewTimer(min(p.cfg.Recheck, max(0, cur.SnapshotAt.Add(SnapshotEvery).Sub(p.cfg.Now()))))
		select {
		case <-ctx.Done():
		case <-wake:
		case <-due.C:
		case <-flushAt:
			if err := p.flush(&cur); err != nil {
				p.failed(err)
			}
		}
		due.Stop()
		if flushTimer != nil {
			flushTimer.Stop()
		}
	}
}

// publishBatch publishes what comes after the cursor — a snapshot first
// when the link is new to the cursor or the cursor is outside the log —
// waits for the acks and advances the cursor. more says a full batch went
// and more may wait.
func (p *Publisher) publishBatch(ctx context.Context, conn *jetstream.Conn, link shop.GroupLink, cur *cursor) (more bool, err error) {
	if !cur.loaded {
		c, err := p.cfg.Store.GroupCursor()
		if err != nil {
			return false, err
		}
		cur.GroupCursor, cur.loaded, cur.written = c, true, time.Now()
		p.mu.Lock()
		p.cursor = c
		p.mu.Unlock()
	}
	// The state is read first, and only the events it already shows are
	// published: the engine writes a commit's events before it publishes
	// the state they make, so an event read from the log may be newer than
	// the state at hand, and its message would carry its records as they
	// were before it.
	state := p.cfg.State()
	first, last := p.cfg.Store.FirstSeq(), state.Seq
	subject := jetstream.StoreSubject(link.StoreID)
	now := p.cfg.Now()
	newRun := !sameLink(cur.GroupCursor, &link) || cur.Seq > p.cfg.Store.LastSeq() || (first > 0 && cur.Seq+1 < first)
	// Caught up, with the last snapshot a day old: another, so the stream,
	// which keeps its messages for a while only (jetstream.Stream.Keep),
	// always holds a recent one to start from — a store that has done
	// nothing since too, or a group process started after its last
	// snapshot aged out would never see it.
	if newRun || snapshotDue(cur.GroupCursor, state, now) {
		seq := state.Seq
		m := state.GroupSnapshot(link.StoreID, seq, now, link.Contacts)
		m.Epoch = cur.Epoch
		if newRun {
			m.Epoch = newEpoch()
		}
		msg, err := encode(subject, m)
		if err != nil {
			return false, err
		}
		if _, err := conn.Publish(ctx, []jetstream.Msg{msg}); err != nil {
			return false, err
		}
		cur.GroupCursor = store.GroupCursor{StoreID: link.StoreID, URLs: link.URLs, Contacts: link.Contacts, Seq: seq, Snapshot: seq, SnapshotAt: now, Epoch: m.Epoch}
		// A snapshot's cursor is written at once: a new link's start.
		return newRun, p.advance(cur, 1, true)
	}
	events, err := p.cfg.Store.EventsPage(cur.Seq, p.cfg.Batch)
	if err != nil {
		return false, err
	}
	for len(events) > 0 && events[len(events)-1].Seq > last {
		events = events[:len(events)-1] // the next state's: published with it
	}
	if len(events) == 0 {
		return false, nil
	}
	msgs := make([]jetstream.Msg, 0, len(events))
	for _, ev := range events {
		m := state.GroupMessage(link.StoreID, ev, link.Contacts)
		m.Epoch = cur.Epoch
		msg, err := encode(subject, m)
		if err != nil {
			return false, err
		}
		msgs = append(msgs, msg)
	}
	if acked, err := conn.Publish(ctx, msgs); err != nil {
		if acked > 0 { // those the stream has: not published again
			cur.Seq = events[acked-1].Seq
			err = errors.Join(err, p.advance(cur, acked, false))
		}
		return false, err
	}
	cur.Seq = events[len(events)-1].Seq
	return len(events) == p.cfg.Batch || snapshotDue(cur.GroupCursor, state, now), p.advance(cur, len(msgs), false)
}

// snapshotDue says whether a caught-up link owes the day's snapshot: the
// last is SnapshotEvery old.
func snapshotDue(c store.GroupCursor, state *shop.State, now time.Time) bool {
	return c.Seq == state.Seq && now.Sub(c.SnapshotAt) >= SnapshotEvery
}

// advance takes the acknowledged cursor, writing it to the file when
// now is true or its second is up.
func (p *Publisher) advance(cur *cursor, published int, now bool) error {
	cur.dirty = true
	p.mu.Lock()
	p.cursor = cur.GroupCursor
	p.status.Published += uint64(published)
	p.status.LastSuccessAt = p.cfg.Now()
	p.mu.Unlock()
	if now || time.Since(cur.written) >= cursorEvery {
		return p.flush(cur)
	}
	return nil
}

// flush writes the cursor if the file lacks it.
func (p *Publisher) flush(cur *cursor) error {
	if !cur.dirty {
		return nil
	}
	if err := p.cfg.Store.SetGroupCursor(cur.GroupCursor); err != nil {
		return fmt.Errorf("record the group cursor: %w", err)
	}
	cur.dirty, cur.written = false, time.Now()
	return nil
}

func (p *Publisher) failed(err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.status.LastError = err.Error()
	p.status.LastErrorAt = p.cfg.Now()
}

// encode is a message as it goes on the store's subject.
func encode(subject string, m shop.GroupMessage) (jetstream.Msg, error) {
	data, err := json.Marshal(m)
	if err != nil {
		return jetstream.Msg{}, fmt.Errorf("encode group message %d: %w", m.Seq, err)
	}
	return jetstream.Msg{ID: shop.GroupMessageID(m), Subject: subject, Data: data}, nil
}

// sleep waits d or until ctx ends; false when ctx ended.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// newEpoch names a new run of the store's messages: 8 random bytes in hex.
func newEpoch() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
