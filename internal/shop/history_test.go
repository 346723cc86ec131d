package shop

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// finishAndDeliver takes a job in work through the checks and the wash to
// the customer, at t0 plus a few minutes, with the next service given.
func (f *fixture) finishAndDeliver(t *testing.T, jobID string, at time.Time, next *time.Time, nextKM int) {
	t.Helper()
	f.issueScope(t, at, jobID)
	f.mustAt(t, at, tech, &Finish{TechRef: TechRef{jobID, "tech-1"}})
	f.mustAt(t, at, lead, &QC{JobID: jobID, Step: QCTeam, Pass: true})
	f.mustAt(t, at, qc, &QC{JobID: jobID, Step: QCFinal, Pass: true})
	f.mustAt(t, at, system, &WashDone{JobRef: JobRef{jobID}})
	f.mustAt(t, at, advisor, &Deliver{JobID: jobID, NextServiceAt: next, NextServiceKM: nextKM, Paid: f.state.Jobs[jobID].Settlement().CustomerDue, PaymentMethod: "cash"})
}

// A finding the customer declines and a note the technician makes on the
// floor become the car's recommendations; the car's next visit takes one
// into its estimate, which closes it; the other is dismissed by the desk.
func TestDeclinedWorkAndNotesAreOfferedAtTheNextVisit(t *testing.T) {
	f := newFixture(t)
	j := f.dispatchedJob(t, "tech-1")
	f.must(t, tech, &ClockOn{TechRef: TechRef{j.ID, "tech-1"}})
	f.must(t, tech, &ReportFinding{JobID: j.ID, FindingInput: FindingInput{Description: "前刹车片磨损 front pads worn", Hours: 1.5,
		Parts: []PartLine{{Number: "58101", Name: "刹车片 pads", Quantity: 1, UnitPrice: 40000}}}})
	labourPrice := Money(18000)
	f.must(t, advisor, &PriceFinding{FindingID: "fi-1", LabourPrice: &labourPrice, Send: true})
	f.must(t, advisor, &DecideFinding{FindingID: "fi-1", Approve: false, Via: "phone"})
	f.must(t, tech, &RecordRecommendation{VehicleID: "ve-1", JobID: j.ID, RecommendationInput: RecommendationInput{Description: "轮胎 3 mm，半年内更换", Hours: 0.5, Safety: true}})

	recs := f.state.VehicleRecommendations("ve-1")
	if len(recs) != 2 {
		t.Fatalf("recommendations: %+v, want the declined finding and the note", recs)
	}
	declined := recs[0]
	if declined.FindingID != "fi-1" || declined.JobID != j.ID || declined.LabourPrice != 18000 || declined.Total() != 58000 ||
		declined.RecordedBy != "user-2" || declined.Status != RecommendationOpen || len(declined.Parts) != 1 {
		t.Errorf("declined finding kept as %+v", declined)
	}
	if note := recs[1]; note.FindingID != "" || !note.Safety || note.RecordedBy != "user-2" || note.Hours != 0.5 {
		t.Errorf("technician's note kept as %+v", note)
	}
	f.finishAndDeliver(t, j.ID, t0.Add(time.Hour), nil, 40000)

	// The next visit: the advisor takes the declined pads into the estimate.
	second := &OpenJob{CustomerID: "cu-1", VehicleID: "ve-1", RecommendationIDs: []string{declined.ID}, Estimate: Estimate{
		Requests: "刹车片", PromisedAt: t0.Add(30 * time.Hour), Labour: declined.Labour(), Parts: declined.Parts}}
	f.mustAt(t, t0.Add(24*time.Hour), advisor, second)
	taken := f.state.Recommendations[declined.ID]
	if taken.Status != RecommendationTaken || taken.TakenByJob != "20261124-0001" || taken.ClosedBy != "user-1" {
		t.Errorf("taken recommendation: %+v", taken)
	}
	if open := f.state.VehicleRecommendations("ve-1"); len(open) != 1 || open[0].ID != recs[1].ID {
		t.Errorf("open after the visit took one: %+v", open)
	}

	// The advisor dismisses the note with a reason.
	if err := f.apply(advisor, &CloseRecommendation{RecommendationID: recs[1].ID, Status: RecommendationDismissed}); CodeOf(err) != CodeInvalid || !strings.Contains(err.Error(), "reason") {
		t.Errorf("dismissed without a reason: %v", err)
	}
	f.must(t, advisor, &CloseRecommendation{RecommendationID: recs[1].ID, Status: RecommendationDismissed, Reason: "客户已在别处更换轮胎"})
	if got := f.state.Recommendations[recs[1].ID]; got.Status != RecommendationDismissed || got.Reason == "" || got.ClosedAt == nil {
		t.Errorf("dismissed: %+v", got)
	}
	if err := f.apply(advisor, &CloseRecommendation{RecommendationID: recs[1].ID, Status: RecommendationDone, Reason: "x"}); CodeOf(err) != CodeConflict {
		t.Errorf("closed twice: %v", err)
	}
}

