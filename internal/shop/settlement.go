package shop

import (
	"fmt"
	"time"
)

// Payer is who pays for a job's line (结算方式): the customer (自费), the
// maker's warranty (索赔), an insurer (保险), or the dealer itself (内部).
// On a line the customer is written as empty, so lines stored before
// payers existed are the customer's, as they were.
type Payer string

const (
	PayerCustomer  Payer = "customer"
	PayerWarranty  Payer = "warranty"
	PayerInsurance Payer = "insurance"
	PayerInternal  Payer = "internal"
)

// Payers lists every payer in the settlement's order.
var Payers = []Payer{PayerCustomer, PayerWarranty, PayerInsurance, PayerInternal}

// Valid reports whether p names a payer; empty is the customer.
func (p Payer) Valid() bool {
	switch p {
	case "", PayerCustomer, PayerWarranty, PayerInsurance, PayerInternal:
		return true
	}
	return false
}

// Or returns the payer a line's field means: empty is the customer.
func (p Payer) Or() Payer {
	if p == "" {
		return PayerCustomer
	}
	return p
}

// stored is how a line keeps its payer: the customer as empty.
func (p Payer) stored() Payer {
	if p == PayerCustomer {
		return ""
	}
	return p
}

// LineKind says which of a job's lists a line is in.
type LineKind string

const (
	LineLabour LineKind = "labour"
	LinePart   LineKind = "part"
	// LineOrder names no line: a discount on the whole order.
	LineOrder LineKind = "order"
)

// Discount is a reduction of what the customer pays, on one of their
// lines or on the whole order, with its reason and who gave it.
type Discount struct {
	ID     string    `json:"id"`
	Line   LineKind  `json:"line"`
	Index  int       `json:"index"` // the line's place in its list; 0 for the order
	Amount Money     `json:"amount"`
	Reason string    `json:"reason"`
	By     string    `json:"by"`
	At     time.Time `json:"at"`
}

// SettlementLine is one line of the settlement with its payer and the
// discount given on it.
type SettlementLine struct {
	Kind      LineKind `json:"kind"`
	Index     int      `json:"index"`
	Code      string   `json:"code,omitempty"` // the operation's code or the part's number
	Name      string   `json:"name"`
	Hours     float64  `json:"hours,omitempty"`
	Quantity  float64  `json:"quantity,omitempty"`
	UnitPrice Money    `json:"unit_price,omitempty"`
	Amount    Money    `json:"amount"`
	Payer     Payer    `json:"payer"`
	Discount  Money    `json:"discount"`
	Net       Money    `json:"net"`
}

// PayerTotal is what one payer owes: their lines, less the discounts.
type PayerTotal struct {
	Payer    Payer `json:"payer"`
	Labour   Money `json:"labour"`
	Parts    Money `json:"parts"`
	Discount Money `json:"discount"`
	Total    Money `json:"total"` // labour + parts − discount
}

// Settlement is the job's bill (结算单): every line with its payer, the
// totals of each payer that has a line, the discounts, and what the
// customer pays.
type Settlement struct {
	Lines     []SettlementLine `json:"lines"`
	Payers    []PayerTotal     `json:"payers"`
	Discounts []Discount       `json:"discounts"`
	// Gross is every line at its price; Discount the discounts counted.
	Gross    Money `json:"gross"`
	Discount Money `json:"discount"`
	// CustomerGross is the customer's lines before discounts, the base of
	// the discount limits; CustomerDue what the customer pays.
	CustomerGross Money `json:"customer_gross"`
	CustomerDue   Money `json:"customer_due"`
	// Warranty lists the warranty lines, for the claim to the maker.
	Warranty []SettlementLine `json:"warranty"`
}

// Settlement is the job's bill: its agreed labour and the parts it was
// issued at the counter, less those handed back. What is billed is what
// was issued: an estimate's part never drawn is not on it, a part drawn
// against an approved finding or the advisor's allowance is. A part line
// is named by its issue's place in Job.Issued, which never moves, so a
// payer or a discount given on it stays on it whatever is returned later.
func (j *Job) Settlement() Settlement {
	s := Settlement{Lines: []SettlementLine{}, Payers: []PayerTotal{}, Discounts: []Discount{}, Warranty: []SettlementLine{}}
	for i, l := range j.Labour {
		s.Lines = append(s.Lines, SettlementLine{Kind: LineLabour, Index: i, Code: l.Code, Name: l.Name, Hours: l.SoldHours,
			Amount: l.Price, Payer: l.Payer.Or()})
	}
	for i, ip := range j.Issued {
		q := ip.Billed()
		if q <= quantityEpsilon {
			continue
		}
		p := PartLine{Number: ip.Number, Name: ip.Name, Quantity: q, UnitPrice: ip.UnitPrice}
		s.Lines = append(s.Lines, SettlementLine{Kind: LinePart, Index: i, Code: p.Number, Name: p.Name, Quantity: q,
			UnitPrice: p.UnitPrice, Amount: p.Total(), Payer: ip.Payer.Or()})
	}
	return s.total(j.Discounts)
}

