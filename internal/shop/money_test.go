package shop

import (
	"math"
	"testing"
	"time"
)

// Money, quantities and hours past their bounds are refused with the field
// named, per line and per job, and the shop is unchanged.
func TestMoneyAndSizesAreBounded(t *testing.T) {
	f := newFixture(t)
	j := f.openJob(t)
	est := func(labour []Labour, parts []PartLine) Estimate {
		return Estimate{Requests: "保养", PromisedAt: t0.Add(4 * time.Hour), Labour: labour, Parts: parts}
	}
	yuan := func(y int64) Money { return Money(y * 100) }
	lines := func(n int, l Labour) []Labour {
		out := make([]Labour, n)
		for i := range out {
			out[i] = l
		}
		return out
	}
	cases := []struct {
		name  string
		cmd   Command
		field string
	}{
		{"a labour line over ¥1,000,000", &UpdateEstimate{JobID: j.ID, Estimate: est([]Labour{{Name: "大修", SoldHours: 1, Price: yuan(1_000_001)}}, nil)}, "labour[0].price"},
		{"a part's unit price over ¥1,000,000", &UpdateEstimate{JobID: j.ID, Estimate: est(nil, []PartLine{{Name: "电池包", Quantity: 1, UnitPrice: yuan(1_000_001)}})}, "parts[0].unit_price"},
		{"a part line over ¥1,000,000", &UpdateEstimate{JobID: j.ID, Estimate: est(nil, []PartLine{{Name: "轮胎", Quantity: 10_000, UnitPrice: yuan(101)}})}, "parts[0].quantity"},
		{"a quantity over 10,000", &UpdateEstimate{JobID: j.ID, Estimate: est(nil, []PartLine{{Name: "螺丝", Quantity: 10_001, UnitPrice: 1}})}, "parts[0].quantity"},
		{"the largest int64 as a price", &UpdateEstimate{JobID: j.ID, Estimate: est([]Labour{{Name: "x", Price: math.MaxInt64}, {Name: "y", Price: math.MaxInt64}}, nil)}, "labour[0].price"},
		{"a job over ¥10,000,000", &UpdateEstimate{JobID: j.ID, Estimate: est(lines(11, Labour{Name: "大修", SoldHours: 1, Price: yuan(1_000_000)}), nil)}, "total"},
		{"a job over 2,000 hours", &UpdateEstimate{JobID: j.ID, Estimate: est(lines(11, Labour{Name: "大修", SoldHours: 200, Price: 100}), nil)}, "hours"},
		{"a new job over ¥10,000,000", &OpenJob{CustomerID: "cu-1", VehicleID: "ve-1", Estimate: est(lines(11, Labour{Name: "大修", SoldHours: 1, Price: yuan(1_000_000)}), nil)}, "total"},
		{"a finding over ¥10,000,000", &ReportFinding{JobID: j.ID, FindingInput: FindingInput{Description: "x", Hours: 1, SuggestedPrice: yuan(10_000_001)}}, "suggested_price"},
		{"a finding over 200 hours", &ReportFinding{JobID: j.ID, FindingInput: FindingInput{Description: "x", Hours: 201}}, "hours"},
		{"a payment over ¥10,000,000", &Deliver{JobID: j.ID, Paid: yuan(10_000_001), PaymentMethod: "cash"}, "paid"},
		{"an operation over ¥1,000,000", &PutOperation{Operation: Operation{Code: "OP1", Name: "大修", SoldHours: 1, Price: yuan(1_000_001), Active: true}}, "operation.price"},
		{"a catalogue part over ¥1,000,000", &PutCatalogPart{Part: CatalogPart{Number: "P1", Name: "电池包", UnitPrice: yuan(1_000_001), Active: true}}, "part.unit_price"},
	}
	for _, c := range cases {
		before := f.state
		err := f.apply(system, c.cmd)
		if !hasField(err, c.field) {
			t.Errorf("%s: got %v, want %s refused", c.name, err, c.field)
		}
		if f.state != before {
			t.Errorf("%s changed the shop", c.name)
		}
	}
	// At the bounds themselves, a job is accepted.
	f.must(t, advisor, &UpdateEstimate{JobID: j.ID, Estimate: est(lines(10, Labour{Name: "大修", SoldHours: 200, Price: yuan(1_000_000)}), nil)})
	if got := f.state.Jobs[j.ID].Total(); got != MaxJobTotal {
		t.Fatalf("total at the bound: %d, want %d", got, MaxJobTotal)
	}
}

// A finding approved onto a job already at its bound is refused, and the
// finding still awaits a decision.
func TestApprovingAFindingKeepsTheJobWithinBounds(t *testing.T) {
	f := newFixture(t)
	j := f.dispatchedJob(t, "tech-1")
	labour := make([]Labour, 10)
	for i := range labour {
		labour[i] = Labour{Name: "大修", SoldHours: 1, Price: MaxLinePrice}
	}
	f.must(t, system, &UpdateEstimate{JobID: j.ID, Estimate: Estimate{Requests: "大修", PromisedAt: t0.Add(4 * time.Hour), Labour: labour},
		Reason: "大修", Consent: &Consent{Via: ConsentInPerson}})
	f.must(t, tech, &ReportFinding{JobID: j.ID, FindingInput: FindingInput{Description: "刹车盘磨损", Hours: 1}})
	var id string
	for fid := range f.state.Findings {
		id = fid
	}
	f.send(t, id, 50000)
	err := f.apply(advisor, &DecideFinding{FindingID: id, Approve: true, Via: "phone"})
	if !hasField(err, "total") {
		t.Fatalf("approving past the bound: %v", err)
	}
	if got := f.state.Findings[id].Status; got != FindingAwaiting {
		t.Fatalf("finding is %s after a refused approval", got)
	}
}

// Totals never wrap round, even over records written before the bounds.
func TestTotalsDoNotOverflow(t *testing.T) {
	huge := []Labour{{Price: math.MaxInt64 - 5}, {Price: 100}}
	if got := TotalsOf(huge, []PartLine{{Quantity: 1e6, UnitPrice: math.MaxInt64}}); got.Total != math.MaxInt64 || got.Labour != math.MaxInt64 || got.Parts != math.MaxInt64 {
		t.Fatalf("totals over huge lines: %+v, want held at the largest int64", got)
	}
	if got := (PartLine{Quantity: 2.5, UnitPrice: 333}).Total(); got != 833 {
		t.Fatalf("2.5 × 3.33 = %d fen, want 833", got)
	}
	if got := (PartLine{Quantity: 1e300, UnitPrice: 1}).Total(); got != math.MaxInt64 {
		t.Fatalf("a quantity past int64: %d", got)
	}
	// The KPIs' sums over delivered jobs hold too.
	at := t0.Add(time.Hour)
	jobs := make([]*Job, 3)
	for i := range jobs {
		jobs[i] = &Job{ID: "j", Stage: StageDelivered, Estimated: Totals{Total: math.MaxInt64 / 2}, Delivery: &Delivery{Total: math.MaxInt64 / 2, At: at},
			Stages: []StageChange{{StageReception, t0}, {StageDelivered, at}}, CreatedAt: t0}
	}
	k := ComputeKPIs(KPIInput{Jobs: jobs, From: t0, To: t0.Add(24 * time.Hour), Now: t0.Add(48 * time.Hour), Open: EveryDay("08:00", "18:00").Schedule(time.UTC)})
	if k.EstimateRatio <= 0 {
		t.Fatalf("estimate ratio over huge sums: %v, want positive", k.EstimateRatio)
	}
}
