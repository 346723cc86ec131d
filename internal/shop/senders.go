package shop

import (
	"net/mail"
	"strings"
	"time"
)

// KindMessageSender is the shop's settings of the customer messages'
// channels: one record per channel, "sms" and "email".
const KindMessageSender = "message_senders"

// MessageSender is how the shop sends one channel's messages: Alibaba
// Cloud SMS's endpoint, access key id and sign name, or the SMTP server,
// its user and the From address. Its Secret, the SMS access key secret or
// the SMTP password, is the manager's to set and never in its JSON, so no
// answer, event or export carries it: the data file alone keeps it
// (store/users.go keeps it beside the record, as it keeps a webhook's).
type MessageSender struct {
	Channel MessageChannel `json:"channel"`
	// SMS: the gateway's URL (empty is Alibaba Cloud's own), the access
	// key id and the signature (签名) registered with Alibaba Cloud.
	Endpoint    string `json:"endpoint,omitempty"`
	AccessKeyID string `json:"access_key_id,omitempty"`
	SignName    string `json:"sign_name,omitempty"`
	// E-mail: the SMTP server (STARTTLS, or TLS on 465), the user it
	// authenticates as and the sender's address.
	Host     string `json:"host,omitempty"`
	Port     int    `json:"port,omitempty"`
	Username string `json:"username,omitempty"`
	From     string `json:"from,omitempty"`
	Secret   string `json:"-"`
}

// SecretSet says whether the channel's secret is set, all a GET says of it.
func (m *MessageSender) SecretSet() bool { return m.Secret != "" }

// PutMessageSender sets a channel's settings. The web layer builds it
// from the manager's form (a client cannot send it as JSON to the
// commands' route), so the secret never enters a command's JSON.
type PutMessageSender struct {
	kind
	Sender MessageSender `json:"sender"`
	// Secret is the new secret; empty keeps the one set.
	Secret string `json:"-"`
}

func (c *PutMessageSender) CommandType() string { return "put_message_sender" }

func (c *PutMessageSender) apply(d *Draft, a Actor, now time.Time) (result, error) {
	var p problems
	m := c.Sender
	old := d.messageSenders.get(string(m.Channel))
	trim := func(s *string) { *s = strings.TrimSpace(*s) }
	for _, s := range []*string{&m.Endpoint, &m.AccessKeyID, &m.SignName, &m.Host, &m.Username, &m.From} {
		trim(s)
	}
	switch m.Channel {
	case ChannelSMS:
		if m.Endpoint != "" {
			m.Endpoint = checkWebhookURL(&p, "sender.endpoint", m.Endpoint)
		}
		checkText(&p, "sender.access_key_id", m.AccessKeyID, maxName, true)
		checkText(&p, "sender.sign_name", m.SignName, maxName, true)
		m.Host, m.Port, m.Username, m.From = "", 0, "", ""
	case ChannelEmail:
		checkText(&p, "sender.host", m.Host, maxName, true)
		if strings.ContainsAny(m.Host, "/: ") {
			p.add("sender.host", "must be a host name or address, without a scheme or port")
		}
		if m.Port < 1 || m.Port > 65535 {
			p.add("sender.port", "must be a port between 1 and 65535")
		}
		checkText(&p, "sender.username", m.Username, maxName, true)
		if addr, err := mail.ParseAddress(m.From); m.From == "" {
			p.add("sender.from", "is required")
		} else if err != nil || !strings.Contains(addr.Address, "@") {
			p.add("sender.from", "is not an e-mail address")
		}
		m.Endpoint, m.AccessKeyID, m.SignName = "", "", ""
	default:
		p.add("sender.channel", "must be sms or email")
	}
	if len(c.Secret) > 500 {
		p.add("secret", "at most 500 characters")
	}
	if c.Secret == "" && (old == nil || old.Secret == "") {
		p.add("secret", "is required")
	}
	if err := p.err(); err != nil {
		return result{}, err
	}
	m.Secret = c.Secret
	if m.Secret == "" {
		m.Secret = old.Secret
	}
	set(d, &d.messageSenders, string(m.Channel), &m)
	return result{subject: string(m.Channel)}, nil
}

// eventData says that a secret was set, never which.
func (c *PutMessageSender) eventData() any {
	return struct {
		Sender    MessageSender `json:"sender"`
		SetSecret bool          `json:"set_secret,omitempty"`
	}{c.Sender, c.Secret != ""}
}
