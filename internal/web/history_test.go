package web

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"bayboard/internal/shop"
)

// carWithHistory is a shop with a car (ve-1) that came once: its job
// delivered with a next service in a week and extra work declined; and a
// car (ve-2) never seen before.
func carWithHistory(ts *testShop) []shop.Command {
	next := t0.Add(7 * 24 * time.Hour)
	labourPrice := shop.Money(18000)
	job := "20261123-0001"
	tech := shop.TechRef{JobID: job, TechID: "tech-1"}
	return []shop.Command{
		&shop.PutTeam{Team: shop.Team{Name: "一组"}},
		&shop.PutTechnician{Technician: shop.Technician{Name: "李师傅", TeamID: "team-1", UserID: ts.users[shop.RoleTechnician], Active: true}},
		&shop.PutBay{Bay: shop.Bay{Name: "1号", Kind: shop.BayGeneral, Active: true}},
		&shop.PutCustomer{Customer: shop.Customer{Name: "张先生", Phone: "13812345678"}},
		&shop.PutVehicle{Vehicle: shop.Vehicle{CustomerID: "cu-1", Plate: "京A12345", Model: "Sonata"}},
		&shop.PutVehicle{Vehicle: shop.Vehicle{CustomerID: "cu-1", Plate: "京B23456", Model: "Tucson"}},
		&shop.OpenJob{CustomerID: "cu-1", VehicleID: "ve-1", AdvisorID: ts.users[shop.RoleAdvisor], Estimate: shop.Estimate{Requests: "保养", PromisedAt: t0.Add(3 * time.Hour),
			Labour: []shop.Labour{{Name: "更换机油", SoldHours: 1, Price: 20000}}, WalkAround: shop.WalkAround{MileageKM: 31000}}},
		&shop.Submit{JobRef: shop.JobRef{JobID: job}},
		&shop.Dispatch{JobID: job, TeamID: "team-1", TechIDs: []string{"tech-1"}, BayID: "bay-1"},
		&shop.ClockOn{TechRef: tech},
		&shop.ReportFinding{JobID: job, FindingInput: shop.FindingInput{Description: "前刹车片磨损", Hours: 1,
			Parts: []shop.PartLine{{Name: "刹车片", Quantity: 1, UnitPrice: 30000}}}},
		&shop.PriceFinding{FindingID: "fi-1", LabourPrice: &labourPrice, Send: true},
		&shop.DecideFinding{FindingID: "fi-1", Approve: false, Via: "phone"},
		&shop.Finish{TechRef: tech},
		&shop.QC{JobID: job, Step: shop.QCTeam, Pass: true},
		&shop.QC{JobID: job, Step: shop.QCFinal, Pass: true},
		&shop.Deliver{JobID: job, NextServiceAt: &next, NextServiceKM: 41000, Paid: 20000, PaymentMethod: "cash"},
	}
}

// The car's history over the API: its visit and the declined work, read
// by the technician as by the desk and naming no customer; an unknown car
// is a 404, a car never seen an empty history.
func TestTheCarsHistoryOverTheAPI(t *testing.T) {
	ts := newTestShopSeeded(t, Options{}, carWithHistory)
	var h shop.VehicleHistory
	r := ts.call(t, nil, "GET", "/api/v1/vehicles/ve-1/history", ts.tokens[shop.RoleTechnician], nil)
	if r.status != http.StatusOK {
		t.Fatalf("history: %d %s", r.status, r.body)
	}
	for _, contact := range []string{"张先生", "13812345678"} {
		if strings.Contains(string(r.body), contact) {
			t.Errorf("the technician's history names the customer: %s", r.body)
		}
	}
	r.json(t, &h)
	if len(h.Visits) != 1 || h.Visits[0].JobID != "20261123-0001" || h.Visits[0].MileageKM != 31000 || h.Visits[0].Advisor != "advisor" ||
		len(h.Visits[0].Labour) != 1 || h.Visits[0].Stage != shop.StageDelivered {
		t.Errorf("visits: %+v", h.Visits)
	}
	if len(h.Recommendations) != 1 || h.Recommendations[0].FindingID != "fi-1" || h.Recommendations[0].LabourPrice != 18000 {
		t.Errorf("recommendations: %+v", h.Recommendations)
	}
	if h.NextService == nil || h.NextService.KM != 41000 || h.ServiceDueAt == nil {
		t.Errorf("next service: %+v due %v", h.NextService, h.ServiceDueAt)
	}

	r = ts.call(t, nil, "GET", "/api/v1/vehicles/ve-2/history", ts.tokens[shop.RoleAdvisor], nil)
	if r.status != http.StatusOK || !strings.Contains(string(r.body), `"visits":[]`) || !strings.Contains(string(r.body), `"recommendations":[]`) {
		t.Errorf("a car never seen: %d %s", r.status, r.body)
	}
	r = ts.call(t, nil, "GET", "/api/v1/vehicles/ve-9/history", ts.tokens[shop.RoleAdvisor], nil)
	if p := r.problem(t); r.status != http.StatusNotFound || p.Code != "not_found" {
		t.Errorf("an unknown car: %d %+v", r.status, p)
	}
}

