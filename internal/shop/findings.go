package shop

import "time"

// FindingInput is extra work a technician proposes: what, why, the hours
// and the parts it needs. The price is the advisor's (PriceFinding); a
// technician may suggest one, which the advisor sees and the customer
// never does.
type FindingInput struct {
	Description    string     `json:"description"`
	Why            string     `json:"why,omitempty"`
	Hours          float64    `json:"hours"`
	Parts          []PartLine `json:"parts,omitempty"`
	SuggestedPrice Money      `json:"suggested_price,omitempty"`
}

func (f *FindingInput) check(p *problems, prefix string) {
	checkText(p, prefix+"description", f.Description, maxText, true)
	checkText(p, prefix+"why", f.Why, maxText, false)
	checkFindingHours(p, prefix+"hours", f.Hours)
	checkMoney(p, prefix+"suggested_price", f.SuggestedPrice, MaxJobTotal)
	checkLines(p, nil, f.Parts)
}

func checkFindingHours(p *problems, field string, hours float64) {
	if hours < 0 || hours > MaxLineHours {
		p.add(field, "must be between 0 and %d", MaxLineHours)
	}
}

func addFinding(d *Draft, a Actor, jobID string, in FindingInput, now time.Time) *Finding {
	f := &Finding{ID: d.newID("fi"), JobID: jobID, Description: in.Description, Why: in.Why, Hours: in.Hours,
		Parts: append([]PartLine{}, in.Parts...), SuggestedPrice: in.SuggestedPrice, Status: FindingProposed,
		ReportedBy: actorName(a), ReportedAt: now}
	set(d, &d.findings, f.ID, f)
	return f
}

func (d *Draft) jobFindings(jobID string) []*Finding {
	return ofJob(&d.findings, jobID, func(f *Finding) string { return f.JobID })
}

// Undecided says whether extra work still waits for someone: the advisor
// to price and send it, or the customer to decide.
func (f *Finding) Undecided() bool {
	return f.Status == FindingProposed || f.Status == FindingAwaiting
}

// undecidedFinding returns a finding of a job that is proposed or awaits
// the customer's decision, or nil: the work is not finished, nor the job
// closed, while one does.
func (d *Draft) undecidedFinding(jobID string) *Finding {
	for _, f := range d.jobFindings(jobID) {
		if f.Undecided() {
			return f
		}
	}
	return nil
}

// ReportFinding proposes extra work without pausing the job. The finding
// is proposed: the advisor prices and sends it (PriceFinding) before the
// customer sees it.
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
	// Who is the person who agreed, when not the customer on record
	// (someone speaking for them on the phone); empty: the customer.
	Who string `json:"who,omitempty"`
}

func (c *DecideFinding) CommandType() string { return "decide_finding" }

func (c *DecideFinding) apply(d *Draft, a Actor, now time.Time) (result, error) {
	switch c.Via {
	case "customer_page", "phone", "in_person":
	default:
		return result{}, (&problems{{Field: "via", Message: "must be customer_page, phone or in_person"}}).err()
	}
	var p problems
	checkText(&p, "who", c.Who, maxName, false)
	if err := p.err(); err != nil {
		return result{}, err
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
		// After signing, the approval is the customer's consent to a new
		// scope; before, the work joins the estimate they will sign.
		if j.Signed() != nil {
			d.revise(j, RevisionInput{Kind: RevisionFinding, Reason: f.Description, FindingID: f.ID,
				Consent: Consent{Via: ConsentVia(c.Via), Who: c.Who}}, a, now)
		}
	} else {
		// Declined work stays with the car, offered at its next visit.
		recommendDeclined(d, &f, j, now)
	}
	return result{subject: f.ID, job: f.JobID}, nil
}

// WithdrawFinding takes back extra work that is proposed or awaits the
// customer's decision: found unneeded, or to be done under another job. The job may
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

// PriceFinding is the advisor's price for proposed extra work: the
// labour at the shop's rate (Settings.LabourRate × hours) unless the
// advisor sets LabourPrice, and the parts at the catalogue's price for
// the numbers it knows (a price given for such a part is not used), at
// the advisor's for the rest. Hours and Parts, when given, replace the
// technician's. The advisor may price again until the customer decides;
// Send sends the priced finding to the customer (awaiting), and pricing
// a sent finding again without Send takes it back off the customer's
// page until it is sent again, so the customer never decides on a price
// being changed.
type PriceFinding struct {
	kind
	FindingID   string      `json:"finding_id"`
	Hours       *float64    `json:"hours,omitempty"`
	LabourPrice *Money      `json:"labour_price,omitempty"`
	Parts       *[]PartLine `json:"parts,omitempty"`
	Send        bool        `json:"send"`
}

func (c *PriceFinding) CommandType() string { return "price_finding" }

func (c *PriceFinding) apply(d *Draft, a Actor, now time.Time) (result, error) {
	var p problems
	if c.Hours != nil {
		checkFindingHours(&p, "hours", *c.Hours)
	}
	if c.LabourPrice != nil {
		checkMoney(&p, "labour_price", *c.LabourPrice, MaxLinePrice)
	}
	if c.Parts != nil {
		checkLines(&p, nil, *c.Parts)
	}
	if err := p.err(); err != nil {
		return result{}, err
	}
	if err := c.permit(d, a); err != nil {
		return result{}, err
	}
	f := *d.findings.get(c.FindingID)
	if c.Hours != nil {
		f.Hours = *c.Hours
	}
	parts := f.Parts
	if c.Parts != nil {
		parts = *c.Parts
	}
	// The catalogue's prices may take a line past its bound.
	f.Parts = d.catalogPriced(parts)
	checkLines(&p, nil, f.Parts)
	switch {
	case c.LabourPrice != nil:
		f.LabourPrice = *c.LabourPrice
	case f.Hours == 0:
		f.LabourPrice = 0
	case d.Settings().LabourRate == 0:
		p.add("labour_price", "the shop has no labour rate in its settings: give the labour's price")
	default:
		f.LabourPrice = d.Settings().LabourRate.times(f.Hours)
		checkMoney(&p, "hours", f.LabourPrice, MaxLinePrice)
	}
	f.Price = f.LabourPrice
	for _, pl := range f.Parts {
		f.Price = f.Price.add(pl.Total())
	}
	checkMoney(&p, "price", f.Price, MaxJobTotal)
	if err := p.err(); err != nil {
		return result{}, err
	}
	at := now
	f.PricedBy, f.PricedAt = actorName(a), &at
	f.Status, f.SentAt = FindingProposed, nil
	if c.Send {
		f.Status, f.SentAt = FindingAwaiting, &at
	}
	set(d, &d.findings, f.ID, &f)
	if _, err := d.editJob(f.JobID, now); err != nil {
		return result{}, err
	}
	return result{subject: f.ID, job: f.JobID}, nil
}

// catalogPriced returns a copy of part lines with the catalogue's unit
// price for each number it knows.
func (d *Draft) catalogPriced(parts []PartLine) []PartLine {
	out := make([]PartLine, len(parts))
	for i, pl := range parts {
		if cp := d.catalogParts.get(pl.Number); pl.Number != "" && cp != nil {
			pl.UnitPrice = cp.UnitPrice
		}
		out[i] = pl
	}
	return out
}
