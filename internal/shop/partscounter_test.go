package shop

import (
	"testing"
	"time"
)

// The parts counter lists the parts open jobs wait for, oldest first (two
// asked at the same minute by their ids), with the job's plate, bay and
// stage and the asker's name; a part already issued or cancelled, and one
// of a delivered job, is nobody's work. Its figures count the list.
func TestThePartsCounterListsWhatOpenJobsWaitFor(t *testing.T) {
	st := NewState()
	st.Users["user-7"] = &User{ID: "user-7", Name: "李师傅"}
	st.Vehicles["ve-1"] = &Vehicle{ID: "ve-1", Plate: "京A·12345"}
	st.Vehicles["ve-2"] = &Vehicle{ID: "ve-2", Plate: "京B·54321"}
	st.Bays["bay-1"] = &Bay{ID: "bay-1", Name: "快修1"}
	st.Jobs["J1"] = &Job{ID: "J1", VehicleID: "ve-1", BayID: "bay-1", Stage: StageWaitingParts}
	st.Jobs["J2"] = &Job{ID: "J2", VehicleID: "ve-2", Stage: StageInProgress}
	st.Jobs["J3"] = &Job{ID: "J3", VehicleID: "ve-2", Stage: StageDelivered}
	late, later := t0.Add(-time.Hour), t0.Add(time.Hour)
	for _, p := range []*PartsRequest{
		{ID: "pr-4", JobID: "J2", Status: PartsOnOrder, ETA: &late, RequestedBy: "user-9", RequestedAt: t0.Add(-2 * time.Hour)},
		{ID: "pr-2", JobID: "J1", Status: PartsRequested, RequestedBy: "user-7", RequestedAt: t0.Add(-3 * time.Hour)},
		{ID: "pr-1", JobID: "J1", Status: PartsPicked, RequestedBy: "user-7", RequestedAt: t0.Add(-3 * time.Hour)},
		{ID: "pr-5", JobID: "J2", Status: PartsOnOrder, ETA: &later, RequestedBy: "user-7", RequestedAt: t0.Add(-time.Hour)},
		{ID: "pr-3", JobID: "J1", Status: PartsIssued, RequestedBy: "user-7", RequestedAt: t0.Add(-4 * time.Hour)},
		{ID: "pr-6", JobID: "J2", Status: PartsCancelled, RequestedBy: "user-7", RequestedAt: t0.Add(-4 * time.Hour)},
		{ID: "pr-7", JobID: "J3", Status: PartsRequested, RequestedBy: "user-7", RequestedAt: t0.Add(-5 * time.Hour)},
	} {
		st.PartsRequests[p.ID] = p
	}

	pc := st.PartsCounter(t0)
	type row struct {
		id, plate, bay string
		stage          Stage
		by             string
	}
	want := []row{
		{"pr-1", "京A·12345", "快修1", StageWaitingParts, "李师傅"},
		{"pr-2", "京A·12345", "快修1", StageWaitingParts, "李师傅"},
		{"pr-4", "京B·54321", "", StageInProgress, "user-9"},
		{"pr-5", "京B·54321", "", StageInProgress, "李师傅"},
	}
	if len(pc.Rows) != len(want) {
		t.Fatalf("%d rows, want %d: %+v", len(pc.Rows), len(want), pc.Rows)
	}
	for i, r := range pc.Rows {
		if got := (row{r.Request.ID, r.Plate, r.Bay, r.JobStage, r.RequestedBy}); got != want[i] {
			t.Errorf("row %d: %+v, want %+v", i, got, want[i])
		}
	}
	if wantCounts := (PartsCounts{Requested: 1, Picked: 1, OnOrder: 2, JobsStopped: 1, Overdue: 1}); pc.Counts != wantCounts {
		t.Errorf("counts %+v, want %+v", pc.Counts, wantCounts)
	}
	// The workshop summary lists the same requests in the same order.
	w := st.Workshop(t0)
	if len(w.PartsWaiting) != len(want) {
		t.Fatalf("the workshop lists %d parts waiting, want %d", len(w.PartsWaiting), len(want))
	}
	for i, pw := range w.PartsWaiting {
		if pw.Request.ID != want[i].id || pw.Plate != want[i].plate || pw.Bay != want[i].bay {
			t.Errorf("the workshop's part %d: %s %s %s, want %+v", i, pw.Request.ID, pw.Plate, pw.Bay, want[i])
		}
	}
}
