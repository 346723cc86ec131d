package access_test

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"bayboard/internal/access"
	"bayboard/internal/shop"
	"bayboard/internal/store"
)

// openStore is a real data file, which keeps access's records.
func openStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "shop.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func TestSecretsAreHashedAndChecked(t *testing.T) {
	hash := access.NewHasher(0).Hash("2468")
	if strings.Contains(hash, "2468") || !strings.HasPrefix(hash, "pbkdf2-sha256$") {
		t.Fatalf("hash %q", hash)
	}
	if hash == access.NewHasher(0).Hash("2468") {
		t.Error("two hashes of one secret are the same: no salt")
	}
	for _, tc := range []struct {
		secret, stored string
		want           bool
	}{
		{"2468", hash, true},
		{"2469", hash, false},
		{"", hash, false},
		{"2468", "", false},
		{"2468", "md5$1$abc$def", false},
		{"2468", strings.Replace(hash, "$120000$", "$0$", 1), false},
	} {
		if got := access.CheckSecret(tc.secret, tc.stored); got != tc.want {
			t.Errorf("CheckSecret(%q, %q) = %v", tc.secret, tc.stored, got)
		}
	}
	if p := access.NewPassword(); len(p) != 16 || strings.ContainsAny(p, "0O1lIio5S2Z") {
		t.Errorf("password %q: 16 characters without look-alikes", p)
	}
	if a, b := access.NewToken(), access.NewToken(); len(a) != 32 || a == b {
		t.Errorf("tokens %q %q: 32 characters, each new", a, b)
	}
}

// TestTheShopHashesAtTheDefaultCost: a hasher of cost 0, what the server
// makes unless its options say otherwise, hashes at 120,000 iterations;
// the low cost the tests hash at is checked like any other.
func TestTheShopHashesAtTheDefaultCost(t *testing.T) {
	if access.DefaultHashCost != 120_000 {
		t.Errorf("DefaultHashCost %d, want 120000", access.DefaultHashCost)
	}
	for _, cost := range []int{0, -1} {
		if h := access.NewHasher(cost).Hash("2468"); !strings.HasPrefix(h, "pbkdf2-sha256$120000$") {
			t.Errorf("NewHasher(%d) hashes as %q, want 120000 iterations", cost, h)
		}
	}
	if h := (access.Hasher{}).Hash("2468"); !strings.HasPrefix(h, "pbkdf2-sha256$120000$") {
		t.Errorf("the zero Hasher hashes as %q, want 120000 iterations", h)
	}
	low := access.NewHasher(1000).Hash("2468")
	if !strings.HasPrefix(low, "pbkdf2-sha256$1000$") {
		t.Fatalf("NewHasher(1000) hashes as %q", low)
	}
	if !access.CheckSecret("2468", low) || access.CheckSecret("2469", low) {
		t.Error("a hash at a low cost is not checked as the secret it holds")
	}
}

func TestASessionIsOpenedLoadedAndSwept(t *testing.T) {
	st := openStore(t)
	token, ses, err := access.OpenSession(st, access.Opening{UserID: "user-2", TTL: access.StaffSessionTTL}, t0)
	if err != nil {
		t.Fatal(err)
	}
	if ses.Key != access.TokenKey(token) || ses.CSRF == "" || !ses.Expires.Equal(t0.Add(access.StaffSessionTTL)) || ses.ByBadge() {
		t.Fatalf("opened %+v", ses)
	}
	got, ok := access.LoadSession(st, token, t0.Add(time.Hour))
	if !ok || got.UserID != "user-2" || got.CSRF != ses.CSRF || !got.Expires.Equal(ses.Expires) {
		t.Fatalf("loaded %+v (%v)", got, ok)
	}
	if _, ok := access.LoadSession(st, "another token", t0); ok {
		t.Error("a token no one was given opened a session")
	}
	if n, err := access.SweepSessions(st, t0.Add(time.Hour)); n != 0 || err != nil {
		t.Errorf("swept %d live sessions (%v)", n, err)
	}
	if n, err := access.SweepSessions(st, t0.Add(access.StaffSessionTTL+time.Second)); n != 1 || err != nil {
		t.Errorf("swept %d expired sessions, want 1 (%v)", n, err)
	}
	if _, ok := access.LoadSession(st, token, t0); ok {
		t.Error("a swept session still opens")
	}
}

