package shop

import (
	"strings"
	"testing"
	"time"
)

var clerk = Actor{UserID: "clerk", Roles: []Role{RoleParts}}

// partsJob is the fixture's shop with a catalogue, and a job whose
// estimate holds an oil filter and 4.5 litres of oil, dispatched.
func (f *fixture) partsJob(t *testing.T) *Job {
	t.Helper()
	for _, p := range []CatalogPart{
		{Number: "26300-35505", Name: "机油滤清器 Oil filter", UnitPrice: 12800, Active: true},
		{Number: "OIL-5W30", Name: "机油 5W-30 Engine oil", UnitPrice: 6500, Active: true},
		{Number: "58101-C1A00", Name: "前刹车片 Front brake pads", UnitPrice: 48000, Active: true},
		{Number: "98350-C1000", Name: "雨刮片 Wiper blade", UnitPrice: 9000, Active: true},
	} {
		f.must(t, system, &PutCatalogPart{Part: p})
	}
	f.must(t, advisor, &OpenJob{CustomerID: "cu-1", VehicleID: "ve-1", Estimate: Estimate{
		Requests: "保养", PromisedAt: t0.Add(4 * time.Hour),
		Labour: []Labour{{Name: "更换机油", SoldHours: 1, Price: 20000}},
		Parts: []PartLine{{Number: "26300-35505", Name: "机油滤清器", Quantity: 1, UnitPrice: 12800},
			{Number: "OIL-5W30", Name: "机油", Quantity: 4.5, UnitPrice: 6500}}}})
	f.must(t, advisor, &Submit{JobRef: JobRef{"20261123-0001"}})
	f.must(t, advisor, &Dispatch{JobID: "20261123-0001", TeamID: "team-1", TechIDs: []string{"tech-1"}, BayID: "bay-1"})
	return f.state.Jobs["20261123-0001"]
}

// refused applies a command that must fail with a code (and a field when
// given) and change nothing.
func (f *fixture) refused(t *testing.T, a Actor, c Command, code Code, field string) {
	t.Helper()
	before := f.state
	err := f.apply(a, c)
	if CodeOf(err) != code {
		t.Fatalf("%s %+v: %v, want code %d", c.CommandType(), c, err, code)
	}
	if field != "" {
		e, _ := err.(*Error)
		found := false
		for _, fe := range e.Fields {
			found = found || fe.Field == field
		}
		if !found {
			t.Errorf("%s: %v does not name %s", c.CommandType(), err, field)
		}
	}
	if f.state != before {
		t.Errorf("%s: refused but changed the shop", c.CommandType())
	}
}

func toDraw(lines []DrawLine) map[string]float64 {
	out := map[string]float64{}
	for _, l := range lines {
		if l.ToDraw > 0 {
			out[l.Number] += l.ToDraw
		}
	}
	return out
}