// A recommendation is refused, changing nothing, when it names a car or a
// job that is not there, a job of another car, or a job that is not the
// technician's; the floor names a job, the desk need not.
func TestWhoRecordsARecommendationAndOnWhichCar(t *testing.T) {
	f := newFixture(t)
	f.must(t, system, &PutVehicle{Vehicle: Vehicle{CustomerID: "cu-1", Plate: "京B54321", Model: "Tucson"}})
	j := f.dispatchedJob(t, "tech-1")
	other := Actor{UserID: "user-9", Roles: []Role{RoleTechnician}}
	in := RecommendationInput{Description: "空调滤芯下次更换"}
	for name, tc := range map[string]struct {
		actor Actor
		cmd   *RecordRecommendation
		code  Code
		field string
	}{
		"no such car":        {advisor, &RecordRecommendation{VehicleID: "ve-9", RecommendationInput: in}, CodeInvalid, "vehicle_id"},
		"job of another car": {advisor, &RecordRecommendation{VehicleID: "ve-2", JobID: j.ID, RecommendationInput: in}, CodeInvalid, "job_id"},
		"no such job":        {advisor, &RecordRecommendation{VehicleID: "ve-1", JobID: "nope", RecommendationInput: in}, CodeNotFound, ""},
		"not the tech's job": {other, &RecordRecommendation{VehicleID: "ve-1", JobID: j.ID, RecommendationInput: in}, CodeForbidden, ""},
		"floor without job":  {tech, &RecordRecommendation{VehicleID: "ve-1", RecommendationInput: in}, CodeForbidden, ""},
		"no description":     {advisor, &RecordRecommendation{VehicleID: "ve-1"}, CodeInvalid, "description"},
		"negative hours":     {advisor, &RecordRecommendation{VehicleID: "ve-1", RecommendationInput: RecommendationInput{Description: "x", Hours: -1}}, CodeInvalid, "hours"},
		"a cashier":          {Actor{UserID: "k", Roles: []Role{RoleCashier}}, &RecordRecommendation{VehicleID: "ve-1", RecommendationInput: in}, CodeForbidden, ""},
	} {
		before := f.state
		err := f.apply(tc.actor, tc.cmd)
		if CodeOf(err) != tc.code || (tc.field != "" && !strings.Contains(err.Error(), tc.field)) {
			t.Errorf("%s: %v, want code %d on %q", name, err, tc.code, tc.field)
		}
		if f.state != before || len(f.state.Recommendations) != 0 {
			t.Errorf("%s: refused but changed the shop", name)
		}
		if may := f.state.May(tc.actor, tc.cmd); tc.code != CodeInvalid && CodeOf(may) != tc.code {
			t.Errorf("%s: May says %v", name, may)
		}
	}
	f.must(t, advisor, &RecordRecommendation{VehicleID: "ve-2", RecommendationInput: in})
	f.must(t, lead, &RecordRecommendation{VehicleID: "ve-1", JobID: j.ID, RecommendationInput: in})
	if n := len(f.state.Recommendations); n != 2 {
		t.Errorf("%d recommendations, want 2", n)
	}
}

