package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"bayboard/board"
	"bayboard/internal/access"
	"bayboard/internal/catalog"
	"bayboard/internal/engine"
	"bayboard/internal/imaging"
	"bayboard/internal/photos"
	"bayboard/internal/shop"
	"bayboard/internal/wire"
	"bayboard/kiosk"
	"bayboard/printing"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// Backuper writes a hot copy of the data file; the store implements it.
type Backuper interface {
	Backup(w io.Writer) (int64, error)
	Path() string // the data file
}

// History reads what is no longer live; the store implements it.
// A history and the event log are read page by page (stream.go).
type History interface {
	JobHistoryPage(jobID string, after uint64, limit int) ([]shop.Event, error)
	EventsPage(after uint64, limit int) ([]shop.Event, error)
	Job(id string) (*shop.Job, error)
	JobsClosedSince(since time.Time) ([]*shop.Job, error)
	VehicleJobs(vehicleID string) ([]*shop.Job, error)
	// JobPhotos calls fn with the photos of every job on disk, live and
	// closed: a refused upload keeps its file if another job uses it.
	JobPhotos(fn func(jobID string, photos []shop.Photo) error) error
}

// Options configure the server.
type Options struct {
	// Demo lets screens show boards without pairing.
	Demo bool
	// BodyLimit bounds a request body; the largest real one, an estimate
	// with a few hundred lines, is far below the default.
	BodyLimit int
	// ImportLimit bounds a catalogue file sent for import, the one body
	// that is a whole file; default DefaultImportLimit.
	ImportLimit int
	Logger      *slog.Logger
	Version     string
	// WallClock tells the real time, for what lasts in real time: sessions
	// and sign-in locks. The engine's clock, which the demo runs faster,
	// dates the shop's events and ETAs; a session on it would end while
	// its user still sits at the desk. Default: time.Now.
	WallClock func() time.Time
	// CommandLimit bounds how fast one person or API token may send
	// changes; the zero value is DefaultCommandLimit, and a negative
	// PerSecond turns the limit off (the crash test's write load).
	CommandLimit CommandLimit
	// SetAside lists the records of the data file that could not be read
	// and were set aside (at this start or an earlier one): /healthz
	// reports them while the rest of the shop serves.
	SetAside []SetAsideRecord
	// Photos is the start-up check of the photo directory against the
	// photos the jobs refer to: /healthz reports it, as it does the
	// set-aside records. Nil when no check was made.
	Photos *PhotoCheck
	// BehindTLSProxy says a reverse proxy in front terminates TLS: the
	// browsers reach the shop over https, so cookies are Secure although
	// this process serves plain HTTP.
	BehindTLSProxy bool
	// FrameBoardsFrom are the origins allowed to show the boards in a frame
	// (a shop's intranet page); every other page, and the boards when it is
	// empty, may be framed by no one. Checked by CheckFrameOrigins.
	FrameBoardsFrom []string
	// HashCost is the cost of the passwords and PINs the server hashes
	// (access.NewHasher); 0 is access.DefaultHashCost. Only tests lower it.
	HashCost int
	// GuardPause is how the sign-in guard slows a failed answer; nil is
	// time.Sleep. Tests record the pauses instead of waiting them out.
	GuardPause func(time.Duration)
	// PagePoll, when set, is how often the kiosk, customer and pairing
	// pages ask the server again (their data-poll); 0 leaves each page its
	// own, 3 to 10 seconds. Browser tests shorten it so that a change made
	// elsewhere shows on a page without seconds of waiting.
	PagePoll time.Duration
}

// SetAsideRecord is a record of the data file set aside as unreadable, as
// /healthz names it: its kind, its id and why, never its content.
type SetAsideRecord struct {
	Kind   string `json:"kind"`
	ID     string `json:"id"`
	Reason string `json:"reason"`
}

// PhotoCheck is what the start-up check found in the photo directory:
// files no job refers to (orphans: harmless, left by a crash between a
// file's write and its record) and photos a job refers to whose file is
// not there (missing: a damaged or partly restored directory).
type PhotoCheck struct {
	Orphans []string `json:"-"`
	Missing []string `json:"missing"`
}

// DefaultBodyLimit is 1 MiB.
const DefaultBodyLimit = 1 << 20

// DefaultImportLimit is 16 MiB: an OEM's list of 50,000 parts is about
// 2 MiB as CSV and 3 MiB as .xlsx, so a list several times larger still
// comes in one file.
const DefaultImportLimit = 16 << 20

