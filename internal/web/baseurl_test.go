package web

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"bayboard/assets"
	"bayboard/internal/shop"
)

// requireTool returns the path of a program a test needs: skipped when it
// is missing, a failure under CI=true.
func requireTool(tb testing.TB, name string) string {
	tb.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("%s is required when CI=true: %v", name, err)
		}
		tb.Skipf("skipping: %s not installed", name)
	}
	return path
}

// decodeQRImage returns what zbarimg reads from an image file.
func decodeQRImage(tb testing.TB, image string) []string {
	tb.Helper()
	var out bytes.Buffer
	cmd := exec.Command(requireTool(tb, "zbarimg"), "--raw", "-q", image)
	cmd.Stdout = &out
	if err := cmd.Run(); err != nil {
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 4 { // 4: no symbol found
			tb.Fatalf("zbarimg: %v", err)
		}
	}
	return strings.Fields(out.String())
}

// decodePDFQR renders a PDF's first page at 150 dpi, as a phone sees a
// print, in grey (zbarimg reads grey; an uncompressed grey page costs
// a fifth less CPU than a colour PNG), and returns the QR codes zbarimg
// reads from it.
func decodePDFQR(tb testing.TB, pdf []byte) []string {
	tb.Helper()
	dir := tb.TempDir()
	in := filepath.Join(dir, "doc.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		tb.Fatal(err)
	}
	cmd := exec.Command(requireTool(tb, "pdftoppm"), "-r", "150", "-gray", "-f", "1", "-l", "1", "-singlefile", in, filepath.Join(dir, "page"))
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("pdftoppm: %v %s", err, out)
	}
	return decodeQRImage(tb, filepath.Join(dir, "page.pgm"))
}

