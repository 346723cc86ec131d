package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"bayboard/assets"
	"bayboard/board"
	"bayboard/internal/access"
	"bayboard/internal/backup"
	"bayboard/internal/engine"
	"bayboard/internal/photos"
	"bayboard/internal/shop"
	"bayboard/internal/store"
	"bayboard/kiosk"
)

var t0 = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

// testShop is a real server on 127.0.0.1:0 over a real data file, with one
// user per role, each with an API token.
type testShop struct {
	url    string
	eng    *engine.Engine
	store  *store.Store
	tokens map[shop.Role]string
	users  map[shop.Role]string
	// qr signs the QR links of this shop.
	qr *kiosk.Tokens
	// srv is the server under test, to list its routes.
	srv *Server
	// shopClock is the engine's clock, stopped at t0 until a test moves it.
	shopClock *testClock
	// photos is the photo directory beside the data file.
	photos *photos.Store
}

const testPassword = "correct horse battery"

// testHashCost is the cost the test shops hash passwords and PINs at:
// tests hash and check them by the hundred, and what they test is who gets
// in, not how slowly a guess is checked. TestTheShopHashesAtTheDefaultCost
// (access) and TestAShopHashesAtTheDefaultCost check what a shop runs with.
const testHashCost = 1_000

func newTestShop(t *testing.T) *testShop {
	t.Helper()
	return newTestShopOptions(t, Options{})
}

// newTestShopOptions serves the test shop with the server's options, as
// one whose wall clock a test moves.
func newTestShopOptions(t *testing.T, opts Options) *testShop {
	t.Helper()
	return newTestShopSeeded(t, opts, testSeed)
}

// testSeed is the test shop's setup beside its users: a team, a
// technician, a bay, a customer with a car, and one open job.
func testSeed(ts *testShop) []shop.Command {
	return []shop.Command{
		&shop.PutTeam{Team: shop.Team{Name: "一组"}},
		&shop.PutTechnician{Technician: shop.Technician{Name: "李师傅", TeamID: "team-1", UserID: ts.users[shop.RoleTechnician], Active: true}},
		&shop.PutBay{Bay: shop.Bay{Name: "1号", Kind: shop.BayGeneral, Active: true}},
		&shop.PutCustomer{Customer: shop.Customer{Name: "张先生", Phone: "13812345678"}},
		&shop.PutVehicle{Vehicle: shop.Vehicle{CustomerID: "cu-1", Plate: "京A12345", Model: "Sonata"}},
		&shop.OpenJob{CustomerID: "cu-1", VehicleID: "ve-1", Estimate: shop.Estimate{Requests: "保养", PromisedAt: t0.Add(3 * time.Hour),
			Labour: []shop.Labour{{Name: "保养", SoldHours: 1, Price: 20000}}}},
	}
}

// newTestShopSeeded serves a shop that has one user per role and what
// seed sets up; a seed of nothing is a shop on its first day.
func newTestShopSeeded(t *testing.T, opts Options, seed func(*testShop) []shop.Command) *testShop {
	t.Helper()
	return newTestShopServing(t, opts, seed, nil)
}

// newTestShopServing serves the test shop on a listener wrapped by wrap
// (TLS, say), or a plain one when wrap is nil.
func newTestShopServing(t *testing.T, opts Options, seed func(*testShop) []shop.Command, wrap func(net.Listener) (net.Listener, string)) *testShop {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "shop.db"))
	if err != nil {
		t.Fatal(err)
	}
	state, _, _ := st.Load(t0)
	shopClock := &testClock{now: t0}
	eng := engine.New(st, state, shopClock.Now)
	ts := &testShop{eng: eng, store: st, tokens: map[shop.Role]string{}, users: map[shop.Role]string{}, shopClock: shopClock}
	hasher := access.NewHasher(testHashCost)
	hash := hasher.Hash(testPassword)
	pin := hasher.Hash("2468")
	sys := shop.Actor{System: true}
	ctx := context.Background()
	for _, r := range shop.Roles {
		u := shop.User{Login: string(r), Name: string(r), Roles: []shop.Role{r}, PasswordHash: hash, Active: true}
		if r == shop.RoleTechnician {
			u.BadgeCode, u.PINHash = "B42", pin
		}
		ev, err := eng.Do(ctx, sys, &shop.PutUser{User: u})
		if err != nil {
			t.Fatal(err)
		}
		ts.users[r] = ev.Subject
		if ts.tokens[r], err = access.IssueToken(st, access.BySystem(t0), ev.Subject, "test"); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range seed(ts) {
		if _, err := eng.Do(ctx, sys, c); err != nil {
			t.Fatal(err)
		}
	}
	ts.serve(t, opts, wrap)
	return ts
}

// serve serves the test shop's engine and store with the server's options,
// on a listener wrapped by wrap (TLS, say) or a plain one when wrap is nil,
// and closes them when the test ends.
func (ts *testShop) serve(t *testing.T, opts Options, wrap func(net.Listener) (net.Listener, string)) {
	t.Helper()
	st, eng := ts.store, ts.eng
	if opts.HashCost == 0 {
		opts.HashCost = testHashCost
	}
	// A failed sign-in's answer is not slowed by a pause taken: the tests
	// of the slowing record the pauses asked for (stopGuardClock), and the
	// others guess wrong five to forty times to reach a lock, up to three
	// seconds each.
	if opts.GuardPause == nil {
		opts.GuardPause = func(time.Duration) {}
	}
	ts.qr = kiosk.NewTokens(st.Secret())
	// The whole server, boards and pages too; the hub is not run: a
	// test that watches a board serves its own (newBoardShopOn).
	ps, err := photos.Open(photos.Dir(st.Path()))
	if err != nil {
		t.Fatal(err)
	}
	ts.photos = ps
	srv, err := New(Deps{Engine: eng, Auth: st, Backup: st, History: st, Tokens: ts.qr, Printing: testRenderer(t),
		Hub: board.New(eng, board.Options{}), Pages: assets.Pages(), Photos: ps, Outbox: storeOutbox{st}}, opts)
	if err != nil {
		t.Fatal(err)
	}
	ts.srv = srv
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	scheme := "http"
	if wrap != nil {
		ln, scheme = wrap(ln)
	}
	go srv.Serve(ln)
	ts.url = scheme + "://" + ln.Addr().String()
	t.Cleanup(func() {
		srv.Shutdown(context.Background())
		eng.Close()
		st.Close()
	})
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("body %s: %v", r.body, err)
	}
}

