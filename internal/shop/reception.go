package shop

import (
	"fmt"
	"time"
)

// PutCustomer creates or changes a customer.
type PutCustomer struct {
	kind
	Customer Customer `json:"customer"`
}

func (c *PutCustomer) CommandType() string { return "put_customer" }

func (c *PutCustomer) apply(d *Draft, a Actor, now time.Time) (result, error) {
	var p problems
	cu := c.Customer
	checkText(&p, "customer.name", cu.Name, maxName, true)
	if ph, ok := ParsePhone(cu.Phone); ok {
		cu.Phone = ph
	} else {
		p.add("customer.phone", "is not a phone number")
	}
	old := d.customers.get(cu.ID)
	if cu.Messages != nil {
		prefs := checkMessagePrefs(&p, *cu.Messages, old, now)
		cu.Messages = &prefs
	} else if old != nil {
		cu.Messages = old.Messages
	}
	if err := p.err(); err != nil {
		return result{}, err
	}
	return upsert(d, &d.customers, "customer", "cu", &cu.ID, &cu)
}

// PutVehicle creates or changes a vehicle.
type PutVehicle struct {
	kind
	Vehicle Vehicle `json:"vehicle"`
}

func (c *PutVehicle) CommandType() string { return "put_vehicle" }

func (c *PutVehicle) apply(d *Draft, a Actor, now time.Time) (result, error) {
	var p problems
	v := c.Vehicle
	if d.customers.get(v.CustomerID) == nil {
		p.add("vehicle.customer_id", "is not a customer")
	}
	if plate, ok := ParsePlate(v.Plate); ok {
		v.Plate = plate
		d.vehicles.each(func(o *Vehicle) {
			if PlateKey(o.Plate) == PlateKey(plate) && o.ID != v.ID {
				p.add("vehicle.plate", "is registered already")
			}
		})
	} else {
		p.add("vehicle.plate", "is not a licence plate (such as 京A·12345)")
	}
	if v.VIN != "" {
		if vin, ok := ParseVIN(v.VIN); ok {
			v.VIN = vin
		} else {
			p.add("vehicle.vin", "is not a valid 17-character VIN")
		}
	}
	checkText(&p, "vehicle.model", v.Model, maxName, false)
	if v.MileageKM < 0 || v.MileageKM > 3_000_000 {
		p.add("vehicle.mileage_km", "must be between 0 and 3000000")
	}
	if err := p.err(); err != nil {
		return result{}, err
	}
	// The next service is the deliveries' to set, not the form's.
	v.NextService = nil
	if old := d.vehicles.get(v.ID); old != nil {
		v.NextService = old.NextService
	}
	return upsert(d, &d.vehicles, "vehicle", "ve", &v.ID, &v)
}

// Estimate is what the advisor agrees with the customer at reception.
type Estimate struct {
	Requests     string     `json:"requests"`
	Labour       []Labour   `json:"labour"`
	Parts        []PartLine `json:"parts"`
	PromisedAt   time.Time  `json:"promised_at"`
	Wash         bool       `json:"wash"`
	KeepOldParts bool       `json:"keep_old_parts"`
	WalkAround   WalkAround `json:"walk_around"`
	FollowUpAt   *time.Time `json:"follow_up_at,omitempty"`
}

func (e *Estimate) check(p *problems, now time.Time, createdAt time.Time) {
	checkText(p, "requests", e.Requests, maxText, true)
	checkLines(p, e.Labour, e.Parts)
	if e.PromisedAt.IsZero() {
		p.add("promised_at", "is required")
	} else if e.PromisedAt.Before(createdAt) || e.PromisedAt.After(createdAt.AddDate(0, 3, 0)) {
		p.add("promised_at", "must be after the car arrived and within three months")
	}
	w := e.WalkAround
	if w.FuelPercent < 0 || w.FuelPercent > 100 {
		p.add("walk_around.fuel_percent", "must be between 0 and 100")
	}
	if w.MileageKM < 0 || w.MileageKM > 3_000_000 {
		p.add("walk_around.mileage_km", "must be between 0 and 3000000")
	}
	checkText(p, "walk_around.damage", w.Damage, maxText, false)
	checkText(p, "walk_around.valuables", w.Valuables, maxText, false)
	checkText(p, "walk_around.notes", w.Notes, maxText, false)
	if e.FollowUpAt != nil && (e.FollowUpAt.Before(createdAt) || e.FollowUpAt.After(createdAt.AddDate(0, 6, 0))) {
		p.add("follow_up_at", "must be after the car arrived and within six months")
	}
}

