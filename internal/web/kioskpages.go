package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"html/template"
	"io/fs"
	"time"

	"bayboard/kiosk"

	"github.com/gofiber/fiber/v2"
)

// The pages people open by scanning a QR code or at a counter, phone first:
//
//	GET /k/bay/{token}    a bay's kiosk: sign in, the bay's job, one's queue
//	GET /k/job/{token}    a job's kiosk: the actions the signed-in person may take
//	GET /k/badge/{token}  a badge: signs its technician in on this device
//	GET /k/parts          the parts counter (a signed-in parts clerk)
//	GET /c/{token}        the customer's own page for their car
//
// The server checks the token before it sends a page: a forged, altered,
// wrong-purpose, expired or revoked code gets a plain 403 page saying so,
// rendered here, and nothing of any job. A good token gets the page's
// shell; its script reads the object through the API with the same token.

// kioskPages renders the pages from the embedded templates.
type kioskPages struct {
	s    *Server
	tmpl *template.Template
	// messages are the shared and kiosk catalogs merged, per language,
	// for the words the server writes into the refusal page.
	messages map[string]map[string]string
}

func newKioskPages(s *Server, pages fs.FS) (*kioskPages, error) {
	kp := &kioskPages{s: s, messages: map[string]map[string]string{}}
	for _, lang := range []string{"zh-CN", "en"} {
		m := map[string]string{}
		for _, name := range []string{"i18n/" + lang + ".json", "i18n/kiosk/" + lang + ".json"} {
			raw, err := fs.ReadFile(pages, name)
			if err != nil {
				return nil, err
			}
			if err := json.Unmarshal(raw, &m); err != nil {
				return nil, errors.New(name + ": " + err.Error())
			}
		}
		kp.messages[lang] = m
	}
	tmpl, err := template.New("").Funcs(template.FuncMap{"t": func(lang, key string) string {
		if m, ok := kp.messages[lang][key]; ok {
			return m
		}
		return key
	}}).ParseFS(pages, "kiosk/page.html", "kiosk/denied.html")
	if err != nil {
		return nil, err
	}
	kp.tmpl = tmpl
	return kp, nil
}

// kioskPageData is what the templates are given.
type kioskPageData struct {
	Lang  string
	Other string // the language the switch offers
	Page  string // bay, job, badge, parts, customer
	// Reason says why a code was refused: forged, wrong_purpose, expired,
	// revoked or gone.
	Reason   string
	Customer bool
	// TimeZone is the shop's, for the times the scripts show.
	TimeZone string
	// Poll is Options.PagePoll in milliseconds, 0 when unset.
	Poll int64
}

// language picks a page's language: ?lang= (remembered in the cookie the
// desk uses too, so that the next scanned code speaks it), the cookie, then
// the shop's. The cookie is Lax: a phone's camera opening a code is a
// navigation from elsewhere.
func (kp *kioskPages) language(c *fiber.Ctx) string {
	if l := c.Query("lang"); l == "zh-CN" || l == "en" {
		kp.s.setCookie(c, &fiber.Cookie{Name: cookieLang, Value: l, Path: "/", SameSite: fiber.CookieSameSiteLaxMode, Expires: time.Now().AddDate(1, 0, 0)})
		return l
	}
	for _, l := range []string{c.Cookies(cookieLang), kp.s.eng.State().Settings.Language} {
		if l == "zh-CN" || l == "en" {
			return l
		}
	}
	return "zh-CN"
}

func (kp *kioskPages) render(c *fiber.Ctx, status int, name string, d kioskPageData) error {
	d.Lang = kp.language(c)
	if tz := kp.s.eng.State().Settings.TimeZone; tz != "" {
		if _, err := time.LoadLocation(tz); err == nil {
			d.TimeZone = tz
		}
	}
	d.Poll = kp.s.opts.PagePoll.Milliseconds()
	d.Other = "en"
	if d.Lang == "en" {
		d.Other = "zh-CN"
	}
	var buf bytes.Buffer
	if err := kp.tmpl.ExecuteTemplate(&buf, name, d); err != nil {
		return err
	}
	c.Status(status)
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "no-store")
	// The token in the address is the key: no other site learns it.
	c.Set(fiber.HeaderReferrerPolicy, "no-referrer")
	c.Set("X-Robots-Tag", "noindex")
	return c.Send(buf.Bytes())
}

// denied answers a refused code with 403 and a page that says why.
func (kp *kioskPages) denied(c *fiber.Ctx, err error, customer bool) error {
	reason := "forged"
	switch {
	case errors.Is(err, kiosk.ErrWrongPurpose):
		reason = "wrong_purpose"
	case errors.Is(err, kiosk.ErrExpired):
		reason = "expired"
	case errors.Is(err, kiosk.ErrRevoked):
		reason = "revoked"
	case errors.Is(err, errGone):
		reason = "gone"
	}
	c.Locals("problem", "bad_link")
	return kp.render(c, fiber.StatusForbidden, "denied.html", kioskPageData{Reason: reason, Customer: customer})
}

// errGone is a good code for something the shop no longer has.
var errGone = errors.New("the object of the code no longer exists")

// scanned serves a kiosk page for a code of one purpose.
func (kp *kioskPages) scanned(p kiosk.Purpose, page string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		s := kp.s
		if s.tokens == nil {
			return kp.denied(c, kiosk.ErrForged, false)
		}
		id, _, err := s.tokens.Verify(p, c.Params("token"), s.eng.Now())
		if err != nil {
			return kp.denied(c, err, false)
		}
		st := s.eng.State()
		switch p {
		case kiosk.PurposeBay:
			if st.Bays[id] == nil {
				err = errGone
			}
		case kiosk.PurposeJob:
			if s.job(id) == nil {
				err = errGone
			}
		case kiosk.PurposeBadge:
			if _, err = kiosk.BadgeUser(s.tokens, st, c.Params("token"), s.eng.Now()); err != nil {
				err = errGone
			}
		}
		if err != nil {
			return kp.denied(c, err, false)
		}
		return kp.render(c, fiber.StatusOK, "page.html", kioskPageData{Page: page})
	}
}

func (kp *kioskPages) parts(c *fiber.Ctx) error {
	return kp.render(c, fiber.StatusOK, "page.html", kioskPageData{Page: "parts"})
}

func (kp *kioskPages) customer(c *fiber.Ctx) error {
	s := kp.s
	if s.tokens == nil {
		return kp.denied(c, kiosk.ErrForged, true)
	}
	if _, err := kiosk.CustomerJob(s.tokens, s.eng.State().Settings, c.Params("token"), s.eng.Now(), s.job); err != nil {
		return kp.denied(c, err, true)
	}
	return kp.render(c, fiber.StatusOK, "page.html", kioskPageData{Page: "customer", Customer: true})
}
