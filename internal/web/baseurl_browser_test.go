package web_test

import (
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
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
	ls := startShop(t, livetest.Options{Demo: true})
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

// englishSentence is two English words in a row: what a server detail
// looks like, and what a Chinese page must not show.
var englishSentence = regexp.MustCompile(`[A-Za-z]{2,}[ ,;:]+[A-Za-z]{2,}`)

// On a Chinese page, refusals (forbidden, an invalid field, a wrong
// stage, not found, a conflict, no printer) and a printer that cannot be
// reached are said in Chinese, not in the server's English.
func TestRefusalsAreSaidInThePagesLanguage(t *testing.T) {
	ls := startShop(t, livetest.Options{Demo: true})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := ln.Addr().String() // nothing listens here once closed
	ln.Close()
	var set map[string]any
	ls.Get("/api/v1/settings", &set)
	set["printers"] = []map[string]any{{"name": "前台", "uri": "http://" + dead + "/printers/a4", "use": "a4"}}
	ls.Command(map[string]any{"type": "set_settings", "settings": set})

	var jobs []struct {
		Job struct {
			ID    string `json:"id"`
			Stage string `json:"stage"`
		} `json:"job"`
	}
	ls.Get("/api/v1/jobs?stage=in_progress", &jobs)
	if len(jobs) == 0 {
		t.Fatal("the demo has no job in progress")
	}
	working := jobs[0].Job

	ctx := livetest.Browser(t, 1366, 768)
	signIn(t, ctx, ls, "advisor1", "/desk/jobs")
	livetest.WaitFor(t, ctx, "the job's row", `!!document.querySelector("tr[data-job='`+working.ID+`']")`, 10*time.Second)
	livetest.Eval[bool](t, ctx, `(document.querySelector("tr[data-job='`+working.ID+`']").click(), true)`)
	livetest.WaitFor(t, ctx, "the job's print buttons", `!!document.querySelector("[data-print=job-card]")`, 10*time.Second)
	livetest.Eval[bool](t, ctx, `(document.querySelector("[data-print=job-card]").click(), true)`)
	livetest.WaitFor(t, ctx, "the printer's failure", `!!document.querySelector(".print-status.bad[data-kind=job-card]")`, 15*time.Second)
	livetest.Screenshot(t, ctx, "desk-print-unreachable")

	said := map[string]string{
		"printer unreachable": livetest.Eval[string](t, ctx, `document.querySelector(".print-status.bad[data-kind=job-card]").textContent`),
	}
	// The refusals, each as the page's shell says it.
	refusals := livetest.Await[map[string]string](t, ctx, `(async () => {
		const { api, command, problemText, showErrors } = await import("/assets/staff/app.js");
		const job = `+quote(working.ID)+`;
		const say = async (call) => {
			try { await call(); return "accepted"; } catch (e) {
				const f = document.createElement("form");
				showErrors(f, e);
				return e.code + " | " + problemText(e) + " | " + f.textContent;
			}
		};
		return {
			forbidden: await say(() => api("GET", "/api/v1/users")),
			invalid: await say(() => command({ type: "put_customer", customer: { name: "", phone: "12" } })),
			wrong_stage: await say(() => command({ type: "deliver", job_id: job, work_shown: true, old_parts_shown: true, car_clean: true, seat_restored: true })),
			not_found: await say(() => api("GET", "/api/v1/jobs/20990101-0001")),
			conflict: await say(() => api("GET", "/api/v1/jobs/" + job + "/documents/settlement.pdf")),
			no_printer: await say(() => api("POST", "/api/v1/jobs/" + job + "/print", { kind: "seat-label" })),
		};
	})()`)
	for k, v := range refusals {
		said[k] = v
	}
	wantCodes := map[string]string{"forbidden": "forbidden", "invalid": "invalid", "wrong_stage": "illegal_move", "not_found": "not_found", "conflict": "conflict", "no_printer": "no_printer"}
	for what, text := range said {
		if code, ok := wantCodes[what]; ok && !strings.HasPrefix(text, code+" | ") {
			t.Errorf("%s: the server answered %q", what, text)
			continue
		}
		shown := text
		if i := strings.Index(text, " | "); i >= 0 {
			shown = text[i+3:]
		}
		if !strings.ContainsFunc(shown, func(r rune) bool { return r >= 0x4e00 && r <= 0x9fff }) || englishSentence.MatchString(shown) {
			t.Errorf("%s is said as %q: want Chinese and no English sentence", what, shown)
		}
	}
	t.Logf("said: %q", said)
}
