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
	// 9: a job signed before revisions were kept gets revision 1, the
	// signed estimate: its totals are the `estimated` totals fixed at
	// signing, its time the signature's (`signed_at`), its signer the
	// actor of the job's submit event, its promised time the job's. Its
	// lines are the job's lines less those each approved finding added
	// (one labour line named for the finding, with its hours, and its
	// parts), kept only when they add up to the signed total; otherwise
	// the revision says its lines are unknown and holds none, so no
	// later line is ever shown as signed.
	migrateSignedToRevision1,
	// 10: the car's history:
	// vehicle_jobs/, each vehicle's jobs, filled from the jobs there; the
	// next service of each car's last delivery that agreed one, kept on
	// the car; and each finding the customer declined kept as the car's
	// open recommendation, as a declined finding is from now on.
	migrateCarHistory,
	// 11: parts are issued
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
			if json.Unmarshal(mustJSON(job), &j) != nil {
				return false, nil // a job of another shape is set aside at the load
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
	// 12: complaints gain a category, an owner and a due time (the
	// follow-up survey). A complaint recorded before gets the category
	// "process" (流程, the default), no owner (the follow-up desk shows it
	// unowned and assigns one), and, when still open, a due time two days
	// after it was recorded (the migration does not read the opening
	// hours), so an old complaint left open is escalated at once.
	migrateComplaintCategories,
}

// The shapes migration 11 reads and writes, written out here rather than
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

// vehicleHistoryVersion is the schema version that has vehicle_jobs/
// (renumber with its migration).
const vehicleHistoryVersion = 10

// historyJob is the part of a job migration 10 reads, written out here so
// that the migration keeps doing what it did.
type historyJob struct {
	ID            string     `json:"id"`
	VehicleID     string     `json:"vehicle_id"`
	Stage         string     `json:"stage"`
	NextServiceAt *time.Time `json:"next_service_at"`
	NextServiceKM int        `json:"next_service_km"`
	WalkAround    struct {
		MileageKM int `json:"mileage_km"`
	} `json:"walk_around"`
	Stages []struct {
		Stage string    `json:"stage"`
		At    time.Time `json:"at"`
	} `json:"stages"`
}

// delivered is when the job was delivered, or the zero time.
func (j historyJob) delivered() time.Time {
	for i := len(j.Stages) - 1; i >= 0; i-- {
		if j.Stages[i].Stage == "delivered" {
			return j.Stages[i].At
		}
	}
	return time.Time{}
}

// historyNextService and historyRecommendation are the shapes migration 10
// writes (shop.NextService, shop.Recommendation as they were then).
type historyNextService struct {
	JobID    string     `json:"job_id"`
	At       *time.Time `json:"at,omitempty"`
	KM       int        `json:"km,omitempty"`
	FromAt   time.Time  `json:"from_at"`
	FromKM   int        `json:"from_km"`
	KMPerDay float64    `json:"km_per_day"`
}

type historyRecommendation struct {
	ID          string            `json:"id"`
	VehicleID   string            `json:"vehicle_id"`
	JobID       string            `json:"job_id,omitempty"`
	FindingID   string            `json:"finding_id,omitempty"`
	Description string            `json:"description"`
	Hours       float64           `json:"hours"`
	LabourPrice int64             `json:"labour_price"`
	Parts       []json.RawMessage `json:"parts"`
	Status      string            `json:"status"`
	RecordedBy  string            `json:"recorded_by"`
	RecordedAt  time.Time         `json:"recorded_at"`
}

