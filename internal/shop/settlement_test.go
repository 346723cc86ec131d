package shop

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// settlementShop is a ready car with two labour lines and two part lines,
// signed for at ¥680, and the discount limits a manager set: the advisor
// 10 % of the customer's share, the cashier 5 %.
func settlementShop() *State {
	st := NewState()
	st.Settings.DiscountLimits = map[Role]int{RoleAdvisor: 10, RoleCashier: 5}
	labour := []Labour{{Code: "BRK01", Name: "前刹车片更换", SoldHours: 1, Price: 30000}, {Code: "ENG07", Name: "发动机异响检查", SoldHours: 0.5, Price: 20000}}
	parts := []PartLine{{Number: "P-100", Name: "刹车片", Quantity: 2, UnitPrice: 5000}, {Number: "P-200", Name: "前保险杠支架", Quantity: 1, UnitPrice: 8000}}
	// Both parts were drawn at the counter: the settlement bills what was
	// issued.
	issued := []IssuedPart{{ID: "ip-1", Number: "P-100", Name: "刹车片", Quantity: 2, UnitPrice: 5000, Basis: BasisScope},
		{ID: "ip-2", Number: "P-200", Name: "前保险杠支架", Quantity: 1, UnitPrice: 8000, Basis: BasisScope}}
	st.Jobs["j"] = &Job{ID: "j", Stage: StageReady, Labour: labour, Parts: parts, Issued: issued, Estimated: TotalsOf(labour, parts)}
	st.Jobs["gone"] = &Job{ID: "gone", Stage: StageDelivered, Labour: labour}
	return st
}

var (
	deskAdvisor = Actor{UserID: "u-adv", Roles: []Role{RoleAdvisor}}
	cashier     = Actor{UserID: "u-cash", Roles: []Role{RoleCashier}}
)

