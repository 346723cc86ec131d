package shop

import (
	"testing"
	"time"
)

// A technician proposes extra work without a price the customer sees; the
// advisor prices it (labour at the shop's rate, parts at the catalogue's
// price), prices it again, and sends it; only then may the customer
// decide, on the advisor's price, and the approved work joins the job at
// exactly that price.
func TestTheAdvisorPricesAFindingBeforeTheCustomerSeesIt(t *testing.T) {
	f := newFixture(t)
	settings := DefaultSettings()
	settings.LabourRate = 20000
	f.must(t, system, &SetSettings{Settings: settings})
	f.must(t, system, &PutCatalogPart{Part: CatalogPart{Number: "58101-C1A00", Name: "前刹车片 Front pads", UnitPrice: 42000, Active: true}})
	j := f.dispatchedJob(t, "tech-1")
	owner := Actor{Customer: true, CustomerJob: j.ID}

	f.must(t, tech, &ReportFinding{JobID: j.ID, FindingInput: FindingInput{Description: "前刹车片磨损", Why: "剩 2 mm", Hours: 1.5,
		Parts:          []PartLine{{Number: "58101-C1A00", Name: "刹车片", Quantity: 1, UnitPrice: 100}, {Name: "刹车油", Quantity: 1, UnitPrice: 6000}},
		SuggestedPrice: 99900}})
	fi := f.state.Findings["fi-1"]
	if fi.Status != FindingProposed || fi.Price != 0 || fi.SuggestedPrice != 99900 || fi.Why != "剩 2 mm" {
		t.Fatalf("proposed: %+v", fi)
	}
	if err := f.apply(owner, &DecideFinding{FindingID: "fi-1", Approve: true, Via: "customer_page"}); CodeOf(err) != CodeNotFound {
		t.Errorf("the customer decided a finding not sent: %v", err)
	}

	// Priced at the rate: 1.5 h × ¥200 = ¥300; the catalogue's pads at
	// ¥420 whatever the technician wrote, the brake fluid (not in the
	// catalogue) at the price on the line.
	at := t0.Add(10 * time.Minute)
	f.mustAt(t, at, advisor, &PriceFinding{FindingID: "fi-1"})
	fi = f.state.Findings["fi-1"]
	if fi.Status != FindingProposed || fi.LabourPrice != 30000 || fi.Price != 30000+42000+6000 ||
		fi.Parts[0].UnitPrice != 42000 || fi.Parts[0].Name != "刹车片" || fi.PricedBy != "user-1" || !fi.PricedAt.Equal(at) || fi.SentAt != nil {
		t.Fatalf("priced at the rate: %+v", fi)
	}

	// Priced again: two hours, the labour by hand, only the pads; sent.
	hours, labour := 2.0, Money(35000)
	parts := []PartLine{{Number: "58101-C1A00", Name: "前刹车片", Quantity: 2, UnitPrice: 1}}
	sent := t0.Add(15 * time.Minute)
	f.mustAt(t, sent, advisor, &PriceFinding{FindingID: "fi-1", Hours: &hours, LabourPrice: &labour, Parts: &parts, Send: true})
	fi = f.state.Findings["fi-1"]
	if fi.Status != FindingAwaiting || fi.Parts[0].UnitPrice != 42000 || fi.Hours != 2 || fi.LabourPrice != 35000 || fi.Price != 35000+2*42000 || len(fi.Parts) != 1 || !fi.SentAt.Equal(sent) {
		t.Fatalf("re-priced and sent: %+v", fi)
	}
	if fi.SuggestedPrice != 99900 {
		t.Errorf("the technician's suggestion is kept for the advisor: %d", fi.SuggestedPrice)
	}

	f.must(t, owner, &DecideFinding{FindingID: "fi-1", Approve: true, Via: "customer_page"})
	j = f.state.Jobs[j.ID]
	last := j.Labour[len(j.Labour)-1]
	if last.Name != "前刹车片磨损" || last.SoldHours != 2 || last.Price != 35000 || len(j.Parts) != 2 || j.Parts[1].UnitPrice != 42000 || j.Parts[1].Quantity != 2 {
		t.Errorf("the approved finding on the job: labour %+v, parts %+v", j.Labour, j.Parts)
	}
	hours = 1
	if err := f.apply(advisor, &PriceFinding{FindingID: "fi-1", Hours: &hours}); CodeOf(err) != CodeConflict {
		t.Errorf("a decided finding priced again: %v", err)
	}
}

