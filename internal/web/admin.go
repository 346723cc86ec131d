package web

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"bayboard/internal/access"
	"bayboard/internal/shop"

	"github.com/gofiber/fiber/v2"
)

func (s *Server) listUsers(c *fiber.Ctx) error {
	st := s.eng.State()
	out := []userView{}
	for _, u := range sortedValues(st.Users) {
		v := viewUser(st, u)
		v.Locked = s.guard.Locked(loginKey(u.Login)) || s.guard.Locked(badgeUserKey(u.ID))
		out = append(out, v)
	}
	return c.JSON(out)
}

// unlockUser lets a user in whom failed sign-ins have locked out, at every
// address: their login's and their badge's failures are forgiven. The
// addresses' own counts stay, so an address that guessed stays locked.
func (s *Server) unlockUser(c *fiber.Ctx) error {
	u := s.eng.State().Users[c.Params("id")]
	if u == nil {
		return problem(c, CodeNotFound, "no user "+c.Params("id"))
	}
	s.guard.Unlock(loginKey(u.Login))
	s.guard.Unlock(badgeUserKey(u.ID))
	s.log.Info("sign-in unlocked", "user", u.ID, "by", whoOf(c).actor.UserID)
	return c.SendStatus(fiber.StatusNoContent)
}

// putUser creates or changes a user, hashing a new password or PIN here so
// that no secret reaches the event history.
func (s *Server) putUser(c *fiber.Ctx) error {
	var req struct {
		User     shop.User `json:"user"`
		Password string    `json:"password,omitempty"`
		PIN      string    `json:"pin,omitempty"`
	}
	if err := decodeBody(c, &req); err != nil {
		return err
	}
	u := req.User
	if req.Password != "" {
		if err := checkPassword("password", req.Password); err != nil {
			return err
		}
		u.PasswordHash = s.hasher.Hash(req.Password)
	}
	if req.PIN != "" {
		if err := checkPIN(req.PIN, s.eng.State().Settings); err != nil {
			return err
		}
		u.PINHash = s.hasher.Hash(req.PIN)
	}
	before := s.eng.State().Users[u.ID]
	ev, err := s.eng.Do(c.UserContext(), whoOf(c).actor, &shop.PutUser{User: u})
	if err != nil {
		return err
	}
	if err := s.userChanged(before, ev.Subject); err != nil {
		return err
	}
	st := s.eng.State()
	return c.JSON(viewUser(st, st.Users[ev.Subject]))
}

// userChanged ends every session of a user who was just deactivated or
// whose password, PIN or badge code was just changed (a manager's reset
// ends all of them): reactivating the user later brings none back. It
// runs after each put_user, whichever route gave it.
func (s *Server) userChanged(before *shop.User, userID string) error {
	after := s.eng.State().Users[userID]
	if after == nil || before == nil || (after.Active && access.Stamp(before) == access.Stamp(after)) {
		return nil
	}
	_, err := access.EndSessions(s.auth, userID, "")
	return err
}

// by is the caller as the author of an access change, at the shop's time.
func (s *Server) by(c *fiber.Ctx) access.By { return access.ByActor(whoOf(c).actor, s.eng.Now()) }

// createToken makes an API token acting as the calling manager. The token
// is shown once; only its hash is kept.
func (s *Server) createToken(c *fiber.Ctx) error {
	var req struct {
		Name string `json:"name"`
	}
	if err := decodeBody(c, &req); err != nil {
		return err
	}
	req.Name = strings.TrimSpace(req.Name)
	if req.Name == "" || len([]rune(req.Name)) > 60 {
		return problem(c, CodeInvalid, "name the token", shop.FieldError{Field: "name", Message: "1 to 60 characters"})
	}
	token, err := access.IssueToken(s.auth, s.by(c), whoOf(c).user.ID, req.Name)
	if err != nil {
		return err
	}
	issued := access.APIToken{Key: access.TokenKey(token)}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"token": token, "id": issued.ID(), "name": req.Name})
}

// listTokens lists the API tokens, never the tokens themselves.
func (s *Server) listTokens(c *fiber.Ctx) error {
	type item struct {
		ID string `json:"id"`
		access.APIToken
	}
	tokens, err := access.Tokens(s.auth)
	if err != nil {
		return err
	}
	out := []item{}
	for _, t := range tokens {
		out = append(out, item{ID: t.ID(), APIToken: t})
	}
	return c.JSON(out)
}

// revokeToken deletes an API token: the scripts using it are refused from
// their next request.
func (s *Server) revokeToken(c *fiber.Ctx) error {
	err := access.RevokeToken(s.auth, s.by(c), c.Params("id"))
	if errors.Is(err, access.ErrNotFound) {
		return problem(c, CodeNotFound, "no such token")
	}
	if err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// pairStart registers a new screen and gives it a six-digit code to show;
// a manager approves the code. The poll key lets only this screen collect
// its token.
func (s *Server) pairStart(c *fiber.Ctx) error {
	var req struct {
		Name  string `json:"name"`
		Kiosk bool   `json:"kiosk"`
	}
	if err := decodeBody(c, &req); err != nil {
		return err
	}
	d, poll, err := access.StartPairing(s.auth, access.Pairing{Name: req.Name, Kiosk: req.Kiosk, Address: c.IP()}, s.eng.Now(), s.opts.WallClock())
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"device_id": d.ID, "code": d.Code, "poll_secret": poll})
}

