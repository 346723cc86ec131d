package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"html/template"
	"io/fs"
	"mime"
	"net/url"
	"path"
	"runtime"
	runtimemetrics "runtime/metrics"
	"strings"
	"sync"
	"time"

	"bayboard/board"
	"bayboard/internal/access"
	"bayboard/internal/shop"

	"github.com/gofiber/contrib/websocket"
	"github.com/gofiber/fiber/v2"
)

// boards serves the shop's screens:
//
//	GET /board/{view}     the screen's page, or the pairing page when this
//	                      browser may not show the view
//	GET /ws/board/{view}  the view's live feed (websocket; ?epoch=&seq= to resume)
//	GET /assets/*         the embedded pages, scripts, styles and catalogs
//
// pages is the embedded tree of assets/pages. The board package knows
// nothing of fiber: the feed is upgraded here and handed to the hub.
func newBoards(s *Server, hub *board.Hub, pages fs.FS) (*boards, error) {
	files, err := loadAssets(pages)
	if err != nil {
		return nil, err
	}
	boardPage, err := template.ParseFS(pages, "board.html", "pair.html")
	if err != nil {
		return nil, err
	}
	return &boards{s: s, hub: hub, files: files, pages: boardPage}, nil
}

// feedHandler upgrades a board's feed to a websocket.
func (b *boards) feedHandler() fiber.Handler {
	return websocket.New(b.feed, websocket.Config{
		// Screens send nothing but pongs: small read buffers, and
		// write buffers lent from a pool only while a message is
		// written, keep an idle screen cheap.
		ReadBufferSize:  256,
		WriteBufferSize: 4096,
		WriteBufferPool: &sync.Pool{},
		// The hub sets its own deadlines; compression stays off, so
		// one encoded message serves every screen.
		HandshakeTimeout: 10 * time.Second,
	})
}

// watchScreens adds the screens' and the runtime's gauges to the metrics.
func (s *Server) watchScreens(hub *board.Hub) {
	s.gauge("bayboard_board_screens", "Screens connected to a board feed.", func() float64 { return float64(hub.Screens()) })
	s.counter("bayboard_board_screens_dropped_total", "Screens dropped since start for falling behind.", func() float64 { return float64(hub.Dropped()) })
	s.gauge("go_goroutines", "Goroutines that currently exist.", func() float64 { return float64(runtime.NumGoroutine()) })
	s.gauge("go_heap_live_bytes", "Heap memory occupied by live objects, as of the last GC.", readMetric("/gc/heap/live:bytes"))
	s.gauge("go_stack_bytes", "Memory used by goroutine stacks.", readMetric("/memory/classes/heap/stacks:bytes"))
	s.counter("go_gc_cycles_total", "Garbage collections since start.", readMetric("/gc/cycles/total:gc-cycles"))
}

// readMetric reads one runtime metric, cheaply: no stop-the-world.
func readMetric(name string) func() float64 {
	return func() float64 {
		s := []runtimemetrics.Sample{{Name: name}}
		runtimemetrics.Read(s)
		if s[0].Value.Kind() != runtimemetrics.KindUint64 {
			return 0
		}
		return float64(s[0].Value.Uint64())
	}
}

type boards struct {
	s     *Server
	hub   *board.Hub
	files map[string]asset
	pages *template.Template
}

// asset is one embedded file, with the ETag a screen revalidates against:
// TVs keep their cache, and a new release is still picked up at once.
type asset struct {
	body  []byte
	etag  string
	ctype string
}

func loadAssets(pages fs.FS) (map[string]asset, error) {
	files := map[string]asset{}
	err := fs.WalkDir(pages, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(pages, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		ctype := mime.TypeByExtension(path.Ext(p))
		switch path.Ext(p) {
		case ".js":
			ctype = "text/javascript; charset=utf-8"
		case ".json":
			ctype = "application/json; charset=utf-8"
		}
		files[p] = asset{body: body, etag: `"` + hex.EncodeToString(sum[:8]) + `"`, ctype: ctype}
		return nil
	})
	return files, err
}

func (b *boards) asset(c *fiber.Ctx) error {
	name, err := url.PathUnescape(c.Params("*"))
	if err != nil {
		return problem(c, CodeRouteNotFound, c.Path())
	}
	a, ok := b.files[name]
	if !ok || strings.HasSuffix(name, ".html") {
		return problem(c, CodeRouteNotFound, c.Path())
	}
	c.Set(fiber.HeaderETag, a.etag)
	c.Set(fiber.HeaderCacheControl, "no-cache")
	if c.Get(fiber.HeaderIfNoneMatch) == a.etag {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, a.ctype)
	return c.Send(a.body)
}

