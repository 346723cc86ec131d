package access_test

import (
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"bayboard/internal/access"
)

var t0 = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

// clock is a stopped clock a test moves, and a record of the pauses the
// guard asks for instead of pausing.
type clock struct {
	mu     sync.Mutex
	now    time.Time
	pauses []time.Duration
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}
func (c *clock) pause(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.pauses = append(c.pauses, d)
}

func newGuard() (*access.Guard, *clock) {
	c := &clock{now: t0}
	g := access.NewGuard(c.Now, nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
	g.SetClock(c.Now, c.pause)
	return g, c
}

// fail makes n failed attempts of an account from an address, each one
// let through.
func fail(t *testing.T, g *access.Guard, account, address string, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		if wait, ok := g.Reserve(account, address); !ok {
			t.Fatalf("attempt %d refused (wait %v)", i+1, wait)
		}
		g.Failed(account, address)
	}
}

func TestAnAccountIsLockedAfterItsFailuresAndLongerEachTime(t *testing.T) {
	g, c := newGuard()
	address := access.AddressKey("10.0.0.7")
	fail(t, g, "login:advisor", address, access.MaxFailures)
	if wait, ok := g.Reserve("login:advisor", address); ok || wait != access.LockFor {
		t.Fatalf("after %d failures: allowed %v, wait %v; want a lock of %v", access.MaxFailures, ok, wait, access.LockFor)
	}
	// Another account from the same address is not locked.
	if _, ok := g.Reserve("login:cashier", address); !ok {
		t.Fatal("another account was locked with the first")
	}
	g.Succeeded("login:cashier", address)
	c.advance(access.LockFor)
	fail(t, g, "login:advisor", address, access.MaxFailures)
	if wait, ok := g.Reserve("login:advisor", address); ok || wait != 2*access.LockFor {
		t.Fatalf("the second lock: allowed %v, wait %v; want %v", ok, wait, 2*access.LockFor)
	}
}

func TestFailuresSlowTheAnswersUpToALimit(t *testing.T) {
	g, c := newGuard()
	address := access.AddressKey("10.0.0.7")
	for i := 0; i < 20; i++ {
		// A new account each time, so that only the address's count grows
		// and no account is locked.
		account := "badge:C" + string(rune('a'+i))
		if _, ok := g.Reserve(account, address); !ok {
			break
		}
		g.Failed(account, address)
	}
	if len(c.pauses) == 0 {
		t.Fatal("no failure was slowed")
	}
	for i, p := range c.pauses {
		step := min(time.Duration(i+1)*200*time.Millisecond, 3*time.Second)
		if p < step || p >= step+100*time.Millisecond {
			t.Errorf("failure %d paused %v, want %v and under 100 ms more", i+1, p, step)
		}
	}
}

func TestASuccessForgivesTheAccountButNotTheAddress(t *testing.T) {
	g, _ := newGuard()
	address := access.AddressKey("10.0.0.7")
	// Someone who knows their own PIN guesses, signing in with it before
	// the account is locked each time.
	failures := 0
	for failures < access.MaxAddressFailures {
		n := min(access.MaxFailures-1, access.MaxAddressFailures-failures)
		fail(t, g, "badge-user:user-3", address, n)
		failures += n
		if failures < access.MaxAddressFailures {
			if wait, ok := g.Reserve("badge-user:user-3", address); !ok {
				t.Fatalf("after %d failures the account was refused (wait %v)", failures, wait)
			}
			g.Succeeded("badge-user:user-3", address)
		}
	}
	if wait, ok := g.Reserve("badge-user:user-4", address); ok || wait != access.LockFor {
		t.Fatalf("after %d failures from one address: allowed %v, wait %v", failures, ok, wait)
	}
	if _, ok := g.Reserve("badge-user:user-3", access.AddressKey("10.0.0.8")); !ok {
		t.Fatal("the account was locked with its address")
	}
}

func TestAttemptsBeingCheckedCountAgainstTheLimit(t *testing.T) {
	g, _ := newGuard()
	address := access.AddressKey("10.0.0.7")
	for i := 0; i < access.MaxFailures; i++ {
		if _, ok := g.Reserve("login:advisor", address); !ok {
			t.Fatalf("attempt %d of %d refused", i+1, access.MaxFailures)
		}
	}
	// Were all these to fail, the account would be locked: one more waits.
	if wait, ok := g.Reserve("login:advisor", address); ok || wait != time.Second {
		t.Fatalf("an attempt beyond those being checked: allowed %v, wait %v", ok, wait)
	}
	g.Succeeded("login:advisor", address)
	if _, ok := g.Reserve("login:advisor", address); !ok {
		t.Fatal("an attempt decided made no room")
	}
}

func TestQuietFailuresAreForgiven(t *testing.T) {
	g, c := newGuard()
	address := access.AddressKey("10.0.0.7")
	fail(t, g, "login:advisor", address, access.MaxFailures-1)
	c.advance(time.Hour + time.Second)
	fail(t, g, "login:advisor", address, access.MaxFailures-1)
	if _, ok := g.Reserve("login:advisor", address); !ok {
		t.Fatal("failures an hour old still counted")
	}
}

// A login guessed from many addresses is locked at each of them and only
// slowed overall: its owner, at an address that has not guessed, signs in.
// A manager's Unlock lets it in again everywhere.
func TestALoginGuessedFromManyAddressesIsSlowedNotLocked(t *testing.T) {
	g, c := newGuard()
	for i := 0; i < 8; i++ {
		address := access.AddressKey("10.0.0." + string(rune('a'+i)))
		fail(t, g, "login:manager", address, access.MaxFailures)
		if _, ok := g.Reserve("login:manager", address); ok {
			t.Fatalf("address %d was not locked after %d failures", i, access.MaxFailures)
		}
	}
	if !g.Locked("login:manager") || g.Locked("login:advisor") {
		t.Errorf("locked: manager %v, advisor %v", g.Locked("login:manager"), g.Locked("login:advisor"))
	}
	// The manager at their own desk is let through.
	desk := access.AddressKey("10.0.0.200")
	if wait, ok := g.Reserve("login:manager", desk); !ok {
		t.Fatalf("the manager's own desk was refused (wait %v)", wait)
	}
	g.Succeeded("login:manager", desk)
	// Every failure of the guessed login is answered at the slowest now,
	// from wherever it comes.
	before := len(c.pauses)
	fail(t, g, "login:manager", access.AddressKey("10.0.0.201"), 1)
	if p := c.pauses[before]; p < 3*time.Second {
		t.Errorf("a failure of a login guessed %d times paused %v, want the slowest", 8*access.MaxFailures, p)
	}
	g.Unlock("login:manager")
	if g.Locked("login:manager") {
		t.Error("still locked after Unlock")
	}
	if _, ok := g.Reserve("login:manager", access.AddressKey("10.0.0.a")); !ok {
		t.Error("an address was still locked for the login after Unlock")
	}
}
