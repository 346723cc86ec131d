package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"bayboard/internal/shop"

	bolt "go.etcd.io/bbolt"
)

// SetAside is a record the shop could not read, moved out of the way at a
// start so that the rest of the shop serves: a job damaged on disk, a
// record with a field a newer bayboard wrote, an index entry naming a job
// that is not there. Its bytes are kept whole in set_aside/ for whoever
// mends the file; nothing reads them as the shop's.
type SetAside struct {
	Kind string `json:"kind"`
	ID   string `json:"id"`
	// Reason says why, in words safe to show anyone (no record content).
	Reason string    `json:"reason"`
	At     time.Time `json:"at"`
	// Record is the record's bytes as they were; empty for an index entry.
	Record []byte `json:"record,omitempty"`
	// detail is the decoder's own message, for the log only.
	detail string
}

// Set-aside reasons.
const (
	reasonUnreadable   = "unreadable"
	reasonUnknownField = "unknown field (written by a newer bayboard?)"
	reasonMissing      = "an index names it but the record is missing"
)

// decodeStrict reads a record of a kind as the file keeps it, refusing
// fields this code does not know: a record written by a newer bayboard
// would otherwise lose them at its next save.
func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return fmt.Errorf("data after the record")
	}
	return nil
}

// setAsideOf describes a record that failed to decode.
func setAsideOf(kind string, id []byte, raw []byte, err error, now time.Time) SetAside {
	reason := reasonUnreadable
	if strings.HasPrefix(err.Error(), "json: unknown field") {
		reason = reasonUnknownField
	}
	return SetAside{Kind: kind, ID: string(id), Reason: reason, At: now.UTC(),
		Record: append([]byte(nil), raw...), detail: err.Error()}
}

// Detail is the decoder's message for a record set aside at this start,
// for the log; empty for one read back from the file.
func (a SetAside) Detail() string { return a.detail }

// setAside moves records Load could not read into set_aside/<kind>/, keyed
// by id and the time, and takes a job's entries out of the job indexes,
// all in one transaction. A record that reads well by now (written again
// meanwhile) is left where it is.
func (s *Store) setAside(items []SetAside) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		root := tx.Bucket(bucketSetAside)
		for _, it := range items {
			recs := tx.Bucket(bucketRecords).Bucket([]byte(it.Kind))
			if it.Record != nil && (recs == nil || !bytes.Equal(recs.Get([]byte(it.ID)), it.Record)) {
				continue
			}
			kb, err := root.CreateBucketIfNotExists([]byte(it.Kind))
			if err != nil {
				return err
			}
			v, err := json.Marshal(it)
			if err != nil {
				return err
			}
			if err := kb.Put([]byte(it.ID+" "+it.At.Format(time.RFC3339Nano)), v); err != nil {
				return err
			}
			if recs != nil && it.Record != nil {
				if err := recs.Delete([]byte(it.ID)); err != nil {
					return err
				}
			}
			if it.Kind == shop.KindJob {
				if err := unindexJob(tx, it.ID); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// closedTimeLen is the length of the time at the head of a closed_jobs
// key (RFC 3339 in UTC, which ends in Z).
const closedTimeLen = len("2006-01-02T15:04:05Z")

// unindexJob takes a job out of open_jobs and closed_jobs; a closed job's
// key starts with when it closed, which a damaged job cannot tell, so the
// index is searched for the id.
func unindexJob(tx *bolt.Tx, id string) error {
	if err := tx.Bucket(bucketOpenJobs).Delete([]byte(id)); err != nil {
		return err
	}
	closed := tx.Bucket(bucketClosedJobs)
	var keys [][]byte
	closed.ForEach(func(k, _ []byte) error {
		if len(k) > closedTimeLen && string(k[closedTimeLen:]) == id {
			keys = append(keys, append([]byte(nil), k...))
		}
		return nil
	})
	for _, k := range keys {
		if err := closed.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// SetAsideRecords lists every record set aside in the file, at this start
// or an earlier one, oldest first by kind: what /healthz reports until
// someone mends the file.
func (s *Store) SetAsideRecords() ([]SetAside, error) {
	var out []SetAside
	err := s.db.View(func(tx *bolt.Tx) error {
		root := tx.Bucket(bucketSetAside)
		if root == nil {
			return nil
		}
		return root.ForEachBucket(func(kind []byte) error {
			return root.Bucket(kind).ForEach(func(_, v []byte) error {
				var it SetAside
				if err := json.Unmarshal(v, &it); err != nil {
					it = SetAside{Kind: string(kind), Reason: reasonUnreadable}
				}
				out = append(out, it)
				return nil
			})
		})
	})
	return out, err
}

// highestNumber is the highest number the counter of a name has handed
// out, read from the ids in the file: a record's id is the counter's name,
// a dash and the number ("cu-12"); a job's is its day, a dash and the
// number ("20261123-0007", counter "job:20261123"). Records, a job's
// events and records set aside all count.
func highestNumber(tx *bolt.Tx, name string) int {
	prefix := name + "-"
	if day, ok := strings.CutPrefix(name, "job:"); ok {
		prefix = day + "-"
	}
	highest := 0
	scan := func(b *bolt.Bucket) {
		c := b.Cursor()
		for k, _ := c.Seek([]byte(prefix)); k != nil && bytes.HasPrefix(k, []byte(prefix)); k, _ = c.Next() {
			digits, _, _ := strings.Cut(string(k[len(prefix):]), " ")
			if n, err := strconv.Atoi(digits); err == nil && n > highest {
				highest = n
			}
		}
	}
	for _, root := range [][]byte{bucketRecords, bucketSetAside} {
		if r := tx.Bucket(root); r != nil {
			r.ForEachBucket(func(kind []byte) error { scan(r.Bucket(kind)); return nil })
		}
	}
	scan(tx.Bucket(bucketJobEvents))
	return highest
}
