package board

import (
	"context"
	"fmt"
	"math"
	"strings"
	"sync"
	"time"

	"bayboard/internal/group"
)

// The group wall board (集团看板, issue 17) hangs in a dealer group's
// after-sales office: one row per store, with the figures a director
// compares at a glance — cars in the workshop, waiting for parts, late or
// at risk, ready, technicians free, on-time deliveries today — and how long
// ago the store was last heard from, a store silent for more than
// GroupSilentAfter flagged. It speaks the boards' protocol (snapshot,
// change, resumed, beat; protocol.go) on the same hub machinery: a view's
// frame, a ring of changes, one writer per screen.
//
// What a screen shows depends on who watches it: a regional manager sees
// only their stores. One encoded message is shared by every screen of a
// view, so each set of stores (a scope: "*" for every store, or the ids)
// is a view of its own, made when its first screen joins. Rows of a store
// outside a scope are never computed into its frame, so they cannot reach
// its screens.

// ViewGroupWall names the group wall board in its envelopes.
const ViewGroupWall = "group"

// GroupSilentAfter is how long a store may stay silent before the wall
// flags it: a busy store's floor makes an event every few minutes, so a
// quarter of an hour of nothing means its link or its box is down.
const GroupSilentAfter = 15 * time.Minute

// ScopeAll is the scope of every store (a director's).
const ScopeAll = "*"

// GroupSource is the group's live state as the wall reads it; the group
// process implements it.
type GroupSource interface {
	// GroupRows returns every store's row and the number of messages
	// applied so far (the envelopes' event).
	GroupRows() ([]group.StoreRow, uint64)
	// Now is the group's clock.
	Now() time.Time
}

// GroupHub keeps the group wall's views, one per scope, and their screens.
type GroupHub struct {
	src GroupSource
	loc *time.Location
	// core carries the epoch, the options and the screens' counters the
	// shared machinery (channel.join, publish, fanOut) reads; it shows no
	// shop.
	core *Hub

	mu     sync.Mutex
	scopes map[string]*channel
	wake   chan struct{}
}

// NewGroupHub builds the group wall's hub; loc is the zone its times are
// shown in.
func NewGroupHub(src GroupSource, loc *time.Location, opts Options) *GroupHub {
	opts.fill()
	if loc == nil {
		loc = time.Local
	}
	g := &GroupHub{src: src, loc: loc, scopes: map[string]*channel{}, wake: make(chan struct{}, 1)}
	g.core = &Hub{opts: opts, log: opts.Logger, epoch: randomHex(8), views: map[string]*channel{}}
	g.core.lastBeat.Store(g.beatMessage())
	return g
}

// Screens is how many screens show the group wall now.
func (g *GroupHub) Screens() int { return int(g.core.screens.Load()) }

// Changed is told when the group applied messages: the wall recomputes
// once for a burst of them.
func (g *GroupHub) Changed() {
	select {
	case g.wake <- struct{}{}:
	default:
	}
}

// Run recomputes the views after each change and as the clock moves, and
// beats, until ctx ends.
func (g *GroupHub) Run(ctx context.Context) {
	beat := time.NewTicker(g.core.opts.BeatEvery)
	defer beat.Stop()
	last := g.src.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case <-g.wake:
			g.recompute()
			last = g.src.Now()
		case <-beat.C:
			if g.src.Now().Sub(last) >= g.core.opts.RefreshEvery {
				g.recompute()
				last = g.src.Now()
			}
			g.beat()
		}
	}
}

// groupWallHead is the wall's head: the totals of the scope's stores.
type groupWallHead struct {
	TimeZone string         `json:"tz"`
	Stores   int            `json:"stores"`
	Silent   int            `json:"silent"`
	Totals   groupWallTotal `json:"totals"`
}

type groupWallTotal struct {
	InWorkshop     int  `json:"in_workshop"`
	WaitingParts   int  `json:"waiting_parts"`
	Late           int  `json:"late"`
	AtRisk         int  `json:"at_risk"`
	Ready          int  `json:"ready"`
	TechsFree      int  `json:"techs_free"`
	DeliveredToday int  `json:"delivered_today"`
	OnTimeToday    *int `json:"on_time_today,omitempty"`
}

// groupWallRow is one store on the wall. OnTimeToday is the share of the
// day's deliveries ready by their promised time, in whole percent (absent
// before the first); SilentMinutes is how long ago the store's last event
// was, absent for a store never heard from.
type groupWallRow struct {
	ID             string `json:"id"`
	Name           string `json:"name"`
	InWorkshop     int    `json:"in_workshop"`
	WaitingParts   int    `json:"waiting_parts"`
	Late           int    `json:"late"`
	AtRisk         int    `json:"at_risk"`
	Ready          int    `json:"ready"`
	TechsFree      int    `json:"techs_free"`
	TechsOnDuty    int    `json:"techs_on_duty"`
	DeliveredToday int    `json:"delivered_today"`
	OnTimeToday    *int   `json:"on_time_today,omitempty"`
	LastEventAt    minute `json:"last_event_at"`
	SilentMinutes  *int   `json:"silent_minutes,omitempty"`
	Silent         bool   `json:"silent"`
}

func (r groupWallRow) rowKey() string { return r.ID }

