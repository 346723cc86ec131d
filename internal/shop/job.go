package shop

import "time"

// cloneJob copies a job deeply enough that the copy can be changed.
func cloneJob(j *Job) *Job {
	c := *j
	c.Labour = append([]Labour(nil), j.Labour...)
	c.Parts = append([]PartLine(nil), j.Parts...)
	c.Issued = append([]IssuedPart(nil), j.Issued...)
	c.Allowances = append([]PartAllowance(nil), j.Allowances...)
	c.TechIDs = append([]string(nil), j.TechIDs...)
	c.QC = append([]QCResult(nil), j.QC...)
	c.Clock = append([]ClockSession(nil), j.Clock...)
	c.Stages = append([]StageChange(nil), j.Stages...)
	c.Discounts = append([]Discount(nil), j.Discounts...)
	c.Revisions = append([]Revision(nil), j.Revisions...)
	c.NoticesSeen = append([]NoticeSeen(nil), j.NoticesSeen...)
	c.Photos = append([]Photo(nil), j.Photos...)
	return &c
}

// editJob returns a changeable copy of an open job, put in the draft.
func (d *Draft) editJob(id string, now time.Time) (*Job, error) {
	j := d.jobs.get(id)
	if j == nil {
		return nil, notFound("job", id)
	}
	c := cloneJob(j)
	c.UpdatedAt = now
	set(d, &d.jobs, id, c)
	return c, nil
}

func (j *Job) moveTo(to Stage, now time.Time) error {
	if err := checkMove(j.Stage, to); err != nil {
		return err
	}
	j.Stage = to
	if !to.Paused() {
		j.Pause = nil
	}
	j.Stages = append(j.Stages, StageChange{Stage: to, At: now})
	return nil
}

// closeClock ends the open sessions of a job, of one technician or of all.
func (j *Job) closeClock(techID string, now time.Time, note string) {
	for i := range j.Clock {
		s := &j.Clock[i]
		if s.End == nil && (techID == "" || s.TechID == techID) {
			end := now
			s.End = &end
			if note != "" {
				s.Note = note
			}
		}
	}
}

// ClockedOn reports whether a technician has an open session on the job.
func (j *Job) ClockedOn(techID string) bool {
	for _, s := range j.Clock {
		if s.End == nil && s.TechID == techID {
			return true
		}
	}
	return false
}

// ClockedOnElsewhere returns the open job, other than except, a
// technician is clocked on, or "": clocking on a job clocks them off that
// one.
func (s *State) ClockedOnElsewhere(techID, except string) string {
	for _, j := range s.OpenJobs() {
		if j.ID != except && j.ClockedOn(techID) {
			return j.ID
		}
	}
	return ""
}

func jobResult(j *Job) result { return result{subject: j.ID, job: j.ID} }

// JobRef names the job a simple command acts on.
type JobRef struct {
	JobID string `json:"job_id"`
}

func moveJob(d *Draft, id string, to Stage, now time.Time) (result, error) {
	j, err := d.editJob(id, now)
	if err != nil {
		return result{}, err
	}
	if err := j.moveTo(to, now); err != nil {
		return result{}, err
	}
	return jobResult(j), nil
}
