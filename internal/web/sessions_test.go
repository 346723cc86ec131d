package web

import (
	"net/http"
	"testing"
	"time"

	"bayboard/internal/access"
	"bayboard/internal/shop"
	"bayboard/kiosk"
)

// signInClient signs a new cookie client in and returns it with its CSRF
// token.
func signInClient(t *testing.T, ts *testShop, body map[string]string) (*http.Client, string) {
	t.Helper()
	client := cookieClient()
	r := ts.call(t, client, "POST", "/api/v1/session", "", body)
	if r.status != 200 {
		t.Fatalf("sign in %v: %d %s", body, r.status, r.body)
	}
	var in signInResponse
	r.json(t, &in)
	return client, in.CSRF
}

func isSignedIn(t *testing.T, ts *testShop, client *http.Client) bool {
	t.Helper()
	return ts.call(t, client, "GET", "/api/v1/me", "", nil).status == 200
}

// putUser has the manager change a user through one of the two routes
// that take put_user: POST /users (with a password or PIN) or
// POST /commands.
func putUser(t *testing.T, ts *testShop, route string, change func(*shop.User), secrets map[string]string) {
	t.Helper()
	u := *ts.eng.State().Users[ts.users[shop.RoleTechnician]]
	if secrets["user"] != "" {
		u = *ts.eng.State().Users[secrets["user"]]
	}
	change(&u)
	mgr := ts.tokens[shop.RoleManager]
	var r response
	if route == "/commands" {
		r = ts.call(t, nil, "POST", "/api/v1/commands", mgr, map[string]any{"type": "put_user", "user": u})
	} else {
		body := map[string]any{"user": u}
		for k, v := range secrets {
			if k != "user" {
				body[k] = v
			}
		}
		r = ts.call(t, nil, "POST", "/api/v1/users", mgr, body)
	}
	if r.status != 200 {
		t.Fatalf("put_user through %s: %d %s", route, r.status, r.body)
	}
}

// Changing one's own password ends one's other sessions and keeps the one
// that changed it; a manager's reset ends them all.
func TestChangingAPasswordEndsTheOtherSessions(t *testing.T) {
	ts := newTestShop(t)
	creds := map[string]string{"login": "advisor", "password": testPassword}
	desk, deskCSRF := signInClient(t, ts, creds)
	phone, _ := signInClient(t, ts, creds)
	r := ts.call(t, desk, "POST", "/api/v1/me/password", "", map[string]string{"old": testPassword, "new": "a new long password"},
		headerCSRF, deskCSRF)
	if r.status != 204 {
		t.Fatalf("change: %d %s", r.status, r.body)
	}
	if !isSignedIn(t, ts, desk) {
		t.Error("the session that changed the password ended")
	}
	if isSignedIn(t, ts, phone) {
		t.Error("another session of the user outlived the change of password")
	}
	// A write still works in the session kept: its CSRF token holds.
	cmd := `{"type":"submit","job_id":"20261123-0001"}`
	if r := ts.call(t, desk, "POST", "/api/v1/commands", "", cmd, headerCSRF, deskCSRF); r.status != 200 {
		t.Errorf("a change in the kept session: %d %s", r.status, r.body)
	}

	// The manager resets the advisor's password: every session ends.
	putUser(t, ts, "/users", func(*shop.User) {}, map[string]string{"user": ts.users[shop.RoleAdvisor], "password": "reset by the manager"})
	if isSignedIn(t, ts, desk) {
		t.Error("a session outlived the manager's reset of the password")
	}
}

// Deactivating a user ends their sessions for good, through either route
// that changes a user; a new PIN or badge code ends a technician's.
func TestDeactivatingOrChangingABadgeEndsSessions(t *testing.T) {
	for _, route := range []string{"/users", "/commands"} {
		t.Run(route, func(t *testing.T) {
			ts := newTestShop(t)
			byPassword, _ := signInClient(t, ts, map[string]string{"login": "technician", "password": testPassword})
			byBadge, _ := signInClient(t, ts, map[string]string{"badge": "B42", "pin": "2468"})
			putUser(t, ts, route, func(u *shop.User) { u.Active = false }, nil)
			putUser(t, ts, route, func(u *shop.User) { u.Active = true }, nil)
			if isSignedIn(t, ts, byPassword) || isSignedIn(t, ts, byBadge) {
				t.Errorf("a session came back with the reactivated user: password %v, badge %v",
					isSignedIn(t, ts, byPassword), isSignedIn(t, ts, byBadge))
			}
			// Signing in again works; a new badge code ends that session.
			byBadge, _ = signInClient(t, ts, map[string]string{"badge": "B42", "pin": "2468"})
			putUser(t, ts, route, func(u *shop.User) { u.BadgeCode = "B43" }, nil)
			if isSignedIn(t, ts, byBadge) {
				t.Error("a badge session outlived the change of badge code")
			}
		})
	}
	ts := newTestShop(t)
	byBadge, _ := signInClient(t, ts, map[string]string{"badge": "B42", "pin": "2468"})
	putUser(t, ts, "/users", func(*shop.User) {}, map[string]string{"pin": "1357"})
	if isSignedIn(t, ts, byBadge) {
		t.Error("a badge session outlived the change of PIN")
	}
}

