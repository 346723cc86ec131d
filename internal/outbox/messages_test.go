package outbox_test

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"bayboard/internal/channels"
	"bayboard/internal/engine"
	"bayboard/internal/outbox"
	"bayboard/internal/shop"
	"bayboard/internal/testcert"
)

// smsGateway stands in for Alibaba Cloud's SMS endpoint: it hands each
// SendSms's query to the test and answers OK, or, for the number it
// refuses, isv.MOBILE_NUMBER_ILLEGAL as the gateway does, and for the
// number it limits, isv.BUSINESS_LIMIT_CONTROL the first time, once the
// test lets it answer (release).
type smsGateway struct {
	got     chan url.Values
	refused string
	limited string
	release chan struct{}
	limit   atomic.Bool // the limited number has had its refusal
}

func (g *smsGateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	w.Header().Set("Content-Type", "application/json")
	if q.Get("PhoneNumbers") == g.refused {
		fmt.Fprint(w, `{"Code":"isv.MOBILE_NUMBER_ILLEGAL","Message":"非法手机号"}`)
	} else if q.Get("PhoneNumbers") == g.limited && g.limit.CompareAndSwap(false, true) {
		g.got <- q
		<-g.release
		fmt.Fprint(w, `{"Code":"isv.BUSINESS_LIMIT_CONTROL","Message":"触发小时级流控Permits:5"}`)
		return
	} else {
		fmt.Fprint(w, `{"Code":"OK","Message":"OK","BizId":"900619746936498440^0"}`)
	}
	g.got <- q
}

// mailBox is a real SMTP server (go-smtp) with STARTTLS and PLAIN auth
// that hands each message it accepts to the test.
type mailBox struct{ got chan []byte }

type mailBoxSession struct{ box *mailBox }

func (b *mailBox) NewSession(*smtp.Conn) (smtp.Session, error) { return &mailBoxSession{b}, nil }
func (s *mailBoxSession) AuthMechanisms() []string             { return []string{sasl.Plain} }
func (s *mailBoxSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != "service@jinghua4s.cn" || pass != "smtp-Pass-1" {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "Authentication credentials invalid"}
		}
		return nil
	}), nil
}
func (s *mailBoxSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *mailBoxSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s *mailBoxSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err == nil {
		s.box.got <- b
	}
	return err
}
func (s *mailBoxSession) Reset()        {}
func (s *mailBoxSession) Logout() error { return nil }

// messagesShop is a shop run by the engine over a real store, with an
// advisor, a technician who leads his team, an inspector, a bay, and a
// customer with a car; the worker delivers its outbox through senders.
type messagesShop struct {
	eng      *engine.Engine
	clock    *fakeClock
	attempts chan outbox.Attempt
	senders  map[string]channels.Sender
}

var (
	e2eSystem  = shop.Actor{System: true}
	e2eAdvisor = shop.Actor{UserID: "user-1", Roles: []shop.Role{shop.RoleAdvisor}}
	e2eTech    = shop.Actor{UserID: "user-2", Roles: []shop.Role{shop.RoleTeamLeader, shop.RoleTechnician}}
	e2eQC      = shop.Actor{UserID: "user-3", Roles: []shop.Role{shop.RoleQC}}
)

