package web

import (
	"context"
	"strings"
	"testing"
	"time"

	"bayboard/internal/shop"
	"bayboard/kiosk"
)

// deliverJob takes an open job of the test shop through the floor to
// delivery, as the system.
func deliverJob(t *testing.T, ts *testShop, jobID string) {
	t.Helper()
	sys := shop.Actor{System: true}
	for _, c := range []shop.Command{
		&shop.Submit{JobRef: shop.JobRef{JobID: jobID}},
		&shop.Dispatch{JobID: jobID, TeamID: "team-1", TechIDs: []string{"tech-1"}, BayID: "bay-1"},
		&shop.ClockOn{TechRef: shop.TechRef{JobID: jobID, TechID: "tech-1"}},
		&shop.Finish{TechRef: shop.TechRef{JobID: jobID, TechID: "tech-1"}},
		&shop.QC{JobID: jobID, Step: shop.QCTeam, Pass: true},
		&shop.QC{JobID: jobID, Step: shop.QCFinal, Pass: true},
	} {
		if _, err := ts.eng.Do(context.Background(), sys, c); err != nil {
			t.Fatalf("%s: %v", c.CommandType(), err)
		}
	}
	j := ts.eng.State().Jobs[jobID]
	if _, err := ts.eng.Do(context.Background(), sys, &shop.Deliver{JobID: jobID, Paid: j.Total(), PaymentMethod: "cash"}); err != nil {
		t.Fatalf("deliver: %v", err)
	}
}

func surveyPath(ts *testShop, jobID string) string {
	link := kiosk.URLs{Base: "http://shop", Tokens: ts.qr}.Customer(ts.eng.State().Jobs[jobID])
	return "/api/v1/customer/" + link[strings.LastIndex(link, "/")+1:] + "/survey"
}

// A customer's link answers the survey of its own job, once; not another
// job's, not before delivery, not once revoked.
func TestTheCustomerAnswersTheSurveyThroughTheirLink(t *testing.T) {
	ts := newTestShopSeeded(t, Options{}, func(ts *testShop) []shop.Command {
		return append(testSeed(ts),
			&shop.PutVehicle{Vehicle: shop.Vehicle{CustomerID: "cu-1", Plate: "京B12345", Model: "Tucson"}},
			&shop.OpenJob{CustomerID: "cu-1", VehicleID: "ve-2", Estimate: shop.Estimate{Requests: "换胎", PromisedAt: t0.Add(5 * time.Hour),
				Labour: []shop.Labour{{Name: "换胎", SoldHours: 1, Price: 10000}}}})
	})
	first, second := "20261123-0001", "20261123-0002"
	good := `{"work":2,"charges":4,"advisor":4,"recommend":8,"comment":"刹车还是响"}`
	if r := ts.call(t, nil, "POST", surveyPath(ts, first), "", good); r.status != 409 {
		t.Errorf("a survey before delivery: %d %s", r.status, r.body)
	}
	deliverJob(t, ts, first)
	deliverJob(t, ts, second)
	path1, path2 := surveyPath(ts, first), surveyPath(ts, second)

	// Link 1 naming job 2 is refused, and job 2 keeps no answer.
	if r := ts.call(t, nil, "POST", path1, "", `{"job_id":"`+second+`","work":5,"charges":5,"advisor":5,"recommend":10}`); r.status != 403 || r.problem(t).Code != "bad_link" {
		t.Errorf("link 1 answering for job 2: %d %s", r.status, r.body)
	}
	if r := ts.call(t, nil, "POST", path1, "", `{"work":6,"charges":4,"advisor":4,"recommend":8}`); r.status != 400 || r.problem(t).Code != "invalid" {
		t.Errorf("a score of 6: %d %s", r.status, r.body)
	}
	if r := ts.call(t, nil, "POST", path1, "", `{"work":4,"charges":4,"wash":3,"advisor":4,"recommend":8}`); r.status != 400 {
		t.Errorf("a wash score for a car not washed: %d %s", r.status, r.body)
	}
	if ts.eng.State().Jobs[first].Survey != nil || ts.eng.State().Jobs[second].Survey != nil {
		t.Fatal("a refused answer was kept")
	}
	r := ts.call(t, nil, "POST", path1, "", good, "User-Agent", "phone")
	var v kiosk.CustomerView
	r.json(t, &v)
	if r.status != 200 || v.Survey == nil || v.Survey.Work != 2 || v.SurveyOpen {
		t.Fatalf("the answer: %d %s", r.status, r.body)
	}
	if ts.eng.State().Jobs[second].Survey != nil {
		t.Errorf("link 1's answer landed on job 2")
	}
	if fu := ts.eng.State().Jobs[first].FollowUp; fu == nil || !fu.ComplaintOpen || fu.Category != shop.ComplaintWorkmanship {
		t.Errorf("the low work score's complaint: %+v", fu)
	}
	h, _ := ts.store.JobHistory(first)
	if last := h[len(h)-1]; last.Type != "answer_survey" || !strings.HasPrefix(last.Device, "customer:") {
		t.Errorf("event: %+v", last)
	}
	again := ts.call(t, nil, "POST", path1, "", `{"work":5,"charges":5,"advisor":5,"recommend":10}`)
	if again.status != 409 || !strings.Contains(again.problem(t).Detail, "answered already") {
		t.Errorf("a second answer: %d %s", again.status, again.body)
	}
	if ts.eng.State().Jobs[first].Survey.Work != 2 {
		t.Errorf("a second answer changed the first")
	}

	// The follow-up desk lists the answer and the complaint.
	var desk struct {
		Complaints []struct {
			Overdue bool   `json:"overdue"`
			Owner   string `json:"owner"`
		} `json:"complaints"`
		Surveys []struct {
			JobID     string       `json:"job_id"`
			Survey    *shop.Survey `json:"survey"`
			Complaint bool         `json:"complaint_open"`
		} `json:"surveys"`
	}
	d := ts.call(t, nil, "GET", "/api/v1/follow-ups", ts.tokens[shop.RoleFollowUp], nil)
	d.json(t, &desk)
	if d.status != 200 || len(desk.Surveys) != 1 || desk.Surveys[0].JobID != first || !desk.Surveys[0].Complaint || len(desk.Complaints) != 1 || desk.Complaints[0].Overdue {
		t.Errorf("the follow-up desk: %d %s", d.status, d.body)
	}

	// The KPIs count it: scores 2, 4, 4 → mean 10/3 → (10/3 − 1) × 25.
	var k shop.KPIs
	day := t0.Format("2006-01-02")
	kr := ts.call(t, nil, "GET", "/api/v1/kpis?from="+day+"&to="+day, ts.tokens[shop.RoleManager], nil)
	kr.json(t, &k)
	if want := (10.0/3 - 1) * 25; kr.status != 200 || k.Surveys != 1 || k.CSI < want-1e-9 || k.CSI > want+1e-9 || len(k.CSIMonths) != 1 || k.ComplaintsByCategory[shop.ComplaintWorkmanship] != 1 {
		t.Errorf("the KPIs after one answer: %d %s", kr.status, kr.body)
	}

	// A revoked link answers nothing.
	ts.call(t, nil, "POST", "/api/v1/commands", ts.tokens[shop.RoleAdvisor], `{"type":"revoke_customer_link","job_id":"`+second+`"}`)
	if r := ts.call(t, nil, "POST", path2, "", `{"work":5,"charges":5,"advisor":5,"recommend":10}`); r.status != 403 || r.problem(t).Code != "bad_link" {
		t.Errorf("a revoked link: %d %s", r.status, r.body)
	}
	if ts.eng.State().Jobs[second].Survey != nil {
		t.Errorf("a revoked link's answer was kept")
	}

	// Three days on, the complaint is past its due time: flagged on the
	// follow-up desk and on the manager's notices, not the advisor's.
	ts.shopClock.advance(3 * 24 * time.Hour)
	d = ts.call(t, nil, "GET", "/api/v1/follow-ups", ts.tokens[shop.RoleFollowUp], nil)
	d.json(t, &desk)
	if len(desk.Complaints) != 1 || !desk.Complaints[0].Overdue {
		t.Errorf("the overdue complaint on the follow-up desk: %s", d.body)
	}
	overdue := func(role shop.Role) int {
		var list struct {
			Notices []shop.Notice `json:"notices"`
		}
		ts.call(t, nil, "GET", "/api/v1/notices", ts.tokens[role], nil).json(t, &list)
		n := 0
		for _, x := range list.Notices {
			if x.Kind == shop.NoticeComplaintOverdue && x.JobID == first {
				n++
			}
		}
		return n
	}
	if overdue(shop.RoleManager) != 1 || overdue(shop.RoleAdvisor) != 0 {
		t.Errorf("the escalation: manager %d, advisor %d; want 1 and 0", overdue(shop.RoleManager), overdue(shop.RoleAdvisor))
	}
}

