package web

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"sort"
	"time"

	"bayboard/internal/shop"

	"github.com/gofiber/fiber/v2"
)

func (s *Server) listUsers(c *fiber.Ctx) error {
	st := s.eng.State()
	out := []userView{}
	for _, u := range sortedValues(st.Users) {
		out = append(out, viewUser(st, u))
	}
	return c.JSON(out)
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
	if u.PasswordHash != "" || u.PINHash != "" {
		return problem(c, shop.CodeInvalid, "send password and pin in clear over this endpoint, never hashes",
			shop.FieldError{Field: "user.password_hash", Message: "not accepted"})
	}
	if req.Password != "" {
		if err := checkPassword(req.Password); err != nil {
			return err
		}
		u.PasswordHash = HashSecret(req.Password)
	}
	if req.PIN != "" {
		if err := checkPIN(req.PIN); err != nil {
			return err
		}
		u.PINHash = HashSecret(req.PIN)
	}
	ev, err := s.eng.Do(c.UserContext(), whoOf(c).actor, &shop.PutUser{User: u})
	if err != nil {
		return err
	}
	st := s.eng.State()
	return c.JSON(viewUser(st, st.Users[ev.Subject]))
}

// createToken makes an API token acting as the calling manager. The token
// is shown once; only its hash is kept.
func (s *Server) createToken(c *fiber.Ctx) error {
	var req struct {
		Name string `json:"name"`
	}
	if err := decodeBody(c, &req); err != nil {
		return err
	}
	if req.Name == "" || len(req.Name) > 60 {
		return problem(c, shop.CodeInvalid, "name the token", shop.FieldError{Field: "name", Message: "1 to 60 characters"})
	}
	token, err := IssueToken(s.auth, whoOf(c).user.ID, req.Name, s.eng.Now())
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"token": token, "name": req.Name})
}

// IssueToken stores a new API token for a user and returns it.
func IssueToken(auth AuthStore, userID, name string, now time.Time) (string, error) {
	token := NewToken()
	raw, _ := json.Marshal(apiToken{UserID: userID, Name: name, Created: now})
	return token, auth.PutAuth(authTokens, tokenKey(token), raw)
}

// Views a screen may be given.
var Views = []string{"workshop", "lounge", "appointments", "parts", "wash", "advisor", "kiosk"}

func validView(v string) bool {
	for _, known := range Views {
		if v == known {
			return true
		}
	}
	return false
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
	if len([]rune(req.Name)) > 60 {
		return problem(c, shop.CodeInvalid, "name too long", shop.FieldError{Field: "name", Message: "at most 60 characters"})
	}
	pending := 0
	s.auth.EachAuth(authDevices, func(_ string, v []byte) error {
		var d Device
		if json.Unmarshal(v, &d) == nil && !d.Approved && !d.Revoked {
			pending++
		}
		return nil
	})
	if pending >= 50 {
		return problem(c, "locked", "too many screens wait for approval; approve or revoke some first")
	}
	poll := NewToken()
	d := Device{ID: "dev-" + NewToken()[:10], Name: req.Name, Code: fmt.Sprintf("%06d", rand.IntN(1_000_000)),
		Kiosk: req.Kiosk, PollKey: tokenKey(poll), Created: s.eng.Now(), Views: []string{}}
	if err := s.putDevice(&d); err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"device_id": d.ID, "code": d.Code, "poll_secret": poll})
}

func (s *Server) putDevice(d *Device) error {
	raw, err := json.Marshal(d)
	if err != nil {
		return err
	}
	return s.auth.PutAuth(authDevices, d.ID, raw)
}

func (s *Server) getDevice(id string) (*Device, error) {
	raw, err := s.auth.GetAuth(authDevices, id)
	if err != nil || raw == nil {
		return nil, err
	}
	var d Device
	return &d, json.Unmarshal(raw, &d)
}

// pairPoll is asked by the waiting screen; once approved, it hands over the
// device token once and sets it as a cookie.
func (s *Server) pairPoll(c *fiber.Ctx) error {
	d, err := s.getDevice(c.Params("id"))
	if err != nil {
		return err
	}
	if d == nil || d.PollKey == "" || tokenKey(c.Get("X-Pair-Secret")) != d.PollKey {
		return problem(c, shop.CodeNotFound, "no such pairing")
	}
	if !d.Approved {
		return c.JSON(fiber.Map{"approved": false, "code": d.Code})
	}
	token := NewToken()
	d.TokenKey, d.PollKey = tokenKey(token), ""
	if err := s.putDevice(d); err != nil {
		return err
	}
	if err := s.auth.PutAuth(authDeviceTokens, d.TokenKey, []byte(d.ID)); err != nil {
		return err
	}
	c.Cookie(&fiber.Cookie{Name: cookieDevice, Value: token, Path: "/", HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode, Expires: time.Now().AddDate(5, 0, 0)})
	return c.JSON(fiber.Map{"approved": true, "token": token, "views": d.Views, "lang": d.Lang, "name": d.Name})
}

