package shop

import (
	"fmt"
	"sort"
)

// This file answers one question: may this person give this command to
// the shop as it stands now? The roles come from the command table
// (commandTypes); the rules of the moment (whose clock, which stage,
// whose check, whose job) are each command's permit, which its apply
// calls too, so the engine and every screen that offers a button ask the
// same rules.

// May says whether an actor may give a command now: whether their roles
// allow it at all, then the rules of the moment, a technician acting for
// themselves, the job's stage allowing the move, no finding awaiting the
// customer before the work is finished, the quality check being theirs,
// a customer deciding only on their own job. It answers with the error
// the command would give. What a command carries beyond who and which
// job (a note, a price, the self-check) is checked when it applies.
func (s *State) May(a Actor, c Command) error { return NewDraft(s).may(a, c) }

func (d *Draft) may(a Actor, c Command) error {
	if err := authorize(a, c.CommandType()); err != nil {
		return err
	}
	if p, ok := c.(permitted); ok {
		return p.permit(d, a)
	}
	return nil
}

// permitted is a command with rules of the moment. Its apply calls permit
// once it has checked its own fields.
type permitted interface {
	permit(d *Draft, a Actor) error
}

// authorize checks that the actor's roles allow the command at all.
func authorize(a Actor, t string) error {
	if a.System {
		return nil
	}
	if a.Customer {
		if t == "decide_finding" || t == "answer_survey" {
			return nil // the command checks the job
		}
		return forbidden("a customer link cannot %s", t)
	}
	ct, ok := commandTypes[t]
	if ok && ct.roles == nil {
		return forbidden("only the server itself may %s", t) // its own (expire_photos)
	}
	if a.Has(RoleManager) {
		return nil
	}
	for _, r := range ct.roles {
		if a.Has(r) {
			return nil
		}
	}
	return forbidden("your role may not %s", t)
}

// MayGiveType says whether an actor's roles allow a type of command at all,
// May's first step, for a caller that has no command yet (a route that
// gives only that command checks it before it reads the body).
func MayGiveType(a Actor, commandType string) error { return authorize(a, commandType) }

// MayGive lists, sorted, the command types an actor's roles allow at all:
// what a page may offer before it knows the job.
func MayGive(a Actor) []string {
	out := []string{}
	for t := range commandTypes {
		if authorize(a, t) == nil {
			out = append(out, t)
		}
	}
	sort.Strings(out)
	return out
}

// MayQC says whether an actor may record a step of a job's quality check.
// The final inspection is the QC inspector's. The team check is the job's
// team's leader's: the technician the team names as its leader (Team.
// LeaderID), through that technician's account. The team_leader role alone
// names no team: a user who holds it checks the jobs of the teams that
// name them as leader and no others, and naming a technician leader is
// enough without the role. The manager and the system may do both.
func (s *State) MayQC(a Actor, j *Job, step QCStep) error { return NewDraft(s).mayQC(a, j, step) }

func (d *Draft) mayQC(a Actor, j *Job, step QCStep) error {
	if a.System || a.Has(RoleManager) {
		return nil
	}
	switch step {
	case QCTeam:
		if a.UserID != "" && j.TeamID != "" && d.leaderAccount(j.TeamID) == a.UserID {
			return nil
		}
		return forbidden("the team check is for the leader of the job's team")
	case QCFinal:
		if a.Has(RoleQC) {
			return nil
		}
		return forbidden("the final inspection is the QC inspector's")
	}
	return forbidden("no such check")
}

// leaderAccount is the user id of the active technician a team names as
// its leader, or "" when it names none, or one who is inactive or has no
// account.
func (d *Draft) leaderAccount(teamID string) string {
	team := d.teams.get(teamID)
	if team == nil || team.LeaderID == "" {
		return ""
	}
	t := d.technicians.get(team.LeaderID)
	if t == nil || !t.Active {
		return ""
	}
	return t.UserID
}