// The estimate's parts reach the counter as a pick list; what is issued is
// billed, at the catalogue's price or a corrected one with its reason; a
// part beyond the scope goes out only against an approved finding or the
// advisor's allowance; a return leaves the bill; the bill is what was
// issued less what came back.
func TestPartsFollowTheJob(t *testing.T) {
	f := newFixture(t)
	j := f.partsJob(t)
	pick := f.state.PickList(t0)
	if len(pick.Jobs) != 1 || pick.Jobs[0].JobID != j.ID || pick.Jobs[0].Plate != "京A·12345" || pick.Jobs[0].Bay != "1号工位" {
		t.Fatalf("pick list after dispatch: %+v", pick.Jobs)
	}
	if got := toDraw(pick.Jobs[0].Lines); len(got) != 2 || got["26300-35505"] != 1 || got["OIL-5W30"] != 4.5 {
		t.Errorf("to draw after dispatch: %v", got)
	}
	if c := f.state.PartsCounter(t0).Counts.JobsToDraw; c != 1 {
		t.Errorf("jobs to draw: %d, want 1", c)
	}

	// Bad input and refusals, each naming its field, changing nothing.
	f.refused(t, tech, &IssuePart{JobID: j.ID, Number: "26300-35505", Quantity: 1}, CodeForbidden, "")
	f.refused(t, clerk, &IssuePart{JobID: j.ID, Number: "NOPE", Quantity: 1}, CodeInvalid, "number")
	f.refused(t, clerk, &IssuePart{JobID: j.ID, Number: "26300-35505", Quantity: 0}, CodeInvalid, "quantity")
	f.refused(t, clerk, &IssuePart{JobID: j.ID, Number: "OIL-5W30", Quantity: 5}, CodeConflict, "quantity")
	other := Money(6000)
	f.refused(t, clerk, &IssuePart{JobID: j.ID, Number: "OIL-5W30", Quantity: 4.5, UnitPrice: &other}, CodeInvalid, "price_reason")
	f.refused(t, clerk, &IssuePart{JobID: j.ID, Number: "58101-C1A00", Quantity: 2}, CodeConflict, "number")

	f.must(t, clerk, &IssuePart{JobID: j.ID, Number: "26300-35505", Quantity: 1})
	f.must(t, clerk, &IssuePart{JobID: j.ID, Number: "OIL-5W30", Quantity: 4.5, UnitPrice: &other, PriceReason: "促销价 promotion"})
	if got := toDraw(f.state.DrawLines(f.state.Jobs[j.ID])); len(got) != 0 {
		t.Errorf("to draw after the scope was issued: %v", got)
	}
	f.refused(t, clerk, &IssuePart{JobID: j.ID, Number: "26300-35505", Quantity: 1}, CodeConflict, "quantity")

	// A finding with brake pads, approved by phone: its pads may go out.
	f.must(t, tech, &ReportFinding{JobID: j.ID, FindingInput: FindingInput{Description: "前刹车片磨损", Hours: 1,
		Parts: []PartLine{{Number: "58101-C1A00", Name: "前刹车片", Quantity: 2, UnitPrice: 48000}}}})
	labourPrice := Money(15000)
	f.must(t, advisor, &PriceFinding{FindingID: "fi-1", LabourPrice: &labourPrice, Send: true})
	f.refused(t, clerk, &IssuePart{JobID: j.ID, Number: "58101-C1A00", Quantity: 2, FindingID: "fi-1"}, CodeConflict, "")
	f.must(t, advisor, &DecideFinding{FindingID: "fi-1", Approve: true, Via: "phone"})
	f.must(t, clerk, &IssuePart{JobID: j.ID, Number: "58101-C1A00", Quantity: 2, FindingID: "fi-1"})

	// A wiper the technician asks for is beyond the scope until the
	// advisor allows it with a reason; the counter then issues it.
	f.must(t, tech, &RequestParts{JobID: j.ID, Parts: []PartItem{{Number: "98350-C1000", Description: "雨刮片", Quantity: 1}}})
	lines := f.state.DrawLines(f.state.Jobs[j.ID])
	if last := lines[len(lines)-1]; last.RequestID != "pr-1" || !last.BeyondScope || last.ToDraw != 1 {
		t.Errorf("the request on the pick list: %+v", last)
	}
	f.refused(t, clerk, &IssuePart{JobID: j.ID, Number: "98350-C1000", Quantity: 1, RequestID: "pr-1"}, CodeConflict, "number")
	f.refused(t, advisor, &AllowPart{JobID: j.ID, Number: "98350-C1000", Quantity: 1}, CodeInvalid, "reason")
	f.refused(t, clerk, &AllowPart{JobID: j.ID, Number: "98350-C1000", Quantity: 1, Reason: "客户电话同意", Consent: &Consent{Via: ConsentPhone}}, CodeForbidden, "")
	f.must(t, advisor, &AllowPart{JobID: j.ID, Number: "98350-C1000", Quantity: 1, Reason: "客户电话同意 agreed by phone", RequestID: "pr-1", Consent: &Consent{Via: ConsentPhone}})
	if al := f.state.Jobs[j.ID].Allowances; len(al) != 1 || al[0].By != "user-1" || al[0].Reason == "" {
		t.Errorf("allowance: %+v", al)
	}
	f.must(t, clerk, &IssuePart{JobID: j.ID, Number: "98350-C1000", Quantity: 1, AllowanceID: "pa-1", RequestID: "pr-1"})
	if pr := f.state.PartsRequests["pr-1"]; pr.Status != PartsIssued {
		t.Errorf("the answered request is %s", pr.Status)
	}
	f.refused(t, clerk, &IssuePart{JobID: j.ID, Number: "98350-C1000", Quantity: 1, AllowanceID: "pa-1"}, CodeConflict, "quantity")

	// One litre of oil comes back; more than the job holds cannot.
	f.refused(t, clerk, &ReturnPart{JobID: j.ID, IssueID: "ip-2", Quantity: 5}, CodeConflict, "quantity")
	f.refused(t, clerk, &ReturnPart{JobID: j.ID, IssueID: "ip-9", Quantity: 1}, CodeNotFound, "")
	f.must(t, clerk, &ReturnPart{JobID: j.ID, IssueID: "ip-2", Quantity: 1, Reason: "用剩 unused"})
	f.refused(t, clerk, &ReturnPart{JobID: j.ID, IssueID: "ip-2", Quantity: 3.6}, CodeConflict, "quantity")

	// The bill: the filter at 128, 3.5 l at the corrected 60, two pads at
	// 480, one wiper at 90 — written out, not computed by the code.
	want := []PartLine{
		{Number: "26300-35505", Name: "机油滤清器 Oil filter", Quantity: 1, UnitPrice: 12800},
		{Number: "OIL-5W30", Name: "机油 5W-30 Engine oil", Quantity: 3.5, UnitPrice: 6000},
		{Number: "58101-C1A00", Name: "前刹车片 Front brake pads", Quantity: 2, UnitPrice: 48000},
		{Number: "98350-C1000", Name: "雨刮片 Wiper blade", Quantity: 1, UnitPrice: 9000},
	}
	got := f.state.Jobs[j.ID].BilledParts()
	if len(got) != len(want) {
		t.Fatalf("billed parts: %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("billed line %d: %+v, want %+v", i, got[i], want[i])
		}
	}
	if total := TotalsOf(nil, got).Parts; total != 12800+21000+96000+9000 {
		t.Errorf("billed parts total %d", total)
	}
	if ip := f.state.Jobs[j.ID].Issued[1]; ip.PriceReason == "" || ip.CatalogPrice != 6500 || ip.Returned != 1 || len(ip.Returns) != 1 {
		t.Errorf("the oil's issue: %+v", ip)
	}
	// The technician's kiosk and the counter see the 1 l returned as
	// drawable again: the scope still holds 4.5 l.
	if got := toDraw(f.state.ToDraw(f.state.Jobs[j.ID])); len(got) != 1 || got["OIL-5W30"] != 1 {
		t.Errorf("to draw after the return: %v", got)
	}
}

