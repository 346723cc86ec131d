package channels

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"
)

// DefaultSMSEndpoint is Alibaba Cloud SMS's public endpoint for mainland
// China (dysmsapi, one endpoint for every region).
const DefaultSMSEndpoint = "https://dysmsapi.aliyuncs.com/"

// DefaultSMSTimeout bounds one SendSms call: the gateway answers in well
// under a second, and the outbox retries a send that timed out.
const DefaultSMSTimeout = 10 * time.Second

// smsAnswerLimit bounds the answer read: SendSms answers a few hundred
// bytes of JSON.
const smsAnswerLimit = 64 << 10

// SMSConfig is a shop's Alibaba Cloud SMS settings.
type SMSConfig struct {
	// Endpoint is the gateway's URL; empty means DefaultSMSEndpoint.
	Endpoint        string
	AccessKeyID     string
	AccessKeySecret Secret
	// SignName is the signature (签名) the shop registered with Alibaba
	// Cloud, shown in 【】 before every text.
	SignName string
	// Templates maps a message's kind (Message.Template) to the template
	// code (SMS_…) the shop registered for it.
	Templates map[string]string
	// Timeout bounds one call; zero means DefaultSMSTimeout.
	Timeout time.Duration
}

// String prints the settings without the secret.
func (c SMSConfig) String() string {
	return fmt.Sprintf("sms{endpoint=%s key=%s secret=%s sign=%s templates=%v}",
		c.endpoint(), c.AccessKeyID, c.AccessKeySecret, c.SignName, c.Templates)
}

func (c SMSConfig) endpoint() string {
	if c.Endpoint == "" {
		return DefaultSMSEndpoint
	}
	return c.Endpoint
}

// SMS sends messages through Alibaba Cloud SMS's SendSms.
type SMS struct {
	config SMSConfig
	client *http.Client
	// now and nonce are the clock and the SignatureNonce's source; tests
	// fix them to sign a known request.
	now   func() time.Time
	nonce func() string
}

// NewSMS checks the settings and makes the sender. client may be nil for
// a client of its own; its Timeout is set from the config either way.
func NewSMS(config SMSConfig, client *http.Client) (*SMS, error) {
	switch {
	case config.AccessKeyID == "":
		return nil, errors.New("sms: the access key id is missing")
	case config.AccessKeySecret == "":
		return nil, errors.New("sms: the access key secret is missing")
	case config.SignName == "":
		return nil, errors.New("sms: the sign name is missing")
	case !strings.HasPrefix(config.endpoint(), "https://") && !strings.HasPrefix(config.endpoint(), "http://"):
		return nil, fmt.Errorf("sms: the endpoint %q is not an http(s) URL", config.Endpoint)
	}
	timeout := config.Timeout
	if timeout <= 0 {
		timeout = DefaultSMSTimeout
	}
	c := &http.Client{Timeout: timeout}
	if client != nil {
		copied := *client
		copied.Timeout = timeout
		c = &copied
	}
	return &SMS{config: config, client: c, now: time.Now, nonce: randomNonce}, nil
}

// mainlandMobile is a mainland China mobile number: 11 digits, 1 then 3–9.
var mainlandMobile = regexp.MustCompile(`^1[3-9][0-9]{9}$`)

// MainlandMobile gives the 11-digit number of phone, a mainland mobile
// number written with or without +86 and with spaces or dashes, and
// whether it is one.
func MainlandMobile(phone string) (string, bool) {
	digits := strings.NewReplacer(" ", "", "-", "").Replace(strings.TrimSpace(phone))
	digits = strings.TrimPrefix(digits, "+86")
	if len(digits) == 13 {
		digits = strings.TrimPrefix(digits, "86")
	}
	return digits, mainlandMobile.MatchString(digits)
}

// permanentSMSCodes are Alibaba Cloud's codes for a message that cannot
// succeed however often it is sent: the number cannot receive, or the
// message's own parameters are refused. Every other code (the rate limit
// isv.BUSINESS_LIMIT_CONTROL, a wrong key, an empty balance, the gateway's
// own trouble) is worth a retry once it passes or the settings are fixed.
var permanentSMSCodes = []string{
	"isv.MOBILE_NUMBER_ILLEGAL",
	"isv.MOBILE_COUNT_OVER_LIMIT",
	"isv.BLACK_KEY_CONTROL_LIMIT",
	"isv.DOMESTIC_NUMBER_NOT_SUPPORTED",
	"isv.TEMPLATE_MISSING_PARAMETERS",
	"isv.INVALID_JSON_PARAM",
	"isv.PARAM_LENGTH_LIMIT",
	"isv.PARAM_NOT_SUPPORT_URL",
	"isv.SMS_CONTENT_ILLEGAL",
}

// recipientSMSCodes are the codes for a number that cannot receive for
// a while: the gateway's minute, hour and day limits of messages to one
// number. Other numbers go meanwhile.
var recipientSMSCodes = []string{"isv.BUSINESS_LIMIT_CONTROL"}

// smsAnswer is SendSms's JSON answer.
type smsAnswer struct {
	Code      string `json:"Code"`
	Message   string `json:"Message"`
	BizID     string `json:"BizId"`
	RequestID string `json:"RequestId"`
}

