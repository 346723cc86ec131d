package shop

import (
	"fmt"
	"sort"
	"time"
)

// This file is the car's history: the work a vehicle had at its past
// visits, the work recommended and not done (建议维修项目) — extra work the
// customer declined, and what a team leader, technician or advisor noted
// for next time — offered again at the next visit, and the next service
// agreed at delivery, which feeds the reminder calls.

// RecommendationStatus is where a recommendation stands.
type RecommendationStatus string

const (
	// RecommendationOpen is still to offer the customer.
	RecommendationOpen RecommendationStatus = "open"
	// RecommendationTaken went into a later job's estimate (TakenByJob).
	RecommendationTaken RecommendationStatus = "taken"
	// RecommendationDone was done elsewhere or otherwise settled.
	RecommendationDone RecommendationStatus = "done"
	// RecommendationDismissed is no longer worth offering.
	RecommendationDismissed RecommendationStatus = "dismissed"
)

// Recommendation is work recommended for a vehicle and not done yet
// (建议维修项目): a finding the customer declined, or a note of the team
// leader, a technician or the advisor. It belongs to the car, not to the
// job where it was seen, so it outlives that job and is offered at the
// car's next visit.
type Recommendation struct {
	ID        string `json:"id"`
	VehicleID string `json:"vehicle_id"`
	// JobID is the visit where the work was seen, if any.
	JobID string `json:"job_id,omitempty"`
	// FindingID is the declined finding it comes from, if any.
	FindingID   string     `json:"finding_id,omitempty"`
	Description string     `json:"description"`
	Hours       float64    `json:"hours"`
	LabourPrice Money      `json:"labour_price"`
	Parts       []PartLine `json:"parts"`
	// Safety marks work the car is unsafe without (seed 002: a refused
	// safety item is signed for by the customer at delivery).
	Safety     bool                 `json:"safety,omitempty"`
	Status     RecommendationStatus `json:"status"`
	RecordedBy string               `json:"recorded_by"`
	RecordedAt time.Time            `json:"recorded_at"`
	ClosedBy   string               `json:"closed_by,omitempty"`
	ClosedAt   *time.Time           `json:"closed_at,omitempty"`
	// Reason says why it was marked done or dismissed.
	Reason     string `json:"reason,omitempty"`
	TakenByJob string `json:"taken_by_job,omitempty"`
}

// Total is the recommendation's labour and parts.
func (r *Recommendation) Total() Money { return TotalOf(r.Labour(), r.Parts) }

// Labour is the recommendation's work as one labour line, as an estimate
// takes it.
func (r *Recommendation) Labour() []Labour {
	return []Labour{{Name: truncateName(r.Description), SoldHours: r.Hours, Price: r.LabourPrice}}
}

// truncateName fits a description into a line's name (maxName runes).
func truncateName(s string) string {
	runes := []rune(s)
	if len(runes) <= maxName {
		return s
	}
	return string(runes[:maxName-1]) + "…"
}

// RecommendationInput is what a person records as recommended work.
type RecommendationInput struct {
	Description string     `json:"description"`
	Hours       float64    `json:"hours"`
	LabourPrice Money      `json:"labour_price"`
	Parts       []PartLine `json:"parts,omitempty"`
	Safety      bool       `json:"safety,omitempty"`
}

func (in *RecommendationInput) check(p *problems) {
	checkText(p, "description", in.Description, maxText, true)
	if in.Hours < 0 || in.Hours > MaxLineHours {
		p.add("hours", "must be between 0 and %d", MaxLineHours)
	}
	checkMoney(p, "labour_price", in.LabourPrice, MaxLinePrice)
	checkLines(p, nil, in.Parts)
}

// RecordRecommendation notes work a vehicle should have and will not have
// at this visit: the team leader or a technician from the floor on a job
// of theirs, the advisor on any of the shop's cars.
type RecordRecommendation struct {
	kind
	VehicleID string `json:"vehicle_id"`
	JobID     string `json:"job_id,omitempty"`
	RecommendationInput
}

func (c *RecordRecommendation) CommandType() string { return "record_recommendation" }

func (c *RecordRecommendation) apply(d *Draft, a Actor, now time.Time) (result, error) {
	var p problems
	c.RecommendationInput.check(&p)
	if err := p.err(); err != nil {
		return result{}, err
	}
	if err := c.permit(d, a); err != nil {
		return result{}, err
	}
	r := recordRecommendation(d, a, c.VehicleID, c.JobID, c.RecommendationInput, now)
	return result{subject: r.ID, job: c.JobID}, nil
}

