package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"slices"
	"sync"
	"time"

	"bayboard/board"
	"bayboard/internal/access"
	"bayboard/internal/group"
	"bayboard/internal/shop"

	"github.com/gofiber/contrib/websocket"
	"github.com/gofiber/fiber/v2"
)

// The group's HTTP server (`bayboard group`, issue 17): the group wall
// board, the stores' comparison, the read-only drill-down into one store's
// workshop board, and the group's users. It is a server of its own, with
// its own route table (groupRoutes), users and sessions: nothing of a
// store's routes answers here, and a store's session opens nothing.
//
// Every route that shows a store asks the signed-in user's MaySee, the
// one rule of who sees which store: a regional manager never gets a row,
// a figure or a feed of a store not theirs.

// GroupStoreInfo is a store as the group knows it: its id and name, the
// last event number applied and when that event was.
type GroupStoreInfo struct {
	ID     string    `json:"id"`
	Name   string    `json:"name"`
	Seq    uint64    `json:"seq"`
	LastAt time.Time `json:"last_at"`
}

// GroupDeps are the parts the group's server is built from; the group
// process (internal/server) gives them.
type GroupDeps struct {
	Users access.GroupUsers
	// Auth keeps the group users' sessions.
	Auth access.Store
	Wall *board.GroupHub
	// Stores lists every store the group has heard from.
	Stores func() []GroupStoreInfo
	// Compare computes the KPIs of the stores may lets through, per
	// period (day, week or month) from from to to.
	Compare func(from, to time.Time, period string, may func(store string) bool) []group.StoreKPIs
	// StoreBoard is the board hub of one store's replica (the drill-down),
	// nil for a store the group does not have.
	StoreBoard func(store string) *board.Hub
	// Pages is the embedded tree of assets/pages.
	Pages fs.FS
}

// GroupOptions configure the group's server.
type GroupOptions struct {
	Logger *slog.Logger
	// WallClock is the real time, for sessions and sign-in locks.
	// Default: time.Now.
	WallClock func() time.Time
	// Clock is the group's time the comparison's periods end at.
	// Default: WallClock.
	Clock func() time.Time
	// Location is the zone the group's days, weeks and months are counted
	// in. Default: time.Local.
	Location *time.Location
	// HashCost and GuardPause are as Options'.
	HashCost   int
	GuardPause func(time.Duration)
	// BehindTLSProxy: cookies are Secure (a proxy in front terminates TLS).
	BehindTLSProxy bool
}

// GroupServer is the group's HTTP server.
type GroupServer struct {
	app    *fiber.App
	d      GroupDeps
	opts   GroupOptions
	log    *slog.Logger
	guard  *access.Guard
	hasher access.Hasher
	files  *boards // the embedded assets, served as the store's are
	pages  *template.Template
}

