package shop

import (
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The placeholders each kind may use, written out here apart from the
// table in messages.go: a change to what a message may say is a change
// to this test too.
func TestMessagePlaceholdersPerKind(t *testing.T) {
	want := map[MessageKind]string{
		MsgBookingConfirmation: "customer plate date time shop address phone advisor",
		MsgReminder24h:         "customer plate date time shop address phone",
		MsgReminder1h:          "customer plate time shop address phone",
		MsgFindingApproval:     "customer plate shop phone advisor link",
		MsgCarReady:            "customer plate shop address phone amount pickup_hours",
		MsgFollowUpSurvey:      "customer plate shop phone link",
	}
	if len(MessageKinds) != len(want) {
		t.Fatalf("%d kinds, want %d", len(MessageKinds), len(want))
	}
	for _, k := range MessageKinds {
		if got := strings.Join(MessagePlaceholders(k), " "); got != want[k] {
			t.Errorf("%s may use %q, want %q", k, got, want[k])
		}
	}
	if MessagePlaceholders("birthday") != nil {
		t.Error("an unknown kind has placeholders")
	}
}

// Every shipped text renders in both languages with every placeholder
// filled: no brace is left, and the sample values show.
func TestDefaultMessagesRenderWithNoPlaceholderLeft(t *testing.T) {
	s := DefaultSettings()
	for _, k := range MessageKinds {
		for _, lang := range []string{"zh-CN", "en"} {
			values := SampleMessageValues(s, lang)
			got, err := s.Render(k, lang, values)
			if err != nil {
				t.Fatalf("%s %s: %v", k, lang, err)
			}
			if strings.ContainsAny(got, "{}") || !strings.Contains(got, "京A·12345") {
				t.Errorf("%s %s renders %q", k, lang, got)
			}
			if n := len([]rune(got)); n > MaxMessageRunes {
				t.Errorf("%s %s is %d characters long", k, lang, n)
			}
			// The shipped texts pass the checks the manager's do.
			var p problems
			checkPlaceholders(&p, "x", DefaultMessageTemplate(k).Texts[lang], MessagePlaceholders(k))
			if len(p) != 0 {
				t.Errorf("%s %s: %v", k, lang, p)
			}
		}
	}
	got, _ := s.Render(MsgCarReady, "en", map[string]string{"customer": "Ms Lee", "plate": "沪B·88888", "shop": "S", "address": "A", "phone": "P", "amount": "99.00", "pickup_hours": "until 18:00"})
	if want := "Dear Ms Lee, your 沪B·88888 is ready and washed. The total is 99.00. Please collect it until 18:00 at A; phone P. S"; got != want {
		t.Errorf("car_ready en = %q\nwant %q", got, want)
	}
}

func TestRenderRefusesAMissingValueAndAnUnknownKind(t *testing.T) {
	s := DefaultSettings()
	if _, err := s.Render(MsgReminder1h, "en", map[string]string{"customer": "x"}); err == nil || !strings.Contains(err.Error(), "{plate}") {
		t.Errorf("missing value: err = %v", err)
	}
	if _, err := s.Render("birthday", "en", nil); err == nil {
		t.Error("unknown kind rendered")
	}
	if _, err := s.Render(MsgReminder1h, "fr", nil); err == nil {
		t.Error("unknown language rendered")
	}
	if got, err := RenderText("{a}{b} and {a}", map[string]string{"a": "1", "b": "{a}"}); err != nil || got != "1{a} and 1" {
		t.Errorf("RenderText = %q, %v (a value is not rendered again)", got, err)
	}
}

func fieldsOf(t *testing.T, err error) map[string]string {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) || e.Code != CodeInvalid {
		t.Fatalf("err = %v, want a refusal", err)
	}
	out := map[string]string{}
	for _, f := range e.Fields {
		out[f.Field] = f.Message
	}
	return out
}

