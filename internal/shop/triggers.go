package shop

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Which committed events send the customer a message (triggers): a
// booking made sends the booking confirmation, found work sent to the
// customer the request to decide on it with their page's link, and the
// job reaching ready "your car is ready" with the customer's share. Each
// message is rendered here, in the shop's language, and queued in the
// outbox in the commit's transaction; the outbox's worker sends it
// through internal/channels, not before the customer's quiet hours end.

// OutboxMessage is one message to a customer as the outbox keeps it: all
// a sender needs, rendered when it was queued.
type OutboxMessage struct {
	// ID identifies the message for good, for the receiver to drop
	// duplicates: the store sets it to "<event seq>-<kind>" when it queues
	// it, and the worker puts the shop's instance before it.
	ID      string         `json:"id"`
	Kind    MessageKind    `json:"kind"`
	Channel MessageChannel `json:"channel"`
	// To is the customer's phone for SMS, their e-mail address for
	// e-mail.
	To         string `json:"to"`
	CustomerID string `json:"customer_id"`
	JobID      string `json:"job_id,omitempty"`
	Language   string `json:"language"`
	// Subject is the e-mail's subject; Text the rendered text.
	Subject string `json:"subject,omitempty"`
	Text    string `json:"text"`
	// SMSCode is the kind's Alibaba Cloud template code, when the shop
	// registered one; Params fill its variables.
	SMSCode string            `json:"sms_code,omitempty"`
	Params  map[string]string `json:"params"`
	// NotBefore is when it may be sent: the end of the customer's quiet
	// hours when it was due in them.
	NotBefore time.Time `json:"not_before"`
}

// Destination is the outbox destination of a message's channel: "sms"
// or "email", named as the channels are.
func (m OutboxMessage) Destination() string { return string(m.Channel) }

// MessageDestinations are the outbox's destinations for customer
// messages, beside the webhooks (whose ids never take these names: they
// start with "webhook").
var MessageDestinations = []string{string(ChannelSMS), string(ChannelEmail)}

// CustomerLink gives the customer's page link of a job. The link is
// signed with the server's key, so the web layer passes it in; nil, or
// an empty link, sends no approval request (it would have nothing to
// open).
type CustomerLink func(*Job) string

// messageSubjects are the e-mails' subjects, by kind and language.
var messageSubjects = map[MessageKind]map[string]string{
	MsgBookingConfirmation: {"zh-CN": "预约确认", "en": "Your booking"},
	MsgReminder24h:         {"zh-CN": "预约提醒", "en": "Booking reminder"},
	MsgReminder1h:          {"zh-CN": "预约提醒", "en": "Booking reminder"},
	MsgFindingApproval:     {"zh-CN": "增项待确认", "en": "Extra work found: please decide"},
	MsgCarReady:            {"zh-CN": "您的爱车已完工", "en": "Your car is ready"},
	MsgFollowUpSurvey:      {"zh-CN": "服务回访", "en": "How did we do?"},
}

// Messages names, for each committed event, the messages it sends
// (messages[i] for events[i], nil for none), read from the state the
// batch publishes. A customer who opted out, or who chose no channel, or
// whose channel has no address, gets none; nor does one whose channel the
// shop has not set up (senders.go): a shop without SMS would otherwise
// pile up confirmations of bookings long past, to go all at once the day
// it set SMS up.
func (s *State) Messages(events []Event, link CustomerLink) [][]OutboxMessage {
	var out [][]OutboxMessage
	readied := map[string]bool{}
	for i, ev := range events {
		var m *OutboxMessage
		switch ev.Type {
		case "book_appointment":
			m = s.bookingMessage(ev)
		case "price_finding":
			m = s.findingMessage(ev, link)
		case "send_message":
			m = s.timedMessage(ev, link)
		case "qc", "wash_done":
			if !readied[ev.JobID] {
				m = s.readyMessage(ev)
				readied[ev.JobID] = m != nil
			}
		}
		if m == nil {
			continue
		}
		if out == nil {
			out = make([][]OutboxMessage, len(events))
		}
		out[i] = append(out[i], *m)
	}
	return out
}

func (s *State) bookingMessage(ev Event) *OutboxMessage {
	ap := s.Appointments[ev.Subject]
	if ap == nil {
		return nil
	}
	zone := s.zone()
	return s.message(MsgBookingConfirmation, ev.At, ap.CustomerID, ap.VehicleID, "", map[string]string{
		"date": ap.At.In(zone).Format("2006-01-02"), "time": ap.At.In(zone).Format("15:04"),
		"advisor": s.userName(ap.AdvisorID),
	})
}

