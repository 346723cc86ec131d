package channels

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"bayboard/internal/testcert"
)

const (
	testSMTPUser     = "service@jinghua4s.cn"
	testSMTPPassword = "p4ss-Word-SMTP"
	refusedRecipient = "nobody@example.cn"
	// greylisted is a mailbox that answers "try again later".
	greylisted = "later@example.cn"
)

// testCertificate is a self-signed certificate for 127.0.0.1 and the pool
// that trusts it.
func testCertificate(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	c := testcert.New(t, "bayboard test SMTP")
	return c.TLS, c.Pool
}

// mailServer is a real SMTP server (go-smtp) with STARTTLS and AUTH that
// hands each accepted message to delivered.
type mailServer struct {
	mechanism string
	delivered chan []byte
}

type mailSession struct {
	server *mailServer
	authed bool
}

// authTries counts AUTH commands over every session, so a test can say
// that no password was offered.
var authTries atomic.Int32

func (s *mailServer) NewSession(*smtp.Conn) (smtp.Session, error) {
	return &mailSession{server: s}, nil
}

func (s *mailSession) AuthMechanisms() []string { return []string{s.server.mechanism} }

func (s *mailSession) Auth(mech string) (sasl.Server, error) {
	authTries.Add(1)
	check := func(username, password string) error {
		if username != testSMTPUser || password != testSMTPPassword {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "Authentication credentials invalid"}
		}
		s.authed = true
		return nil
	}
	if mech == sasl.Login {
		return &loginServer{check: check}, nil
	}
	return sasl.NewPlainServer(func(_, username, password string) error { return check(username, password) }), nil
}

func (s *mailSession) Mail(string, *smtp.MailOptions) error {
	if !s.authed {
		return smtp.ErrAuthRequired
	}
	return nil
}

func (s *mailSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if to == refusedRecipient {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such user here"}
	}
	if to == greylisted {
		return &smtp.SMTPError{Code: 450, EnhancedCode: smtp.EnhancedCode{4, 7, 1}, Message: "Greylisted, try again later"}
	}
	return nil
}

func (s *mailSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.server.delivered <- b
	return nil
}

func (s *mailSession) Reset()        {}
func (s *mailSession) Logout() error { return nil }

// loginServer is the server's side of AUTH LOGIN (go-sasl has only the
// client's): it asks for the username, then the password.
type loginServer struct {
	check    func(username, password string) error
	username string
	step     int
}

func (l *loginServer) Next(response []byte) ([]byte, bool, error) {
	l.step++
	switch l.step {
	case 1:
		if response != nil {
			l.username = string(response)
			l.step++
			return []byte("Password:"), false, nil
		}
		return []byte("Username:"), false, nil
	case 2:
		l.username = string(response)
		return []byte("Password:"), false, nil
	default:
		return nil, true, l.check(l.username, string(response))
	}
}

// startMailServer starts the server on 127.0.0.1 and says its port and
// the CA pool that trusts it.
func startMailServer(t *testing.T, mechanism string, implicitTLS bool) (*mailServer, int, *x509.CertPool) {
	t.Helper()
	cert, pool := testCertificate(t)
	backend := &mailServer{mechanism: mechanism, delivered: make(chan []byte, 4)}
	server := smtp.NewServer(backend)
	server.Domain = "localhost"
	server.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
	server.ReadTimeout = 10 * time.Second
	server.WriteTimeout = 10 * time.Second
	var listener net.Listener
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := listener.Addr().(*net.TCPAddr).Port
	if implicitTLS {
		listener = tls.NewListener(listener, server.TLSConfig)
	}
	go server.Serve(listener)
	t.Cleanup(func() { server.Close() })
	return backend, port, pool
}

func testEmail(t *testing.T, port int, pool *x509.CertPool, password Secret) *Email {
	t.Helper()
	email, err := NewEmail(SMTPConfig{
		Host:     "127.0.0.1",
		Port:     port,
		Username: testSMTPUser,
		Password: password,
		From:     "京华4S店 <service@jinghua4s.cn>",
		TLS:      &tls.Config{RootCAs: pool},
	})
	if err != nil {
		t.Fatal(err)
	}
	return email
}

var readyMail = Message{
	ID:      "msg-0002",
	To:      "王先生 <wang@example.cn>",
	Subject: "您的爱车已可提取 — 京A·12345",
	Text:    "王先生您好：\n您的车辆已完成保养，应付金额 ¥1,280.00。\n提车时间 8:30–18:00。\n",
}

