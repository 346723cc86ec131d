package web_test

import (
	"fmt"
	"testing"
	"time"

	"bayboard/internal/demo"
	"bayboard/internal/livetest"
	"bayboard/internal/shop"
	"bayboard/kiosk"
)

// The parts counter's page, as the clerk uses it: the pick list shows a
// dispatched job's estimate parts still to draw; issuing more than is
// left is refused with the reason and changes nothing; issuing what is
// left puts the part on the job's bill; a return takes part of it off.
func TestThePartsCounterIssuesAndTakesReturns(t *testing.T) {
	ls := startShop(t, livetest.Options{Demo: true})
	// The demo's dispatched 40,000 km service: four spark plugs to draw.
	const plug = "18855-10060"
	var pick shop.PickList
	ls.Get("/api/v1/pick-list", &pick)
	jobID := ""
	for _, j := range pick.Jobs {
		for _, l := range j.Lines {
			if l.Number == plug && l.ToDraw == 4 && l.Issued == 0 {
				jobID = j.JobID
			}
		}
	}
	if jobID == "" {
		t.Fatalf("no job on the pick list draws 4 of %s: %+v", plug, pick.Jobs)
	}
	billed := func() []shop.PartLine {
		var job struct {
			Billed []shop.PartLine `json:"billed_parts"`
		}
		ls.Get("/api/v1/jobs/"+jobID, &job)
		return job.Billed
	}
	if b := billed(); len(b) != 0 {
		t.Fatalf("the dispatched job bills %+v before anything was issued", b)
	}

	phone := livetest.Browser(t, 480, 1000)
	livetest.Open(t, phone, ls.URL("/k/parts"))
	livetest.WaitFor(t, phone, "the password tab", `!!document.querySelector(".signin .tab:last-of-type")`, 10*time.Second)
	livetest.Eval[bool](t, phone, `(document.querySelector(".signin .tab:last-of-type").click(), true)`)
	livetest.WaitFor(t, phone, "the password form", `!!document.querySelector(".signin input[name=password]")`, 10*time.Second)
	livetest.Fill(t, phone, "form.signin", map[string]any{"login": "parts", "password": demo.Password}, true)

	line := fmt.Sprintf(`document.querySelector('[data-job=%q] li.pick-line[data-number=%q]')`, jobID, plug)
	livetest.WaitFor(t, phone, "the spark plugs on the pick list", line+`?.classList.contains("left")`, 10*time.Second)
	livetest.Screenshot(t, phone, "parts-counter")
	livetest.Eval[bool](t, phone, `(`+line+`.querySelector("button").click(), true)`)
	livetest.WaitFor(t, phone, "the issue form", line+`?.querySelector("form input[name=quantity]")?.value === "4"`, 10*time.Second)

	// Five when four are left: the counter says why and nothing changes.
	livetest.Fill(t, phone, `[data-job="`+jobID+`"] li.pick-line[data-number="`+plug+`"] form`, map[string]any{"quantity": "5"}, true)
	livetest.WaitFor(t, phone, "the refusal", `document.getElementById("notice")?.textContent.length > 0 && document.getElementById("notice").className.includes("error")`, 10*time.Second)
	if b := billed(); len(b) != 0 {
		t.Fatalf("a refused issue billed %+v", b)
	}
	livetest.Fill(t, phone, `[data-job="`+jobID+`"] li.pick-line[data-number="`+plug+`"] form`, map[string]any{"quantity": "4"}, true)
	livetest.WaitFor(t, phone, "the plugs issued", line+`?.classList.contains("done")`, 10*time.Second)
	if b := billed(); len(b) != 1 || b[0].Number != plug || b[0].Quantity != 4 || b[0].UnitPrice != 6500 {
		t.Fatalf("after the issue the job bills %+v, want 4 × %s at 65.00", b, plug)
	}

	// One plug comes back unused.
	held := fmt.Sprintf(`[...document.querySelectorAll('[data-job=%q] li.held-line')].find((li) => li.textContent.includes(%q))`, jobID, plug)
	livetest.WaitFor(t, phone, "the plugs held", `!!`+held, 10*time.Second)
	livetest.Eval[bool](t, phone, `(`+held+`.querySelector("button").click(), true)`)
	livetest.WaitFor(t, phone, "the return form", `!!`+held+`?.querySelector("form input[name=quantity]")`, 10*time.Second)
	issueID := livetest.Eval[string](t, phone, held+`.dataset.issue`)
	form := fmt.Sprintf(`li.held-line[data-issue=%q] form`, issueID)
	livetest.Fill(t, phone, form, map[string]any{"quantity": "1", "reason": "多领一个 one too many"}, true)
	livetest.WaitFor(t, phone, "the line drawable again", line+`?.classList.contains("left")`, 10*time.Second)
	if b := billed(); len(b) != 1 || b[0].Quantity != 3 {
		t.Fatalf("after the return the job bills %+v, want 3 plugs", b)
	}
	livetest.Screenshot(t, phone, "parts-counter-returned")
	// The job's pick list prints from its card.
	if got := livetest.Await[string](t, phone, `fetch(document.querySelector('[data-job="`+jobID+`"] a.print').href).then((r) => r.status + " " + r.headers.get("content-type"))`); got != "200 application/pdf" {
		t.Errorf("the card's pick list link answers %s", got)
	}

	// The job's kiosk page (what the technician scans) shows the plug and
	// the air filter still to draw, and the three plugs drawn.
	livetest.Open(t, phone, ls.URL("/k/job/"+ls.Tokens.Sign(kiosk.PurposeJob, jobID, time.Time{}, 0)))
	livetest.WaitFor(t, phone, "the parts still to draw", `document.querySelectorAll(".to-draw li.part-to-draw").length === 2`+
		` && document.querySelector(".to-draw li[data-number='`+plug+`']")?.textContent.includes("已领 3 · 待领 1")`, 10*time.Second)
	livetest.Screenshot(t, phone, "kiosk-job-to-draw")
}

