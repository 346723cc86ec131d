package engine

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"bayboard/internal/shop"
	"bayboard/internal/store"
)

var t0 = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

func newEngine(t *testing.T) (*Engine, *store.Store) {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "shop.db"))
	if err != nil {
		t.Fatal(err)
	}
	state, _, _ := st.Load(t0)
	e := New(st, state, func() time.Time { return t0 })
	t.Cleanup(func() { e.Close(); st.Close() })
	return e, st
}

var sys = shop.Actor{System: true}

func TestConcurrentCommandsAreAllDurableAndNumbered(t *testing.T) {
	e, st := newEngine(t)
	ctx := context.Background()
	const clients, each = 16, 20
	var wg sync.WaitGroup
	seqs := make(chan uint64, clients*each)
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				ev, err := e.Do(ctx, sys, &shop.PutBay{Bay: shop.Bay{Name: fmt.Sprintf("bay %d/%d", c, i), Kind: shop.BayGeneral, Active: true}})
				if err != nil {
					t.Error(err)
					return
				}
				seqs <- ev.Seq
			}
		}(c)
	}
	wg.Wait()
	close(seqs)
	seen := map[uint64]bool{}
	for s := range seqs {
		if seen[s] || s == 0 {
			t.Fatalf("seq %d twice or zero", s)
		}
		seen[s] = true
	}
	if len(e.State().Bays) != clients*each {
		t.Errorf("live bays %d", len(e.State().Bays))
	}
	// What was acknowledged is on disk.
	loaded, _, err := st.Load(t0)
	if err != nil || len(loaded.Bays) != clients*each {
		t.Errorf("bays on disk: %d, %v", len(loaded.Bays), err)
	}
}

func TestARefusedCommandDoesNotSpoilItsBatch(t *testing.T) {
	e, _ := newEngine(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make([]error, 40)
	for i := range errs {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			name := "ok"
			if i%2 == 1 {
				name = "" // invalid
			}
			_, errs[i] = e.Do(ctx, sys, &shop.PutBay{Bay: shop.Bay{Name: name, Kind: shop.BayGeneral}})
		}(i)
	}
	wg.Wait()
	for i, err := range errs {
		if (err != nil) != (i%2 == 1) {
			t.Errorf("command %d: %v", i, err)
		}
	}
	if len(e.State().Bays) != 20 {
		t.Errorf("bays %d, want 20", len(e.State().Bays))
	}
}

func TestDoAllIsAllOrNothing(t *testing.T) {
	e, st := newEngine(t)
	before := st.LastSeq()
	_, err := e.DoAll(context.Background(), sys,
		&shop.PutBay{Bay: shop.Bay{Name: "a", Kind: shop.BayGeneral}},
		&shop.PutBay{Bay: shop.Bay{Name: "b", Kind: "spaceship"}})
	if shop.CodeOf(err) != shop.CodeInvalid {
		t.Fatalf("err = %v", err)
	}
	if len(e.State().Bays) != 0 || st.LastSeq() != before {
		t.Errorf("half a DoAll was kept")
	}
}

func TestSubscribersHearCommitsInOrder(t *testing.T) {
	e, _ := newEngine(t)
	var mu sync.Mutex
	var got []uint64
	e.Subscribe(func(c Change) {
		mu.Lock()
		defer mu.Unlock()
		for _, ev := range c.Events {
			got = append(got, ev.Seq)
		}
		if len(c.State.Bays) == 0 {
			t.Error("a change carried the state before it")
		}
	})
	for i := 0; i < 10; i++ {
		e.Do(context.Background(), sys, &shop.PutBay{Bay: shop.Bay{Name: "x", Kind: shop.BayGeneral}})
	}
	mu.Lock()
	defer mu.Unlock()
	for i := 1; i < len(got); i++ {
		if got[i] <= got[i-1] {
			t.Fatalf("out of order: %v", got)
		}
	}
	if len(got) != 10 {
		t.Errorf("heard %d events", len(got))
	}
}

// failing fails every commit, as a full disk would.
type failing struct{}

func (failing) Commit([]shop.Record, []shop.Event) ([]shop.Event, error) {
	return nil, errors.New("disk full")
}

