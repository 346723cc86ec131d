package store

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"bayboard/internal/shop"
)

func TestAWebhooksSecretIsKeptInTheFileAndInNoEvent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shop.db")
	st, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	secret := "5ec2e7-0f-the-webhook-7a1d"
	d := shop.NewDraft(shop.NewState())
	if _, err := d.Apply(shop.Actor{System: true}, &shop.PutWebhook{Webhook: shop.Webhook{Name: "CRM", URL: "https://crm.example/in", Events: []string{"deliver"}, Active: true}, Secret: secret}, now); err != nil {
		t.Fatal(err)
	}
	evs, err := st.CommitOutbox(d.Records(), d.Events(), d.Publish().Deliveries(d.Events()))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(evs[0].Data, []byte(secret)) {
		t.Errorf("the event carries the secret: %s", evs[0].Data)
	}
	logged, _ := st.Event(evs[0].Seq)
	if bytes.Contains(logged.Data, []byte(secret)) || !bytes.Contains(logged.Data, []byte(`"set_secret":true`)) {
		t.Errorf("the logged event: %s", logged.Data)
	}
	loaded, _, err := st.Load(now)
	if err != nil {
		t.Fatal(err)
	}
	w := loaded.Webhooks["webhook-1"]
	if w == nil || w.Secret != secret || !w.Wants("deliver") || w.Wants("open_job") {
		t.Fatalf("the webhook as loaded: %+v", w)
	}
	st.Close()
	raw, _ := os.ReadFile(path)
	if !bytes.Contains(raw, []byte(secret)) {
		t.Error("the file does not keep the secret")
	}
}

func TestOutboxEntriesKeepTheirOrderAndOnlyTheirDestinations(t *testing.T) {
	st, err := Open(filepath.Join(t.TempDir(), "shop.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	evs := []shop.Event{{At: at, Type: "deliver"}, {At: at, Type: "put_bay"}, {At: at, Type: "cancel"}}
	out, err := st.CommitOutbox(nil, evs, [][]string{{"a", "b"}, nil, {"b"}})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := st.Outbox("a")
	b, _ := st.Outbox("b")
	if a.Backlog != 1 || b.Backlog != 2 || b.Oldest.EventSeq != out[0].Seq {
		t.Fatalf("a %+v, b %+v", a, b)
	}
	if err := st.OutboxDelivered("b", b.Oldest.Key, at); err != nil {
		t.Fatal(err)
	}
	head, ok, err := st.OutboxHead("b")
	if !ok || err != nil || head.EventSeq != out[2].Seq || head.EventType != "cancel" {
		t.Errorf("b's head after one delivery: %+v %v %v", head, ok, err)
	}
	if _, ok, _ := st.OutboxHead("nobody"); ok {
		t.Error("an unknown destination has entries")
	}
	if err := st.OutboxForget("a"); err != nil {
		t.Fatal(err)
	}
	if a, _ := st.Outbox("a"); a.Backlog != 0 {
		t.Errorf("a forgotten destination keeps %d", a.Backlog)
	}
	if _, err := st.CommitOutbox(nil, evs[:1], [][]string{{"a"}, {"b"}}); err == nil {
		t.Error("more deliveries than events were taken")
	}
}
