package web

import (
	"strings"
	"testing"

	"bayboard/internal/shop"
	"bayboard/kiosk"
)

func TestTheCustomersPage(t *testing.T) {
	ts := newTestShop(t)
	adv := ts.tokens[shop.RoleAdvisor]
	r := ts.call(t, nil, "POST", "/api/v1/commands", adv, `{"type":"report_finding","job_id":"20261123-0001","description":"刹车盘磨损","why":"磨损到限","hours":1,"suggested_price":65432}`)
	if r.status != 200 {
		t.Fatalf("finding: %d %s", r.status, r.body)
	}
	urls := kiosk.URLs{Base: "http://shop", Tokens: ts.qr}
	link := urls.Customer(ts.eng.State().Jobs["20261123-0001"])
	path := "/api/v1/customer/" + link[strings.LastIndex(link, "/")+1:]

	// Proposed, the finding is not the customer's yet: not shown, not
	// decided.
	page := ts.call(t, nil, "GET", path, "", nil)
	var v kiosk.CustomerView
	page.json(t, &v)
	if page.status != 200 || len(v.Findings) != 0 {
		t.Fatalf("customer view of a proposed finding: %d %s", page.status, page.body)
	}
	if r := ts.call(t, nil, "POST", path+"/findings/fi-1", "", `{"approve":true}`); r.status != 404 {
		t.Errorf("a proposed finding decided: %d %s", r.status, r.body)
	}
	if r := ts.call(t, nil, "POST", "/api/v1/commands", adv, `{"type":"price_finding","finding_id":"fi-1","labour_price":80000,"send":true}`); r.status != 200 {
		t.Fatalf("price_finding: %d %s", r.status, r.body)
	}
	page = ts.call(t, nil, "GET", path, "", nil)
	page.json(t, &v)
	if page.status != 200 || v.Plate != "京A·12345" || len(v.Findings) != 1 || v.Findings[0].Price != 80000 {
		t.Fatalf("customer view: %d %s", page.status, page.body)
	}
	for _, leak := range []string{"13812345678", "张先生", "password", "csrf", "65432", "suggested"} {
		if strings.Contains(string(page.body), leak) {
			t.Errorf("the customer's page carries %q", leak)
		}
	}
	if r := ts.call(t, nil, "POST", path+"/findings/fi-1", "", `{}`); r.status != 400 {
		t.Errorf("no decision: %d", r.status)
	}
	if r := ts.call(t, nil, "POST", path+"/findings/fi-9", "", `{"approve":true}`); r.status != 404 {
		t.Errorf("another finding: %d %s", r.status, r.body)
	}
	ok := ts.call(t, nil, "POST", path+"/findings/fi-1", "", `{"approve":true}`, "User-Agent", "phone")
	ok.json(t, &v)
	if ok.status != 200 || v.Findings[0].Status != shop.FindingApproved {
		t.Fatalf("approve: %d %s", ok.status, ok.body)
	}
	f := ts.eng.State().Findings["fi-1"]
	if f.DecidedBy != "customer" || f.DecidedVia != "customer_page" || f.DecidedAt == nil {
		t.Errorf("authorisation not recorded: %+v", f)
	}
	h, _ := ts.store.JobHistory("20261123-0001")
	if last := h[len(h)-1]; last.Type != "decide_finding" || !strings.HasPrefix(last.Device, "customer:") {
		t.Errorf("event: %+v", last)
	}
	// Forged, wrong-purpose and revoked links get the same plain 403.
	jobLink := urls.Job("20261123-0001")
	for _, bad := range []string{path + "x", "/api/v1/customer/" + jobLink[strings.LastIndex(jobLink, "/")+1:], "/api/v1/customer/nothing"} {
		if r := ts.call(t, nil, "GET", bad, "", nil); r.status != 403 || r.problem(t).Code != "bad_link" {
			t.Errorf("%s: %d %s", bad, r.status, r.body)
		}
	}
	ts.call(t, nil, "POST", "/api/v1/commands", adv, `{"type":"revoke_customer_link","job_id":"20261123-0001"}`)
	if r := ts.call(t, nil, "GET", path, "", nil); r.status != 403 || !strings.Contains(r.problem(t).Detail, "advisor") {
		t.Errorf("revoked link: %d %s", r.status, r.body)
	}
}
