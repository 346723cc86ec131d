package web

import (
	"encoding/json"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"

	"bayboard/internal/shop"
)

// browserOf is a client with its own cookies that does not follow
// redirects, so that a test sees where a page sends it.
func browserOf() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// A password a manager sets must be changed at the next sign-in: until
// then every API call but who-am-I and the change answers
// password_change_required and changes nothing, every page sends the
// person to the sign-in page, and each wrong change is refused with its
// field named. The change ends the hold.
func TestAPasswordAManagerSetsMustBeChanged(t *testing.T) {
	ts := newTestShop(t)
	mgr := ts.tokens[shop.RoleManager]
	const given, chosen = "given-by-the-manager", "my own new password"
	r := ts.call(t, nil, "POST", "/api/v1/users", mgr, map[string]any{
		"user": map[string]any{"login": "newbie", "name": "新人", "roles": []string{"advisor"}, "active": true}, "password": given})
	var created userView
	r.json(t, &created)
	if r.status != 200 || !created.MustChangePassword {
		t.Fatalf("the new user: %d %s", r.status, r.body)
	}

	browser := browserOf()
	var signedIn signInResponse
	r = ts.call(t, browser, "POST", "/api/v1/session", "", map[string]string{"login": "newbie", "password": given})
	r.json(t, &signedIn)
	if r.status != 200 || !signedIn.User.MustChangePassword {
		t.Fatalf("sign-in: %d %s", r.status, r.body)
	}
	csrf := func(h ...string) []string { return append([]string{headerCSRF, signedIn.CSRF}, h...) }

	before := ts.store.LastSeq()
	held := []struct{ method, path, body string }{
		{"GET", "/api/v1/jobs", ""},
		{"GET", "/api/v1/settings", ""},
		{"POST", "/api/v1/commands", `{"type":"put_customer","customer":{"name":"李四","phone":"13912345678"}}`},
	}
	for _, h := range held {
		var body any
		if h.body != "" {
			body = h.body
		}
		r := ts.call(t, browser, h.method, h.path, "", body, csrf()...)
		if r.status != http.StatusForbidden || r.problem(t).Code != "password_change_required" {
			t.Errorf("%s %s before the change: %d %s", h.method, h.path, r.status, r.body)
		}
	}
	if ts.store.LastSeq() != before {
		t.Errorf("a call held for the password changed the shop")
	}
	if r := ts.call(t, browser, "GET", "/api/v1/me", "", nil); r.status != 200 || !strings.Contains(string(r.body), `"must_change_password":true`) {
		t.Errorf("who am I, before the change: %d %s", r.status, r.body)
	}

	refusals := []struct {
		name, old, new, again, field string
	}{
		{"a wrong old password", "not my password", chosen, chosen, "old"},
		{"the new one typed differently", given, chosen, chosen + "!", "new_again"},
		{"too short", given, "short", "short", "new"},
		{"the same as the old", given, given, given, "new"},
	}
	for _, c := range refusals {
		r := ts.call(t, browser, "POST", "/api/v1/me/password", "", map[string]string{"old": c.old, "new": c.new, "new_again": c.again}, csrf()...)
		if p := r.problem(t); r.status != 400 || len(p.Errors) != 1 || p.Errors[0].Field != c.field {
			t.Errorf("%s: %d %s, want the field %s named", c.name, r.status, r.body, c.field)
		}
	}
	if ts.store.LastSeq() != before || !ts.eng.State().UserByLogin("newbie").MustChangePassword {
		t.Fatalf("a refused change changed the user")
	}

	// The pages send the person to sign in, where the change is asked.
	for _, page := range []string{"/desk", "/desk/jobs"} {
		r := ts.call(t, browser, "GET", page, "", nil)
		if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/signin?next=") {
			t.Errorf("%s before the change: %d %s", page, r.status, r.header.Get("Location"))
		}
	}
	if r := ts.call(t, browser, "GET", "/board/workshop", "", nil); isBoard(r) {
		t.Errorf("a board opens before the change")
	}

	r = ts.call(t, browser, "POST", "/api/v1/me/password", "", map[string]string{"old": given, "new": chosen, "new_again": chosen}, csrf()...)
	if r.status != http.StatusNoContent {
		t.Fatalf("the change: %d %s", r.status, r.body)
	}
	if ts.eng.State().UserByLogin("newbie").MustChangePassword {
		t.Errorf("the hold stays after the change")
	}
	if r := ts.call(t, browser, "GET", "/api/v1/jobs", "", nil); r.status != 200 {
		t.Errorf("after the change: %d %s", r.status, r.body)
	}
	if r := ts.call(t, browser, "GET", "/desk/jobs", "", nil); r.status != 200 {
		t.Errorf("the page after the change: %d", r.status)
	}
	if r := ts.call(t, browser, "GET", "/board/workshop", "", nil); !isBoard(r) {
		t.Errorf("the board does not open after the change: %d", r.status)
	}

	// The manager changes the user's name: no new password, no new hold.
	id := ts.eng.State().UserByLogin("newbie").ID
	r = ts.call(t, nil, "POST", "/api/v1/users", mgr, map[string]any{
		"user": map[string]any{"id": id, "login": "newbie", "name": "新同事", "roles": []string{"advisor"}, "active": true}})
	if r.status != 200 || ts.eng.State().Users[id].MustChangePassword {
		t.Errorf("a change without a password holds the user: %d %s", r.status, r.body)
	}
	// A manager's reset holds them again.
	r = ts.call(t, nil, "POST", "/api/v1/users", mgr, map[string]any{
		"user": map[string]any{"id": id, "login": "newbie", "name": "新同事", "roles": []string{"advisor"}, "active": true}, "password": "reset-by-the-manager"})
	if r.status != 200 || !ts.eng.State().Users[id].MustChangePassword {
		t.Errorf("a reset does not hold the user: %d %s", r.status, r.body)
	}
	// The reset also ends every session of the user (docs/SECURITY.md):
	// the next sign-in meets the hold.
	if r := ts.call(t, browser, "GET", "/api/v1/jobs", "", nil); r.status != http.StatusUnauthorized {
		t.Errorf("the session after a reset: %d %s", r.status, r.body)
	}
}

