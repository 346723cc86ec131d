package shop

import "time"

// RecordFollowUp records the call after delivery (回访). An unreachable
// customer may be called again; a complaint stays open until closed.
type RecordFollowUp struct {
	kind
	JobID   string `json:"job_id"`
	Outcome string `json:"outcome"`
	Notes   string `json:"notes,omitempty"`
	// A complaint's category (process when not given), owner (the caller,
	// when not given and a user) and due time (ComplaintWorkingDays when
	// not given).
	Category string     `json:"category,omitempty"`
	OwnerID  string     `json:"owner_id,omitempty"`
	DueAt    *time.Time `json:"due_at,omitempty"`
}

func (c *RecordFollowUp) CommandType() string { return "record_followup" }

func (c *RecordFollowUp) apply(d *Draft, a Actor, now time.Time) (result, error) {
	var p problems
	switch c.Outcome {
	case FollowUpSatisfied, FollowUpUnreachable:
		checkText(&p, "notes", c.Notes, maxText, false)
	case FollowUpComplaint:
		checkText(&p, "notes", c.Notes, maxText, true)
		if c.Category == "" {
			c.Category = ComplaintProcess
		}
		if u := d.users.get(a.UserID); c.OwnerID == "" && u != nil && u.Active {
			c.OwnerID = a.UserID
		}
		checkComplaint(&p, d, c.Category, c.OwnerID, c.DueAt, now)
	default:
		p.add("outcome", "must be satisfied, complaint or unreachable")
	}
	if err := p.err(); err != nil {
		return result{}, err
	}
	j, err := d.editJob(c.JobID, now)
	if err != nil {
		return result{}, err
	}
	if j.Stage != StageDelivered {
		return result{}, conflict("job %s is %s; follow-up comes after delivery", j.ID, j.Stage)
	}
	if j.FollowUp != nil && j.FollowUp.Outcome != FollowUpUnreachable {
		return result{}, conflict("job %s was followed up already", j.ID)
	}
	f := &FollowUp{At: now, By: actorName(a), Outcome: c.Outcome, Notes: c.Notes, ComplaintOpen: c.Outcome == FollowUpComplaint}
	if f.ComplaintOpen {
		due := ComplaintDue(d.Settings().Hours.Schedule(d.location()), now)
		if c.DueAt != nil {
			due = *c.DueAt
		}
		f.Category, f.OwnerID, f.DueAt = c.Category, c.OwnerID, &due
	}
	j.FollowUp = f
	return jobResult(j), nil
}

// CloseComplaint closes a complaint with what was done about it.
type CloseComplaint struct {
	kind
	JobID      string `json:"job_id"`
	Resolution string `json:"resolution"`
}

func (c *CloseComplaint) CommandType() string { return "close_complaint" }

func (c *CloseComplaint) apply(d *Draft, a Actor, now time.Time) (result, error) {
	var p problems
	checkText(&p, "resolution", c.Resolution, maxText, true)
	if err := p.err(); err != nil {
		return result{}, err
	}
	j, err := d.editJob(c.JobID, now)
	if err != nil {
		return result{}, err
	}
	if j.FollowUp == nil || !j.FollowUp.ComplaintOpen {
		return result{}, conflict("job %s has no open complaint", j.ID)
	}
	f := *j.FollowUp
	at := now
	f.ComplaintOpen, f.Resolution, f.ClosedAt = false, c.Resolution, &at
	j.FollowUp = &f
	return jobResult(j), nil
}

// RevokeCustomerLink stops every customer QR link printed so far for a job;
// documents printed afterwards carry a new one.
type RevokeCustomerLink struct {
	kind
	JobRef
}

func (c *RevokeCustomerLink) CommandType() string { return "revoke_customer_link" }

func (c *RevokeCustomerLink) apply(d *Draft, a Actor, now time.Time) (result, error) {
	j, err := d.editJob(c.JobID, now)
	if err != nil {
		return result{}, err
	}
	j.CustomerLinkGen++
	return jobResult(j), nil
}
