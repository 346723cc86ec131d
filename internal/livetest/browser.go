package livetest

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"bayboard/internal/testdisk"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

var screenshots = flag.Bool("screenshots", false, "save screenshots of the pages to docs/screenshots")

// Chromium finds Debian's Chromium: its headless shell when installed
// (apt-get install chromium-headless-shell), else the browser itself.
// The shell is the same Blink and V8 without the browser's windows and
// their UI: the package's tests pass on both, and on the shell they cost
// half the CPU (internal/web 105 s → 53 s, kiosk 43 s → 24 s; see
// docs/BENCHMARKS.md, "Test suite time"). Without either a browser test
// skips, except under CI=true, where a missing browser is a failure.
func Chromium(t testing.TB) string {
	t.Helper()
	for _, name := range []string{"chromium-headless-shell", "chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("the browser tests need Chromium (apt-get install chromium-headless-shell)")
	}
	t.Skip("Chromium is not installed (apt-get install chromium-headless-shell); skipping the browser tests")
	return ""
}

// shared is the one headless Chromium that a test binary's browser tests
// share, and the browsers (a context and its tab each) they pass on.
// Starting a Chromium takes seconds on a loaded 2-core machine, a browser
// context with a tab about 0.7 s of CPU; a test's browser is as separate
// as another browser while the test runs (its own cookies, storage and
// cache), and emptied before the next test takes it.
var shared struct {
	sync.Mutex
	ctx    context.Context // the first tab, whose context owns the browser
	cancel context.CancelFunc
	// idle are browsers (a browser context and its tab) that ended tests
	// gave back, emptied, for the next test to take: a new tab costs
	// Chromium a renderer and a window, about 0.7 s of CPU on a 2-core
	// machine, a page load of an emptied tab a tenth of that.
	idle []pooled
}

type pooled struct {
	ctx    context.Context
	cancel context.CancelFunc
}

// browser returns the shared Chromium, starting it the first time and
// again if it has gone away.
func browser(t testing.TB) context.Context {
	t.Helper()
	shared.Lock()
	defer shared.Unlock()
	if shared.ctx != nil && shared.ctx.Err() == nil {
		return shared.ctx
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(Chromium(t)),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("hide-scrollbars", true),
		// Each browser context has a window of its own, and Chromium
		// treats a page it deems behind another window as a background
		// one (timers slowed, focus and blur not as a person's): with it,
		// the reception form's pickers did not close on blur in a
		// package's run. No page of a test is a background one.
		chromedp.Flag("disable-background-timer-throttling", true),
		chromedp.Flag("disable-backgrounding-occluded-windows", true),
		chromedp.Flag("disable-renderer-backgrounding", true),
		// Chromium's own work, which no test looks at. Each browser context
		// is a window of its own, and Chromium 156 loads two WebUI pages
		// into every window for its address bar's popup (the full and the
		// AI-mode one), each in a renderer process of its own: measured,
		// they cost more CPU than a test's pages (8 contexts opening two
		// pages each: 39-44 s CPU with them, 17-20 s without), and a
		// package's tests open dozens of contexts. The rest is what
		// chromedp's defaults turn off: extensions (Debian's wrapper loads
		// its component extensions), translation, hints, media routing.
		// And a fresh renderer document and browsing instance for each
		// navigation within the one origin, kept for a back button no test
		// presses: with them, 20 loads of a JSON page cost 2.6 s of the
		// machine's CPU, without them 0.9 s.
		chromedp.Flag("disable-features", "WebUIOmniboxPopup,WebUIOmniboxAimPopup,WebUIOmniboxFullPopup,Translate,OptimizationHints,MediaRouter,"+
			"BackForwardCache,ProactivelySwapBrowsingInstance,RenderDocument"),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-component-extensions-with-background-pages", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-client-side-phishing-detection", true),
		chromedp.Flag("disable-breakpad", true),
		// The shop's PCs, TVs and phones keep the shop's time: the demo
		// shop is in Beijing, whatever zone the test machine is in.
		chromedp.Env("TZ=Asia/Shanghai"),
	}
	// Without a user data directory chromedp makes a temporary one and
	// removes it when the browser ends.
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	if err := chromedp.Do(ctx); err != nil {
		cancel()
		cancelAlloc()
		t.Fatalf("starting Chromium: %v", err)
	}
	shared.ctx, shared.cancel = ctx, func() { cancel(); cancelAlloc() }
	return ctx
}

