package board_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"bayboard/board"
	"bayboard/internal/demo"
	"bayboard/internal/shop"

	"github.com/chromedp/chromedp"
)

// The busiest shop the boards are built for: 30 bays, 35 cars in, 25
// bookings today and tomorrow.
const (
	busyBays     = 30
	busyCars     = 35
	busyBookings = 25
)

// busyShop fills the demo shop up to the busiest day through the
// engine's commands, as the desk and the floor would: bays put up, cars
// received (some of them dispatched onto the new bays and clocked on),
// bookings taken. Plates with wide letters (W, M) are among them.
func busyShop(t *testing.T, ls *liveServer) (noted string) {
	t.Helper()
	ctx := context.Background()
	eng := ls.Engine
	as := shop.Actor{UserID: demo.ManagerID, Roles: []shop.Role{shop.RoleManager}}
	do := func(c shop.Command) shop.Event {
		t.Helper()
		ev, err := eng.Do(ctx, as, c)
		if err != nil {
			t.Fatalf("%s: %v", c.CommandType(), err)
		}
		return ev
	}
	st := eng.State()
	now := ls.Clock.Now()
	var newBays []string
	for n := len(st.Bays) + 1; n <= busyBays; n++ {
		kind, name := shop.BayGeneral, fmt.Sprintf("机修%d", n)
		if n%5 == 0 {
			kind, name = shop.BayBody, fmt.Sprintf("钣金%d", n)
		}
		newBays = append(newBays, do(&shop.PutBay{Bay: shop.Bay{Name: name, Kind: kind, Active: true}}).Subject)
	}
	var labour []shop.Labour
	for _, j := range st.OpenJobs() {
		if len(j.Labour) > 0 {
			labour = j.Labour[:1]
			break
		}
	}
	wide := []string{"W", "M", "WM", "MW", "WW", "MM"}
	customer := func(i int) (string, string) {
		cu := do(&shop.PutCustomer{Customer: shop.Customer{Name: fmt.Sprintf("忙碌客户%d", i), Phone: fmt.Sprintf("139%08d", 10000+i)}}).Subject
		serial := fmt.Sprintf("%d%s", 100+i, wide[i%len(wide)])
		for len(serial) < 5 {
			serial = "8" + serial
		}
		ve := do(&shop.PutVehicle{Vehicle: shop.Vehicle{CustomerID: cu, Plate: "京W·" + serial[len(serial)-5:], Model: "途胜L Tucson L"}}).Subject
		return cu, ve
	}
	open := len(st.Workshop(now).Jobs)
	techs := []string{"tech-5", "tech-6", "tech-7", "tech-8", "tech-9"}
	for i := 0; open < busyCars; i++ {
		cu, ve := customer(i)
		ev := do(&shop.OpenJob{CustomerID: cu, VehicleID: ve, Estimate: shop.Estimate{Requests: "常规保养 Regular service", Labour: labour,
			PromisedAt: now.Add(time.Duration(2+i%4) * time.Hour).Truncate(15 * time.Minute), Wash: true,
			WalkAround: shop.WalkAround{MileageKM: 30000 + i*1000, FuelPercent: 50}}})
		open++
		if i < 2 {
			continue // they stay at reception
		}
		do(&shop.Submit{JobRef: shop.JobRef{JobID: ev.Subject}})
		if i-2 < len(newBays) {
			tech := techs[i%len(techs)]
			do(&shop.Dispatch{JobID: ev.Subject, TeamID: "team-2", TechIDs: []string{tech}, BayID: newBays[i-2]})
			if i == 2 {
				// A short note shows whole on the board, a long one (the
				// demo's) leaves the reason alone.
				do(&shop.ClockOn{TechRef: shop.TechRef{JobID: ev.Subject, TechID: tech}})
				do(&shop.Pause{JobID: ev.Subject, Reason: shop.PauseOther, Note: busyNote})
				noted = ev.Subject
			}
		}
	}
	for day, n := 0, 0; appointmentsAround(eng.State(), now) < busyBookings; n++ {
		cu, ve := customer(100 + n)
		opens := time.Date(now.Year(), now.Month(), now.Day(), 9, 0, 0, 0, now.Location()).AddDate(0, 0, 1+day)
		do(&shop.BookAppointment{At: opens.Add(time.Duration(n) * 20 * time.Minute), CustomerID: cu, VehicleID: ve,
			Requested: "更换机油机滤 Oil and filter change", AdvisorID: "user-3"})
	}
	return noted
}

// busyNote is a technician's short note on a paused car.
const busyNote = "等 10:30 的车"

