package shop

import "time"

// FindingInput is extra work a technician proposes.
type FindingInput struct {
	Description string     `json:"description"`
	Hours       float64    `json:"hours"`
	Parts       []PartLine `json:"parts,omitempty"`
	Price       Money      `json:"price"`
}

func (f *FindingInput) check(p *problems, prefix string) {
	checkText(p, prefix+"description", f.Description, maxText, true)
	if f.Hours < 0 || f.Hours > MaxLineHours {
		p.add(prefix+"hours", "must be between 0 and %d", MaxLineHours)
	}
	checkMoney(p, prefix+"price", f.Price, MaxJobTotal)
	checkLines(p, nil, f.Parts)
}

func addFinding(d *Draft, a Actor, jobID string, in FindingInput, now time.Time) *Finding {
	f := &Finding{ID: d.newID("fi"), JobID: jobID, Description: in.Description, Hours: in.Hours,
		Parts: append([]PartLine(nil), in.Parts...), Price: in.Price, Status: FindingAwaiting,
		ReportedBy: actorName(a), ReportedAt: now}
	set(d, &d.findings, f.ID, f)
	return f
}

func (d *Draft) jobFindings(jobID string) []*Finding {
	return ofJob(&d.findings, jobID, func(f *Finding) string { return f.JobID })
}

// awaitingFinding returns a finding of a job that awaits the customer's
// decision, or nil: the work is not finished while one does.
func (d *Draft) awaitingFinding(jobID string) *Finding {
	for _, f := range d.jobFindings(jobID) {
		if f.Status == FindingAwaiting {
			return f
		}
	}
	return nil
}

// ReportFinding proposes extra work without pausing the job.
type ReportFinding struct {
	kind
	JobID string `json:"job_id"`
	FindingInput
}

func (c *ReportFinding) CommandType() string { return "report_finding" }

func (c *ReportFinding) apply(d *Draft, a Actor, now time.Time) (result, error) {
	var p problems
	c.FindingInput.check(&p, "")
	if err := p.err(); err != nil {
		return result{}, err
	}
	if err := c.permit(d, a); err != nil {
		return result{}, err
	}
	j := d.jobs.get(c.JobID)
	f := addFinding(d, a, j.ID, c.FindingInput, now)
	return result{subject: f.ID, job: j.ID}, nil
}

// DecideFinding records the customer's approval or refusal of extra work,
// given on their own page or taken by the advisor on the phone. Approved
// work joins the job's estimate.
type DecideFinding struct {
	kind
	FindingID string `json:"finding_id"`
	Approve   bool   `json:"approve"`
	Via       string `json:"via"` // customer_page, phone, in_person
}

func (c *DecideFinding) CommandType() string { return "decide_finding" }

func (c *DecideFinding) apply(d *Draft, a Actor, now time.Time) (result, error) {
	switch c.Via {
	case "customer_page", "phone", "in_person":
	default:
		return result{}, (&problems{{Field: "via", Message: "must be customer_page, phone or in_person"}}).err()
	}
	if err := c.permit(d, a); err != nil {
		return result{}, err
	}
	f := *d.findings.get(c.FindingID)
	f.Status = FindingDeclined
	if c.Approve {
		f.Status = FindingApproved
	}
	at := now
	f.DecidedBy, f.DecidedVia, f.DecidedAt = actorName(a), c.Via, &at
	set(d, &d.findings, f.ID, &f)
	j, err := d.editJob(f.JobID, now)
	if err != nil {
		return result{}, err
	}
	if c.Approve {
		labourPrice := f.Price
		for _, pl := range f.Parts {
			labourPrice -= pl.Total()
		}
		if labourPrice < 0 {
			labourPrice = 0
		}
		j.Labour = append(j.Labour, Labour{Name: f.Description, SoldHours: f.Hours, Price: labourPrice})
		j.Parts = append(j.Parts, f.Parts...)
		// Each finding is bounded; the job it joins must stay so too.
		var p problems
		checkJobBounds(&p, j.Labour, j.Parts)
		if err := p.err(); err != nil {
			return result{}, err
		}
	} else {
		// Declined work stays with the car, offered at its next visit.
		recommendDeclined(d, &f, j, now)
	}
	return result{subject: f.ID, job: f.JobID}, nil
}

// WithdrawFinding takes back extra work that awaits the customer's
// decision: found unneeded, or to be done under another job. The job may
// then be finished, delivered or cancelled; the customer's page no longer
// asks about it.
type WithdrawFinding struct {
	kind
	FindingID string `json:"finding_id"`
	Reason    string `json:"reason"`
}

func (c *WithdrawFinding) CommandType() string { return "withdraw_finding" }

func (c *WithdrawFinding) apply(d *Draft, a Actor, now time.Time) (result, error) {
	var p problems
	checkText(&p, "reason", c.Reason, maxText, true)
	if err := p.err(); err != nil {
		return result{}, err
	}
	if err := c.permit(d, a); err != nil {
		return result{}, err
	}
	f := *d.findings.get(c.FindingID)
	at := now
	f.Status = FindingWithdrawn
	// The reason stays in the command's event, the job's history.
	f.DecidedBy, f.DecidedAt = actorName(a), &at
	set(d, &d.findings, f.ID, &f)
	if _, err := d.editJob(f.JobID, now); err != nil {
		return result{}, err
	}
	return result{subject: f.ID, job: f.JobID}, nil
}