func (r response) problem(t *testing.T) Problem {
	t.Helper()
	if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("content type %q, body %s", ct, r.body)
	}
	var p Problem
	r.json(t, &p)
	return p
}

// call sends a request; auth is a bearer token, or nil.
func (ts *testShop) call(t *testing.T, client *http.Client, method, path, token string, body any, headers ...string) response {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		raw, _ := json.Marshal(b)
		rd = bytes.NewReader(raw)
	}
	req, _ := http.NewRequest(method, ts.url+path, rd)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return response{resp.StatusCode, resp.Header, raw}
}

// whoMayGive is who may give each command a client sends, written out
// here rather than read from the table it checks: one letter per role in
// the order of gridRoles when the role may, a dot when it may not.
var gridRoles = []shop.Role{shop.RoleManager, shop.RoleAdvisor, shop.RoleController, shop.RoleTeamLeader,
	shop.RoleTechnician, shop.RoleQC, shop.RoleParts, shop.RoleWasher, shop.RoleCashier, shop.RoleFollowUp}

var whoMayGive = map[string]string{
	//                      MACLTQPWKF
	"set_settings":         "M.........",
	"put_bay":              "M.........",
	"put_team":             "M.........",
	"put_technician":       "M.........",
	"put_user":             "M.........",
	"put_customer":         "MA........",
	"put_vehicle":          "MA........",
	"book_appointment":     "MA........",
	"update_appointment":   "MA........",
	"open_job":             "MA........",
	"update_estimate":      "MA........",
	"submit":               "MA........",
	"dispatch":             "MAC.......",
	"undispatch":           "MAC.......",
	"set_roster":           "M.C.......",
	"clock_on":             "M.CLT.....",
	"clock_off":            "M.CLT.....",
	"pause":                "M.CLT.....",
	"resume":               "M.CLT.....",
	"finish":               "M.CLT.....",
	"qc":                   "M..LTQ....",
	"wash_done":            "M.C....W..",
	"start_wash":           "M.C....W..",
	"deliver":              "MA......K.",
	"cancel":               "MA........",
	"agree_promise":        "MA........",
	"reopen_comeback":      "MA........",
	"request_parts":        "MACLT.P...",
	"update_parts":         "M.....P...",
	"issue_part":           "M.....P...",
	"return_part":          "M.....P...",
	"allow_part":           "MA........",
	"report_finding":       "MACLT.....",
	"decide_finding":       "MA........",
	"withdraw_finding":     "MA........",
	"remove_photo":         "MACLT.....",
	"price_finding":        "MA........",
	"set_payer":            "MA........",
	"give_discount":        "MA......K.",
	"remove_discount":      "MA......K.",
	"record_followup":      "MA.......F",
	"close_complaint":      "M........F",
	"assign_complaint":     "M........F",
	"put_operation":        "M.........",
	"put_catalog_part":     "M.....P...",
	"revoke_customer_link": "MA........",
	// The car's history.
	"record_recommendation":   "MACLT.....",
	"close_recommendation":    "MA........",
	"record_service_reminder": "MA.......F",
	// The desk's notices.
	"acknowledge_notice": "MAC.....K.",
	// The customer messages' texts.
	"set_message_templates": "M.........",
}

// Every role × every command: the API refuses exactly what whoMayGive
// refuses, and a refused command changes nothing.
func TestEveryRoleAgainstEveryCommand(t *testing.T) {
	if len(gridRoles) != len(shop.Roles) {
		t.Fatalf("the grid has %d roles, the shop %d", len(gridRoles), len(shop.Roles))
	}
	types := shop.CommandTypes()
	if len(types) != len(whoMayGive) {
		t.Errorf("the shop has %d command types, the grid %d", len(types), len(whoMayGive))
	}
	ts := newTestShop(t)
	for _, typ := range types {
		row, ok := whoMayGive[typ]
		if !ok {
			t.Errorf("%s: not in the grid", typ)
			continue
		}
		for i, role := range gridRoles {
			allowed := row[i] != '.'
			before := ts.store.LastSeq()
			r := ts.call(t, nil, "POST", "/api/v1/commands", ts.tokens[role], fmt.Sprintf(`{"type":%q}`, typ))
			if got := r.status == http.StatusForbidden; got == allowed {
				t.Errorf("%s × %s: status %d (%s), allowed=%v", role, typ, r.status, r.body, allowed)
			}
			if r.status >= 400 {
				r.problem(t)
			}
			if r.status >= 400 && ts.store.LastSeq() != before {
				t.Errorf("%s × %s: refused but changed the log", role, typ)
			}
		}
	}
	// The other changing routes, and callers who are not people, are in
	// TestEveryCallerAgainstEveryChangingRoute.
}

// The commands a client never sends, with their roles, the rest of the
// grid: everyone changes their own password; the imports are the
// catalogue's keepers'.
var whoMayGiveBuilt = map[string]string{
	//                      MACLTQPWKF
	"change_own_password":  "MACLTQPWKF",
	"import_operations":    "M.........",
	"import_catalog_parts": "M.....P...",
	// The photo upload builds it once the file is stored (photos.go).
	"attach_photo": "MACLT.....",
	// The webhooks' routes build them, with the secret the server makes
	// (webhooks.go).
	"put_webhook":    "M.........",
	"remove_webhook": "M.........",
	// The channels' route builds it, so the secret is in no command's
	// JSON (senders.go).
	"put_message_sender": "M.........",
	"put_group_link":     "M.........",
}

// GET /api/v1/me tells each role the commands it may give, as the grid
// says, so a page need not keep a copy of the roles.
func TestMeSaysWhichCommandsOneMayGive(t *testing.T) {
	ts := newTestShop(t)
	for i, role := range gridRoles {
		want := []string{}
		for _, grid := range []map[string]string{whoMayGive, whoMayGiveBuilt} {
			for typ, row := range grid {
				if row[i] != '.' {
					want = append(want, typ)
				}
			}
		}
		sort.Strings(want)
		var me struct {
			May []string `json:"may"`
		}
		ts.call(t, nil, "GET", "/api/v1/me", ts.tokens[role], nil).json(t, &me)
		if !slices.Equal(me.May, want) {
			t.Errorf("%s may %v, want %v", role, me.May, want)
		}
	}
}