func TestAKioskSessionLivesWhileUsed(t *testing.T) {
	st := openStore(t)
	idle := 5 * time.Minute
	token, _, err := access.OpenSession(st, access.Opening{UserID: "user-3", DeviceID: "dev-1", TTL: idle, Idle: true, Badge: true}, t0)
	if err != nil {
		t.Fatal(err)
	}
	at := t0
	for i := 0; i < 6; i++ {
		at = at.Add(4 * time.Minute)
		ses, ok := access.LoadSession(st, token, at)
		if !ok || !ses.ByBadge() || ses.DeviceID != "dev-1" || !ses.Expires.Equal(at.Add(idle)) {
			t.Fatalf("used after %v: %+v (%v)", at.Sub(t0), ses, ok)
		}
	}
	if _, ok := access.LoadSession(st, token, at.Add(idle+time.Second)); ok {
		t.Fatal("a kiosk session outlived its idle time")
	}
	// The expired session was deleted as it was found.
	if n, err := access.SweepSessions(st, at.Add(time.Hour)); n != 0 || err != nil {
		t.Errorf("swept %d (%v), want the expired one gone already", n, err)
	}
	// A staff session is not extended by use.
	token, _, _ = access.OpenSession(st, access.Opening{UserID: "user-2", TTL: access.StaffSessionTTL}, t0)
	if ses, ok := access.LoadSession(st, token, t0.Add(11*time.Hour)); !ok || !ses.Expires.Equal(t0.Add(access.StaffSessionTTL)) {
		t.Errorf("a staff session used: %+v (%v)", ses, ok)
	}
}

