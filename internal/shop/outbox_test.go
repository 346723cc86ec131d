package shop

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestEachWebhookEventTypeIsACommandType(t *testing.T) {
	for _, e := range WebhookEventTypes {
		if _, ok := commandTypes[e.Type]; !ok {
			t.Errorf("%q is not a command type", e.Type)
		}
		if e.Meaning == "" {
			t.Errorf("%q says nothing of what it means", e.Type)
		}
	}
}

func TestAWebhookIsChecked(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	good := Webhook{Name: "DMS", URL: "https://dms.example:8443/bayboard", Events: []string{"deliver"}, Active: true}
	for name, tc := range map[string]struct {
		change func(*PutWebhook)
		field  string
	}{
		"ftp":           {func(c *PutWebhook) { c.Webhook.URL = "ftp://dms.example/x" }, "webhook.url"},
		"no scheme":     {func(c *PutWebhook) { c.Webhook.URL = "dms.example/x" }, "webhook.url"},
		"no host":       {func(c *PutWebhook) { c.Webhook.URL = "http:///x" }, "webhook.url"},
		"credentials":   {func(c *PutWebhook) { c.Webhook.URL = "https://u:p@dms.example/x" }, "webhook.url"},
		"no url":        {func(c *PutWebhook) { c.Webhook.URL = "" }, "webhook.url"},
		"no name":       {func(c *PutWebhook) { c.Webhook.Name = "" }, "webhook.name"},
		"no events":     {func(c *PutWebhook) { c.Webhook.Events = nil }, "webhook.events"},
		"unknown event": {func(c *PutWebhook) { c.Webhook.Events = []string{"put_bay"} }, "webhook.events[0]"},
		"twice":         {func(c *PutWebhook) { c.Webhook.Events = []string{"deliver", "deliver"} }, "webhook.events[1]"},
		"no secret":     {func(c *PutWebhook) { c.Secret = "" }, "webhook.secret"},
		"unknown id":    {func(c *PutWebhook) { c.Webhook.ID = "webhook-9" }, ""},
	} {
		c := &PutWebhook{Webhook: good, Secret: "k"}
		tc.change(c)
		d := NewDraft(NewState())
		_, err := d.Apply(Actor{Roles: []Role{RoleManager}}, c, now)
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if tc.field != "" && (len(e.Fields) == 0 || e.Fields[0].Field != tc.field) {
			t.Errorf("%s: fields %+v, want %s", name, e.Fields, tc.field)
		}
		if !d.Empty() {
			t.Errorf("%s: the draft changed", name)
		}
	}
	d := NewDraft(NewState())
	if _, err := d.Apply(Actor{Roles: []Role{RoleAdvisor}}, &PutWebhook{Webhook: good, Secret: "k"}, now); err == nil {
		t.Error("an advisor added a webhook")
	}
	ev, err := d.Apply(Actor{Roles: []Role{RoleManager}}, &PutWebhook{Webhook: good, Secret: "k"}, now)
	if err != nil || strings.Contains(string(ev.Data), `"k"`) {
		t.Fatalf("a good webhook: %v %s", err, ev.Data)
	}
	// An update keeps the secret; a removal stops its deliveries.
	up := good
	up.ID, up.Events = ev.Subject, []string{"deliver", "cancel"}
	if _, err := d.Apply(Actor{Roles: []Role{RoleManager}}, &PutWebhook{Webhook: up}, now); err != nil {
		t.Fatal(err)
	}
	s := d.Publish()
	if w := s.Webhooks[ev.Subject]; w.Secret != "k" || !w.Wants("cancel") {
		t.Errorf("after an update: %+v", w)
	}
	if got := s.Deliveries([]Event{{Type: "cancel"}, {Type: "put_bay"}}); len(got) != 2 || len(got[0]) != 1 || len(got[1]) != 0 {
		t.Errorf("deliveries %v", got)
	}
	d = NewDraft(s)
	if _, err := d.Apply(Actor{Roles: []Role{RoleManager}}, &RemoveWebhook{ID: ev.Subject}, now); err != nil {
		t.Fatal(err)
	}
	if got := d.Publish().Deliveries([]Event{{Type: "cancel"}}); got != nil {
		t.Errorf("a removed webhook still gets %v", got)
	}
}