// A job's view says what the caller may give to it now: the test shop's
// job is in reception.
func TestAJobSaysWhatTheCallerMayGiveItNow(t *testing.T) {
	ts := newTestShop(t)
	for role, want := range map[shop.Role][]string{
		shop.RoleAdvisor: {"submit", "undispatch", "cancel", "set_payer", "give_discount"},
		shop.RoleCashier: {"give_discount"},
		shop.RoleWasher:  {},
	} {
		var job struct {
			May []string `json:"may"`
		}
		ts.call(t, nil, "GET", "/api/v1/jobs/20261123-0001", ts.tokens[role], nil).json(t, &job)
		if !slices.Equal(job.May, want) {
			t.Errorf("%s may %v, want %v", role, job.May, want)
		}
	}
}

func TestBadInputGetsAProblemAndChangesNothing(t *testing.T) {
	ts := newTestShop(t)
	tok := ts.tokens[shop.RoleAdvisor]
	cases := []struct {
		name, body string
		status     int
		field      string
	}{
		{"unknown field", `{"type":"submit","job_id":"20261123-0001","hurry":true}`, 400, "hurry"},
		{"wrong type", `{"type":"submit","job_id":7}`, 400, "job_id"},
		{"a password hash", `{"type":"put_user","user":{"login":"li","name":"李","roles":["advisor"],"active":true,"password_hash":"h"}}`, 400, "user.password_hash"},
		{"a PIN hash", `{"type":"put_user","user":{"login":"li","name":"李","roles":["technician"],"active":true,"pin_hash":"h"}}`, 400, "user.pin_hash"},
		{"bad plate", `{"type":"put_vehicle","vehicle":{"customer_id":"cu-1","plate":"京A12"}}`, 400, "vehicle.plate"},
		{"bad VIN", `{"type":"put_vehicle","vehicle":{"customer_id":"cu-1","plate":"京B12345","vin":"1M8GDM9A1KP042788"}}`, 400, "vehicle.vin"},
		{"bad phone", `{"type":"put_customer","customer":{"name":"李","phone":"12345"}}`, 400, "customer.phone"},
		{"impossible time", `{"type":"update_estimate","job_id":"20261123-0001","requests":"x","promised_at":"2020-01-01T00:00:00Z"}`, 400, "promised_at"},
		{"appointment in the past", `{"type":"book_appointment","at":"2026-11-20T09:00:00Z","customer_id":"cu-1","vehicle_id":"ve-1","requested":"保养"}`, 400, "at"},
		{"malformed appointment slot", `{"type":"book_appointment","at":"明天上午","customer_id":"cu-1","vehicle_id":"ve-1","requested":"保养"}`, 400, "at"},
		{"promised before arrival", `{"type":"open_job","customer_id":"cu-1","vehicle_id":"ve-1","requests":"保养","labour":[{"name":"保养","sold_hours":1,"price":20000}],"promised_at":"2026-11-23T08:00:00Z"}`, 400, "promised_at"},
		{"wrong type in a list", `{"type":"dispatch","job_id":"20261123-0001","team_id":"team-1","tech_ids":"tech-1","bay_id":"bay-1"}`, 400, "tech_ids"},
		{"trailing data", `{"type":"submit","job_id":"20261123-0001"} {"type":"cancel"}`, 400, ""},
		{"not JSON", `{"type":`, 400, ""},
		{"illegal move", `{"type":"deliver","job_id":"20261123-0001"}`, 409, ""},
		{"no such job", `{"type":"submit","job_id":"20991231-0001"}`, 404, ""},
	}
	for _, c := range cases {
		before := ts.store.LastSeq()
		r := ts.call(t, nil, "POST", "/api/v1/commands", tok, c.body)
		p := r.problem(t)
		if r.status != c.status {
			t.Errorf("%s: status %d, want %d (%s)", c.name, r.status, c.status, r.body)
		}
		if c.field != "" && (len(p.Errors) == 0 || p.Errors[0].Field != c.field) {
			t.Errorf("%s: errors %+v, want field %s", c.name, p.Errors, c.field)
		}
		if ts.store.LastSeq() != before {
			t.Errorf("%s: changed the log", c.name)
		}
	}
	r := ts.call(t, nil, "POST", "/api/v1/commands", tok, `{"type":"deliver","job_id":"20261123-0001"}`)
	if p := r.problem(t); p.Code != "illegal_move" || len(p.Allowed) != 2 || !strings.Contains(p.Detail, "waiting_dispatch") {
		t.Errorf("illegal move problem: %+v", p)
	}
	// An oversize body is refused from its declared length, before it is
	// read; the client may still be writing, so speak HTTP by hand.
	conn, err := net.Dial("tcp", strings.TrimPrefix(ts.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(conn, "POST /api/v1/commands HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", tok, 2<<20)
	head := make([]byte, 12)
	before := ts.store.LastSeq()
	io.ReadFull(conn, head)
	conn.Close()
	if string(head) != "HTTP/1.1 413" {
		t.Errorf("oversize body: %q", head)
	}
	if ts.store.LastSeq() != before {
		t.Errorf("an oversize body changed the log")
	}
	// The other endpoints read bodies with the same strict decoder.
	mgr := ts.tokens[shop.RoleManager]
	users := len(ts.eng.State().Users)
	for _, c := range []struct{ path, body, field string }{
		{"/api/v1/users", `{"user":{"login":"new","name":"新人","roles":["washer"],"active":true},"password":"a-long-password","admin":true}`, "admin"},
		{"/api/v1/users", `{"user":{"login":"new","name":"新人","roles":"washer","active":true},"password":"a-long-password"}`, "user.roles"},
		{"/api/v1/users", `{"user":{"login":"new","name":"新人","roles":["washer"],"phone":"12345","active":true},"password":"a-long-password"}`, "user.phone"},
		{"/api/v1/users", `{"user":{"login":"new","name":"新人","roles":["washer"],"active":true},"pin":"12ab"}`, "pin"},
	} {
		before := ts.store.LastSeq()
		r := ts.call(t, nil, "POST", c.path, mgr, c.body)
		if p := r.problem(t); r.status != 400 || len(p.Errors) == 0 || p.Errors[0].Field != c.field {
			t.Errorf("%s %s: %d %s, want field %s", c.path, c.body, r.status, r.body, c.field)
		}
		if ts.store.LastSeq() != before || len(ts.eng.State().Users) != users {
			t.Errorf("%s %s: refused but changed the shop", c.path, c.body)
		}
	}
	if r := ts.call(t, nil, "POST", "/api/v1/commands", tok, nil); r.status != http.StatusUnsupportedMediaType {
		t.Errorf("no content type: %d", r.status)
	}
	if r := ts.call(t, nil, "GET", "/api/v1/nothing", tok, nil); r.status != 404 || r.problem(t).Code != "route_not_found" {
		t.Errorf("unknown route: %d %s", r.status, r.body)
	}
}

func TestCommandIsAcknowledgedWithItsEvent(t *testing.T) {
	ts := newTestShop(t)
	r := ts.call(t, nil, "POST", "/api/v1/commands", ts.tokens[shop.RoleAdvisor], `{"type":"submit","job_id":"20261123-0001"}`)
	var out struct {
		Event shop.Event     `json:"event"`
		Job   shop.JobStatus `json:"job"`
	}
	r.json(t, &out)
	if r.status != 200 || out.Event.Seq == 0 || out.Job.Job.Stage != shop.StageWaitingDispatch || out.Job.Plate != "京A·12345" {
		t.Fatalf("%d %s", r.status, r.body)
	}
	h := ts.call(t, nil, "GET", "/api/v1/jobs/20261123-0001/history", ts.tokens[shop.RoleAdvisor], nil)
	var evs []shop.Event
	h.json(t, &evs)
	if len(evs) != 2 || evs[1].Type != "submit" || evs[1].Actor != ts.users[shop.RoleAdvisor] || evs[1].Device != "token:test" {
		t.Errorf("history: %s", h.body)
	}
}

func cookieClient() *http.Client {
	jar := &jar{cookies: map[string]*http.Cookie{}}
	return &http.Client{Jar: jar}
}

// jar is a minimal cookie jar for one host.
type jar struct{ cookies map[string]*http.Cookie }

func (j *jar) SetCookies(_ *urlT, cs []*http.Cookie) {
	for _, c := range cs {
		j.cookies[c.Name] = c
	}
}
func (j *jar) Cookies(_ *urlT) []*http.Cookie {
	var out []*http.Cookie
	for _, c := range j.cookies {
		if c.Value != "" {
			out = append(out, c)
		}
	}
	return out
}

func TestSessionCookieNeedsCSRFForChanges(t *testing.T) {
	ts := newTestShop(t)
	client := cookieClient()
	r := ts.call(t, client, "POST", "/api/v1/session", "", map[string]string{"login": "advisor", "password": testPassword})
	var in signInResponse
	r.json(t, &in)
	if r.status != 200 || in.CSRF == "" {
		t.Fatalf("sign in: %d %s", r.status, r.body)
	}
	sc := r.header.Get("Set-Cookie")
	if !strings.Contains(sc, "HttpOnly") || !strings.Contains(strings.ToLower(sc), "samesite=strict") {
		t.Errorf("session cookie %q", sc)
	}
	if r := ts.call(t, client, "GET", "/api/v1/me", "", nil); r.status != 200 {
		t.Errorf("me: %d", r.status)
	}
	cmd := `{"type":"submit","job_id":"20261123-0001"}`
	if r := ts.call(t, client, "POST", "/api/v1/commands", "", cmd); r.status != 403 || r.problem(t).Code != "csrf" {
		t.Errorf("change without CSRF: %d %s", r.status, r.body)
	}
	if r := ts.call(t, client, "POST", "/api/v1/commands", "", cmd, headerCSRF, "forged"); r.status != 403 {
		t.Errorf("change with a wrong CSRF token: %d", r.status)
	}
	if r := ts.call(t, client, "POST", "/api/v1/commands", "", cmd, headerCSRF, in.CSRF); r.status != 200 {
		t.Errorf("change with CSRF: %d %s", r.status, r.body)
	}
	if r := ts.call(t, client, "DELETE", "/api/v1/session", "", nil, headerCSRF, in.CSRF); r.status != 204 {
		t.Errorf("sign out: %d", r.status)
	}
	if r := ts.call(t, client, "GET", "/api/v1/me", "", nil); r.status != 401 {
		t.Errorf("me after sign out: %d", r.status)
	}
}

// testClock is a stopped clock that a test moves, and, as the sign-in
// guard's, a record of the pauses asked for instead of pausing.
type testClock struct {
	mu     sync.Mutex
	now    time.Time
	pauses []time.Duration
}

func stopGuardClock(ts *testShop) *testClock {
	gc := &testClock{now: t0}
	ts.srv.guard.SetClock(gc.Now, gc.pause)
	return gc
}

func (gc *testClock) Now() time.Time { gc.mu.Lock(); defer gc.mu.Unlock(); return gc.now }
func (gc *testClock) advance(d time.Duration) {
	gc.mu.Lock()
	defer gc.mu.Unlock()
	gc.now = gc.now.Add(d)
}
func (gc *testClock) pause(d time.Duration) {
	gc.mu.Lock()
	defer gc.mu.Unlock()
	gc.pauses = append(gc.pauses, d)
}

func (gc *testClock) paused() []time.Duration {
	gc.mu.Lock()
	defer gc.mu.Unlock()
	return append([]time.Duration(nil), gc.pauses...)
}

// TestAShopHashesAtTheDefaultCost: a server whose options leave the cost
// zero, as serve's do, hashes the passwords and PINs it is given at
// access.DefaultHashCost (the test shops ask for testHashCost).
func TestAShopHashesAtTheDefaultCost(t *testing.T) {
	ts := newTestShop(t)
	srv, err := New(Deps{Engine: ts.eng, Auth: ts.store, Backup: ts.store, History: ts.store, Tokens: ts.qr, Printing: testRenderer(t),
		Hub: board.New(ts.eng, board.Options{}), Pages: assets.Pages()}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if h := srv.hasher.Hash("2468"); !strings.HasPrefix(h, fmt.Sprintf("pbkdf2-sha256$%d$", access.DefaultHashCost)) {
		t.Errorf("a server with zero options hashes as %q, want %d iterations", h, access.DefaultHashCost)
	}
	if h := ts.srv.hasher.Hash("2468"); !strings.HasPrefix(h, fmt.Sprintf("pbkdf2-sha256$%d$", testHashCost)) {
		t.Errorf("the test shop hashes as %q, want its %d iterations", h, testHashCost)
	}
}

func TestBadPINsAreSlowedThenLocked(t *testing.T) {
	ts := newTestShop(t)
	gc := stopGuardClock(ts)
	badge := func(pin string) response {
		return ts.call(t, nil, "POST", "/api/v1/session", "", map[string]string{"badge": "B42", "pin": pin})
	}
	if r := badge("2468"); r.status != 200 {
		t.Fatalf("badge sign-in: %d %s", r.status, r.body)
	}
	for i := 0; i < access.MaxFailures; i++ {
		if r := badge("0000"); r.status != 401 {
			t.Fatalf("wrong PIN %d: %d", i, r.status)
		}
	}
	// Each failure is answered more slowly than the one before.
	pauses := gc.paused()
	if len(pauses) != access.MaxFailures {
		t.Fatalf("%d failures slowed, want %d", len(pauses), access.MaxFailures)
	}
	for i := 1; i < len(pauses); i++ {
		if pauses[i] <= pauses[i-1] {
			t.Errorf("failure %d paused %v, failure %d %v: not slowed more", i, pauses[i-1], i+1, pauses[i])
		}
	}
	r := badge("2468")
	if r.status != http.StatusTooManyRequests || r.problem(t).Code != "locked" {
		t.Errorf("right PIN while locked: %d %s", r.status, r.body)
	}
	if got, want := r.header.Get("Retry-After"), fmt.Sprint(int(access.LockFor.Seconds())); got != want {
		t.Errorf("Retry-After %q, want %q seconds", got, want)
	}
	if len(gc.paused()) != access.MaxFailures {
		t.Errorf("a locked sign-in was checked and counted")
	}
	// The lock lifts after its time, and not before.
	gc.advance(access.LockFor - time.Second)
	if r := badge("2468"); r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") != "1" {
		t.Errorf("a second before the lock lifts: %d %s", r.status, r.header.Get("Retry-After"))
	}
	gc.advance(time.Second)
	if r := badge("2468"); r.status != 200 {
		t.Errorf("after the lock: %d %s", r.status, r.body)
	}
}

// One address guessing PINs across badges is locked too, even when it
// signs in with a PIN it knows between guesses.
func TestGuessingAcrossBadgesLocksTheAddress(t *testing.T) {
	ts := newTestShop(t)
	stopGuardClock(ts)
	mgr := ts.tokens[shop.RoleManager]
	for i := 0; i < access.MaxAddressFailures; i++ {
		u := fmt.Sprintf(`{"user":{"login":"tech%d","name":"技师%d","roles":["technician"],"badge_code":"C%d","active":true},"pin":"1357"}`, i, i, i)
		if r := ts.call(t, nil, "POST", "/api/v1/users", mgr, u); r.status != 200 {
			t.Fatalf("user: %d %s", r.status, r.body)
		}
	}
	for i := 0; i < access.MaxAddressFailures; i++ {
		// Fewer wrong PINs per badge than lock a badge.
		r := ts.call(t, nil, "POST", "/api/v1/session", "", map[string]string{"badge": fmt.Sprintf("C%d", i), "pin": "0000"})
		if r.status != 401 {
			t.Fatalf("guess %d: %d %s", i, r.status, r.body)
		}
		if i%3 == 2 {
			if r := ts.call(t, nil, "POST", "/api/v1/session", "", map[string]string{"badge": "B42", "pin": "2468"}); r.status != 200 {
				t.Fatalf("the attacker's own PIN: %d %s", r.status, r.body)
			}
		}
	}
	for _, body := range []map[string]string{
		{"badge": "C0", "pin": "1357"},
		{"badge": "B42", "pin": "2468"},
		{"login": "advisor", "password": testPassword},
	} {
		if r := ts.call(t, nil, "POST", "/api/v1/session", "", body); r.status != http.StatusTooManyRequests {
			t.Errorf("%v from the locked address: %d %s", body, r.status, r.body)
		}
	}
}

// syncBuffer is a log that handlers write to at once.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Each lock is logged as a warning that names the login or badge and the
// address, never the secrets tried.
func TestLocksAreLogged(t *testing.T) {
	var log syncBuffer
	ts := newTestShopOptions(t, Options{Logger: slog.New(slog.NewJSONHandler(&log, nil))})
	stopGuardClock(ts)
	guess := func(body map[string]string) {
		t.Helper()
		if r := ts.call(t, nil, "POST", "/api/v1/session", "", body); r.status != 401 {
			t.Fatalf("%v: %d %s", body, r.status, r.body)
		}
	}
	for i := 0; i < access.MaxFailures; i++ {
		guess(map[string]string{"badge": "B42", "pin": "97531"})
		guess(map[string]string{"login": "advisor", "password": "wrong password 97531"})
	}
	for i := 0; i < access.MaxAddressFailures-2*access.MaxFailures; i++ {
		guess(map[string]string{"badge": fmt.Sprintf("X%d", i), "pin": "97531"})
	}
	if r := ts.call(t, nil, "POST", "/api/v1/session", "", map[string]string{"login": "manager", "password": testPassword}); r.status != http.StatusTooManyRequests {
		t.Errorf("sign-in from the locked address: %d", r.status)
	}
	type lock struct {
		Level, Msg, Kind, Account, Address string
		Failures                           int
		LockedFor                          time.Duration `json:"locked_for"`
	}
	var got []lock
	for _, line := range strings.Split(log.String(), "\n") {
		if line == "" {
			continue
		}
		var l lock
		if err := json.Unmarshal([]byte(line), &l); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		if l.Msg == "sign-in locked" {
			got = append(got, l)
		}
	}
	want := []lock{
		{Level: "WARN", Msg: "sign-in locked", Kind: "badge-user", Account: ts.users[shop.RoleTechnician], Address: "127.0.0.1", Failures: access.MaxFailures, LockedFor: access.LockFor},
		{Level: "WARN", Msg: "sign-in locked", Kind: "login", Account: "advisor", Address: "127.0.0.1", Failures: access.MaxFailures, LockedFor: access.LockFor},
		{Level: "WARN", Msg: "sign-in locked", Kind: "address", Address: "127.0.0.1", Failures: access.MaxAddressFailures, LockedFor: access.LockFor},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("locks logged:\n%v\nwant\n%v", got, want)
	}
	// The PIN tried is digits, as a timestamp's nanoseconds are: look for
	// it in everything a line says but its time.
	for _, line := range strings.Split(strings.TrimSpace(log.String()), "\n") {
		var fields map[string]any
		if err := json.Unmarshal([]byte(line), &fields); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		delete(fields, "time")
		if said, _ := json.Marshal(fields); strings.Contains(string(said), "97531") {
			t.Errorf("the log holds a secret tried: %s", line)
		}
	}
}

// A wrong old password counts against the login's lock, and a locked
// login cannot go on guessing through the password change. A right one
// forgives the login its failures, as a sign-in does.
func TestChangingThePasswordHonoursTheLock(t *testing.T) {
	ts := newTestShop(t)
	stopGuardClock(ts)
	mgr := ts.tokens[shop.RoleManager]
	for i := 0; i < access.MaxFailures-1; i++ {
		ts.call(t, nil, "POST", "/api/v1/me/password", mgr, `{"old":"wrong password","new":"another long password"}`)
	}
	r := ts.call(t, nil, "POST", "/api/v1/me/password", mgr, `{"old":"`+testPassword+`","new":"short"}`)
	if p := r.problem(t); r.status != 400 || len(p.Errors) != 1 || p.Errors[0].Field != "new" {
		t.Fatalf("the right old password and a short new one: %d %s", r.status, r.body)
	}
	for i := 0; i < access.MaxFailures; i++ {
		r := ts.call(t, nil, "POST", "/api/v1/me/password", mgr, `{"old":"wrong password","new":"another long password"}`)
		if r.status != 400 {
			t.Fatalf("wrong old password %d: %d %s", i, r.status, r.body)
		}
	}
	before := ts.store.LastSeq()
	r = ts.call(t, nil, "POST", "/api/v1/me/password", mgr, `{"old":"`+testPassword+`","new":"another long password"}`)
	if r.status != http.StatusTooManyRequests || ts.store.LastSeq() != before {
		t.Errorf("password change while locked: %d %s", r.status, r.body)
	}
	if r := ts.call(t, nil, "POST", "/api/v1/session", "", map[string]string{"login": "manager", "password": testPassword}); r.status != http.StatusTooManyRequests {
		t.Errorf("sign-in while locked: %d", r.status)
	}
}

// Guesses sent all at once are held to the same limits as guesses sent
// one by one: an attempt counts while its secret is checked, so no more
// secrets are checked than the limit allows.
func TestParallelGuessesAreHeldToTheLimits(t *testing.T) {
	const guesses = 40
	type request struct{ method, path, token, body string }
	for _, tc := range []struct {
		name string
		// guess is the i-th wrong guess.
		guess func(ts *testShop, i int) request
		// wrong is the status of a guess checked and found wrong.
		wrong int
		limit int
		// right is the right secret, refused while the lock holds.
		right func(ts *testShop) request
	}{{
		name: "PINs of one badge",
		guess: func(_ *testShop, i int) request {
			return request{"POST", "/api/v1/session", "", fmt.Sprintf(`{"badge":"B42","pin":"%d"}`, 4200+i)}
		},
		wrong: http.StatusUnauthorized, limit: access.MaxFailures,
		right: func(*testShop) request {
			return request{"POST", "/api/v1/session", "", `{"badge":"B42","pin":"2468"}`}
		},
	}, {
		name: "old passwords of one login",
		guess: func(ts *testShop, i int) request {
			return request{"POST", "/api/v1/me/password", ts.tokens[shop.RoleManager], fmt.Sprintf(`{"old":"wrong password %d","new":"another long password"}`, i)}
		},
		wrong: http.StatusBadRequest, limit: access.MaxFailures,
		right: func(ts *testShop) request {
			return request{"POST", "/api/v1/me/password", ts.tokens[shop.RoleManager], `{"old":"` + testPassword + `","new":"another long password"}`}
		},
	}, {
		name: "PINs of many badges from one address",
		guess: func(_ *testShop, i int) request {
			return request{"POST", "/api/v1/session", "", fmt.Sprintf(`{"badge":"C%d","pin":"0000"}`, i)}
		},
		wrong: http.StatusUnauthorized, limit: access.MaxAddressFailures,
		right: func(*testShop) request {
			return request{"POST", "/api/v1/session", "", `{"badge":"B42","pin":"2468"}`}
		},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			ts := newTestShop(t)
			stopGuardClock(ts)
			// Badges C0… with a PIN each, so that every guess is checked
			// against a hash, as slowly as a real one.
			pin := access.NewHasher(testHashCost).Hash("1357")
			for i := 0; i < guesses; i++ {
				u := shop.User{Login: fmt.Sprintf("tech%d", i), Name: fmt.Sprintf("技师%d", i), Roles: []shop.Role{shop.RoleTechnician},
					BadgeCode: fmt.Sprintf("C%d", i), PINHash: pin, Active: true}
				if _, err := ts.eng.Do(context.Background(), shop.Actor{System: true}, &shop.PutUser{User: u}); err != nil {
					t.Fatal(err)
				}
			}
			start := make(chan struct{})
			statuses := make(chan int, guesses)
			var wg sync.WaitGroup
			for i := 0; i < guesses; i++ {
				guess := tc.guess(ts, i)
				wg.Add(1)
				go func() {
					defer wg.Done()
					req, _ := http.NewRequest(guess.method, ts.url+guess.path, strings.NewReader(guess.body))
					req.Header.Set("Content-Type", "application/json")
					if guess.token != "" {
						req.Header.Set("Authorization", "Bearer "+guess.token)
					}
					<-start
					res, err := http.DefaultClient.Do(req)
					if err != nil {
						t.Error(err)
						return
					}
					io.Copy(io.Discard, res.Body)
					res.Body.Close()
					statuses <- res.StatusCode
				}()
			}
			close(start)
			wg.Wait()
			close(statuses)
			count := map[int]int{}
			for status := range statuses {
				count[status]++
			}
			if count[tc.wrong] > tc.limit || count[tc.wrong]+count[http.StatusTooManyRequests] != guesses {
				t.Errorf("%d guesses at once: %d checked, %d refused as locked, all: %v; want at most %d checked",
					guesses, count[tc.wrong], count[http.StatusTooManyRequests], count, tc.limit)
			}
			right := tc.right(ts)
			if r := ts.call(t, nil, right.method, right.path, right.token, right.body); r.status != http.StatusTooManyRequests {
				t.Errorf("the right secret after the guesses: %d %s", r.status, r.body)
			}
		})
	}
}

func TestScreenPairsWithACodeAManagerApproves(t *testing.T) {
	ts := newTestShop(t)
	r := ts.call(t, nil, "POST", "/api/v1/devices/pair", "", `{"name":"休息区电视"}`)
	var pair struct {
		DeviceID   string `json:"device_id"`
		Code       string `json:"code"`
		PollSecret string `json:"poll_secret"`
	}
	r.json(t, &pair)
	if r.status != 201 || len(pair.Code) != 6 {
		t.Fatalf("pair: %d %s", r.status, r.body)
	}
	poll := func(secret string) response {
		return ts.call(t, nil, "GET", "/api/v1/devices/pair/"+pair.DeviceID, "", nil, "X-Pair-Secret", secret)
	}
	if r := poll("guess"); r.status != 404 {
		t.Errorf("poll with a wrong secret: %d", r.status)
	}
	if r := poll(pair.PollSecret); r.status != 200 || !strings.Contains(string(r.body), `"approved":false`) {
		t.Errorf("poll before approval: %s", r.body)
	}
	mgr := ts.tokens[shop.RoleManager]
	bad := ts.call(t, nil, "POST", "/api/v1/devices/approve", mgr, `{"code":"`+pair.Code+`","name":"TV","views":["kitchen"],"lang":"zh-CN"}`)
	if bad.status != 400 {
		t.Errorf("approve with a bad view: %d", bad.status)
	}
	ok := ts.call(t, nil, "POST", "/api/v1/devices/approve", mgr, `{"code":"`+pair.Code+`","name":"休息区电视","views":["lounge"],"lang":"zh-CN"}`)
	if ok.status != 200 {
		t.Fatalf("approve: %d %s", ok.status, ok.body)
	}
	r = poll(pair.PollSecret)
	var got struct {
		Approved bool     `json:"approved"`
		Token    string   `json:"token"`
		Views    []string `json:"views"`
	}
	r.json(t, &got)
	if !got.Approved || got.Token == "" || len(got.Views) != 1 || !strings.Contains(r.header.Get("Set-Cookie"), cookieDevice) {
		t.Fatalf("poll after approval: %s", r.body)
	}
	if r := poll(pair.PollSecret); r.status != 404 {
		t.Errorf("the token was handed out twice: %d", r.status)
	}
	if d := (&Server{auth: ts.store}).loadDevice(got.Token); d == nil || d.ID != pair.DeviceID || !d.CanView("lounge") || d.CanView("workshop") {
		t.Errorf("device from its token: %+v", d)
	}
	// A screen's token opens views, not the staff API.
	if r := ts.call(t, nil, "POST", "/api/v1/commands", got.Token, `{"type":"submit","job_id":"20261123-0001"}`); r.status != 401 {
		t.Errorf("device token changing a job: %d", r.status)
	}
	if r := ts.call(t, nil, "GET", "/api/v1/me", got.Token, nil); r.status != 401 {
		t.Errorf("device token reading the staff API: %d", r.status)
	}
	// The manager renames the screen and gives it another view; a bad
	// view changes nothing.
	if r := ts.call(t, nil, "POST", "/api/v1/devices/"+pair.DeviceID, mgr, `{"name":"TV 2","views":["kitchen"],"lang":"en"}`); r.status != 400 {
		t.Errorf("a bad view: %d", r.status)
	}
	if d := (&Server{auth: ts.store}).loadDevice(got.Token); d == nil || d.Name != "休息区电视" || d.Lang != "zh-CN" {
		t.Errorf("a refused change changed the screen: %+v", d)
	}
	if r := ts.call(t, nil, "POST", "/api/v1/devices/"+pair.DeviceID, mgr, `{"name":"休息区电视 2","views":["lounge","workshop"],"lang":"en"}`); r.status != 200 {
		t.Errorf("rename: %d %s", r.status, r.body)
	}
	if d := (&Server{auth: ts.store}).loadDevice(got.Token); d == nil || d.Name != "休息区电视 2" || d.Lang != "en" || !d.CanView("workshop") {
		t.Errorf("the renamed screen: %+v", d)
	}
	if r := ts.call(t, nil, "DELETE", "/api/v1/devices/"+pair.DeviceID, mgr, nil); r.status != 204 {
		t.Errorf("revoke: %d", r.status)
	}
	if r := ts.call(t, nil, "POST", "/api/v1/devices/"+pair.DeviceID, mgr, `{"name":"TV","views":["lounge"],"lang":"en"}`); r.status != 404 {
		t.Errorf("a revoked screen renamed: %d", r.status)
	}
	srv := &Server{auth: ts.store}
	if d := srv.loadDevice(got.Token); d != nil {
		t.Errorf("a revoked device's token still names it")
	}
}

// The admin download is the shop's archive: restored onto another data
// file, it gives the shop and the photos beside it, byte for byte.
func TestBackupDownloadIsAUsableFile(t *testing.T) {
	ts := newTestShop(t)
	photo := []byte("a photo's bytes, as the photo store keeps them")
	sum := sha256.Sum256(photo)
	id := hex.EncodeToString(sum[:])
	dir := photos.Dir(ts.store.Path())
	if err := os.MkdirAll(filepath.Join(dir, id[:2]), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(photos.Path(dir, id, false), photo, 0o600); err != nil {
		t.Fatal(err)
	}
	r := ts.call(t, nil, "GET", "/api/v1/backup", ts.tokens[shop.RoleManager], nil)
	if r.status != 200 || len(r.body) < 4096 {
		t.Fatalf("backup: %d, %d bytes", r.status, len(r.body))
	}
	archive := filepath.Join(t.TempDir(), "backup.tar")
	if err := writeFile(archive, r.body); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "copy.db")
	done, err := backup.Restore(archive, path, t0)
	if err != nil || done.Plain || done.Photos != 1 {
		t.Fatalf("restore: %+v %v", done, err)
	}
	if got, err := os.ReadFile(photos.Path(photos.Dir(path), id, false)); err != nil || !bytes.Equal(got, photo) {
		t.Errorf("the restored photo: %q %v", got, err)
	}
	copyStore, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer copyStore.Close()
	st, _, err := copyStore.Load(t0)
	if err != nil || len(st.Jobs) != 1 || copyStore.Check() != nil {
		t.Fatalf("backup contents: %v %v", st, err)
	}
}

func TestExpiredSessionsAreSwept(t *testing.T) {
	wall := &testClock{now: t0}
	ts := newTestShopOptions(t, Options{WallClock: wall.Now})
	for i := 0; i < 2; i++ {
		if r := ts.call(t, nil, "POST", "/api/v1/session", "", map[string]string{"login": "advisor", "password": testPassword}); r.status != 200 {
			t.Fatal(r.status)
		}
	}
	if n, err := access.SweepSessions(ts.store, t0.Add(time.Hour)); n != 0 || err != nil {
		t.Errorf("swept live sessions: %d %v", n, err)
	}
	if n, err := access.SweepSessions(ts.store, t0.Add(access.StaffSessionTTL+time.Minute)); n != 2 || err != nil {
		t.Errorf("swept %d expired sessions, want 2 (%v)", n, err)
	}
}

// Sessions and sign-in locks last real time: the demo's shop clock runs
// thirty times faster, and a jump of it ends neither a session nor a lock
// early; the wall clock does.
func TestSessionsAndLocksRunOnTheWallClock(t *testing.T) {
	// The wall clock starts at the real time, so that the cookie jar keeps
	// the session cookie.
	wall := &testClock{now: time.Now()}
	ts := newTestShopOptions(t, Options{WallClock: wall.Now})
	// The guard keeps the server's wall clock; only its pauses are recorded
	// instead of taken.
	ts.srv.guard.SetClock(wall.Now, wall.pause)
	signIn := func(client *http.Client, body map[string]string) {
		t.Helper()
		if r := ts.call(t, client, "POST", "/api/v1/session", "", body); r.status != 200 {
			t.Fatalf("sign in %v: %d %s", body, r.status, r.body)
		}
	}
	staff, technician := cookieClient(), cookieClient()
	signIn(staff, map[string]string{"login": "advisor", "password": testPassword})
	signIn(technician, map[string]string{"badge": "B42", "pin": "2468"})
	for i := 0; i < access.MaxFailures; i++ {
		ts.call(t, nil, "POST", "/api/v1/session", "", map[string]string{"login": "manager", "password": "wrong password"})
	}
	signedIn := func(client *http.Client) bool {
		return ts.call(t, client, "GET", "/api/v1/me", "", nil).status == 200
	}
	managerLocked := func() bool {
		r := ts.call(t, nil, "POST", "/api/v1/session", "", map[string]string{"login": "manager", "password": testPassword})
		return r.status == http.StatusTooManyRequests
	}

	// More than a shift passes on the shop's clock, none on the wall.
	ts.shopClock.advance(access.StaffSessionTTL + 2*time.Hour)
	if !signedIn(staff) || !signedIn(technician) {
		t.Errorf("a jump of the shop's clock ended a session: staff %v, kiosk %v", signedIn(staff), signedIn(technician))
	}
	if n, err := access.SweepSessions(ts.store, wall.Now()); n != 0 || err != nil {
		t.Errorf("swept %d live sessions (%v)", n, err)
	}
	if !managerLocked() {
		t.Errorf("a jump of the shop's clock lifted a lock")
	}

	// The wall clock ends the kiosk session after its idle time, the lock
	// after its minutes, and the staff session after its shift.
	wall.advance(access.KioskSessionTTL + time.Second)
	if signedIn(technician) {
		t.Errorf("the kiosk session outlived its idle time on the wall clock")
	}
	if !signedIn(staff) {
		t.Errorf("the staff session ended after %v", access.KioskSessionTTL)
	}
	if managerLocked() {
		t.Errorf("the lock outlived its %v on the wall clock", access.LockFor)
	}
	wall.advance(access.StaffSessionTTL)
	if signedIn(staff) {
		t.Errorf("the staff session outlived its shift on the wall clock")
	}
}

// A connection that was opened but never used (browsers open spare ones)
// does not hold a shutdown up; one with a request under way is waited for.
func TestShutdownClosesUnusedConnections(t *testing.T) {
	st, err := store.Open(filepath.Join(t.TempDir(), "shop.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	state, _, _ := st.Load(t0)
	eng := engine.New(st, state, func() time.Time { return t0 })
	defer eng.Close()
	srv, err := New(Deps{Engine: eng, Auth: st, Backup: st, History: st, Hub: board.New(eng, board.Options{}), Pages: assets.Pages()}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	spare, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer spare.Close()
	// The server has seen the connection once it answers a request on another.
	if res, err := http.Get("http://" + ln.Addr().String() + "/healthz"); err == nil {
		res.Body.Close()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		t.Fatalf("shutdown with a spare connection open: %v", err)
	}
	if err := <-served; err != nil {
		t.Errorf("serve: %v", err)
	}
	spare.SetReadDeadline(time.Now().Add(5 * time.Second))
	if n, err := spare.Read(make([]byte, 1)); err == nil {
		t.Errorf("the spare connection is still open (read %d bytes)", n)
	}
}
