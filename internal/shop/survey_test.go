package shop

import (
	"strings"
	"testing"
	"time"
)

var (
	followUpClerk = Actor{UserID: "user-5", Roles: []Role{RoleFollowUp}}
	manager       = Actor{UserID: "user-6", Roles: []Role{RoleManager}}
)

// deliveredJob is the fixture's job, delivered at t0 (washed on the way
// when washed), with a follow-up clerk and a manager on the staff.
func deliveredJob(t *testing.T, washed bool) (*fixture, *Job) {
	t.Helper()
	f := newFixture(t)
	f.must(t, system, &PutUser{User: User{Login: "hui", Name: "回访员", Roles: []Role{RoleFollowUp}, Active: true}})
	f.must(t, system, &PutUser{User: User{Login: "boss", Name: "服务经理", Roles: []Role{RoleManager}, Active: true}})
	j := cloneJob(f.openJob(t))
	if washed {
		j.Stages = append(j.Stages, StageChange{StageWashing, t0.Add(-time.Hour)})
	}
	j.Stage, j.Stages = StageDelivered, append(j.Stages, StageChange{StageDelivered, t0})
	f.state.Jobs[j.ID] = j
	return f, j
}

func customerOf(j *Job) Actor { return Actor{Customer: true, CustomerJob: j.ID} }

func intp(n int) *int { return &n }

func TestASurveyIsAnsweredOnce(t *testing.T) {
	f, j := deliveredJob(t, true)
	at := t0.Add(72 * time.Hour)
	f.mustAt(t, at, customerOf(j), &AnswerSurvey{JobRef: JobRef{j.ID}, Work: 5, Charges: 4, Wash: 5, Advisor: 5, Recommend: intp(9), Comment: "很满意"})
	s := f.state.Jobs[j.ID].Survey
	if s == nil || s.Work != 5 || s.Charges != 4 || s.Wash != 5 || s.Advisor != 5 || s.Recommend != 9 || s.Comment != "很满意" || !s.At.Equal(at) {
		t.Fatalf("the answer kept: %+v", s)
	}
	if f.state.Jobs[j.ID].FollowUp != nil {
		t.Errorf("a good answer opened a complaint: %+v", f.state.Jobs[j.ID].FollowUp)
	}
	err := f.apply(customerOf(j), &AnswerSurvey{JobRef: JobRef{j.ID}, Work: 1, Charges: 1, Wash: 1, Advisor: 1, Recommend: intp(0)})
	if CodeOf(err) != CodeConflict || !strings.Contains(err.Error(), "answered already") {
		t.Errorf("a second answer: %v", err)
	}
	if got := f.state.Jobs[j.ID].Survey; got.Work != 5 || f.state.Jobs[j.ID].FollowUp != nil {
		t.Errorf("a second answer changed the first: %+v", got)
	}
}

func TestASurveyAnswerIsChecked(t *testing.T) {
	good := func() AnswerSurvey {
		return AnswerSurvey{Work: 4, Charges: 4, Wash: 4, Advisor: 4, Recommend: intp(8)}
	}
	cases := []struct {
		name, field string
		washed      bool
		edit        func(c *AnswerSurvey)
	}{
		{"work 0", "work", true, func(c *AnswerSurvey) { c.Work = 0 }},
		{"work 6", "work", true, func(c *AnswerSurvey) { c.Work = 6 }},
		{"charges 0", "charges", true, func(c *AnswerSurvey) { c.Charges = 0 }},
		{"advisor 9", "advisor", true, func(c *AnswerSurvey) { c.Advisor = 9 }},
		{"washed, wash missing", "wash", true, func(c *AnswerSurvey) { c.Wash = 0 }},
		{"washed, wash 6", "wash", true, func(c *AnswerSurvey) { c.Wash = 6 }},
		{"not washed, wash given", "wash", false, func(c *AnswerSurvey) { c.Wash = 3 }},
		{"recommend missing", "recommend", true, func(c *AnswerSurvey) { c.Recommend = nil }},
		{"recommend -1", "recommend", true, func(c *AnswerSurvey) { c.Recommend = intp(-1) }},
		{"recommend 11", "recommend", true, func(c *AnswerSurvey) { c.Recommend = intp(11) }},
		{"comment too long", "comment", true, func(c *AnswerSurvey) { c.Comment = strings.Repeat("长", maxSurveyComment+1) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, j := deliveredJob(t, tc.washed)
			c := good()
			if !tc.washed {
				c.Wash = 0
			}
			tc.edit(&c)
			c.JobID = j.ID
			err := f.apply(customerOf(j), &c)
			if CodeOf(err) != CodeInvalid || !hasField(err, tc.field) {
				t.Errorf("err = %v, want invalid %s", err, tc.field)
			}
			if f.state.Jobs[j.ID].Survey != nil {
				t.Errorf("a refused answer was kept")
			}
		})
	}
	// The longest comment is taken.
	f, j := deliveredJob(t, false)
	c := good()
	c.JobID, c.Wash, c.Comment = j.ID, 0, strings.Repeat("长", maxSurveyComment)
	f.must(t, customerOf(j), &c)
	if f.state.Jobs[j.ID].Survey.Wash != 0 {
		t.Errorf("a car not washed has a wash score")
	}
}

