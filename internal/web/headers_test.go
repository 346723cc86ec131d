package web

import (
	"crypto/tls"
	"crypto/x509"
	"net"
	"net/http"
	"strings"
	"testing"

	"bayboard/internal/shop"

	"bayboard/internal/testcert"
)

// wantHardened checks the headers every answer carries, whatever its kind.
func wantHardened(t *testing.T, what string, h http.Header, ancestors string) {
	t.Helper()
	csp := h.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'self'", "script-src 'self';", "object-src 'none'", "base-uri 'none'", "frame-ancestors " + ancestors} {
		if !strings.Contains(csp+";", want) {
			t.Errorf("%s: Content-Security-Policy %q lacks %q", what, csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
		t.Errorf("%s: Content-Security-Policy %q allows inline script or eval", what, csp)
	}
	if got := h.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("%s: X-Content-Type-Options %q", what, got)
	}
	if got := h.Get("Referrer-Policy"); got != "no-referrer" {
		t.Errorf("%s: Referrer-Policy %q", what, got)
	}
}

// Every kind of answer — pages, assets, the API, problems, a 404, the
// health check, a refused body — carries the policy, nosniff and the
// referrer policy, and may be framed by no one.
func TestEveryAnswerIsHardened(t *testing.T) {
	ts := newTestShop(t)
	mgr := ts.tokens[shop.RoleManager]
	for _, c := range []struct{ method, path, token, body string }{
		{"GET", "/healthz", "", ""},
		{"GET", "/signin", "", ""},
		{"GET", "/desk", "", ""},
		{"GET", "/admin/users", "", ""},
		{"GET", "/board", "", ""},
		{"GET", "/board/workshop", "", ""},
		{"GET", "/board/lounge", "", ""},
		{"GET", "/k/parts", "", ""},
		{"GET", "/k/job/forged", "", ""},
		{"GET", "/c/forged", "", ""},
		{"GET", "/assets/kit/dom.js", "", ""},
		{"GET", "/api/v1/me", "", ""},
		{"GET", "/api/v1/jobs", mgr, ""},
		{"GET", "/api/v1/export/jobs.csv?from=2026-11-23&to=2026-11-23", mgr, ""},
		{"POST", "/api/v1/commands", mgr, `{"type":"nope"}`},
		{"GET", "/no/such/page", "", ""},
	} {
		var body any
		if c.body != "" {
			body = c.body
		}
		r := ts.call(t, nil, c.method, c.path, c.token, body)
		wantHardened(t, c.method+" "+c.path, r.header, "'none'")
		if r.header.Get("X-Frame-Options") != "DENY" {
			t.Errorf("%s: X-Frame-Options %q", c.path, r.header.Get("X-Frame-Options"))
		}
		if r.header.Get("Strict-Transport-Security") != "" {
			t.Errorf("%s: HSTS over plain HTTP", c.path)
		}
	}
}

// A shop may let its intranet frame the boards, and only the boards.
func TestBoardsFramedOnlyFromTheOriginsSet(t *testing.T) {
	ts := newTestShopOptions(t, Options{FrameBoardsFrom: []string{"https://intranet.example.com", "http://10.0.0.5:8000"}})
	for _, path := range []string{"/board", "/board/workshop"} {
		r := ts.call(t, nil, "GET", path, "", nil)
		wantHardened(t, path, r.header, "https://intranet.example.com http://10.0.0.5:8000")
		if r.header.Get("X-Frame-Options") != "" {
			t.Errorf("%s: X-Frame-Options %q with framing allowed", path, r.header.Get("X-Frame-Options"))
		}
	}
	for _, path := range []string{"/desk", "/signin", "/k/parts", "/boardx"} {
		wantHardened(t, path, ts.call(t, nil, "GET", path, "", nil).header, "'none'")
	}
	for _, bad := range []string{"*", "https://*.example.com", "intranet.example.com", "https://x.example.com/path", "javascript:alert(1)",
		"https://x.example.com; script-src *", "https://user@x.example.com", "ftp://x.example.com", "'self'"} {
		if err := CheckFrameOrigins([]string{bad}); err == nil {
			t.Errorf("origin %q accepted", bad)
		}
		if _, err := New(Deps{Engine: ts.eng, Hub: nil}, Options{FrameBoardsFrom: []string{bad}}); err == nil {
			t.Errorf("a server framing from %q was made", bad)
		}
	}
}

