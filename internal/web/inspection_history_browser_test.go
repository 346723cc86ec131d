package web_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"bayboard/internal/livetest"
	"bayboard/internal/shop"
)

// The job's history at the desk says what each inspection found: the
// final inspection failed, why, by whom and when; the rework; then the
// inspection passed — in both languages.
func TestTheJobHistorySaysWhatEachInspectionFound(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test")
	}
	ls := startShop(t, livetest.Options{Demo: true})
	var job *shop.Job
	for _, j := range ls.Engine.State().OpenJobs() {
		if j.Stage == shop.StageQualityCheck && len(j.TechIDs) > 0 && (job == nil || j.ID < job.ID) {
			job = j
		}
	}
	if job == nil {
		t.Fatal("the demo shop has no car in quality check")
	}
	const reason = "左前轮螺栓扭矩不足 Front-left wheel bolts under torque"
	qc := signInAs(t, ls, "qc")
	ls.Command(map[string]any{"type": "qc", "job_id": job.ID, "step": "team", "pass": true})
	qc.command(map[string]any{"type": "qc", "job_id": job.ID, "step": "final", "pass": false, "reason": reason})

	// Sent back: the job's view says it is a rework, and why.
	ctx := livetest.Browser(t, 1280, 900)
	signIn(t, ctx, ls, "manager", "/desk/jobs")
	livetest.Open(t, ctx, ls.URL("/desk/jobs?lang=zh-CN&job="+job.ID))
	livetest.WaitFor(t, ctx, "the rework banner", `!!document.getElementById("rework")`, 15*time.Second)
	if said := livetest.Eval[string](t, ctx, `document.getElementById("rework").textContent`); !strings.HasPrefix(said, "返修 终检 不合格 · 马超") || !strings.Contains(said, reason) {
		t.Errorf("the rework banner reads %q", said)
	}
	livetest.Screenshot(t, ctx, "desk-rework")
	// The rework: dispatched again (or back on its bay), done, checked.
	tech := job.TechIDs[0]
	if st := ls.Engine.State().Jobs[job.ID]; st.Stage == shop.StageWaitingDispatch {
		bay := ""
		busy := map[string]bool{}
		for _, j := range ls.Engine.State().OpenJobs() {
			if shop.OnBay(j.Stage) {
				busy[j.BayID] = true
			}
		}
		for _, b := range ls.Engine.State().Bays {
			if b.Active && b.Kind != shop.BayWash && !busy[b.ID] && (bay == "" || b.ID < bay) {
				bay = b.ID
			}
		}
		ls.Command(map[string]any{"type": "dispatch", "job_id": job.ID, "team_id": job.TeamID, "tech_ids": []string{tech}, "bay_id": bay})
	}
	ls.Command(map[string]any{"type": "clock_on", "job_id": job.ID, "tech_id": tech})
	ls.Command(map[string]any{"type": "finish", "job_id": job.ID, "tech_id": tech, "self_check": []string{"扭矩复查"}})
	ls.Command(map[string]any{"type": "qc", "job_id": job.ID, "step": "team", "pass": true})
	qc.command(map[string]any{"type": "qc", "job_id": job.ID, "step": "final", "pass": true})

	for _, lang := range []string{"zh-CN", "en"} {
		livetest.Open(t, ctx, ls.URL("/desk/jobs?lang="+lang+"&job="+job.ID))
		livetest.WaitFor(t, ctx, "the job's four checks", `document.querySelectorAll(".history li.qc-event").length === 4`, 15*time.Second)
		if livetest.Eval[bool](t, ctx, `!!document.getElementById("rework")`) {
			t.Errorf("(%s) the job passed its checks again and still says it is a rework", lang)
		}
		// Newest first: final pass, team pass, final fail, team pass.
		lines := livetest.Eval[[]string](t, ctx, `[...document.querySelectorAll(".history li.qc-event")].map((li) => li.dataset.qc + " " + li.textContent)`)
		final, failed, passed := "终检", "不合格", "合格"
		if lang == "en" {
			final, failed, passed = "Final inspection", "failed", "passed"
		}
		fail, pass := lines[2], lines[0]
		for _, want := range []string{"fail ", final, failed, reason, "马超"} {
			if !strings.Contains(fail, want) {
				t.Errorf("(%s) the failed inspection reads %q, want %q in it", lang, fail, want)
			}
		}
		for _, want := range []string{"pass ", final, passed, "马超"} {
			if !strings.Contains(pass, want) {
				t.Errorf("(%s) the passed inspection reads %q, want %q in it", lang, pass, want)
			}
		}
		if strings.Contains(pass, reason) || strings.Contains(pass, failed) {
			t.Errorf("(%s) the pass reads %q", lang, pass)
		}
		if !strings.HasPrefix(lines[1], "pass ") || !strings.HasPrefix(lines[3], "pass ") {
			t.Errorf("(%s) the team checks read %q and %q, want both passed", lang, lines[1], lines[3])
		}
		livetest.Eval[bool](t, ctx, `(document.querySelector(".history li.qc-fail").scrollIntoView({ block: "center" }), true)`)
		livetest.Screenshot(t, ctx, fmt.Sprintf("desk-inspection-history-%s", lang))
	}
}