func TestTheWashQuestionIsOnlyForAWashedCar(t *testing.T) {
	f, j := deliveredJob(t, false)
	if j.Washed() {
		t.Fatal("a car that skipped the wash counts as washed")
	}
	f.must(t, customerOf(j), &AnswerSurvey{JobRef: JobRef{j.ID}, Work: 4, Charges: 4, Advisor: 4, Recommend: intp(8)})
	g, k := deliveredJob(t, true)
	if !k.Washed() {
		t.Fatal("a washed car does not count as washed")
	}
	if err := g.apply(customerOf(k), &AnswerSurvey{JobRef: JobRef{k.ID}, Work: 4, Charges: 4, Advisor: 4, Recommend: intp(8)}); CodeOf(err) != CodeInvalid || !hasField(err, "wash") {
		t.Errorf("a washed car's answer without the wash: %v", err)
	}
}

func TestASurveyIsTheCustomersOwnJobAfterDelivery(t *testing.T) {
	f, j := deliveredJob(t, false)
	err := f.apply(Actor{Customer: true, CustomerJob: "20261123-0099"}, &AnswerSurvey{JobRef: JobRef{j.ID}, Work: 4, Charges: 4, Advisor: 4, Recommend: intp(8)})
	if CodeOf(err) != CodeForbidden {
		t.Errorf("another job's link: %v", err)
	}
	if err := f.apply(advisor, &AnswerSurvey{JobRef: JobRef{j.ID}, Work: 4, Charges: 4, Advisor: 4, Recommend: intp(8)}); CodeOf(err) != CodeForbidden {
		t.Errorf("the advisor answering for the customer: %v", err)
	}
	if err := f.apply(manager, &AnswerSurvey{JobRef: JobRef{j.ID}, Work: 4, Charges: 4, Advisor: 4, Recommend: intp(8)}); CodeOf(err) != CodeForbidden {
		t.Errorf("the manager answering for the customer: %v", err)
	}
	g := newFixture(t)
	open := g.openJob(t)
	if err := g.apply(customerOf(open), &AnswerSurvey{JobRef: JobRef{open.ID}, Work: 4, Charges: 4, Advisor: 4, Recommend: intp(8)}); CodeOf(err) != CodeConflict {
		t.Errorf("a survey before delivery: %v", err)
	}
}

