package shop

import (
	"sort"
	"time"
)

// Parts follow the job (seed 001: parts are drawn against the 任务委托书).
// The parts clerk issues a part against a job, by its catalogue number, at
// the catalogue's price unless a reason says otherwise, and on one ground:
// the job's agreed scope (Job.Parts: the signed estimate with what the
// customer agreed since), an approved finding, or an allowance the advisor
// recorded with a reason (allow_part). A part beyond those is refused:
// nobody was asked. What the job bills is what was issued less what came
// back (退料), Job.BilledParts.

// IssueBasis is the ground a part is issued on.
type IssueBasis string

const (
	// BasisScope is a part line of the job's agreed scope.
	BasisScope IssueBasis = "scope"
	// BasisFinding is a part of extra work the customer approved.
	BasisFinding IssueBasis = "finding"
	// BasisAllowance is the advisor's allowance of a part beyond the
	// scope, with its reason (allow_part).
	BasisAllowance IssueBasis = "allowance"
	// BasisMigrated is a part of a job at work before parts were issued
	// against jobs: its scope counted as issued (migration 11).
	BasisMigrated IssueBasis = "migrated"
)

// IssuedPart is a part handed to the job at the counter. Returned grows
// with each return; the job bills the rest.
type IssuedPart struct {
	ID        string     `json:"id"`
	Number    string     `json:"number"`
	Name      string     `json:"name"`
	Quantity  float64    `json:"quantity"`
	UnitPrice Money      `json:"unit_price"`
	Basis     IssueBasis `json:"basis"`
	// FindingID or AllowanceID names the finding or the allowance the
	// part was issued against; RequestID the parts request it answered.
	FindingID   string `json:"finding_id,omitempty"`
	AllowanceID string `json:"allowance_id,omitempty"`
	RequestID   string `json:"request_id,omitempty"`
	// CatalogPrice is the catalogue's price when the part was issued;
	// PriceReason says why UnitPrice differs from it.
	CatalogPrice Money  `json:"catalog_price"`
	PriceReason  string `json:"price_reason,omitempty"`
	// Payer is who pays for the part: at issue, the payer of the scope's
	// line of that number (a warranty part on the estimate stays the
	// warranty's); set_payer changes it on the settlement.
	Payer    Payer        `json:"payer,omitempty"`
	IssuedBy string       `json:"issued_by"`
	IssuedAt time.Time    `json:"issued_at"`
	Returned float64      `json:"returned,omitempty"`
	Returns  []PartReturn `json:"returns,omitempty"`
}

// Billed is the quantity the job still holds: issued less returned.
func (p IssuedPart) Billed() float64 { return p.Quantity - p.Returned }

// PartReturn is part of an issue handed back to the counter (退料).
type PartReturn struct {
	Quantity float64   `json:"quantity"`
	Reason   string    `json:"reason,omitempty"`
	By       string    `json:"by"`
	At       time.Time `json:"at"`
}

// PartAllowance is the advisor's leave to issue a part beyond the job's
// scope, with the reason (the customer's consent taken by phone, a part
// the shop bears). The revisions of the repair order record it as a
// change of scope.
type PartAllowance struct {
	ID        string    `json:"id"`
	Number    string    `json:"number"`
	Name      string    `json:"name"`
	Quantity  float64   `json:"quantity"`
	RequestID string    `json:"request_id,omitempty"`
	Reason    string    `json:"reason"`
	By        string    `json:"by"`
	At        time.Time `json:"at"`
	// UnitPrice is the catalogue's price when the part was allowed; Payer
	// who pays for it (empty: the customer), which its issue carries.
	UnitPrice Money `json:"unit_price"`
	Payer     Payer `json:"payer,omitempty"`
}

// BilledParts are the part lines the job bills: one line per issue still
// held, at its unit price, for the quantity issued less returned.
func (j *Job) BilledParts() []PartLine {
	out := []PartLine{}
	for _, ip := range j.Issued {
		if q := ip.Billed(); q > quantityEpsilon {
			out = append(out, PartLine{Number: ip.Number, Name: ip.Name, Quantity: q, UnitPrice: ip.UnitPrice, Payer: ip.Payer})
		}
	}
	return out
}

// quantityEpsilon absorbs float rounding in quantities (litres of oil).
const quantityEpsilon = 1e-9

