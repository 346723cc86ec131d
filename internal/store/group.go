package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"bayboard/internal/shop"
)

// The group process's data file (`bayboard group`, issue 17) is a file of
// its own, not a shop's: per store, the records its messages brought, cut
// as they left the store, and the last event number applied.
//
//	group_meta/
//	    schema_version   uint64, big-endian (GroupSchemaVersion)
//	group_stores/
//	    <store id>/
//	        state        GroupStoreState JSON: name, seq, last_at
//	        records/
//	            <kind>/
//	                <id> the record's JSON as the message carried it
//	        archive/
//	            <closed at><id>  RFC 3339 time + job id → the job's JSON:
//	                 closed jobs that left the replica (7 days after
//	                 closing, as they leave the store's live state), kept
//	                 for the comparison of longer periods (WithClosed)
//
// Crash safety: each message is applied in one bbolt transaction, fsynced
// before Apply returns: its records and the store's seq together, so a
// crash leaves the file before or after the message, never between; the
// consumer acknowledges the message to JetStream only after Apply
// returns, and a redelivered message has a seq not above the store's and
// is skipped. Nothing is counted twice and nothing is lost.

var (
	bucketGroupMeta    = []byte("group_meta")
	bucketGroupStores  = []byte("group_stores")
	bucketGroupRecords = []byte("records")
	bucketGroupArchive = []byte("archive")
	keyGroupState      = []byte("state")
)

// ErrBadGroupMessage means a message can never apply (no store, another
// schema version, a record that does not decode): the consumer logs it and
// acknowledges it, since a retry would fail the same way. Any other error
// from Apply is the file's, and the message is to be retried.
var ErrBadGroupMessage = errors.New("group message refused")

// GroupSchemaVersion is the layout of the group's data file; a file of a
// newer one is refused.
const GroupSchemaVersion = 1

// Group is the group process's data file, with every store's replica
// kept in memory beside it.
type Group struct {
	db   *bolt.DB
	path string

	// applying serialises Apply; mu guards replicas only, so a reader
	// (the wall board) never waits for a message's fsync.
	applying sync.Mutex
	mu       sync.Mutex
	replicas map[string]GroupStore
}

// GroupStore is one store as the group holds it: its replica (a
// shop.State built only from the records received, never written to),
// the last event number applied and when that event happened.
type GroupStore struct {
	ID, Name string
	// Epoch and Seq are the last message applied (shop.GroupMessage).
	Epoch  string
	Seq    uint64
	LastAt time.Time
	State  *shop.State
	// Closed are jobs closed in a period asked for that left the
	// replica (WithClosed fills them; nil otherwise): the comparison of
	// a month needs more than the week of closed jobs a replica keeps.
	Closed []*shop.Job
}

// groupStoreState is a store's line in the file beside its records.
type groupStoreState struct {
	Name   string    `json:"name"`
	Epoch  string    `json:"epoch,omitempty"`
	Seq    uint64    `json:"seq"`
	LastAt time.Time `json:"last_at"`
}

// OpenGroup opens (creating if needed) a group's data file and rebuilds
// every store's replica from it.
func OpenGroup(path string) (*Group, error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, err
		}
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: LockWait, FreelistType: bolt.FreelistMapType})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, lockedError(path)
	}
	if err != nil {
		return nil, fmt.Errorf("open group data file %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketMeta) != nil || tx.Bucket(bucketRecords) != nil {
			return fmt.Errorf("%s is a shop's data file, not a group's", path)
		}
		meta, err := tx.CreateBucketIfNotExists(bucketGroupMeta)
		if err != nil {
			return err
		}
		if _, err := tx.CreateBucketIfNotExists(bucketGroupStores); err != nil {
			return err
		}
		v := meta.Get(keySchemaVersion)
		switch {
		case v == nil:
			return meta.Put(keySchemaVersion, u64(GroupSchemaVersion))
		case getU64(v) > GroupSchemaVersion:
			return fmt.Errorf("%s: %w (group schema %d, this build reads %d)", path, ErrNewerSchema, getU64(v), GroupSchemaVersion)
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, err
	}
	g := &Group{db: db, path: path, replicas: map[string]GroupStore{}}
	stores, err := g.Stores()
	if err != nil {
		db.Close()
		return nil, err
	}
	for _, s := range stores {
		g.replicas[s.ID] = s
	}
	return g, nil
}

// Close closes the file.
func (g *Group) Close() error { return g.db.Close() }

