package web_test

import (
	"fmt"
	"math"
	"net/url"
	"testing"
	"time"

	"bayboard/internal/livetest"
)

type workshopView struct {
	Queue []struct {
		Job struct {
			ID string `json:"id"`
		} `json:"job"`
	} `json:"queue"`
	Jobs []struct {
		Job struct {
			ID      string   `json:"id"`
			Stage   string   `json:"stage"`
			BayID   string   `json:"bay_id"`
			TeamID  string   `json:"team_id"`
			TechIDs []string `json:"tech_ids"`
		} `json:"job"`
	} `json:"jobs"`
}

// The controller dispatches the first waiting job in a few clicks: a team
// (which ticks a free technician and a free bay), then dispatch; the job
// leaves the queue and is on its bay in /api/v1/workshop.
func TestTheControllerDispatchesAWaitingJob(t *testing.T) {
	ls := startShop(t, livetest.Options{Demo: true})
	ctx := livetest.Browser(t, 1366, 768)
	signIn(t, ctx, ls, "controller", "/desk/dispatch")
	livetest.WaitFor(t, ctx, "the queue", `document.querySelectorAll("#queue tbody tr").length > 0 && document.querySelectorAll("#bays tbody tr").length > 0 && document.querySelectorAll("#techs tbody tr").length > 0`, 10*time.Second)
	job := livetest.Eval[string](t, ctx, `document.querySelector("#queue tbody tr").dataset.job`)
	// Keyboard: focus the first waiting car and press Enter.
	livetest.Eval[bool](t, ctx, `(() => { const r = document.querySelector("#queue tbody tr"); r.focus(); r.dispatchEvent(new KeyboardEvent("keydown", {key: "Enter", bubbles: true})); return true })()`)
	livetest.WaitFor(t, ctx, "the dispatch form", `document.querySelector("#dispatch")?.dataset.job === `+quote(job), 5*time.Second)
	// The team with a free technician is chosen; the page ticks one and
	// picks a free bay.
	team := livetest.Eval[string](t, ctx, `(() => {
		const sel = document.querySelector("#dispatch select[name=team_id]");
		for (const o of sel.options) {
			if (!o.value) continue;
			sel.value = o.value;
			sel.dispatchEvent(new Event("change", { bubbles: true }));
			if (document.querySelector("#dispatch .techs-pick input:checked") && document.querySelector("#dispatch select[name=bay_id]").value) return o.value;
			document.querySelectorAll("#dispatch .techs-pick input:checked").forEach((b) => (b.checked = false));
		}
		return "";
	})()`)
	if team == "" {
		t.Fatal("no team could be dispatched with a free bay")
	}
	bay := livetest.Eval[string](t, ctx, `document.querySelector("#dispatch select[name=bay_id]").value`)
	tech := livetest.Eval[string](t, ctx, `document.querySelector("#dispatch .techs-pick input:checked").value`)
	livetest.Screenshot(t, ctx, "desk-dispatch")
	livetest.Eval[bool](t, ctx, `(document.querySelector("#do-dispatch").click(), true)`)
	w := eventually(t, ls, "/api/v1/workshop", "the dispatched job", func(w workshopView) bool {
		for _, q := range w.Queue {
			if q.Job.ID == job {
				return false
			}
		}
		return true
	})
	found := false
	for _, js := range w.Jobs {
		if js.Job.ID == job {
			found = true
			if js.Job.Stage != "dispatched" || js.Job.BayID != bay || js.Job.TeamID != team || len(js.Job.TechIDs) != 1 || js.Job.TechIDs[0] != tech {
				t.Errorf("the job is %+v, want dispatched to bay %s, team %s, technician %s", js.Job, bay, team, tech)
			}
		}
	}
	if !found {
		t.Fatalf("job %s is not in the workshop", job)
	}
	// The page shows it on its bay and no longer in the queue.
	livetest.WaitFor(t, ctx, "the bay taken", `[...document.querySelectorAll("#bays tr")].some((r) => r.dataset.bay === `+quote(bay)+` && r.classList.contains("bay-busy")) && ![...document.querySelectorAll("#queue tr")].some((r) => r.dataset.job === `+quote(job)+`)`, 10*time.Second)
	// Chosen on its bay, the car can go back to the queue.
	livetest.Eval[bool](t, ctx, `([...document.querySelectorAll("#bays tr")].find((r) => r.dataset.job === `+quote(job)+`).click(), true)`)
	livetest.WaitFor(t, ctx, "the job's form with undispatch", `document.querySelector("#dispatch")?.dataset.job === `+quote(job)+` && !!document.getElementById("undispatch")`, 5*time.Second)
	livetest.Eval[bool](t, ctx, `(document.getElementById("undispatch").click(), true)`)
	eventually(t, ls, "/api/v1/workshop", "the job back in the queue", func(w workshopView) bool {
		for _, q := range w.Queue {
			if q.Job.ID == job {
				return true
			}
		}
		return false
	})
	livetest.WaitFor(t, ctx, "the queue again", `[...document.querySelectorAll("#queue tr")].some((r) => r.dataset.job === `+quote(job)+`)`, 10*time.Second)
}

