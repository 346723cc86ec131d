package web_test

import (
	"context"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/http/cookiejar"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"bayboard/board"
	"bayboard/internal/access"
	"bayboard/internal/demo"
	"bayboard/internal/livetest"
	"bayboard/internal/server"
	"bayboard/internal/shop"
	"bayboard/internal/web"
)

// groupPages is a group process serving two demo stores' replicas, for
// the tests of its pages.
type groupPages struct {
	g        *server.Group
	base     string
	clk      *demo.Clock
	a, b     *groupTestStore
	password string // the first director's one-time password
}

func startGroupPages(t *testing.T) *groupPages {
	t.Helper()
	clk := demo.NewClock(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC), 0)
	ctx := context.Background()
	a := newGroupTestStore(t, "bj-01", "北京朝阳店", clk)
	b := newGroupTestStore(t, "sh-02", "上海浦东新区金桥汽车服务中心", clk)
	for range 60 {
		clk.Advance(time.Minute)
		a.sim.Step(ctx)
		b.sim.Step(ctx)
	}
	return serveGroup(t, clk, a, b)
}

// serveGroup opens a group process with the two stores' replicas and
// serves it on a port of its own.
func serveGroup(t *testing.T, clk *demo.Clock, a, b *groupTestStore) *groupPages {
	t.Helper()
	gctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	g, err := server.OpenGroup(gctx, filepath.Join(t.TempDir(), "group.db"), server.GroupOptions{Logger: groupQuiet, Clock: clk.Now,
		Location: demo.Location(), HashCost: 1, Board: board.Options{BeatEvery: 100 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { g.Close() })
	a.deliver(t, g)
	b.deliver(t, g)
	password, err := g.FirstDirector()
	if err != nil || password == "" {
		t.Fatalf("no first director: %q %v", password, err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go g.Serve(ln)
	t.Cleanup(func() {
		shutdown, stop := context.WithTimeout(context.Background(), 5*time.Second)
		defer stop()
		g.Shutdown(shutdown)
	})
	return &groupPages{g: g, base: "http://" + ln.Addr().String(), clk: clk, a: a, b: b, password: password}
}

// signInDirector signs the first director in and sets their own password.
func (p *groupPages) signInDirector(t *testing.T, page context.Context) {
	t.Helper()
	livetest.Open(t, page, p.base+"/group/signin?lang=zh-CN")
	livetest.WaitFor(t, page, "the sign-in page", `!!document.querySelector("form.signin")`, 10*time.Second)
	livetest.Fill(t, page, "form.signin", map[string]any{"login": server.FirstDirectorLogin, "password": p.password}, true)
	livetest.WaitFor(t, page, "the new password's form", `!!document.querySelector("form.signin input[name=new]")`, 10*time.Second)
	livetest.Fill(t, page, "form.signin", map[string]any{"new": "director-own-password"}, true)
	livetest.WaitFor(t, page, "the wall", `location.pathname === "/group/wall" && document.querySelectorAll("tr.store").length === 2`, 10*time.Second)
}

// The drill-down into a store's board says at once that it is the group's
// read-only copy: a band with the store's name, "read only", when the
// store was last heard from in the wall's own words and, once the store is
// silent past the wall's threshold, the wall's silent mark; and a way back
// to the wall. Nothing on the page acts on the store, and the band covers
// none of the board, on an office TV or a laptop.
func TestTheDrillDownSaysItIsTheGroupsReadOnlyCopy(t *testing.T) {
	livetest.Chromium(t)
	p := startGroupPages(t)
	page := livetest.Browser(t, 1920, 1080)
	livetest.WatchPolicy(t, page)
	p.signInDirector(t, page)
	wallSays := livetest.Eval[string](t, page, `document.querySelector('tr[data-store="bj-01"] td.ago').textContent`)

	for _, size := range []struct{ w, h int }{{1920, 1080}, {1366, 768}} {
		for _, lang := range []string{"zh-CN", "en"} {
			livetest.Resize(t, page, size.w, size.h)
			livetest.Open(t, page, p.base+"/group/stores/bj-01/board?lang="+lang)
			livetest.WaitFor(t, page, "bj-01's board under its band", `document.body.dataset.drawn === "ok" && document.getElementById("group-band").dataset.heard === "ok" && !!document.querySelector(".bays .bay-row")`, 10*time.Second)
			band := livetest.Eval[map[string]any](t, page, `(() => {
				const b = document.getElementById("group-band");
				return {store: b.querySelector(".store-name").textContent, ro: b.querySelector(".read-only").textContent,
					heard: document.getElementById("heard").textContent, back: b.querySelector("a.back").getAttribute("href"),
					backText: b.querySelector("a.back").textContent};
			})()`)
			readOnly := map[string]string{"zh-CN": "只读", "en": "read only"}[lang]
			if band["store"] != "北京朝阳店" || !strings.Contains(band["ro"].(string), readOnly) || band["back"] != "/group/wall" || band["backText"] == "" {
				t.Errorf("%s %dx%d: the band reads %v", lang, size.w, size.h, band)
			}
			if lang == "zh-CN" && band["heard"] != wallSays {
				t.Errorf("the band says bj-01 was last heard %q; the wall says %q", band["heard"], wallSays)
			}
			// No control acts on the store: the one link goes back to the
			// group's wall.
			controls := livetest.Eval[[]string](t, page, `[...document.querySelectorAll("button, input, select, textarea, form, [contenteditable], [onclick], a")]
				.filter((e) => !(e.tagName === "A" && e.getAttribute("href") === "/group/wall")).map((e) => e.outerHTML.slice(0, 80))`)
			if len(controls) > 0 {
				t.Errorf("%s %dx%d: the drill-down has controls: %v", lang, size.w, size.h, controls)
			}
			// The band covers none of the board: it ends where the board's
			// header begins, the board fills the rest of the screen, and
			// nothing of the band is cut or spills over.
			fit := livetest.Eval[string](t, page, `(() => {
				const r = (s) => document.querySelector(s).getBoundingClientRect();
				const band = r("#group-band"), top = r("header.top"), main = r("#main");
				const b = document.getElementById("group-band");
				const cut = [...b.children].filter((c) => c.scrollWidth > c.clientWidth + 1 && !c.classList.contains("store-name"));
				if (band.top !== 0 || band.bottom > top.top + 0.5) return "band " + band.bottom + " over the header at " + top.top;
				if (main.bottom > innerHeight + 0.5) return "the board ends at " + main.bottom + " below " + innerHeight;
				if (band.right > innerWidth + 0.5 || b.scrollWidth > b.clientWidth) return "the band spills over: " + b.scrollWidth;
				if (cut.length) return "cut: " + cut.map((c) => c.className).join(",");
				const bays = r(".bays");
				const at = document.elementFromPoint(bays.left + 5, bays.top + 5);
				if (at && at.closest("#group-band")) return "the band covers the bays";
				return "";
			})()`)
			if fit != "" {
				t.Errorf("%s %dx%d: %s", lang, size.w, size.h, fit)
			}
			livetest.Screenshot(t, page, fmt.Sprintf("group-drilldown-%s-%d", lang, size.w))
		}
	}

	// Twenty minutes without a word from the store: the band marks it
	// silent as the wall does.
	silentWord := livetest.Eval[string](t, page, `document.getElementById("heard").textContent`)
	p.clk.Advance(board.GroupSilentAfter + 5*time.Minute)
	p.g.Wall.Changed()
	livetest.WaitFor(t, page, "the band's silent mark", `document.getElementById("group-band").classList.contains("silent") && !!document.querySelector("#group-band .silent-badge")`, 10*time.Second)
	if now := livetest.Eval[string](t, page, `document.getElementById("heard").textContent`); now == silentWord {
		t.Errorf("the band still says %q after twenty silent minutes", now)
	}
	badge := livetest.Eval[string](t, page, `document.querySelector("#group-band .silent-badge").textContent`)
	livetest.Screenshot(t, page, "group-drilldown-silent")
	livetest.Open(t, page, p.base+"/group/wall?lang=en")
	livetest.WaitFor(t, page, "the wall's silent mark", `!!document.querySelector('tr[data-store="bj-01"] .silent-badge')`, 10*time.Second)
	if wall := livetest.Eval[string](t, page, `document.querySelector('tr[data-store="bj-01"] .silent-badge').textContent`); wall != badge {
		t.Errorf("the band marks silence %q, the wall %q", badge, wall)
	}
	if v := livetest.Eval[[]string](t, page, `window.policyViolations || []`); len(v) > 0 {
		t.Errorf("the pages broke the content policy: %v", v)
	}
}

// The wall and the comparison fit an office TV and a laptop in both
// languages: nothing spills sideways and no figure or heading is cut.
func TestTheGroupPagesFitTheirScreens(t *testing.T) {
	livetest.Chromium(t)
	p := startGroupPages(t)
	page := livetest.Browser(t, 1920, 1080)
	p.signInDirector(t, page)
	const overflow = `(() => {
		if (document.documentElement.scrollWidth > innerWidth) return "the page is " + document.documentElement.scrollWidth + " wide in " + innerWidth;
		const cut = [...document.querySelectorAll("th, td, .figure b, .figure span, .bar > *, caption, figcaption, button")]
			.filter((e) => e.scrollWidth > e.clientWidth + 1).map((e) => e.tagName + " " + e.textContent.slice(0, 30));
		return cut.length ? "cut: " + cut.join(" | ") : "";
	})()`
	now := p.clk.Now().In(demo.Location())
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
	st := p.a.srv.Engine.State()
	jobs := make([]*shop.Job, 0, len(st.Jobs))
	for _, j := range st.Jobs {
		jobs = append(jobs, j)
	}
	own := st.KPIs(jobs, day, day.AddDate(0, 0, 1), now)
	csi := "–"
	if own.Surveys > 0 {
		csi = fmt.Sprint(math.Round(own.CSI*10) / 10)
	}
	for _, size := range []struct{ w, h int }{{1920, 1080}, {1366, 768}} {
		livetest.Resize(t, page, size.w, size.h)
		for _, lang := range []string{"zh-CN", "en"} {
			livetest.Open(t, page, p.base+"/group/wall?lang="+lang)
			livetest.WaitFor(t, page, "the wall", `document.querySelectorAll("tr.store").length === 2`, 10*time.Second)
			if got := livetest.Eval[string](t, page, overflow); got != "" {
				t.Errorf("the wall, %s at %dx%d: %s", lang, size.w, size.h, got)
			}
			livetest.Screenshot(t, page, fmt.Sprintf("group-wall-%s-%d", lang, size.w))
			livetest.Open(t, page, p.base+"/group/compare?lang="+lang)
			livetest.WaitFor(t, page, "the comparison", `document.querySelectorAll("table.compare tbody tr").length === 2 && document.querySelectorAll("svg.chart").length === 5`, 10*time.Second)
			if got := livetest.Eval[string](t, page, overflow); got != "" {
				t.Errorf("the comparison, %s at %dx%d: %s", lang, size.w, size.h, got)
			}
			// CSI without a survey answer is no score, not a score of 0.
			if got := livetest.Eval[string](t, page, `document.querySelector('table.compare tr[data-store="bj-01"] td:last-child').textContent`); got != csi {
				t.Errorf("the comparison's CSI of bj-01 reads %q; the store has %d answers today, want %q", got, own.Surveys, csi)
			}
			livetest.Screenshot(t, page, fmt.Sprintf("group-compare-%s-%d", lang, size.w))
		}
	}
}

// A group user changes their own display name, and nothing else: a bad
// name is refused at its field with nothing changed, a change needs the
// session's CSRF token, and a regional manager reaches no more than before.
// The header shows the new name at once.
func TestAGroupUserNamesThemselves(t *testing.T) {
	p := startGroupPages(t)
	password := "regional-password-1"
	if err := p.g.Users().PutGroupUser(access.GroupUser{ID: "gu-r1", Login: "north", Name: "North", Role: access.GroupRegional,
		Stores: []string{"bj-01"}, Active: true, PasswordHash: access.NewHasher(1).Hash(password)}); err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	csrf := ""
	call := func(method, path, body string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(method, p.base+path, strings.NewReader(body))
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		if csrf != "" {
			req.Header.Set("X-CSRF-Token", csrf)
		}
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		out, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(out)
	}
	stored := func() access.GroupUser {
		t.Helper()
		u, found, err := p.g.Users().GroupUser("gu-r1")
		if err != nil || !found {
			t.Fatalf("north: %v %v", found, err)
		}
		return u
	}
	if code, _ := call("PUT", "/group/api/me", `{"name":"Nobody"}`); code != http.StatusUnauthorized {
		t.Errorf("a name without a session: %d", code)
	}
	code, body := call("POST", "/group/api/session", `{"login":"north","password":"`+password+`"}`)
	if code != http.StatusOK {
		t.Fatalf("sign-in: %d %s", code, body)
	}
	csrf = regexp.MustCompile(`"csrf":"([^"]+)"`).FindStringSubmatch(body)[1]
	token := csrf
	csrf = ""
	if code, body := call("PUT", "/group/api/me", `{"name":"华北区"}`); code != http.StatusForbidden || !strings.Contains(body, "csrf") {
		t.Errorf("a name without the CSRF token: %d %s", code, body)
	}
	csrf = token
	for _, bad := range []string{`{"name":""}`, `{"name":"` + strings.Repeat("名", 65) + `"}`, `{"name":"North","role":"director"}`, `{"name":"North","stores":["sh-02"]}`, `{"name":7}`} {
		code, body := call("PUT", "/group/api/me", bad)
		if code != http.StatusBadRequest || !strings.Contains(body, `"code":"invalid"`) {
			t.Errorf("PUT /group/api/me %s: %d %s, want 400 invalid", bad, code, body)
		}
		if bad == `{"name":""}` && !strings.Contains(body, `"field":"name"`) {
			t.Errorf("an empty name is refused without naming its field: %s", body)
		}
	}
	if u := stored(); u.Name != "North" || u.Role != access.GroupRegional || strings.Join(u.Stores, ",") != "bj-01" {
		t.Errorf("refused names changed north: %+v", u)
	}
	if code, body := call("PUT", "/group/api/me", `{"name":"华北区 · 王经理"}`); code != http.StatusOK || !strings.Contains(body, `"name":"华北区 · 王经理"`) {
		t.Fatalf("north's new name: %d %s", code, body)
	}
	if u := stored(); u.Name != "华北区 · 王经理" || u.Login != "north" || u.Role != access.GroupRegional || strings.Join(u.Stores, ",") != "bj-01" || !access.CheckSecret(password, u.PasswordHash) {
		t.Errorf("north after naming themselves: %+v", u)
	}
	if _, body := call("GET", "/group/api/me", ""); !strings.Contains(body, `"name":"华北区 · 王经理"`) {
		t.Errorf("GET /group/api/me: %s", body)
	}
	for path, want := range map[string]int{"/group/api/users": http.StatusForbidden, "/group/api/stores": http.StatusOK} {
		if code, body := call("GET", path, ""); code != want || strings.Contains(body, "sh-02") {
			t.Errorf("GET %s after the name: %d %.200s, want %d", path, code, body, want)
		}
	}

	// In the browser: the header's name opens the form; a bad name is said
	// at its field in the page's language, the good one shown at once.
	livetest.Chromium(t)
	page := livetest.Browser(t, 1366, 768)
	p.signInDirector(t, page)
	livetest.WaitFor(t, page, "the director in the header", `/总监|director/i.test(document.getElementById("who").textContent)`, 10*time.Second)
	livetest.Eval[bool](t, page, `document.getElementById("who").click(), true`)
	livetest.WaitFor(t, page, "the name's form", `!document.querySelector("form.rename").hidden`, 10*time.Second)
	livetest.Fill(t, page, "form.rename", map[string]any{"name": strings.Repeat("名", 65)}, true)
	livetest.WaitFor(t, page, "the name refused at its field", `document.querySelector("form.rename .field-error").textContent === "名称为 1 到 64 个字符"`, 10*time.Second)
	livetest.Screenshot(t, page, "group-rename-refused")
	livetest.Fill(t, page, "form.rename", map[string]any{"name": "集团售后总监 李明"}, true)
	livetest.WaitFor(t, page, "the new name in the header", `document.querySelector("form.rename").hidden && document.getElementById("who").textContent.startsWith("集团售后总监 李明 · ")`, 10*time.Second)
	livetest.Open(t, page, p.base+"/group/compare")
	livetest.WaitFor(t, page, "the new name on another page", `document.getElementById("who").textContent.startsWith("集团售后总监 李明 · ")`, 10*time.Second)
}

// docs/API.md's table of the group's server lists every route the group
// serves (its API, feeds and health) and no other; its list of pages names
// every page.
func TestEveryGroupRouteIsDocumented(t *testing.T) {
	raw, err := os.ReadFile("../../docs/API.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(raw), "## The group's server")
	if !ok {
		t.Fatal(`docs/API.md has no section "The group's server"`)
	}
	section, _, _ = strings.Cut(section, "\n## ")
	row := regexp.MustCompile("(?m)^\\| (GET|POST|PUT|PATCH|DELETE) \\| `(/[^`?\\s]*)")
	documented := map[string]bool{}
	for _, m := range row.FindAllStringSubmatch(section, -1) {
		documented[m[1]+" "+m[2]] = true
	}
	_, pages, _ := strings.Cut(section, "Pages:")
	for _, m := range regexp.MustCompile("`(/[^`]+)`").FindAllStringSubmatch(pages, -1) {
		documented["GET "+m[1]] = true
	}
	p := startGroupPages(t)
	keep := func(path string) bool { return path != "/" && !strings.HasPrefix(path, "/assets/") }
	if n := web.RoutesAgainstDocs(t, p.g.Web.Routes(), keep, documented, "docs/API.md's group section"); n < 15 {
		t.Errorf("only %d group routes read: the route list is not read", n)
	}
}