func (s *State) findingMessage(ev Event, link CustomerLink) *OutboxMessage {
	var data struct {
		Send bool `json:"send"`
	}
	if json.Unmarshal(ev.Data, &data) != nil || !data.Send || link == nil {
		return nil
	}
	f := s.Findings[ev.Subject]
	if f == nil || f.Status != FindingAwaiting {
		return nil
	}
	j := s.Jobs[f.JobID]
	if j == nil {
		return nil
	}
	url := link(j)
	if url == "" {
		return nil
	}
	return s.message(MsgFindingApproval, ev.At, j.CustomerID, j.VehicleID, j.ID, map[string]string{
		"advisor": s.userName(j.AdvisorID), "link": url,
	})
}

// readyMessage is "your car is ready" when the event brought its job to
// ready: a passed final check without a wash, or the wash done.
func (s *State) readyMessage(ev Event) *OutboxMessage {
	j := s.Jobs[ev.JobID]
	if j == nil || j.Stage != StageReady || !j.EnteredStage(StageReady).Equal(ev.At) {
		return nil
	}
	return s.message(MsgCarReady, ev.At, j.CustomerID, j.VehicleID, j.ID, map[string]string{
		"amount": FormatMoney(j.Settlement().CustomerDue), "pickup_hours": s.pickupHours(ev.At),
	})
}

// message renders a kind for a customer, or nil when they may not be sent
// it. values holds the kind's own placeholders; the customer's, the car's
// and the shop's are filled here.
func (s *State) message(k MessageKind, at time.Time, customerID, vehicleID, jobID string, values map[string]string) *OutboxMessage {
	c := s.Customers[customerID]
	if !MayMessage(c, k) || s.MessageSenders[string(c.Prefs().EffectiveChannel())] == nil {
		return nil
	}
	set := s.Settings
	values["customer"] = c.Name
	values["shop"], values["address"], values["phone"] = set.Name, set.Address, set.Phone
	if v := s.Vehicles[vehicleID]; v != nil {
		values["plate"] = v.Plate
	} else {
		values["plate"] = ""
	}
	lang := set.Language
	if lang != "en" {
		lang = "zh-CN"
	}
	text, err := set.Render(k, lang, values)
	if err != nil {
		// Every kind's placeholders have a value above and a saved
		// template names no other: a text that fails is not sent.
		return nil
	}
	params := map[string]string{}
	for _, name := range messagePlaceholders[k] {
		params[name] = values[name]
	}
	t, _ := set.MessageTemplate(k)
	prefs := c.Prefs()
	m := &OutboxMessage{Kind: k, Channel: prefs.EffectiveChannel(), CustomerID: c.ID, JobID: jobID, Language: lang,
		Text: text, SMSCode: t.SMSCode, Params: params, NotBefore: NextSendTime(prefs, at, s.zone()).UTC()}
	switch m.Channel {
	case ChannelSMS:
		m.To = c.Phone
	case ChannelEmail:
		m.To, m.Subject = prefs.Email, messageSubjects[k][lang]
		if set.Name != "" {
			m.Subject += " · " + set.Name
		}
	}
	return m
}

func (s *State) zone() *time.Location {
	if s.Loc == nil {
		return time.UTC
	}
	return s.Loc
}

func (s *State) userName(id string) string {
	if u := s.Users[id]; u != nil {
		return u.Name
	}
	return ""
}

// pickupHours are the shop's hours on the day at falls on, "08:00–18:00",
// or empty when it is closed that weekday.
func (s *State) pickupHours(at time.Time) string {
	week := s.Settings.Hours.Week
	i := (int(at.In(s.zone()).Weekday()) + 6) % 7
	if i >= len(week) || week[i].Closed {
		return ""
	}
	return week[i].Opens + "–" + week[i].Closes
}

// FormatMoney writes an amount in yuan with two decimals and thousands
// separated: 128000 fen is "1,280.00".
func FormatMoney(m Money) string {
	sign := ""
	if m < 0 {
		sign, m = "-", -m
	}
	whole := strconv.FormatInt(int64(m/100), 10)
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return fmt.Sprintf("%s%s.%02d", sign, b.String(), int64(m%100))
}
