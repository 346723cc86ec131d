package shop

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// The messages a 4S shop sends its customers (seeds 001 and 002): the
// booking confirmation, the reminders a day and an hour before, the
// request to decide on extra work, "your car is ready" and the 3-day
// follow-up survey. This file holds their texts and who may receive
// them; when each is sent, and through which sender, is not the domain's
// (the outbox and internal/channels deliver).

// MessageKind is one message the shop sends a customer.
type MessageKind string

const (
	MsgBookingConfirmation MessageKind = "booking_confirmation"
	MsgReminder24h         MessageKind = "reminder_24h"
	MsgReminder1h          MessageKind = "reminder_1h"
	MsgFindingApproval     MessageKind = "finding_approval"
	MsgCarReady            MessageKind = "car_ready"
	MsgFollowUpSurvey      MessageKind = "followup_survey"
)

// MessageKinds lists the kinds in the order of a visit.
var MessageKinds = []MessageKind{
	MsgBookingConfirmation, MsgReminder24h, MsgReminder1h,
	MsgFindingApproval, MsgCarReady, MsgFollowUpSurvey,
}

// MessageLanguages are the languages every template has a text in.
var MessageLanguages = []string{"zh-CN", "en"}

// MaxMessageRunes bounds a template's text: an SMS of 300 characters is
// already five billed segments, and an e-mail this short stays readable
// on a phone.
const MaxMessageRunes = 300

// messagePlaceholders is which {placeholder} each kind may use: what the
// sender knows when the message is due. A reminder has no link (the
// customer has no page before reception); only the approval request and
// the survey do, and only "car ready" has an amount.
var messagePlaceholders = map[MessageKind][]string{
	MsgBookingConfirmation: {"customer", "plate", "date", "time", "shop", "address", "phone", "advisor"},
	MsgReminder24h:         {"customer", "plate", "date", "time", "shop", "address", "phone"},
	MsgReminder1h:          {"customer", "plate", "time", "shop", "address", "phone"},
	MsgFindingApproval:     {"customer", "plate", "shop", "phone", "advisor", "link"},
	MsgCarReady:            {"customer", "plate", "shop", "address", "phone", "amount", "pickup_hours"},
	MsgFollowUpSurvey:      {"customer", "plate", "shop", "phone", "link"},
}

// MessagePlaceholders returns the placeholders a kind may use, nil for an
// unknown kind.
func MessagePlaceholders(k MessageKind) []string {
	return append([]string(nil), messagePlaceholders[k]...)
}

// MessageTemplate is one message's texts, by language, and the code of
// the SMS template the shop registered for it with Alibaba Cloud
// ("SMS_123456789"). The SMS gateway sends only texts it has approved:
// it sends its own registered text, filled with the placeholders' values
// as parameters, so Texts are what e-mail sends and what the shop
// registers; the two should say the same thing.
type MessageTemplate struct {
	Kind    MessageKind       `json:"kind"`
	Texts   map[string]string `json:"texts"`
	SMSCode string            `json:"sms_code,omitempty"`
}