// events are the access changes in the log: type, subject, actor, device.
func events(t *testing.T, st *store.Store) []string {
	t.Helper()
	var out []string
	err := st.Events(t0.Add(-time.Hour), t0.Add(time.Hour), func(e shop.Event) error {
		out = append(out, strings.Join([]string{e.Type, e.Subject, e.Actor, e.Device}, " "))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestAScreenPairsWithACodeAManagerApproves(t *testing.T) {
	st := openStore(t)
	manager := access.ByActor(shop.Actor{UserID: "user-1", DeviceID: "browser:1"}, t0)
	d, secret, err := access.StartPairing(st, access.Pairing{Name: "TV", Address: "10.0.0.9"}, t0, t0)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Code) != 6 || !strings.HasPrefix(d.ID, "dev-") || d.Approved {
		t.Fatalf("a waiting screen: %+v", d)
	}
	if got, err := access.CollectPairing(st, d.ID, secret, t0, t0); err != nil || got.Token != "" || got.Code != d.Code {
		t.Fatalf("collected before approval: %+v %v", got, err)
	}
	if _, err := access.CollectPairing(st, d.ID, "a guess", t0, t0); !errors.Is(err, access.ErrNotFound) {
		t.Errorf("collected with a wrong secret: %v", err)
	}
	var invalid *shop.Error
	if _, err := access.ApproveScreen(st, manager, t0, d.Code, "TV", []string{"kitchen"}, "zh-CN"); !errors.As(err, &invalid) || invalid.Fields[0].Field != "views[0]" {
		t.Errorf("approved with a view that does not exist: %v", err)
	}
	if _, err := access.ApproveScreen(st, manager, t0, "999999x", "TV", []string{"lounge"}, "zh-CN"); !errors.Is(err, access.ErrNotFound) {
		t.Errorf("approved a code no screen shows: %v", err)
	}
	approved, err := access.ApproveScreen(st, manager, t0, d.Code, "休息区电视", []string{"lounge"}, "zh-CN")
	if err != nil || !approved.Approved || approved.Code != "" || approved.PollKey != "" {
		t.Fatalf("approved %+v %v", approved, err)
	}
	paired, err := access.CollectPairing(st, d.ID, secret, t0, t0)
	if err != nil || paired.Token == "" {
		t.Fatalf("collected after approval: %+v %v", paired, err)
	}
	if _, err := access.CollectPairing(st, d.ID, secret, t0, t0); !errors.Is(err, access.ErrNotFound) {
		t.Errorf("the token was handed over twice: %v", err)
	}
	screen := access.LoadDevice(st, paired.Token)
	if screen == nil || screen.ID != d.ID || !screen.CanView("lounge") || screen.CanView("workshop") {
		t.Fatalf("the screen of its token: %+v", screen)
	}
	if n, err := access.PairedScreens(st); n != 1 || err != nil {
		t.Errorf("%d paired screens (%v)", n, err)
	}
	if _, err := access.ChangeScreen(st, manager, d.ID, "休息区电视 2", []string{"lounge", "workshop"}, "en"); err != nil {
		t.Fatal(err)
	}
	if screen := access.LoadDevice(st, paired.Token); screen == nil || screen.Name != "休息区电视 2" || !screen.CanView("workshop") {
		t.Errorf("the changed screen: %+v", screen)
	}
	if err := access.RevokeScreen(st, manager, d.ID); err != nil {
		t.Fatal(err)
	}
	if screen := access.LoadDevice(st, paired.Token); screen != nil {
		t.Errorf("a revoked screen's token names %+v", screen)
	}
	if _, err := access.ChangeScreen(st, manager, d.ID, "TV", []string{"lounge"}, "en"); !errors.Is(err, access.ErrNotFound) {
		t.Errorf("a revoked screen changed: %v", err)
	}
	screens, err := access.Screens(st, t0)
	if err != nil || len(screens) != 1 || !screens[0].Revoked || screens[0].TokenKey != "" || screens[0].PollKey != "" {
		t.Errorf("the screens listed: %+v %v", screens, err)
	}
	want := []string{
		"screen_approved " + d.ID + " user-1 browser:1",
		"screen_paired " + d.ID + " screen " + d.ID,
		"screen_changed " + d.ID + " user-1 browser:1",
		"screen_revoked " + d.ID + " user-1 browser:1",
	}
	if got := events(t, st); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("the log holds\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// The waiting list is bounded without refusing anyone: a flood of
// requests, from one address or many, drops the oldest waiting ones, and
// a request lapses after PairingTTL; a real screen that asks last is
// approved whatever came before it.
func TestPairingRequestsExpireAndAFloodCannotKeepAScreenOut(t *testing.T) {
	st := openStore(t)
	manager := access.By{At: t0, Actor: "user-1"}
	waitingCount := func(wall time.Time) int {
		screens, err := access.Screens(st, wall)
		if err != nil {
			t.Fatal(err)
		}
		stored := 0
		st.EachDevice(func(access.Device) error { stored++; return nil })
		if stored > access.MaxWaiting+1 {
			t.Errorf("%d screens stored, want at most %d", stored, access.MaxWaiting+1)
		}
		return len(screens)
	}
	// One address floods: only its last few wait.
	for i := 0; i < 40; i++ {
		if _, _, err := access.StartPairing(st, access.Pairing{Name: "flood", Address: "10.0.0.66"}, t0, t0.Add(time.Duration(i)*time.Millisecond)); err != nil {
			t.Fatalf("request %d: %v", i+1, err)
		}
	}
	if n := waitingCount(t0.Add(time.Second)); n != access.MaxWaitingPerAddress {
		t.Errorf("one address's flood left %d waiting, want %d", n, access.MaxWaitingPerAddress)
	}
	// Many addresses flood: the list stays within its bound.
	for i := 0; i < 3*access.MaxWaiting; i++ {
		at := t0.Add(time.Second + time.Duration(i)*time.Millisecond)
		if _, _, err := access.StartPairing(st, access.Pairing{Name: "flood", Address: fmt.Sprintf("10.0.1.%d", i)}, t0, at); err != nil {
			t.Fatalf("request %d: %v", i+1, err)
		}
	}
	if n := waitingCount(t0.Add(2 * time.Second)); n != access.MaxWaiting {
		t.Errorf("%d waiting, want %d", n, access.MaxWaiting)
	}
	// The real screen asks now, and is approved and paired.
	now := t0.Add(3 * time.Second)
	tv, secret, err := access.StartPairing(st, access.Pairing{Name: "TV", Address: "10.0.0.9"}, t0, now)
	if err != nil {
		t.Fatalf("the real screen: %v", err)
	}
	if _, err := access.ApproveScreen(st, manager, now, tv.Code, "休息区电视", []string{"lounge"}, "zh-CN"); err != nil {
		t.Fatalf("approving the real screen: %v", err)
	}
	if d, err := access.CollectPairing(st, tv.ID, secret, t0, now); err != nil || d.Token == "" {
		t.Fatalf("the real screen collects: %+v %v", d, err)
	}
	// A request not approved lapses after PairingTTL: it can no longer be
	// approved or polled, and leaves the list.
	late, lateSecret, _ := access.StartPairing(st, access.Pairing{Name: "TV 2", Address: "10.0.0.10"}, t0, now)
	after := now.Add(access.PairingTTL)
	if _, err := access.ApproveScreen(st, manager, after, late.Code, "TV", []string{"lounge"}, "zh-CN"); !errors.Is(err, access.ErrNotFound) {
		t.Errorf("an expired request approved: %v", err)
	}
	if _, err := access.CollectPairing(st, late.ID, lateSecret, t0, after); !errors.Is(err, access.ErrNotFound) {
		t.Errorf("an expired request polled: %v", err)
	}
	if n := waitingCount(after); n != 1 {
		t.Errorf("%d screens listed after every request lapsed, want the paired one", n)
	}
	if _, _, err := access.StartPairing(st, access.Pairing{Name: strings.Repeat("长", 61)}, t0, after); err == nil {
		t.Error("a name of 61 characters was taken")
	}
}

func TestAnAPITokenIsIssuedAndRevoked(t *testing.T) {
	st := openStore(t)
	token, err := access.IssueToken(st, access.BySystem(t0), "user-1", "demo scripts")
	if err != nil {
		t.Fatal(err)
	}
	got, ok := access.LoadToken(st, token)
	if !ok || got.UserID != "user-1" || got.Name != "demo scripts" || got.ID() != access.TokenKey(token)[:16] {
		t.Fatalf("the token loads as %+v (%v)", got, ok)
	}
	if _, ok := access.LoadToken(st, access.NewToken()); ok {
		t.Error("a token never issued loads")
	}
	if list, err := access.Tokens(st); err != nil || len(list) != 1 || list[0].ID() != got.ID() {
		t.Errorf("the tokens listed: %+v %v", list, err)
	}
	if err := access.RevokeToken(st, access.BySystem(t0), "no-such-id"); !errors.Is(err, access.ErrNotFound) {
		t.Errorf("revoked an unknown token: %v", err)
	}
	if err := access.RevokeToken(st, access.BySystem(t0), got.ID()); err != nil {
		t.Fatal(err)
	}
	if _, ok := access.LoadToken(st, token); ok {
		t.Error("a revoked token still loads")
	}
	want := []string{"token_issued " + got.ID() + " system ", "token_revoked " + got.ID() + " system "}
	if got := events(t, st); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("the log holds %q, want %q", got, want)
	}
}
