package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// dedup is a receiver's memory of the ids it handled: a duplicate is
// counted and dropped, and all closes once every wanted id arrived.
type dedup struct {
	mu   sync.Mutex
	seen map[string]int
	dups int
	all  chan struct{}
	want map[string]bool
}

func newDedup() *dedup { return &dedup{seen: map[string]int{}, all: make(chan struct{})} }

// receive records one delivery of id.
func (d *dedup) receive(id string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.seen[id]++
	if d.seen[id] > 1 {
		d.dups++
	}
	if d.want != nil {
		delete(d.want, id)
		if len(d.want) == 0 {
			close(d.all)
			d.want = nil
		}
	}
}

// expect sets the ids that must arrive; those already here count.
func (d *dedup) expect(ids []string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.want = map[string]bool{}
	for _, id := range ids {
		if d.seen[id] == 0 {
			d.want[id] = true
		}
	}
	if len(d.want) == 0 {
		close(d.all)
		d.want = nil
	}
}

// counts reads what the receiver counted: distinct ids, duplicates, and
// the wanted ids still missing.
func (d *dedup) counts() (distinct, dups, missing int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.seen), d.dups, len(d.want)
}

// dedupReceiver is a webhook receiver as docs/API.md tells one to be: it
// checks the signature and drops an id it has handled.
type dedupReceiver struct {
	secret string
	*dedup
}

func (r *dedupReceiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	ts, sig, _ := strings.Cut(req.Header.Get("Bayboard-Signature"), ",")
	mac := hmac.New(sha256.New, []byte(r.secret))
	mac.Write([]byte(strings.TrimPrefix(ts, "t=") + "."))
	mac.Write(body)
	if !hmac.Equal([]byte(strings.TrimPrefix(sig, "v1=")), []byte(hex.EncodeToString(mac.Sum(nil)))) {
		http.Error(w, "bad signature", http.StatusBadRequest)
		return
	}
	var b struct {
		ID string `json:"id"`
	}
	json.Unmarshal(body, &b)
	r.receive(b.ID)
	w.WriteHeader(http.StatusNoContent)
}

// smsStandIn stands in for Alibaba Cloud's SendSms endpoint as far as
// the test needs: a SendSms to the shop's template and sign name is
// answered OK and its OutId, the message's id, handed to the receiver's
// memory, which drops duplicates by it. The signature is
// internal/channels' tests' business.
type smsStandIn struct{ *dedup }

func (g smsStandIn) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	q := req.URL.Query()
	w.Header().Set("Content-Type", "application/json")
	if q.Get("Action") != "SendSms" || q.Get("TemplateCode") != "SMS_100000001" || q.Get("SignName") != "京华4S店" || q.Get("OutId") == "" {
		fmt.Fprint(w, `{"Code":"isv.SMS_TEMPLATE_ILLEGAL","Message":"not the test's SendSms"}`)
		return
	}
	g.receive(q.Get("OutId"))
	fmt.Fprint(w, `{"Code":"OK","Message":"OK","BizId":"900619746936498440^0"}`)
}

