package web

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"bayboard/internal/shop"
)

// pdfText is the text pdftotext reads from a PDF.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	in := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(requireTool(t, "pdftotext"), "-enc", "UTF-8", in, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// The test shop's job is signed at ¥200.00; a finding of ¥500.00 is
// approved by phone; a new time is agreed. The estimate still prints the
// signed ¥200.00 as revision 1; revision 2 prints ¥700.00 with who agreed;
// the job's answer lists the revisions.
func TestTheEstimatePrintsTheSignedRevisionAfterAnApprovedFinding(t *testing.T) {
	ts := newTestShop(t)
	adv := ts.tokens[shop.RoleAdvisor]
	job := "20261123-0001"
	must := func(body string) {
		t.Helper()
		if r := ts.call(t, nil, "POST", "/api/v1/commands", adv, body); r.status >= 300 {
			t.Fatalf("%s: %d %s", body, r.status, r.body)
		}
	}
	must(`{"type":"submit","job_id":"` + job + `"}`)
	must(`{"type":"report_finding","job_id":"` + job + `","description":"前刹车片磨损","hours":1}`)
	must(`{"type":"price_finding","finding_id":"fi-1","labour_price":50000,"send":true}`)
	must(`{"type":"decide_finding","finding_id":"fi-1","approve":true,"via":"phone","who":"张太太"}`)
	later := t0.Add(6 * time.Hour).Format(time.RFC3339)
	must(`{"type":"agree_promise","job_id":"` + job + `","promised_at":"` + later + `","reason":"增项刹车片","consent":{"via":"phone"}}`)

	pdf := func(query string) string {
		r := ts.call(t, nil, "GET", "/api/v1/jobs/"+job+"/documents/estimate.pdf"+query, adv, nil)
		if r.status != 200 {
			t.Fatalf("estimate%s: %d %s", query, r.status, r.body)
		}
		return pdfText(t, r.body)
	}
	signed := pdf("")
	if !strings.Contains(signed, "¥200.00") || !strings.Contains(signed, "张先生") || strings.Contains(signed, "¥700.00") || strings.Contains(signed, "前刹车片磨损") ||
		!strings.Contains(signed, "第 1 版") || !strings.Contains(signed, "客户签字") {
		t.Errorf("the signed estimate after an approved finding:\n%s", signed)
	}
	if again := pdf("?revision=1"); !strings.Contains(again, "¥200.00") || strings.Contains(again, "¥700.00") {
		t.Errorf("revision 1 asked for by number:\n%s", again)
	}
	second := pdf("?revision=2&lang=en")
	if !strings.Contains(second, "¥700.00") || !strings.Contains(second, "Revision 2") || !strings.Contains(second, "Agreed by phone") ||
		!strings.Contains(second, "张太太") || !strings.Contains(second, "前刹车片磨损") {
		t.Errorf("revision 2:\n%s", second)
	}
	for _, q := range []string{"?revision=4", "?revision=x", "?revision=0"} {
		r := ts.call(t, nil, "GET", "/api/v1/jobs/"+job+"/documents/estimate.pdf"+q, adv, nil)
		if p := r.problem(t); r.status != 400 || len(p.Errors) == 0 || p.Errors[0].Field != "revision" {
			t.Errorf("estimate%s: %d %s", q, r.status, r.body)
		}
	}

	var got struct {
		Job struct {
			Revisions  []shop.Revision `json:"revisions"`
			PromisedAt time.Time       `json:"promised_at"`
		} `json:"job"`
	}
	ts.call(t, nil, "GET", "/api/v1/jobs/"+job, adv, nil).json(t, &got)
	revs := got.Job.Revisions
	if len(revs) != 3 || revs[0].Totals.Total != 20000 || revs[1].Totals.Total != 70000 || revs[1].Consent.Who != "张太太" ||
		revs[2].Kind != shop.RevisionPromise || revs[2].Reason != "增项刹车片" || !revs[2].PromisedAt.Equal(t0.Add(6*time.Hour)) {
		t.Errorf("the job's revisions: %+v", revs)
	}
}

