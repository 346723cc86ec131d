package web_test

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"bayboard/internal/livetest"
)

// Opened at 127.0.0.1, the desk and the admin warn that no phone can open
// the QR codes; the settings page shows the code a phone would scan,
// refuses a base URL with a second address pasted on, and once a LAN
// address is saved the warning goes and the code follows it.
func TestThePagesWarnOfCodesNoPhoneCanOpen(t *testing.T) {
	ls := livetest.Start(t, livetest.Options{Demo: true})
	ctx := livetest.Browser(t, 1366, 900)
	signIn(t, ctx, ls, "manager", "/desk/reception")
	livetest.WaitFor(t, ctx, "the desk's loopback warning", `!!document.querySelector("#loopback-warning")`, 10*time.Second)
	if got := livetest.Eval[string](t, ctx, `document.querySelector("#loopback-warning").textContent`); !strings.Contains(got, ls.URL("")) || !strings.Contains(got, "手机") {
		t.Errorf("the desk's warning says %q", got)
	}
	livetest.Screenshot(t, ctx, "desk-loopback-warning")

	livetest.Open(t, ctx, ls.URL("/admin/settings"))
	livetest.WaitFor(t, ctx, "the phone check's code", `(() => { const i = document.querySelector("#phone-check-code"); return !!i && i.complete && i.naturalWidth > 0 })()`, 10*time.Second)
	livetest.WaitFor(t, ctx, "the admin's loopback warning", `!!document.querySelector("#loopback-warning")`, 5*time.Second)
	if got := livetest.Eval[string](t, ctx, `document.querySelector("#phone-check-url").textContent`); got != ls.URL("/signin") {
		t.Errorf("the phone check opens %q, want %q", got, ls.URL("/signin"))
	}

	fill(t, ctx, "#settings", map[string]any{"base_url": "http://localhost:8080http://192.168.1.20:8080"}, true)
	livetest.WaitFor(t, ctx, "the base URL's error", `document.querySelector("#settings input[name=base_url]").closest("label").nextElementSibling?.classList.contains("field-error")`, 10*time.Second)
	if msg := livetest.Eval[string](t, ctx, `document.querySelector("#settings input[name=base_url]").closest("label").nextElementSibling.textContent`); msg != "包含了两个地址，只保留一个" {
		t.Errorf("the base URL's error says %q", msg)
	}
	var s struct {
		BaseURL string `json:"base_url"`
	}
	ls.Get("/api/v1/settings", &s)
	if s.BaseURL != "" {
		t.Errorf("a refused base URL was saved: %q", s.BaseURL)
	}

	fill(t, ctx, "#settings", map[string]any{"base_url": "http://192.168.1.20:8080/"}, true)
	livetest.WaitFor(t, ctx, "the warning gone and the code on the new address",
		`!document.querySelector("#loopback-warning") && document.querySelector("#phone-check-url")?.textContent === "http://192.168.1.20:8080/signin"`, 10*time.Second)
	if v := livetest.Eval[string](t, ctx, `document.querySelector("#settings input[name=base_url]").value`); v != "http://192.168.1.20:8080" {
		t.Errorf("the saved base URL shows as %q", v)
	}
	livetest.WaitFor(t, ctx, "the new code", `(() => { const i = document.querySelector("#phone-check-code"); return i.complete && i.naturalWidth > 0 })()`, 10*time.Second)
	livetest.Eval[bool](t, ctx, `(document.querySelector("#phone-check").scrollIntoView(), true)`)
	livetest.Screenshot(t, ctx, "admin-settings-phone-check")
}

// settlementText is the text pdftotext reads from a job's settlement.
func settlementText(t *testing.T, ls *livetest.Server, jobID string) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pdftotext is required when CI=true")
		}
		t.Skip("pdftotext is not installed")
	}
	res := ls.Do("GET", "/api/v1/jobs/"+jobID+"/documents/settlement.pdf", nil)
	defer res.Body.Close()
	pdf, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		t.Fatalf("settlement.pdf: %d %s", res.StatusCode, pdf)
	}
	in := filepath.Join(t.TempDir(), "settlement.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-enc", "UTF-8", in, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}
