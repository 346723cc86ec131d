package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"bayboard/assets"
	"bayboard/board"
	"bayboard/internal/access"
	"bayboard/internal/engine"
	"bayboard/internal/shop"
	"bayboard/internal/store"
	"bayboard/internal/web"

	bolt "go.etcd.io/bbolt"
)

var t0 = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

// BenchmarkBoltSingleUpdate is the floor under every durable change: one
// bbolt Update (one fsync) per change, one writer at a time.
func BenchmarkBoltSingleUpdate(b *testing.B) {
	db, err := bolt.Open(filepath.Join(b.TempDir(), "raw.db"), 0o600, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	value := []byte(`{"name":"张先生","phone":"13812345678","key_customer":false}`)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		err := db.Update(func(tx *bolt.Tx) error {
			bk, err := tx.CreateBucketIfNotExists([]byte("b"))
			if err != nil {
				return err
			}
			return bk.Put([]byte(fmt.Sprint(i)), value)
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "updates/s")
}

// BenchmarkDurableChangesHTTP sends job changes through the real HTTP API
// from 16 concurrent clients; each reply comes after its fsync.
func BenchmarkDurableChangesHTTP(b *testing.B) {
	st, err := store.Open(filepath.Join(b.TempDir(), "shop.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	state, _, _ := st.Load(t0)
	eng := engine.New(st, state, time.Now)
	defer eng.Close()
	sys := shop.Actor{System: true}
	user, _ := eng.Do(context.Background(), sys, &shop.PutUser{User: shop.User{Login: "m", Name: "m", Roles: []shop.Role{shop.RoleManager}, Active: true}})
	token, _ := access.IssueToken(st, access.BySystem(t0), user.Subject, "bench")
	// One car and one open job per client: each change rewrites a job, its
	// place in the open-jobs index and its history, as an advisor's
	// estimate change does.
	const clients = 16
	promised := time.Now().Add(3 * time.Hour).Format(time.RFC3339)
	eng.Do(context.Background(), sys, &shop.PutCustomer{Customer: shop.Customer{Name: "张先生", Phone: "13812345678"}})
	for c := 1; c <= clients; c++ {
		eng.Do(context.Background(), sys, &shop.PutVehicle{Vehicle: shop.Vehicle{CustomerID: "cu-1", Plate: fmt.Sprintf("京A%05d", c)}})
		cmd, err := shop.DecodeCommand([]byte(fmt.Sprintf(`{"type":"open_job","customer_id":"cu-1","vehicle_id":"ve-%d","requests":"保养","promised_at":%q}`, c, promised)))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := eng.Do(context.Background(), sys, cmd); err != nil {
			b.Fatal(err)
		}
	}
	jobs := make([]string, 0, clients)
	for id := range eng.State().Jobs {
		jobs = append(jobs, id)
	}
	srv, err := web.New(web.Deps{Engine: eng, Auth: st, Backup: st, History: st, Hub: board.New(eng, board.Options{}), Pages: assets.Pages()}, web.Options{})
	if err != nil {
		b.Fatal(err)
	}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	go srv.Serve(ln)
	defer srv.Shutdown(context.Background())
	url := "http://" + ln.Addr().String() + "/api/v1/commands"
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}

	var next atomic.Int64
	b.ResetTimer()
	var wg sync.WaitGroup
	for c := 0; c < clients; c++ {
		wg.Add(1)
		job := jobs[c]
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1)
				if i > int64(b.N) {
					return
				}
				body := fmt.Sprintf(`{"type":"update_estimate","job_id":%q,"requests":"保养，第%d次改","promised_at":%q,`+
					`"labour":[{"name":"更换机油 Oil service","sold_hours":1.5,"price":30000}],"parts":[{"name":"Oil filter 机油滤清器","quantity":1,"unit_price":12800}],"wash":true}`,
					job, i, promised)
				req, _ := http.NewRequest("POST", url, strings.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+token)
				resp, err := client.Do(req)
				if err != nil {
					b.Error(err)
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					b.Errorf("status %d", resp.StatusCode)
					return
				}
			}
		}()
	}
	wg.Wait()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "changes/s")
}

