package web

import (
	"net/http"
	"strings"
	"testing"

	"bayboard/internal/shop"
)

// The manager sets the group link; its password is kept and no answer or
// export shows it; a bad address or store id is refused naming the field
// and changes nothing; no one else may read or set it.
func TestTheGroupLinkIsTheManagersAndItsSecretIsNeverShown(t *testing.T) {
	ts := newTestShop(t)
	m := ts.tokens[shop.RoleManager]
	const password = "grp-Pass-31d9e"
	for _, c := range []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"urls": "https://group.example", "store_id": "bj-01"}, "link.urls"},
		{map[string]any{"urls": "nats://group.example:4222", "store_id": "BJ 01"}, "link.store_id"},
		{map[string]any{"urls": "nats://group.example:4222", "store_id": "bj-01", "username": "bj01"}, "secret"},
	} {
		r := ts.call(t, nil, "PUT", "/api/v1/group-link", m, c.body)
		if r.status != http.StatusBadRequest || !strings.Contains(string(r.body), `"field":"`+c.field+`"`) {
			t.Errorf("%v: %d %s, want 400 naming %s", c.body, r.status, r.body, c.field)
		}
	}
	if ts.eng.State().GroupLink != nil {
		t.Fatal("a refused link was kept")
	}
	r := ts.call(t, nil, "PUT", "/api/v1/group-link", m, map[string]any{"urls": "nats://a.example:4222, nats://b.example:4222",
		"store_id": "bj-01", "username": "bj01", "secret": password, "active": true})
	if r.status != http.StatusOK || strings.Contains(string(r.body), password) || !strings.Contains(string(r.body), `"secret_set":true`) {
		t.Fatalf("put: %d %s", r.status, r.body)
	}
	var v struct {
		Link      shop.GroupLink `json:"link"`
		Set       bool           `json:"set"`
		SecretSet bool           `json:"secret_set"`
	}
	ts.call(t, nil, "GET", "/api/v1/group-link", m, nil).json(t, &v)
	if !v.Set || !v.SecretSet || v.Link.URLs != "nats://a.example:4222,nats://b.example:4222" || v.Link.StoreID != "bj-01" || !v.Link.Active || v.Link.Contacts {
		t.Errorf("get: %+v", v)
	}
	for _, path := range []string{"/api/v1/group-link", "/api/v1/export/events.json?from=2026-11-01&to=2026-12-31"} {
		r = ts.call(t, nil, "GET", path, m, nil)
		if r.status != http.StatusOK || strings.Contains(string(r.body), password) {
			t.Errorf("%s: %d, carries the secret: %.300s", path, r.status, r.body)
		}
	}
	if l := ts.eng.State().GroupLink; l.Secret != password {
		t.Errorf("the secret kept: %q", l.Secret)
	}
	for _, role := range []shop.Role{shop.RoleAdvisor, shop.RoleController} {
		if r := ts.call(t, nil, "GET", "/api/v1/group-link", ts.tokens[role], nil); r.status != http.StatusForbidden {
			t.Errorf("%s reads the link: %d", role, r.status)
		}
	}
	// The commands' route cannot set it: the web layer builds the command.
	r = ts.call(t, nil, "POST", "/api/v1/commands", m, map[string]any{"type": "put_group_link", "link": map[string]any{"urls": "nats://evil:4222", "store_id": "x"}})
	if r.status == http.StatusOK || ts.eng.State().GroupLink.URLs == "nats://evil:4222" {
		t.Errorf("put_group_link through /commands: %d %s", r.status, r.body)
	}
}