// The rule: a low answer's complaint is workmanship when the work scored
// 1–2, else attitude when the advisor did, else facilities when the wash
// did, else process (the charges' explanation, or only a would-recommend
// of 6 or less).
func TestALowScoreOpensAComplaintOfItsCategory(t *testing.T) {
	cases := []struct {
		name                            string
		work, charges, wash, adv, recom int
		want                            string // "" for no complaint
	}{
		{"all good", 5, 5, 5, 5, 9, ""},
		{"threes and a 7", 3, 3, 3, 3, 7, ""},
		{"work 2", 2, 4, 4, 4, 8, ComplaintWorkmanship},
		{"work and advisor 1", 1, 4, 4, 1, 8, ComplaintWorkmanship},
		{"advisor 2", 4, 4, 4, 2, 8, ComplaintAttitude},
		{"advisor and wash 1", 4, 4, 1, 1, 8, ComplaintAttitude},
		{"wash 1", 4, 4, 1, 4, 8, ComplaintFacilities},
		{"charges 1", 4, 1, 4, 4, 8, ComplaintProcess},
		{"recommend 6", 4, 4, 4, 4, 6, ComplaintProcess},
		{"recommend 0", 5, 5, 5, 5, 0, ComplaintProcess},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, j := deliveredJob(t, true)
			at := t0.Add(50 * time.Hour) // Wednesday 11:00
			f.mustAt(t, at, customerOf(j), &AnswerSurvey{JobRef: JobRef{j.ID}, Work: tc.work, Charges: tc.charges, Wash: tc.wash, Advisor: tc.adv, Recommend: intp(tc.recom), Comment: "等太久"})
			fu := f.state.Jobs[j.ID].FollowUp
			if tc.want == "" {
				if fu != nil {
					t.Errorf("no complaint wanted: %+v", fu)
				}
				return
			}
			if fu == nil || !fu.ComplaintOpen || fu.Category != tc.want || fu.By != SurveyBy || fu.OwnerID != j.AdvisorID || fu.Notes != "等太久" {
				t.Fatalf("complaint %+v, want open, %s, owned by the advisor %s", fu, tc.want, j.AdvisorID)
			}
			// Opened Wednesday: due at the close of Friday, two working days on.
			if want := time.Date(2026, 11, 27, 18, 0, 0, 0, time.UTC); fu.DueAt == nil || !fu.DueAt.Equal(want) {
				t.Errorf("due %v, want %v", fu.DueAt, want)
			}
			if _, complaints := f.state.FollowUpsDue(at); len(complaints) != 1 {
				t.Errorf("the desk lists %d complaints", len(complaints))
			}
		})
	}
}

func TestALowAnswerAfterASatisfiedCallOpensAComplaintOnIt(t *testing.T) {
	f, j := deliveredJob(t, false)
	f.mustAt(t, t0.Add(24*time.Hour), followUpClerk, &RecordFollowUp{JobID: j.ID, Outcome: FollowUpSatisfied, Notes: "ok"})
	f.mustAt(t, t0.Add(30*time.Hour), customerOf(j), &AnswerSurvey{JobRef: JobRef{j.ID}, Work: 4, Charges: 4, Advisor: 2, Recommend: intp(8), Comment: "态度差"})
	fu := f.state.Jobs[j.ID].FollowUp
	if !fu.ComplaintOpen || fu.Category != ComplaintAttitude || fu.Outcome != FollowUpSatisfied || fu.By != "user-5" || fu.Notes != "ok\n态度差" {
		t.Errorf("follow-up after a low answer: %+v", fu)
	}
	if opened := f.state.Jobs[j.ID].complaintOpenedAt(); !opened.Equal(t0.Add(30 * time.Hour)) {
		t.Errorf("complaint opened at %v", opened)
	}
}

func TestComplaintsSkipClosedDaysAndEscalateWhenOverdue(t *testing.T) {
	f, j := deliveredJob(t, false)
	set := f.state.Settings
	set.Hours = EveryDay("08:00", "18:00")
	set.Hours.Week[5].Closed, set.Hours.Week[6].Closed = true, true // weekends
	f.must(t, system, &SetSettings{Settings: set})
	friday := time.Date(2026, 11, 27, 16, 0, 0, 0, f.state.Loc)
	f.mustAt(t, friday, followUpClerk, &RecordFollowUp{JobID: j.ID, Outcome: FollowUpComplaint, Notes: "车内有油污"})
	fu := f.state.Jobs[j.ID].FollowUp
	due := time.Date(2026, 12, 1, 18, 0, 0, 0, f.state.Loc) // Tuesday's close: Monday and Tuesday are the two working days
	if fu.Category != ComplaintProcess || fu.OwnerID != "user-5" || fu.DueAt == nil || !fu.DueAt.Equal(due) {
		t.Fatalf("the caller's complaint: %+v", fu)
	}
	mgr := Actor{UserID: "user-6", Roles: []Role{RoleManager}}
	overdue := func(now time.Time, a Actor) int {
		n := 0
		for _, x := range f.state.NoticesFor(a, now) {
			if x.Kind == NoticeComplaintOverdue && x.JobID == j.ID {
				n++
			}
		}
		return n
	}
	if fu.Overdue(due) || overdue(due, mgr) != 0 {
		t.Errorf("escalated at its due time")
	}
	later := due.Add(time.Minute)
	if !fu.Overdue(later) || overdue(later, mgr) != 1 {
		t.Errorf("not escalated to the manager a minute after its due time")
	}
	if overdue(later, advisor) != 0 || overdue(later, followUpClerk) != 0 {
		t.Errorf("escalated to someone other than the manager")
	}
	key := ""
	for _, x := range f.state.NoticesFor(mgr, later) {
		key = x.Key
	}
	f.mustAt(t, later, mgr, &AcknowledgeNotice{JobRef: JobRef{j.ID}, Key: key})
	if overdue(later, mgr) != 0 {
		t.Errorf("an acknowledged escalation stays")
	}
	f.mustAt(t, later, followUpClerk, &CloseComplaint{JobID: j.ID, Resolution: "上门清洁，致歉"})
	if f.state.Jobs[j.ID].FollowUp.Overdue(later.Add(time.Hour)) {
		t.Errorf("a closed complaint is overdue")
	}
}

