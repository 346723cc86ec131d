package shop

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// dispatchedJob opens the fixture's job (2 sold hours, wash, promised in
// 4 h) and puts it on bay-1 with the given technicians.
func (f *fixture) dispatchedJob(t *testing.T, techs ...string) *Job {
	t.Helper()
	j := f.openJob(t)
	f.must(t, advisor, &Submit{JobRef: JobRef{j.ID}})
	f.must(t, advisor, &Dispatch{JobID: j.ID, TeamID: "team-1", TechIDs: techs, BayID: "bay-1"})
	return f.state.Jobs[j.ID]
}

// mustAt applies a command at a time other than t0.
func (f *fixture) mustAt(t *testing.T, now time.Time, a Actor, c Command) {
	t.Helper()
	d := NewDraft(f.state)
	if _, err := d.Apply(a, c, now); err != nil {
		t.Fatalf("%s at %s: %v", c.CommandType(), now.Format("15:04"), err)
	}
	f.state = d.Publish()
}

// A job waiting for parts or for the customer's approval is paused with
// that reason: its stage says so, its clocks stop, the workshop counts it,
// and resuming clears the reason.
func TestWaitingIsAPauseWithItsReason(t *testing.T) {
	f := newFixture(t)
	j := f.dispatchedJob(t, "tech-1")
	f.must(t, tech, &ClockOn{TechRef: TechRef{j.ID, "tech-1"}})

	f.must(t, tech, &Pause{JobID: j.ID, Reason: PauseWaitingParts, Parts: []PartItem{{Number: "58101-C1A00", Description: "前刹车片", Quantity: 1}}})
	j = f.state.Jobs[j.ID]
	if j.Stage != StageWaitingParts || !j.Stage.Paused() || *j.Pause != (PauseInfo{Reason: PauseWaitingParts}) {
		t.Errorf("waiting for parts: stage %s, pause %+v", j.Stage, j.Pause)
	}
	if j.ClockedOn("tech-1") {
		t.Errorf("the technician is still clocked on a job waiting for parts")
	}
	w := f.state.Workshop(t0)
	if w.Counts.WaitingParts != 1 || len(w.PartsWaiting) != 1 || w.PartsWaiting[0].Request.Number != "58101-C1A00" {
		t.Errorf("the workshop does not show the wait: counts %+v, parts waiting %+v", w.Counts, w.PartsWaiting)
	}

	f.must(t, tech, &Resume{JobRef: JobRef{j.ID}})
	if j = f.state.Jobs[j.ID]; j.Stage != StageInProgress || j.Pause != nil {
		t.Errorf("resumed: stage %s, pause %+v", j.Stage, j.Pause)
	}

	f.must(t, tech, &Pause{JobID: j.ID, Reason: PauseWaitingApproval, Finding: &FindingInput{Description: "刹车盘磨损", Hours: 1, SuggestedPrice: 50000}})
	j = f.state.Jobs[j.ID]
	if j.Stage != StageWaitingApproval || !j.Stage.Paused() || *j.Pause != (PauseInfo{Reason: PauseWaitingApproval}) {
		t.Errorf("waiting for approval: stage %s, pause %+v", j.Stage, j.Pause)
	}
	if fs := f.state.JobFindings(j.ID); len(fs) != 1 || fs[0].Status != FindingProposed {
		t.Errorf("findings: %+v", fs)
	}
	if w := f.state.Workshop(t0); w.Counts.WaitingApproval != 1 {
		t.Errorf("the workshop does not count the job waiting for approval: %+v", w.Counts)
	}
	// Extra work is done only after the customer decides.
	f.must(t, tech, &Resume{JobRef: JobRef{j.ID}})
	if err := f.apply(tech, &Finish{TechRef: TechRef{j.ID, "tech-1"}}); CodeOf(err) != CodeConflict {
		t.Errorf("finishing with a finding awaiting the advisor's price: %v", err)
	}

	// Any other pause needs a note, kept beside the reason as it was
	// written, a time in it too.
	if err := f.apply(tech, &Pause{JobID: j.ID, Reason: PauseOther}); CodeOf(err) != CodeInvalid {
		t.Errorf("a pause for another reason without a note: %v", err)
	}
	f.must(t, tech, &Pause{JobID: j.ID, Reason: PauseOther, Note: "举升机故障, 等 10:30 的车"})
	if j = f.state.Jobs[j.ID]; j.Stage != StagePaused || *j.Pause != (PauseInfo{Reason: PauseOther, Note: "举升机故障, 等 10:30 的车"}) {
		t.Errorf("paused for another reason: stage %s, pause %+v", j.Stage, j.Pause)
	}
	raw, _ := json.Marshal(j)
	if !strings.Contains(string(raw), `"pause":{"reason":"other","note":"举升机故障, 等 10:30 的车"}`) || strings.Contains(string(raw), "pause_reason") {
		t.Errorf("a paused job's JSON: %s", raw)
	}
}

