package shop

import (
	"math"
	"testing"
	"time"
)

func at(day, hour, minute int) time.Time {
	return time.Date(2026, 11, day, hour, minute, 0, 0, time.UTC)
}

func stages(pairs ...any) []StageChange {
	var out []StageChange
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, StageChange{Stage: pairs[i].(Stage), At: pairs[i+1].(time.Time)})
	}
	return out
}

func session(tech string, from, to time.Time) ClockSession {
	return ClockSession{TechID: tech, Start: from, End: &to}
}

// The figures below were worked out by hand from this fixture; the
// comments show the sums.
func TestKPIsAgainstAHandComputedDay(t *testing.T) {
	followed := at(24, 10, 0)
	jobs := []*Job{
		{ // A: on time, no rework, settled +5%, followed up next day.
			ID: "A", VehicleID: "V1", AppointmentID: "ap1", CreatedAt: at(23, 8, 0), PromisedAt: at(23, 12, 0),
			Labour: []Labour{{Name: "保养", SoldHours: 2}}, Estimated: Totals{Total: 10000},
			Delivery: &Delivery{Total: 10500}, FollowUp: &FollowUp{At: followed, Outcome: FollowUpSatisfied},
			Clock: []ClockSession{session("t1", at(23, 9, 0), at(23, 11, 0))},
			Stages: stages(StageReception, at(23, 8, 0), StageDispatched, at(23, 8, 30), StageInProgress, at(23, 9, 0),
				StageQualityCheck, at(23, 11, 0), StageReady, at(23, 11, 30), StageDelivered, at(23, 12, 0)),
		},
		{ // B: late against the signed 14:00, on time against the 15:30 agreed
			// after signing; one rework, waited 2 h for parts, settled +50%,
			// no call, a comeback of C.
			ID: "B", VehicleID: "V2", CreatedAt: at(23, 9, 0), PromisedAt: at(23, 15, 30), Reworks: 1, ComebackOf: "C",
			Revisions: []Revision{{Number: 1, Kind: RevisionSigned, PromisedAt: at(23, 14, 0)},
				{Number: 2, Kind: RevisionPromise, PromisedAt: at(23, 15, 30)}},
			Labour: []Labour{{Name: "刹车", SoldHours: 3}}, Estimated: Totals{Total: 20000}, Delivery: &Delivery{Total: 30000},
			Clock: []ClockSession{session("t2", at(23, 9, 30), at(23, 10, 0)), session("t2", at(23, 12, 0), at(23, 13, 0)),
				session("t2", at(23, 13, 40), at(23, 14, 40))},
			Stages: stages(StageReception, at(23, 9, 0), StageDispatched, at(23, 9, 10), StageInProgress, at(23, 9, 30),
				StageWaitingParts, at(23, 10, 0), StageInProgress, at(23, 12, 0), StageQualityCheck, at(23, 13, 0),
				StageDispatched, at(23, 13, 30), StageInProgress, at(23, 13, 40), StageQualityCheck, at(23, 14, 40),
				StageReady, at(23, 15, 0), StageDelivered, at(23, 16, 0)),
		},
		{ // C: V2's earlier visit, outside the period.
			ID: "C", VehicleID: "V2", CreatedAt: at(10, 8, 0), PromisedAt: at(10, 12, 0),
			Stages: stages(StageReception, at(10, 8, 0), StageDelivered, at(10, 12, 0)),
		},
		{ // C2: V1's visit 8 days before A: A is a return within 30 days, not a comeback.
			ID: "C2", VehicleID: "V1", CreatedAt: at(15, 8, 0), PromisedAt: at(15, 12, 0),
			Stages: stages(StageReception, at(15, 8, 0), StageDelivered, at(15, 12, 0)),
		},
		{ // D: arrived in the evening from an appointment, still in reception.
			ID: "D", VehicleID: "V3", AppointmentID: "ap2", CreatedAt: at(23, 17, 0), PromisedAt: at(24, 12, 0),
			Stages: stages(StageReception, at(23, 17, 0)),
		},
	}
	appts := []*Appointment{
		{ID: "ap1", At: at(23, 8, 0), Status: ApptArrived}, {ID: "ap2", At: at(23, 17, 0), Status: ApptArrived},
		{ID: "ap3", At: at(23, 10, 0), Status: ApptNoShow}, {ID: "ap4", At: at(23, 11, 0), Status: ApptCancelled},
		{ID: "ap5", At: at(24, 9, 0), Status: ApptNoShow},
	}
	k := ComputeKPIs(KPIInput{Jobs: jobs, Appointments: appts, From: at(23, 0, 0), To: at(24, 0, 0), Now: at(27, 0, 0), Bays: 2, Open: EveryDay("08:00", "18:00").Schedule(time.UTC)})
	want := map[string][2]float64{
		"delivered":           {float64(k.Delivered), 2},
		"on time":             {k.OnTime, 1},             // A ready 11:30 ≤ 12:00; B ready 15:00 ≤ 15:30 agreed
		"on time as signed":   {k.OnTimeSigned, 0.5},     // B ready 15:00 > 14:00 signed
		"re-agreed":           {float64(k.ReAgreed), 1},  // B
		"rework":              {k.ReworkRate, 0.5},       // B
		"comebacks":           {float64(k.Comebacks), 1}, // B, opened as C's comeback; A's return is not one
		"comeback":            {k.ComebackRate, 0.5},     // B over A, B delivered
		"first-time fix":      {k.FirstTimeFix, 0.5},     // A
		"estimate accuracy":   {k.EstimateAccuracy, 0.5}, // A within ±10%, B not
		"estimate ratio":      {k.EstimateRatio, 1.35},   // (10500+30000)/(10000+20000)
		"opened":              {float64(k.Opened), 3},    // A, B, D
		"appointment share":   {k.AppointmentShare, 2.0 / 3},
		"appointments":        {float64(k.Appointments), 3}, // ap1, ap2, ap3 (ap4 cancelled, ap5 another day)
		"no-show":             {k.NoShowRate, 1.0 / 3},
		"follow-up in 3 days": {k.FollowUpIn3Days, 0.5}, // A yes; B due and not called
		"parts wait hours":    {k.PartsWaitHours, 2},
		"sold hours":          {k.SoldHours, 5},
		"clocked hours":       {k.ClockedHours, 4.5}, // A 2 h; B 0.5 + 1 + 1
		"efficiency":          {k.Efficiency, 5 / 4.5},
		"bay utilisation":     {k.BayUtilisation, 7.5 / 20}, // A 2.5 h + B 5 h over 2 bays × 10 h
	}
	for name, v := range want {
		if math.Abs(v[0]-v[1]) > 1e-9 {
			t.Errorf("%s = %v, want %v", name, v[0], v[1])
		}
	}
}

