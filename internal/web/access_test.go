package web

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"

	"bayboard/internal/access"
	"bayboard/internal/shop"
	"bayboard/kiosk"

	"github.com/gofiber/fiber/v2"
)

// routeAccess says who may call one changing route, and how the test calls
// it.
type routeAccess struct {
	// path fills in the route's parameters; body is sent as JSON.
	path func(ts *testShop) string
	body string
	// open routes check something other than a sign-in (nothing, a
	// pairing secret, a customer's link): no caller is refused.
	open bool
	// csrf: a browser session must send its CSRF token even here.
	csrf bool
	// roles may call the route besides the manager; nil with !open means
	// anyone signed in.
	roles []shop.Role
}

func fixed(path string) func(*testShop) string { return func(*testShop) string { return path } }

// changingRoutes is the access table of every changing route the server
// registers. TestEveryCallerAgainstEveryChangingRoute fails when a route
// is missing here, so a new one cannot ship without its row. POST
// /api/v1/commands is checked command by command in
// TestEveryRoleAgainstEveryCommand; here, only that it needs a sign-in.
var changingRoutes = map[string]routeAccess{
	"POST /api/v1/session": {path: fixed("/api/v1/session"), open: true,
		body: `{"login":"advisor","password":"` + testPassword + `"}`},
	"DELETE /api/v1/session": {path: fixed("/api/v1/session"), open: true, csrf: true},
	"POST /api/v1/devices/pair": {path: fixed("/api/v1/devices/pair"), open: true,
		body: `{"name":"TV"}`},
	"POST /api/v1/customer/:token/findings/:id": {path: customerFindingPath, open: true,
		body: `{"approve":true}`},
	"POST /api/v1/customer/:token/survey": {path: customerSurveyPath, open: true,
		body: `{"work":5,"charges":5,"advisor":5,"recommend":9}`},
	// Everyone signed in changes their own password.
	"POST /api/v1/me/password": {path: fixed("/api/v1/me/password"),
		body: `{"old":"` + testPassword + `","new":"` + testPassword + `"}`},
	// A command no one may give reaches the decoder only when signed in.
	"POST /api/v1/commands": {path: fixed("/api/v1/commands"), body: `{"type":"no_such_command"}`},
	"POST /api/v1/jobs/:id/print": {path: fixed("/api/v1/jobs/20261123-0001/print"),
		body:  `{"kind":"job-card","printer":"nowhere","copies":1}`,
		roles: []shop.Role{shop.RoleAdvisor, shop.RoleCashier, shop.RoleController}},
	"POST /api/v1/users": {path: fixed("/api/v1/users"),
		body:  `{"user":{"login":"new","name":"新人","roles":["washer"],"active":true},"password":"a-long-password"}`,
		roles: []shop.Role{}},
	"POST /api/v1/users/:id/unlock": {path: func(ts *testShop) string { return "/api/v1/users/" + ts.users[shop.RoleAdvisor] + "/unlock" },
		roles: []shop.Role{}},
	"POST /api/v1/tokens": {path: fixed("/api/v1/tokens"), body: `{"name":"script"}`, roles: []shop.Role{}},
	"POST /api/v1/devices/approve": {path: fixed("/api/v1/devices/approve"),
		body:  `{"code":"000000","name":"TV","views":["lounge"],"lang":"zh-CN"}`,
		roles: []shop.Role{}},
	"POST /api/v1/devices/:id": {path: fixed("/api/v1/devices/dev-nothing"),
		body:  `{"name":"TV","views":["lounge"],"lang":"zh-CN"}`,
		roles: []shop.Role{}},
	"DELETE /api/v1/devices/:id": {path: fixed("/api/v1/devices/dev-nothing"), roles: []shop.Role{}},
	"DELETE /api/v1/tokens/:id":  {path: fixed("/api/v1/tokens/nosuchtoken"), roles: []shop.Role{}},
	// The webhooks (webhooks.go): the manager's only.
	"POST /api/v1/webhooks": {path: fixed("/api/v1/webhooks"),
		body: `{"name":"DMS","url":"https://dms.example/in","events":["deliver"]}`, roles: []shop.Role{}},
	"PUT /api/v1/webhooks/:id": {path: fixed("/api/v1/webhooks/webhook-9"),
		body: `{"name":"DMS","url":"https://dms.example/in","events":["deliver"]}`, roles: []shop.Role{}},
	"POST /api/v1/webhooks/:id/secret":          {path: fixed("/api/v1/webhooks/webhook-9/secret"), roles: []shop.Role{}},
	"DELETE /api/v1/webhooks/:id":               {path: fixed("/api/v1/webhooks/webhook-9"), roles: []shop.Role{}},
	"POST /api/v1/webhooks/:id/dead/:key/retry": {path: fixed("/api/v1/webhooks/webhook-9/dead/1/retry"), roles: []shop.Role{}},
	"DELETE /api/v1/webhooks/:id/dead/:key":     {path: fixed("/api/v1/webhooks/webhook-9/dead/1"), roles: []shop.Role{}},
	// The customer messages' channels (senders.go): the manager's only.
	"PUT /api/v1/message-senders/:channel": {path: fixed("/api/v1/message-senders/sms"),
		body: `{"access_key_id":"LTAI-id","sign_name":"京华4S店","secret":"s"}`, roles: []shop.Role{}},
	"POST /api/v1/message-senders/:channel/dead/:key/retry": {path: fixed("/api/v1/message-senders/sms/dead/1/retry"), roles: []shop.Role{}},
	"DELETE /api/v1/message-senders/:channel/dead/:key":     {path: fixed("/api/v1/message-senders/sms/dead/1"), roles: []shop.Role{}},
	// The dealer group's link (grouplink.go): the manager's only.
	"PUT /api/v1/group-link": {path: fixed("/api/v1/group-link"),
		body: `{"urls":"nats://127.0.0.1:4222","store_id":"bj-01","active":false}`, roles: []shop.Role{}},
	// A catalogue import: the preview is the import command's permission
	// (the parts clerk imports parts); a confirmation finds only its own
	// caller's preview, and the engine checks the command again.
	"POST /api/v1/catalog/imports": {path: fixed("/api/v1/catalog/imports?kind=parts&name=a.csv"),
		body: "零件号,名称,单价\nA-1,机油滤清器,35.8\n", roles: []shop.Role{shop.RoleParts}},
	"POST /api/v1/catalog/imports/:id": {path: fixed("/api/v1/catalog/imports/nosuchpreview")},
	// A photo upload: the attach_photo command's roles (photos_test.go
	// checks the rules by kind).
	"POST /api/v1/jobs/:id/photos": {path: fixed("/api/v1/jobs/20261123-0001/photos?kind=work"), body: "not a photo",
		roles: []shop.Role{shop.RoleAdvisor, shop.RoleController, shop.RoleTeamLeader, shop.RoleTechnician}},
}