// A new job takes only open recommendations of its own car, each once; a
// refusal names the entry and opens no job.
func TestANewJobTakesOnlyTheCarsOpenRecommendations(t *testing.T) {
	f := newFixture(t)
	f.must(t, system, &PutVehicle{Vehicle: Vehicle{CustomerID: "cu-1", Plate: "京B54321", Model: "Tucson"}})
	in := RecommendationInput{Description: "更换雨刮"}
	f.must(t, advisor, &RecordRecommendation{VehicleID: "ve-1", RecommendationInput: in}) // re-1
	f.must(t, advisor, &RecordRecommendation{VehicleID: "ve-2", RecommendationInput: in}) // re-2
	f.must(t, advisor, &RecordRecommendation{VehicleID: "ve-1", RecommendationInput: in}) // re-3
	f.must(t, advisor, &CloseRecommendation{RecommendationID: "re-3", Status: RecommendationDone, Reason: "已在4S店外更换"})
	open := func(ids ...string) *OpenJob {
		return &OpenJob{CustomerID: "cu-1", VehicleID: "ve-1", RecommendationIDs: ids, Estimate: Estimate{Requests: "保养", PromisedAt: t0.Add(2 * time.Hour)}}
	}
	for ids, want := range map[string]string{
		"re-2":      "recommendation_ids[0]: is for another vehicle",
		"re-3":      "recommendation_ids[0]: is done already",
		"re-9":      "recommendation_ids[0]: is not a recommendation",
		"re-1,re-1": "recommendation_ids[1]: is named twice",
	} {
		err := f.apply(advisor, open(strings.Split(ids, ",")...))
		if CodeOf(err) != CodeInvalid || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", ids, err, want)
		}
		if len(f.state.Jobs) != 0 || f.state.Recommendations["re-1"].Status != RecommendationOpen {
			t.Errorf("%s: refused but changed the shop", ids)
		}
	}
	f.must(t, advisor, open("re-1"))
	if r := f.state.Recommendations["re-1"]; r.Status != RecommendationTaken || r.TakenByJob != "20261123-0001" {
		t.Errorf("re-1 after the job opened: %+v", r)
	}
	// The job is cancelled: the work was not done, and is offered again.
	f.must(t, advisor, &Cancel{JobID: "20261123-0001", Reason: "客户改期"})
	if r := f.state.Recommendations["re-1"]; r.Status != RecommendationOpen || r.TakenByJob != "" || r.ClosedAt != nil {
		t.Errorf("re-1 after its job was cancelled: %+v", r)
	}
	if r := f.state.Recommendations["re-3"]; r.Status != RecommendationDone {
		t.Errorf("a recommendation closed before stays so: %+v", r)
	}
}