// Apply applies one store's message, once: a message whose seq is not
// above the store's last applied one (a redelivery, a re-publish after
// the store's crash) is skipped and Apply returns false. A snapshot
// replaces the store's records; an event's records replace theirs. The
// message's records, the jobs it prunes and the store's seq are written in
// one fsynced transaction; a message that does not apply (a bad record,
// another schema version) changes nothing and returns its error.
func (g *Group) Apply(m shop.GroupMessage) (bool, error) {
	if m.Store == "" {
		return false, fmt.Errorf("%w: no store", ErrBadGroupMessage)
	}
	g.applying.Lock()
	defer g.applying.Unlock()
	g.mu.Lock()
	cur, known := g.replicas[m.Store]
	g.mu.Unlock()
	switch {
	case !known && !m.Snapshot:
		// A store's events before its snapshot cannot be placed: a group
		// process that starts after the stream let the store's older
		// messages go waits for its next snapshot (a day at most).
		return false, nil
	case !known:
	case m.Epoch != cur.Epoch:
		// A snapshot of a new epoch replaces the store whatever its number
		// (a store restored from a backup numbers its events again from
		// where the backup was); an event of another epoch is one the
		// store has left, or, before its snapshot, cannot be placed.
		if !m.Snapshot {
			return false, nil
		}
	case m.Seq <= cur.Seq:
		return false, nil
	}
	next, err := shop.ApplyGroupMessage(cur.State, m)
	if err != nil {
		return false, fmt.Errorf("%w: %v", ErrBadGroupMessage, err)
	}
	st := groupStoreState{Name: next.Settings.Name, Epoch: m.Epoch, Seq: m.Seq, LastAt: m.At}
	err = g.db.Update(func(tx *bolt.Tx) error {
		root := tx.Bucket(bucketGroupStores)
		sb, err := root.CreateBucketIfNotExists([]byte(m.Store))
		if err != nil {
			return err
		}
		if m.Snapshot && sb.Bucket(bucketGroupRecords) != nil {
			if err := sb.DeleteBucket(bucketGroupRecords); err != nil {
				return err
			}
		}
		recs, err := sb.CreateBucketIfNotExists(bucketGroupRecords)
		if err != nil {
			return err
		}
		for _, r := range m.Records {
			if !groupKind(r.Kind) {
				continue
			}
			kb, err := recs.CreateBucketIfNotExists([]byte(r.Kind))
			if err != nil {
				return err
			}
			if r.Removed {
				err = kb.Delete([]byte(r.ID))
			} else {
				err = kb.Put([]byte(r.ID), r.Data)
			}
			if err != nil {
				return err
			}
		}
		if cur.State != nil {
			if err := archiveGone(sb, cur.State.Jobs, next.Jobs); err != nil {
				return err
			}
		}
		if !m.Snapshot && cur.State != nil {
			// What left the replica without a record of its own: a
			// removed job's findings and parts requests, the jobs closed
			// long enough ago to leave it, the bookings and roster days
			// as old, the cars and customers no job or booking names.
			for _, err := range []error{
				deleteGone(recs, shop.KindJob, cur.State.Jobs, next.Jobs),
				deleteGone(recs, shop.KindFinding, cur.State.Findings, next.Findings),
				deleteGone(recs, shop.KindPartsRequest, cur.State.PartsRequests, next.PartsRequests),
				deleteGone(recs, shop.KindAppointment, cur.State.Appointments, next.Appointments),
				deleteGone(recs, shop.KindVehicle, cur.State.Vehicles, next.Vehicles),
				deleteGone(recs, shop.KindCustomer, cur.State.Customers, next.Customers),
				deleteGone(recs, shop.KindRoster, cur.State.Roster, next.Roster),
			} {
				if err != nil {
					return err
				}
			}
		}
		data, err := json.Marshal(st)
		if err != nil {
			return err
		}
		return sb.Put(keyGroupState, data)
	})
	if err != nil {
		return false, fmt.Errorf("group data file: store %s seq %d: %w", m.Store, m.Seq, err)
	}
	g.mu.Lock()
	g.replicas[m.Store] = GroupStore{ID: m.Store, Name: st.Name, Epoch: st.Epoch, Seq: st.Seq, LastAt: st.LastAt, State: next}
	g.mu.Unlock()
	return true, nil
}

