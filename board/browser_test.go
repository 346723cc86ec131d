package board_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"bayboard/assets"
	"bayboard/board"
	"bayboard/internal/demo"
	"bayboard/internal/engine"
	"bayboard/internal/shop"
	"bayboard/internal/store"
	"bayboard/internal/web"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/heapprofiler"
	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

var screenshots = flag.Bool("screenshots", false, "save a screenshot of each board to docs/screenshots")

// chromium finds Debian's Chromium. Without it the browser tests skip,
// except under CI=true, where a missing browser is a failure.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("the browser tests need Chromium (apt-get install chromium)")
	}
	t.Skip("Chromium is not installed (apt-get install chromium); skipping the browser tests")
	return ""
}

// browser starts a headless Chromium with a fresh profile.
func browser(t *testing.T, width, height int) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium(t)),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(width, height),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(int64(width), int64(height))); err != nil {
		t.Fatal(err)
	}
	return ctx
}

// liveServer is the whole server in this process — store, engine, hub,
// web — on a fixed address, so that it can be stopped and started again
// on the same data file while a browser keeps the page open.
type liveServer struct {
	t     *testing.T
	data  string
	addr  string
	demo  bool
	clock *demo.Clock
	token string
	// simulate runs the demo's simulator while the server runs.
	simulate bool

	st     *store.Store
	eng    *engine.Engine
	hub    *board.Hub
	srv    *web.Server
	cancel context.CancelFunc
	served chan error
}

func newLiveServer(t *testing.T, demoMode bool) *liveServer {
	return newLiveServerAt(t, demoMode, 1, false)
}

// newLiveServerAt starts a server whose shop clock runs speed times the
// wall's, with the simulator moving the shop when simulate is set.
func newLiveServerAt(t *testing.T, demoMode bool, speed float64, simulate bool) *liveServer {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ls := &liveServer{t: t, data: filepath.Join(t.TempDir(), "shop.db"), addr: addr, demo: demoMode, clock: demo.NewClock(time.Now(), speed), simulate: simulate}
	ls.start()
	t.Cleanup(ls.stop)
	return ls
}

func (ls *liveServer) url(path string) string { return "http://" + ls.addr + path }

