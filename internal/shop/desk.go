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

// The two reminder calls of seed 001 and when each comes due: the day
// before, to confirm the booking and what to bring, and an hour before,
// that the shop is ready.
const (
	ReminderDayBefore  = 24 * time.Hour
	ReminderHourBefore = time.Hour
)

// RemindersDue lists the reminder calls due at now, soonest appointment
// first. Each call comes due at its time, 24 hours or one hour before the
// booking, and stays due until it is made or the other call is the nearer
// one: a day-before call not made by the midpoint between the two times
// (12½ hours before) is no longer the call to make, so a booking 90
// minutes away shows no "24 h" call and gets its one-hour call when that
// comes due.
func (s *State) RemindersDue(now time.Time) []Reminder {
	out := []Reminder{}
	for _, a := range s.Appointments {
		if kind := reminderDue(a, now); kind != "" {
			out = append(out, Reminder{a, kind})
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