func (s *Server) listDevices(c *fiber.Ctx) error {
	out := []Device{}
	s.auth.EachAuth(authDevices, func(_ string, v []byte) error {
		var d Device
		if json.Unmarshal(v, &d) == nil {
			d.TokenKey, d.PollKey = "", ""
			out = append(out, d)
		}
		return nil
	})
	sort.Slice(out, func(a, b int) bool { return out[a].Created.Before(out[b].Created) })
	return c.JSON(out)
}

// approveDevice approves the pending screen showing a code, naming it and
// choosing its views and language.
func (s *Server) approveDevice(c *fiber.Ctx) error {
	var req struct {
		Code  string   `json:"code"`
		Name  string   `json:"name"`
		Views []string `json:"views"`
		Lang  string   `json:"lang"`
	}
	if err := decodeBody(c, &req); err != nil {
		return err
	}
	if err := checkScreen(req.Name, req.Views, req.Lang); err != nil {
		return err
	}
	var found *Device
	s.auth.EachAuth(authDevices, func(_ string, v []byte) error {
		var d Device
		if json.Unmarshal(v, &d) == nil && !d.Approved && !d.Revoked && d.Code == req.Code {
			found = &d
		}
		return nil
	})
	if found == nil {
		return problem(c, shop.CodeNotFound, "no screen waits with that code")
	}
	found.Approved, found.Code, found.Name, found.Views, found.Lang = true, "", req.Name, req.Views, req.Lang
	if err := s.putDevice(found); err != nil {
		return err
	}
	s.log.Info("device approved", "device", found.ID, "name", found.Name, "views", found.Views, "by", whoOf(c).user.ID)
	found.PollKey = ""
	return c.JSON(found)
}

// checkScreen checks what a manager gives a screen: a name, its views and
// its language.
func checkScreen(name string, views []string, lang string) error {
	var fields []shop.FieldError
	if len(views) == 0 {
		fields = append(fields, shop.FieldError{Field: "views", Message: "at least one view"})
	}
	for i, v := range views {
		if !validView(v) {
			fields = append(fields, shop.FieldError{Field: fmt.Sprintf("views[%d]", i), Message: fmt.Sprintf("%q is not a view", v)})
		}
	}
	if lang != "zh-CN" && lang != "en" {
		fields = append(fields, shop.FieldError{Field: "lang", Message: "zh-CN or en"})
	}
	if name == "" || len([]rune(name)) > 60 {
		fields = append(fields, shop.FieldError{Field: "name", Message: "1 to 60 characters"})
	}
	if len(fields) > 0 {
		return &shop.Error{Code: shop.CodeInvalid, Message: "the request has invalid fields", Fields: fields}
	}
	return nil
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
	if err := checkScreen(req.Name, req.Views, req.Lang); err != nil {
		return err
	}
	d, err := s.getDevice(c.Params("id"))
	if err != nil {
		return err
	}
	if d == nil || d.Revoked || !d.Approved {
		return problem(c, shop.CodeNotFound, "no such approved screen")
	}
	d.Name, d.Views, d.Lang = req.Name, req.Views, req.Lang
	if err := s.putDevice(d); err != nil {
		return err
	}
	s.log.Info("device changed", "device", d.ID, "name", d.Name, "views", d.Views, "by", whoOf(c).user.ID)
	d.TokenKey, d.PollKey = "", ""
	return c.JSON(d)
}

func (s *Server) revokeDevice(c *fiber.Ctx) error {
	d, err := s.getDevice(c.Params("id"))
	if err != nil {
		return err
	}
	if d == nil {
		return problem(c, shop.CodeNotFound, "no such device")
	}
	if d.TokenKey != "" {
		if err := s.auth.DeleteAuth(authDeviceTokens, d.TokenKey); err != nil {
			return err
		}
	}
	d.Revoked, d.TokenKey, d.PollKey = true, "", ""
	if err := s.putDevice(d); err != nil {
		return err
	}
	s.log.Info("device revoked", "device", d.ID, "by", whoOf(c).user.ID)
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) downloadBackup(c *fiber.Ctx) error {
	name := "bayboard-" + s.eng.Now().Format("20060102-150405") + ".db"
	c.Set(fiber.HeaderContentType, "application/octet-stream")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	// Written into the response buffer inside one read transaction: a
	// consistent copy while writes go on.
	_, err := s.backup.Backup(c.Response().BodyWriter())
	return err
}

func (s *Server) healthz(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"status": "ok", "version": s.opts.Version, "demo": s.opts.Demo,
		"uptime_seconds": int(time.Since(s.started).Seconds())})
}

// Demo reports whether the server runs the demo shop.
func (s *Server) Demo() bool { return s.opts.Demo }

// Who exposes the caller of a request to packages that add routes.
func Who(c *fiber.Ctx) (user *shop.User, actor shop.Actor, device *Device) {
	w := whoOf(c)
	return w.user, w.actor, w.device
}
