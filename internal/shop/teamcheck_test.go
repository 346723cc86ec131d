package shop

import (
	"testing"
	"time"
)

// The team leader writes notes and recommendations at the team check: the
// notes stay on the check for the advisor, each recommendation becomes the
// car's, recorded on the job, read by the advisor with the job and offered
// at the car's next visit, whose estimate takes it.
func TestTheTeamCheckRecordsNotesAndRecommendationsForTheCar(t *testing.T) {
	f := newFixture(t)
	j := f.dispatchedJob(t, "tech-1")
	f.must(t, tech, &ClockOn{TechRef: TechRef{j.ID, "tech-1"}})
	f.issueScope(t, t0, j.ID)
	f.must(t, tech, &Finish{TechRef: TechRef{j.ID, "tech-1"}})
	f.must(t, lead, &QC{JobID: j.ID, Step: QCTeam, Pass: true, Notes: "左后轮毂螺栓已按 110 N·m 复紧",
		Recommendations: []RecommendationInput{
			{Description: "后刹车片剩 3 mm rear pads at 3 mm", Hours: 1, Safety: true},
			{Description: "雨刮片老化 wipers worn"},
		}})

	j = f.state.Jobs[j.ID]
	check := j.QC[len(j.QC)-1]
	if check.Step != QCTeam || !check.Pass || check.Notes != "左后轮毂螺栓已按 110 N·m 复紧" || check.By != "user-3" {
		t.Errorf("the team check: %+v", check)
	}
	tc := f.state.TeamCheckOf(j)
	if tc.Check == nil || tc.Check.Notes != check.Notes {
		t.Errorf("the advisor reads the check %+v, want the leader's notes", tc.Check)
	}
	if len(tc.Recommendations) != 2 {
		t.Fatalf("the advisor reads %d recommendations, want 2", len(tc.Recommendations))
	}
	pads := tc.Recommendations[0]
	if pads.Description != "后刹车片剩 3 mm rear pads at 3 mm" || !pads.Safety || pads.Hours != 1 || pads.JobID != j.ID ||
		pads.VehicleID != "ve-1" || pads.RecordedBy != "user-3" || pads.Status != RecommendationOpen {
		t.Errorf("the safety recommendation: %+v", pads)
	}
	if wipers := tc.Recommendations[1]; wipers.Description != "雨刮片老化 wipers worn" || wipers.Safety {
		t.Errorf("the second recommendation: %+v", wipers)
	}
	open := f.state.VehicleRecommendations("ve-1")
	if len(open) != 2 || open[0].ID != pads.ID {
		t.Fatalf("the car's open recommendations: %+v, want the two of the team check", open)
	}

	// The next visit takes the pads into its estimate.
	f.must(t, qc, &QC{JobID: j.ID, Step: QCFinal, Pass: true})
	f.must(t, system, &WashDone{JobRef: JobRef{j.ID}})
	f.must(t, advisor, &Deliver{JobID: j.ID, Paid: f.state.Jobs[j.ID].Settlement().CustomerDue, PaymentMethod: "cash"})
	f.must(t, advisor, &OpenJob{CustomerID: "cu-1", VehicleID: "ve-1", RecommendationIDs: []string{pads.ID},
		Estimate: Estimate{Requests: "保养", PromisedAt: t0.Add(48 * time.Hour)}})
	if r := f.state.Recommendations[pads.ID]; r.Status != RecommendationTaken {
		t.Errorf("the pads at the next visit: %s, want taken", r.Status)
	}
}

// Notes and recommendations belong to the team check: the final
// inspection carries none, a recommendation needs its description, and a
// refused check changes nothing.
func TestTeamCheckNotesAreChecked(t *testing.T) {
	f := newFixture(t)
	j := f.dispatchedJob(t, "tech-1")
	f.must(t, tech, &ClockOn{TechRef: TechRef{j.ID, "tech-1"}})
	f.must(t, tech, &Finish{TechRef: TechRef{j.ID, "tech-1"}})
	f.refused(t, lead, &QC{JobID: j.ID, Step: QCTeam, Pass: true, Recommendations: []RecommendationInput{{Description: "ok"}, {Description: " "}}},
		CodeInvalid, "recommendations[1].description")
	f.refused(t, lead, &QC{JobID: j.ID, Step: QCTeam, Pass: true, Recommendations: make([]RecommendationInput, 21)}, CodeInvalid, "recommendations")
	f.must(t, lead, &QC{JobID: j.ID, Step: QCTeam, Pass: true})
	f.refused(t, qc, &QC{JobID: j.ID, Step: QCFinal, Pass: true, Notes: "x"}, CodeInvalid, "notes")
	f.refused(t, qc, &QC{JobID: j.ID, Step: QCFinal, Pass: true, Recommendations: []RecommendationInput{{Description: "x"}}}, CodeInvalid, "recommendations")
	if n := len(f.state.VehicleRecommendations("ve-1")); n != 0 {
		t.Errorf("refused checks recorded %d recommendations", n)
	}
}

// A job sent back by a failed check says which check failed and why until
// the work is finished again; a comeback says so for its whole life.
func TestAReworkSaysWhyItFailedInspection(t *testing.T) {
	f := newFixture(t)
	j := f.dispatchedJob(t, "tech-1")
	if j.Rework() != nil {
		t.Fatalf("a first-time job is a rework: %+v", j.Rework())
	}
	f.must(t, tech, &ClockOn{TechRef: TechRef{j.ID, "tech-1"}})
	f.must(t, tech, &Finish{TechRef: TechRef{j.ID, "tech-1"}})
	f.must(t, lead, &QC{JobID: j.ID, Step: QCTeam, Pass: true})
	if r := f.state.Jobs[j.ID].Rework(); r != nil {
		t.Fatalf("a job in quality check with a passed team check is a rework: %+v", r)
	}
	f.must(t, qc, &QC{JobID: j.ID, Step: QCFinal, Pass: false, Reason: "刹车异响仍在 brake noise remains"})
	r := f.state.Jobs[j.ID].Rework()
	if r == nil || r.Failed == nil || r.Failed.Step != QCFinal || r.Failed.Reason != "刹车异响仍在 brake noise remains" || r.Failed.By != "user-4" || r.ComebackOf != "" {
		t.Fatalf("the rework: %+v", r)
	}
	f.must(t, tech, &ClockOn{TechRef: TechRef{j.ID, "tech-1"}})
	if f.state.Jobs[j.ID].Rework() == nil {
		t.Errorf("the rework in progress no longer says why")
	}
	f.must(t, tech, &Finish{TechRef: TechRef{j.ID, "tech-1"}})
	if r := f.state.Jobs[j.ID].Rework(); r != nil {
		t.Errorf("the rework finished again still says it failed: %+v", r)
	}

	comeback := &Job{ID: "J2", ComebackOf: "J1"}
	if r := comeback.Rework(); r == nil || r.ComebackOf != "J1" || r.Failed != nil {
		t.Errorf("a comeback: %+v", r)
	}
}
