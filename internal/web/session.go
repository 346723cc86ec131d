package web

import (
	"fmt"
	"time"

	"bayboard/internal/access"
	"bayboard/internal/shop"
	"bayboard/kiosk"

	"github.com/gofiber/fiber/v2"
)

type signInRequest struct {
	Login    string `json:"login,omitempty"`
	Password string `json:"password,omitempty"`
	Badge    string `json:"badge,omitempty"`
	// BadgeToken is the signed token of a scanned badge QR code
	// (/k/badge/{token}); it stands for the badge code.
	BadgeToken string `json:"badge_token,omitempty"`
	PIN        string `json:"pin,omitempty"`
}

type signInResponse struct {
	User userView `json:"user"`
	CSRF string   `json:"csrf"`
}

type userView struct {
	ID           string      `json:"id"`
	Login        string      `json:"login"`
	Name         string      `json:"name"`
	Phone        string      `json:"phone,omitempty"`
	Roles        []shop.Role `json:"roles"`
	Badge        string      `json:"badge_code,omitempty"`
	Active       bool        `json:"active"`
	TechnicianID string      `json:"technician_id,omitempty"`
	// MustChangePassword: the user's next step is a new password.
	MustChangePassword bool `json:"must_change_password,omitempty"`
	// Locked: failed sign-ins have locked the user out at some address
	// (the users list only); a manager may unlock them.
	Locked bool `json:"locked,omitempty"`
}

// The guard's keys of a login and of a known badge's user: a badge typed
// or scanned counts against the same one.
func loginKey(login string) string  { return "login:" + login }
func badgeUserKey(id string) string { return "badge-user:" + id }

func viewUser(st *shop.State, u *shop.User) userView {
	v := userView{ID: u.ID, Login: u.Login, Name: u.Name, Phone: u.Phone, Roles: u.Roles, Badge: u.BadgeCode, Active: u.Active,
		MustChangePassword: u.MustChangePassword}
	if t := st.TechnicianOfUser(u.ID); t != nil {
		v.TechnicianID = t.ID
	}
	return v
}

// signIn takes a login and password (staff) or a badge code and PIN
// (technicians at a kiosk). Failures are slowed, then locked.
func (s *Server) signIn(c *fiber.Ctx) error {
	var req signInRequest
	if err := decodeBody(c, &req); err != nil {
		return err
	}
	// A session lasts real time, not the shop's (see Options.WallClock).
	now := s.opts.WallClock()
	st := s.eng.State()
	var user *shop.User
	var secret, stored, key string
	ttl := access.StaffSessionTTL
	kioskTTL := access.KioskSessionTTL
	if m := st.Settings.KioskIdleMinutes; m > 0 {
		kioskTTL = time.Duration(m) * time.Minute
	}
	onKiosk := false
	switch {
	case req.Login != "" && req.Password != "" && req.Badge == "" && req.PIN == "":
		key = loginKey(req.Login)
		user = st.UserByLogin(req.Login)
		secret = req.Password
		if user != nil {
			stored = user.PasswordHash
		}
	case req.BadgeToken != "" && req.PIN != "" && req.Badge == "" && req.Login == "" && req.Password == "":
		u, err := kiosk.BadgeUser(s.tokens, st, req.BadgeToken, s.eng.Now())
		if err != nil {
			return problem(c, CodeBadLink, "this badge code is not valid here")
		}
		key = badgeUserKey(u.ID)
		user, stored = u, u.PINHash
		secret, ttl, onKiosk = req.PIN, kioskTTL, true
	case req.Badge != "" && req.PIN != "" && req.Login == "" && req.Password == "":
		key = "badge:" + req.Badge
		user = st.UserByBadge(req.Badge)
		secret, ttl, onKiosk = req.PIN, kioskTTL, true
		if user != nil {
			// A badge typed or scanned counts against the same lock.
			key = badgeUserKey(user.ID)
			stored = user.PINHash
		}
	default:
		return problem(c, CodeInvalid, "send login and password, or badge (or badge_token) and pin",
			shop.FieldError{Field: "login", Message: "login and password, or badge and pin"})
	}
	address := access.AddressKey(c.IP())
	if wait, ok := s.guard.Reserve(key, address); !ok {
		return lockedOut(c, wait)
	}
	if user == nil || stored == "" || !access.CheckSecret(secret, stored) {
		s.guard.Failed(key, address)
		return problem(c, CodeUnauthorized, "wrong sign-in details")
	}
	s.guard.Succeeded(key, address)
	opening := access.Opening{UserID: user.ID, Stamp: access.Stamp(user), TTL: ttl, Idle: onKiosk, Badge: onKiosk}
	if d := whoOf(c).device; d != nil {
		opening.DeviceID = d.ID
		if d.Shared() {
			// A password typed on the floor's shared kiosk gets the
			// kiosk's idle time, not a shift's.
			opening.TTL, opening.Idle = kioskTTL, true
		}
	}
	token, ses, err := access.OpenSession(s.auth, opening, now)
	if err != nil {
		return err
	}
	s.setCookie(c, &fiber.Cookie{Name: cookieSession, Value: token, Path: "/", HTTPOnly: true, SameSite: fiber.CookieSameSiteStrictMode, Expires: now.Add(opening.TTL)})
	return c.JSON(signInResponse{User: viewUser(st, user), CSRF: ses.CSRF})
}

