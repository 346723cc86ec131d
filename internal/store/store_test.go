package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"bayboard/internal/access"
	"bayboard/internal/shop"

	bolt "go.etcd.io/bbolt"
)

var t0 = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

func open(t *testing.T) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "shop.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// apply runs commands through a draft and commits them as the engine does.
func apply(t testing.TB, s *Store, st *shop.State, at time.Time, cmds ...shop.Command) *shop.State {
	t.Helper()
	d := shop.NewDraft(st)
	for _, c := range cmds {
		if _, err := d.Apply(shop.Actor{System: true}, c, at); err != nil {
			t.Fatalf("%s: %v", c.CommandType(), err)
		}
	}
	if _, err := s.Commit(d.Records(), d.Events()); err != nil {
		t.Fatal(err)
	}
	return d.Publish()
}

func seed(t testing.TB, s *Store) *shop.State {
	st := shop.NewState()
	return apply(t, s, st, t0,
		&shop.PutCustomer{Customer: shop.Customer{Name: "张先生", Phone: "13812345678"}},
		&shop.PutVehicle{Vehicle: shop.Vehicle{CustomerID: "cu-1", Plate: "京A12345"}},
		&shop.PutVehicle{Vehicle: shop.Vehicle{CustomerID: "cu-1", Plate: "京A54321"}},
		&shop.OpenJob{CustomerID: "cu-1", VehicleID: "ve-1", Estimate: shop.Estimate{Requests: "保养", PromisedAt: t0.Add(time.Hour)}},
		&shop.OpenJob{CustomerID: "cu-1", VehicleID: "ve-2", Estimate: shop.Estimate{Requests: "洗车", PromisedAt: t0.Add(time.Hour)}},
	)
}

func TestCommitThenLoadGivesTheSameState(t *testing.T) {
	s := open(t)
	st := seed(t, s)
	st = apply(t, s, st, t0.Add(time.Minute), &shop.Cancel{JobID: "20261123-0002", Reason: "客户改期"})
	got, _, err := s.Load(t0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Jobs) != 2 || got.Jobs["20261123-0002"].Stage != shop.StageCancelled {
		t.Fatalf("jobs after load: %v", got.Jobs)
	}
	if got.Vehicles["ve-1"].Plate != "京A·12345" || got.Counters["job:20261123"] != 2 {
		t.Errorf("vehicle or counter lost: %+v %v", got.Vehicles["ve-1"], got.Counters)
	}
	// A week later the cancelled job is history: not live, still on disk.
	later, _, err := s.Load(t0.Add(shop.KeepClosed + time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(later.Jobs) != 1 {
		t.Errorf("live jobs a week later: %d, want 1", len(later.Jobs))
	}
	if j, _ := s.Job("20261123-0002"); j == nil || j.Stage != shop.StageCancelled {
		t.Errorf("closed job not on disk: %+v", j)
	}
	h, err := s.JobHistory("20261123-0002")
	if err != nil || len(h) != 2 || h[0].Type != "open_job" || h[1].Type != "cancel" || h[1].Seq <= h[0].Seq {
		t.Errorf("history: %+v %v", h, err)
	}
	if s.LastSeq() != 6 {
		t.Errorf("last seq %d, want 6", s.LastSeq())
	}
	_ = st
}

func TestUsersKeepTheirSecretsInTheFile(t *testing.T) {
	s := open(t)
	st := apply(t, s, shop.NewState(), t0,
		&shop.PutUser{User: shop.User{Login: "li", Name: "李师傅", Roles: []shop.Role{shop.RoleTechnician}, BadgeCode: "B7", PasswordHash: "pw-hash", PINHash: "pin-hash", Active: true}})
	id := st.Users["user-1"].ID
	// A user written in the file's shape before the hashes left User's
	// JSON: the same keys, read as they are, without a migration.
	err := s.db.Update(func(tx *bolt.Tx) error {
		return records(tx, shop.KindUser).Put([]byte("user-2"), []byte(`{"id":"user-2","login":"wang","name":"王","roles":["manager"],"password_hash":"old-pw-hash","pin_hash":"old-pin-hash","active":true}`))
	})
	if err != nil {
		t.Fatal(err)
	}
	got, _, err := s.Load(t0)
	if err != nil {
		t.Fatal(err)
	}
	if u := got.Users[id]; u == nil || u.PasswordHash != "pw-hash" || u.PINHash != "pin-hash" || u.Name != "李师傅" || u.BadgeCode != "B7" {
		t.Errorf("user after load: %+v", u)
	}
	if u := got.Users["user-2"]; u == nil || u.PasswordHash != "old-pw-hash" || u.PINHash != "old-pin-hash" || u.Login != "wang" || !u.Has(shop.RoleManager) {
		t.Errorf("user stored in the earlier shape: %+v", u)
	}
	s.db.View(func(tx *bolt.Tx) error {
		if v := string(records(tx, shop.KindUser).Get([]byte(id))); !strings.Contains(v, `"password_hash":"pw-hash"`) || !strings.Contains(v, `"pin_hash":"pin-hash"`) {
			t.Errorf("user as the file keeps it: %s", v)
		}
		return nil
	})
}

func TestSecondOpenFailsAtOnceWithAClearMessage(t *testing.T) {
	t.Parallel() // it waits out LockWait on a file of its own
	s := open(t)
	start := time.Now()
	_, err := Open(s.Path())
	if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), "another bayboard") {
		t.Fatalf("err = %v", err)
	}
	if time.Since(start) > 10*LockWait {
		t.Errorf("second open hung for %v", time.Since(start))
	}
}

func TestNewerSchemaIsRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shop.db")
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	db.Update(func(tx *bolt.Tx) error {
		b, _ := tx.CreateBucket(bucketMeta)
		return b.Put(keySchemaVersion, u64(SchemaVersion+1))
	})
	db.Close()
	if _, err := Open(path); !errors.Is(err, ErrNewerSchema) {
		t.Fatalf("err = %v, want ErrNewerSchema", err)
	}
}

// Each migration has a test; this guard fails when one is added without.
func TestEveryMigrationIsTested(t *testing.T) {
	if len(migrationTests) != len(migrations) {
		t.Fatalf("%d migrations, %d migration tests", len(migrations), len(migrationTests))
	}
	for i, test := range migrationTests {
		t.Run(string(rune('1'+i)), test)
	}
}