// customerFindingPath is a decision on the customer's page, through a
// real link of the test shop's job.
func customerFindingPath(ts *testShop) string {
	link := kiosk.URLs{Base: "http://shop", Tokens: ts.qr}.Customer(ts.eng.State().Jobs["20261123-0001"])
	return "/api/v1/customer/" + link[strings.LastIndex(link, "/")+1:] + "/findings/fi-9"
}

func customerSurveyPath(ts *testShop) string {
	link := kiosk.URLs{Base: "http://shop", Tokens: ts.qr}.Customer(ts.eng.State().Jobs["20261123-0001"])
	return "/api/v1/customer/" + link[strings.LastIndex(link, "/")+1:] + "/survey"
}

// caller is who sends a request in the access test.
type caller struct {
	name    string
	role    shop.Role // a person with this one role, or "" for no one
	headers []string
	// csrfless is a browser session that does not send its CSRF token.
	csrfless bool
}

// stateDigest sums what a request could change: the event log and the
// sign-in records (sessions, tokens, screens).
func stateDigest(t *testing.T, ts *testShop) string {
	t.Helper()
	h := sha256.New()
	fmt.Fprintf(h, "seq %d\n", ts.store.LastSeq())
	err := errors.Join(
		ts.store.EachSession(func(s access.Session) error { _, err := fmt.Fprintf(h, "session %+v\n", s); return err }),
		ts.store.EachAPIToken(func(k access.APIToken) error { _, err := fmt.Fprintf(h, "token %+v\n", k); return err }),
		// A screen's token key is its entry in the token index.
		ts.store.EachDevice(func(d access.Device) error { _, err := fmt.Fprintf(h, "screen %+v\n", d); return err }),
	)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

// Every caller × every changing route: each person by role (API token),
// no one, a paired screen (by token and by cookie), and the manager's
// browser session without its CSRF token. Allowed callers are not
// refused; refused ones get 401 (no person) or 403, and change nothing.
func TestEveryCallerAgainstEveryChangingRoute(t *testing.T) {
	ts := newTestShop(t)

	var changing []string
	for _, r := range ts.srv.Routes() {
		method, _, _ := strings.Cut(r, " ")
		switch method {
		case fiber.MethodPost, fiber.MethodPut, fiber.MethodPatch, fiber.MethodDelete:
			changing = append(changing, r)
			if _, ok := changingRoutes[r]; !ok {
				t.Errorf("%s changes things but has no row in changingRoutes", r)
			}
		}
	}
	for r := range changingRoutes {
		if !contains(changing, r) {
			t.Errorf("changingRoutes has %s, which the server does not register", r)
		}
	}
	sort.Strings(changing)

	screen := (&boardShop{testShop: ts, url: ts.url}).pairScreen(t, access.Views...)
	mgrCookie := (&boardShop{testShop: ts, url: ts.url}).signIn(t, shop.RoleManager)
	callers := []caller{
		{name: "no one"},
		{name: "a screen by token", headers: []string{"Authorization", "Bearer " + screen}},
		{name: "a screen by cookie", headers: []string{"Cookie", cookieDevice + "=" + screen}},
		{name: "the manager's session without CSRF token", role: shop.RoleManager, headers: []string{"Cookie", mgrCookie}, csrfless: true},
	}
	for _, role := range shop.Roles {
		callers = append(callers, caller{name: string(role), role: role, headers: []string{"Authorization", "Bearer " + ts.tokens[role]}})
	}

	for _, route := range changing {
		a := changingRoutes[route]
		if a.path == nil {
			continue
		}
		method, _, _ := strings.Cut(route, " ")
		for _, c := range callers {
			var body any
			if a.body != "" {
				body = a.body
			}
			// Refusals are compared with the state just before.
			before := stateDigest(t, ts)
			r := ts.call(t, nil, method, a.path(ts), "", body, c.headers...)
			refused := r.status == http.StatusUnauthorized || r.status == http.StatusForbidden
			want := "allowed"
			var code string
			switch {
			case c.csrfless && (!a.open || a.csrf):
				want, code = "refused", "csrf"
			case a.open:
			case c.role == "":
				want, code = "refused", "unauthorized"
			case c.role == shop.RoleManager || a.roles == nil || contains(roleNames(a.roles), string(c.role)):
			default:
				want, code = "refused", "forbidden"
			}
			switch {
			case want == "allowed" && refused:
				t.Errorf("%s by %s: refused with %d %s", route, c.name, r.status, r.body)
			case want == "refused" && (!refused || r.problem(t).Code != code):
				t.Errorf("%s by %s: %d %s, want the problem %s", route, c.name, r.status, r.body, code)
			case want == "refused" && stateDigest(t, ts) != before:
				t.Errorf("%s by %s: refused but changed the state", route, c.name)
			}
		}
	}
}

func roleNames(roles []shop.Role) []string {
	out := make([]string, len(roles))
	for i, r := range roles {
		out[i] = string(r)
	}
	return out
}