// JSON bodies must say they are JSON, exactly: a prefix or another charset
// is 415, and nothing changes.
func TestJSONContentTypeIsExact(t *testing.T) {
	ts := newTestShop(t)
	adv := ts.tokens[shop.RoleAdvisor]
	cmd := `{"type":"put_customer","customer":{"name":"刘女士","phone":"13912345678"}}`
	for _, ct := range []string{"application/jsonp", "application/json-seq", "text/plain", "application/x-www-form-urlencoded",
		"application/json; charset=latin1", "application/json; boundary=x", "application/json-patch+json", ""} {
		r := ts.call(t, nil, "POST", "/api/v1/commands", adv, cmd, "Content-Type", ct)
		if r.status != 415 {
			t.Errorf("Content-Type %q: %d %s", ct, r.status, r.body)
		}
		r = ts.call(t, nil, "POST", "/api/v1/session", "", `{"login":"advisor","password":"`+testPassword+`"}`, "Content-Type", ct)
		if r.status != 415 {
			t.Errorf("sign-in with Content-Type %q: %d", ct, r.status)
		}
	}
	if n := len(ts.eng.State().Customers); n != 1 {
		t.Fatalf("%d customers after refused bodies, want the seed's 1", n)
	}
	for _, ct := range []string{"application/json", "application/json; charset=utf-8", "Application/JSON; charset=UTF-8"} {
		if r := ts.call(t, nil, "POST", "/api/v1/commands", adv, cmd, "Content-Type", ct); r.status != 200 {
			t.Errorf("Content-Type %q: %d %s", ct, r.status, r.body)
		}
	}
	// Duplicate keys and another case are refused through the API too.
	for body, field := range map[string]string{
		`{"type":"put_customer","customer":{"name":"a","name":"b","phone":"13912345678"}}`: "customer.name",
		`{"type":"put_customer","Customer":{"name":"a","phone":"13912345678"}}`:            "Customer",
	} {
		r := ts.call(t, nil, "POST", "/api/v1/commands", adv, body)
		if r.status != 400 || len(r.problem(t).Errors) == 0 || r.problem(t).Errors[0].Field != field {
			t.Errorf("%s: %d %s", body, r.status, r.body)
		}
	}
}

// Cookies are Secure when the browser reaches the shop over TLS: served by
// this process with a certificate, or behind a proxy said to terminate it.
func TestCookiesAreSecureOverTLS(t *testing.T) {
	signIn := func(ts *testShop, client *http.Client) *http.Cookie {
		t.Helper()
		r := ts.call(t, client, "POST", "/api/v1/session", "", `{"login":"advisor","password":"`+testPassword+`"}`)
		if r.status != 200 {
			t.Fatalf("sign-in: %d %s", r.status, r.body)
		}
		for _, c := range (&http.Response{Header: r.header}).Cookies() {
			if c.Name == cookieSession {
				return c
			}
		}
		t.Fatal("no session cookie")
		return nil
	}
	if c := signIn(newTestShop(t), nil); c.Secure {
		t.Error("plain HTTP: the session cookie is Secure, a browser would not send it back")
	}
	if c := signIn(newTestShopOptions(t, Options{BehindTLSProxy: true}), nil); !c.Secure || !c.HttpOnly {
		t.Errorf("behind a TLS proxy: cookie %+v, want Secure and HttpOnly", c)
	}
	cert := selfSigned(t)
	ts := newTestShopServing(t, Options{}, testSeed, func(ln net.Listener) (net.Listener, string) {
		return tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{cert}}), "https"
	})
	pool := x509.NewCertPool()
	pool.AddCert(cert.Leaf)
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	if c := signIn(ts, client); !c.Secure {
		t.Errorf("over TLS: cookie %+v, want Secure", c)
	}
	r := ts.call(t, client, "GET", "/desk", "", nil)
	wantHardened(t, "/desk over TLS", r.header, "'none'")
	if !strings.HasPrefix(r.header.Get("Strict-Transport-Security"), "max-age=") {
		t.Errorf("over TLS: no Strict-Transport-Security")
	}
}

// selfSigned makes a certificate for 127.0.0.1, for a test's TLS server.
func selfSigned(t *testing.T) tls.Certificate {
	t.Helper()
	return testcert.New(t, "bayboard test").TLS
}