func TestClosingAComplaintNeedsAResolution(t *testing.T) {
	f, j := deliveredJob(t, false)
	f.must(t, followUpClerk, &RecordFollowUp{JobID: j.ID, Outcome: FollowUpComplaint, Notes: "等待时间太长", Category: ComplaintProcess})
	for _, r := range []string{"", "   "} {
		if err := f.apply(followUpClerk, &CloseComplaint{JobID: j.ID, Resolution: r}); CodeOf(err) != CodeInvalid || !hasField(err, "resolution") {
			t.Errorf("closing with %q: %v", r, err)
		}
	}
	if !f.state.Jobs[j.ID].FollowUp.ComplaintOpen {
		t.Errorf("a complaint closed without a resolution")
	}
}

func TestAComplaintIsAssigned(t *testing.T) {
	f, j := deliveredJob(t, false)
	if err := f.apply(followUpClerk, &AssignComplaint{JobRef: JobRef{j.ID}, Category: ComplaintAttitude, OwnerID: "user-6"}); CodeOf(err) != CodeConflict {
		t.Errorf("assigning without a complaint: %v", err)
	}
	if err := f.apply(followUpClerk, &RecordFollowUp{JobID: j.ID, Outcome: FollowUpComplaint, Notes: "x", Category: "noise"}); CodeOf(err) != CodeInvalid || !hasField(err, "category") {
		t.Errorf("an unknown category: %v", err)
	}
	f.must(t, followUpClerk, &RecordFollowUp{JobID: j.ID, Outcome: FollowUpComplaint, Notes: "x"})
	past := t0.Add(-time.Hour)
	bad := []struct {
		c     AssignComplaint
		field string
	}{
		{AssignComplaint{Category: "noise", OwnerID: "user-6"}, "category"},
		{AssignComplaint{Category: ComplaintAttitude}, "owner_id"},
		{AssignComplaint{Category: ComplaintAttitude, OwnerID: "user-99"}, "owner_id"},
		{AssignComplaint{Category: ComplaintAttitude, OwnerID: "user-6", DueAt: &past}, "due_at"},
	}
	for _, b := range bad {
		b.c.JobID = j.ID
		if err := f.apply(followUpClerk, &b.c); CodeOf(err) != CodeInvalid || !hasField(err, b.field) {
			t.Errorf("%+v: %v, want invalid %s", b.c, err, b.field)
		}
	}
	due := t0.Add(5 * 24 * time.Hour)
	f.must(t, followUpClerk, &AssignComplaint{JobRef: JobRef{j.ID}, Category: ComplaintAttitude, OwnerID: "user-6", DueAt: &due})
	if fu := f.state.Jobs[j.ID].FollowUp; fu.Category != ComplaintAttitude || fu.OwnerID != "user-6" || !fu.DueAt.Equal(due) || !fu.ComplaintOpen {
		t.Errorf("after assigning: %+v", fu)
	}
	if err := f.apply(advisor, &AssignComplaint{JobRef: JobRef{j.ID}, Category: ComplaintProcess, OwnerID: "user-1"}); CodeOf(err) != CodeForbidden {
		t.Errorf("the advisor assigns: %v", err)
	}
}

