package shop

import (
	"errors"
	"testing"
	"time"
)

// The estimate (35,000 labour + 12,800 parts = 47,800) is signed; a
// finding of 80,000 (two discs of 25,000 and 30,000 labour) is approved
// on the customer's page; a new time is agreed by phone; the advisor
// corrects a price in person. Revision 1 keeps the signed estimate
// through it all, and each change is a revision with who, why, consent.
func TestEveryChangeAfterSigningIsARevision(t *testing.T) {
	f := newFixture(t)
	j := f.openJob(t)
	// Before signing the advisor edits freely: no revision, no consent.
	edited := Estimate{Requests: j.Requests, Labour: j.Labour, Parts: j.Parts, PromisedAt: j.PromisedAt.Add(time.Hour), Wash: true}
	f.mustAt(t, t0.Add(time.Minute), advisor, &UpdateEstimate{JobID: j.ID, Estimate: edited})
	if j = f.state.Jobs[j.ID]; len(j.Revisions) != 0 || j.Signed() != nil {
		t.Fatalf("revisions before signing: %+v", j.Revisions)
	}
	signedAt := t0.Add(2 * time.Minute)
	f.mustAt(t, signedAt, advisor, &Submit{JobRef: JobRef{j.ID}})
	j = f.state.Jobs[j.ID]
	s := j.Signed()
	if s == nil || s.Number != 1 || s.Kind != RevisionSigned || !s.At.Equal(signedAt) || s.Totals.Total != 47800 ||
		!s.PromisedAt.Equal(t0.Add(5*time.Hour)) || s.Consent != (Consent{Via: ConsentSignature}) ||
		len(s.Labour) != 2 || len(s.Parts) != 1 || s.By != "user-1" {
		t.Fatalf("revision 1: %+v", s)
	}

	f.mustAt(t, t0.Add(3*time.Minute), advisor, &ReportFinding{JobID: j.ID, FindingInput: FindingInput{Description: "前刹车盘磨损", Hours: 1,
		Parts: []PartLine{{Name: "刹车盘", Quantity: 2, UnitPrice: 25000}}}})
	labourPrice := Money(30000)
	f.mustAt(t, t0.Add(3*time.Minute), advisor, &PriceFinding{FindingID: "fi-1", LabourPrice: &labourPrice, Send: true})
	f.mustAt(t, t0.Add(4*time.Minute), Actor{Customer: true, CustomerJob: j.ID}, &DecideFinding{FindingID: "fi-1", Approve: true, Via: "customer_page"})
	later := t0.Add(7 * time.Hour)
	f.mustAt(t, t0.Add(5*time.Minute), advisor, &AgreePromise{JobID: j.ID, PromisedAt: later, Reason: "增项刹车盘", Consent: Consent{Via: ConsentPhone}})
	j = f.state.Jobs[j.ID]
	corrected := Estimate{Requests: j.Requests, Labour: append([]Labour(nil), j.Labour...), Parts: j.Parts, PromisedAt: j.PromisedAt, Wash: true}
	corrected.Labour[0].Price = 18000
	f.mustAt(t, t0.Add(6*time.Minute), advisor, &UpdateEstimate{JobID: j.ID, Estimate: corrected, Reason: "机油工时按会员价",
		Consent: &Consent{Via: ConsentInPerson, Who: "张太太"}})

	j = f.state.Jobs[j.ID]
	want := []struct {
		kind    RevisionKind
		total   Money
		promise time.Time
		consent Consent
		by      string
	}{
		{RevisionSigned, 47800, t0.Add(5 * time.Hour), Consent{ConsentSignature, ""}, "user-1"},
		{RevisionFinding, 127800, t0.Add(5 * time.Hour), Consent{ConsentCustomerPage, ""}, "customer"},
		{RevisionPromise, 127800, later, Consent{ConsentPhone, ""}, "user-1"},
		{RevisionCorrection, 125800, later, Consent{ConsentInPerson, "张太太"}, "user-1"},
	}
	if len(j.Revisions) != len(want) {
		t.Fatalf("%d revisions, want %d: %+v", len(j.Revisions), len(want), j.Revisions)
	}
	for i, w := range want {
		r := j.Revisions[i]
		if r.Number != i+1 || r.Kind != w.kind || r.Totals.Total != w.total || !r.PromisedAt.Equal(w.promise) || r.Consent != w.consent || r.By != w.by {
			t.Errorf("revision %d: %+v, want %+v", i+1, r, w)
		}
	}
	if r := j.Revisions[1]; r.FindingID != "fi-1" || r.Reason != "前刹车盘磨损" {
		t.Errorf("the finding's revision: %+v", r)
	}
	if s := j.Signed(); s.Totals.Total != 47800 || len(s.Labour) != 2 || s.Labour[0].Price != 20000 {
		t.Errorf("the signed estimate changed: %+v", s)
	}
	if j.Estimated.Total != 47800 || j.Total() != 125800 || !j.AgreedPromise().Equal(later) || !j.ReAgreed() {
		t.Errorf("estimated %d, total %d, agreed %s, re-agreed %v", j.Estimated.Total, j.Total(), j.AgreedPromise(), j.ReAgreed())
	}
	// Who agreed for the customer is contact data: the floor does not see it.
	floor := f.state.JobStatus(j, t0).ForReader(tech).Job
	if floor.Revisions[3].Consent.Who != "" || j.Revisions[3].Consent.Who != "张太太" || floor.Revisions[3].Totals.Total != 125800 {
		t.Errorf("the floor's copy names %q; the job's own %q", floor.Revisions[3].Consent.Who, j.Revisions[3].Consent.Who)
	}
	// A change that touches neither lines nor time needs no consent.
	notes := corrected
	notes.Labour, notes.PromisedAt = j.Labour, j.PromisedAt
	notes.KeepOldParts = true
	f.mustAt(t, t0.Add(8*time.Minute), advisor, &UpdateEstimate{JobID: j.ID, Estimate: notes})
	if got := len(f.state.Jobs[j.ID].Revisions); got != 4 {
		t.Errorf("keeping old parts made a revision: %d", got)
	}
}

