package kiosk_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"bayboard/internal/demo"
	"bayboard/internal/livetest"
	"bayboard/internal/shop"
	"bayboard/kiosk"
)

// The technician opens a reworked job on a phone and reads what to do:
// the rework and why the final inspection failed it, the labour operations
// with their standard hours, the parts (one drawn, one still to draw), the
// damage noted at reception and the extra work the customer approved, in
// both languages. Paused, the job offers one way to resume it. The team
// leader then passes the team check with notes and a safety
// recommendation, which the advisor reads with the job and the car's
// history offers at its next visit.
func TestTheTechnicianReadsWhatToDoOnAPhone(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test")
	}
	srv := livetest.Start(t, livetest.Options{Demo: true, PagePoll: 500 * time.Millisecond})
	st := srv.Engine.State()
	tech := st.TechnicianOfUser(st.UserByBadge("B1002").ID)
	bayID := ""
	busy, hasCar := map[string]bool{}, map[string]bool{}
	for _, j := range st.OpenJobs() {
		if shop.OnBay(j.Stage) {
			busy[j.BayID] = true
		}
		hasCar[j.VehicleID] = true
	}
	for _, b := range st.Bays {
		if !busy[b.ID] && b.Active && b.Kind != shop.BayWash && (bayID == "" || b.ID < bayID) {
			bayID = b.ID
		}
	}
	var vehicle *shop.Vehicle
	for _, v := range st.Vehicles {
		if !hasCar[v.ID] && (vehicle == nil || v.ID < vehicle.ID) {
			vehicle = v
		}
	}
	var catalog []*shop.CatalogPart
	for _, p := range st.CatalogParts {
		if p.Number != "" && p.Active {
			catalog = append(catalog, p)
		}
	}
	sort.Slice(catalog, func(a, b int) bool { return catalog[a].Number < catalog[b].Number })
	if bayID == "" || vehicle == nil || len(catalog) < 3 {
		t.Fatal("the demo shop has no free bay, no car without a job or too small a catalogue")
	}
	drawn, notDrawn, extra := catalog[0], catalog[1], catalog[2]

	const damage = "右前门划痕 10 cm scratch on the right front door"
	const failure = "左前轮螺栓未按扭矩紧固 Front left wheel bolts not torqued"
	var opened struct {
		Event shop.Event `json:"event"`
	}
	post(t, srv, map[string]any{"type": "open_job", "customer_id": vehicle.CustomerID, "vehicle_id": vehicle.ID, "advisor_id": "user-2",
		"requests": "保养 Service", "promised_at": srv.Clock.Now().Add(4 * time.Hour).Format(time.RFC3339),
		"walk_around": map[string]any{"mileage_km": 42000, "fuel_percent": 50, "damage": damage, "notes": "后备箱有儿童座椅 child seat in the boot"},
		"labour": []map[string]any{
			{"code": "M01", "name": "更换机油机滤 Oil and filter", "sold_hours": 0.8, "price": 16000},
			{"code": "B02", "name": "检查更换前刹车片 Front brake pads", "sold_hours": 1.2, "price": 24000},
		},
		"parts": []map[string]any{
			{"number": drawn.Number, "name": drawn.Name, "quantity": 1, "unit_price": drawn.UnitPrice},
			{"number": notDrawn.Number, "name": notDrawn.Name, "quantity": 2, "unit_price": notDrawn.UnitPrice},
		}}, &opened)
	jobID := opened.Event.JobID
	srv.Command(map[string]any{"type": "submit", "job_id": jobID})
	srv.Command(map[string]any{"type": "dispatch", "job_id": jobID, "team_id": tech.TeamID, "tech_ids": []string{tech.ID}, "bay_id": bayID})
	srv.Command(map[string]any{"type": "issue_part", "job_id": jobID, "number": drawn.Number, "quantity": 1})
	srv.Command(map[string]any{"type": "clock_on", "job_id": jobID, "tech_id": tech.ID})
	srv.Command(map[string]any{"type": "report_finding", "job_id": jobID, "description": "空调滤芯脏堵 Cabin filter clogged", "hours": 0.3,
		"parts": []map[string]any{{"number": extra.Number, "name": extra.Name, "quantity": 1}}})
	var finding *shop.Finding
	for _, f := range srv.Engine.State().JobFindings(jobID) {
		finding = f
	}
	srv.Command(map[string]any{"type": "price_finding", "finding_id": finding.ID, "labour_price": 6000, "send": true})
	srv.Command(map[string]any{"type": "decide_finding", "finding_id": finding.ID, "approve": true, "via": "phone"})
	srv.Command(map[string]any{"type": "finish", "job_id": jobID, "tech_id": tech.ID, "self_check": []string{"work_done"}})
	srv.Command(map[string]any{"type": "qc", "job_id": jobID, "step": "team", "pass": true})
	srv.Command(map[string]any{"type": "qc", "job_id": jobID, "step": "final", "pass": false, "reason": failure})

	phone := device(t, phoneWidth, phoneHeight)
	jobPath := kiosk.URLs{Tokens: srv.Tokens}.Job(jobID)
	livetest.Open(t, phone, srv.URL(jobPath+"?lang=zh-CN"))
	livetest.WaitFor(t, phone, "the sign-in form", `!!document.querySelector(".signin")`, 10*time.Second)
	signInWithBadge(t, phone, "B1002")
	livetest.WaitFor(t, phone, "the job sheet", `!!document.querySelector("#rework") && !!document.querySelector("#actions")`, 10*time.Second)

	// Each part of the sheet, read as the technician reads it.
	sheet := func(lang string) {
		t.Helper()
		text := func(sel string) string {
			return livetest.Eval[string](t, phone, fmt.Sprintf(`document.querySelector(%s)?.innerText || ""`, js(sel)))
		}
		want := map[string][]string{
			"#rework":      {failure},
			"#labour":      {"更换机油机滤 Oil and filter", "0.8", "检查更换前刹车片 Front brake pads", "1.2"},
			"#walk-around": {damage, "child seat in the boot"},
			"#approved":    {"空调滤芯脏堵 Cabin filter clogged", "0.3"},
			"#draw":        {drawn.Name, notDrawn.Name},
		}
		words := map[string]map[string][]string{
			"zh-CN": {"#rework": {"返工", "终检未通过"}, "#labour": {"维修项目", "标准工时"}, "#walk-around": {"车辆原有损伤"}, "#approved": {"客户已批准的增项"}, "#draw": {"领料", "已领 1", "待领 2"}},
			"en":    {"#rework": {"Rework", "Final inspection failed"}, "#labour": {"Labour operations", "h standard"}, "#walk-around": {"Damage already on the car"}, "#approved": {"Approved extra work"}, "#draw": {"Parts to draw", "1 drawn", "2 to draw"}},
		}[lang]
		for sel, parts := range want {
			got := text(sel)
			for _, w := range append(parts, words[sel]...) {
				if !strings.Contains(got, w) {
					t.Errorf("%s %s does not say %q:\n%s", lang, sel, w, got)
				}
			}
		}
		// The drawn line and the line still to draw tell themselves apart.
		lines := fmt.Sprintf(`document.querySelector('#draw li.part-issued[data-number=%s]') !== null && document.querySelector('#draw li.part-to-draw[data-number=%s]') !== null`,
			js(drawn.Number), js(notDrawn.Number))
		if !livetest.Eval[bool](t, phone, lines) {
			t.Errorf("%s: the drawn and the still-to-draw parts are not marked apart:\n%s", lang, text("#draw"))
		}
		// The rework is the first thing under the car.
		if !livetest.Eval[bool](t, phone, `document.querySelector(".card.job").nextElementSibling?.id === "rework"`) {
			t.Errorf("%s: the rework banner is not at the top", lang)
		}
		checkPage(t, phone)
	}
	sheet("zh-CN")
	livetest.Screenshot(t, phone, "kiosk-job-sheet-zh")
	livetest.Eval[bool](t, phone, `(document.querySelector("#draw").scrollIntoView(), true)`)
	livetest.Screenshot(t, phone, "kiosk-job-sheet-zh-parts")
	livetest.Open(t, phone, srv.URL(jobPath+"?lang=en"))
	livetest.WaitFor(t, phone, "the English job sheet", `!!document.querySelector("#rework") && document.documentElement.lang === "en"`, 10*time.Second)
	sheet("en")
	livetest.Screenshot(t, phone, "kiosk-job-sheet-en")
	livetest.Eval[bool](t, phone, `(document.querySelector("#draw").scrollIntoView(), true)`)
	livetest.Screenshot(t, phone, "kiosk-job-sheet-en-parts")

	// Working and paused: one button takes the job up again, worded so;
	// the clock stops as "Stop the clock".
	click(t, phone, "clock on", "[data-action=clock_on]")
	livetest.WaitFor(t, phone, "clocked on", `!!document.querySelector("[data-action=clock_off]")`, 10*time.Second)
	if got := livetest.Eval[string](t, phone, `document.querySelector("[data-action=clock_off]").textContent`); got != "Stop the clock" {
		t.Errorf("the clock-off button reads %q", got)
	}
	srv.Command(map[string]any{"type": "pause", "job_id": jobID, "reason": "break"})
	livetest.WaitFor(t, phone, "the paused job", `document.querySelector(".card.job").classList.contains("stage-paused") && !!document.querySelector("#actions [data-action]")`, 10*time.Second)
	resumes := livetest.Eval[[]string](t, phone, `[...document.querySelectorAll("#actions [data-action=clock_on], #actions [data-action=resume]")].map((b) => b.textContent)`)
	if len(resumes) != 1 || resumes[0] != "Resume work" {
		t.Errorf("the paused job offers %q, want one Resume work", resumes)
	}
	livetest.Eval[bool](t, phone, `(document.querySelector("#actions").scrollIntoView({ block: "center" }), true)`)
	livetest.Screenshot(t, phone, "kiosk-job-paused-en")
	click(t, phone, "resume work", "[data-action=clock_on]")
	livetest.WaitFor(t, phone, "back in work", `document.querySelector(".card.job").classList.contains("stage-in_progress")`, 10*time.Second)
	if j := srv.Engine.State().Jobs[jobID]; !j.ClockedOn(tech.ID) {
		t.Errorf("resuming did not start the technician's clock")
	}
	srv.Command(map[string]any{"type": "issue_part", "job_id": jobID, "number": notDrawn.Number, "quantity": 2})
	srv.Command(map[string]any{"type": "issue_part", "job_id": jobID, "number": extra.Number, "quantity": 1, "finding_id": finding.ID})
	srv.Command(map[string]any{"type": "finish", "job_id": jobID, "tech_id": tech.ID, "self_check": []string{"work_done"}})

	// The team leader's check: notes for the advisor and a safety
	// recommendation for the car.
	signOut(t, phone)
	signInWithBadge(t, phone, "B1001")
	click(t, phone, "team check pass", "[data-action=qc_team_pass]")
	const notes = "已告知客户后轮胎偏磨 Told the customer about rear tyre wear"
	const advice = "后轮胎花纹深度 2 mm，建议更换 Rear tyres at 2 mm: replace"
	fill(t, phone, "#team-check textarea[name=notes]", notes)
	fill(t, phone, "#team-check textarea[name=recommendation]", advice)
	click(t, phone, "a safety item", "#team-check input[name=safety]")
	livetest.Screenshot(t, phone, "kiosk-team-check-en")
	checkPage(t, phone)
	click(t, phone, "pass", "#team-check button[type=submit]")
	livetest.WaitFor(t, phone, "the team check done", `!document.querySelector("#team-check") && !document.querySelector("[data-action=qc_team_pass]")`, 10*time.Second)

	// The advisor's job, and the car's history.
	var job struct {
		TeamCheck struct {
			Check           *shop.QCResult         `json:"check"`
			Recommendations []*shop.Recommendation `json:"recommendations"`
		} `json:"team_check"`
	}
	srv.Get("/api/v1/jobs/"+jobID, &job)
	if c := job.TeamCheck.Check; c == nil || !c.Pass || c.Notes != notes {
		t.Errorf("the desk's job: the team check %+v, want passed with the notes", c)
	}
	if r := job.TeamCheck.Recommendations; len(r) != 1 || r[0].Description != advice || !r[0].Safety {
		t.Errorf("the desk's job: recommendations %+v", r)
	}
	var history shop.VehicleHistory
	srv.Get("/api/v1/vehicles/"+vehicle.ID+"/history", &history)
	found := false
	for _, r := range history.Recommendations {
		if r.Description == advice && r.Safety && r.Status == shop.RecommendationOpen && r.JobID == jobID {
			found = true
		}
	}
	if !found {
		t.Errorf("the car's history does not offer the team leader's recommendation: %+v", history.Recommendations)
	}

	// The advisor's desk shows them with the job.
	desk := livetest.Tab(t, phone, 1366, 900)
	srv.SignIn(desk, "advisor1", demo.Password)
	livetest.Open(t, desk, srv.URL("/desk/jobs?job="+jobID))
	livetest.WaitFor(t, desk, "the team check on the desk's job", `!!document.querySelector("#detail #team-check")`, 10*time.Second)
	got := livetest.Eval[string](t, desk, `document.querySelector("#detail #team-check").innerText`)
	for _, w := range []string{notes, advice, st.UserByBadge("B1001").Name} {
		if !strings.Contains(got, w) {
			t.Errorf("the desk's team check does not say %q:\n%s", w, got)
		}
	}
	if !livetest.Eval[bool](t, desk, `!!document.querySelector("#detail #team-check li .flag.red")`) {
		t.Errorf("the desk does not flag the recommendation as a safety item")
	}
	livetest.Eval[bool](t, desk, `(document.querySelector("#detail #team-check").scrollIntoView({ block: "center" }), true)`)
	livetest.Screenshot(t, desk, "desk-job-team-check")
}