// NewGroup builds the group's server and its routes.
func NewGroup(d GroupDeps, opts GroupOptions) (*GroupServer, error) {
	if d.Users == nil || d.Auth == nil || d.Wall == nil || d.Stores == nil || d.Compare == nil || d.StoreBoard == nil || d.Pages == nil {
		return nil, errors.New("web: the group's server needs its users, sessions, wall, stores, comparison, boards and pages")
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if opts.WallClock == nil {
		opts.WallClock = time.Now
	}
	if opts.Clock == nil {
		opts.Clock = opts.WallClock
	}
	if opts.Location == nil {
		opts.Location = time.Local
	}
	files, err := loadAssets(d.Pages)
	if err != nil {
		return nil, err
	}
	pages, err := template.ParseFS(d.Pages, "group/group.html", "group/board.html")
	if err != nil {
		return nil, fmt.Errorf("load the group's pages: %w", err)
	}
	g := &GroupServer{d: d, opts: opts, log: opts.Logger, guard: access.NewGuard(opts.WallClock, opts.GuardPause, opts.Logger),
		hasher: access.NewHasher(opts.HashCost), files: &boards{files: files}, pages: pages}
	g.app = newApp("bayboard group", DefaultBodyLimit)
	g.groupRoutes()
	return g, nil
}

// groupRoutes lists every route of the group's server in one place.
func (g *GroupServer) groupRoutes() {
	app := g.app
	app.Use(g.headers)
	app.Get("/healthz", func(c *fiber.Ctx) error { return c.JSON(fiber.Map{"status": "ok"}) })
	app.Use(g.identify)
	app.Get("/assets/*", g.files.asset)

	// The pages: one template, a module per page (assets/pages/group/).
	app.Get("/", func(c *fiber.Ctx) error { return c.Redirect("/group/wall", fiber.StatusSeeOther) })
	app.Get("/group/signin", g.page("signin"))
	app.Get("/group/wall", g.signedInPage, g.page("wall"))
	app.Get("/group/compare", g.signedInPage, g.page("compare"))
	app.Get("/group/users", g.signedInPage, g.directorPage, g.page("users"))
	app.Get("/group/stores/:id/board", g.signedInPage, g.storePage)

	// The feeds (websocket, the boards' protocol).
	app.Get("/ws/group/wall", g.feedCheck, g.feedHandler(g.wallFeed))
	app.Get("/ws/group/stores/:id/board", g.feedCheck, g.storeFeedCheck, g.feedHandler(g.storeFeed))

	// The API the pages read.
	api := app.Group("/group/api")
	api.Post("/session", g.signIn)
	api.Delete("/session", g.signOut)
	api.Get("/me", g.requireUser, g.me)
	api.Put("/me", g.requireUser, g.rename)
	api.Post("/me/password", g.requireSignedIn, g.changePassword)
	api.Get("/stores", g.requireUser, g.stores)
	api.Get("/compare", g.requireUser, g.compare)
	api.Get("/users", g.requireUser, g.requireDirector, g.users)
	api.Post("/users", g.requireUser, g.requireDirector, g.addUser)
	api.Put("/users/:id", g.requireUser, g.requireDirector, g.changeUser)
	app.Use(func(c *fiber.Ctx) error { return problem(c, CodeRouteNotFound, c.Path()) })
}

// Routes lists the group's routes as "METHOD /path" (the docs' test reads
// them).
func (g *GroupServer) Routes() []string {
	var out []string
	seen := map[string]bool{}
	for _, r := range g.app.GetRoutes(true) {
		k := r.Method + " " + r.Path
		if r.Method == fiber.MethodHead || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, k)
	}
	return out
}

// Serve serves on a listener until Shutdown.
func (g *GroupServer) Serve(ln net.Listener) error { return g.app.Listener(ln) }

// Shutdown stops taking requests and waits for those under way; the
// wall's screens are told to reconnect by Wall.Close.
func (g *GroupServer) Shutdown(ctx context.Context) error { return g.app.ShutdownWithContext(ctx) }

// headers sets what every answer carries (as the store's securityHeaders).
func (g *GroupServer) headers(c *fiber.Ctx) error {
	h := &c.Response().Header
	h.Set(fiber.HeaderXFrameOptions, "DENY")
	h.Set(fiber.HeaderContentSecurityPolicy, contentPolicy+"; frame-ancestors 'none'")
	h.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	h.Set(fiber.HeaderReferrerPolicy, "no-referrer")
	if g.opts.BehindTLSProxy {
		h.Set(fiber.HeaderStrictTransportSecurity, "max-age=31536000")
	}
	return c.Next()
}

// groupWho is the caller of a group request.
type groupWho struct {
	user    *access.GroupUser
	session *access.Session
}

func groupWhoOf(c *fiber.Ctx) *groupWho {
	if w, ok := c.Locals("group_who").(*groupWho); ok {
		return w
	}
	return &groupWho{}
}

