package web

import (
	"fmt"
	"net"
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

// fromAddress is a client whose requests come from a loopback address of
// its own (the whole of 127.0.0.0/8 reaches the test server).
func fromAddress(ip string) *http.Client {
	dialer := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
	return &http.Client{Transport: &http.Transport{DialContext: dialer.DialContext}}
}

// Guessing the manager's password from many addresses of the LAN locks
// each of them, slows every answer, and does not keep the manager out of
// their own desk; a manager unlocks a user locked out.
func TestGuessingFromManyAddressesDoesNotLockTheManagerOut(t *testing.T) {
	ts := newTestShop(t)
	gc := stopGuardClock(ts)
	wrong := map[string]string{"login": "manager", "password": "wrong password"}
	for i := 2; i < 10; i++ {
		attacker := fromAddress(fmt.Sprintf("127.0.0.%d", i))
		for j := 0; j < access.MaxFailures; j++ {
			if r := ts.call(t, attacker, "POST", "/api/v1/session", "", wrong); r.status != 401 {
				t.Fatalf("guess %d from 127.0.0.%d: %d %s", j, i, r.status, r.body)
			}
		}
		if r := ts.call(t, attacker, "POST", "/api/v1/session", "", wrong); r.status != http.StatusTooManyRequests {
			t.Errorf("127.0.0.%d after %d guesses: %d, want locked", i, access.MaxFailures, r.status)
		}
	}
	pauses := gc.paused()
	if last := pauses[len(pauses)-1]; last < 3*time.Second {
		t.Errorf("the last guess was answered after %v, want the slowest", last)
	}
	desk := fromAddress("127.0.0.1")
	if r := ts.call(t, desk, "POST", "/api/v1/session", "", map[string]string{"login": "manager", "password": testPassword}); r.status != 200 {
		t.Fatalf("the manager at their desk: %d %s", r.status, r.body)
	}

	// The advisor is locked out at their desk; the manager sees it and
	// unlocks them.
	advisorDesk := fromAddress("127.0.0.20")
	for j := 0; j < access.MaxFailures; j++ {
		ts.call(t, advisorDesk, "POST", "/api/v1/session", "", map[string]string{"login": "advisor", "password": "mistyped"})
	}
	advisorIn := func() int {
		return ts.call(t, advisorDesk, "POST", "/api/v1/session", "", map[string]string{"login": "advisor", "password": testPassword}).status
	}
	if s := advisorIn(); s != http.StatusTooManyRequests {
		t.Fatalf("the advisor after %d mistakes: %d", access.MaxFailures, s)
	}
	mgr := ts.tokens[shop.RoleManager]
	var users []userView
	ts.call(t, nil, "GET", "/api/v1/users", mgr, nil).json(t, &users)
	locked := map[string]bool{}
	for _, u := range users {
		locked[u.Login] = u.Locked
	}
	if !locked["advisor"] || !locked["manager"] || locked["cashier"] {
		t.Errorf("the users list marks locked: %v", locked)
	}
	if r := ts.call(t, nil, "POST", "/api/v1/users/"+ts.users[shop.RoleAdvisor]+"/unlock", ts.tokens[shop.RoleAdvisor], nil); r.status != 403 {
		t.Errorf("the advisor unlocking themselves: %d", r.status)
	}
	if r := ts.call(t, nil, "POST", "/api/v1/users/nobody/unlock", mgr, nil); r.status != 404 {
		t.Errorf("unlocking no one: %d", r.status)
	}
	if r := ts.call(t, nil, "POST", "/api/v1/users/"+ts.users[shop.RoleAdvisor]+"/unlock", mgr, nil); r.status != 204 {
		t.Fatalf("unlock: %d %s", r.status, r.body)
	}
	if s := advisorIn(); s != 200 {
		t.Errorf("the advisor after the manager unlocked them: %d", s)
	}
}

// A technician's PIN has as many digits as the shop asks, 4 to 8; the
// shop's choice is checked as a setting.
func TestThePINLengthIsTheShopsChoice(t *testing.T) {
	ts := newTestShop(t)
	mgr := ts.tokens[shop.RoleManager]
	setPIN := func(pin string) response {
		u := *ts.eng.State().Users[ts.users[shop.RoleTechnician]]
		return ts.call(t, nil, "POST", "/api/v1/users", mgr, map[string]any{"user": u, "pin": pin})
	}
	refusedAt := func(r response, field string) bool {
		if r.status != 400 {
			return false
		}
		p := r.problem(t)
		return len(p.Errors) == 1 && p.Errors[0].Field == field
	}
	for pin, ok := range map[string]bool{"1234": true, "12345678": true, "123": false, "123456789": false, "12a4": false} {
		if r := setPIN(pin); (r.status == 200) != ok || (!ok && !refusedAt(r, "pin")) {
			t.Errorf("PIN %q by default: %d %s", pin, r.status, r.body)
		}
	}
	settings := func(minDigits int) response {
		s := ts.eng.State().Settings
		s.PINMinDigits = minDigits
		return ts.call(t, nil, "POST", "/api/v1/commands", mgr, map[string]any{"type": "set_settings", "settings": s})
	}
	for _, bad := range []int{3, 9, -1} {
		if r := settings(bad); !refusedAt(r, "settings.pin_min_digits") {
			t.Errorf("pin_min_digits %d: %d %s", bad, r.status, r.body)
		}
	}
	if r := settings(6); r.status != 200 {
		t.Fatalf("pin_min_digits 6: %d %s", r.status, r.body)
	}
	if r := setPIN("12345"); !refusedAt(r, "pin") {
		t.Errorf("a 5-digit PIN when the shop asks for 6: %d %s", r.status, r.body)
	}
	if r := setPIN("135790"); r.status != 200 {
		t.Errorf("a 6-digit PIN: %d %s", r.status, r.body)
	}
	if r := ts.call(t, nil, "POST", "/api/v1/session", "", map[string]string{"badge": "B42", "pin": "135790"}); r.status != 200 {
		t.Errorf("signing in with the 6-digit PIN: %d %s", r.status, r.body)
	}
}
