package web_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"bayboard/internal/livetest"
	"bayboard/internal/shop"
)

// A car of the advisor's fails its quality check: the notice comes into
// the list under the header with the count, is still there well past the
// six seconds a passing notice once had, and after a reload (as at
// another PC); acknowledging it takes it off the advisor's list, for good,
// and leaves the manager's.
func TestANoticeStaysUntilAcknowledged(t *testing.T) {
	ls := startShop(t, livetest.Options{Demo: true})
	st := ls.Engine.State()
	var advisorID string
	for _, u := range st.Users {
		if u.Login == "advisor1" {
			advisorID = u.ID
		}
	}
	var job *shop.Job
	for _, j := range st.Jobs {
		if j.Stage == shop.StageQualityCheck && j.AdvisorID == advisorID && (job == nil || j.ID < job.ID) {
			job = j
		}
	}
	if job == nil {
		t.Fatal("the demo shop has no car of advisor1's at the quality check")
	}
	ctx := livetest.Browser(t, 1366, 768)
	livetest.WatchTimers(t, ctx)
	signIn(t, ctx, ls, "advisor1", "/desk/appointments")
	livetest.WaitFor(t, ctx, "the page and its notices", `document.body.dataset.drawn === "ok" && document.body.dataset.notices !== undefined`, 10*time.Second)
	before := livetest.Eval[int](t, ctx, `Number(document.body.dataset.notices)`)

	// The check fails: the team's check if it is the one due, else the final.
	failed := false
	for _, step := range []string{"team", "final"} {
		res := ls.Post("/api/v1/commands", map[string]any{"type": "qc", "job_id": job.ID, "step": step, "pass": false, "reason": "螺栓未紧固"})
		res.Body.Close()
		if res.StatusCode == http.StatusOK {
			failed = true
			break
		}
	}
	if !failed {
		t.Fatalf("the check of %s could not fail", job.ID)
	}
	row := `document.querySelector('#notices [data-kind=qc_failed][data-notice^="` + job.ID + ` "]')`
	livetest.WaitFor(t, ctx, "the failed check in the list", row+` !== null`, 10*time.Second)
	if got := livetest.Eval[string](t, ctx, row+`.textContent`); !strings.Contains(got, "质检未通过") || !strings.Contains(got, "螺栓未紧固") {
		t.Errorf("the notice says %q", got)
	}
	if got := livetest.Eval[string](t, ctx, `document.getElementById("notice-count").textContent`); got != strconv.Itoa(before+1) {
		t.Errorf("the count says %s, want %d", got, before+1)
	}
	livetest.Screenshot(t, ctx, "desk-notices")

	// Past the six seconds the old notices lasted (every timer of the
	// page's that would fire within seven run now), it is still there.
	livetest.Eval[int](t, ctx, `runTimersWithin(7000)`)
	if !livetest.Eval[bool](t, ctx, row+` !== null`) {
		t.Fatal("the notice went by itself")
	}
	// And on a fresh load, as at another PC.
	livetest.Open(t, ctx, ls.URL("/desk/reception"))
	livetest.WaitFor(t, ctx, "the page and its notices again", `document.body.dataset.drawn === "ok" && document.body.dataset.notices !== undefined`, 10*time.Second)
	if !livetest.Eval[bool](t, ctx, row+` !== null`) {
		t.Fatal("the notice is gone after a reload")
	}

	livetest.Eval[bool](t, ctx, `(`+row+`.querySelector("[data-ack]").click(), true)`)
	livetest.WaitFor(t, ctx, "the notice acknowledged", row+` === null && Number(document.body.dataset.notices) === `+strconv.Itoa(before), 10*time.Second)
	livetest.Open(t, ctx, ls.URL("/desk/appointments"))
	livetest.WaitFor(t, ctx, "the page and its notices once more", `document.body.dataset.drawn === "ok" && document.body.dataset.notices !== undefined`, 10*time.Second)
	if livetest.Eval[bool](t, ctx, row+` !== null`) {
		t.Error("the acknowledged notice came back on a reload")
	}
	var mgr struct {
		Notices []shop.Notice `json:"notices"`
	}
	ls.Get("/api/v1/notices", &mgr)
	kept := false
	for _, n := range mgr.Notices {
		kept = kept || (n.JobID == job.ID && n.Kind == shop.NoticeQCFailed)
	}
	if !kept {
		t.Error("the advisor's acknowledgement took the manager's notice")
	}
}
