package web

import (
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
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
	if req.Password != "" {
		if err := checkPassword("password", req.Password); err != nil {
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

// recordAuth writes auth values and the event that records the change in
// one transaction: screens and tokens have their history like the shop.
// The caller is the actor.
func (s *Server) recordAuth(c *fiber.Ctx, typ, subject string, data any, changes ...shop.Record) error {
	return s.recordAuthBy(whoOf(c).actor, typ, subject, data, changes...)
}

// recordAuthBy is recordAuth by a given actor; without a user, the actor
// is a screen.
func (s *Server) recordAuthBy(actor shop.Actor, typ, subject string, data any, changes ...shop.Record) error {
	return changeAuth(s.auth, s.authEvent(actor), typ, subject, data, changes...)
}

// authEvent is the start of an access change's event: when, by whom, from
// which device; without a user, the actor is a screen.
func (s *Server) authEvent(actor shop.Actor) shop.Event {
	name := actor.UserID
	if name == "" {
		name = "screen"
	}
	return shop.Event{At: s.eng.Now(), Actor: name, Device: actor.DeviceID}
}

// changeAuth writes auth changes with their event, of a type and subject
// with data, in one transaction.
func changeAuth(auth AuthStore, ev shop.Event, typ, subject string, data any, changes ...shop.Record) error {
	raw, err := json.Marshal(data)
	if err != nil {
		return err
	}
	ev.Type, ev.Subject, ev.Data = typ, subject, raw
	_, err = auth.ChangeAuth(changes, ev)
	return err
}

func authPut(kind, key string, v []byte) shop.Record {
	return shop.Record{Kind: kind, ID: key, Value: v}
}
func authDelete(kind, key string) shop.Record { return shop.Record{Kind: kind, ID: key} }

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
	w := whoOf(c)
	token, err := issueToken(s.auth, s.authEvent(w.actor), w.user.ID, req.Name)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"token": token, "id": tokenID(tokenKey(token)), "name": req.Name})
}

// tokenID names a token in lists and history: the start of its hash, which
// tells nothing of the token itself.
func tokenID(key string) string { return key[:16] }

// listTokens lists the API tokens, never the tokens themselves.
func (s *Server) listTokens(c *fiber.Ctx) error {
	type item struct {
		ID string `json:"id"`
		apiToken
	}
	out := []item{}
	s.auth.EachAuth(authTokens, func(key string, v []byte) error {
		var t apiToken
		if json.Unmarshal(v, &t) == nil {
			out = append(out, item{ID: tokenID(key), apiToken: t})
		}
		return nil
	})
	sort.Slice(out, func(a, b int) bool { return out[a].Created.Before(out[b].Created) })
	return c.JSON(out)
}

// revokeToken deletes an API token: the scripts using it are refused from
// their next request.
func (s *Server) revokeToken(c *fiber.Ctx) error {
	id := c.Params("id")
	var key string
	var t apiToken
	s.auth.EachAuth(authTokens, func(k string, v []byte) error {
		if tokenID(k) == id && json.Unmarshal(v, &t) == nil {
			key = k
		}
		return nil
	})
	if key == "" {
		return problem(c, CodeNotFound, "no such token")
	}
	if err := s.recordAuth(c, "token_revoked", id, fiber.Map{"name": t.Name, "user_id": t.UserID},
		authDelete(authTokens, key)); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// IssueToken stores a new API token for a user and returns it: the
// demo's token for scripts, made at start-up by the system.
func IssueToken(auth AuthStore, userID, name string, now time.Time) (string, error) {
	return issueToken(auth, shop.Event{At: now, Actor: "system"}, userID, name)
}

// issueToken stores a new API token, only its hash, with the event ev
// (who issued it, when) completed, and returns the token.
func issueToken(auth AuthStore, ev shop.Event, userID, name string) (string, error) {
	token := NewToken()
	raw, err := json.Marshal(apiToken{UserID: userID, Name: name, Created: ev.At})
	if err != nil {
		return "", err
	}
	key := tokenKey(token)
	err = changeAuth(auth, ev, "token_issued", tokenID(key), map[string]string{"name": name, "user_id": userID},
		authPut(authTokens, key, raw))
	return token, err
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
		return problem(c, CodeInvalid, "name too long", shop.FieldError{Field: "name", Message: "at most 60 characters"})
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
		return problem(c, CodeLocked, "too many screens wait for approval; approve or revoke some first")
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

// recordDevice writes a screen, with any other auth changes, and the event
// naming what changed in one transaction.
func (s *Server) recordDevice(c *fiber.Ctx, typ string, d *Device, more ...shop.Record) error {
	raw, err := json.Marshal(d)
	if err != nil {
		return err
	}
	return s.recordAuth(c, typ, d.ID, fiber.Map{"name": d.Name, "views": d.Views, "lang": d.Lang},
		append([]shop.Record{authPut(authDevices, d.ID, raw)}, more...)...)
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
		return problem(c, CodeNotFound, "no such pairing")
	}
	if !d.Approved {
		return c.JSON(fiber.Map{"approved": false, "code": d.Code})
	}
	token := NewToken()
	d.TokenKey, d.PollKey = tokenKey(token), ""
	raw, err := json.Marshal(d)
	if err != nil {
		return err
	}
	// The screen collecting its token is the device it pairs, whatever
	// cookie it may still carry.
	if err := s.recordAuthBy(shop.Actor{DeviceID: d.ID}, "screen_paired", d.ID, fiber.Map{"name": d.Name},
		authPut(authDevices, d.ID, raw), authPut(authDeviceTokens, d.TokenKey, []byte(d.ID))); err != nil {
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
		return problem(c, CodeNotFound, "no screen waits with that code")
	}
	found.Approved, found.Code, found.Name, found.Views, found.Lang = true, "", req.Name, req.Views, req.Lang
	if err := s.recordDevice(c, "screen_approved", found); err != nil {
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
		return problem(c, CodeNotFound, "no such approved screen")
	}
	d.Name, d.Views, d.Lang = req.Name, req.Views, req.Lang
	if err := s.recordDevice(c, "screen_changed", d); err != nil {
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
		return problem(c, CodeNotFound, "no such device")
	}
	var changes []shop.Record
	if d.TokenKey != "" {
		changes = append(changes, authDelete(authDeviceTokens, d.TokenKey))
	}
	d.Revoked, d.TokenKey, d.PollKey = true, "", ""
	if err := s.recordDevice(c, "screen_revoked", d, changes...); err != nil {
		return err
	}
	s.log.Info("device revoked", "device", d.ID, "by", whoOf(c).user.ID)
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

func (s *Server) healthz(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"status": "ok", "version": s.opts.Version, "demo": s.opts.Demo,
		"uptime_seconds": int(time.Since(s.started).Seconds())})
}

// Who is the caller of a request: a person, their actor, or a paired screen.
func Who(c *fiber.Ctx) (user *shop.User, actor shop.Actor, device *Device) {
	w := whoOf(c)
	return w.user, w.actor, w.device
}

// setup says, step by step in the order to take them, what the shop has
// set up and what it still lacks (shop.State.Setup); the admin's first
// page lists it and each page warns of its own step's gaps.
func (s *Server) setup(c *fiber.Ctx) error {
	paired := 0
	err := s.auth.EachAuth(authDevices, func(_ string, v []byte) error {
		var d Device
		if json.Unmarshal(v, &d) == nil && d.Approved && !d.Revoked {
			paired++
		}
		return nil
	})
	if err != nil {
		return err
	}
	return c.JSON(struct {
		Steps []shop.SetupState `json:"steps"`
	}{s.eng.State().Setup(paired)})
}
