package outbox

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"sync"
	"syscall"
	"time"

	"bayboard/internal/channels"
	"bayboard/internal/shop"
)

const (
	// DefaultTimeout bounds one delivery: a receiver that hangs longer
	// has failed, and the next try comes after the back-off.
	DefaultTimeout = 10 * time.Second
	// DefaultMaxTries is how many failures make a dead letter: with the
	// back-off below, about an hour and a half of tries, most of it at the
	// cap, which rides out a restarting receiver but not a wrong URL.
	DefaultMaxTries = 12
	// FirstBackoff and MaxBackoff bound the wait before the next try: it
	// doubles from the first up to the cap.
	FirstBackoff = 2 * time.Second
	MaxBackoff   = 15 * time.Minute
	// maxErrorLen keeps a recorded error short: the admin's list shows it.
	maxErrorLen = 120
)

// Queue is the store's outbox as the worker uses it.
type Queue interface {
	// OutboxNext is the entry to send at now, or when to look again
	// (zero: after the next commit).
	OutboxNext(dest string, now time.Time) (e shop.OutboxEntry, ok bool, wake time.Time, err error)
	OutboxDelivered(dest string, key uint64, at time.Time) error
	OutboxFailed(dest string, key uint64, f shop.OutboxFailure) error
	OutboxForget(dest string) error
	Event(seq uint64) (shop.Event, error)
}

// Clock is the worker's time: the shop's clock, or a test's.
type Clock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
}

// RealClock is the wall clock.
type RealClock struct{}