// closedPort is a local address with nothing listening on it: a
// destination that is down until the test listens there.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// serveOn serves h on addr, the port a destination was down on.
func serveOn(t *testing.T, addr string, h http.Handler) *httptest.Server {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(h)
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

// apiCall sends one request with the manager's token and decodes the answer.
func apiCall(t *testing.T, url, token, method, path, body string, out any) int {
	t.Helper()
	req, _ := http.NewRequest(method, url+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	if out != nil {
		json.NewDecoder(resp.Body).Decode(out)
	}
	return resp.StatusCode
}

// TestWebhooksPendingAtASIGKILLAreDeliveredAfterTheRestart commits events
// while the webhook's receiver and the SMS gateway are down, kills the
// server without warning, starts it again with both up, and finds every
// acknowledged booking delivered to the webhook and its confirmation
// sent by SMS, none twice to a receiver that drops duplicates by id.
func TestWebhooksPendingAtASIGKILLAreDeliveredAfterTheRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test builds and runs the binary")
	}
	bin := buildBinary(t)
	data := filepath.Join(t.TempDir(), "shop.db")
	c, token := startNewShop(t, bin, data)

	// The receiver's and the gateway's ports, with nothing listening: down.
	hookAddr, smsAddr := closedPort(t), closedPort(t)
	var made struct {
		Webhook struct{ ID string }
		Secret  string
	}
	if st := apiCall(t, c.url, token, "POST", "/api/v1/webhooks", fmt.Sprintf(`{"name":"DMS","url":"http://%s/in","events":["book_appointment"]}`, hookAddr), &made); st != http.StatusCreated || made.Secret == "" {
		t.Fatalf("create the webhook: %d", st)
	}
	// SMS set up, its endpoint the stand-in's, and the booking
	// confirmation's template registered.
	if st := apiCall(t, c.url, token, "PUT", "/api/v1/message-senders/sms", fmt.Sprintf(`{"endpoint":"http://%s/","access_key_id":"LTAI-test-id","sign_name":"京华4S店","secret":"sms-Secret-1"}`, smsAddr), nil); st != http.StatusOK {
		t.Fatalf("set up SMS: %d", st)
	}
	if st := apiCall(t, c.url, token, "POST", "/api/v1/commands", `{"type":"set_message_templates","templates":[{"kind":"booking_confirmation","texts":{"zh-CN":"{customer}您好，您已预约{date} {time}。","en":"Dear {customer}, you are booked for {date} {time}."},"sms_code":"SMS_100000001"}]}`, nil); st != http.StatusOK {
		t.Fatalf("register the SMS template: %d", st)
	}
	var ev struct{ Event struct{ Subject string } }
	// No quiet hours (the same time twice), so that no message waits for
	// the morning whatever the test's time of day.
	apiCall(t, c.url, token, "POST", "/api/v1/commands", `{"type":"put_customer","customer":{"name":"张先生","phone":"13812345678","messages":{"channel":"sms","quiet_from":"00:00","quiet_to":"00:00"}}}`, &ev)
	cu := ev.Event.Subject
	apiCall(t, c.url, token, "POST", "/api/v1/commands", fmt.Sprintf(`{"type":"put_vehicle","vehicle":{"customer_id":%q,"plate":"京A12345","model":"Sonata"}}`, cu), &ev)
	ve := ev.Event.Subject

	// Bookings from four clients until the kill: each acknowledged one is
	// on disk with its outbox entries.
	var mu sync.Mutex
	var acked []uint64
	stop, gone := make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	at := time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339)
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				var out struct{ Event struct{ Seq uint64 } }
				st := apiCall(t, c.url, token, "POST", "/api/v1/commands", fmt.Sprintf(`{"type":"book_appointment","at":%q,"customer_id":%q,"vehicle_id":%q,"requested":"保养","over_capacity":"test"}`, at, cu, ve), &out)
				if st == 0 {
					return // the server is gone
				}
				if st == http.StatusOK {
					mu.Lock()
					acked = append(acked, out.Event.Seq)
					mu.Unlock()
				}
			}
		}()
	}
	go func() { wg.Wait(); close(gone) }()
	for {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 60 {
			break
		}
		select {
		case <-gone:
			t.Fatalf("the clients stopped after %d bookings:\n%s", n, c.out.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	// The messages queued before the kill: the SMS queue holds them.
	var senders struct {
		Senders []struct {
			Channel string
			Outbox  struct{ Backlog int }
		}
	}
	apiCall(t, c.url, token, "GET", "/api/v1/message-senders", "", &senders)
	if err := c.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	c.cmd.Wait()
	close(stop)
	<-gone
	pendingSMS := -1
	for _, s := range senders.Senders {
		if s.Channel == "sms" {
			pendingSMS = s.Outbox.Backlog
		}
	}
	if pendingSMS <= 0 {
		t.Fatalf("no SMS pending before the kill (backlog %d): the confirmations were not queued", pendingSMS)
	}

	// Both come up; before the restart nothing could have arrived (the
	// ports were closed). The instance id is the prefix every id shares:
	// the first delivery names it.
	hook := &dedupReceiver{secret: made.Secret, dedup: newDedup()}
	first := make(chan string, 1)
	serveOn(t, hookAddr, http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		select {
		case first <- req.Header.Get("Bayboard-Delivery"):
		default:
		}
		hook.ServeHTTP(w, req)
	}))
	sms := smsStandIn{newDedup()}
	serveOn(t, smsAddr, sms)

	again := startChild(t, bin, data)
	defer func() {
		again.cmd.Process.Signal(syscall.SIGTERM)
		again.cmd.Wait()
	}()
	var instance string
	select {
	case id := <-first:
		instance = id[:strings.LastIndex(id, "-")]
	case <-time.After(2 * time.Minute):
		t.Fatalf("nothing delivered after the restart:\n%s", again.out.String())
	}
	var hookIDs, smsIDs []string
	for _, seq := range acked {
		hookIDs = append(hookIDs, fmt.Sprintf("%s-%d", instance, seq))
		smsIDs = append(smsIDs, fmt.Sprintf("%s-%d-booking_confirmation", instance, seq))
	}
	hook.expect(hookIDs)
	sms.expect(smsIDs)
	for name, d := range map[string]*dedup{"webhook": hook.dedup, "SMS": sms.dedup} {
		select {
		case <-d.all:
		case <-time.After(2 * time.Minute):
			_, _, missing := d.counts()
			t.Fatalf("%s: %d of %d acknowledged bookings never delivered:\n%s", name, missing, len(acked), again.out.String())
		}
	}
	// The receivers keep answering while the test reads what they counted.
	distinct, dups, _ := hook.counts()
	t.Logf("webhook: %d acknowledged bookings, all delivered after SIGKILL and restart; %d distinct ids received, %d duplicate deliveries (at least once may repeat one; each dropped by id)", len(acked), distinct, dups)
	distinct, dups, _ = sms.counts()
	t.Logf("SMS: %d acknowledged bookings (%d confirmations pending at the kill's last look), every confirmation sent after the restart; %d distinct OutIds received, %d duplicate sends (each dropped by OutId)", len(acked), pendingSMS, distinct, dups)
	// The backlogs are empty once the last delivery is recorded.
	var list struct {
		Webhooks []struct {
			Backlog int
			Oldest  json.RawMessage
			Status  json.RawMessage
		}
	}
	for i := 0; ; i++ {
		apiCall(t, again.url, token, "GET", "/api/v1/webhooks", "", &list)
		apiCall(t, again.url, token, "GET", "/api/v1/message-senders", "", &senders)
		smsBacklog := -1
		for _, s := range senders.Senders {
			if s.Channel == "sms" {
				smsBacklog = s.Outbox.Backlog
			}
		}
		if len(list.Webhooks) == 1 && list.Webhooks[0].Backlog == 0 && smsBacklog == 0 {
			break
		}
		if i == 200 {
			t.Fatalf("the backlogs stay: webhook %+v, SMS %d", list.Webhooks, smsBacklog)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