func migrateCarHistory(tx *bolt.Tx) error {
	index, err := tx.CreateBucketIfNotExists(bucketVehicleJobs)
	if err != nil {
		return err
	}
	jobs := records(tx, shop.KindJob)
	if jobs == nil {
		return nil
	}
	vehicleOf := map[string]string{}
	last := map[string]historyJob{} // vehicle → its last delivery that agreed a next service
	err = jobs.ForEach(func(k, v []byte) error {
		var j historyJob
		if json.Unmarshal(v, &j) != nil || j.VehicleID == "" {
			return nil // a job that cannot be read is set aside at the next load
		}
		vehicleOf[string(k)] = j.VehicleID
		b, err := index.CreateBucketIfNotExists([]byte(j.VehicleID))
		if err != nil {
			return err
		}
		if err := b.Put(k, present); err != nil {
			return err
		}
		if j.Stage == "delivered" && (j.NextServiceAt != nil || j.NextServiceKM > 0) {
			if prev, ok := last[j.VehicleID]; !ok || j.delivered().After(prev.delivered()) {
				last[j.VehicleID] = j
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if vehicles := records(tx, shop.KindVehicle); vehicles != nil {
		err := rewriteEach(vehicles, func(v map[string]json.RawMessage) (bool, error) {
			var id string
			json.Unmarshal(v["id"], &id)
			j, ok := last[id]
			if !ok || v["next_service"] != nil {
				return false, nil
			}
			var mileage int
			json.Unmarshal(v["mileage_km"], &mileage)
			next := historyNextService{JobID: j.ID, At: j.NextServiceAt, KM: j.NextServiceKM, FromAt: j.delivered(),
				FromKM: max(j.WalkAround.MileageKM, 0), KMPerDay: shop.DefaultKMPerDay}
			if next.FromKM == 0 {
				next.FromKM = mileage
			}
			raw, err := json.Marshal(next)
			v["next_service"] = raw
			return true, err
		})
		if err != nil {
			return err
		}
	}
	return recommendDeclinedFindings(tx, vehicleOf)
}

// recommendDeclinedFindings writes a recommendation for each declined
// finding, numbered on from the "re" counter.
func recommendDeclinedFindings(tx *bolt.Tx, vehicleOf map[string]string) error {
	findings := records(tx, shop.KindFinding)
	if findings == nil {
		return nil
	}
	type finding struct {
		ID          string            `json:"id"`
		JobID       string            `json:"job_id"`
		Description string            `json:"description"`
		Hours       float64           `json:"hours"`
		Parts       []json.RawMessage `json:"parts"`
		Price       int64             `json:"price"`
		Status      string            `json:"status"`
		ReportedBy  string            `json:"reported_by"`
		DecidedAt   *time.Time        `json:"decided_at"`
	}
	var recs []historyRecommendation
	err := findings.ForEach(func(k, v []byte) error {
		var f finding
		if json.Unmarshal(v, &f) != nil || f.Status != "declined" || vehicleOf[f.JobID] == "" {
			return nil
		}
		labour := f.Price
		for _, raw := range f.Parts {
			var p shop.PartLine
			if json.Unmarshal(raw, &p) == nil {
				labour -= int64(p.Total())
			}
		}
		r := historyRecommendation{VehicleID: vehicleOf[f.JobID], JobID: f.JobID, FindingID: f.ID, Description: f.Description,
			Hours: f.Hours, LabourPrice: max(labour, 0), Parts: f.Parts, Status: "open", RecordedBy: f.ReportedBy}
		if r.Parts == nil {
			r.Parts = []json.RawMessage{}
		}
		if f.DecidedAt != nil {
			r.RecordedAt = *f.DecidedAt
		}
		recs = append(recs, r)
		return nil
	})
	if err != nil || len(recs) == 0 {
		return err
	}
	counters := records(tx, shop.KindCounter)
	var counter shop.Counter
	if raw := counters.Get([]byte("re")); raw != nil {
		if err := json.Unmarshal(raw, &counter); err != nil {
			return err
		}
	}
	out := records(tx, shop.KindRecommendation)
	for _, r := range recs {
		counter.Value++
		r.ID = fmt.Sprintf("re-%d", counter.Value)
		raw, err := json.Marshal(r)
		if err != nil {
			return err
		}
		if err := out.Put([]byte(r.ID), raw); err != nil {
			return err
		}
	}
	counter.Name = "re"
	raw, err := json.Marshal(counter)
	if err != nil {
		return err
	}
	return counters.Put([]byte("re"), raw)
}

// rebuiltRevision is revision 1 as migration 9 writes it; the shape is
// written out here, not taken from shop.Revision, so that the migration
// keeps doing what it did. Lines keep the bytes the job held.
type rebuiltRevision struct {
	Number       int               `json:"number"`
	Kind         string            `json:"kind"`
	At           json.RawMessage   `json:"at"`
	By           string            `json:"by"`
	Consent      rebuiltConsent    `json:"consent"`
	Labour       []json.RawMessage `json:"labour"`
	Parts        []json.RawMessage `json:"parts"`
	Totals       json.RawMessage   `json:"totals"`
	PromisedAt   json.RawMessage   `json:"promised_at"`
	Rebuilt      bool              `json:"rebuilt"`
	LinesUnknown bool              `json:"lines_unknown,omitempty"`
}

type rebuiltConsent struct {
	Via string `json:"via"`
	Who string `json:"who,omitempty"`
}

func migrateSignedToRevision1(tx *bolt.Tx) error {
	jobs := records(tx, shop.KindJob)
	if jobs == nil {
		return nil
	}
	approved := map[string][]shop.Finding{}
	if b := records(tx, shop.KindFinding); b != nil {
		b.ForEach(func(_, v []byte) error {
			var f shop.Finding
			if json.Unmarshal(v, &f) == nil && f.Status == shop.FindingApproved {
				approved[f.JobID] = append(approved[f.JobID], f)
			}
			return nil
		})
	}
	return rewriteEach(jobs, func(job map[string]json.RawMessage) (bool, error) {
		signedAt, ok := job["signed_at"]
		if !ok || string(signedAt) == "null" {
			return false, nil
		}
		if revs, ok := job["revisions"]; ok && string(revs) != "null" && string(revs) != "[]" {
			return false, nil
		}
		var j struct {
			ID        string          `json:"id"`
			Labour    []shop.Labour   `json:"labour"`
			Parts     []shop.PartLine `json:"parts"`
			Estimated shop.Totals     `json:"estimated"`
		}
		var rawLines struct {
			Labour []json.RawMessage `json:"labour"`
			Parts  []json.RawMessage `json:"parts"`
		}
		whole, _ := json.Marshal(job)
		if json.Unmarshal(whole, &j) != nil {
			return false, nil // a job of another shape is set aside at the load
		}
		json.Unmarshal(whole, &rawLines)
		r := rebuiltRevision{Number: 1, Kind: string(shop.RevisionSigned), At: signedAt, By: submitter(tx, j.ID),
			Consent: rebuiltConsent{Via: string(shop.ConsentSignature)},
			Totals:  job["estimated"], PromisedAt: job["promised_at"], Rebuilt: true,
			Labour: []json.RawMessage{}, Parts: []json.RawMessage{}}
		if r.PromisedAt == nil {
			r.PromisedAt = json.RawMessage(`"0001-01-01T00:00:00Z"`)
		}
		if r.Totals == nil {
			r.Totals = json.RawMessage(`{"labour":0,"parts":0,"total":0,"hours":0}`)
		}
		labour, parts := linesBeforeFindings(j.Labour, j.Parts, approved[j.ID])
		if len(rawLines.Labour) == len(j.Labour) && len(rawLines.Parts) == len(j.Parts) &&
			shop.TotalOf(pick(j.Labour, labour), pick(j.Parts, parts)) == j.Estimated.Total {
			r.Labour, r.Parts = pick(rawLines.Labour, labour), pick(rawLines.Parts, parts)
		} else {
			r.LinesUnknown = true
		}
		out, err := json.Marshal([]rebuiltRevision{r})
		job["revisions"] = out
		return true, err
	})
}

// linesBeforeFindings returns the indexes of the lines left when the lines
// approved findings added are taken away: for each finding, the last
// labour line named for it with its hours, and the last part line equal
// to each of its parts (approval appends them).
func linesBeforeFindings(labour []shop.Labour, parts []shop.PartLine, findings []shop.Finding) (keepLabour, keepParts []int) {
	dropL, dropP := map[int]bool{}, map[int]bool{}
	for _, f := range findings {
		for i := len(labour) - 1; i >= 0; i-- {
			if !dropL[i] && labour[i].Code == "" && labour[i].Name == f.Description && labour[i].SoldHours == f.Hours {
				dropL[i] = true
				break
			}
		}
		for _, fp := range f.Parts {
			for i := len(parts) - 1; i >= 0; i-- {
				if !dropP[i] && parts[i] == fp {
					dropP[i] = true
					break
				}
			}
		}
	}
	for i := range labour {
		if !dropL[i] {
			keepLabour = append(keepLabour, i)
		}
	}
	for i := range parts {
		if !dropP[i] {
			keepParts = append(keepParts, i)
		}
	}
	return keepLabour, keepParts
}

func pick[T any](all []T, at []int) []T {
	out := make([]T, 0, len(at))
	for _, i := range at {
		out = append(out, all[i])
	}
	return out
}

// submitter is the actor of a job's submit event (the signature taken),
// from the job's event index; "system" when the log no longer says.
func submitter(tx *bolt.Tx, jobID string) string {
	idx := tx.Bucket(bucketJobEvents)
	events := tx.Bucket(bucketEvents)
	if idx == nil || events == nil {
		return "system"
	}
	b := idx.Bucket([]byte(jobID))
	if b == nil {
		return "system"
	}
	who := "system"
	b.ForEach(func(k, _ []byte) error {
		var ev struct {
			Type  string `json:"type"`
			Actor string `json:"actor"`
		}
		if json.Unmarshal(events.Get(k), &ev) == nil && ev.Type == "submit" && ev.Actor != "" {
			who = ev.Actor
		}
		return nil
	})
	return who
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
		if json.Unmarshal(v, &rec) != nil {
			// A record that cannot be read is left as it is: the load
			// that follows the migrations sets it aside (set_aside/), and
			// the rest of the file opens.
			return nil
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

func migrateComplaintCategories(tx *bolt.Tx) error {
	jobs := records(tx, shop.KindJob)
	if jobs == nil {
		return nil
	}
	return rewriteEach(jobs, func(job map[string]json.RawMessage) (bool, error) {
		raw, ok := job["follow_up"]
		if !ok || string(raw) == "null" {
			return false, nil
		}
		var f map[string]json.RawMessage
		if json.Unmarshal(raw, &f) != nil {
			return false, nil // a job of another shape is set aside at the load
		}
		if string(f["outcome"]) != `"complaint"` || f["category"] != nil {
			return false, nil
		}
		f["category"] = json.RawMessage(`"process"`)
		var at time.Time
		if string(f["complaint_open"]) == "true" && json.Unmarshal(f["at"], &at) == nil {
			due, _ := json.Marshal(at.Add(48 * time.Hour))
			f["due_at"] = due
		}
		out, err := json.Marshal(f)
		if err != nil {
			return false, err
		}
		job["follow_up"] = out
		return true, nil
	})
}
