package jetstream

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	natsjs "github.com/nats-io/nats.go/jetstream"
)

// StreamName is the group's stream: every store's events.
const StreamName = "BAYBOARD_EVENTS"

// AllStores is the subject filter of every store's events.
const AllStores = "bayboard.stores.*.events"

// StoreSubject is the subject a store publishes its events on.
func StoreSubject(storeID string) string {
	return "bayboard.stores." + storeID + ".events"
}

const (
	// connectTimeout bounds Connect when no server answers: a store's
	// manager saving a wrong address hears about it within seconds.
	connectTimeout = 5 * time.Second
	// reconnectWait is the pause between reconnect attempts once connected;
	// a connection that was made reconnects forever.
	reconnectWait = time.Second
	// ackTimeout is how long Publish waits for one message's ack: a server
	// that vanished mid-batch turns into an error, never a hang.
	ackTimeout = 10 * time.Second
	// duplicateWindow is the stream's memory of message ids: a store that
	// crashed before recording an ack re-publishes within it and the stream
	// keeps one copy.
	duplicateWindow = 24 * time.Hour
	// consumerAckWait is how long the server waits for a consumer's ack
	// before it delivers a message again; a handler still busy marks it in
	// progress.
	consumerAckWait = 30 * time.Second
	// fetchBatch is how many messages a consumer asks for at once.
	fetchBatch = 256
)

// ErrNotConnected is Publish's error while the link is down.
var ErrNotConnected = errors.New("jetstream: not connected")

// Config is how to reach the group's servers.
type Config struct {
	// URLs is one or more "nats://host:port" (or tls://), comma separated.
	URLs string
	// Username, with Secret as its password; without it Secret is a token.
	Username string
	Secret   string
	// Name is the connection's name in the servers' monitoring.
	Name string
}

// Conn is a connection to the group's JetStream.
type Conn struct {
	nc *nats.Conn
	js natsjs.JetStream
}

// Connect connects to one of cfg's servers. It fails within about five
// seconds when none answers; once connected it reconnects forever, and
// Connected tells whether it is connected now.
func Connect(ctx context.Context, cfg Config) (*Conn, error) {
	if strings.TrimSpace(cfg.URLs) == "" {
		return nil, errors.New("jetstream: no server URL")
	}
	opts := []nats.Option{
		nats.Name(cfg.Name),
		nats.Timeout(2 * time.Second),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(reconnectWait),
		// No buffering while reconnecting: a publish then fails at once and
		// the store's publisher keeps the events in its own log.
		nats.ReconnectBufSize(-1),
		nats.NoCallbacksAfterClientClose(),
	}
	switch {
	case cfg.Username != "":
		opts = append(opts, nats.UserInfo(cfg.Username, cfg.Secret))
	case cfg.Secret != "":
		opts = append(opts, nats.Token(cfg.Secret))
	}
	ctx, cancel := context.WithTimeout(ctx, connectTimeout)
	defer cancel()
	type result struct {
		nc  *nats.Conn
		err error
	}
	done := make(chan result, 1)
	go func() {
		nc, err := nats.Connect(cfg.URLs, opts...)
		done <- result{nc, err}
	}()
	var r result
	select {
	case r = <-done:
	case <-ctx.Done():
		// The dial goes on in its goroutine; close what it makes, if anything.
		go func() {
			if late := <-done; late.nc != nil {
				late.nc.Close()
			}
		}()
		return nil, fmt.Errorf("jetstream: connect to %s: %w", cfg.URLs, ctx.Err())
	}
	if r.err != nil {
		return nil, fmt.Errorf("jetstream: connect to %s: %w", cfg.URLs, r.err)
	}
	js, err := natsjs.New(r.nc)
	if err != nil {
		r.nc.Close()
		return nil, fmt.Errorf("jetstream: %w", err)
	}
	return &Conn{nc: r.nc, js: js}, nil
}

// Connected says whether the connection is up now.
func (c *Conn) Connected() bool { return c.nc.IsConnected() }

// Close closes the connection; pending publishes fail.
func (c *Conn) Close() { c.nc.Close() }

// DefaultKeep is how long the stream keeps a message: a month of every
// store's events (a busy store's day is a megabyte or two), beyond the
// day between the snapshots each store's link publishes, so a new group
// process reading the stream from its start finds every store whole.
const DefaultKeep = 30 * 24 * time.Hour

// Stream is how the group keeps the stores' stream.
type Stream struct {
	// Replicas are the copies in a cluster (1 on one server); 0 is 1.
	Replicas int
	// Keep is how long a message stays; 0 is DefaultKeep.
	Keep time.Duration
}

