package channels

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// DefaultSMTPTimeout bounds one whole SMTP conversation (connect, TLS,
// AUTH, the message): a mail server takes seconds at most, and the outbox
// retries a send that timed out.
const DefaultSMTPTimeout = 30 * time.Second

// ImplicitTLSPort is the submission port whose connection is TLS from the
// first byte (RFC 8314); on any other port the sender requires STARTTLS.
const ImplicitTLSPort = 465

// SMTPConfig is a shop's mail server settings.
type SMTPConfig struct {
	Host string
	Port int
	// ImplicitTLS speaks TLS from the connection's start; it is on by
	// itself on port 465. Otherwise STARTTLS is required: a server that
	// does not offer it gets no password and no message.
	ImplicitTLS bool
	Username    string
	Password    Secret
	// From is the sender, an address with or without a name
	// ("京华4S店 <service@jinghua4s.cn>"); its domain also ends each
	// Message-ID.
	From string
	// HelloName is the name given in EHLO; empty means "localhost".
	HelloName string
	// TLS is the TLS configuration (a test passes its own CA pool); nil
	// means the system's roots, the server checked against Host.
	TLS *tls.Config
	// Timeout bounds one send; zero means DefaultSMTPTimeout.
	Timeout time.Duration
}

// String prints the settings without the password.
func (c SMTPConfig) String() string {
	return fmt.Sprintf("smtp{host=%s port=%d implicit_tls=%v user=%s password=%s from=%s}",
		c.Host, c.Port, c.implicitTLS(), c.Username, c.Password, c.From)
}

func (c SMTPConfig) implicitTLS() bool { return c.ImplicitTLS || c.Port == ImplicitTLSPort }

// Email sends messages by SMTP.
type Email struct {
	config SMTPConfig
	from   *mail.Address
	domain string
	now    func() time.Time
}

// NewEmail checks the settings and makes the sender.
func NewEmail(config SMTPConfig) (*Email, error) {
	if config.Host == "" {
		return nil, errors.New("email: the SMTP host is missing")
	}
	if config.Port <= 0 || config.Port > 65535 {
		return nil, fmt.Errorf("email: the SMTP port %d is not a port", config.Port)
	}
	if config.Username == "" || config.Password == "" {
		return nil, errors.New("email: the SMTP username and password are required")
	}
	from, err := mail.ParseAddress(config.From)
	if err != nil {
		return nil, fmt.Errorf("email: the From address %q is not an address", config.From)
	}
	domain := from.Address[strings.LastIndexByte(from.Address, '@')+1:]
	return &Email{config: config, from: from, domain: domain, now: time.Now}, nil
}

// messageIDPart is what a message's ID may hold to become a Message-ID:
// an RFC 5322 dot-atom's characters, optionally with its own @domain.
var messageIDPart = regexp.MustCompile(`^[A-Za-z0-9!#$%&'*+/=?^_{|}~.-]+(@[A-Za-z0-9.-]+)?$`)