func percentOf(part, whole int) *int {
	if whole <= 0 {
		return nil
	}
	p := int(math.Round(float64(part) * 100 / float64(whole)))
	return &p
}

// groupWallView computes a scope's view from every store's row: the rows
// of the scope's stores only, in the order given.
func groupWallView(rows []group.StoreRow, scope string, now time.Time, loc *time.Location) model {
	head := groupWallHead{TimeZone: loc.String()}
	var out []groupWallRow
	var onTime int
	for _, r := range rows {
		if !InScope(scope, r.ID) {
			continue
		}
		row := groupWallRow{ID: r.ID, Name: r.Name, InWorkshop: r.InWorkshop, WaitingParts: r.WaitingParts, Late: r.Late,
			AtRisk: r.AtRisk, Ready: r.Ready, TechsFree: r.TechsFree, TechsOnDuty: r.TechsOnDuty,
			DeliveredToday: r.DeliveredToday, OnTimeToday: percentOf(r.OnTimeToday, r.DeliveredToday),
			LastEventAt: minuteOf(r.LastEventAt, loc)}
		if !r.LastEventAt.IsZero() {
			age := max(0, int(now.Sub(r.LastEventAt)/time.Minute))
			row.SilentMinutes = &age
		}
		row.Silent = r.LastEventAt.IsZero() || now.Sub(r.LastEventAt) > GroupSilentAfter
		if row.Silent {
			head.Silent++
		}
		t := &head.Totals
		t.InWorkshop += r.InWorkshop
		t.WaitingParts += r.WaitingParts
		t.Late += r.Late
		t.AtRisk += r.AtRisk
		t.Ready += r.Ready
		t.TechsFree += r.TechsFree
		t.DeliveredToday += r.DeliveredToday
		onTime += r.OnTimeToday
		out = append(out, row)
	}
	head.Stores = len(out)
	head.Totals.OnTimeToday = percentOf(onTime, head.Totals.DeliveredToday)
	return model{head: head, lists: []list{rowsOf("stores", out)}}
}

// InScope reports whether a scope ("*", or store ids comma separated)
// holds a store.
func InScope(scope, store string) bool {
	if scope == ScopeAll {
		return true
	}
	for _, id := range strings.Split(scope, ",") {
		if id == store {
			return true
		}
	}
	return false
}

// recompute builds every scope's view and sends each its change, if any.
func (g *GroupHub) recompute() {
	rows, event := g.src.GroupRows()
	now := g.src.Now()
	clk := clock(now, g.loc)
	g.mu.Lock()
	scopes := make(map[string]*channel, len(g.scopes))
	for k, c := range g.scopes {
		scopes[k] = c
	}
	g.mu.Unlock()
	for scope, c := range scopes {
		next, err := groupWallView(rows, scope, now, g.loc).encode()
		if err != nil {
			g.core.log.Error("group wall not computed", "scope", scope, "error", err)
			continue
		}
		if data := diff(c.frame, next); data != nil {
			g.core.publish(c, next, event, clk, data)
		}
	}
}

// channelOf returns a scope's view, computing it the first time.
func (g *GroupHub) channelOf(scope string) (*channel, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if c := g.scopes[scope]; c != nil {
		return c, nil
	}
	rows, event := g.src.GroupRows()
	f, err := groupWallView(rows, scope, g.src.Now(), g.loc).encode()
	if err != nil {
		return nil, err
	}
	c := &channel{name: ViewGroupWall, ring: newRing(g.core.opts.RingSize), snaps: map[string]*message{},
		screens: map[*screen]struct{}{}, frame: f, event: event}
	g.scopes[scope] = c
	return c, nil
}

// Snapshot is a scope's view as a snapshot's data: what its screens show
// now (the tests compare it with the stores' own boards).
func (g *GroupHub) Snapshot(scope string) ([]byte, error) {
	c, err := g.channelOf(scope)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.frame.snapshot(), nil
}

func (g *GroupHub) beatMessage() *message {
	return encodeMessage(Envelope{Type: TypeBeat, Epoch: g.core.epoch, Now: clock(g.src.Now(), g.loc), Data: empty})
}

func (g *GroupHub) beat() {
	m := g.beatMessage()
	g.core.lastBeat.Store(m)
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, c := range g.scopes {
		if time.Since(c.changedAt) < g.core.opts.BeatEvery*9/10 {
			continue
		}
		c.mu.Lock()
		g.core.fanOut(c, m)
		c.mu.Unlock()
	}
}

// Serve shows a scope's wall on a connected screen until it goes away, is
// dropped, or the hub closes; as Hub.Serve.
func (g *GroupHub) Serve(conn Conn, scope string, r Resume) error {
	c, err := g.channelOf(scope)
	if err != nil {
		conn.Close()
		return fmt.Errorf("board: group wall: %w", err)
	}
	return g.core.serve(c, conn, r)
}

// Close tells every screen the server is going away and waits until they
// are gone or ctx ends, as Hub.Close.
func (g *GroupHub) Close(ctx context.Context) {
	g.core.closeScreens(ctx, func(fn func(*screen)) {
		g.mu.Lock()
		defer g.mu.Unlock()
		for _, c := range g.scopes {
			c.mu.Lock()
			for s := range c.screens {
				fn(s)
			}
			c.mu.Unlock()
		}
	})
}
