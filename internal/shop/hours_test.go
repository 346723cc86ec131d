package shop

import (
	"strings"
	"testing"
	"time"
)

// fourS is a Chinese 4S dealer's week: weekdays 08:00–18:00 with lunch
// 12:00–13:30, Saturday 09:00–16:00 straight through, Sunday closed, and
// Tuesday 8 December 2026 closed for the day.
func fourS() Hours {
	weekday := DayHours{Opens: "08:00", Closes: "18:00", LunchFrom: "12:00", LunchTo: "13:30"}
	return Hours{
		Week: []DayHours{weekday, weekday, weekday, weekday, weekday,
			{Opens: "09:00", Closes: "16:00"},
			{Closed: true, Opens: "09:00", Closes: "16:00"}},
		ClosedDays: []ClosedDay{{Date: "2026-12-08", Name: "盘点"}},
	}
}

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestAddingWorkingTime(t *testing.T) {
	sh := mustZone(t, "Asia/Shanghai")
	berlin := mustZone(t, "Europe/Berlin")
	// Monday 7 December 2026 in Shanghai, at h:m.
	dec := func(day, h, m int) time.Time { return time.Date(2026, 12, day, h, m, 0, 0, sh) }
	week := fourS().Schedule(sh)
	everyDay := EveryDay("08:00", "18:00").Schedule(berlin)
	cases := []struct {
		name     string
		schedule Schedule
		from     time.Time
		work     time.Duration
		want     time.Time
	}{
		{"in the morning", week, dec(7, 9, 0), 2 * time.Hour, dec(7, 11, 0)},
		{"up to lunch", week, dec(7, 11, 0), time.Hour, dec(7, 12, 0)},
		{"across lunch", week, dec(7, 11, 0), 2 * time.Hour, dec(7, 14, 30)},
		{"from lunch", week, dec(7, 12, 30), 30 * time.Minute, dec(7, 14, 0)},
		{"before opening", week, dec(9, 6, 0), 30 * time.Minute, dec(9, 8, 30)},
		{"up to closing", week, dec(9, 17, 0), time.Hour, dec(9, 18, 0)},
		{"through the night", week, dec(9, 17, 0), 2 * time.Hour, dec(10, 9, 0)},
		{"after closing", week, dec(9, 20, 0), 10 * time.Minute, dec(10, 8, 10)},
		{"over a closed day", week, dec(7, 17, 0), 2 * time.Hour, dec(9, 9, 0)},
		{"into Saturday's shorter day", week, dec(11, 17, 0), 3 * time.Hour, dec(12, 11, 0)},
		{"over a closed Sunday", week, dec(12, 15, 0), 2 * time.Hour, dec(14, 9, 0)},
		{"nothing to add after closing", week, dec(9, 20, 0), 0, dec(9, 20, 0)},
		// 8½ h on Monday, Tuesday closed, 8½ h on Wednesday, 3 h on Thursday.
		{"a long job", week, dec(7, 8, 0), 20 * time.Hour, dec(10, 11, 0)},
		// Berlin's clocks go forward at 02:00 on Sunday 29 March 2026 and
		// back at 03:00 on Sunday 25 October: the shop still opens at 08:00.
		{"through the night into summer time", everyDay, time.Date(2026, 3, 28, 17, 0, 0, 0, berlin), 2 * time.Hour, time.Date(2026, 3, 29, 9, 0, 0, 0, berlin)},
		{"through the night out of summer time", everyDay, time.Date(2026, 10, 24, 17, 30, 0, 0, berlin), time.Hour, time.Date(2026, 10, 25, 8, 30, 0, 0, berlin)},
	}
	for _, c := range cases {
		if got := c.schedule.Add(c.from, c.work); !got.Equal(c.want) {
			t.Errorf("%s: %s + %v = %s, want %s", c.name, c.from.Format("Mon 01-02 15:04 MST"), c.work,
				got.In(c.want.Location()).Format("Mon 01-02 15:04 MST"), c.want.Format("Mon 01-02 15:04 MST"))
		}
	}
	// The summer-time case lands at 07:00 UTC, not the 08:00 UTC a day of
	// 24 hours would give.
	if got := everyDay.Add(time.Date(2026, 3, 28, 17, 0, 0, 0, berlin), 2*time.Hour).UTC(); got.Hour() != 7 {
		t.Errorf("after the clocks went forward: %s UTC", got.Format("15:04"))
	}
}

