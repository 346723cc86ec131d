package shop

import (
	"slices"
	"strconv"
	"testing"
	"time"
)

// A failed quality check is a notice for the job's advisor (and the
// manager), not for another advisor; it stays until the advisor
// acknowledges it, and then only the advisor's list loses it. A second
// failure is a new notice; a passed promise is one too.
func TestNoticesStayUntilAcknowledged(t *testing.T) {
	f := newFixture(t)
	j := f.openJob(t)
	f.must(t, advisor, &Submit{JobRef: JobRef{j.ID}})
	f.must(t, advisor, &Dispatch{JobID: j.ID, TeamID: "team-1", TechIDs: []string{"tech-1"}, BayID: "bay-1"})
	f.must(t, tech, &ClockOn{TechRef: TechRef{j.ID, "tech-1"}})
	f.must(t, tech, &Finish{TechRef: TechRef{j.ID, "tech-1"}})
	f.must(t, lead, &QC{JobID: j.ID, Step: QCTeam, Pass: false, Reason: "螺栓未紧固"})

	other := Actor{UserID: "user-9", Roles: []Role{RoleAdvisor}}
	manager := Actor{UserID: "user-8", Roles: []Role{RoleManager}}
	keys := func(a Actor, now time.Time) []string {
		var out []string
		for _, n := range f.state.NoticesFor(a, now) {
			out = append(out, n.JobID+" "+n.Key)
		}
		return out
	}
	// The job's check results are the self-check at finish (passed), then
	// the team check (failed): the notice names the second.
	later := t0.Add(time.Hour)
	got := f.state.NoticesFor(advisor, later)
	if len(got) != 1 || got[0].Kind != NoticeQCFailed || got[0].Key != "qc_failed/1" || got[0].Reason != "螺栓未紧固" || got[0].Plate != "京A·12345" {
		t.Fatalf("the advisor's notices after a failed check: %+v", got)
	}
	if k := keys(other, later); len(k) != 0 {
		t.Errorf("another advisor is told %v", k)
	}
	if k := keys(manager, later); len(k) != 1 {
		t.Errorf("the manager is told %v, want the failed check", k)
	}
	// Hours later, nothing acknowledged: still there.
	if k := keys(advisor, t0.Add(3*time.Hour)); !slices.Contains(k, j.ID+" qc_failed/1") {
		t.Errorf("three hours on the advisor is told %v", k)
	}

	f.refused(t, advisor, &AcknowledgeNotice{JobRef: JobRef{j.ID}, Key: "qc_passed/0"}, CodeInvalid, "key")
	f.refused(t, advisor, &AcknowledgeNotice{JobRef: JobRef{"20990101-0001"}, Key: "qc_failed/1"}, CodeNotFound, "")
	moved := f.state.Jobs[j.ID].UpdatedAt
	f.mustAt(t, later, advisor, &AcknowledgeNotice{JobRef: JobRef{j.ID}, Key: "qc_failed/1"})
	if seen := f.state.Jobs[j.ID]; !seen.UpdatedAt.Equal(moved) || len(seen.NoticesSeen) != 1 || seen.NoticesSeen[0].UserID != "user-1" || !seen.NoticesSeen[0].At.Equal(later) {
		t.Errorf("acknowledged: updated %v (was %v), seen %+v", seen.UpdatedAt, moved, seen.NoticesSeen)
	}
	if k := keys(advisor, later); len(k) != 0 {
		t.Errorf("an acknowledged notice is still told: %v", k)
	}
	if k := keys(manager, later); len(k) != 1 {
		t.Errorf("the advisor's acknowledgement took the manager's notice: %v", k)
	}
	f.refused(t, advisor, &AcknowledgeNotice{JobRef: JobRef{j.ID}, Key: "qc_failed/1"}, CodeConflict, "")

	// The promise passes: a new notice, whatever was acknowledged before.
	if k := keys(advisor, t0.Add(5*time.Hour)); len(k) != 1 || k[0] != j.ID+" late/"+strconv.FormatInt(j.PromisedAt.Unix(), 10) {
		t.Errorf("past the promise the advisor is told %v", k)
	}
}
