package group

import (
	"fmt"
	"testing"
	"time"

	"bayboard/internal/shop"
	"bayboard/internal/store"
)

// benchStore is a busy store's replica: 12 technicians, 60 live jobs
// spread over the stages with a parts request each, and a week's 300
// closed jobs, all through the store's snapshot.
func benchStore(b *testing.B, n int) store.GroupStore {
	st := shop.NewState()
	st.Settings.Name = fmt.Sprintf("店%03d", n)
	st.Loc = beijing
	for i := 0; i < 12; i++ {
		id := fmt.Sprintf("tech-%d", i)
		st.Technicians[id] = &shop.Technician{ID: id, Name: id, Active: true}
	}
	open := []shop.Stage{shop.StageReception, shop.StageWaitingDispatch, shop.StageDispatched, shop.StageInProgress, shop.StageWaitingParts, shop.StageQualityCheck, shop.StageWashing, shop.StageReady}
	for i := 0; i < 60; i++ {
		stage := open[i%len(open)]
		j := job(fmt.Sprintf("live-%d", i), now.Add(time.Duration(i-20)*10*time.Minute), 1.5, shop.StageReception, now.Add(-3*time.Hour), stage, now.Add(-time.Hour))
		j.TechIDs = []string{fmt.Sprintf("tech-%d", i%12)}
		j.Clock = []shop.ClockSession{clock(j.TechIDs[0], now.Add(-2*time.Hour), now.Add(-time.Hour))}
		st.Jobs[j.ID] = j
		pr := &shop.PartsRequest{ID: fmt.Sprintf("pr-%d", i), JobID: j.ID, Description: "part", Quantity: 1, Status: shop.PartsOnOrder, ETA: at(now.Add(time.Hour))}
		st.PartsRequests[pr.ID] = pr
	}
	for i := 0; i < 300; i++ {
		day := now.AddDate(0, 0, -i/50)
		j := job(fmt.Sprintf("closed-%d", i), day.Add(-time.Hour), 2, shop.StageReception, day.Add(-4*time.Hour), shop.StageReady, day.Add(-90*time.Minute), shop.StageDelivered, day.Add(-time.Hour))
		j.Clock = []shop.ClockSession{clock("tech-1", day.Add(-4*time.Hour), day.Add(-2*time.Hour))}
		j.Survey = &shop.Survey{At: day, Work: 5, Charges: 4, Advisor: 5}
		st.Jobs[j.ID] = j
	}
	r, err := shop.ApplyGroupMessage(nil, st.GroupSnapshot("s", 1, now, false))
	if err != nil {
		b.Fatal(err)
	}
	return store.GroupStore{ID: fmt.Sprintf("s-%03d", n), Name: st.Settings.Name, State: r}
}

func benchStores(b *testing.B) []store.GroupStore {
	stores := make([]store.GroupStore, 100)
	for i := range stores {
		stores[i] = benchStore(b, i)
	}
	return stores
}

// The group wall board's rows for 100 stores of 60 live jobs each.
func BenchmarkWall100Stores(b *testing.B) {
	stores := benchStores(b)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if rows := Wall(stores, now); len(rows) != 100 || rows[0].InWorkshop != 60 {
			b.Fatalf("%+v", rows[0])
		}
	}
}

// The comparison of 100 stores over a week, day by day (7 periods each).
func BenchmarkCompare100StoresWeekByDay(b *testing.B) {
	stores := benchStores(b)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if rows := Compare(stores, local(17, 0, 0), local(24, 0, 0), PeriodDay, now); len(rows) != 700 {
			b.Fatal(len(rows))
		}
	}
}

// One event's message applied to a busy store's replica: what the group
// process does per message, beside its file's transaction.
func BenchmarkApplyGroupMessage(b *testing.B) {
	s := benchStore(b, 0)
	m := s.State.GroupMessage("s", shop.Event{Seq: 2, At: now, Type: "clock_on", Subject: "live-3", JobID: "live-3"}, false)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := shop.ApplyGroupMessage(s.State, m); err != nil {
			b.Fatal(err)
		}
	}
}
