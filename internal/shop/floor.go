package shop

import (
	"fmt"
	"strings"
	"time"
)

// Dispatch assigns a team, technicians and a bay. From waiting_dispatch it
// moves the job to dispatched; on a job already dispatched or in work it
// changes the assignment.
type Dispatch struct {
	kind
	JobID    string   `json:"job_id"`
	TeamID   string   `json:"team_id"`
	TechIDs  []string `json:"tech_ids"`
	BayID    string   `json:"bay_id"`
	Priority *int     `json:"priority,omitempty"`
}

func (c *Dispatch) CommandType() string { return "dispatch" }

func (c *Dispatch) apply(d *Draft, a Actor, now time.Time) (result, error) {
	var p problems
	if d.teams.get(c.TeamID) == nil {
		p.add("team_id", "is not a team")
	}
	if len(c.TechIDs) == 0 || len(c.TechIDs) > 8 {
		p.add("tech_ids", "one to eight technicians")
	}
	seen := map[string]bool{}
	for i, id := range c.TechIDs {
		if t := d.technicians.get(id); t == nil || !t.Active {
			p.add(fmt.Sprintf("tech_ids[%d]", i), "is not an active technician")
		} else if seen[id] {
			p.add(fmt.Sprintf("tech_ids[%d]", i), "is listed twice")
		}
		seen[id] = true
	}
	if b := d.bays.get(c.BayID); b == nil || !b.Active {
		p.add("bay_id", "is not an active bay")
	}
	if c.Priority != nil && (*c.Priority < 0 || *c.Priority > 9) {
		p.add("priority", "must be between 0 and 9")
	}
	if err := p.err(); err != nil {
		return result{}, err
	}
	if err := c.permit(d, a); err != nil {
		return result{}, err
	}
	// The roster: nobody recorded off or on leave today is given work.
	var away problems
	for i, id := range c.TechIDs {
		switch d.recordedAway(id, now) {
		case DutyLeave:
			away.add(fmt.Sprintf("tech_ids[%d]", i), "is on leave today")
		case DutyOff:
			away.add(fmt.Sprintf("tech_ids[%d]", i), "is off duty today")
		}
	}
	if len(away) > 0 {
		return result{}, &Error{Code: CodeConflict, Message: "the duty roster has a technician away today", Fields: away}
	}
	j, err := d.editJob(c.JobID, now)
	if err != nil {
		return result{}, err
	}
	if j.Stage == StageWaitingDispatch {
		if err := j.moveTo(StageDispatched, now); err != nil {
			return result{}, err
		}
	}
	if busy := d.bayTakenBy(c.BayID, j.ID); busy != "" {
		return result{}, conflict("bay %s is taken by job %s", c.BayID, busy)
	}
	j.TeamID, j.BayID = c.TeamID, c.BayID
	j.TechIDs = append([]string(nil), c.TechIDs...)
	if c.Priority != nil {
		j.Priority = *c.Priority
	}
	return jobResult(j), nil
}

// bayTakenBy returns the job other than except that occupies a bay, or "".
func (d *Draft) bayTakenBy(bayID, except string) string {
	var busy string
	d.jobs.each(func(o *Job) {
		if o.ID != except && o.BayID == bayID && OnBay(o.Stage) {
			busy = o.ID
		}
	})
	return busy
}

// Undispatch takes a dispatched job back to the queue.
type Undispatch struct {
	kind
	JobRef
}

func (c *Undispatch) CommandType() string { return "undispatch" }

func (c *Undispatch) apply(d *Draft, a Actor, now time.Time) (result, error) {
	r, err := moveJob(d, c.JobID, StageWaitingDispatch, now)
	if err == nil {
		j := d.jobs.get(c.JobID)
		j.TeamID, j.BayID, j.TechIDs = "", "", nil
	}
	return r, err
}

// TechRef names a job and the technician acting on it.
type TechRef struct {
	JobID  string `json:"job_id"`
	TechID string `json:"tech_id"`
}

// ClockOn starts a technician's work on a job. A technician is on one job
// at a time: clocking on here clocks them off any other, with a note.
type ClockOn struct {
	kind
	TechRef
}

func (c *ClockOn) CommandType() string { return "clock_on" }