// A sent finding priced again without send goes back to the advisor: the
// customer never decides on a price being changed.
func TestRepricingASentFindingTakesItBack(t *testing.T) {
	f := newFixture(t)
	j := f.dispatchedJob(t, "tech-1")
	f.must(t, tech, &ReportFinding{JobID: j.ID, FindingInput: FindingInput{Description: "轮胎偏磨", Hours: 0.5}})
	f.send(t, "fi-1", 10000)
	labour := Money(12000)
	f.must(t, advisor, &PriceFinding{FindingID: "fi-1", LabourPrice: &labour})
	if fi := f.state.Findings["fi-1"]; fi.Status != FindingProposed || fi.Price != 12000 || fi.SentAt != nil {
		t.Errorf("re-priced: %+v", fi)
	}
	if err := f.apply(Actor{Customer: true, CustomerJob: j.ID}, &DecideFinding{FindingID: "fi-1", Approve: true, Via: "customer_page"}); CodeOf(err) != CodeNotFound {
		t.Errorf("the customer decided a finding taken back: %v", err)
	}
}

// Bad prices are refused, naming the field, and change nothing.
func TestPricingAFindingRefusesBadInput(t *testing.T) {
	f := newFixture(t)
	j := f.dispatchedJob(t, "tech-1")
	f.must(t, tech, &ReportFinding{JobID: j.ID, FindingInput: FindingInput{Description: "轮胎偏磨", Hours: 0.5}})
	negative, huge, tooLong := Money(-1), MaxLinePrice+1, MaxLineHours+1.0
	bigParts := []PartLine{{Name: "电池包", Quantity: 1, UnitPrice: MaxLinePrice + 1}}
	cases := []struct {
		name  string
		cmd   *PriceFinding
		field string
	}{
		{"no labour rate and no labour price", &PriceFinding{FindingID: "fi-1", Send: true}, "labour_price"},
		{"a negative labour price", &PriceFinding{FindingID: "fi-1", LabourPrice: &negative}, "labour_price"},
		{"a labour price over a line's bound", &PriceFinding{FindingID: "fi-1", LabourPrice: &huge}, "labour_price"},
		{"hours over a line's bound", &PriceFinding{FindingID: "fi-1", Hours: &tooLong}, "hours"},
		{"a part over its bound", &PriceFinding{FindingID: "fi-1", Parts: &bigParts}, "parts[0].unit_price"},
	}
	for _, c := range cases {
		before := f.state
		if err := f.apply(advisor, c.cmd); !hasField(err, c.field) {
			t.Errorf("%s: got %v, want %s refused", c.name, err, c.field)
		}
		if f.state != before {
			t.Errorf("%s changed the shop", c.name)
		}
	}
	if fi := f.state.Findings["fi-1"]; fi.Status != FindingProposed || fi.PricedAt != nil {
		t.Errorf("after the refusals: %+v", fi)
	}
}

// Findings stored before pricing existed are awaiting with the
// technician's price: they stay valid, decided as they were.
func TestAFindingStoredBeforePricingIsDecidedAsItWas(t *testing.T) {
	f := newFixture(t)
	j := f.dispatchedJob(t, "tech-1")
	f.state.Findings["fi-old"] = &Finding{ID: "fi-old", JobID: j.ID, Description: "雨刮片老化", Hours: 0.2, Price: 16000,
		Parts: []PartLine{{Name: "雨刮片", Quantity: 2, UnitPrice: 5500}}, Status: FindingAwaiting, ReportedBy: "user-2", ReportedAt: t0}
	f.must(t, Actor{Customer: true, CustomerJob: j.ID}, &DecideFinding{FindingID: "fi-old", Approve: true, Via: "customer_page"})
	j = f.state.Jobs[j.ID]
	if last := j.Labour[len(j.Labour)-1]; last.Price != 5000 || last.SoldHours != 0.2 {
		t.Errorf("the old finding's labour: %+v", last)
	}
}

// The labour rate is money like a line's price: not negative, within a
// line's bound.
func TestTheLabourRateIsBounded(t *testing.T) {
	f := newFixture(t)
	for _, rate := range []Money{-1, MaxLinePrice + 1} {
		s := DefaultSettings()
		s.LabourRate = rate
		before := f.state
		if err := f.apply(system, &SetSettings{Settings: s}); !hasField(err, "settings.labour_rate") {
			t.Errorf("a labour rate of %d: %v", rate, err)
		}
		if f.state != before {
			t.Errorf("a labour rate of %d changed the shop", rate)
		}
	}
}
