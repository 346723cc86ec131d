package shop

import "time"

// BookAppointment books a slot.
type BookAppointment struct {
	kind
	At         time.Time `json:"at"`
	CustomerID string    `json:"customer_id"`
	VehicleID  string    `json:"vehicle_id"`
	Requested  string    `json:"requested"`
	AdvisorID  string    `json:"advisor_id"`
	// Parts, if known, are prepared by the counter the day before.
	Parts []PartLine `json:"parts,omitempty"`
	// Hours is the labour the work is estimated to need; 0 counts
	// DefaultBookingHours. OverCapacity is the advisor's reason for
	// booking a full slot or day: a full slot warns and books, it does
	// not refuse (capacity.go).
	Hours        float64 `json:"hours,omitempty"`
	OverCapacity string  `json:"over_capacity,omitempty"`
}

func (c *BookAppointment) CommandType() string { return "book_appointment" }

func (c *BookAppointment) apply(d *Draft, a Actor, now time.Time) (result, error) {
	var p problems
	if c.At.Before(now.Add(-time.Hour)) || c.At.After(now.AddDate(1, 0, 0)) {
		p.add("at", "must be between now and a year ahead")
	}
	checkVehicle(d, &p, c.CustomerID, c.VehicleID)
	checkText(&p, "requested", c.Requested, maxText, true)
	checkLines(&p, nil, c.Parts)
	if c.Hours < 0 || c.Hours > MaxBookingHours {
		p.add("hours", "must be between 0 and %d", MaxBookingHours)
	}
	checkText(&p, "over_capacity", c.OverCapacity, maxName, false)
	if c.AdvisorID != "" {
		if u := d.users.get(c.AdvisorID); u == nil || !u.Has(RoleAdvisor) {
			p.add("advisor_id", "is not an advisor")
		}
	}
	if err := p.err(); err != nil {
		return result{}, err
	}
	ap := &Appointment{ID: d.newID("ap"), At: c.At, CustomerID: c.CustomerID, VehicleID: c.VehicleID,
		Requested: c.Requested, AdvisorID: c.AdvisorID, Parts: append([]PartLine(nil), c.Parts...), Status: ApptBooked,
		Hours: c.Hours, OverCapacity: c.OverCapacity, BookedFrom: a.DeviceID, BookedAt: now}
	ap.Prep.AdvisorAssigned = c.AdvisorID != ""
	set(d, &d.appointments, ap.ID, ap)
	return result{subject: ap.ID}, nil
}

func checkVehicle(d *Draft, p *problems, customerID, vehicleID string) {
	if d.customers.get(customerID) == nil {
		p.add("customer_id", "is not a customer")
	}
	if v := d.vehicles.get(vehicleID); v == nil {
		p.add("vehicle_id", "is not a vehicle")
	} else if v.CustomerID != customerID {
		p.add("vehicle_id", "belongs to another customer")
	}
}

// UpdateAppointment ticks the prep checklist, assigns the advisor (the day
// before, seed 002), or marks a no-show or cancellation.
type UpdateAppointment struct {
	kind
	ID        string            `json:"id"`
	Prep      *Prep             `json:"prep,omitempty"`
	AdvisorID string            `json:"advisor_id,omitempty"`
	Status    AppointmentStatus `json:"status,omitempty"`
}

func (c *UpdateAppointment) CommandType() string { return "update_appointment" }

func (c *UpdateAppointment) apply(d *Draft, a Actor, now time.Time) (result, error) {
	old := d.appointments.get(c.ID)
	if old == nil {
		return result{}, notFound("appointment", c.ID)
	}
	ap := *old
	if c.Prep != nil {
		ap.Prep = *c.Prep
	}
	if c.AdvisorID != "" {
		if u := d.users.get(c.AdvisorID); u == nil || !u.Has(RoleAdvisor) {
			return result{}, (&problems{{Field: "advisor_id", Message: "is not an advisor"}}).err()
		}
		if old.Status != ApptBooked {
			return result{}, conflict("appointment %s is %s, not booked", c.ID, old.Status)
		}
		ap.AdvisorID, ap.Prep.AdvisorAssigned = c.AdvisorID, true
	}
	switch c.Status {
	case "":
	case ApptNoShow, ApptCancelled:
		if old.Status != ApptBooked {
			return result{}, conflict("appointment %s is %s, not booked", c.ID, old.Status)
		}
		ap.Status = c.Status
	default:
		return result{}, (&problems{{Field: "status", Message: "must be no_show or cancelled (arrival opens a job)"}}).err()
	}
	set(d, &d.appointments, ap.ID, &ap)
	return result{subject: ap.ID}, nil
}
