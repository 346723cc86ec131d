package web

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"bayboard/assets"
	"bayboard/board"
	"bayboard/internal/engine"
	"bayboard/internal/shop"

	"github.com/gorilla/websocket"
)

// boardShop is the test shop served with its boards, demo or not.
type boardShop struct {
	*testShop
	url string
	ws  string
	hub *board.Hub
}

func newBoardShop(t *testing.T, demo bool) *boardShop {
	t.Helper()
	return newBoardShopWith(t, demo, board.Options{})
}

func newBoardShopWith(t *testing.T, demo bool, opts board.Options) *boardShop {
	t.Helper()
	return newBoardShopOn(t, newTestShop(t), demo, opts)
}

// newBoardShopOn serves the boards of a test shop on a server of their own.
func newBoardShopOn(t *testing.T, ts *testShop, demo bool, opts board.Options) *boardShop {
	t.Helper()
	hub := board.New(ts.eng, opts)
	ts.eng.Subscribe(func(c engine.Change) { hub.Changed(c.State, c.Events) })
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan struct{})
	go func() { defer close(ran); hub.Run(ctx) }()
	srv, err := New(Deps{Engine: ts.eng, Auth: ts.store, Hub: hub, Pages: assets.Pages()}, Options{Demo: demo})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() {
		closing, stop := context.WithTimeout(context.Background(), 5*time.Second)
		defer stop()
		srv.Shutdown(closing)
		hub.Close(closing)
		cancel()
		<-ran
	})
	url := "http://" + ln.Addr().String()
	return &boardShop{testShop: ts, url: url, ws: "ws://" + ln.Addr().String(), hub: hub}
}

func (bs *boardShop) get(t *testing.T, path string, headers ...string) response {
	t.Helper()
	saved := bs.testShop.url
	bs.testShop.url = bs.url
	defer func() { bs.testShop.url = saved }()
	return bs.call(t, nil, "GET", path, "", nil, headers...)
}

// dialFeed opens a view's feed with the given request headers.
func (bs *boardShop) dialFeed(view string, headers ...string) (*websocket.Conn, int, error) {
	h := http.Header{}
	for i := 0; i+1 < len(headers); i += 2 {
		h.Set(headers[i], headers[i+1])
	}
	conn, res, err := websocket.DefaultDialer.Dial(bs.ws+"/ws/board/"+view, h)
	status := 0
	if res != nil {
		status = res.StatusCode
	}
	return conn, status, err
}

// pairScreen pairs a screen for views, as a manager would approve it, and
// returns its device token.
func (bs *boardShop) pairScreen(t *testing.T, views ...string) string {
	t.Helper()
	saved := bs.testShop.url
	bs.testShop.url = bs.url
	defer func() { bs.testShop.url = saved }()
	var pair struct {
		DeviceID   string `json:"device_id"`
		Code       string `json:"code"`
		PollSecret string `json:"poll_secret"`
	}
	bs.call(t, nil, "POST", "/api/v1/devices/pair", "", `{"name":"TV"}`).json(t, &pair)
	raw, _ := json.Marshal(map[string]any{"code": pair.Code, "name": "大厅电视", "views": views, "lang": "en"})
	if r := bs.call(t, nil, "POST", "/api/v1/devices/approve", bs.tokens[shop.RoleManager], raw); r.status != 200 {
		t.Fatalf("approve: %d %s", r.status, r.body)
	}
	var got struct{ Token string }
	bs.call(t, nil, "GET", "/api/v1/devices/pair/"+pair.DeviceID, "", nil, "X-Pair-Secret", pair.PollSecret).json(t, &got)
	return got.Token
}

// signIn signs staff in with a password and returns their session cookie.
func (bs *boardShop) signIn(t *testing.T, role shop.Role) string {
	t.Helper()
	saved := bs.testShop.url
	bs.testShop.url = bs.url
	defer func() { bs.testShop.url = saved }()
	r := bs.call(t, nil, "POST", "/api/v1/session", "", map[string]string{"login": string(role), "password": testPassword})
	cookie, _, _ := strings.Cut(r.header.Get("Set-Cookie"), ";")
	if r.status != 200 || !strings.HasPrefix(cookie, cookieSession+"=") {
		t.Fatalf("sign in: %d %s", r.status, r.body)
	}
	return cookie
}

func isPairing(r response) bool { return strings.Contains(string(r.body), `id="code"`) }
func isBoard(r response) bool   { return strings.Contains(string(r.body), `id="clock"`) }