// The live ETA is derived from the job: the remaining sold hours shared by
// its technicians, the awaited parts, and the shop's QC and wash times.
func TestETAIsDerived(t *testing.T) {
	f := newFixture(t)
	j := f.dispatchedJob(t, "tech-1") // 2 sold hours, wash, promised at t0+4h
	eta := func(now time.Time) time.Time { return f.state.Progress(f.state.Jobs[j.ID], now).ETA }

	// Defaults: QC 20 min, wash 25 min.
	if got, want := eta(t0), t0.Add(2*time.Hour+45*time.Minute); !got.Equal(want) {
		t.Errorf("one technician: ETA %v, want %v", got.Format("15:04"), want.Format("15:04"))
	}

	// QC and wash times come from the shop's settings. The fixture's
	// times are the shop's (UTC), in its opening hours.
	s := f.state.Settings
	s.TimeZone = "UTC"
	s.QCMinutes, s.WashMinutes = 50, 10
	f.must(t, system, &SetSettings{Settings: s})
	if got, want := eta(t0), t0.Add(3*time.Hour); !got.Equal(want) {
		t.Errorf("QC 50 min, wash 10 min: ETA %v, want %v", got.Format("15:04"), want.Format("15:04"))
	}
	s.QCMinutes, s.WashMinutes = 20, 25
	f.must(t, system, &SetSettings{Settings: s})

	// Hours already clocked come off the remaining work.
	f.must(t, tech, &ClockOn{TechRef: TechRef{j.ID, "tech-1"}})
	if got, want := eta(t0.Add(30*time.Minute)), t0.Add(2*time.Hour+45*time.Minute); !got.Equal(want) {
		t.Errorf("after 30 min of work: ETA %v, want %v", got.Format("15:04"), want.Format("15:04"))
	}

	// Parts on order push the ETA: work resumes when they come.
	at := t0.Add(time.Hour) // 1 h clocked, 1 h of work left
	f.mustAt(t, at, tech, &Pause{JobID: j.ID, Reason: PauseWaitingParts, Parts: []PartItem{{Number: "58101-C1A00", Description: "刹车片", Quantity: 1}}})
	due := t0.Add(3 * time.Hour)
	f.mustAt(t, at, Actor{UserID: "p", Roles: []Role{RoleParts}}, &UpdateParts{RequestID: "pr-1", Status: PartsOnOrder, ETA: &due})
	p := f.state.Progress(f.state.Jobs[j.ID], at)
	if want := due.Add(time.Hour + 45*time.Minute); !p.ETA.Equal(want) || !p.PartsETA.Equal(due) {
		t.Errorf("waiting for a part due at %v: ETA %v, parts ETA %v; want ETA %v",
			due.Format("15:04"), p.ETA.Format("15:04"), p.PartsETA.Format("15:04"), want.Format("15:04"))
	}
	if !p.AtRisk || p.Late {
		t.Errorf("ETA %v passes the promise %v before it is late: at risk %v, late %v",
			p.ETA.Format("15:04"), f.state.Jobs[j.ID].PromisedAt.Format("15:04"), p.AtRisk, p.Late)
	}
	// Once the promised time has passed the job is late, no longer at risk.
	if p := f.state.Progress(f.state.Jobs[j.ID], t0.Add(4*time.Hour+time.Minute)); !p.Late || p.AtRisk {
		t.Errorf("after the promise: at risk %v, late %v", p.AtRisk, p.Late)
	}
	// A part that came resumes the work from now.
	f.issueRequest(t, at, "pr-1")
	f.mustAt(t, at, tech, &Resume{JobRef: JobRef{j.ID}})
	if p := f.state.Progress(f.state.Jobs[j.ID], at); !p.ETA.Equal(at.Add(time.Hour+45*time.Minute)) || !p.PartsETA.IsZero() || p.AtRisk {
		t.Errorf("part issued: ETA %v, parts ETA %v, at risk %v", p.ETA.Format("15:04"), p.PartsETA, p.AtRisk)
	}
}