// identify finds the signed-in group user, if any. It never refuses.
func (g *GroupServer) identify(c *fiber.Ctx) error {
	w := &groupWho{}
	if ses, ok := access.LoadSession(g.d.Auth, c.Cookies(cookieGroupSession), g.opts.WallClock()); ok {
		u, found, err := g.d.Users.GroupUser(ses.UserID)
		switch {
		case err != nil:
			return err
		case !found || !ses.CurrentGroup(&u):
			// Deactivated, or the password changed since: the session ends.
			access.CloseSession(g.d.Auth, ses.Key)
		default:
			w.user, w.session = &u, &ses
		}
	}
	c.Locals("group_who", w)
	return c.Next()
}

// requireSignedIn refuses a request without a signed-in group user, and a
// change without its CSRF token.
func (g *GroupServer) requireSignedIn(c *fiber.Ctx) error {
	w := groupWhoOf(c)
	if w.user == nil {
		return problem(c, CodeUnauthorized, "sign in to the group")
	}
	if c.Method() != fiber.MethodGet && c.Method() != fiber.MethodHead && c.Get(headerCSRF) != w.session.CSRF {
		return problem(c, CodeCSRF, "send the X-CSRF-Token header given at sign-in")
	}
	return c.Next()
}

// requireUser is requireSignedIn for a user who has set their own password.
func (g *GroupServer) requireUser(c *fiber.Ctx) error {
	w := groupWhoOf(c)
	if w.user != nil && w.user.MustChangePassword {
		return problem(c, CodePasswordChangeRequired, "set a new password first (POST /group/api/me/password)")
	}
	return g.requireSignedIn(c)
}

func (g *GroupServer) requireDirector(c *fiber.Ctx) error {
	if groupWhoOf(c).user.Role != access.GroupDirector {
		return problem(c, CodeForbidden, "this is the group director's")
	}
	return c.Next()
}

// groupPage is what the group's template needs.
type groupPage struct {
	Page      string
	Lang      string
	Store     string // the drill-down's store: its id and name
	StoreName string
	Director  bool
	SignedIn  bool
}

// language picks a page's language: ?lang=, which this browser then keeps
// (a cookie), else the one it kept, else Chinese.
func (g *GroupServer) language(c *fiber.Ctx) string {
	if l := c.Query("lang"); l == "en" || l == "zh-CN" {
		c.Cookie(&fiber.Cookie{Name: cookieGroupLang, Value: l, Path: "/", SameSite: fiber.CookieSameSiteStrictMode,
			Expires: g.opts.WallClock().AddDate(1, 0, 0), Secure: g.opts.BehindTLSProxy})
		return l
	}
	if l := c.Cookies(cookieGroupLang); l == "en" || l == "zh-CN" {
		return l
	}
	return "zh-CN"
}

// The group's cookies have names of their own: cookies are not kept apart
// by port, and a trial runs a store (:8080) and its group (:8090) on one
// machine, where one sign-in must not end the other.
const (
	cookieGroupSession = "bb_group_session"
	cookieGroupLang    = "bb_group_lang"
)

func (g *GroupServer) render(c *fiber.Ctx, name string, d groupPage) error {
	var buf bytes.Buffer
	if err := g.pages.ExecuteTemplate(&buf, name, d); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(buf.Bytes())
}

func (g *GroupServer) page(name string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		w := groupWhoOf(c)
		d := groupPage{Page: name, Lang: g.language(c), SignedIn: w.user != nil}
		d.Director = w.user != nil && w.user.Role == access.GroupDirector
		return g.render(c, "group.html", d)
	}
}

// signedInPage sends a browser without a session to the sign-in page.
func (g *GroupServer) signedInPage(c *fiber.Ctx) error {
	if w := groupWhoOf(c); w.user == nil || w.user.MustChangePassword {
		return c.Redirect("/group/signin?next="+c.Path(), fiber.StatusSeeOther)
	}
	return c.Next()
}