// defaultMessageTexts are the shipped texts, as a 4S shop's service desk
// writes them.
var defaultMessageTexts = map[MessageKind]map[string]string{
	MsgBookingConfirmation: {
		"zh-CN": "尊敬的{customer}，您的爱车{plate}已预约{date} {time}到店保养，服务顾问{advisor}将为您服务。地址：{address}。如需改约请致电{phone}。【{shop}】",
		"en":    "Dear {customer}, your {plate} is booked in for {date} at {time}; your service advisor {advisor} will look after you. Address: {address}. To change the booking call {phone}. {shop}",
	},
	MsgReminder24h: {
		"zh-CN": "尊敬的{customer}，温馨提醒：您的爱车{plate}预约于明天{date} {time}到店保养，地址：{address}。如需改约请致电{phone}。【{shop}】",
		"en":    "Dear {customer}, a reminder: your {plate} is booked in tomorrow, {date} at {time}, at {address}. To change it call {phone}. {shop}",
	},
	MsgReminder1h: {
		"zh-CN": "尊敬的{customer}，您的爱车{plate}预约于今天{time}到店，我们已做好准备，期待您的光临。地址：{address}，电话{phone}。【{shop}】",
		"en":    "Dear {customer}, we are ready for your {plate} today at {time}. Address: {address}, phone {phone}. {shop}",
	},
	MsgFindingApproval: {
		"zh-CN": "尊敬的{customer}，技师在检查您的爱车{plate}时发现需要增加的项目，请点击{link}查看照片和报价并确认是否施工。如有疑问请联系服务顾问{advisor}，电话{phone}。【{shop}】",
		"en":    "Dear {customer}, our technician found more work on your {plate}. Please see the photos and prices and decide at {link}. Questions: your advisor {advisor}, phone {phone}. {shop}",
	},
	MsgCarReady: {
		"zh-CN": "尊敬的{customer}，您的爱车{plate}已完工并清洗完毕，费用合计{amount}元，请于{pickup_hours}到店取车。地址：{address}，电话{phone}。【{shop}】",
		"en":    "Dear {customer}, your {plate} is ready and washed. The total is {amount}. Please collect it {pickup_hours} at {address}; phone {phone}. {shop}",
	},
	MsgFollowUpSurvey: {
		"zh-CN": "尊敬的{customer}，感谢您选择我们为爱车{plate}服务。请花一分钟对本次服务进行评价：{link}。您的意见是我们改进的动力。如有问题请致电{phone}。【{shop}】",
		"en":    "Dear {customer}, thank you for trusting us with your {plate}. Please take a minute to tell us how we did: {link}. Any concern, call {phone}. {shop}",
	},
}

// DefaultMessageTemplate is the shipped template of a kind, with no SMS
// code (each shop registers its own).
func DefaultMessageTemplate(k MessageKind) MessageTemplate {
	texts := map[string]string{}
	for lang, text := range defaultMessageTexts[k] {
		texts[lang] = text
	}
	return MessageTemplate{Kind: k, Texts: texts}
}

// MessageTemplates returns every kind's template as the shop has it: the
// manager's where set, the shipped one otherwise, in MessageKinds order.
func (s Settings) MessageTemplates() []MessageTemplate {
	set := map[MessageKind]MessageTemplate{}
	for _, t := range s.Messages {
		set[t.Kind] = t
	}
	out := make([]MessageTemplate, 0, len(MessageKinds))
	for _, k := range MessageKinds {
		if t, ok := set[k]; ok {
			out = append(out, t)
		} else {
			out = append(out, DefaultMessageTemplate(k))
		}
	}
	return out
}

// MessageTemplate returns a kind's template as the shop has it.
func (s Settings) MessageTemplate(k MessageKind) (MessageTemplate, bool) {
	for _, t := range s.MessageTemplates() {
		if t.Kind == k {
			return t, true
		}
	}
	return MessageTemplate{}, false
}

// Render fills a kind's text in a language with values. It refuses an
// unknown kind or language and a placeholder without a value, so a
// message never leaves with "{amount}" in it.
func (s Settings) Render(k MessageKind, lang string, values map[string]string) (string, error) {
	t, ok := s.MessageTemplate(k)
	if !ok {
		return "", fmt.Errorf("message kind %q is not known", k)
	}
	text, ok := t.Texts[lang]
	if !ok {
		return "", fmt.Errorf("message %s has no text in %q", k, lang)
	}
	return RenderText(text, values)
}

// RenderText fills a template's {placeholders} with values.
func RenderText(text string, values map[string]string) (string, error) {
	var b strings.Builder
	for {
		open := strings.IndexByte(text, '{')
		if open < 0 {
			b.WriteString(text)
			return b.String(), nil
		}
		end := strings.IndexByte(text[open:], '}')
		if end < 0 {
			return "", fmt.Errorf("unbalanced brace in %q", text)
		}
		name := text[open+1 : open+end]
		v, ok := values[name]
		if !ok {
			return "", fmt.Errorf("no value for {%s}", name)
		}
		b.WriteString(text[:open])
		b.WriteString(v)
		text = text[open+end+1:]
	}
}

// SampleMessageValues are the values a template's preview is rendered
// with, in a language.
func SampleMessageValues(s Settings, lang string) map[string]string {
	v := map[string]string{
		"customer": "张伟", "plate": "京A·12345", "date": "2027-03-02", "time": "09:30",
		"shop": s.Name, "address": s.Address, "phone": s.Phone, "advisor": "李娜",
		"link": "https://example.cn/c/AbC123", "amount": "1,280.00", "pickup_hours": "08:00–18:00",
	}
	if lang == "en" {
		v["customer"], v["advisor"] = "Mr Zhang Wei", "Li Na"
	}
	// A shop that has not said who it is yet still sees a whole preview.
	for k, fallback := range map[string]string{"shop": "Service Workshop", "address": "88 Example Road", "phone": "010-12345678"} {
		if v[k] == "" {
			v[k] = fallback
		}
	}
	return v
}

