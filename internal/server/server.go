// Package server assembles the whole server from an open store: the
// engine over the shop's state, the boards' hub fed by the engine, the QR
// tokens, the printing renderer and the web server with every route.
// `bayboard serve` and the browser tests' harness (internal/livetest) both
// build it here, so the server a test drives is the one a shop runs; each
// only adds what is its own (the demo's seed and simulator, the console's
// printout, a fixed test address).
//
// It serves nothing by itself and reads no clock: the caller passes the
// listener and the shop's clock.
package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"bayboard/assets"
	"bayboard/board"
	"bayboard/internal/channels"
	"bayboard/internal/engine"
	"bayboard/internal/grouplink"
	"bayboard/internal/outbox"
	"bayboard/internal/photos"
	"bayboard/internal/shop"
	"bayboard/internal/store"
	"bayboard/internal/web"
	"bayboard/kiosk"
	"bayboard/printing"
)

// Options say what kind of shop the server runs.
type Options struct {
	// Demo marks the demo shop: its boards show without pairing.
	Demo bool
	// Logger logs the hub's and the web server's work; it must be set.
	Logger  *slog.Logger
	Version string
	// CommandRate is the changes a second one person or API token may
	// send (web.CommandLimitAt); 0 is web.DefaultCommandLimit, and less
	// than 0 turns the limit off.
	CommandRate float64
	// BehindTLSProxy and FrameBoardsFrom are web.Options' (cookies Secure
	// behind a TLS proxy; the origins that may frame the boards).
	BehindTLSProxy  bool
	FrameBoardsFrom []string
	// HashCost and GuardPause are web.Options' (the cost of the hashed
	// passwords and PINs; the sign-in guard's pause): tests lower the one
	// and record the other, a shop leaves both zero.
	HashCost   int
	GuardPause func(time.Duration)
	// PagePoll is web.Options': how often the kiosk, customer and pairing
	// pages ask again; 0, a shop's, leaves each page its own.
	PagePoll time.Duration
	// WebhookClient posts the webhooks; nil is one with
	// outbox.DefaultTimeout.
	WebhookClient *http.Client
	// GroupLinkBackoff is the group link's first pause after a failure;
	// 0 is grouplink.DefaultMinBackoff (tests shorten it).
	GroupLinkBackoff time.Duration
}

// Server is the assembled server.
type Server struct {
	Engine *engine.Engine
	Hub    *board.Hub
	Web    *web.Server
	// Tokens signs and checks the QR links.
	Tokens *kiosk.Tokens
	// Photos is the photo directory beside the data file; PhotoCheck what
	// its start-up check found.
	Photos     *photos.Store
	PhotoCheck *web.PhotoCheck

	store   *store.Store
	log     *slog.Logger
	stopHub context.CancelFunc
	hubDone chan struct{}
	// sweepDone closes when the photo retention's loop has stopped,
	// dueDone when the timed messages' has.
	sweepDone chan struct{}
	dueDone   chan struct{}
	// takenBack are the photos remove_photo took back, for the retention's
	// loop to remove their files.
	takenBack chan string
	// Outbox delivers the webhooks; outboxDone closes when it stopped.
	Outbox     *outbox.Worker
	outboxDone chan struct{}
	// GroupLink publishes the store's events to its dealer group while
	// the manager's link is active (grouplink.go); groupDone closes when
	// it stopped.
	GroupLink *grouplink.Publisher
	groupDone chan struct{}
}

// Load reads the shop's live state from the store at now and sets the
// shop's time zone from its settings: the one place it is set at start
// (a change of the settings sets it again, in the domain). An unknown zone,
// which the settings' check refuses, falls back to UTC with a warning.
func Load(st *store.Store, now time.Time, log *slog.Logger) (*shop.State, error) {
	state, aside, err := st.Load(now)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", st.Path(), err)
	}
	for _, a := range aside {
		log.Error("a record of the data file cannot be read; it is set aside (set_aside/ in the file) and the rest of the shop serves",
			"kind", a.Kind, "id", a.ID, "reason", a.Reason, "detail", a.Detail())
	}
	loc, err := time.LoadLocation(state.Settings.TimeZone)
	if err != nil {
		log.Warn("unknown time zone in settings; using UTC", "time_zone", state.Settings.TimeZone)
		loc = time.UTC
	}
	state.Loc = loc
	return state, nil
}

