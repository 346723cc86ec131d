package shop

import (
	"strings"
	"testing"
	"time"
)

// One repair order from signature to settlement, as seeds 001 and 002 walk
// it: the signed estimate is kept as revision 1; a finding the technician
// proposes is priced, priced again and sent by the advisor and approved on
// the customer's page; the counter issues the estimate's and the finding's
// parts, a wiper beyond the scope on the advisor's allowance, and takes one
// pad back; a line goes to the warranty and the order gets a discount.
// The settlement is, per payer, the approved labour and the parts issued
// less returned — not the estimate's lines — and revision 1 still holds
// the signed total.
func TestARepairOrderSettlesWhatWasAgreedAndIssued(t *testing.T) {
	f := newFixture(t)
	manager := Actor{UserID: "user-0", Roles: []Role{RoleManager}}
	customer := Actor{Customer: true, CustomerJob: "20261123-0001"}
	f.must(t, system, &PutCatalogPart{Part: CatalogPart{Number: "58101", Name: "前刹车片", UnitPrice: 30000, Active: true}})
	f.must(t, system, &PutCatalogPart{Part: CatalogPart{Number: "98350", Name: "雨刮片", UnitPrice: 8000, Active: true}})
	j := f.dispatchedJob(t, "tech-1")
	at := t0
	step := func(a Actor, c Command) { t.Helper(); at = at.Add(time.Minute); f.mustAt(t, at, a, c) }

	step(tech, &ClockOn{TechRef: TechRef{j.ID, "tech-1"}})
	step(tech, &ReportFinding{JobID: j.ID, FindingInput: FindingInput{Description: "前刹车片磨损", Why: "剩 2 mm", Hours: 1,
		Parts: []PartLine{{Number: "58101", Name: "前刹车片", Quantity: 2}}}})
	first, second := Money(20000), Money(18000)
	step(advisor, &PriceFinding{FindingID: "fi-1", LabourPrice: &first})
	step(advisor, &PriceFinding{FindingID: "fi-1", LabourPrice: &second, Send: true})
	if fi := f.state.Findings["fi-1"]; fi.Price != 78000 {
		t.Fatalf("the finding the customer sees: %d, want 180.00 labour + 2 × 300.00 pads", fi.Price)
	}
	step(customer, &DecideFinding{FindingID: "fi-1", Approve: true, Via: "customer_page"})

	f.issueScope(t, at, j.ID) // the oil filter and the two pads
	before := f.state
	if err := f.apply(advisor, &AllowPart{JobID: j.ID, Number: "98350", Quantity: 1, Reason: "雨刮老化"}); CodeOf(err) != CodeInvalid ||
		!strings.Contains(err.Error(), "consent.via") || f.state != before {
		t.Errorf("a part the customer pays for, allowed without their consent: %v", err)
	}
	step(advisor, &AllowPart{JobID: j.ID, Number: "98350", Quantity: 1, Reason: "客户电话同意更换雨刮", Consent: &Consent{Via: ConsentPhone, Who: "张先生"}})
	allowance := f.state.Jobs[j.ID].Allowances[0].ID
	step(partsClerk, &IssuePart{JobID: j.ID, Number: "98350", Quantity: 1, AllowanceID: allowance})
	var pads string
	for _, ip := range f.state.Jobs[j.ID].Issued {
		if ip.Number == "58101" {
			pads = ip.ID
		}
	}
	step(partsClerk, &ReturnPart{JobID: j.ID, IssueID: pads, Quantity: 1, Reason: "只换了一侧"})
	step(advisor, &SetPayer{JobID: j.ID, Line: LineLabour, Index: 1, Payer: PayerWarranty})
	step(manager, &GiveDiscount{JobID: j.ID, Line: LineOrder, Amount: 1000, Reason: "抹零"})

	s := f.state.Jobs[j.ID].Settlement()
	// Customer: labour 200.00 + 180.00, parts 128.00 + 300.00 (one pad)
	// + 80.00, less 10.00; the warranty the 150.00 brake check.
	want := []PayerTotal{
		{Payer: PayerCustomer, Labour: 38000, Parts: 50800, Discount: 1000, Total: 87800},
		{Payer: PayerWarranty, Labour: 15000, Total: 15000},
	}
	if len(s.Payers) != len(want) || s.Payers[0] != want[0] || s.Payers[1] != want[1] {
		t.Fatalf("payers: %+v, want %+v", s.Payers, want)
	}
	var billed []string
	for _, l := range s.Lines {
		if l.Kind == LinePart {
			billed = append(billed, l.Code)
			if l.Code == "58101" && l.Quantity != 1 {
				t.Errorf("pads billed: %g, want the one kept", l.Quantity)
			}
		}
	}
	if len(billed) != 3 {
		t.Errorf("part lines billed: %v, want the filter, the pad and the wiper", billed)
	}

	step(tech, &Finish{TechRef: TechRef{j.ID, "tech-1"}})
	step(lead, &QC{JobID: j.ID, Step: QCTeam, Pass: true})
	step(qc, &QC{JobID: j.ID, Step: QCFinal, Pass: true})
	step(system, &WashDone{JobRef: JobRef{j.ID}})
	if err := f.apply(advisor, &Deliver{JobID: j.ID, Paid: 103800, PaymentMethod: "wechat", Explanation: "增项刹车片"}); CodeOf(err) != CodeInvalid {
		t.Errorf("the customer paying the warranty's line too: %v", err)
	}
	step(advisor, &Deliver{JobID: j.ID, Paid: 87800, PaymentMethod: "wechat", Explanation: "增项刹车片，雨刮经电话同意，检查走索赔"})

	done := f.state.Jobs[j.ID]
	if r := done.Signed(); r == nil || r.Totals.Total != 47800 {
		t.Errorf("revision 1: %+v, want the signed 478.00", r)
	}
	// The finding approved on the customer's page and the wiper agreed by
	// phone are revisions 2 and 3; the revision holds the wiper.
	if len(done.Revisions) != 3 || done.Revisions[1].Kind != RevisionFinding || done.Revisions[1].Consent.Via != ConsentCustomerPage ||
		done.Revisions[2].Kind != RevisionScope || done.Revisions[2].Consent != (Consent{Via: ConsentPhone, Who: "张先生"}) ||
		done.Revisions[2].Totals.Total != 133800 {
		t.Errorf("revisions: %+v, want the signature, the approved finding and the wiper", done.Revisions)
	}
	if done.Delivery == nil || done.Delivery.Paid != 87800 {
		t.Errorf("delivery: %+v", done.Delivery)
	}
}

