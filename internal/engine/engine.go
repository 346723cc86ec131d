package engine

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"bayboard/internal/shop"
)

// Committer writes a batch durably; the store implements it.
type Committer interface {
	Commit(recs []shop.Record, events []shop.Event) ([]shop.Event, error)
}

// OutboxCommitter is a Committer that also writes, in the commit's
// transaction, the outbox entries of the events it commits (the store
// implements it): deliveries[i] names the destinations of events[i].
type OutboxCommitter interface {
	CommitOutbox(recs []shop.Record, events []shop.Event, deliveries [][]string) ([]shop.Event, error)
}

// MessageCommitter is an OutboxCommitter that also queues the customer
// messages the events send (shop.State.Messages), in the same
// transaction.
type MessageCommitter interface {
	CommitMessages(recs []shop.Record, events []shop.Event, deliveries [][]string, messages [][]shop.OutboxMessage) ([]shop.Event, error)
}

// Change is what subscribers hear after each commit: the new state and the
// events that made it.
type Change struct {
	State  *shop.State
	Events []shop.Event
	// Took is how long the transaction took to write and fsync.
	Took time.Duration
}

// pruneEvery is how often (in engine time) old closed jobs leave the state.
const pruneEvery = time.Hour

// MaxBatch bounds one group commit, so one transaction stays short.
const MaxBatch = 256

// ErrClosed is returned once the engine has stopped.
var ErrClosed = errors.New("the server is shutting down")

type request struct {
	actor shop.Actor
	cmds  []shop.Command
	reply chan reply
}

type reply struct {
	events []shop.Event
	err    error
}

// Engine is the live shop.
type Engine struct {
	store   Committer
	now     func() time.Time
	state   atomic.Pointer[shop.State]
	queue   chan request
	done    chan struct{}
	stopped chan struct{}
	once    sync.Once

	mu   sync.Mutex
	subs []func(Change)

	lastPrune time.Time // engine goroutine only

	customerLink atomic.Pointer[shop.CustomerLink]
}

// New starts an engine over a loaded state. now is the clock (the demo
// and the tests pass a fast one).
func New(store Committer, state *shop.State, now func() time.Time) *Engine {
	e := &Engine{store: store, now: now, queue: make(chan request, MaxBatch), done: make(chan struct{}), stopped: make(chan struct{})}
	e.state.Store(state)
	go e.run()
	return e
}

// SetCustomerLink gives the engine the customer's page links that the
// messages asking to decide on found work carry (the web layer signs
// them); without it no such message is sent.
func (e *Engine) SetCustomerLink(link shop.CustomerLink) { e.customerLink.Store(&link) }

func (e *Engine) link() shop.CustomerLink {
	if p := e.customerLink.Load(); p != nil {
		return *p
	}
	return nil
}

// State returns the published state. Never change what it holds.
func (e *Engine) State() *shop.State { return e.state.Load() }

// Now is the engine's clock.
func (e *Engine) Now() time.Time { return e.now() }

// Subscribe registers fn to hear every commit, in commit order, on the
// engine's goroutine: fn must return quickly and never block.
func (e *Engine) Subscribe(fn func(Change)) {
	e.mu.Lock()
	e.subs = append(e.subs, fn)
	e.mu.Unlock()
}

// Do applies one command and returns its event once it is on disk.
func (e *Engine) Do(ctx context.Context, a shop.Actor, c shop.Command) (shop.Event, error) {
	evs, err := e.DoAll(ctx, a, c)
	if err != nil {
		return shop.Event{}, err
	}
	return evs[0], nil
}

// DoAll applies commands all or nothing, in one transaction.
func (e *Engine) DoAll(ctx context.Context, a shop.Actor, cmds ...shop.Command) ([]shop.Event, error) {
	r := request{actor: a, cmds: cmds, reply: make(chan reply, 1)}
	select {
	case e.queue <- r:
	case <-e.done:
		return nil, ErrClosed
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	// Once queued, the request is answered whatever the caller's context
	// says: it may be committed, and the caller must not think otherwise.
	select {
	case rep := <-r.reply:
		return rep.events, rep.err
	case <-e.stopped:
		select {
		case rep := <-r.reply:
			return rep.events, rep.err
		default:
			return nil, ErrClosed
		}
	}
}

// Close stops taking commands, finishes those queued, and returns.
func (e *Engine) Close() {
	e.once.Do(func() { close(e.done) })
	<-e.stopped
}

func (e *Engine) run() {
	defer close(e.stopped)
	batch := make([]request, 0, MaxBatch)
	for {
		select {
		case r := <-e.queue:
			batch = append(batch[:0], r)
		case <-e.done:
			// Answer what is still queued, then stop.
			for {
				select {
				case r := <-e.queue:
					e.commit([]request{r})
				default:
					return
				}
			}
		}
	fill:
		for len(batch) < MaxBatch {
			select {
			case r := <-e.queue:
				batch = append(batch, r)
			default:
				break fill
			}
		}
		e.commit(batch)
	}
}

// commit applies a batch to one draft and writes it in one transaction.
func (e *Engine) commit(batch []request) {
	now := e.now()
	d := shop.NewDraft(e.State())
	replies := make([]reply, len(batch))
	accepted := make([][2]int, len(batch)) // each request's span of events
	for i, r := range batch {
		sp, start := d.Savepoint(), len(d.Events())
		var err error
		for _, c := range r.cmds {
			if _, err = d.Apply(r.actor, c, now); err != nil {
				break
			}
		}
		if err != nil {
			d.Rollback(sp)
			replies[i].err = err
			accepted[i] = [2]int{-1, -1}
			continue
		}
		accepted[i] = [2]int{start, len(d.Events())}
	}
	if !d.Empty() {
		// The state the batch publishes says which destinations want its
		// events; only accepted commands have events, so a refused one
		// queues nothing.
		next := d.Publish()
		start := time.Now()
		var events []shop.Event
		var err error
		if mc, ok := e.store.(MessageCommitter); ok {
			events, err = mc.CommitMessages(d.Records(), d.Events(), next.Deliveries(d.Events()), next.Messages(d.Events(), e.link()))
		} else if oc, ok := e.store.(OutboxCommitter); ok {
			events, err = oc.CommitOutbox(d.Records(), d.Events(), next.Deliveries(d.Events()))
		} else {
			events, err = e.store.Commit(d.Records(), d.Events())
		}
		took := time.Since(start)
		if err != nil {
			for i := range replies {
				if replies[i].err == nil {
					replies[i].err = err
				}
			}
		} else {
			if now.Sub(e.lastPrune) > pruneEvery {
				next = next.WithoutClosedBefore(now.Add(-shop.KeepClosed))
				e.lastPrune = now
			}
			if len(events) > 0 {
				next.Seq = events[len(events)-1].Seq
			}
			e.state.Store(next)
			for i, span := range accepted {
				if span[0] >= 0 {
					replies[i].events = events[span[0]:span[1]]
				}
			}
			e.mu.Lock()
			subs := e.subs
			e.mu.Unlock()
			for _, fn := range subs {
				fn(Change{State: next, Events: events, Took: took})
			}
		}
	}
	for i, r := range batch {
		r.reply <- replies[i]
	}
}
