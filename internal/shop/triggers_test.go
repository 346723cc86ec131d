package shop

import (
	"strings"
	"testing"
	"time"
)

// fired applies a command at a time and returns the messages its events
// send, read from the state it publishes.
func (f *fixture) fired(t *testing.T, now time.Time, a Actor, c Command, link CustomerLink) []OutboxMessage {
	t.Helper()
	d := NewDraft(f.state)
	if _, err := d.Apply(a, c, now); err != nil {
		t.Fatalf("%s: %v", c.CommandType(), err)
	}
	f.state = d.Publish()
	var out []OutboxMessage
	for _, ms := range f.state.Messages(d.Events(), link) {
		out = append(out, ms...)
	}
	return out
}

func testLink(j *Job) string { return "https://shop.example/c/" + j.ID }

// withChannels sets up both channels, as the manager does.
func (f *fixture) withChannels(t *testing.T) {
	t.Helper()
	f.must(t, system, &PutMessageSender{Sender: MessageSender{Channel: ChannelSMS, AccessKeyID: "LTAI", SignName: "京华4S店"}, Secret: "s"})
	f.must(t, system, &PutMessageSender{Sender: MessageSender{Channel: ChannelEmail, Host: "smtp.example.cn", Port: 587, Username: "u", From: "a@example.cn"}, Secret: "p"})
}

// A channel the shop has not set up queues nothing.
func TestAChannelNotSetUpSendsNothing(t *testing.T) {
	f := newFixture(t)
	book := &BookAppointment{At: t0.Add(26 * time.Hour), CustomerID: "cu-1", VehicleID: "ve-1", Requested: "保养"}
	if got := f.fired(t, t0, advisor, book, testLink); len(got) != 0 {
		t.Errorf("without SMS set up: %+v", got)
	}
	f.must(t, system, &PutMessageSender{Sender: MessageSender{Channel: ChannelEmail, Host: "smtp.example.cn", Port: 587, Username: "u", From: "a@example.cn"}, Secret: "p"})
	if got := f.fired(t, t0, advisor, book, testLink); len(got) != 0 {
		t.Errorf("with only e-mail set up, to an SMS customer: %+v", got)
	}
	f.must(t, system, &PutMessageSender{Sender: MessageSender{Channel: ChannelSMS, AccessKeyID: "LTAI", SignName: "京华4S店"}, Secret: "s"})
	if got := f.fired(t, t0, advisor, book, testLink); len(got) != 1 {
		t.Errorf("with SMS set up: %d messages, want 1", len(got))
	}
}

// Each trigger sends its kind to the customer by SMS, the text rendered
// in the shop's language with the values of the booking, the finding or
// the job, the SMS template's parameters beside it.
func TestEachTriggerSendsItsMessage(t *testing.T) {
	f := newFixture(t)
	f.withChannels(t)
	// The shop's zone is Asia/Shanghai: t0 is 17:00 there.
	settings := DefaultSettings()
	settings.Name, settings.Address, settings.Phone, settings.Language = "京华4S店", "北京市朝阳区 88 号", "010-12345678", "zh-CN"
	f.must(t, system, &SetSettings{Settings: settings})

	got := f.fired(t, t0, advisor, &BookAppointment{At: t0.Add(26 * time.Hour), CustomerID: "cu-1", VehicleID: "ve-1", Requested: "保养", AdvisorID: "user-1"}, testLink)
	if len(got) != 1 {
		t.Fatalf("book_appointment sent %d messages, want 1", len(got))
	}
	m := got[0]
	want := "尊敬的张先生，您的爱车京A·12345已预约2026-11-24 19:00到店保养，服务顾问王顾问将为您服务。地址：北京市朝阳区 88 号。如需改约请致电010-12345678。【京华4S店】"
	if m.Kind != MsgBookingConfirmation || m.Channel != ChannelSMS || m.To != "13812345678" || m.Text != want || !m.NotBefore.Equal(t0) {
		t.Errorf("booking confirmation: %+v\nwant text %s", m, want)
	}
	if m.Params["advisor"] != "王顾问" || m.Params["time"] != "19:00" || m.Params["date"] != "2026-11-24" || len(m.Params) != len(MessagePlaceholders(MsgBookingConfirmation)) {
		t.Errorf("params %v", m.Params)
	}

	j := f.dispatchedJob(t, "tech-1")
	f.must(t, tech, &ReportFinding{JobID: j.ID, FindingInput: FindingInput{Description: "前刹车片磨损", Hours: 1}})
	labour := Money(30000)
	if got := f.fired(t, t0, advisor, &PriceFinding{FindingID: "fi-1", LabourPrice: &labour}, testLink); len(got) != 0 {
		t.Errorf("a finding priced but not sent sent %+v", got)
	}
	got = f.fired(t, t0, advisor, &PriceFinding{FindingID: "fi-1", LabourPrice: &labour, Send: true}, testLink)
	if len(got) != 1 || got[0].Kind != MsgFindingApproval || got[0].JobID != j.ID || got[0].Params["link"] != "https://shop.example/c/"+j.ID ||
		!strings.Contains(got[0].Text, "https://shop.example/c/"+j.ID) {
		t.Errorf("finding sent: %+v", got)
	}
	if got := f.fired(t, t0, advisor, &PriceFinding{FindingID: "fi-1", LabourPrice: &labour, Send: true}, nil); len(got) != 0 {
		t.Errorf("without a link the approval request went: %+v", got)
	}
	f.must(t, Actor{Customer: true, CustomerJob: j.ID}, &DecideFinding{FindingID: "fi-1", Approve: false, Via: "customer_page"})

	f.issueScope(t, t0, j.ID)
	f.must(t, tech, &ClockOn{TechRef: TechRef{j.ID, "tech-1"}})
	f.must(t, tech, &Finish{TechRef: TechRef{j.ID, "tech-1"}})
	if got := f.fired(t, t0, lead, &QC{JobID: j.ID, Step: QCTeam, Pass: true}, testLink); len(got) != 0 {
		t.Errorf("the team's check sent %+v", got)
	}
	if got := f.fired(t, t0, qc, &QC{JobID: j.ID, Step: QCFinal, Pass: true}, testLink); len(got) != 0 {
		t.Errorf("the final check before the wash sent %+v", got)
	}
	// ¥200 + ¥150 of labour and the ¥128 filter; the declined finding is
	// not billed.
	got = f.fired(t, t0.Add(time.Hour), washer, &WashDone{JobRef: JobRef{j.ID}}, testLink)
	due := FormatMoney(f.state.Jobs[j.ID].Settlement().CustomerDue)
	if len(got) != 1 || got[0].Kind != MsgCarReady || got[0].Params["amount"] != due || due != "478.00" ||
		!strings.Contains(got[0].Text, "费用合计478.00元") || got[0].Params["pickup_hours"] != "08:00–18:00" {
		t.Errorf("car ready (due %s): %+v", due, got)
	}
}

