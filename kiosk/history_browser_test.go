package kiosk_test

import (
	"fmt"
	"testing"
	"time"

	"bayboard/internal/livetest"
	"bayboard/internal/shop"
	"bayboard/kiosk"
)

// The technician's job page shows the car's history under the job: its
// past visits and the work still recommended, as the API has them; the
// technician notes work for the next visit there, and it joins the list.
func TestTheJobPageShowsTheCarsHistory(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test")
	}
	f := newFloor(t)
	vehicle := f.srv.Engine.State().Jobs[f.jobID].VehicleID
	f.srv.Command(map[string]any{"type": "record_recommendation", "vehicle_id": vehicle, "description": "后减震器渗油，建议观察 Rear shock leaking",
		"hours": 1.5, "labour_price": 30000, "safety": true})
	var h shop.VehicleHistory
	f.srv.Get("/api/v1/vehicles/"+vehicle+"/history", &h)
	if len(h.Visits) == 0 {
		t.Fatalf("the demo car %s has no past visits: the test would not see any", vehicle)
	}

	phone := device(t, phoneWidth, phoneHeight)
	livetest.Open(t, phone, f.srv.URL(f.jobPath))
	signInWithBadge(t, phone, f.badge)
	livetest.WaitFor(t, phone, "the car's history", fmt.Sprintf(`!!document.querySelector('#history[data-vehicle=%s]')`, js(vehicle)), 10*time.Second)
	shown := min(len(h.Visits), 5)
	if got := livetest.Eval[int](t, phone, `document.querySelectorAll("#history [data-visit]").length`); got != shown {
		t.Errorf("%d visits shown, want %d of the API's %d", got, shown, len(h.Visits))
	}
	if got := livetest.Eval[string](t, phone, `document.querySelector("#history [data-visit]").dataset.visit`); got != h.Visits[0].JobID {
		t.Errorf("the first visit shown is %s, want the latest, %s", got, h.Visits[0].JobID)
	}
	if got := livetest.Eval[int](t, phone, `document.querySelectorAll("#history [data-recommendation]").length`); got != len(h.Recommendations) {
		t.Errorf("%d recommendations shown, want %d", got, len(h.Recommendations))
	}
	checkPage(t, phone)
	livetest.Eval[bool](t, phone, `(document.getElementById("history").scrollIntoView(), true)`)
	livetest.Screenshot(t, phone, "kiosk-job-history")

	// The technician notes a tyre near its limit for the next visit.
	click(t, phone, "note for the next visit", "#history > button")
	fill(t, phone, "#recommend textarea[name=description]", "左前轮胎花纹 2 mm，下次更换 Front-left tyre at 2 mm")
	fill(t, phone, "#recommend input[name=hours]", "0.5")
	click(t, phone, "record it", "#recommend button[type=submit]")
	livetest.WaitFor(t, phone, "the note in the history", fmt.Sprintf(`document.querySelectorAll("#history [data-recommendation]").length === %d`, len(h.Recommendations)+1), 10*time.Second)
	var recorded *shop.Recommendation
	for _, r := range f.srv.Engine.State().VehicleRecommendations(vehicle) {
		if r.JobID == f.jobID {
			recorded = r
		}
	}
	user := f.srv.Engine.State().UserByBadge(f.badge)
	if recorded == nil || recorded.Hours != 0.5 || recorded.RecordedBy != user.ID || recorded.Status != shop.RecommendationOpen {
		t.Errorf("the note recorded as %+v", recorded)
	}
	checkPage(t, phone)
}

// A car the shop has never seen has no history: the job page says so
// plainly, with no error.
func TestTheJobPageOfACarWithNoHistory(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test")
	}
	f := newFloor(t)
	srv := f.srv
	var cu, ve struct {
		Event shop.Event `json:"event"`
	}
	post(t, srv, map[string]any{"type": "put_customer", "customer": map[string]any{"name": "新客户", "phone": "13900001111"}}, &cu)
	post(t, srv, map[string]any{"type": "put_vehicle", "vehicle": map[string]any{"customer_id": cu.Event.Subject, "plate": "京N88888", "model": "Kona"}}, &ve)
	var opened struct {
		Event shop.Event `json:"event"`
	}
	post(t, srv, map[string]any{"type": "open_job", "customer_id": cu.Event.Subject, "vehicle_id": ve.Event.Subject, "requests": "首保 First service",
		"promised_at": srv.Clock.Now().Add(3 * time.Hour).Format(time.RFC3339)}, &opened)
	job := srv.Engine.State().Jobs[opened.Event.JobID]
	phone := device(t, phoneWidth, phoneHeight)
	livetest.Open(t, phone, srv.URL(kiosk.URLs{Tokens: srv.Tokens}.Job(job.ID)))
	signInWithBadge(t, phone, f.badge)
	livetest.WaitFor(t, phone, "the empty history", `!!document.querySelector("#history #no-visits") && !!document.querySelector("#history #no-recommendations")`, 10*time.Second)
	checkPage(t, phone)
	// Not the technician's job (it is not dispatched): nothing to note.
	if livetest.Eval[bool](t, phone, `!!document.querySelector("#history > button")`) {
		t.Error("the page offers a note on a job that is not the technician's")
	}
	livetest.Screenshot(t, phone, "kiosk-job-no-history")
}
