package shop

import (
	"bytes"
	"encoding/json"
	"sort"
	"strings"
	"testing"
	"time"
)

// Every command type, a client's or the server's own, is placed: the
// records its event touched are known, or it is known to touch none the
// group keeps. A new command missing from groupScopes fails here.
func TestEveryEventTypeHasItsGroupRecords(t *testing.T) {
	var missing []string
	for typ := range commandTypes {
		if _, ok := groupScopes[typ]; !ok {
			missing = append(missing, typ)
		}
	}
	for _, typ := range CommandTypes() {
		if _, ok := groupScopes[typ]; !ok && commandTypes[typ].decode == nil {
			missing = append(missing, typ)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("event types the group message cannot place: %v", missing)
	}
}

// groupSame fails unless the replica holds, kind by kind, what a fresh
// snapshot of the store's state gives: the store's records cut by the
// group's policy.
func groupSame(t *testing.T, step string, replica, store *State, at time.Time, contacts bool) {
	t.Helper()
	want, err := ApplyGroupMessage(nil, store.GroupSnapshot("s", 0, at, contacts))
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range groupKinds {
		got, exp := groupKindJSON(replica, kind), groupKindJSON(want, kind)
		if !bytes.Equal(got, exp) {
			t.Fatalf("%s: %s differ:\nreplica %s\nstore   %s", step, kind, got, exp)
		}
	}
	if replica.Loc.String() != want.Loc.String() {
		t.Fatalf("%s: time zone %s, want %s", step, replica.Loc, want.Loc)
	}
	if d := store.GroupDiff(replica, at, contacts); len(d) != 0 {
		t.Fatalf("%s: GroupDiff says %v differ", step, d)
	}
}

// GroupDiff names what differs, and nothing when nothing does.
func TestGroupDiffNamesTheKindsThatDiffer(t *testing.T) {
	f := groupDay(t, func(Event, *State) {})
	replica, err := ApplyGroupMessage(nil, f.state.GroupSnapshot("s", 1, t0, false))
	if err != nil {
		t.Fatal(err)
	}
	if d := f.state.GroupDiff(replica, time.Time{}, false); len(d) != 0 {
		t.Errorf("an equal replica: %v", d)
	}
	if d := f.state.GroupDiff(replica, time.Time{}, true); len(d) != 1 || d[0] != KindCustomer {
		t.Errorf("a replica without the contacts the policy sends: %v", d)
	}
	older, _ := ApplyGroupMessage(nil, newFixture(t).state.GroupSnapshot("s", 1, t0, false))
	if d := f.state.GroupDiff(older, time.Time{}, false); strings.Join(d, " ") != "settings vehicles appointments jobs findings parts_requests" {
		t.Errorf("an older replica: %v", d)
	}
}

func groupKindJSON(s *State, kind string) []byte {
	var v any
	switch kind {
	case KindSettings:
		v = s.Settings
	case KindBay:
		v = s.Bays
	case KindTeam:
		v = s.Teams
	case KindTechnician:
		v = s.Technicians
	case KindUser:
		v = s.Users
	case KindCustomer:
		v = s.Customers
	case KindVehicle:
		v = s.Vehicles
	case KindAppointment:
		v = s.Appointments
	case KindJob:
		v = s.Jobs
	case KindFinding:
		v = s.Findings
	case KindPartsRequest:
		v = s.PartsRequests
	case KindRoster:
		v = s.Roster
	}
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// groupDay drives the fixture's job through the shop's whole process, a
// minute a step, and calls each with the event and the state right after
// its commit.
func groupDay(t *testing.T, each func(ev Event, s *State)) *fixture {
	t.Helper()
	f := newFixture(t)
	var seq uint64 = 100
	do := func(at time.Time, a Actor, c Command) {
		t.Helper()
		d := NewDraft(f.state)
		ev, err := d.Apply(a, c, at)
		if err != nil {
			t.Fatalf("%s: %v", c.CommandType(), err)
		}
		f.state = d.Publish()
		seq++
		ev.Seq = seq
		each(ev, f.state)
	}
	at := t0
	next := func() time.Time { at = at.Add(time.Minute); return at }
	j := "20261123-0001"
	do(next(), system, &SetSettings{Settings: func() Settings {
		s := f.state.Settings
		s.Name, s.BaseURL, s.Address = "北京朝阳店", "https://secret.example", "朝阳路 1 号"
		s.Printers = []Printer{{Name: "A4", URI: "ipp://10.0.0.9:631/printers/a4", Use: PrinterA4}}
		return s
	}()})
	do(next(), system, &PutCustomer{Customer: Customer{ID: "cu-1", Name: "张先生", Phone: "138 1234 5678"}})
	do(next(), system, &PutVehicle{Vehicle: Vehicle{ID: "ve-1", CustomerID: "cu-1", Plate: "京a12345", VIN: "1M8GDM9AXKP042788", Model: "Sonata", MileageKM: 30000}})
	do(next(), advisor, &OpenJob{CustomerID: "cu-1", VehicleID: "ve-1", Estimate: Estimate{
		Requests: "保养，刹车有异响，张先生三点前要车", PromisedAt: t0.Add(4 * time.Hour),
		WalkAround: WalkAround{FuelPercent: 50, MileageKM: 30100, Valuables: "张先生的墨镜", Notes: "张先生说后门有划痕"},
		Labour:     []Labour{{Name: "更换机油", SoldHours: 1, Price: 20000}, {Name: "检查刹车", SoldHours: 1, Price: 15000}},
		Parts:      []PartLine{{Number: "26300-35505", Name: "Oil filter 机油滤清器", Quantity: 1, UnitPrice: 12800}},
		Wash:       true}})
	do(next(), advisor, &BookAppointment{At: t0.Add(48 * time.Hour), CustomerID: "cu-1", VehicleID: "ve-1", Requested: "空调有异味，到了打 138 1234 5678"})
	do(next(), advisor, &Submit{JobRef: JobRef{j}})
	do(next(), advisor, &Dispatch{JobID: j, TeamID: "team-1", TechIDs: []string{"tech-1"}, BayID: "bay-1"})
	do(next(), tech, &ClockOn{TechRef: TechRef{j, "tech-1"}})
	do(next(), partsClerk, &IssuePart{JobID: j, Number: "26300-35505", Quantity: 1})
	do(next(), tech, &Pause{JobID: j, Reason: PauseWaitingParts, Note: "等张先生确认", Parts: []PartItem{{Description: "刹车片", Quantity: 1}}})
	do(next(), tech, &ReportFinding{JobID: j, FindingInput: FindingInput{Description: "刹车片磨损", Hours: 1}})
	labour := Money(30000)
	do(next(), advisor, &PriceFinding{FindingID: "fi-1", LabourPrice: &labour, Send: true})
	do(next(), advisor, &DecideFinding{FindingID: "fi-1", Approve: false, Via: "phone"})
	do(next(), tech, &Resume{JobRef: JobRef{j}})
	do(next(), tech, &Finish{TechRef: TechRef{j, "tech-1"}})
	do(next(), lead, &QC{JobID: j, Step: QCTeam, Pass: true, Notes: "告诉张先生下次换刹车片"})
	do(next(), qc, &QC{JobID: j, Step: QCFinal, Pass: true})
	do(next(), system, &WashDone{JobRef: JobRef{j}})
	do(next(), system, &GiveDiscount{JobID: j, Line: LineOrder, Amount: 1000, Reason: "张先生是老客户"})
	do(next(), advisor, &Deliver{JobID: j, Paid: f.state.Jobs[j].Total() - 1000, PaymentMethod: "wechat", Explanation: "老客户折扣"})
	do(next(), Actor{UserID: "user-1", Roles: []Role{RoleFollowUp}}, &RecordFollowUp{JobID: j, Outcome: FollowUpSatisfied, Notes: "张先生很满意"})
	return f
}

// The test that matters most: a replica fed each event's message, built
// from the state right after that event's commit, holds what the store
// holds, kind by kind, cut the same way — after every event, not only at
// the end.
func TestAReplicaFedEveryEventsMessageEqualsTheStore(t *testing.T) {
	for _, contacts := range []bool{false, true} {
		var replica *State
		var err error
		first := true
		groupDay(t, func(ev Event, s *State) {
			if first {
				// The link is made now: its first message is a snapshot
				// of the state before this event.
				first = false
				replica, err = ApplyGroupMessage(nil, newFixture(t).state.GroupSnapshot("s", ev.Seq-1, ev.At, contacts))
				if err != nil {
					t.Fatal(err)
				}
			}
			m := s.GroupMessage("s", ev, contacts)
			if m.Seq != ev.Seq || m.Type != ev.Type || m.JobID != ev.JobID || m.Subject != ev.Subject {
				t.Fatalf("%s: message %+v", ev.Type, m)
			}
			if len(m.Records) == 0 && (contacts || ev.Type != "put_customer") {
				t.Fatalf("%s: the message carries no record", ev.Type)
			}
			// Through its JSON, as JetStream carries it.
			raw, err := json.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			var back GroupMessage
			if err := json.Unmarshal(raw, &back); err != nil {
				t.Fatal(err)
			}
			replica, err = ApplyGroupMessage(replica, back)
			if err != nil {
				t.Fatal(err)
			}
			groupSame(t, ev.Type, replica, s, ev.At, contacts)
		})
		j := replica.Jobs["20261123-0001"]
		if j == nil || j.Stage != StageDelivered || len(replica.JobFindings(j.ID)) != 1 || len(replica.JobParts(j.ID)) != 1 {
			t.Fatalf("the replica's job: %+v", j)
		}
		if got := len(replica.Customers); (got == 1) != contacts {
			t.Errorf("contacts %v: %d customers in the replica", contacts, got)
		}
	}
}

// What is cut is cut: the fixture's customer's name and phone, every note
// naming him and his own words (the job's requests, the booking's work),
// the VIN, the shop's secrets and printers never leave a store without
// contacts.
func TestWithoutContactsNoCustomerNameOrPhoneLeaves(t *testing.T) {
	never := []string{"张先生", "138 1234 5678", "13812345678", "1M8GDM9AXKP042788", "secret.example", "ipp://", "朝阳路", "badge", "hash", `"login":"advisor"`}
	var all [][]byte
	f := groupDay(t, func(ev Event, s *State) {
		raw, err := json.Marshal(s.GroupMessage("s", ev, false))
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, raw)
	})
	snap, err := json.Marshal(f.state.GroupSnapshot("s", 200, t0, false))
	if err != nil {
		t.Fatal(err)
	}
	all = append(all, snap)
	for _, raw := range all {
		for _, word := range never {
			if bytes.Contains(raw, []byte(word)) {
				t.Errorf("%q leaves the store: %s", word, raw)
			}
		}
	}
	// The same day with contacts sends the name and the phone, and no
	// more: the notes naming him stay.
	withContacts, err := json.Marshal(f.state.GroupSnapshot("s", 200, t0, true))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(withContacts, []byte(`"name":"张先生","phone":"13812345678"`)) {
		t.Errorf("with contacts the customer is missing: %s", withContacts)
	}
	if n := bytes.Count(withContacts, []byte("张先生")); n != 1 {
		t.Errorf("with contacts the name leaves %d times, want once (the customer's record)", n)
	}
	// The store's own state still has every note.
	j := f.state.Jobs["20261123-0001"]
	if !strings.Contains(j.FollowUp.Notes, "张先生") || j.Discounts[0].Reason == "" || j.WalkAround.Valuables == "" || !strings.Contains(j.Requests, "张先生") {
		t.Errorf("the cut changed the store's job: %+v", j)
	}
}

// A snapshot replaces a replica entirely: records the store no longer
// has, and a whole other store's, are gone.
func TestASnapshotReplacesTheReplica(t *testing.T) {
	f := groupDay(t, func(Event, *State) {})
	old, err := ApplyGroupMessage(nil, f.state.GroupSnapshot("s", 10, t0, true))
	if err != nil {
		t.Fatal(err)
	}
	other := newFixture(t).state
	next, err := ApplyGroupMessage(old, other.GroupSnapshot("s", 11, t0, false))
	if err != nil {
		t.Fatal(err)
	}
	groupSame(t, "snapshot", next, other, t0, false)
	if len(next.Jobs) != 0 || len(next.Customers) != 0 {
		t.Errorf("after the snapshot the replica keeps %d jobs, %d customers", len(next.Jobs), len(next.Customers))
	}
	// The replica given is never changed.
	if len(old.Jobs) != 1 || len(old.Customers) != 1 || old.Settings.Name != "北京朝阳店" {
		t.Errorf("the old replica changed: %d jobs, %d customers, %q", len(old.Jobs), len(old.Customers), old.Settings.Name)
	}
}

// A job that left the store's live state goes as removed, with its
// findings and parts requests; and a replica prunes a job closed longer
// than KeepClosed as the store does.
func TestAJobThatLeftTheStoreLeavesTheReplica(t *testing.T) {
	var last Event
	f := groupDay(t, func(ev Event, _ *State) { last = ev })
	replica, err := ApplyGroupMessage(nil, f.state.GroupSnapshot("s", last.Seq, last.At, false))
	if err != nil {
		t.Fatal(err)
	}
	gone := f.state.WithoutClosedBefore(last.At.Add(time.Hour))
	if len(gone.Jobs) != 0 {
		t.Fatalf("the store kept %d jobs", len(gone.Jobs))
	}
	ev := Event{Seq: last.Seq + 1, At: last.At.Add(time.Hour), Type: "expire_photos", Subject: "20261123-0001", JobID: "20261123-0001"}
	m := gone.GroupMessage("s", ev, false)
	if len(m.Records) != 1 || !m.Records[0].Removed || m.Records[0].Kind != KindJob {
		t.Fatalf("records %+v, want the job removed", m.Records)
	}
	after, err := ApplyGroupMessage(replica, m)
	if err != nil {
		t.Fatal(err)
	}
	if len(after.Jobs)+len(after.Findings)+len(after.PartsRequests) != 0 {
		t.Errorf("the replica keeps %d jobs, %d findings, %d parts requests", len(after.Jobs), len(after.Findings), len(after.PartsRequests))
	}
	if len(replica.Jobs) != 1 || len(replica.Findings) != 1 {
		t.Errorf("the replica given changed")
	}
	// A week and a day later any message prunes it, as the store's state
	// prunes it.
	later := Event{Seq: last.Seq + 1, At: last.At.Add(KeepClosed + 24*time.Hour), Type: "put_bay", Subject: "bay-1"}
	pruned, err := ApplyGroupMessage(replica, f.state.GroupMessage("s", later, false))
	if err != nil {
		t.Fatal(err)
	}
	if len(pruned.Jobs)+len(pruned.Findings)+len(pruned.PartsRequests) != 0 {
		t.Errorf("a week later the replica keeps %d jobs", len(pruned.Jobs))
	}
}

func TestABadGroupMessageIsRefused(t *testing.T) {
	for name, m := range map[string]GroupMessage{
		"version 2": {V: 2, Store: "s", Seq: 1},
		"bad json":  {V: 1, Store: "s", Seq: 1, Records: []GroupRecord{{Kind: KindJob, ID: "j", Data: json.RawMessage(`{"id":1}`)}}},
		"wrong id":  {V: 1, Store: "s", Seq: 1, Records: []GroupRecord{{Kind: KindBay, ID: "bay-1", Data: json.RawMessage(`{"id":"bay-2"}`)}}},
	} {
		if _, err := ApplyGroupMessage(nil, m); err == nil {
			t.Errorf("%s: applied", name)
		}
	}
	// A kind this build does not keep (a newer store's) is skipped.
	r, err := ApplyGroupMessage(nil, GroupMessage{V: 1, Store: "s", Seq: 1, Records: []GroupRecord{{Kind: "drones", ID: "d-1", Data: json.RawMessage(`{}`)}}})
	if err != nil || r == nil {
		t.Errorf("an unknown kind: %v", err)
	}
}

// The group keeps a week's bookings and roster days, and only the cars
// and customers its jobs and bookings name: a store's years of cars and
// bookings never go in its snapshot. A booking's message brings its car.
func TestTheGroupKeepsAWeekAndTheCarsItNames(t *testing.T) {
	f := newFixture(t)
	f.must(t, system, &PutVehicle{Vehicle: Vehicle{CustomerID: "cu-1", Plate: "京B22222", Model: "Tucson"}})
	old := t0.AddDate(0, 0, -10)
	f.state.Appointments["ap-old"] = &Appointment{ID: "ap-old", At: old, CustomerID: "cu-1", VehicleID: "ve-1", Status: ApptArrived}
	f.state.Roster[old.Format(time.DateOnly)] = &RosterDay{Date: old.Format(time.DateOnly), Duty: map[string]DutyStatus{"tech-1": DutyLeave}}
	f.state.Roster["2026-11-23"] = &RosterDay{Date: "2026-11-23", Duty: map[string]DutyStatus{"tech-2": DutyLeave}}
	snap := f.state.GroupSnapshot("s", 1, t0, true)
	kinds := map[string][]string{}
	for _, r := range snap.Records {
		kinds[r.Kind] = append(kinds[r.Kind], r.ID)
	}
	if len(kinds[KindVehicle])+len(kinds[KindCustomer])+len(kinds[KindAppointment]) != 0 || strings.Join(kinds[KindRoster], " ") != "2026-11-23" {
		t.Errorf("the snapshot keeps %v", kinds)
	}
	replica, err := ApplyGroupMessage(nil, snap)
	if err != nil {
		t.Fatal(err)
	}
	// A booking for ve-2: its message carries the car and, with
	// contacts, the customer; ve-1 stays the store's alone.
	d := NewDraft(f.state)
	ev, err := d.Apply(advisor, &BookAppointment{At: t0.Add(26 * time.Hour), CustomerID: "cu-1", VehicleID: "ve-2", Requested: "保养", AdvisorID: "user-1"}, t0.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	f.state = d.Publish()
	ev.Seq = 2
	replica, err = ApplyGroupMessage(replica, f.state.GroupMessage("s", ev, true))
	if err != nil {
		t.Fatal(err)
	}
	if len(replica.Vehicles) != 1 || replica.Vehicles["ve-2"] == nil || len(replica.Customers) != 1 || len(replica.Appointments) != 1 {
		t.Errorf("after the booking: cars %v, customers %d, bookings %d", keysOf(replica.Vehicles), len(replica.Customers), len(replica.Appointments))
	}
	if d := f.state.GroupDiff(replica, ev.At, true); len(d) != 0 {
		t.Errorf("the replica differs in %v", d)
	}
}
