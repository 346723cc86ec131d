package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"bayboard/internal/demo"
	"bayboard/internal/livetest"
)

// After signing in, the page goes only to a page of this server, whatever
// the next parameter holds: Chromium, not a copy of its parser, reads each
// one, since a browser takes "/\host" and a path with a tab or a newline
// inside for another host where a server's check may not.
//
// The page goes to where its next() says (location.assign(next()) once
// signed in): one sign-in page, its address set to each parameter in
// turn, is asked where it would go; two sign-ins, one with a parameter
// that names another host and one with a page of this server, follow it
// through. (Each parameter was a whole sign-in and a desk page drawn: 19
// of them, the package's third most costly test; then a load of the
// sign-in page each.)
func TestSignInGoesOnlyToAPageOfThisServer(t *testing.T) {
	ls := startShop(t, livetest.Options{Demo: true})
	ctx := livetest.Browser(t, 1024, 700)
	origin := strings.TrimSuffix(ls.URL("/"), "/")
	// Each query is the next parameter as it stands in the address.
	queries := []string{}
	for _, raw := range []string{
		"//evil.example",
		"/\\evil.example",
		"/\\/evil.example",
		"https://evil.example",
		"http://evil.example/desk",
		"javascript:alert(document.domain)",
		"/\t/evil.example",
		"/\n/evil.example",
		"/\r\n/evil.example",
		"\t//evil.example",
		"/.//evil.example",
		"/%5Cevil.example",
		" //evil.example",
		"/signin?next=//evil.example",
	} {
		queries = append(queries, url.QueryEscape(raw))
	}
	queries = append(queries, "%2F%2Fevil.example", "%252F%252Fevil.example", "/%09/evil.example", "/%5C%5Cevil.example")
	signInForm := func(q string) {
		t.Helper()
		livetest.Open(t, ctx, ls.URL("/signin?next="+q))
		livetest.WaitFor(t, ctx, "the sign-in form", `!!document.querySelector("form.signin input[name=password]")`, 10*time.Second)
	}
	submit := func() {
		t.Helper()
		livetest.Eval[bool](t, ctx, `(() => {
			const f = document.querySelector("form.signin");
			f.login.value = "manager"; f.password.value = `+quote(demo.Password)+`;
			f.requestSubmit(); return true })()`)
	}
	// One sign-in page reads each parameter: the address is changed in
	// place (history.replaceState, as a link within the page would) and
	// the page's own next() reads it from location, as it does when the
	// page loads with it.
	signInForm(url.QueryEscape("/desk"))
	for _, q := range queries {
		if got := livetest.Await[string](t, ctx, `(history.replaceState(null, "", "/signin?next=`+q+`"),
			import("/assets/staff/signin.js").then((m) => location.search === "?next=`+q+`" ? m.next() : "the address is " + location.search))`); !strings.HasPrefix(got, origin+"/") {
			t.Errorf("next=%s would go to %s", q, got)
		}
	}
	// Signed in with a parameter that names another host, the page goes
	// to one of this server.
	signInForm(queries[0])
	submit()
	livetest.WaitFor(t, ctx, "a page of this server after next="+queries[0],
		`location.origin === `+quote(origin)+` && !location.pathname.startsWith("/signin") && document.readyState === "complete"`, 10*time.Second)
	if got := livetest.Eval[string](t, ctx, `location.href`); !strings.HasPrefix(got, origin+"/") {
		t.Errorf("next=%s went to %s", queries[0], got)
	}
	// A page of this server is where it goes.
	signInForm(url.QueryEscape("/admin/users?x=1"))
	if got := livetest.Await[string](t, ctx, `import("/assets/staff/signin.js").then((m) => m.next())`); got != origin+"/admin/users?x=1" {
		t.Errorf("next=/admin/users?x=1 would go to %s", got)
	}
	submit()
	livetest.WaitFor(t, ctx, "the page asked for", `location.pathname + location.search === "/admin/users?x=1"`, 10*time.Second)
}

// An advisor locked out by failed sign-ins shows as locked on the users
// page, and the manager's button lets them in again. The guard's pauses,
// which slow each failed answer, are recorded instead of waited out (about
// three seconds; how they grow is TestBadPINsAreSlowedThenLocked's).
func TestTheManagerUnlocksALockedOutUser(t *testing.T) {
	var mu sync.Mutex
	var pauses []time.Duration
	ls := startShop(t, livetest.Options{Demo: true, GuardPause: func(d time.Duration) {
		mu.Lock()
		defer mu.Unlock()
		pauses = append(pauses, d)
	}})
	for i := 0; i < 5; i++ {
		if code := post(t, ls, "/api/v1/session", map[string]any{"login": "advisor1", "password": "mistyped password"}); code != http.StatusUnauthorized {
			t.Fatalf("mistake %d: %d", i+1, code)
		}
	}
	mu.Lock()
	if len(pauses) == 0 {
		t.Error("the failed sign-ins were not slowed")
	}
	mu.Unlock()
	if code := post(t, ls, "/api/v1/session", map[string]any{"login": "advisor1", "password": demo.Password}); code != http.StatusTooManyRequests {
		t.Fatalf("the advisor after five mistakes: %d, want locked", code)
	}
	var users []userRow
	ls.Get("/api/v1/users", &users)
	advisor, _ := find(users, func(u userRow) bool { return u.Login == "advisor1" })

	ctx := livetest.Browser(t, 1366, 768)
	signIn(t, ctx, ls, "manager", "/admin/users")
	row := `document.querySelector(` + quote(`.editor-list tr[data-id="`+advisor.ID+`"]`) + `)`
	livetest.WaitFor(t, ctx, "the advisor marked locked", row+`?.querySelector(".flag.red") !== null`, 10*time.Second)
	// The list may be drawn again as the page settles: the row is clicked
	// as found until its form shows the button.
	livetest.WaitFor(t, ctx, "the unlock button", `(() => { const r = `+row+`; r?.click();
		return !!document.querySelector("form.editor button.unlock") })()`, 10*time.Second)
	livetest.Screenshot(t, ctx, "admin-users-locked")
	livetest.Eval[bool](t, ctx, `(document.querySelector("form.editor button.unlock").click(), true)`)
	livetest.WaitFor(t, ctx, "the lock gone from the list", row+` && `+row+`.querySelector(".flag.red") === null`, 10*time.Second)
	if code := post(t, ls, "/api/v1/session", map[string]any{"login": "advisor1", "password": demo.Password}); code != http.StatusOK {
		t.Errorf("the advisor after the manager unlocked them: %d", code)
	}
}
