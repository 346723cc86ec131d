package shop

import (
	"fmt"
	"sort"
	"time"
)

// Hours is when the shop works: a week of opening hours, Monday first,
// each day with its own lunch break or none, and the dates it is closed
// whatever the weekday (public holidays, 春节). The ETAs, the suggested
// promise times, the KPIs' bay capacity and the demo's clock all read it
// through a Schedule.
type Hours struct {
	Week       []DayHours  `json:"week"`
	ClosedDays []ClosedDay `json:"closed_days"`
}

// DayHours is one weekday's hours, shop-local "15:04" times. A closed day
// may keep its times, so that opening it again brings them back.
type DayHours struct {
	Closed bool   `json:"closed,omitempty"`
	Opens  string `json:"opens"`  // "08:00"
	Closes string `json:"closes"` // "18:00"
	// LunchFrom and LunchTo are the lunch break, when the shop stops work
	// (12:00–13:30 is common); both empty when it works through.
	LunchFrom string `json:"lunch_from,omitempty"`
	LunchTo   string `json:"lunch_to,omitempty"`
}

// ClosedDay is a date the shop does not open, in its time zone.
type ClosedDay struct {
	Date string `json:"date"` // "2027-02-06"
	Name string `json:"name,omitempty"`
}

// Weekdays names the days of Hours.Week, in its order.
var Weekdays = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}

// maxClosedDays bounds the list of closed days: a couple of years of
// holidays, and a short walk through it for each day of a schedule.
const maxClosedDays = 200

// EveryDay is a week open the same hours every day with no lunch break:
// what a shop starts with, and what the hours of older data files become.
func EveryDay(opens, closes string) Hours {
	h := Hours{Week: make([]DayHours, len(Weekdays)), ClosedDays: []ClosedDay{}}
	for i := range h.Week {
		h.Week[i] = DayHours{Opens: opens, Closes: closes}
	}
	return h
}

// checkHours adds a problem for each bad part of the hours, under field
// (settings.hours).
func checkHours(p *problems, field string, h Hours) {
	// Each field is written out in full (fmt.Sprintf) where its problem is
	// added: the catalogs' test finds the sayings that way.
	if len(h.Week) != len(Weekdays) {
		p.add(fmt.Sprintf("%s.week", field), "must list the seven days, Monday first")
	}
	open := 0
	for i, d := range h.Week {
		opens, okOpens := clockMinutes(d.Opens)
		closes, okCloses := clockMinutes(d.Closes)
		// A closed day's times are kept for later, but only good ones.
		if !okOpens && (!d.Closed || d.Opens != "") {
			p.add(fmt.Sprintf("%s.week[%d].opens", field, i), "must be a time such as 08:00")
		}
		if !okCloses && (!d.Closed || d.Closes != "") {
			p.add(fmt.Sprintf("%s.week[%d].closes", field, i), "must be a time such as 18:00")
		}
		if !d.Closed && okOpens && okCloses && closes <= opens {
			p.add(fmt.Sprintf("%s.week[%d].closes", field, i), "must be later than the opening time")
		}
		if !d.Closed {
			open++
		}
		if d.LunchFrom == "" && d.LunchTo == "" {
			continue
		}
		from, okFrom := clockMinutes(d.LunchFrom)
		to, okTo := clockMinutes(d.LunchTo)
		switch {
		case d.LunchFrom == "":
			p.add(fmt.Sprintf("%s.week[%d].lunch_from", field, i), "both ends of the lunch break are needed")
		case d.LunchTo == "":
			p.add(fmt.Sprintf("%s.week[%d].lunch_to", field, i), "both ends of the lunch break are needed")
		case !okFrom:
			p.add(fmt.Sprintf("%s.week[%d].lunch_from", field, i), "must be a time such as 08:00")
		case !okTo:
			p.add(fmt.Sprintf("%s.week[%d].lunch_to", field, i), "must be a time such as 18:00")
		case to <= from:
			p.add(fmt.Sprintf("%s.week[%d].lunch_to", field, i), "must be later than the start of the lunch break")
		case !d.Closed && okOpens && okCloses && (from <= opens || to >= closes):
			// A break at either end is a shorter day, and says so better.
			p.add(fmt.Sprintf("%s.week[%d].lunch_from", field, i), "the lunch break must fall within the opening hours")
		}
	}
	if len(h.Week) == len(Weekdays) && open == 0 {
		p.add(fmt.Sprintf("%s.week", field), "the shop must open on at least one day")
	}
	if len(h.ClosedDays) > maxClosedDays {
		p.add(fmt.Sprintf("%s.closed_days", field), "at most 200 closed days")
	}
	seen := map[string]bool{}
	for i, c := range h.ClosedDays {
		if _, err := time.Parse(time.DateOnly, c.Date); err != nil {
			p.add(fmt.Sprintf("%s.closed_days[%d].date", field, i), "must be a date such as 2027-02-06")
		} else if seen[c.Date] {
			p.add(fmt.Sprintf("%s.closed_days[%d].date", field, i), "is listed twice")
		}
		seen[c.Date] = true
		checkText(p, fmt.Sprintf("%s.closed_days[%d].name", field, i), c.Name, 40, false)
	}
}

