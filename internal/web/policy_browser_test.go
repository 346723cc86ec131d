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
//
// The same tour draws every page the manager's navigations list, the
// admin's and the desk's, in both languages with no message key left
// untranslated and the navigation on one line (this was
// TestTheAdminPagesSpeakBothLanguages, which opened those pages a second
// time in a browser of its own). Each check counts itself, so none drops
// out of the tour unseen.
func TestEveryPageRunsUnderThePolicy(t *testing.T) {
	livetest.Long(t)
	ls := startShop(t, livetest.Options{Demo: true})
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
	policyChecked := 0
	underPolicy := func(page string) {
		t.Helper()
		policyChecked++
		if v := livetest.Eval[[]string](t, ctx, `window.policyViolations`); len(v) > 0 {
			t.Errorf("%s: the policy refused %v", page, v)
		}
	}

	// The watcher sees an inline script refused.
	livetest.Open(t, ctx, ls.URL("/signin"))
	painted()
	livetest.Eval[bool](t, ctx, `(() => { const s = document.createElement("script"); s.textContent = "window.ran = 1"; document.head.append(s); return true })()`)
	livetest.WaitFor(t, ctx, "the inline script refused", `window.policyViolations.length > 0 && window.ran === undefined`, 5*time.Second)
	livetest.Open(t, ctx, ls.URL("/signin"))
	painted()
	underPolicy("/signin")

	var modules []string
	for _, area := range []string{"desk", "admin"} {
		mods, err := fs.Glob(assets.Pages(), area+"/*.js")
		if err != nil || len(mods) == 0 {
			t.Fatalf("%s pages: %v", area, err)
		}
		for _, m := range mods {
			modules = append(modules, "/"+strings.TrimSuffix(m, ".js"))
		}
	}

	signIn(t, ctx, ls, "manager", "/admin/settings")
	// Every page the manager's navigations list, the admin's and the
	// desk's: each area's lists its own pages and a link to the other.
	navOf := func() (pages []string, other string) {
		links := livetest.Eval[[]string](t, ctx, `[...document.querySelectorAll(".nav a")].map((a) => a.pathname + (a.classList.contains("group") ? "#other" : ""))`)
		for _, l := range links {
			if p, ok := strings.CutSuffix(l, "#other"); ok {
				other = p
			} else {
				pages = append(pages, l)
			}
		}
		return pages, other
	}
	livetest.WaitFor(t, ctx, "the admin", `location.pathname === "/admin/settings" && document.querySelectorAll(".nav a").length > 0`, 10*time.Second)
	navPages, other := navOf()
	if len(navPages) < 10 || other != "/desk" {
		t.Fatalf("the admin's navigation lists %v and %q", navPages, other)
	}
	for _, p := range navPages {
		if !strings.HasPrefix(p, "/admin/") {
			t.Errorf("the admin's navigation lists %s", p)
		}
	}
	livetest.Open(t, ctx, ls.URL("/desk/jobs"))
	livetest.WaitFor(t, ctx, "the desk", `location.pathname === "/desk/jobs" && document.querySelectorAll(".nav a").length > 0`, 10*time.Second)
	deskPages, other := navOf()
	if len(deskPages) < 7 || other != "/admin" {
		t.Fatalf("the desk's navigation lists %v and %q", deskPages, other)
	}
	navPages = append(navPages, deskPages...)
	inNav := map[string]bool{}
	for _, p := range navPages {
		inNav[p] = true
	}
	// The desk and admin pages no navigation lists (the setup, say) are
	// drawn once, in the first language, for the policy only.
	var unlisted []string
	for _, m := range modules {
		if !inNav[m] {
			unlisted = append(unlisted, m)
		}
	}

	langChecked, navChecked := 0, 0
	for i, lang := range []string{"zh-CN", "en"} {
		pages := navPages
		if i == 0 {
			pages = append(append([]string(nil), navPages...), unlisted...)
		}
		for _, page := range pages {
			livetest.Open(t, ctx, ls.URL(page+"?lang="+lang))
			painted()
			underPolicy(page + "?lang=" + lang)
			if !inNav[page] {
				continue
			}
			// The lists load after the heading: data-drawn says they have.
			livetest.WaitFor(t, ctx, page+" in "+lang, `document.documentElement.lang === `+quote(lang)+` && document.body.dataset.drawn === "ok" && !document.querySelector("#main > p.muted[data-i18n]") && document.querySelectorAll("#main table, #main form, #main section").length > 0`, 10*time.Second)
			langChecked++
			if raw := livetest.Eval[string](t, ctx, `(document.body.innerText.match(/\b(admin|desk|staff|stage|flag)\.[a-z0-9_.]+/) || [""])[0]`); raw != "" {
				t.Errorf("%s in %s shows the key %s", page, lang, raw)
			}
			// In either language the manager's navigation keeps to one
			// line on a 1366 px screen: checked on each area's first page,
			// as it is drawn here (not opened again for it).
			if page == "/admin/settings" || page == "/desk/jobs" {
				navChecked++
				if rows := livetest.Eval[int](t, ctx, `new Set([...document.querySelectorAll(".nav a")].map((a) => Math.round(a.getBoundingClientRect().top))).size`); rows != 1 {
					t.Errorf("%s in %s: the navigation takes %d lines", page, lang, rows)
				}
			}
			if lang == "en" && (page == "/admin/settings" || page == "/desk/dispatch") {
				livetest.Screenshot(t, ctx, strings.TrimPrefix(strings.ReplaceAll(page, "/", "-"), "-")+"-en")
			}
		}
	}
	if langChecked != 2*len(navPages) {
		t.Errorf("%d pages were checked for their language, want the %d the navigations list in both languages", langChecked, 2*len(navPages))
	}
	if navChecked != 4 {
		t.Errorf("the navigation's one line was checked on %d pages, want /admin/settings and /desk/jobs in both languages", navChecked)
	}

	others := []string{"/board", "/board/workshop", "/board/lounge", "/board/appointments", "/board/parts", "/board/wash", "/board/advisor", "/k/parts"}
	for _, p := range others {
		livetest.Open(t, ctx, ls.URL(p))
		painted()
		underPolicy(p)
	}
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
	for _, u := range kioskPages {
		livetest.Open(t, ctx, u)
		painted()
		underPolicy(u)
	}
	livetest.Screenshot(t, ctx, "policy-customer-page")
	if want := 1 + len(navPages)*2 + len(unlisted) + len(others) + len(kioskPages); policyChecked != want {
		t.Errorf("the policy was checked on %d pages, want %d", policyChecked, want)
	}
}