// total counts the discounts and each payer's share of the lines. A
// discount on a line is counted up to what the line comes to and only
// while the line is the customer's; discounts on the order up to what is
// left of the customer's share: the customer never pays less than
// nothing, whatever lines changed after a discount.
func (s Settlement) total(discounts []Discount) Settlement {
	at := map[LineKind]map[int]int{LineLabour: {}, LinePart: {}}
	for n, l := range s.Lines {
		at[l.Kind][l.Index] = n
	}
	var orderDiscount Money
	for _, d := range discounts {
		s.Discounts = append(s.Discounts, d)
		if d.Line == LineOrder {
			orderDiscount = orderDiscount.add(d.Amount)
			continue
		}
		n, ok := at[d.Line][d.Index]
		if !ok || s.Lines[n].Payer != PayerCustomer {
			continue
		}
		l := &s.Lines[n]
		l.Discount = min(l.Discount.add(d.Amount), l.Amount)
	}
	totals := map[Payer]*PayerTotal{}
	for n := range s.Lines {
		l := &s.Lines[n]
		l.Net = l.Amount - l.Discount
		t := totals[l.Payer]
		if t == nil {
			t = &PayerTotal{Payer: l.Payer}
			totals[l.Payer] = t
		}
		if l.Kind == LineLabour {
			t.Labour = t.Labour.add(l.Amount)
		} else {
			t.Parts = t.Parts.add(l.Amount)
		}
		t.Discount = t.Discount.add(l.Discount)
		s.Gross = s.Gross.add(l.Amount)
		if l.Payer == PayerCustomer {
			s.CustomerGross = s.CustomerGross.add(l.Amount)
		}
		if l.Payer == PayerWarranty {
			s.Warranty = append(s.Warranty, *l)
		}
	}
	if c := totals[PayerCustomer]; c != nil || orderDiscount > 0 {
		if c == nil {
			c = &PayerTotal{Payer: PayerCustomer}
			totals[PayerCustomer] = c
		}
		left := c.Labour.add(c.Parts) - c.Discount
		c.Discount = c.Discount.add(min(orderDiscount, left))
	}
	for _, p := range Payers {
		if t := totals[p]; t != nil {
			t.Total = t.Labour.add(t.Parts) - t.Discount
			s.Payers = append(s.Payers, *t)
			s.Discount = s.Discount.add(t.Discount)
			if p == PayerCustomer {
				s.CustomerDue = t.Total
			}
		}
	}
	return s
}

// SetPayer says who pays for one of a job's lines: the advisor marks a
// repair under the maker's warranty, one the insurer pays, or one the
// dealer bears itself (internal), or gives it back to the customer.
type SetPayer struct {
	kind
	JobID string   `json:"job_id"`
	Line  LineKind `json:"line"` // labour or part
	Index int      `json:"index"`
	Payer Payer    `json:"payer"`
}

func (c *SetPayer) CommandType() string { return "set_payer" }

func (c *SetPayer) apply(d *Draft, a Actor, now time.Time) (result, error) {
	var p problems
	if c.Payer == "" || !c.Payer.Valid() {
		p.add("payer", "must be customer, warranty, insurance or internal")
	}
	if c.Line != LineLabour && c.Line != LinePart {
		p.add("line", "must be labour or part")
	}
	if err := p.err(); err != nil {
		return result{}, err
	}
	if err := c.permit(d, a); err != nil {
		return result{}, err
	}
	j, err := d.editJob(c.JobID, now)
	if err != nil {
		return result{}, err
	}
	if err := checkLineIndex(j, c.Line, c.Index); err != nil {
		return result{}, err
	}
	if c.Payer.Or() != PayerCustomer {
		for _, dc := range j.Discounts {
			if dc.Line == c.Line && dc.Index == c.Index {
				return result{}, (&problems{{Field: "payer", Message: "the line has a discount: remove it first"}}).err()
			}
		}
	}
	if c.Line == LineLabour {
		j.Labour[c.Index].Payer = c.Payer.stored()
	} else {
		j.Issued[c.Index].Payer = c.Payer.stored()
	}
	return jobResult(j), nil
}

// checkLineIndex refuses an index that names no line of the job's
// settlement: a labour line, or a part issued and not all handed back.
func checkLineIndex(j *Job, line LineKind, index int) error {
	ok := index >= 0 && index < len(j.Labour)
	if line == LinePart {
		ok = index >= 0 && index < len(j.Issued) && j.Issued[index].Billed() > quantityEpsilon
	}
	if !ok {
		return (&problems{{Field: "index", Message: "is not a line of the job's settlement"}}).err()
	}
	return nil
}

// GiveDiscount takes an amount off what the customer pays, on one of
// their lines or on the whole order, with the reason. The job's discounts
// together stay within the giver's limit: a percentage of the customer's
// share the manager sets for each role (Settings.DiscountLimits).
type GiveDiscount struct {
	kind
	JobID  string   `json:"job_id"`
	Line   LineKind `json:"line"`            // order, labour or part
	Index  int      `json:"index,omitempty"` // the line's, for labour or part
	Amount Money    `json:"amount"`
	Reason string   `json:"reason"`
}