// A badge's QR code opens nothing once the technician has a new badge
// code: neither its page nor a sign-in with it and the right PIN.
func TestABadgeQRStopsWorkingWhenTheBadgeCodeChanges(t *testing.T) {
	ts := newTestShop(t)
	urls := kiosk.URLs{Tokens: ts.qr}
	tech := ts.eng.State().Users[ts.users[shop.RoleTechnician]]
	old := lastPart(urls.Badge(tech))
	if r := ts.call(t, nil, "GET", "/k/badge/"+old, "", nil); r.status != 200 {
		t.Fatalf("the printed badge's page: %d", r.status)
	}
	putUser(t, ts, "/users", func(u *shop.User) { u.BadgeCode = "B77" }, nil)
	if r := ts.call(t, nil, "GET", "/k/badge/"+old, "", nil); r.status == 200 {
		t.Error("the old badge's page still opens")
	}
	r := ts.call(t, nil, "POST", "/api/v1/session", "", map[string]string{"badge_token": old, "pin": "2468"})
	if r.status == 200 {
		t.Fatal("the old badge's QR code signed the technician in")
	}
	if p := r.problem(t); p.Code != "bad_link" {
		t.Errorf("the old badge's QR code: %d %s", r.status, r.body)
	}
	fresh := lastPart(urls.Badge(ts.eng.State().Users[tech.ID]))
	if r := ts.call(t, nil, "POST", "/api/v1/session", "", map[string]string{"badge_token": fresh, "pin": "2468"}); r.status != 200 {
		t.Errorf("the new badge's QR code: %d %s", r.status, r.body)
	}
}

// pairKiosk pairs a screen with the kiosk view and returns its token.
func pairKiosk(t *testing.T, ts *testShop, views string) string {
	t.Helper()
	r := ts.call(t, nil, "POST", "/api/v1/devices/pair", "", `{"name":"工位平板","kiosk":true}`)
	var pair struct {
		DeviceID   string `json:"device_id"`
		Code       string `json:"code"`
		PollSecret string `json:"poll_secret"`
	}
	r.json(t, &pair)
	mgr := ts.tokens[shop.RoleManager]
	if r := ts.call(t, nil, "POST", "/api/v1/devices/approve", mgr, `{"code":"`+pair.Code+`","name":"工位平板","views":`+views+`,"lang":"zh-CN"}`); r.status != 200 {
		t.Fatalf("approve: %d %s", r.status, r.body)
	}
	r = ts.call(t, nil, "GET", "/api/v1/devices/pair/"+pair.DeviceID, "", nil, "X-Pair-Secret", pair.PollSecret)
	var got struct {
		Token string `json:"token"`
	}
	r.json(t, &got)
	if got.Token == "" {
		t.Fatalf("collect: %s", r.body)
	}
	return got.Token
}

// A password typed on the floor's shared kiosk opens a session that ends
// after the kiosk's idle time, as a badge's does; the same password at a
// desk keeps its shift.
func TestAPasswordSessionOnAKioskKeepsTheKiosksIdleTime(t *testing.T) {
	wall := &testClock{now: time.Now()}
	ts := newTestShopOptions(t, Options{WallClock: wall.Now})
	kioskToken := pairKiosk(t, ts, `["kiosk"]`)
	onKiosk := cookieClient()
	onKiosk.Jar.SetCookies(nil, []*http.Cookie{{Name: cookieDevice, Value: kioskToken}})
	creds := map[string]string{"login": "team_leader", "password": testPassword}
	if r := ts.call(t, onKiosk, "POST", "/api/v1/session", "", creds); r.status != 200 {
		t.Fatalf("sign in on the kiosk: %d %s", r.status, r.body)
	}
	atDesk, _ := signInClient(t, ts, creds)
	wall.advance(access.KioskSessionTTL - time.Minute)
	if !isSignedIn(t, ts, onKiosk) {
		t.Fatal("the kiosk session ended before its idle time")
	}
	// Used, it lives on; left alone for the idle time, it ends.
	wall.advance(access.KioskSessionTTL - time.Minute)
	if !isSignedIn(t, ts, onKiosk) {
		t.Fatal("a kiosk session in use ended")
	}
	wall.advance(access.KioskSessionTTL + time.Second)
	if isSignedIn(t, ts, onKiosk) {
		t.Error("a password session on the shared kiosk outlived the kiosk's idle time")
	}
	if !isSignedIn(t, ts, atDesk) {
		t.Error("the desk's session ended with the kiosk's idle time")
	}
}