// A week after delivery the job has left the live state, where the
// follow-up desk would see an answer: its page no longer offers the
// survey, and an answer is a clear 409, not a job not found, even while
// a longer customer link still opens the page.
func TestTheSurveyClosesAWeekAfterDelivery(t *testing.T) {
	ts := newTestShop(t)
	first := "20261123-0001"
	set := ts.eng.State().Settings
	set.CustomerLinkDays = 30
	if _, err := ts.eng.Do(context.Background(), shop.Actor{System: true}, &shop.SetSettings{Settings: set}); err != nil {
		t.Fatal(err)
	}
	deliverJob(t, ts, first)
	path := surveyPath(ts, first)
	view := func() kiosk.CustomerView {
		var v kiosk.CustomerView
		r := ts.call(t, nil, "GET", strings.TrimSuffix(path, "/survey"), "", nil)
		r.json(t, &v)
		if r.status != 200 {
			t.Fatalf("the customer's page: %d %s", r.status, r.body)
		}
		return v
	}
	if !view().SurveyOpen {
		t.Fatal("the survey is not open after delivery")
	}
	ts.shopClock.advance(shop.KeepClosed + time.Hour)
	// The next commit leaves the job out of the live state.
	if _, err := ts.eng.Do(context.Background(), shop.Actor{System: true}, &shop.SetSettings{Settings: set}); err != nil {
		t.Fatal(err)
	}
	if ts.eng.State().Jobs[first] != nil {
		t.Fatal("the job is still live a week after delivery")
	}
	if view().SurveyOpen {
		t.Error("the page offers the survey a week after delivery")
	}
	r := ts.call(t, nil, "POST", path, "", `{"work":5,"charges":5,"advisor":5,"recommend":10}`)
	if r.status != 409 || !strings.Contains(r.problem(t).Detail, "closed") {
		t.Errorf("an answer a week after delivery: %d %s", r.status, r.body)
	}
}