// New assembles the server over the store and its loaded state, the
// engine dating events by clock. The hub runs until Close.
func New(st *store.Store, state *shop.State, clock func() time.Time, opts Options) (*Server, error) {
	renderer, err := printing.NewRenderer(assets.Fonts)
	if err != nil {
		return nil, fmt.Errorf("load the printing fonts: %w", err)
	}
	eng := engine.New(st, state, clock)
	hub := board.New(eng, board.Options{Logger: opts.Logger})
	eng.Subscribe(func(c engine.Change) { hub.Changed(c.State, c.Events) })
	tokens := kiosk.NewTokens(st.Secret())
	aside, err := st.SetAsideRecords()
	if err != nil {
		eng.Close()
		return nil, err
	}
	var setAside []web.SetAsideRecord
	for _, a := range aside {
		setAside = append(setAside, web.SetAsideRecord{Kind: a.Kind, ID: a.ID, Reason: a.Reason})
	}
	ps, check, err := OpenPhotos(st, opts.Logger)
	if err != nil {
		eng.Close()
		return nil, err
	}
	// The outbox's worker delivers after each commit, outside it: the
	// commit only wrote the entries.
	// The approval requests carry the customer's page link on the shop's
	// base URL: without one set, no phone could open it, and none is sent.
	eng.SetCustomerLink(func(j *shop.Job) string {
		base, ok := shop.NormalBaseURL(eng.State().Settings.BaseURL)
		if !ok || base == "" {
			return ""
		}
		return kiosk.URLs{Base: base, Tokens: tokens}.Customer(j)
	})
	senders := &messageSenders{log: opts.Logger}
	if senders.log == nil {
		senders.log = slog.New(slog.DiscardHandler)
	}
	outboxFigures := newOutboxMetrics(st, eng, clock)
	worker := outbox.New(outbox.Config{Queue: st, Webhooks: func() map[string]*shop.Webhook { return eng.State().Webhooks },
		Senders:  func() map[string]channels.Sender { return senders.of(eng.State()) },
		Instance: outbox.InstanceID(st.Secret()), Client: opts.WebhookClient, Logger: opts.Logger, Clock: shopClock(clock), Observe: outboxFigures.observe})
	eng.Subscribe(func(engine.Change) { worker.Notify() })
	group := newGroupLink(st, eng, clock, opts)
	srv, err := web.New(web.Deps{Engine: eng, Auth: st, Backup: st, History: st, Tokens: tokens, Printing: renderer, Hub: hub, Pages: assets.Pages(), Photos: ps,
		Outbox: outboxAdmin{st, worker}, GroupLink: group},
		web.Options{Demo: opts.Demo, Logger: opts.Logger, Version: opts.Version, SetAside: setAside, Photos: check, CommandLimit: commandLimit(opts.CommandRate),
			BehindTLSProxy: opts.BehindTLSProxy, FrameBoardsFrom: opts.FrameBoardsFrom,
			HashCost: opts.HashCost, GuardPause: opts.GuardPause, PagePoll: opts.PagePoll})
	if err != nil {
		eng.Close()
		return nil, err
	}
	outboxFigures.register(srv)
	ctx, stop := context.WithCancel(context.Background())
	s := &Server{Engine: eng, Hub: hub, Web: srv, Tokens: tokens, Photos: ps, PhotoCheck: check, store: st, log: opts.Logger,
		stopHub: stop, hubDone: make(chan struct{}), sweepDone: make(chan struct{}), dueDone: make(chan struct{}), Outbox: worker, outboxDone: make(chan struct{}),
		GroupLink: group, groupDone: make(chan struct{}),
		takenBack: make(chan string, takenBackQueue)}
	// A photo taken back (remove_photo) loses its file once no shown photo
	// uses the same picture: the retention's loop removes it, off the
	// engine's goroutine.
	eng.Subscribe(func(c engine.Change) {
		for _, ev := range c.Events {
			if id := takenBackPhoto(ev); id != "" {
				select {
				case s.takenBack <- id:
				default:
					s.log.Warn("photo taken back: its file stays until the next start's check lists it as an orphan", "photo", id)
				}
			}
		}
	})
	go func() {
		defer close(s.outboxDone)
		worker.Run(ctx)
	}()
	go func() {
		defer close(s.hubDone)
		hub.Run(ctx)
	}()
	go func() {
		defer close(s.groupDone)
		group.Run(ctx)
	}()
	// The retention's first pass is made before the server serves, so a
	// start after a long pause does not show photos already past their keep.
	s.sweepPhotos(ctx)
	go func() {
		defer close(s.sweepDone)
		s.keepPhotos(ctx)
	}()
	go func() {
		defer close(s.dueDone)
		s.sendDue(ctx)
	}()
	return s, nil
}