// A change after signing without its reason or consent, or with a consent
// the desk may not record, is refused with the field named and changes
// nothing; so is a new time on an unsigned or closed job.
func TestAChangeAfterSigningNeedsReasonAndConsent(t *testing.T) {
	f := newFixture(t)
	j := f.openJob(t)
	if err := f.apply(advisor, &AgreePromise{JobID: j.ID, PromisedAt: t0.Add(6 * time.Hour), Reason: "x", Consent: Consent{Via: ConsentPhone}}); CodeOf(err) != CodeConflict {
		t.Errorf("a new time before signing: %v", err)
	}
	f.must(t, advisor, &Submit{JobRef: JobRef{j.ID}})
	j = f.state.Jobs[j.ID]
	more := Estimate{Requests: j.Requests, Labour: append(j.Labour, Labour{Name: "四轮定位", SoldHours: 1, Price: 30000}), Parts: j.Parts, PromisedAt: j.PromisedAt}
	for _, c := range []struct {
		name  string
		cmd   Command
		field string
	}{
		{"no consent", &UpdateEstimate{JobID: j.ID, Estimate: more, Reason: "客户加做定位"}, "consent.via"},
		{"no reason", &UpdateEstimate{JobID: j.ID, Estimate: more, Consent: &Consent{Via: ConsentPhone}}, "reason"},
		{"as if the customer's page", &UpdateEstimate{JobID: j.ID, Estimate: more, Reason: "x", Consent: &Consent{Via: ConsentCustomerPage}}, "consent.via"},
		{"a time in the past", &AgreePromise{JobID: j.ID, PromisedAt: t0.Add(-time.Hour), Reason: "x", Consent: Consent{Via: ConsentPhone}}, "promised_at"},
		{"the same time", &AgreePromise{JobID: j.ID, PromisedAt: j.PromisedAt, Reason: "x", Consent: Consent{Via: ConsentPhone}}, "promised_at"},
		{"a time without reason", &AgreePromise{JobID: j.ID, PromisedAt: t0.Add(6 * time.Hour), Consent: Consent{Via: ConsentPhone}}, "reason"},
		{"a time without consent", &AgreePromise{JobID: j.ID, PromisedAt: t0.Add(6 * time.Hour), Reason: "x"}, "consent.via"},
	} {
		before := f.state
		err := f.apply(advisor, c.cmd)
		var e *Error
		if !errors.As(err, &e) || e.Code != CodeInvalid || len(e.Fields) == 0 || e.Fields[0].Field != c.field {
			t.Errorf("%s: %v, want field %s", c.name, err, c.field)
		}
		if f.state != before || len(f.state.Jobs[j.ID].Revisions) != 1 {
			t.Errorf("%s: changed the shop", c.name)
		}
	}
	f.must(t, advisor, &Cancel{JobID: j.ID, Reason: "客户取消"})
	if err := f.apply(advisor, &AgreePromise{JobID: j.ID, PromisedAt: t0.Add(6 * time.Hour), Reason: "x", Consent: Consent{Via: ConsentPhone}}); CodeOf(err) != CodeConflict {
		t.Errorf("a new time on a cancelled job: %v", err)
	}
}