// A delivered job's parts are settled; a cancelled one's are listed at
// the counter to come back, and do come back.
func TestPartsOfAClosedJob(t *testing.T) {
	f := newFixture(t)
	j := f.partsJob(t)
	f.must(t, clerk, &IssuePart{JobID: j.ID, Number: "26300-35505", Quantity: 1})
	f.must(t, advisor, &Cancel{JobID: j.ID, Reason: "客户改期"})
	f.refused(t, clerk, &IssuePart{JobID: j.ID, Number: "OIL-5W30", Quantity: 1}, CodeConflict, "")
	pick := f.state.PickList(t0)
	if len(pick.Jobs) != 1 || pick.Jobs[0].Stage != StageCancelled || len(pick.Jobs[0].Held) != 1 {
		t.Fatalf("a cancelled job holding a part: %+v", pick.Jobs)
	}
	f.must(t, clerk, &ReturnPart{JobID: j.ID, IssueID: "ip-1", Quantity: 1})
	if pick := f.state.PickList(t0); len(pick.Jobs) != 0 {
		t.Errorf("a cancelled job with nothing held stays on the list: %+v", pick.Jobs)
	}
	if b := f.state.Jobs[j.ID].BilledParts(); len(b) != 0 {
		t.Errorf("a cancelled job bills %+v", b)
	}

	delivered := f.state.Jobs[j.ID]
	c := cloneJob(delivered)
	c.Stage = StageDelivered
	f.state.Jobs[j.ID] = c
	f.refused(t, clerk, &ReturnPart{JobID: j.ID, IssueID: "ip-1", Quantity: 0.5}, CodeConflict, "")
}

