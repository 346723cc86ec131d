package web

import (
	"net/http"
	"strings"
	"testing"

	"bayboard/internal/shop"
)

// The manager sets the SMS and SMTP channels; the access key secret and
// the password are kept, and no answer, list or export shows them: a GET
// says only that one is set. A change without a secret keeps it.
func TestAMessageChannelsSecretIsKeptAndNeverShown(t *testing.T) {
	ts := newTestShop(t)
	m := ts.tokens[shop.RoleManager]
	const smsSecret, smtpPassword = "sms-Key-Secret-8f3a", "smtp-Pass-77c1"
	r := ts.call(t, nil, "PUT", "/api/v1/message-senders/sms", m, map[string]any{"endpoint": "https://dysmsapi.aliyuncs.com/",
		"access_key_id": "LTAI5tExample", "sign_name": "京华4S店", "secret": smsSecret})
	if r.status != http.StatusOK || strings.Contains(string(r.body), smsSecret) || !strings.Contains(string(r.body), `"secret_set":true`) {
		t.Fatalf("put sms: %d %s", r.status, r.body)
	}
	r = ts.call(t, nil, "PUT", "/api/v1/message-senders/email", m, map[string]any{"host": "smtp.example.cn", "port": 587,
		"username": "service@jinghua4s.cn", "from": "京华4S店 <service@jinghua4s.cn>", "secret": smtpPassword})
	if r.status != http.StatusOK {
		t.Fatalf("put email: %d %s", r.status, r.body)
	}
	r = ts.call(t, nil, "PUT", "/api/v1/message-senders/sms", m, map[string]any{"access_key_id": "LTAI5tOther", "sign_name": "京华4S店"})
	if r.status != http.StatusOK {
		t.Fatalf("a change without the secret: %d %s", r.status, r.body)
	}
	st := ts.eng.State()
	if st.MessageSenders["sms"].Secret != smsSecret || st.MessageSenders["sms"].AccessKeyID != "LTAI5tOther" || st.MessageSenders["email"].Secret != smtpPassword {
		t.Errorf("kept: %+v %+v", st.MessageSenders["sms"], st.MessageSenders["email"])
	}
	for _, path := range []string{"/api/v1/message-senders", "/api/v1/export/events.json?from=2026-11-01&to=2026-12-31"} {
		r = ts.call(t, nil, "GET", path, m, nil)
		if r.status != http.StatusOK || strings.Contains(string(r.body), smsSecret) || strings.Contains(string(r.body), smtpPassword) {
			t.Errorf("%s: %d, carries a secret: %.300s", path, r.status, r.body)
		}
	}
	var list struct {
		Senders []struct {
			Channel   string              `json:"channel"`
			Sender    *shop.MessageSender `json:"sender"`
			SecretSet bool                `json:"secret_set"`
			Outbox    shop.OutboxView     `json:"outbox"`
		} `json:"senders"`
	}
	ts.call(t, nil, "GET", "/api/v1/message-senders", m, nil).json(t, &list)
	if len(list.Senders) != 2 || list.Senders[0].Channel != "sms" || !list.Senders[0].SecretSet || list.Senders[1].Sender.Host != "smtp.example.cn" ||
		list.Senders[1].Outbox.Dead == nil {
		t.Errorf("list: %+v", list)
	}
	// The data file keeps the secret across a restart.
	reopened, _, err := ts.store.Load(t0)
	if err != nil {
		t.Fatal(err)
	}
	if reopened.MessageSenders["sms"].Secret != smsSecret || reopened.MessageSenders["email"].Secret != smtpPassword {
		t.Errorf("after reloading: %+v %+v", reopened.MessageSenders["sms"], reopened.MessageSenders["email"])
	}
}

// Bad settings are refused with the field named and change nothing.
func TestBadMessageChannelsAreRefused(t *testing.T) {
	ts := newTestShop(t)
	m := ts.tokens[shop.RoleManager]
	seq := ts.store.LastSeq()
	for _, c := range []struct {
		path  string
		body  map[string]any
		field string
	}{
		{"/api/v1/message-senders/sms", map[string]any{"access_key_id": "LTAI", "sign_name": "店"}, "secret"},
		{"/api/v1/message-senders/sms", map[string]any{"access_key_id": "LTAI", "sign_name": "店", "secret": "s", "endpoint": "ftp://x"}, "sender.endpoint"},
		{"/api/v1/message-senders/sms", map[string]any{"sign_name": "店", "secret": "s"}, "sender.access_key_id"},
		{"/api/v1/message-senders/email", map[string]any{"host": "smtp.example.cn", "port": 70000, "username": "u", "from": "a@b.cn", "secret": "p"}, "sender.port"},
		{"/api/v1/message-senders/email", map[string]any{"host": "smtp.example.cn", "port": 587, "username": "u", "from": "not an address", "secret": "p"}, "sender.from"},
		{"/api/v1/message-senders/email", map[string]any{"host": "smtp://smtp.example.cn", "port": 587, "username": "u", "from": "a@b.cn", "secret": "p"}, "sender.host"},
		{"/api/v1/message-senders/wechat", map[string]any{"secret": "p"}, "sender.channel"},
	} {
		r := ts.call(t, nil, "PUT", c.path, m, c.body)
		if p := r.problem(t); r.status != http.StatusBadRequest || len(p.Errors) == 0 || p.Errors[0].Field != c.field {
			t.Errorf("%s %v: %d %s, want 400 naming %s", c.path, c.body, r.status, r.body, c.field)
		}
	}
	if got := ts.store.LastSeq(); got != seq {
		t.Errorf("refusals wrote events: %d → %d", seq, got)
	}
	if r := ts.call(t, nil, "POST", "/api/v1/message-senders/wechat/dead/1/retry", m, nil); r.status != http.StatusNotFound {
		t.Errorf("a dead letter of no channel: %d", r.status)
	}
}
