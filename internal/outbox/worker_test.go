package outbox_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"bayboard/internal/outbox"
	"bayboard/internal/shop"
	"bayboard/internal/store"
)

// fakeClock moves only when the test says; a waiter tells the test it is
// waiting, so the test advances without sleeping.
type fakeClock struct {
	mu      sync.Mutex
	now     time.Time
	waiters []waiter
	waiting chan time.Duration
}

type waiter struct {
	at time.Time
	ch chan time.Time
}

func newClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), waiting: make(chan time.Duration, 100)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan time.Time, 1)
	c.waiting <- d
	if d <= 0 {
		ch <- c.now // due already, as time.After's
		return ch
	}
	c.waiters = append(c.waiters, waiter{c.now.Add(d), ch})
	return ch
}

// advance moves the clock and fires every waiter due.
func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	kept := c.waiters[:0]
	for _, w := range c.waiters {
		if !w.at.After(c.now) {
			w.ch <- c.now
		} else {
			kept = append(kept, w)
		}
	}
	c.waiters = kept
}

// nextWait waits until the worker waits on the clock and returns for how long.
func (c *fakeClock) nextWait(t *testing.T) time.Duration {
	t.Helper()
	select {
	case d := <-c.waiting:
		return d
	case <-time.After(10 * time.Second):
		t.Fatal("the worker never waited on the clock")
		return 0
	}
}

// shopWith is a store holding a state with webhooks and their events.
type shopWith struct {
	st    *store.Store
	mu    sync.Mutex
	state *shop.State
}

func openShop(t *testing.T) *shopWith {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "shop.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return &shopWith{st: st, state: shop.NewState()}
}

func (s *shopWith) webhooks() map[string]*shop.Webhook {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state.Webhooks
}

// do applies commands as the manager and commits them with their outbox
// entries, as the engine does.
func (s *shopWith) do(t *testing.T, at time.Time, cmds ...shop.Command) []shop.Event {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	d := shop.NewDraft(s.state)
	for _, c := range cmds {
		if _, err := d.Apply(shop.Actor{System: true}, c, at); err != nil {
			t.Fatalf("%s: %v", c.CommandType(), err)
		}
	}
	next := d.Publish()
	evs, err := s.st.CommitOutbox(d.Records(), d.Events(), next.Deliveries(d.Events()))
	if err != nil {
		t.Fatal(err)
	}
	s.state = next
	return evs
}

func addHook(t *testing.T, s *shopWith, url, secret string, events ...string) string {
	t.Helper()
	evs := s.do(t, time.Now(), &shop.PutWebhook{Webhook: shop.Webhook{Name: "DMS", URL: url, Events: events, Active: true}, Secret: secret})
	return evs[0].Subject
}

// queue commits events of a wanted type straight to the store, each for
// the destinations named: what the engine writes for an accepted command.
func (s *shopWith) queue(t *testing.T, n int, dests ...string) []shop.Event {
	t.Helper()
	evs := make([]shop.Event, n)
	deliveries := make([][]string, n)
	for i := range evs {
		evs[i] = shop.Event{At: time.Date(2026, 3, 2, 9, i, 0, 0, time.UTC), Actor: "user-1", Type: "deliver", Subject: "job-" + strconv.Itoa(i+1), JobID: "job-" + strconv.Itoa(i+1), Data: json.RawMessage(`{"type":"deliver"}`)}
		deliveries[i] = dests
	}
	out, err := s.st.CommitOutbox(nil, evs, deliveries)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func receivedIDs(r *receiver) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.ids...)
}

// receiver is a real webhook receiver: it verifies the signature itself,
// drops duplicates by id, and answers as its mode says.
type receiver struct {
	secret string
	mu     sync.Mutex
	mode   string // "ok", "500", "slow"
	ids    []string
	dups   int
	seen   map[string]bool
	got    chan string
	srv    *httptest.Server
	ln     net.Listener
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	mode := r.mode
	r.mu.Unlock()
	switch mode {
	case "slow":
		<-req.Context().Done() // hangs until the sender gives up (the body is read)
		return
	case "500":
		http.Error(w, "down for maintenance", http.StatusInternalServerError)
		return
	}
	if err := verify(r.secret, req.Header.Get("Bayboard-Signature"), body); err != "" {
		http.Error(w, err, http.StatusBadRequest)
		return
	}
	var b outbox.Body
	if err := json.Unmarshal(body, &b); err != nil || b.ID != req.Header.Get("Bayboard-Delivery") || b.Version != 1 {
		http.Error(w, "bad body", http.StatusBadRequest)
		return
	}
	r.mu.Lock()
	if r.seen[b.ID] {
		r.dups++
	} else {
		r.seen[b.ID] = true
		r.ids = append(r.ids, b.ID)
	}
	r.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
	r.got <- b.ID
}