// One job settled: a warranty line and an insurer's line leave the
// customer's share, a line discount and an order discount come off it
// within the advisor's limit, one more is refused over it, and the car is
// delivered against the customer's share, not the whole total.
func TestSettlementSplitsPayersAndDiscounts(t *testing.T) {
	d := NewDraft(settlementShop())
	steps := []struct {
		who Actor
		cmd Command
	}{
		{deskAdvisor, &SetPayer{JobID: "j", Line: LineLabour, Index: 1, Payer: PayerWarranty}},
		{deskAdvisor, &SetPayer{JobID: "j", Line: LinePart, Index: 1, Payer: PayerInsurance}},
		// The cashier's ¥15 is within their 5 % (¥20); the advisor's ¥20
		// more within their 10 % (¥40) of the discounts together.
		{cashier, &GiveDiscount{JobID: "j", Line: LineOrder, Amount: 1500, Reason: "抹零"}},
		{deskAdvisor, &GiveDiscount{JobID: "j", Line: LineLabour, Index: 0, Amount: 2000, Reason: "老客户工时优惠"}},
	}
	for _, s := range steps {
		if _, err := d.Apply(s.who, s.cmd, t0); err != nil {
			t.Fatalf("%s: %v", s.cmd.CommandType(), err)
		}
	}
	// The customer's lines are ¥300 labour and ¥100 of pads: ¥400; the
	// discounts ¥35, within the advisor's ¥40. One more ¥6 would be ¥41.
	_, err := d.Apply(deskAdvisor, &GiveDiscount{JobID: "j", Line: LineOrder, Amount: 600, Reason: "再优惠"}, t0)
	if CodeOf(err) != CodeInvalid || !strings.Contains(err.Error(), "amount: is over your discount limit of 10 percent") {
		t.Errorf("a discount over the advisor's limit: %v", err)
	}
	s := d.Job("j").Settlement()
	wantPayers := []PayerTotal{
		{Payer: PayerCustomer, Labour: 30000, Parts: 10000, Discount: 3500, Total: 36500},
		{Payer: PayerWarranty, Labour: 20000, Total: 20000},
		{Payer: PayerInsurance, Parts: 8000, Total: 8000},
	}
	if !reflect.DeepEqual(s.Payers, wantPayers) {
		t.Errorf("payers = %+v, want %+v", s.Payers, wantPayers)
	}
	if s.Gross != 68000 || s.Discount != 3500 || s.CustomerGross != 40000 || s.CustomerDue != 36500 {
		t.Errorf("gross %d, discount %d, customer's %d, due %d; want 68000, 3500, 40000, 36500", s.Gross, s.Discount, s.CustomerGross, s.CustomerDue)
	}
	if len(s.Warranty) != 1 || s.Warranty[0].Code != "ENG07" || s.Warranty[0].Amount != 20000 {
		t.Errorf("warranty claim lines = %+v, want the engine check at ¥200", s.Warranty)
	}
	if l := s.Lines[0]; l.Discount != 2000 || l.Net != 28000 {
		t.Errorf("the discounted line = %+v, want ¥20 off ¥300", l)
	}
	if len(s.Discounts) != 2 || s.Discounts[0].By != "u-cash" || s.Discounts[1].Reason != "老客户工时优惠" {
		t.Errorf("discounts = %+v", s.Discounts)
	}

	// The whole total is more than the customer's share: refused.
	_, err = d.Apply(cashier, &Deliver{JobID: "j", Paid: 68000, PaymentMethod: "wechat", Explanation: "保修、保险"}, t0)
	if !namesField(err, "paid") {
		t.Errorf("paid the whole total: %v, want a refusal of paid", err)
	}
	// The share without the explanation: what the customer pays is not
	// what they signed for.
	_, err = d.Apply(cashier, &Deliver{JobID: "j", Paid: 36500, PaymentMethod: "wechat"}, t0)
	if !namesField(err, "explanation") {
		t.Errorf("delivered without the explanation: %v", err)
	}
	if _, err := d.Apply(cashier, &Deliver{JobID: "j", Paid: 36500, PaymentMethod: "wechat", Explanation: "发动机检查走厂家索赔，支架由保险公司赔付"}, t0); err != nil {
		t.Fatalf("delivered against the customer's share: %v", err)
	}
	if dl := d.Job("j").Delivery; dl.Due != 36500 || dl.Total != 68000 || dl.Paid != 36500 {
		t.Errorf("delivery = %+v, want due 36500 of 68000, paid 36500", dl)
	}
	// Settled: no payer or discount changes any more, and the refusal
	// names the job.
	for _, c := range []Command{
		&SetPayer{JobID: "j", Line: LineLabour, Index: 0, Payer: PayerInternal},
		&GiveDiscount{JobID: "j", Line: LineOrder, Amount: 100, Reason: "事后补偿"},
		&RemoveDiscount{JobID: "j", DiscountID: s.Discounts[0].ID},
	} {
		_, err := d.Apply(deskAdvisor, c, t0)
		if CodeOf(err) != CodeConflict || !namesField(err, "job_id") {
			t.Errorf("%s on a delivered job: %v, want a conflict naming job_id", c.CommandType(), err)
		}
	}
}

// A car with the rest on the customer's account (挂账) leaves paying less;
// a car with nothing of the customer's leaves paying nothing.
func TestDeliverAgainstTheCustomersShare(t *testing.T) {
	d := NewDraft(settlementShop())
	if _, err := d.Apply(deskAdvisor, &Deliver{JobID: "j", Paid: 10000, PaymentMethod: "cash"}, t0); !namesField(err, "paid") {
		t.Errorf("paid less in cash: %v, want a refusal of paid", err)
	}
	if _, err := d.Apply(deskAdvisor, &Deliver{JobID: "j", Paid: 10000, PaymentMethod: "account"}, t0); err != nil {
		t.Errorf("the rest on account: %v", err)
	}

	d = NewDraft(settlementShop())
	for i := range 2 {
		mustApply(t, d, deskAdvisor, &SetPayer{JobID: "j", Line: LineLabour, Index: i, Payer: PayerInternal})
		mustApply(t, d, deskAdvisor, &SetPayer{JobID: "j", Line: LinePart, Index: i, Payer: PayerWarranty})
	}
	if _, err := d.Apply(deskAdvisor, &Deliver{JobID: "j", Explanation: "内部返工与索赔"}, t0); err != nil {
		t.Errorf("nothing for the customer to pay: %v", err)
	}
	// A line given back to the customer is stored as before payers.
	d = NewDraft(settlementShop())
	mustApply(t, d, deskAdvisor, &SetPayer{JobID: "j", Line: LineLabour, Index: 0, Payer: PayerWarranty})
	mustApply(t, d, deskAdvisor, &SetPayer{JobID: "j", Line: LineLabour, Index: 0, Payer: PayerCustomer})
	b, _ := json.Marshal(d.Job("j").Labour[0])
	if strings.Contains(string(b), "payer") {
		t.Errorf("a customer's line reads %s, want no payer", b)
	}
}

