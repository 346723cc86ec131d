package web_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"bayboard/internal/demo"
	"bayboard/internal/livetest"
	"bayboard/internal/shop"
)

// The booking page shows each slot's hours left where the booking would
// go, and warns before saving when the slot is full. The day is planned
// through the API: all but two technicians on leave, and a booking that
// takes the whole first slot.
func TestTheBookingPageShowsTheSlotsHoursAndWarnsWhenFull(t *testing.T) {
	ls := startShop(t, livetest.Options{Demo: true})
	loc := demo.Location()

	// A day next week the shop opens and can take work.
	var day string
	var c shop.Capacity
	for i := 3; i < 12 && day == ""; i++ {
		d := ls.Clock.Now().In(loc).AddDate(0, 0, i).Format(time.DateOnly)
		ls.Get("/api/v1/capacity?date="+d, &c)
		if c.Open && c.Limit == "" && len(c.Slots) >= 3 {
			day = d
		}
	}
	if day == "" {
		t.Fatal("no open day with capacity in the demo's next week")
	}
	var roster shop.Roster
	ls.Get("/api/v1/roster?date="+day, &roster)
	if len(roster.Technicians) < 3 {
		t.Fatalf("the demo has %d technicians", len(roster.Technicians))
	}
	var away []map[string]any
	for _, td := range roster.Technicians[2:] {
		away = append(away, map[string]any{"tech_id": td.TechID, "status": "leave"})
	}
	ls.Command(map[string]any{"type": "set_roster", "date": day, "technicians": away})
	ls.Get("/api/v1/capacity?date="+day, &c)
	first, second := c.Slots[0], c.Slots[1]
	if c.Technicians != 2 || first.Hours != 2*first.To.Sub(first.From).Hours() || first.Booked != 0 {
		t.Fatalf("the day with two technicians on duty: %+v", c)
	}
	var vehicles []shop.Vehicle
	ls.Get("/api/v1/vehicles", &vehicles)
	ls.Command(map[string]any{"type": "book_appointment", "at": first.From, "customer_id": vehicles[0].CustomerID,
		"vehicle_id": vehicles[0].ID, "requested": "钣金喷漆 body and paint", "hours": first.Hours})

	ctx := livetest.Browser(t, 1366, 900)
	wait := func(what, cond string) { t.Helper(); livetest.WaitFor(t, ctx, what, cond, 15*time.Second) }
	eval := func(js string) { t.Helper(); livetest.Eval[any](t, ctx, js) }
	ls.SignIn(ctx, "advisor1", demo.Password)
	livetest.Open(t, ctx, ls.URL("/desk/appointments"))
	wait("the booking form", `!!document.querySelector("form#book input[name=hours]")`)

	wall := func(tm time.Time) string { return tm.In(loc).Format("2006-01-02T15:04") }
	setAt := func(tm time.Time, hours string) {
		t.Helper()
		eval(`(() => { const f = document.querySelector("form#book");
			f.hours.value = ` + fmt.Sprintf("%q", hours) + `;
			f.at.value = ` + fmt.Sprintf("%q", wall(tm)) + `; f.at.dispatchEvent(new Event("change")); })()`)
	}
	// Half an hour into the full slot: the warning, before saving, and
	// the field for the reason.
	setAt(first.From.Add(30*time.Minute), "1.5")
	wait("the full slot's warning", `document.querySelector("#capacity-warning")?.textContent.includes("已约满") && !document.querySelector("#over-capacity").hidden`)
	warning := livetest.Eval[string](t, ctx, `document.querySelector("#capacity-warning").textContent`)
	span := first.From.In(loc).Format("15:04") + "–" + first.To.In(loc).Format("15:04")
	if !strings.Contains(warning, span) || !strings.Contains(warning, "剩 0.0 小时") || !strings.Contains(warning, "需要 1.5 小时") {
		t.Errorf("the warning says %q", warning)
	}
	chips := livetest.Eval[string](t, ctx, `[...document.querySelectorAll("#slot-capacity [data-slot]")].map(s => s.dataset.slot + ":" + s.className + ":" + s.textContent).join("|")`)
	wantSecond := fmt.Sprintf("剩 %.1f 小时", second.Hours)
	if !strings.Contains(chips, "0:flag red chosen:"+span[:5]) || !strings.Contains(chips, "已满") || !strings.Contains(chips, "1:flag green:") || !strings.Contains(chips, wantSecond) {
		t.Errorf("the slots read %q, want the first full and chosen, the second with %s", chips, wantSecond)
	}
	livetest.Screenshot(t, ctx, "desk-booking-slot-full")

	// The next slot has room: its hours left, and no warning.
	setAt(second.From, "1.5")
	wait("the next slot without a warning", `!document.querySelector("#capacity-warning") && document.querySelector("#slot-capacity .chosen")?.dataset.slot === "1"`)
	if txt := livetest.Eval[string](t, ctx, `document.querySelector("#slot-capacity").textContent`); strings.Contains(txt, "null") {
		t.Errorf("the capacity reads %q", txt)
	}
	if got := livetest.Eval[string](t, ctx, `document.querySelector("#slot-capacity .chosen").textContent`); !strings.Contains(got, wantSecond) {
		t.Errorf("the chosen slot reads %q, want %s", got, wantSecond)
	}
	if hidden := livetest.Eval[bool](t, ctx, `document.querySelector("#over-capacity").hidden`); !hidden {
		t.Error("the reason field shows for a booking that fits")
	}

	// The roster page shows the day as the controller left it; the
	// advisor reads it, and may not change it.
	livetest.Open(t, ctx, ls.URL("/desk/roster"))
	wait("the roster page", `!!document.querySelector("#roster form")`)
	eval(`(() => { const d = document.querySelector("#roster-date"); d.value = ` + fmt.Sprintf("%q", day) + `; d.dispatchEvent(new Event("change")); })()`)
	wait("the day's roster", `document.querySelector("#roster h2")?.textContent.startsWith(`+fmt.Sprintf("%q", day)+`)`)
	onDuty := livetest.Eval[int](t, ctx, `document.querySelectorAll("#roster input[value=on_duty]:checked").length`)
	onLeave := livetest.Eval[int](t, ctx, `document.querySelectorAll("#roster input[value=leave]:checked").length`)
	if onDuty != 2 || onLeave != len(roster.Technicians)-2 || livetest.Eval[int](t, ctx, `document.querySelectorAll("#roster input:not([disabled])").length`) != 0 {
		t.Errorf("the roster page: %d on duty, %d on leave, want 2 and %d, read-only", onDuty, onLeave, len(roster.Technicians)-2)
	}
	if got := livetest.Eval[string](t, ctx, `document.querySelector("#capacity-hours").textContent`); got != fmt.Sprintf("%.1f 小时", c.Hours) {
		t.Errorf("the roster page's capacity reads %q, want %.1f 小时", got, c.Hours)
	}
	if txt := livetest.Eval[string](t, ctx, `document.querySelector("#main").textContent`); strings.Contains(txt, "null") || strings.Contains(txt, "undefined") {
		t.Errorf("the roster page reads %q", txt)
	}
	livetest.Screenshot(t, ctx, "desk-roster")
}
