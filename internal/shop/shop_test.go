package shop

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

var system = Actor{System: true}

// fixture is a small shop: one team, two technicians with accounts, a bay,
// an advisor, a customer and a car.
type fixture struct {
	state *State
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{state: NewState()}
	f.must(t, system, &PutUser{User: User{Login: "advisor", Name: "王顾问", Roles: []Role{RoleAdvisor}, Active: true}})
	f.must(t, system, &PutUser{User: User{Login: "li", Name: "李师傅", Roles: []Role{RoleTechnician}, Active: true}})
	f.must(t, system, &PutUser{User: User{Login: "lead", Name: "赵班长", Roles: []Role{RoleTeamLeader, RoleTechnician}, Active: true}})
	f.must(t, system, &PutUser{User: User{Login: "qc", Name: "孙质检", Roles: []Role{RoleQC}, Active: true}})
	f.must(t, system, &PutTeam{Team: Team{Name: "一组"}})
	f.must(t, system, &PutTechnician{Technician: Technician{Name: "李师傅", TeamID: "team-1", UserID: "user-2", Active: true}})
	f.must(t, system, &PutTechnician{Technician: Technician{Name: "赵班长", TeamID: "team-1", UserID: "user-3", Active: true}})
	f.must(t, system, &PutTeam{Team: Team{ID: "team-1", Name: "一组", LeaderID: "tech-2"}})
	f.must(t, system, &PutBay{Bay: Bay{Name: "1号工位", Kind: BayGeneral, Active: true}})
	f.must(t, system, &PutCustomer{Customer: Customer{Name: "张先生", Phone: "138 1234 5678"}})
	f.must(t, system, &PutVehicle{Vehicle: Vehicle{CustomerID: "cu-1", Plate: "京a12345", Model: "Sonata", MileageKM: 30000}})
	f.must(t, system, &PutCatalogPart{Part: CatalogPart{Number: "26300-35505", Name: "Oil filter 机油滤清器", UnitPrice: 12800, Active: true}})
	return f
}

// partsClerk issues parts at the counter.
var partsClerk = Actor{UserID: "user-9", Roles: []Role{RoleParts}}

// issueScope draws at the counter every part line of a job's agreed
// scope not drawn yet, as the clerk does once work starts: a job bills
// what it was issued.
func (f *fixture) issueScope(t *testing.T, at time.Time, jobID string) {
	t.Helper()
	for _, l := range f.state.DrawLines(f.state.Jobs[jobID]) {
		if l.ToDraw > quantityEpsilon && l.Basis == BasisScope && l.InCatalog && l.RequestID == "" {
			f.mustAt(t, at, partsClerk, &IssuePart{JobID: jobID, Number: l.Number, Quantity: l.ToDraw})
		}
	}
}

func (f *fixture) apply(a Actor, c Command) error {
	d := NewDraft(f.state)
	_, err := d.Apply(a, c, t0)
	if err == nil {
		f.state = d.Publish()
	}
	return err
}

func (f *fixture) must(t *testing.T, a Actor, c Command) {
	t.Helper()
	if err := f.apply(a, c); err != nil {
		t.Fatalf("%s: %v", c.CommandType(), err)
	}
}

// send prices a finding as the advisor, its labour at a price set by
// hand, and sends it to the customer.
func (f *fixture) send(t *testing.T, findingID string, labour Money) {
	t.Helper()
	f.must(t, advisor, &PriceFinding{FindingID: findingID, LabourPrice: &labour, Send: true})
}

func (f *fixture) openJob(t *testing.T) *Job {
	t.Helper()
	f.must(t, Actor{UserID: "user-1", Roles: []Role{RoleAdvisor}}, &OpenJob{CustomerID: "cu-1", VehicleID: "ve-1", Estimate: Estimate{
		Requests: "保养，刹车有异响", PromisedAt: t0.Add(4 * time.Hour),
		Labour: []Labour{{Name: "更换机油", SoldHours: 1, Price: 20000}, {Name: "检查刹车", SoldHours: 1, Price: 15000}},
		Parts:  []PartLine{{Number: "26300-35505", Name: "Oil filter 机油滤清器", Quantity: 1, UnitPrice: 12800}},
		Wash:   true}})
	return f.state.Jobs["20261123-0001"]
}

var (
	advisor = Actor{UserID: "user-1", Roles: []Role{RoleAdvisor}}
	tech    = Actor{UserID: "user-2", Roles: []Role{RoleTechnician}}
	lead    = Actor{UserID: "user-3", Roles: []Role{RoleTeamLeader, RoleTechnician}}
	qc      = Actor{UserID: "user-4", Roles: []Role{RoleQC}}
)

