package store

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"bayboard/internal/shop"

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
	// 3: the event log no longer holds the hashes of passwords and PINs
	// that put_user events once carried (exports show the log; a 4-digit
	// PIN's hash falls to 10,000 tries). The one rewrite of past events:
	// each keeps its place, time and actor, and says a secret was set.
	func(tx *bolt.Tx) error {
		return rewriteEach(tx.Bucket(bucketEvents), func(ev map[string]json.RawMessage) (bool, error) {
			if string(ev["type"]) != `"put_user"` {
				return false, nil
			}
			var data map[string]json.RawMessage
			if err := json.Unmarshal(ev["data"], &data); err != nil {
				return false, err
			}
			var user map[string]json.RawMessage
			if err := json.Unmarshal(data["user"], &user); err != nil {
				return false, err
			}
			changed := false
			for field, flag := range map[string]string{"password_hash": "set_password", "pin_hash": "set_pin"} {
				if h, ok := user[field]; ok {
					delete(user, field)
					changed = true
					if string(h) != `""` {
						data[flag] = json.RawMessage("true")
					}
				}
			}
			if !changed {
				return false, nil
			}
			var err error
			if data["user"], err = json.Marshal(user); err != nil {
				return false, err
			}
			ev["data"], err = json.Marshal(data)
			return true, err
		})
	},
	// 4: closed_jobs rebuilt from the jobs, keyed by when each closed: jobs
	// opened and closed in one transaction were left out before, so the
	// reports and exports of their period missed them.
	func(tx *bolt.Tx) error {
		if err := tx.DeleteBucket(bucketClosedJobs); err != nil {
			return err
		}
		closed, err := tx.CreateBucket(bucketClosedJobs)
		if err != nil {
			return err
		}
		jobs := records(tx, shop.KindJob)
		if jobs == nil {
			return nil
		}
		return jobs.ForEach(func(_, v []byte) error {
			var j shop.Job
			if err := json.Unmarshal(v, &j); err != nil {
				return err
			}
			if j.Stage.Open() {
				return nil
			}
			return closed.Put(closedKey(&j), present)
		})
	},
	// 5: the shop's hours become a week with lunch breaks and closed days
	// (shop.Hours): every day open the opens_at–closes_at the file had,
	// no lunch break, no closed days. Hours that could not be read were
	// 08:00–18:00, and stay so. The shape is written out here, not taken
	// from shop.Hours, so that this migration keeps doing what it did.
	func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketRecords).Bucket([]byte(shop.KindSettings))
		if b == nil || b.Get(keyShopSettings) == nil {
			return nil
		}
		var settings map[string]json.RawMessage
		if err := json.Unmarshal(b.Get(keyShopSettings), &settings); err != nil {
			return err
		}
		var opensAt, closesAt string
		json.Unmarshal(settings["opens_at"], &opensAt)
		json.Unmarshal(settings["closes_at"], &closesAt)
		opens, err1 := time.Parse("15:04", opensAt)
		closes, err2 := time.Parse("15:04", closesAt)
		if err1 != nil || err2 != nil || !closes.After(opens) {
			opens, closes = time.Date(0, 1, 1, 8, 0, 0, 0, time.UTC), time.Date(0, 1, 1, 18, 0, 0, 0, time.UTC)
		}
		type day struct {
			Opens  string `json:"opens"`
			Closes string `json:"closes"`
		}
		hours := struct {
			Week       []day    `json:"week"`
			ClosedDays []string `json:"closed_days"`
		}{ClosedDays: []string{}}
		for range 7 {
			hours.Week = append(hours.Week, day{opens.Format("15:04"), closes.Format("15:04")})
		}
		var err error
		if settings["hours"], err = json.Marshal(hours); err != nil {
			return err
		}
		delete(settings, "opens_at")
		delete(settings, "closes_at")
		out, err := json.Marshal(settings)
		if err != nil {
			return err
		}
		return b.Put(keyShopSettings, out)
	},
	// 6: a base URL left at the old default (http://localhost:8080, which
	// no phone can open) or saved before it was checked and not one now is
	// cleared: the QR codes then carry the address the advisor's browser
	// reached the server at. A good one is kept in its normal form.
	func(tx *bolt.Tx) error {
		settings := records(tx, shop.KindSettings)
		if settings == nil {
			return nil
		}
		raw := settings.Get([]byte("shop"))
		if raw == nil {
			return nil
		}
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(raw, &fields); err != nil {
			return err
		}
		var base string
		if v, ok := fields["base_url"]; ok {
			if err := json.Unmarshal(v, &base); err != nil {
				return err
			}
		}
		normal, ok := shop.NormalBaseURL(base)
		if !ok || normal == "http://localhost:8080" {
			normal = ""
		}
		if normal == base {
			return nil
		}
		v, err := json.Marshal(normal)
		if err != nil {
			return err
		}
		fields["base_url"] = v
		out, err := json.Marshal(fields)
		if err != nil {
			return err
		}
		return settings.Put([]byte("shop"), out)
	},
	// 7: a job's pause_reason string ("reason" or "reason: note", and a
	// cancelled job's reason in the same field) becomes a paused job's
	// pause {reason, note} and a cancelled job's cancel_reason, so that no
	// reader splits the string again. The one place it is split is here,
	// at the first ": " after a known reason (a note may hold a colon of
	// its own, such as a time). The events keep their shape: a pause event
	// holds the command (job_id, reason, note), as it always did.
	func(tx *bolt.Tx) error {
		jobs := records(tx, shop.KindJob)
		if jobs == nil {
			return nil
		}
		return rewriteEach(jobs, func(job map[string]json.RawMessage) (bool, error) {
			raw, ok := job["pause_reason"]
			if !ok {
				return false, nil
			}
			delete(job, "pause_reason")
			var old, stage string
			if err := json.Unmarshal(raw, &old); err != nil {
				return false, err
			}
			json.Unmarshal(job["stage"], &stage)
			var err error
			switch {
			case old == "":
			case stage == "paused" || stage == "waiting_parts" || stage == "waiting_approval":
				job["pause"], err = json.Marshal(pauseOfOld(old))
			case stage == "cancelled":
				job["cancel_reason"], err = json.Marshal(old)
			}
			return true, err
		})
	},
	// 8: set_aside/, where a start moves a record it cannot read (a job
	// damaged on disk, a field from a newer bayboard), so that the rest of
	// the shop serves and the record's bytes are kept.
	func(tx *bolt.Tx) error {
		_, err := tx.CreateBucketIfNotExists(bucketSetAside)
		return err
	},
	// 10 (after the revisions' 9; renumber at the merge): parts are issued
	// against jobs, and a job bills what was issued. A job whose work had
	// started before (in progress or past it, delivered included) drew its
	// parts the old way, unrecorded: its scope's part lines count as
	// issued, basis "migrated", at the time the job was last saved, so its
	// bill stays what it was. A job not yet started (reception, waiting
	// for dispatch, dispatched) draws its parts at the counter from its
	// pick list; a cancelled one drew nothing it is billed for.
	func(tx *bolt.Tx) error {
		jobs := records(tx, shop.KindJob)
		if jobs == nil {
			return nil
		}
		counters := records(tx, shop.KindCounter)
		var last oldCounter
		if raw := counters.Get([]byte("ip")); raw != nil {
			if err := json.Unmarshal(raw, &last); err != nil {
				return err
			}
		}
		next := last.Value
		err := rewriteEach(jobs, func(job map[string]json.RawMessage) (bool, error) {
			var j struct {
				Stage     string          `json:"stage"`
				Parts     []oldPartLine   `json:"parts"`
				UpdatedAt time.Time       `json:"updated_at"`
				Issued    json.RawMessage `json:"issued"`
			}
			if err := json.Unmarshal(mustJSON(job), &j); err != nil {
				return false, err
			}
			switch j.Stage {
			case "in_progress", "waiting_parts", "waiting_approval", "paused", "quality_check", "washing", "ready", "delivered":
			default:
				return false, nil
			}
			if len(j.Parts) == 0 || len(j.Issued) > 0 {
				return false, nil
			}
			issued := make([]oldIssuedPart, 0, len(j.Parts))
			for _, pl := range j.Parts {
				next++
				issued = append(issued, oldIssuedPart{ID: fmt.Sprintf("ip-%d", next), Number: pl.Number, Name: pl.Name,
					Quantity: pl.Quantity, UnitPrice: pl.UnitPrice, CatalogPrice: pl.UnitPrice, Basis: "migrated",
					IssuedBy: "system", IssuedAt: j.UpdatedAt})
			}
			var err error
			job["issued"], err = json.Marshal(issued)
			return true, err
		})
		if err != nil || next == last.Value {
			return err
		}
		out, err := json.Marshal(oldCounter{Name: "ip", Value: next})
		if err != nil {
			return err
		}
		return counters.Put([]byte("ip"), out)
	},
}

