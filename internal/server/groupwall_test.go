package server

import (
	"context"
	"encoding/json"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"bayboard/board"
	"bayboard/internal/demo"
	"bayboard/internal/group"
	"bayboard/internal/jetstream"
	"bayboard/internal/shop"
)

// The wall's rows after a message are every store's rows as group.Wall
// computes them, but only the store whose replica changed is computed
// again; every store's row is computed again once the board's refresh is
// due on the group's clock.
func TestTheWallComputesAgainOnlyTheStoreThatChanged(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	clk := demo.NewClock(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC), 0)
	g, err := OpenGroup(ctx, filepath.Join(t.TempDir(), "group.db"), GroupOptions{Logger: quiet, HashCost: 1, Clock: clk.Now, Location: demo.Location()})
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	handle := func(id string, m shop.GroupMessage) {
		t.Helper()
		data, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		if err := g.Handle(jetstream.Delivery{Subject: jetstream.StoreSubject(id), Data: data}); err != nil {
			t.Fatal(err)
		}
	}
	stores := map[string]*groupStore{}
	for _, id := range []string{"bj-01", "sh-02", "gz-03"} {
		s := newUnlinkedStore(t, id, id, "", clk)
		s.work(ctx, 45) // jobs in every stage, some late
		stores[id] = s
		handle(id, s.srv.Engine.State().GroupSnapshot(id, s.st.LastSeq(), clk.Now(), false))
	}
	// The wall's hub computes rows too, woken by each message: what counts
	// is the rows computed by anyone since every row was fresh.
	computed := func() uint64 {
		g.wallMu.Lock()
		defer g.wallMu.Unlock()
		return g.rowsComputed
	}
	g.GroupRows()
	base := computed()
	rowsAre := func(when string, more uint64) {
		t.Helper()
		rows, _ := g.GroupRows()
		if want := group.Wall(g.Stores(), clk.Now()); !reflect.DeepEqual(rows, want) {
			t.Errorf("%s: the wall's rows\n%+v\nwant\n%+v", when, rows, want)
		}
		if n := computed() - base; n != more {
			t.Errorf("%s: %d rows computed again, want %d", when, n, more)
		}
	}
	rowsAre("nothing changed", 0)

	s := stores["sh-02"]
	ev, err := s.srv.Engine.Do(ctx, shop.Actor{System: true}, &shop.PutBay{Bay: shop.Bay{Name: "9号工位", Kind: shop.BayGeneral, Active: true}})
	if err != nil {
		t.Fatal(err)
	}
	handle("sh-02", s.srv.Engine.State().GroupMessage("sh-02", ev, false))
	rowsAre("after a message of one store", 1)

	// Time moves on: a refresh later every row is computed on the new time
	// (jobs turn late without a message).
	clk.Advance(board.DefaultRefreshEvery)
	rowsAre("a refresh later", 4)
	clk.Advance(3 * time.Hour)
	rowsAre("hours later", 7)
	late := 0
	for _, r := range group.Wall(g.Stores(), clk.Now()) {
		late += r.Late
	}
	if late == 0 {
		t.Error("no store has a late car hours later: the rows compared show nothing the time changes")
	}
}
