package web

import (
	"os"
	"os/exec"
	"path/filepath"
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