// Run runs a package's tests, their temporary files in memory (see
// testdisk), and then ends the shared Chromium, if one was started: a
// package with browser tests calls it from TestMain, as
// os.Exit(livetest.Run(m)).
func Run(m *testing.M) int {
	defer testdisk.Use()()
	code := m.Run()
	shared.Lock()
	for _, p := range shared.idle {
		p.cancel()
	}
	shared.idle = nil
	if shared.cancel != nil {
		shared.cancel()
		shared.ctx, shared.cancel = nil, nil
	}
	shared.Unlock()
	return code
}

// Browser gives the test a browser of its own, with a window of the given
// size and the demo shop's time zone: a browser context of the shared
// Chromium (its own cookies, storage and cache) with one tab, which no
// other test uses while this one runs. Tab opens more tabs in it.
//
// When the test ends its tabs but the first are closed, the first is sent
// to about:blank and the context's cookies cleared, and the next test
// takes it: the only state a page keeps across origins is its cookies (a
// test's server has a port of its own, so storage and cache, kept per
// origin, are not shared), and what a test changes of the tab itself (a
// time zone override, listeners) ends with it.
func Browser(t testing.TB, width, height int) context.Context {
	t.Helper()
	b := browser(t)
	shared.Lock()
	var p pooled
	if n := len(shared.idle); n > 0 {
		p, shared.idle = shared.idle[n-1], shared.idle[:n-1]
	}
	shared.Unlock()
	if p.ctx == nil {
		p.ctx, p.cancel = chromedp.NewContext(b, chromedp.WithNewBrowserContext())
		if err := chromedp.Do(p.ctx, focused); err != nil {
			p.cancel()
			t.Fatal(err)
		}
	}
	// The test's listeners and actions end with its own context.
	ctx, cancel := context.WithCancel(p.ctx)
	t.Cleanup(func() {
		cancel()
		giveBack(p)
	})
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(int64(width), int64(height))); err != nil {
		t.Fatal(err)
	}
	return ctx
}

// giveBack empties a test's browser for the next test, or closes it when
// it cannot be emptied.
func giveBack(p pooled) {
	ctx, cancel := context.WithTimeout(p.ctx, 10*time.Second)
	defer cancel()
	err := chromedp.Do(ctx,
		chromedp.Navigate("about:blank"),
		chromedp.Func(func(ctx context.Context, target *chromedp.Target) error {
			if _, err := cdp.Call(ctx, target, network.ClearBrowserCookies, cdp.Empty{}); err != nil {
				return err
			}
			// An empty zone ends an override a test set.
			_, err := cdp.Call(ctx, target, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: ""})
			return err
		}))
	if err != nil || p.ctx.Err() != nil {
		p.cancel()
		return
	}
	shared.Lock()
	shared.idle = append(shared.idle, p)
	shared.Unlock()
}

// focused makes a tab's page behave as the focused window's, as the one
// tab of a browser of its own did: in a shared Chromium only one tab has
// the window's focus, and a page without it did not open the reception
// form's part picker when the test focused the field.
var focused = chromedp.Func(func(ctx context.Context, target *chromedp.Target) error {
	_, err := cdp.Call(ctx, target, emulation.SetFocusEmulationEnabled, emulation.SetFocusEmulationEnabledParams{Enabled: true})
	return err
})

// Tab opens another tab in the browser of ctx; it shares the first tab's
// cookies, as a second tab of one browser does.
func Tab(t testing.TB, ctx context.Context, width, height int) context.Context {
	t.Helper()
	tab, cancel := chromedp.NewContext(ctx)
	t.Cleanup(cancel)
	if err := chromedp.Do(tab, chromedp.EmulateViewport(int64(width), int64(height)), focused); err != nil {
		t.Fatal(err)
	}
	return tab
}

