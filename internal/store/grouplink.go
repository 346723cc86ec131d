package store

import (
	"encoding/json"
	"fmt"
	"time"

	"bayboard/internal/shop"

	bolt "go.etcd.io/bbolt"
)

// The store's side of its dealer group's link (issue 17): the link's
// record keeps its secret beside it, as a webhook's does, and the
// publisher's cursor — the last event JetStream acknowledged — lives in
// meta/, each read and advanced in a small transaction of its own, never
// in the engine's commit.

// keyGroupCursor is meta/'s key of the group publisher's cursor.
var keyGroupCursor = []byte("group_cursor")

// storedGroupLink is the group link as the data file keeps it:
// shop.GroupLink leaves its secret out of its JSON.
type storedGroupLink struct {
	*shop.GroupLink
	Secret string `json:"secret,omitempty"`
}

// GroupCursor is how far the store's events were published to its group:
// Seq is the last event the stream acknowledged, for the link named by
// StoreID and URLs under the Contacts policy (a link pointed elsewhere,
// or a policy changed, starts again from a snapshot). Snapshot is the event number of the last snapshot published.
type GroupCursor struct {
	StoreID  string `json:"store_id"`
	URLs     string `json:"urls"`
	Contacts bool   `json:"contacts,omitempty"`
	Seq      uint64 `json:"seq"`
	Snapshot uint64 `json:"snapshot,omitempty"`
	// SnapshotAt is when the last snapshot was published, by the shop's
	// clock; Epoch the run the first one started (shop.GroupMessage.Epoch).
	SnapshotAt time.Time `json:"snapshot_at,omitzero"`
	Epoch      string    `json:"epoch,omitempty"`
}

// GroupCursor reads the publisher's cursor; the zero cursor when none was
// written.
func (s *Store) GroupCursor() (GroupCursor, error) {
	var c GroupCursor
	err := s.db.View(func(tx *bolt.Tx) error {
		raw := tx.Bucket(bucketMeta).Get(keyGroupCursor)
		if raw == nil {
			return nil
		}
		if err := json.Unmarshal(raw, &c); err != nil {
			return fmt.Errorf("group cursor: %w", err)
		}
		return nil
	})
	return c, err
}

// SetGroupCursor advances (or resets) the publisher's cursor, durably.
func (s *Store) SetGroupCursor(c GroupCursor) error {
	raw, err := json.Marshal(c)
	if err != nil {
		return err
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketMeta).Put(keyGroupCursor, raw)
	})
}

// FirstSeq is the number of the oldest event the log still has, 0 when
// it is empty.
func (s *Store) FirstSeq() uint64 {
	var seq uint64
	s.db.View(func(tx *bolt.Tx) error {
		k, _ := tx.Bucket(bucketEvents).Cursor().First()
		seq = getU64(k)
		return nil
	})
	return seq
}
