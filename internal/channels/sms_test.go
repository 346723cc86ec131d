package channels

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// The signing reproduces, byte for byte, the worked example in Alibaba
// Cloud SMS's documentation of its request signature (短信服务 API 签名机制,
// SendSms with AccessKeyId testId and AccessKeySecret testSecret), as the
// documentation's text is reproduced at https://developer.aliyun.com/ask/278546
// (originally help.aliyun.com/document_detail/101343.html): its sorted
// query string, and its Signature zJDF+Lrzhj/ThnlvIToysFRq6t4=.
func TestSMSSigningMatchesAlibabaCloudsExample(t *testing.T) {
	params := map[string]string{
		"Action":        "SendSms",
		"Version":       "2017-05-25",
		"RegionId":      "cn-hangzhou",
		"PhoneNumbers":  "15300000001",
		"SignName":      "阿里云短信测试专用",
		"TemplateParam": `{"customer":"test"}`,
		"TemplateCode":  "SMS_71390007",
		"OutId":         "123",
		"Format":        "XML",
	}
	at := time.Date(2017, 7, 12, 2, 42, 19, 0, time.UTC)
	got := signedQuery(params, "testId", "testSecret", at, "45e25e9b-0a6f-4070-8c85-2956eda1b466")

	const documentedQuery = "AccessKeyId=testId&Action=SendSms&Format=XML&OutId=123&PhoneNumbers=15300000001&RegionId=cn-hangzhou&SignName=%E9%98%BF%E9%87%8C%E4%BA%91%E7%9F%AD%E4%BF%A1%E6%B5%8B%E8%AF%95%E4%B8%93%E7%94%A8&SignatureMethod=HMAC-SHA1&SignatureNonce=45e25e9b-0a6f-4070-8c85-2956eda1b466&SignatureVersion=1.0&TemplateCode=SMS_71390007&TemplateParam=%7B%22customer%22%3A%22test%22%7D&Timestamp=2017-07-12T02%3A42%3A19Z&Version=2017-05-25"
	const documentedSignature = "zJDF%2BLrzhj%2FThnlvIToysFRq6t4%3D"
	if want := documentedQuery + "&Signature=" + documentedSignature; got != want {
		t.Errorf("signed query\n%s\nwant\n%s", got, want)
	}
}

