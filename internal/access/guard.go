package access

import (
	"log/slog"
	"math/rand/v2"
	"strings"
	"sync"
	"time"
)

// Guard slows and then locks repeated failed sign-ins. It locks an account
// (a login or a badge) at one address, and an address; it only slows an
// account failing from many addresses, so that no one on the LAN can lock
// the manager out of their own desk by guessing their password from
// elsewhere. It lives in memory: a restart forgives, which an attacker
// cannot cause, and a manager may unlock an account (Unlock).
//
// An account's count at an address starts again when it signs in there.
// An address's does not: otherwise one who knows a PIN of their own could
// sign in every few guesses and go on guessing other badges' PINs from the
// same tablet. An address may fail more often than an account before it is
// locked, since a shop's kiosk tablet is shared by every technician who
// mistypes. The account's count over all addresses is forgiven only when
// quiet: it slows each failed answer, up to slowMost.
//
// An attempt is reserved before its secret is checked and counts against
// the limits while it is checked: were it counted only once it had failed,
// a hundred guesses sent at once would all be checked before the first
// failure was counted.
type Guard struct {
	mu    sync.Mutex
	fails map[string]*failures
	// now and sleep are the clock and the pause of a slowed answer; tests
	// replace them.
	now   func() time.Time
	sleep func(time.Duration)
	// log hears of each lock, so that an operator sees guessing.
	log *slog.Logger
}

type failures struct {
	count    int
	checking int       // attempts reserved and not yet decided
	last     time.Time // the last failure, or the end of the last lock
	until    time.Time
}

// Lockout policy: after MaxFailures failures of an account at an address
// in a row, or MaxAddressFailures from one address, the key is locked for LockFor,
// doubled at each further lock. A key quiet for forgetAfter (after its
// lock, if any) is forgiven.
const (
	MaxFailures        = 5
	MaxAddressFailures = 20
	LockFor            = 5 * time.Minute
	forgetAfter        = time.Hour
	// slowStep is how much slower each failure makes the next answer, up
	// to slowMost.
	slowStep = 200 * time.Millisecond
	slowMost = 3 * time.Second
	// busyWait is the Retry-After of an attempt refused because those
	// being checked could use up what is left of the limit: a check takes
	// a few tens of milliseconds, after which the key is either locked or
	// open again.
	busyWait = time.Second
)

// NewGuard makes a guard on the wall clock: a lock lasts its minutes of
// real time, whatever the shop's clock does. pause slows a failed answer;
// nil is time.Sleep, the product's.
func NewGuard(now func() time.Time, pause func(time.Duration), log *slog.Logger) *Guard {
	if pause == nil {
		pause = time.Sleep
	}
	return &Guard{fails: map[string]*failures{}, now: now, sleep: pause, log: log}
}

// AddressKey is the key of a caller's address.
func AddressKey(ip string) string { return "ip:" + ip }

// SetClock replaces the clock and the pause, for tests.
func (g *Guard) SetClock(now func() time.Time, sleep func(time.Duration)) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.now, g.sleep = now, sleep
}

// guardKey is a key with its limit; a key without one is never locked,
// only counted to slow the answers.
type guardKey struct {
	key   string
	limit int
}

// pairKey is the key of an account at an address.
func pairKey(account, address string) string { return account + "@" + address }

func guardKeys(account, address string) [3]guardKey {
	return [3]guardKey{{pairKey(account, address), MaxFailures}, {address, MaxAddressFailures}, {account, 0}}
}

// entry is a key's record, its old failures forgiven; g.mu is held.
func (g *Guard) entry(key string, now time.Time) *failures {
	f := g.fails[key]
	if f == nil {
		f = &failures{}
		g.fails[key] = f
	}
	if f.count > 0 && now.Sub(f.last) > forgetAfter {
		f.count, f.last, f.until = 0, time.Time{}, time.Time{}
	}
	return f
}