func openMessagesShop(t *testing.T, customer shop.Customer, senders map[string]channels.Sender) *messagesShop {
	t.Helper()
	s := openShop(t)
	clock := newClock()
	st := shop.NewState()
	m := &messagesShop{clock: clock, attempts: make(chan outbox.Attempt, 100), senders: senders}
	m.eng = engine.New(s.st, st, clock.Now)
	t.Cleanup(m.eng.Close)
	m.eng.SetCustomerLink(func(j *shop.Job) string { return "https://shop.example/c/" + j.ID })
	m.do(t, e2eSystem,
		&shop.PutUser{User: shop.User{Login: "advisor", Name: "王顾问", Roles: []shop.Role{shop.RoleAdvisor}, Active: true}},
		&shop.PutUser{User: shop.User{Login: "li", Name: "李师傅", Roles: []shop.Role{shop.RoleTeamLeader, shop.RoleTechnician}, Active: true}},
		&shop.PutUser{User: shop.User{Login: "qc", Name: "孙质检", Roles: []shop.Role{shop.RoleQC}, Active: true}},
		&shop.PutTeam{Team: shop.Team{Name: "一组"}},
		&shop.PutTechnician{Technician: shop.Technician{Name: "李师傅", TeamID: "team-1", UserID: "user-2", Active: true}},
		&shop.PutTeam{Team: shop.Team{ID: "team-1", Name: "一组", LeaderID: "tech-1"}},
		&shop.PutBay{Bay: shop.Bay{Name: "1号工位", Kind: shop.BayGeneral, Active: true}},
		&shop.PutCustomer{Customer: customer},
		&shop.PutVehicle{Vehicle: shop.Vehicle{CustomerID: "cu-1", Plate: "京A12345", Model: "Sonata", MileageKM: 30000}},
		// The channels as the manager sets them; the test's senders stand
		// for what the server makes of them.
		&shop.PutMessageSender{Sender: shop.MessageSender{Channel: shop.ChannelSMS, AccessKeyID: "LTAI-test-id", SignName: "京华4S店"}, Secret: "sms-Secret-1"},
		&shop.PutMessageSender{Sender: shop.MessageSender{Channel: shop.ChannelEmail, Host: "127.0.0.1", Port: 587, Username: "service@jinghua4s.cn", From: "service@jinghua4s.cn"}, Secret: "smtp-Pass-1"},
	)
	w := outbox.New(outbox.Config{
		Queue: s.st, Webhooks: func() map[string]*shop.Webhook { return m.eng.State().Webhooks },
		Senders: func() map[string]channels.Sender { return m.senders }, Instance: "shop1", Clock: clock,
		Jitter:  func(time.Duration) time.Duration { return 0 },
		Observe: func(a outbox.Attempt) { m.attempts <- a },
	})
	m.eng.Subscribe(func(engine.Change) { w.Notify() })
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { w.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return m
}

func (m *messagesShop) do(t *testing.T, a shop.Actor, cmds ...shop.Command) {
	t.Helper()
	for _, c := range cmds {
		if _, err := m.eng.Do(context.Background(), a, c); err != nil {
			t.Fatalf("%s: %v", c.CommandType(), err)
		}
	}
}

func smsSender(t *testing.T, g *smsGateway) channels.Sender {
	t.Helper()
	server := httptest.NewServer(g)
	t.Cleanup(server.Close)
	sms, err := channels.NewSMS(channels.SMSConfig{Endpoint: server.URL + "/", AccessKeyID: "LTAI-test-id", AccessKeySecret: "sms-Secret-1",
		SignName: "京华4S店", Templates: map[string]string{"booking_confirmation": "SMS_100000001"}}, server.Client())
	if err != nil {
		t.Fatal(err)
	}
	return sms
}

// mailSender starts a mail box (go-smtp over STARTTLS with AUTH) holding
// up to held messages unread, and gives the e-mail sender to it.
func mailSender(tb testing.TB, held int) (*mailBox, channels.Sender) {
	tb.Helper()
	cert := testcert.New(tb, "bayboard test SMTP")
	box := &mailBox{got: make(chan []byte, held)}
	server := smtp.NewServer(box)
	server.Domain = "localhost"
	server.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert.TLS}}
	server.ReadTimeout, server.WriteTimeout = 10*time.Second, 10*time.Second
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	go server.Serve(listener)
	tb.Cleanup(func() { server.Close() })
	email, err := channels.NewEmail(channels.SMTPConfig{Host: "127.0.0.1", Port: listener.Addr().(*net.TCPAddr).Port,
		Username: "service@jinghua4s.cn", Password: "smtp-Pass-1", From: "京华4S店 <service@jinghua4s.cn>", TLS: &tls.Config{RootCAs: cert.Pool}})
	if err != nil {
		tb.Fatal(err)
	}
	return box, email
}

func nextSMS(t *testing.T, g *smsGateway) url.Values {
	t.Helper()
	select {
	case q := <-g.got:
		return q
	case <-time.After(20 * time.Second):
		t.Fatal("no SMS reached the gateway")
		return nil
	}
}