// Every bad payer or discount is refused naming its field, and changes
// nothing.
func TestSettlementRefusalsNameTheirField(t *testing.T) {
	manager := Actor{UserID: "u-m", Roles: []Role{RoleManager}}
	washer := Actor{UserID: "u-w", Roles: []Role{RoleWasher}}
	cases := []struct {
		name  string
		who   Actor
		setup []Command
		cmd   Command
		code  Code
		field string
	}{
		{"a payer that is none", deskAdvisor, nil, &SetPayer{JobID: "j", Line: LineLabour, Payer: "friend"}, CodeInvalid, "payer"},
		{"no payer", deskAdvisor, nil, &SetPayer{JobID: "j", Line: LineLabour}, CodeInvalid, "payer"},
		{"a line kind that is none", deskAdvisor, nil, &SetPayer{JobID: "j", Line: "tyre", Payer: PayerWarranty}, CodeInvalid, "line"},
		{"a line past the last", deskAdvisor, nil, &SetPayer{JobID: "j", Line: LinePart, Index: 2, Payer: PayerWarranty}, CodeInvalid, "index"},
		{"a negative line", deskAdvisor, nil, &GiveDiscount{JobID: "j", Line: LineLabour, Index: -1, Amount: 100, Reason: "x"}, CodeInvalid, "index"},
		{"a discount on a delivered job", deskAdvisor, nil, &GiveDiscount{JobID: "gone", Line: LineOrder, Amount: 100, Reason: "x"}, CodeConflict, "job_id"},
		{"a payer on a delivered job", deskAdvisor, nil, &SetPayer{JobID: "gone", Line: LineLabour, Payer: PayerWarranty}, CodeConflict, "job_id"},
		{"a discount without a reason", deskAdvisor, nil, &GiveDiscount{JobID: "j", Line: LineOrder, Amount: 100}, CodeInvalid, "reason"},
		{"a discount of nothing", deskAdvisor, nil, &GiveDiscount{JobID: "j", Line: LineOrder, Reason: "x"}, CodeInvalid, "amount"},
		{"a negative discount", deskAdvisor, nil, &GiveDiscount{JobID: "j", Line: LineOrder, Amount: -100, Reason: "x"}, CodeInvalid, "amount"},
		{"an order discount naming a line", deskAdvisor, nil, &GiveDiscount{JobID: "j", Line: LineOrder, Index: 1, Amount: 100, Reason: "x"}, CodeInvalid, "index"},
		// ¥34.01 of the cashier's ¥34 (5 % of ¥680, all the customer's).
		{"over the cashier's limit", cashier, nil, &GiveDiscount{JobID: "j", Line: LineOrder, Amount: 3401, Reason: "x"}, CodeInvalid, "amount"},
		{"more than the line", manager, nil, &GiveDiscount{JobID: "j", Line: LinePart, Index: 0, Amount: 10001, Reason: "x"}, CodeInvalid, "amount"},
		{"more than the customer's share", manager, nil, &GiveDiscount{JobID: "j", Line: LineOrder, Amount: 68001, Reason: "x"}, CodeInvalid, "amount"},
		{"a discount on the warranty's line", manager, []Command{&SetPayer{JobID: "j", Line: LineLabour, Index: 1, Payer: PayerWarranty}},
			&GiveDiscount{JobID: "j", Line: LineLabour, Index: 1, Amount: 100, Reason: "x"}, CodeInvalid, "index"},
		{"a discounted line to the warranty", manager, []Command{&GiveDiscount{JobID: "j", Line: LineLabour, Index: 0, Amount: 100, Reason: "x"}},
			&SetPayer{JobID: "j", Line: LineLabour, Index: 0, Payer: PayerWarranty}, CodeInvalid, "payer"},
		{"a discount that is not the job's", deskAdvisor, nil, &RemoveDiscount{JobID: "j", DiscountID: "dc-9"}, CodeInvalid, "discount_id"},
		{"the washer gives a discount", washer, nil, &GiveDiscount{JobID: "j", Line: LineOrder, Amount: 100, Reason: "x"}, CodeForbidden, ""},
		{"the cashier sets a payer", cashier, nil, &SetPayer{JobID: "j", Line: LineLabour, Payer: PayerWarranty}, CodeForbidden, ""},
		{"a line's payer in an estimate", deskAdvisor, nil, &UpdateEstimate{JobID: "j", Estimate: Estimate{Labour: []Labour{{Name: "x", Price: 1, Payer: "boss"}}}}, CodeInvalid, "labour[0].payer"},
	}
	for _, c := range cases {
		st := settlementShop()
		d := NewDraft(st)
		for _, s := range c.setup {
			mustApply(t, d, manager, s)
		}
		before, _ := json.Marshal(d.Job("j"))
		_, err := d.Apply(c.who, c.cmd, t0)
		if CodeOf(err) != c.code || (c.field != "" && !namesField(err, c.field)) {
			t.Errorf("%s: %v, want code %d naming %q", c.name, err, c.code, c.field)
		}
		if after, _ := json.Marshal(d.Job("j")); string(after) != string(before) {
			t.Errorf("%s: the job changed:\n%s\n%s", c.name, before, after)
		}
	}
}