func (g *GroupServer) directorPage(c *fiber.Ctx) error {
	if groupWhoOf(c).user.Role != access.GroupDirector {
		return problem(c, CodeForbidden, "this page is the group director's")
	}
	return c.Next()
}

// storePage is the drill-down: the store's workshop board, drawn by the
// board's own page on a feed of the store's replica.
func (g *GroupServer) storePage(c *fiber.Ctx) error {
	id := c.Params("id")
	if !groupWhoOf(c).user.MaySee(id) || g.d.StoreBoard(id) == nil {
		// A store not the user's is answered as one that does not exist.
		return problem(c, CodeNotFound, "no store "+id)
	}
	name := id
	for _, s := range g.d.Stores() {
		if s.ID == id && s.Name != "" {
			name = s.Name
		}
	}
	return g.render(c, "board.html", groupPage{Page: board.ViewWorkshop, Lang: g.language(c), Store: id, StoreName: name})
}

// feedCheck refuses a feed before the websocket handshake.
func (g *GroupServer) feedCheck(c *fiber.Ctx) error {
	if !websocket.IsWebSocketUpgrade(c) {
		return problem(c, CodeInvalid, "open the feed with a websocket")
	}
	if !sameOrigin(c) {
		return problem(c, CodeForbidden, "a feed opens only from the group's own pages")
	}
	w := groupWhoOf(c)
	if w.user == nil || w.user.MustChangePassword {
		return problem(c, CodeUnauthorized, "sign in to the group")
	}
	c.Locals("board_scope", w.user.Scope())
	c.Locals("board_resume", board.ParseResume(c.Query("epoch"), c.Query("seq")))
	return c.Next()
}

func (g *GroupServer) storeFeedCheck(c *fiber.Ctx) error {
	id := c.Params("id")
	hub := g.d.StoreBoard(id)
	if !groupWhoOf(c).user.MaySee(id) || hub == nil {
		return problem(c, CodeNotFound, "no store "+id)
	}
	c.Locals("board_hub", hub)
	return c.Next()
}

func (g *GroupServer) feedHandler(serve func(*websocket.Conn)) fiber.Handler {
	return websocket.New(serve, websocket.Config{ReadBufferSize: 256, WriteBufferSize: 4096, WriteBufferPool: &sync.Pool{},
		HandshakeTimeout: 10 * time.Second})
}

func (g *GroupServer) wallFeed(conn *websocket.Conn) {
	defer conn.Close()
	scope, _ := conn.Locals("board_scope").(string)
	resume, _ := conn.Locals("board_resume").(board.Resume)
	g.d.Wall.Serve(conn.Conn, scope, resume)
}

func (g *GroupServer) storeFeed(conn *websocket.Conn) {
	defer conn.Close()
	hub, _ := conn.Locals("board_hub").(*board.Hub)
	resume, _ := conn.Locals("board_resume").(board.Resume)
	hub.Serve(conn.Conn, board.ViewWorkshop, resume)
}

// groupUserView is a group user as the pages get it.
type groupUserView struct {
	access.GroupUser
	Locked bool `json:"locked,omitempty"`
}