// EnsureStream creates the group's stream, or updates it to cfg: its
// replicas (1, or 3 on a three-node cluster) and how long it keeps a
// message.
func (c *Conn) EnsureStream(ctx context.Context, cfg Stream) error {
	if cfg.Replicas < 1 {
		cfg.Replicas = 1
	}
	if cfg.Keep <= 0 {
		cfg.Keep = DefaultKeep
	}
	_, err := c.js.CreateOrUpdateStream(ctx, natsjs.StreamConfig{
		Name:        StreamName,
		Description: "bayboard: every store's events, one subject per store",
		Subjects:    []string{AllStores},
		Retention:   natsjs.LimitsPolicy,
		MaxAge:      cfg.Keep,
		Storage:     natsjs.FileStorage,
		Replicas:    cfg.Replicas,
		Duplicates:  duplicateWindow,
	})
	if err != nil {
		return fmt.Errorf("jetstream: stream %s: %w", StreamName, err)
	}
	return nil
}

// StreamState is what the stream holds now.
type StreamState struct {
	Messages uint64
	Bytes    uint64
	Keep     time.Duration
	Replicas int
}

// StreamState reads the stream's size and how it is kept.
func (c *Conn) StreamState(ctx context.Context) (StreamState, error) {
	s, err := c.js.Stream(ctx, StreamName)
	if err != nil {
		return StreamState{}, fmt.Errorf("jetstream: stream %s: %w", StreamName, err)
	}
	info, err := s.Info(ctx)
	if err != nil {
		return StreamState{}, fmt.Errorf("jetstream: stream %s: %w", StreamName, err)
	}
	return StreamState{Messages: info.State.Msgs, Bytes: info.State.Bytes, Keep: info.Config.MaxAge, Replicas: info.Config.Replicas}, nil
}

// Msg is one message to publish: ID is its JetStream message id.
type Msg struct {
	ID, Subject string
	Data        []byte
}

// Publish publishes msgs in order, each once the one before it is
// stored, and returns how many the stream acknowledged: all of them with
// a nil error, or those before the one that failed. One at a time is what
// keeps a store's messages in the stream in its own order: published side
// by side, a message lost with a stream leader (its ack never comes)
// could be followed by later ones stored by the new leader, and the group,
// which applies a store's messages in order and skips one not above the
// last, would never apply the lost one when it came again. Publishing the
// same messages again stores each once (their ids).
func (c *Conn) Publish(ctx context.Context, msgs []Msg) (acked int, err error) {
	if len(msgs) == 0 {
		return 0, nil
	}
	if !c.nc.IsConnected() {
		return 0, ErrNotConnected
	}
	if most := c.nc.MaxPayload(); most > 0 {
		for _, m := range msgs {
			if int64(len(m.Data)) > most {
				// nats.go would say only "maximum payload exceeded": say
				// what to change, since a store's snapshot can outgrow the
				// default 1 MB.
				return 0, fmt.Errorf("jetstream: message %s is %.1f MB; the group's NATS servers take at most %.1f MB a message: raise their max_payload (8 MB holds a busy store's snapshot)",
					m.ID, float64(len(m.Data))/(1<<20), float64(most)/(1<<20))
			}
		}
	}
	for i, m := range msgs {
		if err := c.publishOne(ctx, m); err != nil {
			return i, fmt.Errorf("jetstream: publish %s: %w", m.ID, err)
		}
	}
	return len(msgs), nil
}

// publishOne publishes a message and waits for its ack, ackTimeout at most.
func (c *Conn) publishOne(ctx context.Context, m Msg) error {
	ctx, cancel := context.WithTimeout(ctx, ackTimeout)
	defer cancel()
	_, err := c.js.PublishMsg(ctx, &nats.Msg{Subject: m.Subject, Data: m.Data}, natsjs.WithMsgID(m.ID), natsjs.WithExpectStream(StreamName))
	return err
}

// Delivery is one consumed message.
type Delivery struct {
	Subject   string
	Data      []byte
	StreamSeq uint64
}