// getAs sends a GET with the Host header a browser would send had it
// reached the server at host, written on the wire as it is given (Go's
// client would blank a Host that is not one). An empty host sends an
// HTTP/1.0 request with no Host header, as an old client may.
func (ts *testShop) getAs(t *testing.T, host, path, token string) response {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(ts.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	head := "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n"
	if host == "" {
		head = "GET " + path + " HTTP/1.0\r\n"
	}
	if _, err := io.WriteString(conn, head+"Authorization: Bearer "+token+"\r\nConnection: close\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return response{resp.StatusCode, resp.Header, body}
}

func setBaseURL(t *testing.T, ts *testShop, base string) {
	t.Helper()
	set := ts.eng.State().Settings
	set.BaseURL = base
	if _, err := ts.eng.Do(context.Background(), shop.Actor{System: true}, &shop.SetSettings{Settings: set}); err != nil {
		t.Fatal(err)
	}
}

// With no base URL set, a document's QR codes carry the address the
// browser reached the server at, read back from the printed page; a set
// base URL wins over it. Its twelve pages, drawn and read by pdftoppm
// and zbarimg, are about five seconds: it runs beside the browser tests
// (its shop is its own).
func TestQRCodesCarryTheAddressTheBrowserUsed(t *testing.T) {
	t.Parallel()
	ts := newTestShop(t)
	mgr, adv := ts.tokens[shop.RoleManager], ts.tokens[shop.RoleAdvisor]
	cases := []struct {
		name, base, host, want string
	}{
		{"derived from the Host header", "", "192.168.1.20:8080", "http://192.168.1.20:8080/"},
		{"a Host that names no host falls back to the address the server answered on", "", ":8080", ts.url + "/"},
		{"a request without a Host (HTTP/1.0) falls back to the address the server answered on", "", "", ts.url + "/"},
		{"the shop's base URL wins", "http://werkstatt.lan:9000/", "192.168.1.20:8080", "http://werkstatt.lan:9000/"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			setBaseURL(t, ts, c.base)
			for _, doc := range []struct{ path, token, kind string }{
				{"/api/v1/documents/bay-sheet.pdf", mgr, "k/bay/"},
				{"/api/v1/documents/badges.pdf", mgr, "k/badge/"},
				{"/api/v1/jobs/20261123-0001/documents/job-card.pdf", adv, ""},
			} {
				r := ts.getAs(t, c.host, doc.path, doc.token)
				if r.status != 200 {
					t.Fatalf("%s: %d %s", doc.path, r.status, r.body)
				}
				codes := decodePDFQR(t, r.body)
				if len(codes) == 0 {
					t.Fatalf("%s: no QR code read from the page", doc.path)
				}
				for _, code := range codes {
					if !strings.HasPrefix(code, c.want+doc.kind) {
						t.Errorf("%s: QR code %q, want it to start with %q", doc.path, code, c.want+doc.kind)
					}
				}
			}
		})
	}
	// An HTTP/1.1 request whose Host is not a host, or is empty, is refused
	// with 400 before any handler runs (RFC 9112, section 3.2), so no
	// document is printed for it.
	for _, host := range []string{"evil.example/x?y", " "} {
		r := ts.getAs(t, host, "/api/v1/documents/bay-sheet.pdf", mgr)
		if r.status != 400 {
			t.Errorf("Host %q: %d, want 400", host, r.status)
		}
		// The refusal does not echo the request: its token stays unsaid.
		if strings.Contains(string(r.body), mgr) {
			t.Errorf("Host %q: the refusal repeats the caller's token: %s", host, r.body)
		}
	}
}

// The staff pages learn from /me which address the codes carry and
// whether a phone can open it; the settings' test code holds the page a
// phone opens on that address.
func TestMeSaysWhetherPhonesCanOpenTheCodes(t *testing.T) {
	ts := newTestShop(t)
	mgr := ts.tokens[shop.RoleManager]
	type view struct {
		BaseURL baseURLView `json:"base_url"`
	}
	for _, c := range []struct {
		base, host string
		want       baseURLView
	}{
		{"", "localhost:8080", baseURLView{Effective: "http://localhost:8080", Loopback: true, PhoneCheck: "http://localhost:8080/signin"}},
		{"", "127.0.0.1:8080", baseURLView{Effective: "http://127.0.0.1:8080", Loopback: true, PhoneCheck: "http://127.0.0.1:8080/signin"}},
		{"", "[::1]:8080", baseURLView{Effective: "http://[::1]:8080", Loopback: true, PhoneCheck: "http://[::1]:8080/signin"}},
		{"", "192.168.1.20:8080", baseURLView{Effective: "http://192.168.1.20:8080", PhoneCheck: "http://192.168.1.20:8080/signin"}},
		{"http://localhost:8080", "192.168.1.20:8080", baseURLView{Effective: "http://localhost:8080", Configured: true, Loopback: true, PhoneCheck: "http://localhost:8080/signin"}},
	} {
		setBaseURL(t, ts, c.base)
		var v view
		ts.getAs(t, c.host, "/api/v1/me", mgr).json(t, &v)
		if v.BaseURL != c.want {
			t.Errorf("base %q, host %q: %+v, want %+v", c.base, c.host, v.BaseURL, c.want)
		}
	}

	setBaseURL(t, ts, "")
	r := ts.getAs(t, "192.168.1.20:8080", "/api/v1/settings/phone-check.png", mgr)
	if r.status != 200 || r.header.Get("Content-Type") != "image/png" {
		t.Fatalf("phone check: %d %s", r.status, r.header.Get("Content-Type"))
	}
	png := filepath.Join(t.TempDir(), "code.png")
	if err := os.WriteFile(png, r.body, 0o600); err != nil {
		t.Fatal(err)
	}
	if got := decodeQRImage(t, png); len(got) != 1 || got[0] != "http://192.168.1.20:8080/signin" {
		t.Errorf("phone check code reads %q", got)
	}
	if r := ts.getAs(t, "192.168.1.20:8080", "/api/v1/settings/phone-check.png", ts.tokens[shop.RoleAdvisor]); r.status != 403 {
		t.Errorf("an advisor fetched the phone check: %d", r.status)
	}
}

// Each badge card prints its technician's badge code under the QR, for
// typing in when a camera cannot read the code.
func TestBadgeCardsPrintTheBadgeCode(t *testing.T) {
	ts := newTestShop(t)
	r := ts.call(t, nil, "GET", "/api/v1/documents/badges.pdf", ts.tokens[shop.RoleManager], nil)
	if r.status != 200 {
		t.Fatalf("badges: %d %s", r.status, r.body)
	}
	in := filepath.Join(t.TempDir(), "badges.pdf")
	if err := os.WriteFile(in, r.body, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(requireTool(t, "pdftotext"), "-enc", "UTF-8", in, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	if text := string(out); !strings.Contains(text, "B42") || !strings.Contains(text, "李师傅") {
		t.Errorf("the badge card lacks the badge code B42:\n%s", text)
	}
}

// Every problem code the server sends is said by the staff pages in both
// languages from the catalogs, so that no English detail reaches a page
// for want of a message.
func TestEveryProblemCodeHasItsMessage(t *testing.T) {
	for _, lang := range []string{"zh-CN", "en"} {
		raw, err := fs.ReadFile(assets.Pages(), "i18n/staff/"+lang+".json")
		if err != nil {
			t.Fatal(err)
		}
		var catalog map[string]string
		if err := json.Unmarshal(raw, &catalog); err != nil {
			t.Fatal(err)
		}
		for _, pt := range problemTypes {
			if code := pt.Name; catalog["staff.problem."+code] == "" {
				t.Errorf("%s: no message staff.problem.%s", lang, code)
			}
		}
	}
}
