package shop

import (
	"errors"
	"testing"
	"time"
)

var controller = Actor{UserID: "user-8", Roles: []Role{RoleController}}

func TestAnEmptyShopHasNoCapacityAndSaysWhy(t *testing.T) {
	st := NewState()
	c := st.Capacity(t0.AddDate(0, 0, 1), t0)
	if c.Limit != LimitNoBays || c.Hours != 0 || c.Left != 0 || !c.Full || c.Technicians != 0 || len(c.BayKinds) != 0 {
		t.Fatalf("empty shop: %+v", c)
	}
	// Five two-hour slots of 08:00–18:00, each with nothing to take.
	if len(c.Slots) != 5 || c.Slots[0].Hours != 0 || !c.Slots[4].Full {
		t.Fatalf("empty shop's slots: %+v", c.Slots)
	}
	if f := c.Fit(t0.AddDate(0, 0, 1), 1); f.Fits || f.Why != FitNoCapacity {
		t.Fatalf("a booking on an empty shop: %+v", f)
	}
	// A bay but nobody to work it.
	d := NewDraft(st)
	if _, err := d.Apply(system, &PutBay{Bay: Bay{Name: "1", Kind: BayGeneral, Active: true}}, t0); err != nil {
		t.Fatal(err)
	}
	c = d.Publish().Capacity(t0.AddDate(0, 0, 1), t0)
	if c.Limit != LimitNoTechnicians || c.Hours != 0 || c.BayHours != 10 || c.TechHours != 0 {
		t.Fatalf("a bay and no technicians: %+v", c)
	}
}

func TestCapacityIsTheLesserOfBaysAndTechniciansOnDuty(t *testing.T) {
	f := newFixture(t)
	f.must(t, system, &PutBay{Bay: Bay{Name: "四轮定位", Kind: BayAlignment, Active: true}})
	f.must(t, system, &PutBay{Bay: Bay{Name: "洗车", Kind: BayWash, Active: true}})
	day := t0.AddDate(0, 0, 1) // Tuesday 2026-11-24, open 08:00–18:00
	c := f.state.Capacity(day, t0)
	want := []BayKindHours{{BayGeneral, 1, 10}, {BayAlignment, 1, 10}}
	if c.Limit != "" || len(c.BayKinds) != 2 || c.BayKinds[0] != want[0] || c.BayKinds[1] != want[1] {
		t.Fatalf("bays by kind (the wash bay is no labour): %+v", c.BayKinds)
	}
	if c.BayHours != 20 || c.Technicians != 2 || c.TechHours != 20 || c.Hours != 20 || c.Left != 20 || len(c.Slots) != 5 || c.Slots[0].Hours != 4 {
		t.Fatalf("two bays, two technicians: %+v", c)
	}
	// One technician on leave: one pair of hands, ten hours.
	f.must(t, controller, &SetRoster{Date: "2026-11-24", Technicians: []RosterEntry{{"tech-2", DutyLeave}}})
	c = f.state.Capacity(day, t0)
	if c.Technicians != 1 || c.TechHours != 10 || c.BayHours != 20 || c.Hours != 10 || c.Slots[0].Hours != 2 {
		t.Fatalf("one technician on leave: %+v", c)
	}
	// Three hours at 08:30 and a booking without an estimate (one hour)
	// at 09:00 fill the first slot and run over into the second.
	f.must(t, advisor, &BookAppointment{At: day.Add(-30 * time.Minute), CustomerID: "cu-1", VehicleID: "ve-1", Requested: "钣金", Hours: 3})
	f.must(t, advisor, &BookAppointment{At: day, CustomerID: "cu-1", VehicleID: "ve-1", Requested: "保养"})
	c = f.state.Capacity(day, t0)
	s := c.Slots
	if s[0].Booked != 4 || s[0].Bookings != 2 || s[0].Used != 2 || s[0].Left != 0 || !s[0].Full ||
		s[1].Booked != 0 || s[1].Used != 2 || !s[1].Full || s[2].Left != 2 || s[2].Full {
		t.Fatalf("slots after 4 h booked at 08:30 and 09:00: %+v", s)
	}
	if c.Booked != 4 || c.Used != 4 || c.Left != 6 || c.Full || c.Over != 0 {
		t.Fatalf("the day after 4 h booked: %+v", c)
	}
	at := func(clock string) time.Time {
		tm, _ := time.Parse("2006-01-02 15:04", "2026-11-24 "+clock)
		return tm
	}
	for _, tc := range []struct {
		at    string
		hours float64
		fits  bool
		why   FitWhy
	}{
		{"10:30", 1, false, FitSlotFull},
		{"12:00", 1, true, ""},
		{"12:00", 6, true, ""},
		{"12:00", 7, false, FitDayFull},
		{"07:00", 1, false, FitOutside},
	} {
		if got := c.Fit(at(tc.at), tc.hours); got.Fits != tc.fits || got.Why != tc.why {
			t.Errorf("fit %s %.0f h: %+v, want fits %v why %q", tc.at, tc.hours, got, tc.fits, tc.why)
		}
	}
	// A cancelled booking gives its hours back.
	f.must(t, advisor, &UpdateAppointment{ID: "ap-1", Status: ApptCancelled})
	if c = f.state.Capacity(day, t0); c.Booked != 1 || c.Left != 9 {
		t.Fatalf("after a cancellation: %+v", c)
	}
}

