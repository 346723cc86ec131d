package shop

import (
	"encoding/json"
	"sort"
	"time"
)

// The messages that come due with time rather than with a change on the
// floor: a booking's reminders, the day before and the hour before (the
// same two calls the desk's list shows, RemindersDue), and the follow-up
// survey's link three days after delivery. The server asks DueMessages
// every little while (by the shop's clock, so the demo's fast day sends
// them on its time) and gives what it answers; each SendMessage records
// that its message went (the appointment's Prep ticks, the job's
// SurveySentAt), and its event is the trigger that queues the message in
// the same transaction (triggers.go). So a message goes once, a reminder
// sent is a call the desk no longer has to make, and one that cannot go
// (an opted-out customer, no channel set up, a reminder that quiet hours
// would hold past the booking) stays on the desk's call list.

// SurveyAfter is when the follow-up survey's link goes: three days after
// delivery (seed 002's 3DC).
const SurveyAfter = 72 * time.Hour

// SendMessage is the server's own (the System actor): it sends one
// time-driven message, a reminder of an appointment or the survey link of
// a delivered job.
type SendMessage struct {
	kind
	Kind          MessageKind `json:"kind"`
	AppointmentID string      `json:"appointment_id,omitempty"`
	JobID         string      `json:"job_id,omitempty"`
}

func (c *SendMessage) CommandType() string { return "send_message" }

func (c *SendMessage) apply(d *Draft, a Actor, now time.Time) (result, error) {
	if !a.System {
		return result{}, forbidden("only the server sends the timed messages")
	}
	if err := c.due(d, now); err != nil {
		return result{}, err
	}
	switch c.Kind {
	case MsgReminder24h, MsgReminder1h:
		ap := *d.appointments.get(c.AppointmentID)
		if c.Kind == MsgReminder24h {
			ap.Prep.Reminded24h = true
		} else {
			ap.Prep.Reminded1h = true
		}
		set(d, &d.appointments, ap.ID, &ap)
		return result{subject: ap.ID}, nil
	}
	j, err := d.editJob(c.JobID, now)
	if err != nil {
		return result{}, err
	}
	at := now
	j.SurveySentAt = &at
	return jobResult(j), nil
}

// due says whether the message is due now and can reach the customer,
// with the error that says why not: the one rule DueMessages asks and
// apply enforces.
func (c *SendMessage) due(d *Draft, now time.Time) error {
	switch c.Kind {
	case MsgReminder24h, MsgReminder1h:
		ap := d.appointments.get(c.AppointmentID)
		if ap == nil {
			return notFound("appointment", c.AppointmentID)
		}
		if ap.Status != ApptBooked || !ap.At.After(now) {
			return conflict("appointment %s is %s", ap.ID, ap.Status)
		}
		kind := "24h"
		if c.Kind == MsgReminder1h {
			kind = "1h"
		}
		if reminderDue(ap, now) != kind {
			return conflict("the %s reminder of appointment %s is not due", kind, ap.ID)
		}
		// A booking made after the reminder's time had its confirmation:
		// a reminder minutes later would say the same thing again.
		before := ReminderDayBefore
		if c.Kind == MsgReminder1h {
			before = ReminderHourBefore
		}
		if !ap.BookedAt.IsZero() && ap.BookedAt.After(ap.At.Add(-before)) {
			return conflict("appointment %s was booked after its %s reminder's time", ap.ID, kind)
		}
		cust := d.customers.get(ap.CustomerID)
		if err := d.mayMessage(cust, c.Kind); err != nil {
			return err
		}
		// A reminder the customer's quiet hours would hold past the
		// booking is no reminder: the desk calls instead.
		if !NextSendTime(cust.Prefs(), now, d.location()).Before(ap.At) {
			return conflict("the customer's quiet hours last past appointment %s", ap.ID)
		}
		return nil
	case MsgFollowUpSurvey:
		j := d.jobs.get(c.JobID)
		if j == nil {
			return notFound("job", c.JobID)
		}
		if j.Stage != StageDelivered {
			return conflict("job %s is %s; the survey comes after delivery", j.ID, j.Stage)
		}
		if j.SurveySentAt != nil || j.Survey != nil {
			return conflict("the survey of job %s was sent already", j.ID)
		}
		if now.Before(j.EnteredStage(StageDelivered).Add(SurveyAfter)) {
			return conflict("the survey of job %s goes %s after delivery", j.ID, SurveyAfter)
		}
		// The customer gets at least a day to answer.
		if now.Add(24 * time.Hour).After(SurveyCloses(j, d.Settings())) {
			return conflict("the survey of job %s closes within a day", j.ID)
		}
		if base, ok := NormalBaseURL(d.Settings().BaseURL); !ok || base == "" {
			return conflict("the shop has no base URL: a survey link could not be opened")
		}
		return d.mayMessage(d.customers.get(j.CustomerID), c.Kind)
	}
	return (&problems{{Field: "kind", Message: "must be reminder_24h, reminder_1h or followup_survey"}}).err()
}

