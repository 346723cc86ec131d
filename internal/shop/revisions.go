package shop

import "time"

// RevisionKind says why a job's agreed scope or promised time changed.
type RevisionKind string

const (
	// RevisionSigned is revision 1: the estimate the customer signed under
	// the 费用和时间预估 seal (submit).
	RevisionSigned RevisionKind = "signed"
	// RevisionFinding is extra work (增项) the customer approved.
	RevisionFinding RevisionKind = "finding"
	// RevisionCorrection is the advisor's correction of the signed
	// estimate, agreed with the customer (update_estimate after signing).
	RevisionCorrection RevisionKind = "correction"
	// RevisionPromise is a new promised time agreed with the customer.
	RevisionPromise RevisionKind = "promised_time"
	// RevisionScope is a part issued beyond the signed scope on the
	// advisor's override (the parts counter's issue).
	RevisionScope RevisionKind = "scope"
)

// ConsentVia is how the customer agreed to a revision.
type ConsentVia string

const (
	// ConsentSignature is the customer's signature on the estimate.
	ConsentSignature ConsentVia = "signature"
	// ConsentCustomerPage is the customer's own answer on their page.
	ConsentCustomerPage ConsentVia = "customer_page"
	// ConsentPhone and ConsentInPerson are taken by the advisor.
	ConsentPhone    ConsentVia = "phone"
	ConsentInPerson ConsentVia = "in_person"
)

// Consent is the customer's agreement to a revision: how, and who gave
// it when not the customer on record (someone who spoke for them). Who is
// contact data: a reader who may not see the customer's name does not see
// it (JobStatus.ForReader).
type Consent struct {
	Via ConsentVia `json:"via"`
	Who string     `json:"who,omitempty"`
}

// Revision is one agreed state of a job's scope: the lines, their totals
// and the promised time as they stood once the change was agreed, with
// who made it, when, why and the customer's consent. Revision 1 is the
// signed estimate; a job's revisions only ever grow.
type Revision struct {
	Number     int          `json:"number"`
	Kind       RevisionKind `json:"kind"`
	At         time.Time    `json:"at"`
	By         string       `json:"by"` // a user id, "customer" or "system"
	Reason     string       `json:"reason,omitempty"`
	Consent    Consent      `json:"consent"`
	FindingID  string       `json:"finding_id,omitempty"`
	Labour     []Labour     `json:"labour"`
	Parts      []PartLine   `json:"parts"`
	Totals     Totals       `json:"totals"`
	PromisedAt time.Time    `json:"promised_at"`
	// Rebuilt marks a revision 1 that migration 9 rebuilt for a job
	// signed before revisions were kept; LinesUnknown, one whose lines
	// could not be rebuilt (its totals are the signed ones either way).
	Rebuilt      bool `json:"rebuilt,omitempty"`
	LinesUnknown bool `json:"lines_unknown,omitempty"`
}

// RevisionInput is what a change says about itself; the lines and the
// promised time are taken from the job as it now stands.
type RevisionInput struct {
	Kind      RevisionKind
	Reason    string
	Consent   Consent
	FindingID string
}

// revise appends a revision to j, a job the draft is editing (editJob),
// snapshotting its current lines, totals and promised time. Every change
// to the agreed scope or the promised time after signing goes through
// here, so the job's revisions are its whole agreed history.
func (d *Draft) revise(j *Job, in RevisionInput, a Actor, now time.Time) *Revision {
	parts := append([]PartLine{}, j.Parts...)
	// A part the customer agreed to beyond the scope is theirs to pay as
	// much as a line of the estimate.
	for _, al := range j.Allowances {
		if al.Payer.Or() == PayerCustomer {
			parts = append(parts, PartLine{Number: al.Number, Name: al.Name, Quantity: al.Quantity, UnitPrice: al.UnitPrice})
		}
	}
	r := Revision{
		Number: len(j.Revisions) + 1, Kind: in.Kind, At: now, By: actorName(a),
		Reason: in.Reason, Consent: in.Consent, FindingID: in.FindingID,
		Labour: append([]Labour{}, j.Labour...), Parts: parts,
		Totals: TotalsOf(j.Labour, parts), PromisedAt: j.PromisedAt,
	}
	j.Revisions = append(j.Revisions, r)
	return &j.Revisions[len(j.Revisions)-1]
}

// Signed returns revision 1, the signed estimate, or nil before signing.
func (j *Job) Signed() *Revision { return j.Revision(1) }

// Revision returns revision n of the job, or nil.
func (j *Job) Revision(n int) *Revision {
	if n < 1 || n > len(j.Revisions) {
		return nil
	}
	return &j.Revisions[n-1]
}

// AgreedPromise is the promised time last agreed with the customer: that
// of the latest revision, or the estimate's before signing. The on-time
// rate counts against it.
func (j *Job) AgreedPromise() time.Time {
	if n := len(j.Revisions); n > 0 {
		return j.Revisions[n-1].PromisedAt
	}
	return j.PromisedAt
}

// ReAgreed reports whether the promised time was agreed again after
// signing: some revision promises another time than the one before it.
func (j *Job) ReAgreed() bool {
	for i := 1; i < len(j.Revisions); i++ {
		if !j.Revisions[i].PromisedAt.Equal(j.Revisions[i-1].PromisedAt) {
			return true
		}
	}
	return false
}