func TestTodaysCapacityCountsTheCarsInTheShopAndTheHoursGone(t *testing.T) {
	f := newFixture(t)
	f.openJob(t) // two sold hours, in reception at 09:00
	c := f.state.Capacity(t0, t0)
	// One bay: an hour left of the first slot, then 2 h each.
	if c.InShop != 2 || c.Slots[0].Hours != 1 || !c.Slots[0].Full || c.Slots[1].Used != 1 || c.Slots[1].Left != 1 || c.Hours != 9 || c.Left != 7 {
		t.Fatalf("today with a job of 2 h at 09:00: %+v", c)
	}
	// Tomorrow knows nothing of today's cars.
	if c := f.state.Capacity(t0.AddDate(0, 0, 1), t0); c.InShop != 0 || c.Left != 10 {
		t.Fatalf("tomorrow: %+v", c)
	}
}

func TestBookingSlotsFollowTheOpeningHours(t *testing.T) {
	h := EveryDay("08:00", "18:00")
	h.Week[1] = DayHours{Opens: "08:00", Closes: "18:00", LunchFrom: "12:00", LunchTo: "13:30"} // Tuesday
	h.Week[2] = DayHours{Opens: "09:00", Closes: "12:00"}                                       // Wednesday
	h.Week[3].Closed = true                                                                     // Thursday
	st := NewState()
	st.Settings.Hours = h
	clocks := func(day time.Time) []string {
		var out []string
		for _, s := range st.Capacity(day, t0).Slots {
			out = append(out, s.From.Format("15:04")+"-"+s.To.Format("15:04"))
		}
		return out
	}
	for _, tc := range []struct {
		day  time.Time
		want []string
	}{
		{t0, []string{"08:00-10:00", "10:00-12:00", "12:00-14:00", "14:00-16:00", "16:00-18:00"}},
		{t0.AddDate(0, 0, 1), []string{"08:00-10:00", "10:00-12:00", "13:30-15:30", "15:30-18:00"}},
		{t0.AddDate(0, 0, 2), []string{"09:00-10:00", "10:00-11:00", "11:00-12:00"}},
		{t0.AddDate(0, 0, 3), nil},
	} {
		if got := clocks(tc.day); len(got) != len(tc.want) || (len(got) > 0 && got[len(got)-1] != tc.want[len(tc.want)-1]) || (len(got) > 0 && got[0] != tc.want[0]) {
			t.Errorf("%s: slots %v, want %v", tc.day.Weekday(), got, tc.want)
		}
	}
	if c := st.Capacity(t0.AddDate(0, 0, 3), t0); c.Open || c.Limit != LimitClosed {
		t.Fatalf("a closed day: %+v", c)
	}
}

