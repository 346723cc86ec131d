package kiosk_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"bayboard/internal/livetest"
	"bayboard/internal/shop"
	"bayboard/kiosk"
)

// queueShop is the demo shop with its cars at the wash and at the final
// inspection cleared away, and new cars brought there through the API:
// what a washer's and an inspector's phone list is then known.
type queueShop struct {
	srv      *livetest.Server
	washBay  string // its code's path
	bay      string // a general bay's code's path
	freeBay  string
	tech     *shop.Technician
	vehicles []*shop.Vehicle
	opened   int
}

func newQueueShop(t *testing.T) *queueShop {
	t.Helper()
	srv := livetest.Start(t, livetest.Options{Demo: true, PagePoll: 500 * time.Millisecond})
	st := srv.Engine.State()
	q := &queueShop{srv: srv, tech: st.TechnicianOfUser(st.UserByBadge("B1002").ID)}
	busy, hasCar := map[string]bool{}, map[string]bool{}
	for _, j := range st.OpenJobs() {
		if shop.OnBay(j.Stage) {
			busy[j.BayID] = true
		}
		hasCar[j.VehicleID] = true
		if j.Stage == shop.StageWashing {
			srv.Command(map[string]any{"type": "wash_done", "job_id": j.ID})
		}
	}
	urls := kiosk.URLs{Tokens: srv.Tokens}
	for _, b := range st.Bays {
		switch {
		case b.Kind == shop.BayWash:
			q.washBay = urls.Bay(b.ID)
		case b.Active && !busy[b.ID] && (q.freeBay == "" || b.ID < q.freeBay):
			q.freeBay = b.ID
		}
	}
	q.bay = urls.Bay(q.freeBay)
	for _, v := range st.Vehicles {
		if !hasCar[v.ID] {
			q.vehicles = append(q.vehicles, v)
		}
	}
	if q.washBay == "" || q.freeBay == "" || len(q.vehicles) < 4 {
		t.Fatal("the demo shop has no wash bay, no free bay or too few cars without a job")
	}
	return q
}

// carTo opens a job on a car without one, promised in the given time,
// and takes it through its work and the checks up to the given step:
// the team check (it waits for the final inspection) or the final one
// (its wash is due).
func (q *queueShop) carTo(t *testing.T, promisedIn time.Duration, step shop.QCStep) (jobID, plate string) {
	t.Helper()
	v := q.vehicles[q.opened]
	q.opened++
	var opened struct {
		Event shop.Event `json:"event"`
	}
	post(t, q.srv, map[string]any{"type": "open_job", "customer_id": v.CustomerID, "vehicle_id": v.ID, "advisor_id": "user-2",
		"requests": "保养 Service", "promised_at": q.srv.Clock.Now().Add(promisedIn).Format(time.RFC3339), "wash": true,
		"labour": []map[string]any{{"code": "M01", "name": "保养 Service", "sold_hours": 1, "price": 20000}}}, &opened)
	id := opened.Event.JobID
	me := map[string]any{"job_id": id, "tech_id": q.tech.ID}
	for _, c := range []map[string]any{
		{"type": "submit", "job_id": id},
		{"type": "dispatch", "job_id": id, "team_id": q.tech.TeamID, "tech_ids": []string{q.tech.ID}, "bay_id": q.freeBay},
		{"type": "clock_on"}, {"type": "finish", "self_check": []string{"lights"}},
		{"type": "qc", "job_id": id, "step": "team", "pass": true},
	} {
		if c["type"] == "clock_on" || c["type"] == "finish" {
			for k, v := range me {
				c[k] = v
			}
		}
		q.srv.Command(c)
	}
	if step == shop.QCFinal {
		q.srv.Command(map[string]any{"type": "qc", "job_id": id, "step": "final", "pass": true})
	}
	return id, v.Plate
}

// ids lists the jobs a page shows in a list, top to bottom.
func ids(t *testing.T, ctx context.Context, selector, attr string) []string {
	t.Helper()
	return livetest.Eval[[]string](t, ctx, fmt.Sprintf(`[...document.querySelectorAll(%s)].map((e) => e.getAttribute(%s))`, js(selector), js(attr)))
}