func TestJobGoesThroughTheWholeServiceProcess(t *testing.T) {
	f := newFixture(t)
	j := f.openJob(t)
	if j == nil || j.Stage != StageReception {
		t.Fatalf("job after open: %+v", j)
	}
	steps := []struct {
		actor Actor
		cmd   Command
		want  Stage
	}{
		{advisor, &Submit{JobRef: JobRef{j.ID}}, StageWaitingDispatch},
		{advisor, &Dispatch{JobID: j.ID, TeamID: "team-1", TechIDs: []string{"tech-1"}, BayID: "bay-1"}, StageDispatched},
		{tech, &ClockOn{TechRef: TechRef{j.ID, "tech-1"}}, StageInProgress},
		{partsClerk, &IssuePart{JobID: j.ID, Number: "26300-35505", Quantity: 1}, StageInProgress},
		{tech, &Pause{JobID: j.ID, Reason: PauseWaitingParts, Parts: []PartItem{{Description: "刹车片", Quantity: 1}}}, StageWaitingParts},
		{tech, &Resume{JobRef: JobRef{j.ID}}, StageInProgress},
		{tech, &ClockOn{TechRef: TechRef{j.ID, "tech-1"}}, StageInProgress},
		{tech, &Finish{TechRef: TechRef{j.ID, "tech-1"}, SelfCheck: []string{"扭矩"}}, StageQualityCheck},
		{lead, &QC{JobID: j.ID, Step: QCTeam, Pass: true}, StageQualityCheck},
		{qc, &QC{JobID: j.ID, Step: QCFinal, Pass: false, Reason: "刹车异响仍在"}, StageDispatched},
		{tech, &ClockOn{TechRef: TechRef{j.ID, "tech-1"}}, StageInProgress},
		{tech, &Finish{TechRef: TechRef{j.ID, "tech-1"}}, StageQualityCheck},
		{lead, &QC{JobID: j.ID, Step: QCTeam, Pass: true}, StageQualityCheck},
		{qc, &QC{JobID: j.ID, Step: QCFinal, Pass: true}, StageWashing},
		{Actor{System: true}, &WashDone{JobRef: JobRef{j.ID}}, StageReady},
		{advisor, &Deliver{JobID: j.ID, Paid: j.Total(), PaymentMethod: "wechat"}, StageDelivered},
	}
	// Each step comes a minute after the last; every change of stage is
	// recorded with its time, and a step that does not move records none.
	want := []StageChange{{StageReception, t0}}
	for i, s := range steps {
		at := t0.Add(time.Duration(i+1) * time.Minute)
		f.mustAt(t, at, s.actor, s.cmd)
		if got := f.state.Jobs[j.ID].Stage; got != s.want {
			t.Fatalf("step %d %s: stage %s, want %s", i, s.cmd.CommandType(), got, s.want)
		}
		if s.want != want[len(want)-1].Stage {
			want = append(want, StageChange{s.want, at})
		}
	}
	j = f.state.Jobs[j.ID]
	if j.Reworks != 1 {
		t.Errorf("reworks = %d, want 1", j.Reworks)
	}
	if len(j.Stages) != len(want) {
		t.Errorf("stage changes: %v, want %v", j.Stages, want)
	} else {
		for i := range want {
			if j.Stages[i].Stage != want[i].Stage || !j.Stages[i].At.Equal(want[i].At) {
				t.Errorf("stage change %d: %v, want %v", i, j.Stages[i], want[i])
			}
		}
	}
	// QC is recorded per step: the self-check, the team check and the final
	// inspection of each round, with who and why.
	var qcSteps []string
	for _, r := range j.QC {
		qcSteps = append(qcSteps, fmt.Sprintf("%s:%v:%s", r.Step, r.Pass, r.By))
	}
	if got, wantQC := strings.Join(qcSteps, " "), "self:true:tech-1 team:true:user-3 final:false:user-4 self:true:tech-1 team:true:user-3 final:true:user-4"; got != wantQC {
		t.Errorf("QC results %q, want %q", got, wantQC)
	}
	// The technician's clock sessions: on, stopped by the parts wait, on
	// again after it, stopped by the finish; then the rework's.
	if len(j.Clock) != 3 {
		t.Errorf("clock sessions: %+v", j.Clock)
	}
	for _, c := range j.Clock {
		if c.TechID != "tech-1" || c.End == nil || !c.End.After(c.Start) {
			t.Errorf("clock session %+v", c)
		}
	}
	if got := len(f.state.JobParts(j.ID)); got != 1 {
		t.Errorf("parts requests = %d, want 1", got)
	}
}

func TestIllegalMoveNamesTheAllowedMoves(t *testing.T) {
	f := newFixture(t)
	j := f.openJob(t)
	err := f.apply(advisor, &Deliver{JobID: j.ID})
	var m *IllegalMoveError
	if !errors.As(err, &m) {
		t.Fatalf("err = %v, want an illegal move", err)
	}
	if !strings.Contains(err.Error(), "allowed: waiting_dispatch, cancelled") {
		t.Errorf("message %q does not name the allowed moves", err)
	}
	if f.state.Jobs[j.ID].Stage != StageReception {
		t.Errorf("a refused move changed the stage")
	}
}

// Every command that would move a job the process does not allow is refused
// with the moves its stage allows, and changes nothing.
func TestEveryIllegalMoveNamesTheAllowedMoves(t *testing.T) {
	f := newFixture(t)
	j := f.dispatchedJob(t, "tech-1") // dispatched: in_progress, waiting_dispatch, cancelled
	cases := []struct {
		actor Actor
		cmd   Command
		asked string
	}{
		{advisor, &Submit{JobRef: JobRef{j.ID}}, "cannot be submitted again"},
		{tech, &Finish{TechRef: TechRef{j.ID, "tech-1"}}, "cannot move to quality_check"},
		{tech, &Pause{JobID: j.ID, Reason: PauseWaitingParts}, "cannot move to waiting_parts"},
		{tech, &Resume{JobRef: JobRef{j.ID}}, "cannot move to in_progress"},
		{qc, &QC{JobID: j.ID, Step: QCFinal, Pass: true}, "cannot have its final inspection"},
		{lead, &QC{JobID: j.ID, Step: QCTeam, Pass: false, Reason: "x"}, "cannot have its team check"},
		{Actor{System: true}, &WashDone{JobRef: JobRef{j.ID}}, "cannot move to ready"},
		{advisor, &Deliver{JobID: j.ID}, "cannot move to delivered"},
	}
	for _, c := range cases {
		before := snapshot(t, f.state)
		err := f.apply(c.actor, c.cmd)
		var m *IllegalMoveError
		if !errors.As(err, &m) || CodeOf(err) != CodeIllegalMove {
			t.Errorf("%s on a dispatched job: %v, want an illegal move", c.cmd.CommandType(), err)
			continue
		}
		want := "a job in stage dispatched " + c.asked + "; allowed: in_progress, waiting_dispatch, cancelled"
		if err.Error() != want {
			t.Errorf("%s: message %q, want %q", c.cmd.CommandType(), err, want)
		}
		if snapshot(t, f.state) != before {
			t.Errorf("%s: the refused move changed the shop", c.cmd.CommandType())
		}
	}
	f.must(t, advisor, &Cancel{JobID: j.ID, Reason: "客户改期: 下周再来"})
	if c := f.state.Jobs[j.ID]; c.CancelReason != "客户改期: 下周再来" || c.Pause != nil {
		t.Errorf("cancelled: reason %q, pause %+v", c.CancelReason, c.Pause)
	}
	if err := f.apply(tech, &ClockOn{TechRef: TechRef{j.ID, "tech-1"}}); err == nil || !strings.Contains(err.Error(), "cannot move any more") {
		t.Errorf("clocking on a cancelled job: %v", err)
	}
}

