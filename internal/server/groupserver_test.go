package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"bayboard/board"
	"bayboard/internal/access"
	"bayboard/internal/demo"
	"bayboard/internal/jetstream"
	"bayboard/internal/jetstream/natstest"
	"bayboard/internal/shop"
	"bayboard/internal/store"

	"github.com/gorilla/websocket"
)

// groupStore is one store of a dealer group in a test: its own data file
// with the demo's shop seeded, its engine, the demo's simulator on a clock
// that stands still until the test moves it, and its group link (the link
// part's publisher, started by the assembled server) to the group's NATS.
type groupStore struct {
	id   string
	st   *store.Store
	srv  *Server
	sim  *demo.Simulator
	clk  *demo.Clock
	nats string
	sent uint64 // the last event the stream acknowledged
	msgs uint64 // messages the store's link published
	seen uint64 // the publisher's count when last read
}

func newGroupStore(t testing.TB, id, name, nats string, clk *demo.Clock) *groupStore {
	t.Helper()
	s := newUnlinkedStore(t, id, name, nats, clk)
	s.link(t, true)
	return s
}

// newUnlinkedStore is a store as newGroupStore makes it that has never had
// a group link: its publisher runs and finds nothing to do.
func newUnlinkedStore(t testing.TB, id, name, nats string, clk *demo.Clock) *groupStore {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), id+".db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	state, err := Load(st, clk.Now(), quiet)
	if err != nil {
		t.Fatal(err)
	}
	if state, err = demo.Seed(st, state, clk.Now(), access.NewHasher(1)); err != nil {
		t.Fatal(err)
	}
	srv, err := New(st, state, clk.Now, Options{Logger: quiet, HashCost: 1, GroupLinkBackoff: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	settings := srv.Engine.State().Settings
	settings.Name = name
	system := shop.Actor{System: true}
	if _, err := srv.Engine.Do(context.Background(), system, &shop.SetSettings{Settings: settings}); err != nil {
		t.Fatal(err)
	}
	return &groupStore{id: id, st: st, srv: srv, sim: demo.NewSimulator(srv.Engine, clk, quiet), clk: clk, nats: nats}
}

// link sets the store's group link, active (publishing) or paused. The
// stores publish while they work: each event goes with the state that
// shows it (grouplink's TestAnEventGoesWithTheStateThatShowsIt), so the
// group is never a step behind on the records an event touched.
func (s *groupStore) link(t testing.TB, active bool) {
	t.Helper()
	cmd := &shop.PutGroupLink{Link: shop.GroupLink{URLs: s.nats, StoreID: s.id, Active: active}}
	if _, err := s.srv.Engine.Do(context.Background(), shop.Actor{System: true}, cmd); err != nil {
		t.Fatal(err)
	}
}

// work runs the shop on for a while: the simulator's moves, minute by minute.
func (s *groupStore) work(ctx context.Context, minutes int) {
	for range minutes {
		s.clk.Advance(time.Minute)
		s.sim.Step(ctx)
	}
}

// published waits until the store's link has published every event.
func (s *groupStore) published(t testing.TB) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		st := s.srv.GroupLink.Status()
		if st.Backlog == 0 && st.Cursor > 0 && st.Cursor == s.st.LastSeq() {
			s.sent, s.msgs = st.Cursor, s.msgs+st.Published-s.seen
			s.seen = st.Published
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s's link did not publish: %+v", s.id, st)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// groupProcess is a running group process with its consumer.
type groupProcess struct {
	*Group
	url    string
	cancel context.CancelFunc
	done   chan struct{}
	// tap, when set, is told of each delivery handled (the benchmark's clock).
	tap atomic.Pointer[func(jetstream.Delivery)]
}

func startGroup(t testing.TB, path, nats, consumer string, clk *demo.Clock) *groupProcess {
	return startGroupOn(t, path, nats, consumer, 1, clk)
}

func startGroupOn(t testing.TB, path, nats, consumer string, replicas int, clk *demo.Clock) *groupProcess {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	g, err := OpenGroup(ctx, path, GroupOptions{Logger: quiet, Clock: clk.Now, Location: demo.Location(), HashCost: 1,
		Board: board.Options{BeatEvery: 50 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	conn, err := jetstream.Connect(ctx, jetstream.Config{URLs: nats, Name: consumer})
	if err != nil {
		t.Fatal(err)
	}
	if err := conn.EnsureStream(ctx, jetstream.Stream{Replicas: replicas}); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &groupProcess{Group: g, url: "http://" + ln.Addr().String(), cancel: cancel, done: make(chan struct{})}
	served := make(chan struct{})
	go func() { defer close(served); g.Serve(ln) }()
	handle := func(d jetstream.Delivery) error {
		err := g.Handle(d)
		if f := p.tap.Load(); err == nil && f != nil {
			(*f)(d)
		}
		return err
	}
	go func() {
		defer close(p.done)
		conn.Consume(ctx, consumer, handle)
		conn.Close()
		shutdown, stop := context.WithTimeout(context.Background(), 5*time.Second)
		defer stop()
		g.Shutdown(shutdown)
		<-served
		g.Close()
	}()
	t.Cleanup(p.stop)
	return p
}

// stop stops the process as a shutdown does, and waits for it.
func (p *groupProcess) stop() {
	p.cancel()
	<-p.done
}

// caughtUp waits until the group has applied every store's last event.
func (p *groupProcess) caughtUp(t testing.TB, stores ...*groupStore) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		behind := []string{}
		have := map[string]uint64{}
		for _, s := range p.Stores() {
			have[s.ID] = s.Seq
		}
		for _, s := range stores {
			if have[s.id] != s.sent {
				behind = append(behind, fmt.Sprintf("%s at %d of %d", s.id, have[s.id], s.sent))
			}
		}
		if len(behind) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the group did not catch up: %v", behind)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// wallRow is a row of the group wall as its screens get it.
type wallRow struct {
	ID             string `json:"id"`
	Name           string `json:"name"`
	WaitingParts   int    `json:"waiting_parts"`
	Late           int    `json:"late"`
	AtRisk         int    `json:"at_risk"`
	Ready          int    `json:"ready"`
	TechsFree      int    `json:"techs_free"`
	DeliveredToday int    `json:"delivered_today"`
}

func wallRows(t testing.TB, g *Group, scope string) map[string]wallRow {
	t.Helper()
	g.Wall.Changed()
	raw, err := g.Wall.Snapshot(scope)
	if err != nil {
		t.Fatal(err)
	}
	var snap struct {
		Lists struct {
			Stores []wallRow `json:"stores"`
		} `json:"lists"`
	}
	if err := json.Unmarshal(raw, &snap); err != nil {
		t.Fatal(err)
	}
	out := map[string]wallRow{}
	for _, r := range snap.Lists.Stores {
		out[r.ID] = r
	}
	return out
}

// ownBoard is what the store's own workshop board counts now.
func ownBoard(s *groupStore) wallRow {
	st := s.srv.Engine.State()
	c := st.Workshop(s.clk.Now()).Counts
	return wallRow{ID: s.id, Name: st.Settings.Name, WaitingParts: c.WaitingParts, Late: c.Late, AtRisk: c.AtRisk, Ready: c.Ready,
		TechsFree: c.TechsFree, DeliveredToday: c.DeliveredToday}
}

// sameRecords compares a store's own state, cut as it leaves the store,
// with the group's replica of it.
func sameRecords(t testing.TB, s *groupStore, g *Group) {
	t.Helper()
	own, err := shop.ApplyGroupMessage(nil, s.srv.Engine.State().GroupSnapshot(s.id, s.sent, s.clk.Now(), false))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range g.Stores() {
		if r.ID != s.id {
			continue
		}
		a, _ := json.Marshal([]any{own.Jobs, own.Findings, own.PartsRequests, own.Technicians, own.Bays})
		b, _ := json.Marshal([]any{r.State.Jobs, r.State.Findings, r.State.PartsRequests, r.State.Technicians, r.State.Bays})
		if string(a) != string(b) {
			t.Errorf("%s: the group's replica differs from the store's own records (%d and %d bytes)", s.id, len(b), len(a))
			for id, j := range own.Jobs {
				x, _ := json.Marshal(j)
				y, _ := json.Marshal(r.State.Jobs[id])
				if string(x) != string(y) {
					t.Logf("job %s:\n own %s\n grp %s", id, x, y)
				}
			}
		}
		return
	}
	t.Errorf("the group has no replica of %s", s.id)
}

// Two stores publish while the group consumes: the wall shows each store's
// own board's counts; the group restarted resumes from its consumer and
// applies nothing twice; a second group process with its own consumer is
// as up to date, and keeps serving when the first stops.
func TestTheGroupFollowsTheStoresThroughItsConsumer(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a NATS server and two stores")
	}
	nats := natstest.Start(t)
	clk := demo.NewClock(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC), 0)
	ctx := context.Background()
	// The group first: its process makes the stream the stores publish to.
	path := filepath.Join(t.TempDir(), "group.db")
	one := startGroup(t, path, nats.URL(), "group-one", clk)
	a := newGroupStore(t, "bj-01", "北京一店", nats.URL(), clk)
	b := newGroupStore(t, "sh-02", "上海二店", nats.URL(), clk)
	for range 3 {
		a.work(ctx, 20)
		b.work(ctx, 20)
	}
	a.published(t)
	b.published(t)
	one.caughtUp(t, a, b)
	rows := wallRows(t, one.Group, board.ScopeAll)
	for _, s := range []*groupStore{a, b} {
		if got, want := rows[s.id], ownBoard(s); got != want {
			t.Errorf("the wall shows %s as %+v; its own board counts %+v", s.id, got, want)
		}
		sameRecords(t, s, one.Group)
	}
	if len(rows) != 2 {
		t.Errorf("the wall has %d rows, want 2", len(rows))
	}
	if only := wallRows(t, one.Group, "bj-01"); len(only) != 1 || only["bj-01"].ID != "bj-01" {
		t.Errorf("bj-01's scope shows %v", only)
	}

	// Restarted, the group resumes from its consumer: what was published
	// meanwhile is applied, what it had is not applied again.
	firstRun := one.Applied()
	one.stop()
	a.work(ctx, 30)
	b.work(ctx, 30)
	a.published(t)
	b.published(t)
	again := startGroup(t, path, nats.URL(), "group-one", clk)
	again.caughtUp(t, a, b)
	if total := firstRun + again.Applied(); total != a.msgs+b.msgs {
		t.Errorf("the group applied %d messages over two runs; the stores published %d", total, a.msgs+b.msgs)
	}
	rows = wallRows(t, again.Group, board.ScopeAll)
	for _, s := range []*groupStore{a, b} {
		if got, want := rows[s.id], ownBoard(s); got != want {
			t.Errorf("after the restart the wall shows %s as %+v; its own board counts %+v", s.id, got, want)
		}
		sameRecords(t, s, again.Group)
	}

	// A second group process with its own consumer and file is as up to
	// date; the first stopped, it still serves, and follows the stores.
	two := startGroup(t, filepath.Join(t.TempDir(), "group-two.db"), nats.URL(), "group-two", clk)
	two.caughtUp(t, a, b)
	again.stop()
	a.work(ctx, 10)
	a.published(t)
	two.caughtUp(t, a, b)
	if got, want := wallRows(t, two.Group, board.ScopeAll)["bj-01"], ownBoard(a); got != want {
		t.Errorf("the second group process shows bj-01 as %+v; its own board counts %+v", got, want)
	}
	res, err := http.Get(two.url + "/healthz")
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("the second group process does not serve: %v %v", res, err)
	}
	res.Body.Close()
}

// A regional manager sees their stores only: in the stores' list, the
// comparison, the wall's feed and the drill-down, a store not theirs is
// as if it did not exist.
func TestARegionalManagerSeesOnlyTheirStores(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a NATS server and two stores")
	}
	nats := natstest.Start(t)
	clk := demo.NewClock(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC), 0)
	ctx := context.Background()
	g := startGroup(t, filepath.Join(t.TempDir(), "group.db"), nats.URL(), "group-one", clk)
	a := newGroupStore(t, "bj-01", "北京一店", nats.URL(), clk)
	b := newGroupStore(t, "sh-02", "上海二店", nats.URL(), clk)
	a.work(ctx, 15)
	b.work(ctx, 15)
	a.published(t)
	b.published(t)
	g.caughtUp(t, a, b)

	password := "regional-password-1"
	if err := g.Users().PutGroupUser(access.GroupUser{ID: "gu-r1", Login: "north", Name: "North", Role: access.GroupRegional,
		Stores: []string{"bj-01"}, Active: true, PasswordHash: access.NewHasher(1).Hash(password)}); err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	call := func(method, path, body string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(method, g.url+path, strings.NewReader(body))
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var sb strings.Builder
		buf := make([]byte, 64<<10)
		for {
			n, err := res.Body.Read(buf)
			sb.Write(buf[:n])
			if err != nil {
				break
			}
		}
		return res.StatusCode, sb.String()
	}
	if code, _ := call("GET", "/group/api/stores", ""); code != http.StatusUnauthorized {
		t.Errorf("the stores without a session: %d, want 401", code)
	}
	if code, body := call("POST", "/group/api/session", `{"login":"north","password":"`+password+`"}`); code != http.StatusOK {
		t.Fatalf("sign-in: %d %s", code, body)
	}
	_, stores := call("GET", "/group/api/stores", "")
	if !strings.Contains(stores, `"bj-01"`) || strings.Contains(stores, "sh-02") || strings.Contains(stores, "上海二店") {
		t.Errorf("the regional manager's stores: %s", stores)
	}
	for _, period := range []string{"day", "week", "month"} {
		code, cmp := call("GET", "/group/api/compare?period="+period, "")
		if code != http.StatusOK || strings.Contains(cmp, "sh-02") || strings.Contains(cmp, "上海二店") {
			t.Errorf("the comparison by %s: %d %s", period, code, cmp)
		}
	}
	for path, want := range map[string]string{
		"/group/api/compare?period=year":                   `"field":"period"`,
		"/group/api/compare?period=day&from=23.11.2026":    `"field":"from"`,
		"/group/api/compare?from=2026-11-23&to=2026-11-01": `"field":"from"`,
	} {
		if code, body := call("GET", path, ""); code != http.StatusBadRequest || !strings.Contains(body, want) {
			t.Errorf("GET %s: %d %s, want 400 naming %s", path, code, body, want)
		}
	}
	// A change without the session's CSRF token is refused.
	if code, body := call("POST", "/group/api/me/password", `{"old":"`+password+`","new":"another-password-2"}`); code != http.StatusForbidden || !strings.Contains(body, "csrf") {
		t.Errorf("a password change without the CSRF token: %d %s", code, body)
	}
	for path, want := range map[string]int{
		"/group/stores/bj-01/board": http.StatusOK,
		"/group/stores/sh-02/board": http.StatusNotFound,
		"/group/stores/xx-99/board": http.StatusNotFound,
		"/group/users":              http.StatusForbidden,
		"/group/api/users":          http.StatusForbidden,
	} {
		if code, body := call("GET", path, ""); code != want {
			t.Errorf("GET %s: %d, want %d (%.200s)", path, code, want, body)
		}
	}
	if scope := wallRows(t, g.Group, "bj-01"); len(scope) != 1 {
		t.Errorf("the regional manager's wall: %v", scope)
	}

	// The feeds: the wall's snapshot holds their store only; the
	// drill-down into another store's board does not open.
	u, _ := url.Parse(g.url)
	header := http.Header{}
	for _, c := range jar.Cookies(u) {
		header.Add("Cookie", c.String())
	}
	ws := "ws://" + u.Host
	conn, _, err := websocket.DefaultDialer.Dial(ws+"/ws/group/wall", header)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var snapshot board.Envelope
	for snapshot.Type != board.TypeSnapshot {
		_, msg, err := conn.ReadMessage()
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range board.Split(msg) {
			var e board.Envelope
			if err := json.Unmarshal(line, &e); err != nil {
				t.Fatal(err)
			}
			if e.Type == board.TypeSnapshot {
				snapshot = e
			}
		}
	}
	if data := string(snapshot.Data); !strings.Contains(data, `"bj-01"`) || strings.Contains(data, "sh-02") || strings.Contains(data, "上海二店") {
		t.Errorf("the regional manager's wall feed: %s", data)
	}
	for path, want := range map[string]int{"/ws/group/stores/sh-02/board": http.StatusNotFound, "/ws/group/stores/bj-01/board": http.StatusSwitchingProtocols} {
		c, res, err := websocket.DefaultDialer.Dial(ws+path, header)
		if c != nil {
			c.Close()
		}
		if res == nil || res.StatusCode != want {
			t.Errorf("the feed %s: %v %v, want %d", path, res, err, want)
		}
	}
	if _, res, _ := websocket.DefaultDialer.Dial(ws+"/ws/group/wall", nil); res == nil || res.StatusCode != http.StatusUnauthorized {
		t.Errorf("the wall's feed without a session: %v, want 401", res)
	}
}

