package web

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"bayboard/internal/shop"
)

// accessEvents reads the access changes of the event log, oldest first.
func accessEvents(t *testing.T, ts *testShop, types ...string) []shop.Event {
	t.Helper()
	want := map[string]bool{}
	for _, ty := range types {
		want[ty] = true
	}
	var out []shop.Event
	if err := ts.store.Events(time.Time{}, t0.Add(24*time.Hour), func(e shop.Event) error {
		if want[e.Type] {
			out = append(out, e)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestScreenChangesAreInTheHistory(t *testing.T) {
	ts := newTestShop(t)
	mgr := ts.tokens[shop.RoleManager]
	var pair struct {
		DeviceID   string `json:"device_id"`
		Code       string `json:"code"`
		PollSecret string `json:"poll_secret"`
	}
	ts.call(t, nil, "POST", "/api/v1/devices/pair", "", `{"name":"lounge"}`).json(t, &pair)
	if r := ts.call(t, nil, "POST", "/api/v1/devices/approve", mgr, `{"code":"`+pair.Code+`","name":"休息区电视","views":["lounge"],"lang":"zh-CN"}`); r.status != 200 {
		t.Fatalf("approve: %d %s", r.status, r.body)
	}
	if r := ts.call(t, nil, "GET", "/api/v1/devices/pair/"+pair.DeviceID, "", nil, "X-Pair-Secret", pair.PollSecret); r.status != 200 {
		t.Fatalf("collect the token: %d %s", r.status, r.body)
	}
	// A refused change is not in the history.
	if r := ts.call(t, nil, "POST", "/api/v1/devices/"+pair.DeviceID, mgr, `{"name":"TV","views":["kitchen"],"lang":"en"}`); r.status != 400 {
		t.Fatalf("a bad view: %d", r.status)
	}
	if r := ts.call(t, nil, "POST", "/api/v1/devices/"+pair.DeviceID, mgr, `{"name":"TV","views":["lounge","workshop"],"lang":"en"}`); r.status != 200 {
		t.Fatalf("change: %d %s", r.status, r.body)
	}
	if r := ts.call(t, nil, "DELETE", "/api/v1/devices/"+pair.DeviceID, mgr, nil); r.status != 204 {
		t.Fatalf("revoke: %d", r.status)
	}
	evs := accessEvents(t, ts, "screen_approved", "screen_paired", "screen_changed", "screen_revoked")
	wantTypes := []string{"screen_approved", "screen_paired", "screen_changed", "screen_revoked"}
	if len(evs) != len(wantTypes) {
		t.Fatalf("screen events: %+v", evs)
	}
	for i, e := range evs {
		if e.Type != wantTypes[i] || e.Subject != pair.DeviceID || e.Seq == 0 {
			t.Errorf("event %d: %+v, want %s of %s", i, e, wantTypes[i], pair.DeviceID)
		}
		byManager := e.Type != "screen_paired"
		if byManager && (e.Actor != ts.users[shop.RoleManager] || e.Device == "") {
			t.Errorf("%s names actor %q device %q, want the manager and the token", e.Type, e.Actor, e.Device)
		}
		if !byManager && (e.Actor != "screen" || e.Device != pair.DeviceID) {
			t.Errorf("the screen collecting its token names actor %q device %q, want the screen and its device id", e.Actor, e.Device)
		}
	}
}

func TestTokensAreListedRevokedAndInTheHistory(t *testing.T) {
	ts := newTestShop(t)
	mgr := ts.tokens[shop.RoleManager]
	var made struct {
		Token, ID, Name string
	}
	if r := ts.call(t, nil, "POST", "/api/v1/tokens", mgr, `{"name":"DMS 同步"}`); r.status != 201 {
		t.Fatalf("create: %d %s", r.status, r.body)
	} else {
		r.json(t, &made)
	}
	for _, blank := range []string{`{"name":""}`, `{"name":"   "}`} {
		if r := ts.call(t, nil, "POST", "/api/v1/tokens", mgr, blank); r.status != 400 {
			t.Errorf("a token named %s: %d", blank, r.status)
		}
	}
	if r := ts.call(t, nil, "GET", "/api/v1/me", made.Token, nil); r.status != 200 {
		t.Fatalf("the new token: %d", r.status)
	}
	var list []struct {
		ID, Name, Token string
		UserID          string `json:"user_id"`
	}
	ts.call(t, nil, "GET", "/api/v1/tokens", mgr, nil).json(t, &list)
	found := false
	for _, tok := range list {
		if tok.Token != "" {
			t.Errorf("the list shows a token: %+v", tok)
		}
		if tok.ID == made.ID {
			found = tok.Name == "DMS 同步" && tok.UserID == ts.users[shop.RoleManager]
		}
	}
	if !found {
		t.Fatalf("token %s not listed: %+v", made.ID, list)
	}
	if r := ts.call(t, nil, "DELETE", "/api/v1/tokens/nosuchtoken", mgr, nil); r.status != http.StatusNotFound {
		t.Errorf("revoke an unknown token: %d", r.status)
	}
	if r := ts.call(t, nil, "DELETE", "/api/v1/tokens/"+made.ID, ts.tokens[shop.RoleAdvisor], nil); r.status != http.StatusForbidden {
		t.Errorf("an advisor revoking a token: %d", r.status)
	}
	if r := ts.call(t, nil, "DELETE", "/api/v1/tokens/"+made.ID, mgr, nil); r.status != 204 {
		t.Fatalf("revoke: %d %s", r.status, r.body)
	}
	if r := ts.call(t, nil, "GET", "/api/v1/me", made.Token, nil); r.status != http.StatusUnauthorized {
		t.Errorf("a revoked token: %d", r.status)
	}
	evs := accessEvents(t, ts, "token_issued", "token_revoked")
	var mine []string
	for _, e := range evs {
		if e.Subject == made.ID {
			mine = append(mine, e.Type)
			if e.Actor != ts.users[shop.RoleManager] {
				t.Errorf("%s by %q", e.Type, e.Actor)
			}
		}
	}
	if len(mine) != 2 || mine[0] != "token_issued" || mine[1] != "token_revoked" {
		t.Errorf("the token's history: %v", mine)
	}
}

func TestEveryoneChangesTheirOwnPasswordAndNoHashIsLogged(t *testing.T) {
	ts := newTestShop(t)
	washer := ts.tokens[shop.RoleWasher]
	if r := ts.call(t, nil, "POST", "/api/v1/me/password", washer, `{"old":"`+testPassword+`","new":"short"}`); r.status != 400 {
		t.Errorf("a short new password: %d", r.status)
	}
	if r := ts.call(t, nil, "POST", "/api/v1/me/password", washer, `{"old":"`+testPassword+`","new":"洗车工的新密码 2026"}`); r.status != 204 {
		t.Fatalf("the washer's own password: %d %s", r.status, r.body)
	}
	signIn := func(password string) int {
		return ts.call(t, nil, "POST", "/api/v1/session", "", map[string]string{"login": string(shop.RoleWasher), "password": password}).status
	}
	if got := signIn("洗车工的新密码 2026"); got != 200 {
		t.Errorf("sign in with the new password: %d", got)
	}
	if got := signIn(testPassword); got != http.StatusUnauthorized {
		t.Errorf("sign in with the old password: %d", got)
	}
	// The manager sets a PIN and a password through put_user: the log says
	// secrets were set, and holds no hash of them (a 4-digit PIN's hash is
	// found by trying 10,000 PINs).
	mgr := ts.tokens[shop.RoleManager]
	body := `{"user":{"id":"` + ts.users[shop.RoleTechnician] + `","login":"technician","name":"technician","roles":["technician"],"badge_code":"B42","active":true},"password":"a new long password","pin":"9753"}`
	if r := ts.call(t, nil, "POST", "/api/v1/users", mgr, body); r.status != 200 && r.status != 201 {
		t.Fatalf("the manager sets a PIN: %d %s", r.status, r.body)
	}
	// A hash is never taken from a client: this route hashes what it is
	// sent in clear, and a user's JSON has no field for a hash.
	for _, field := range []string{"password_hash", "pin_hash"} {
		hashed := `{"user":{"id":"` + ts.users[shop.RoleTechnician] + `","login":"technician","name":"technician","roles":["technician"],"active":true,"` + field + `":"h"}}`
		r := ts.call(t, nil, "POST", "/api/v1/users", mgr, hashed)
		if p := r.problem(t); r.status != 400 || len(p.Errors) == 0 || p.Errors[0].Field != "user."+field {
			t.Errorf("a %s sent to /api/v1/users: %d %s", field, r.status, r.body)
		}
	}
	var logged []shop.Event
	ts.store.Events(time.Time{}, t0.Add(24*time.Hour), func(e shop.Event) error {
		if e.Type == "change_own_password" || e.Type == "put_user" {
			logged = append(logged, e)
		}
		return nil
	})
	var own, put int
	for _, e := range logged {
		if strings.Contains(string(e.Data), "hash") || strings.Contains(string(e.Data), "$") {
			t.Errorf("%s logs a secret: %s", e.Type, e.Data)
		}
		switch {
		case e.Type == "change_own_password" && e.Actor == ts.users[shop.RoleWasher] && e.Subject == e.Actor:
			own++
		case e.Type == "put_user" && e.Actor == ts.users[shop.RoleManager] && e.Subject == ts.users[shop.RoleTechnician] && strings.Contains(string(e.Data), `"set_pin":true`):
			put++
		}
	}
	if own != 1 || put != 1 {
		t.Errorf("own password changes %d, PINs set by the manager %d, want 1 and 1", own, put)
	}
}