// Quality check may move straight to ready (no wash), but only through
// the final inspection: marking the wash done skips no check.
func TestWashDoneOnlyForACarBeingWashed(t *testing.T) {
	f := newFixture(t)
	j := f.openJob(t)
	for _, s := range []struct {
		actor Actor
		cmd   Command
	}{
		{advisor, &Submit{JobRef: JobRef{j.ID}}},
		{advisor, &Dispatch{JobID: j.ID, TeamID: "team-1", TechIDs: []string{"tech-1"}, BayID: "bay-1"}},
		{tech, &ClockOn{TechRef: TechRef{j.ID, "tech-1"}}},
		{tech, &Finish{TechRef: TechRef{j.ID, "tech-1"}}},
	} {
		f.must(t, s.actor, s.cmd)
	}
	var m *IllegalMoveError
	if err := f.apply(Actor{System: true}, &WashDone{JobRef: JobRef{j.ID}}); !errors.As(err, &m) {
		t.Fatalf("wash done in quality check: %v", err)
	}
	if got := f.state.Jobs[j.ID].Stage; got != StageQualityCheck {
		t.Errorf("the refused wash moved the job to %s", got)
	}
}

func TestFailedCommandChangesNothing(t *testing.T) {
	f := newFixture(t)
	j := f.openJob(t)
	d := NewDraft(f.state)
	if _, err := d.Apply(advisor, &Submit{JobRef: JobRef{j.ID}}, t0); err != nil {
		t.Fatal(err)
	}
	// The second command fails halfway (the bay does not exist): the first
	// stays, the second leaves no trace.
	_, err := d.Apply(advisor, &Dispatch{JobID: j.ID, TeamID: "team-1", TechIDs: []string{"tech-1"}, BayID: "bay-9"}, t0)
	if CodeOf(err) != CodeInvalid {
		t.Fatalf("err = %v, want invalid", err)
	}
	if got := d.Job(j.ID).Stage; got != StageWaitingDispatch {
		t.Errorf("stage in draft = %s, want waiting_dispatch", got)
	}
	if len(d.Events()) != 1 {
		t.Errorf("events = %d, want 1", len(d.Events()))
	}
	if f.state.Jobs[j.ID].Stage != StageReception {
		t.Errorf("the published state changed before Publish")
	}
}

func TestClockingOnAnotherJobClocksOffTheFirst(t *testing.T) {
	f := newFixture(t)
	j := f.openJob(t)
	f.must(t, system, &PutCustomer{Customer: Customer{Name: "Ms Lee", Phone: "+44 20 7946 0958"}})
	f.must(t, system, &PutVehicle{Vehicle: Vehicle{CustomerID: "cu-2", Plate: "沪B·88888"}})
	f.must(t, advisor, &OpenJob{CustomerID: "cu-2", VehicleID: "ve-2", Estimate: Estimate{Requests: "tyres", PromisedAt: t0.Add(time.Hour)}})
	f.must(t, system, &PutBay{Bay: Bay{Name: "2", Kind: BayGeneral, Active: true}})
	for _, id := range []string{j.ID, "20261123-0002"} {
		bay := map[string]string{j.ID: "bay-1"}[id]
		if bay == "" {
			bay = "bay-2"
		}
		f.must(t, advisor, &Submit{JobRef: JobRef{id}})
		f.must(t, advisor, &Dispatch{JobID: id, TeamID: "team-1", TechIDs: []string{"tech-1"}, BayID: bay})
	}
	f.must(t, tech, &ClockOn{TechRef: TechRef{j.ID, "tech-1"}})
	f.must(t, tech, &ClockOn{TechRef: TechRef{"20261123-0002", "tech-1"}})
	first := f.state.Jobs[j.ID]
	if first.ClockedOn("tech-1") || !strings.Contains(first.Clock[0].Note, "20261123-0002") {
		t.Errorf("first job's session: %+v", first.Clock)
	}
	if !f.state.Jobs["20261123-0002"].ClockedOn("tech-1") {
		t.Errorf("not clocked on the second job")
	}
	// A technician cannot clock on for a colleague; the team leader can.
	if err := f.apply(tech, &ClockOn{TechRef: TechRef{j.ID, "tech-2"}}); CodeOf(err) != CodeForbidden {
		t.Errorf("tech clocking a colleague: %v", err)
	}
	f.must(t, lead, &ClockOn{TechRef: TechRef{j.ID, "tech-2"}})
}

func TestRolesAreChecked(t *testing.T) {
	f := newFixture(t)
	j := f.openJob(t)
	washer := Actor{UserID: "x", Roles: []Role{RoleWasher}}
	if err := f.apply(washer, &Submit{JobRef: JobRef{j.ID}}); CodeOf(err) != CodeForbidden {
		t.Errorf("washer submitting: %v", err)
	}
	if err := f.apply(Actor{Customer: true, CustomerJob: j.ID}, &Cancel{JobID: j.ID, Reason: "x"}); CodeOf(err) != CodeForbidden {
		t.Errorf("customer cancelling: %v", err)
	}
	if err := f.apply(tech, &QC{JobID: j.ID, Step: QCFinal, Pass: true}); CodeOf(err) != CodeForbidden {
		t.Errorf("technician doing final QC: %v", err)
	}
}

func TestCustomerDecidesOnlyTheirOwnFinding(t *testing.T) {
	f := newFixture(t)
	j := f.openJob(t)
	f.must(t, advisor, &ReportFinding{JobID: j.ID, FindingInput: FindingInput{Description: "前刹车盘磨损", Hours: 1,
		Parts: []PartLine{{Name: "刹车盘", Quantity: 2, UnitPrice: 25000}}}})
	f.send(t, "fi-1", 30000)
	other := Actor{Customer: true, CustomerJob: "20261123-0009"}
	if err := f.apply(other, &DecideFinding{FindingID: "fi-1", Approve: true, Via: "customer_page"}); CodeOf(err) != CodeNotFound {
		t.Errorf("another customer deciding: %v", err)
	}
	if err := f.apply(advisor, &DecideFinding{FindingID: "fi-1", Approve: true, Via: "customer_page"}); CodeOf(err) != CodeForbidden {
		t.Errorf("advisor posing as the customer page: %v", err)
	}
	owner := Actor{Customer: true, CustomerJob: j.ID}
	f.must(t, owner, &DecideFinding{FindingID: "fi-1", Approve: true, Via: "customer_page"})
	j = f.state.Jobs[j.ID]
	if len(j.Labour) != 3 || j.Labour[2].Price != 30000 || len(j.Parts) != 2 {
		t.Errorf("approved work not on the job: %+v %+v", j.Labour, j.Parts)
	}
	if f.state.Findings["fi-1"].DecidedBy != "customer" {
		t.Errorf("decided by %q", f.state.Findings["fi-1"].DecidedBy)
	}
	if err := f.apply(owner, &DecideFinding{FindingID: "fi-1", Approve: false, Via: "customer_page"}); CodeOf(err) != CodeConflict {
		t.Errorf("deciding twice: %v", err)
	}
}