// Deps are the parts the server is built from.
type Deps struct {
	Engine  *engine.Engine
	Auth    access.Store
	Backup  Backuper
	History History
	// Tokens signs and checks the QR links (kiosk and customer pages).
	Tokens *kiosk.Tokens
	// Printing draws the documents.
	Printing *printing.Renderer
	// Hub feeds the boards' screens.
	Hub *board.Hub
	// Pages is the embedded tree of assets/pages: the boards', staff's
	// and kiosk pages and everything they load.
	Pages fs.FS
	// Photos is the photo directory beside the data file; without it the
	// photo routes answer that photos are not set up.
	Photos *photos.Store
	// Outbox is the webhooks' queues (webhooks.go); nil answers that the
	// outbox is not set up.
	Outbox Outbox
	// GroupLink is the dealer group link's state (grouplink.go); nil
	// answers that it is not set up.
	GroupLink GroupLinkStatus
}

// Server is the HTTP server.
type Server struct {
	app      *fiber.App
	eng      *engine.Engine
	auth     access.Store
	backup   Backuper
	history  History
	tokens   *kiosk.Tokens
	printing *printing.Renderer
	photos   *photos.Store
	outbox   Outbox
	// groupLink is the group link's state (grouplink.go).
	groupLink GroupLinkStatus
	// photoWork bounds the photos processed at once (photos.go).
	photoWork *photoWork
	opts      Options
	log       *slog.Logger
	guard     *access.Guard
	// hasher hashes the passwords and PINs people set.
	hasher  access.Hasher
	metrics *metrics
	replays *replays
	limiter *limiter
	imports imports
	catalog catalog.Indexes // the catalogue's search, for the published state
	started time.Time

	// The pages, built from Deps.Pages.
	boards     *boards
	desk       *desk
	kioskPages *kioskPages

	// conns are the open connections (see Shutdown).
	connsMu sync.Mutex
	conns   map[*conn]struct{}
}

// New builds the server and its routes. It fails when the pages' templates
// or catalogs do not parse.
func New(d Deps, opts Options) (*Server, error) {
	if d.Hub == nil || d.Pages == nil {
		return nil, errors.New("web: the server needs the board hub and the pages")
	}
	if err := CheckFrameOrigins(opts.FrameBoardsFrom); err != nil {
		return nil, fmt.Errorf("web: frame boards from: %w", err)
	}
	if opts.BodyLimit == 0 {
		opts.BodyLimit = DefaultBodyLimit
	}
	if opts.ImportLimit == 0 {
		opts.ImportLimit = DefaultImportLimit
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if opts.WallClock == nil {
		opts.WallClock = time.Now
	}
	if opts.CommandLimit == (CommandLimit{}) {
		opts.CommandLimit = DefaultCommandLimit
	}
	s := &Server{eng: d.Engine, auth: d.Auth, backup: d.Backup, history: d.History, tokens: d.Tokens, printing: d.Printing, photos: d.Photos, outbox: d.Outbox, groupLink: d.GroupLink, photoWork: newPhotoWork(imaging.Parallel), opts: opts, log: opts.Logger,
		guard: access.NewGuard(opts.WallClock, opts.GuardPause, opts.Logger), hasher: access.NewHasher(opts.HashCost), metrics: newMetrics(), replays: newReplays(), started: time.Now()}
	s.limiter = newLimiter(opts.CommandLimit, opts.WallClock)
	s.app = newApp("bayboard", opts.BodyLimit)
	s.conns = map[*conn]struct{}{}
	// A body is refused from its declared length before it is read; a
	// catalogue file for import may be larger than any other body.
	s.app.Server().HeaderReceived = func(h *fasthttp.RequestHeader) fasthttp.RequestConfig {
		path, _, _ := bytes.Cut(h.RequestURI(), []byte("?"))
		if string(h.Method()) == fiber.MethodPost && string(path) == importPath {
			return fasthttp.RequestConfig{MaxRequestBodySize: opts.ImportLimit}
		}
		// A photo may be as large as imaging takes (20 MiB): a phone's
		// full-size JPEG when the page could not make it smaller.
		if isPhotoUpload(h.Method(), path) {
			return fasthttp.RequestConfig{MaxRequestBodySize: int(imaging.DefaultLimits.MaxBytes)}
		}
		return fasthttp.RequestConfig{}
	}
	var err error
	if s.boards, err = newBoards(s, d.Hub, d.Pages); err != nil {
		return nil, fmt.Errorf("load the board pages: %w", err)
	}
	if s.desk, err = newDesk(s, d.Pages); err != nil {
		return nil, fmt.Errorf("load the staff pages: %w", err)
	}
	if s.kioskPages, err = newKioskPages(s, d.Pages); err != nil {
		return nil, fmt.Errorf("load the kiosk pages: %w", err)
	}
	s.routes()
	s.watchScreens(d.Hub)
	s.eng.Subscribe(s.metrics.committed)
	return s, nil
}

// Serve serves on a listener until Shutdown.
func (s *Server) Serve(ln net.Listener) error { return s.app.Listener(listener{ln, s}) }

// Shutdown stops taking requests and waits for those under way.
//
// Browsers and HTTP clients open spare connections ahead of need, and
// fasthttp's shutdown waits for a connection that has not sent a byte
// until its read timeout (30 s). Such a connection carries nothing, so
// Shutdown closes it instead of waiting.
func (s *Server) Shutdown(ctx context.Context) error {
	done := make(chan error, 1)
	go func() { done <- s.app.ShutdownWithContext(ctx) }()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			return err
		case <-tick.C:
			var unused []*conn
			s.connsMu.Lock()
			for c := range s.conns {
				if !c.used.Load() {
					unused = append(unused, c)
				}
			}
			s.connsMu.Unlock()
			for _, c := range unused {
				c.Close()
			}
		}
	}
}