// lockedOut answers a sign-in while its account or address is locked, with
// a Retry-After that says when to try again.
func lockedOut(c *fiber.Ctx, wait time.Duration) error {
	c.Set(fiber.HeaderRetryAfter, retryAfter(wait))
	return problem(c, CodeLocked, "too many failed attempts; try again in "+retryAfter(wait)+" seconds")
}

func (s *Server) signOut(c *fiber.Ctx) error {
	w := whoOf(c)
	if w.session != nil {
		if c.Get(headerCSRF) != w.session.CSRF {
			return problem(c, CodeCSRF, "send the X-CSRF-Token header given at sign-in")
		}
		access.CloseSession(s.auth, w.session.Key)
	}
	s.setCookie(c, &fiber.Cookie{Name: cookieSession, Value: "", Path: "/", HTTPOnly: true, SameSite: fiber.CookieSameSiteStrictMode, Expires: time.Unix(0, 0)})
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) me(c *fiber.Ctx) error {
	w := whoOf(c)
	out := struct {
		User    userView    `json:"user"`
		CSRF    string      `json:"csrf,omitempty"`
		BaseURL baseURLView `json:"base_url"`
		// May lists the command types the user's roles allow, so a page
		// offers what the server accepts without a copy of the roles.
		May []string `json:"may"`
	}{User: viewUser(s.eng.State(), w.user), BaseURL: s.baseURLOf(c), May: shop.MayGive(w.actor)}
	if w.session != nil {
		out.CSRF = w.session.CSRF
	}
	return c.JSON(out)
}

// changePassword sets the caller's own password: the old one, the new
// one, and (from the pages, optional for scripts) the new one again. Each
// refusal names its field: old (wrong), new_again (does not match), new
// (too short or long, or the same as the old one). It also ends the hold
// of a password someone else set.
func (s *Server) changePassword(c *fiber.Ctx) error {
	var req struct {
		Old      string  `json:"old"`
		New      string  `json:"new"`
		NewAgain *string `json:"new_again,omitempty"`
	}
	if err := decodeBody(c, &req); err != nil {
		return err
	}
	w := whoOf(c)
	if ok, err := oldPasswordRight(c, s.guard, w.user.Login, w.user.PasswordHash, req.Old); !ok {
		return err // the refusal, written
	}
	if req.NewAgain != nil && *req.NewAgain != req.New {
		return problem(c, CodeInvalid, "the new password was typed differently the second time",
			shop.FieldError{Field: "new_again", Message: "does not match the new password"})
	}
	if err := checkPassword("new", req.New); err != nil {
		return err
	}
	if req.New == req.Old {
		return problem(c, CodeInvalid, "choose a password other than the old one",
			shop.FieldError{Field: "new", Message: "is the same as the old password"})
	}
	if _, err := s.eng.Do(c.UserContext(), w.actor, &shop.ChangeOwnPassword{PasswordHash: s.hasher.Hash(req.New)}); err != nil {
		return err
	}
	// Every other session of the user ends; the one that changed the
	// password stays (an API token's caller has none to keep).
	keep := ""
	if w.session != nil {
		keep = w.session.Key
		if err := access.Restamp(s.auth, *w.session, s.eng.State().Users[w.user.ID]); err != nil {
			return err
		}
	}
	if _, err := access.EndSessions(s.auth, w.user.ID, keep); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// checkPassword checks a new password, sent as the field named.
func checkPassword(field, p string) error {
	if len(p) < 10 || len(p) > 200 {
		return &shop.Error{Code: shop.CodeInvalid, Message: "choose a longer password", Fields: []shop.FieldError{{Field: field, Message: "10 to 200 characters"}}}
	}
	return nil
}

// checkPIN checks a new PIN: digits, as many as the shop asks (its
// settings' PINMin) and at most shop.PINMaxDigits.
func checkPIN(p string, settings shop.Settings) error {
	least := settings.PINMin()
	ok := len(p) >= least && len(p) <= shop.PINMaxDigits
	for _, r := range p {
		ok = ok && r >= '0' && r <= '9'
	}
	if !ok {
		// The saying is written as the pages' catalogs have it (%d for
		// the number; 8 is shop.PINMaxDigits).
		field := shop.FieldError{Field: "pin", Message: "%d to 8 digits"}
		field.Message = fmt.Sprintf(field.Message, least)
		return &shop.Error{Code: shop.CodeInvalid, Message: "a PIN is " + field.Message, Fields: []shop.FieldError{field}}
	}
	return nil
}

// oldPasswordRight checks the old password a password change gives, and
// when it is refused writes the refusal (ok false, and what writing it
// returned). It is guessed against the same lock as a sign-in: a stolen
// session must not become a way to find the password.
func oldPasswordRight(c *fiber.Ctx, guard *access.Guard, login, hash, old string) (ok bool, err error) {
	key, address := loginKey(login), access.AddressKey(c.IP())
	if wait, free := guard.Reserve(key, address); !free {
		return false, lockedOut(c, wait)
	}
	if !access.CheckSecret(old, hash) {
		guard.Failed(key, address)
		return false, problem(c, CodeInvalid, "the old password is wrong", shop.FieldError{Field: "old", Message: "is wrong"})
	}
	guard.Succeeded(key, address)
	return true, nil
}