// archiveGone keeps the closed jobs that left the replica in the store's
// archive.
func archiveGone(sb *bolt.Bucket, was, is map[string]*shop.Job) error {
	var arch *bolt.Bucket
	for id, j := range was {
		if _, ok := is[id]; ok || j.Stage.Open() {
			continue
		}
		if arch == nil {
			var err error
			if arch, err = sb.CreateBucketIfNotExists(bucketGroupArchive); err != nil {
				return err
			}
		}
		data, err := json.Marshal(j)
		if err != nil {
			return err
		}
		if err := arch.Put(closedKey(j), data); err != nil {
			return err
		}
	}
	return nil
}

// WithClosed returns the stores with their archived jobs closed in
// [from, to) read from the file (GroupStore.Closed); a job still in a
// replica is not repeated.
func (g *Group) WithClosed(stores []GroupStore, from, to time.Time) ([]GroupStore, error) {
	out := make([]GroupStore, len(stores))
	copy(out, stores)
	lo, hi := []byte(from.UTC().Format(time.RFC3339)), []byte(to.UTC().Format(time.RFC3339))
	err := g.db.View(func(tx *bolt.Tx) error {
		for i := range out {
			out[i].Closed = nil
			sb := tx.Bucket(bucketGroupStores).Bucket([]byte(out[i].ID))
			if sb == nil || sb.Bucket(bucketGroupArchive) == nil {
				continue
			}
			c := sb.Bucket(bucketGroupArchive).Cursor()
			for k, v := c.Seek(lo); k != nil && string(k[:min(len(k), len(hi))]) < string(hi); k, v = c.Next() {
				j := &shop.Job{}
				if err := json.Unmarshal(v, j); err != nil {
					return fmt.Errorf("store %s: archived job %s: %w", out[i].ID, k, err)
				}
				if out[i].State != nil && out[i].State.Jobs[j.ID] != nil {
					continue
				}
				out[i].Closed = append(out[i].Closed, j)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("group data file %s: %w", g.path, err)
	}
	return out, nil
}

func groupKind(kind string) bool {
	for _, k := range shop.GroupKinds() {
		if k == kind {
			return true
		}
	}
	return false
}

// deleteGone deletes the records in was that is no longer has.
func deleteGone[T any](recs *bolt.Bucket, kind string, was, is map[string]*T) error {
	if len(was) == 0 {
		return nil
	}
	kb := recs.Bucket([]byte(kind))
	if kb == nil {
		return nil
	}
	for id := range was {
		if _, ok := is[id]; !ok {
			if err := kb.Delete([]byte(id)); err != nil {
				return err
			}
		}
	}
	return nil
}

// Stores returns every store's replica rebuilt from the file, by store
// id: what a group process starts from.
func (g *Group) Stores() ([]GroupStore, error) {
	var out []GroupStore
	err := g.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketGroupStores).ForEachBucket(func(id []byte) error {
			sb := tx.Bucket(bucketGroupStores).Bucket(id)
			var st groupStoreState
			if err := json.Unmarshal(sb.Get(keyGroupState), &st); err != nil {
				return fmt.Errorf("store %s: %w", id, err)
			}
			// The records as one snapshot: the replica is built by the
			// same code as from the messages, pruned as of the last one.
			m := shop.GroupMessage{V: shop.GroupMessageVersion, Store: string(id), Seq: st.Seq, At: st.LastAt, Snapshot: true}
			if recs := sb.Bucket(bucketGroupRecords); recs != nil {
				for _, kind := range shop.GroupKinds() {
					kb := recs.Bucket([]byte(kind))
					if kb == nil {
						continue
					}
					if err := kb.ForEach(func(k, v []byte) error {
						m.Records = append(m.Records, shop.GroupRecord{Kind: kind, ID: string(k), Data: append(json.RawMessage(nil), v...)})
						return nil
					}); err != nil {
						return err
					}
				}
			}
			state, err := shop.ApplyGroupMessage(nil, m)
			if err != nil {
				return fmt.Errorf("store %s: %w", id, err)
			}
			out = append(out, GroupStore{ID: string(id), Name: st.Name, Epoch: st.Epoch, Seq: st.Seq, LastAt: st.LastAt, State: state})
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("group data file %s: %w", g.path, err)
	}
	return out, nil
}

// Replicas returns every store's replica as kept in memory, by store id:
// what Stores would rebuild from the file, without reading it. The states
// are never changed once returned.
func (g *Group) Replicas() []GroupStore {
	g.mu.Lock()
	out := make([]GroupStore, 0, len(g.replicas))
	for _, s := range g.replicas {
		out = append(out, s)
	}
	g.mu.Unlock()
	sort.Slice(out, func(a, b int) bool { return out[a].ID < out[b].ID })
	return out
}