// actingTech checks that the technician exists and that the actor may act
// for them: technicians act for themselves; team leaders, the controller and
// the manager for anyone.
func actingTech(d *Draft, a Actor, techID string) (*Technician, error) {
	t := d.technicians.get(techID)
	if t == nil || !t.Active {
		return nil, (&problems{{Field: "tech_id", Message: "is not an active technician"}}).err()
	}
	if a.System || a.Has(RoleManager) || a.Has(RoleController) || a.Has(RoleTeamLeader) {
		return t, nil
	}
	if t.UserID != a.UserID {
		return nil, forbidden("a technician clocks only for themselves")
	}
	return t, nil
}

// floorOnly says whether an actor's roles allow a command only as the
// floor's (technician, team leader): such an actor acts only on the jobs
// that are theirs (mayWorkOn). The manager, the controller and a role that
// gives the command from the desk or the counter (an advisor reporting a
// finding, the parts clerk requesting parts) act on any job.
func floorOnly(a Actor, commandType string) bool {
	if a.System || a.Customer || a.Has(RoleManager) || a.Has(RoleController) {
		return false
	}
	for _, r := range commandTypes[commandType].roles {
		if r != RoleTechnician && r != RoleTeamLeader && a.Has(r) {
			return false
		}
	}
	return true
}

// mayWorkOn says whether an actor may act on a job: a technician on the
// jobs dispatched to them (the job's tech_ids), the leader of a team (the
// technician the team names as leader, as for its check) on the team's
// jobs, the controller and the manager on any.
func (d *Draft) mayWorkOn(a Actor, commandType string, j *Job) error {
	if !floorOnly(a, commandType) {
		return nil
	}
	if a.UserID != "" {
		if t := d.technicianOfUser(a.UserID); t != nil && contains(j.TechIDs, t.ID) {
			return nil
		}
		if j.TeamID != "" && d.leaderAccount(j.TeamID) == a.UserID {
			return nil
		}
	}
	return forbidden("job %s is not dispatched to you or your team", j.ID)
}

// technicianOfUser is the active technician a user's account is, or nil.
func (d *Draft) technicianOfUser(userID string) *Technician {
	var out *Technician
	d.technicians.each(func(t *Technician) {
		if t.UserID == userID && t.Active {
			out = t
		}
	})
	return out
}

// jobToWork returns a job an actor may act on with a command (mayWorkOn).
func (d *Draft) jobToWork(a Actor, commandType, jobID string) (*Job, error) {
	j, err := d.job(jobID)
	if err != nil {
		return nil, err
	}
	if err := d.mayWorkOn(a, commandType, j); err != nil {
		return nil, err
	}
	return j, nil
}

// openJobToWork is jobToWork for a job that must still be open.
func (d *Draft) openJobToWork(a Actor, commandType, jobID string) error {
	j, err := d.jobToWork(a, commandType, jobID)
	if err != nil {
		return err
	}
	if !j.Stage.Open() {
		return conflict("job %s is %s", j.ID, j.Stage)
	}
	return nil
}

// job returns a job as the draft sees it, or the error of one not found.
func (d *Draft) job(id string) (*Job, error) {
	if j := d.jobs.get(id); j != nil {
		return j, nil
	}
	return nil, notFound("job", id)
}

// permit: a job in reception is submitted: a dispatched job may go back
// to the queue too, but by undispatch, which frees its bay and keeps the
// signed estimate.
func (c *Submit) permit(d *Draft, a Actor) error {
	j, err := d.job(c.JobID)
	if err != nil {
		return err
	}
	if j.Stage != StageReception {
		return &IllegalMoveError{From: j.Stage, To: StageWaitingDispatch, Allowed: moves[j.Stage], Action: "be submitted again"}
	}
	return nil
}