// Who may open a board: a paired screen for its views, staff, anyone in
// the demo; an unpaired browser gets the pairing page instead.
func TestBoardPagesOpenForPairedScreensAndStaff(t *testing.T) {
	bs := newBoardShop(t, false)
	lounge := bs.pairScreen(t, "lounge")
	staff := "Bearer " + bs.tokens[shop.RoleTechnician]
	session := bs.signIn(t, shop.RoleController)
	cases := []struct {
		name    string
		path    string
		headers []string
		board   bool
		denied  bool
		lang    string
	}{
		{"unpaired", "/board/lounge", nil, false, false, "zh-CN"},
		{"paired for it", "/board/lounge", []string{"Authorization", "Bearer " + lounge}, true, false, "en"},
		{"paired, by cookie", "/board/lounge", []string{"Cookie", cookieDevice + "=" + lounge}, true, false, "en"},
		{"paired, language asked", "/board/lounge?lang=zh-CN", []string{"Cookie", cookieDevice + "=" + lounge}, true, false, "zh-CN"},
		{"paired for another view", "/board/workshop", []string{"Cookie", cookieDevice + "=" + lounge}, false, true, "en"},
		{"staff", "/board/workshop", []string{"Authorization", staff}, true, false, "zh-CN"},
		{"signed-in staff", "/board/parts", []string{"Cookie", session}, true, false, "zh-CN"},
		{"a token that is not one", "/board/workshop", []string{"Authorization", "Bearer nonsense"}, false, false, "zh-CN"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := bs.get(t, c.path, c.headers...)
			if r.status != 200 || isBoard(r) != c.board || isPairing(r) == c.board {
				t.Fatalf("%d board=%v pairing=%v\n%s", r.status, isBoard(r), isPairing(r), r.body)
			}
			if strings.Contains(string(r.body), `id="denied"`) != c.denied {
				t.Errorf("denied notice: %s", r.body)
			}
			if !strings.Contains(string(r.body), `lang="`+c.lang+`"`) {
				t.Errorf("want lang %s: %.200s", c.lang, r.body)
			}
		})
	}
	if r := bs.get(t, "/board/kitchen"); r.status != 404 {
		t.Errorf("an unknown board: %d", r.status)
	}

	demo := newBoardShop(t, true)
	if r := demo.get(t, "/board/workshop"); !isBoard(r) {
		t.Errorf("the demo asked for pairing: %s", r.body)
	}
}

func TestBoardFeedsOpenOnlyForWhoMayView(t *testing.T) {
	noLeaks(t)
	bs := newBoardShop(t, false)
	lounge := bs.pairScreen(t, "lounge")
	session := bs.signIn(t, shop.RoleParts)
	cases := []struct {
		name    string
		view    string
		headers []string
		status  int
	}{
		{"signed-in staff", "parts", []string{"Cookie", session}, 101},
		{"unpaired", "lounge", nil, 401},
		{"paired for it", "lounge", []string{"Authorization", "Bearer " + lounge}, 101},
		{"paired by cookie", "lounge", []string{"Cookie", cookieDevice + "=" + lounge}, 101},
		{"paired for another view", "workshop", []string{"Cookie", cookieDevice + "=" + lounge}, 403},
		{"staff", "advisor", []string{"Authorization", "Bearer " + bs.tokens[shop.RoleAdvisor]}, 101},
		{"another site's page", "lounge", []string{"Cookie", cookieDevice + "=" + lounge, "Origin", "http://evil.example"}, 403},
		{"its own page", "lounge", []string{"Cookie", cookieDevice + "=" + lounge, "Origin", bs.url}, 101},
		{"no such view", "kitchen", []string{"Authorization", "Bearer " + lounge}, 404},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			conn, status, err := bs.dialFeed(c.view, c.headers...)
			if status != c.status {
				t.Fatalf("status %d, want %d (%v)", status, c.status, err)
			}
			if conn == nil {
				return
			}
			defer conn.Close()
			var e board.Envelope
			f := &feed{conn: conn}
			for e.Type != board.TypeSnapshot {
				e = readEnvelope(t, f)
			}
			if e.View != c.view || e.Epoch != bs.hub.Epoch() {
				t.Errorf("snapshot of %s in %s", e.View, e.Epoch)
			}
		})
	}
	if r := bs.get(t, "/ws/board/lounge", "Authorization", "Bearer "+lounge); r.status != 400 {
		t.Errorf("a plain GET of a feed: %d", r.status)
	}
}