// start opens the data file (seeding the demo shop the first time) and
// serves it, as `bayboard serve` does.
func (ls *liveServer) start() {
	t := ls.t
	t.Helper()
	var err error
	if ls.st, err = store.Open(ls.data); err != nil {
		t.Fatal(err)
	}
	state, err := ls.st.Load(ls.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if len(state.Bays) == 0 {
		if state, err = demo.Seed(ls.st, state, ls.clock.Now()); err != nil {
			t.Fatal(err)
		}
		if ls.token, err = web.IssueToken(ls.st, demo.ManagerID, "browser test", ls.clock.Now()); err != nil {
			t.Fatal(err)
		}
	}
	state.Loc = demo.Location()
	ls.eng = engine.New(ls.st, state, ls.clock.Now)
	ls.hub = board.New(ls.eng, board.Options{})
	ls.eng.Subscribe(func(c engine.Change) { ls.hub.Changed(c.State, c.Events) })
	var ctx context.Context
	ctx, ls.cancel = context.WithCancel(context.Background())
	go ls.hub.Run(ctx)
	if ls.simulate {
		sim := demo.NewSimulator(ls.eng, ls.clock, quiet)
		sim.Tick = 200 * time.Millisecond
		go sim.Run(ctx)
	}
	boards, err := web.Boards(ls.hub, assets.Pages())
	if err != nil {
		t.Fatal(err)
	}
	deps := web.Deps{Engine: ls.eng, Auth: ls.st, Backup: ls.st, History: ls.st}
	deps.Extra = append(deps.Extra, boards)
	ls.srv = web.New(deps, web.Options{Demo: ls.demo})
	var ln net.Listener
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if ln, err = net.Listen("tcp", ls.addr); err == nil || time.Now().After(deadline) {
			break
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	ls.served = make(chan error, 1)
	go func() { ls.served <- ls.srv.Serve(ln) }()
}

// stop shuts the server down as serve does on SIGTERM.
func (ls *liveServer) stop() {
	if ls.srv == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	ls.srv.Shutdown(ctx)
	ls.hub.Close(ctx)
	ls.cancel()
	<-ls.served
	ls.eng.Close()
	ls.st.Close()
	ls.srv = nil
}

// command gives a command through the API, as the manager.
func (ls *liveServer) command(c map[string]any) {
	ls.t.Helper()
	body, _ := json.Marshal(c)
	req, _ := http.NewRequest("POST", ls.url("/api/v1/commands"), bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+ls.token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		ls.t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		var p map[string]any
		json.NewDecoder(res.Body).Decode(&p)
		ls.t.Fatalf("%s: %d %v", body, res.StatusCode, p)
	}
}

func (ls *liveServer) post(path string, v any) *http.Response {
	ls.t.Helper()
	body, _ := json.Marshal(v)
	req, _ := http.NewRequest("POST", ls.url(path), bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+ls.token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		ls.t.Fatal(err)
	}
	return res
}

// waitFor polls a JavaScript condition in the page until it holds.
func waitFor(t *testing.T, ctx context.Context, what, cond string, timeout time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	for {
		// A page that reloads (as after pairing) ends a poll; poll again.
		_, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](cond, chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(time.Until(start.Add(timeout)))))
		if err == nil {
			return time.Since(start)
		}
		if time.Since(start) >= timeout {
			text, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText.slice(0, 600) : ""`))
			t.Fatalf("waiting for %s (%s): %v\npage: %s", what, cond, err, text)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return v
}

func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	if !*screenshots {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join("..", "docs", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// drawn is, per board, a condition that holds once the page shows its
// view, and whether it has rows.
var drawn = map[string]string{
	board.ViewWorkshop:     `document.querySelectorAll(".tile").length > 0`,
	board.ViewLounge:       `document.querySelectorAll(".lounge-row").length > 0`,
	board.ViewAppointments: `document.querySelectorAll(".appts .trow:not(.thead)").length > 0`,
	board.ViewParts:        `document.querySelectorAll(".counter .trow:not(.thead)").length > 0`,
	board.ViewWash:         `document.querySelectorAll(".wash .trow:not(.thead)").length > 0`,
	board.ViewAdvisor:      `document.querySelectorAll(".advisor .trow:not(.thead)").length > 0`,
}

// Each board opens on a 1080p TV with the demo shop, shows its view with
// no missing message, and never scrolls.
func TestEveryBoardShowsTheDemoShop(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test")
	}
	ls := newLiveServer(t, true)
	ctx := browser(t, 1920, 1080)
	for _, view := range board.Views {
		for _, lang := range []string{"zh-CN", "en"} {
			if err := chromedp.Do(ctx, chromedp.Navigate(ls.url("/board/"+view+"?lang="+lang))); err != nil {
				t.Fatal(err)
			}
			waitFor(t, ctx, view+" drawn", drawn[view], 10*time.Second)
			// Give the clock its first beat and the fonts their load.
			waitFor(t, ctx, "the clock", `document.getElementById("clock").textContent !== "--:--"`, 5*time.Second)
			text := eval[string](t, ctx, `document.body.innerText`)
			for _, bad := range []string{"undefined", "NaN", "null", "view.", "stage.", "flag.", "phase.", "fig."} {
				if strings.Contains(text, bad) {
					t.Errorf("%s (%s) shows %q:\n%s", view, lang, bad, text)
				}
			}
			scrolls := eval[bool](t, ctx, `document.documentElement.scrollHeight > innerHeight + 1 || document.documentElement.scrollWidth > innerWidth + 1`)
			if scrolls {
				t.Errorf("%s (%s) is larger than the screen", view, lang)
			}
			if lang == "zh-CN" {
				time.Sleep(300 * time.Millisecond)
				screenshot(t, ctx, view)
			} else if view == board.ViewWorkshop || view == board.ViewLounge {
				screenshot(t, ctx, view+"-en")
			}
		}
	}
}

// The page follows a change made through the API without a reload; it
// says plainly within three seconds that its link is down when the server
// stops, keeps showing what it knew, and comes back by itself when the
// server starts again on the same data file.
func TestABoardFollowsChangesAndSurvivesARestart(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test")
	}
	ls := newLiveServer(t, true)
	ctx := browser(t, 1920, 1080)
	if err := chromedp.Do(ctx, chromedp.Navigate(ls.url("/board/workshop"))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "the workshop", drawn[board.ViewWorkshop], 10*time.Second)
	eval[bool](t, ctx, `window.sameDocument = true`)

	var job *shop.Job
	for _, j := range ls.eng.State().OpenJobs() {
		if j.Stage == shop.StageInProgress && j.BayID != "" {
			job = j
			break
		}
	}
	if job == nil {
		t.Fatal("no job in progress in the demo shop")
	}
	tile := fmt.Sprintf(`document.querySelector('.tile[data-job="%s"] .badge')`, job.ID)
	if got := eval[string](t, ctx, tile+`.textContent`); got != "维修中" {
		t.Fatalf("the tile of %s says %q", job.ID, got)
	}
	ls.command(map[string]any{"type": "pause", "job_id": job.ID, "reason": "waiting_parts",
		"parts": []map[string]any{{"description": "前刹车片 Front brake pads", "quantity": 1}}})
	took := waitFor(t, ctx, "the pause on the tile", tile+`.textContent === "停工待料"`, 5*time.Second)
	t.Logf("the change reached the page in %v", took)
	waitFor(t, ctx, "the part in the parts list", `document.querySelector(".parts .rows").innerText.includes("前刹车片")`, 5*time.Second)

	ls.stop()
	took = waitFor(t, ctx, "the link notice", `!document.getElementById("link").hidden`, 3*time.Second)
	t.Logf("the link notice showed %v after the server stopped", took)
	if eval[int](t, ctx, `document.querySelectorAll(".tile").length`) == 0 {
		t.Error("the board emptied when its link went down")
	}
	screenshot(t, ctx, "workshop-offline")

	time.Sleep(2 * time.Second)
	ls.start()
	took = waitFor(t, ctx, "the board back", `document.getElementById("link").hidden`, 30*time.Second)
	t.Logf("the board was back %v after the server started", took)
	if !eval[bool](t, ctx, `window.sameDocument === true`) {
		t.Error("the page reloaded")
	}
	// The restarted server's state, through the new epoch's snapshot.
	ls.command(map[string]any{"type": "resume", "job_id": job.ID})
	waitFor(t, ctx, "the resume after the restart", tile+`.textContent === "维修中"`, 5*time.Second)
}

// A 4K TV gets the same board at twice the size: sharp, not tiny.
func TestA4KScreenGetsALargerBoard(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test")
	}
	ls := newLiveServer(t, true)
	ctx := browser(t, 3840, 2160)
	if err := chromedp.Do(ctx, chromedp.Navigate(ls.url("/board/workshop"))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "the workshop", drawn[board.ViewWorkshop], 10*time.Second)
	if rem := eval[string](t, ctx, `getComputedStyle(document.documentElement).fontSize`); rem != "32px" {
		t.Errorf("root font size on 4K: %s, want 32px", rem)
	}
	if scrolls := eval[bool](t, ctx, `document.documentElement.scrollHeight > innerHeight + 1`); scrolls {
		t.Error("the 4K board scrolls")
	}
	screenshot(t, ctx, "workshop-4k")
}

// An unpaired screen shows a six-digit code; once a manager approves it,
// the page opens its board in the language it was given.
func TestAnUnpairedScreenPairsWithACode(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test")
	}
	ls := newLiveServer(t, false)
	ctx := browser(t, 1920, 1080)
	if err := chromedp.Do(ctx, chromedp.Navigate(ls.url("/board/lounge"))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "the pairing code", `/^\d{3} \d{3}$/.test(document.getElementById("code").textContent)`, 10*time.Second)
	screenshot(t, ctx, "pairing")
	code := strings.ReplaceAll(eval[string](t, ctx, `document.getElementById("code").textContent`), " ", "")
	res := ls.post("/api/v1/devices/approve", map[string]any{"code": code, "name": "休息区电视", "views": []string{"lounge"}, "lang": "en"})
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("approve: %d", res.StatusCode)
	}
	waitFor(t, ctx, "the lounge after approval", drawn[board.ViewLounge], 15*time.Second)
	if lang := eval[string](t, ctx, `document.documentElement.lang`); lang != "en" {
		t.Errorf("the paired screen speaks %s, want en as approved", lang)
	}
	// Its token opens the lounge only.
	if err := chromedp.Do(ctx, chromedp.Navigate(ls.url("/board/workshop"))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "the refusal", `document.getElementById("denied") && document.getElementById("denied").textContent.includes("休息区电视")`, 10*time.Second)
}

// proxy forwards TCP between the browser and the server, and can stop
// forwarding without closing anything: a link that goes silent, as when a
// switch loses power, which no TCP error reports.
type proxy struct {
	ln     net.Listener
	target string
	paused atomic.Bool
}

func newProxy(t *testing.T, target string) *proxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{ln: ln, target: target}
	var conns sync.WaitGroup
	t.Cleanup(func() { ln.Close(); conns.Wait() })
	var mu sync.Mutex
	var open []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				mu.Lock()
				for _, o := range open {
					o.Close()
				}
				mu.Unlock()
				return
			}
			s, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			mu.Lock()
			open = append(open, c, s)
			mu.Unlock()
			conns.Add(2)
			go func() { defer conns.Done(); p.pipe(s, c) }()
			go func() { defer conns.Done(); p.pipe(c, s) }()
		}
	}()
	return p
}

func (p *proxy) pipe(dst, src net.Conn) {
	defer dst.Close()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		for p.paused.Load() {
			time.Sleep(10 * time.Millisecond)
		}
		if n > 0 {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// A link that goes silent (no FIN, no RST: a switch without power) shows
// as down within three seconds, from the missing beats; the board comes
// back by itself when the link does.
func TestABoardNoticesASilentLink(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test")
	}
	ls := newLiveServer(t, true)
	p := newProxy(t, ls.addr)
	ctx := browser(t, 1920, 1080)
	if err := chromedp.Do(ctx, chromedp.Navigate("http://"+p.ln.Addr().String()+"/board/lounge")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "the lounge", drawn[board.ViewLounge], 10*time.Second)
	time.Sleep(1500 * time.Millisecond)
	p.paused.Store(true)
	took := waitFor(t, ctx, "the link notice", `!document.getElementById("link").hidden`, 4*time.Second)
	t.Logf("a silent link showed as down after %v", took)
	if took > 3*time.Second {
		t.Errorf("the silent link showed as down only after %v", took)
	}
	p.paused.Store(false)
	took = waitFor(t, ctx, "the link back", `document.getElementById("link").hidden`, 30*time.Second)
	t.Logf("the board was back %v after the link", took)
}

// A board left showing a busy shop for a while keeps the same number of
// elements and no more memory: nothing accumulates as changes stream in.
func TestABoardDoesNotGrowAsChangesStreamIn(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test")
	}
	ls := newLiveServerAt(t, true, 600, true)
	ctx := browser(t, 1920, 1080)
	if err := chromedp.Do(ctx, chromedp.Navigate(ls.url("/board/workshop"))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "the workshop", drawn[board.ViewWorkshop], 10*time.Second)
	measure := func() (float64, int) {
		t.Helper()
		err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, target *chromedp.Target) error {
			_, err := cdp.Call(ctx, target, heapprofiler.CollectGarbage, cdp.Empty{})
			return err
		}))
		if err != nil {
			t.Fatal(err)
		}
		usage, err := chromedp.Run(ctx, chromedp.Action[cdpruntime.GetHeapUsageResult](func(ctx context.Context, target *chromedp.Target) (cdpruntime.GetHeapUsageResult, error) {
			return cdp.Call(ctx, target, cdpruntime.GetHeapUsage, cdp.Empty{})
		}))
		if err != nil {
			t.Fatal(err)
		}
		return usage.UsedSize, eval[int](t, ctx, `document.getElementsByTagName("*").length`)
	}
	time.Sleep(5 * time.Second)
	seq0 := ls.hub.Seq(board.ViewWorkshop)
	heap0, nodes0 := measure()
	time.Sleep(25 * time.Second)
	heap1, nodes1 := measure()
	changes := ls.hub.Seq(board.ViewWorkshop) - seq0
	t.Logf("%d changes: JS heap %.0f → %.0f KB, %d → %d elements", changes, heap0/1024, heap1/1024, nodes0, nodes1)
	if changes < 20 {
		t.Fatalf("only %d changes: the test saw too little", changes)
	}
	if heap1 > heap0*1.25+256<<10 {
		t.Errorf("the page's heap grew from %.0f to %.0f KB over %d changes", heap0/1024, heap1/1024, changes)
	}
	if nodes1 > nodes0+50 {
		t.Errorf("the page grew from %d to %d elements", nodes0, nodes1)
	}
}
