package web

import (
	"net/http"
	"testing"

	"bayboard/internal/shop"
)

// The settlement is in the job's view: a discount the manager gives comes
// off the customer's share there; an advisor with no limit set is refused
// naming the amount, and nothing changes.
func TestTheJobsViewCarriesItsSettlement(t *testing.T) {
	ts := newTestShop(t)
	const job = "/api/v1/jobs/20261123-0001"
	type view struct {
		Settlement struct {
			Gross     int64                     `json:"gross"`
			Due       int64                     `json:"customer_due"`
			Discounts []struct{ Reason string } `json:"discounts"`
			Payers    []struct{ Payer string }  `json:"payers"`
		} `json:"settlement"`
	}
	var before view
	ts.call(t, nil, "GET", job, ts.tokens[shop.RoleManager], nil).json(t, &before)
	if before.Settlement.Gross <= 1000 || before.Settlement.Due != before.Settlement.Gross {
		t.Fatalf("settlement before any discount: %+v", before.Settlement)
	}
	seq := ts.store.LastSeq()
	r := ts.call(t, nil, "POST", "/api/v1/commands", ts.tokens[shop.RoleAdvisor],
		`{"type":"give_discount","job_id":"20261123-0001","line":"order","amount":100,"reason":"老客户"}`)
	if p := r.problem(t); r.status != http.StatusBadRequest || len(p.Errors) != 1 || p.Errors[0].Field != "amount" {
		t.Errorf("a discount over the advisor's limit: %d %s", r.status, r.body)
	}
	if ts.store.LastSeq() != seq {
		t.Error("the refused discount changed the log")
	}
	r = ts.call(t, nil, "POST", "/api/v1/commands", ts.tokens[shop.RoleManager],
		`{"type":"give_discount","job_id":"20261123-0001","line":"order","amount":1000,"reason":"老客户"}`)
	if r.status != http.StatusOK {
		t.Fatalf("the manager's discount: %d %s", r.status, r.body)
	}
	var after view
	ts.call(t, nil, "GET", job, ts.tokens[shop.RoleCashier], nil).json(t, &after)
	s := after.Settlement
	if s.Gross != before.Settlement.Gross || s.Due != s.Gross-1000 || len(s.Discounts) != 1 || s.Discounts[0].Reason != "老客户" ||
		len(s.Payers) != 1 || s.Payers[0].Payer != "customer" {
		t.Errorf("settlement after ¥10 off: %+v", s)
	}
}
