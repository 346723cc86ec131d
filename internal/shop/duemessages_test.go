package shop

import (
	"strings"
	"testing"
	"time"
)

// local is a time on the fixture shop's clock (t0 is 17:00 on day 0).
func local(t *testing.T, day, hour, minute int) time.Time {
	t.Helper()
	return time.Date(2026, 11, 23+day, hour, minute, 0, 0, shanghai(t))
}

// messagingShop is the fixture with both channels set up and the shop's
// settings given, so its zone is Asia/Shanghai.
func messagingShop(t *testing.T, channels bool) *fixture {
	t.Helper()
	f := newFixture(t)
	f.must(t, system, &SetSettings{Settings: DefaultSettings()})
	if channels {
		f.withChannels(t)
	}
	return f
}

// sendDue gives every message due at now as the server does and returns
// what they queue.
func (f *fixture) sendDue(t *testing.T, now time.Time) []OutboxMessage {
	t.Helper()
	var out []OutboxMessage
	for _, c := range f.state.DueMessages(now) {
		out = append(out, f.fired(t, now, system, c, testLink)...)
	}
	return out
}

func kinds(ms []OutboxMessage) string {
	var ks []string
	for _, m := range ms {
		ks = append(ks, string(m.Kind))
	}
	return strings.Join(ks, ",")
}

// A booking made days ahead is reminded the day before and the hour
// before, each once, at its time on the shop's clock; a reminder sent is
// a call the desk no longer has to make.
func TestABookingIsRemindedADayAndAnHourBefore(t *testing.T) {
	f := messagingShop(t, true)
	at := local(t, 2, 10, 0)
	f.fired(t, t0, advisor, &BookAppointment{At: at, CustomerID: "cu-1", VehicleID: "ve-1", Requested: "保养"}, testLink)

	steps := []struct {
		now  time.Time
		want string
	}{
		{local(t, 1, 9, 59), ""},
		{local(t, 1, 10, 0), "reminder_24h"},
		{local(t, 1, 10, 1), ""}, // sent once
		{local(t, 2, 8, 59), ""},
		{local(t, 2, 9, 0), "reminder_1h"},
		{local(t, 2, 9, 30), ""},
	}
	for _, s := range steps {
		got := f.sendDue(t, s.now)
		if kinds(got) != s.want {
			t.Fatalf("at %s: sent %q, want %q", s.now.Format("01-02 15:04"), kinds(got), s.want)
		}
		if len(got) == 1 {
			m := got[0]
			if !m.NotBefore.Equal(s.now) || m.To != "13812345678" || m.Params["time"] != "10:00" || !strings.Contains(m.Text, "10:00") {
				t.Errorf("%s: %+v", m.Kind, m)
			}
			if m.Kind == MsgReminder24h && (m.Params["date"] != "2026-11-25" || !strings.Contains(m.Text, "明天2026-11-25 10:00")) {
				t.Errorf("the day-before reminder: %+v", m)
			}
			if due := f.state.RemindersDue(s.now); len(due) != 0 {
				t.Errorf("after the %s message the desk still has %d calls", m.Kind, len(due))
			}
		}
	}
	ap := f.state.Appointments["ap-1"]
	if !ap.Prep.Reminded24h || !ap.Prep.Reminded1h {
		t.Errorf("prep %+v", ap.Prep)
	}
}

// A reminder that cannot reach the customer is not sent and stays on the
// desk's call list: a booking made after the reminder's time (its
// confirmation said it all), an opted-out customer, a channel the shop
// has not set up, and a quiet morning that would hold the reminder past
// the booking; one it holds less long goes when the quiet hours end.
func TestARemindersThatCannotReachTheCustomerStayCalls(t *testing.T) {
	book := func(f *fixture, at time.Time) {
		f.fired(t, t0, advisor, &BookAppointment{At: at, CustomerID: "cu-1", VehicleID: "ve-1", Requested: "保养"}, testLink)
	}
	calls := func(f *fixture, now time.Time) string {
		var ks []string
		for _, r := range f.state.RemindersDue(now) {
			ks = append(ks, r.Kind)
		}
		return strings.Join(ks, ",")
	}
	// aCall checks that nothing is sent at now and the desk has the call.
	aCall := func(t *testing.T, f *fixture, now time.Time, call string) {
		t.Helper()
		if got := f.sendDue(t, now); len(got) != 0 {
			t.Errorf("sent %q", kinds(got))
		}
		if got := calls(f, now); got != call {
			t.Errorf("the desk's calls %q, want %q", got, call)
		}
	}

	t.Run("booked after the day-before time", func(t *testing.T) {
		f := messagingShop(t, true)
		book(f, local(t, 1, 10, 0)) // 17 hours ahead
		aCall(t, f, local(t, 0, 18, 0), "24h")
		if got := kinds(f.sendDue(t, local(t, 1, 9, 0))); got != "reminder_1h" {
			t.Errorf("an hour before: %q", got)
		}
	})
	t.Run("opted out", func(t *testing.T) {
		f := messagingShop(t, true)
		f.must(t, system, &PutCustomer{Customer: Customer{ID: "cu-1", Name: "张先生", Phone: "138 1234 5678",
			Messages: &MessagePrefs{OptedOut: &OptOut{Way: OptOutSMSReply}}}})
		book(f, local(t, 2, 10, 0))
		aCall(t, f, local(t, 1, 10, 0), "24h")
	})
	t.Run("no channel set up", func(t *testing.T) {
		f := messagingShop(t, false)
		book(f, local(t, 2, 10, 0))
		if got := f.state.DueMessages(local(t, 1, 10, 0)); len(got) != 0 {
			t.Errorf("due %+v", got)
		}
	})
	t.Run("quiet hours past the booking", func(t *testing.T) {
		f := messagingShop(t, true)
		book(f, local(t, 1, 8, 0)) // the hour before is 07:00, quiet until 08:00
		aCall(t, f, local(t, 1, 7, 0), "1h")
	})
	t.Run("quiet hours ending before the booking", func(t *testing.T) {
		f := messagingShop(t, true)
		book(f, local(t, 1, 8, 30))
		got := f.sendDue(t, local(t, 1, 7, 30))
		if kinds(got) != "reminder_1h" || !got[0].NotBefore.Equal(local(t, 1, 8, 0)) {
			t.Errorf("sent %+v, want the hour-before reminder held until 08:00", got)
		}
	})
}

