package livetest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"bayboard/board"
	"bayboard/internal/access"
	"bayboard/internal/demo"
	"bayboard/internal/engine"
	"bayboard/internal/server"
	"bayboard/internal/store"
	"bayboard/internal/web"
	"bayboard/kiosk"
)

// Options says what kind of shop a Server runs.
type Options struct {
	// Demo marks the server as the demo, as `serve --demo` does. The shop
	// is seeded with the demo's data either way.
	Demo bool
	// Speed is how many times faster than the wall the shop's clock runs;
	// 0 means 1.
	Speed float64
	// Simulate runs the demo's simulator while the server runs.
	Simulate bool
	// GuardPause is how the sign-in guard slows a failed answer (nil:
	// time.Sleep, as a shop's does); a test that fails sign-ins on purpose
	// records the pauses instead of waiting them out.
	GuardPause func(time.Duration)
	// PagePoll is how often the kiosk, customer and pairing pages ask the
	// server again; 0 leaves each page its own (3 to 10 s), as a shop's.
	PagePoll time.Duration
}

// HashCost is the cost of the passwords and PINs a live test's shop hashes
// (the demo's and those set through its pages): a test's sign-ins check
// them by the dozen, and what they test is who gets in, not how slowly a
// guess is checked (access.DefaultHashCost, tested in access and web, is a
// shop's).
const HashCost = 1_000

// Server is the whole server in the test's process — store, engine, hub,
// kiosk tokens, printing, web — assembled by internal/server as `bayboard
// serve` assembles it, on a
// fixed address, so that it can be stopped and started again on the same
// data file while a browser keeps its pages open.
type Server struct {
	T     testing.TB
	Data  string
	Addr  string
	Clock *demo.Clock
	// Token is an API token of the demo's manager.
	Token string
	opts  Options

	Store  *store.Store
	Engine *engine.Engine
	Hub    *board.Hub
	Web    *web.Server
	Tokens *kiosk.Tokens

	server *server.Server
	cancel context.CancelFunc
	served chan error
	// listener is the one Start opened to choose the port, kept open for
	// Restart to serve on, so that nothing else can take the port
	// between the choosing and the serving.
	listener net.Listener
}

// Quiet is a logger that writes nowhere.
var Quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// Start seeds a demo shop in a fresh data file and serves it until the
// test ends.
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	if opts.Speed == 0 {
		opts.Speed = 1
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{T: t, Data: filepath.Join(t.TempDir(), "shop.db"), Addr: ln.Addr().String(), Clock: demo.NewClock(time.Now(), opts.Speed), opts: opts, listener: ln}
	t.Cleanup(s.Stop)
	s.Restart()
	return s
}

// URL is the address of a path on the server.
func (s *Server) URL(path string) string { return "http://" + s.Addr + path }

// Restart opens the data file (seeding the demo shop the first time) and
// serves it; after Stop, it brings the same shop back on the same address.
func (s *Server) Restart() {
	t := s.T
	t.Helper()
	var err error
	if s.Store, err = store.Open(s.Data); err != nil {
		t.Fatal(err)
	}
	state, err := server.Load(s.Store, s.Clock.Now(), Quiet)
	if err != nil {
		t.Fatal(err)
	}
	if len(state.Bays) == 0 {
		if state, err = demo.Seed(s.Store, state, s.Clock.Now(), access.NewHasher(HashCost)); err != nil {
			t.Fatal(err)
		}
		if s.Token, err = access.IssueToken(s.Store, access.BySystem(s.Clock.Now()), demo.ManagerID, "live test"); err != nil {
			t.Fatal(err)
		}
	}
	if s.server, err = server.New(s.Store, state, s.Clock.Now, server.Options{Demo: s.opts.Demo, Logger: Quiet, HashCost: HashCost, GuardPause: s.opts.GuardPause, PagePoll: s.opts.PagePoll}); err != nil {
		t.Fatal(err)
	}
	s.Engine, s.Hub, s.Web, s.Tokens = s.server.Engine, s.server.Hub, s.server.Web, s.server.Tokens
	var ctx context.Context
	ctx, s.cancel = context.WithCancel(context.Background())
	if s.opts.Simulate {
		sim := demo.NewSimulator(s.Engine, s.Clock, Quiet)
		sim.Tick = 200 * time.Millisecond
		go sim.Run(ctx)
	}
	// The first time, Start's listener; after Stop, whose shutdown closed
	// it, the same address again, free since then.
	ln := s.listener
	s.listener = nil
	if ln == nil {
		if ln, err = net.Listen("tcp", s.Addr); err != nil {
			t.Fatal(err)
		}
	}
	s.served = make(chan error, 1)
	go func() { s.served <- s.Web.Serve(ln) }()
}