// receive waits for the server to hand over one message and parses it.
func receive(t *testing.T, server *mailServer) *mail.Message {
	t.Helper()
	// The server hands a message over before it answers DATA, so one a
	// failed send got through would be waiting here already.
	select {
	case raw := <-server.delivered:
		msg, err := mail.ReadMessage(strings.NewReader(string(raw)))
		if err != nil {
			t.Fatalf("the delivered message does not parse: %v\n%s", err, raw)
		}
		return msg
	case <-time.After(10 * time.Second):
		t.Fatal("the server got no message")
		return nil
	}
}

func checkReadyMail(t *testing.T, msg *mail.Message) {
	t.Helper()
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil || subject != readyMail.Subject {
		t.Errorf("subject %q (%v), want %q", subject, err, readyMail.Subject)
	}
	if raw := msg.Header.Get("Subject"); !strings.HasPrefix(raw, "=?UTF-8?b?") {
		t.Errorf("the raw subject %q is not an RFC 2047 encoded-word", raw)
	}
	if got := msg.Header.Get("Message-ID"); got != "<msg-0002@jinghua4s.cn>" {
		t.Errorf("Message-ID %q, want <msg-0002@jinghua4s.cn>", got)
	}
	if _, err := msg.Header.Date(); err != nil {
		t.Errorf("Date %q: %v", msg.Header.Get("Date"), err)
	}
	from, err := msg.Header.AddressList("From")
	if err != nil || len(from) != 1 || from[0].Name != "京华4S店" || from[0].Address != "service@jinghua4s.cn" {
		t.Errorf("From %q: %v %v", msg.Header.Get("From"), from, err)
	}
	if got := msg.Header.Get("Content-Type"); got != "text/plain; charset=UTF-8" {
		t.Errorf("Content-Type %q", got)
	}
	body, err := io.ReadAll(quotedprintable.NewReader(msg.Body))
	if err != nil {
		t.Fatal(err)
	}
	want := strings.ReplaceAll(readyMail.Text, "\n", "\r\n")
	if string(body) != want && string(body) != want+"\r\n" {
		t.Errorf("body %q, want %q", body, want)
	}
}

func TestEmailArrivesOverSTARTTLSWithPlainAuth(t *testing.T) {
	server, port, pool := startMailServer(t, sasl.Plain, false)
	if err := testEmail(t, port, pool, testSMTPPassword).Send(context.Background(), readyMail); err != nil {
		t.Fatal(err)
	}
	checkReadyMail(t, receive(t, server))
}

func TestEmailArrivesWithLoginAuth(t *testing.T) {
	server, port, pool := startMailServer(t, sasl.Login, false)
	if err := testEmail(t, port, pool, testSMTPPassword).Send(context.Background(), readyMail); err != nil {
		t.Fatal(err)
	}
	checkReadyMail(t, receive(t, server))
}

func TestEmailArrivesOverImplicitTLS(t *testing.T) {
	server, port, pool := startMailServer(t, sasl.Plain, true)
	email := testEmail(t, port, pool, testSMTPPassword)
	email.config.ImplicitTLS = true
	if err := email.Send(context.Background(), readyMail); err != nil {
		t.Fatal(err)
	}
	checkReadyMail(t, receive(t, server))
}

// A server whose certificate the given pool does not trust gets no
// password: the TLS handshake fails first.
func TestEmailRefusesAnUntrustedServer(t *testing.T) {
	_, port, _ := startMailServer(t, sasl.Plain, false)
	_, otherPool := testCertificate(t)
	err := testEmail(t, port, otherPool, testSMTPPassword).Send(context.Background(), readyMail)
	var sendErr *Error
	if !errors.As(err, &sendErr) || sendErr.Code != "tls" || Permanent(err) {
		t.Fatalf("error %v, want a temporary tls error", err)
	}
}

