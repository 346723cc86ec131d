package shop

import (
	"fmt"
	"time"
)

// PartItem is a part a technician asks for.
type PartItem struct {
	Number      string  `json:"number,omitempty"`
	Description string  `json:"description"`
	Quantity    float64 `json:"quantity"`
}

func checkPartItems(p *problems, items []PartItem) {
	if len(items) > 50 {
		p.add("parts", "at most 50 parts in one request")
	}
	for i, it := range items {
		f := fmt.Sprintf("parts[%d]", i)
		checkText(p, f+".description", it.Description, maxName, true)
		checkText(p, f+".number", it.Number, 40, false)
		checkQuantity(p, f+".quantity", it.Quantity)
	}
}

func addPartsRequest(d *Draft, a Actor, jobID string, it PartItem, now time.Time) *PartsRequest {
	pr := &PartsRequest{ID: d.newID("pr"), JobID: jobID, Number: it.Number, Description: it.Description,
		Quantity: it.Quantity, Status: PartsRequested, RequestedBy: actorName(a), RequestedAt: now, UpdatedAt: now}
	set(d, &d.parts, pr.ID, pr)
	return pr
}

func (d *Draft) jobParts(jobID string) []*PartsRequest {
	return ofJob(&d.parts, jobID, func(p *PartsRequest) string { return p.JobID })
}

// RequestParts asks the parts counter for parts without pausing the job.
type RequestParts struct {
	kind
	JobID string     `json:"job_id"`
	Parts []PartItem `json:"parts"`
}

func (c *RequestParts) CommandType() string { return "request_parts" }

func (c *RequestParts) apply(d *Draft, a Actor, now time.Time) (result, error) {
	var p problems
	if len(c.Parts) == 0 {
		p.add("parts", "at least one part")
	}
	checkPartItems(&p, c.Parts)
	if err := p.err(); err != nil {
		return result{}, err
	}
	if err := c.permit(d, a); err != nil {
		return result{}, err
	}
	j := d.jobs.get(c.JobID)
	for _, it := range c.Parts {
		addPartsRequest(d, a, j.ID, it, now)
	}
	return jobResult(j), nil
}

// UpdateParts is the parts counter's answer to a request: picked, on
// order with an ETA, or cancelled. It is issued with IssuePart.
type UpdateParts struct {
	kind
	RequestID string      `json:"request_id"`
	Status    PartsStatus `json:"status"`
	ETA       *time.Time  `json:"eta,omitempty"`
}

func (c *UpdateParts) CommandType() string { return "update_parts" }

func (c *UpdateParts) apply(d *Draft, a Actor, now time.Time) (result, error) {
	var p problems
	switch c.Status {
	case PartsIssued:
		// Issuing is issue_part's: the part goes on the job's bill, by its
		// catalogue number and on a ground (the scope, an approved
		// finding, the advisor's allowance), not as a request's status.
		p.add("status", "a part is issued with issue_part, against the job")
	case PartsPicked, PartsCancelled:
		if c.ETA != nil {
			p.add("eta", "only for parts on order")
		}
	case PartsOnOrder:
		if c.ETA == nil {
			p.add("eta", "is required for parts on order")
		} else if c.ETA.Before(now) || c.ETA.After(now.AddDate(0, 6, 0)) {
			p.add("eta", "must be between now and six months ahead")
		}
	default:
		p.add("status", "must be picked, on_order or cancelled")
	}
	if err := p.err(); err != nil {
		return result{}, err
	}
	old := d.parts.get(c.RequestID)
	if old == nil {
		return result{}, notFound("parts request", c.RequestID)
	}
	if !old.Open() {
		return result{}, conflict("parts request %s is %s already", old.ID, old.Status)
	}
	pr := *old
	pr.Status, pr.ETA, pr.UpdatedAt = c.Status, c.ETA, now
	set(d, &d.parts, pr.ID, &pr)
	return result{subject: pr.ID, job: pr.JobID}, nil
}