func TestSetMessageTemplatesRefusesBadTexts(t *testing.T) {
	f := newFixture(t)
	good := DefaultMessageTemplate(MsgCarReady).Texts
	cases := []struct {
		name  string
		tpl   MessageTemplate
		field string
		says  string
	}{
		{"unknown placeholder", MessageTemplate{Kind: MsgCarReady, Texts: map[string]string{"zh-CN": "您的车{plate}好了，{mileage}公里", "en": good["en"]}}, "templates[0].texts.zh-CN", "names {mileage}, which this message cannot use"},
		{"placeholder of another kind", MessageTemplate{Kind: MsgReminder1h, Texts: map[string]string{"zh-CN": "提醒", "en": "Decide at {link}"}}, "templates[0].texts.en", "names {link}, which this message cannot use"},
		{"unclosed brace", MessageTemplate{Kind: MsgCarReady, Texts: map[string]string{"zh-CN": good["zh-CN"], "en": "Ready, {customer"}}, "templates[0].texts.en", "has an unbalanced brace"},
		{"stray closing brace", MessageTemplate{Kind: MsgCarReady, Texts: map[string]string{"zh-CN": "好了}", "en": good["en"]}}, "templates[0].texts.zh-CN", "has an unbalanced brace"},
		{"nested braces", MessageTemplate{Kind: MsgCarReady, Texts: map[string]string{"zh-CN": "{{plate}}", "en": good["en"]}}, "templates[0].texts.zh-CN", "has an unbalanced brace"},
		{"empty text", MessageTemplate{Kind: MsgCarReady, Texts: map[string]string{"zh-CN": "  ", "en": good["en"]}}, "templates[0].texts.zh-CN", "is required"},
		{"missing language", MessageTemplate{Kind: MsgCarReady, Texts: map[string]string{"zh-CN": good["zh-CN"]}}, "templates[0].texts.en", "is required"},
		{"too long", MessageTemplate{Kind: MsgCarReady, Texts: map[string]string{"zh-CN": strings.Repeat("车", 301), "en": good["en"]}}, "templates[0].texts.zh-CN", "is longer than 300 characters"},
		{"unknown kind", MessageTemplate{Kind: "birthday", Texts: good}, "templates[0].kind", "is not a message kind"},
		{"bad SMS code", MessageTemplate{Kind: MsgCarReady, Texts: good, SMSCode: "12345"}, "templates[0].sms_code", "must be an SMS template code such as SMS_123456789"},
	}
	for _, c := range cases {
		before := f.state
		fields := fieldsOf(t, f.apply(manager, &SetMessageTemplates{Templates: []MessageTemplate{c.tpl}}))
		if fields[c.field] != c.says {
			t.Errorf("%s: fields = %v, want %s: %s", c.name, fields, c.field, c.says)
		}
		if f.state != before {
			t.Errorf("%s: the refusal changed the shop", c.name)
		}
	}
	if err := f.apply(advisor, &SetMessageTemplates{Templates: []MessageTemplate{DefaultMessageTemplate(MsgCarReady)}}); CodeOf(err) != CodeForbidden {
		t.Errorf("advisor sets templates: err = %v", err)
	}
}

func TestSetMessageTemplatesKeepsTheOthersAndSurvivesSetSettings(t *testing.T) {
	f := newFixture(t)
	mine := MessageTemplate{Kind: MsgCarReady, SMSCode: "SMS_465123001", Texts: map[string]string{
		"zh-CN": "{customer}您好，{plate}已完工，请{pickup_hours}取车，合计{amount}元。",
		"en":    "{customer}, your {plate} is ready: {amount}, collect {pickup_hours}.",
	}}
	f.must(t, manager, &SetMessageTemplates{Templates: []MessageTemplate{mine}})
	f.must(t, system, &SetSettings{Settings: DefaultSettings()}) // a settings page that knows nothing of templates
	s := f.state.Settings
	got, err := s.Render(MsgCarReady, "zh-CN", map[string]string{"customer": "张伟", "plate": "京A·12345", "pickup_hours": "18:00前", "amount": "1,280.00"})
	if err != nil || got != "张伟您好，京A·12345已完工，请18:00前取车，合计1,280.00元。" {
		t.Errorf("rendered %q, %v", got, err)
	}
	if tpl, _ := s.MessageTemplate(MsgCarReady); tpl.SMSCode != "SMS_465123001" {
		t.Errorf("sms code = %q", tpl.SMSCode)
	}
	if tpl, _ := s.MessageTemplate(MsgReminder24h); tpl.Texts["en"] != DefaultMessageTemplate(MsgReminder24h).Texts["en"] {
		t.Errorf("another kind changed: %v", tpl)
	}
	if len(s.MessageTemplates()) != len(MessageKinds) {
		t.Errorf("%d templates", len(s.MessageTemplates()))
	}
}