// More technicians on a job share its remaining hours: the ETA comes sooner.
func TestMoreTechniciansBringTheETAForward(t *testing.T) {
	one, two := newFixture(t), newFixture(t)
	j1, j2 := one.dispatchedJob(t, "tech-1"), two.dispatchedJob(t, "tech-1", "tech-2")
	e1, e2 := one.state.Progress(j1, t0).ETA, two.state.Progress(j2, t0).ETA
	if !e2.Before(e1) || e1.Sub(e2) != time.Hour {
		t.Errorf("ETA with one technician %v, with two %v: want two to be an hour sooner (2 sold hours)", e1.Format("15:04"), e2.Format("15:04"))
	}
}

// In quality check only QC and the wash remain; while washing, the wash.
func TestETAAfterTheRepair(t *testing.T) {
	f := newFixture(t)
	j := f.dispatchedJob(t, "tech-1")
	f.must(t, tech, &ClockOn{TechRef: TechRef{j.ID, "tech-1"}})
	f.must(t, tech, &Finish{TechRef: TechRef{j.ID, "tech-1"}})
	if got, want := f.state.Progress(f.state.Jobs[j.ID], t0).ETA, t0.Add(45*time.Minute); !got.Equal(want) {
		t.Errorf("quality check: ETA %v, want %v (QC 20 + wash 25)", got.Format("15:04"), want.Format("15:04"))
	}
	f.must(t, lead, &QC{JobID: j.ID, Step: QCTeam, Pass: true})
	f.must(t, qc, &QC{JobID: j.ID, Step: QCFinal, Pass: true})
	if got, want := f.state.Progress(f.state.Jobs[j.ID], t0).ETA, t0.Add(25*time.Minute); !got.Equal(want) {
		t.Errorf("washing: ETA %v, want %v (wash 25)", got.Format("15:04"), want.Format("15:04"))
	}
}

