package server

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"bayboard/internal/imaging"
	"bayboard/internal/imaging/imagingtest"
	"bayboard/internal/shop"
	"bayboard/internal/store"
)

// clock is a shop clock a test moves.
type clock struct{ now atomic.Pointer[time.Time] }

func (c *clock) Now() time.Time         { return *c.now.Load() }
func (c *clock) Set(t time.Time)        { c.now.Store(&t) }
func day(t0 time.Time, n int) time.Time { return t0.Add(time.Duration(n) * 24 * time.Hour) }

// start loads the shop from its data file at the clock's time and
// assembles the server, as `bayboard serve` does.
func start(t *testing.T, st *store.Store, now func() time.Time) *Server {
	t.Helper()
	state, err := Load(st, now(), quiet)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := New(st, state, now, Options{Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	return srv
}

// photoShop opens a new data file and starts a server on it, its clock
// at t0; the store closes when the test ends.
func photoShop(t *testing.T, t0 time.Time) (*store.Store, *clock, *Server) {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "shop.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	c := &clock{}
	c.Set(t0)
	return st, c, start(t, st, c.Now)
}

// putPhoto stores a picture and attaches it to a job.
func putPhoto(t *testing.T, srv *Server, jobID string, kind shop.PhotoKind, w int) string {
	t.Helper()
	p, err := imaging.Process(bytes.NewReader(imagingtest.PhoneJPEG(w, 100, 1, false)), imaging.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	id, err := srv.Photos.Put(p.JPEG, p.Thumb)
	if err != nil {
		t.Fatal(err)
	}
	ph := shop.Photo{ID: id, Kind: kind, Width: p.Width, Height: p.Height, Bytes: len(p.JPEG)}
	if kind == shop.PhotoWalkAround {
		ph.Position = shop.PositionFront
	}
	if _, err := srv.Engine.Do(context.Background(), shop.Actor{System: true}, &shop.AttachPhoto{JobID: jobID, Photo: ph}); err != nil {
		t.Fatal(err)
	}
	return id
}

// The photo retention: a job cancelled more than PhotoKeepDays ago has
// left the live state; its photos are marked expired in the data file
// through the engine (an event each, in the log's order), their files go
// unless another job's photo still uses the same file, and nothing
// happens before the keep is up or while the shop keeps photos for good.
func TestOldPhotosExpireAndTheirFilesGo(t *testing.T) {
	t0 := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	st, c, srv := photoShop(t, t0)
	ctx, sys := context.Background(), shop.Actor{System: true}
	do := func(cmd shop.Command) {
		t.Helper()
		if _, err := srv.Engine.Do(ctx, sys, cmd); err != nil {
			t.Fatalf("%s: %v", cmd.CommandType(), err)
		}
	}
	do(&shop.PutCustomer{Customer: shop.Customer{Name: "张先生", Phone: "13812345678"}})
	do(&shop.PutVehicle{Vehicle: shop.Vehicle{CustomerID: "cu-1", Plate: "京A12345", Model: "Sonata"}})
	do(&shop.PutVehicle{Vehicle: shop.Vehicle{CustomerID: "cu-1", Plate: "京B54321", Model: "Tucson"}})
	do(&shop.OpenJob{CustomerID: "cu-1", VehicleID: "ve-1", Estimate: shop.Estimate{Requests: "保养", PromisedAt: t0.Add(time.Hour)}})
	do(&shop.OpenJob{CustomerID: "cu-1", VehicleID: "ve-2", Estimate: shop.Estimate{Requests: "保养", PromisedAt: t0.Add(time.Hour)}})
	shared := putPhoto(t, srv, "20261123-0001", shop.PhotoWalkAround, 200)
	only := putPhoto(t, srv, "20261123-0001", shop.PhotoWalkAround, 210)
	putPhoto(t, srv, "20261123-0002", shop.PhotoWalkAround, 200) // the same picture on the live job
	do(&shop.Cancel{JobID: "20261123-0001", Reason: "customer left"})
	srv.Close()

	// Kept for good: nothing expires, however old.
	c.Set(day(t0, 400))
	srv = start(t, st, c.Now)
	if n, err := srv.SweepPhotos(ctx); n != 0 || err != nil || !srv.Photos.Has(only) {
		t.Fatalf("kept for good: %d expired (%v)", n, err)
	}
	settings := srv.Engine.State().Settings
	settings.PhotoKeepDays = 30
	do(&shop.SetSettings{Settings: settings})
	srv.Close()

	// 29 days after the cancel: not yet.
	c.Set(day(t0, 29))
	srv = start(t, st, c.Now)
	if n, err := srv.SweepPhotos(ctx); n != 0 || err != nil || !srv.Photos.Has(only) || !srv.Photos.Has(shared) {
		t.Fatalf("after 29 days of 30: %d expired (%v)", n, err)
	}
	srv.Close()

	// 31 days: the start's pass expires them.
	c.Set(day(t0, 31))
	seq := st.LastSeq()
	srv = start(t, st, c.Now)
	defer srv.Close()
	if srv.Engine.State().Jobs["20261123-0001"] != nil {
		t.Fatal("the cancelled job is still live: the test does not test the closed job's path")
	}
	j, err := st.Job("20261123-0001")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range j.Photos {
		if p.ExpiredAt == nil || !p.ExpiredAt.Equal(day(t0, 31)) {
			t.Errorf("not expired on disk: %+v", p)
		}
	}
	if srv.Photos.Has(only) {
		t.Error("the expired photo's file is still there")
	}
	if !srv.Photos.Has(shared) {
		t.Error("the file another job's photo uses was removed")
	}
	if srv.Engine.State().Jobs["20261123-0001"] != nil {
		t.Error("the expired job came back into the live state")
	}
	evs, err := st.EventsPage(seq, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 1 || evs[0].Type != "expire_photos" || evs[0].JobID != "20261123-0001" || evs[0].Seq != seq+1 {
		t.Fatalf("events after %d: %+v", seq, evs)
	}
	var data struct {
		PhotoIDs []string `json:"photo_ids"`
	}
	json.Unmarshal(evs[0].Data, &data)
	if len(data.PhotoIDs) != 2 {
		t.Errorf("the event names %v", data.PhotoIDs)
	}
	if n, err := srv.SweepPhotos(ctx); n != 0 || err != nil {
		t.Errorf("a second pass: %d (%v)", n, err)
	}
	if srv.PhotoCheck == nil || len(srv.PhotoCheck.Missing) != 0 {
		t.Errorf("the start-up check: %+v", srv.PhotoCheck)
	}
}

// The start-up check compares the photo directory with every photo the
// jobs refer to: a file no job refers to is an orphan, a photo without its
// file is missing; both are reported, in the log and on /healthz.
func TestTheStartUpCheckFindsOrphansAndMissingPhotos(t *testing.T) {
	t0 := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	st, c, srv := photoShop(t, t0)
	ctx, sys := context.Background(), shop.Actor{System: true}
	for _, cmd := range []shop.Command{
		&shop.PutCustomer{Customer: shop.Customer{Name: "张先生", Phone: "13812345678"}},
		&shop.PutVehicle{Vehicle: shop.Vehicle{CustomerID: "cu-1", Plate: "京A12345", Model: "Sonata"}},
		&shop.OpenJob{CustomerID: "cu-1", VehicleID: "ve-1", Estimate: shop.Estimate{Requests: "保养", PromisedAt: t0.Add(time.Hour)}},
	} {
		if _, err := srv.Engine.Do(ctx, sys, cmd); err != nil {
			t.Fatal(err)
		}
	}
	kept := putPhoto(t, srv, "20261123-0001", shop.PhotoWalkAround, 200)
	lost := putPhoto(t, srv, "20261123-0001", shop.PhotoWalkAround, 210)
	orphan, err := srv.Photos.Put(imagingtest.PhoneJPEG(8, 8, 1, false), imagingtest.PhoneJPEG(4, 4, 1, false))
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Photos.Remove(lost); err != nil {
		t.Fatal(err)
	}
	srv.Close()
	srv = start(t, st, c.Now)
	defer srv.Close()
	pc := srv.PhotoCheck
	if len(pc.Missing) != 1 || pc.Missing[0] != lost || len(pc.Orphans) != 1 || pc.Orphans[0] != orphan {
		t.Errorf("the check found orphans %v, missing %v; want [%s], [%s]", pc.Orphans, pc.Missing, orphan, lost)
	}
	if !srv.Photos.Has(kept) || !srv.Photos.Has(orphan) {
		t.Error("the check removed a file")
	}
}

// A photo taken back (remove_photo: a wrong car, a face in the picture)
// loses its file, unless a shown photo on another job is the same
// picture; the job keeps that it existed.
func TestAPhotoTakenBackLosesItsFile(t *testing.T) {
	_, c, srv := photoShop(t, time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
	defer srv.Close()
	ctx, sys := context.Background(), shop.Actor{System: true}
	for _, cmd := range []shop.Command{
		&shop.PutCustomer{Customer: shop.Customer{Name: "王先生", Phone: "13800000001"}},
		&shop.PutVehicle{Vehicle: shop.Vehicle{CustomerID: "cu-1", Plate: "京A12345"}},
		&shop.PutVehicle{Vehicle: shop.Vehicle{CustomerID: "cu-1", Plate: "京A12346"}},
		&shop.OpenJob{CustomerID: "cu-1", VehicleID: "ve-1", Estimate: shop.Estimate{Requests: "保养", PromisedAt: c.Now().Add(time.Hour)}},
		&shop.OpenJob{CustomerID: "cu-1", VehicleID: "ve-2", Estimate: shop.Estimate{Requests: "保养", PromisedAt: c.Now().Add(time.Hour)}},
	} {
		if _, err := srv.Engine.Do(ctx, sys, cmd); err != nil {
			t.Fatalf("%s: %v", cmd.CommandType(), err)
		}
	}
	var jobs []string
	for id := range srv.Engine.State().Jobs {
		jobs = append(jobs, id)
	}
	slices.Sort(jobs)
	alone := putPhoto(t, srv, jobs[0], shop.PhotoWalkAround, 300)
	shared := putPhoto(t, srv, jobs[0], shop.PhotoWalkAround, 310)
	if again := putPhoto(t, srv, jobs[1], shop.PhotoWalkAround, 310); again != shared {
		t.Fatalf("the same picture is %s and %s", shared, again)
	}
	for _, id := range []string{shared, alone} {
		if _, err := srv.Engine.Do(ctx, sys, &shop.RemovePhoto{JobID: jobs[0], PhotoID: id, Reason: "拍错车了"}); err != nil {
			t.Fatal(err)
		}
	}
	// The files go off the engine's goroutine: the taken-back photo's
	// file is gone once the loop has come to it, and it comes to them in
	// order, so the shared one has been decided by then.
	deadline := time.Now().Add(10 * time.Second)
	for srv.Photos.Has(alone) {
		if time.Now().After(deadline) {
			t.Fatal("the file of a photo taken back is still there")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if !srv.Photos.Has(shared) {
		t.Error("a picture another job still shows lost its file")
	}
	if p := srv.Engine.State().Jobs[jobs[0]].Photo(alone); p == nil || p.RemovedAt == nil {
		t.Errorf("the job forgot the photo it took back: %+v", p)
	}
}