// checkStaffConsent checks the consent the desk records for the customer:
// by phone or in person. The customer's page is the customer's own, and
// the desk never records a consent as given there.
func checkStaffConsent(p *problems, c Consent) {
	switch c.Via {
	case ConsentPhone, ConsentInPerson:
	case "":
		p.add("consent.via", "is required")
	default:
		p.add("consent.via", "must be phone or in_person")
	}
	checkText(p, "consent.who", c.Who, maxName, false)
}

// AgreePromise records a new promised time agreed with the customer, with
// the reason: approved extra work, parts that are late. It is a revision,
// and the on-time rate counts against it from then on.
type AgreePromise struct {
	kind
	JobID      string    `json:"job_id"`
	PromisedAt time.Time `json:"promised_at"`
	Reason     string    `json:"reason"`
	Consent    Consent   `json:"consent"`
}

func (c *AgreePromise) CommandType() string { return "agree_promise" }

func (c *AgreePromise) apply(d *Draft, a Actor, now time.Time) (result, error) {
	var p problems
	checkText(&p, "reason", c.Reason, maxText, true)
	checkStaffConsent(&p, c.Consent)
	if c.PromisedAt.IsZero() {
		p.add("promised_at", "is required")
	} else if !c.PromisedAt.After(now) || c.PromisedAt.After(now.AddDate(0, 3, 0)) {
		p.add("promised_at", "must be between now and three months ahead")
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
	if j.PromisedAt.Equal(c.PromisedAt) {
		return result{}, (&problems{{Field: "promised_at", Message: "is the time agreed already"}}).err()
	}
	j.PromisedAt = c.PromisedAt
	d.revise(j, RevisionInput{Kind: RevisionPromise, Reason: c.Reason, Consent: c.Consent}, a, now)
	return jobResult(j), nil
}

// permit: a new time is agreed on a signed job still in the shop's hands.
func (c *AgreePromise) permit(d *Draft, a Actor) error {
	j, err := d.job(c.JobID)
	if err != nil {
		return err
	}
	return signedAndOpen(j)
}

func signedAndOpen(j *Job) error {
	if !j.Stage.Open() {
		return conflict("job %s is %s and can no longer change", j.ID, j.Stage)
	}
	if j.Signed() == nil {
		return conflict("job %s is not signed yet: change its estimate instead", j.ID)
	}
	return nil
}

// ReopenComeback receives a delivered car back for the same fault (返修):
// a new job in reception, linked to the first job of the repair, counted
// by the comeback rate.
type ReopenComeback struct {
	kind
	JobID      string    `json:"job_id"` // the delivered job the car comes back from
	Requests   string    `json:"requests"`
	PromisedAt time.Time `json:"promised_at"`
	MileageKM  int       `json:"mileage_km"`
	// Delivered is the job the car comes back from when it has left the
	// live state (closed more than KeepClosed ago): the server reads it
	// from the data file and sets it here. No client can send it.
	Delivered *Job `json:"-"`
}

// from is the delivered job the car comes back from: the live one, or
// the one the server read from the data file.
func (c *ReopenComeback) from(d *Draft) *Job {
	if j := d.jobs.get(c.JobID); j != nil {
		return j
	}
	if c.Delivered != nil && c.Delivered.ID == c.JobID {
		return c.Delivered
	}
	return nil
}

func (c *ReopenComeback) CommandType() string { return "reopen_comeback" }

func (c *ReopenComeback) apply(d *Draft, a Actor, now time.Time) (result, error) {
	if c.MileageKM < 0 || c.MileageKM > 3_000_000 {
		return result{}, (&problems{{Field: "mileage_km", Message: "must be between 0 and 3000000"}}).err()
	}
	if err := c.permit(d, a); err != nil {
		return result{}, err
	}
	prev := c.from(d)
	open := &OpenJob{CustomerID: prev.CustomerID, VehicleID: prev.VehicleID, AdvisorID: prev.AdvisorID,
		Priority: prev.Priority, Estimate: Estimate{Requests: c.Requests, PromisedAt: c.PromisedAt,
			Wash: prev.Wash, KeepOldParts: prev.KeepOldParts, WalkAround: WalkAround{MileageKM: c.MileageKM}}}
	if d.users.get(open.AdvisorID) == nil {
		open.AdvisorID = ""
	}
	r, err := open.apply(d, a, now)
	if err != nil {
		return result{}, err
	}
	j := d.jobs.get(r.job)
	first := prev.ID
	if prev.ComebackOf != "" {
		first = prev.ComebackOf
	}
	j.ComebackOf = first
	// A comeback goes first: the car was to be right the first time.
	if j.Priority < 5 {
		j.Priority = 5
	}
	return r, nil
}

// permit: only a delivered car comes back.
func (c *ReopenComeback) permit(d *Draft, a Actor) error {
	j := c.from(d)
	if j == nil {
		return notFound("job", c.JobID)
	}
	if j.Stage != StageDelivered {
		return conflict("job %s is %s: only a delivered car comes back", j.ID, j.Stage)
	}
	return nil
}

// EstimateRevision is the revision an estimate prints: revision n, or
// with n 0 the signed one (nil before signing: the estimate to be signed).
func (j *Job) EstimateRevision(n int) (*Revision, error) {
	if n == 0 {
		return j.Signed(), nil
	}
	if r := j.Revision(n); r != nil {
		return r, nil
	}
	var p problems
	if len(j.Revisions) == 0 {
		p.add("revision", "the job has no revisions yet")
	} else {
		p.add("revision", "must be between 1 and %d", len(j.Revisions))
	}
	return nil, p.err()
}