func TestETA(t *testing.T) {
	f := newFixture(t)
	j := f.openJob(t) // 2 sold hours, wash, promised in 4 h
	p := f.state.Progress(j, t0)
	// 2 h of work + 20 min QC + 25 min wash.
	if want := t0.Add(2*time.Hour + 45*time.Minute); !p.ETA.Equal(want) {
		t.Errorf("ETA = %v, want %v", p.ETA, want)
	}
	if p.AtRisk || p.Late {
		t.Errorf("flags %+v", p)
	}
	f.must(t, advisor, &Submit{JobRef: JobRef{j.ID}})
	f.must(t, advisor, &Dispatch{JobID: j.ID, TeamID: "team-1", TechIDs: []string{"tech-1", "tech-2"}, BayID: "bay-1"})
	p = f.state.Progress(f.state.Jobs[j.ID], t0)
	if want := t0.Add(time.Hour + 45*time.Minute); !p.ETA.Equal(want) {
		t.Errorf("two technicians: ETA = %v, want %v", p.ETA, want)
	}
	f.must(t, tech, &ClockOn{TechRef: TechRef{j.ID, "tech-1"}})
	f.must(t, tech, &Pause{JobID: j.ID, Reason: PauseWaitingParts, Parts: []PartItem{{Description: "刹车片", Quantity: 1}}})
	due := t0.Add(5 * time.Hour)
	f.must(t, Actor{UserID: "p", Roles: []Role{RoleParts}}, &UpdateParts{RequestID: "pr-1", Status: PartsOnOrder, ETA: &due})
	p = f.state.Progress(f.state.Jobs[j.ID], t0)
	if !p.AtRisk || p.Late || !p.PartsETA.Equal(due) {
		t.Errorf("parts 5 h away: %+v", p)
	}
	p = f.state.Progress(f.state.Jobs[j.ID], t0.Add(4*time.Hour+time.Minute))
	if !p.Late || p.AtRisk {
		t.Errorf("after the promise: %+v", p)
	}
}

