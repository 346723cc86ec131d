package web_test

import (
	"strings"
	"testing"
	"time"

	"bayboard/internal/livetest"
	"bayboard/internal/shop"
	"bayboard/kiosk"
)

// On a phone, the customer answers the follow-up survey on their own page
// with a low score for the work; the page thanks them and shows their
// answers; the follow-up desk then shows the answer and the complaint it
// opened (workmanship, owned by the advisor, with its due date).
func TestTheCustomerAnswersTheSurveyAndALowScoreOpensAComplaint(t *testing.T) {
	ls := startShop(t, livetest.Options{Demo: true})
	ctx := livetest.Browser(t, 390, 844)
	car := deliverWithNextService(t, ls)
	var job *shop.Job
	for _, j := range ls.Engine.State().Jobs {
		if j.VehicleID == car.ID && j.Stage == shop.StageDelivered {
			job = j
		}
	}
	if job == nil {
		t.Fatal("no delivered job")
	}
	link := kiosk.URLs{Base: ls.URL(""), Tokens: ls.Tokens}.Customer(job)
	livetest.Open(t, ctx, link)
	livetest.WaitFor(t, ctx, "the survey", `!!document.querySelector("form#survey")`, 10*time.Second)
	// The wash question is asked only when the car went through the wash.
	washed := job.Washed()
	if asked := livetest.Eval[bool](t, ctx, `!!document.querySelector('[data-question="wash"]')`); asked != washed {
		t.Errorf("the wash question asked: %v, the car washed: %v", asked, washed)
	}
	// Sending with a question unanswered says so and sends nothing.
	livetest.Eval[bool](t, ctx, `(document.querySelector("form#survey").requestSubmit(), true)`)
	livetest.WaitFor(t, ctx, "the missing answers", `!document.querySelector("form#survey .error").hidden`, 5*time.Second)
	if ls.Engine.State().Jobs[job.ID].Survey != nil {
		t.Fatal("an incomplete survey was sent")
	}
	livetest.Eval[bool](t, ctx, `(() => {
		const pick = (q, n) => document.querySelector('[data-question="' + q + '"] input[value="' + n + '"]').click();
		pick("work", 2); pick("charges", 4); pick("advisor", 5); pick("recommend", 7);
		if (document.querySelector('[data-question="wash"]')) pick("wash", 4);
		const c = document.querySelector("form#survey textarea[name=comment]");
		c.value = "刹车还有异响 The brakes still squeal"; c.dispatchEvent(new Event("input"));
		return true;
	})()`)
	livetest.Screenshot(t, ctx, "customer-survey")
	livetest.Eval[bool](t, ctx, `(document.querySelector("form#survey").requestSubmit(), true)`)
	livetest.WaitFor(t, ctx, "the thanks with the answers", `!!document.querySelector("#survey.answered")`, 10*time.Second)
	if text := livetest.Eval[string](t, ctx, `document.querySelector("#survey.answered").textContent`); !strings.Contains(text, "2 / 5") || !strings.Contains(text, "7 / 10") || !strings.Contains(text, "刹车还有异响") {
		t.Errorf("the answered survey reads %q", text)
	}
	livetest.Screenshot(t, ctx, "customer-survey-answered")
	fu := ls.Engine.State().Jobs[job.ID].FollowUp
	if fu == nil || !fu.ComplaintOpen || fu.Category != shop.ComplaintWorkmanship || fu.OwnerID != job.AdvisorID || fu.DueAt == nil {
		t.Fatalf("the complaint the low score opened: %+v", fu)
	}

	signIn(t, ctx, ls, "followup", "/desk/followups")
	answer := `#surveys [data-survey=` + quote(job.ID) + `]`
	complaint := `#complaints [data-complaint=` + quote(job.ID) + `]`
	livetest.WaitFor(t, ctx, "the answer and the complaint", `!!document.querySelector(`+quote(answer)+`) && !!document.querySelector(`+quote(complaint)+`)`, 10*time.Second)
	if text := livetest.Eval[string](t, ctx, `document.querySelector(`+quote(answer)+`).textContent`); !strings.Contains(text, "2/5") || !strings.Contains(text, "刹车还有异响") {
		t.Errorf("the answer on the desk reads %q", text)
	}
	if low := livetest.Eval[string](t, ctx, `document.querySelector(`+quote(answer+` [data-score="work"]`)+`).className`); !strings.Contains(low, "red") {
		t.Errorf("the low work score is not flagged: %q", low)
	}
	if cat := livetest.Eval[string](t, ctx, `document.querySelector(`+quote(complaint+` [data-category]`)+`).dataset.category`); cat != "workmanship" {
		t.Errorf("the complaint's category on the desk: %q", cat)
	}
	advisor := ls.Engine.State().Users[job.AdvisorID].Name
	if text := livetest.Eval[string](t, ctx, `document.querySelector(`+quote(complaint)+`).textContent`); !strings.Contains(text, advisor) {
		t.Errorf("the complaint does not name its owner %s: %q", advisor, text)
	}
	// On the phone the desk's navigation is one row, scrolled so that this
	// page's name shows (not a column of words a character wide).
	if got := livetest.Eval[string](t, ctx, `(() => {
		const nav = document.querySelector(".nav"), cur = nav.querySelector("a[aria-current=page]");
		const n = nav.getBoundingClientRect(), c = cur.getBoundingClientRect(), first = nav.querySelector("a").getBoundingClientRect();
		if (n.height > first.height * 1.5) return "the navigation is " + n.height + " px high";
		if (c.left < n.left || c.right > n.right) return "this page's link is at " + c.left + "–" + c.right + ", the row " + n.left + "–" + n.right;
		return "";
	})()`); got != "" {
		t.Error(got)
	}
	livetest.Eval[bool](t, ctx, `(document.querySelector(`+quote(complaint)+`).scrollIntoView(), true)`)
	livetest.Screenshot(t, ctx, "desk-followups-survey")
}
