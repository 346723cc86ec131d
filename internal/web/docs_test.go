package web

import (
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	"bayboard/internal/shop"
)

// documentedRoute finds "`METHOD /path" in docs/API.md; a query string or
// a body may follow the path.
var documentedRoute = regexp.MustCompile("`(GET|POST|PUT|PATCH|DELETE) (/[^`?\\s]*)")

// moreListed finds the further paths of a row that lists several reads in
// one cell: "`GET /api/v1/bays`, `/teams`, `/technicians`".
var moreListed = regexp.MustCompile(", `(/[a-z-]+)`")

// documentedRoutes reads docs/API.md's routes as "METHOD /path/{param}".
func documentedRoutes(doc string) map[string]bool {
	out := map[string]bool{}
	for _, line := range strings.Split(doc, "\n") {
		for _, m := range documentedRoute.FindAllStringSubmatch(line, -1) {
			out[m[1]+" "+m[2]] = true
		}
		if !strings.HasPrefix(line, "| `GET /api/v1/") {
			continue
		}
		// Only the first cell lists routes.
		cell, _, _ := strings.Cut(strings.TrimPrefix(line, "| "), " |")
		first := documentedRoute.FindStringSubmatch(cell)
		dir := first[2][:strings.LastIndex(first[2], "/")]
		for _, m := range moreListed.FindAllStringSubmatch(cell, -1) {
			out["GET "+dir+m[1]] = true
		}
	}
	return out
}

// servedRoute reports whether a route is one that docs/API.md describes:
// the API, health and metrics, and the screens' boards and feeds. The staff
// and kiosk pages and the assets are described there without methods.
func servedRoute(path string) bool {
	return strings.HasPrefix(path, "/api/v1/") || path == "/healthz" || path == "/metrics" ||
		path == "/board" || strings.HasPrefix(path, "/board/") || strings.HasPrefix(path, "/ws/")
}

// docs/API.md lists every route the whole server (with the boards and the
// staff pages cmd/bayboard adds) serves, and no route it does not serve.
func TestEveryRouteIsDocumented(t *testing.T) {
	raw, err := os.ReadFile("../../docs/API.md")
	if err != nil {
		t.Fatal(err)
	}
	documented := documentedRoutes(string(raw))
	ts := newTestShop(t)
	if n := routesAgainstDocs(t, ts.srv.Routes(), servedRoute, documented, "docs/API.md"); n < 50 {
		t.Errorf("only %d routes served: the route list is not read", n)
	}
}

// routesAgainstDocs checks a server's routes ("GET /api/v1/jobs/:id", those
// keep says a table describes) against the documented ones ("GET
// /api/v1/jobs/{id}") both ways, and returns how many it checked.
func routesAgainstDocs(t *testing.T, routes []string, keep func(path string) bool, documented map[string]bool, docs string) int {
	t.Helper()
	param := regexp.MustCompile(`:([a-z_]+)`)
	served := map[string]bool{}
	for _, r := range routes {
		method, path, _ := strings.Cut(r, " ")
		if !keep(path) {
			continue
		}
		r = method + " " + param.ReplaceAllString(path, "{$1}")
		served[r] = true
		if !documented[r] {
			t.Errorf("%s is served but not in %s", r, docs)
		}
	}
	var extra []string
	for r := range documented {
		if !served[r] {
			extra = append(extra, r)
		}
	}
	sort.Strings(extra)
	for _, r := range extra {
		t.Errorf("%s lists %s, which the server does not serve", docs, r)
	}
	return len(served)
}

// Stages travel as stable English identifiers, whatever the shop's
// language, and docs/API.md names each of them.
func TestStagesAreStableEnglishIdentifiers(t *testing.T) {
	raw, err := os.ReadFile("../../docs/API.md")
	if err != nil {
		t.Fatal(err)
	}
	identifier := regexp.MustCompile(`^[a-z]+(_[a-z]+)*$`)
	for _, stage := range shop.Stages {
		if !identifier.MatchString(string(stage)) {
			t.Errorf("stage %q is not an identifier", stage)
		}
		if !strings.Contains(string(raw), string(stage)) {
			t.Errorf("docs/API.md does not name the stage %s", stage)
		}
	}
	ts := newTestShop(t)
	mgr := ts.tokens[shop.RoleManager]
	r := ts.call(t, nil, "POST", "/api/v1/commands", mgr, `{"type":"submit","job_id":"20261123-0001"}`)
	if r.status != 200 || !strings.Contains(string(r.body), `"stage":"waiting_dispatch"`) {
		t.Errorf("submit: %d %s", r.status, r.body)
	}
	r = ts.call(t, nil, "GET", "/api/v1/jobs?stage=waiting_dispatch", mgr, nil, "Accept-Language", "zh-CN")
	if r.status != 200 || !strings.Contains(string(r.body), `"stage":"waiting_dispatch"`) {
		t.Errorf("jobs by stage: %d %s", r.status, r.body)
	}
	if r := ts.call(t, nil, "GET", "/api/v1/jobs?stage=待派工", mgr, nil); r.status != 400 {
		t.Errorf("a translated stage name accepted: %d", r.status)
	}
}
