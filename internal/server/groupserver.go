package server

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"bayboard/assets"
	"bayboard/board"
	"bayboard/internal/access"
	"bayboard/internal/group"
	"bayboard/internal/jetstream"
	"bayboard/internal/shop"
	"bayboard/internal/store"
	"bayboard/internal/web"
)

// The group process (`bayboard group`, issue 17): the group's data file,
// a replica per store built from the messages consumed, the group wall's
// hub, a board hub per store for the drill-down (made when first asked
// for), and the group's HTTP server. cmd/bayboard runs the consumer and
// feeds Handle; the browser and end-to-end tests assemble it the same way.

// GroupOptions configure the group process.
type GroupOptions struct {
	Logger *slog.Logger
	// WallClock is the real time, for sessions and sign-in locks.
	// Default: time.Now.
	WallClock func() time.Time
	// Clock is the group's time for what it shows: the wall's ages and
	// "today", the comparison's periods. Default: WallClock. Tests run
	// the stores and the group on the demo's clock.
	Clock func() time.Time
	// Location is the zone of the group's days. Default: time.Local.
	Location       *time.Location
	HashCost       int
	GuardPause     func(time.Duration)
	BehindTLSProxy bool
	// Board tunes the hubs (tests shorten the beat).
	Board board.Options
}

// Group is the running group process.
type Group struct {
	file *store.Group
	opts GroupOptions
	log  *slog.Logger
	Wall *board.GroupHub
	Web  *web.GroupServer

	applied atomic.Uint64

	// The wall's row of each store as last computed: a row is computed
	// again when the store's replica changed or the wall's refresh is due
	// (GroupRows), not every store's after each message.
	wallMu       sync.Mutex
	wallRows     map[string]cachedRow
	rowsComputed uint64 // rows computed since the process started (tests read it)

	ctx      context.Context
	boardsMu sync.Mutex
	boards   map[string]*storeBoard
}

// storeBoard is the drill-down's hub of one store's replica.
type storeBoard struct {
	hub   *board.Hub
	state atomic.Pointer[shop.State]
	now   func() time.Time
}

func (b *storeBoard) State() *shop.State { return b.state.Load() }
func (b *storeBoard) Now() time.Time     { return b.now() }

// OpenGroup opens the group's data file and rebuilds every store's replica
// from it. The hubs run until ctx ends; Close closes the file.
func OpenGroup(ctx context.Context, path string, opts GroupOptions) (*Group, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if opts.WallClock == nil {
		opts.WallClock = time.Now
	}
	if opts.Clock == nil {
		opts.Clock = opts.WallClock
	}
	if opts.Location == nil {
		opts.Location = time.Local
	}
	file, err := store.OpenGroup(path)
	if err != nil {
		return nil, err
	}
	g := &Group{file: file, opts: opts, log: opts.Logger, ctx: ctx, boards: map[string]*storeBoard{}}
	bo := opts.Board
	bo.Logger = opts.Logger
	g.Wall = board.NewGroupHub(g, opts.Location, bo)
	g.Web, err = web.NewGroup(web.GroupDeps{Users: file, Auth: file.GroupAccess(), Wall: g.Wall, Stores: g.storeInfos,
		Compare: g.compare, StoreBoard: g.storeBoard, Pages: assets.Pages()},
		web.GroupOptions{Logger: opts.Logger, WallClock: opts.WallClock, Clock: opts.Clock, Location: opts.Location, HashCost: opts.HashCost,
			GuardPause: opts.GuardPause, BehindTLSProxy: opts.BehindTLSProxy})
	if err != nil {
		file.Close()
		return nil, err
	}
	go g.Wall.Run(ctx)
	go g.sweepSessions(ctx)
	return g, nil
}

// groupSweepEvery is how often the group's expired sessions are deleted.
const groupSweepEvery = time.Hour

