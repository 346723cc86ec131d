package shop

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestPutGroupLinkChecksEveryField(t *testing.T) {
	manager := Actor{UserID: "user-1", Roles: []Role{RoleManager}}
	good := GroupLink{URLs: " nats://group.example:4222 , tls://10.0.0.2:4443", StoreID: "bj-01", Username: "bj01", Active: true}
	cases := []struct {
		name   string
		link   GroupLink
		secret string
		field  string
	}{
		{"http URL", GroupLink{URLs: "http://group.example:4222", StoreID: "bj-01"}, "", "link.urls"},
		{"no URL", GroupLink{URLs: " , ", StoreID: "bj-01"}, "", "link.urls"},
		{"a path", GroupLink{URLs: "nats://group.example:4222/x", StoreID: "bj-01"}, "", "link.urls"},
		{"credentials in the URL", GroupLink{URLs: "nats://u:p@group.example:4222", StoreID: "bj-01"}, "", "link.urls"},
		{"a bad port", GroupLink{URLs: "nats://group.example:99999", StoreID: "bj-01"}, "", "link.urls"},
		{"capitals in the id", GroupLink{URLs: "nats://g:4222", StoreID: "BJ-01"}, "", "link.store_id"},
		{"a dot in the id", GroupLink{URLs: "nats://g:4222", StoreID: "bj.01"}, "", "link.store_id"},
		{"a wildcard id", GroupLink{URLs: "nats://g:4222", StoreID: "*"}, "", "link.store_id"},
		{"a long id", GroupLink{URLs: "nats://g:4222", StoreID: strings.Repeat("a", 33)}, "", "link.store_id"},
		{"no id", GroupLink{URLs: "nats://g:4222"}, "", "link.store_id"},
		{"a user without a password", GroupLink{URLs: "nats://g:4222", StoreID: "bj-01", Username: "bj01"}, "", "secret"},
	}
	for _, c := range cases {
		f := &fixture{state: NewState()}
		err := f.apply(manager, &PutGroupLink{Link: c.link, Secret: c.secret})
		var e *Error
		if !errors.As(err, &e) || len(e.Fields) == 0 || e.Fields[0].Field != c.field {
			t.Errorf("%s: %v, want a problem with %s", c.name, err, c.field)
		}
		if f.state.GroupLink != nil {
			t.Errorf("%s: the refused link was kept", c.name)
		}
	}
	f := &fixture{state: NewState()}
	if err := f.apply(Actor{UserID: "user-2", Roles: []Role{RoleAdvisor}}, &PutGroupLink{Link: good, Secret: "pw"}); err == nil {
		t.Error("an advisor set the group link")
	}
	d := NewDraft(f.state)
	ev, err := d.Apply(manager, &PutGroupLink{Link: good, Secret: "s3cret-pw"}, t0)
	if err != nil {
		t.Fatal(err)
	}
	f.state = d.Publish()
	l := f.state.GroupLink
	if l == nil || l.URLs != "nats://group.example:4222,tls://10.0.0.2:4443" || l.Secret != "s3cret-pw" || !l.Active || l.StoreID != "bj-01" {
		t.Fatalf("the link: %+v", l)
	}
	if strings.Contains(string(ev.Data), "s3cret-pw") || !strings.Contains(string(ev.Data), `"set_secret":true`) {
		t.Errorf("the event: %s", ev.Data)
	}
	if raw, _ := json.Marshal(l); strings.Contains(string(raw), "s3cret-pw") {
		t.Errorf("the link's JSON carries its secret: %s", raw)
	}
	// Saved again without a secret, the secret stays; cleared, it goes.
	f.must(t, manager, &PutGroupLink{Link: GroupLink{URLs: "nats://g:4222", StoreID: "bj-01", Username: "bj01"}})
	if f.state.GroupLink.Secret != "s3cret-pw" || f.state.GroupLink.Active {
		t.Errorf("saved again: %+v", f.state.GroupLink)
	}
	f.must(t, manager, &PutGroupLink{Link: GroupLink{URLs: "nats://g:4222", StoreID: "bj-01"}, ClearSecret: true})
	if f.state.GroupLink.Secret != "" {
		t.Error("the cleared secret stayed")
	}
}