// A car comes back for the same fault after its first job has left the
// live state (delivered more than a week ago): the job is read from the
// data file, its page offers the comeback to the advisor by the same
// rule as a live one, and the comeback opens linked to it. A client
// cannot hand the server a job of its own making: the field is not part
// of the command.
func TestACarComesBackAfterItsJobLeftTheLiveState(t *testing.T) {
	ts := newTestShop(t)
	job := "20261123-0001"
	sys := shop.Actor{System: true}
	tech := shop.TechRef{JobID: job, TechID: "tech-1"}
	for _, c := range []shop.Command{
		&shop.Submit{JobRef: shop.JobRef{JobID: job}},
		&shop.Dispatch{JobID: job, TeamID: "team-1", TechIDs: []string{"tech-1"}, BayID: "bay-1"},
		&shop.ClockOn{TechRef: tech},
		&shop.Finish{TechRef: tech},
		&shop.QC{JobID: job, Step: shop.QCTeam, Pass: true},
		&shop.QC{JobID: job, Step: shop.QCFinal, Pass: true},
		&shop.Deliver{JobID: job, Paid: 20000, PaymentMethod: "cash"},
	} {
		if _, err := ts.eng.Do(context.Background(), sys, c); err != nil {
			t.Fatalf("%s: %v", c.CommandType(), err)
		}
	}
	ts.shopClock.advance(shop.KeepClosed + 48*time.Hour)
	if _, err := ts.eng.Do(context.Background(), sys, &shop.PutCustomer{Customer: shop.Customer{Name: "李女士", Phone: "13900001111"}}); err != nil {
		t.Fatal(err)
	}
	if ts.eng.State().Jobs[job] != nil {
		t.Fatal("the delivered job is still in the live state nine days later")
	}
	may := func(role shop.Role) []string {
		var d struct{ May []string }
		r := ts.call(t, nil, "GET", "/api/v1/jobs/"+job, ts.tokens[role], nil)
		if r.status != 200 || json.Unmarshal(r.body, &d) != nil {
			t.Fatalf("GET the old job as %s: %d %s", role, r.status, r.body)
		}
		return d.May
	}
	if got := may(shop.RoleAdvisor); !slices.Contains(got, "reopen_comeback") {
		t.Errorf("the advisor may do %v on the old job, not reopen_comeback", got)
	}
	if got := may(shop.RoleTechnician); slices.Contains(got, "reopen_comeback") {
		t.Errorf("the technician is offered the comeback: %v", got)
	}
	promised := ts.shopClock.Now().Add(4 * time.Hour).Format(time.RFC3339)
	body := `{"type":"reopen_comeback","job_id":"` + job + `","requests":"刹车又响","promised_at":"` + promised + `","mileage_km":31000}`
	r := ts.call(t, nil, "POST", "/api/v1/commands", ts.tokens[shop.RoleAdvisor], body)
	if r.status != 200 {
		t.Fatalf("reopen_comeback of a job nine days old: %d %s", r.status, r.body)
	}
	var linked int
	for _, j := range ts.eng.State().Jobs {
		if j.ComebackOf == job && j.Stage == shop.StageReception {
			linked++
		}
	}
	if linked != 1 {
		t.Errorf("%d open comebacks linked to %s", linked, job)
	}
	// A job that never was comes back from nothing.
	r = ts.call(t, nil, "POST", "/api/v1/commands", ts.tokens[shop.RoleAdvisor],
		`{"type":"reopen_comeback","job_id":"20260101-0001","requests":"x","promised_at":"`+promised+`","mileage_km":1}`)
	if r.status != 404 {
		t.Errorf("a comeback of no job: %d %s", r.status, r.body)
	}
}

// The settlement the advisor prints lists the work recommended at this
// visit (a team leader's note) with the declined work for the customer to
// sign, and not a recommendation of another visit.
func TestTheSettlementListsWhatWasRecommendedAtTheVisit(t *testing.T) {
	ts := newTestShop(t)
	job := "20261123-0001"
	sys := shop.Actor{System: true}
	tech := shop.TechRef{JobID: job, TechID: "tech-1"}
	for _, c := range []shop.Command{
		&shop.RecordRecommendation{VehicleID: "ve-1", RecommendationInput: shop.RecommendationInput{Description: "空调滤芯上次已建议", Hours: 0.3}},
		&shop.Submit{JobRef: shop.JobRef{JobID: job}},
		&shop.Dispatch{JobID: job, TeamID: "team-1", TechIDs: []string{"tech-1"}, BayID: "bay-1"},
		&shop.ClockOn{TechRef: tech},
		&shop.RecordRecommendation{VehicleID: "ve-1", JobID: job, RecommendationInput: shop.RecommendationInput{Description: "左前轮胎花纹 2 mm，建议更换", Hours: 0.5, Safety: true}},
		&shop.Finish{TechRef: tech},
		&shop.QC{JobID: job, Step: shop.QCTeam, Pass: true},
		&shop.QC{JobID: job, Step: shop.QCFinal, Pass: true},
	} {
		if _, err := ts.eng.Do(context.Background(), sys, c); err != nil {
			t.Fatalf("%s: %v", c.CommandType(), err)
		}
	}
	r := ts.call(t, nil, "GET", "/api/v1/jobs/"+job+"/documents/settlement.pdf", ts.tokens[shop.RoleAdvisor], nil)
	if r.status != 200 {
		t.Fatalf("settlement: %d %s", r.status, r.body)
	}
	text := pdfText(t, r.body)
	if !strings.Contains(text, "建议维修项目") || !strings.Contains(text, "左前轮胎花纹 2 mm") || !strings.Contains(text, "【安全】") {
		t.Errorf("the visit's recommendation is not on the settlement:\n%s", text)
	}
	if strings.Contains(text, "空调滤芯上次已建议") {
		t.Errorf("a recommendation of no visit of this job is on its settlement")
	}
}
