package web

import (
	"net/url"
	"strings"
	"testing"

	"bayboard/internal/shop"
)

// The capacity and the roster through the API: a day's hours by bays and
// technicians, a booking's fit, the controller's roster and dispatch
// refusing a technician on leave.
func TestCapacityAndRosterAPI(t *testing.T) {
	ts := newTestShop(t)
	adv, ctl := ts.tokens[shop.RoleAdvisor], ts.tokens[shop.RoleController]
	capacity := func(query string) capacityAnswer {
		t.Helper()
		var c capacityAnswer
		r := ts.call(t, nil, "GET", "/api/v1/capacity?"+query, adv, nil)
		if r.status != 200 {
			t.Fatalf("capacity?%s: %d %s", query, r.status, r.body)
		}
		r.json(t, &c)
		return c
	}
	// Tomorrow (the test shop keeps UTC), 08:00–18:00: one bay, one technician.
	c := capacity("date=2026-11-24")
	if c.Date != "2026-11-24" || c.Hours != 10 || c.Technicians != 1 || c.BayHours != 10 || len(c.BayKinds) != 1 ||
		c.BayKinds[0].Kind != shop.BayGeneral || len(c.Slots) != 5 || c.Slots[0].Left != 2 || c.Limit != "" || c.Fit != nil {
		t.Fatalf("tomorrow's capacity: %+v", c)
	}
	book := map[string]any{"type": "book_appointment", "at": "2026-11-24T08:00:00Z", "customer_id": "cu-1", "vehicle_id": "ve-1", "requested": "钣金", "hours": 2}
	if r := ts.call(t, nil, "POST", "/api/v1/commands", adv, book); r.status != 200 {
		t.Fatalf("book: %d %s", r.status, r.body)
	}
	over := map[string]any{"type": "book_appointment", "at": "2026-11-24T08:30:00Z", "customer_id": "cu-1", "vehicle_id": "ve-1", "requested": "召回 recall",
		"hours": 0.5, "over_capacity": "厂家召回，客户只能早上来"}
	if r := ts.call(t, nil, "POST", "/api/v1/commands", adv, over); r.status != 200 {
		t.Fatalf("book over capacity: %d %s", r.status, r.body)
	}
	var list []shop.Appointment
	ts.call(t, nil, "GET", "/api/v1/appointments", adv, nil).json(t, &list)
	if len(list) != 2 || list[0].Hours != 2 || list[1].Hours != 0.5 || list[1].OverCapacity != "厂家召回，客户只能早上来" {
		t.Fatalf("the bookings keep their hours and reason: %+v", list)
	}
	c = capacity("date=2026-11-24&at=" + url.QueryEscape("2026-11-24T09:30:00Z") + "&hours=1")
	if !c.Slots[0].Full || c.Left != 7.5 || c.Over != 0 || c.Slots[1].Used != 0.5 || c.Fit == nil || c.Fit.Fits || c.Fit.Why != shop.FitSlotFull || c.Fit.Slot != 0 {
		t.Fatalf("a booking in a full slot: %+v %+v", c, c.Fit)
	}
	if c = capacity("at=" + url.QueryEscape("2026-11-24T10:00:00Z") + "&hours=1.5"); c.Date != "2026-11-24" || !c.Fit.Fits || c.Fit.Slot != 1 {
		t.Fatalf("a booking that fits (the date from at): %+v", c.Fit)
	}
	for _, q := range []string{"date=24.11.2026", "at=tomorrow", "at=" + url.QueryEscape("2026-11-24T10:00:00Z") + "&hours=-1"} {
		if r := ts.call(t, nil, "GET", "/api/v1/capacity?"+q, adv, nil); r.status != 400 {
			t.Errorf("capacity?%s: %d %s", q, r.status, r.body)
		}
	}

	// The roster is the controller's; the advisor reads it.
	leave := map[string]any{"type": "set_roster", "date": "2026-11-24", "technicians": []map[string]any{{"tech_id": "tech-1", "status": "leave"}}}
	if r := ts.call(t, nil, "POST", "/api/v1/commands", adv, leave); r.status != 403 {
		t.Fatalf("an advisor sets the roster: %d %s", r.status, r.body)
	}
	if r := ts.call(t, nil, "POST", "/api/v1/commands", ctl, leave); r.status != 200 {
		t.Fatalf("the controller sets the roster: %d %s", r.status, r.body)
	}
	var roster shop.Roster
	r := ts.call(t, nil, "GET", "/api/v1/roster?date=2026-11-24", adv, nil)
	r.json(t, &roster)
	if r.status != 200 || !roster.Open || len(roster.Technicians) != 1 || roster.Technicians[0].Status != shop.DutyLeave || !roster.Technicians[0].Recorded {
		t.Fatalf("the roster: %d %s", r.status, r.body)
	}
	if c = capacity("date=2026-11-24"); c.Limit != shop.LimitNoTechnicians || c.Hours != 0 || c.Technicians != 0 || !c.Full {
		t.Fatalf("capacity with the only technician on leave: %+v", c)
	}

	// On leave today, the technician is not dispatched.
	today := map[string]any{"type": "set_roster", "date": "2026-11-23", "technicians": []map[string]any{{"tech_id": "tech-1", "status": "leave"}}}
	if r := ts.call(t, nil, "POST", "/api/v1/commands", ctl, today); r.status != 200 {
		t.Fatalf("leave today: %d %s", r.status, r.body)
	}
	if r := ts.call(t, nil, "POST", "/api/v1/commands", adv, map[string]any{"type": "submit", "job_id": "20261123-0001"}); r.status != 200 {
		t.Fatalf("submit: %d %s", r.status, r.body)
	}
	r = ts.call(t, nil, "POST", "/api/v1/commands", ctl, map[string]any{"type": "dispatch", "job_id": "20261123-0001", "team_id": "team-1", "tech_ids": []string{"tech-1"}, "bay_id": "bay-1"})
	if r.status != 409 || !strings.Contains(string(r.body), `"field":"tech_ids[0]"`) || !strings.Contains(string(r.body), "is on leave today") {
		t.Fatalf("dispatch to a technician on leave: %d %s", r.status, r.body)
	}
}
