package web

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"time"

	"bayboard/internal/shop"

	"github.com/gofiber/fiber/v2"
)

// AuthStore keeps sessions, tokens and devices; the store implements it.
type AuthStore interface {
	PutAuth(kind, key string, value []byte) error
	GetAuth(kind, key string) ([]byte, error)
	DeleteAuth(kind, key string) error
	EachAuth(kind string, fn func(key string, value []byte) error) error
	// ChangeAuth writes values (Kind, ID, Value as bytes, nil to delete)
	// and the event recording the change in one durable transaction.
	ChangeAuth(changes []shop.Record, ev shop.Event) (shop.Event, error)
}

// Auth record kinds.
const (
	authSessions = "sessions"
	authTokens   = "tokens"
	authDevices  = "devices"
	// authDeviceTokens maps a device token's hash to the device's id.
	authDeviceTokens = "device_tokens"
)

// Session lengths: staff sign in once a shift; a kiosk session of a
// technician ends sooner, since the tablet is shared (the shop's
// kiosk_idle_minutes setting changes it).
const (
	StaffSessionTTL = 12 * time.Hour
	KioskSessionTTL = 30 * time.Minute
)

// session is one signed-in browser or kiosk.
type session struct {
	UserID   string    `json:"user_id"`
	CSRF     string    `json:"csrf"`
	DeviceID string    `json:"device_id,omitempty"`
	Expires  time.Time `json:"expires"`
	Idle     int64     `json:"idle_ns,omitempty"` // kiosk sessions: extended on use
}

// byBadge reports whether the session was opened with a badge and PIN:
// only those are kiosk sessions that live while used.
func (ses *session) byBadge() bool { return ses.Idle > 0 }

// apiToken is a bearer token for scripts, acting as a user.
type apiToken struct {
	UserID  string    `json:"user_id"`
	Name    string    `json:"name"`
	Created time.Time `json:"created"`
}

// Device is a screen or kiosk. It pairs with a short code that a manager
// approves; its token then opens only the views it was given.
type Device struct {
	ID       string    `json:"id"`
	Name     string    `json:"name"`
	Code     string    `json:"code,omitempty"` // pairing code while pending
	Approved bool      `json:"approved"`
	Views    []string  `json:"views"`
	Lang     string    `json:"lang"`
	TokenKey string    `json:"token_key,omitempty"`
	PollKey  string    `json:"poll_key,omitempty"`
	Created  time.Time `json:"created"`
	Token    string    `json:"-"` // handed over once, never stored
	Kiosk    bool      `json:"kiosk"`
	Revoked  bool      `json:"revoked"`
}

// CanView reports whether the device may show a view.
func (d *Device) CanView(view string) bool {
	if !d.Approved || d.Revoked {
		return false
	}
	for _, v := range d.Views {
		if v == view || v == "*" {
			return true
		}
	}
	return false
}