// Send sends m's template to m.To. A number that is not a mainland mobile
// number, or a kind with no template code, is refused before any call.
func (s *SMS) Send(ctx context.Context, m Message) error {
	phone, ok := MainlandMobile(m.To)
	if !ok {
		return &Error{Channel: "sms", Code: "invalid_phone", Message: fmt.Sprintf("%q is not a mainland mobile number (11 digits, 13x–19x)", m.To), permanent: true}
	}
	code, ok := s.config.Templates[m.Template]
	if !ok || code == "" {
		// A template registered later cures it: not permanent.
		return &Error{Channel: "sms", Code: "no_template", Message: fmt.Sprintf("no template code is set for %q", m.Template)}
	}
	params := m.Params
	if params == nil {
		params = map[string]string{}
	}
	templateParam, err := json.Marshal(params)
	if err != nil {
		return &Error{Channel: "sms", Code: "bad_params", Message: err.Error(), permanent: true}
	}
	query := map[string]string{
		"Action":        "SendSms",
		"Version":       "2017-05-25",
		"Format":        "JSON",
		"RegionId":      "cn-hangzhou",
		"PhoneNumbers":  phone,
		"SignName":      s.config.SignName,
		"TemplateCode":  code,
		"TemplateParam": string(templateParam),
	}
	if m.ID != "" {
		query["OutId"] = m.ID
	}
	target := s.config.endpoint() + "?" + signedQuery(query, s.config.AccessKeyID, s.config.AccessKeySecret.Reveal(), s.now(), s.nonce())
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return &Error{Channel: "sms", Code: "bad_endpoint", Message: "the endpoint is not a URL"}
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return smsTransportError(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, smsAnswerLimit))
	if err != nil {
		return smsTransportError(err)
	}
	var answer smsAnswer
	if err := json.Unmarshal(body, &answer); err != nil || answer.Code == "" {
		return &Error{Channel: "sms", Code: "bad_answer", Message: fmt.Sprintf("the gateway answered HTTP %d with %d bytes that are not SendSms's JSON", resp.StatusCode, len(body))}
	}
	if answer.Code == "OK" {
		return nil
	}
	return &Error{Channel: "sms", Code: answer.Code, Message: answer.Message, permanent: slices.Contains(permanentSMSCodes, answer.Code),
		recipient: slices.Contains(recipientSMSCodes, answer.Code)}
}

// smsTransportError names a call that got no answer. The URL (with the
// key id and signature) stays out: only the cause is kept.
func smsTransportError(err error) error {
	var urlErr interface{ Timeout() bool }
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &urlErr) && urlErr.Timeout()) {
		return &Error{Channel: "sms", Code: "timeout", Message: "the gateway did not answer in time", err: context.DeadlineExceeded}
	}
	if errors.Is(err, context.Canceled) {
		return &Error{Channel: "sms", Code: "canceled", Message: "the send was canceled", err: context.Canceled}
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) {
		return &Error{Channel: "sms", Code: "unreachable", Message: opErr.Op + ": " + opErr.Err.Error()}
	}
	return &Error{Channel: "sms", Code: "unreachable", Message: "the gateway could not be reached"}
}

// signedQuery is the request's query with the common parameters added and
// its Signature last, as Alibaba Cloud's RPC signature (version 1.0)
// documents: parameters sorted by name, names and values percent-encoded,
// the string to sign GET&%2F&<the encoded query>, HMAC-SHA1 keyed with
// the secret and "&", Base64.
func signedQuery(params map[string]string, keyID, secret string, now time.Time, nonce string) string {
	all := map[string]string{
		"AccessKeyId":      keyID,
		"SignatureMethod":  "HMAC-SHA1",
		"SignatureVersion": "1.0",
		"SignatureNonce":   nonce,
		"Timestamp":        now.UTC().Format("2006-01-02T15:04:05Z"),
	}
	for name, value := range params {
		all[name] = value
	}
	canonical := canonicalQuery(all)
	return canonical + "&Signature=" + percentEncode(rpcSignature(canonical, secret))
}

// canonicalQuery is the parameters sorted by name, each name=value
// percent-encoded, joined by &.
func canonicalQuery(params map[string]string) string {
	names := make([]string, 0, len(params))
	for name := range params {
		names = append(names, name)
	}
	slices.Sort(names)
	var b strings.Builder
	for i, name := range names {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(percentEncode(name))
		b.WriteByte('=')
		b.WriteString(percentEncode(params[name]))
	}
	return b.String()
}

// rpcSignature signs a canonical query for a GET.
func rpcSignature(canonical, secret string) string {
	toSign := "GET&" + percentEncode("/") + "&" + percentEncode(canonical)
	mac := hmac.New(sha1.New, []byte(secret+"&"))
	mac.Write([]byte(toSign))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// percentEncode is RFC 3986's encoding as Alibaba Cloud asks: A–Z, a–z,
// 0–9, -, _, . and ~ stay; every other byte of the UTF-8 is %XY in upper
// case (so a space is %20, * is %2A, ~ stays ~).
func percentEncode(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}

// randomNonce is a fresh SignatureNonce: 16 random bytes in hex.
func randomNonce() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
