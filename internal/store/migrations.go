package store

import (
	"crypto/rand"
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// migrations bring a data file up to the code's schema, in order; the
// schema version is the number of migrations applied. Never edit or reorder
// one that has shipped: add a new one.
var migrations = []func(tx *bolt.Tx) error{
	// 1: the base buckets and the shop's secret.
	func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bucketRecords, bucketEvents, bucketOpenJobs, bucketClosedJobs, bucketAuth} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		secret := make([]byte, 32)
		if _, err := rand.Read(secret); err != nil {
			return err
		}
		return tx.Bucket(bucketMeta).Put(keySecret, secret)
	},
	// 2: an index of each job's events, so a job's history is read without
	// scanning the whole log; filled from the events already there.
	func(tx *bolt.Tx) error {
		idx, err := tx.CreateBucketIfNotExists(bucketJobEvents)
		if err != nil {
			return err
		}
		return tx.Bucket(bucketEvents).ForEach(func(k, v []byte) error {
			var ev struct {
				JobID string `json:"job_id"`
			}
			if err := json.Unmarshal(v, &ev); err != nil || ev.JobID == "" {
				return err
			}
			b, err := idx.CreateBucketIfNotExists([]byte(ev.JobID))
			if err != nil {
				return err
			}
			return b.Put(k, present)
		})
	},
}

// SchemaVersion is the version this code writes.
var SchemaVersion = uint64(len(migrations))

// migrate runs the migrations a file lacks, all in one transaction.
func migrate(db *bolt.DB) error {
	return db.Update(func(tx *bolt.Tx) error {
		meta, err := tx.CreateBucketIfNotExists(bucketMeta)
		if err != nil {
			return err
		}
		have := getU64(meta.Get(keySchemaVersion))
		if have > SchemaVersion {
			return fmt.Errorf("%w: the data file has schema version %d and this bayboard knows up to %d; run a newer bayboard", ErrNewerSchema, have, SchemaVersion)
		}
		for v := have; v < SchemaVersion; v++ {
			if err := migrations[v](tx); err != nil {
				return fmt.Errorf("migration %d: %w", v+1, err)
			}
		}
		return meta.Put(keySchemaVersion, u64(SchemaVersion))
	})
}