// A part beyond the scope that the shop bears (or the warranty, the
// insurer) leaves the customer's bill as signed: it needs no consent of
// theirs, makes no revision, and its issue is billed to its payer.
func TestAPartTheShopBearsNeedsNoConsent(t *testing.T) {
	f := newFixture(t)
	f.must(t, system, &PutCatalogPart{Part: CatalogPart{Number: "98350", Name: "雨刮片", UnitPrice: 8000, Active: true}})
	j := f.dispatchedJob(t, "tech-1")
	f.must(t, advisor, &AllowPart{JobID: j.ID, Number: "98350", Quantity: 1, Reason: "接车时刮坏，店内承担", Payer: PayerInternal})
	al := f.state.Jobs[j.ID].Allowances[0]
	f.must(t, partsClerk, &IssuePart{JobID: j.ID, Number: "98350", Quantity: 1, AllowanceID: al.ID})
	done := f.state.Jobs[j.ID]
	if len(done.Revisions) != 1 {
		t.Errorf("revisions: %d, want only the signature", len(done.Revisions))
	}
	s := done.Settlement()
	if len(s.Payers) != 2 || s.Payers[1] != (PayerTotal{Payer: PayerInternal, Parts: 8000, Total: 8000}) || s.CustomerDue != 35000 {
		t.Errorf("settlement: %+v, want the wiper on the shop and the customer's 350.00 labour", s.Payers)
	}
	if err := f.apply(advisor, &AllowPart{JobID: j.ID, Number: "98350", Quantity: 1, Reason: "x", Payer: "dealer"}); CodeOf(err) != CodeInvalid {
		t.Errorf("an unknown payer: %v", err)
	}
}