// A delivered car comes back as a new job linked to the first job of the
// repair, first in the queue; a comeback of a comeback links to the first.
func TestADeliveredCarComesBackLinkedToItsFirstJob(t *testing.T) {
	f := newFixture(t)
	j := f.openJob(t)
	back := &ReopenComeback{JobID: j.ID, Requests: "刹车仍有异响", PromisedAt: t0.Add(30 * time.Hour), MileageKM: 30100}
	if err := f.apply(advisor, back); CodeOf(err) != CodeConflict {
		t.Errorf("a comeback of a job still open: %v", err)
	}
	deliver(t, f, j.ID)
	if err := f.apply(advisor, &ReopenComeback{JobID: j.ID, PromisedAt: t0.Add(30 * time.Hour)}); CodeOf(err) != CodeInvalid {
		t.Errorf("a comeback without the customer's words: %v", err)
	}
	f.mustAt(t, t0.Add(24*time.Hour), advisor, back)
	cb := f.state.Jobs["20261124-0001"]
	if cb == nil || cb.ComebackOf != j.ID || cb.Stage != StageReception || cb.VehicleID != "ve-1" || cb.CustomerID != "cu-1" ||
		cb.Priority < 5 || cb.Requests != "刹车仍有异响" || cb.WalkAround.MileageKM != 30100 || len(cb.Labour) != 0 {
		t.Fatalf("the comeback: %+v", cb)
	}
	if err := f.apply(advisor, &ReopenComeback{JobID: j.ID, Requests: "again", PromisedAt: t0.Add(30 * time.Hour)}); CodeOf(err) != CodeInvalid {
		t.Errorf("a second open job for the car: %v", err)
	}
	deliver(t, f, cb.ID)
	f.mustAt(t, t0.Add(48*time.Hour), advisor, &ReopenComeback{JobID: cb.ID, Requests: "又响了", PromisedAt: t0.Add(50 * time.Hour)})
	if again := f.state.Jobs["20261125-0001"]; again == nil || again.ComebackOf != j.ID {
		t.Errorf("a comeback of a comeback: %+v", again)
	}
}

// deliver takes a job in reception through to delivery, with no finding
// and the settlement as signed.
func deliver(t *testing.T, f *fixture, id string) {
	t.Helper()
	at := f.state.Jobs[id].CreatedAt
	step := func(a Actor, c Command) { at = at.Add(time.Minute); f.mustAt(t, at, a, c) }
	step(advisor, &Submit{JobRef: JobRef{id}})
	step(advisor, &Dispatch{JobID: id, TeamID: "team-1", TechIDs: []string{"tech-1"}, BayID: "bay-1"})
	step(tech, &ClockOn{TechRef: TechRef{id, "tech-1"}})
	at = at.Add(time.Minute)
	f.issueScope(t, at, id)
	step(tech, &Finish{TechRef: TechRef{id, "tech-1"}})
	step(lead, &QC{JobID: id, Step: QCTeam, Pass: true})
	step(qc, &QC{JobID: id, Step: QCFinal, Pass: true})
	if f.state.Jobs[id].Stage == StageWashing {
		step(system, &WashDone{JobRef: JobRef{id}})
	}
	step(advisor, &Deliver{JobID: id, Paid: f.state.Jobs[id].Settlement().CustomerDue, PaymentMethod: "cash"})
}