// appointmentsAround counts the bookings of today and tomorrow, as the
// appointment board shows them.
func appointmentsAround(st *shop.State, now time.Time) int {
	local := now.In(st.Loc)
	today := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, st.Loc)
	n := 0
	for _, ap := range st.Appointments {
		if !ap.At.Before(today) && ap.At.Before(today.AddDate(0, 0, 2)) && ap.Status != shop.ApptCancelled {
			n++
		}
	}
	return n
}

// layoutAudit looks at every piece of visible text on the page: the
// smallest font size, any text cell whose text is wider or taller than
// its box (scrollWidth past clientWidth: cut or overflowing), and any
// text outside the screen or outside a box that clips it (a row
// half-cut at the bottom).
const layoutAudit = `(() => {
  const out = { minFont: 1e9, minAt: "", cut: [], outside: [] };
  const clips = (e) => { const s = getComputedStyle(e); return s.overflowX !== "visible" || s.overflowY !== "visible"; };
  const seen = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n; (n = walker.nextNode()); ) {
    const text = n.textContent.trim();
    const e = n.parentElement;
    if (!text || !e || e.closest("[hidden]")) continue;
    const style = getComputedStyle(e);
    if (style.display === "none" || style.visibility === "hidden" || style.opacity === "0") continue;
    const range = document.createRange();
    range.selectNodeContents(n);
    const r = range.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    const fs = parseFloat(style.fontSize);
    if (fs < out.minFont) { out.minFont = fs; out.minAt = (e.className || e.tagName) + ": " + text.slice(0, 40); }
    // A line box is taller than the glyphs drawn in it (a CJK font's
    // ascent and descent): vertically, the glyphs' core must show.
    const top = r.top + r.height / 2 - fs * 0.35, bottom = r.top + r.height / 2 + fs * 0.35;
    if (r.left < -1 || top < 0 || r.right > innerWidth + 1 || bottom > innerHeight) out.outside.push(text.slice(0, 40) + " off the screen");
    for (let a = e; a && a !== document.body; a = a.parentElement) {
      if (!seen.has(a)) {
        seen.add(a);
        if (a.scrollWidth > a.clientWidth + 1 && getComputedStyle(a).display !== "inline")
          out.cut.push((a.className || a.tagName) + ": " + a.textContent.trim().slice(0, 40) + " (" + a.scrollWidth + " > " + a.clientWidth + ")");
      }
      if (clips(a)) {
        const b = a.getBoundingClientRect();
        if (r.left < b.left - 1 || r.right > b.right + 1 || top < b.top || bottom > b.bottom)
          out.outside.push(text.slice(0, 40) + " outside " + (a.className || a.tagName));
      }
    }
  }
  return out;
})()`

type audit struct {
	MinFont float64  `json:"minFont"`
	MinAt   string   `json:"minAt"`
	Cut     []string `json:"cut"`
	Outside []string `json:"outside"`
}

