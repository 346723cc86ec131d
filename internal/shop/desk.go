package shop

import (
	"sort"
	"time"
)

// Reminder is an appointment whose customer should be called now.
type Reminder struct {
	Appointment *Appointment `json:"appointment"`
	Kind        string       `json:"kind"` // "24h" or "1h"
}

// RemindersDue lists the reminder calls due (seed 001: 24 hours and one
// hour before), soonest appointment first.
func (s *State) RemindersDue(now time.Time) []Reminder {
	out := []Reminder{}
	for _, a := range s.Appointments {
		if a.Status != ApptBooked || !a.At.After(now) {
			continue
		}
		until := a.At.Sub(now)
		switch {
		case until <= time.Hour && !a.Prep.Reminded1h:
			out = append(out, Reminder{a, "1h"})
		case until <= 24*time.Hour && until > time.Hour && !a.Prep.Reminded24h:
			out = append(out, Reminder{a, "24h"})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Appointment.At.Before(out[j].Appointment.At) })
	return out
}

// FollowUpsDue lists the delivered jobs of the last three days not yet
// followed up (or unreachable last time), by the customer's preferred time,
// then the jobs whose complaint is still open.
func (s *State) FollowUpsDue(now time.Time) (due, complaints []*Job) {
	due, complaints = []*Job{}, []*Job{}
	for _, j := range s.Jobs {
		if j.Stage != StageDelivered {
			continue
		}
		if j.FollowUp != nil && j.FollowUp.ComplaintOpen {
			complaints = append(complaints, j)
		}
		delivered := j.EnteredStage(StageDelivered)
		if now.Sub(delivered) > 72*time.Hour || (j.FollowUp != nil && j.FollowUp.Outcome != FollowUpUnreachable) {
			continue
		}
		due = append(due, j)
	}
	when := func(j *Job) time.Time {
		if j.FollowUpAt != nil {
			return *j.FollowUpAt
		}
		return j.EnteredStage(StageDelivered).Add(24 * time.Hour)
	}
	sort.Slice(due, func(a, b int) bool { return when(due[a]).Before(when(due[b])) })
	sort.Slice(complaints, func(a, b int) bool { return complaints[a].ID < complaints[b].ID })
	return due, complaints
}