func (g *GroupServer) signIn(c *fiber.Ctx) error {
	var req struct {
		Login    string `json:"login"`
		Password string `json:"password"`
	}
	if err := decodeBody(c, &req); err != nil {
		return err
	}
	if req.Login == "" || req.Password == "" {
		return problem(c, CodeInvalid, "send login and password", shop.FieldError{Field: "login", Message: "is required"})
	}
	key, address := loginKey(req.Login), access.AddressKey(c.IP())
	if wait, ok := g.guard.Reserve(key, address); !ok {
		return lockedOut(c, wait)
	}
	u, found, err := g.d.Users.GroupUserByLogin(req.Login)
	if err != nil {
		g.guard.Failed(key, address)
		return err
	}
	if !found || !u.Active || u.PasswordHash == "" || !access.CheckSecret(req.Password, u.PasswordHash) {
		g.guard.Failed(key, address)
		return problem(c, CodeUnauthorized, "wrong sign-in details")
	}
	g.guard.Succeeded(key, address)
	now := g.opts.WallClock()
	token, ses, err := access.OpenSession(g.d.Auth, access.Opening{UserID: u.ID, Stamp: access.GroupStamp(&u), TTL: access.StaffSessionTTL}, now)
	if err != nil {
		return err
	}
	c.Cookie(&fiber.Cookie{Name: cookieGroupSession, Value: token, Path: "/", HTTPOnly: true, SameSite: fiber.CookieSameSiteStrictMode,
		Expires: now.Add(access.StaffSessionTTL), Secure: g.opts.BehindTLSProxy})
	return c.JSON(fiber.Map{"user": u, "csrf": ses.CSRF})
}

func (g *GroupServer) signOut(c *fiber.Ctx) error {
	if w := groupWhoOf(c); w.session != nil {
		if c.Get(headerCSRF) != w.session.CSRF {
			return problem(c, CodeCSRF, "send the X-CSRF-Token header given at sign-in")
		}
		access.CloseSession(g.d.Auth, w.session.Key)
	}
	c.Cookie(&fiber.Cookie{Name: cookieGroupSession, Value: "", Path: "/", HTTPOnly: true, SameSite: fiber.CookieSameSiteStrictMode, Expires: time.Unix(0, 0)})
	return c.SendStatus(fiber.StatusNoContent)
}

func (g *GroupServer) me(c *fiber.Ctx) error {
	w := groupWhoOf(c)
	return c.JSON(fiber.Map{"user": w.user, "csrf": w.session.CSRF})
}

// rename sets the caller's own display name, by the rule a director's
// change of it follows (access.CheckGroupUser). Login, role and stores
// stay the director's to change: a regional manager names themselves and
// sees no more than before.
func (g *GroupServer) rename(c *fiber.Ctx) error {
	var req struct {
		Name string `json:"name"`
	}
	if err := decodeBody(c, &req); err != nil {
		return err
	}
	u := *groupWhoOf(c).user
	u.Name = req.Name
	if err := access.CheckGroupUser(u); err != nil {
		return err
	}
	if err := g.d.Users.PutGroupUser(u); err != nil {
		return err
	}
	return c.JSON(fiber.Map{"user": u})
}

// changePassword sets the caller's own password (the one-time one first),
// by the store's rules (checkPassword), the old one guessed against the
// sign-in's lock.
func (g *GroupServer) changePassword(c *fiber.Ctx) error {
	var req struct {
		Old string `json:"old"`
		New string `json:"new"`
	}
	if err := decodeBody(c, &req); err != nil {
		return err
	}
	w := groupWhoOf(c)
	if ok, err := oldPasswordRight(c, g.guard, w.user.Login, w.user.PasswordHash, req.Old); !ok {
		return err // the refusal, written
	}
	if err := checkPassword("new", req.New); err != nil {
		return err
	}
	if req.New == req.Old {
		return problem(c, CodeInvalid, "choose a password other than the old one",
			shop.FieldError{Field: "new", Message: "is the same as the old password"})
	}
	u := *w.user
	u.PasswordHash, u.MustChangePassword = g.hasher.Hash(req.New), false
	if err := g.d.Users.PutGroupUser(u); err != nil {
		return err
	}
	// The one who changed it stays signed in; every other session ends.
	if _, err := access.EndSessions(g.d.Auth, u.ID, w.session.Key); err != nil {
		return err
	}
	ses := *w.session
	ses.Stamp = access.GroupStamp(&u)
	if err := g.d.Auth.PutSession(ses); err != nil {
		return err
	}
	return c.JSON(fiber.Map{"user": u})
}