// The survey's link goes three days after delivery, once, when the shop
// has a base URL for the link; only the server sends it.
func TestTheSurveyLinkGoesThreeDaysAfterDelivery(t *testing.T) {
	f := messagingShop(t, true)
	j := f.dispatchedJob(t, "tech-1")
	f.must(t, tech, &ClockOn{TechRef: TechRef{j.ID, "tech-1"}})
	f.finishAndDeliver(t, j.ID, t0, nil, 0)

	if got := f.state.DueMessages(t0.Add(SurveyAfter)); len(got) != 0 {
		t.Errorf("without a base URL: due %+v", got)
	}
	s := f.state.Settings
	s.BaseURL = "https://shop.example"
	f.must(t, system, &SetSettings{Settings: s})

	if got := f.sendDue(t, t0.Add(SurveyAfter-time.Minute)); len(got) != 0 {
		t.Errorf("before three days: %q", kinds(got))
	}
	survey := &SendMessage{Kind: MsgFollowUpSurvey, JobID: j.ID}
	if err := f.apply(advisor, survey); CodeOf(err) != CodeForbidden {
		t.Errorf("an advisor sent the survey: %v", err)
	}
	at := t0.Add(SurveyAfter)
	got := f.sendDue(t, at)
	if kinds(got) != "followup_survey" || got[0].JobID != j.ID || got[0].Params["link"] != testLink(j) || !strings.Contains(got[0].Text, testLink(j)) {
		t.Fatalf("three days after delivery: %+v", got)
	}
	if sent := f.state.Jobs[j.ID].SurveySentAt; sent == nil || !sent.Equal(at) {
		t.Errorf("survey sent at %v", sent)
	}
	if got := f.sendDue(t, at.Add(time.Hour)); len(got) != 0 {
		t.Errorf("sent again: %q", kinds(got))
	}
	d := NewDraft(f.state)
	if _, err := d.Apply(system, survey, at.Add(time.Hour)); CodeOf(err) != CodeConflict {
		t.Errorf("the survey given twice: %v", err)
	}
}

// The survey is open while the job is live and the customer's link
// lasts, and its link goes only when it leaves the customer a day to
// answer.
func TestTheSurveyClosesWithTheWeekAndTheLink(t *testing.T) {
	f := messagingShop(t, true)
	s := f.state.Settings
	s.BaseURL, s.CustomerLinkDays = "https://shop.example", 30
	f.must(t, system, &SetSettings{Settings: s})
	j := f.dispatchedJob(t, "tech-1")
	f.must(t, tech, &ClockOn{TechRef: TechRef{j.ID, "tech-1"}})
	f.finishAndDeliver(t, j.ID, t0, nil, 0)
	j = f.state.Jobs[j.ID]
	if !f.state.SurveyOpen(j, t0.Add(KeepClosed-time.Minute)) || f.state.SurveyOpen(j, t0.Add(KeepClosed)) {
		t.Errorf("open a minute before the week ends: %v; at its end: %v", f.state.SurveyOpen(j, t0.Add(KeepClosed-time.Minute)), f.state.SurveyOpen(j, t0.Add(KeepClosed)))
	}
	recommend := 9
	answer := &AnswerSurvey{JobRef: JobRef{j.ID}, Work: 5, Charges: 5, Wash: 5, Advisor: 5, Recommend: &recommend}
	d := NewDraft(f.state)
	if _, err := d.Apply(Actor{Customer: true, CustomerJob: j.ID}, answer, t0.Add(KeepClosed)); CodeOf(err) != CodeConflict {
		t.Errorf("an answer a week after delivery: %v", err)
	}

	// A link of three days closes with the survey's day: no link is sent.
	s.CustomerLinkDays = 3
	f.must(t, system, &SetSettings{Settings: s})
	if got := f.state.DueMessages(t0.Add(SurveyAfter)); len(got) != 0 {
		t.Errorf("with a three-day link: due %+v", got)
	}
	s.CustomerLinkDays = 4
	f.must(t, system, &SetSettings{Settings: s})
	if got := f.state.DueMessages(t0.Add(SurveyAfter)); len(got) != 1 {
		t.Errorf("with a four-day link: due %+v", got)
	}
	if f.state.SurveyOpen(j, t0.Add(4*24*time.Hour)) {
		t.Error("open after the four-day link closed")
	}
}