func (RealClock) Now() time.Time                         { return time.Now() }
func (RealClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// Attempt is one try of one entry, as it was recorded.
type Attempt struct {
	Destination string
	Entry       shop.OutboxEntry
	Delivered   bool
	Dead        bool
	Error       string
}

// Config is what a worker needs.
type Config struct {
	Queue Queue
	// Webhooks returns the shop's webhooks as the engine publishes them.
	Webhooks func() map[string]*shop.Webhook
	// Senders returns the customer messages' senders by destination
	// ("sms", "email": shop.MessageDestinations), those the shop has set
	// up; nil, or a destination without one, holds its messages until
	// one is set up.
	Senders func() map[string]channels.Sender
	// Instance is the shop's instance id (InstanceID).
	Instance string
	// Client posts the webhooks; nil is one with DefaultTimeout.
	Client *http.Client
	// Clock is the worker's time; nil is RealClock.
	Clock Clock
	// MaxTries is DefaultMaxTries when 0.
	MaxTries int
	// Jitter spreads a back-off so that destinations that failed together
	// do not retry together; nil adds up to a fifth at random.
	Jitter func(time.Duration) time.Duration
	Logger *slog.Logger
	// Observe, when set, hears each attempt once it is recorded.
	Observe func(Attempt)
}

// Worker delivers every destination's outbox.
type Worker struct {
	cfg  Config
	wake chan struct{}

	mu    sync.Mutex
	dests map[string]chan struct{} // each running destination's wake-up
	// forgotten are the removed webhooks whose backlog is dropped.
	forgotten map[string]bool
	wg        sync.WaitGroup
}

// New makes a worker; Run starts it.
func New(cfg Config) *Worker {
	if cfg.Client == nil {
		// A redirect is an answer, not a delivery: the webhook's URL is
		// the manager's to correct, and a signed body is not to be sent
		// on to wherever a receiver points.
		cfg.Client = &http.Client{Timeout: DefaultTimeout, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	if cfg.Clock == nil {
		cfg.Clock = RealClock{}
	}
	if cfg.MaxTries <= 0 {
		cfg.MaxTries = DefaultMaxTries
	}
	if cfg.Jitter == nil {
		cfg.Jitter = func(d time.Duration) time.Duration { return time.Duration(rand.Int64N(int64(d)/5 + 1)) }
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Worker{cfg: cfg, wake: make(chan struct{}, 1), dests: map[string]chan struct{}{}, forgotten: map[string]bool{}}
}

// Notify tells the worker that entries may have been written or webhooks
// changed. It never blocks: the engine calls it after each commit.
func (w *Worker) Notify() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run delivers until ctx ends, then waits for every destination's
// delivery in flight to be recorded.
func (w *Worker) Run(ctx context.Context) {
	defer w.wg.Wait()
	for {
		w.sync(ctx)
		select {
		case <-ctx.Done():
			return
		case <-w.wake:
		}
	}
}

// sync starts a goroutine for each webhook not yet running, drops the
// backlog of removed ones, and wakes those already running.
func (w *Worker) sync(ctx context.Context) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, wake := range w.dests {
		select {
		case wake <- struct{}{}:
		default:
		}
	}
	for id, hook := range w.cfg.Webhooks() {
		if hook.Removed {
			if _, running := w.dests[id]; !running && !w.forgotten[id] {
				if err := w.cfg.Queue.OutboxForget(id); err != nil {
					w.cfg.Logger.Warn("outbox: dropping a removed webhook's backlog", "webhook", id, "err", err)
				} else {
					w.forgotten[id] = true
				}
			}
			continue
		}
		w.start(ctx, id)
	}
	if w.cfg.Senders != nil {
		for dest := range w.cfg.Senders() {
			w.start(ctx, dest)
		}
	}
}

// start runs a destination's loop unless it runs already; w.mu is held.
func (w *Worker) start(ctx context.Context, dest string) {
	if _, running := w.dests[dest]; running {
		return
	}
	wake := make(chan struct{}, 1)
	w.dests[dest] = wake
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		w.deliverAll(ctx, dest, wake)
	}()
}

// target is a destination as its loop sees it now.
type target struct {
	// gone ends the loop: a removed webhook, a channel no longer set up.
	gone bool
	// paused holds the queue: a webhook the manager paused.
	paused bool
	// send delivers one entry: nil when it went, or why not.
	send func(ctx context.Context, e shop.OutboxEntry) *failure
}

// failure is why a try failed, whether that can never change, and
// whether it was its recipient's alone (channels.RecipientOnly).
type failure struct {
	reason               string
	permanent, recipient bool
}

// target looks a destination up: a customer messages' channel or a webhook.
func (w *Worker) target(dest string) target {
	if w.cfg.Senders != nil {
		if sender := w.cfg.Senders()[dest]; sender != nil {
			return target{send: func(ctx context.Context, e shop.OutboxEntry) *failure { return w.sendMessage(ctx, sender, e) }}
		}
	}
	hook := w.cfg.Webhooks()[dest]
	if hook == nil || hook.Removed {
		return target{gone: true}
	}
	return target{paused: !hook.Active, send: func(ctx context.Context, e shop.OutboxEntry) *failure {
		if reason := w.post(ctx, hook, e); reason != "" {
			return &failure{reason: reason}
		}
		return nil
	}}
}

// deliverAll is one destination's loop: its entries one at a time, in
// order, each until it is delivered or dead.
func (w *Worker) deliverAll(ctx context.Context, dest string, wake chan struct{}) {
	defer func() {
		w.mu.Lock()
		delete(w.dests, dest)
		w.mu.Unlock()
		// A removed webhook's goroutine ends; the next sync drops its
		// backlog.
		w.Notify()
	}()
	for ctx.Err() == nil {
		t := w.target(dest)
		if t.gone {
			return
		}
		var wait <-chan time.Time
		now := w.cfg.Clock.Now()
		entry, ok, at, err := w.cfg.Queue.OutboxNext(dest, now)
		switch {
		case err != nil:
			w.cfg.Logger.Error("outbox: reading the queue", "destination", dest, "err", err)
			wait = w.cfg.Clock.After(FirstBackoff)
		case t.paused:
			// The manager paused it: wait for a commit.
		case ok:
			w.attempt(ctx, dest, t, entry)
			continue
		case !at.IsZero():
			// A retry's time, or the end of a customer's quiet hours.
			wait = w.cfg.Clock.After(at.Sub(now))
		}
		select {
		case <-ctx.Done():
			return
		case <-wake:
		case <-wait:
		}
	}
}

// attempt delivers one entry and records what came of it.
func (w *Worker) attempt(ctx context.Context, dest string, t target, e shop.OutboxEntry) {
	f := t.send(ctx, e)
	if ctx.Err() != nil {
		// Shutting down: the entry stays as it was, to go after the restart.
		return
	}
	now := w.cfg.Clock.Now()
	a := Attempt{Destination: dest, Entry: e}
	var err error
	if f == nil {
		a.Delivered = true
		err = w.cfg.Queue.OutboxDelivered(dest, e.Key, now)
	} else {
		a.Error = f.reason
		a.Dead = f.permanent || e.Tries+1 >= w.cfg.MaxTries
		backoff := Backoff(e.Tries + 1)
		err = w.cfg.Queue.OutboxFailed(dest, e.Key, shop.OutboxFailure{Reason: f.reason, At: now,
			NextTry: now.Add(backoff + w.cfg.Jitter(backoff)), Dead: a.Dead, RecipientOnly: f.recipient})
		w.cfg.Logger.Warn("outbox: delivery failed", "destination", dest, "event", e.EventSeq, "tries", e.Tries+1, "err", f.reason, "dead", a.Dead, "recipient_only", f.recipient)
	}
	if err != nil {
		w.cfg.Logger.Error("outbox: recording a delivery", "destination", dest, "event", e.EventSeq, "err", err)
	}
	if w.cfg.Observe != nil {
		w.cfg.Observe(a)
	}
}

// sendMessage sends a customer message through its channel's sender. Its
// id is the shop's instance and the message's own, the same on every try.
func (w *Worker) sendMessage(ctx context.Context, sender channels.Sender, e shop.OutboxEntry) *failure {
	m := e.Message
	if m == nil {
		return &failure{reason: "not a message", permanent: true}
	}
	err := sender.Send(ctx, channels.Message{ID: w.cfg.Instance + "-" + m.ID, To: m.To, Subject: m.Subject, Text: m.Text,
		Template: string(m.Kind), Params: m.Params})
	if err == nil {
		return nil
	}
	reason := err.Error()
	if len(reason) > maxErrorLen {
		reason = reason[:maxErrorLen]
	}
	return &failure{reason: reason, permanent: channels.Permanent(err), recipient: channels.RecipientOnly(err)}
}

// Backoff is the wait after the n-th failure: FirstBackoff doubled each
// time, up to MaxBackoff.
func Backoff(n int) time.Duration {
	d := FirstBackoff
	for i := 1; i < n && d < MaxBackoff; i++ {
		d *= 2
	}
	return min(d, MaxBackoff)
}

// post delivers one entry and returns "" on a 2xx, or why it failed, short
// and without the body or the secret.
func (w *Worker) post(ctx context.Context, hook *shop.Webhook, e shop.OutboxEntry) string {
	ev, err := w.cfg.Queue.Event(e.EventSeq)
	if err != nil {
		return "event not readable"
	}
	body, err := json.Marshal(NewBody(w.cfg.Instance, ev))
	if err != nil {
		return "event not encodable"
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, hook.URL, bytes.NewReader(body))
	if err != nil {
		return "bad URL"
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "bayboard-webhook/1")
	req.Header.Set("Bayboard-Delivery", DeliveryID(w.cfg.Instance, ev.Seq))
	req.Header.Set("Bayboard-Signature", Sign(hook.Secret, w.cfg.Clock.Now(), body))
	resp, err := w.cfg.Client.Do(req)
	if err != nil {
		return describe(err)
	}
	// Read a little of the answer so the connection can be reused, never
	// keep it: a receiver's body is not the shop's to log.
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Sprintf("HTTP %d", resp.StatusCode)
	}
	return ""
}

// describe names a transport failure in a few words.
func describe(err error) string {
	var nerr net.Error
	var dns *net.DNSError
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &nerr) && nerr.Timeout():
		return "timed out"
	case errors.As(err, &dns):
		return "host not found"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "connection closed"
	}
	s := err.Error()
	var uerr interface{ Unwrap() error }
	if errors.As(err, &uerr) && uerr.Unwrap() != nil {
		s = uerr.Unwrap().Error() // a url.Error's text repeats the URL
	}
	if len(s) > maxErrorLen {
		s = s[:maxErrorLen]
	}
	return s
}