// stores lists the stores the caller may see.
func (g *GroupServer) stores(c *fiber.Ctx) error {
	u := groupWhoOf(c).user
	out := []GroupStoreInfo{}
	for _, s := range g.d.Stores() {
		if u.MaySee(s.ID) {
			out = append(out, s)
		}
	}
	return c.JSON(fiber.Map{"stores": out})
}

// Periods the comparison groups by (group.ValidPeriod's), and how many of
// each it shows when the request names no range.
var comparePeriods = map[string]int{group.PeriodDay: 14, group.PeriodWeek: 8, group.PeriodMonth: 6}

// compare answers the stores' KPIs per period: ?period=day|week|month,
// and optionally ?from=2026-11-01&to=2026-11-30 (days in the group's
// zone, to inclusive).
func (g *GroupServer) compare(c *fiber.Ctx) error {
	period := c.Query("period", "day")
	count := comparePeriods[period]
	if !group.ValidPeriod(period) {
		return problem(c, CodeInvalid, "period is day, week or month", shop.FieldError{Field: "period", Message: "must be day, week or month"})
	}
	loc, now := g.opts.Location, g.opts.Clock()
	day := func(field, s string) (time.Time, error) {
		t, err := time.ParseInLocation(time.DateOnly, s, loc)
		if err != nil {
			return time.Time{}, &shop.Error{Code: shop.CodeInvalid, Message: field + " is a date such as 2027-02-06",
				Fields: []shop.FieldError{{Field: field, Message: "must be a date such as 2027-02-06"}}}
		}
		return t, nil
	}
	y, m, d := now.In(loc).Date()
	to := time.Date(y, m, d+1, 0, 0, 0, 0, loc)
	var from time.Time
	switch period {
	case group.PeriodDay:
		from = to.AddDate(0, 0, -count)
	case group.PeriodWeek:
		from = to.AddDate(0, 0, -7*count)
	default:
		from = time.Date(y, m-time.Month(count-1), 1, 0, 0, 0, 0, loc)
	}
	if s := c.Query("from"); s != "" {
		t, err := day("from", s)
		if err != nil {
			return err
		}
		from = t
	}
	if s := c.Query("to"); s != "" {
		t, err := day("to", s)
		if err != nil {
			return err
		}
		to = t.AddDate(0, 0, 1)
	}
	if !from.Before(to) || to.Sub(from) > 400*24*time.Hour {
		return problem(c, CodeInvalid, "from is before to, at most 400 days apart", shop.FieldError{Field: "from", Message: "must be before to, at most 400 days"})
	}
	u := groupWhoOf(c).user
	rows := g.d.Compare(from, to, period, u.MaySee)
	// The rule is asked again on what comes back: a row of a store not the
	// user's never leaves, whatever Compare did.
	rows = slices.DeleteFunc(rows, func(r group.StoreKPIs) bool { return !u.MaySee(r.ID) })
	out := make([]compareRow, len(rows))
	for i, r := range rows {
		out[i] = compareRow{ID: r.ID, Name: r.Name, Period: r.Period, OnTimeRate: r.OnTimeRate, ComebackRate: r.ComebackRate,
			LabourEfficiency: r.LabourEfficiency, PartsWaitHours: r.PartsWaitHours, CSI: r.CSI, Delivered: r.Delivered, Surveys: r.Surveys}
	}
	return c.JSON(fiber.Map{"period": period, "from": from.Format(time.DateOnly), "to": to.AddDate(0, 0, -1).Format(time.DateOnly), "rows": out})
}