func (c *ClockOn) apply(d *Draft, a Actor, now time.Time) (result, error) {
	if err := c.permit(d, a); err != nil {
		return result{}, err
	}
	t := d.technicians.get(c.TechID)
	j, err := d.editJob(c.JobID, now)
	if err != nil {
		return result{}, err
	}
	if j.Stage != StageInProgress {
		if err := j.moveTo(StageInProgress, now); err != nil {
			return result{}, err
		}
	}
	var others []string
	d.jobs.each(func(o *Job) {
		if o.ID != j.ID && o.ClockedOn(t.ID) {
			others = append(others, o.ID)
		}
	})
	for _, id := range others {
		o, _ := d.editJob(id, now)
		o.closeClock(t.ID, now, "clocked on "+j.ID)
	}
	j.Clock = append(j.Clock, ClockSession{TechID: t.ID, Start: now})
	if !contains(j.TechIDs, t.ID) {
		j.TechIDs = append(j.TechIDs, t.ID)
	}
	return jobResult(j), nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// ClockOff ends a technician's session on a job.
type ClockOff struct {
	kind
	TechRef
}

func (c *ClockOff) CommandType() string { return "clock_off" }

func (c *ClockOff) apply(d *Draft, a Actor, now time.Time) (result, error) {
	if err := c.permit(d, a); err != nil {
		return result{}, err
	}
	j, err := d.editJob(c.JobID, now)
	if err != nil {
		return result{}, err
	}
	j.closeClock(c.TechID, now, "")
	return jobResult(j), nil
}

// PauseReason says why work on a job stopped. The first two are stages of
// their own; a break and any other reason are the paused stage.
type PauseReason string

const (
	PauseWaitingParts    PauseReason = "waiting_parts"
	PauseWaitingApproval PauseReason = "waiting_approval"
	PauseBreak           PauseReason = "break"
	PauseOther           PauseReason = "other"
)

// PauseReasons lists every reason, for the screens' message catalogs.
var PauseReasons = []PauseReason{PauseBreak, PauseOther, PauseWaitingParts, PauseWaitingApproval}

// PauseInfo is why a paused job stopped: the reason and the technician's
// own words, kept apart so that no reader has to split them again.
type PauseInfo struct {
	Reason PauseReason `json:"reason"`
	Note   string      `json:"note,omitempty"`
}

// pauseStage is the stage a pause for a reason moves the job to.
func pauseStage(reason PauseReason) Stage {
	switch reason {
	case PauseWaitingParts:
		return StageWaitingParts
	case PauseWaitingApproval:
		return StageWaitingApproval
	}
	return StagePaused
}

// Pause stops the work with a reason. Waiting for parts may name the parts
// to request; waiting for approval may carry the finding to approve.
type Pause struct {
	kind
	JobID   string        `json:"job_id"`
	Reason  PauseReason   `json:"reason"`
	Note    string        `json:"note,omitempty"`
	Parts   []PartItem    `json:"parts,omitempty"`
	Finding *FindingInput `json:"finding,omitempty"`
}

func (c *Pause) CommandType() string { return "pause" }

func (c *Pause) apply(d *Draft, a Actor, now time.Time) (result, error) {
	var p problems
	switch c.Reason {
	case PauseWaitingParts, PauseWaitingApproval, PauseBreak, PauseOther:
	default:
		p.add("reason", "must be waiting_parts, waiting_approval, break or other")
	}
	checkText(&p, "note", c.Note, maxText, c.Reason == PauseOther)
	if len(c.Parts) > 0 && c.Reason != PauseWaitingParts {
		p.add("parts", "only when waiting for parts")
	}
	if c.Finding != nil && c.Reason != PauseWaitingApproval {
		p.add("finding", "only when waiting for approval")
	}
	checkPartItems(&p, c.Parts)
	if c.Finding != nil {
		c.Finding.check(&p, "finding.")
	}
	if err := p.err(); err != nil {
		return result{}, err
	}
	if err := c.permit(d, a); err != nil {
		return result{}, err
	}
	j, err := d.editJob(c.JobID, now)
	if err != nil {
		return result{}, err
	}
	if err := j.moveTo(pauseStage(c.Reason), now); err != nil {
		return result{}, err
	}
	j.Pause = &PauseInfo{Reason: c.Reason, Note: c.Note}
	j.closeClock("", now, "paused: "+string(c.Reason))
	for _, it := range c.Parts {
		addPartsRequest(d, a, j.ID, it, now)
	}
	if c.Finding != nil {
		addFinding(d, a, j.ID, *c.Finding, now)
	}
	return jobResult(j), nil
}

// Resume puts a paused job back in work.
type Resume struct {
	kind
	JobRef
}

func (c *Resume) CommandType() string { return "resume" }

func (c *Resume) apply(d *Draft, a Actor, now time.Time) (result, error) {
	if err := c.permit(d, a); err != nil {
		return result{}, err
	}
	return moveJob(d, c.JobID, StageInProgress, now)
}

// Finish ends the repair: the technician's self-check passes and the job
// goes to the team leader and the QC inspector.
type Finish struct {
	kind
	TechRef
	SelfCheck []string `json:"self_check"`
}

func (c *Finish) CommandType() string { return "finish" }

func (c *Finish) apply(d *Draft, a Actor, now time.Time) (result, error) {
	if len(c.SelfCheck) > 50 {
		return result{}, (&problems{{Field: "self_check", Message: "at most 50 items"}}).err()
	}
	if err := c.permit(d, a); err != nil {
		return result{}, err
	}
	t := d.technicians.get(c.TechID)
	j, err := d.editJob(c.JobID, now)
	if err != nil {
		return result{}, err
	}
	if err := j.moveTo(StageQualityCheck, now); err != nil {
		return result{}, err
	}
	j.closeClock("", now, "finished")
	j.QC = append(j.QC, QCResult{Step: QCSelf, Pass: true, Reason: strings.Join(c.SelfCheck, "; "), By: t.ID, At: now})
	return jobResult(j), nil
}