// On a three-node JetStream cluster the stream's leader is killed between
// two stores' publishing: the group consumes on, loses nothing and counts
// nothing twice.
func TestTheGroupLosesNothingWhenANATSNodeDies(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a three-node NATS cluster and two stores")
	}
	cluster := natstest.StartCluster(t, 3)
	clk := demo.NewClock(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC), 0)
	ctx := context.Background()
	g := startGroupOn(t, filepath.Join(t.TempDir(), "group.db"), cluster.URLs(), "group-one", 3, clk)
	a := newGroupStore(t, "bj-01", "北京一店", cluster.URLs(), clk)
	b := newGroupStore(t, "sh-02", "上海二店", cluster.URLs(), clk)
	a.work(ctx, 20)
	b.work(ctx, 20)
	a.published(t)
	b.published(t)
	g.caughtUp(t, a, b)

	leader := cluster.StreamLeader(jetstream.StreamName)
	if leader < 0 {
		t.Fatal("the stream has no leader")
	}
	cluster.Node(leader).Stop()
	a.work(ctx, 20)
	b.work(ctx, 20)
	a.published(t)
	b.published(t)
	g.caughtUp(t, a, b)
	if g.Applied() != a.msgs+b.msgs {
		t.Errorf("the group applied %d messages; the stores published %d", g.Applied(), a.msgs+b.msgs)
	}
	rows := wallRows(t, g.Group, board.ScopeAll)
	for _, s := range []*groupStore{a, b} {
		if got, want := rows[s.id], ownBoard(s); got != want {
			t.Errorf("with a node down the wall shows %s as %+v; its own board counts %+v", s.id, got, want)
		}
		sameRecords(t, s, g.Group)
	}
}