// A technician whose password the manager sets still works at the bay:
// a badge-and-PIN session never used the password.
func TestABadgeSessionIsNotHeldForThePassword(t *testing.T) {
	ts := newTestShop(t)
	id := ts.users[shop.RoleTechnician]
	u := ts.eng.State().Users[id]
	r := ts.call(t, nil, "POST", "/api/v1/users", ts.tokens[shop.RoleManager], map[string]any{
		"user":     map[string]any{"id": id, "login": u.Login, "name": u.Name, "roles": u.Roles, "badge_code": u.BadgeCode, "active": true},
		"password": "a-password-for-the-desk"})
	if r.status != 200 || !ts.eng.State().Users[id].MustChangePassword {
		t.Fatalf("the reset: %d %s", r.status, r.body)
	}
	browser := browserOf()
	if r := ts.call(t, browser, "POST", "/api/v1/session", "", map[string]string{"badge": u.BadgeCode, "pin": "2468"}); r.status != 200 {
		t.Fatalf("badge sign-in: %d %s", r.status, r.body)
	}
	if r := ts.call(t, browser, "GET", "/api/v1/jobs", "", nil); r.status != 200 {
		t.Errorf("a badge session held for the password: %d %s", r.status, r.body)
	}
	password := browserOf()
	if r := ts.call(t, password, "POST", "/api/v1/session", "", map[string]string{"login": u.Login, "password": "a-password-for-the-desk"}); r.status != 200 {
		t.Fatalf("password sign-in: %d %s", r.status, r.body)
	}
	if r := ts.call(t, password, "GET", "/api/v1/jobs", "", nil); r.status != http.StatusForbidden {
		t.Errorf("a password session not held: %d %s", r.status, r.body)
	}
}

// The setup list counts only screens a manager approved: a screen still
// showing its code is not paired.
func TestSetupCountsApprovedScreens(t *testing.T) {
	ts := newTestShop(t)
	mgr := ts.tokens[shop.RoleManager]
	screens := func() shop.SetupState {
		t.Helper()
		var out struct{ Steps []shop.SetupState }
		r := ts.call(t, nil, "GET", "/api/v1/setup", mgr, nil)
		r.json(t, &out)
		if r.status != 200 || len(out.Steps) != len(shop.SetupSteps) {
			t.Fatalf("setup: %d %s", r.status, r.body)
		}
		return out.Steps[len(out.Steps)-1]
	}
	if s := screens(); s.Step != shop.SetupScreens || s.Done || s.Count != 0 {
		t.Errorf("no screen yet: %+v", s)
	}
	var pair struct{ Code string }
	ts.call(t, nil, "POST", "/api/v1/devices/pair", "", `{"name":"TV"}`).json(t, &pair)
	if s := screens(); s.Done || s.Count != 0 {
		t.Errorf("a screen showing its code counts as paired: %+v", s)
	}
	raw, _ := json.Marshal(map[string]any{"code": pair.Code, "name": "大厅电视", "views": []string{"lounge"}, "lang": "zh-CN"})
	if r := ts.call(t, nil, "POST", "/api/v1/devices/approve", mgr, raw); r.status != 200 {
		t.Fatalf("approve: %d %s", r.status, r.body)
	}
	if s := screens(); !s.Done || s.Count != 1 {
		t.Errorf("an approved screen: %+v", s)
	}
	if r := ts.call(t, nil, "GET", "/api/v1/setup", ts.tokens[shop.RoleAdvisor], nil); r.status != http.StatusForbidden {
		t.Errorf("an advisor reads the setup: %d", r.status)
	}
}