// A booking made in the engine reaches Alibaba Cloud's endpoint as a
// SendSms of the shop's template, its parameters the booking's values,
// its OutId the message's id; a booking made at night waits for the
// morning; a number the gateway refuses is a dead letter at once.
func TestABookingSendsItsConfirmationBySMS(t *testing.T) {
	g := &smsGateway{got: make(chan url.Values, 4), refused: "13900000000"}
	// The senders are given before the worker starts, which reads them.
	m := openMessagesShop(t, shop.Customer{Name: "张先生", Phone: "138 1234 5678"}, map[string]channels.Sender{"sms": smsSender(t, g)})
	at := m.clock.Now().Add(26 * time.Hour)
	m.do(t, e2eAdvisor, &shop.BookAppointment{At: at, CustomerID: "cu-1", VehicleID: "ve-1", Requested: "保养", AdvisorID: "user-1"})

	q := nextSMS(t, g)
	var params map[string]string
	if err := json.Unmarshal([]byte(q.Get("TemplateParam")), &params); err != nil {
		t.Fatalf("TemplateParam %q: %v", q.Get("TemplateParam"), err)
	}
	if q.Get("PhoneNumbers") != "13812345678" || q.Get("TemplateCode") != "SMS_100000001" || q.Get("SignName") != "京华4S店" ||
		!strings.HasPrefix(q.Get("OutId"), "shop1-") || !strings.HasSuffix(q.Get("OutId"), "-booking_confirmation") {
		t.Errorf("SendSms %v", q)
	}
	for k, want := range map[string]string{"customer": "张先生", "plate": "京A·12345", "date": "2026-03-03", "time": "11:00", "advisor": "王顾问"} {
		if params[k] != want {
			t.Errorf("param %s = %q, want %q (all: %v)", k, params[k], want, params)
		}
	}
	if a := next(t, m.attempts); !a.Delivered || a.Destination != "sms" || a.Entry.Message.Kind != shop.MsgBookingConfirmation {
		t.Errorf("attempt %+v", a)
	}

	// 22:00 in the shop's zone (UTC here): held till 08:00.
	m.clock.advance(13 * time.Hour)
	for len(m.clock.waiting) > 0 {
		<-m.clock.waiting
	}
	m.do(t, e2eAdvisor, &shop.BookAppointment{At: at.Add(24 * time.Hour), CustomerID: "cu-1", VehicleID: "ve-1", Requested: "轮胎"})
	if d := m.clock.nextWait(t); d != 10*time.Hour {
		t.Fatalf("the worker waits %s for the night's message, want 10h till 08:00", d)
	}
	select {
	case q := <-g.got:
		t.Fatalf("an SMS went in the quiet hours: %v", q)
	default:
	}
	m.clock.advance(10 * time.Hour)
	if q := nextSMS(t, g); !strings.HasSuffix(q.Get("OutId"), "-booking_confirmation") {
		t.Errorf("the morning's SMS: %v", q)
	}
	if a := next(t, m.attempts); !a.Delivered {
		t.Errorf("the morning's attempt %+v", a)
	}

	m.do(t, e2eSystem, &shop.PutCustomer{Customer: shop.Customer{ID: "cu-1", Name: "张先生", Phone: "139 0000 0000"}})
	m.do(t, e2eAdvisor, &shop.BookAppointment{At: at.Add(48 * time.Hour), CustomerID: "cu-1", VehicleID: "ve-1", Requested: "轮胎"})
	nextSMS(t, g)
	if a := next(t, m.attempts); a.Delivered || !a.Dead || a.Entry.Tries != 0 || !strings.Contains(a.Error, "MOBILE_NUMBER_ILLEGAL") {
		t.Errorf("a refused number: %+v, want a dead letter on its first try", a)
	}
}

// The gateway's limit on one number (isv.BUSINESS_LIMIT_CONTROL: too
// many messages to it this hour) holds that customer's message for its
// retry, not the channel: the next customer's confirmation goes at once,
// and the limited one goes at its retry.
func TestANumberTheGatewayLimitsHoldsOnlyItsCustomer(t *testing.T) {
	g := &smsGateway{got: make(chan url.Values, 4), limited: "13812345678", release: make(chan struct{})}
	m := openMessagesShop(t, shop.Customer{Name: "张先生", Phone: "138 1234 5678"}, map[string]channels.Sender{"sms": smsSender(t, g)})
	m.do(t, e2eSystem,
		&shop.PutCustomer{Customer: shop.Customer{Name: "王女士", Phone: "139 8765 4321"}},
		&shop.PutVehicle{Vehicle: shop.Vehicle{CustomerID: "cu-2", Plate: "京B54321", Model: "Tucson"}})
	at := m.clock.Now().Add(26 * time.Hour)
	m.do(t, e2eAdvisor, &shop.BookAppointment{At: at, CustomerID: "cu-1", VehicleID: "ve-1", Requested: "保养"})
	if q := nextSMS(t, g); q.Get("PhoneNumbers") != "13812345678" {
		t.Fatalf("the first SMS went to %s, want 张先生's", q.Get("PhoneNumbers"))
	}
	// 王女士 books while 张先生's is at the gateway, which then refuses it.
	m.do(t, e2eAdvisor, &shop.BookAppointment{At: at.Add(time.Hour), CustomerID: "cu-2", VehicleID: "ve-2", Requested: "保养"})
	close(g.release)
	a := next(t, m.attempts)
	if a.Delivered || a.Dead || !strings.Contains(a.Error, "BUSINESS_LIMIT_CONTROL") {
		t.Fatalf("the limited number's attempt %+v, want a failure to retry", a)
	}
	// 王女士's goes now, not after 张先生's retry.
	if q := nextSMS(t, g); q.Get("PhoneNumbers") != "13987654321" {
		t.Fatalf("the second SMS went to %s, want 王女士's", q.Get("PhoneNumbers"))
	}
	if a := next(t, m.attempts); !a.Delivered || a.Entry.Message.CustomerID != "cu-2" {
		t.Fatalf("王女士's attempt %+v", a)
	}
	if d := m.clock.nextWait(t); d != outbox.Backoff(1) {
		t.Fatalf("the worker waits %s, want the retry's %s", d, outbox.Backoff(1))
	}
	m.clock.advance(outbox.Backoff(1))
	// A wake of the worker's own (王女士's commit) may have read the clock
	// just before it moved and wait from there: move it on until it goes.
	var q url.Values
	for q == nil {
		select {
		case q = <-g.got:
		case d := <-m.clock.waiting:
			m.clock.advance(d)
		case <-time.After(20 * time.Second):
			t.Fatal("the retry never reached the gateway")
		}
	}
	if q.Get("PhoneNumbers") != "13812345678" {
		t.Fatalf("the retry went to %s, want 张先生's", q.Get("PhoneNumbers"))
	}
	if a := next(t, m.attempts); !a.Delivered || a.Entry.Tries != 1 {
		t.Errorf("the retry's attempt %+v, want delivered on the second try", a)
	}
}

