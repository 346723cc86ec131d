package shop

import (
	"net/mail"
	"strings"
	"time"
)

// A customer's wishes about the shop's messages: the channel, an e-mail
// address, the quiet hours in which nothing is sent, and an opt-out. They
// are one field of the customer, omitted from JSON when not set, so
// customers stored before it read as "SMS, 21:00–08:00, not opted out"
// and need no migration.

// MessageChannel is how a customer wants the shop's messages.
type MessageChannel string

const (
	ChannelSMS   MessageChannel = "sms"
	ChannelEmail MessageChannel = "email"
	ChannelNone  MessageChannel = "none"
)

// MessageChannels lists the channels a customer may choose.
var MessageChannels = []MessageChannel{ChannelSMS, ChannelEmail, ChannelNone}

// OptOutWay is how a customer said they want no more messages.
type OptOutWay string

const (
	OptOutPhone    OptOutWay = "phone"     // told the follow-up desk on a call
	OptOutInPerson OptOutWay = "in_person" // said so at the desk
	OptOutSMSReply OptOutWay = "sms_reply" // answered an SMS with TD (退订)
	OptOutEmail    OptOutWay = "email"     // wrote an e-mail
)

// OptOutWays lists the ways in display order.
var OptOutWays = []OptOutWay{OptOutPhone, OptOutInPerson, OptOutSMSReply, OptOutEmail}

// Default quiet hours: no message at night, held until the morning.
const (
	DefaultQuietFrom = "21:00"
	DefaultQuietTo   = "08:00"
)

// OptOut records when and how a customer asked for no more messages.
type OptOut struct {
	At  time.Time `json:"at"`
	Way OptOutWay `json:"way"`
}

// MessagePrefs are a customer's wishes about messages (Customer.Messages).
// Empty fields are the defaults: SMS, 21:00–08:00.
type MessagePrefs struct {
	Channel MessageChannel `json:"channel,omitempty"`
	Email   string         `json:"email,omitempty"`
	// QuietFrom and QuietTo are times of day ("21:00") in the shop's
	// zone; both empty are the defaults, the same time twice is none.
	QuietFrom string `json:"quiet_from,omitempty"`
	QuietTo   string `json:"quiet_to,omitempty"`
	// OptedOut is set while the customer wants no message at all.
	OptedOut *OptOut `json:"opted_out,omitempty"`
}

// EffectiveChannel is the channel with the default filled in.
func (p MessagePrefs) EffectiveChannel() MessageChannel {
	if p.Channel == "" {
		return ChannelSMS
	}
	return p.Channel
}

// QuietHours returns the quiet hours with the defaults filled in.
func (p MessagePrefs) QuietHours() (from, to string) {
	if p.QuietFrom == "" && p.QuietTo == "" {
		return DefaultQuietFrom, DefaultQuietTo
	}
	return p.QuietFrom, p.QuietTo
}

// MayMessage says whether the shop may send a customer a message of a
// kind at all. An opt-out stops every kind, the booking confirmation and
// "car ready" too: the customer asked for no messages, and the desk
// telephones instead. A customer on e-mail without an address gets none.
func MayMessage(c *Customer, k MessageKind) bool {
	if c == nil || messagePlaceholders[k] == nil {
		return false
	}
	prefs := c.Prefs()
	if prefs.OptedOut != nil {
		return false
	}
	switch prefs.EffectiveChannel() {
	case ChannelSMS:
		return c.Phone != ""
	case ChannelEmail:
		return prefs.Email != ""
	}
	return false
}

// Prefs returns the customer's wishes about messages, the defaults when
// none are recorded.
func (c *Customer) Prefs() MessagePrefs {
	if c.Messages == nil {
		return MessagePrefs{}
	}
	return *c.Messages
}

// NextSendTime is when a message due at `at` may be sent: at itself, or,
// when at falls in the customer's quiet hours, the moment they end, in
// the shop's zone. Quiet hours run from their start, included, to their
// end, excluded, and may run across midnight (21:00–08:00).
func NextSendTime(p MessagePrefs, at time.Time, zone *time.Location) time.Time {
	fromText, toText := p.QuietHours()
	from, ok1 := clockMinutes(fromText)
	to, ok2 := clockMinutes(toText)
	if !ok1 || !ok2 || from == to {
		return at
	}
	local := at.In(zone)
	y, mo, d := local.Date()
	now := local.Hour()*60 + local.Minute()
	end := func(dayOffset int) time.Time {
		return time.Date(y, mo, d+dayOffset, to/60, to%60, 0, 0, zone)
	}
	if from < to {
		if now >= from && now < to {
			return end(0)
		}
		return at
	}
	// Across midnight: quiet from `from` to midnight and from midnight to
	// `to`.
	switch {
	case now >= from:
		return end(1)
	case now < to:
		return end(0)
	}
	return at
}

// checkMessagePrefs checks a customer's message wishes in put_customer
// and returns them in normal form. An opt-out keeps the time it was first
// recorded; a new one is stamped now.
func checkMessagePrefs(p *problems, in MessagePrefs, old *Customer, now time.Time) MessagePrefs {
	out := in
	switch in.Channel {
	case "", ChannelSMS, ChannelEmail, ChannelNone:
	default:
		p.add("customer.messages.channel", "must be sms, email or none")
	}
	out.Email = strings.TrimSpace(in.Email)
	if out.Email != "" {
		addr, err := mail.ParseAddress(out.Email)
		if err != nil || addr.Address != out.Email || addr.Name != "" || len(out.Email) > 254 || !strings.Contains(out.Email[strings.LastIndexByte(out.Email, '@')+1:], ".") {
			p.add("customer.messages.email", "is not an e-mail address")
		}
	} else if in.Channel == ChannelEmail {
		p.add("customer.messages.email", "is required for messages by e-mail")
	}
	if (in.QuietFrom == "") != (in.QuietTo == "") {
		p.add("customer.messages.quiet_from", "quiet hours need both a start and an end")
	} else if in.QuietFrom != "" {
		if _, ok := clockMinutes(in.QuietFrom); !ok {
			p.add("customer.messages.quiet_from", "must be a time such as 21:00")
		}
		if _, ok := clockMinutes(in.QuietTo); !ok {
			p.add("customer.messages.quiet_to", "must be a time such as 21:00")
		}
	}
	if in.OptedOut != nil {
		valid := false
		for _, w := range OptOutWays {
			valid = valid || in.OptedOut.Way == w
		}
		if !valid {
			p.add("customer.messages.opted_out.way", "must be phone, in_person, sms_reply or email")
		}
		o := OptOut{At: now, Way: in.OptedOut.Way}
		if old != nil && old.Prefs().OptedOut != nil {
			o.At = old.Prefs().OptedOut.At
		}
		out.OptedOut = &o
	}
	return out
}
