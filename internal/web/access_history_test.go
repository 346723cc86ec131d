package web

import (
	"net/http"
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
		if !byManager && (e.Actor != "screen" || e.Device != "") {
			t.Errorf("the screen collecting its token names actor %q device %q", e.Actor, e.Device)
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
	if r := ts.call(t, nil, "POST", "/api/v1/tokens", mgr, `{"name":""}`); r.status != 400 {
		t.Errorf("a token without a name: %d", r.status)
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