// Open navigates the tab of ctx to a URL.
func Open(t testing.TB, ctx context.Context, url string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatalf("open %s: %v", url, err)
	}
}

// WaitFor polls a JavaScript condition in the page until it holds, and
// says how long that took. On timeout it fails the test with the start of
// the page's text.
func WaitFor(t testing.TB, ctx context.Context, what, cond string, timeout time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	for {
		// A page that reloads ends a poll; poll again.
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

// WatchRequests makes the page of ctx note the requests it sends with
// fetch: window.requests lists each as "METHOD url", and
// window.unanswered counts those still without an answer. A test that
// shows a page did not do something waits for Answered and reads the list,
// rather than waiting for time to pass. The note lasts until the page
// navigates.
func WatchRequests(t testing.TB, ctx context.Context) {
	t.Helper()
	Eval[bool](t, ctx, `(() => {
		if (window.requests) return true;
		window.requests = [];
		window.unanswered = 0;
		const send = window.fetch;
		window.fetch = (resource, init) => {
			window.requests.push(((init && init.method) || "GET") + " " + String(resource));
			window.unanswered++;
			return send(resource, init).finally(() => window.unanswered--);
		};
		return true;
	})()`)
}

// Answered holds in a page under WatchRequests when every request it sent
// has been answered.
const Answered = `window.unanswered === 0`

// Eval evaluates JavaScript in the page and returns its value.
func Eval[T any](t testing.TB, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return v
}

// Await evaluates JavaScript whose value is a promise and returns what
// the promise resolves to.
func Await[T any](t testing.TB, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return v
}

// Screenshot saves the page as docs/screenshots/{name}.png when the test
// runs with -screenshots.
func Screenshot(t testing.TB, ctx context.Context, name string) {
	t.Helper()
	if !*screenshots {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(repoRoot(t), "docs", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// repoRoot is the directory of go.mod above the test's package.
func repoRoot(t testing.TB) string {
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		up := filepath.Dir(dir)
		if up == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = up
	}
}

// Upload chooses files for a file input (a CSS selector), as a person
// picking them in the browser's file dialog does.
func Upload(t testing.TB, ctx context.Context, selector string, paths ...string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.SetUploadFiles(selector, paths)); err != nil {
		t.Fatalf("upload to %s: %v", selector, err)
	}
}

// Fill sets the fields of a form (by CSS selector) as a person typing
// would — a list ticks the checkboxes of that name whose values it holds —
// and, if submit, submits it.
func Fill(t testing.TB, ctx context.Context, form string, values map[string]any, submit bool) {
	t.Helper()
	sel, _ := json.Marshal(form)
	raw, _ := json.Marshal(values)
	msg := Eval[string](t, ctx, fmt.Sprintf(`(() => {
		const f = document.querySelector(%s);
		if (!f) return "no form";
		for (const [name, v] of Object.entries(%s)) {
			const boxes = f.querySelectorAll('input[type=checkbox][name="' + name + '"]');
			if (boxes.length && Array.isArray(v)) {
				boxes.forEach((b) => (b.checked = v.includes(b.value)));
				continue;
			}
			const i = f.elements[name];
			if (!i) return "no field " + name;
			if (i.type === "checkbox") i.checked = !!v; else i.value = v;
			i.dispatchEvent(new Event("input", { bubbles: true }));
			i.dispatchEvent(new Event("change", { bubbles: true }));
		}
		if (%v) f.requestSubmit();
		return "";
	})()`, sel, raw, submit))
	if msg != "" {
		t.Fatalf("fill %s: %s", form, msg)
	}
}

// WatchPolicy makes every page the tab of ctx opens from now on note what
// its Content-Security-Policy refused (window.policyViolations, one
// "directive blocked-URI at source:line" each) and count its fetches still
// unanswered (window.unanswered), from before the page's own scripts run.
func WatchPolicy(t testing.TB, ctx context.Context) {
	t.Helper()
	added, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: `
			window.policyViolations = [];
			document.addEventListener("securitypolicyviolation", (e) => {
				window.policyViolations.push(e.violatedDirective + " " + e.blockedURI + " at " + e.sourceFile + ":" + e.lineNumber);
			});
			window.unanswered = 0;
			const send = window.fetch;
			window.fetch = (resource, init) => {
				window.unanswered++;
				return send(resource, init).finally(() => window.unanswered--);
			};`})
	if err != nil {
		t.Fatal(err)
	}
	// The tab goes to another test when this one ends: the watch goes
	// first (this runs before Browser's own cleanup).
	t.Cleanup(func() {
		chromedp.Call(ctx, page.RemoveScriptToEvaluateOnNewDocument, page.RemoveScriptToEvaluateOnNewDocumentParams(added))
	})
}

// WatchTimers makes every page the tab of ctx opens from now on keep a
// note of its timers (setTimeout, setInterval), from before the page's own
// scripts run, and gives it window.runTimersWithin(ms): it runs at once
// every timer that would fire within ms (an interval's callback once) and
// returns how many. A test moves a page's clock on by running what the
// time would run, instead of waiting for it.
func WatchTimers(t testing.TB, ctx context.Context) {
	t.Helper()
	added, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: `
			(() => {
				const timers = new Map();
				const { setTimeout: setT, clearTimeout: clearT, setInterval: setI, clearInterval: clearI } = window;
				const call = (fn, args) => { if (typeof fn === "function") fn(...args); };
				window.setTimeout = (fn, ms = 0, ...args) => {
					const id = setT(() => { timers.delete(id); call(fn, args); }, ms);
					timers.set(id, { fn, args, due: performance.now() + ms, once: true });
					return id;
				};
				window.clearTimeout = (id) => { timers.delete(id); clearT(id); };
				window.setInterval = (fn, ms = 0, ...args) => {
					const id = setI(() => call(fn, args), ms);
					timers.set(id, { fn, args, due: performance.now() + ms, once: false });
					return id;
				};
				window.clearInterval = (id) => { timers.delete(id); clearI(id); };
				window.runTimersWithin = (ms) => {
					const until = performance.now() + ms;
					let ran = 0;
					for (const [id, t] of [...timers]) {
						if (t.due > until) continue;
						if (t.once) { timers.delete(id); clearT(id); }
						call(t.fn, t.args);
						ran++;
					}
					return ran;
				};
			})();`})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		chromedp.Call(ctx, page.RemoveScriptToEvaluateOnNewDocument, page.RemoveScriptToEvaluateOnNewDocumentParams(added))
	})
}

// CutOff makes the requests whose address matches a URL pattern (such as
// "*/api/v1/jobs/*/photos*") fail as with no network (the Wi-Fi gone while
// a photo is sent), or, with "", lets everything through again. A test
// that cuts something off lets it through when it ends: the browser is
// passed on to the next test.
func CutOff(t testing.TB, ctx context.Context, pattern string) {
	t.Helper()
	set := func(ctx context.Context, pattern string) error {
		if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
			return err
		}
		rules := []*network.Conditions{}
		if pattern != "" {
			rules = append(rules, &network.Conditions{URLPattern: pattern, Offline: true, DownloadThroughput: -1, UploadThroughput: -1})
		}
		_, err := chromedp.Call(ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{MatchedNetworkConditions: rules})
		return err
	}
	if err := set(ctx, pattern); err != nil {
		t.Fatalf("cut off %q: %v", pattern, err)
	}
	if pattern != "" {
		t.Cleanup(func() { set(ctx, "") })
	}
}

// Resize sets the size of the tab of ctx, as a screen of that size: a
// test looks at one page on a TV and on a laptop.
func Resize(t testing.TB, ctx context.Context, width, height int) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(int64(width), int64(height))); err != nil {
		t.Fatal(err)
	}
}
