package shop

import (
	"sort"
	"time"
)

// The next service agreed at delivery (下次保养: a date, a mileage, or
// both, whichever comes first) stays with the car, not the job: the job
// leaves the live shop a week after delivery, the reminder call comes
// months later.

// DefaultKMPerDay is how far a car is taken to drive a day until two
// deliveries with their mileages tell its own pace: about 15,000 km a
// year, a private car's usual distance in China.
const DefaultKMPerDay = 40.0

// ServiceReminderLead is how long before the next service falls due the
// customer is called to book it: two weeks, time to find a day.
const ServiceReminderLead = 14 * 24 * time.Hour

// NextService is the service agreed at a car's last delivery with one.
type NextService struct {
	JobID string     `json:"job_id"`
	At    *time.Time `json:"at,omitempty"`
	KM    int        `json:"km,omitempty"`
	// FromAt and FromKM are the delivery's time and the mileage read at
	// that visit's reception: where the mileage is counted from.
	FromAt time.Time `json:"from_at"`
	FromKM int       `json:"from_km"`
	// KMPerDay is the car's pace between its last two deliveries, or
	// DefaultKMPerDay.
	KMPerDay   float64    `json:"km_per_day"`
	RemindedAt *time.Time `json:"reminded_at,omitempty"`
	RemindedBy string     `json:"reminded_by,omitempty"`
}

// DueAt is when the next service falls due, and why: "date" when its date
// comes first, "mileage" when the car is expected to reach its mileage
// first (at its pace).
func (n NextService) DueAt() (time.Time, string) {
	var byKM time.Time
	if n.KM > 0 {
		pace := n.KMPerDay
		if pace <= 0 {
			pace = DefaultKMPerDay
		}
		days := float64(n.KM-n.FromKM) / pace
		byKM = n.FromAt.Add(time.Duration(max(days, 0) * float64(24*time.Hour)))
	}
	switch {
	case n.At != nil && (byKM.IsZero() || !byKM.Before(*n.At)):
		return *n.At, "date"
	case !byKM.IsZero():
		return byKM, "mileage"
	}
	return n.FromAt, "date"
}

// scheduleService keeps the next service a delivery agreed on the car.
// A delivery that agrees none (a repair between services) leaves the
// service agreed before. The car's pace comes from the mileage between
// this delivery and the one before, when they are a week or more apart.
func scheduleService(d *Draft, j *Job, at *time.Time, km int, now time.Time) {
	if at == nil && km == 0 {
		return
	}
	v := *d.vehicles.get(j.VehicleID)
	next := &NextService{JobID: j.ID, At: at, KM: km, FromAt: now, FromKM: max(j.WalkAround.MileageKM, v.MileageKM), KMPerDay: DefaultKMPerDay}
	if prev := v.NextService; prev != nil {
		next.KMPerDay = prev.KMPerDay
		days := now.Sub(prev.FromAt).Hours() / 24
		if driven := next.FromKM - prev.FromKM; days >= 7 && driven > 0 {
			next.KMPerDay = float64(driven) / days
		}
	}
	v.NextService = next
	set(d, &d.vehicles, v.ID, &v)
}

// ServiceReminder is a car whose customer should be called to book its
// next service.
type ServiceReminder struct {
	Vehicle *Vehicle  `json:"vehicle"`
	DueAt   time.Time `json:"due_at"`
	// By is "date" or "mileage": which of the agreed two falls due first.
	By string `json:"by"`
	// ExpectedKM is the mileage the car is expected to show at DueAt.
	ExpectedKM int `json:"expected_km"`
}

// ServiceRemindersDue lists the cars whose next service falls due within
// ServiceReminderLead (or is past), not yet called about, with no job open
// and no appointment booked: the follow-up desk's reminder calls, the one
// falling due first first.
func (s *State) ServiceRemindersDue(now time.Time) []ServiceReminder {
	busy := map[string]bool{}
	for _, j := range s.Jobs {
		if j.Stage.Open() {
			busy[j.VehicleID] = true
		}
	}
	for _, a := range s.Appointments {
		if a.Status == ApptBooked {
			busy[a.VehicleID] = true
		}
	}
	out := []ServiceReminder{}
	for _, v := range s.Vehicles {
		n := v.NextService
		if n == nil || n.RemindedAt != nil || busy[v.ID] {
			continue
		}
		due, by := n.DueAt()
		if due.Sub(now) > ServiceReminderLead {
			continue
		}
		pace := n.KMPerDay
		if pace <= 0 {
			pace = DefaultKMPerDay
		}
		expected := n.FromKM + int(pace*due.Sub(n.FromAt).Hours()/24)
		out = append(out, ServiceReminder{Vehicle: v, DueAt: due, By: by, ExpectedKM: expected})
	}
	sort.Slice(out, func(a, b int) bool {
		if !out[a].DueAt.Equal(out[b].DueAt) {
			return out[a].DueAt.Before(out[b].DueAt)
		}
		return out[a].Vehicle.ID < out[b].Vehicle.ID
	})
	return out
}

// RecordServiceReminder records that the customer was called about their
// car's next service; the call is not due again until the next delivery
// agrees a new one.
type RecordServiceReminder struct {
	kind
	VehicleID string `json:"vehicle_id"`
	Notes     string `json:"notes,omitempty"`
}

func (c *RecordServiceReminder) CommandType() string { return "record_service_reminder" }

func (c *RecordServiceReminder) apply(d *Draft, a Actor, now time.Time) (result, error) {
	var p problems
	checkText(&p, "notes", c.Notes, maxText, false)
	if err := p.err(); err != nil {
		return result{}, err
	}
	if err := c.permit(d, a); err != nil {
		return result{}, err
	}
	v := *d.vehicles.get(c.VehicleID)
	n := *v.NextService
	at := now
	n.RemindedAt, n.RemindedBy = &at, actorName(a)
	v.NextService = &n
	set(d, &d.vehicles, v.ID, &v)
	return result{subject: v.ID}, nil
}