// verify is the receiver's own check, written from docs/API.md rather than
// with the sender's code.
func verify(secret, header string, body []byte) string {
	parts := strings.Split(header, ",")
	if len(parts) != 2 || !strings.HasPrefix(parts[0], "t=") || !strings.HasPrefix(parts[1], "v1=") {
		return "no signature"
	}
	if _, err := strconv.ParseInt(parts[0][2:], 10, 64); err != nil {
		return "bad time"
	}
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(parts[0][2:] + "."))
	m.Write(body)
	if !hmac.Equal([]byte(hex.EncodeToString(m.Sum(nil))), []byte(parts[1][3:])) {
		return "bad signature"
	}
	return ""
}

// newReceiver reserves an address with nothing listening on it yet: the
// receiver is down until start.
func newReceiver(t *testing.T, secret string) *receiver {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &receiver{secret: secret, mode: "ok", seen: map[string]bool{}, got: make(chan string, 100), ln: ln}
	r.srv = httptest.NewUnstartedServer(r)
	t.Cleanup(func() {
		if r.srv.Listener != nil {
			r.srv.CloseClientConnections()
		}
		r.srv.Close()
	})
	return r
}

func (r *receiver) url() string { return "http://" + r.ln.Addr().String() + "/hook" }

// down closes the reserved port: a connection to it is refused.
func (r *receiver) down(t *testing.T) {
	addr := r.ln.Addr().String()
	r.ln.Close()
	r.ln = addrOnly{addr}
}

func (r *receiver) start(t *testing.T) {
	t.Helper()
	ln := r.ln
	if _, wasDown := ln.(addrOnly); wasDown {
		var err error
		if ln, err = net.Listen("tcp", r.ln.Addr().String()); err != nil {
			t.Fatal(err)
		}
		r.ln = ln
	}
	r.srv.Listener = ln
	r.srv.Start()
}

func (r *receiver) setMode(m string) {
	r.mu.Lock()
	r.mode = m
	r.mu.Unlock()
}

type addrOnly struct{ a string }

func (a addrOnly) Accept() (net.Conn, error) { return nil, net.ErrClosed }
func (a addrOnly) Close() error              { return nil }
func (a addrOnly) Addr() net.Addr            { return fakeAddr(a.a) }

type fakeAddr string

func (f fakeAddr) Network() string { return "tcp" }
func (f fakeAddr) String() string  { return string(f) }