// permit: a job waiting for dispatch is dispatched; one dispatched, in
// work or paused has its assignment changed.
func (c *Dispatch) permit(d *Draft, a Actor) error {
	j, err := d.job(c.JobID)
	if err != nil {
		return err
	}
	switch {
	case j.Stage == StageWaitingDispatch, j.Stage == StageDispatched, j.Stage == StageInProgress, j.Stage.Paused():
		return nil
	}
	// Not from the quality check, though a failed check moves the job
	// back to dispatched: the rework keeps its assignment.
	return &IllegalMoveError{From: j.Stage, To: StageDispatched, Allowed: moves[j.Stage]}
}

// The commands that only move a job may do so when the process allows
// the move (moves); their apply moves the job through the same check.
func (c *Undispatch) permit(d *Draft, a Actor) error { return d.mayMove(c.JobID, StageWaitingDispatch) }

// permit: a car is delivered, or a job cancelled, when the process allows
// the move and no finding awaits a decision: the customer's answer to
// extra work is settled before the job is (decided, or withdrawn by the
// advisor).
func (c *Deliver) permit(d *Draft, a Actor) error { return d.mayClose(c.JobID, StageDelivered) }
func (c *Cancel) permit(d *Draft, a Actor) error  { return d.mayClose(c.JobID, StageCancelled) }

func (d *Draft) mayClose(jobID string, to Stage) error {
	if err := d.mayMove(jobID, to); err != nil {
		return err
	}
	if f := d.undecidedFinding(jobID); f != nil {
		return conflict("finding %s is %s: send and decide, or withdraw it first", f.ID, f.Status)
	}
	return nil
}

func (d *Draft) mayMove(jobID string, to Stage) error {
	j, err := d.job(jobID)
	if err != nil {
		return err
	}
	return checkMove(j.Stage, to)
}

// MayOnJob lists the commands on a job as a whole (naming no more than
// the job) that an actor may give to it now, in the order of the
// process: what a job's page may offer. The job may be a live one or one
// read from the data file, long closed, that a car can still come back
// from.
func (s *State) MayOnJob(a Actor, j *Job) []string {
	d := NewDraft(s)
	jobID := j.ID
	ref := JobRef{JobID: jobID}
	out := []string{}
	for _, c := range []Command{&Submit{JobRef: ref}, &Dispatch{JobID: jobID}, &Undispatch{JobRef: ref},
		&Resume{JobRef: ref}, &WashDone{JobRef: ref}, &Deliver{JobID: jobID}, &Cancel{JobID: jobID},
		&SetPayer{JobID: jobID}, &GiveDiscount{JobID: jobID},
		&AgreePromise{JobID: jobID}, &ReopenComeback{JobID: jobID, Delivered: j}} {
		if d.may(a, c) == nil {
			out = append(out, c.CommandType())
		}
	}
	return out
}

// permit: clocking on starts the work on a dispatched job, resumes a
// paused one, or joins one in work, once per technician.
func (c *ClockOn) permit(d *Draft, a Actor) error {
	t, err := actingTech(d, a, c.TechID)
	if err != nil {
		return err
	}
	j, err := d.jobToWork(a, c.CommandType(), c.JobID)
	if err != nil {
		return err
	}
	if j.Stage != StageInProgress {
		if err := checkMove(j.Stage, StageInProgress); err != nil {
			return err
		}
	}
	if j.ClockedOn(t.ID) {
		return conflict("%s is already clocked on job %s", t.Name, j.ID)
	}
	return nil
}

// permit: only a technician on the job clocks off it.
func (c *ClockOff) permit(d *Draft, a Actor) error {
	t, err := actingTech(d, a, c.TechID)
	if err != nil {
		return err
	}
	j, err := d.jobToWork(a, c.CommandType(), c.JobID)
	if err != nil {
		return err
	}
	if !j.ClockedOn(t.ID) {
		return conflict("%s is not clocked on job %s", t.Name, j.ID)
	}
	return nil
}