func TestPlates(t *testing.T) {
	good := map[string]string{
		"京A12345":    "京A·12345",
		"京a·12345":   "京A·12345",
		"沪 B-8888 8": "沪B·88888",
		"粤BD12345":   "粤BD12345",
		"京A·1234学":   "京A·1234学",
		"AB12 CDE":   "AB12 CDE",
		"7abc123":    "7ABC123",
	}
	for in, want := range good {
		if got, ok := ParsePlate(in); !ok || got != want {
			t.Errorf("ParsePlate(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "京", "京A1234", "京1A2345", "京AI2345", "哈A12345", "ABCDEF", "A  B1", "京A·123456789", "AB12<script>"} {
		if got, ok := ParsePlate(in); ok {
			t.Errorf("ParsePlate(%q) = %q, accepted", in, got)
		}
	}
	if got := MaskPlate("京A·12345"); got != "京A·***45" {
		t.Errorf("MaskPlate = %q", got)
	}
	if got := MaskPlate("粤BD12345"); got != "粤B****45" {
		t.Errorf("MaskPlate new energy = %q", got)
	}
}

func TestVINs(t *testing.T) {
	for _, in := range []string{"1M8GDM9AXKP042788", "lsvag2180e2100001"} {
		if _, ok := ParseVIN(in); !ok && in == "1M8GDM9AXKP042788" {
			t.Errorf("ParseVIN(%q) refused", in)
		}
	}
	for _, in := range []string{"", "1M8GDM9A1KP042788", "1M8GDM9AXKP04278", "IM8GDM9AXKP042788"} {
		if _, ok := ParseVIN(in); ok {
			t.Errorf("ParseVIN(%q) accepted", in)
		}
	}
}

func TestPhones(t *testing.T) {
	good := map[string]string{"138 1234 5678": "13812345678", "+86 13812345678": "13812345678", "010-12345678": "01012345678", "+44 20 7946 0958": "+442079460958"}
	for in, want := range good {
		if got, ok := ParsePhone(in); !ok || got != want {
			t.Errorf("ParsePhone(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "12345", "23812345678", "+0123456789", "138-1234-567a", "++8613812345678"} {
		if got, ok := ParsePhone(in); ok {
			t.Errorf("ParsePhone(%q) = %q, accepted", in, got)
		}
	}
}

func TestDecodeCommandIsStrict(t *testing.T) {
	cases := map[string]string{
		`{"type":"submit","job_id":"x","extra":1}`: "extra",
		`{"type":"submit","job_id":5}`:             "job_id",
		`{"type":"nope"}`:                          "type",
		`{"type":"submit","job_id":"x"} {}`:        "",
		`not json`:                                 "",
	}
	for in, field := range cases {
		_, err := DecodeCommand([]byte(in))
		var e *Error
		if !errors.As(err, &e) || e.Code != CodeInvalid {
			t.Errorf("%s: err = %v, want invalid", in, err)
			continue
		}
		if field != "" && (len(e.Fields) == 0 || e.Fields[0].Field != field) {
			t.Errorf("%s: fields %+v, want %s", in, e.Fields, field)
		}
	}
	c, err := DecodeCommand([]byte(`{"type":"clock_on","job_id":"j","tech_id":"t"}`))
	if err != nil || c.(*ClockOn).TechID != "t" {
		t.Fatalf("clock_on: %v %+v", err, c)
	}
}

func TestSettingsAreChecked(t *testing.T) {
	f := newFixture(t)
	s := DefaultSettings()
	s.Printers = []Printer{{Name: "前台A4", URI: "ipp://127.0.0.1:631/printers/a4", Use: PrinterA4}, {Name: "标签", URI: "ftp://x", Use: "poster"}}
	s.TimeZone = "Mars/Olympus"
	err := f.apply(system, &SetSettings{Settings: s})
	var e *Error
	if !errors.As(err, &e) || len(e.Fields) != 3 {
		t.Fatalf("err = %v", err)
	}
	s.Printers[1] = Printer{Name: "标签", URI: "ipp://127.0.0.1:631/printers/label", Media: "om_60x40mm", Use: PrinterLabel}
	s.TimeZone = "Asia/Shanghai"
	f.must(t, system, &SetSettings{Settings: s})
	if len(f.state.Settings.Printers) != 2 {
		t.Errorf("printers not kept")
	}
}

// A failed check whose bay has since taken another car waits first in the
// dispatch queue instead of sharing the bay.
func TestReworkDoesNotShareABay(t *testing.T) {
	f := newFixture(t)
	j := f.openJob(t)
	f.must(t, advisor, &Submit{JobRef: JobRef{j.ID}})
	f.must(t, advisor, &Dispatch{JobID: j.ID, TeamID: "team-1", TechIDs: []string{"tech-1"}, BayID: "bay-1"})
	f.must(t, tech, &ClockOn{TechRef: TechRef{j.ID, "tech-1"}})
	f.must(t, tech, &Finish{TechRef: TechRef{j.ID, "tech-1"}})
	f.must(t, system, &PutCustomer{Customer: Customer{Name: "Ms Lee", Phone: "13912345678"}})
	f.must(t, system, &PutVehicle{Vehicle: Vehicle{CustomerID: "cu-2", Plate: "沪B·88888"}})
	f.must(t, advisor, &OpenJob{CustomerID: "cu-2", VehicleID: "ve-2", Estimate: Estimate{Requests: "tyres", PromisedAt: t0.Add(time.Hour)}})
	f.must(t, advisor, &Submit{JobRef: JobRef{"20261123-0002"}})
	f.must(t, advisor, &Dispatch{JobID: "20261123-0002", TeamID: "team-1", TechIDs: []string{"tech-2"}, BayID: "bay-1"})
	f.must(t, lead, &QC{JobID: j.ID, Step: QCTeam, Pass: false, Reason: "螺栓未紧固"})
	got := f.state.Jobs[j.ID]
	if got.Stage != StageWaitingDispatch || got.BayID != "" || got.Priority < 8 || got.Reworks != 1 {
		t.Errorf("rework with its bay taken: stage %s bay %q priority %d reworks %d", got.Stage, got.BayID, got.Priority, got.Reworks)
	}
}

func TestRemindersAndFollowUpsDue(t *testing.T) {
	f := newFixture(t)
	f.must(t, advisor, &BookAppointment{At: t0.Add(30 * time.Minute), CustomerID: "cu-1", VehicleID: "ve-1", Requested: "保养", AdvisorID: "user-1"})
	f.must(t, advisor, &BookAppointment{At: t0.Add(20 * time.Hour), CustomerID: "cu-1", VehicleID: "ve-1", Requested: "轮胎", AdvisorID: "user-1"})
	f.must(t, advisor, &BookAppointment{At: t0.Add(30 * time.Hour), CustomerID: "cu-1", VehicleID: "ve-1", Requested: "洗车", AdvisorID: "user-1"})
	r := f.state.RemindersDue(t0)
	if len(r) != 2 || r[0].Kind != "1h" || r[1].Kind != "24h" {
		t.Fatalf("reminders: %+v", r)
	}
	f.must(t, advisor, &UpdateAppointment{ID: "ap-1", Prep: &Prep{Reminded1h: true}})
	if r := f.state.RemindersDue(t0); len(r) != 1 {
		t.Errorf("a reminder made is still due: %+v", r)
	}
	j := f.openJob(t)
	j = cloneJob(j)
	j.Stage, j.Stages = StageDelivered, append(j.Stages, StageChange{StageDelivered, t0})
	f.state.Jobs[j.ID] = j
	due, _ := f.state.FollowUpsDue(t0.Add(24 * time.Hour))
	if len(due) != 1 {
		t.Fatalf("follow-ups due: %d", len(due))
	}
	f.must(t, Actor{UserID: "x", Roles: []Role{RoleFollowUp}}, &RecordFollowUp{JobID: j.ID, Outcome: FollowUpComplaint, Notes: "等待时间太长"})
	due, complaints := f.state.FollowUpsDue(t0.Add(25 * time.Hour))
	if len(due) != 0 || len(complaints) != 1 {
		t.Errorf("after a complaint: due %d, complaints %d", len(due), len(complaints))
	}
	f.must(t, Actor{UserID: "x", Roles: []Role{RoleFollowUp}}, &CloseComplaint{JobID: j.ID, Resolution: "经理致电道歉，赠送保养一次"})
	if _, complaints := f.state.FollowUpsDue(t0.Add(26 * time.Hour)); len(complaints) != 0 {
		t.Errorf("a closed complaint is still open")
	}
	if err := f.apply(Actor{UserID: "x", Roles: []Role{RoleFollowUp}}, &RecordFollowUp{JobID: j.ID, Outcome: FollowUpSatisfied}); CodeOf(err) != CodeConflict {
		t.Errorf("a second follow-up: %v", err)
	}
}

func TestSuggestPromise(t *testing.T) {
	f := newFixture(t) // two technicians, QC 20 min, wash 25 min, open 08:00–18:00 UTC here
	s := f.state
	if got, want := s.SuggestPromise(1.5, true, t0), t0.Add(2*time.Hour+15*time.Minute); !got.Equal(want) {
		t.Errorf("empty shop: %v, want %v (1.5 h + 45 min, rounded up)", got, want)
	}
	f.openJob(t) // 2 sold hours waiting: shared by two technicians, one more hour
	if got, want := f.state.SuggestPromise(1.5, false, t0), t0.Add(3*time.Hour); !got.Equal(want) {
		t.Errorf("with a queue: %v, want %v (1 h queue + 1.5 h + 20 min QC = 2 h 50, rounded up)", got, want)
	}
	late := time.Date(2026, 11, 23, 17, 0, 0, 0, time.UTC)
	if got, want := f.state.SuggestPromise(1.5, false, late), time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("near closing: %v, want %v (2 h 50 of work: 1 h today, 1 h 50 tomorrow from 08:00, rounded up)", got, want)
	}
}

// The shop's setup is checked field by field: opening hours in order, a
// technician's skills are kinds of bay and their account is a technician's,
// badge codes fit on a badge.
func TestSetupIsChecked(t *testing.T) {
	f := newFixture(t)
	late := DefaultSettings()
	late.Hours.Week[0].Opens, late.Hours.Week[0].Closes = "18:00", "08:00"
	cases := []struct {
		name  string
		cmd   Command
		field string
	}{
		{"closing before opening", &SetSettings{Settings: late}, "settings.hours.week[0].closes"},
		{"a skill that is no kind of bay", &PutTechnician{Technician: Technician{Name: "钱师傅", TeamID: "team-1", Skills: []string{"general", "juggling"}}}, "technician.skills[1]"},
		{"a skill twice", &PutTechnician{Technician: Technician{Name: "钱师傅", TeamID: "team-1", Skills: []string{"paint", "paint"}}}, "technician.skills[1]"},
		{"the advisor's account as a technician's", &PutTechnician{Technician: Technician{Name: "钱师傅", TeamID: "team-1", UserID: "user-1"}}, "technician.user_id"},
		{"a badge code too long to print", &PutUser{User: User{Login: "qian", Name: "钱师傅", Roles: []Role{RoleTechnician}, BadgeCode: strings.Repeat("B", 21)}}, "user.badge_code"},
		{"a badge code taken", &PutUser{User: User{ID: "user-3", Login: "lead", Name: "赵班长", Roles: []Role{RoleTeamLeader}, BadgeCode: "B1"}}, "user.badge_code"},
	}
	f.must(t, system, &PutUser{User: User{ID: "user-2", Login: "li", Name: "李师傅", Roles: []Role{RoleTechnician}, BadgeCode: "B1", Active: true}})
	for _, c := range cases {
		before := snapshot(t, f.state)
		err := f.apply(system, c.cmd)
		if !hasField(err, c.field) {
			t.Errorf("%s: err = %v, want a problem with %s", c.name, err, c.field)
		}
		if snapshot(t, f.state) != before {
			t.Errorf("%s: the refused command changed the shop", c.name)
		}
	}
	// What is right passes: the team leader's account, skills that are
	// kinds of bay, a badge with its PIN on the account.
	f.must(t, system, &PutUser{User: User{ID: "user-3", Login: "lead", Name: "赵班长", Roles: []Role{RoleTeamLeader, RoleTechnician}, BadgeCode: "B2", PINHash: "hashed", Active: true}})
	f.must(t, system, &PutTechnician{Technician: Technician{ID: "tech-2", Name: "赵班长", TeamID: "team-1", UserID: "user-3", Skills: []string{"general", "alignment"}, Active: true}})
	if u := f.state.UserByBadge("B2"); u == nil || f.state.TechnicianOfUser(u.ID).ID != "tech-2" || u.PINHash == "" {
		t.Errorf("the badge B2 does not lead to technician tech-2 with a PIN")
	}
}

// An appointment is booked, gets its advisor and prep the day before, and
// is arrived (a job opened from it), a no-show or cancelled — each recorded,
// none deleted, and only a booked one changes status.
func TestAppointmentFromBookingToArrival(t *testing.T) {
	f := newFixture(t)
	f.must(t, advisor, &BookAppointment{At: t0.Add(2 * time.Hour), CustomerID: "cu-1", VehicleID: "ve-1", Requested: "保养"})
	ap := f.state.Appointments["ap-1"]
	if ap.Status != ApptBooked || ap.AdvisorID != "" || ap.Prep.AdvisorAssigned {
		t.Fatalf("booked without an advisor: %+v", ap)
	}
	if err := f.apply(advisor, &UpdateAppointment{ID: "ap-1", AdvisorID: "user-2"}); !hasField(err, "advisor_id") {
		t.Errorf("a technician as the advisor: %v", err)
	}
	f.must(t, advisor, &UpdateAppointment{ID: "ap-1", AdvisorID: "user-1", Prep: &Prep{PartsStaged: true, BayAssigned: true}})
	ap = f.state.Appointments["ap-1"]
	if ap.AdvisorID != "user-1" || !ap.Prep.AdvisorAssigned || !ap.Prep.PartsStaged || !ap.Prep.BayAssigned {
		t.Errorf("after the prep: %+v", ap)
	}
	f.must(t, advisor, &OpenJob{AppointmentID: "ap-1", CustomerID: "cu-1", VehicleID: "ve-1", Estimate: Estimate{Requests: "保养", PromisedAt: t0.Add(3 * time.Hour)}})
	ap = f.state.Appointments["ap-1"]
	if ap.Status != ApptArrived || ap.JobID != "20261123-0001" || f.state.Jobs[ap.JobID].AppointmentID != "ap-1" {
		t.Errorf("after arrival: %+v", ap)
	}
	for _, st := range []AppointmentStatus{ApptNoShow, ApptCancelled} {
		if err := f.apply(advisor, &UpdateAppointment{ID: "ap-1", Status: st}); CodeOf(err) != CodeConflict {
			t.Errorf("an arrived appointment marked %s: %v", st, err)
		}
	}
	if err := f.apply(advisor, &UpdateAppointment{ID: "ap-1", Status: ApptArrived}); !hasField(err, "status") {
		t.Errorf("marking arrival without opening a job: %v", err)
	}
	f.must(t, advisor, &BookAppointment{At: t0.Add(26 * time.Hour), CustomerID: "cu-1", VehicleID: "ve-1", Requested: "轮胎"})
	f.must(t, advisor, &UpdateAppointment{ID: "ap-2", Status: ApptNoShow})
	if got := f.state.Appointments["ap-2"]; got == nil || got.Status != ApptNoShow {
		t.Errorf("the no-show is not kept: %+v", got)
	}
}

// A key customer's job goes before others in the queue (seed 001).
func TestKeyCustomersGoFirst(t *testing.T) {
	f := newFixture(t)
	f.openJob(t)
	f.must(t, system, &PutCustomer{Customer: Customer{Name: "钱总", Phone: "13912345678", Key: true}})
	f.must(t, system, &PutVehicle{Vehicle: Vehicle{CustomerID: "cu-2", Plate: "京B·66666"}})
	f.must(t, advisor, &OpenJob{CustomerID: "cu-2", VehicleID: "ve-2", Estimate: Estimate{Requests: "保养", PromisedAt: t0.Add(8 * time.Hour)}})
	jobs := f.state.OpenJobs()
	if len(jobs) != 2 || jobs[0].ID != "20261123-0002" || jobs[0].Priority < 5 {
		t.Errorf("queue: %s (priority %d) first, want the key customer's 20261123-0002", jobs[0].ID, jobs[0].Priority)
	}
}

func TestEveryoneChangesOnlyTheirOwnPassword(t *testing.T) {
	f := newFixture(t)
	f.must(t, tech, &ChangeOwnPassword{PasswordHash: "h-new"})
	if got := f.state.Users["user-2"].PasswordHash; got != "h-new" {
		t.Fatalf("the technician's password hash is %q", got)
	}
	if f.state.Users["user-1"].PasswordHash != "" {
		t.Fatal("another user's password changed")
	}
	if err := f.apply(tech, &ChangeOwnPassword{}); err == nil {
		t.Error("an empty hash was taken")
	}
	if err := f.apply(Actor{Customer: true, CustomerJob: "x"}, &ChangeOwnPassword{PasswordHash: "h"}); err == nil {
		t.Error("a customer link changed a password")
	}
	u := *f.state.Users["user-4"]
	u.Active = false
	f.must(t, system, &PutUser{User: u})
	if err := f.apply(qc, &ChangeOwnPassword{PasswordHash: "h"}); err == nil {
		t.Error("an inactive account changed its password")
	}
	if NewCommand("change_own_password") != nil {
		t.Error("a client could send a password hash as a command")
	}
}

func TestTheEventLogHoldsNoSecretHash(t *testing.T) {
	f := newFixture(t)
	d := NewDraft(f.state)
	ev, err := d.Apply(system, &PutUser{User: User{Login: "new", Name: "新人", Roles: []Role{RoleTechnician}, BadgeCode: "B9", PasswordHash: "secret-hash", PINHash: "pin-hash", Active: true}}, t0)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(ev.Data), "secret-hash") || strings.Contains(string(ev.Data), "pin-hash") ||
		!strings.Contains(string(ev.Data), `"set_password":true`) || !strings.Contains(string(ev.Data), `"set_pin":true`) {
		t.Errorf("put_user event data: %s", ev.Data)
	}
	if u := d.Publish().Users[ev.Subject]; u.PasswordHash != "secret-hash" || u.PINHash != "pin-hash" {
		t.Errorf("the user keeps hashes %q %q", u.PasswordHash, u.PINHash)
	}
}

func TestAUsersJSONHoldsNoSecretHash(t *testing.T) {
	u := User{ID: "user-1", Login: "li", Name: "李师傅", Roles: []Role{RoleTechnician}, BadgeCode: "B7", PasswordHash: "secret-hash", PINHash: "pin-hash", Active: true}
	for name, v := range map[string]any{"a user": u, "a pointer to one": &u, "a list of them": []User{u}} {
		out, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(out), "secret-hash") || strings.Contains(string(out), "pin-hash") || strings.Contains(string(out), "_hash") {
			t.Errorf("%s: %s", name, out)
		}
		if !strings.Contains(string(out), "李师傅") || !strings.Contains(string(out), "B7") {
			t.Errorf("%s lost its other fields: %s", name, out)
		}
	}
	// And no client can send one: a hash in a user's JSON is an unknown field.
	_, err := DecodeCommand([]byte(`{"type":"put_user","user":{"login":"li","name":"李","roles":["advisor"],"active":true,"password_hash":"h"}}`))
	var e *Error
	if !errors.As(err, &e) || len(e.Fields) == 0 || e.Fields[0].Field != "user.password_hash" {
		t.Errorf("a put_user carrying a hash: %v", err)
	}
}

func TestAMalformedTimeNamesItsField(t *testing.T) {
	cases := map[string]string{
		`{"type":"open_job","customer_id":"cu-1","vehicle_id":"ve-1","promised_at":"tomorrow"}`:                        "promised_at",
		`{"type":"book_appointment","at":"2026-11-24 10:00","customer_id":"cu-1","vehicle_id":"ve-1"}`:                 "at",
		`{"type":"update_parts","id":"pr-1","status":"on_order","eta":"2026-13-01T10:00:00+08:00"}`:                    "eta",
		`{"type":"open_job","customer_id":"cu-1","vehicle_id":"ve-1","walk_around":{"notes":"x"},"promised_at":"9am"}`: "promised_at",
	}
	for body, field := range cases {
		_, err := DecodeCommand([]byte(body))
		var e *Error
		if !errors.As(err, &e) || e.Code != CodeInvalid || len(e.Fields) != 1 || e.Fields[0].Field != field ||
			!strings.Contains(e.Fields[0].Message, "2026-11-23T14:30:00+08:00") {
			t.Errorf("%s: %v, want a field error on %s", body, err, field)
		}
	}
}

func TestAProgressWithoutPartsSaysNoPartsETA(t *testing.T) {
	raw, err := json.Marshal(Progress{ETA: t0})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), "parts_eta") {
		t.Errorf("a job awaiting no part shows %s", raw)
	}
}