// Consume delivers every store's messages to handle, in stream order,
// through the durable consumer named durable (one per group process), and
// returns when ctx ends. A message is acknowledged when handle returns nil;
// when it returns an error the same message is handed again after a pause
// (1 s doubling to 30 s), so nothing is skipped. A lost connection is
// waited out. A message may be handed twice after a crash (handle was done
// but its ack never reached the server): the handler keeps its own last
// sequence per store.
func (c *Conn) Consume(ctx context.Context, durable string, handle func(Delivery) error) error {
	if durable == "" || strings.ContainsAny(durable, ".*> \t") {
		return fmt.Errorf("jetstream: consumer name %q: letters, digits, - and _ only", durable)
	}
	var last uint64 // the last stream sequence handled in this call
	pause := time.Second
	for ctx.Err() == nil {
		consumer, floor, err := c.resetConsumer(ctx, durable, last)
		if err == nil {
			last = max(last, floor)
			err = consume(ctx, consumer, &last, handle)
		}
		if ctx.Err() != nil {
			break
		}
		if errors.Is(err, errGap) {
			continue
		}
		if !sleep(ctx, pause) {
			break
		}
		pause = min(2*pause, 30*time.Second)
		if err == nil {
			pause = time.Second
		}
	}
	return nil
}

// errGap is consume's signal that a message came past one not yet
// handled (its delivery was lost with a connection): start again from
// the last one handled.
var errGap = errors.New("jetstream: gap in delivery")

// resetConsumer makes the durable consumer start right after what was
// acknowledged. The consumer acks "all up to": its ack floor is the last
// message handled, and it is recreated from there so that a delivery lost
// with a connection comes again before anything after it (a redelivery
// left to the server could come after later messages and break the order).
func (c *Conn) resetConsumer(ctx context.Context, durable string, handled uint64) (natsjs.Consumer, uint64, error) {
	stream, err := c.js.Stream(ctx, StreamName)
	if err != nil {
		return nil, 0, err
	}
	floor := handled
	if existing, err := stream.Consumer(ctx, durable); err == nil {
		info, err := existing.Info(ctx)
		if err != nil {
			return nil, 0, err
		}
		floor = max(floor, info.AckFloor.Stream)
		if err := stream.DeleteConsumer(ctx, durable); err != nil {
			return nil, 0, err
		}
	} else if !errors.Is(err, natsjs.ErrConsumerNotFound) {
		return nil, 0, err
	}
	cfg := natsjs.ConsumerConfig{
		Durable:       durable,
		Description:   "bayboard group process",
		FilterSubject: AllStores,
		AckPolicy:     natsjs.AckAllPolicy,
		AckWait:       consumerAckWait,
		MaxAckPending: 4 * fetchBatch,
		DeliverPolicy: natsjs.DeliverAllPolicy,
	}
	if floor > 0 {
		cfg.DeliverPolicy = natsjs.DeliverByStartSequencePolicy
		cfg.OptStartSeq = floor + 1
	}
	consumer, err := stream.CreateOrUpdateConsumer(ctx, cfg)
	if err != nil {
		return nil, 0, err
	}
	return consumer, floor, nil
}

// consume fetches and handles messages until ctx ends, the connection
// fails or a gap shows.
func consume(ctx context.Context, consumer natsjs.Consumer, last *uint64, handle func(Delivery) error) error {
	fresh := true // the first message after a reset may lawfully skip ahead (messages aged out)
	for ctx.Err() == nil {
		if err := pull(ctx, consumer, last, &fresh, handle); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// pull fetches one batch, waiting up to 2 s for messages and no longer
// than ctx (a group process stopping does not wait for the pull to
// expire), and handles it in order.
func pull(ctx context.Context, consumer natsjs.Consumer, last *uint64, fresh *bool, handle func(Delivery) error) error {
	pullCtx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	batch, err := consumer.Fetch(fetchBatch, natsjs.FetchContext(pullCtx))
	if err != nil {
		return err
	}
	for msg := range batch.Messages() {
		meta, err := msg.Metadata()
		if err != nil {
			return err
		}
		seq := meta.Sequence.Stream
		if seq <= *last {
			continue // handled already
		}
		if !*fresh && seq != *last+1 {
			return errGap
		}
		*fresh = false
		d := Delivery{Subject: msg.Subject(), Data: msg.Data(), StreamSeq: seq}
		pause := time.Second
		for {
			err := handle(d)
			if err == nil {
				break
			}
			_ = msg.InProgress()
			if !sleep(ctx, pause) {
				return ctx.Err()
			}
			pause = min(2*pause, 30*time.Second)
		}
		*last = seq
		// The ack may be lost with the connection: the message then comes
		// again and is passed over above, or after a restart handled twice.
		_ = msg.Ack()
	}
	if err := batch.Error(); err != nil && !errors.Is(err, nats.ErrTimeout) && !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}

// sleep waits d or until ctx ends; false when ctx ended.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