// The history lists the car's closed visits newest first, with their
// date, mileage, work and advisor, not the job open now; a car with no
// past has an empty history, and an unknown car is not found.
func TestVehicleHistoryListsPastVisits(t *testing.T) {
	f := newFixture(t)
	empty, err := f.state.VehicleHistoryOf("ve-1", nil)
	if err != nil || len(empty.Visits) != 0 || len(empty.Recommendations) != 0 || empty.NextService != nil {
		t.Fatalf("a car with no past: %+v, %v", empty, err)
	}
	raw, _ := json.Marshal(empty)
	if !strings.Contains(string(raw), `"visits":[]`) || !strings.Contains(string(raw), `"recommendations":[]`) {
		t.Errorf("empty history JSON: %s", raw)
	}
	if _, err := f.state.VehicleHistoryOf("ve-9", nil); CodeOf(err) != CodeNotFound {
		t.Errorf("unknown car: %v", err)
	}

	j := f.dispatchedJob(t, "tech-1")
	f.must(t, tech, &ClockOn{TechRef: TechRef{j.ID, "tech-1"}})
	f.finishAndDeliver(t, j.ID, t0.Add(3*time.Hour), nil, 0)
	// A job closed long ago is read from the data file, not the live state.
	old := &Job{ID: "20250601-0003", VehicleID: "ve-1", CustomerID: "cu-1", AdvisorID: "user-1", Stage: StageDelivered,
		CreatedAt: t0.AddDate(-1, 0, 0), WalkAround: WalkAround{MileageKM: 18000}, Labour: []Labour{{Name: "首保", Price: 30000}},
		Stages: []StageChange{{StageDelivered, t0.AddDate(-1, 0, 0).Add(3 * time.Hour)}}}
	otherCar := &Job{ID: "20250601-0004", VehicleID: "ve-7", Stage: StageDelivered}
	f.mustAt(t, t0.Add(25*time.Hour), advisor, &OpenJob{CustomerID: "cu-1", VehicleID: "ve-1", Estimate: Estimate{Requests: "异响", PromisedAt: t0.Add(28 * time.Hour)}})

	h, err := f.state.VehicleHistoryOf("ve-1", []*Job{old, otherCar, f.state.Jobs[j.ID]})
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Visits) != 2 || h.Visits[0].JobID != j.ID || h.Visits[1].JobID != old.ID {
		t.Fatalf("visits: %+v", h.Visits)
	}
	v := h.Visits[0]
	if v.Advisor != "王顾问" || v.Stage != StageDelivered || v.DeliveredAt == nil || !v.DeliveredAt.Equal(t0.Add(3*time.Hour)) ||
		len(v.Labour) != 2 || len(v.Parts) != 1 || v.Total != 47800 || v.Requests != "保养，刹车有异响" {
		t.Errorf("last visit: %+v", v)
	}
	if h.Visits[1].MileageKM != 18000 || h.Visits[1].Advisor != "王顾问" {
		t.Errorf("old visit: %+v", h.Visits[1])
	}
	// The history is read on the floor: it names no customer.
	raw, _ = json.Marshal(h)
	for _, contact := range []string{"张先生", "13812345678", "138 1234 5678"} {
		if strings.Contains(string(raw), contact) {
			t.Errorf("the history carries the customer's %q: %s", contact, raw)
		}
	}
}

// The next service agreed at delivery stays with the car; the follow-up
// desk is due to call two weeks before it falls due, by date or by the
// mileage the car is expected to reach at its pace, unless the car is in
// the shop or booked, and once.
func TestNextServiceFeedsTheReminderCalls(t *testing.T) {
	f := newFixture(t)
	j := f.dispatchedJob(t, "tech-1")
	f.must(t, tech, &ClockOn{TechRef: TechRef{j.ID, "tech-1"}})
	delivered := t0.Add(3 * time.Hour)
	nextAt := t0.AddDate(0, 6, 0)
	f.finishAndDeliver(t, j.ID, delivered, &nextAt, 40000) // the car read 30,000 km
	n := f.state.Vehicles["ve-1"].NextService
	if n == nil || n.JobID != j.ID || n.KM != 40000 || n.FromKM != 30000 || !n.FromAt.Equal(delivered) || n.KMPerDay != DefaultKMPerDay {
		t.Fatalf("next service on the car: %+v", n)
	}
	// 10,000 km at 40 km a day is 250 days: the date, six months on, comes first.
	if due, by := n.DueAt(); !due.Equal(nextAt) || by != "date" {
		t.Errorf("due %s by %s, want %s by date", due, by, nextAt)
	}
	// Editing the car at the desk keeps it.
	f.must(t, advisor, &PutVehicle{Vehicle: Vehicle{ID: "ve-1", CustomerID: "cu-1", Plate: "京A12345", Model: "Sonata 2.0", MileageKM: 30000}})
	if f.state.Vehicles["ve-1"].NextService == nil {
		t.Fatal("put_vehicle dropped the next service")
	}
	if due := f.state.ServiceRemindersDue(nextAt.Add(-ServiceReminderLead - time.Minute)); len(due) != 0 {
		t.Errorf("due more than two weeks before: %+v", due)
	}
	callAt := nextAt.Add(-ServiceReminderLead + time.Hour)
	due := f.state.ServiceRemindersDue(callAt)
	if len(due) != 1 || due[0].Vehicle.ID != "ve-1" || due[0].By != "date" || due[0].ExpectedKM != 30000+int(40*nextAt.Sub(delivered).Hours()/24) {
		t.Fatalf("due two weeks before: %+v", due)
	}
	// A booked appointment is the call's purpose met.
	f.mustAt(t, callAt, advisor, &BookAppointment{At: callAt.Add(48 * time.Hour), CustomerID: "cu-1", VehicleID: "ve-1", Requested: "保养"})
	if due := f.state.ServiceRemindersDue(callAt); len(due) != 0 {
		t.Errorf("due with an appointment booked: %+v", due)
	}
	f.mustAt(t, callAt, advisor, &UpdateAppointment{ID: "ap-1", Status: ApptCancelled})
	if due := f.state.ServiceRemindersDue(callAt); len(due) != 1 {
		t.Errorf("due once the appointment is cancelled: %+v", due)
	}
	followUp := Actor{UserID: "f", Roles: []Role{RoleFollowUp}}
	f.mustAt(t, callAt, followUp, &RecordServiceReminder{VehicleID: "ve-1", Notes: "下周二来"})
	if due := f.state.ServiceRemindersDue(callAt); len(due) != 0 {
		t.Errorf("due after the call: %+v", due)
	}
	if err := f.apply(followUp, &RecordServiceReminder{VehicleID: "ve-1"}); CodeOf(err) != CodeConflict {
		t.Errorf("called twice: %v", err)
	}
	if err := f.apply(followUp, &RecordServiceReminder{VehicleID: "ve-9"}); CodeOf(err) != CodeNotFound {
		t.Errorf("unknown car: %v", err)
	}
}