func TestEmailFailuresAreClassified(t *testing.T) {
	server, port, pool := startMailServer(t, sasl.Plain, false)

	down, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	downPort := down.Addr().(*net.TCPAddr).Port
	down.Close()

	// The hanging server accepts and never greets.
	hanging, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { hanging.Close() })
	go func() {
		for {
			conn, err := hanging.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { conn.Close() })
		}
	}()
	hangingPort := hanging.Addr().(*net.TCPAddr).Port

	refused := readyMail
	refused.To = refusedRecipient
	later := readyMail
	later.To = greylisted
	for _, tc := range []struct {
		name      string
		port      int
		password  Secret
		message   Message
		code      string
		permanent bool
		recipient bool // the address's alone, for a while
	}{
		{name: "wrong password", port: port, password: "wrong-password", message: readyMail, code: "auth 535"},
		{name: "recipient refused", port: port, password: testSMTPPassword, message: refused, code: "rcpt 550", permanent: true},
		{name: "recipient greylisted", port: port, password: testSMTPPassword, message: later, code: "rcpt 450", recipient: true},
		{name: "server down", port: downPort, password: testSMTPPassword, message: readyMail, code: "unreachable"},
		{name: "server hangs", port: hangingPort, password: testSMTPPassword, message: readyMail, code: "timeout"},
		{name: "not an address", port: port, password: testSMTPPassword, message: Message{ID: "m", To: "wang at example", Subject: "s"}, code: "invalid_address", permanent: true},
		{name: "subject with a line break", port: port, password: testSMTPPassword, message: Message{ID: "m", To: "wang@example.cn", Subject: "s\r\nBcc: all@example.cn"}, code: "invalid_subject", permanent: true},
		{name: "id not fit for a Message-ID", port: port, password: testSMTPPassword, message: Message{ID: "a b>", To: "wang@example.cn", Subject: "s"}, code: "invalid_id", permanent: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
			defer cancel()
			err := testEmail(t, tc.port, pool, tc.password).Send(ctx, tc.message)
			var sendErr *Error
			if !errors.As(err, &sendErr) || sendErr.Code != tc.code {
				t.Fatalf("error %v, want code %s", err, tc.code)
			}
			if Permanent(err) != tc.permanent {
				t.Errorf("Permanent(%v) = %v, want %v", err, Permanent(err), tc.permanent)
			}
			if RecipientOnly(err) != tc.recipient {
				t.Errorf("RecipientOnly(%v) = %v, want %v", err, RecipientOnly(err), tc.recipient)
			}
			for _, secret := range []string{testSMTPPassword, string(tc.password)} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("the error %q shows the password", err)
				}
			}
		})
	}
	// The server hands a message over before it answers DATA, so one a
	// failed send got through would be waiting here already.
	select {
	case raw := <-server.delivered:
		t.Errorf("a failed send delivered a message:\n%s", raw)
	default:
	}
}

func TestSMTPConfigNeverPrintsItsPassword(t *testing.T) {
	config := SMTPConfig{Host: "smtp.example.cn", Port: 587, Username: testSMTPUser, Password: testSMTPPassword, From: "a@example.cn"}
	for _, format := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
		if got := fmt.Sprintf(format, config); strings.Contains(got, testSMTPPassword) {
			t.Errorf("%s of the config shows the password: %s", format, got)
		}
	}
	if got := fmt.Sprintf("%#v", struct{ P Secret }{testSMTPPassword}); strings.Contains(got, testSMTPPassword) {
		t.Errorf("%%#v of a struct holding a Secret shows it: %s", got)
	}
	if _, err := NewEmail(SMTPConfig{Host: "h", Port: 25, Username: "u", From: "a@example.cn"}); err == nil {
		t.Error("a config without a password is accepted")
	}
	if _, err := NewEmail(SMTPConfig{Host: "h", Port: 0, Username: "u", Password: "p", From: "a@example.cn"}); err == nil {
		t.Error("port 0 is accepted")
	}
}

// A server that offers no STARTTLS on a port that is not 465 gets no
// password and no message.
func TestEmailRequiresSTARTTLS(t *testing.T) {
	backend := &mailServer{mechanism: sasl.Plain, delivered: make(chan []byte, 1)}
	server := smtp.NewServer(backend)
	server.Domain = "localhost"
	server.AllowInsecureAuth = true
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go server.Serve(listener)
	t.Cleanup(func() { server.Close() })
	_, pool := testCertificate(t)
	before := authTries.Load()
	err = testEmail(t, listener.Addr().(*net.TCPAddr).Port, pool, testSMTPPassword).Send(context.Background(), readyMail)
	var sendErr *Error
	if !errors.As(err, &sendErr) || sendErr.Code != "starttls_unavailable" || Permanent(err) {
		t.Fatalf("error %v, want a temporary starttls_unavailable", err)
	}
	if tries := authTries.Load() - before; tries != 0 {
		t.Errorf("the client tried AUTH %d times without TLS", tries)
	}
}
