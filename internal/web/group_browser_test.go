package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"bayboard/internal/access"
	"bayboard/internal/demo"
	"bayboard/internal/jetstream"
	"bayboard/internal/livetest"
	"bayboard/internal/server"
	"bayboard/internal/shop"
	"bayboard/internal/store"
)

var groupQuiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// groupTestStore is a demo store of the group, run on for a while by the
// demo's simulator on a clock the test moves.
type groupTestStore struct {
	id  string
	st  *store.Store
	srv *server.Server
	sim *demo.Simulator
	clk *demo.Clock
}

func newGroupTestStore(t *testing.T, id, name string, clk *demo.Clock) *groupTestStore {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), id+".db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	state, err := server.Load(st, clk.Now(), groupQuiet)
	if err != nil {
		t.Fatal(err)
	}
	if state, err = demo.Seed(st, state, clk.Now(), access.NewHasher(1)); err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(st, state, clk.Now, server.Options{Logger: groupQuiet, HashCost: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	settings := srv.Engine.State().Settings
	settings.Name = name
	if _, err := srv.Engine.Do(context.Background(), shop.Actor{System: true}, &shop.SetSettings{Settings: settings}); err != nil {
		t.Fatal(err)
	}
	return &groupTestStore{id: id, st: st, srv: srv, sim: demo.NewSimulator(srv.Engine, clk, groupQuiet), clk: clk}
}

// deliver hands the group the store's state as one snapshot, as its
// consumer would.
func (s *groupTestStore) deliver(t *testing.T, g *server.Group) {
	t.Helper()
	m := s.srv.Engine.State().GroupSnapshot(s.id, s.st.LastSeq(), s.clk.Now(), false)
	data, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	if err := g.Handle(jetstream.Delivery{Subject: jetstream.StoreSubject(s.id), Data: data}); err != nil {
		t.Fatal(err)
	}
}

// The director signs in with the one-time password, chooses their own, and
// sees the group wall: a row per store with the store's own board's
// figures, live; the comparison draws its table and charts; a store's
// name opens its workshop board.
func TestTheGroupWallAndComparisonInTheBrowser(t *testing.T) {
	livetest.Chromium(t)
	clk := demo.NewClock(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC), 0)
	ctx := context.Background()
	a := newGroupTestStore(t, "bj-01", "北京朝阳店", clk)
	b := newGroupTestStore(t, "sh-02", "上海浦东店", clk)
	// The second store steps every other minute only: its day differs.
	for i := range 90 {
		clk.Advance(time.Minute)
		a.sim.Step(ctx)
		if i%2 == 1 {
			b.sim.Step(ctx)
		}
	}
	p := serveGroup(t, clk, a, b)
	g, password, base := p.g, p.password, p.base

	page := livetest.Browser(t, 1600, 900)
	livetest.WatchPolicy(t, page)
	livetest.Open(t, page, base+"/group/wall?lang=zh-CN")
	livetest.WaitFor(t, page, "the sign-in page", `location.pathname === "/group/signin" && !!document.querySelector("form.signin")`, 10*time.Second)
	livetest.Fill(t, page, "form.signin", map[string]any{"login": server.FirstDirectorLogin, "password": password}, true)
	livetest.WaitFor(t, page, "the new password's form", `!!document.querySelector("form.signin input[name=new]")`, 10*time.Second)
	livetest.Fill(t, page, "form.signin", map[string]any{"new": "director-own-password"}, true)
	livetest.WaitFor(t, page, "the wall's two stores", `location.pathname === "/group/wall" && document.querySelectorAll("tr.store").length === 2`, 10*time.Second)

	// Each row says what the store's own workshop board counts.
	for _, s := range []*groupTestStore{a, b} {
		c := s.srv.Engine.State().Workshop(clk.Now()).Counts
		want := fmt.Sprintf("%d|%d|%d|%d / %d", c.WaitingParts, c.Late, c.Ready, c.TechsFree, c.TechsTotal)
		got := livetest.Eval[string](t, page, fmt.Sprintf(`(() => {
			const cells = [...document.querySelectorAll('tr[data-store=%q] td')].map((td) => td.textContent);
			return [cells[2], cells[3], cells[5], cells[6]].join("|");
		})()`, s.id))
		if got != want {
			t.Errorf("the wall's row of %s reads %q; the store's board counts %q", s.id, got, want)
		}
	}
	livetest.Screenshot(t, page, "group-wall")

	// The wall is live: the store works on, its next state reaches the
	// group, and the row changes without a reload.
	before := livetest.Eval[string](t, page, `document.querySelector('tr[data-store="bj-01"]').textContent`)
	shown := func(st *shop.State) string {
		w := st.Workshop(clk.Now())
		c := w.Counts
		return fmt.Sprint(len(w.Jobs), c.WaitingParts, c.Late, c.AtRisk, c.Ready, c.TechsFree, c.DeliveredToday)
	}
	for i := 0; i < 240 && shown(a.srv.Engine.State()) == shown(g.Stores()[0].State); i++ {
		clk.Advance(time.Minute)
		a.sim.Step(ctx)
	}
	if shown(a.srv.Engine.State()) == shown(g.Stores()[0].State) {
		t.Fatal("four hours of the simulator changed nothing on bj-01's row")
	}
	a.deliver(t, g)
	livetest.WaitFor(t, page, "bj-01's row to change", fmt.Sprintf(`document.querySelector('tr[data-store="bj-01"]').textContent !== %q`, before), 10*time.Second)

	// The comparison: a row per store, a chart per KPI with a line per store.
	livetest.Open(t, page, base+"/group/compare")
	livetest.WaitFor(t, page, "the comparison", `document.querySelectorAll("table.compare tbody tr").length === 2 && document.querySelectorAll("svg.chart").length === 5`, 10*time.Second)
	livetest.Eval[bool](t, page, `document.querySelector('button[data-period="week"]').click(), true`)
	livetest.WaitFor(t, page, "the weekly comparison", `document.querySelector('button[data-period="week"]').getAttribute("aria-pressed") === "true" && /W\d\d/.test(document.querySelector("table.compare caption").textContent)`, 10*time.Second)
	livetest.Eval[bool](t, page, `document.querySelector('button[data-period="day"]').click(), true`)
	livetest.WaitFor(t, page, "the daily comparison", `document.querySelector('button[data-period="day"]').getAttribute("aria-pressed") === "true" && document.querySelectorAll("svg.chart circle").length > 0`, 10*time.Second)
	livetest.Screenshot(t, page, "group-compare")

	// The director adds a regional manager for one store: the one-time
	// password is shown once, and the user is listed with their store.
	livetest.Open(t, page, base+"/group/users")
	livetest.WaitFor(t, page, "the users page", `!!document.querySelector("form.add-user") && document.querySelectorAll("tr[data-user]").length === 1`, 10*time.Second)
	livetest.Fill(t, page, "form.add-user", map[string]any{"login": "north", "name": "华北区域经理", "role": "regional", "stores": "bj-01"}, true)
	livetest.WaitFor(t, page, "the new user", `document.querySelectorAll("tr[data-user]").length === 2 && /north/.test(document.querySelector(".notice").textContent)`, 10*time.Second)
	if got := livetest.Eval[string](t, page, `document.querySelector('tr[data-user="north"] input[name=stores]').value`); got != "bj-01" {
		t.Errorf("north's stores read %q", got)
	}
	livetest.Fill(t, page, "form.add-user", map[string]any{"login": "north", "name": "又一个", "role": "regional", "stores": "sh-02"}, true)
	livetest.WaitFor(t, page, "the taken login refused at its field", `/已被占用|taken/.test(document.querySelector("form.add-user label.field .field-error").textContent)`, 10*time.Second)
	livetest.Screenshot(t, page, "group-users")

	// The wall in English.
	livetest.Open(t, page, base+"/group/wall?lang=en")
	livetest.WaitFor(t, page, "the English wall", `document.querySelectorAll("tr.store").length === 2 && document.querySelector("table.wall th:nth-child(2)").textContent === "In workshop"`, 10*time.Second)

	// The drill-down: the store's own workshop board, on its replica.
	livetest.Open(t, page, base+"/group/stores/bj-01/board")
	livetest.WaitFor(t, page, "bj-01's workshop board", `document.getElementById("shop").textContent === "北京朝阳店" && !!document.querySelector(".bays")`, 10*time.Second)
	livetest.Screenshot(t, page, "group-drilldown")
	if v := livetest.Eval[[]string](t, page, `window.policyViolations || []`); len(v) > 0 {
		t.Errorf("the pages broke the content policy: %v", v)
	}
}