// The breakdown per technician and bay, worked out by hand: E's 3 sold
// hours are shared 2:1 by the time t1 and t2 clocked on it; F was clocked
// by nobody, so its hour goes to its one technician.
func TestKPIsPerTechnicianAndBay(t *testing.T) {
	jobs := []*Job{
		{
			ID: "E", VehicleID: "V1", CreatedAt: at(23, 8, 0), PromisedAt: at(23, 18, 0), BayID: "bay-1", TechIDs: []string{"t1", "t2"},
			Labour: []Labour{{Name: "大修", SoldHours: 3}},
			Clock:  []ClockSession{session("t1", at(23, 9, 0), at(23, 11, 0)), session("t2", at(23, 11, 0), at(23, 12, 0))},
			Stages: stages(StageReception, at(23, 8, 0), StageDispatched, at(23, 9, 0), StageInProgress, at(23, 9, 0),
				StageQualityCheck, at(23, 12, 0), StageReady, at(23, 12, 30), StageDelivered, at(23, 13, 0)),
		},
		{
			ID: "F", VehicleID: "V2", CreatedAt: at(23, 13, 0), PromisedAt: at(23, 18, 0), BayID: "bay-2", TechIDs: []string{"t2"},
			Labour: []Labour{{Name: "检查", SoldHours: 1}},
			Stages: stages(StageReception, at(23, 13, 0), StageDispatched, at(23, 14, 0), StageQualityCheck, at(23, 15, 0),
				StageReady, at(23, 15, 30), StageDelivered, at(23, 16, 0)),
		},
	}
	k := ComputeKPIs(KPIInput{Jobs: jobs, From: at(23, 0, 0), To: at(24, 0, 0), Now: at(27, 0, 0), Bays: 2, Open: EveryDay("08:00", "18:00").Schedule(time.UTC)})
	if len(k.Technicians) != 2 || len(k.Bays) != 2 {
		t.Fatalf("technicians %+v, bays %+v", k.Technicians, k.Bays)
	}
	want := map[string][2]float64{
		"t1 sold":        {k.Technicians[0].SoldHours, 2},
		"t1 clocked":     {k.Technicians[0].ClockedHours, 2},
		"t1 efficiency":  {k.Technicians[0].Efficiency, 1},
		"t2 sold":        {k.Technicians[1].SoldHours, 2}, // 1 of E, 1 of F
		"t2 clocked":     {k.Technicians[1].ClockedHours, 1},
		"t2 efficiency":  {k.Technicians[1].Efficiency, 2},
		"bay-1 hours":    {k.Bays[0].Hours, 3},
		"bay-1 use":      {k.Bays[0].Utilisation, 0.3}, // 3 h of 10
		"bay-2 hours":    {k.Bays[1].Hours, 1},
		"bay-2 use":      {k.Bays[1].Utilisation, 0.1},
		"shop sold":      {k.SoldHours, 4},
		"shop bay use":   {k.BayUtilisation, 4.0 / 20},
		"shares add up":  {k.Technicians[0].SoldHours + k.Technicians[1].SoldHours, k.SoldHours},
		"clocks add up":  {k.Technicians[0].ClockedHours + k.Technicians[1].ClockedHours, k.ClockedHours},
		"bay hours sum":  {k.Bays[0].Hours + k.Bays[1].Hours, 4},
		"technician ids": {boolf(k.Technicians[0].ID == "t1" && k.Technicians[1].ID == "t2"), 1},
		"bay ids":        {boolf(k.Bays[0].ID == "bay-1" && k.Bays[1].ID == "bay-2"), 1},
	}
	for name, v := range want {
		if math.Abs(v[0]-v[1]) > 1e-9 {
			t.Errorf("%s = %v, want %v", name, v[0], v[1])
		}
	}
}