// Recording, closing and taking recommendations over the API: each
// refusal names its field or says why, and changes nothing.
func TestRecommendationsOverTheAPI(t *testing.T) {
	ts := newTestShopSeeded(t, Options{}, carWithHistory)
	cmd := func(role shop.Role, body string) response {
		return ts.call(t, nil, "POST", "/api/v1/commands", ts.tokens[role], body)
	}
	before := ts.store.LastSeq()
	if r := cmd(shop.RoleTechnician, `{"type":"record_recommendation","vehicle_id":"ve-1","description":"轮胎"}`); r.status != http.StatusForbidden {
		t.Errorf("the floor without a job: %d %s", r.status, r.body)
	}
	if r := cmd(shop.RoleAdvisor, `{"type":"record_recommendation","vehicle_id":"ve-1","description":""}`); r.status != http.StatusBadRequest || r.problem(t).Errors[0].Field != "description" {
		t.Errorf("no description: %d %s", r.status, r.body)
	}
	if r := cmd(shop.RoleAdvisor, `{"type":"close_recommendation","recommendation_id":"re-1","status":"done"}`); r.status != http.StatusBadRequest || r.problem(t).Errors[0].Field != "reason" {
		t.Errorf("closed without a reason: %d %s", r.status, r.body)
	}
	if ts.store.LastSeq() != before {
		t.Errorf("refusals changed the log")
	}
	if r := cmd(shop.RoleAdvisor, `{"type":"record_recommendation","vehicle_id":"ve-1","description":"轮胎花纹 3 mm","hours":0.5,"labour_price":5000,"safety":true}`); r.status != http.StatusOK {
		t.Fatalf("advisor records: %d %s", r.status, r.body)
	}
	r := cmd(shop.RoleAdvisor, `{"type":"open_job","customer_id":"cu-1","vehicle_id":"ve-1","requests":"刹车","promised_at":"2026-11-23T15:00:00Z","recommendation_ids":["re-1","re-9"]}`)
	if p := r.problem(t); r.status != http.StatusBadRequest || p.Errors[0].Field != "recommendation_ids[1]" {
		t.Errorf("an unknown recommendation taken: %d %+v", r.status, p)
	}
	r = cmd(shop.RoleAdvisor, `{"type":"open_job","customer_id":"cu-1","vehicle_id":"ve-1","requests":"刹车","promised_at":"2026-11-23T15:00:00Z","recommendation_ids":["re-1"],
		"labour":[{"name":"前刹车片磨损","sold_hours":1,"price":18000}],"parts":[{"name":"刹车片","quantity":1,"unit_price":30000}]}`)
	if r.status != http.StatusOK {
		t.Fatalf("the next visit takes re-1: %d %s", r.status, r.body)
	}
	var h shop.VehicleHistory
	ts.call(t, nil, "GET", "/api/v1/vehicles/ve-1/history", ts.tokens[shop.RoleTeamLeader], nil).json(t, &h)
	if len(h.Recommendations) != 1 || h.Recommendations[0].ID != "re-2" || len(h.Visits) != 1 {
		t.Errorf("after the next visit opened: %+v, %d visits (the open job is not history)", h.Recommendations, len(h.Visits))
	}
	if r := cmd(shop.RoleAdvisor, `{"type":"close_recommendation","recommendation_id":"re-1","status":"done","reason":"x"}`); r.status != http.StatusConflict {
		t.Errorf("closing a taken one: %d %s", r.status, r.body)
	}
}

// The follow-up desk's reminder calls: the car due in a week, with the
// customer's phone for the follow-up clerk and without for the floor;
// once called, it is off the list.
func TestServiceRemindersOverTheAPI(t *testing.T) {
	ts := newTestShopSeeded(t, Options{}, carWithHistory)
	var due []serviceReminder
	ts.call(t, nil, "GET", "/api/v1/service-reminders", ts.tokens[shop.RoleFollowUp], nil).json(t, &due)
	if len(due) != 1 || due[0].Vehicle.ID != "ve-1" || due[0].Phone != "13812345678" || due[0].Customer != "张先生" || due[0].By != "date" {
		t.Fatalf("due for the follow-up clerk: %+v", due)
	}
	ts.call(t, nil, "GET", "/api/v1/service-reminders", ts.tokens[shop.RoleTechnician], nil).json(t, &due)
	if len(due) != 1 || due[0].Phone != "" || due[0].Customer != "" {
		t.Errorf("due for the floor: %+v", due)
	}
	if r := ts.call(t, nil, "POST", "/api/v1/commands", ts.tokens[shop.RoleFollowUp], `{"type":"record_service_reminder","vehicle_id":"ve-1","notes":"下周来"}`); r.status != http.StatusOK {
		t.Fatalf("called: %d %s", r.status, r.body)
	}
	r := ts.call(t, nil, "GET", "/api/v1/service-reminders", ts.tokens[shop.RoleFollowUp], nil)
	if string(r.body) != "[]" {
		t.Errorf("after the call: %s", r.body)
	}
}
