package kiosk

import (
	"slices"

	"bayboard/internal/shop"
)

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
	// ActionWashStart starts the wash of a car waiting for it (start_wash).
	ActionWashStart Action = "wash_start"
)

// Actions lists what a signed-in person may do to a job now: for each
// button, the command it would give, offered when the domain's one check
// (shop.State.May) says yes. The page shows only these; the command is
// checked again when it is given, so a stale page cannot do more.
func Actions(st *shop.State, u *shop.User, j *shop.Job) []Action {
	out := []Action{}
	if u == nil || j == nil {
		return out
	}
	actor := shop.Actor{UserID: u.ID, Roles: u.Roles}
	for _, b := range buttons(st, u, j) {
		if st.May(actor, b.command) == nil {
			out = append(out, b.action)
		}
	}
	return oneResume(out)
}

// oneResume keeps one way to take up a paused job: a technician's clock-on
// resumes it and starts their clock, so resume is offered only to someone
// who may not clock on (the controller, a team leader not on the job).
func oneResume(actions []Action) []Action {
	if !slices.Contains(actions, ActionClockOn) || !slices.Contains(actions, ActionResume) {
		return actions
	}
	return slices.DeleteFunc(actions, func(a Action) bool { return a == ActionResume })
}

// button is an action and the command it gives on a job, in the order
// the page shows them.
type button struct {
	action  Action
	command shop.Command
}

// buttons are the commands a person's buttons would give on a job: a
// technician acts for themselves; a pause is asked for a break, since
// every reason pauses the same work; each quality check step is its own.
func buttons(st *shop.State, u *shop.User, j *shop.Job) []button {
	me := shop.TechRef{JobID: j.ID}
	if t := st.TechnicianOfUser(u.ID); t != nil {
		me.TechID = t.ID
	}
	ref := shop.JobRef{JobID: j.ID}
	return []button{
		{ActionClockOn, &shop.ClockOn{TechRef: me}},
		{ActionClockOff, &shop.ClockOff{TechRef: me}},
		{ActionPause, &shop.Pause{JobID: j.ID, Reason: shop.PauseBreak}},
		{ActionResume, &shop.Resume{JobRef: ref}},
		{ActionFinish, &shop.Finish{TechRef: me}},
		{ActionQCTeam, &shop.QC{JobID: j.ID, Step: shop.QCTeam, Pass: true}},
		{ActionQCFinal, &shop.QC{JobID: j.ID, Step: shop.QCFinal, Pass: true}},
		{ActionWashStart, &shop.StartWash{JobRef: ref}},
		{ActionWashDone, &shop.WashDone{JobRef: ref}},
	}
}
