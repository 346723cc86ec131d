package web_test

import (
	"sort"
	"strings"
	"testing"
	"time"

	"bayboard/internal/livetest"
	"bayboard/internal/shop"
)

// carWithPast is a demo car that came before and has no job open now:
// the first by id.
func carWithPast(t *testing.T, ls *livetest.Server) *shop.Vehicle {
	t.Helper()
	st := ls.Engine.State()
	open, past := map[string]bool{}, map[string]bool{}
	for _, j := range st.Jobs {
		if j.Stage.Open() {
			open[j.VehicleID] = true
		} else {
			past[j.VehicleID] = true
		}
	}
	var ids []string
	for id := range past {
		if !open[id] {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	if len(ids) == 0 {
		t.Fatal("the demo shop has no car with a past and no open job")
	}
	return st.Vehicles[ids[0]]
}

// At reception the car chosen shows its history: its past visits and the
// work still recommended. One click adds a recommendation's lines to the
// new estimate; the job opened takes it, and it is no longer offered. The
// desk closes another with a reason, refused without one.
func TestReceptionOffersTheCarsRecommendations(t *testing.T) {
	ls := startShop(t, livetest.Options{Demo: true})
	ctx := livetest.Browser(t, 1366, 900)
	car := carWithPast(t, ls)
	ls.Command(map[string]any{"type": "record_recommendation", "vehicle_id": car.ID, "description": "后刹车片剩 3 mm，下次更换 Rear pads at 3 mm",
		"hours": 1.2, "labour_price": 24000, "safety": true,
		"parts": []map[string]any{{"number": "58302-C1A00", "name": "后刹车片 Rear pads", "quantity": 1, "unit_price": 38000}}})
	ls.Command(map[string]any{"type": "record_recommendation", "vehicle_id": car.ID, "description": "空调滤芯 Cabin filter", "hours": 0.3, "labour_price": 3000})
	var h shop.VehicleHistory
	ls.Get("/api/v1/vehicles/"+car.ID+"/history", &h)
	if len(h.Visits) == 0 || len(h.Recommendations) != 2 {
		t.Fatalf("the car's history: %d visits, %d recommendations", len(h.Visits), len(h.Recommendations))
	}
	pads, filter := h.Recommendations[0], h.Recommendations[1]

	signIn(t, ctx, ls, "advisor1", "/desk/reception")
	livetest.WaitFor(t, ctx, "the reception page", `!!document.querySelector("form#find")`, 10*time.Second)
	fill(t, ctx, "form#find", map[string]any{"q": strings.ReplaceAll(car.Plate, "·", "")}, true)
	livetest.WaitFor(t, ctx, "the car found", `!!document.querySelector('#hits [data-receive=`+quote(car.Plate)+`]')`, 10*time.Second)
	livetest.Eval[bool](t, ctx, `(document.querySelector('#hits [data-receive=`+quote(car.Plate)+`]').click(), true)`)
	livetest.WaitFor(t, ctx, "the car's history", `document.querySelectorAll("#history [data-recommendation]").length === 2 && document.querySelectorAll("#history [data-visit]").length > 0`, 10*time.Second)
	if got, want := livetest.Eval[int](t, ctx, `document.querySelectorAll("#history [data-visit]").length`), min(len(h.Visits), 10); got != want {
		t.Errorf("%d visits shown, want %d", got, want)
	}
	if got := livetest.Eval[string](t, ctx, `document.querySelector("#history [data-visit]").dataset.visit`); got != h.Visits[0].JobID {
		t.Errorf("the first visit shown is %s, want the latest, %s", got, h.Visits[0].JobID)
	}
	if livetest.Eval[bool](t, ctx, `document.getElementById("history").textContent.includes("undefined") || document.getElementById("history").textContent.includes("NaN")`) {
		t.Errorf("the history reads: %s", livetest.Eval[string](t, ctx, `document.getElementById("history").textContent`))
	}
	livetest.Screenshot(t, ctx, "desk-reception-history")

	// One click: the pads' labour and part join the estimate.
	livetest.Eval[bool](t, ctx, `(document.querySelector('#history [data-take=`+quote(pads.ID)+`]').click(), true)`)
	livetest.WaitFor(t, ctx, "the recommendation's lines", `document.querySelectorAll("#lines tr[data-line]").length === 2 && document.querySelector('#history [data-take=`+quote(pads.ID)+`]').disabled`, 5*time.Second)
	if total := livetest.Eval[string](t, ctx, `document.getElementById("estimate-total").textContent`); !strings.Contains(total, "620") {
		t.Errorf("the estimate's total reads %q, want ¥620 (240 labour + 380 pads)", total)
	}

	// Closing the filter without a reason is refused next to the field;
	// the requests are written already, and closing opens no job.
	fill(t, ctx, "form#reception", map[string]any{"requests": "后刹车片 Rear pads"}, false)
	livetest.Eval[bool](t, ctx, `(document.querySelector('#history [data-close=`+quote(filter.ID)+`]').click(), true)`)
	livetest.WaitFor(t, ctx, "the closing form", `!!document.querySelector('form[data-closing=`+quote(filter.ID)+`]')`, 5*time.Second)
	fill(t, ctx, `form[data-closing=`+quote(filter.ID)+`]`, map[string]any{"status": "dismissed"}, true)
	livetest.WaitFor(t, ctx, "the reason asked for", `document.querySelector('form[data-closing=`+quote(filter.ID)+`] [name=reason]').getAttribute("aria-invalid") === "true"`, 10*time.Second)
	fill(t, ctx, `form[data-closing=`+quote(filter.ID)+`]`, map[string]any{"status": "dismissed", "reason": "客户自行更换"}, true)
	livetest.WaitFor(t, ctx, "the filter gone from the list", `document.querySelectorAll("#history [data-recommendation]").length === 1`, 10*time.Second)
	if r := ls.Engine.State().Recommendations[filter.ID]; r.Status != shop.RecommendationDismissed || r.Reason != "客户自行更换" {
		t.Errorf("the filter after closing: %+v", r)
	}
	if jobs := openJobsOf(ls, car.ID); jobs != 0 {
		t.Fatalf("closing a recommendation opened %d jobs", jobs)
	}
	// The history was drawn again: the pads are still in the estimate.
	fill(t, ctx, "form#reception", map[string]any{"mileage_km": car.MileageKM + 5000}, false)
	livetest.WaitFor(t, ctx, "a promised time suggested", `document.querySelector("form#reception [name=promised_at]").value !== ""`, 10*time.Second)
	livetest.Eval[bool](t, ctx, `(document.getElementById("open-job").click(), true)`)
	livetest.WaitFor(t, ctx, "the job opened", `!!document.querySelector("#opened[data-job]")`, 10*time.Second)
	jobID := livetest.Eval[string](t, ctx, `document.querySelector("#opened").dataset.job`)
	st := ls.Engine.State()
	if r := st.Recommendations[pads.ID]; r.Status != shop.RecommendationTaken || r.TakenByJob != jobID {
		t.Errorf("the pads after the job opened: %+v", r)
	}
	if j := st.Jobs[jobID]; len(j.Parts) != 1 || j.Parts[0].Number != "58302-C1A00" || len(j.Labour) != 1 || j.Labour[0].Price != 24000 {
		t.Errorf("the new job's lines: %+v %+v", j.Labour, j.Parts)
	}
}

// A car new to the shop says it has no history, plainly, and reception
// goes on as before.
func TestReceptionOfACarWithNoHistory(t *testing.T) {
	ls := startShop(t, livetest.Options{Demo: true})
	ctx := livetest.Browser(t, 1366, 900)
	signIn(t, ctx, ls, "advisor1", "/desk/reception")
	livetest.WaitFor(t, ctx, "the reception page", `!!document.querySelector("form#find")`, 10*time.Second)
	fill(t, ctx, "form#find", map[string]any{"q": "13700001234"}, true)
	livetest.WaitFor(t, ctx, "the new customer's form", `!!document.querySelector("form#new-customer")`, 10*time.Second)
	fill(t, ctx, "form#new-customer", map[string]any{"name": "吴女士", "phone": "13700001234", "plate": "京Q12321", "model": "Kona"}, true)
	livetest.WaitFor(t, ctx, "the empty history", `!!document.querySelector("#history #no-visits") && !!document.querySelector("#history #no-recommendations") && !document.querySelector("#history-slot .error")`, 10*time.Second)
	if text := livetest.Eval[string](t, ctx, `document.getElementById("history").textContent`); !strings.Contains(text, "首次进店") {
		t.Errorf("the empty history reads %q", text)
	}
	livetest.Screenshot(t, ctx, "desk-reception-no-history")

	// The customer will not have the wipers done today: the advisor
	// notes them for the next visit, and they are offered at once; the
	// note opens no job.
	fill(t, ctx, "form#reception", map[string]any{"requests": "首保 First service"}, false)
	fill(t, ctx, "form#note-recommendation", map[string]any{"description": "雨刮片老化 Wipers worn", "hours": "0.2", "labour_price": "20"}, true)
	livetest.WaitFor(t, ctx, "the note offered", `document.querySelectorAll("#history [data-recommendation]").length === 1 && !document.querySelector("#history #no-recommendations")`, 10*time.Second)
	var car *shop.Vehicle
	for _, v := range ls.Engine.State().Vehicles {
		if v.Plate == "京Q·12321" {
			car = v
		}
	}
	if jobs := openJobsOf(ls, car.ID); jobs != 0 {
		t.Errorf("noting a recommendation opened %d jobs", jobs)
	}
	if recs := ls.Engine.State().VehicleRecommendations(car.ID); len(recs) != 1 || recs[0].LabourPrice != 2000 || recs[0].Hours != 0.2 || recs[0].JobID != "" {
		t.Errorf("the advisor's note: %+v", recs)
	}
}

// deliverWithNextService takes a car without a job through a quick job
// to delivery, agreeing its next service in five days: the follow-up
// desk's reminder call is due at once.
func deliverWithNextService(t *testing.T, ls *livetest.Server) *shop.Vehicle {
	t.Helper()
	st := ls.Engine.State()
	busyBay, busyCar := map[string]bool{}, map[string]bool{}
	for _, j := range st.OpenJobs() {
		if shop.OnBay(j.Stage) {
			busyBay[j.BayID] = true
		}
		busyCar[j.VehicleID] = true
	}
	var car *shop.Vehicle
	for _, v := range st.Vehicles {
		if !busyCar[v.ID] && (car == nil || v.ID < car.ID) {
			car = v
		}
	}
	var bay *shop.Bay
	for _, b := range st.Bays {
		if !busyBay[b.ID] && b.Active && b.Kind != shop.BayWash && (bay == nil || b.ID < bay.ID) {
			bay = b
		}
	}
	var tech *shop.Technician
	for _, tc := range st.Technicians {
		if tc.Active && (tech == nil || tc.ID < tech.ID) {
			tech = tc
		}
	}
	if car == nil || bay == nil || tech == nil {
		t.Fatal("the demo shop has no free car, bay or technician")
	}
	now := ls.Clock.Now()
	ls.Command(map[string]any{"type": "open_job", "customer_id": car.CustomerID, "vehicle_id": car.ID, "requests": "保养",
		"promised_at": now.Add(3 * time.Hour).Format(time.RFC3339), "labour": []map[string]any{{"name": "保养", "sold_hours": 1, "price": 30000}}})
	var jobID string
	for _, j := range ls.Engine.State().OpenJobs() {
		if j.VehicleID == car.ID {
			jobID = j.ID
		}
	}
	for _, c := range []map[string]any{
		{"type": "submit", "job_id": jobID},
		{"type": "dispatch", "job_id": jobID, "team_id": tech.TeamID, "tech_ids": []string{tech.ID}, "bay_id": bay.ID},
		{"type": "clock_on", "job_id": jobID, "tech_id": tech.ID},
		{"type": "finish", "job_id": jobID, "tech_id": tech.ID},
		{"type": "qc", "job_id": jobID, "step": "team", "pass": true},
		{"type": "qc", "job_id": jobID, "step": "final", "pass": true},
	} {
		ls.Command(c)
	}
	// The customer pays their share of what was done and issued.
	due := ls.Engine.State().Jobs[jobID].Settlement().CustomerDue
	ls.Command(map[string]any{"type": "deliver", "job_id": jobID, "next_service_at": now.Add(5 * 24 * time.Hour).Format(time.RFC3339),
		"next_service_km": car.MileageKM + 5000, "paid": due, "payment_method": "cash", "explanation": "按实际领料结算"})
	return ls.Engine.State().Vehicles[car.ID]
}

// The next service agreed at delivery comes back as a reminder call on
// the follow-up desk, with the customer's phone; once called, it goes.
func TestTheFollowUpDeskCallsAboutTheNextService(t *testing.T) {
	ls := startShop(t, livetest.Options{Demo: true})
	ctx := livetest.Browser(t, 1366, 900)
	car := deliverWithNextService(t, ls)
	owner := ls.Engine.State().Customers[car.CustomerID]
	signIn(t, ctx, ls, "followup", "/desk/followups")
	card := `#service-reminders form[data-vehicle=` + quote(car.ID) + `]`
	livetest.WaitFor(t, ctx, "the reminder call", `!!document.querySelector(`+quote(card)+`)`, 10*time.Second)
	if text := livetest.Eval[string](t, ctx, `document.querySelector(`+quote(card)+`).textContent`); !strings.Contains(text, owner.Phone) || !strings.Contains(text, car.Plate) {
		t.Errorf("the reminder reads %q, want the plate and %s", text, owner.Phone)
	}
	livetest.Eval[bool](t, ctx, `(document.getElementById("service-reminders").scrollIntoView(), true)`)
	livetest.Screenshot(t, ctx, "desk-followups-service")
	fill(t, ctx, card, map[string]any{"notes": "周六来 Saturday"}, true)
	livetest.WaitFor(t, ctx, "the call recorded", `!document.querySelector(`+quote(card)+`)`, 10*time.Second)
	if n := ls.Engine.State().Vehicles[car.ID].NextService; n == nil || n.RemindedAt == nil {
		t.Errorf("the car's next service after the call: %+v", n)
	}
}

// openJobsOf counts the open jobs of a car.
func openJobsOf(ls *livetest.Server, vehicleID string) int {
	n := 0
	for _, j := range ls.Engine.State().OpenJobs() {
		if j.VehicleID == vehicleID {
			n++
		}
	}
	return n
}