// permit: the work pauses only while it is going on, by those whose job
// it is.
func (c *Pause) permit(d *Draft, a Actor) error {
	j, err := d.jobToWork(a, c.CommandType(), c.JobID)
	if err != nil {
		return err
	}
	return checkMove(j.Stage, pauseStage(c.Reason))
}

// permit: only a paused job resumes, by those whose job it is.
func (c *Resume) permit(d *Draft, a Actor) error {
	j, err := d.jobToWork(a, c.CommandType(), c.JobID)
	if err != nil {
		return err
	}
	if !j.Stage.Paused() {
		return &IllegalMoveError{From: j.Stage, To: StageInProgress, Allowed: moves[j.Stage]}
	}
	return nil
}

// permit: a technician finishes the work in progress for themselves, and
// not while a finding is proposed or awaits the customer's decision.
func (c *Finish) permit(d *Draft, a Actor) error {
	if _, err := actingTech(d, a, c.TechID); err != nil {
		return err
	}
	j, err := d.jobToWork(a, c.CommandType(), c.JobID)
	if err != nil {
		return err
	}
	if f := d.undecidedFinding(c.JobID); f != nil {
		if f.Status == FindingProposed {
			return conflict("finding %s awaits the advisor's price", f.ID)
		}
		return conflict("finding %s awaits the customer's decision", f.ID)
	}
	return checkMove(j.Stage, StageQualityCheck)
}

// permit: parts are requested for an open job, from the floor by those
// whose job it is.
func (c *RequestParts) permit(d *Draft, a Actor) error {
	return d.openJobToWork(a, c.CommandType(), c.JobID)
}

// permit: extra work is proposed on an open job, from the floor by those
// whose job it is.
func (c *ReportFinding) permit(d *Draft, a Actor) error {
	return d.openJobToWork(a, c.CommandType(), c.JobID)
}

// permit: a step of the quality check is the person's whose check it is
// (MayQC), in the quality check, the team check first, each passed once.
func (c *QC) permit(d *Draft, a Actor) error {
	j, err := d.job(c.JobID)
	if err != nil {
		return err
	}
	if err := d.mayQC(a, j, c.Step); err != nil {
		return err
	}
	return qcDue(j, c.Step)
}

// qcDue says whether a step of the quality check is due on a job: it is
// in quality check, the team check first, each passed once.
func qcDue(j *Job, step QCStep) error {
	if j.Stage != StageQualityCheck {
		action := "have its team check"
		if step == QCFinal {
			action = "have its final inspection"
		}
		return &IllegalMoveError{From: j.Stage, To: StageQualityCheck, Allowed: moves[j.Stage], Action: action}
	}
	done := map[QCStep]bool{}
	for _, r := range j.CurrentQC() {
		done[r.Step] = r.Pass
	}
	if step == QCFinal && !done[QCTeam] {
		return conflict("the team check must pass before the final inspection")
	}
	if done[step] {
		return conflict("the %s check has passed already", step)
	}
	return nil
}

// permit: the wash is marked done on a car being washed. Quality check may
// also move to ready (a car without a wash), but only the final inspection
// may take it there.
func (c *WashDone) permit(d *Draft, a Actor) error {
	j, err := d.job(c.JobID)
	if err != nil {
		return err
	}
	if j.Stage != StageWashing {
		return &IllegalMoveError{From: j.Stage, To: StageReady, Allowed: moves[j.Stage]}
	}
	return nil
}

// permit: a finding awaiting the customer is decided once, by the
// customer on their own job's page, or by the staff for them (by phone or
// in person) and never as if from the customer's page. A finding the
// advisor has not sent does not exist for the customer.
func (c *DecideFinding) permit(d *Draft, a Actor) error {
	f := d.findings.get(c.FindingID)
	if f == nil || (a.Customer && (f.JobID != a.CustomerJob || f.Status == FindingProposed)) {
		return notFound("finding", c.FindingID)
	}
	if a.Customer != (c.Via == "customer_page") {
		return forbidden("only the customer's own page decides via customer_page")
	}
	switch f.Status {
	case FindingAwaiting:
	case FindingProposed:
		return conflict("finding %s is proposed: the advisor has not priced and sent it", f.ID)
	default:
		return conflict("finding %s is %s already", f.ID, f.Status)
	}
	return d.findingJobOpen(f)
}