var migrationTests = []func(t *testing.T){
	func(t *testing.T) {
		db := rawDB(t)
		db.Update(func(tx *bolt.Tx) error {
			tx.CreateBucket(bucketMeta)
			if err := migrations[0](tx); err != nil {
				t.Fatal(err)
			}
			for _, b := range [][]byte{bucketRecords, bucketEvents, bucketOpenJobs, bucketClosedJobs, bucketAuth} {
				if tx.Bucket(b) == nil {
					t.Errorf("bucket %s missing", b)
				}
			}
			if len(tx.Bucket(bucketMeta).Get(keySecret)) != 32 {
				t.Errorf("no secret")
			}
			return nil
		})
	},
	func(t *testing.T) {
		atSchema1(t, func(tx *bolt.Tx) {
			ev := tx.Bucket(bucketEvents)
			ev.Put(u64(1), []byte(`{"seq":1,"type":"open_job","job_id":"J1"}`))
			ev.Put(u64(2), []byte(`{"seq":2,"type":"put_bay","subject":"bay-1"}`))
			ev.Put(u64(3), []byte(`{"seq":3,"type":"submit","job_id":"J1"}`))
			if err := migrations[1](tx); err != nil {
				t.Fatal(err)
			}
			b := tx.Bucket(bucketJobEvents).Bucket([]byte("J1"))
			if b == nil || !has(b, u64(1)) || !has(b, u64(3)) || has(b, u64(2)) {
				t.Errorf("job J1 index wrong")
			}
		})
	},
	func(t *testing.T) {
		atSchema1(t, func(tx *bolt.Tx) {
			ev := tx.Bucket(bucketEvents)
			ev.Put(u64(1), []byte(`{"seq":1,"at":"2026-11-23T09:00:00Z","actor":"system","type":"put_user","subject":"user-1","data":{"type":"put_user","user":{"login":"li","name":"李师傅","password_hash":"pw-hash","pin_hash":"pin-hash","active":true}}}`))
			ev.Put(u64(2), []byte(`{"seq":2,"at":"2026-11-23T09:01:00Z","actor":"user-1","type":"put_user","subject":"user-2","data":{"type":"put_user","user":{"login":"wang","name":"王","active":true}}}`))
			ev.Put(u64(3), []byte(`{"seq":3,"type":"submit","job_id":"J1","data":{"type":"submit","job_id":"J1"}}`))
			before3 := string(ev.Get(u64(3)))
			if err := migrations[2](tx); err != nil {
				t.Fatal(err)
			}
			var first shop.Event
			if err := json.Unmarshal(ev.Get(u64(1)), &first); err != nil {
				t.Fatal(err)
			}
			data := string(first.Data)
			if strings.Contains(data, "hash") || !strings.Contains(data, `"set_password":true`) || !strings.Contains(data, `"set_pin":true`) ||
				!strings.Contains(data, "李师傅") || first.Seq != 1 || first.Actor != "system" || first.Subject != "user-1" || first.At.IsZero() {
				t.Errorf("put_user event after the migration: %+v %s", first, data)
			}
			var second shop.Event
			json.Unmarshal(ev.Get(u64(2)), &second)
			if strings.Contains(string(second.Data), "set_") || !strings.Contains(string(second.Data), "wang") {
				t.Errorf("an event without secrets: %s", second.Data)
			}
			if string(ev.Get(u64(3))) != before3 {
				t.Errorf("another event was rewritten")
			}
		})
	},
	func(t *testing.T) {
		atSchema1(t, func(tx *bolt.Tx) {
			jobs, _ := tx.Bucket(bucketRecords).CreateBucket([]byte(shop.KindJob))
			closedAt := time.Date(2026, 11, 20, 15, 4, 5, 0, time.UTC)
			put := func(j shop.Job) {
				v, _ := json.Marshal(j)
				jobs.Put([]byte(j.ID), v)
			}
			// Delivered, but left out of the index (opened and closed in
			// one transaction); saved again later, so updated_at moved.
			put(shop.Job{ID: "J1", Stage: shop.StageDelivered, UpdatedAt: closedAt.Add(48 * time.Hour),
				Stages: []shop.StageChange{{Stage: shop.StageReception, At: closedAt.Add(-time.Hour)}, {Stage: shop.StageDelivered, At: closedAt}}})
			put(shop.Job{ID: "J2", Stage: shop.StageInProgress})
			// Indexed under its old key (updated_at at closing).
			put(shop.Job{ID: "J3", Stage: shop.StageCancelled, UpdatedAt: closedAt,
				Stages: []shop.StageChange{{Stage: shop.StageCancelled, At: closedAt}}})
			tx.Bucket(bucketClosedJobs).Put(append([]byte(closedAt.Format(time.RFC3339)), "J3"...), present)
			if err := migrations[3](tx); err != nil {
				t.Fatal(err)
			}
			var keys []string
			tx.Bucket(bucketClosedJobs).ForEach(func(k, _ []byte) error { keys = append(keys, string(k)); return nil })
			want := []string{"2026-11-20T15:04:05ZJ1", "2026-11-20T15:04:05ZJ3"}
			if strings.Join(keys, " ") != strings.Join(want, " ") {
				t.Errorf("closed_jobs after the migration: %v, want %v", keys, want)
			}
		})
	},
	func(t *testing.T) {
		for _, c := range []struct {
			name, before  string
			opens, closes string
		}{
			{"the shop's hours", `{"name":"京城","opens_at":"08:30","closes_at":"17:45","qc_minutes":20}`, "08:30", "17:45"},
			{"hours that could not be read", `{"name":"京城","opens_at":"8","closes_at":"","qc_minutes":20}`, "08:00", "18:00"},
		} {
			atSchema1(t, func(tx *bolt.Tx) {
				b, _ := tx.Bucket(bucketRecords).CreateBucket([]byte(shop.KindSettings))
				b.Put([]byte("shop"), []byte(c.before))
				if err := migrations[4](tx); err != nil {
					t.Fatal(err)
				}
				raw := string(b.Get([]byte("shop")))
				if strings.Contains(raw, "opens_at") || strings.Contains(raw, "closes_at") {
					t.Errorf("%s: the old fields are still there: %s", c.name, raw)
				}
				var s shop.Settings
				if err := json.Unmarshal([]byte(raw), &s); err != nil {
					t.Fatal(err)
				}
				day := shop.DayHours{Opens: c.opens, Closes: c.closes}
				if s.Name != "京城" || s.QCMinutes != 20 || len(s.Hours.Week) != 7 || s.Hours.ClosedDays == nil || len(s.Hours.ClosedDays) != 0 {
					t.Errorf("%s: settings after the migration: %s", c.name, raw)
				}
				for i, d := range s.Hours.Week {
					if d != day {
						t.Errorf("%s: day %d is %+v, want %+v", c.name, i, d, day)
					}
				}
			})
		}
		// A new file has no settings yet, and gets none.
		atSchema1(t, func(tx *bolt.Tx) {
			if err := migrations[4](tx); err != nil {
				t.Fatal(err)
			}
			if tx.Bucket(bucketRecords).Bucket([]byte(shop.KindSettings)) != nil {
				t.Errorf("the migration made a settings bucket in a new file")
			}
		})
	},
	func(t *testing.T) {
		for saved, want := range map[string]string{
			"http://localhost:8080":                         "",
			"http://localhost:8080http://192.168.1.20:8080": "",
			"http://192.168.1.20:8080/":                     "http://192.168.1.20:8080",
			"http://192.168.1.20:8080":                      "http://192.168.1.20:8080",
			"https://shop.example.cn":                       "https://shop.example.cn",
			"":                                              "",
		} {
			atSchema1(t, func(tx *bolt.Tx) {
				settings, _ := tx.Bucket(bucketRecords).CreateBucket([]byte(shop.KindSettings))
				// A field this code does not know survives the rewrite.
				settings.Put([]byte("shop"), []byte(`{"name":"望京店","base_url":`+strconv.Quote(saved)+`,"future_field":7}`))
				if err := migrations[5](tx); err != nil {
					t.Fatal(err)
				}
				var got map[string]any
				if err := json.Unmarshal(settings.Get([]byte("shop")), &got); err != nil {
					t.Fatal(err)
				}
				if got["base_url"] != want || got["name"] != "望京店" || got["future_field"] != float64(7) {
					t.Errorf("saved %q: after the migration %v, want base_url %q and the rest kept", saved, got, want)
				}
			})
		}
	},
	func(t *testing.T) {
		atSchema1(t, func(tx *bolt.Tx) {
			jobs, _ := tx.Bucket(bucketRecords).CreateBucket([]byte(shop.KindJob))
			before := map[string]string{
				// A note with a colon of its own (a time) stays whole.
				"J1": `{"id":"J1","stage":"paused","pause_reason":"other: 等 10:30 的车","future_field":7}`,
				"J2": `{"id":"J2","stage":"waiting_parts","pause_reason":"waiting_parts"}`,
				"J3": `{"id":"J3","stage":"paused","pause_reason":"break"}`,
				"J4": `{"id":"J4","stage":"cancelled","pause_reason":"客户改期: 下周再来"}`,
				"J5": `{"id":"J5","stage":"in_progress"}`,
				"J6": `{"id":"J6","stage":"paused","pause_reason":"举升机故障"}`,
			}
			for id, v := range before {
				jobs.Put([]byte(id), []byte(v))
			}
			ev := tx.Bucket(bucketEvents)
			pauseEvent := `{"seq":1,"type":"pause","job_id":"J1","data":{"type":"pause","job_id":"J1","reason":"other","note":"等 10:30 的车"}}`
			ev.Put(u64(1), []byte(pauseEvent))
			if err := migrations[6](tx); err != nil {
				t.Fatal(err)
			}
			want := map[string]struct {
				pause  *shop.PauseInfo
				cancel string
			}{
				"J1": {&shop.PauseInfo{Reason: shop.PauseOther, Note: "等 10:30 的车"}, ""},
				"J2": {&shop.PauseInfo{Reason: shop.PauseWaitingParts}, ""},
				"J3": {&shop.PauseInfo{Reason: shop.PauseBreak}, ""},
				"J4": {nil, "客户改期: 下周再来"},
				"J5": {nil, ""},
				"J6": {&shop.PauseInfo{Reason: shop.PauseOther, Note: "举升机故障"}, ""},
			}
			for id, w := range want {
				raw := jobs.Get([]byte(id))
				var j shop.Job
				if err := json.Unmarshal(raw, &j); err != nil {
					t.Fatal(err)
				}
				if strings.Contains(string(raw), "pause_reason") || j.CancelReason != w.cancel ||
					(j.Pause == nil) != (w.pause == nil) || (j.Pause != nil && *j.Pause != *w.pause) {
					t.Errorf("%s after the migration: %s, want pause %+v and cancel reason %q", id, raw, w.pause, w.cancel)
				}
			}
			if raw := string(jobs.Get([]byte("J1"))); !strings.Contains(raw, `"future_field":7`) {
				t.Errorf("a field this code does not know was lost: %s", raw)
			}
			if string(jobs.Get([]byte("J5"))) != before["J5"] {
				t.Errorf("a job that was never paused was rewritten: %s", jobs.Get([]byte("J5")))
			}
			if string(ev.Get(u64(1))) != pauseEvent {
				t.Errorf("the pause event was rewritten: %s", ev.Get(u64(1)))
			}
		})
	},
	func(t *testing.T) {
		atSchema1(t, func(tx *bolt.Tx) {
			if err := migrations[7](tx); err != nil {
				t.Fatal(err)
			}
			if tx.Bucket(bucketSetAside) == nil {
				t.Error("no set_aside bucket")
			}
			if err := migrations[7](tx); err != nil {
				t.Errorf("migration 8 run again: %v", err)
			}
		})
	},
	func(t *testing.T) {
		atSchema1(t, func(tx *bolt.Tx) {
			jobs, _ := tx.Bucket(bucketRecords).CreateBucket([]byte(shop.KindJob))
			findings, _ := tx.Bucket(bucketRecords).CreateBucket([]byte(shop.KindFinding))
			before := map[string]string{
				// Signed at 47,800; a finding of 80,000 approved later added
				// its labour line and two discs.
				"J1": `{"id":"J1","customer_id":"cu-1","stage":"in_progress","promised_at":"2026-11-23T13:00:00Z","signed_at":"2026-11-23T09:02:00Z",` +
					`"estimated":{"labour":35000,"parts":12800,"total":47800,"hours":2},` +
					`"labour":[{"name":"更换机油","sold_hours":1,"price":20000},{"name":"检查刹车","sold_hours":1,"price":15000},{"name":"前刹车盘磨损","sold_hours":1,"price":30000}],` +
					`"parts":[{"name":"机油滤清器","quantity":1,"unit_price":12800},{"name":"刹车盘","quantity":2,"unit_price":25000}],"future_field":7}`,
				// Signed at 10,000, then changed with nothing to explain it.
				"J2": `{"id":"J2","customer_id":"cu-1","stage":"delivered","promised_at":"2026-11-20T13:00:00Z","signed_at":"2026-11-20T09:00:00Z",` +
					`"estimated":{"labour":10000,"parts":0,"total":10000,"hours":1},"labour":[{"name":"检查","sold_hours":1,"price":20000}],"parts":[]}`,
				"J3": `{"id":"J3","customer_id":"cu-1","stage":"reception","promised_at":"2026-11-23T13:00:00Z","labour":[],"parts":[]}`,
				"J4": `{"id":"J4","customer_id":"cu-1","stage":"in_progress","signed_at":"2026-11-23T09:00:00Z","revisions":[{"number":1,"kind":"signed"}]}`,
			}
			for id, v := range before {
				jobs.Put([]byte(id), []byte(v))
			}
			findings.Put([]byte("fi-1"), []byte(`{"id":"fi-1","job_id":"J1","description":"前刹车盘磨损","hours":1,"price":80000,"status":"approved",`+
				`"parts":[{"name":"刹车盘","quantity":2,"unit_price":25000}]}`))
			findings.Put([]byte("fi-2"), []byte(`{"id":"fi-2","job_id":"J1","description":"检查刹车","hours":1,"price":15000,"status":"declined","parts":[]}`))
			tx.Bucket(bucketEvents).Put(u64(7), []byte(`{"seq":7,"actor":"user-1","type":"submit","job_id":"J1"}`))
			idx, _ := tx.CreateBucketIfNotExists(bucketJobEvents)
			j1, _ := idx.CreateBucket([]byte("J1"))
			j1.Put(u64(7), present)
			if err := migrations[8](tx); err != nil {
				t.Fatal(err)
			}
			read := func(id string) shop.Job {
				var j shop.Job
				if err := json.Unmarshal(jobs.Get([]byte(id)), &j); err != nil {
					t.Fatal(err)
				}
				return j
			}
			j := read("J1")
			r := j.Signed()
			if len(j.Revisions) != 1 || r == nil || r.Kind != shop.RevisionSigned || !r.Rebuilt || r.LinesUnknown || r.By != "user-1" ||
				r.Consent != (shop.Consent{Via: shop.ConsentSignature}) || r.Totals.Total != 47800 ||
				!r.At.Equal(time.Date(2026, 11, 23, 9, 2, 0, 0, time.UTC)) || !r.PromisedAt.Equal(time.Date(2026, 11, 23, 13, 0, 0, 0, time.UTC)) ||
				len(r.Labour) != 2 || r.Labour[1].Name != "检查刹车" || len(r.Parts) != 1 || r.Parts[0].Name != "机油滤清器" {
				t.Errorf("J1's revision 1: %+v", j.Revisions)
			}
			if len(j.Labour) != 3 || len(j.Parts) != 2 || !strings.Contains(string(jobs.Get([]byte("J1"))), `"future_field":7`) {
				t.Errorf("J1's own lines or fields changed: %s", jobs.Get([]byte("J1")))
			}
			j = read("J2")
			if r := j.Signed(); r == nil || !r.LinesUnknown || len(r.Labour) != 0 || r.Totals.Total != 10000 || r.By != "system" {
				t.Errorf("J2's revision 1: %+v", j.Revisions)
			}
			for _, id := range []string{"J3", "J4"} {
				if got := string(jobs.Get([]byte(id))); got != before[id] {
					t.Errorf("%s was rewritten: %s", id, got)
				}
			}
		})
	},
	// 10: the car's history.
	func(t *testing.T) {
		atSchema1(t, func(tx *bolt.Tx) {
			put := func(kind, id, v string) {
				b, _ := tx.Bucket(bucketRecords).CreateBucketIfNotExists([]byte(kind))
				b.Put([]byte(id), []byte(v))
			}
			// ve-1: two deliveries with a next service, the later one wins; a
			// job in work; ve-2 delivered without one; ve-3 no job at all.
			put(shop.KindJob, "J1", `{"id":"J1","vehicle_id":"ve-1","stage":"delivered","next_service_km":25000,"walk_around":{"mileage_km":15000},"stages":[{"stage":"delivered","at":"2025-05-01T10:00:00Z"}]}`)
			put(shop.KindJob, "J2", `{"id":"J2","vehicle_id":"ve-1","stage":"delivered","next_service_at":"2026-06-01T01:00:00Z","next_service_km":35000,"walk_around":{"mileage_km":25500},"stages":[{"stage":"delivered","at":"2025-12-01T10:00:00Z"}]}`)
			put(shop.KindJob, "J3", `{"id":"J3","vehicle_id":"ve-1","stage":"in_progress"}`)
			put(shop.KindJob, "J4", `{"id":"J4","vehicle_id":"ve-2","stage":"delivered","stages":[{"stage":"delivered","at":"2025-12-01T10:00:00Z"}]}`)
			put(shop.KindVehicle, "ve-1", `{"id":"ve-1","customer_id":"cu-1","plate":"京A12345","model":"Sonata","mileage_km":25500,"future_field":7}`)
			put(shop.KindVehicle, "ve-2", `{"id":"ve-2","customer_id":"cu-1","plate":"京B12345","model":"Tucson","mileage_km":9000}`)
			put(shop.KindFinding, "fi-1", `{"id":"fi-1","job_id":"J2","description":"前刹车片","hours":1.5,"parts":[{"name":"刹车片","quantity":2,"unit_price":20000}],"price":58000,"status":"declined","reported_by":"user-2","decided_at":"2025-12-01T09:00:00Z"}`)
			put(shop.KindFinding, "fi-2", `{"id":"fi-2","job_id":"J2","description":"雨刮","hours":0.2,"parts":[],"price":8000,"status":"approved","reported_by":"user-2"}`)
			put(shop.KindFinding, "fi-3", `{"id":"fi-3","job_id":"J4","description":"空调滤芯","hours":0.3,"price":9000,"status":"declined","reported_by":"user-3"}`)
			if err := migrations[9](tx); err != nil {
				t.Fatal(err)
			}
			index := tx.Bucket(bucketVehicleJobs)
			for vehicle, jobs := range map[string][]string{"ve-1": {"J1", "J2", "J3"}, "ve-2": {"J4"}} {
				var got []string
				index.Bucket([]byte(vehicle)).ForEach(func(k, _ []byte) error { got = append(got, string(k)); return nil })
				if strings.Join(got, " ") != strings.Join(jobs, " ") {
					t.Errorf("vehicle_jobs/%s: %v, want %v", vehicle, got, jobs)
				}
			}
			vehicles := tx.Bucket(bucketRecords).Bucket([]byte(shop.KindVehicle))
			var v1, v2 shop.Vehicle
			raw1 := vehicles.Get([]byte("ve-1"))
			if !strings.Contains(string(raw1), `"future_field":7`) {
				t.Errorf("a field this code does not know was lost: %s", raw1)
			}
			delete1 := strings.Replace(string(raw1), `"future_field":7,`, "", 1)
			delete1 = strings.Replace(delete1, `,"future_field":7`, "", 1)
			if err := decodeStrict([]byte(delete1), &v1); err != nil {
				t.Fatalf("ve-1 after the migration does not decode: %v: %s", err, raw1)
			}
			n := v1.NextService
			if n == nil || n.JobID != "J2" || n.KM != 35000 || n.FromKM != 25500 || n.At == nil || !n.At.Equal(time.Date(2026, 6, 1, 1, 0, 0, 0, time.UTC)) ||
				!n.FromAt.Equal(time.Date(2025, 12, 1, 10, 0, 0, 0, time.UTC)) || n.KMPerDay != shop.DefaultKMPerDay {
				t.Errorf("ve-1's next service: %+v", n)
			}
			if err := decodeStrict(vehicles.Get([]byte("ve-2")), &v2); err != nil || v2.NextService != nil {
				t.Errorf("ve-2, delivered without a next service: %+v %v", v2, err)
			}
			recs := tx.Bucket(bucketRecords).Bucket([]byte(shop.KindRecommendation))
			var r1, r2 shop.Recommendation
			if err := decodeStrict(recs.Get([]byte("re-1")), &r1); err != nil {
				t.Fatal(err)
			}
			if err := decodeStrict(recs.Get([]byte("re-2")), &r2); err != nil {
				t.Fatal(err)
			}
			if r1.FindingID != "fi-1" || r1.VehicleID != "ve-1" || r1.JobID != "J2" || r1.LabourPrice != 18000 || r1.Total() != 58000 ||
				r1.Status != shop.RecommendationOpen || r1.RecordedBy != "user-2" || !r1.RecordedAt.Equal(time.Date(2025, 12, 1, 9, 0, 0, 0, time.UTC)) {
				t.Errorf("declined fi-1 became %+v", r1)
			}
			if r2.FindingID != "fi-3" || r2.VehicleID != "ve-2" || r2.LabourPrice != 9000 || r2.Parts == nil {
				t.Errorf("declined fi-3 became %+v", r2)
			}
			if recs.Get([]byte("re-3")) != nil {
				t.Errorf("an approved finding became a recommendation")
			}
			var counter shop.Counter
			json.Unmarshal(tx.Bucket(bucketRecords).Bucket([]byte(shop.KindCounter)).Get([]byte("re")), &counter)
			if counter != (shop.Counter{Name: "re", Value: 2}) {
				t.Errorf("counter re: %+v", counter)
			}
		})
		// A new file: the index and nothing else.
		atSchema1(t, func(tx *bolt.Tx) {
			if err := migrations[9](tx); err != nil {
				t.Fatal(err)
			}
			if tx.Bucket(bucketVehicleJobs) == nil {
				t.Error("no vehicle_jobs bucket")
			}
		})
	},
	func(t *testing.T) {
		atSchema1(t, func(tx *bolt.Tx) {
			jobs, _ := tx.Bucket(bucketRecords).CreateBucket([]byte(shop.KindJob))
			counters, _ := tx.Bucket(bucketRecords).CreateBucket([]byte(shop.KindCounter))
			counters.Put([]byte("ip"), []byte(`{"name":"ip","value":4}`))
			parts := `"parts":[{"number":"26300-35505","name":"机油滤清器","quantity":1,"unit_price":12800},{"name":"机油","quantity":4.5,"unit_price":9800}]`
			before := map[string]string{
				"J1": `{"id":"J1","stage":"in_progress","updated_at":"2026-11-23T10:00:00Z",` + parts + `,"future_field":7}`,
				"J2": `{"id":"J2","stage":"delivered","updated_at":"2026-11-22T16:00:00Z",` + parts + `}`,
				"J3": `{"id":"J3","stage":"dispatched",` + parts + `}`,
				"J4": `{"id":"J4","stage":"cancelled",` + parts + `}`,
				"J5": `{"id":"J5","stage":"reception",` + parts + `}`,
				"J6": `{"id":"J6","stage":"paused","parts":[]}`,
			}
			for id, v := range before {
				jobs.Put([]byte(id), []byte(v))
			}
			if err := migrations[10](tx); err != nil {
				t.Fatal(err)
			}
			want := []shop.PartLine{{Number: "26300-35505", Name: "机油滤清器", Quantity: 1, UnitPrice: 12800}, {Name: "机油", Quantity: 4.5, UnitPrice: 9800}}
			ids := map[string]bool{}
			for _, id := range []string{"J1", "J2"} {
				var j shop.Job
				if err := json.Unmarshal(jobs.Get([]byte(id)), &j); err != nil {
					t.Fatal(err)
				}
				billed := j.BilledParts()
				if len(billed) != 2 || billed[0] != want[0] || billed[1] != want[1] {
					t.Errorf("%s bills %+v after the migration, want %+v", id, billed, want)
				}
				for _, ip := range j.Issued {
					if ip.Basis != shop.BasisMigrated || ip.IssuedBy != "system" || !ip.IssuedAt.Equal(j.UpdatedAt) || ids[ip.ID] {
						t.Errorf("%s: issued %+v", id, ip)
					}
					ids[ip.ID] = true
				}
			}
			for _, id := range []string{"ip-5", "ip-6", "ip-7", "ip-8"} {
				if !ids[id] {
					t.Errorf("no issue %s after the counter's 4: %v", id, ids)
				}
			}
			if got := string(counters.Get([]byte("ip"))); got != `{"name":"ip","value":8}` {
				t.Errorf("the issue counter after the migration: %s", got)
			}
			if raw := string(jobs.Get([]byte("J1"))); !strings.Contains(raw, `"future_field":7`) {
				t.Errorf("a field this code does not know was lost: %s", raw)
			}
			for _, id := range []string{"J3", "J4", "J5", "J6"} {
				if got := string(jobs.Get([]byte(id))); got != before[id] {
					t.Errorf("%s, not started or cancelled, was rewritten: %s", id, got)
				}
			}
		})
		// A new file has no jobs, and gets no counter.
		atSchema1(t, func(tx *bolt.Tx) {
			if err := migrations[10](tx); err != nil {
				t.Fatal(err)
			}
			if b := tx.Bucket(bucketRecords).Bucket([]byte(shop.KindCounter)); b != nil && b.Get([]byte("ip")) != nil {
				t.Errorf("the migration set an issue counter in a new file")
			}
		})
	},
	func(t *testing.T) {
		atSchema1(t, func(tx *bolt.Tx) {
			jobs := records(tx, shop.KindJob)
			jobs.Put([]byte("J1"), []byte(`{"id":"J1","follow_up":{"at":"2026-11-23T09:00:00Z","by":"u1","outcome":"complaint","notes":"noisy brakes","complaint_open":true},"future_field":7}`))
			jobs.Put([]byte("J2"), []byte(`{"id":"J2","follow_up":{"at":"2026-11-23T09:00:00Z","by":"u1","outcome":"complaint","notes":"x","resolution":"fixed","closed_at":"2026-11-24T09:00:00Z"}}`))
			before3 := `{"id":"J3","follow_up":{"at":"2026-11-23T09:00:00Z","by":"u1","outcome":"satisfied"}}`
			jobs.Put([]byte("J3"), []byte(before3))
			before4 := `{"id":"J4","follow_up":{"at":"2026-11-23T09:00:00Z","by":"u1","outcome":"complaint","complaint_open":true,"category":"attitude","owner_id":"u2","due_at":"2026-11-30T09:00:00Z"}}`
			jobs.Put([]byte("J4"), []byte(before4))
			if err := migrations[11](tx); err != nil {
				t.Fatal(err)
			}
			var j1, j2 shop.Job
			json.Unmarshal(jobs.Get([]byte("J1")), &j1)
			json.Unmarshal(jobs.Get([]byte("J2")), &j2)
			if f := j1.FollowUp; f.Category != "process" || f.OwnerID != "" || f.DueAt == nil || !f.DueAt.Equal(time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)) || !f.ComplaintOpen || f.Notes != "noisy brakes" {
				t.Errorf("an old open complaint after the migration: %+v", f)
			}
			if f := j2.FollowUp; f.Category != "process" || f.DueAt != nil || f.Resolution != "fixed" {
				t.Errorf("an old closed complaint after the migration: %+v", f)
			}
			if raw := string(jobs.Get([]byte("J1"))); !strings.Contains(raw, `"future_field":7`) {
				t.Errorf("a field this code does not know was lost: %s", raw)
			}
			if got := string(jobs.Get([]byte("J3"))); got != before3 {
				t.Errorf("a satisfied follow-up was rewritten: %s", got)
			}
			if got := string(jobs.Get([]byte("J4"))); got != before4 {
				t.Errorf("a complaint with a category was rewritten: %s", got)
			}
		})
	},
}