// mayMessage says whether a customer can be sent a kind of message now:
// they have not opted out, their channel has an address, and the shop
// set that channel up.
func (d *Draft) mayMessage(c *Customer, k MessageKind) error {
	if !MayMessage(c, k) {
		return conflict("the customer takes no %s message", k)
	}
	if d.messageSenders.get(string(c.Prefs().EffectiveChannel())) == nil {
		return conflict("the shop has not set up %s", c.Prefs().EffectiveChannel())
	}
	return nil
}

// reminderDue is the reminder call due for a booking at now, "24h", "1h"
// or "" (RemindersDue's rule).
func reminderDue(a *Appointment, now time.Time) string {
	if a.Status != ApptBooked || !a.At.After(now) {
		return ""
	}
	until := a.At.Sub(now)
	switch {
	case until <= ReminderHourBefore && !a.Prep.Reminded1h:
		return "1h"
	case until <= ReminderDayBefore && until > (ReminderDayBefore+ReminderHourBefore)/2 && !a.Prep.Reminded24h:
		return "24h"
	}
	return ""
}

// DueMessages lists the time-driven messages due at now that can reach
// their customers, soonest appointment first, then the surveys by job.
func (s *State) DueMessages(now time.Time) []*SendMessage {
	d := NewDraft(s)
	var out []*SendMessage
	for _, r := range s.RemindersDue(now) {
		c := &SendMessage{Kind: MsgReminder24h, AppointmentID: r.Appointment.ID}
		if r.Kind == "1h" {
			c.Kind = MsgReminder1h
		}
		if c.due(d, now) == nil {
			out = append(out, c)
		}
	}
	var surveys []*SendMessage
	for _, j := range s.Jobs {
		if j.Stage != StageDelivered || j.SurveySentAt != nil || j.Survey != nil {
			continue
		}
		c := &SendMessage{Kind: MsgFollowUpSurvey, JobID: j.ID}
		if c.due(d, now) == nil {
			surveys = append(surveys, c)
		}
	}
	sort.Slice(surveys, func(a, b int) bool { return surveys[a].JobID < surveys[b].JobID })
	return append(out, surveys...)
}

// timedMessage renders a send_message event's message.
func (s *State) timedMessage(ev Event, link CustomerLink) *OutboxMessage {
	var data SendMessage
	if json.Unmarshal(ev.Data, &data) != nil {
		return nil
	}
	zone := s.zone()
	switch data.Kind {
	case MsgReminder24h, MsgReminder1h:
		ap := s.Appointments[ev.Subject]
		if ap == nil {
			return nil
		}
		return s.message(data.Kind, ev.At, ap.CustomerID, ap.VehicleID, "", map[string]string{
			"date": ap.At.In(zone).Format("2006-01-02"), "time": ap.At.In(zone).Format("15:04"),
		})
	case MsgFollowUpSurvey:
		j := s.Jobs[ev.JobID]
		if j == nil || link == nil {
			return nil
		}
		url := link(j)
		if url == "" {
			return nil
		}
		return s.message(data.Kind, ev.At, j.CustomerID, j.VehicleID, j.ID, map[string]string{"link": url})
	}
	return nil
}