// At the shop's busiest, the three boards read from across the shop fit a
// 1920×1080 TV in both languages: no word under 28 px, no text cut or
// overflowing its cell, no row half-cut at the bottom; the workshop shows
// all 30 bays on one page, the lanes off the bays with their cars, and no
// technician holding a paused car among the free; the lounge shows at
// least 12 cars a page in the order it says; the appointment board shows
// the masked plates whole.
func TestTheBoardsReadFromAcrossABusyShop(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test")
	}
	ls := newLiveServer(t, true)
	noted := busyShop(t, ls)
	st := ls.Engine.State()
	w := st.Workshop(ls.Clock.Now())
	if len(w.Bays) != busyBays || len(w.Jobs) != busyCars || appointmentsAround(st, ls.Clock.Now()) != busyBookings {
		t.Fatalf("the busy shop has %d bays, %d cars, %d bookings", len(w.Bays), len(w.Jobs), appointmentsAround(st, ls.Clock.Now()))
	}
	ctx := browser(t, 1920, 1080)
	for _, view := range []string{board.ViewWorkshop, board.ViewLounge, board.ViewAppointments} {
		for _, lang := range []string{"zh-CN", "en"} {
			if err := chromedp.Do(ctx, chromedp.Navigate(ls.URL("/board/"+view+"?lang="+lang))); err != nil {
				t.Fatal(err)
			}
			waitFor(t, ctx, view+" drawn", drawn[view]+` && document.fonts.status === "loaded" && document.getElementById("clock").textContent !== "--:--"`, 10*time.Second)
			a := eval[audit](t, ctx, layoutAudit)
			t.Logf("%s (%s): smallest text %.1f px (%s)", view, lang, a.MinFont, a.MinAt)
			if a.MinFont < 28 {
				t.Errorf("%s (%s): text of %.1f px, under 28: %s", view, lang, a.MinFont, a.MinAt)
			}
			for _, c := range a.Cut {
				t.Errorf("%s (%s): cut or overflowing: %s", view, lang, c)
			}
			for _, o := range a.Outside {
				t.Errorf("%s (%s): %s", view, lang, o)
			}
			switch view {
			case board.ViewWorkshop:
				checkBusyWorkshop(t, ctx, w, lang)
				badge := eval[string](t, ctx, fmt.Sprintf(`document.querySelector('.bay-row[data-job=%q] .badge').textContent`, noted))
				// Whole where it fits (in Chinese); the reason alone where
				// it would not (in English, "Paused · 等 10:30 的车").
				if want := map[string]string{"zh-CN": "暂停 · " + busyNote, "en": "Paused"}[lang]; badge != want {
					t.Errorf("the workshop (%s) shows the paused car with a short note as %q, want %q", lang, badge, want)
				}
			case board.ViewLounge:
				if n := eval[int](t, ctx, `document.querySelectorAll(".lounge-row").length`); n < 12 {
					t.Errorf("the lounge (%s) shows %d cars a page, want at least 12", lang, n)
				}
				if eval[string](t, ctx, `document.querySelector(".legend .sorted").textContent`) == "" {
					t.Errorf("the lounge (%s) does not say its order", lang)
				}
			case board.ViewAppointments:
				plates := eval[[]string](t, ctx, `[...document.querySelectorAll(".appts .trow:not(.thead) .plate")].map((e) => e.textContent)`)
				masked := map[string]bool{}
				for _, v := range st.Vehicles {
					masked[shop.MaskPlate(v.Plate)] = true
				}
				for _, p := range plates {
					if !masked[p] || !strings.Contains(p, "*") {
						t.Errorf("the appointment board (%s) shows the plate %q, not a whole masked one", lang, p)
					}
				}
			}
			if lang == "zh-CN" {
				screenshot(t, ctx, "busy-"+view)
			} else {
				screenshot(t, ctx, "busy-"+view+"-en")
			}
		}
	}
	// At half past five most cars are promised or expected tomorrow: the
	// times with their day mark (+1 09:15) fit their cells too.
	ls.Clock.Advance(8 * time.Hour)
	if err := chromedp.Do(ctx, chromedp.Navigate(ls.URL("/board/workshop?lang=en"))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "the workshop at 17:30", drawn[board.ViewWorkshop]+` && document.fonts.status === "loaded" && document.getElementById("clock").textContent === "17:30"`, 10*time.Second)
	if n := eval[int](t, ctx, `[...document.querySelectorAll(".bay-row .when")].filter((e) => e.textContent.startsWith("+1 ")).length`); n == 0 {
		t.Error("no time on the workshop at 17:30 is tomorrow's: nothing to check")
	}
	a := eval[audit](t, ctx, layoutAudit)
	for _, c := range append(a.Cut, a.Outside...) {
		t.Errorf("workshop (en) at 17:30: %s", c)
	}
	screenshot(t, ctx, "busy-workshop-evening-en")
}

// checkBusyWorkshop checks the workshop board against the shop: every bay
// on the one page, each lane with its cars, and the free technicians
// without any who holds a paused car.
func checkBusyWorkshop(t *testing.T, ctx context.Context, w *shop.Workshop, lang string) {
	t.Helper()
	if n := eval[int](t, ctx, `document.querySelectorAll(".bays .bay-row").length`); n != busyBays {
		t.Errorf("the workshop (%s) shows %d bays on its page, want all %d", lang, n, busyBays)
	}
	lanes := eval[map[string][]string](t, ctx, `Object.fromEntries([...document.querySelectorAll(".lane")].map((l) => [l.dataset.lane, [...l.querySelectorAll(".row .plate-sm")].map((p) => p.textContent)]))`)
	for _, lane := range board.Lanes {
		var want []string
		for _, js := range w.Jobs {
			if js.Job.Stage == lane {
				want = append(want, shop.MaskPlate(js.Plate))
			}
		}
		got := lanes[string(lane)]
		slices.Sort(want)
		slices.Sort(got)
		if len(want) == 0 || !slices.Equal(got, want) {
			t.Errorf("the workshop's %s lane (%s) shows %v, want %v", lane, lang, got, want)
		}
	}
	free := eval[[]string](t, ctx, `[...document.querySelectorAll(".free .tech")].map((e) => e.textContent)`)
	holding := 0
	for _, js := range w.Jobs {
		if !js.Job.Stage.Paused() {
			continue
		}
		for _, name := range js.Techs {
			holding++
			if slices.Contains(free, name) {
				t.Errorf("the workshop (%s) lists %s free, who holds the paused car %s", lang, name, js.Plate)
			}
		}
	}
	if holding == 0 {
		t.Error("no technician holds a paused car in the busy shop: nothing to check")
	}
	if !slices.Equal(free, w.FreeTechs) {
		t.Errorf("the workshop (%s) lists %v free, the shop %v", lang, free, w.FreeTechs)
	}
}