// findingJobOpen says whether a finding's job is still open: a decision
// on extra work changes the job's estimate, which is settled at delivery.
func (d *Draft) findingJobOpen(f *Finding) error {
	j := d.jobs.get(f.JobID)
	if j == nil || !j.Stage.Open() {
		stage := StageDelivered
		if j != nil {
			stage = j.Stage
		}
		return conflict("finding %s is on job %s, which is %s", f.ID, f.JobID, stage)
	}
	return nil
}

// permit: a finding is withdrawn while it is proposed or awaits a
// decision and its job is open, by the desk: extra work the customer need
// not decide (found unneeded, or done under another job).
func (c *WithdrawFinding) permit(d *Draft, a Actor) error { return d.undecided(c.FindingID) }

// permit: a finding is priced, and priced again, by the desk while it is
// proposed or awaits the customer's decision and its job is open: once
// the customer has decided, the price is what they decided on.
func (c *PriceFinding) permit(d *Draft, a Actor) error { return d.undecided(c.FindingID) }

func (d *Draft) undecided(findingID string) error {
	f := d.findings.get(findingID)
	if f == nil {
		return notFound("finding", findingID)
	}
	if !f.Undecided() {
		return conflict("finding %s is %s already", f.ID, f.Status)
	}
	return d.findingJobOpen(f)
}

// permit: a recommendation is for a vehicle of the shop; one made at a
// visit names a job of that vehicle; the floor records one only on a job
// that is theirs (mayWorkOn), the desk on any vehicle.
func (c *RecordRecommendation) permit(d *Draft, a Actor) error {
	if d.vehicles.get(c.VehicleID) == nil {
		return (&problems{{Field: "vehicle_id", Message: "is not a vehicle"}}).err()
	}
	if c.JobID == "" {
		if floorOnly(a, c.CommandType()) {
			return forbidden("the floor records a recommendation on a job dispatched to them")
		}
		return nil
	}
	j, err := d.jobToWork(a, c.CommandType(), c.JobID)
	if err != nil {
		return err
	}
	if j.VehicleID != c.VehicleID {
		return (&problems{{Field: "job_id", Message: "is a job of another vehicle"}}).err()
	}
	return nil
}

// permit: only an open recommendation is closed.
func (c *CloseRecommendation) permit(d *Draft, a Actor) error {
	return d.openRecommendation(c.RecommendationID)
}

// permit: a car is called about a next service it has, once.
func (c *RecordServiceReminder) permit(d *Draft, a Actor) error {
	v := d.vehicles.get(c.VehicleID)
	switch {
	case v == nil:
		return notFound("vehicle", c.VehicleID)
	case v.NextService == nil:
		return conflict("vehicle %s has no next service agreed", v.ID)
	case v.NextService.RemindedAt != nil:
		return conflict("the customer of vehicle %s was reminded already", v.ID)
	}
	return nil
}