// The KPI page shows the figures of /api/v1/kpis for the period it shows,
// for each preset, and draws its gauges and per-technician and per-bay
// bars as SVG.
func TestTheKPIPageShowsThePeriodsFigures(t *testing.T) {
	ls := startShop(t, livetest.Options{Demo: true})
	// The cars ready in the demo are handed over, so that the period has
	// deliveries with technicians' hours.
	var ready []struct {
		Job struct {
			ID string `json:"id"`
		} `json:"job"`
	}
	ls.Get("/api/v1/jobs?stage=ready", &ready)
	if len(ready) == 0 {
		t.Fatal("the demo has no car ready")
	}
	// The first had its promised time agreed anew, and comes back for the
	// same fault after delivery: the period has a re-agreed time and a
	// comeback for the page to show as the API counts them.
	first := ready[0].Job.ID
	ls.Command(map[string]any{"type": "agree_promise", "job_id": first, "promised_at": time.Now().Add(30 * time.Hour).Format(time.RFC3339),
		"reason": "等待配件 waiting for a part", "consent": map[string]any{"via": "phone"}})
	for _, r := range ready {
		ls.Command(map[string]any{"type": "deliver", "job_id": r.Job.ID, "work_shown": true, "old_parts_shown": true, "car_clean": true,
			"seat_restored": true, "explanation": "按估价结算", "paid": 0, "payment_method": "account"})
	}
	ls.Command(map[string]any{"type": "reopen_comeback", "job_id": first, "requests": "刹车仍有异响 the noise is back",
		"promised_at": time.Now().Add(6 * time.Hour).Format(time.RFC3339), "mileage_km": 30500})
	ctx := livetest.Browser(t, 1366, 768)
	signIn(t, ctx, ls, "manager", "/desk/kpis")
	show := func(preset string) {
		livetest.Eval[bool](t, ctx, `(document.getElementById("figures").dataset.from = "", document.getElementById(`+quote(preset)+`).click(), true)`)
		livetest.WaitFor(t, ctx, "the figures", `!!document.getElementById("figures").dataset.from && document.querySelectorAll("#figures .tile").length >= 12`, 10*time.Second)
	}
	for _, preset := range []string{"days30", "days7", "today"} {
		show(preset)
		from := livetest.Eval[string](t, ctx, `document.getElementById("figures").dataset.from`)
		to := livetest.Eval[string](t, ctx, `document.getElementById("figures").dataset.to`)
		kpis := func() map[string]any {
			var k map[string]any
			ls.Get("/api/v1/kpis?from="+url.QueryEscape(from)+"&to="+url.QueryEscape(to), &k)
			return k
		}
		// Time in a stage counts up to now, so figures of hours move: the
		// page's reading is taken between two of the API's, and must lie
		// between them.
		before := kpis()
		show(preset)
		shown := livetest.Eval[map[string]string](t, ctx, `Object.fromEntries([...document.querySelectorAll("#figures .tile")].map((n) => [n.dataset.kpi, n.dataset.value]))`)
		texts := livetest.Eval[map[string]string](t, ctx, `Object.fromEntries([...document.querySelectorAll("#figures .tile")].map((n) => [n.dataset.kpi, n.querySelector(".figure").textContent]))`)
		k := kpis()
		for name, v := range shown {
			want, ok := k[name].(float64)
			first, _ := before[name].(float64)
			if !ok {
				t.Errorf("%s: the page shows %s, which the API does not have", preset, name)
				continue
			}
			var got float64
			fmt.Sscan(v, &got)
			lo, hi := min(first, want), max(first, want)
			if got < lo-1e-6-1e-3*math.Abs(lo) || got > hi+1e-6+1e-3*math.Abs(hi) {
				t.Errorf("%s: %s shows %v, the API said %v before and %v after", preset, name, got, first, want)
			}
			switch name {
			case "parts_wait_hours", "delivered", "bay_utilisation", "re_agreed", "comebacks":
			case "csi": // 0–100, not a fraction
				if p, q := fmt.Sprintf("%.1f", first), fmt.Sprintf("%.1f", want); texts[name] != p && texts[name] != q {
					t.Errorf("%s: csi reads %q, want %q", preset, texts[name], q)
				}
			default:
				if p, q := fmt.Sprintf("%.1f%%", 100*first), fmt.Sprintf("%.1f%%", 100*want); texts[name] != p && texts[name] != q {
					t.Errorf("%s: %s reads %q, want %q", preset, name, texts[name], q)
				}
			}
		}
		if len(shown) < 12 {
			t.Errorf("%s: only %d figures shown", preset, len(shown))
		}
		if shown["re_agreed"] == "" || shown["comebacks"] == "" || shown["comeback_rate"] == "" || k["re_agreed"].(float64) < 1 || k["comebacks"].(float64) < 1 {
			t.Errorf("%s: the re-agreed time and the comeback: page %q %q %q, API %v %v", preset, shown["re_agreed"], shown["comebacks"], shown["comeback_rate"], k["re_agreed"], k["comebacks"])
		}
		gauges := livetest.Eval[int](t, ctx, `document.querySelectorAll("#figures svg.gauge").length`)
		if gauges < 10 {
			t.Errorf("%s: %d gauges drawn", preset, gauges)
		}
		techs, _ := k["technicians"].([]any)
		bays, _ := k["bays"].([]any)
		if n := livetest.Eval[int](t, ctx, `document.querySelectorAll("#chart-techs svg .bar").length`); n != len(techs) {
			t.Errorf("%s: %d technician bars for %d technicians", preset, n, len(techs))
		}
		if n := livetest.Eval[int](t, ctx, `document.querySelectorAll("#chart-bays svg .bar").length`); n != len(bays) {
			t.Errorf("%s: %d bay bars for %d bays", preset, n, len(bays))
		}
		if preset == "days30" {
			if len(techs) == 0 || len(bays) == 0 || k["delivered"].(float64) < float64(len(ready)) {
				t.Errorf("the demo's last 30 days have no technician or bay figures: %v", k)
			}
			livetest.Screenshot(t, ctx, "desk-kpis")
		}
	}
}