// listener keeps a list of the server's open connections.
type listener struct {
	net.Listener
	s *Server
}

func (l listener) Accept() (net.Conn, error) {
	nc, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	c := &conn{Conn: nc, s: l.s}
	l.s.connsMu.Lock()
	l.s.conns[c] = struct{}{}
	l.s.connsMu.Unlock()
	return c, nil
}

// conn knows whether anything was read from it.
type conn struct {
	net.Conn
	s    *Server
	used atomic.Bool
	once sync.Once
}

func (c *conn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	if n > 0 && !c.used.Load() {
		c.used.Store(true)
	}
	return n, err
}

func (c *conn) Close() error {
	c.once.Do(func() {
		c.s.connsMu.Lock()
		delete(c.s.conns, c)
		c.s.connsMu.Unlock()
	})
	return c.Conn.Close()
}

// logRequests logs each request once, with its problem code if any.
func (s *Server) logRequests(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	if err != nil {
		err = fail(c, err)
	}
	status := c.Response().StatusCode()
	s.metrics.request(c.Method(), routeOf(c), status, time.Since(start))
	path := c.Path()
	if path == "/metrics" || path == "/healthz" || strings.HasPrefix(path, "/assets/") {
		return err
	}
	attrs := []any{"method", c.Method(), "path", path, "status", status, "ms", float64(time.Since(start).Microseconds()) / 1000}
	if code, ok := c.Locals("problem").(string); ok {
		attrs = append(attrs, "problem", code)
	}
	if msg, ok := c.Locals("error").(string); ok {
		s.log.Error("request failed", append(attrs, "error", msg)...)
	} else {
		s.log.Debug("request", attrs...)
	}
	return err
}

func jsonMarshal(v any) ([]byte, error) { return wire.Marshal(v) }

// newApp is the fiber app of a server, the store's or the group's: the
// body limit, the timeouts, the problem documents for errors and the JSON
// the pages read.
func newApp(name string, bodyLimit int) *fiber.App {
	app := fiber.New(fiber.Config{
		AppName:               name,
		BodyLimit:             bodyLimit,
		DisableStartupMessage: true,
		Immutable:             true,
		// Buffers go back to their pools when a connection waits: a board
		// feed then reads from its socket without holding a 4 KB request
		// reader for as long as the TV is on.
		ReduceMemoryUsage: true,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorHandler:      func(c *fiber.Ctx, err error) error { return fail(c, err) },
		JSONEncoder:       wire.Marshal,
		JSONDecoder:       json.Unmarshal,
	})
	// A board feed ends its connection itself (a screen dropped for being
	// too slow is cut off at once); by default fasthttp would ignore that
	// Close and keep the connection until the feed's reader timed out.
	app.Server().KeepHijackedConns = true
	// A request fasthttp cannot read is refused without repeating it: its
	// headers may carry a token or a session cookie.
	app.Server().SecureErrorLogMessage = true
	return app
}
