package server

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"bayboard/internal/demo"
	"bayboard/internal/shop"
	"bayboard/internal/store"
)

// gateway stands in for Alibaba Cloud's SMS endpoint: it records each
// SendSms it answers, with the shop's time it arrived at.
type gateway struct {
	clock *demo.Clock
	mu    sync.Mutex
	got   []string // "15:04 <phone> <template>"
	more  chan struct{}
}

func (g *gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	g.mu.Lock()
	g.got = append(g.got, fmt.Sprintf("%s %s %s", g.clock.Now().In(demo.Location()).Format("01-02 15:04"), q.Get("PhoneNumbers"), q.Get("TemplateCode")))
	g.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprint(w, `{"Code":"OK","Message":"OK","BizId":"1"}`)
	select {
	case g.more <- struct{}{}:
	default:
	}
}

// await waits until the gateway has n messages and returns them.
func (g *gateway) await(t *testing.T, n int) []string {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		g.mu.Lock()
		got := append([]string(nil), g.got...)
		g.mu.Unlock()
		if len(got) >= n {
			return got
		}
		select {
		case <-g.more:
		case <-deadline:
			t.Fatalf("the gateway has %d messages, want %d: %q", len(got), n, got)
		}
	}
}

// On the demo's clock, stepped through two days: the booking
// confirmations, the reminders a day and an hour before, each at its
// time; nothing to the customer who opted out, whose calls stay on the
// desk's list; a customer's quiet hours hold their own messages until
// they end, and no one else's.
func TestTheRemindersGoOnTheDemosClock(t *testing.T) {
	st, err := store.Open(filepath.Join(t.TempDir(), "shop.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	clock := demo.NewClock(time.Now(), 0) // 09:30 in the shop, standing still
	srv := start(t, st, clock.Now)
	defer srv.Close()
	g := &gateway{clock: clock, more: make(chan struct{}, 1)}
	endpoint := httptest.NewServer(g)
	defer endpoint.Close()

	ctx := context.Background()
	sys := shop.Actor{System: true}
	do := func(c shop.Command) {
		t.Helper()
		if _, err := srv.Engine.Do(ctx, sys, c); err != nil {
			t.Fatalf("%s: %v", c.CommandType(), err)
		}
	}
	do(&shop.SetSettings{Settings: shop.DefaultSettings()}) // Asia/Shanghai, as the demo
	var templates []shop.MessageTemplate
	for i, k := range shop.MessageKinds {
		tpl := shop.DefaultMessageTemplate(k)
		tpl.SMSCode = fmt.Sprintf("SMS_%d", i+1) // booking 1, 24h 2, 1h 3
		templates = append(templates, tpl)
	}
	do(&shop.SetMessageTemplates{Templates: templates})
	do(&shop.PutMessageSender{Sender: shop.MessageSender{Channel: shop.ChannelSMS, Endpoint: endpoint.URL + "/", AccessKeyID: "LTAI", SignName: "京华4S店"}, Secret: "s"})
	customers := []shop.Customer{
		{Name: "张先生", Phone: "13800000001"},
		{Name: "李女士", Phone: "13800000002", Messages: &shop.MessagePrefs{OptedOut: &shop.OptOut{Way: shop.OptOutPhone}}},
		{Name: "王先生", Phone: "13800000003", Messages: &shop.MessagePrefs{QuietFrom: "09:00", QuietTo: "12:00"}},
	}
	for i, c := range customers {
		do(&shop.PutCustomer{Customer: c})
		do(&shop.PutVehicle{Vehicle: shop.Vehicle{CustomerID: fmt.Sprintf("cu-%d", i+1), Plate: fmt.Sprintf("京A1000%d", i+1), Model: "Sonata"}})
	}
	today := clock.Now()
	at := func(day, hour, minute int) time.Time {
		y, m, d := today.Date()
		return time.Date(y, m, d+day, hour, minute, 0, 0, demo.Location())
	}
	// 09:30: three bookings for tomorrow.
	for i, when := range []time.Time{at(1, 10, 0), at(1, 10, 0), at(1, 11, 0)} {
		do(&shop.BookAppointment{At: when, CustomerID: fmt.Sprintf("cu-%d", i+1), VehicleID: fmt.Sprintf("ve-%d", i+1), Requested: "保养"})
	}
	step := func(to time.Time) int {
		t.Helper()
		clock.Advance(to.Sub(clock.Now()))
		n := srv.SendDueMessages(ctx)
		srv.Outbox.Notify()
		return n
	}
	// What the gateway has by each step: 张 gets her confirmation at once,
	// 王's waits for the end of her quiet hours at 12:00.
	want := []string{at(0, 9, 30).Format("01-02 15:04") + " 13800000001 SMS_1"}
	if got := g.await(t, 1); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("at 09:30: %q, want %q", got, want)
	}
	step(at(0, 10, 0)) // 张's day-before reminder
	want = append(want, at(0, 10, 0).Format("01-02 15:04")+" 13800000001 SMS_2")
	g.await(t, len(want))
	step(at(0, 11, 0)) // 王's day-before reminder, held with her confirmation
	step(at(0, 12, 0)) // both go, in order
	want = append(want, at(0, 12, 0).Format("01-02 15:04")+" 13800000003 SMS_1", at(0, 12, 0).Format("01-02 15:04")+" 13800000003 SMS_2")
	g.await(t, len(want))
	step(at(1, 9, 0)) // 张's hour-before reminder
	want = append(want, at(1, 9, 0).Format("01-02 15:04")+" 13800000001 SMS_3")
	g.await(t, len(want))
	// 王's hour-before reminder would wait for her quiet hours past her
	// 11:00 booking: it is not sent, and the desk calls her.
	if n := step(at(1, 10, 0)); n != 0 {
		t.Errorf("at 10:00 tomorrow %d messages were given, want none", n)
	}
	calls := map[string]string{}
	for _, r := range srv.Engine.State().RemindersDue(clock.Now()) {
		calls[r.Appointment.ID] = r.Kind
	}
	if calls["ap-3"] != "1h" {
		t.Errorf("the desk's calls at 10:00 tomorrow: %v, want 王's hour-before call", calls)
	}
	got := g.await(t, len(want))
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("the gateway got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// 李 opted out: her calls are the desk's, each at its time.
	ap := srv.Engine.State().Appointments["ap-2"]
	if ap.Prep.Reminded24h || ap.Prep.Reminded1h {
		t.Errorf("the opted-out customer's booking: %+v", ap.Prep)
	}
	if p := srv.Engine.State().Appointments["ap-1"].Prep; !p.Reminded24h || !p.Reminded1h {
		t.Errorf("ap-1: %+v", p)
	}
}
