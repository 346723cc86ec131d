package server

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"bayboard/internal/engine"
	"bayboard/internal/outbox"
	"bayboard/internal/shop"
	"bayboard/internal/store"
	"bayboard/internal/web"
)

// testClock is the shop's clock as a test moves it.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// /metrics shows each destination's backlog, dead letters, oldest
// entry's age, deliveries and failed tries: a webhook whose receiver
// answers 500 once and then takes the retry, and SMS whose gateway
// refuses the customer's number (a dead letter at once).
func TestMetricsShowTheOutboxPerDestination(t *testing.T) {
	st, err := store.Open(filepath.Join(t.TempDir(), "shop.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	// 10:00 in Shanghai: outside the default quiet hours.
	start := time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC)
	clock := &testClock{now: start}
	state, err := Load(st, start, quiet)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := New(st, state, clock.Now, Options{Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
		<-served
		srv.Close()
	}()

	// The receiver fails the first try and holds the second till the
	// test lets it through.
	var tries int
	var mu sync.Mutex
	release := make(chan struct{})
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		mu.Lock()
		tries++
		n := tries
		mu.Unlock()
		if n == 1 {
			http.Error(w, "down for maintenance", http.StatusInternalServerError)
			return
		}
		<-release
		w.WriteHeader(http.StatusNoContent)
	}))
	defer receiver.Close()
	defer close(release)
	gateway := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"Code":"isv.MOBILE_NUMBER_ILLEGAL","Message":"非法手机号"}`)
	}))
	defer gateway.Close()

	sys := shop.Actor{System: true}
	for _, c := range []shop.Command{
		&shop.PutWebhook{Webhook: shop.Webhook{Name: "DMS", URL: receiver.URL, Events: []string{"book_appointment"}, Active: true}, Secret: "k"},
		&shop.PutMessageSender{Sender: shop.MessageSender{Channel: shop.ChannelSMS, Endpoint: gateway.URL + "/", AccessKeyID: "LTAI-test-id", SignName: "京华4S店"}, Secret: "sms-Secret-1"},
		&shop.SetMessageTemplates{Templates: []shop.MessageTemplate{{Kind: shop.MsgBookingConfirmation, SMSCode: "SMS_100000001",
			Texts: shop.DefaultMessageTemplate(shop.MsgBookingConfirmation).Texts}}},
		&shop.PutCustomer{Customer: shop.Customer{Name: "张先生", Phone: "13812345678"}},
		&shop.PutVehicle{Vehicle: shop.Vehicle{CustomerID: "cu-1", Plate: "京A12345", Model: "Sonata"}},
		&shop.BookAppointment{At: start.Add(48 * time.Hour), CustomerID: "cu-1", VehicleID: "ve-1", Requested: "保养", OverCapacity: "test"},
	} {
		if _, err := srv.Engine.Do(context.Background(), sys, c); err != nil {
			t.Fatalf("%s: %v", c.CommandType(), err)
		}
	}
	hook := "webhook-1"
	if srv.Engine.State().Webhooks[hook] == nil {
		t.Fatalf("the webhook is not %s: %v", hook, srv.Engine.State().Webhooks)
	}
	url := "http://" + ln.Addr().String() + "/metrics"

	// After the failures: the webhook's entry waits, 90 s old by the
	// shop's clock; the SMS is a dead letter.
	waitMetrics(t, url, fmt.Sprintf(`bayboard_outbox_failures_total{destination="%s"} 1`, hook), `bayboard_outbox_failures_total{destination="sms"} 1`)
	clock.set(start.Add(90 * time.Second))
	text := waitMetrics(t, url, fmt.Sprintf(`bayboard_outbox_failures_total{destination="%s"} 1`, hook))
	for _, want := range []string{
		"# TYPE bayboard_outbox_backlog gauge",
		fmt.Sprintf(`bayboard_outbox_backlog{destination="%s"} 1`, hook),
		fmt.Sprintf(`bayboard_outbox_oldest_age_seconds{destination="%s"} 90`, hook),
		fmt.Sprintf(`bayboard_outbox_dead_letters{destination="%s"} 0`, hook),
		fmt.Sprintf(`bayboard_outbox_deliveries_total{destination="%s"} 0`, hook),
		`bayboard_outbox_backlog{destination="sms"} 0`,
		`bayboard_outbox_oldest_age_seconds{destination="sms"} 0`,
		`bayboard_outbox_dead_letters{destination="sms"} 1`,
		`bayboard_outbox_deliveries_total{destination="sms"} 0`,
		`bayboard_outbox_backlog{destination="email"} 0`,
		`bayboard_outbox_failures_total{destination="email"} 0`,
		"# TYPE bayboard_outbox_failures_total counter",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("after the failures, /metrics lacks %q", want)
		}
	}
	if t.Failed() {
		t.Fatalf("/metrics:\n%s", outboxLines(text))
	}

	// The retry is due; the receiver takes it.
	clock.set(start.Add(time.Hour))
	srv.Outbox.Notify()
	release <- struct{}{}
	text = waitMetrics(t, url, fmt.Sprintf(`bayboard_outbox_deliveries_total{destination="%s"} 1`, hook))
	for _, want := range []string{
		fmt.Sprintf(`bayboard_outbox_backlog{destination="%s"} 0`, hook),
		fmt.Sprintf(`bayboard_outbox_oldest_age_seconds{destination="%s"} 0`, hook),
		fmt.Sprintf(`bayboard_outbox_failures_total{destination="%s"} 1`, hook),
		`bayboard_outbox_dead_letters{destination="sms"} 1`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("after the delivery, /metrics lacks %q", want)
		}
	}
	if t.Failed() {
		t.Fatalf("/metrics:\n%s", outboxLines(text))
	}
}

// waitMetrics scrapes url until the text holds every line wanted: the
// worker records an attempt after the receiver answered.
func waitMetrics(t *testing.T, url string, wanted ...string) string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		text, all := string(body), true
		for _, w := range wanted {
			all = all && strings.Contains(text, w+"\n")
		}
		if all {
			return text
		}
		if time.Now().After(deadline) {
			t.Fatalf("/metrics never showed %q:\n%s", wanted, outboxLines(text))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// outboxLines are the outbox's lines of a scrape, for a failure's message.
func outboxLines(text string) string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, "outbox") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// A delivery recorded while a scrape reads the queues is counted in the
// next scrape, never in one whose backlog still holds its entry: the
// counts are read before the queues (the worker records a delivery in
// the queue, then counts it).
func TestAScrapeNeverCountsADeliveryItsBacklogStillHolds(t *testing.T) {
	st, err := store.Open(filepath.Join(t.TempDir(), "shop.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	eng := engine.New(st, shop.NewState(), time.Now)
	defer eng.Close()
	m := newOutboxMetrics(st, eng, time.Now)
	waiting := true // the SMS channel's one entry
	m.read = func(dest string) (shop.OutboxView, error) {
		v := shop.OutboxView{}
		if dest == "sms" && waiting {
			v.Backlog = 1
			// The worker delivers it now, as the scrape reads.
			waiting = false
			m.observe(outbox.Attempt{Destination: "sms", Delivered: true})
		}
		return v, nil
	}
	value := func(samples []web.Sample) float64 {
		for _, s := range samples {
			if s.Labels[0].Value == "sms" {
				return s.Value
			}
		}
		t.Fatalf("no sms sample in %+v", samples)
		return 0
	}
	for scrape, want := range [][2]float64{{0, 1}, {1, 0}} { // delivered, backlog
		got := m.scrape()
		if d, b := value(got[0]), value(got[2]); d != want[0] || b != want[1] {
			t.Errorf("scrape %d: %v delivered with %v waiting, want %v and %v", scrape+1, d, b, want[0], want[1])
		}
	}
}