// clockMinutes reads a "15:04" time of day as minutes after midnight.
// It is strict: two digits each, as the page and the API send them.
func clockMinutes(s string) (int, bool) {
	if len(s) != 5 || s[2] != ':' {
		return 0, false
	}
	digit := func(b byte) (int, bool) { return int(b - '0'), b >= '0' && b <= '9' }
	h1, ok1 := digit(s[0])
	h2, ok2 := digit(s[1])
	m1, ok3 := digit(s[3])
	m2, ok4 := digit(s[4])
	h, m := h1*10+h2, m1*10+m2
	if !ok1 || !ok2 || !ok3 || !ok4 || h > 23 || m > 59 {
		return 0, false
	}
	return h*60 + m, true
}

// Schedule is the shop's working time in its time zone: the one place that
// knows when the shop works, and adds working time to a moment.
type Schedule struct {
	loc    *time.Location
	week   [7]daySpans // by time.Weekday
	closed []civilDate
}

// span is a stretch of working time in a day, minutes after midnight.
type span struct{ from, to int }

// daySpans is a day's working time: none, the whole day, or the morning
// and the afternoon around lunch. Fixed arrays keep a Schedule and its
// days free of allocations: every live ETA on every board reads one.
type daySpans struct {
	n     int
	spans [2]span
}

type civilDate struct {
	y int
	m time.Month
	d int
}

// maxScheduleDays bounds every walk through the days: a shop that is open
// at all opens again within the week after its closed days.
const maxScheduleDays = 7 + maxClosedDays + 7

// Schedule is the state's hours in its time zone.
func (st *State) Schedule() Schedule { return st.Settings.Hours.Schedule(st.Loc) }

// Schedule reads the hours in a time zone. Hours without a week (a zero
// Settings in a test) are open 08:00 to 18:00 every day.
func (h Hours) Schedule(loc *time.Location) Schedule {
	if loc == nil {
		loc = time.UTC
	}
	if len(h.Week) != len(Weekdays) {
		h = EveryDay("08:00", "18:00")
	}
	s := Schedule{loc: loc}
	for i, d := range h.Week {
		opens, ok1 := clockMinutes(d.Opens)
		closes, ok2 := clockMinutes(d.Closes)
		if d.Closed || !ok1 || !ok2 || closes <= opens {
			continue
		}
		day := daySpans{n: 1, spans: [2]span{{opens, closes}}}
		from, ok3 := clockMinutes(d.LunchFrom)
		to, ok4 := clockMinutes(d.LunchTo)
		if ok3 && ok4 && opens < from && from < to && to < closes {
			day = daySpans{n: 2, spans: [2]span{{opens, from}, {to, closes}}}
		}
		s.week[Weekdays[i]] = day
	}
	for _, c := range h.ClosedDays {
		if t, err := time.Parse(time.DateOnly, c.Date); err == nil {
			s.closed = append(s.closed, civilDate{t.Year(), t.Month(), t.Day()})
		}
	}
	return s
}