// The washer, signed in at the wash bay's code on their phone, sees the
// cars whose wash is due in the order they are promised, takes the most
// urgent, and marks its wash done: the car is ready.
func TestTheWasherWorksTheWashQueueOnAPhone(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test")
	}
	q := newQueueShop(t)
	// Opened first and promised later: the queue goes by the promise.
	later, _ := q.carTo(t, 5*time.Hour, shop.QCFinal)
	sooner, _ := q.carTo(t, 3*time.Hour, shop.QCFinal)

	phone := device(t, phoneWidth, phoneHeight)
	livetest.Open(t, phone, q.srv.URL(q.washBay))
	livetest.WaitFor(t, phone, "the sign-in form", `!!document.querySelector(".signin input[name=badge]")`, 10*time.Second)
	signInWithPassword(t, phone, "washer")
	livetest.WaitFor(t, phone, "two cars waiting", `document.querySelectorAll("#waiting [data-wash]").length === 2`, 10*time.Second)
	if got := ids(t, phone, "#waiting [data-wash]", "data-wash"); fmt.Sprint(got) != fmt.Sprint([]string{sooner, later}) {
		t.Errorf("waiting for a wash: %v, want %v (by promised time)", got, []string{sooner, later})
	}
	if n := livetest.Eval[int](t, phone, `document.querySelectorAll("#washing [data-wash]").length`); n != 0 {
		t.Errorf("%d cars being washed before anyone started", n)
	}
	if livetest.Eval[bool](t, phone, `document.body.innerText.includes("不是维修技师")`) {
		t.Error("the wash bay tells the washer they are not a technician")
	}
	checkPage(t, phone)
	livetest.Screenshot(t, phone, "kiosk-wash-queue")

	click(t, phone, "start the wash", fmt.Sprintf(`#waiting [data-wash=%s] [data-action=wash_start]`, js(sooner)))
	livetest.WaitFor(t, phone, "the car being washed", fmt.Sprintf(`!!document.querySelector('#washing [data-wash=%s] [data-action=wash_done]')`, js(sooner)), 10*time.Second)
	if j := q.srv.Engine.State().Jobs[sooner]; !j.Washing() {
		t.Fatalf("after the start the job is %s, washing %v", j.Stage, j.Washing())
	}
	if got := ids(t, phone, "#waiting [data-wash]", "data-wash"); fmt.Sprint(got) != fmt.Sprint([]string{later}) {
		t.Errorf("still waiting: %v, want %v", got, []string{later})
	}
	checkPage(t, phone)
	livetest.Screenshot(t, phone, "kiosk-wash-washing")

	// The same page in English.
	livetest.Open(t, phone, q.srv.URL(q.washBay+"?lang=en"))
	livetest.WaitFor(t, phone, "the English wash queue", `document.querySelector("#washing h2")?.textContent === "Washing now (1)" && document.querySelector("#waiting h2")?.textContent === "Waiting for a wash (1)"`, 10*time.Second)
	checkPage(t, phone)
	livetest.Screenshot(t, phone, "kiosk-wash-washing-en")

	click(t, phone, "wash done", fmt.Sprintf(`#washing [data-wash=%s] [data-action=wash_done]`, js(sooner)))
	livetest.WaitFor(t, phone, "the washed car gone", fmt.Sprintf(`!document.querySelector('[data-wash=%s]') && document.querySelectorAll("#waiting [data-wash]").length === 1`, js(sooner)), 10*time.Second)
	if got := q.srv.Engine.State().Jobs[sooner].Stage; got != shop.StageReady {
		t.Errorf("after the wash the job is %s, want ready", got)
	}
	if got := q.srv.Engine.State().Jobs[later]; got.Stage != shop.StageWashing || got.Washing() {
		t.Errorf("the other car: %s, washing %v; want still waiting", got.Stage, got.Washing())
	}

	// At a general bay's code the washer is sent to the wash bay's (in
	// English: the page keeps the language chosen above).
	livetest.Open(t, phone, q.srv.URL(q.bay))
	livetest.WaitFor(t, phone, "the way to the wash queue", `!!document.getElementById("wash-elsewhere")`, 10*time.Second)
	if said := livetest.Eval[string](t, phone, `document.getElementById("wash-elsewhere").textContent`); !strings.HasPrefix(said, "The wash queue is at the wash bay") || !strings.Contains(said, "洗车12") || strings.Contains(said, "{") {
		t.Errorf("at a general bay the washer reads %q", said)
	}
	checkPage(t, phone)
}

// The QC inspector, signed in at a bay's code, sees the cars waiting for
// the final inspection by promised time (not those still at their team
// check), and a car opens its job's inspection.
func TestTheInspectorSeesTheCarsWaitingForInspection(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test")
	}
	q := newQueueShop(t)
	later, _ := q.carTo(t, 6*time.Hour, shop.QCTeam)
	sooner, _ := q.carTo(t, 2*time.Hour, shop.QCTeam)
	washing, _ := q.carTo(t, time.Hour, shop.QCFinal)
	// The demo's own cars in quality check wait for their team check.
	for _, j := range q.srv.Engine.State().OpenJobs() {
		if j.Stage == shop.StageQualityCheck && j.ID != later && j.ID != sooner {
			if len(j.CurrentQC()) > 1 {
				t.Fatalf("demo job %s has had its team check: %+v", j.ID, j.CurrentQC())
			}
		}
	}

	phone := device(t, phoneWidth, phoneHeight)
	livetest.Open(t, phone, q.srv.URL(q.bay))
	livetest.WaitFor(t, phone, "the sign-in form", `!!document.querySelector(".signin input[name=badge]")`, 10*time.Second)
	signInWithPassword(t, phone, "qc")
	livetest.WaitFor(t, phone, "two cars waiting for inspection", `document.querySelectorAll("#inspections [data-inspect]").length === 2`, 10*time.Second)
	if got := ids(t, phone, "#inspections [data-inspect]", "data-inspect"); fmt.Sprint(got) != fmt.Sprint([]string{sooner, later}) {
		t.Errorf("waiting for inspection: %v, want %v (by promised time; %s is at the wash)", got, []string{sooner, later}, washing)
	}
	if livetest.Eval[bool](t, phone, `document.body.innerText.includes("不是维修技师")`) {
		t.Error("the bay tells the inspector they are not a technician")
	}
	checkPage(t, phone)
	livetest.Screenshot(t, phone, "kiosk-inspection-queue")
	livetest.Open(t, phone, q.srv.URL(q.bay+"?lang=en"))
	livetest.WaitFor(t, phone, "the English inspection queue", `document.querySelector("#inspections h2")?.textContent === "Waiting for final inspection (2)"`, 10*time.Second)
	checkPage(t, phone)
	livetest.Screenshot(t, phone, "kiosk-inspection-queue-en")

	click(t, phone, "the most urgent car", fmt.Sprintf(`#inspections [data-inspect=%s] a.card`, js(sooner)))
	livetest.WaitFor(t, phone, "its final inspection", `!!document.querySelector("[data-action=qc_final_pass]") && !!document.querySelector("[data-action=qc_final_fail]")`, 10*time.Second)
	if got := livetest.Eval[string](t, phone, `document.querySelector(".card.job").dataset.job`); got != sooner {
		t.Errorf("the card opened job %s, want %s", got, sooner)
	}
}
