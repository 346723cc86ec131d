package store

import (
	"encoding/json"
	"time"

	"bayboard/internal/shop"

	bolt "go.etcd.io/bbolt"
)

// JobPhotos calls fn with the photos of every job in the data file, live
// and closed long ago: what the start-up check of the photo directory and
// an upload refused after its file was written compare the files with.
// Only the job's id and photos are decoded.
func (s *Store) JobPhotos(fn func(jobID string, photos []shop.Photo) error) error {
	return s.db.View(func(tx *bolt.Tx) error {
		b := records(tx, shop.KindJob)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			var j struct {
				Photos []shop.Photo `json:"photos"`
			}
			if err := json.Unmarshal(v, &j); err != nil {
				return nil // a record that cannot be read is set aside at load, and names no photo
			}
			if len(j.Photos) == 0 {
				return nil
			}
			return fn(string(k), j.Photos)
		})
	})
}

// JobsClosedBefore returns the jobs delivered or cancelled before a time,
// oldest closing first: the photo retention's candidates.
func (s *Store) JobsClosedBefore(before time.Time) ([]*shop.Job, error) {
	var out []*shop.Job
	err := s.db.View(func(tx *bolt.Tx) error {
		jobs := records(tx, shop.KindJob)
		if jobs == nil {
			return nil
		}
		until := []byte(before.UTC().Format(time.RFC3339))
		c := tx.Bucket(bucketClosedJobs).Cursor()
		for k, _ := c.First(); len(k) > closedTimeLen && string(k[:closedTimeLen]) < string(until); k, _ = c.Next() {
			v := jobs.Get(k[closedTimeLen:])
			if v == nil {
				continue
			}
			j := &shop.Job{}
			if err := json.Unmarshal(v, j); err != nil {
				continue
			}
			out = append(out, j)
		}
		return nil
	})
	return out, err
}

// PhotoFiles returns the photos whose files should be beside the data
// file: every shown photo of every job, live and closed (one taken back or
// expired by the retention has lost its file). The start-up check, the
// removal of unused files and a restore's report of what an archive
// lacked all compare with it.
func (s *Store) PhotoFiles() (map[string]bool, error) {
	ids := map[string]bool{}
	err := s.JobPhotos(func(_ string, list []shop.Photo) error {
		for _, p := range list {
			if p.Shown() {
				ids[p.ID] = true
			}
		}
		return nil
	})
	return ids, err
}