func TestAFailedCommitPublishesNothing(t *testing.T) {
	e := New(failing{}, shop.NewState(), func() time.Time { return t0 })
	defer e.Close()
	_, err := e.Do(context.Background(), sys, &shop.PutBay{Bay: shop.Bay{Name: "x", Kind: shop.BayGeneral}})
	if err == nil || len(e.State().Bays) != 0 {
		t.Fatalf("err %v, bays %d", err, len(e.State().Bays))
	}
}

func TestClosedEngineRefuses(t *testing.T) {
	e, _ := newEngine(t)
	e.Close()
	if _, err := e.Do(context.Background(), sys, &shop.PutBay{Bay: shop.Bay{Name: "x", Kind: shop.BayGeneral}}); !errors.Is(err, ErrClosed) {
		t.Fatalf("err = %v", err)
	}
}

func TestOldClosedJobsLeaveTheLiveState(t *testing.T) {
	st, err := store.Open(filepath.Join(t.TempDir(), "shop.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := t0
	state, _, _ := st.Load(t0)
	e := New(st, state, func() time.Time { return now })
	defer e.Close()
	ctx := context.Background()
	for _, c := range []shop.Command{
		&shop.PutCustomer{Customer: shop.Customer{Name: "张先生", Phone: "13812345678"}},
		&shop.PutVehicle{Vehicle: shop.Vehicle{CustomerID: "cu-1", Plate: "京A12345"}},
		&shop.OpenJob{CustomerID: "cu-1", VehicleID: "ve-1", Estimate: shop.Estimate{Requests: "x", PromisedAt: t0.Add(time.Hour)}},
		&shop.Cancel{JobID: "20261123-0001", Reason: "改期"},
	} {
		if _, err := e.Do(ctx, sys, c); err != nil {
			t.Fatal(err)
		}
	}
	if len(e.State().Jobs) != 1 {
		t.Fatal("the closed job left too early")
	}
	now = t0.Add(shop.KeepClosed + 2*time.Hour)
	e.Do(ctx, sys, &shop.PutBay{Bay: shop.Bay{Name: "x", Kind: shop.BayGeneral}})
	if len(e.State().Jobs) != 0 {
		t.Errorf("a job closed a week ago is still live")
	}
	if j, _ := st.Job("20261123-0001"); j == nil {
		t.Errorf("the job left the disk too")
	}
}

func TestAnAcceptedEventIsQueuedForItsWebhookInItsCommitAndARefusedOneIsNot(t *testing.T) {
	e, st := newEngine(t)
	ctx := context.Background()
	hook, err := e.Do(ctx, sys, &shop.PutWebhook{Webhook: shop.Webhook{Name: "DMS", URL: "https://dms.example/hook", Events: []string{"open_job"}, Active: true}, Secret: "k"})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []shop.Command{
		&shop.PutCustomer{Customer: shop.Customer{Name: "张先生", Phone: "13812345678"}},
		&shop.PutVehicle{Vehicle: shop.Vehicle{CustomerID: "cu-1", Plate: "京A12345", Model: "Sonata"}},
	} {
		if _, err := e.Do(ctx, sys, c); err != nil {
			t.Fatal(err)
		}
	}
	opened, err := e.Do(ctx, sys, &shop.OpenJob{CustomerID: "cu-1", VehicleID: "ve-1", Estimate: shop.Estimate{Requests: "保养", PromisedAt: t0.Add(time.Hour)}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Do(ctx, sys, &shop.OpenJob{CustomerID: "cu-1", VehicleID: "ve-404", Estimate: shop.Estimate{Requests: "保养", PromisedAt: t0.Add(time.Hour)}}); err == nil {
		t.Fatal("a job for a car that is not there was opened")
	}
	v, err := st.Outbox(hook.Subject)
	if err != nil {
		t.Fatal(err)
	}
	if v.Backlog != 1 || v.Oldest == nil || v.Oldest.EventSeq != opened.Seq || v.Oldest.EventType != "open_job" {
		t.Fatalf("outbox after one accepted and one refused open_job: %+v", v)
	}
	// The entry and its event are on disk together.
	ev, err := st.Event(v.Oldest.EventSeq)
	if err != nil || ev.Type != "open_job" || ev.JobID != opened.JobID {
		t.Errorf("the queued event: %+v, %v", ev, err)
	}
}
