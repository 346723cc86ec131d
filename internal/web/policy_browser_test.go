package web_test

import (
	"io/fs"
	"strings"
	"testing"
	"time"

	"bayboard/assets"
	"bayboard/internal/livetest"
	"bayboard/internal/shop"
	"bayboard/kiosk"
)

// Every page the server has — sign-in, each desk and admin page, each
// board, the kiosk pages, the customer's page and the refusal page — runs
// under the Content-Security-Policy without one violation in Chromium: no
// inline script, no inline style, nothing from elsewhere. The watcher is
// shown to see a violation first, so the test can fail.
func TestEveryPageRunsUnderThePolicy(t *testing.T) {
	ls := livetest.Start(t, livetest.Options{Demo: true})
	ctx := livetest.Browser(t, 1366, 768)
	livetest.WatchPolicy(t, ctx)

	settled := `document.readyState === "complete" && window.unanswered === 0`
	// A page is done with its first drawing once its fetches are answered
	// and a frame has been painted after them.
	painted := func() {
		livetest.WaitFor(t, ctx, "the page loaded", settled, 15*time.Second)
		livetest.Await[bool](t, ctx, `new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(() => ok(true))))`)
		livetest.WaitFor(t, ctx, "the page settled", settled, 15*time.Second)
	}
	violations := func() []string { return livetest.Eval[[]string](t, ctx, `window.policyViolations`) }

	// The watcher sees an inline script refused.
	livetest.Open(t, ctx, ls.URL("/signin"))
	painted()
	livetest.Eval[bool](t, ctx, `(() => { const s = document.createElement("script"); s.textContent = "window.ran = 1"; document.head.append(s); return true })()`)
	livetest.WaitFor(t, ctx, "the inline script refused", `window.policyViolations.length > 0 && window.ran === undefined`, 5*time.Second)

	pages := []string{"/signin"}
	for _, area := range []string{"desk", "admin"} {
		mods, err := fs.Glob(assets.Pages(), area+"/*.js")
		if err != nil || len(mods) == 0 {
			t.Fatalf("%s pages: %v", area, err)
		}
		for _, m := range mods {
			pages = append(pages, "/"+strings.TrimSuffix(m, ".js"))
		}
	}
	pages = append(pages, "/board", "/board/workshop", "/board/lounge", "/board/appointments", "/board/parts", "/board/wash", "/board/advisor", "/k/parts")
	st := ls.Engine.State()
	urls := kiosk.URLs{Base: ls.URL(""), Tokens: ls.Tokens}
	var bay, job string
	var tech *shop.User
	for id := range st.Bays {
		bay = id
		break
	}
	for id := range st.Jobs {
		job = id
		break
	}
	for _, u := range st.Users {
		if u.BadgeCode != "" {
			tech = u
			break
		}
	}
	kioskPages := []string{urls.Bay(bay), urls.Job(job), urls.Badge(tech), urls.Customer(st.Jobs[job]), ls.URL("/k/job/forged")}

	signIn(t, ctx, ls, "manager", "/desk/jobs")
	for _, p := range pages {
		livetest.Open(t, ctx, ls.URL(p))
		painted()
		if v := violations(); len(v) > 0 {
			t.Errorf("%s: the policy refused %v", p, v)
		}
	}
	for _, u := range kioskPages {
		livetest.Open(t, ctx, u)
		painted()
		if v := violations(); len(v) > 0 {
			t.Errorf("%s: the policy refused %v", u, v)
		}
	}
	livetest.Screenshot(t, ctx, "policy-customer-page")
}