// recordRecommendation adds an open recommendation for a vehicle, seen on
// a job (or none), as the actor recorded it.
func recordRecommendation(d *Draft, a Actor, vehicleID, jobID string, in RecommendationInput, now time.Time) *Recommendation {
	r := &Recommendation{ID: d.newID("re"), VehicleID: vehicleID, JobID: jobID, Description: in.Description,
		Hours: in.Hours, LabourPrice: in.LabourPrice, Parts: append([]PartLine{}, in.Parts...), Safety: in.Safety,
		Status: RecommendationOpen, RecordedBy: actorName(a), RecordedAt: now}
	set(d, &d.recommendations, r.ID, r)
	return r
}

// CloseRecommendation marks a recommendation done (elsewhere, or by the
// customer's own arrangement) or dismissed, with the reason.
type CloseRecommendation struct {
	kind
	RecommendationID string               `json:"recommendation_id"`
	Status           RecommendationStatus `json:"status"` // done or dismissed
	Reason           string               `json:"reason"`
}

func (c *CloseRecommendation) CommandType() string { return "close_recommendation" }

func (c *CloseRecommendation) apply(d *Draft, a Actor, now time.Time) (result, error) {
	var p problems
	if c.Status != RecommendationDone && c.Status != RecommendationDismissed {
		p.add("status", "must be done or dismissed")
	}
	checkText(&p, "reason", c.Reason, maxText, true)
	if err := p.err(); err != nil {
		return result{}, err
	}
	if err := c.permit(d, a); err != nil {
		return result{}, err
	}
	r := *d.recommendations.get(c.RecommendationID)
	at := now
	r.Status, r.Reason, r.ClosedBy, r.ClosedAt = c.Status, c.Reason, actorName(a), &at
	set(d, &d.recommendations, r.ID, &r)
	return result{subject: r.ID}, nil
}

// openRecommendation checks that a recommendation exists and is open.
func (d *Draft) openRecommendation(id string) error {
	r := d.recommendations.get(id)
	switch {
	case r == nil:
		return notFound("recommendation", id)
	case r.Status != RecommendationOpen:
		return conflict("recommendation %s is %s already", id, r.Status)
	}
	return nil
}

// checkTaken checks the recommendations a new job takes into its
// estimate: each open, the job's vehicle's, named once.
func checkTaken(d *Draft, p *problems, vehicleID string, ids []string) {
	seen := map[string]bool{}
	for i, id := range ids {
		field := fmt.Sprintf("recommendation_ids[%d]", i)
		r := d.recommendations.get(id)
		switch {
		case r == nil:
			p.add(field, "is not a recommendation")
		case seen[id]:
			p.add(field, "is named twice")
		case r.VehicleID != vehicleID:
			p.add(field, "is for another vehicle")
		case r.Status != RecommendationOpen:
			p.add(field, "is %s already", r.Status)
		}
		seen[id] = true
	}
}

// takeRecommendations closes the recommendations a job took into its
// estimate: the customer agreed to the work, so it is no longer offered.
func takeRecommendations(d *Draft, a Actor, jobID string, ids []string, now time.Time) {
	for _, id := range ids {
		r := *d.recommendations.get(id)
		at := now
		r.Status, r.TakenByJob, r.ClosedBy, r.ClosedAt = RecommendationTaken, jobID, actorName(a), &at
		set(d, &d.recommendations, r.ID, &r)
	}
}

// reopenTaken offers again the recommendations a cancelled job had
// taken: the work was not done.
func reopenTaken(d *Draft, jobID string) {
	var taken []*Recommendation
	d.recommendations.each(func(r *Recommendation) {
		if r.Status == RecommendationTaken && r.TakenByJob == jobID {
			taken = append(taken, r)
		}
	})
	for _, r := range taken {
		open := *r
		open.Status, open.TakenByJob, open.ClosedBy, open.ClosedAt = RecommendationOpen, "", "", nil
		set(d, &d.recommendations, open.ID, &open)
	}
}

// recommendDeclined keeps a finding the customer declined as a
// recommendation for the car, offered again at its next visit.
func recommendDeclined(d *Draft, f *Finding, j *Job, now time.Time) {
	r := &Recommendation{ID: d.newID("re"), VehicleID: j.VehicleID, JobID: j.ID, FindingID: f.ID,
		Description: f.Description, Hours: f.Hours, Parts: append([]PartLine{}, f.Parts...),
		Status: RecommendationOpen, RecordedBy: f.ReportedBy, RecordedAt: now}
	r.LabourPrice = findingLabourPrice(f)
	set(d, &d.recommendations, r.ID, r)
}