// The shapes migration 10 reads and writes, written out here rather than
// taken from shop's types, so that the migration keeps doing what it did.
type oldPartLine struct {
	Number    string  `json:"number,omitempty"`
	Name      string  `json:"name"`
	Quantity  float64 `json:"quantity"`
	UnitPrice int64   `json:"unit_price"`
}

type oldIssuedPart struct {
	ID           string    `json:"id"`
	Number       string    `json:"number"`
	Name         string    `json:"name"`
	Quantity     float64   `json:"quantity"`
	UnitPrice    int64     `json:"unit_price"`
	Basis        string    `json:"basis"`
	CatalogPrice int64     `json:"catalog_price"`
	IssuedBy     string    `json:"issued_by"`
	IssuedAt     time.Time `json:"issued_at"`
}

type oldCounter struct {
	Name  string `json:"name"`
	Value int    `json:"value"`
}

// mustJSON encodes a record rewriteEach decoded; it was JSON a moment ago.
func mustJSON(rec map[string]json.RawMessage) []byte {
	b, _ := json.Marshal(rec)
	return b
}

// setAsideVersion is the schema version that has set_aside/ (migration 8;
// renumber with it).
const setAsideVersion = 8

// oldPause is a pause as migration 7 writes it; the shape is written out
// here, not taken from shop.PauseInfo, so that the migration keeps doing
// what it did.
type oldPause struct {
	Reason string `json:"reason"`
	Note   string `json:"note,omitempty"`
}

