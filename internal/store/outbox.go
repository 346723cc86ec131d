package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"bayboard/internal/shop"

	bolt "go.etcd.io/bbolt"
)

// The outbox's buckets: outbox/<destination>/{pending,dead} and the
// destination's status key. They are made by the first write that needs
// them, so a file written before the outbox opens as it is.
var (
	bucketOutbox  = []byte("outbox")
	bucketPending = []byte("pending")
	bucketDead    = []byte("dead")
	keyStatus     = []byte("status")
)

// ErrNoEntry is an outbox entry that is not there (delivered, dropped).
var ErrNoEntry = errors.New("no such outbox entry")

// storedWebhook is a webhook as the data file keeps it: shop.Webhook
// leaves its secret out of its JSON, the file alone keeps it.
type storedWebhook struct {
	*shop.Webhook
	Secret string `json:"secret,omitempty"`
}

// storedSender is a message channel's settings as the data file keeps
// them: shop.MessageSender leaves its secret out of its JSON.
type storedSender struct {
	*shop.MessageSender
	Secret string `json:"secret,omitempty"`
}

// destination returns a destination's bucket, making it (and its pending
// and dead buckets) when the transaction is writable.
func destination(tx *bolt.Tx, dest string) (*bolt.Bucket, error) {
	root := tx.Bucket(bucketOutbox)
	if !tx.Writable() {
		if root == nil {
			return nil, nil
		}
		return root.Bucket([]byte(dest)), nil
	}
	root, err := tx.CreateBucketIfNotExists(bucketOutbox)
	if err != nil {
		return nil, err
	}
	b, err := root.CreateBucketIfNotExists([]byte(dest))
	if err != nil {
		return nil, err
	}
	for _, name := range [][]byte{bucketPending, bucketDead} {
		if _, err := b.CreateBucketIfNotExists(name); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// enqueue writes one entry at the end of a destination's queue.
func enqueue(b *bolt.Bucket, e shop.OutboxEntry) error {
	key, err := b.NextSequence()
	if err != nil {
		return err
	}
	e.Key = key
	data, err := json.Marshal(e)
	if err != nil {
		return err
	}
	return b.Bucket(bucketPending).Put(u64(key), data)
}

// writeOutbox queues each numbered event for the destinations named for it,
// in the commit's transaction.
func writeOutbox(tx *bolt.Tx, events []shop.Event, deliveries [][]string) error {
	for i, dests := range deliveries {
		for _, dest := range dests {
			b, err := destination(tx, dest)
			if err != nil {
				return err
			}
			ev := events[i]
			if err := enqueue(b, shop.OutboxEntry{EventSeq: ev.Seq, EventType: ev.Type, Queued: ev.At.UTC()}); err != nil {
				return err
			}
		}
	}
	return nil
}

// writeMessages queues each event's customer messages for their channels'
// destinations, in the commit's transaction; an entry's NextTry is the
// message's NotBefore, so the worker holds it till then.
func writeMessages(tx *bolt.Tx, events []shop.Event, messages [][]shop.OutboxMessage) error {
	for i, ms := range messages {
		ev := events[i]
		for _, m := range ms {
			b, err := destination(tx, m.Destination())
			if err != nil {
				return err
			}
			m.ID = fmt.Sprintf("%d-%s", ev.Seq, m.Kind)
			if err := enqueue(b, shop.OutboxEntry{EventSeq: ev.Seq, EventType: ev.Type, Queued: ev.At.UTC(), NextTry: m.NotBefore, Message: &m}); err != nil {
				return err
			}
		}
	}
	return nil
}

// CommitMessages is CommitOutbox that also queues each event's customer
// messages (messages[i] for events[i]) in the same transaction.
func (s *Store) CommitMessages(recs []shop.Record, events []shop.Event, deliveries [][]string, messages [][]shop.OutboxMessage) ([]shop.Event, error) {
	if len(deliveries) > len(events) || len(messages) > len(events) {
		return nil, fmt.Errorf("outbox: %d deliveries and %d messages for %d events", len(deliveries), len(messages), len(events))
	}
	return s.commitWith(recs, events, deliveries, messages)
}

// CommitOutbox is Commit that also queues, in the same transaction, each
// event for the destinations deliveries names for it (deliveries[i] for
// events[i]; nil for none): an event is never on disk without its outbox
// entries, nor an entry without its event.
func (s *Store) CommitOutbox(recs []shop.Record, events []shop.Event, deliveries [][]string) ([]shop.Event, error) {
	if len(deliveries) > len(events) {
		return nil, fmt.Errorf("outbox: %d deliveries for %d events", len(deliveries), len(events))
	}
	return s.commit(recs, events, deliveries)
}

func readEntry(v []byte) (shop.OutboxEntry, error) {
	var e shop.OutboxEntry
	err := json.Unmarshal(v, &e)
	return e, err
}

// heldScan bounds how far OutboxNext looks past messages held for their
// customers' quiet hours: a night's messages of a busy shop are a few
// hundred.
const heldScan = 5000

// OutboxNext returns the entry of a destination to send at now, in order:
// the oldest pending one, except that a customer message held for its
// customer's quiet hours (not tried yet, its NotBefore ahead) lets the
// entries behind it go — none of the same customer's, which keep their
// order. When nothing may go yet, wake is when the first held entry may
// (zero when nothing waits: a commit wakes the worker). An entry waiting
// for its retry holds the whole queue — a failed try is the destination's
// (a receiver down, a gateway refusing), and the order holds across it —
// unless the failure was its recipient's alone (RecipientOnly: a number's
// rate limit, a greylisting mailbox): then it holds only its customer's.
func (s *Store) OutboxNext(dest string, now time.Time) (e shop.OutboxEntry, ok bool, wake time.Time, err error) {
	err = s.db.View(func(tx *bolt.Tx) error {
		b, _ := destination(tx, dest)
		if b == nil {
			return nil
		}
		held := map[string]bool{}
		c := b.Bucket(bucketPending).Cursor()
		n := 0
		for k, v := c.First(); k != nil && n < heldScan; k, v = c.Next() {
			n++
			entry, err := readEntry(v)
			if err != nil {
				return err
			}
			notBefore := entry.NextTry
			if m := entry.Message; m != nil && m.NotBefore.After(notBefore) {
				notBefore = m.NotBefore // a retried dead letter still waits for the morning
			}
			if !notBefore.After(now) {
				if entry.Message != nil && held[entry.Message.CustomerID] {
					continue
				}
				e, ok = entry, true
				return nil
			}
			if wake.IsZero() || notBefore.Before(wake) {
				wake = notBefore
			}
			if entry.Message == nil || entry.Tries > 0 && !entry.RecipientOnly {
				return nil // a webhook's order, or the channel's own trouble
			}
			held[entry.Message.CustomerID] = true
		}
		return nil
	})
	return e, ok, wake, err
}

// OutboxDelivered removes a delivered entry and records the success.
func (s *Store) OutboxDelivered(dest string, key uint64, at time.Time) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		b, err := destination(tx, dest)
		if err != nil {
			return err
		}
		if err := b.Bucket(bucketPending).Delete(u64(key)); err != nil {
			return err
		}
		st := readStatus(b)
		st.LastSuccess = at.UTC()
		return putStatus(b, st)
	})
}