func TestNextOpeningAndWorkingTimeWithin(t *testing.T) {
	sh := mustZone(t, "Asia/Shanghai")
	dec := func(day, h, m int) time.Time { return time.Date(2026, 12, day, h, m, 0, 0, sh) }
	week := fourS().Schedule(sh)
	for _, c := range []struct {
		at, want time.Time
	}{
		{dec(7, 10, 0), dec(7, 10, 0)},
		{dec(7, 12, 30), dec(7, 13, 30)},
		{dec(7, 18, 0), dec(9, 8, 0)}, // Tuesday is closed
		{dec(12, 16, 0), dec(14, 8, 0)},
		{dec(13, 10, 0), dec(14, 8, 0)},
	} {
		if got := week.NextOpening(c.at); !got.Equal(c.want) {
			t.Errorf("next opening after %s: %s, want %s", c.at.Format("Mon 15:04"), got.Format("Mon 15:04"), c.want.Format("Mon 15:04"))
		}
	}
	if week.IsOpen(dec(7, 12, 15)) || !week.IsOpen(dec(7, 13, 30)) || week.IsOpen(dec(8, 10, 0)) {
		t.Errorf("open at lunch, closed after it, or open on a closed day")
	}
	if got := week.Within(dec(7, 0, 0), dec(8, 0, 0)); got != 8*time.Hour+30*time.Minute {
		t.Errorf("Monday holds %v of working time, want 8h30m", got)
	}
	// Four weekdays of 8½ h (Tuesday closed), Saturday's 7 h, no Sunday.
	if got := week.Within(dec(7, 0, 0), dec(14, 0, 0)); got != 41*time.Hour {
		t.Errorf("the week holds %v of working time, want 41h", got)
	}
	if opens, closes, open := week.On(dec(12, 10, 0)); !open || !opens.Equal(dec(12, 9, 0)) || !closes.Equal(dec(12, 16, 0)) {
		t.Errorf("Saturday: %v–%v (open %v)", opens, closes, open)
	}
	if _, _, open := week.On(dec(13, 10, 0)); open {
		t.Errorf("Sunday is open")
	}
}

// Every bad part of the hours is refused with its field, and the shop's
// settings stay as they were.
func TestHoursAreChecked(t *testing.T) {
	f := newFixture(t)
	cases := []struct {
		name   string
		change func(h *Hours)
		field  string
	}{
		{"six days", func(h *Hours) { h.Week = h.Week[:6] }, "settings.hours.week"},
		{"a malformed opening time", func(h *Hours) { h.Week[0].Opens = "8:00" }, "settings.hours.week[0].opens"},
		{"a closing time past midnight", func(h *Hours) { h.Week[1].Closes = "24:00" }, "settings.hours.week[1].closes"},
		{"closing before opening", func(h *Hours) { h.Week[2].Opens, h.Week[2].Closes = "18:00", "08:00" }, "settings.hours.week[2].closes"},
		{"half a lunch break", func(h *Hours) { h.Week[3].LunchTo = "" }, "settings.hours.week[3].lunch_to"},
		{"a malformed lunch", func(h *Hours) { h.Week[3].LunchFrom = "12:60" }, "settings.hours.week[3].lunch_from"},
		{"lunch ending before it starts", func(h *Hours) { h.Week[4].LunchFrom, h.Week[4].LunchTo = "13:30", "12:00" }, "settings.hours.week[4].lunch_to"},
		{"lunch outside the day", func(h *Hours) { h.Week[5].LunchFrom, h.Week[5].LunchTo = "07:00", "08:30" }, "settings.hours.week[5].lunch_from"},
		{"a closed day keeping a bad time", func(h *Hours) { h.Week[6].Opens = "nine" }, "settings.hours.week[6].opens"},
		{"never open", func(h *Hours) {
			for i := range h.Week {
				h.Week[i].Closed = true
			}
		}, "settings.hours.week"},
		{"a malformed date", func(h *Hours) { h.ClosedDays[0].Date = "2027-2-6" }, "settings.hours.closed_days[0].date"},
		{"a date twice", func(h *Hours) { h.ClosedDays = append(h.ClosedDays, ClosedDay{Date: "2026-12-08"}) }, "settings.hours.closed_days[1].date"},
		{"a long holiday name", func(h *Hours) { h.ClosedDays[0].Name = strings.Repeat("节", 41) }, "settings.hours.closed_days[0].name"},
	}
	for _, c := range cases {
		s := DefaultSettings()
		s.Hours = fourS()
		s.Hours.Week[5].LunchFrom, s.Hours.Week[5].LunchTo = "12:00", "12:30"
		c.change(&s.Hours)
		before := snapshot(t, f.state)
		if err := f.apply(system, &SetSettings{Settings: s}); !hasField(err, c.field) {
			t.Errorf("%s: err = %v, want a problem with %s", c.name, err, c.field)
		}
		if snapshot(t, f.state) != before {
			t.Errorf("%s: the refused settings changed the shop", c.name)
		}
	}
	s := DefaultSettings()
	s.Hours = fourS()
	s.Hours.ClosedDays = []ClosedDay{{Date: "2027-02-07", Name: "春节"}, {Date: "2027-02-06", Name: "除夕"}}
	f.must(t, system, &SetSettings{Settings: s})
	got := f.state.Settings.Hours
	if len(got.Week) != 7 || got.Week[0].LunchTo != "13:30" || !got.Week[6].Closed || len(got.ClosedDays) != 2 || got.ClosedDays[0].Date != "2027-02-06" {
		t.Errorf("saved hours: %+v", got)
	}
}