// permit: a part is issued to a job that has been signed for and is not
// done, by number, on a ground that still allows the quantity.
func (c *IssuePart) permit(d *Draft, a Actor) error {
	j, pr, err := d.drawingJob(c.JobID, c.RequestID)
	if err != nil {
		return err
	}
	if pr != nil && pr.Number != "" && pr.Number != c.Number {
		return (&problems{{Field: "number", Message: fmt.Sprintf("the request asks for %s", pr.Number)}}).err()
	}
	var left float64
	switch {
	case c.FindingID != "":
		f := d.findings.get(c.FindingID)
		if f == nil || f.JobID != j.ID {
			return notFound("finding of job "+j.ID, c.FindingID)
		}
		if f.Status != FindingApproved {
			return conflict("finding %s is %s: only approved extra work draws parts", f.ID, f.Status)
		}
		// An approved finding's parts have joined the scope; the finding
		// names the ground, the scope holds the quantity.
		if !findingHas(f, c.Number) {
			return (&problems{{Field: "number", Message: "is not a part of finding " + f.ID}}).err()
		}
		left = j.scopeQuantity(c.Number) - j.issuedFromScope(c.Number)
	case c.AllowanceID != "":
		al := j.allowance(c.AllowanceID)
		if al == nil {
			return notFound("allowance of job "+j.ID, c.AllowanceID)
		}
		if al.Number != c.Number {
			return (&problems{{Field: "number", Message: "the allowance is for " + al.Number}}).err()
		}
		left = al.Quantity - j.issuedAgainst(func(ip IssuedPart) bool { return ip.AllowanceID == al.ID })
	default:
		if j.scopeQuantity(c.Number) == 0 {
			return &Error{Code: CodeConflict, Message: fmt.Sprintf("part %s is beyond job %s's scope: issue it against an approved finding or the advisor's allowance", c.Number, j.ID),
				Fields: []FieldError{{Field: "number", Message: "is beyond the job's scope"}}}
		}
		left = j.scopeQuantity(c.Number) - j.issuedFromScope(c.Number)
	}
	if c.Quantity > left+quantityEpsilon {
		return &Error{Code: CodeConflict, Message: fmt.Sprintf("only %g of part %s are left to draw on job %s", max(0, left), c.Number, j.ID),
			Fields: []FieldError{{Field: "quantity", Message: fmt.Sprintf("is more than the %g left to draw", max(0, left))}}}
	}
	return nil
}

// permit: a part comes back from a job not yet delivered (a delivered
// job's bill is settled), no more than the job still holds of the issue.
func (c *ReturnPart) permit(d *Draft, a Actor) error {
	j, err := d.job(c.JobID)
	if err != nil {
		return err
	}
	if j.Stage == StageDelivered {
		return conflict("job %s is delivered: its parts are settled", j.ID)
	}
	ip := j.issued(c.IssueID)
	if ip == nil {
		return notFound("issued part of job "+j.ID, c.IssueID)
	}
	if c.Quantity > ip.Billed()+quantityEpsilon {
		return &Error{Code: CodeConflict, Message: fmt.Sprintf("job %s holds %g of issue %s", j.ID, ip.Billed(), ip.ID),
			Fields: []FieldError{{Field: "quantity", Message: fmt.Sprintf("is more than the %g issued and not returned", ip.Billed())}}}
	}
	return nil
}

// permit: an allowance is given on a job that still draws parts; one
// answering a request names an open request of the job.
func (c *AllowPart) permit(d *Draft, a Actor) error {
	_, _, err := d.drawingJob(c.JobID, c.RequestID)
	return err
}

// drawingJob is a job that still draws parts — signed for, not past its
// quality check — and, when one is named, its open parts request.
func (d *Draft) drawingJob(jobID, requestID string) (*Job, *PartsRequest, error) {
	j, err := d.job(jobID)
	if err != nil {
		return nil, nil, err
	}
	if !issuable(j.Stage) {
		return nil, nil, conflict("job %s is %s: parts are issued from its signing until its quality check", j.ID, j.Stage)
	}
	if requestID == "" {
		return j, nil, nil
	}
	pr := d.parts.get(requestID)
	if pr == nil || pr.JobID != j.ID {
		return nil, nil, notFound("parts request of job "+j.ID, requestID)
	}
	if !pr.Open() {
		return nil, nil, conflict("parts request %s is %s already", pr.ID, pr.Status)
	}
	return j, pr, nil
}