// findingLabourPrice is a finding's price less its parts: what its labour
// line costs.
func findingLabourPrice(f *Finding) Money {
	price := f.Price
	for _, pl := range f.Parts {
		price -= pl.Total()
	}
	return max(price, 0)
}

// VehicleRecommendations returns a vehicle's open recommendations, oldest
// first.
func (s *State) VehicleRecommendations(vehicleID string) []*Recommendation {
	out := []*Recommendation{}
	for _, r := range s.Recommendations {
		if r.VehicleID == vehicleID && r.Status == RecommendationOpen {
			out = append(out, r)
		}
	}
	sortRecommendations(out)
	return out
}

// sortRecommendations orders recommendations oldest first.
func sortRecommendations(out []*Recommendation) {
	sort.Slice(out, func(a, b int) bool {
		if !out[a].RecordedAt.Equal(out[b].RecordedAt) {
			return out[a].RecordedAt.Before(out[b].RecordedAt)
		}
		return out[a].ID < out[b].ID
	})
}

// Visit is one past visit of a vehicle: when it came, at what mileage,
// what was done, who received it.
type Visit struct {
	JobID       string     `json:"job_id"`
	Stage       Stage      `json:"stage"` // delivered or cancelled
	At          time.Time  `json:"at"`    // when the car came in
	DeliveredAt *time.Time `json:"delivered_at,omitempty"`
	MileageKM   int        `json:"mileage_km"`
	Requests    string     `json:"requests"`
	Labour      []Labour   `json:"labour"`
	Parts       []PartLine `json:"parts"`
	Total       Money      `json:"total"`
	AdvisorID   string     `json:"advisor_id"`
	Advisor     string     `json:"advisor"`
}

// VehicleHistory is what the shop knows of a car's past: its visits,
// newest first, the work still recommended, and the next service due. It
// holds no customer's name or phone: the floor reads it too.
type VehicleHistory struct {
	Vehicle         *Vehicle          `json:"vehicle"`
	Visits          []Visit           `json:"visits"`
	Recommendations []*Recommendation `json:"recommendations"`
	NextService     *NextService      `json:"next_service,omitempty"`
	// ServiceDueAt is when the next service falls due, by date or by the
	// mileage expected then, whichever comes first.
	ServiceDueAt *time.Time `json:"service_due_at,omitempty"`
}

// VehicleHistoryOf builds a vehicle's history from its jobs (read from the
// data file: a job closed long ago is no longer live) and the live state,
// whose copy of a job wins. Open jobs are the present, not the history.
func (s *State) VehicleHistoryOf(vehicleID string, stored []*Job) (*VehicleHistory, error) {
	v := s.Vehicles[vehicleID]
	if v == nil {
		return nil, notFound("vehicle", vehicleID)
	}
	jobs := map[string]*Job{}
	for _, j := range stored {
		if j.VehicleID == vehicleID {
			jobs[j.ID] = j
		}
	}
	for _, j := range s.Jobs {
		if j.VehicleID == vehicleID {
			jobs[j.ID] = j
		}
	}
	h := &VehicleHistory{Vehicle: v, Visits: []Visit{}, Recommendations: s.VehicleRecommendations(vehicleID), NextService: v.NextService}
	for _, j := range jobs {
		if j.Stage.Open() {
			continue
		}
		visit := Visit{JobID: j.ID, Stage: j.Stage, At: j.CreatedAt, MileageKM: j.WalkAround.MileageKM, Requests: j.Requests,
			Labour: append([]Labour{}, j.Labour...), Parts: j.BilledParts(), Total: j.Settlement().Gross, AdvisorID: j.AdvisorID}
		if j.Stage == StageDelivered {
			at := j.EnteredStage(StageDelivered)
			visit.DeliveredAt = &at
		}
		if u := s.Users[j.AdvisorID]; u != nil {
			visit.Advisor = u.Name
		}
		h.Visits = append(h.Visits, visit)
	}
	sort.Slice(h.Visits, func(a, b int) bool {
		if !h.Visits[a].At.Equal(h.Visits[b].At) {
			return h.Visits[a].At.After(h.Visits[b].At)
		}
		return h.Visits[a].JobID > h.Visits[b].JobID
	})
	if v.NextService != nil {
		due, _ := v.NextService.DueAt()
		h.ServiceDueAt = &due
	}
	return h, nil
}