// yearFile builds (once, cached in the system temp folder) a data file with
// a year of a busy shop: 30,000 jobs and 1,000,000 events.
func yearFile(b *testing.B) string {
	path := filepath.Join(os.TempDir(), "bayboard-bench-year-v3.db")
	if _, err := os.Stat(path); err == nil {
		return path
	}
	b.Logf("building %s (once)", path)
	tmp := path + ".part"
	os.Remove(tmp)
	st, err := store.Open(tmp)
	if err != nil {
		b.Fatal(err)
	}
	const jobs, eventsPerJob, perCommit = 30_000, 33, 500
	start := t0.AddDate(-1, 0, 0)
	payload := json.RawMessage(`{"type":"clock_on","job_id":"x","tech_id":"tech-3"}`)
	for base := 0; base < jobs; base += perCommit {
		var recs []shop.Record
		var evs []shop.Event
		for i := base; i < base+perCommit; i++ {
			// Spread over the whole year up to t0, so that the last week's
			// closed jobs are there to load, as in a real shop.
			at := start.Add(time.Duration(i) * (365 * 24 * time.Hour / jobs))
			cu := &shop.Customer{ID: fmt.Sprintf("cu-%d", i), Name: "客户", Phone: "13812345678"}
			ve := &shop.Vehicle{ID: fmt.Sprintf("ve-%d", i), CustomerID: cu.ID, Plate: fmt.Sprintf("京A·%05d", i), Model: "Sonata"}
			stage := shop.StageDelivered
			if i >= jobs-150 {
				stage = shop.StageInProgress
			}
			j := &shop.Job{ID: fmt.Sprintf("%s-%04d", at.Format("20060102"), i%10000), CustomerID: cu.ID, VehicleID: ve.ID,
				Stage: stage, Requests: "保养", PromisedAt: at.Add(3 * time.Hour), CreatedAt: at, UpdatedAt: at.Add(4 * time.Hour),
				Labour: []shop.Labour{{Name: "保养 Oil service", SoldHours: 1.5, Price: 30000}},
				Parts:  []shop.PartLine{{Name: "Oil filter 机油滤清器", Quantity: 1, UnitPrice: 12800}},
				Stages: []shop.StageChange{{Stage: shop.StageReception, At: at}, {Stage: stage, At: at.Add(4 * time.Hour)}}}
			recs = append(recs, shop.Record{Kind: shop.KindCustomer, ID: cu.ID, Value: cu}, shop.Record{Kind: shop.KindVehicle, ID: ve.ID, Value: ve},
				shop.Record{Kind: shop.KindJob, ID: j.ID, Value: j})
			for e := 0; e < eventsPerJob; e++ {
				evs = append(evs, shop.Event{At: at.Add(time.Duration(e) * time.Minute), Actor: "user-3", Device: "kiosk-1", Type: "clock_on", Subject: j.ID, JobID: j.ID, Data: payload})
			}
		}
		if _, err := st.Commit(recs, evs); err != nil {
			b.Fatal(err)
		}
	}
	st.Close()
	if err := os.Rename(tmp, path); err != nil {
		b.Fatal(err)
	}
	return path
}

// BenchmarkStartupYear measures start-up to serving on a year of history:
// open the file, load the live state, build the engine and the server, and
// answer /healthz.
func BenchmarkStartupYear(b *testing.B) {
	path := yearFile(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		st, err := store.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		state, _, err := st.Load(t0)
		if err != nil {
			b.Fatal(err)
		}
		eng := engine.New(st, state, time.Now)
		srv, err := web.New(web.Deps{Engine: eng, Auth: st, Backup: st, History: st, Hub: board.New(eng, board.Options{}), Pages: assets.Pages()}, web.Options{})
		if err != nil {
			b.Fatal(err)
		}
		ln, _ := net.Listen("tcp", "127.0.0.1:0")
		go srv.Serve(ln)
		resp, err := http.Get("http://" + ln.Addr().String() + "/healthz")
		if err != nil || resp.StatusCode != 200 {
			b.Fatalf("healthz: %v", err)
		}
		resp.Body.Close()
		b.StopTimer()
		if i == 0 {
			b.ReportMetric(float64(len(state.Jobs)), "live-jobs") // open, and closed in the last week
			b.ReportMetric(float64(st.LastSeq()), "events")
		}
		srv.Shutdown(context.Background())
		eng.Close()
		st.Close()
		b.StartTimer()
	}
}
