package shop

import (
	"fmt"
	"testing"
	"time"
)

// busyShop is a shop with 500 open jobs spread over every stage, 40 bays,
// 60 technicians and a parts request on every fifth job.
func busyShop(b *testing.B) *State {
	s := NewState()
	for i := 1; i <= 40; i++ {
		s.Bays[fmt.Sprint("bay-", i)] = &Bay{ID: fmt.Sprint("bay-", i), Name: fmt.Sprint(i), Kind: BayGeneral, Active: true}
	}
	s.Teams["team-1"] = &Team{ID: "team-1", Name: "一组"}
	for i := 1; i <= 60; i++ {
		s.Technicians[fmt.Sprint("tech-", i)] = &Technician{ID: fmt.Sprint("tech-", i), Name: "李师傅", TeamID: "team-1", Active: true}
	}
	open := []Stage{StageReception, StageWaitingDispatch, StageDispatched, StageInProgress, StageWaitingParts, StageWaitingApproval, StageQualityCheck, StageWashing, StageReady}
	for i := 0; i < 500; i++ {
		cu := &Customer{ID: fmt.Sprint("cu-", i), Name: "张先生", Phone: "13812345678"}
		ve := &Vehicle{ID: fmt.Sprint("ve-", i), CustomerID: cu.ID, Plate: fmt.Sprintf("京A·%05d", i), Model: "Sonata"}
		s.Customers[cu.ID], s.Vehicles[ve.ID] = cu, ve
		start := t0.Add(-time.Duration(i%120) * time.Minute)
		j := &Job{ID: fmt.Sprintf("20261123-%04d", i), CustomerID: cu.ID, VehicleID: ve.ID, Stage: open[i%len(open)],
			PromisedAt: t0.Add(time.Duration(i%240) * time.Minute), Wash: i%2 == 0, BayID: fmt.Sprint("bay-", 1+i%40), TeamID: "team-1",
			TechIDs: []string{fmt.Sprint("tech-", 1+i%60)}, Labour: []Labour{{Name: "保养", SoldHours: 1.5}, {Name: "刹车", SoldHours: 1}},
			Clock: []ClockSession{{TechID: fmt.Sprint("tech-", 1+i%60), Start: start}}, CreatedAt: start, UpdatedAt: start,
			Stages: []StageChange{{Stage: StageReception, At: start}}}
		s.Jobs[j.ID] = j
		if i%5 == 0 {
			eta := t0.Add(2 * time.Hour)
			p := &PartsRequest{ID: fmt.Sprint("pr-", i), JobID: j.ID, Description: "刹车片", Quantity: 1, Status: PartsOnOrder, ETA: &eta, RequestedAt: start}
			s.PartsRequests[p.ID] = p
		}
	}
	return s
}

// BenchmarkWorkshop500 builds the full workshop (counts, bays, queue, parts
// waiting, every job's live ETA) for 500 open jobs. Target: under 1 ms.
func BenchmarkWorkshop500(b *testing.B) {
	s := busyShop(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		w := s.Workshop(t0)
		if len(w.Jobs) != 500 {
			b.Fatal(len(w.Jobs))
		}
	}
}

// BenchmarkPartsCounter500 builds the parts counter of the busy shop with
// its pick list: every dispatched job's lines from its scope (two parts
// each here) and its requests.
func BenchmarkPartsCounter500(b *testing.B) {
	s := busyShop(b)
	for id, j := range s.Jobs {
		c := *j
		c.Parts = []PartLine{{Number: "26300-35505", Name: "机油滤清器", Quantity: 1, UnitPrice: 12800}, {Number: "05100-00451", Name: "机油", Quantity: 4, UnitPrice: 9800}}
		s.Jobs[id] = &c
	}
	s.CatalogParts["26300-35505"] = &CatalogPart{Number: "26300-35505", Name: "机油滤清器", UnitPrice: 12800, Active: true}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		pc := s.PartsCounter(t0)
		if len(pc.PickList.Jobs) == 0 {
			b.Fatal("no pick list")
		}
	}
}
