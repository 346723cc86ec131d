package web

import (
	"encoding/json"
	"strings"
	"testing"

	"bayboard/internal/shop"
)

func TestKPIsAndExports(t *testing.T) {
	ts := newTestShop(t)
	adv := ts.tokens[shop.RoleAdvisor]
	for _, cmd := range []string{
		`{"type":"submit","job_id":"20261123-0001"}`,
		`{"type":"cancel","job_id":"20261123-0001","reason":"客户改期"}`,
	} {
		if r := ts.call(t, nil, "POST", "/api/v1/commands", adv, cmd); r.status != 200 {
			t.Fatalf("%s: %d %s", cmd, r.status, r.body)
		}
	}
	r := ts.call(t, nil, "GET", "/api/v1/kpis?from=2026-11-23&to=2026-11-23", adv, nil)
	var k shop.KPIs
	r.json(t, &k)
	if r.status != 200 || k.Opened != 1 || k.Delivered != 0 {
		t.Errorf("kpis: %d %s", r.status, r.body)
	}
	if r := ts.call(t, nil, "GET", "/api/v1/kpis?from=2026-11-30&to=2026-11-01", adv, nil); r.status != 400 || r.problem(t).Errors[0].Field != "to" {
		t.Errorf("backwards period: %d %s", r.status, r.body)
	}
	if r := ts.call(t, nil, "GET", "/api/v1/kpis", ts.tokens[shop.RoleWasher], nil); r.status != 403 {
		t.Errorf("washer reading KPIs: %d", r.status)
	}
	mgr := ts.tokens[shop.RoleManager]
	csv := ts.call(t, nil, "GET", "/api/v1/export/jobs.csv?from=2026-11-23&to=2026-11-23", mgr, nil)
	lines := strings.Split(strings.TrimSpace(string(csv.body)), "\n")
	if csv.status != 200 || len(lines) != 2 || !strings.HasPrefix(lines[0], "\ufeffjob,stage") || !strings.Contains(lines[1], "京A·12345") || !strings.Contains(lines[1], "cancelled") {
		t.Errorf("jobs.csv: %d\n%s", csv.status, csv.body)
	}
	ev := ts.call(t, nil, "GET", "/api/v1/export/events.json?from=2026-11-23&to=2026-11-23", mgr, nil)
	var evs []shop.Event
	if err := json.Unmarshal(ev.body, &evs); err != nil || len(evs) < 3 {
		t.Errorf("events.json: %v %d", err, len(evs))
	}
	js := ts.call(t, nil, "GET", "/api/v1/export/jobs.json?from=2026-11-22&to=2026-11-22", mgr, nil)
	if js.status != 200 || strings.TrimSpace(string(js.body)) != "[]" {
		t.Errorf("jobs.json of an empty day: %s", js.body)
	}
}