// Serve serves on a listener until Shutdown.
func (s *Server) Serve(ln net.Listener) error { return s.Web.Serve(ln) }

// Shutdown stops taking requests, waits for those under way, and then
// closes the boards' websockets, which outlive the HTTP shutdown, telling
// the screens to come back.
func (s *Server) Shutdown(ctx context.Context) error {
	err := s.Web.Shutdown(ctx)
	s.Hub.Close(ctx)
	return err
}

// Close stops the hub and closes the engine; the store stays open for the
// caller to close.
func (s *Server) Close() {
	s.stopHub()
	<-s.hubDone
	<-s.sweepDone
	<-s.dueDone
	<-s.outboxDone
	<-s.groupDone
	s.Engine.Close()
}

// commandLimit is the web server's limit for a rate of Options.
func commandLimit(rate float64) web.CommandLimit {
	if rate == 0 {
		return web.DefaultCommandLimit
	}
	return web.CommandLimitAt(rate)
}

// OpenPhotos opens the photo directory beside the data file (creating it)
// and checks it against every photo a job refers to, the live jobs and the
// closed ones on disk alike: files no job refers to (orphans, left by a
// crash between a file's write and its record, or by an upload refused
// at the last moment) and photos whose file is missing are logged, and
// /healthz reports them. A photo expired by the retention or taken back
// has no file and is not looked for (a file taken back by a server that
// stopped before removing it is an orphan).
func OpenPhotos(st *store.Store, log *slog.Logger) (*photos.Store, *web.PhotoCheck, error) {
	ps, err := photos.Open(photos.Dir(st.Path()))
	if err != nil {
		return nil, nil, fmt.Errorf("open the photo directory: %w", err)
	}
	referenced, err := st.PhotoFiles()
	if err != nil {
		return nil, nil, fmt.Errorf("read the jobs' photos: %w", err)
	}
	orphans, missing, err := ps.Check(referenced)
	if err != nil {
		return nil, nil, fmt.Errorf("check the photo directory: %w", err)
	}
	for _, id := range missing {
		log.Error("a job refers to a photo whose file is missing", "photo", id, "dir", ps.Dir())
	}
	if len(orphans) > 0 {
		log.Warn("photo files no job refers to (left by an interrupted upload); they are kept", "count", len(orphans), "dir", ps.Dir())
	}
	return ps, &web.PhotoCheck{Orphans: orphans, Missing: missing}, nil
}

// takenBackQueue bounds the photos taken back waiting for their files'
// removal; one beyond it keeps its file as an orphan the start-up check
// reports.
const takenBackQueue = 256

// takenBackPhoto is the photo a remove_photo event took back, or "".
func takenBackPhoto(ev shop.Event) string {
	if ev.Type != "remove_photo" {
		return ""
	}
	var data struct {
		PhotoID string `json:"photo_id"`
	}
	if json.Unmarshal(ev.Data, &data) != nil {
		return ""
	}
	return data.PhotoID
}

// SweepEvery is how often the photo retention looks for photos to expire.
const SweepEvery = time.Hour

// sweepBatch bounds the jobs whose photos expire in one transaction.
const sweepBatch = 200

// keepPhotos runs the photo retention every SweepEvery until ctx ends
// (New made its first pass), and removes the files of photos taken back.
func (s *Server) keepPhotos(ctx context.Context) {
	tick := time.NewTicker(SweepEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			s.sweepPhotos(ctx)
		case id := <-s.takenBack:
			if err := s.removeUnused([]string{id}); err != nil {
				s.log.Error("remove a photo taken back", "photo", id, "err", err)
			}
		}
	}
}

func (s *Server) sweepPhotos(ctx context.Context) {
	if n, err := s.SweepPhotos(ctx); err != nil {
		s.log.Error("photo retention", "err", err)
	} else if n > 0 {
		s.log.Info("photo retention: expired and removed old photos", "photos", n)
	}
}

