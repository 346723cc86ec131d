package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"bayboard/internal/testcert"
)

// writeCert writes a self-signed certificate for 127.0.0.1 and its key as
// PEM files, as an operator would give them to serve.
func writeCert(t *testing.T, dir string) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	c := testcert.New(t, "bayboard")
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, c.CertPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, c.KeyPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile, c.Pool
}

// serve --tls-cert/--tls-key speaks HTTPS, names its https addresses, and
// its session cookie is Secure; a half-given pair, a bad key and a bad
// frame origin stop the start with a clear message.
func TestServeOverTLS(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile, pool := writeCert(t, dir)
	data := filepath.Join(dir, "shop.db")

	for _, c := range []struct {
		args []string
		says string
	}{
		{[]string{"--tls-cert", certFile}, "--tls-cert and --tls-key go together"},
		{[]string{"--tls-cert", certFile, "--tls-key", certFile}, "--tls-cert/--tls-key"},
		{[]string{"--frame-boards-from", "https://*.example.com"}, "is not an origin"},
	} {
		code, _, errs := runArgs(t, nil, append([]string{"serve", "--addr", "127.0.0.1:0", "--data", filepath.Join(dir, "refused.db")}, c.args...)...)
		if code == 0 || !strings.Contains(errs, c.says) {
			t.Errorf("serve %v: exit %d, %q; want a refusal saying %q", c.args, code, errs, c.says)
		}
	}

	var out, errb syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--data", data, "--tls-cert", certFile, "--tls-key", keyFile},
			func(string) string { return "" }, &out, &errb)
	}()
	defer func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("serve exited %d: %s", code, errb.String())
		}
	}()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(out.String(), "serving on") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	printed := out.String()
	_, after, ok := strings.Cut(printed, "serving on ")
	if !ok {
		t.Fatalf("serve did not start: %s %s", printed, errb.String())
	}
	url := strings.Fields(after)[0]
	if !strings.HasPrefix(url, "https://") {
		t.Fatalf("serving on %s, want an https address", url)
	}
	password := strings.TrimSpace(strings.SplitN(strings.SplitN(printed, "password: ", 2)[1], "\n", 2)[0])
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err := client.Post(url+"/api/v1/session", "application/json", strings.NewReader(`{"login":"admin","password":"`+password+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var session *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "bb_session" {
			session = c
		}
	}
	if resp.StatusCode != 200 || session == nil || !session.Secure || !session.HttpOnly {
		t.Fatalf("sign-in over TLS: %d, cookie %+v; want a Secure, HttpOnly session", resp.StatusCode, session)
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("Content-Security-Policy %q", csp)
	}
	// Plain HTTP to the TLS port is no way in.
	if resp, err := http.Get("http://" + strings.TrimPrefix(url, "https://") + "/healthz"); err == nil {
		resp.Body.Close()
		if resp.StatusCode == 200 {
			t.Error("plain HTTP answered 200 on the TLS port")
		}
	}
}
