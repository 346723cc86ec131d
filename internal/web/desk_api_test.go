package web

import (
	"net/url"
	"testing"
	"time"

	"bayboard/internal/shop"
)

// The desk's joined reads: colleagues by name, today's and tomorrow's
// appointments with their names, a plate or phone found with its owner,
// open job and booking, and the customer's phone on a job and a follow-up.
func TestDeskReads(t *testing.T) {
	ts := newTestShop(t)
	adv := ts.tokens[shop.RoleAdvisor]
	for _, cmd := range []map[string]any{
		{"type": "put_customer", "customer": map[string]any{"name": "李女士", "phone": "13900001111", "key_customer": true}},
		{"type": "put_vehicle", "vehicle": map[string]any{"customer_id": "cu-2", "plate": "京B·67890", "model": "Tucson"}},
		{"type": "book_appointment", "at": t0.Add(2 * time.Hour), "customer_id": "cu-2", "vehicle_id": "ve-2", "requested": "换机油", "advisor_id": ts.users[shop.RoleAdvisor]},
		{"type": "book_appointment", "at": t0.Add(20 * time.Hour), "customer_id": "cu-2", "vehicle_id": "ve-2", "requested": "四轮定位"},
		{"type": "book_appointment", "at": t0.Add(60 * time.Hour), "customer_id": "cu-2", "vehicle_id": "ve-2", "requested": "later"},
		{"type": "put_customer", "customer": map[string]any{"name": "赵先生", "phone": "13700002222"}},
	} {
		if r := ts.call(t, nil, "POST", "/api/v1/commands", adv, cmd); r.status != 200 {
			t.Fatalf("%v: %d %s", cmd, r.status, r.body)
		}
	}

	var staff []staffMember
	r := ts.call(t, nil, "GET", "/api/v1/staff", adv, nil)
	r.json(t, &staff)
	if r.status != 200 || len(staff) != len(shop.Roles) {
		t.Errorf("staff: %d %s", r.status, r.body)
	}

	var appts struct {
		Today, Tomorrow string
		Appointments    []deskAppointment
	}
	r = ts.call(t, nil, "GET", "/api/v1/desk/appointments", adv, nil)
	r.json(t, &appts)
	// t0 is 17:00 in Beijing: +2 h is today, +20 h tomorrow, +60 h later.
	if appts.Today != "2026-11-23" || appts.Tomorrow != "2026-11-24" || len(appts.Appointments) != 2 {
		t.Fatalf("desk appointments: %s", r.body)
	}
	a := appts.Appointments[0]
	if a.Day != "2026-11-23" || a.Plate != "京B·67890" || a.Customer != "李女士" || a.Phone != "13900001111" || !a.Key || a.Advisor != string(shop.RoleAdvisor) {
		t.Errorf("first appointment: %+v", a)
	}
	if b := appts.Appointments[1]; b.Day != "2026-11-24" || b.Advisor != "" {
		t.Errorf("second appointment: %+v", b)
	}

	for _, c := range []struct {
		q     string
		plate string
		job   string
		appt  bool
	}{
		{"12345", "京A·12345", "20261123-0001", false},
		{"京b67890", "京B·67890", "", true},
		{"1390000", "京B·67890", "", true},
		{"赵", "", "", false},
	} {
		var hits []lookupHit
		r := ts.call(t, nil, "GET", "/api/v1/desk/lookup?q="+url.QueryEscape(c.q), adv, nil)
		r.json(t, &hits)
		if r.status != 200 || len(hits) != 1 {
			t.Errorf("lookup %q: %d %s", c.q, r.status, r.body)
			continue
		}
		h := hits[0]
		if c.plate == "" {
			if h.Vehicle != nil || h.Customer == nil || h.Customer.Name != "赵先生" {
				t.Errorf("lookup %q: %s", c.q, r.body)
			}
			continue
		}
		if h.Vehicle.Plate != c.plate || h.OpenJob != c.job || (h.Appointment != nil) != c.appt {
			t.Errorf("lookup %q: %s", c.q, r.body)
		}
		if c.appt && h.Appointment.Requested != "换机油" {
			t.Errorf("lookup %q gives the appointment %q, want the next one", c.q, h.Appointment.Requested)
		}
	}
	// The desk's lookup and the vehicle search read a plate by one key:
	// however its groups are written apart, it is the same plate.
	for _, q := range []string{"京a.123 45", "京A・12345", "a·123-45"} {
		var hits []lookupHit
		ts.call(t, nil, "GET", "/api/v1/desk/lookup?q="+url.QueryEscape(q), adv, nil).json(t, &hits)
		var vehicles []shop.Vehicle
		ts.call(t, nil, "GET", "/api/v1/vehicles?plate="+url.QueryEscape(q), adv, nil).json(t, &vehicles)
		if len(hits) != 1 || hits[0].Vehicle == nil || hits[0].Vehicle.Plate != "京A·12345" || len(vehicles) != 1 || vehicles[0].Plate != "京A·12345" {
			t.Errorf("plate %q: desk lookup %+v, vehicle search %+v", q, hits, vehicles)
		}
	}
	if r := ts.call(t, nil, "GET", "/api/v1/desk/lookup?q=", adv, nil); r.status != 400 {
		t.Errorf("an empty lookup: %d", r.status)
	}
	if r := ts.call(t, nil, "GET", "/api/v1/desk/lookup?q=1", "", nil); r.status != 401 {
		t.Errorf("a lookup by nobody: %d", r.status)
	}

	var job struct{ Phone string }
	ts.call(t, nil, "GET", "/api/v1/jobs/20261123-0001", adv, nil).json(t, &job)
	if job.Phone != "13812345678" {
		t.Errorf("job phone %q", job.Phone)
	}
}