// Stop shuts the server down as serve does on SIGTERM.
func (s *Server) Stop() {
	if s.listener != nil {
		// Restart failed before it served.
		s.listener.Close()
		s.listener = nil
	}
	if s.Web == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s.server.Shutdown(ctx)
	s.cancel()
	<-s.served
	s.server.Close()
	s.Store.Close()
	s.Web = nil
}

// Command gives a command through the API as the manager and fails the
// test unless it is accepted.
func (s *Server) Command(c map[string]any) {
	s.T.Helper()
	res := s.Post("/api/v1/commands", c)
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		var p map[string]any
		json.NewDecoder(res.Body).Decode(&p)
		body, _ := json.Marshal(c)
		s.T.Fatalf("%s: %d %v", body, res.StatusCode, p)
	}
}

// Post sends v as JSON to a path, as the manager.
func (s *Server) Post(path string, v any) *http.Response {
	s.T.Helper()
	body, _ := json.Marshal(v)
	return s.Do("POST", path, bytes.NewReader(body))
}

// Get reads a path as the manager and decodes its JSON answer into v.
func (s *Server) Get(path string, v any) {
	s.T.Helper()
	res := s.Do("GET", path, nil)
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		raw, _ := io.ReadAll(res.Body)
		s.T.Fatalf("GET %s: %d %s", path, res.StatusCode, raw)
	}
	if err := json.NewDecoder(res.Body).Decode(v); err != nil {
		s.T.Fatalf("GET %s: %v", path, err)
	}
}

// Do sends a request as the manager.
func (s *Server) Do(method, path string, body io.Reader) *http.Response {
	s.T.Helper()
	req, err := http.NewRequest(method, s.URL(path), body)
	if err != nil {
		s.T.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+s.Token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		s.T.Fatal(err)
	}
	return res
}

// SignIn signs a person in through the API (POST /api/v1/session, as the
// sign-in page does) and gives the browser of ctx the session cookie the
// server answered with, as the page's sign-in leaves it: the browser's
// next page of this server is theirs. A test of some page starts there
// without drawing the sign-in page first (a page load, about 0.2 s of
// Chromium's CPU); the sign-in page itself is tested through its form.
func (s *Server) SignIn(ctx context.Context, login, password string) {
	t := s.T
	t.Helper()
	body, _ := json.Marshal(map[string]string{"login": login, "password": password})
	res, err := http.Post(s.URL("/api/v1/session"), "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		raw, _ := io.ReadAll(res.Body)
		t.Fatalf("sign in %s: %d %s", login, res.StatusCode, raw)
	}
	for _, c := range res.Cookies() {
		httpOnly := c.HttpOnly
		sameSite := network.CookieSameSiteLax
		switch c.SameSite {
		case http.SameSiteStrictMode:
			sameSite = network.CookieSameSiteStrict
		case http.SameSiteNoneMode:
			sameSite = network.CookieSameSiteNone
		}
		err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, target *chromedp.Target) error {
			_, err := cdp.Call(ctx, target, network.SetCookie, network.SetCookieParams{Name: c.Name, Value: c.Value, URL: s.URL("/"), Path: c.Path, HTTPOnly: &httpOnly, SameSite: sameSite})
			return err
		}))
		if err != nil {
			t.Fatalf("sign in %s: the cookie %s: %v", login, c.Name, err)
		}
	}
}