func (e *Estimate) applyTo(j *Job) {
	j.Requests = e.Requests
	j.Labour = append([]Labour(nil), e.Labour...)
	j.Parts = append([]PartLine(nil), e.Parts...)
	j.PromisedAt = e.PromisedAt
	j.Wash = e.Wash
	j.KeepOldParts = e.KeepOldParts
	j.WalkAround = e.WalkAround
	j.FollowUpAt = e.FollowUpAt
}

// OpenJob receives a car: it opens a job in reception, from an appointment
// or as a walk-in.
type OpenJob struct {
	kind
	AppointmentID string `json:"appointment_id,omitempty"`
	CustomerID    string `json:"customer_id"`
	VehicleID     string `json:"vehicle_id"`
	AdvisorID     string `json:"advisor_id,omitempty"`
	Priority      int    `json:"priority"`
	// RecommendationIDs are the car's recommendations this job's estimate
	// takes (history.go): they close when the job opens.
	RecommendationIDs []string `json:"recommendation_ids,omitempty"`
	Estimate
}

func (c *OpenJob) CommandType() string { return "open_job" }

func (c *OpenJob) apply(d *Draft, a Actor, now time.Time) (result, error) {
	var p problems
	checkVehicle(d, &p, c.CustomerID, c.VehicleID)
	c.Estimate.check(&p, now, now)
	if c.Priority < 0 || c.Priority > 9 {
		p.add("priority", "must be between 0 and 9")
	}
	advisor := c.AdvisorID
	if advisor == "" {
		advisor = a.UserID
	}
	if u := d.users.get(advisor); u == nil && !a.System {
		p.add("advisor_id", "is not a user")
	}
	var ap *Appointment
	if c.AppointmentID != "" {
		if ap = d.appointments.get(c.AppointmentID); ap == nil {
			p.add("appointment_id", "is not an appointment")
		} else if ap.Status != ApptBooked {
			p.add("appointment_id", "is %s, not booked", ap.Status)
		} else if ap.VehicleID != c.VehicleID {
			p.add("appointment_id", "is for another vehicle")
		}
	}
	d.jobs.each(func(j *Job) {
		if j.VehicleID == c.VehicleID && j.Stage.Open() {
			p.add("vehicle_id", "has an open job already: %s", j.ID)
		}
	})
	checkTaken(d, &p, c.VehicleID, c.RecommendationIDs)
	if err := p.err(); err != nil {
		return result{}, err
	}
	day := now.In(d.location()).Format("20060102")
	id := fmt.Sprintf("%s-%04d", day, d.next("job:"+day))
	j := &Job{ID: id, AppointmentID: c.AppointmentID, CustomerID: c.CustomerID, VehicleID: c.VehicleID,
		AdvisorID: advisor, Stage: StageReception, Priority: c.Priority, CreatedAt: now, UpdatedAt: now,
		Stages: []StageChange{{Stage: StageReception, At: now}}, OpenedFrom: a.DeviceID}
	if cu := d.customers.get(c.CustomerID); cu.Key && j.Priority < 5 {
		j.Priority = 5 // key customers go first (seed 001)
	}
	c.Estimate.applyTo(j)
	set(d, &d.jobs, id, j)
	takeRecommendations(d, a, id, c.RecommendationIDs, now)
	if ap != nil {
		arrived := *ap
		arrived.Status, arrived.JobID = ApptArrived, id
		set(d, &d.appointments, ap.ID, &arrived)
	}
	if v := d.vehicles.get(c.VehicleID); c.WalkAround.MileageKM > v.MileageKM {
		nv := *v
		nv.MileageKM = c.WalkAround.MileageKM
		set(d, &d.vehicles, nv.ID, &nv)
	}
	return jobResult(j), nil
}