// guard slows and then locks repeated failed sign-ins, per account (a
// login or a badge) and per address. It lives in memory: a restart
// forgives, which an attacker cannot cause.
//
// An account's count starts again when it signs in. An address's does not:
// otherwise one who knows a PIN of their own could sign in every few
// guesses and go on guessing other badges' PINs from the same tablet. An
// address may fail more often than an account before it is locked, since
// a shop's kiosk tablet is shared by every technician who mistypes.
//
// An attempt is reserved before its secret is checked and counts against
// the limits while it is checked: were it counted only once it had failed,
// a hundred guesses sent at once would all be checked before the first
// failure was counted.
type guard struct {
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

// Lockout policy: after maxFailures failures of an account in a row, or
// maxAddressFailures from one address, the key is locked for lockFor,
// doubled at each further lock. A key quiet for forgetAfter (after its
// lock, if any) is forgiven.
const (
	maxFailures        = 5
	maxAddressFailures = 20
	lockFor            = 5 * time.Minute
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

// newGuard makes a guard on the wall clock: a lock lasts its minutes of
// real time, whatever the shop's clock does.
func newGuard(now func() time.Time, log *slog.Logger) *guard {
	return &guard{fails: map[string]*failures{}, now: now, sleep: time.Sleep, log: log}
}

// addressKey is the key of a caller's address.
func addressKey(ip string) string { return "ip:" + ip }

// setClock replaces the clock and the pause, for tests.
func (g *guard) setClock(now func() time.Time, sleep func(time.Duration)) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.now, g.sleep = now, sleep
}

// guardKey is a key with its limit.
type guardKey struct {
	key   string
	limit int
}

func guardKeys(account, address string) [2]guardKey {
	return [2]guardKey{{account, maxFailures}, {address, maxAddressFailures}}
}

// entry is a key's record, its old failures forgiven; g.mu is held.
func (g *guard) entry(key string, now time.Time) *failures {
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
func (g *guard) tidy(key string) {
	if f := g.fails[key]; f != nil && f.count == 0 && f.checking == 0 {
		delete(g.fails, key)
	}
}

// reserve takes an attempt of an account from an address, to be decided
// by failed or succeeded once its secret is checked. It refuses, and says
// how long to wait, while either key is locked or while the attempts being
// checked could use up what is left of either key's limit.
func (g *guard) reserve(account, address string) (time.Duration, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.now()
	keys := guardKeys(account, address)
	for _, k := range keys {
		f := g.entry(k.key, now)
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

// failed counts a reserved attempt as a failure of its account and address
// and answers it slowly; jitter keeps the timing from telling a wrong login
// from a wrong password.
func (g *guard) failed(account, address string) {
	g.mu.Lock()
	now := g.now()
	worst := 0
	var locks [][]any
	for _, k := range guardKeys(account, address) {
		f := g.entry(k.key, now)
		f.checking--
		f.count++
		f.last = now
		if f.count%k.limit == 0 {
			f.until = now.Add(lockFor << min(f.count/k.limit-1, 6))
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
	kind, account, _ := strings.Cut(key, ":")
	if key == address {
		kind, account = "address", ""
	}
	attrs := []any{"kind", kind}
	if account != "" {
		attrs = append(attrs, "account", account)
	}
	return append(attrs, "address", ip, "failures", failures, "locked_for", lockedFor)
}

// succeeded ends a reserved attempt that passed: its account is forgiven
// its failures; its address's stay counted.
func (g *guard) succeeded(account, address string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, key := range []string{account, address} {
		if f := g.fails[key]; f != nil {
			f.checking--
			if key == account {
				f.count, f.last, f.until = 0, time.Time{}, time.Time{}
			}
			g.tidy(key)
		}
	}
}

// retryAfter is the Retry-After header's value: whole seconds.
func retryAfter(wait time.Duration) string {
	return strconv.Itoa(int(math.Ceil(wait.Seconds())))
}

// who is the caller of a request, as the middleware found them.
type who struct {
	user    *shop.User
	session *session
	sessKey string
	device  *Device
	token   bool // bearer API token: no CSRF needed
	actor   shop.Actor
}

// loadSession finds a session and extends a kiosk session in use; now is
// the wall clock's time (sessions last real time, see Options.WallClock).
func (s *Server) loadSession(token string, now time.Time) (*session, string) {
	if token == "" {
		return nil, ""
	}
	key := tokenKey(token)
	raw, err := s.auth.GetAuth(authSessions, key)
	if err != nil || raw == nil {
		return nil, ""
	}
	var ses session
	if json.Unmarshal(raw, &ses) != nil || now.After(ses.Expires) {
		s.auth.DeleteAuth(authSessions, key)
		return nil, ""
	}
	if ses.Idle > 0 && ses.Expires.Sub(now) < time.Duration(ses.Idle)-time.Minute {
		// A kiosk session lives while it is used.
		ses.Expires = now.Add(time.Duration(ses.Idle))
		if raw, err := json.Marshal(ses); err == nil {
			s.auth.PutAuth(authSessions, key, raw)
		}
	}
	return &ses, key
}

func (s *Server) loadToken(token string) *apiToken {
	raw, err := s.auth.GetAuth(authTokens, tokenKey(token))
	if err != nil || raw == nil {
		return nil
	}
	var t apiToken
	if json.Unmarshal(raw, &t) != nil {
		return nil
	}
	return &t
}

// loadDevice finds the screen a device token belongs to, through the
// token index: a TV asks on every request.
func (s *Server) loadDevice(token string) *Device {
	if token == "" {
		return nil
	}
	key := tokenKey(token)
	id, err := s.auth.GetAuth(authDeviceTokens, key)
	if err != nil || id == nil {
		return nil
	}
	d, err := s.getDevice(string(id))
	if err != nil || d == nil || d.Revoked || d.TokenKey != key {
		return nil
	}
	return d
}

// identify is the middleware that decides who is asking. It never refuses:
// handlers ask for what they need with requireUser / requireView.
func (s *Server) identify(c *fiber.Ctx) error {
	now := s.opts.WallClock()
	st := s.eng.State()
	w := &who{}
	if bearer := bearerToken(c); bearer != "" {
		if t := s.loadToken(bearer); t != nil {
			w.user, w.token = st.Users[t.UserID], true
			w.actor.DeviceID = "token:" + t.Name
		} else if d := s.loadDevice(bearer); d != nil {
			w.device = d
		}
	}
	if w.user == nil {
		if ses, key := s.loadSession(c.Cookies(cookieSession), now); ses != nil {
			w.user, w.session, w.sessKey = st.Users[ses.UserID], ses, key
			w.actor.DeviceID = ses.DeviceID
			if w.actor.DeviceID == "" {
				w.actor.DeviceID = "browser:" + key[:8]
			}
		}
	}
	if w.device == nil {
		w.device = s.loadDevice(c.Cookies(cookieDevice))
		if w.device != nil && w.actor.DeviceID == "" {
			w.actor.DeviceID = w.device.ID
		}
	}
	if w.user != nil && !w.user.Active {
		w.user = nil
	}
	if w.user != nil {
		w.actor.UserID, w.actor.Roles = w.user.ID, w.user.Roles
	}
	c.Locals("who", w)
	return c.Next()
}

func whoOf(c *fiber.Ctx) *who {
	if w, ok := c.Locals("who").(*who); ok {
		return w
	}
	return &who{}
}

func bearerToken(c *fiber.Ctx) string {
	const prefix = "Bearer "
	h := c.Get(fiber.HeaderAuthorization)
	if len(h) > len(prefix) && h[:len(prefix)] == prefix {
		return h[len(prefix):]
	}
	return ""
}

// requireUser refuses requests without a signed-in person, checks the
// CSRF token of cookie-authenticated changes, and holds a person who must
// set a new password to doing that (requireSignedIn lets them).
func (s *Server) requireUser(c *fiber.Ctx) error {
	if refused := signedIn(c); refused != nil {
		return refused()
	}
	if w := whoOf(c); mustChangePassword(w) {
		return problem(c, CodePasswordChangeRequired, "set a new password first (POST /api/v1/me/password)")
	}
	return c.Next()
}

// requireSignedIn is requireUser for the few routes a person who must
// change their password may use: who they are, and the change itself.
func (s *Server) requireSignedIn(c *fiber.Ctx) error {
	if refused := signedIn(c); refused != nil {
		return refused()
	}
	return c.Next()
}

// signedIn is nil when a person is signed in and a cookie-authenticated
// change carries its CSRF token; otherwise it is the refusal to answer.
func signedIn(c *fiber.Ctx) func() error {
	w := whoOf(c)
	if w.user == nil {
		return func() error {
			return problem(c, CodeUnauthorized, "sign in with a password, a badge and PIN, or an API token")
		}
	}
	if !w.token && c.Method() != fiber.MethodGet && c.Method() != fiber.MethodHead {
		if got := c.Get(headerCSRF); got == "" || w.session == nil || got != w.session.CSRF {
			return func() error { return problem(c, CodeCSRF, "send the X-CSRF-Token header given at sign-in") }
		}
	}
	return nil
}

// mustChangePassword says whether the caller is held to setting a new
// password: a user so marked, signed in with the password or through an
// API token. A technician's badge-and-PIN session at a kiosk never used
// the password and is not held up at the bay.
func mustChangePassword(w *who) bool {
	return w.user != nil && w.user.MustChangePassword && (w.session == nil || !w.session.byBadge())
}

// requireRole refuses users without one of the roles (the manager passes).
func requireRole(roles ...shop.Role) fiber.Handler {
	return func(c *fiber.Ctx) error {
		w := whoOf(c)
		if w.user.Has(shop.RoleManager) {
			return c.Next()
		}
		for _, r := range roles {
			if w.user.Has(r) {
				return c.Next()
			}
		}
		return problem(c, CodeForbidden, fmt.Sprintf("this needs one of the roles %v", roles))
	}
}

const (
	cookieSession = "bb_session"
	cookieDevice  = "bb_device"
	headerCSRF    = "X-CSRF-Token"
)

// SweepSessions deletes the sessions expired at now, so that a shop's file
// does not keep every sign-in of every shift. The server calls it now and
// then. Sessions expire on the wall clock: now must be the wall clock's
// time (Options.WallClock), never the shop's clock, which the demo runs
// faster.
func (s *Server) SweepSessions(now time.Time) (int, error) {
	var expired []string
	err := s.auth.EachAuth(authSessions, func(key string, v []byte) error {
		var ses session
		if json.Unmarshal(v, &ses) != nil || now.After(ses.Expires) {
			expired = append(expired, key)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, key := range expired {
		if err := s.auth.DeleteAuth(authSessions, key); err != nil {
			return 0, err
		}
	}
	return len(expired), nil
}