// DrawLine is a part a job is still to draw from the counter, or has
// drawn: what the ground allows, what was issued against it net of
// returns, and the rest. The counter's pick list and the technician's
// kiosk show the same lines.
type DrawLine struct {
	Basis       IssueBasis `json:"basis"`
	Number      string     `json:"number"`
	Name        string     `json:"name"`
	FindingID   string     `json:"finding_id,omitempty"`
	AllowanceID string     `json:"allowance_id,omitempty"`
	RequestID   string     `json:"request_id,omitempty"`
	Wanted      float64    `json:"wanted"`
	Issued      float64    `json:"issued"`
	ToDraw      float64    `json:"to_draw"`
	// BeyondScope marks a parts request for a part the scope does not
	// hold: the advisor allows it (allow_part) before it is issued.
	BeyondScope bool `json:"beyond_scope,omitempty"`
	// UnitPrice is the catalogue's price, 0 for a number it lacks.
	UnitPrice Money `json:"unit_price"`
	// InCatalog is false for a scope line whose number the catalogue
	// lacks (or that has none): it cannot be issued until the advisor
	// corrects the line.
	InCatalog bool `json:"in_catalog"`
}

// DrawLines lists what a job may draw, ground by ground: its scope's part
// numbers (approved findings' parts are part of the scope), each
// allowance, and each open parts request the scope or an allowance does
// not already answer. Lines with nothing left to draw stay in the list
// with ToDraw 0, so the counter sees what was issued.
func (s *State) DrawLines(j *Job) []DrawLine { return NewDraft(s).drawLines(j) }

func (d *Draft) drawLines(j *Job) []DrawLine {
	return drawLinesOf(j, d.jobParts(j.ID), d.catalogParts.get)
}

// drawLinesOf is DrawLines from the job's parts requests, in any order,
// and the catalogue: the pick list gathers both once for every job.
func drawLinesOf(j *Job, reqs []*PartsRequest, catalog func(number string) *CatalogPart) []DrawLine {
	var out []DrawLine
	byNumber := map[string]int{}
	for _, pl := range j.Parts {
		key := pl.Number
		if key == "" {
			key = "\x00" + pl.Name // a line without a number stands alone
		}
		if i, ok := byNumber[key]; ok {
			out[i].Wanted += pl.Quantity
			continue
		}
		byNumber[key] = len(out)
		out = append(out, DrawLine{Basis: BasisScope, Number: pl.Number, Name: pl.Name, Wanted: pl.Quantity})
	}
	for i := range out {
		out[i].Issued = j.issuedFromScope(out[i].Number)
	}
	for _, al := range j.Allowances {
		out = append(out, DrawLine{Basis: BasisAllowance, Number: al.Number, Name: al.Name, AllowanceID: al.ID,
			RequestID: al.RequestID, Wanted: al.Quantity, Issued: j.issuedAgainst(func(ip IssuedPart) bool { return ip.AllowanceID == al.ID })})
	}
	answered := map[string]bool{}
	for _, ip := range j.Issued {
		answered[ip.RequestID] = true
	}
	for _, al := range j.Allowances {
		answered[al.RequestID] = true
	}
	reqs = append([]*PartsRequest(nil), reqs...)
	sort.Slice(reqs, func(a, b int) bool { return reqs[a].ID < reqs[b].ID })
	for _, pr := range reqs {
		if !pr.Open() || answered[pr.ID] {
			continue
		}
		out = append(out, DrawLine{Basis: BasisScope, Number: pr.Number, Name: pr.Description, RequestID: pr.ID, Wanted: pr.Quantity,
			BeyondScope: pr.Number == "" || j.scopeQuantity(pr.Number) == 0})
	}
	for i := range out {
		l := &out[i]
		l.ToDraw = max(0, l.Wanted-l.Issued)
		if l.ToDraw < quantityEpsilon {
			l.ToDraw = 0
		}
		if cp := catalog(l.Number); cp != nil && cp.Active {
			l.UnitPrice, l.InCatalog = cp.UnitPrice, true
		}
	}
	return out
}

// issuedFromScope is what the job holds of a number drawn against its
// scope (the scope itself, approved findings, and what a migration
// counted as issued).
func (j *Job) issuedFromScope(number string) float64 {
	return j.issuedAgainst(func(ip IssuedPart) bool {
		return ip.Number == number && (ip.Basis == BasisScope || ip.Basis == BasisFinding || ip.Basis == BasisMigrated)
	})
}

func (j *Job) issuedAgainst(match func(IssuedPart) bool) float64 {
	var q float64
	for _, ip := range j.Issued {
		if match(ip) {
			q += ip.Billed()
		}
	}
	return q
}

