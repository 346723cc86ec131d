package kiosk

import "bayboard/internal/shop"

// Action is a button the job's kiosk page may show. Each one gives one
// command; pause carries its reason (waiting parts with the parts, waiting
// approval with the finding, break, other).
type Action string

const (
	ActionClockOn  Action = "clock_on"
	ActionClockOff Action = "clock_off"
	ActionPause    Action = "pause"
	ActionResume   Action = "resume"
	ActionFinish   Action = "finish"
	ActionQCTeam   Action = "qc_team"
	ActionQCFinal  Action = "qc_final"
	ActionWashDone Action = "wash_done"
)

// Actions lists what a signed-in person may do to a job now: what their
// roles allow (shop.Authorize, the one permission check) at the job's
// stage. The page shows only these; the command is checked again when it
// is given, so a stale page cannot do more.
func Actions(st *shop.State, u *shop.User, j *shop.Job) []Action {
	out := []Action{}
	if u == nil || j == nil {
		return out
	}
	actor := shop.Actor{UserID: u.ID, Roles: u.Roles}
	may := func(c shop.Command) bool { return shop.Authorize(actor, c) == nil }
	tech := st.TechnicianOfUser(u.ID)
	on := tech != nil && ClockedOn(j, tech.ID)
	switch {
	case j.Stage.Paused():
		// Clocking on a paused job resumes it too.
		if tech != nil && tech.Active && may(&shop.ClockOn{}) {
			out = append(out, ActionClockOn)
		}
		if may(&shop.Resume{}) {
			out = append(out, ActionResume)
		}
	case j.Stage == shop.StageDispatched || j.Stage == shop.StageInProgress:
		if tech != nil && tech.Active && !on && may(&shop.ClockOn{}) {
			out = append(out, ActionClockOn)
		}
		if on && may(&shop.ClockOff{}) {
			out = append(out, ActionClockOff)
		}
		if j.Stage == shop.StageInProgress && may(&shop.Pause{}) {
			out = append(out, ActionPause)
		}
		if j.Stage == shop.StageInProgress && tech != nil && tech.Active && may(&shop.Finish{}) && !awaitsDecision(st, j.ID) {
			out = append(out, ActionFinish)
		}
	case j.Stage == shop.StageQualityCheck:
		// The team check comes first, then the final inspection; who may
		// pass each is the domain's one rule (shop.State.MayQC).
		if teamPassed(j) {
			if may(&shop.QC{}) && st.MayQC(actor, j, shop.QCFinal) == nil {
				out = append(out, ActionQCFinal)
			}
		} else if may(&shop.QC{}) && st.MayQC(actor, j, shop.QCTeam) == nil {
			out = append(out, ActionQCTeam)
		}
	case j.Stage == shop.StageWashing:
		if may(&shop.WashDone{}) {
			out = append(out, ActionWashDone)
		}
	}
	return out
}

// ClockedOn reports whether a technician has an open clock session on a job.
func ClockedOn(j *shop.Job, techID string) bool {
	for _, c := range j.Clock {
		if c.TechID == techID && c.End == nil {
			return true
		}
	}
	return false
}

// ClockedOnElsewhere returns the job, other than except, a technician is
// clocked on, or "": clocking on a job clocks them off that one.
func ClockedOnElsewhere(st *shop.State, techID, except string) string {
	for _, j := range st.OpenJobs() {
		if j.ID != except && ClockedOn(j, techID) {
			return j.ID
		}
	}
	return ""
}

func teamPassed(j *shop.Job) bool {
	for _, r := range j.CurrentQC() {
		if r.Step == shop.QCTeam && r.Pass {
			return true
		}
	}
	return false
}

func awaitsDecision(st *shop.State, jobID string) bool {
	for _, f := range st.JobFindings(jobID) {
		if f.Status == shop.FindingAwaiting {
			return true
		}
	}
	return false
}