// The advisor allows a part a technician asked for beyond the job's
// agreed work, with the reason; without one the allowance is refused and
// the form says so at the reason. The counter can then issue it.
func TestTheAdvisorAllowsAPartBeyondTheAgreedWork(t *testing.T) {
	ls := startShop(t, livetest.Options{Demo: true})
	ctx := livetest.Browser(t, 1366, 900)
	signIn(t, ctx, ls, "advisor1", "/desk/parts")
	// The demo's jobs waiting for rear brake pads, beyond their work.
	livetest.WaitFor(t, ctx, "a request beyond the agreed work", `!!document.querySelector("#beyond form[data-request]")`, 10*time.Second)
	requestID := livetest.Eval[string](t, ctx, `document.querySelector("#beyond form[data-request]").dataset.request`)
	sel := fmt.Sprintf(`#beyond form[data-request=%q]`, requestID)
	livetest.Screenshot(t, ctx, "desk-parts-allowance")
	fill(t, ctx, sel, map[string]any{"reason": ""}, true)
	livetest.WaitFor(t, ctx, "the reason asked for", `document.querySelector('`+sel+` [name=reason]')?.getAttribute("aria-invalid") === "true"`, 10*time.Second)
	fill(t, ctx, sel, map[string]any{"reason": "客户 10:20 电话同意 agreed by phone", "who": "张太太"}, true)
	livetest.WaitFor(t, ctx, "the request allowed", `!document.querySelector('`+sel+`')`, 10*time.Second)

	var pick shop.PickList
	ls.Get("/api/v1/pick-list", &pick)
	found := false
	for _, j := range pick.Jobs {
		for _, l := range j.Lines {
			if l.RequestID == requestID && l.AllowanceID != "" && l.ToDraw > 0 && !l.BeyondScope {
				found = true
			}
		}
	}
	if !found {
		t.Errorf("the counter's pick list has no allowance for %s: %+v", requestID, pick.Jobs)
	}
	// The customer pays for it: their consent by phone is a revision of
	// what they signed, holding the part.
	st := ls.Engine.State()
	j := st.Jobs[st.PartsRequests[requestID].JobID]
	last := j.Revisions[len(j.Revisions)-1]
	if last.Kind != shop.RevisionScope || last.Consent != (shop.Consent{Via: shop.ConsentPhone, Who: "张太太"}) || len(last.Parts) <= len(j.Signed().Parts) {
		t.Errorf("the allowance's revision: %+v", last)
	}
}