// pairPoll is asked by the waiting screen; once approved, it hands over the
// device token once and sets it as a cookie.
func (s *Server) pairPoll(c *fiber.Ctx) error {
	d, err := access.CollectPairing(s.auth, c.Params("id"), c.Get("X-Pair-Secret"), s.eng.Now(), s.opts.WallClock())
	if errors.Is(err, access.ErrNotFound) {
		return problem(c, CodeNotFound, "no such pairing")
	}
	if err != nil {
		return err
	}
	if d.Token == "" {
		return c.JSON(fiber.Map{"approved": false, "code": d.Code})
	}
	s.setCookie(c, &fiber.Cookie{Name: cookieDevice, Value: d.Token, Path: "/", HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode, Expires: time.Now().AddDate(5, 0, 0)})
	return c.JSON(fiber.Map{"approved": true, "token": d.Token, "views": d.Views, "lang": d.Lang, "name": d.Name})
}

func (s *Server) listDevices(c *fiber.Ctx) error {
	out, err := access.Screens(s.auth, s.opts.WallClock())
	if err != nil {
		return err
	}
	return c.JSON(out)
}

// screenRequest is what a manager gives a waiting screen: its code, a name, views and a language.
type screenRequest struct {
	Code  string   `json:"code"`
	Name  string   `json:"name"`
	Views []string `json:"views"`
	Lang  string   `json:"lang"`
}

// approveDevice approves the pending screen showing a code, naming it and
// choosing its views and language.
func (s *Server) approveDevice(c *fiber.Ctx) error {
	var req screenRequest
	if err := decodeBody(c, &req); err != nil {
		return err
	}
	d, err := access.ApproveScreen(s.auth, s.by(c), s.opts.WallClock(), req.Code, req.Name, req.Views, req.Lang)
	if errors.Is(err, access.ErrNotFound) {
		return problem(c, CodeNotFound, "no screen waits with that code")
	}
	if err != nil {
		return err
	}
	s.log.Info("device approved", "device", d.ID, "name", d.Name, "views", d.Views, "by", whoOf(c).user.ID)
	return c.JSON(d)
}

// updateDevice renames an approved screen or changes its views or
// language; the screen picks the change up when it next loads its board.
func (s *Server) updateDevice(c *fiber.Ctx) error {
	var req struct {
		Name  string   `json:"name"`
		Views []string `json:"views"`
		Lang  string   `json:"lang"`
	}
	if err := decodeBody(c, &req); err != nil {
		return err
	}
	d, err := access.ChangeScreen(s.auth, s.by(c), c.Params("id"), req.Name, req.Views, req.Lang)
	if errors.Is(err, access.ErrNotFound) {
		return problem(c, CodeNotFound, "no such approved screen")
	}
	if err != nil {
		return err
	}
	s.log.Info("device changed", "device", d.ID, "name", d.Name, "views", d.Views, "by", whoOf(c).user.ID)
	return c.JSON(d)
}

func (s *Server) revokeDevice(c *fiber.Ctx) error {
	id := c.Params("id")
	err := access.RevokeScreen(s.auth, s.by(c), id)
	if errors.Is(err, access.ErrNotFound) {
		return problem(c, CodeNotFound, "no such device")
	}
	if err != nil {
		return err
	}
	s.log.Info("device revoked", "device", id, "by", whoOf(c).user.ID)
	return c.SendStatus(fiber.StatusNoContent)
}

// downloadBackup sends a consistent copy of the data file. The copy is
// taken into an unlinked temporary file first, at disk speed, and streamed
// from there: a year of history never sits in memory, and a slow download
// holds no read transaction open (bbolt cannot grow its file while one is).
func (s *Server) downloadBackup(c *fiber.Ctx) error {
	// Beside the data file: the same disk, writable where the file is
	// (a container's data volume), with room for what the file holds.
	f, err := os.CreateTemp(filepath.Dir(s.backup.Path()), ".backup-*.db")
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	os.Remove(f.Name()) // the open file stays readable until it is closed
	n, err := s.backup.Backup(f)
	if err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil {
		f.Close()
		return fmt.Errorf("backup: %w", err)
	}
	name := "bayboard-" + s.eng.Now().Format("20060102-150405") + ".db"
	c.Set(fiber.HeaderContentType, "application/octet-stream")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	c.Response().SetBodyStream(f, int(n)) // fasthttp closes f once sent
	return nil
}

// healthz says the server serves. Records set aside as unreadable do not
// make it unhealthy (the rest of the shop serves) but are listed, so that
// whoever watches the server learns the file needs mending.
func (s *Server) healthz(c *fiber.Ctx) error {
	out := fiber.Map{"status": "ok", "version": s.opts.Version, "demo": s.opts.Demo,
		"uptime_seconds": int(time.Since(s.started).Seconds()), "set_aside": append([]SetAsideRecord{}, s.opts.SetAside...)}
	if pc := s.opts.Photos; pc != nil {
		out["photos"] = fiber.Map{"orphans": len(pc.Orphans), "missing": append([]string{}, pc.Missing...)}
	}
	return c.JSON(out)
}

// Who is the caller of a request: a person, their actor, or a paired screen.
func Who(c *fiber.Ctx) (user *shop.User, actor shop.Actor, device *access.Device) {
	w := whoOf(c)
	return w.user, w.actor, w.device
}

// setup says, step by step in the order to take them, what the shop has
// set up and what it still lacks (shop.State.Setup); the admin's first
// page lists it and each page warns of its own step's gaps.
func (s *Server) setup(c *fiber.Ctx) error {
	paired, err := access.PairedScreens(s.auth)
	if err != nil {
		return err
	}
	return c.JSON(struct {
		Steps []shop.SetupState `json:"steps"`
	}{s.eng.State().Setup(paired)})
}
