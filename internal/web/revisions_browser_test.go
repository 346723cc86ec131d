package web_test

import (
	"testing"
	"time"

	"bayboard/internal/livetest"
	"bayboard/internal/shop"
)

// The advisor's side of revisions, in the desk's job page: a signed job
// shows its revisions; a new promised time is agreed by phone and the
// estimate corrected in person, each a new revision the page and the API
// show; a job is cancelled with its reason; a delivered car is reopened as
// a comeback, and the page opens the new job, linked to the first.
func TestTheDeskRevisesCancelsAndReopens(t *testing.T) {
	ls := startShop(t, livetest.Options{Demo: true})
	type listed struct {
		Job shop.Job `json:"job"`
	}
	var working, waiting, ready []listed
	ls.Get("/api/v1/jobs?stage=in_progress", &working)
	ls.Get("/api/v1/jobs?stage=waiting_dispatch", &waiting)
	ls.Get("/api/v1/jobs?stage=ready", &ready)
	if len(working) == 0 || len(waiting) == 0 || len(ready) == 0 {
		t.Fatalf("the demo has %d jobs in work, %d waiting, %d ready", len(working), len(waiting), len(ready))
	}
	job := working[0].Job
	if len(job.Revisions) != 1 {
		t.Fatalf("a signed demo job has revisions %+v", job.Revisions)
	}
	jobOf := func(id string) shop.Job {
		var d listed
		ls.Get("/api/v1/jobs/"+id, &d)
		return d.Job
	}
	ctx := livetest.Browser(t, 1366, 900)
	signIn(t, ctx, ls, "advisor1", "/desk/jobs")
	openJob := func(id string) {
		livetest.Open(t, ctx, ls.URL("/desk/jobs?job="+id))
		livetest.WaitFor(t, ctx, "the job "+id, `document.querySelector("#detail [data-job]")?.dataset.job === `+quote(id)+` && !!document.getElementById("job-actions")`, 10*time.Second)
	}
	rows := func() int {
		return livetest.Eval[int](t, ctx, `document.querySelectorAll("#revisions tbody tr").length`)
	}

	openJob(job.ID)
	if n := rows(); n != 1 {
		t.Fatalf("%d revisions shown, want the signed one", n)
	}
	// A new time, by phone.
	later := job.PromisedAt.Add(3 * time.Hour).In(time.FixedZone("CST", 8*3600)).Format("2006-01-02T15:04")
	livetest.Eval[bool](t, ctx, `(document.getElementById("agree-promise").click(), true)`)
	livetest.WaitFor(t, ctx, "the time form", `!!document.getElementById("promise-form")`, 5*time.Second)
	// Without a reason it is refused with the field named, and nothing changes.
	fill(t, ctx, "#promise-form", map[string]any{"promised_at": later, "via": "phone"}, true)
	livetest.WaitFor(t, ctx, "the reason refused", `!!document.querySelector("#promise-form [name=reason][aria-invalid]")`, 5*time.Second)
	if got := len(jobOf(job.ID).Revisions); got != 1 {
		t.Fatalf("a refused time made a revision: %d", got)
	}
	fill(t, ctx, "#promise-form", map[string]any{"reason": "等配件，客户同意改期"}, true)
	livetest.WaitFor(t, ctx, "the time's revision", `document.querySelectorAll("#revisions tbody tr").length === 2`, 10*time.Second)
	// A correction, in person, by someone for the customer.
	livetest.Eval[bool](t, ctx, `(document.getElementById("edit-estimate").click(), true)`)
	livetest.WaitFor(t, ctx, "the estimate form", `!!document.querySelector("#estimate-form .labour-line")`, 5*time.Second)
	livetest.Eval[bool](t, ctx, `(() => {
		const f = document.getElementById("estimate-form");
		f.querySelector(".labour-line [name=price]").value = "123.45";
		f.reason.value = "工时按会员价"; f.via.value = "in_person"; f.who.value = "张太太";
		f.requestSubmit(); return true })()`)
	livetest.WaitFor(t, ctx, "the correction's revision", `document.querySelectorAll("#revisions tbody tr").length === 3`, 10*time.Second)
	livetest.Screenshot(t, ctx, "desk-revisions")
	got := jobOf(job.ID)
	if r := got.Revisions; len(r) != 3 || r[1].Kind != shop.RevisionPromise || r[1].Consent.Via != shop.ConsentPhone ||
		r[2].Kind != shop.RevisionCorrection || r[2].Consent != (shop.Consent{Via: shop.ConsentInPerson, Who: "张太太"}) ||
		got.Labour[0].Price != 12345 || r[0].Totals != job.Revisions[0].Totals || r[2].Totals.Total != got.Total() {
		t.Errorf("the job's revisions after the desk's changes: %+v", r)
	}

	// Cancel a job waiting for dispatch, with its reason.
	cancelled := waiting[0].Job.ID
	openJob(cancelled)
	livetest.Eval[bool](t, ctx, `(document.getElementById("cancel-job").click(), true)`)
	livetest.WaitFor(t, ctx, "the cancel form", `!!document.getElementById("cancel-form")`, 5*time.Second)
	fill(t, ctx, "#cancel-form", map[string]any{"reason": "客户改约下周"}, true)
	livetest.WaitFor(t, ctx, "the job cancelled", `!document.getElementById("cancel-form") && !document.getElementById("cancel-job")`, 10*time.Second)
	if j := jobOf(cancelled); j.Stage != shop.StageCancelled || j.CancelReason != "客户改约下周" {
		t.Errorf("the cancelled job: %s %q", j.Stage, j.CancelReason)
	}

	// A delivered car comes back.
	first := ready[0].Job.ID
	ls.Command(map[string]any{"type": "deliver", "job_id": first, "work_shown": true, "old_parts_shown": true, "car_clean": true,
		"seat_restored": true, "explanation": "按估价结算", "paid": ls.Engine.State().Jobs[first].Settlement().CustomerDue, "payment_method": "cash"})
	openJob(first)
	livetest.Eval[bool](t, ctx, `(document.getElementById("reopen-comeback").click(), true)`)
	livetest.WaitFor(t, ctx, "the comeback form", `!!document.getElementById("comeback-form")`, 5*time.Second)
	fill(t, ctx, "#comeback-form", map[string]any{"requests": "刹车异响又出现了"}, true)
	livetest.WaitFor(t, ctx, "the comeback job", `!!document.getElementById("comeback-of") && new URLSearchParams(location.search).get("job") !== `+quote(first), 10*time.Second)
	back := livetest.Eval[string](t, ctx, `new URLSearchParams(location.search).get("job")`)
	if j := jobOf(back); j.ComebackOf != first || j.Stage != shop.StageReception || j.Requests != "刹车异响又出现了" {
		t.Errorf("the comeback job %s: comeback_of %q, stage %s, requests %q", back, j.ComebackOf, j.Stage, j.Requests)
	}
}