func shanghai(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestNextSendTimeHoldsQuietHours(t *testing.T) {
	loc := shanghai(t)
	at := func(day, h, m int) time.Time { return time.Date(2027, 3, day, h, m, 0, 0, loc) }
	cases := []struct {
		name     string
		prefs    MessagePrefs
		due, out time.Time
	}{
		{"day time is sent at once", MessagePrefs{}, at(2, 14, 0), at(2, 14, 0)},
		{"a minute before quiet hours", MessagePrefs{}, at(2, 20, 59), at(2, 20, 59)},
		{"at the start of quiet hours", MessagePrefs{}, at(2, 21, 0), at(3, 8, 0)},
		{"late evening waits for the next morning", MessagePrefs{}, at(2, 23, 30), at(3, 8, 0)},
		{"just after midnight waits for the same morning", MessagePrefs{}, at(3, 0, 5), at(3, 8, 0)},
		{"a minute before they end", MessagePrefs{}, at(3, 7, 59), at(3, 8, 0)},
		{"at their end", MessagePrefs{}, at(3, 8, 0), at(3, 8, 0)},
		{"across a month's end", MessagePrefs{}, time.Date(2027, 3, 31, 22, 0, 0, 0, loc), time.Date(2027, 4, 1, 8, 0, 0, 0, loc)},
		{"quiet hours within a day", MessagePrefs{QuietFrom: "12:00", QuietTo: "14:00"}, at(2, 13, 0), at(2, 14, 0)},
		{"outside quiet hours within a day", MessagePrefs{QuietFrom: "12:00", QuietTo: "14:00"}, at(2, 23, 0), at(2, 23, 0)},
		{"own hours across midnight", MessagePrefs{QuietFrom: "22:30", QuietTo: "07:00"}, at(2, 22, 0), at(2, 22, 0)},
		{"own hours across midnight, held", MessagePrefs{QuietFrom: "22:30", QuietTo: "07:00"}, at(2, 22, 30), at(3, 7, 0)},
		{"the same time twice is none", MessagePrefs{QuietFrom: "00:00", QuietTo: "00:00"}, at(2, 3, 0), at(2, 3, 0)},
	}
	for _, c := range cases {
		// The due time may come in any zone: the shop's decides.
		if got := NextSendTime(c.prefs, c.due.UTC(), loc); !got.Equal(c.out) {
			t.Errorf("%s: %s → %s, want %s", c.name, c.due, got.In(loc), c.out)
		}
	}
}

func TestMayMessageHonoursOptOutAndChannel(t *testing.T) {
	with := func(p MessagePrefs) *Customer {
		return &Customer{ID: "cu-1", Name: "张伟", Phone: "13812345678", Messages: &p}
	}
	base := &Customer{ID: "cu-1", Name: "张伟", Phone: "13812345678"} // no wishes recorded: SMS
	optedOut := with(MessagePrefs{OptedOut: &OptOut{At: t0, Way: OptOutPhone}})
	email := with(MessagePrefs{Channel: ChannelEmail, Email: "zhang@example.cn"})
	emailNoAddress := with(MessagePrefs{Channel: ChannelEmail})
	none := with(MessagePrefs{Channel: ChannelNone})
	for _, k := range MessageKinds {
		if !MayMessage(base, k) || !MayMessage(email, k) {
			t.Errorf("%s: a customer on SMS or e-mail gets none", k)
		}
		// An opt-out stops even the booking confirmation and "car ready".
		if MayMessage(optedOut, k) || MayMessage(none, k) || MayMessage(emailNoAddress, k) {
			t.Errorf("%s: sent to a customer who opted out or chose none", k)
		}
	}
	if MayMessage(base, "birthday") || MayMessage(nil, MsgCarReady) {
		t.Error("an unknown kind or no customer may be messaged")
	}
}

func TestPutCustomerChecksMessagePrefs(t *testing.T) {
	f := newFixture(t)
	cu := *f.state.Customers["cu-1"]
	bad := cu
	bad.Messages = &MessagePrefs{Channel: "wechat", Email: "zhang at example", QuietFrom: "25:00", QuietTo: "08:00", OptedOut: &OptOut{Way: "pigeon"}}
	fields := fieldsOf(t, f.apply(advisor, &PutCustomer{Customer: bad}))
	for field, says := range map[string]string{
		"customer.messages.channel":       "must be sms, email or none",
		"customer.messages.email":         "is not an e-mail address",
		"customer.messages.quiet_from":    "must be a time such as 21:00",
		"customer.messages.opted_out.way": "must be phone, in_person, sms_reply or email",
	} {
		if fields[field] != says {
			t.Errorf("%s: %q, want %q", field, fields[field], says)
		}
	}
	bad.Messages = &MessagePrefs{Channel: ChannelEmail, QuietFrom: "21:00"}
	fields = fieldsOf(t, f.apply(advisor, &PutCustomer{Customer: bad}))
	if fields["customer.messages.email"] != "is required for messages by e-mail" || fields["customer.messages.quiet_from"] != "quiet hours need both a start and an end" {
		t.Errorf("fields = %v", fields)
	}

	// An opt-out is stamped when first recorded and keeps that time.
	cu.Messages = &MessagePrefs{Channel: ChannelEmail, Email: " zhang@example.cn ", QuietFrom: "22:00", QuietTo: "07:30", OptedOut: &OptOut{Way: OptOutPhone, At: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)}}
	f.must(t, advisor, &PutCustomer{Customer: cu})
	got := f.state.Customers["cu-1"].Prefs()
	if got.Email != "zhang@example.cn" || got.OptedOut == nil || !got.OptedOut.At.Equal(t0) || got.OptedOut.Way != OptOutPhone {
		t.Fatalf("stored %+v", got)
	}
	d := NewDraft(f.state)
	cu.Messages = &MessagePrefs{Channel: ChannelEmail, Email: "zhang@example.cn", OptedOut: &OptOut{Way: OptOutSMSReply}}
	if _, err := d.Apply(advisor, &PutCustomer{Customer: cu}, t0.Add(48*time.Hour)); err != nil {
		t.Fatal(err)
	}
	f.state = d.Publish()
	if at := f.state.Customers["cu-1"].Prefs().OptedOut.At; !at.Equal(t0) {
		t.Errorf("opt-out time moved to %s", at)
	}
	// A put_customer without the wishes (a rename, a DMS's update) keeps
	// them: nobody is opted back in by accident.
	rename := *f.state.Customers["cu-1"]
	rename.Name, rename.Messages = "张伟先生", nil
	f.must(t, advisor, &PutCustomer{Customer: rename})
	if f.state.Customers["cu-1"].Prefs().OptedOut == nil || MayMessage(f.state.Customers["cu-1"], MsgCarReady) {
		t.Error("a rename opted the customer back in")
	}
	// Opting back in is saying so.
	cu.Messages = &MessagePrefs{Channel: ChannelEmail, Email: "zhang@example.cn"}
	f.must(t, advisor, &PutCustomer{Customer: cu})
	if f.state.Customers["cu-1"].Prefs().OptedOut != nil || !MayMessage(f.state.Customers["cu-1"], MsgCarReady) {
		t.Error("opting back in did not clear the opt-out")
	}
	// The floor never sees the address, and the stored one stays.
	if f.state.Customers["cu-1"].WithoutContact().Messages.Email != "" || f.state.Customers["cu-1"].Prefs().Email != "zhang@example.cn" {
		t.Error("the e-mail address survives WithoutContact, or WithoutContact changed the stored customer")
	}
}

// A refusal naming a placeholder says it in braces, the form the pages
// translate.
var placeholderSaying = regexp.MustCompile(`^names \{[a-z_]+\}, which this message cannot use$`)

func TestUnknownPlaceholderSayingHasOneForm(t *testing.T) {
	var p problems
	checkPlaceholders(&p, "f", "Hello {customer} {vin}", MessagePlaceholders(MsgCarReady))
	if len(p) != 1 || !placeholderSaying.MatchString(p[0].Message) || !strings.Contains(p[0].Message, "{vin}") {
		t.Errorf("problems = %v", p)
	}
}