// The car's pace comes from its last two deliveries: a car driven 100 km a
// day reaches its next mileage before the date, and is called by mileage.
func TestTheCarsPaceBringsAMileageServiceForward(t *testing.T) {
	f := newFixture(t)
	deliver := func(at time.Time, mileage, nextKM int) {
		t.Helper()
		f.mustAt(t, at, advisor, &OpenJob{CustomerID: "cu-1", VehicleID: "ve-1", Estimate: Estimate{Requests: "保养", PromisedAt: at.Add(2 * time.Hour),
			WalkAround: WalkAround{MileageKM: mileage}}})
		var id string
		for _, j := range f.state.OpenJobs() {
			id = j.ID
		}
		f.mustAt(t, at, advisor, &Submit{JobRef: JobRef{id}})
		f.mustAt(t, at, advisor, &Dispatch{JobID: id, TeamID: "team-1", TechIDs: []string{"tech-1"}, BayID: "bay-1"})
		f.mustAt(t, at, tech, &ClockOn{TechRef: TechRef{id, "tech-1"}})
		f.issueScope(t, at, id)
		f.mustAt(t, at, tech, &Finish{TechRef: TechRef{id, "tech-1"}})
		f.mustAt(t, at, lead, &QC{JobID: id, Step: QCTeam, Pass: true})
		f.mustAt(t, at, qc, &QC{JobID: id, Step: QCFinal, Pass: true})
		f.mustAt(t, at, advisor, &Deliver{JobID: id, NextServiceKM: nextKM, Paid: f.state.Jobs[id].Settlement().CustomerDue, PaymentMethod: "cash"})
	}
	first := t0
	deliver(first, 30000, 40000)
	second := first.AddDate(0, 0, 50)
	deliver(second, 35000, 45000) // 5,000 km in 50 days: 100 a day
	n := f.state.Vehicles["ve-1"].NextService
	if n.KMPerDay != 100 {
		t.Fatalf("pace %v, want 100 km a day", n.KMPerDay)
	}
	due, by := n.DueAt()
	if want := second.AddDate(0, 0, 100); !due.Equal(want) || by != "mileage" {
		t.Errorf("due %s by %s, want %s by mileage", due, by, want)
	}
	if got := f.state.ServiceRemindersDue(second.AddDate(0, 0, 87)); len(got) != 1 || got[0].ExpectedKM != 45000 {
		t.Errorf("reminders 13 days before: %+v", got)
	}
}
