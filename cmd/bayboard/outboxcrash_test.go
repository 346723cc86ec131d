package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"bayboard/internal/testcert"
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

// mailStandIn is a real SMTP server (go-smtp) with STARTTLS and PLAIN
// auth, the shop's mail server in the test: each message's Message-ID,
// the message's id, goes to the receiver's memory, which drops
// duplicates by it.
type mailStandIn struct{ *dedup }

type mailSession struct{ box mailStandIn }

func (b mailStandIn) NewSession(*smtp.Conn) (smtp.Session, error) { return &mailSession{b}, nil }
func (s *mailSession) AuthMechanisms() []string                   { return []string{sasl.Plain} }
func (s *mailSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != "service@jinghua4s.cn" || pass != "smtp-Pass-1" {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "Authentication credentials invalid"}
		}
		return nil
	}), nil
}
func (s *mailSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *mailSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s *mailSession) Data(r io.Reader) error {
	msg, err := mail.ReadMessage(r)
	if err != nil {
		return err
	}
	io.Copy(io.Discard, msg.Body)
	id := strings.Trim(msg.Header.Get("Message-ID"), "<>")
	s.box.receive(id[:strings.LastIndex(id, "@")])
	return nil
}
func (s *mailSession) Reset()        {}
func (s *mailSession) Logout() error { return nil }

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
// while the webhook's receiver, the SMS gateway and the mail server are
// down, kills the server without warning, starts it again with all three
// up, and finds every acknowledged booking delivered to the webhook and
// its confirmation sent by SMS or e-mail (the customer's channel), none
// twice to a receiver that drops duplicates by id.
func TestWebhooksPendingAtASIGKILLAreDeliveredAfterTheRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test builds and runs the binary")
	}
	bin := buildBinary(t)
	data := filepath.Join(t.TempDir(), "shop.db")
	// The children trust the test's mail server's certificate as the
	// system's roots (SSL_CERT_FILE), as a shop's server trusts its mail
	// provider's.
	cert := testcert.New(t, "bayboard test SMTP")
	certFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(certFile, cert.CertPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SSL_CERT_FILE", certFile)
	c, token := startNewShop(t, bin, data)

	// The receiver's, the gateway's and the mail server's ports, with
	// nothing listening: down.
	hookAddr, smsAddr, mailAddr := closedPort(t), closedPort(t), closedPort(t)
	var made struct {
		Webhook struct{ ID string }
		Secret  string
	}
	if st := apiCall(t, c.url, token, "POST", "/api/v1/webhooks", fmt.Sprintf(`{"name":"DMS","url":"http://%s/in","events":["book_appointment"]}`, hookAddr), &made); st != http.StatusCreated || made.Secret == "" {
		t.Fatalf("create the webhook: %d", st)
	}
	// SMS and e-mail set up, SMS's endpoint the stand-in's, and the
	// booking confirmation's SMS template registered.
	if st := apiCall(t, c.url, token, "PUT", "/api/v1/message-senders/sms", fmt.Sprintf(`{"endpoint":"http://%s/","access_key_id":"LTAI-test-id","sign_name":"京华4S店","secret":"sms-Secret-1"}`, smsAddr), nil); st != http.StatusOK {
		t.Fatalf("set up SMS: %d", st)
	}
	mailPort := mailAddr[strings.LastIndex(mailAddr, ":")+1:]
	if st := apiCall(t, c.url, token, "PUT", "/api/v1/message-senders/email", fmt.Sprintf(`{"host":"127.0.0.1","port":%s,"username":"service@jinghua4s.cn","from":"service@jinghua4s.cn","secret":"smtp-Pass-1"}`, mailPort), nil); st != http.StatusOK {
		t.Fatalf("set up e-mail: %d", st)
	}
	if st := apiCall(t, c.url, token, "POST", "/api/v1/commands", `{"type":"set_message_templates","templates":[{"kind":"booking_confirmation","texts":{"zh-CN":"{customer}您好，您已预约{date} {time}。","en":"Dear {customer}, you are booked for {date} {time}."},"sms_code":"SMS_100000001"}]}`, nil); st != http.StatusOK {
		t.Fatalf("register the SMS template: %d", st)
	}
	// Two customers, one on SMS and one on e-mail, each with a car; no
	// quiet hours (the same time twice), so that no message waits for the
	// morning whatever the test's time of day.
	type booker struct{ channel, customer, vehicle string }
	var bookers []booker
	for i, prefs := range []string{`{"channel":"sms","quiet_from":"00:00","quiet_to":"00:00"}`, `{"channel":"email","email":"li@example.cn","quiet_from":"00:00","quiet_to":"00:00"}`} {
		var ev struct{ Event struct{ Subject string } }
		apiCall(t, c.url, token, "POST", "/api/v1/commands", fmt.Sprintf(`{"type":"put_customer","customer":{"name":"客户%d","phone":"1381234567%d","messages":%s}}`, i, i, prefs), &ev)
		b := booker{channel: []string{"sms", "email"}[i], customer: ev.Event.Subject}
		apiCall(t, c.url, token, "POST", "/api/v1/commands", fmt.Sprintf(`{"type":"put_vehicle","vehicle":{"customer_id":%q,"plate":"京A1234%d","model":"Sonata"}}`, b.customer, i), &ev)
		b.vehicle = ev.Event.Subject
		bookers = append(bookers, b)
	}

	// Bookings from four clients, two per customer, until the kill: each
	// acknowledged one is on disk with its outbox entries.
	var mu sync.Mutex
	acked := map[string][]uint64{} // by the customer's channel
	total := func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(acked["sms"]) + len(acked["email"])
	}
	stop, gone := make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	at := time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339)
	for w := 0; w < 4; w++ {
		b := bookers[w%2]
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
				st := apiCall(t, c.url, token, "POST", "/api/v1/commands", fmt.Sprintf(`{"type":"book_appointment","at":%q,"customer_id":%q,"vehicle_id":%q,"requested":"保养","over_capacity":"test"}`, at, b.customer, b.vehicle), &out)
				if st == 0 {
					return // the server is gone
				}
				if st == http.StatusOK {
					mu.Lock()
					acked[b.channel] = append(acked[b.channel], out.Event.Seq)
					mu.Unlock()
				}
			}
		}()
	}
	go func() { wg.Wait(); close(gone) }()
	for n := total(); n < 60; n = total() {
		select {
		case <-gone:
			t.Fatalf("the clients stopped after %d bookings:\n%s", n, c.out.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	// The channels' queues a moment before the kill: the confirmations
	// wait in them.
	pendingBefore := backlogs(t, c.url, token)
	if err := c.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	c.cmd.Wait()
	close(stop)
	<-gone
	if pendingBefore["sms"] == 0 || pendingBefore["email"] == 0 {
		t.Fatalf("no message pending before the kill (%v): the confirmations were not queued", pendingBefore)
	}

	// All three come up; before the restart nothing could have arrived
	// (the ports were closed). The instance id is the prefix every id
	// shares: the webhook's first delivery names it.
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
	box := mailStandIn{newDedup()}
	mailServer := smtp.NewServer(box)
	mailServer.Domain = "localhost"
	mailServer.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert.TLS}}
	mailServer.ReadTimeout, mailServer.WriteTimeout = 10*time.Second, 10*time.Second
	mailLn, err := net.Listen("tcp", mailAddr)
	if err != nil {
		t.Fatal(err)
	}
	go mailServer.Serve(mailLn)
	t.Cleanup(func() { mailServer.Close() })

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
	ids := func(seqs []uint64, suffix string) []string {
		var out []string
		for _, seq := range seqs {
			out = append(out, fmt.Sprintf("%s-%d%s", instance, seq, suffix))
		}
		return out
	}
	hook.expect(ids(append(acked["sms"], acked["email"]...), ""))
	sms.expect(ids(acked["sms"], "-booking_confirmation"))
	box.expect(ids(acked["email"], "-booking_confirmation"))
	receivers := []struct {
		name  string
		d     *dedup
		count int
	}{{"webhook", hook.dedup, total()}, {"SMS", sms.dedup, len(acked["sms"])}, {"e-mail", box.dedup, len(acked["email"])}}
	for _, r := range receivers {
		select {
		case <-r.d.all:
		case <-time.After(2 * time.Minute):
			_, _, missing := r.d.counts()
			t.Fatalf("%s: %d of %d acknowledged bookings never delivered:\n%s", r.name, missing, r.count, again.out.String())
		}
	}
	// The receivers keep answering while the test reads what they counted.
	for _, r := range receivers {
		distinct, dups, _ := r.d.counts()
		t.Logf("%s: %d acknowledged bookings, all delivered after SIGKILL and restart; %d distinct ids received, %d duplicates (at least once may repeat one; each dropped by id)", r.name, r.count, distinct, dups)
	}
	t.Logf("pending a moment before the kill: SMS %d, e-mail %d", pendingBefore["sms"], pendingBefore["email"])
	// The backlogs are empty once the last delivery is recorded.
	for i := 0; ; i++ {
		var list struct{ Webhooks []struct{ Backlog int } }
		apiCall(t, again.url, token, "GET", "/api/v1/webhooks", "", &list)
		left := backlogs(t, again.url, token)
		if len(list.Webhooks) == 1 && list.Webhooks[0].Backlog == 0 && left["sms"] == 0 && left["email"] == 0 {
			break
		}
		if i == 200 {
			t.Fatalf("the backlogs stay: webhook %+v, channels %v", list.Webhooks, left)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// backlogs are the message channels' backlogs, as the admin lists them.
func backlogs(t *testing.T, url, token string) map[string]int {
	t.Helper()
	var senders struct {
		Senders []struct {
			Channel string
			Outbox  struct{ Backlog int }
		}
	}
	out := map[string]int{"sms": -1, "email": -1}
	if st := apiCall(t, url, token, "GET", "/api/v1/message-senders", "", &senders); st != http.StatusOK {
		return out
	}
	for _, s := range senders.Senders {
		out[s.Channel] = s.Outbox.Backlog
	}
	return out
}