// What the consumer is told: a message that does not read, or claims a
// store that is not its subject's, is acknowledged and changes nothing; a
// message applied twice counts once; a failure to write the group's file
// is not acknowledged, so the message comes again.
func TestTheGroupAcknowledgesWhatNeverReadsAndRetriesWhatItCouldNotWrite(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	g, err := OpenGroup(ctx, filepath.Join(t.TempDir(), "group.db"), GroupOptions{Logger: quiet, HashCost: 1})
	if err != nil {
		t.Fatal(err)
	}
	st := shop.NewState()
	snap, err := json.Marshal(st.GroupSnapshot("bj-01", 7, time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC), false))
	if err != nil {
		t.Fatal(err)
	}
	subject := jetstream.StoreSubject("bj-01")
	for name, d := range map[string]jetstream.Delivery{
		"not JSON":          {Subject: subject, Data: []byte("{not json")},
		"another version":   {Subject: subject, Data: []byte(`{"v":99,"store":"bj-01","seq":8,"records":[]}`)},
		"another's subject": {Subject: jetstream.StoreSubject("sh-02"), Data: snap},
		"a bad record":      {Subject: subject, Data: []byte(`{"v":1,"store":"bj-01","seq":9,"snapshot":true,"records":[{"kind":"jobs","id":"j1","data":"not a job"}]}`)},
	} {
		if err := g.Handle(d); err != nil {
			t.Errorf("%s: %v, want it acknowledged", name, err)
		}
	}
	if n := len(g.Stores()); n != 0 || g.Applied() != 0 {
		t.Fatalf("messages set aside changed the group: %d stores, %d applied", n, g.Applied())
	}
	for range 2 {
		if err := g.Handle(jetstream.Delivery{Subject: subject, Data: snap}); err != nil {
			t.Fatal(err)
		}
	}
	if g.Applied() != 1 || len(g.Stores()) != 1 || g.Stores()[0].Seq != 7 {
		t.Errorf("the snapshot twice: %d applied, %+v", g.Applied(), g.Stores())
	}
	next, _ := json.Marshal(shop.GroupMessage{V: shop.GroupMessageVersion, Store: "bj-01", Seq: 8, Records: []shop.GroupRecord{}})
	g.Close()
	if err := g.Handle(jetstream.Delivery{Subject: subject, Data: next}); err == nil {
		t.Error("a message the closed file could not take was acknowledged")
	}
}