// The CSI and the complaints by category, against a count by hand.
func TestCSIPerAdvisorAndMonth(t *testing.T) {
	f := newFixture(t)
	f.must(t, system, &PutUser{User: User{Login: "zhou", Name: "周顾问", Roles: []Role{RoleAdvisor}, Active: true}})
	mk := func(id, adv string, washed bool, s *Survey, fu *FollowUp) *Job {
		j := &Job{ID: id, AdvisorID: adv, Stage: StageDelivered, Survey: s, FollowUp: fu}
		if washed {
			j.Stages = append(j.Stages, StageChange{StageWashing, t0})
		}
		j.Stages = append(j.Stages, StageChange{StageDelivered, t0})
		return j
	}
	nov := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	dec := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	jobs := []*Job{
		// user-1, November: 5 5 5 5 → 100.
		mk("A", "user-1", true, &Survey{At: nov, Work: 5, Charges: 5, Wash: 5, Advisor: 5, Recommend: 10}, nil),
		// user-1, December: 3 3 3 (no wash) → (3-1)×25 = 50; a process complaint.
		mk("B", "user-1", false, &Survey{At: dec, Work: 3, Charges: 3, Advisor: 3, Recommend: 5},
			&FollowUp{At: dec, By: SurveyBy, Outcome: FollowUpComplaint, ComplaintOpen: true, Category: ComplaintProcess}),
		// user-7, December: 1 2 1 2 → mean 1.5 → 12.5; workmanship.
		mk("C", "user-7", true, &Survey{At: dec, Work: 1, Charges: 2, Wash: 1, Advisor: 2, Recommend: 0},
			&FollowUp{At: dec, By: SurveyBy, Outcome: FollowUpComplaint, ComplaintOpen: true, Category: ComplaintWorkmanship}),
		// Outside the period: counted nowhere.
		mk("D", "user-7", false, &Survey{At: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), Work: 5, Charges: 5, Advisor: 5, Recommend: 10}, nil),
		// A complaint called in, from before categories: process; one attitude.
		mk("E", "user-7", false, nil, &FollowUp{At: nov, By: "user-5", Outcome: FollowUpComplaint, ComplaintOpen: true}),
		mk("F", "user-7", false, nil, &FollowUp{At: dec, By: "user-5", Outcome: FollowUpComplaint, Category: ComplaintAttitude}),
	}
	from, to := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	k := ComputeKPIs(KPIInput{Jobs: jobs, From: from, To: to, Now: to, Open: EveryDay("08:00", "18:00").Schedule(time.UTC)})
	// All: 4×5 + 3×3 + (1+2+1+2) = 35 over 11 scores → (35/11 − 1) × 25.
	if want := (35.0/11 - 1) * 25; k.Surveys != 3 || !near(k.CSI, want) {
		t.Errorf("shop CSI %.3f over %d, want %.3f over 3", k.CSI, k.Surveys, want)
	}
	// user-1: 4×5 + 3×3 = 29 over 7.
	want1 := (29.0/7 - 1) * 25
	if len(k.CSIAdvisors) != 2 || k.CSIAdvisors[0].ID != "user-1" || k.CSIAdvisors[0].Answers != 2 || !near(k.CSIAdvisors[0].CSI, want1) ||
		k.CSIAdvisors[1].ID != "user-7" || k.CSIAdvisors[1].Answers != 1 || !near(k.CSIAdvisors[1].CSI, 12.5) {
		t.Errorf("per advisor: %+v, want user-1 %.3f/2, user-7 12.5/1", k.CSIAdvisors, want1)
	}
	// December: 3×3 + 6 = 15 over 7.
	if len(k.CSIMonths) != 2 || k.CSIMonths[0].Month != "2026-11" || k.CSIMonths[0].CSI != 100 || k.CSIMonths[0].Answers != 1 ||
		k.CSIMonths[1].Month != "2026-12" || !near(k.CSIMonths[1].CSI, (15.0/7-1)*25) || k.CSIMonths[1].Answers != 2 {
		t.Errorf("per month: %+v", k.CSIMonths)
	}
	wantCat := map[string]int{ComplaintFacilities: 0, ComplaintAttitude: 1, ComplaintWorkmanship: 1, ComplaintProcess: 2}
	for c, n := range wantCat {
		if k.ComplaintsByCategory[c] != n {
			t.Errorf("complaints %s = %d, want %d (%v)", c, k.ComplaintsByCategory[c], n, k.ComplaintsByCategory)
		}
	}
	empty := ComputeKPIs(KPIInput{From: from, To: to, Now: to, Open: EveryDay("08:00", "18:00").Schedule(time.UTC)})
	if empty.CSI != 0 || empty.Surveys != 0 || empty.CSIAdvisors == nil || empty.CSIMonths == nil {
		t.Errorf("no answers: %+v", empty)
	}
}

func near(a, b float64) bool { return a-b < 1e-9 && b-a < 1e-9 }