// compareRow is one store's KPIs in one period as the comparison page
// reads them: rates as fractions (0.93), hours, CSI as the survey's score
// and its number of answers.
type compareRow struct {
	ID               string  `json:"id"`
	Name             string  `json:"name"`
	Period           string  `json:"period"`
	OnTimeRate       float64 `json:"on_time_rate"`
	ComebackRate     float64 `json:"comeback_rate"`
	LabourEfficiency float64 `json:"labour_efficiency"`
	PartsWaitHours   float64 `json:"parts_wait_hours"`
	CSI              float64 `json:"csi"`
	Delivered        int     `json:"delivered"`
	// Surveys is how many answers CSI is made of (none: no score).
	Surveys int `json:"surveys"`
}

func (g *GroupServer) users(c *fiber.Ctx) error {
	all, err := g.d.Users.GroupUsers()
	if err != nil {
		return err
	}
	out := make([]groupUserView, len(all))
	for i, u := range all {
		out[i] = groupUserView{GroupUser: u, Locked: g.guard.Locked(loginKey(u.Login))}
	}
	return c.JSON(fiber.Map{"users": out})
}

// groupUserRequest is a user as a director sends it.
type groupUserRequest struct {
	Login  string           `json:"login"`
	Name   string           `json:"name"`
	Role   access.GroupRole `json:"role"`
	Stores []string         `json:"stores"`
	Active *bool            `json:"active,omitempty"`
	// ResetPassword gives the user a new one-time password.
	ResetPassword bool `json:"reset_password,omitempty"`
}

// addUser adds a group user with a one-time password, answered once.
func (g *GroupServer) addUser(c *fiber.Ctx) error {
	var req groupUserRequest
	if err := decodeBody(c, &req); err != nil {
		return err
	}
	u := access.GroupUser{ID: "gu-" + access.NewToken()[:10], Login: req.Login, Name: req.Name, Role: req.Role,
		Stores: groupStores(req), Active: true, MustChangePassword: true, Created: g.opts.WallClock()}
	if err := access.CheckGroupUser(u); err != nil {
		return err
	}
	password := access.NewPassword()
	u.PasswordHash = g.hasher.Hash(password)
	if err := g.d.Users.PutGroupUser(u); err != nil {
		return err
	}
	c.Status(fiber.StatusCreated)
	return c.JSON(fiber.Map{"user": u, "password": password})
}

// groupStores is a request's stores: none for a director, who sees all.
func groupStores(req groupUserRequest) []string {
	if req.Role == access.GroupDirector || req.Stores == nil {
		return []string{}
	}
	s := slices.Clone(req.Stores)
	slices.Sort(s)
	return slices.Compact(s)
}

// changeUser changes a group user's name, role, stores or activity, or
// gives them a new one-time password. A director cannot take their own
// role or account away: the group would be left with no one to manage it.
func (g *GroupServer) changeUser(c *fiber.Ctx) error {
	var req groupUserRequest
	if err := decodeBody(c, &req); err != nil {
		return err
	}
	id := c.Params("id")
	u, found, err := g.d.Users.GroupUser(id)
	if err != nil {
		return err
	}
	if !found {
		return problem(c, CodeNotFound, "no group user "+id)
	}
	self := groupWhoOf(c).user.ID == id
	u.Login, u.Name, u.Role, u.Stores = req.Login, req.Name, req.Role, groupStores(req)
	if req.Active != nil {
		u.Active = *req.Active
	}
	if self && (u.Role != access.GroupDirector || !u.Active) {
		return problem(c, CodeConflict, "a director cannot take their own role or account away")
	}
	if err := access.CheckGroupUser(u); err != nil {
		return err
	}
	out := fiber.Map{}
	if req.ResetPassword {
		password := access.NewPassword()
		u.PasswordHash, u.MustChangePassword = g.hasher.Hash(password), true
		out["password"] = password
	}
	if err := g.d.Users.PutGroupUser(u); err != nil {
		return err
	}
	if req.ResetPassword || !u.Active {
		if _, err := access.EndSessions(g.d.Auth, u.ID, ""); err != nil {
			return err
		}
	}
	g.guard.Unlock(loginKey(u.Login))
	out["user"] = u
	return c.JSON(out)
}