// The counter prepares the parts of the next day's bookings.
func TestTheCounterPreparesTomorrowsBookings(t *testing.T) {
	f := newFixture(t)
	kit := []PartLine{{Number: "26300-35505", Name: "机油滤清器", Quantity: 1, UnitPrice: 12800}}
	f.must(t, advisor, &BookAppointment{At: t0.Add(24 * time.Hour), CustomerID: "cu-1", VehicleID: "ve-1", Requested: "保养", Parts: kit})
	f.must(t, advisor, &BookAppointment{At: t0.Add(26 * time.Hour), CustomerID: "cu-1", VehicleID: "ve-1", Requested: "洗车"})
	f.must(t, advisor, &BookAppointment{At: t0.Add(48 * time.Hour), CustomerID: "cu-1", VehicleID: "ve-1", Requested: "保养", Parts: kit})
	f.refused(t, advisor, &BookAppointment{At: t0.Add(24 * time.Hour), CustomerID: "cu-1", VehicleID: "ve-1", Requested: "保养",
		Parts: []PartLine{{Name: "机油", Quantity: 0}}}, CodeInvalid, "parts[0].quantity")
	prep := f.state.PickList(t0).Prepare
	if len(prep) != 1 || prep[0].AppointmentID != "ap-1" || prep[0].Plate != "京A·12345" || len(prep[0].Parts) != 1 {
		t.Errorf("to prepare today for tomorrow: %+v", prep)
	}
}

// The parts the advisor notes at booking reach the counter for a booking
// later today too, and are the booking's parts, not its words: the job
// received from it carries the customer's words alone.
func TestTheCounterPreparesTodaysLaterBookings(t *testing.T) {
	f := newFixture(t)
	filter := []PartLine{{Name: "机油滤清器", Quantity: 1}, {Name: "空气滤清器", Quantity: 1}}
	f.must(t, advisor, &BookAppointment{At: t0.Add(3 * time.Hour), CustomerID: "cu-1", VehicleID: "ve-1", Requested: "保养，左前轮有异响", Parts: filter})
	prep := f.state.PickList(t0).Prepare
	if len(prep) != 1 || prep[0].AppointmentID != "ap-1" || len(prep[0].Parts) != 2 || prep[0].Parts[1].Name != "空气滤清器" {
		t.Fatalf("to prepare for this afternoon: %+v", prep)
	}
	if got := f.state.Appointments["ap-1"].Requested; got != "保养，左前轮有异响" {
		t.Errorf("the booking's words are %q", got)
	}
	f.must(t, advisor, &UpdateAppointment{ID: "ap-1", Status: ApptCancelled})
	if prep := f.state.PickList(t0).Prepare; len(prep) != 0 {
		t.Errorf("a cancelled booking is still to prepare: %+v", prep)
	}
}