// interval is a stretch of working time on a given day.
type interval struct{ from, to time.Time }

// workingDay is a day's working time, in order: intervals[:n].
type workingDay struct {
	n         int
	intervals [2]interval
}

func (w *workingDay) all() []interval { return w.intervals[:w.n] }

// day is the working time of the day that starts at midnight. time.Date
// settles a time that a DST change skips or repeats.
func (s Schedule) day(midnight time.Time) workingDay {
	y, m, d := midnight.Date()
	for _, c := range s.closed {
		if c.y == y && c.m == m && c.d == d {
			return workingDay{}
		}
	}
	spans := s.week[midnight.Weekday()]
	w := workingDay{n: spans.n}
	for i, sp := range spans.spans[:spans.n] {
		w.intervals[i] = interval{
			time.Date(y, m, d, sp.from/60, sp.from%60, 0, 0, s.loc),
			time.Date(y, m, d, sp.to/60, sp.to%60, 0, 0, s.loc),
		}
	}
	return w
}

func (s Schedule) midnight(t time.Time) time.Time {
	y, m, d := t.In(s.loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, s.loc)
}

func (s Schedule) nextDay(midnight time.Time) time.Time {
	y, m, d := midnight.Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, s.loc)
}

// Add is the moment work of d working time started at t ends: it skips
// the nights, lunch breaks, closed weekdays and closed days. Work that
// ends as the shop closes ends then, not the next morning. A schedule
// that never opens (validation refuses one) adds d straight on.
func (s Schedule) Add(t time.Time, d time.Duration) time.Time {
	if d <= 0 {
		return t
	}
	day := s.midnight(t)
	for n := 0; n < maxScheduleDays; n++ {
		w := s.day(day)
		for _, iv := range w.all() {
			start := iv.from
			if start.Before(t) {
				start = t
			}
			if !iv.to.After(start) {
				continue
			}
			if left := iv.to.Sub(start); left >= d {
				return start.Add(d).In(t.Location())
			} else {
				d -= left
				t = iv.to
			}
		}
		day = s.nextDay(day)
	}
	return t.Add(d)
}

// NextOpening is t when the shop is open at t, else when it next opens.
func (s Schedule) NextOpening(t time.Time) time.Time {
	day := s.midnight(t)
	for n := 0; n < maxScheduleDays; n++ {
		w := s.day(day)
		for _, iv := range w.all() {
			if iv.to.After(t) {
				if iv.from.After(t) {
					return iv.from.In(t.Location())
				}
				return t
			}
		}
		day = s.nextDay(day)
	}
	return t
}

// IsOpen says whether the shop works at t (not at lunch, not at night).
func (s Schedule) IsOpen(t time.Time) bool { return s.NextOpening(t).Equal(t) }

// On is when the shop opens and closes on t's day, lunch aside; open is
// false on a closed day.
func (s Schedule) On(t time.Time) (opens, closes time.Time, open bool) {
	w := s.day(s.midnight(t))
	if w.n == 0 {
		return time.Time{}, time.Time{}, false
	}
	return w.intervals[0].from, w.intervals[w.n-1].to, true
}

// Within is how much of [from, to) is working time: a car left on a bay
// overnight or over lunch holds it for no hour the shop could have used.
func (s Schedule) Within(from, to time.Time) time.Duration {
	var total time.Duration
	for day := s.midnight(from); day.Before(to); day = s.nextDay(day) {
		w := s.day(day)
		for _, iv := range w.all() {
			start, end := iv.from, iv.to
			if start.Before(from) {
				start = from
			}
			if end.After(to) {
				end = to
			}
			if end.After(start) {
				total += end.Sub(start)
			}
		}
	}
	return total
}

// sortClosedDays orders the closed days by date, as they are stored.
func sortClosedDays(days []ClosedDay) {
	sort.SliceStable(days, func(a, b int) bool { return days[a].Date < days[b].Date })
}
