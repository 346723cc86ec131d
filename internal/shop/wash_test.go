package shop

import (
	"errors"
	"testing"
	"time"
)

var washer = Actor{UserID: "user-8", Roles: []Role{RoleWasher}}

// inspectedJob takes the fixture's job (with a wash) through work and
// both checks: its wash is due.
func (f *fixture) inspectedJob(t *testing.T) *Job {
	t.Helper()
	j := f.dispatchedJob(t, "tech-1")
	f.issueScope(t, t0, j.ID)
	f.must(t, tech, &ClockOn{TechRef: TechRef{j.ID, "tech-1"}})
	f.must(t, tech, &Finish{TechRef: TechRef{j.ID, "tech-1"}})
	f.must(t, lead, &QC{JobID: j.ID, Step: QCTeam, Pass: true})
	f.must(t, qc, &QC{JobID: j.ID, Step: QCFinal, Pass: true})
	return f.state.Jobs[j.ID]
}

// A car whose wash is due waits for the washer; the washer starts its
// wash once, and marking it done makes it ready.
func TestTheWasherStartsAndFinishesAWash(t *testing.T) {
	f := newFixture(t)
	j := f.inspectedJob(t)
	if j.Stage != StageWashing || j.Washing() || j.WashStartedAt != nil {
		t.Fatalf("after the final inspection: stage %s, washing %v, started %v; want waiting for the washer", j.Stage, j.Washing(), j.WashStartedAt)
	}
	if q := f.state.WashQueue(); len(q) != 1 || q[0].ID != j.ID {
		t.Fatalf("wash queue %v, want the job", ids(q))
	}
	if err := f.apply(advisor, &StartWash{JobRef: JobRef{j.ID}}); CodeOf(err) != CodeForbidden {
		t.Errorf("the advisor starts a wash: %v, want forbidden", err)
	}
	started := t0.Add(10 * time.Minute)
	f.mustAt(t, started, washer, &StartWash{JobRef: JobRef{j.ID}})
	j = f.state.Jobs[j.ID]
	if !j.Washing() || j.WashStartedAt == nil || !j.WashStartedAt.Equal(started) {
		t.Fatalf("after start_wash: washing %v, started %v, want since %v", j.Washing(), j.WashStartedAt, started)
	}
	if err := f.apply(washer, &StartWash{JobRef: JobRef{j.ID}}); CodeOf(err) != CodeConflict {
		t.Errorf("a second start: %v, want a conflict", err)
	}
	f.must(t, washer, &WashDone{JobRef: JobRef{j.ID}})
	if j = f.state.Jobs[j.ID]; j.Stage != StageReady || j.Washing() {
		t.Errorf("after wash_done: stage %s, washing %v", j.Stage, j.Washing())
	}
	if q := f.state.WashQueue(); len(q) != 0 {
		t.Errorf("wash queue after the wash: %v", ids(q))
	}
	var illegal *IllegalMoveError
	if err := f.apply(washer, &StartWash{JobRef: JobRef{j.ID}}); !errors.As(err, &illegal) {
		t.Errorf("start_wash on a ready car: %v, want an illegal move", err)
	}
}

// A car still in quality check has no wash to start.
func TestAWashStartsOnlyWhenItIsDue(t *testing.T) {
	f := newFixture(t)
	j := f.dispatchedJob(t, "tech-1")
	f.must(t, tech, &ClockOn{TechRef: TechRef{j.ID, "tech-1"}})
	f.must(t, tech, &Finish{TechRef: TechRef{j.ID, "tech-1"}})
	var illegal *IllegalMoveError
	if err := f.apply(washer, &StartWash{JobRef: JobRef{j.ID}}); !errors.As(err, &illegal) {
		t.Fatalf("start_wash in quality check: %v, want an illegal move", err)
	}
	if f.state.Jobs[j.ID].WashStartedAt != nil {
		t.Errorf("the refused start was recorded")
	}
	if err := f.state.May(washer, &StartWash{JobRef: JobRef{j.ID}}); !errors.As(err, &illegal) {
		t.Errorf("May answers %v, want the command's illegal move", err)
	}
}

// The wash queue and the inspection queue hold the cars due there, by
// the time each is promised, whatever their priority.
func TestTheQueuesGoByPromisedTime(t *testing.T) {
	st := NewState()
	at := func(h int) time.Time { return t0.Add(time.Duration(h) * time.Hour) }
	passed := func(steps ...QCStep) []QCResult {
		out := []QCResult{{Step: QCSelf, Pass: true}}
		for _, s := range steps {
			out = append(out, QCResult{Step: s, Pass: true})
		}
		return out
	}
	for _, j := range []*Job{
		{ID: "w-late", Stage: StageWashing, PromisedAt: at(5)},
		{ID: "w-soon", Stage: StageWashing, PromisedAt: at(2), Priority: 0},
		{ID: "w-busy", Stage: StageWashing, PromisedAt: at(3), Priority: 9, WashStartedAt: &t0},
		{ID: "ready", Stage: StageReady, PromisedAt: at(1)},
		{ID: "q-late", Stage: StageQualityCheck, PromisedAt: at(6), QC: passed(QCTeam)},
		{ID: "q-soon", Stage: StageQualityCheck, PromisedAt: at(1), QC: passed(QCTeam), Priority: 8},
		{ID: "q-team", Stage: StageQualityCheck, PromisedAt: at(0), QC: passed()},
		// A failed final inspection was rework; the job came back and
		// passed its team check again: it waits for the inspector anew.
		{ID: "q-again", Stage: StageQualityCheck, PromisedAt: at(4), QC: append(append(passed(QCTeam), QCResult{Step: QCFinal}), passed(QCTeam)...)},
		{ID: "working", Stage: StageInProgress, PromisedAt: at(0)},
	} {
		st.Jobs[j.ID] = j
	}
	if got, want := ids(st.WashQueue()), "w-soon w-busy w-late"; got != want {
		t.Errorf("wash queue %q, want %q", got, want)
	}
	if got, want := ids(st.InspectionQueue()), "q-soon q-again q-late"; got != want {
		t.Errorf("inspection queue %q, want %q", got, want)
	}
	if st.Jobs["w-soon"].Washing() || !st.Jobs["w-busy"].Washing() {
		t.Errorf("washing: w-soon %v, w-busy %v", st.Jobs["w-soon"].Washing(), st.Jobs["w-busy"].Washing())
	}
}

func ids(jobs []*Job) string {
	out := ""
	for i, j := range jobs {
		if i > 0 {
			out += " "
		}
		out += j.ID
	}
	return out
}