// The percent-encoding follows the documented rules where Go's own
// url.QueryEscape differs: a space is %20, * is %2A, ~ stays.
func TestPercentEncodeFollowsTheDocumentedRules(t *testing.T) {
	for in, want := range map[string]string{
		"a b":    "a%20b",
		"*":      "%2A",
		"~-_.":   "~-_.",
		"/=&+:":  "%2F%3D%26%2B%3A",
		"车":      "%E8%BD%A6",
		"AZaz09": "AZaz09",
	} {
		if got := percentEncode(in); got != want {
			t.Errorf("percentEncode(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMainlandMobile(t *testing.T) {
	for in, want := range map[string]string{
		"13912345678":       "13912345678",
		"+86 139 1234 5678": "13912345678",
		"8619912345678":     "19912345678",
		"139-1234-5678":     "13912345678",
	} {
		if got, ok := MainlandMobile(in); !ok || got != want {
			t.Errorf("MainlandMobile(%q) = %q, %v; want %q, true", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "12912345678", "1391234567", "139123456789", "010-12345678", "+1 415 555 0100", "1391234567a"} {
		if _, ok := MainlandMobile(in); ok {
			t.Errorf("MainlandMobile(%q) is accepted", in)
		}
	}
}

// gateway stands in for dysmsapi: it checks each request's signature with
// the test's own implementation of the documented algorithm and answers
// as the test says.
type gateway struct {
	t       *testing.T
	keyID   string
	secret  string
	answer  func(w http.ResponseWriter, r *http.Request)
	mu      sync.Mutex
	queries []url.Values
}

func (g *gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	query := r.URL.Query()
	g.mu.Lock()
	g.queries = append(g.queries, query)
	g.mu.Unlock()
	if r.Method != http.MethodGet || r.URL.Path != "/" {
		g.t.Errorf("request %s %s, want GET /", r.Method, r.URL.Path)
	}
	if query.Get("AccessKeyId") != g.keyID || query.Get("Signature") != independentSignature(query, g.secret) {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, `{"Code":"SignatureDoesNotMatch","Message":"Specified signature is not matched with our calculation."}`)
		return
	}
	g.answer(w, r)
}

func (g *gateway) received() []url.Values {
	g.mu.Lock()
	defer g.mu.Unlock()
	return slicesClone(g.queries)
}

func slicesClone(q []url.Values) []url.Values { return append([]url.Values(nil), q...) }

// independentSignature signs a received query the way Alibaba Cloud's
// own SDKs do it, with Go's url.QueryEscape and the documented three
// replacements, not with the code under test.
func independentSignature(query url.Values, secret string) string {
	var names []string
	for name := range query {
		if name != "Signature" {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	escape := func(s string) string {
		return strings.NewReplacer("+", "%20", "*", "%2A", "%7E", "~").Replace(url.QueryEscape(s))
	}
	var pairs []string
	for _, name := range names {
		pairs = append(pairs, escape(name)+"="+escape(query.Get(name)))
	}
	mac := hmac.New(sha1.New, []byte(secret+"&"))
	mac.Write([]byte("GET&%2F&" + escape(strings.Join(pairs, "&"))))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

func answerJSON(body string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, body)
	}
}

const testSMSSecret = "s3cr3t-Access-Key-Secret"

func newTestSMS(t *testing.T, answer func(http.ResponseWriter, *http.Request)) (*SMS, *gateway) {
	t.Helper()
	g := &gateway{t: t, keyID: "LTAI-test-id", secret: testSMSSecret, answer: answer}
	server := httptest.NewServer(g)
	t.Cleanup(server.Close)
	sms, err := NewSMS(SMSConfig{
		Endpoint:        server.URL + "/",
		AccessKeyID:     "LTAI-test-id",
		AccessKeySecret: testSMSSecret,
		SignName:        "京华4S店",
		Templates:       map[string]string{"car_ready": "SMS_123456789"},
	}, server.Client())
	if err != nil {
		t.Fatal(err)
	}
	return sms, g
}

var carReady = Message{
	ID:       "msg-0001",
	To:       "+86 139 1234 5678",
	Template: "car_ready",
	Params:   map[string]string{"plate": "京A·12345", "amount": "1,280.00", "hours": "8:30–18:00"},
}

func TestSMSSendsASignedSendSms(t *testing.T) {
	sms, g := newTestSMS(t, answerJSON(`{"Message":"OK","RequestId":"F655A8D5-B967-440B-8683-DAD6FF8DE990","Code":"OK","BizId":"900619746936498440^0"}`))
	if err := sms.Send(context.Background(), carReady); err != nil {
		t.Fatal(err)
	}
	got := g.received()
	if len(got) != 1 {
		t.Fatalf("the gateway got %d requests, want 1", len(got))
	}
	q := got[0]
	for name, want := range map[string]string{
		"Action": "SendSms", "Version": "2017-05-25", "Format": "JSON", "RegionId": "cn-hangzhou",
		"SignatureMethod": "HMAC-SHA1", "SignatureVersion": "1.0",
		"PhoneNumbers": "13912345678", "SignName": "京华4S店", "TemplateCode": "SMS_123456789", "OutId": "msg-0001",
	} {
		if q.Get(name) != want {
			t.Errorf("%s = %q, want %q", name, q.Get(name), want)
		}
	}
	if _, err := time.Parse("2006-01-02T15:04:05Z", q.Get("Timestamp")); err != nil {
		t.Errorf("Timestamp %q is not UTC ISO 8601: %v", q.Get("Timestamp"), err)
	}
	var params map[string]string
	if err := json.Unmarshal([]byte(q.Get("TemplateParam")), &params); err != nil || !maps.Equal(params, carReady.Params) {
		t.Errorf("TemplateParam %q, want the message's params %v (%v)", q.Get("TemplateParam"), carReady.Params, err)
	}
}

// Each SendSms gets a nonce of its own: the gateway refuses a nonce it
// has seen within 15 minutes as a replay.
func TestSMSNonceIsFreshEachSend(t *testing.T) {
	sms, g := newTestSMS(t, answerJSON(`{"Code":"OK","Message":"OK"}`))
	for range 2 {
		if err := sms.Send(context.Background(), carReady); err != nil {
			t.Fatal(err)
		}
	}
	got := g.received()
	if got[0].Get("SignatureNonce") == got[1].Get("SignatureNonce") {
		t.Errorf("two sends share the nonce %q", got[0].Get("SignatureNonce"))
	}
}

func TestSMSFailuresAreClassified(t *testing.T) {
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	for _, tc := range []struct {
		name      string
		answer    func(http.ResponseWriter, *http.Request)
		message   Message
		code      string
		permanent bool
		recipient bool // the number's alone, for a while
		sent      int
	}{
		{name: "number illegal", answer: answerJSON(`{"Code":"isv.MOBILE_NUMBER_ILLEGAL","Message":"非法手机号"}`), message: carReady, code: "isv.MOBILE_NUMBER_ILLEGAL", permanent: true, sent: 1},
		{name: "rate limited", answer: answerJSON(`{"Code":"isv.BUSINESS_LIMIT_CONTROL","Message":"触发分钟级流控Permits:1"}`), message: carReady, code: "isv.BUSINESS_LIMIT_CONTROL", recipient: true, sent: 1},
		{name: "gateway trouble", answer: answerJSON(`{"Code":"isp.SYSTEM_ERROR","Message":"系统错误"}`), message: carReady, code: "isp.SYSTEM_ERROR", sent: 1},
		{name: "garbage", answer: func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusBadGateway)
			fmt.Fprint(w, "<html><body>502 Bad Gateway</body></html>")
		}, message: carReady, code: "bad_answer", sent: 1},
		{name: "hangs", answer: func(_ http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-release:
			}
		}, message: carReady, code: "timeout", sent: 1},
		{name: "not a mobile number", answer: answerJSON(`{"Code":"OK"}`), message: Message{ID: "m", To: "010-6543 2100", Template: "car_ready"}, code: "invalid_phone", permanent: true},
		{name: "no template for the kind", answer: answerJSON(`{"Code":"OK"}`), message: Message{ID: "m", To: "13912345678", Template: "reminder_1h"}, code: "no_template"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sms, g := newTestSMS(t, tc.answer)
			ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
			defer cancel()
			err := sms.Send(ctx, tc.message)
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
			if strings.Contains(err.Error(), testSMSSecret) {
				t.Errorf("the error %q shows the secret", err)
			}
			if n := len(g.received()); n != tc.sent {
				t.Errorf("the gateway got %d requests, want %d", n, tc.sent)
			}
		})
	}
}

// A wrong secret gets the gateway's SignatureDoesNotMatch: an error that
// names the code and keeps the message for a retry once the key is fixed.
func TestSMSWrongSecretIsATemporaryError(t *testing.T) {
	sms, _ := newTestSMS(t, answerJSON(`{"Code":"OK"}`))
	sms.config.AccessKeySecret = "not-the-secret"
	err := sms.Send(context.Background(), carReady)
	var sendErr *Error
	if !errors.As(err, &sendErr) || sendErr.Code != "SignatureDoesNotMatch" || Permanent(err) {
		t.Fatalf("error %v, want a temporary SignatureDoesNotMatch", err)
	}
	if strings.Contains(err.Error(), "not-the-secret") {
		t.Errorf("the error %q shows the secret", err)
	}
}

func TestSMSServerDownIsTemporary(t *testing.T) {
	server := httptest.NewServer(http.NotFoundHandler())
	endpoint := server.URL + "/"
	server.Close()
	sms, err := NewSMS(SMSConfig{Endpoint: endpoint, AccessKeyID: "id", AccessKeySecret: testSMSSecret, SignName: "京华4S店", Templates: map[string]string{"car_ready": "SMS_1"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = sms.Send(context.Background(), carReady)
	var sendErr *Error
	if !errors.As(err, &sendErr) || sendErr.Code != "unreachable" || Permanent(err) {
		t.Fatalf("error %v, want a temporary unreachable", err)
	}
}

func TestSMSConfigNeverPrintsItsSecret(t *testing.T) {
	config := SMSConfig{AccessKeyID: "LTAI-id", AccessKeySecret: testSMSSecret, SignName: "京华4S店"}
	for _, format := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		if got := fmt.Sprintf(format, config); strings.Contains(got, testSMSSecret) || strings.Contains(got, fmt.Sprintf("%x", testSMSSecret)) {
			t.Errorf("%s of the config shows the secret: %s", format, got)
		}
	}
	if got := fmt.Sprintf("%+v", &config); strings.Contains(got, testSMSSecret) {
		t.Errorf("%%+v of a pointer to the config shows the secret: %s", got)
	}
	if _, err := NewSMS(SMSConfig{AccessKeyID: "id", SignName: "x"}, nil); err == nil {
		t.Error("a config without a secret is accepted")
	}
}