// mayView is the one check of who may open a board: anyone in the demo,
// signed-in staff (session or API token) not held to a new password, or a
// screen paired for the view. A view that shows customers' names opens
// for staff who may see them (shop.MaySeeContact), not for the floor.
func (b *boards) mayView(c *fiber.Ctx, view string) bool {
	w := whoOf(c)
	staff := w.user != nil && !mustChangePassword(w) && (!board.ShowsContact(view) || shop.MaySeeContact(w.actor))
	return b.s.opts.Demo || staff || (w.device != nil && w.device.CanView(view))
}

// language picks a screen's language: ?lang=, then the language the
// manager gave the paired screen, then the shop's.
func (b *boards) language(c *fiber.Ctx) string {
	for _, l := range []string{c.Query("lang"), deviceLang(whoOf(c).device), b.s.eng.State().Settings.Language} {
		if l == "zh-CN" || l == "en" {
			return l
		}
	}
	return "zh-CN"
}

func deviceLang(d *access.Device) string {
	if d == nil {
		return ""
	}
	return d.Lang
}

type pageData struct {
	View   string
	Lang   string
	Theme  string
	Views  []string
	Denied bool   // a paired screen asked for a view it was not given
	Device string // its name
	// Poll is Options.PagePoll in milliseconds, 0 when unset: how often
	// the pairing page asks whether it was approved.
	Poll int64
}

func (b *boards) render(c *fiber.Ctx, name string, d pageData) error {
	d.Poll = b.s.opts.PagePoll.Milliseconds()
	var buf bytes.Buffer
	if err := b.pages.ExecuteTemplate(&buf, name, d); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(buf.Bytes())
}

// index lists the boards, for whoever sets the TVs up.
func (b *boards) index(c *fiber.Ctx) error {
	return b.render(c, "board.html", pageData{Lang: b.language(c), Theme: "tv", Views: board.Views})
}

func (b *boards) page(c *fiber.Ctx) error {
	view := c.Params("view")
	if !board.Known(view) {
		return problem(c, CodeRouteNotFound, "no board "+view)
	}
	d := pageData{View: view, Lang: b.language(c), Theme: theme(c.Query("theme"), view)}
	if !b.mayView(c, view) {
		if dev := whoOf(c).device; dev != nil {
			d.Denied, d.Device = true, dev.Name
		}
		return b.render(c, "pair.html", d)
	}
	return b.render(c, "board.html", d)
}

// theme is dark for the TVs, light for the desk, unless ?theme= says.
func theme(asked, view string) string {
	switch asked {
	case "tv", "light":
		return asked
	}
	if view == board.ViewAdvisor {
		return "light"
	}
	return "tv"
}

// upgrade checks a feed request before the websocket handshake, so a
// refused screen gets a plain HTTP problem it can show.
func (b *boards) upgrade(c *fiber.Ctx) error {
	view := c.Params("view")
	if !board.Known(view) {
		return problem(c, CodeRouteNotFound, "no board "+view)
	}
	if !websocket.IsWebSocketUpgrade(c) {
		return problem(c, CodeInvalid, "open the feed with a websocket")
	}
	if !sameOrigin(c) {
		return problem(c, CodeForbidden, "a board feed opens only from the board's own pages")
	}
	if !b.mayView(c, view) {
		if whoOf(c).device != nil {
			return problem(c, CodeForbidden, "this screen is not paired for the "+view+" board")
		}
		if w := whoOf(c); w.user != nil && !mustChangePassword(w) && board.ShowsContact(view) {
			return problem(c, CodeForbidden, "the "+view+" board names customers: it is for the staff who talk to them")
		}
		return problem(c, CodeUnauthorized, "pair this screen, or sign in")
	}
	c.Locals("board_view", view)
	c.Locals("board_resume", board.ParseResume(c.Query("epoch"), c.Query("seq")))
	return c.Next()
}

// sameOrigin refuses a browser page of another site using a signed-in
// person's cookies to read a feed. Tools (watch, the load tool) send no
// Origin.
func sameOrigin(c *fiber.Ctx) bool {
	origin := c.Get(fiber.HeaderOrigin)
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	return err == nil && u.Host == string(c.Request().Host())
}

func (b *boards) feed(conn *websocket.Conn) {
	// The server keeps hijacked connections (see New): the feed closes its own.
	defer conn.Close()
	view, _ := conn.Locals("board_view").(string)
	resume, _ := conn.Locals("board_resume").(board.Resume)
	b.s.log.Debug("screen connected", "view", view, "ip", conn.IP(), "resume_seq", resume.Seq)
	b.hub.Serve(conn.Conn, view, resume)
	b.s.log.Debug("screen gone", "view", view, "ip", conn.IP())
}
