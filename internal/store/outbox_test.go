package store

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"bayboard/internal/shop"
)

// secretKept gives a command carrying a secret on a new data file and
// checks that the event logged does not carry it and the file does; it
// returns the event as logged and the state loaded back.
func secretKept(t *testing.T, c shop.Command, secret string) (shop.Event, *shop.State) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "shop.db")
	st, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	d := shop.NewDraft(shop.NewState())
	if _, err := d.Apply(shop.Actor{System: true}, c, now); err != nil {
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
	if bytes.Contains(logged.Data, []byte(secret)) {
		t.Errorf("the logged event: %s", logged.Data)
	}
	loaded, _, err := st.Load(now)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	raw, _ := os.ReadFile(path)
	if !bytes.Contains(raw, []byte(secret)) {
		t.Error("the file does not keep the secret")
	}
	return logged, loaded
}

func TestAWebhooksSecretIsKeptInTheFileAndInNoEvent(t *testing.T) {
	secret := "5ec2e7-0f-the-webhook-7a1d"
	logged, loaded := secretKept(t, &shop.PutWebhook{Webhook: shop.Webhook{Name: "CRM", URL: "https://crm.example/in", Events: []string{"deliver"}, Active: true}, Secret: secret}, secret)
	if !bytes.Contains(logged.Data, []byte(`"set_secret":true`)) {
		t.Errorf("the logged event: %s", logged.Data)
	}
	w := loaded.Webhooks["webhook-1"]
	if w == nil || w.Secret != secret || !w.Wants("deliver") || w.Wants("open_job") {
		t.Fatalf("the webhook as loaded: %+v", w)
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
	head, ok, _, err := st.OutboxNext("b", at)
	if !ok || err != nil || head.EventSeq != out[2].Seq || head.EventType != "cancel" {
		t.Errorf("b's head after one delivery: %+v %v %v", head, ok, err)
	}
	if _, ok, _, _ := st.OutboxNext("nobody", at); ok {
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

// A message held for one customer's quiet hours does not hold the
// others' behind it, nor lets its own customer's later ones pass it; a
// retry's wait holds the whole queue, and a webhook's queue keeps its
// strict order.
func TestAQuietCustomerHoldsOnlyTheirOwnMessages(t *testing.T) {
	st, err := Open(filepath.Join(t.TempDir(), "shop.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Date(2026, 3, 2, 13, 0, 0, 0, time.UTC)
	msg := func(customer string, notBefore time.Time) []shop.OutboxMessage {
		return []shop.OutboxMessage{{Kind: shop.MsgBookingConfirmation, Channel: shop.ChannelSMS, CustomerID: customer, To: "1", NotBefore: notBefore}}
	}
	morning := now.Add(5 * time.Hour)
	evs := []shop.Event{{At: now, Type: "book_appointment"}, {At: now, Type: "book_appointment"}, {At: now, Type: "book_appointment"}, {At: now, Type: "book_appointment"}}
	// cu-a sleeps until the morning; cu-b does not; cu-a's second message
	// is due now but comes after the first.
	out, err := st.CommitMessages(nil, evs, nil, [][]shop.OutboxMessage{msg("cu-a", morning), msg("cu-a", now), msg("cu-b", now), msg("cu-b", now)})
	if err != nil {
		t.Fatal(err)
	}
	next := func(at time.Time) (shop.OutboxEntry, bool, time.Time) { t.Helper(); return smsNext(t, st, at) }
	e, ok, _ := next(now)
	if !ok || e.EventSeq != out[2].Seq {
		t.Fatalf("next at 13:00: %+v %v, want cu-b's first", e, ok)
	}
	st.OutboxDelivered("sms", e.Key, now)
	// cu-b's second fails: its retry holds the queue, cu-a's included.
	e, _, _ = next(now)
	if e.EventSeq != out[3].Seq {
		t.Fatalf("next: %+v, want cu-b's second", e)
	}
	retry := now.Add(time.Minute)
	st.OutboxFailed("sms", e.Key, shop.OutboxFailure{Reason: "HTTP 503", At: now, NextTry: retry})
	if e, ok, wake := next(now); ok || !wake.Equal(retry) {
		t.Fatalf("during the retry's wait: %+v %v wake %v, want nothing till %v", e, ok, wake, retry)
	}
	e, _, _ = next(retry)
	st.OutboxDelivered("sms", e.Key, retry)
	if e, ok, wake := next(retry); ok || !wake.Equal(morning) {
		t.Fatalf("with only cu-a's left: %+v %v wake %v, want nothing till the morning", e, ok, wake)
	}
	e, ok, _ = next(morning)
	if !ok || e.EventSeq != out[0].Seq {
		t.Fatalf("in the morning: %+v, want cu-a's first", e)
	}

	// A webhook's entries keep their order whatever waits.
	hooks := []shop.Event{{At: now, Type: "deliver"}, {At: now, Type: "deliver"}}
	got, err := st.CommitOutbox(nil, hooks, [][]string{{"webhook-1"}, {"webhook-1"}})
	if err != nil {
		t.Fatal(err)
	}
	h, _, _, _ := st.OutboxNext("webhook-1", now)
	st.OutboxFailed("webhook-1", h.Key, shop.OutboxFailure{Reason: "HTTP 500", At: now, NextTry: retry, RecipientOnly: true})
	if e, ok, wake, _ := st.OutboxNext("webhook-1", now); ok || !wake.Equal(retry) {
		t.Errorf("a webhook's queue passed its failed head (a webhook has no recipient of its own): %+v %v", e, ok)
	}
	if e, _, _, _ := st.OutboxNext("webhook-1", retry); e.EventSeq != got[0].Seq {
		t.Errorf("after the retry's wait: %+v", e)
	}
}

// A failure of one recipient alone (a number the gateway limits for the
// hour, a greylisting mailbox) holds only that customer's messages while
// its retry waits: the others go, and the customer's own keep their order.
func TestARecipientsOwnFailureHoldsOnlyTheirMessages(t *testing.T) {
	st, err := Open(filepath.Join(t.TempDir(), "shop.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Date(2026, 3, 2, 13, 0, 0, 0, time.UTC)
	msg := func(customer string) []shop.OutboxMessage {
		return []shop.OutboxMessage{{Kind: shop.MsgBookingConfirmation, Channel: shop.ChannelSMS, CustomerID: customer, To: "1", NotBefore: now}}
	}
	ev := shop.Event{At: now, Type: "book_appointment"}
	out, err := st.CommitMessages(nil, []shop.Event{ev, ev, ev, ev}, nil, [][]shop.OutboxMessage{msg("cu-a"), msg("cu-a"), msg("cu-b"), msg("cu-c")})
	if err != nil {
		t.Fatal(err)
	}
	next := func(at time.Time) (shop.OutboxEntry, bool, time.Time) { t.Helper(); return smsNext(t, st, at) }
	e, _, _ := next(now)
	if e.EventSeq != out[0].Seq {
		t.Fatalf("first: %+v, want cu-a's first", e)
	}
	retry := now.Add(time.Hour)
	if err := st.OutboxFailed("sms", e.Key, shop.OutboxFailure{Reason: "isv.BUSINESS_LIMIT_CONTROL", At: now, NextTry: retry, RecipientOnly: true}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []int{2, 3} { // cu-b's, cu-c's; never cu-a's second
		e, ok, _ := next(now)
		if !ok || e.EventSeq != out[want].Seq {
			t.Fatalf("while cu-a's number waits: %+v %v, want event %d", e, ok, out[want].Seq)
		}
		st.OutboxDelivered("sms", e.Key, now)
	}
	if e, ok, wake := next(now); ok || !wake.Equal(retry) {
		t.Fatalf("with only cu-a's left: %+v %v wake %v, want nothing till %v", e, ok, wake, retry)
	}
	if e, ok, _ := next(retry); !ok || e.EventSeq != out[0].Seq || e.Tries != 1 || !e.RecipientOnly {
		t.Fatalf("at the retry: %+v %v, want cu-a's first, tried once", e, ok)
	}
}

// smsNext is the SMS channel's next entry at a time, as the worker asks.
func smsNext(t *testing.T, st *Store, at time.Time) (shop.OutboxEntry, bool, time.Time) {
	t.Helper()
	e, ok, wake, err := st.OutboxNext("sms", at)
	if err != nil {
		t.Fatal(err)
	}
	return e, ok, wake
}