// OutboxFailed records a failed try of an entry: it stays at the head of
// its queue (of its customer's, when the failure was its recipient's
// alone) until its next try, or moves to the dead letters.
func (s *Store) OutboxFailed(dest string, key uint64, f shop.OutboxFailure) error {
	reason, at := f.Reason, f.At
	return s.db.Update(func(tx *bolt.Tx) error {
		b, err := destination(tx, dest)
		if err != nil {
			return err
		}
		pending := b.Bucket(bucketPending)
		v := pending.Get(u64(key))
		if v == nil {
			return ErrNoEntry
		}
		e, err := readEntry(v)
		if err != nil {
			return err
		}
		e.Tries++
		e.LastError, e.LastTry, e.NextTry, e.RecipientOnly = reason, at.UTC(), f.NextTry.UTC(), f.RecipientOnly && e.Message != nil
		data, err := json.Marshal(e)
		if err != nil {
			return err
		}
		if f.Dead {
			if err := pending.Delete(u64(key)); err != nil {
				return err
			}
			err = b.Bucket(bucketDead).Put(u64(key), data)
		} else {
			err = pending.Put(u64(key), data)
		}
		if err != nil {
			return err
		}
		st := readStatus(b)
		st.LastError, st.LastErrorAt = reason, at.UTC()
		return putStatus(b, st)
	})
}