// The feed through fiber: a change made through the API reaches a
// connected screen as the next seq, and a screen that reconnects resumes.
func TestAChangeThroughTheAPIReachesTheScreen(t *testing.T) {
	noLeaks(t)
	bs := newBoardShop(t, true)
	conn, status, err := bs.dialFeed("workshop")
	if err != nil {
		t.Fatalf("%d %v", status, err)
	}
	defer conn.Close()
	var r board.Replica
	next := func(f *feed) board.Envelope {
		t.Helper()
		for {
			e := readEnvelope(t, f)
			if e.Type == board.TypeBeat {
				continue
			}
			if err := r.Apply(e); err != nil {
				t.Fatal(err)
			}
			return e
		}
	}
	first := &feed{conn: conn}
	next(first)
	saved := bs.testShop.url
	bs.testShop.url = bs.url
	res := bs.call(t, nil, "POST", "/api/v1/commands", bs.tokens[shop.RoleAdvisor], `{"type":"submit","job_id":"20261123-0001"}`)
	bs.testShop.url = saved
	var done struct{ Event shop.Event }
	res.json(t, &done)
	e := next(first)
	if e.Type != board.TypeChange || e.Seq != 1 || e.Event != done.Event.Seq {
		t.Fatalf("after the API call: %+v, event %d", e, done.Event.Seq)
	}
	conn.Close()
	again, _, err := websocket.DefaultDialer.Dial(bs.ws+"/ws/board/workshop?epoch="+r.Epoch+"&seq=1", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if e := next(&feed{conn: again}); e.Type != board.TypeResumed || e.Seq != 1 {
		t.Errorf("resume: %+v", e)
	}
	if got, want := string(r.Snapshot()), bs.hubView(t, "workshop"); got != want {
		t.Errorf("the screen's view is not the server's")
	}
}

// hubView is the view as a fresh screen would get it.
func (bs *boardShop) hubView(t *testing.T, view string) string {
	t.Helper()
	conn, _, err := bs.dialFeed(view)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	f := &feed{conn: conn}
	for {
		if e := readEnvelope(t, f); e.Type == board.TypeSnapshot {
			return string(e.Data)
		}
	}
}

// feed reads a connection's envelopes; a message may carry several, one
// per line, and pending holds those not yet returned.
type feed struct {
	conn    *websocket.Conn
	pending [][]byte
}

func readEnvelope(t *testing.T, f *feed) board.Envelope {
	t.Helper()
	for len(f.pending) == 0 {
		f.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		_, raw, err := f.conn.ReadMessage()
		if err != nil {
			t.Fatal(err)
		}
		f.pending = board.Split(raw)
	}
	raw := f.pending[0]
	f.pending = f.pending[1:]
	var e board.Envelope
	if err := json.Unmarshal(raw, &e); err != nil {
		t.Fatalf("%v: %s", err, raw)
	}
	return e
}

func TestBoardAssetsAreServedWithETags(t *testing.T) {
	bs := newBoardShop(t, false)
	r := bs.get(t, "/assets/feed.js")
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/javascript") || r.header.Get("ETag") == "" {
		t.Fatalf("feed.js: %d %v", r.status, r.header)
	}
	if again := bs.get(t, "/assets/feed.js", "If-None-Match", r.header.Get("ETag")); again.status != 304 {
		t.Errorf("revalidation: %d", again.status)
	}
	for _, path := range []string{"/assets/i18n/zh-CN.json", "/assets/board/board.css", "/assets/board/workshop.js"} {
		if r := bs.get(t, path); r.status != 200 {
			t.Errorf("%s: %d", path, r.status)
		}
	}
	for _, path := range []string{"/assets/board.html", "/assets/nothing.js", "/assets/../go.mod"} {
		if r := bs.get(t, path); r.status != 404 {
			t.Errorf("%s: %d", path, r.status)
		}
	}
	m := bs.get(t, "/metrics")
	for _, g := range []string{"bayboard_board_screens 0", "bayboard_board_screens_dropped_total 0", "go_goroutines ", "go_heap_live_bytes "} {
		if !strings.Contains(string(m.body), g) {
			t.Errorf("/metrics has no %q", g)
		}
	}
}

// noLeaks fails the test if goroutines of the boards (hub, screens,
// websockets) started during it outlive it. fasthttp's own (its worker
// pool's cleaner sleeps ten seconds after a shutdown; its date updater
// lives for the process) are not the boards' and are not counted.
func noLeaks(t *testing.T) {
	t.Helper()
	before := boardGoroutines()
	t.Cleanup(func() {
		for deadline := time.Now().Add(5 * time.Second); len(boardGoroutines()) > len(before); time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Errorf("%d board goroutines before, %d after:\n%s", len(before), len(boardGoroutines()), strings.Join(boardGoroutines(), "\n\n"))
				return
			}
		}
	})
}

func boardGoroutines() []string {
	buf := make([]byte, 4<<20)
	buf = buf[:runtime.Stack(buf, true)]
	var out []string
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, "bayboard/board.") || strings.Contains(g, "websocket.") || strings.Contains(g, "web.(*boards)") {
			out = append(out, g)
		}
	}
	return out
}

// When the server ends a screen's feed, the screen's TCP connection is
// closed at once, not when the feed's reader next times out (fasthttp
// leaves a hijacked connection open until its handler returns). Here
// every write times out, so the writer gives the screen up at once.
func TestAGivenUpScreenIsCutOffAtOnce(t *testing.T) {
	bs := newBoardShopWith(t, true, board.Options{WriteWait: time.Nanosecond})
	conn, status, err := bs.dialFeed("workshop")
	if err != nil {
		t.Fatalf("%d %v", status, err)
	}
	defer conn.Close()
	raw := conn.NetConn()
	raw.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, err = io.Copy(io.Discard, raw)
	if err != nil {
		t.Errorf("the connection gave %v, not EOF: the server left it open", err)
	}
}