// scopePayer is who pays for a number in the job's agreed scope: the
// payer of its first line of that number.
func (j *Job) scopePayer(number string) Payer {
	for _, pl := range j.Parts {
		if pl.Number == number {
			return pl.Payer
		}
	}
	return ""
}

// scopeQuantity is how much of a number the job's agreed scope holds.
func (j *Job) scopeQuantity(number string) float64 {
	var q float64
	for _, pl := range j.Parts {
		if pl.Number == number {
			q += pl.Quantity
		}
	}
	return q
}

// ToDraw is what a job still has to draw, the lines of DrawLines with
// something left.
func (s *State) ToDraw(j *Job) []DrawLine {
	out := []DrawLine{}
	for _, l := range s.DrawLines(j) {
		if l.ToDraw > 0 {
			out = append(out, l)
		}
	}
	return out
}

// issuable says whether parts are issued to a job in a stage: once the
// customer has signed and until the work is done (a rework is dispatched
// again and draws again).
func issuable(s Stage) bool {
	switch s {
	case StageWaitingDispatch, StageDispatched, StageInProgress, StageWaitingParts, StageWaitingApproval, StagePaused, StageQualityCheck:
		return true
	}
	return false
}

// IssuePart hands a part to a job at the counter.
type IssuePart struct {
	kind
	JobID    string  `json:"job_id"`
	Number   string  `json:"number"`
	Quantity float64 `json:"quantity"`
	// UnitPrice, when given and not the catalogue's, needs PriceReason.
	UnitPrice   *Money `json:"unit_price,omitempty"`
	PriceReason string `json:"price_reason,omitempty"`
	// At most one of FindingID and AllowanceID: the ground beyond the
	// scope. Neither: the job's scope.
	FindingID   string `json:"finding_id,omitempty"`
	AllowanceID string `json:"allowance_id,omitempty"`
	// RequestID is the parts request this issue answers, if any.
	RequestID string `json:"request_id,omitempty"`
}

func (c *IssuePart) CommandType() string { return "issue_part" }

func (c *IssuePart) apply(d *Draft, a Actor, now time.Time) (result, error) {
	var p problems
	checkText(&p, "number", c.Number, 40, true)
	checkQuantity(&p, "quantity", c.Quantity)
	checkText(&p, "price_reason", c.PriceReason, maxText, false)
	if c.UnitPrice != nil {
		checkMoney(&p, "unit_price", *c.UnitPrice, MaxLinePrice)
	}
	if c.FindingID != "" && c.AllowanceID != "" {
		p.add("allowance_id", "give a finding or an allowance, not both")
	}
	var cp *CatalogPart
	if c.Number != "" {
		if cp = d.catalogParts.get(c.Number); cp == nil || !cp.Active {
			p.add("number", "is not a part in the catalogue")
		}
	}
	if cp != nil && cp.Active && c.UnitPrice != nil && *c.UnitPrice != cp.UnitPrice && c.PriceReason == "" {
		p.add("price_reason", "is required for a price other than the catalogue's (%d)", cp.UnitPrice)
	}
	if err := p.err(); err != nil {
		return result{}, err
	}
	if err := c.permit(d, a); err != nil {
		return result{}, err
	}
	j, _ := d.editJob(c.JobID, now)
	ip := IssuedPart{ID: d.newID("ip"), Number: cp.Number, Name: cp.Name, Quantity: c.Quantity,
		UnitPrice: cp.UnitPrice, CatalogPrice: cp.UnitPrice, Basis: BasisScope,
		FindingID: c.FindingID, AllowanceID: c.AllowanceID, RequestID: c.RequestID,
		IssuedBy: actorName(a), IssuedAt: now}
	if c.UnitPrice != nil && *c.UnitPrice != cp.UnitPrice {
		ip.UnitPrice, ip.PriceReason = *c.UnitPrice, c.PriceReason
	}
	switch {
	case c.FindingID != "":
		ip.Basis = BasisFinding
	case c.AllowanceID != "":
		ip.Basis = BasisAllowance
	}
	if al := j.allowance(c.AllowanceID); al != nil {
		ip.Payer = al.Payer
	} else {
		ip.Payer = j.scopePayer(ip.Number)
	}
	j.Issued = append(j.Issued, ip)
	if c.RequestID != "" {
		pr := *d.parts.get(c.RequestID)
		pr.Status, pr.ETA, pr.UpdatedAt = PartsIssued, nil, now
		set(d, &d.parts, pr.ID, &pr)
	}
	var bp problems
	checkJobBounds(&bp, nil, j.BilledParts())
	if err := bp.err(); err != nil {
		return result{}, err
	}
	return result{subject: ip.ID, job: j.ID}, nil
}

