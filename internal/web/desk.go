package web

import (
	"bytes"
	"html/template"
	"io/fs"
	"net/url"
	"path"
	"slices"
	"strings"

	"bayboard/internal/shop"

	"github.com/gofiber/fiber/v2"
)

// desk serves the staff's pages: the sign-in page, the advisor's desk
// (/desk/{page}) and the manager's admin (/admin/{page}). Every page is
// one template, staff.html, that loads one ES module: a page exists when
// assets/pages/{desk,admin}/{page}.js does, and the navigation lists
// those that exist (helpers the pages share live in staff/). The pages read and change everything through the
// /api/v1 API, which checks each role; a page only hides what a role
// cannot use.
func newDesk(s *Server, pages fs.FS) (*desk, error) {
	tpl, err := template.ParseFS(pages, "staff.html")
	if err != nil {
		return nil, err
	}
	d := &desk{s: s, tpl: tpl, pages: map[string][]string{}}
	for _, area := range []string{"desk", "admin"} {
		names, err := fs.Glob(pages, area+"/*.js")
		if err != nil {
			return nil, err
		}
		for _, n := range names {
			d.pages[area] = append(d.pages[area], strings.TrimSuffix(path.Base(n), ".js"))
		}
		d.pages[area] = orderPages(d.pages[area], navOrder[area])
	}
	return d, nil
}

// navOrder is the order of the pages in the navigation, the day's order;
// pages not named here follow in name order.
var navOrder = map[string][]string{
	"desk":  {"jobs", "findings", "appointments", "reception", "dispatch", "roster", "delivery", "followups", "kpis"},
	"admin": {"setup", "settings", "bays", "teams", "technicians", "users", "devices", "tokens", "webhooks", "messages", "group", "printers", "catalog", "export"},
}

// offNav are pages the navigation does not list: one's own account is
// reached from one's name in the header.
var offNav = map[string]bool{"desk/account": true}

func orderPages(pages, order []string) []string {
	slices.SortFunc(pages, func(a, b string) int {
		ia, ib := slices.Index(order, a), slices.Index(order, b)
		switch {
		case ia >= 0 && ib >= 0:
			return ia - ib
		case ia >= 0:
			return -1
		case ib >= 0:
			return 1
		}
		return strings.Compare(a, b)
	})
	return pages
}

type desk struct {
	s     *Server
	tpl   *template.Template
	pages map[string][]string // area → pages, in navigation order
}

type navItem struct {
	Href, Key string
	Current   bool
	// Group marks the link to the other area (the manager's).
	Group bool
}

type staffPage struct {
	Lang, Area, Page string
	Nav              []navItem
	Demo             bool
}

// home opens an area's first page.
func (d *desk) home(area string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if user, _, _ := Who(c); user == nil || mustChangePassword(whoOf(c)) {
			return toSignIn(c)
		}
		if len(d.pages[area]) == 0 {
			return problem(c, CodeRouteNotFound, "no pages in "+area)
		}
		return c.Redirect("/"+area+"/"+d.pages[area][0], fiber.StatusSeeOther)
	}
}

func (d *desk) page(area string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		page := c.Params("page")
		if !slices.Contains(d.pages[area], page) {
			return problem(c, CodeRouteNotFound, "no page "+area+"/"+page)
		}
		user, _, _ := Who(c)
		if user == nil || mustChangePassword(whoOf(c)) {
			return toSignIn(c)
		}
		// The navigation lists the area's own pages; the manager, who has
		// both, gets one link to the other area. Both at once did not fit a
		// 1366 px screen in English.
		manager := user.Has(shop.RoleManager)
		navArea := area
		if area == "admin" && !manager {
			navArea = "desk" // the page tells them it is the manager's
		}
		var nav []navItem
		for _, p := range d.pages[navArea] {
			if offNav[navArea+"/"+p] {
				continue
			}
			nav = append(nav, navItem{Href: "/" + navArea + "/" + p, Key: navArea + ".nav." + p, Current: navArea == area && p == page})
		}
		if manager {
			other := map[string]string{"desk": "admin", "admin": "desk"}[area]
			nav = append(nav, navItem{Href: "/" + other, Key: "staff.nav." + other, Group: true})
		}
		return d.render(c, staffPage{Area: area, Page: page, Nav: nav})
	}
}

// toSignIn sends a person to the sign-in page, which brings them back
// here: to sign in, or first to set a new password when they must.
func toSignIn(c *fiber.Ctx) error {
	return c.Redirect("/signin?next="+url.QueryEscape(c.OriginalURL()), fiber.StatusSeeOther)
}

func (d *desk) signIn(c *fiber.Ctx) error {
	return d.render(c, staffPage{Area: "staff", Page: "signin"})
}

func (d *desk) render(c *fiber.Ctx, p staffPage) error {
	p.Lang, p.Demo = d.language(c), d.s.opts.Demo
	var buf bytes.Buffer
	if err := d.tpl.Execute(&buf, p); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(buf.Bytes())
}

// cookieLang keeps the language a person chose on this browser.
const cookieLang = "bb_lang"

// language picks the desk's language: ?lang= (remembered in a cookie),
// then the cookie, then the shop's.
func (d *desk) language(c *fiber.Ctx) string {
	if l := c.Query("lang"); l == "zh-CN" || l == "en" {
		d.s.setCookie(c, &fiber.Cookie{Name: cookieLang, Value: l, Path: "/", SameSite: fiber.CookieSameSiteStrictMode, MaxAge: 365 * 24 * 3600})
		return l
	}
	for _, l := range []string{c.Cookies(cookieLang), d.s.eng.State().Settings.Language} {
		if l == "zh-CN" || l == "en" {
			return l
		}
	}
	return "zh-CN"
}