// A customer who opted out gets no message; one on e-mail gets it at
// their address with a subject, in English when the shop writes English.
func TestOptOutSendsNoneAndEmailGoesToTheAddress(t *testing.T) {
	f := newFixture(t)
	f.withChannels(t)
	book := &BookAppointment{At: t0.Add(26 * time.Hour), CustomerID: "cu-1", VehicleID: "ve-1", Requested: "保养"}
	f.must(t, system, &PutCustomer{Customer: Customer{ID: "cu-1", Name: "张先生", Phone: "138 1234 5678",
		Messages: &MessagePrefs{OptedOut: &OptOut{Way: OptOutPhone}}}})
	if got := f.fired(t, t0, advisor, book, testLink); len(got) != 0 {
		t.Errorf("an opted-out customer was sent %+v", got)
	}
	settings := DefaultSettings()
	settings.Language = "en"
	f.must(t, system, &SetSettings{Settings: settings})
	f.must(t, system, &PutCustomer{Customer: Customer{ID: "cu-1", Name: "Mr Zhang", Phone: "138 1234 5678",
		Messages: &MessagePrefs{Channel: ChannelEmail, Email: "zhang@example.cn"}}})
	got := f.fired(t, t0, advisor, book, testLink)
	if len(got) != 1 || got[0].Channel != ChannelEmail || got[0].To != "zhang@example.cn" || got[0].Language != "en" ||
		!strings.HasPrefix(got[0].Text, "Dear Mr Zhang, your 京A·12345 is booked in for 2026-11-24 at 19:00") || got[0].Subject == "" {
		t.Errorf("by e-mail: %+v", got)
	}
	f.must(t, system, &PutCustomer{Customer: Customer{ID: "cu-1", Name: "Mr Zhang", Phone: "138 1234 5678",
		Messages: &MessagePrefs{Channel: ChannelNone}}})
	if got := f.fired(t, t0, advisor, book, testLink); len(got) != 0 {
		t.Errorf("a customer wanting no channel was sent %+v", got)
	}
}

// A booking made at night is confirmed the next morning, when the
// customer's quiet hours end, in the shop's zone.
func TestQuietHoursHoldTheMessageTillMorning(t *testing.T) {
	f := newFixture(t)
	f.withChannels(t)
	f.state.Loc = shanghai(t)
	night := time.Date(2026, 11, 23, 22, 30, 0, 0, f.state.Loc)
	got := f.fired(t, night, advisor, &BookAppointment{At: night.Add(36 * time.Hour), CustomerID: "cu-1", VehicleID: "ve-1", Requested: "保养"}, testLink)
	morning := time.Date(2026, 11, 24, 8, 0, 0, 0, f.state.Loc)
	if len(got) != 1 || !got[0].NotBefore.Equal(morning) {
		t.Fatalf("at 22:30: %+v, want not before %s", got, morning)
	}
	f.must(t, system, &PutCustomer{Customer: Customer{ID: "cu-1", Name: "张先生", Phone: "138 1234 5678",
		Messages: &MessagePrefs{QuietFrom: "23:00", QuietTo: "07:00"}}})
	got = f.fired(t, night, advisor, &BookAppointment{At: night.Add(36 * time.Hour), CustomerID: "cu-1", VehicleID: "ve-1", Requested: "保养"}, testLink)
	if len(got) != 1 || !got[0].NotBefore.Equal(night) {
		t.Errorf("with quiet hours from 23:00: %+v, want at once", got)
	}
}

func TestFormatMoney(t *testing.T) {
	for m, want := range map[Money]string{0: "0.00", 5: "0.05", 128000: "1,280.00", 123456789: "1,234,567.89", -150: "-1.50"} {
		if got := FormatMoney(m); got != want {
			t.Errorf("FormatMoney(%d) = %q, want %q", m, got, want)
		}
	}
}