// pauseOfOld splits a pause_reason of before migration 7: "reason" or
// "reason: note". Text that starts with no known reason was a note of
// its own and is kept whole as one for another reason.
func pauseOfOld(old string) oldPause {
	for _, reason := range []string{"waiting_parts", "waiting_approval", "break", "other"} {
		if old == reason {
			return oldPause{Reason: reason}
		}
		if note, ok := strings.CutPrefix(old, reason+": "); ok {
			return oldPause{Reason: reason, Note: note}
		}
	}
	return oldPause{Reason: "other", Note: old}
}

// SchemaVersion is the version this code writes.
var SchemaVersion = uint64(len(migrations))

// migrate runs the migrations a file lacks, all in one transaction. A
// file at the code's version is not written to at all.
func migrate(db *bolt.DB) error {
	current := false
	db.View(func(tx *bolt.Tx) error {
		if meta := tx.Bucket(bucketMeta); meta != nil {
			current = getU64(meta.Get(keySchemaVersion)) == SchemaVersion
		}
		return nil
	})
	if current {
		return nil
	}
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

// rewriteEach decodes every record of a bucket as a JSON object, lets
// change edit it (saying whether it did), and writes back the ones it
// changed once the walk is over (bbolt forbids writing while walking).
// Fields change does not touch keep their bytes.
func rewriteEach(b *bolt.Bucket, change func(rec map[string]json.RawMessage) (bool, error)) error {
	type rewrite struct{ key, value []byte }
	var rewrites []rewrite
	err := b.ForEach(func(k, v []byte) error {
		var rec map[string]json.RawMessage
		if err := json.Unmarshal(v, &rec); err != nil {
			return err
		}
		changed, err := change(rec)
		if err != nil || !changed {
			return err
		}
		out, err := json.Marshal(rec)
		if err != nil {
			return err
		}
		rewrites = append(rewrites, rewrite{append([]byte(nil), k...), out})
		return nil
	})
	if err != nil {
		return err
	}
	for _, r := range rewrites {
		if err := b.Put(r.key, r.value); err != nil {
			return err
		}
	}
	return nil
}