// The manager sets the limits for the roles that give discounts, as
// percentages.
func TestDiscountLimitsInSettings(t *testing.T) {
	manager := Actor{UserID: "u-m", Roles: []Role{RoleManager}}
	for _, c := range []struct {
		limits map[Role]int
		field  string
	}{
		{map[Role]int{RoleAdvisor: 8, RoleCashier: 3}, ""},
		{map[Role]int{RoleAdvisor: 101}, "settings.discount_limits.advisor"},
		{map[Role]int{RoleCashier: -1}, "settings.discount_limits.cashier"},
		{map[Role]int{RoleWasher: 5}, "settings.discount_limits.washer"},
	} {
		s := DefaultSettings()
		s.DiscountLimits = c.limits
		_, err := NewDraft(NewState()).Apply(manager, &SetSettings{Settings: s}, t0)
		if c.field == "" && err != nil || c.field != "" && !namesField(err, c.field) {
			t.Errorf("limits %v: %v, want a refusal of %q", c.limits, err, c.field)
		}
	}
}

// namesField says whether a refusal, of any code, names a field.
func namesField(err error, field string) bool {
	e, ok := err.(*Error)
	if !ok {
		return false
	}
	for _, f := range e.Fields {
		if f.Field == field {
			return true
		}
	}
	return false
}

func mustApply(t *testing.T, d *Draft, a Actor, c Command) {
	t.Helper()
	if _, err := d.Apply(a, c, t0); err != nil {
		t.Fatalf("%s: %v", c.CommandType(), err)
	}
}

// The next service is agreed further on than the car has come: a mileage
// at or below this visit's reading is refused at delivery, naming the
// field, and the car is not delivered.
func TestTheNextServiceIsBeyondTheCarsMileage(t *testing.T) {
	st := settlementShop()
	st.Vehicles["ve-1"] = &Vehicle{ID: "ve-1", CustomerID: "cu-1", Plate: "京A12345", MileageKM: 30000}
	st.Jobs["j"].VehicleID, st.Jobs["j"].WalkAround.MileageKM = "ve-1", 30000
	d := NewDraft(st)
	due := st.Jobs["j"].Settlement().CustomerDue
	for _, km := range []int{30000, 25000} {
		_, err := d.Apply(cashier, &Deliver{JobID: "j", NextServiceKM: km, Paid: due, PaymentMethod: "cash", Explanation: "x"}, t0)
		var e *Error
		if !errors.As(err, &e) || len(e.Fields) == 0 || e.Fields[0].Field != "next_service_km" || d.Job("j").Stage != StageReady {
			t.Errorf("next service at %d km with the car at 30000: %v", km, err)
		}
	}
	if _, err := d.Apply(cashier, &Deliver{JobID: "j", NextServiceKM: 40000, Paid: due, PaymentMethod: "cash", Explanation: "x"}, t0); err != nil {
		t.Errorf("next service at 40000 km: %v", err)
	}
}
