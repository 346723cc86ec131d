package web

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"bayboard/internal/access"
	"bayboard/internal/shop"

	"github.com/gofiber/fiber/v2"
)

// retryAfter is the Retry-After header's value: whole seconds.
func retryAfter(wait time.Duration) string {
	return strconv.Itoa(int(math.Ceil(wait.Seconds())))
}

// who is the caller of a request, as the middleware found them.
type who struct {
	user    *shop.User
	session *access.Session
	device  *access.Device
	token   bool   // bearer API token: no CSRF needed
	tokenID string // the API token's ID, for its rate limit
	actor   shop.Actor
}

// loadDevice finds the screen a device token belongs to.
func (s *Server) loadDevice(token string) *access.Device { return access.LoadDevice(s.auth, token) }

// identify is the middleware that decides who is asking. It never refuses:
// handlers ask for what they need with requireUser / requireView.
func (s *Server) identify(c *fiber.Ctx) error {
	now := s.opts.WallClock()
	st := s.eng.State()
	w := &who{}
	if bearer := bearerToken(c); bearer != "" {
		if t, ok := access.LoadToken(s.auth, bearer); ok {
			w.user, w.token, w.tokenID = st.Users[t.UserID], true, t.ID()
			w.actor.DeviceID = "token:" + t.Name
		} else if d := s.loadDevice(bearer); d != nil {
			w.device = d
		}
	}
	if w.user == nil {
		if ses, ok := access.LoadSession(s.auth, c.Cookies(cookieSession), now); ok && !ses.Current(st.Users[ses.UserID]) {
			// The user was deactivated, or their password, PIN or badge
			// changed since: the session ends here, for good.
			access.CloseSession(s.auth, ses.Key)
		} else if ok {
			w.user, w.session = st.Users[ses.UserID], &ses
			w.actor.DeviceID = ses.DeviceID
			if w.actor.DeviceID == "" {
				w.actor.DeviceID = "browser:" + ses.Key[:8]
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
	return s.limitChanges(c)
}

// requireSignedIn is requireUser for the few routes a person who must
// change their password may use: who they are, and the change itself.
func (s *Server) requireSignedIn(c *fiber.Ctx) error {
	if refused := signedIn(c); refused != nil {
		return refused()
	}
	return s.limitChanges(c)
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
	return w.user != nil && w.user.MustChangePassword && (w.session == nil || !w.session.ByBadge())
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