// Send delivers m's Subject and Text to m.To.
func (e *Email) Send(ctx context.Context, m Message) error {
	body, to, err := e.compose(m)
	if err != nil {
		return err
	}
	timeout := e.config.Timeout
	if timeout <= 0 {
		timeout = DefaultSMTPTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	return e.deliver(ctx, to, body)
}

// compose checks m and writes the message: headers (the subject as an
// RFC 2047 encoded-word, Date, Message-ID) and the UTF-8 text in
// quoted-printable.
func (e *Email) compose(m Message) ([]byte, string, error) {
	refuse := func(code, message string) ([]byte, string, error) {
		return nil, "", &Error{Channel: "email", Code: code, Message: message, permanent: true}
	}
	to, err := mail.ParseAddress(m.To)
	if err != nil {
		return refuse("invalid_address", fmt.Sprintf("%q is not an e-mail address", m.To))
	}
	if !messageIDPart.MatchString(m.ID) {
		return refuse("invalid_id", fmt.Sprintf("the message id %q cannot be a Message-ID", m.ID))
	}
	if strings.ContainsAny(m.Subject, "\r\n") {
		return refuse("invalid_subject", "the subject holds a line break")
	}
	messageID := m.ID
	if !strings.Contains(messageID, "@") {
		messageID += "@" + e.domain
	}
	var b bytes.Buffer
	header := func(name, value string) { b.WriteString(name + ": " + value + "\r\n") }
	header("From", e.from.String())
	header("To", to.String())
	header("Subject", mime.BEncoding.Encode("UTF-8", m.Subject))
	header("Date", e.now().Format(time.RFC1123Z))
	header("Message-ID", "<"+messageID+">")
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=UTF-8")
	header("Content-Transfer-Encoding", "quoted-printable")
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	text := strings.ReplaceAll(strings.ReplaceAll(m.Text, "\r\n", "\n"), "\r", "\n")
	if _, err := qp.Write([]byte(text)); err != nil {
		return refuse("invalid_text", err.Error())
	}
	if err := qp.Close(); err != nil {
		return refuse("invalid_text", err.Error())
	}
	b.WriteString("\r\n")
	return b.Bytes(), to.Address, nil
}

// deliver holds one SMTP conversation within ctx: the connection's
// deadline is ctx's, and ctx's end closes the connection.
func (e *Email) deliver(ctx context.Context, to string, body []byte) error {
	address := net.JoinHostPort(e.config.Host, strconv.Itoa(e.config.Port))
	var dialer net.Dialer
	conn, err := dialer.DialContext(ctx, "tcp", address)
	if err != nil {
		return smtpError(ctx, "connect", err)
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	defer conn.Close()
	if deadline, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(deadline)
	}
	tlsConfig := &tls.Config{}
	if e.config.TLS != nil {
		tlsConfig = e.config.TLS.Clone()
	}
	if tlsConfig.ServerName == "" {
		tlsConfig.ServerName = e.config.Host
	}
	if e.config.implicitTLS() {
		tlsConn := tls.Client(conn, tlsConfig)
		if err := tlsConn.HandshakeContext(ctx); err != nil {
			return smtpError(ctx, "tls", err)
		}
		conn = tlsConn
	}
	client, err := smtp.NewClient(conn, e.config.Host)
	if err != nil {
		return smtpError(ctx, "greeting", err)
	}
	defer client.Close()
	hello := e.config.HelloName
	if hello == "" {
		hello = "localhost"
	}
	if err := client.Hello(hello); err != nil {
		return smtpError(ctx, "ehlo", err)
	}
	if !e.config.implicitTLS() {
		if ok, _ := client.Extension("STARTTLS"); !ok {
			return &Error{Channel: "email", Code: "starttls_unavailable", Message: "the server does not offer STARTTLS: no password is sent in clear"}
		}
		if err := client.StartTLS(tlsConfig); err != nil {
			return smtpError(ctx, "tls", err)
		}
	}
	auth, err := e.auth(client)
	if err != nil {
		return err
	}
	if err := client.Auth(auth); err != nil {
		return smtpError(ctx, "auth", err)
	}
	if err := client.Mail(e.from.Address); err != nil {
		return smtpError(ctx, "mail", err)
	}
	if err := client.Rcpt(to); err != nil {
		return smtpError(ctx, "rcpt", err)
	}
	w, err := client.Data()
	if err != nil {
		return smtpError(ctx, "data", err)
	}
	if _, err := w.Write(body); err != nil {
		return smtpError(ctx, "data", err)
	}
	if err := w.Close(); err != nil {
		return smtpError(ctx, "data", err)
	}
	// The message is accepted once DATA's end is; a QUIT that fails
	// changes nothing.
	_ = client.Quit()
	return nil
}

// auth picks PLAIN, or LOGIN where the server offers only that.
func (e *Email) auth(client *smtp.Client) (smtp.Auth, error) {
	ok, params := client.Extension("AUTH")
	mechanisms := strings.Fields(strings.ToUpper(params))
	switch {
	case ok && slices.Contains(mechanisms, "PLAIN"):
		return smtp.PlainAuth("", e.config.Username, e.config.Password.Reveal(), e.config.Host), nil
	case ok && slices.Contains(mechanisms, "LOGIN"):
		return loginAuth{username: e.config.Username, password: e.config.Password.Reveal()}, nil
	}
	return nil, &Error{Channel: "email", Code: "auth_unavailable", Message: fmt.Sprintf("the server offers no PLAIN or LOGIN authentication (AUTH %s)", params)}
}

// loginAuth is the LOGIN mechanism (a draft never made an RFC, but what
// many servers offer): the username, then the password, each asked for.
// It is only used over TLS, as the sender never authenticates without.
type loginAuth struct{ username, password string }

func (a loginAuth) Start(server *smtp.ServerInfo) (string, []byte, error) {
	if !server.TLS {
		return "", nil, errors.New("LOGIN needs an encrypted connection")
	}
	return "LOGIN", nil, nil
}

func (a loginAuth) Next(fromServer []byte, more bool) ([]byte, error) {
	if !more {
		return nil, nil
	}
	switch strings.ToLower(strings.TrimSpace(string(fromServer))) {
	case "username:", "user name", "username":
		return []byte(a.username), nil
	case "password:", "password":
		return []byte(a.password), nil
	}
	return nil, fmt.Errorf("LOGIN: unexpected challenge %q", fromServer)
}

// smtpError classifies a failed step. A server's refusal of the
// recipient (5xx to RCPT) or of the message (5xx to DATA) is permanent;
// a 4xx is temporary, and a 4xx to RCPT the recipient's alone (a
// greylisting or full mailbox); refused authentication, a refused sender and
// everything that got no answer (down, hanging, TLS) are temporary, as a
// change of settings or time cures them.
func smtpError(ctx context.Context, step string, err error) error {
	// The context's end closes the connection: its cause, not the
	// closed connection's error, is what happened.
	if ctx.Err() != nil {
		err = ctx.Err()
	}
	var reply *textproto.Error
	if errors.As(err, &reply) {
		code := step + " " + strconv.Itoa(reply.Code)
		permanent := reply.Code >= 500 && (step == "rcpt" || step == "data")
		message := reply.Msg
		if step == "auth" {
			code = "auth " + strconv.Itoa(reply.Code)
			message = "the server refused the username or password: " + reply.Msg
		}
		return &Error{Channel: "email", Code: code, Message: message, permanent: permanent,
			recipient: step == "rcpt" && reply.Code >= 400 && reply.Code < 500}
	}
	var netErr net.Error
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &netErr) && netErr.Timeout()) {
		return &Error{Channel: "email", Code: "timeout", Message: "the server did not answer in time (at " + step + ")", err: context.DeadlineExceeded}
	}
	if errors.Is(err, context.Canceled) {
		return &Error{Channel: "email", Code: "canceled", Message: "the send was canceled (at " + step + ")", err: context.Canceled}
	}
	if step == "connect" {
		return &Error{Channel: "email", Code: "unreachable", Message: err.Error()}
	}
	if step == "tls" {
		return &Error{Channel: "email", Code: "tls", Message: err.Error()}
	}
	return &Error{Channel: "email", Code: step, Message: err.Error()}
}