// has reports whether a key is present; bbolt's Get returns nil for an
// empty value too.
func has(b *bolt.Bucket, key []byte) bool {
	k, _ := b.Cursor().Seek(key)
	return bytes.Equal(k, key)
}

// atSchema1 runs fn in a write transaction of a new file that the first
// migration has made: where each later migration's test starts.
func atSchema1(t *testing.T, fn func(tx *bolt.Tx)) {
	t.Helper()
	rawDB(t).Update(func(tx *bolt.Tx) error {
		tx.CreateBucket(bucketMeta)
		if err := migrations[0](tx); err != nil {
			t.Fatal(err)
		}
		fn(tx)
		return nil
	})
}

func rawDB(t *testing.T) *bolt.DB {
	db, err := bolt.Open(filepath.Join(t.TempDir(), "raw.db"), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestBackupAndRestore(t *testing.T) {
	t.Parallel() // it waits out LockWait on a file of its own
	s := open(t)
	seed(t, s)
	var buf bytes.Buffer
	if _, err := s.Backup(&buf); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	backup := filepath.Join(dir, "backup.db")
	os.WriteFile(backup, buf.Bytes(), 0o600)

	// Restoring over a file a server holds is refused.
	if _, err := Restore(backup, s.Path(), t0); !errors.Is(err, ErrLocked) {
		t.Fatalf("restore over a live file: %v", err)
	}
	target := filepath.Join(dir, "restored.db")
	if _, err := Restore(backup, target, t0); err != nil {
		t.Fatal(err)
	}
	r, err := Open(target)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	st, _, err := r.Load(t0)
	if err != nil || len(st.Jobs) != 2 || r.Check() != nil {
		t.Fatalf("restored file: %v jobs, %v", len(st.Jobs), err)
	}
	// The same shop: its secret (QR codes printed before still open), its
	// event log and each job's history.
	if !bytes.Equal(r.Secret(), s.Secret()) || r.LastSeq() != s.LastSeq() {
		t.Errorf("restored secret or last seq differ: seq %d, want %d", r.LastSeq(), s.LastSeq())
	}
	want, _ := s.JobHistory("20261123-0001")
	got, err := r.JobHistory("20261123-0001")
	if err != nil || len(got) == 0 || len(got) != len(want) || got[0].Seq != want[0].Seq || got[0].Type != want[0].Type {
		t.Errorf("restored history %+v, want %+v (%v)", got, want, err)
	}
	// A file that is not a data file is refused and changes nothing.
	junk := filepath.Join(dir, "junk.db")
	os.WriteFile(junk, []byte("not a database"), 0o600)
	if _, err := Restore(junk, target, t0); err == nil {
		t.Fatal("restoring junk succeeded")
	}
	if st, _, err := r.Load(t0); err != nil || len(st.Jobs) != 2 {
		t.Fatalf("target changed by a refused restore")
	}
}

func TestJobsClosedSince(t *testing.T) {
	s := open(t)
	st := seed(t, s)
	apply(t, s, st, t0.Add(time.Hour), &shop.Cancel{JobID: "20261123-0002", Reason: "改期"})
	all, err := s.JobsClosedSince(t0)
	if err != nil || len(all) != 2 {
		t.Fatalf("since t0: %d, %v", len(all), err)
	}
	later, _ := s.JobsClosedSince(t0.Add(2 * time.Hour))
	if len(later) != 1 || later[0].ID != "20261123-0001" {
		t.Errorf("since after the cancel: %v", later)
	}
}

// A vehicle's jobs are read from the file, also once closed long ago and
// out of the live state; another car's are not; a car never seen has none.
func TestVehicleJobsReadsACarsJobsFromTheFile(t *testing.T) {
	s := open(t)
	st := seed(t, s)
	st = apply(t, s, st, t0.Add(time.Hour), &shop.Cancel{JobID: "20261123-0001", Reason: "改期"})
	apply(t, s, st, t0.Add(2*time.Hour), &shop.OpenJob{CustomerID: "cu-1", VehicleID: "ve-1", Estimate: shop.Estimate{Requests: "再来", PromisedAt: t0.Add(3 * time.Hour)}})
	if later, _, err := s.Load(t0.Add(shop.KeepClosed + 2*time.Hour)); err != nil || later.Jobs["20261123-0001"] != nil {
		t.Fatalf("the cancelled job is still live a week later (%v)", err)
	}
	jobs, err := s.VehicleJobs("ve-1")
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, j := range jobs {
		ids = append(ids, j.ID+":"+string(j.Stage))
	}
	if want := "20261123-0001:cancelled 20261123-0003:reception"; strings.Join(ids, " ") != want {
		t.Errorf("ve-1's jobs: %v, want %s", ids, want)
	}
	if none, err := s.VehicleJobs("ve-9"); err != nil || none == nil || len(none) != 0 {
		t.Errorf("a car never seen: %v, %v", none, err)
	}
}

// The demo rebuilds its file at each start; only the mark tells it that a
// file is its own and not a real shop's.
func TestOnlyAMarkedFileIsTheDemos(t *testing.T) {
	t.Parallel() // it waits out LockWait on a file of its own
	real := open(t)
	seed(t, real)
	demo := open(t)
	if err := demo.MarkDemo(); err != nil {
		t.Fatal(err)
	}
	// A server holds both: asking fails at once and says so.
	if _, err := IsDemoFile(real.Path()); !errors.Is(err, ErrLocked) {
		t.Fatalf("asking about a held file: %v", err)
	}
	real.Close()
	demo.Close()
	for _, c := range []struct {
		path string
		want bool
	}{{real.Path(), false}, {demo.Path(), true}} {
		got, err := IsDemoFile(c.path)
		if err != nil || got != c.want {
			t.Errorf("IsDemoFile(%s) = %v, %v; want %v", c.path, got, err, c.want)
		}
	}
	// Asking changed nothing: the real shop is still there.
	again, err := Open(real.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if st, _, err := again.Load(t0); err != nil || len(st.Jobs) != 2 {
		t.Errorf("the real shop after the question: %v", err)
	}
}

// Open brings an older file up to date: a file left at schema 1 gets the
// later migrations, in one go, and reads as a current one.
func TestOpenMigratesAnOlderFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		meta, err := tx.CreateBucket(bucketMeta)
		if err != nil {
			return err
		}
		if err := migrations[0](tx); err != nil {
			return err
		}
		ev := tx.Bucket(bucketEvents)
		for seq, v := range []string{`{"seq":1,"type":"open_job","job_id":"J1"}`, `{"seq":2,"type":"submit","job_id":"J1"}`} {
			if err := ev.Put(u64(uint64(seq+1)), []byte(v)); err != nil {
				return err
			}
		}
		return meta.Put(keySchemaVersion, u64(1))
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var version uint64
	s.db.View(func(tx *bolt.Tx) error {
		version = getU64(tx.Bucket(bucketMeta).Get(keySchemaVersion))
		return nil
	})
	if version != SchemaVersion {
		t.Errorf("schema version %d after open, want %d", version, SchemaVersion)
	}
	if h, err := s.JobHistory("J1"); err != nil || len(h) != 2 || h[1].Type != "submit" {
		t.Errorf("history of a migrated file: %+v %v", h, err)
	}
}

func TestAccessChangesAreWrittenWithTheirEvent(t *testing.T) {
	s := open(t)
	before := s.LastSeq()
	tv := access.Device{ID: "dev-1", Name: "lounge", Approved: true, Views: []string{"lounge"}, TokenKey: "k1"}
	ev, err := s.Change(access.Change{Devices: []access.Device{tv}},
		shop.Event{At: t0, Actor: "user-1", Type: "device_approved", Subject: "dev-1"})
	if err != nil {
		t.Fatal(err)
	}
	if ev.Seq != before+1 || s.LastSeq() != ev.Seq {
		t.Fatalf("event numbered %d, last %d, want %d", ev.Seq, s.LastSeq(), before+1)
	}
	if d, ok, err := s.DeviceByToken("k1"); !ok || err != nil || d.ID != "dev-1" || d.Name != "lounge" {
		t.Fatalf("token index finds %+v %v %v", d, ok, err)
	}
	var logged []shop.Event
	s.Events(t0, t0.Add(time.Second), func(e shop.Event) error { logged = append(logged, e); return nil })
	if len(logged) != 1 || logged[0].Type != "device_approved" || logged[0].Actor != "user-1" || logged[0].Subject != "dev-1" {
		t.Fatalf("event log holds %+v", logged)
	}

	// A revoke and a refused record: the refused change writes nothing,
	// not even the revoke before it, and numbers no event.
	revoked := tv
	revoked.Revoked, revoked.TokenKey = true, ""
	_, err = s.Change(access.Change{Devices: []access.Device{revoked}, Tokens: []access.APIToken{{Name: "no key"}}},
		shop.Event{At: t0, Actor: "user-1", Type: "device_revoked", Subject: "dev-1"})
	if err == nil {
		t.Fatal("a token without a key was written")
	}
	if d, ok, _ := s.DeviceByToken("k1"); !ok || d.Revoked || s.LastSeq() != ev.Seq {
		t.Fatalf("a refused change left the screen %+v (%v) and last event %d", d, ok, s.LastSeq())
	}
	if _, err := s.Change(access.Change{Devices: []access.Device{revoked}},
		shop.Event{At: t0, Actor: "user-1", Type: "device_revoked", Subject: "dev-1"}); err != nil {
		t.Fatal(err)
	}
	if d, ok, _ := s.DeviceByToken("k1"); ok {
		t.Fatalf("a revoked screen's token still names %+v", d)
	}
	if d, ok, _ := s.Device("dev-1"); !ok || !d.Revoked {
		t.Fatalf("the revoked screen reads %+v (%v)", d, ok)
	}

	// A token issued, then revoked.
	if _, err := s.Change(access.Change{Tokens: []access.APIToken{{Key: "t1", UserID: "user-1", Name: "script", Created: t0}}},
		shop.Event{At: t0, Actor: "user-1", Type: "token_issued", Subject: "t1"}); err != nil {
		t.Fatal(err)
	}
	if tok, ok, _ := s.APIToken("t1"); !ok || tok.Key != "t1" || tok.Name != "script" || tok.UserID != "user-1" {
		t.Fatalf("the issued token reads %+v (%v)", tok, ok)
	}
	if _, err := s.Change(access.Change{RevokedTokens: []string{"t1"}},
		shop.Event{At: t0, Actor: "user-1", Type: "token_revoked", Subject: "t1"}); err != nil {
		t.Fatal(err)
	}
	if tok, ok, _ := s.APIToken("t1"); ok {
		t.Fatalf("a revoked token reads %+v", tok)
	}
}

// The access records are read from the auth buckets as the web layer
// wrote them before they had types: a paired TV, a signed-in kiosk and a
// script's token keep working after an upgrade, with no migration.
func TestAccessRecordsOfAnEarlierFileAreRead(t *testing.T) {
	s := open(t)
	expires := t0.Add(time.Hour)
	err := s.db.Update(func(tx *bolt.Tx) error {
		for _, r := range []struct{ bucket, key, value string }{
			{"sessions", "s1", `{"user_id":"user-9","csrf":"c1","device_id":"dev-1","expires":"` + expires.Format(time.RFC3339) + `","idle_ns":1800000000000}`},
			{"tokens", "t1", `{"user_id":"user-1","name":"demo scripts","created":"` + t0.Format(time.RFC3339) + `"}`},
			{"devices", "dev-1", `{"id":"dev-1","name":"休息区电视","approved":true,"views":["lounge"],"lang":"zh-CN","token_key":"k1","created":"` + t0.Format(time.RFC3339) + `","kiosk":false,"revoked":false}`},
			{"device_tokens", "k1", "dev-1"},
		} {
			b, err := tx.Bucket(bucketAuth).CreateBucketIfNotExists([]byte(r.bucket))
			if err != nil {
				return err
			}
			if err := b.Put([]byte(r.key), []byte(r.value)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	ses, ok, err := s.Session("s1")
	if !ok || err != nil || ses.Key != "s1" || ses.UserID != "user-9" || ses.CSRF != "c1" || ses.DeviceID != "dev-1" ||
		!ses.Expires.Equal(expires) || ses.Idle != int64(30*time.Minute) {
		t.Errorf("the session reads %+v (%v %v)", ses, ok, err)
	}
	if tok, ok, err := s.APIToken("t1"); !ok || err != nil || tok.Key != "t1" || tok.UserID != "user-1" || tok.Name != "demo scripts" || !tok.Created.Equal(t0) {
		t.Errorf("the token reads %+v (%v %v)", tok, ok, err)
	}
	d, ok, err := s.DeviceByToken("k1")
	if !ok || err != nil || d.ID != "dev-1" || d.Name != "休息区电视" || !d.CanView("lounge") || d.CanView("workshop") || d.TokenKey != "k1" {
		t.Errorf("the screen reads %+v (%v %v)", d, ok, err)
	}
}

// A job opened and closed in one transaction is in the closed index: the
// reports of its day count it, and a restart within the week loads it.
func TestAJobOpenedAndClosedInOneCommitIsIndexed(t *testing.T) {
	s := open(t)
	st := seed(t, s)
	st = apply(t, s, st, t0.Add(time.Hour),
		&shop.PutVehicle{Vehicle: shop.Vehicle{CustomerID: "cu-1", Plate: "京A11111"}},
		&shop.OpenJob{CustomerID: "cu-1", VehicleID: "ve-3", Estimate: shop.Estimate{Requests: "问诊", PromisedAt: t0.Add(2 * time.Hour)}},
		&shop.Cancel{JobID: "20261123-0003", Reason: "客户改期"})
	apply(t, s, st, t0.Add(3*time.Hour), &shop.Cancel{JobID: "20261123-0002", Reason: "不修了"})
	closed, err := s.JobsClosedSince(t0)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, j := range closed {
		if !j.Stage.Open() {
			ids = append(ids, j.ID)
		}
	}
	if strings.Join(ids, " ") != "20261123-0003 20261123-0002" {
		t.Errorf("closed since the morning: %v", ids)
	}
	got, _, err := s.Load(t0.Add(24 * time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if j := got.Jobs["20261123-0003"]; j == nil || j.Stage != shop.StageCancelled {
		t.Errorf("the job closed in its opening commit was not loaded: %+v", j)
	}
}

// A cold backup copies the file as it is: an older file is not migrated by
// being backed up, and junk is refused by name.
func TestBackupFileLeavesTheOriginalAsItIs(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "old.db")
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	db.Update(func(tx *bolt.Tx) error {
		meta, _ := tx.CreateBucket(bucketMeta)
		migrations[0](tx)
		return meta.Put(keySchemaVersion, u64(1))
	})
	db.Close()
	before, _ := os.ReadFile(path)
	var buf bytes.Buffer
	if _, err := BackupFile(path, &buf); err != nil {
		t.Fatal(err)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Error("backing up changed the original")
	}
	copyPath := filepath.Join(dir, "copy.db")
	os.WriteFile(copyPath, buf.Bytes(), 0o600)
	s, err := Open(copyPath) // the copy migrates when it is used
	if err != nil {
		t.Fatal(err)
	}
	s.Close()

	junk := filepath.Join(dir, "junk.db")
	os.WriteFile(junk, bytes.Repeat([]byte("x"), 8192), 0o600)
	if _, err := Restore(junk, filepath.Join(dir, "target.db"), t0); err == nil || !strings.Contains(err.Error(), "backup "+junk+" is refused: not a complete bayboard data file") {
		t.Errorf("restoring junk: %v", err)
	}
}
