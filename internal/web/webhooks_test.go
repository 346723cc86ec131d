package web

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"bayboard/internal/shop"
	"bayboard/internal/store"
)

// storeOutbox is the store's outbox with its error named as web names it,
// as cmd/bayboard's wiring (internal/server) hands it over.
type storeOutbox struct{ st *store.Store }

func (o storeOutbox) Outbox(dest string) (shop.OutboxView, error) { return o.st.Outbox(dest) }
func (o storeOutbox) OutboxRetry(dest string, key uint64) error {
	return o.noEntry(o.st.OutboxRetry(dest, key))
}
func (o storeOutbox) OutboxDrop(dest string, key uint64) error {
	return o.noEntry(o.st.OutboxDrop(dest, key))
}
func (o storeOutbox) noEntry(err error) error {
	if errors.Is(err, store.ErrNoEntry) {
		return ErrNoEntry
	}
	return err
}

func TestAWebhooksSecretIsShownOnceAndNeverAgain(t *testing.T) {
	ts := newTestShop(t)
	m := ts.tokens[shop.RoleManager]
	r := ts.call(t, nil, "POST", "/api/v1/webhooks", m, map[string]any{"name": "DMS", "url": "https://dms.example/in", "events": []string{"open_job", "deliver"}})
	if r.status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	var made struct {
		Webhook shop.Webhook `json:"webhook"`
		Secret  string       `json:"secret"`
	}
	r.json(t, &made)
	if len(made.Secret) != 64 || !made.Webhook.Active || made.Webhook.ID == "" {
		t.Fatalf("created: %s", r.body)
	}
	// Rotating shows a new one, once.
	r = ts.call(t, nil, "POST", "/api/v1/webhooks/"+made.Webhook.ID+"/secret", m, nil)
	var rotated struct {
		Secret string `json:"secret"`
	}
	r.json(t, &rotated)
	if r.status != http.StatusOK || len(rotated.Secret) != 64 || rotated.Secret == made.Secret {
		t.Fatalf("rotate: %d %s", r.status, r.body)
	}
	if w := ts.eng.State().Webhooks[made.Webhook.ID]; w.Secret != rotated.Secret {
		t.Error("the rotated secret is not the one signing")
	}
	// An update keeps it and says nothing of it.
	r = ts.call(t, nil, "PUT", "/api/v1/webhooks/"+made.Webhook.ID, m, map[string]any{"name": "DMS 2", "url": "https://dms.example/in2", "events": []string{"deliver"}, "active": false})
	if r.status != http.StatusOK || strings.Contains(string(r.body), "secret") {
		t.Fatalf("update: %d %s", r.status, r.body)
	}
	if w := ts.eng.State().Webhooks[made.Webhook.ID]; w.Secret != rotated.Secret || w.Active || w.Name != "DMS 2" {
		t.Errorf("after the update: %+v", w)
	}
	for _, path := range []string{"/api/v1/webhooks", "/api/v1/export/events.json?from=2026-11-01&to=2026-12-31", "/api/v1/webhooks"} {
		r = ts.call(t, nil, "GET", path, m, nil)
		if r.status != http.StatusOK || strings.Contains(string(r.body), made.Secret) || strings.Contains(string(r.body), rotated.Secret) {
			t.Errorf("%s: %d, carries a secret: %.300s", path, r.status, r.body)
		}
	}
	var list struct {
		EventTypes []shop.WebhookEventType `json:"event_types"`
		Webhooks   []struct {
			ID      string `json:"id"`
			Backlog int    `json:"backlog"`
			Dead    []any  `json:"dead"`
		} `json:"webhooks"`
	}
	ts.call(t, nil, "GET", "/api/v1/webhooks", m, nil).json(t, &list)
	if len(list.EventTypes) != len(shop.WebhookEventTypes) || len(list.Webhooks) != 1 || list.Webhooks[0].Dead == nil {
		t.Errorf("list: %+v", list)
	}
	// Removed, it is gone from the list.
	if r = ts.call(t, nil, "DELETE", "/api/v1/webhooks/"+made.Webhook.ID, m, nil); r.status != http.StatusNoContent {
		t.Fatalf("remove: %d %s", r.status, r.body)
	}
	ts.call(t, nil, "GET", "/api/v1/webhooks", m, nil).json(t, &list)
	if len(list.Webhooks) != 0 {
		t.Errorf("a removed webhook is listed: %+v", list.Webhooks)
	}
	if r = ts.call(t, nil, "DELETE", "/api/v1/webhooks/"+made.Webhook.ID, m, nil); r.status != http.StatusNotFound {
		t.Errorf("removing twice: %d", r.status)
	}
}

func TestBadWebhooksAreRefusedAndChangeNothing(t *testing.T) {
	ts := newTestShop(t)
	m := ts.tokens[shop.RoleManager]
	seq := ts.store.LastSeq()
	for body, field := range map[string]string{
		`{"name":"x","url":"ftp://dms.example/","events":["deliver"]}`:                   "webhook.url",
		`{"name":"x","url":"https://u:p@dms.example/","events":["deliver"]}`:             "webhook.url",
		`{"name":"x","url":"https://dms.example/","events":["put_user"]}`:                "webhook.events[0]",
		`{"name":"","url":"https://dms.example/","events":["deliver"]}`:                  "webhook.name",
		`{"name":"x","url":"https://dms.example/","events":["deliver"],"secret":"mine"}`: "secret",
	} {
		r := ts.call(t, nil, "POST", "/api/v1/webhooks", m, body)
		p := r.problem(t)
		if r.status != http.StatusBadRequest || len(p.Errors) == 0 || p.Errors[0].Field != field {
			t.Errorf("%s: %d %s", body, r.status, r.body)
		}
	}
	if r := ts.call(t, nil, "POST", "/api/v1/webhooks", ts.tokens[shop.RoleAdvisor], `{"name":"x","url":"https://dms.example/","events":["deliver"]}`); r.status != http.StatusForbidden {
		t.Errorf("an advisor: %d", r.status)
	}
	for _, path := range []string{"/api/v1/webhooks/webhook-9/dead/1/retry", "/api/v1/webhooks/webhook-9/secret"} {
		if r := ts.call(t, nil, "POST", path, m, nil); r.status != http.StatusNotFound {
			t.Errorf("%s: %d", path, r.status)
		}
	}
	if got := ts.store.LastSeq(); got != seq {
		t.Errorf("refused webhooks wrote %d events", got-seq)
	}
}