func findingHas(f *Finding, number string) bool {
	for _, pl := range f.Parts {
		if pl.Number == number {
			return true
		}
	}
	return false
}

func (j *Job) allowance(id string) *PartAllowance {
	for i := range j.Allowances {
		if j.Allowances[i].ID == id {
			return &j.Allowances[i]
		}
	}
	return nil
}

func (j *Job) issued(id string) *IssuedPart {
	for i := range j.Issued {
		if j.Issued[i].ID == id {
			return &j.Issued[i]
		}
	}
	return nil
}

// ReturnPart takes back part of an issue (退料): the job no longer bills
// it. A cancelled job's parts come back this way too.
type ReturnPart struct {
	kind
	JobID    string  `json:"job_id"`
	IssueID  string  `json:"issue_id"`
	Quantity float64 `json:"quantity"`
	Reason   string  `json:"reason,omitempty"`
}

func (c *ReturnPart) CommandType() string { return "return_part" }

func (c *ReturnPart) apply(d *Draft, a Actor, now time.Time) (result, error) {
	var p problems
	checkText(&p, "issue_id", c.IssueID, maxName, true)
	checkQuantity(&p, "quantity", c.Quantity)
	checkText(&p, "reason", c.Reason, maxText, false)
	if err := p.err(); err != nil {
		return result{}, err
	}
	if err := c.permit(d, a); err != nil {
		return result{}, err
	}
	j, _ := d.editJob(c.JobID, now)
	ip := j.issued(c.IssueID)
	ip.Returns = append(append([]PartReturn(nil), ip.Returns...), PartReturn{Quantity: c.Quantity, Reason: c.Reason, By: actorName(a), At: now})
	ip.Returned += c.Quantity
	return result{subject: ip.ID, job: j.ID}, nil
}

// AllowPart is the advisor's leave to issue a part beyond the job's
// scope, with the reason; the counter then issues against it.
type AllowPart struct {
	kind
	JobID    string  `json:"job_id"`
	Number   string  `json:"number"`
	Quantity float64 `json:"quantity"`
	Reason   string  `json:"reason"`
	// RequestID is the parts request the allowance answers, if any.
	RequestID string `json:"request_id,omitempty"`
	// Payer is who pays for the part: the customer (empty) or the
	// warranty, the insurer, the shop. A part the customer pays for on a
	// signed job changes what they signed for: it takes their Consent,
	// and makes a revision.
	Payer   Payer    `json:"payer,omitempty"`
	Consent *Consent `json:"consent,omitempty"`
}

func (c *AllowPart) CommandType() string { return "allow_part" }

func (c *AllowPart) apply(d *Draft, a Actor, now time.Time) (result, error) {
	var p problems
	checkText(&p, "number", c.Number, 40, true)
	checkQuantity(&p, "quantity", c.Quantity)
	checkText(&p, "reason", c.Reason, maxText, true)
	checkPayer(&p, "payer", c.Payer)
	var cp *CatalogPart
	if c.Number != "" {
		if cp = d.catalogParts.get(c.Number); cp == nil || !cp.Active {
			p.add("number", "is not a part in the catalogue")
		}
	}
	// The customer's consent is asked for a part they pay for on a job
	// they signed; a part someone else pays for leaves their bill as it was.
	var revised bool
	if j := d.jobs.get(c.JobID); j != nil && j.Signed() != nil && c.Payer.Or() == PayerCustomer {
		revised = true
		if c.Consent == nil {
			p.add("consent.via", "is required") // the customer pays for the part
		} else {
			checkStaffConsent(&p, *c.Consent)
		}
	}
	if err := p.err(); err != nil {
		return result{}, err
	}
	if err := c.permit(d, a); err != nil {
		return result{}, err
	}
	j, _ := d.editJob(c.JobID, now)
	al := PartAllowance{ID: d.newID("pa"), Number: cp.Number, Name: cp.Name, Quantity: c.Quantity, UnitPrice: cp.UnitPrice,
		Payer: c.Payer.stored(), RequestID: c.RequestID, Reason: c.Reason, By: actorName(a), At: now}
	j.Allowances = append(j.Allowances, al)
	if revised {
		d.revise(j, RevisionInput{Kind: RevisionScope, Reason: c.Reason, Consent: *c.Consent}, a, now)
	}
	return result{subject: al.ID, job: j.ID}, nil
}