func TestTheControllerRecordsTheRoster(t *testing.T) {
	f := newFixture(t)
	r := f.state.DutyRoster(t0)
	if !r.Open || len(r.Technicians) != 2 || r.Technicians[0].Status != DutyOn || r.Technicians[0].Recorded || r.Technicians[0].Away {
		t.Fatalf("the default roster of an open day: %+v", r)
	}
	f.must(t, controller, &SetRoster{Date: "2026-11-23", Technicians: []RosterEntry{{"tech-1", DutyLeave}}})
	f.must(t, controller, &SetRoster{Date: "2026-11-23", Technicians: []RosterEntry{{"tech-2", DutyOff}}})
	duty := map[string]TechDuty{}
	for _, td := range f.state.DutyRoster(t0).Technicians {
		duty[td.TechID] = td
	}
	if d := duty["tech-1"]; d.Status != DutyLeave || !d.Recorded || !d.Away {
		t.Fatalf("tech-1 (kept from the first record): %+v", d)
	}
	if d := duty["tech-2"]; d.Status != DutyOff || !d.Recorded {
		t.Fatalf("tech-2: %+v", d)
	}
	if got := f.state.Roster["2026-11-23"]; got == nil || len(got.Duty) != 2 {
		t.Fatalf("the stored day: %+v", got)
	}
	// A closed day's default is off.
	f.state.Settings.Hours.ClosedDays = []ClosedDay{{Date: "2026-11-25"}}
	if r := f.state.DutyRoster(t0.AddDate(0, 0, 2)); r.Open || r.Technicians[0].Status != DutyOff || r.Technicians[0].Away {
		t.Fatalf("a closed day's roster: %+v", r)
	}

	for _, tc := range []struct {
		name  string
		actor Actor
		cmd   *SetRoster
		code  Code
		field string
	}{
		{"a technician", tech, &SetRoster{Date: "2026-11-23", Technicians: []RosterEntry{{"tech-1", DutyOn}}}, CodeForbidden, ""},
		{"an advisor", advisor, &SetRoster{Date: "2026-11-23", Technicians: []RosterEntry{{"tech-1", DutyOn}}}, CodeForbidden, ""},
		{"a bad date", controller, &SetRoster{Date: "23.11.2026", Technicians: []RosterEntry{{"tech-1", DutyOn}}}, CodeInvalid, "date"},
		{"two years ahead", controller, &SetRoster{Date: "2028-11-23", Technicians: []RosterEntry{{"tech-1", DutyOn}}}, CodeInvalid, "date"},
		{"nobody", controller, &SetRoster{Date: "2026-11-23"}, CodeInvalid, "technicians"},
		{"no such technician", controller, &SetRoster{Date: "2026-11-23", Technicians: []RosterEntry{{"tech-9", DutyOn}}}, CodeInvalid, "technicians[0].tech_id"},
		{"twice", controller, &SetRoster{Date: "2026-11-23", Technicians: []RosterEntry{{"tech-1", DutyOn}, {"tech-1", DutyOff}}}, CodeInvalid, "technicians[1].tech_id"},
		{"a bad status", controller, &SetRoster{Date: "2026-11-23", Technicians: []RosterEntry{{"tech-1", "sick"}}}, CodeInvalid, "technicians[0].status"},
	} {
		before := f.state
		err := f.apply(tc.actor, tc.cmd)
		var e *Error
		if !errors.As(err, &e) || e.Code != tc.code || (tc.field != "" && (len(e.Fields) == 0 || e.Fields[0].Field != tc.field)) {
			t.Errorf("%s: %v, want code %d on %q", tc.name, err, tc.code, tc.field)
		}
		if f.state != before {
			t.Errorf("%s changed the shop", tc.name)
		}
	}
}

func TestDispatchRefusesATechnicianAwayToday(t *testing.T) {
	f := newFixture(t)
	j := f.openJob(t)
	f.must(t, advisor, &Submit{JobRef: JobRef{j.ID}})
	f.must(t, controller, &SetRoster{Date: "2026-11-23", Technicians: []RosterEntry{{"tech-1", DutyLeave}, {"tech-2", DutyOff}}})
	// Leave tomorrow is no matter today.
	f.must(t, controller, &SetRoster{Date: "2026-11-24", Technicians: []RosterEntry{{"tech-2", DutyLeave}}})
	err := f.apply(controller, &Dispatch{JobID: j.ID, TeamID: "team-1", TechIDs: []string{"tech-2", "tech-1"}, BayID: "bay-1"})
	var e *Error
	if !errors.As(err, &e) || e.Code != CodeConflict || len(e.Fields) != 2 ||
		e.Fields[0] != (FieldError{"tech_ids[0]", "is off duty today"}) || e.Fields[1] != (FieldError{"tech_ids[1]", "is on leave today"}) {
		t.Fatalf("dispatch to technicians away: %v", err)
	}
	if f.state.Jobs[j.ID].Stage != StageWaitingDispatch {
		t.Fatalf("the refused dispatch moved the job")
	}
	// Back on duty, the same dispatch goes.
	f.must(t, controller, &SetRoster{Date: "2026-11-23", Technicians: []RosterEntry{{"tech-2", DutyOn}}})
	f.must(t, controller, &Dispatch{JobID: j.ID, TeamID: "team-1", TechIDs: []string{"tech-2"}, BayID: "bay-1"})
	if got := f.state.Jobs[j.ID]; got.Stage != StageDispatched || got.TechIDs[0] != "tech-2" {
		t.Fatalf("dispatch to a technician on duty: %+v", got)
	}
}

func TestATechnicianAwayTodayIsNotFreeOnTheWorkshop(t *testing.T) {
	f := newFixture(t)
	if w := f.state.Workshop(t0); w.Counts.TechsTotal != 2 || w.Counts.TechsFree != 2 {
		t.Fatalf("before the roster: %+v", w.Counts)
	}
	f.must(t, controller, &SetRoster{Date: "2026-11-23", Technicians: []RosterEntry{{"tech-1", DutyLeave}}})
	w := f.state.Workshop(t0)
	if w.Counts.TechsTotal != 1 || w.Counts.TechsFree != 1 || len(w.FreeTechs) != 1 || w.FreeTechs[0] != "赵班长" {
		t.Fatalf("with 李师傅 on leave: %+v %v", w.Counts, w.FreeTechs)
	}
	if w := f.state.Workshop(t0.AddDate(0, 0, 1)); w.Counts.TechsFree != 2 {
		t.Fatalf("the next day: %+v", w.Counts)
	}
}
