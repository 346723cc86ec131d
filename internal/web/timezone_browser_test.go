package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"bayboard/internal/demo"
	"bayboard/internal/livetest"
)

// A desk PC set to another time zone still shows the shop's times: a
// job's promised time in the list reads as the shop's clock reads it, and
// a time typed into a form is the shop's wall time.
func TestTheDeskShowsTheShopsTimeWhateverTheBrowsersZone(t *testing.T) {
	ls := startShop(t, livetest.Options{Demo: true})
	var settings struct {
		TimeZone string `json:"time_zone"`
	}
	ls.Get("/api/v1/settings", &settings)
	shopZone, err := time.LoadLocation(settings.TimeZone)
	if err != nil {
		t.Fatalf("the demo shop's zone %q: %v", settings.TimeZone, err)
	}
	const browserZone = "America/New_York" // 12 or 13 hours from Beijing
	elsewhere, err := time.LoadLocation(browserZone)
	if err != nil {
		t.Fatal(err)
	}
	ctx := livetest.Browser(t, 1366, 768)
	override := chromedp.Func(func(ctx context.Context, target *chromedp.Target) error {
		_, err := cdp.Call(ctx, target, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: browserZone})
		return err
	})
	if err := chromedp.Do(ctx, override); err != nil {
		t.Fatal(err)
	}
	if got := livetest.Eval[string](t, ctx, `Intl.DateTimeFormat().resolvedOptions().timeZone`); got != browserZone {
		t.Fatalf("the browser is in %q, want %q", got, browserZone)
	}

	livetest.Open(t, ctx, ls.URL("/signin?next=/desk/jobs"))
	livetest.WaitFor(t, ctx, "the form", `!!document.querySelector("form.signin input[name=password]")`, 10*time.Second)
	livetest.Eval[bool](t, ctx, `(() => { const f = document.querySelector("form.signin"); f.login.value = "advisor1"; f.password.value = `+quote(demo.Password)+`; f.requestSubmit(); return true })()`)
	livetest.WaitFor(t, ctx, "a job with a promised time", `location.pathname === "/desk/jobs" && [...document.querySelectorAll("#jobs tr[data-job]")].some((tr) => tr.cells[4].textContent.trim() !== "")`, 15*time.Second)
	row := livetest.Eval[[]string](t, ctx, `(() => {
		const tr = [...document.querySelectorAll("#jobs tr[data-job]")].find((tr) => tr.cells[4].textContent.trim() !== "");
		return [tr.dataset.job, tr.cells[4].textContent];
	})()`)
	id, shown := row[0], row[1]
	var job struct {
		Job struct {
			PromisedAt time.Time `json:"promised_at"`
		} `json:"job"`
	}
	ls.Get("/api/v1/jobs/"+id, &job)
	want, wrong := job.Job.PromisedAt.In(shopZone).Format("15:04"), job.Job.PromisedAt.In(elsewhere).Format("15:04")
	if !strings.Contains(shown, want) || strings.Contains(shown, wrong) {
		t.Errorf("job %s promised at %s shows %q, want the shop's %s (not the browser's %s)", id, job.Job.PromisedAt.Format(time.RFC3339), shown, want, wrong)
	}

	// A form's datetime-local field holds the shop's wall time, both ways.
	moment := time.Date(2026, 12, 5, 17, 0, 0, 0, shopZone)
	wall := livetest.Await[string](t, ctx, `import("/assets/kit/format.js").then((f) => f.wallTime(`+quote(moment.UTC().Format(time.RFC3339))+`))`)
	if wall != "2026-12-05T17:00" {
		t.Errorf("%s is written into a form as %q, want 2026-12-05T17:00", moment, wall)
	}
	back := livetest.Await[string](t, ctx, `import("/assets/kit/format.js").then((f) => f.fromWallTime("2026-12-05T17:00"))`)
	if at, err := time.Parse(time.RFC3339, back); err != nil || !at.Equal(moment) {
		t.Errorf("2026-12-05T17:00 typed into a form is read as %q, want %s", back, moment.UTC().Format(time.RFC3339))
	}
}