// SetMessageTemplates replaces the templates of the kinds it names; the
// others keep theirs. A kind set back to the shipped texts is stored all
// the same: the manager decided.
type SetMessageTemplates struct {
	kind
	Templates []MessageTemplate `json:"templates"`
}

func (c *SetMessageTemplates) CommandType() string { return "set_message_templates" }

func (c *SetMessageTemplates) apply(d *Draft, a Actor, now time.Time) (result, error) {
	var p problems
	if len(c.Templates) == 0 || len(c.Templates) > len(MessageKinds) {
		p.add("templates", "one to %d templates", len(MessageKinds))
	}
	seen := map[MessageKind]bool{}
	for i, t := range c.Templates {
		f := fmt.Sprintf("templates[%d]", i)
		allowed, known := messagePlaceholders[t.Kind]
		kindField, smsField := f+".kind", f+".sms_code"
		switch {
		case !known:
			p.add(kindField, "is not a message kind")
		case seen[t.Kind]:
			p.add(kindField, "is listed twice")
		}
		seen[t.Kind] = true
		textsField := f + ".texts"
		for lang := range t.Texts {
			if lang != "zh-CN" && lang != "en" {
				p.add(textsField, "must have texts in zh-CN and en only")
			}
		}
		for _, lang := range MessageLanguages {
			field := f + ".texts." + lang
			text := t.Texts[lang]
			if strings.TrimSpace(text) == "" {
				p.add(field, "is required")
				continue
			}
			if utf8.RuneCountInString(text) > MaxMessageRunes {
				p.add(field, "is longer than %d characters", MaxMessageRunes)
				continue
			}
			if known {
				checkPlaceholders(&p, field, text, allowed)
			}
		}
		if t.SMSCode != "" && !validSMSCode(t.SMSCode) {
			p.add(smsField, "must be an SMS template code such as SMS_123456789")
		}
	}
	if err := p.err(); err != nil {
		return result{}, err
	}
	s := d.Settings()
	byKind := map[MessageKind]MessageTemplate{}
	for _, t := range s.Messages {
		byKind[t.Kind] = t
	}
	for _, t := range c.Templates {
		byKind[t.Kind] = MessageTemplate{Kind: t.Kind, SMSCode: t.SMSCode,
			Texts: map[string]string{"zh-CN": t.Texts["zh-CN"], "en": t.Texts["en"]}}
	}
	s.Messages = make([]MessageTemplate, 0, len(byKind))
	for _, k := range MessageKinds {
		if t, ok := byKind[k]; ok {
			s.Messages = append(s.Messages, t)
		}
	}
	prev := d.settings
	d.settings = &s
	d.undo = append(d.undo, func() { d.settings = prev })
	return result{subject: "settings"}, nil
}

// checkPlaceholders refuses a text whose braces do not pair or that names
// a placeholder its kind may not use, naming the first such placeholder.
func checkPlaceholders(p *problems, field, text string, allowed []string) {
	depth := 0
	for _, r := range text {
		switch r {
		case '{':
			depth++
		case '}':
			depth--
		}
		if depth < 0 || depth > 1 {
			p.add(field, "has an unbalanced brace")
			return
		}
	}
	if depth != 0 {
		p.add(field, "has an unbalanced brace")
		return
	}
	for rest := text; ; {
		open := strings.IndexByte(rest, '{')
		if open < 0 {
			return
		}
		end := strings.IndexByte(rest, '}')
		name := rest[open+1 : end]
		if !containsString(allowed, name) {
			// The placeholder is said in braces: the pages translate the
			// saying with it as {p}.
			p.add(field, "names {%s}, which this message cannot use", name)
			return
		}
		rest = rest[end+1:]
	}
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// validSMSCode accepts Alibaba Cloud's template codes: SMS_ and digits.
func validSMSCode(code string) bool {
	digits, ok := strings.CutPrefix(code, "SMS_")
	if !ok || len(digits) == 0 || len(digits) > 20 {
		return false
	}
	for _, r := range digits {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