// issueRequest issues what a parts request asks for, as the counter does
// with a part beyond the job's scope: the part in the catalogue, the
// advisor's allowance, the issue against both.
func (f *fixture) issueRequest(t *testing.T, at time.Time, id string) {
	t.Helper()
	pr := f.state.PartsRequests[id]
	f.mustAt(t, at, system, &PutCatalogPart{Part: CatalogPart{Number: pr.Number, Name: pr.Description, UnitPrice: 10000, Active: true}})
	f.mustAt(t, at, advisor, &AllowPart{JobID: pr.JobID, Number: pr.Number, Quantity: pr.Quantity, Reason: "客户同意 agreed", RequestID: id, Consent: &Consent{Via: ConsentPhone}})
	al := f.state.Jobs[pr.JobID].Allowances
	f.mustAt(t, at, clerk, &IssuePart{JobID: pr.JobID, Number: pr.Number, Quantity: pr.Quantity, AllowanceID: al[len(al)-1].ID, RequestID: id})
}

// A job of labour only has nothing to draw: the pick list leaves it out.
func TestALabourOnlyJobIsNotOnThePickList(t *testing.T) {
	f := newFixture(t)
	f.must(t, advisor, &OpenJob{CustomerID: "cu-1", VehicleID: "ve-1", Estimate: Estimate{
		Requests: "四轮定位", PromisedAt: t0.Add(4 * time.Hour), Labour: []Labour{{Name: "四轮定位", SoldHours: 1, Price: 30000}}}})
	f.must(t, advisor, &Submit{JobRef: JobRef{"20261123-0001"}})
	f.must(t, advisor, &Dispatch{JobID: "20261123-0001", TeamID: "team-1", TechIDs: []string{"tech-1"}, BayID: "bay-1"})
	if pick := f.state.PickList(t0); len(pick.Jobs) != 0 {
		t.Errorf("a labour-only job on the pick list: %+v", pick.Jobs)
	}
	f.must(t, tech, &RequestParts{JobID: "20261123-0001", Parts: []PartItem{{Description: "平衡块", Quantity: 4}}})
	if pick := f.state.PickList(t0); len(pick.Jobs) != 1 || len(pick.Jobs[0].Lines) != 1 {
		t.Errorf("a request puts the job on the pick list: %+v", pick.Jobs)
	}
}

// The jobs with parts left to draw come before those that have drawn all.
func TestThePickListPutsWhatIsLeftFirst(t *testing.T) {
	f := newFixture(t)
	j := f.partsJob(t) // promised first, priority 0
	f.must(t, system, &PutBay{Bay: Bay{Name: "2号工位", Kind: BayGeneral, Active: true}})
	f.must(t, system, &PutVehicle{Vehicle: Vehicle{CustomerID: "cu-1", Plate: "京B12345", Model: "Tucson"}})
	f.must(t, advisor, &OpenJob{CustomerID: "cu-1", VehicleID: "ve-2", Estimate: Estimate{
		Requests: "换滤芯", PromisedAt: t0.Add(6 * time.Hour),
		Parts: []PartLine{{Number: "26300-35505", Name: "机油滤清器", Quantity: 1, UnitPrice: 12800}}}})
	f.must(t, advisor, &Submit{JobRef: JobRef{"20261123-0002"}})
	f.must(t, advisor, &Dispatch{JobID: "20261123-0002", TeamID: "team-1", TechIDs: []string{"tech-2"}, BayID: "bay-2"})
	order := func() string {
		var ids []string
		for _, pj := range f.state.PickList(t0).Jobs {
			ids = append(ids, pj.JobID)
		}
		return strings.Join(ids, " ")
	}
	if got := order(); got != j.ID+" 20261123-0002" {
		t.Errorf("both to draw: %s, want the earlier promise first", got)
	}
	f.must(t, clerk, &IssuePart{JobID: j.ID, Number: "26300-35505", Quantity: 1})
	f.must(t, clerk, &IssuePart{JobID: j.ID, Number: "OIL-5W30", Quantity: 4.5})
	if got := order(); got != "20261123-0002 "+j.ID {
		t.Errorf("one drawn in full: %s, want the one still to draw first", got)
	}
}