// The car reaching ready sends "your car is ready" by e-mail, with the
// customer's share, to a real SMTP server over STARTTLS with AUTH.
func TestACarReadySendsAnEmail(t *testing.T) {
	box, email := mailSender(t, 4)
	m := openMessagesShop(t, shop.Customer{Name: "张先生", Phone: "138 1234 5678",
		Messages: &shop.MessagePrefs{Channel: shop.ChannelEmail, Email: "zhang@example.cn", QuietFrom: "23:00", QuietTo: "06:00"}},
		map[string]channels.Sender{"email": email})
	now := m.clock.Now()
	m.do(t, e2eAdvisor, &shop.OpenJob{CustomerID: "cu-1", VehicleID: "ve-1", Estimate: shop.Estimate{Requests: "保养", PromisedAt: now.Add(4 * time.Hour),
		Labour: []shop.Labour{{Name: "更换机油", SoldHours: 1, Price: 20000}, {Name: "检查刹车", SoldHours: 1, Price: 108000}}}})
	j := "20260302-0001"
	m.do(t, e2eAdvisor, &shop.Submit{JobRef: shop.JobRef{JobID: j}}, &shop.Dispatch{JobID: j, TeamID: "team-1", TechIDs: []string{"tech-1"}, BayID: "bay-1"})
	m.do(t, e2eTech, &shop.ClockOn{TechRef: shop.TechRef{JobID: j, TechID: "tech-1"}}, &shop.Finish{TechRef: shop.TechRef{JobID: j, TechID: "tech-1"}},
		&shop.QC{JobID: j, Step: shop.QCTeam, Pass: true})
	m.do(t, e2eQC, &shop.QC{JobID: j, Step: shop.QCFinal, Pass: true})

	var raw []byte
	select {
	case raw = <-box.got:
	case <-time.After(20 * time.Second):
		t.Fatal("no e-mail reached the server")
	}
	msg, err := mail.ReadMessage(strings.NewReader(string(raw)))
	if err != nil {
		t.Fatal(err)
	}
	subject, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	body, _ := io.ReadAll(quotedprintable.NewReader(msg.Body))
	if msg.Header.Get("To") != "zhang@example.cn" && !strings.Contains(msg.Header.Get("To"), "zhang@example.cn") {
		t.Errorf("To %q", msg.Header.Get("To"))
	}
	if !strings.HasPrefix(subject, "您的爱车已完工") || !strings.Contains(string(body), "费用合计1,280.00元") || !strings.Contains(string(body), "京A·12345") {
		t.Errorf("subject %q, body %q", subject, body)
	}
	if id := msg.Header.Get("Message-ID"); !strings.HasPrefix(id, "<shop1-") || !strings.Contains(id, "-car_ready@jinghua4s.cn>") {
		t.Errorf("Message-ID %q", id)
	}
	if a := next(t, m.attempts); !a.Delivered || a.Destination != "email" {
		t.Errorf("attempt %+v", a)
	}
}