// UpdateEstimate changes the agreed work of an open job. Before the
// customer signs it is the advisor's to edit; after, a change to the
// lines or the promised time is a correction the customer agreed to: it
// carries the reason and the consent, and makes a revision.
type UpdateEstimate struct {
	kind
	JobID string `json:"job_id"`
	Estimate
	Reason  string   `json:"reason,omitempty"`
	Consent *Consent `json:"consent,omitempty"`
}

func (c *UpdateEstimate) CommandType() string { return "update_estimate" }

func (c *UpdateEstimate) apply(d *Draft, a Actor, now time.Time) (result, error) {
	old := d.jobs.get(c.JobID)
	if old == nil {
		return result{}, notFound("job", c.JobID)
	}
	if !old.Stage.Open() {
		return result{}, conflict("job %s is %s and can no longer change", c.JobID, old.Stage)
	}
	var p problems
	c.Estimate.check(&p, now, old.CreatedAt)
	revised := old.Signed() != nil && (!old.PromisedAt.Equal(c.PromisedAt) || !sameLines(old, c.Labour, c.Parts))
	if revised {
		checkText(&p, "reason", c.Reason, maxText, true)
		if c.Consent == nil {
			p.add("consent.via", "is required")
		} else {
			checkStaffConsent(&p, *c.Consent)
		}
	}
	if err := p.err(); err != nil {
		return result{}, err
	}
	j, _ := d.editJob(c.JobID, now)
	c.Estimate.applyTo(j)
	if revised {
		d.revise(j, RevisionInput{Kind: RevisionCorrection, Reason: c.Reason, Consent: *c.Consent}, a, now)
	}
	return jobResult(j), nil
}

// sameLines reports whether a job's lines are the ones given.
func sameLines(j *Job, labour []Labour, parts []PartLine) bool {
	if len(j.Labour) != len(labour) || len(j.Parts) != len(parts) {
		return false
	}
	for i := range labour {
		if j.Labour[i] != labour[i] {
			return false
		}
	}
	for i := range parts {
		if j.Parts[i] != parts[i] {
			return false
		}
	}
	return true
}

// Submit hands a received job, signed by the customer, to dispatch.
type Submit struct {
	kind
	JobRef
}

func (c *Submit) CommandType() string { return "submit" }

func (c *Submit) apply(d *Draft, a Actor, now time.Time) (result, error) {
	if err := c.permit(d, a); err != nil {
		return result{}, err
	}
	r, err := moveJob(d, c.JobID, StageWaitingDispatch, now)
	if err != nil {
		return r, err
	}
	// Submitting is the customer's signature on the work order: the
	// estimate is fixed here, to compare the settlement with.
	j := d.jobs.get(c.JobID)
	at := now
	j.SignedAt, j.Estimated = &at, TotalsOf(j.Labour, j.Parts)
	d.revise(j, RevisionInput{Kind: RevisionSigned, Consent: Consent{Via: ConsentSignature}}, a, now)
	return r, nil
}

// Cancel closes a job without work, with a reason. It is kept, not deleted.
type Cancel struct {
	kind
	JobID  string `json:"job_id"`
	Reason string `json:"reason"`
}

func (c *Cancel) CommandType() string { return "cancel" }

func (c *Cancel) apply(d *Draft, a Actor, now time.Time) (result, error) {
	var p problems
	checkText(&p, "reason", c.Reason, maxText, true)
	if err := p.err(); err != nil {
		return result{}, err
	}
	if err := c.permit(d, a); err != nil {
		return result{}, err
	}
	r, err := moveJob(d, c.JobID, StageCancelled, now)
	if err != nil {
		return r, err
	}
	j := d.jobs.get(c.JobID)
	j.CancelReason = c.Reason
	j.closeClock("", now, "cancelled")
	reopenTaken(d, j.ID)
	for _, pr := range d.jobParts(j.ID) {
		if pr.Open() {
			n := *pr
			n.Status, n.UpdatedAt = PartsCancelled, now
			set(d, &d.parts, n.ID, &n)
		}
	}
	return r, nil
}