// SweepPhotos is one pass of the photo retention (Settings.PhotoKeepDays,
// 0 = keep for good): the jobs delivered or cancelled more than that many
// days ago by the engine's clock, read from the data file (they have left
// the live state after shop.KeepClosed), whose photos still have files,
// get their photos marked expired through the engine — one transaction
// for up to sweepBatch jobs, an expire_photos event for each, numbered in
// the event log's order like every other — and only then are the files
// removed, unless a photo not expired still refers to the same file. It
// returns how many photos expired.
func (s *Server) SweepPhotos(ctx context.Context) (int, error) {
	keep := s.Engine.State().Settings.PhotoKeepDays
	if keep <= 0 {
		return 0, nil
	}
	now := s.Engine.Now()
	jobs, err := s.store.JobsClosedBefore(now.Add(-time.Duration(keep) * 24 * time.Hour))
	if err != nil {
		return 0, err
	}
	var cmds []shop.Command
	for _, j := range jobs {
		for _, p := range j.Photos {
			if p.ExpiredAt == nil {
				cmds = append(cmds, &shop.ExpirePhotos{JobID: j.ID, Closed: j})
				break
			}
		}
	}
	expired := 0
	for len(cmds) > 0 {
		n := min(len(cmds), sweepBatch)
		batch := cmds[:n]
		cmds = cmds[n:]
		if _, err := s.Engine.DoAll(ctx, shop.Actor{System: true}, batch...); err != nil {
			return expired, err
		}
		var ids []string
		for _, c := range batch {
			ids = append(ids, c.(*shop.ExpirePhotos).PhotoIDs...)
		}
		if err := s.removeUnused(ids); err != nil {
			return expired, err
		}
		expired += len(ids)
	}
	return expired, nil
}

// removeUnused removes the files of photos (expired, or taken back) that
// no shown photo still refers to (the same picture on another job). A
// photo an upload holds right now (the same picture sent again) keeps its
// file: the upload's record will refer to it.
func (s *Server) removeUnused(ids []string) error {
	inUse, err := s.store.PhotoFiles()
	if err != nil {
		return err
	}
	for _, id := range ids {
		if !inUse[id] {
			if err := s.Photos.Remove(id); err != nil && !errors.Is(err, photos.ErrHeld) {
				return err
			}
		}
	}
	return nil
}

// shopClock dates the outbox's tries by the shop's clock, as the events
// they carry are dated, and waits on the wall's: a back-off is the
// receiver's time to recover, which the demo's fast clock does not hurry.
type shopClock func() time.Time

func (c shopClock) Now() time.Time                         { return c() }
func (c shopClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// outboxAdmin is the store's outbox as the admin mends it: a retried dead
// letter wakes the worker.
type outboxAdmin struct {
	st     *store.Store
	worker *outbox.Worker
}

func (o outboxAdmin) Outbox(dest string) (shop.OutboxView, error) { return o.st.Outbox(dest) }

func (o outboxAdmin) OutboxRetry(dest string, key uint64) error {
	err := o.st.OutboxRetry(dest, key)
	if err == nil {
		o.worker.Notify()
	}
	return noEntry(err)
}

func (o outboxAdmin) OutboxDrop(dest string, key uint64) error {
	return noEntry(o.st.OutboxDrop(dest, key))
}

func noEntry(err error) error {
	if errors.Is(err, store.ErrNoEntry) {
		return web.ErrNoEntry
	}
	return err
}

// messageSenders makes the customer messages' senders from the shop's
// channel settings, again only when they or the SMS template codes
// change, so a sender's connections are reused between messages.
type messageSenders struct {
	log *slog.Logger

	mu   sync.Mutex
	key  string
	made map[string]channels.Sender
}

func (m *messageSenders) of(st *shop.State) map[string]channels.Sender {
	codes := map[string]string{}
	for _, t := range st.Settings.MessageTemplates() {
		if t.SMSCode != "" {
			codes[string(t.Kind)] = t.SMSCode
		}
	}
	key := fmt.Sprintf("%p %p %v", st.MessageSenders["sms"], st.MessageSenders["email"], codes)
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.made != nil && key == m.key {
		return m.made
	}
	made := map[string]channels.Sender{}
	if c := st.MessageSenders["sms"]; c != nil {
		sms, err := channels.NewSMS(channels.SMSConfig{Endpoint: c.Endpoint, AccessKeyID: c.AccessKeyID,
			AccessKeySecret: channels.Secret(c.Secret), SignName: c.SignName, Templates: codes}, nil)
		if err != nil {
			m.log.Warn("messages: the SMS settings cannot send", "err", err)
		} else {
			made["sms"] = sms
		}
	}
	if c := st.MessageSenders["email"]; c != nil {
		email, err := channels.NewEmail(channels.SMTPConfig{Host: c.Host, Port: c.Port, Username: c.Username,
			Password: channels.Secret(c.Secret), From: c.From})
		if err != nil {
			m.log.Warn("messages: the SMTP settings cannot send", "err", err)
		} else {
			made["email"] = email
		}
	}
	m.key, m.made = key, made
	return made
}