func TestAnUnknownNestedFieldIsNamedByItsPath(t *testing.T) {
	_, err := DecodeCommand([]byte(`{"type":"put_customer","customer":{"name":"张先生","phone":"13812345678","nickname":"老张"}}`))
	var e *Error
	if !errors.As(err, &e) || len(e.Fields) != 1 || e.Fields[0].Field != "customer.nickname" || e.Fields[0].Message != "unknown field" {
		t.Errorf("unknown nested field: %v %+v", err, e)
	}
	_, err = DecodeCommand([]byte(`{"type":"submit","job_id":"x","extra":1}`))
	if !errors.As(err, &e) || len(e.Fields) != 1 || e.Fields[0].Field != "extra" {
		t.Errorf("unknown top-level field: %v", err)
	}
}

// A new time zone takes effect with the settings, not at the next start:
// job numbers and "today" follow it at once, and a refused change keeps
// the old one.
func TestANewTimeZoneTakesEffectAtOnce(t *testing.T) {
	f := newFixture(t)
	if f.state.Loc != time.UTC {
		t.Fatalf("the fixture's zone is %v", f.state.Loc)
	}
	s := DefaultSettings()
	s.TimeZone = "Asia/Shanghai"
	f.must(t, system, &SetSettings{Settings: s})
	if f.state.Loc == nil || f.state.Loc.String() != "Asia/Shanghai" {
		t.Fatalf("zone after the settings: %v", f.state.Loc)
	}
	// 20:00 UTC on the 23rd is 04:00 on the 24th in Beijing.
	d := NewDraft(f.state)
	if _, err := d.Apply(advisor, &OpenJob{CustomerID: "cu-1", VehicleID: "ve-1", Estimate: Estimate{Requests: "保养", PromisedAt: t0.Add(14 * time.Hour)}}, t0.Add(11*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if d.Publish().Jobs["20261124-0001"] == nil {
		t.Errorf("the job is not numbered by Beijing's day")
	}
	s.TimeZone = "Mars/Olympus"
	if err := f.apply(system, &SetSettings{Settings: s}); err == nil {
		t.Fatal("an unknown zone was taken")
	}
	if f.state.Loc.String() != "Asia/Shanghai" {
		t.Errorf("a refused change moved the zone to %v", f.state.Loc)
	}
}

// An event's data says [] for a list given empty, never null, and the
// command it was made from is not written to.
func TestEventDataHasEmptyListsNotNull(t *testing.T) {
	d := NewDraft(newFixture(t).state)
	open := &OpenJob{CustomerID: "cu-1", VehicleID: "ve-1", Estimate: Estimate{Requests: "四轮定位", PromisedAt: t0.Add(3 * time.Hour)}}
	ev, err := d.Apply(advisor, open, t0)
	if err != nil {
		t.Fatal(err)
	}
	data := string(ev.Data)
	if strings.Contains(data, "null") || !strings.Contains(data, `"labour":[]`) || !strings.Contains(data, `"parts":[]`) {
		t.Errorf("event data %s", data)
	}
	if open.Estimate.Labour != nil || open.Estimate.Parts != nil {
		t.Errorf("the command was written to: %+v", open.Estimate)
	}
}

// A plate is registered once: a second car with it, however it is
// written, is refused at the plate (the desk offers the car that has it);
// the car that has it keeps it when it is saved again.
func TestAPlateIsRegisteredOnce(t *testing.T) {
	f := newFixture(t)
	f.must(t, system, &PutCustomer{Customer: Customer{Name: "李女士", Phone: "139 0000 1111"}})
	for _, plate := range []string{"京A·12345", "京a12345", "京A 12345"} {
		err := f.apply(system, &PutVehicle{Vehicle: Vehicle{CustomerID: "cu-2", Plate: plate}})
		var e *Error
		if !errors.As(err, &e) || e.Code != CodeInvalid || len(e.Fields) != 1 || e.Fields[0].Field != "vehicle.plate" || e.Fields[0].Message != "is registered already" {
			t.Errorf("a second car with %s: %v", plate, err)
		}
	}
	if n := len(f.state.Vehicles); n != 1 {
		t.Errorf("%d vehicles after the refusals, want 1", n)
	}
	f.must(t, system, &PutVehicle{Vehicle: Vehicle{ID: "ve-1", CustomerID: "cu-1", Plate: "京A·12345", Model: "Sonata 2020"}})
	// A foreign plate keeps the separators it is written with, and is still
	// one plate however they are written.
	f.must(t, system, &PutVehicle{Vehicle: Vehicle{CustomerID: "cu-1", Plate: "AB 123"}})
	for _, plate := range []string{"ab-123", "AB123", "AB 123"} {
		err := f.apply(system, &PutVehicle{Vehicle: Vehicle{CustomerID: "cu-2", Plate: plate}})
		var e *Error
		if !errors.As(err, &e) || len(e.Fields) != 1 || e.Fields[0].Message != "is registered already" {
			t.Errorf("a second car with %s: %v", plate, err)
		}
	}
}

// PlateKey is what plates are searched and compared by: any way of
// writing a plate gives the key of its written form.
func TestPlateKey(t *testing.T) {
	cases := map[string]string{
		"京A·12345":      "京A12345",
		"京a 12345":      "京A12345",
		"京A.123-45":     "京A12345",
		"京A•12345":      "京A12345",
		"京A・12345":      "京A12345",
		"京A\u300012345": "京A12345",
		"京AD12345":      "京AD12345",
		"京A·1234学":      "京A1234学",
		"ab-123":        "AB123",
		"AB 123":        "AB123",
		"a12":           "A12",
		"":              "",
	}
	for in, want := range cases {
		if got := PlateKey(in); got != want {
			t.Errorf("PlateKey(%q) = %q, want %q", in, got, want)
		}
		if written, ok := ParsePlate(in); ok && PlateKey(written) != want {
			t.Errorf("PlateKey of %q written as %q = %q, want %q", in, written, PlateKey(written), want)
		}
	}
}

// Each reminder call comes due at its time: the day-before call from 24
// hours before until it stops being the nearer call (12½ hours before),
// the one-hour call from an hour before. A booking 90 minutes away has no
// "24 h" call due, and none at all until its hour comes.
func TestRemindersComeDueAtTheirTime(t *testing.T) {
	f := newFixture(t)
	f.must(t, advisor, &BookAppointment{At: t0.Add(30 * time.Hour), CustomerID: "cu-1", VehicleID: "ve-1", Requested: "保养", AdvisorID: "user-1"})
	at := t0.Add(30 * time.Hour)
	kinds := func(now time.Time) string {
		var out []string
		for _, r := range f.state.RemindersDue(now) {
			out = append(out, r.Kind)
		}
		return strings.Join(out, ",")
	}
	for _, c := range []struct {
		before time.Duration
		want   string
	}{
		{25 * time.Hour, ""},
		{24 * time.Hour, "24h"},
		{13 * time.Hour, "24h"},
		{12 * time.Hour, ""},
		{90 * time.Minute, ""},
		{time.Hour, "1h"},
		{10 * time.Minute, "1h"},
		{0, ""},
	} {
		if got := kinds(at.Add(-c.before)); got != c.want {
			t.Errorf("%v before the booking the calls due are %q, want %q", c.before, got, c.want)
		}
	}
	f.must(t, advisor, &UpdateAppointment{ID: "ap-1", Prep: &Prep{Reminded24h: true}})
	if got := kinds(at.Add(-20 * time.Hour)); got != "" {
		t.Errorf("the day-before call made is still due: %q", got)
	}
}

// A job and a booking record the device they were made from, as their
// events do: the demo's simulator tells its own cars by it.
func TestAJobAndABookingRecordTheirDevice(t *testing.T) {
	f := newFixture(t)
	at := advisor
	at.DeviceID = "browser:1a2b3c4d"
	f.must(t, at, &BookAppointment{At: t0.Add(3 * time.Hour), CustomerID: "cu-1", VehicleID: "ve-1", Requested: "保养", AdvisorID: "user-1"})
	f.must(t, at, &OpenJob{CustomerID: "cu-1", VehicleID: "ve-1", Estimate: Estimate{Requests: "保养", PromisedAt: t0.Add(4 * time.Hour)}})
	if got := f.state.Appointments["ap-1"].BookedFrom; got != "browser:1a2b3c4d" {
		t.Errorf("the booking was made from %q", got)
	}
	if got := f.state.Jobs["20261123-0001"].OpenedFrom; got != "browser:1a2b3c4d" {
		t.Errorf("the job was opened from %q", got)
	}
}