func boolf(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// Today counts the shop's day in its own time zone: a job delivered at
// 23:30 UTC on the 22nd was delivered on the 23rd in Beijing.
func TestTodayIsTheShopsDay(t *testing.T) {
	bj := time.FixedZone("CST", 8*3600)
	st := NewState()
	st.Loc = bj
	st.Settings.Hours = EveryDay("08:00", "18:00")
	st.Bays["b1"] = &Bay{ID: "b1", Active: true, Kind: BayGeneral}
	deliver := func(id string, promised, ready time.Time) {
		st.Jobs[id] = &Job{ID: id, VehicleID: "v-" + id, CreatedAt: ready.Add(-3 * time.Hour), PromisedAt: promised,
			Stages: stages(StageReception, ready.Add(-3*time.Hour), StageReady, ready, StageDelivered, ready.Add(10*time.Minute))}
	}
	deliver("early-today", at(23, 2, 0), at(22, 23, 30)) // 07:30 Beijing on the 23rd, on time
	deliver("late-today", at(23, 4, 0), at(23, 5, 0))    // 13:00 Beijing, an hour late
	deliver("yesterday", at(22, 4, 0), at(22, 3, 0))     // the 22nd in Beijing
	k := st.Today(at(23, 8, 0))                          // 16:00 Beijing
	if k.Delivered != 2 || k.OnTime != 0.5 {
		t.Errorf("today: %d delivered, %.2f on time; want 2 and 0.50", k.Delivered, k.OnTime)
	}
	if opens, closes, _ := st.Schedule().On(at(23, 8, 0)); closes.Sub(opens) != 10*time.Hour {
		t.Errorf("open %v a day, want 10 hours", closes.Sub(opens))
	}
}

// A car left on a bay overnight holds it only for the hours the shop is
// open: bay utilisation never counts the night, and never passes 100%.
func TestABayHeldOvernightCountsOnlyOpeningHours(t *testing.T) {
	open := EveryDay("08:00", "18:00").Schedule(time.UTC)
	jobs := []*Job{{
		ID: "G", VehicleID: "V1", CreatedAt: at(23, 15, 0), PromisedAt: at(24, 12, 0), BayID: "bay-1",
		// In progress 16:00 on the 23rd until 11:00 on the 24th.
		Stages: stages(StageReception, at(23, 15, 0), StageInProgress, at(23, 16, 0), StageQualityCheck, at(24, 11, 0)),
	}}
	day2 := ComputeKPIs(KPIInput{Jobs: jobs, From: at(24, 0, 0), To: at(25, 0, 0), Now: at(25, 0, 0), Bays: 1, Open: open})
	if len(day2.Bays) != 1 || math.Abs(day2.Bays[0].Hours-3) > 1e-9 || math.Abs(day2.BayUtilisation-0.3) > 1e-9 {
		t.Errorf("the 24th: bays %+v, utilisation %v; want 3 h (08:00–11:00) of 10", day2.Bays, day2.BayUtilisation)
	}
	both := ComputeKPIs(KPIInput{Jobs: jobs, From: at(23, 0, 0), To: at(25, 0, 0), Now: at(25, 0, 0), Bays: 1, Open: open})
	if math.Abs(both.Bays[0].Hours-5) > 1e-9 || math.Abs(both.BayUtilisation-0.25) > 1e-9 {
		t.Errorf("two days: %+v, utilisation %v; want 2 h + 3 h of 20", both.Bays, both.BayUtilisation)
	}
	// Parts waiting is the customer's wait, night included.
	jobs[0].Stages = stages(StageReception, at(23, 15, 0), StageWaitingParts, at(23, 16, 0), StageInProgress, at(24, 11, 0))
	if k := ComputeKPIs(KPIInput{Jobs: jobs, From: at(23, 0, 0), To: at(25, 0, 0), Now: at(25, 0, 0), Bays: 1, Open: open}); math.Abs(k.PartsWaitHours-19) > 1e-9 {
		t.Errorf("parts waiting: %v h, want 19", k.PartsWaitHours)
	}
}

func TestOpeningFromTheSettings(t *testing.T) {
	st := NewState()
	st.Loc = time.FixedZone("CST", 8*3600)
	st.Settings.Hours = EveryDay("08:30", "17:45")
	o := st.Schedule()
	opens, closes, open := o.On(at(23, 4, 0))
	if !open || opens.Format("15:04") != "08:30" || closes.Format("15:04") != "17:45" {
		t.Errorf("opening %v–%v", opens, closes)
	}
	// 00:00 UTC is 08:00 in Beijing: the day's 9¼ hours are all after it.
	if got := o.Within(at(23, 0, 0), at(24, 0, 0)); got != 9*time.Hour+15*time.Minute {
		t.Errorf("a day in Beijing holds %v of opening hours", got)
	}
}