func (c *GiveDiscount) CommandType() string { return "give_discount" }

func (c *GiveDiscount) apply(d *Draft, a Actor, now time.Time) (result, error) {
	var p problems
	switch c.Line {
	case LineOrder:
		if c.Index != 0 {
			p.add("index", "must be 0 for a discount on the order")
		}
	case LineLabour, LinePart:
	default:
		p.add("line", "must be order, labour or part")
	}
	if c.Amount <= 0 {
		p.add("amount", "must be more than 0")
	} else {
		checkMoney(&p, "amount", c.Amount, MaxJobTotal)
	}
	checkText(&p, "reason", c.Reason, maxText, true)
	if err := p.err(); err != nil {
		return result{}, err
	}
	if err := c.permit(d, a); err != nil {
		return result{}, err
	}
	j, err := d.editJob(c.JobID, now)
	if err != nil {
		return result{}, err
	}
	before := j.Settlement()
	if c.Line != LineOrder {
		if err := checkLineIndex(j, c.Line, c.Index); err != nil {
			return result{}, err
		}
		for _, l := range before.Lines {
			if l.Kind != c.Line || l.Index != c.Index {
				continue
			}
			if l.Payer != PayerCustomer {
				return result{}, (&problems{{Field: "index", Message: "is not the customer's line: only what the customer pays is discounted"}}).err()
			}
			if c.Amount > l.Net {
				return result{}, (&problems{{Field: "amount", Message: "is more than is left of the line"}}).err()
			}
		}
	}
	if c.Amount > before.CustomerDue {
		return result{}, (&problems{{Field: "amount", Message: "is more than the customer's share"}}).err()
	}
	limit := d.discountLimit(a)
	if given := before.Discount.add(c.Amount); limit < 100 && given.times(100) > before.CustomerGross.times(float64(limit)) {
		var over problems
		over.add("amount", "is over your discount limit of %d percent of the customer's share", limit)
		return result{}, over.err()
	}
	j.Discounts = append(j.Discounts, Discount{ID: d.newID("dc"), Line: c.Line, Index: c.Index, Amount: c.Amount,
		Reason: c.Reason, By: actorName(a), At: now})
	return jobResult(j), nil
}

// discountLimit is the most, in percent of the customer's share, an
// actor's discounts on a job may come to: the highest of their roles'.
// The manager sets the limits and is not limited.
func (d *Draft) discountLimit(a Actor) int {
	if a.System || a.Has(RoleManager) {
		return 100
	}
	limit := 0
	for _, r := range a.Roles {
		limit = max(limit, d.Settings().DiscountLimits[r])
	}
	return limit
}

// RemoveDiscount takes a discount back before the car is delivered.
type RemoveDiscount struct {
	kind
	JobID      string `json:"job_id"`
	DiscountID string `json:"discount_id"`
}

func (c *RemoveDiscount) CommandType() string { return "remove_discount" }

func (c *RemoveDiscount) apply(d *Draft, a Actor, now time.Time) (result, error) {
	if err := c.permit(d, a); err != nil {
		return result{}, err
	}
	j, err := d.editJob(c.JobID, now)
	if err != nil {
		return result{}, err
	}
	for i, dc := range j.Discounts {
		if dc.ID == c.DiscountID {
			j.Discounts = append(j.Discounts[:i:i], j.Discounts[i+1:]...)
			return jobResult(j), nil
		}
	}
	return result{}, (&problems{{Field: "discount_id", Message: "is not a discount of the job"}}).err()
}

// settlementOpen says whether a job's payers and discounts may still
// change: only before it is delivered or cancelled, as what was settled
// and paid stays so.
func (d *Draft) settlementOpen(jobID string) error {
	j, err := d.job(jobID)
	if err != nil {
		return err
	}
	if !j.Stage.Open() {
		return &Error{Code: CodeConflict, Message: fmt.Sprintf("job %s is %s: its settlement is closed", j.ID, j.Stage),
			Fields: []FieldError{{Field: "job_id", Message: "is delivered or cancelled"}}}
	}
	return nil
}

// permit: payers and discounts change while the job is open.
func (c *SetPayer) permit(d *Draft, a Actor) error       { return d.settlementOpen(c.JobID) }
func (c *GiveDiscount) permit(d *Draft, a Actor) error   { return d.settlementOpen(c.JobID) }
func (c *RemoveDiscount) permit(d *Draft, a Actor) error { return d.settlementOpen(c.JobID) }

// checkDiscountLimits checks the settings' discount limits: a percentage
// for a role that may give a discount.
func checkDiscountLimits(p *problems, limits map[Role]int) {
	for r, pct := range limits {
		f := "settings.discount_limits." + string(r)
		switch {
		case r != RoleAdvisor && r != RoleCashier:
			p.add(f, "only the advisor's and the cashier's are set")
		case pct < 0 || pct > 100:
			p.add(f, "must be between 0 and 100")
		}
	}
}