// OutboxRetry puts a dead letter back at the end of its queue, its tries
// counted afresh.
func (s *Store) OutboxRetry(dest string, key uint64) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		b, err := destination(tx, dest)
		if err != nil {
			return err
		}
		dead := b.Bucket(bucketDead)
		v := dead.Get(u64(key))
		if v == nil {
			return ErrNoEntry
		}
		e, err := readEntry(v)
		if err != nil {
			return err
		}
		if err := dead.Delete(u64(key)); err != nil {
			return err
		}
		e.Tries, e.NextTry, e.RecipientOnly = 0, time.Time{}, false
		return enqueue(b, e)
	})
}

// OutboxDrop removes a dead letter for good.
func (s *Store) OutboxDrop(dest string, key uint64) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		b, err := destination(tx, dest)
		if err != nil {
			return err
		}
		if b.Bucket(bucketDead).Get(u64(key)) == nil {
			return ErrNoEntry
		}
		return b.Bucket(bucketDead).Delete(u64(key))
	})
}

// OutboxForget drops everything a removed destination still held.
func (s *Store) OutboxForget(dest string) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		root := tx.Bucket(bucketOutbox)
		if root == nil || root.Bucket([]byte(dest)) == nil {
			return nil
		}
		return root.DeleteBucket([]byte(dest))
	})
}

// Outbox returns a destination's backlog, status and dead letters.
func (s *Store) Outbox(dest string) (shop.OutboxView, error) {
	out := shop.OutboxView{Dead: []shop.OutboxEntry{}}
	err := s.db.View(func(tx *bolt.Tx) error {
		b, _ := destination(tx, dest)
		if b == nil {
			return nil
		}
		out.Status = readStatus(b)
		pending := b.Bucket(bucketPending)
		out.Backlog = pending.Stats().KeyN
		if _, v := pending.Cursor().First(); v != nil {
			e, err := readEntry(v)
			if err != nil {
				return err
			}
			out.Oldest = &e
		}
		return b.Bucket(bucketDead).ForEach(func(_, v []byte) error {
			e, err := readEntry(v)
			if err == nil {
				out.Dead = append(out.Dead, e)
			}
			return err
		})
	})
	return out, err
}

// Event returns the event of a sequence number.
func (s *Store) Event(seq uint64) (shop.Event, error) {
	var ev shop.Event
	err := s.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketEvents).Get(u64(seq))
		if v == nil {
			return fmt.Errorf("event %d: not in the log", seq)
		}
		return json.Unmarshal(v, &ev)
	})
	return ev, err
}

func readStatus(b *bolt.Bucket) shop.OutboxStatus {
	var st shop.OutboxStatus
	if v := b.Get(keyStatus); v != nil {
		json.Unmarshal(v, &st)
	}
	return st
}

func putStatus(b *bolt.Bucket, st shop.OutboxStatus) error {
	data, err := json.Marshal(st)
	if err != nil {
		return err
	}
	return b.Put(keyStatus, data)
}