// sweepSessions deletes the expired sessions now and then, so the group's
// file does not keep every sign-in (as a store's sweep does).
func (g *Group) sweepSessions(ctx context.Context) {
	tick := time.NewTicker(groupSweepEvery)
	defer tick.Stop()
	for {
		if n, err := access.SweepSessions(g.file.GroupAccess(), g.opts.WallClock()); err != nil {
			g.log.Warn("sweeping the group's sessions", "error", err)
		} else if n > 0 {
			g.log.Info("swept the group's expired sessions", "sessions", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// FirstDirectorLogin is the login of the director a new group file gets.
const FirstDirectorLogin = "director"

// FirstDirector gives a group file without users its first director, and
// returns the one-time password to show once; "" when the file has users.
func (g *Group) FirstDirector() (string, error) {
	users, err := g.file.GroupUsers()
	if err != nil || len(users) > 0 {
		return "", err
	}
	password := access.NewPassword()
	u := access.GroupUser{ID: "gu-director", Login: FirstDirectorLogin, Name: "Director", Role: access.GroupDirector,
		Stores: []string{}, Active: true, MustChangePassword: true, Created: g.opts.WallClock(),
		PasswordHash: access.NewHasher(g.opts.HashCost).Hash(password)}
	return password, g.file.PutGroupUser(u)
}

// Users is the group's users, for tests and tools that add them.
func (g *Group) Users() access.GroupUsers { return g.file }

// Handle applies one delivery from the group's consumer: decoded, applied
// once to the file (and the store's replica kept beside it), then shown on
// the boards. A message that cannot be read, that names another store than
// its subject, or whose records do not apply to the store's replica, is
// logged and answered nil (acknowledged): it will never read better, and
// must not block the stream. A failure to write the file is returned, so
// the message is not acknowledged and comes again.
func (g *Group) Handle(d jetstream.Delivery) error {
	var m shop.GroupMessage
	if err := json.Unmarshal(d.Data, &m); err != nil || m.V != shop.GroupMessageVersion || m.Store == "" {
		g.log.Error("group message set aside: it does not read", "subject", d.Subject, "stream_seq", d.StreamSeq, "error", err, "v", m.V)
		return nil
	}
	if d.Subject != jetstream.StoreSubject(m.Store) {
		// A store's credentials publish on its own subject only; a message
		// that claims another store is not let in.
		g.log.Error("group message set aside: its store is not its subject's", "subject", d.Subject, "store", m.Store, "stream_seq", d.StreamSeq)
		return nil
	}
	cur, known := g.replica(m.Store)
	if known && m.Seq <= cur.Seq {
		return nil // applied before: a redelivery
	}
	if _, err := shop.ApplyGroupMessage(cur.State, m); err != nil {
		g.log.Error("group message set aside: it does not apply to the store's replica", "id", shop.GroupMessageID(m), "stream_seq", d.StreamSeq, "error", err)
		return nil
	}
	applied, err := g.file.Apply(m)
	if err != nil {
		return fmt.Errorf("group: apply %s: %w", shop.GroupMessageID(m), err)
	}
	if !applied {
		return nil
	}
	g.applied.Add(1)
	g.Wall.Changed()
	if s, ok := g.replica(m.Store); ok {
		g.boardChanged(m.Store, s.State, m.Seq)
	}
	return nil
}

// replica is one store's replica as the file keeps it in memory.
func (g *Group) replica(id string) (store.GroupStore, bool) {
	for _, s := range g.file.Replicas() {
		if s.ID == id {
			return s, true
		}
	}
	return store.GroupStore{}, false
}

// Stores returns every store's replica as it stands, by id.
func (g *Group) Stores() []store.GroupStore { return g.file.Replicas() }

// Applied is how many messages this process has applied since it started.
func (g *Group) Applied() uint64 { return g.applied.Load() }

// cachedRow is a store's wall row, the replica it was computed on and when.
type cachedRow struct {
	row   group.StoreRow
	state *shop.State
	epoch string
	seq   uint64
	at    time.Time
}

// GroupRows is the wall's source (board.GroupSource). Each message the
// group applies wakes the wall, so a store's row is computed again only
// when its replica changed, or when the board's refresh is due (its
// RefreshEvery of the group's clock, as the hub recomputes as the clock
// moves): the rest are the rows last computed. A hundred stores' rows
// cost 35–250 ms; computing them all after every message of a busy day
// took half the process's CPU and put the wall seconds behind
// (BenchmarkAGroupsWholeDay).
func (g *Group) GroupRows() ([]group.StoreRow, uint64) {
	now := g.opts.Clock()
	refresh := g.opts.Board.RefreshEvery
	if refresh <= 0 {
		refresh = board.DefaultRefreshEvery
	}
	stores := g.Stores()
	rows := make([]group.StoreRow, 0, len(stores))
	g.wallMu.Lock()
	was := g.wallRows
	g.wallRows = make(map[string]cachedRow, len(stores))
	for _, s := range stores {
		c, ok := was[s.ID]
		if !ok || c.state != s.State || c.epoch != s.Epoch || c.seq != s.Seq || now.Before(c.at) || now.Sub(c.at) >= refresh {
			c = cachedRow{row: group.Wall([]store.GroupStore{s}, now)[0], state: s.State, epoch: s.Epoch, seq: s.Seq, at: now}
			g.rowsComputed++
		}
		g.wallRows[s.ID] = c
		rows = append(rows, c.row)
	}
	g.wallMu.Unlock()
	return rows, g.applied.Load()
}

// Now is the group's clock.
func (g *Group) Now() time.Time { return g.opts.Clock() }

func (g *Group) storeInfos() []web.GroupStoreInfo {
	all := g.Stores()
	out := make([]web.GroupStoreInfo, len(all))
	for i, s := range all {
		out[i] = web.GroupStoreInfo{ID: s.ID, Name: s.Name, Seq: s.Seq, LastAt: s.LastAt}
	}
	return out
}

// compare computes the KPIs of the stores may lets through only: a store
// outside is never computed, so it cannot be answered.
func (g *Group) compare(from, to time.Time, period string, may func(string) bool) []group.StoreKPIs {
	seen := slices.DeleteFunc(g.Stores(), func(s store.GroupStore) bool { return !may(s.ID) })
	// A month's comparison needs the closed jobs that left the replicas.
	withClosed, err := g.file.WithClosed(seen, from, to)
	if err != nil {
		g.log.Error("group comparison without the archived jobs", "error", err)
		withClosed = seen
	}
	return group.Compare(withClosed, from, to, period, g.opts.Clock())
}

// storeBoard returns the drill-down's hub of a store, made the first time;
// nil for a store the group has no replica of.
func (g *Group) storeBoard(id string) *board.Hub {
	s, ok := g.replica(id)
	if !ok || s.State == nil {
		return nil
	}
	g.boardsMu.Lock()
	defer g.boardsMu.Unlock()
	if b := g.boards[id]; b != nil {
		return b.hub
	}
	b := &storeBoard{now: g.opts.Clock}
	b.state.Store(s.State)
	bo := g.opts.Board
	bo.Logger = g.log
	b.hub = board.New(b, bo)
	g.boards[id] = b
	go b.hub.Run(g.ctx)
	return b.hub
}

// boardChanged tells a store's drill-down hub, if it has one, of its
// replica's new state.
func (g *Group) boardChanged(id string, st *shop.State, seq uint64) {
	g.boardsMu.Lock()
	b := g.boards[id]
	g.boardsMu.Unlock()
	if b == nil || st == nil {
		return
	}
	b.state.Store(st)
	b.hub.Changed(st, []shop.Event{{Seq: seq}})
}

// Serve serves the group's pages on a listener until Shutdown.
func (g *Group) Serve(ln net.Listener) error { return g.Web.Serve(ln) }

// Shutdown closes the screens' feeds and stops the HTTP server.
func (g *Group) Shutdown(ctx context.Context) error {
	g.Wall.Close(ctx)
	g.boardsMu.Lock()
	hubs := make([]*board.Hub, 0, len(g.boards))
	for _, b := range g.boards {
		hubs = append(hubs, b.hub)
	}
	g.boardsMu.Unlock()
	for _, h := range hubs {
		h.Close(ctx)
	}
	return g.Web.Shutdown(ctx)
}

// Close closes the group's data file. The replicas stay readable in
// memory (a hub still running shows the last of them); a message handled
// after it is not acknowledged.
func (g *Group) Close() error { return g.file.Close() }