// tidy drops a key's record once it holds nothing; g.mu is held.
func (g *Guard) tidy(key string) {
	if f := g.fails[key]; f != nil && f.count == 0 && f.checking == 0 {
		delete(g.fails, key)
	}
}

// Reserve takes an attempt of an account from an address, to be decided
// by Failed or Succeeded once its secret is checked. It refuses, and says
// how long to wait, while either key is locked or while the attempts being
// checked could use up what is left of either key's limit.
func (g *Guard) Reserve(account, address string) (time.Duration, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.now()
	keys := guardKeys(account, address)
	for _, k := range keys {
		f := g.entry(k.key, now)
		if k.limit == 0 {
			continue
		}
		wait := time.Duration(0)
		switch {
		case now.Before(f.until):
			wait = f.until.Sub(now)
		case f.count%k.limit+f.checking >= k.limit:
			wait = busyWait
		}
		if wait > 0 {
			for _, k := range keys {
				g.tidy(k.key)
			}
			return wait, false
		}
	}
	for _, k := range keys {
		g.fails[k.key].checking++
	}
	return 0, true
}

// Failed counts a reserved attempt as a failure of its account and address
// and answers it slowly; jitter keeps the timing from telling a wrong login
// from a wrong password.
func (g *Guard) Failed(account, address string) {
	g.mu.Lock()
	now := g.now()
	worst := 0
	var locks [][]any
	for _, k := range guardKeys(account, address) {
		f := g.entry(k.key, now)
		f.checking--
		f.count++
		f.last = now
		if k.limit > 0 && f.count%k.limit == 0 {
			f.until = now.Add(LockFor << min(f.count/k.limit-1, 6))
			f.last = f.until
			locks = append(locks, lockAttrs(k.key, address, f.count, f.until.Sub(now)))
		}
		worst = max(worst, f.count)
	}
	sleep := g.sleep
	g.mu.Unlock()
	for _, attrs := range locks {
		g.log.Warn("sign-in locked", attrs...)
	}
	sleep(min(time.Duration(worst)*slowStep, slowMost) + time.Duration(rand.IntN(100))*time.Millisecond)
}

// lockAttrs describe a lock for the log: the kind of key (login, badge,
// badge-user for a known badge, or address), the login, badge code or user
// it locks, the address that failed, how often and for how long. The
// secrets tried are never known here.
func lockAttrs(key, address string, failures int, lockedFor time.Duration) []any {
	_, ip, _ := strings.Cut(address, ":")
	kind, account, _ := strings.Cut(strings.TrimSuffix(key, "@"+address), ":")
	if key == address {
		kind, account = "address", ""
	}
	attrs := []any{"kind", kind}
	if account != "" {
		attrs = append(attrs, "account", account)
	}
	return append(attrs, "address", ip, "failures", failures, "locked_for", lockedFor)
}

// Succeeded ends a reserved attempt that passed: the account is forgiven
// its failures at this address; its address's, and its own over all
// addresses, stay counted.
func (g *Guard) Succeeded(account, address string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, k := range guardKeys(account, address) {
		if f := g.fails[k.key]; f != nil {
			f.checking--
			if k.key == pairKey(account, address) {
				f.count, f.last, f.until = 0, time.Time{}, time.Time{}
			}
			g.tidy(k.key)
		}
	}
}

// Locked reports whether an account is locked at some address now.
func (g *Guard) Locked(account string) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.now()
	for key, f := range g.fails {
		if strings.HasPrefix(key, account+"@") && now.Before(f.until) {
			return true
		}
	}
	return false
}

// Unlock forgives an account every failure, at every address: a manager
// lets a user in whom guessing elsewhere has locked out. The addresses'
// own counts stay.
func (g *Guard) Unlock(account string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for key, f := range g.fails {
		if key == account || strings.HasPrefix(key, account+"@") {
			f.count, f.last, f.until = 0, time.Time{}, time.Time{}
			g.tidy(key)
		}
	}
}