// A car whose work runs past closing is ready the next morning: with 2
// sold hours, QC and the wash left at 16:30, 1½ h are worked today and
// the last 1¼ h from 08:00 tomorrow. Counting straight through the night
// said 19:15, which the lounge showed.
func TestTheETAGoesOnTheNextMorning(t *testing.T) {
	f := newFixture(t) // open 08:00–18:00 every day, UTC here; QC 20 min, wash 25
	j := f.dispatchedJob(t, "tech-1")
	late := time.Date(2026, 11, 23, 16, 30, 0, 0, time.UTC)
	f.mustAt(t, late, tech, &ClockOn{TechRef: TechRef{j.ID, "tech-1"}})
	want := time.Date(2026, 11, 24, 9, 15, 0, 0, time.UTC)
	if p := f.state.Progress(f.state.Jobs[j.ID], late); !p.ETA.Equal(want) {
		t.Errorf("ETA at 16:30 with 2 h 45 of work left: %s, want %s", p.ETA, want)
	}

	// With the 4S week the lunch break and a closed day are skipped too:
	// Monday 7 December at 17:00 leaves 1 h today, Tuesday is closed, and
	// the last 1¾ h run from 08:00 on Wednesday.
	f = newFixture(t)
	s := DefaultSettings()
	s.TimeZone = "UTC"
	s.Hours = fourS()
	f.must(t, system, &SetSettings{Settings: s})
	j = f.dispatchedJob(t, "tech-1")
	monday := time.Date(2026, 12, 7, 17, 0, 0, 0, time.UTC)
	want = time.Date(2026, 12, 9, 9, 45, 0, 0, time.UTC)
	if p := f.state.Progress(f.state.Jobs[j.ID], monday); !p.ETA.Equal(want) {
		t.Errorf("ETA on Monday at 17:00: %s, want %s", p.ETA, want)
	}
}

// A part due tonight lets the work start when the shop opens, not at
// night.
func TestWorkWaitingForAPartDueTonightStartsInTheMorning(t *testing.T) {
	f := newFixture(t)
	j := f.dispatchedJob(t, "tech-1")
	f.must(t, tech, &ClockOn{TechRef: TechRef{j.ID, "tech-1"}})
	f.must(t, tech, &Pause{JobID: j.ID, Reason: PauseWaitingParts, Parts: []PartItem{{Number: "58101-C1A00", Description: "前刹车片", Quantity: 1}}})
	tonight := time.Date(2026, 11, 23, 21, 0, 0, 0, time.UTC)
	pr := f.state.JobParts(j.ID)[0]
	f.must(t, Actor{UserID: "p", Roles: []Role{RoleParts}}, &UpdateParts{RequestID: pr.ID, Status: PartsOnOrder, ETA: &tonight})
	// 2 h of work, 20 min QC and 25 min wash from 08:00.
	want := time.Date(2026, 11, 24, 10, 45, 0, 0, time.UTC)
	if p := f.state.Progress(f.state.Jobs[j.ID], t0); !p.ETA.Equal(want) {
		t.Errorf("ETA with the part due at 21:00: %s, want %s", p.ETA, want)
	}
}

// The suggested promise skips lunch and a closed day as the ETA does.
func TestSuggestPromiseKeepsToTheWeek(t *testing.T) {
	f := newFixture(t) // two technicians; QC 20 min
	s := DefaultSettings()
	s.TimeZone = "UTC"
	s.Hours = fourS()
	f.must(t, system, &SetSettings{Settings: s})
	// 1 h of work and QC from 11:00: an hour to lunch, 20 min after it.
	if got, want := f.state.SuggestPromise(1, false, time.Date(2026, 12, 7, 11, 0, 0, 0, time.UTC)), time.Date(2026, 12, 7, 14, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("across lunch: %s, want %s (13:50 rounded up)", got, want)
	}
	// From 17:30 on Monday: 30 min today, Tuesday closed, 50 min Wednesday.
	if got, want := f.state.SuggestPromise(1, false, time.Date(2026, 12, 7, 17, 30, 0, 0, time.UTC)), time.Date(2026, 12, 9, 9, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("over the closed day: %s, want %s (08:50 rounded up)", got, want)
	}
}

// Adding working time walks the days one by one: a long job across a
// night, a closed day and lunches is the slow case.
func BenchmarkAddWorkingTime(b *testing.B) {
	sh, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		b.Fatal(err)
	}
	hours := fourS()
	from := time.Date(2026, 12, 7, 17, 0, 0, 0, sh)
	b.ReportAllocs()
	for b.Loop() {
		// The schedule is read from the settings each time, as an ETA does.
		if hours.Schedule(sh).Add(from, 20*time.Hour).IsZero() {
			b.Fatal("no time")
		}
	}
}