// A parts request is requested, then picked and issued, or ordered with an
// ETA, or cancelled; once issued or cancelled it changes no more, and a
// cancelled job cancels what it still awaited.
func TestPartsRequestLifecycle(t *testing.T) {
	f := newFixture(t)
	j := f.dispatchedJob(t, "tech-1")
	clerk := Actor{UserID: "p", Roles: []Role{RoleParts}}
	f.must(t, tech, &RequestParts{JobID: j.ID, Parts: []PartItem{
		{Number: "58101-C1A00", Description: "前刹车片", Quantity: 1}, {Description: "刹车油 DOT4", Quantity: 0.5}}})
	pr := f.state.PartsRequests["pr-1"]
	if pr.Status != PartsRequested || pr.Number != "58101-C1A00" || pr.Description != "前刹车片" || pr.Quantity != 1 || pr.RequestedBy != "user-2" {
		t.Fatalf("requested: %+v", pr)
	}
	if f.state.Jobs[j.ID].Stage != StageDispatched {
		t.Errorf("asking for parts without a pause moved the job to %s", f.state.Jobs[j.ID].Stage)
	}
	due := t0.Add(26 * time.Hour)
	for _, c := range []struct {
		cmd   *UpdateParts
		field string
	}{
		{&UpdateParts{RequestID: "pr-1", Status: PartsOnOrder}, "eta"},
		{&UpdateParts{RequestID: "pr-1", Status: PartsPicked, ETA: &due}, "eta"},
		{&UpdateParts{RequestID: "pr-1", Status: PartsRequested}, "status"},
	} {
		if err := f.apply(clerk, c.cmd); !hasField(err, c.field) {
			t.Errorf("%s with eta %v: %v, want a problem with %s", c.cmd.Status, c.cmd.ETA, err, c.field)
		}
	}
	f.must(t, clerk, &UpdateParts{RequestID: "pr-1", Status: PartsPicked})
	if err := f.apply(clerk, &UpdateParts{RequestID: "pr-1", Status: PartsIssued}); !hasField(err, "status") {
		t.Errorf("a request marked issued rather than issued against the job: %v", err)
	}
	f.issueRequest(t, t0, "pr-1")
	if err := f.apply(clerk, &UpdateParts{RequestID: "pr-1", Status: PartsCancelled}); CodeOf(err) != CodeConflict {
		t.Errorf("an issued part cancelled: %v", err)
	}
	f.must(t, clerk, &UpdateParts{RequestID: "pr-2", Status: PartsOnOrder, ETA: &due})
	if pr := f.state.PartsRequests["pr-2"]; pr.Status != PartsOnOrder || !pr.ETA.Equal(due) {
		t.Errorf("on order: %+v", pr)
	}
	f.must(t, advisor, &Cancel{JobID: j.ID, Reason: "客户改期"})
	if pr := f.state.PartsRequests["pr-2"]; pr.Status != PartsCancelled {
		t.Errorf("the cancelled job's ordered part is %s", pr.Status)
	}
	if pr := f.state.PartsRequests["pr-1"]; pr.Status != PartsIssued {
		t.Errorf("the issued part became %s", pr.Status)
	}
}

// A finding is extra work awaiting the customer; the decision records who,
// how and when, and only approved work joins the job.
func TestFindingDecisionRecordsWhoAndWhen(t *testing.T) {
	f := newFixture(t)
	j := f.dispatchedJob(t, "tech-1")
	f.must(t, tech, &ReportFinding{JobID: j.ID, FindingInput: FindingInput{Description: "雨刮片老化", Hours: 0.2,
		Parts: []PartLine{{Name: "雨刮片", Quantity: 2, UnitPrice: 5500}}}})
	f.must(t, tech, &ReportFinding{JobID: j.ID, FindingInput: FindingInput{Description: "轮胎偏磨", Hours: 0.5}})
	fi := f.state.Findings["fi-1"]
	if fi.Status != FindingProposed || fi.ReportedBy != "user-2" || !fi.ReportedAt.Equal(t0) || fi.DecidedAt != nil {
		t.Fatalf("reported: %+v", fi)
	}
	f.send(t, "fi-1", 5000)
	f.send(t, "fi-2", 20000)
	at := t0.Add(20 * time.Minute)
	f.mustAt(t, at, advisor, &DecideFinding{FindingID: "fi-1", Approve: true, Via: "phone"})
	f.mustAt(t, at, advisor, &DecideFinding{FindingID: "fi-2", Approve: false, Via: "in_person"})
	for id, want := range map[string]FindingStatus{"fi-1": FindingApproved, "fi-2": FindingDeclined} {
		fi := f.state.Findings[id]
		if fi.Status != want || fi.DecidedBy != "user-1" || fi.DecidedAt == nil || !fi.DecidedAt.Equal(at) {
			t.Errorf("%s: %+v, want %s by user-1 at %v", id, fi, want, at.Format("15:04"))
		}
	}
	j = f.state.Jobs[j.ID]
	if len(j.Labour) != 3 || j.Labour[2].Name != "雨刮片老化" || j.Labour[2].SoldHours != 0.2 || len(j.Parts) != 2 {
		t.Errorf("only the approved finding joins the job: labour %+v, parts %+v", j.Labour, j.Parts)
	}
}