// run starts a worker and returns its attempts as they are recorded.
func run(t *testing.T, s *shopWith, clock *fakeClock, maxTries int, timeout time.Duration) (*outbox.Worker, chan outbox.Attempt) {
	t.Helper()
	attempts := make(chan outbox.Attempt, 100)
	w := outbox.New(outbox.Config{
		Queue: s.st, Webhooks: s.webhooks, Instance: "shop1",
		Client: &http.Client{Timeout: timeout}, Clock: clock, MaxTries: maxTries,
		Jitter:  func(time.Duration) time.Duration { return 0 },
		Observe: func(a outbox.Attempt) { attempts <- a },
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { w.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return w, attempts
}

func next(t *testing.T, attempts chan outbox.Attempt) outbox.Attempt {
	t.Helper()
	select {
	case a := <-attempts:
		return a
	case <-time.After(20 * time.Second):
		t.Fatal("no delivery attempt")
		return outbox.Attempt{}
	}
}

func TestABacklogDrainsInOrderThroughDownSlowAnd500(t *testing.T) {
	s := openShop(t)
	clock := newClock()
	r := newReceiver(t, "s3cret")
	r.down(t)
	hook := addHook(t, s, r.url(), "s3cret", "deliver")
	evs := s.queue(t, 3, hook)
	_, attempts := run(t, s, clock, 12, 200*time.Millisecond)

	view := func() shop.OutboxView {
		t.Helper()
		v, err := s.st.Outbox(hook)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	// Down: the port refuses.
	a := next(t, attempts)
	if a.Delivered || a.Error != "connection refused" || a.Entry.EventSeq != evs[0].Seq {
		t.Fatalf("first try: %+v", a)
	}
	if d := clock.nextWait(t); d != 2*time.Second {
		t.Errorf("first back-off %s, want 2s", d)
	}
	if v := view(); v.Backlog != 3 || v.Oldest.Tries != 1 || v.Oldest.LastError != "connection refused" || v.Status.LastError != "connection refused" {
		t.Errorf("after the refusal: %+v %+v", v, v.Oldest)
	}
	// Slow: the receiver hangs past the timeout.
	r.start(t)
	r.setMode("slow")
	clock.advance(2 * time.Second)
	if a := next(t, attempts); a.Error != "timed out" || a.Entry.EventSeq != evs[0].Seq {
		t.Fatalf("second try: %+v", a)
	}
	if d := clock.nextWait(t); d != 4*time.Second {
		t.Errorf("second back-off %s, want 4s", d)
	}
	// 500: an answer, not a success.
	r.setMode("500")
	clock.advance(4 * time.Second)
	if a := next(t, attempts); a.Error != "HTTP 500" {
		t.Fatalf("third try: %+v", a)
	}
	if d := clock.nextWait(t); d != 8*time.Second {
		t.Errorf("third back-off %s, want 8s", d)
	}
	if v := view(); v.Oldest.Tries != 3 || v.Oldest.LastError != "HTTP 500" || !v.Status.LastSuccess.IsZero() {
		t.Errorf("after the 500: %+v", v.Oldest)
	}
	// 200: the backlog drains, in order, each once.
	r.setMode("ok")
	clock.advance(8 * time.Second)
	for i := range evs {
		if a := next(t, attempts); !a.Delivered || a.Entry.EventSeq != evs[i].Seq {
			t.Fatalf("delivery %d: %+v", i, a)
		}
	}
	want := []string{"shop1-" + strconv.FormatUint(evs[0].Seq, 10), "shop1-" + strconv.FormatUint(evs[1].Seq, 10), "shop1-" + strconv.FormatUint(evs[2].Seq, 10)}
	if got := receivedIDs(r); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("received %v, want %v", got, want)
	}
	if v := view(); v.Backlog != 0 || v.Oldest != nil || !v.Status.LastSuccess.Equal(clock.Now()) || len(v.Dead) != 0 {
		t.Errorf("after draining: %+v", v)
	}
}

func TestDeadLettersAfterTheLimitAreRetriedOrDropped(t *testing.T) {
	s := openShop(t)
	clock := newClock()
	r := newReceiver(t, "k")
	r.start(t)
	r.setMode("500")
	hook := addHook(t, s, r.url(), "k", "deliver")
	evs := s.queue(t, 3, hook)
	w, attempts := run(t, s, clock, 2, 5*time.Second)
	// Each entry fails twice and goes to the dead letters; the next goes.
	for i := range evs {
		if a := next(t, attempts); a.Dead || a.Entry.EventSeq != evs[i].Seq {
			t.Fatalf("try 1 of %d: %+v", i, a)
		}
		clock.advance(clock.nextWait(t))
		if a := next(t, attempts); !a.Dead || a.Entry.EventSeq != evs[i].Seq {
			t.Fatalf("try 2 of %d: %+v", i, a)
		}
	}
	v, _ := s.st.Outbox(hook)
	if v.Backlog != 0 || len(v.Dead) != 3 || v.Dead[0].Tries != 2 || v.Dead[0].LastError != "HTTP 500" {
		t.Fatalf("dead letters: %+v", v)
	}
	// Retry the second, drop the first: the second is delivered.
	r.setMode("ok")
	if err := s.st.OutboxRetry(hook, v.Dead[1].Key); err != nil {
		t.Fatal(err)
	}
	if err := s.st.OutboxDrop(hook, v.Dead[0].Key); err != nil {
		t.Fatal(err)
	}
	if err := s.st.OutboxDrop(hook, v.Dead[0].Key); err != store.ErrNoEntry {
		t.Errorf("dropping twice: %v", err)
	}
	w.Notify()
	if a := next(t, attempts); !a.Delivered || a.Entry.EventSeq != evs[1].Seq {
		t.Fatalf("the retried letter: %+v", a)
	}
	v, _ = s.st.Outbox(hook)
	if v.Backlog != 0 || len(v.Dead) != 1 || v.Dead[0].EventSeq != evs[2].Seq {
		t.Errorf("after retry and drop: %+v", v)
	}
}

func TestADeadDestinationDoesNotDelayAnother(t *testing.T) {
	s := openShop(t)
	clock := newClock()
	dead := newReceiver(t, "a")
	dead.down(t)
	live := newReceiver(t, "b")
	live.start(t)
	deadHook := addHook(t, s, dead.url(), "a", "deliver")
	liveHook := addHook(t, s, live.url(), "b", "deliver")
	evs := s.queue(t, 5, deadHook, liveHook)
	run(t, s, clock, 12, 5*time.Second)
	// The clock never moves: the dead one waits on its back-off while the
	// live one takes every event.
	for i := range evs {
		select {
		case id := <-live.got:
			if want := "shop1-" + strconv.FormatUint(evs[i].Seq, 10); id != want {
				t.Errorf("live got %s, want %s", id, want)
			}
		case <-time.After(20 * time.Second):
			t.Fatal("the live destination waited for the dead one")
		}
	}
	v, _ := s.st.Outbox(deadHook)
	if v.Backlog != 5 {
		t.Errorf("the dead destination's backlog %d, want 5", v.Backlog)
	}
}

func TestABadSignatureIsRefusedByTheReceiver(t *testing.T) {
	s := openShop(t)
	clock := newClock()
	r := newReceiver(t, "the receiver's secret")
	r.start(t)
	hook := addHook(t, s, r.url(), "another secret", "deliver")
	s.queue(t, 1, hook)
	_, attempts := run(t, s, clock, 12, 5*time.Second)
	if a := next(t, attempts); a.Delivered || a.Error != "HTTP 400" {
		t.Errorf("a body signed with another secret: %+v", a)
	}
}

func TestSignAndVerify(t *testing.T) {
	at := time.Unix(1700000000, 0)
	body := []byte(`{"id":"x-1"}`)
	h := outbox.Sign("k", at, body)
	if verify("k", h, body) != "" || outbox.Verify("k", h, body, at.Add(time.Minute), 5*time.Minute) != nil {
		t.Errorf("a good signature refused: %s", h)
	}
	if outbox.Verify("k", h, []byte(`{"id":"x-2"}`), at, 5*time.Minute) == nil || outbox.Verify("k", h, body, at.Add(time.Hour), 5*time.Minute) == nil {
		t.Error("a changed body or an old signature passed")
	}
}

func TestBackoffDoublesUpToItsCap(t *testing.T) {
	for n, want := range map[int]time.Duration{1: 2 * time.Second, 2: 4 * time.Second, 5: 32 * time.Second, 9: 512 * time.Second, 10: 15 * time.Minute, 12: 15 * time.Minute} {
		if got := outbox.Backoff(n); got != want {
			t.Errorf("Backoff(%d) = %s, want %s", n, got, want)
		}
	}
}

func TestARemovedWebhooksBacklogIsDroppedAndAPausedOneHoldsIt(t *testing.T) {
	s := openShop(t)
	clock := newClock()
	r := newReceiver(t, "k")
	r.start(t)
	hook := addHook(t, s, r.url(), "k", "deliver")
	// Paused before the worker starts: its queue waits.
	s.do(t, clock.Now(), &shop.PutWebhook{Webhook: shop.Webhook{ID: hook, Name: "DMS", URL: r.url(), Events: []string{"deliver"}, Active: false}})
	s.queue(t, 2, hook)
	w, attempts := run(t, s, clock, 12, 5*time.Second)
	// Made active again, it delivers what waited.
	s.do(t, clock.Now(), &shop.PutWebhook{Webhook: shop.Webhook{ID: hook, Name: "DMS", URL: r.url(), Events: []string{"deliver"}, Active: true}})
	w.Notify()
	for i := 0; i < 2; i++ {
		if a := next(t, attempts); !a.Delivered {
			t.Fatalf("after resuming: %+v", a)
		}
	}
	// Down and removed: what it still held is dropped.
	r.setMode("500")
	s.queue(t, 1, hook)
	w.Notify()
	if a := next(t, attempts); a.Delivered {
		t.Fatalf("a 500 delivered: %+v", a)
	}
	clock.nextWait(t)
	s.do(t, clock.Now(), &shop.RemoveWebhook{ID: hook})
	forgotten := make(chan struct{})
	go func() {
		for {
			if v, _ := s.st.Outbox(hook); v.Backlog == 0 {
				close(forgotten)
				return
			}
			w.Notify()
			time.Sleep(10 * time.Millisecond)
		}
	}()
	select {
	case <-forgotten:
	case <-time.After(10 * time.Second):
		t.Fatal("a removed webhook's backlog stays")
	}
}

func TestARedirectIsAFailure(t *testing.T) {
	s := openShop(t)
	target := newReceiver(t, "k")
	target.start(t)
	moved := httptest.NewServer(http.RedirectHandler(target.url(), http.StatusTemporaryRedirect))
	defer moved.Close()
	hook := addHook(t, s, moved.URL, "k", "deliver")
	s.queue(t, 1, hook)
	attempts := make(chan outbox.Attempt, 10)
	w := outbox.New(outbox.Config{Queue: s.st, Webhooks: s.webhooks, Instance: "shop1", Clock: newClock(),
		Observe: func(a outbox.Attempt) { attempts <- a }})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { w.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	if a := next(t, attempts); a.Delivered || a.Error != "HTTP 307" {
		t.Errorf("a redirect: %+v", a)
	}
}
