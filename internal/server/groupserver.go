package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
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
	// WallClock is the group's clock (sessions, the wall's ages, the
	// comparison's periods). Default: time.Now.
	WallClock func() time.Time
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

	mu      sync.RWMutex
	stores  map[string]store.GroupStore
	applied atomic.Uint64

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
	if opts.Location == nil {
		opts.Location = time.Local
	}
	file, err := store.OpenGroup(path)
	if err != nil {
		return nil, err
	}
	stores, err := file.Stores()
	if err != nil {
		file.Close()
		return nil, fmt.Errorf("read the group's stores: %w", err)
	}
	g := &Group{file: file, opts: opts, log: opts.Logger, stores: map[string]store.GroupStore{}, ctx: ctx, boards: map[string]*storeBoard{}}
	for _, s := range stores {
		g.stores[s.ID] = s
	}
	bo := opts.Board
	bo.Logger = opts.Logger
	g.Wall = board.NewGroupHub(g, opts.Location, bo)
	g.Web, err = web.NewGroup(web.GroupDeps{Users: file, Auth: file.GroupAccess(), Wall: g.Wall, Stores: g.storeInfos,
		Compare: g.compare, StoreBoard: g.storeBoard, Pages: assets.Pages()},
		web.GroupOptions{Logger: opts.Logger, WallClock: opts.WallClock, Location: opts.Location, HashCost: opts.HashCost,
			GuardPause: opts.GuardPause, BehindTLSProxy: opts.BehindTLSProxy})
	if err != nil {
		file.Close()
		return nil, err
	}
	go g.Wall.Run(ctx)
	return g, nil
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
// once to the file, then to the store's replica and the boards. A message
// that cannot be read, or that names another store than its subject, is
// logged and answered nil (acknowledged): it will never read better, and
// must not block the stream. A failure to write the file is returned, so
// the message is not acknowledged and comes again.
func (g *Group) Handle(d jetstream.Delivery) error {
	var m shop.GroupMessage
	dec := json.NewDecoder(bytes.NewReader(d.Data))
	if err := dec.Decode(&m); err != nil || m.V != shop.GroupMessageVersion || m.Store == "" {
		g.log.Error("group message set aside: it does not read", "subject", d.Subject, "stream_seq", d.StreamSeq, "error", err, "v", m.V)
		return nil
	}
	if d.Subject != jetstream.StoreSubject(m.Store) {
		// A store's credentials publish on its own subject only; a message
		// that claims another store is not let in.
		g.log.Error("group message set aside: its store is not its subject's", "subject", d.Subject, "store", m.Store, "stream_seq", d.StreamSeq)
		return nil
	}
	applied, err := g.file.Apply(m)
	if err != nil {
		return fmt.Errorf("group: apply %s: %w", shop.GroupMessageID(m), err)
	}
	if !applied {
		return nil
	}
	g.mu.Lock()
	s, ok := g.stores[m.Store]
	replica, err := shop.ApplyGroupMessage(s.State, m)
	if err != nil {
		g.mu.Unlock()
		// The file has it; the replica is rebuilt from the file.
		g.log.Error("group replica rebuilt from the file", "store", m.Store, "seq", m.Seq, "error", err)
		return g.reload(m.Store)
	}
	if !ok {
		s = store.GroupStore{ID: m.Store}
	}
	s.State, s.Seq, s.LastAt = replica, m.Seq, m.At
	if replica != nil && replica.Settings.Name != "" {
		s.Name = replica.Settings.Name
	}
	g.stores[m.Store] = s
	g.mu.Unlock()
	g.applied.Add(1)
	g.Wall.Changed()
	g.boardChanged(m.Store, replica, m.Seq)
	return nil
}

// reload rebuilds one store's replica from the file.
func (g *Group) reload(id string) error {
	stores, err := g.file.Stores()
	if err != nil {
		return err
	}
	for _, s := range stores {
		if s.ID == id {
			g.mu.Lock()
			g.stores[id] = s
			g.mu.Unlock()
			g.applied.Add(1)
			g.Wall.Changed()
			g.boardChanged(id, s.State, s.Seq)
		}
	}
	return nil
}

// Stores returns every store's replica as it stands, by id.
func (g *Group) Stores() []store.GroupStore {
	g.mu.RLock()
	defer g.mu.RUnlock()
	out := make([]store.GroupStore, 0, len(g.stores))
	for _, s := range g.stores {
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b store.GroupStore) int {
		switch {
		case a.ID < b.ID:
			return -1
		case a.ID > b.ID:
			return 1
		}
		return 0
	})
	return out
}

// Applied is how many messages this process has applied since it started.
func (g *Group) Applied() uint64 { return g.applied.Load() }

// GroupRows is the wall's source (board.GroupSource).
func (g *Group) GroupRows() ([]group.StoreRow, uint64) {
	return group.Wall(g.Stores(), g.opts.WallClock()), g.applied.Load()
}

// Now is the group's clock.
func (g *Group) Now() time.Time { return g.opts.WallClock() }

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
	return group.Compare(seen, from, to, period, g.opts.WallClock())
}

// storeBoard returns the drill-down's hub of a store, made the first time;
// nil for a store the group has no replica of.
func (g *Group) storeBoard(id string) *board.Hub {
	g.mu.RLock()
	s, ok := g.stores[id]
	g.mu.RUnlock()
	if !ok || s.State == nil {
		return nil
	}
	g.boardsMu.Lock()
	defer g.boardsMu.Unlock()
	if b := g.boards[id]; b != nil {
		return b.hub
	}
	b := &storeBoard{now: g.opts.WallClock}
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

// Close closes the group's data file.
func (g *Group) Close() error {
	if g.file == nil {
		return errors.New("group: closed twice")
	}
	err := g.file.Close()
	g.file = nil
	return err
}
