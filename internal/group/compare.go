package group

import (
	"time"

	"bayboard/internal/shop"
	"bayboard/internal/store"
)

// Periods are the comparison's periods: a day, a week (Monday to Sunday)
// or a calendar month, each in the store's time zone.
const (
	PeriodDay   = "day"
	PeriodWeek  = "week"
	PeriodMonth = "month"
)

// ValidPeriod reports whether p is one of the periods.
func ValidPeriod(p string) bool {
	return p == PeriodDay || p == PeriodWeek || p == PeriodMonth
}

// StoreKPIs is one store's figures for one period.
type StoreKPIs struct {
	ID, Name string
	// Period names it: "2026-11-23", "2026-W48" (ISO week), "2026-11".
	Period string
	// From and To bound it, [From, To), in the store's time zone.
	From, To time.Time
	// The rates are fractions (0.03 is 3%), as shop.KPIs has them; CSI
	// is 0–100; each is zero when there is nothing to count.
	OnTimeRate, ComebackRate, LabourEfficiency, PartsWaitHours, CSI float64
	Delivered                                                       int
	// Surveys is the number of survey answers CSI is made of: a CSI of
	// no answers is no score, not a score of 0.
	Surveys int
}

// Compare returns each store's KPIs for every period of the kind given
// that overlaps [from, to), store by store in the order given, then
// period by period. Each is the store's own KPIs (shop.State.KPIs, which
// is ComputeKPIs over its jobs, bookings, bays and hours) computed on its
// replica's jobs and the closed ones its GroupStore carries (Closed, for
// periods longer than the week of closed jobs a replica keeps). An
// unknown period counts [from, to) as one, named "".
func Compare(stores []store.GroupStore, from, to time.Time, period string, now time.Time) []StoreKPIs {
	var out []StoreKPIs
	for _, s := range stores {
		if s.State == nil {
			continue
		}
		st := s.State
		jobs := make([]*shop.Job, 0, len(st.Jobs)+len(s.Closed))
		for _, j := range st.Jobs {
			jobs = append(jobs, j)
		}
		for _, j := range s.Closed {
			if st.Jobs[j.ID] == nil {
				jobs = append(jobs, j)
			}
		}
		for _, p := range periods(from, to, period, st.Loc) {
			k := st.KPIs(touching(jobs, p.from, p.to), p.from, p.to, now)
			out = append(out, StoreKPIs{
				ID: s.ID, Name: s.Name, Period: p.name, From: p.from, To: p.to,
				OnTimeRate: k.OnTime, ComebackRate: k.ComebackRate, LabourEfficiency: k.Efficiency,
				PartsWaitHours: k.PartsWaitHours, CSI: k.CSI, Delivered: k.Delivered, Surveys: k.Surveys,
			})
		}
	}
	return out
}

// touching returns the jobs that may count in [from, to): what a job
// counts (its stages, clock, delivery, follow-up, survey) happens between
// its opening and its last change (every change sets UpdatedAt), and an
// open job's stage counts up to now. The others count for nothing, and
// leaving them out makes a long comparison cheap.
func touching(jobs []*shop.Job, from, to time.Time) []*shop.Job {
	out := make([]*shop.Job, 0, len(jobs))
	for _, j := range jobs {
		if j.CreatedAt.Before(to) && (j.Stage.Open() || !j.UpdatedAt.Before(from)) {
			out = append(out, j)
		}
	}
	return out
}

type span struct {
	name     string
	from, to time.Time
}

// periods cuts [from, to) into the periods of a kind, whole ones, in loc.
func periods(from, to time.Time, period string, loc *time.Location) []span {
	if loc == nil {
		loc = time.UTC
	}
	if !ValidPeriod(period) {
		return []span{{"", from, to}}
	}
	l := from.In(loc)
	start := time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, loc)
	switch period {
	case PeriodWeek:
		start = start.AddDate(0, 0, -((int(start.Weekday()) + 6) % 7))
	case PeriodMonth:
		start = time.Date(l.Year(), l.Month(), 1, 0, 0, 0, 0, loc)
	}
	var out []span
	for start.Before(to) {
		var end time.Time
		var name string
		switch period {
		case PeriodDay:
			end, name = start.AddDate(0, 0, 1), start.Format(time.DateOnly)
		case PeriodWeek:
			y, w := start.ISOWeek()
			end, name = start.AddDate(0, 0, 7), isoWeek(y, w)
		case PeriodMonth:
			end, name = start.AddDate(0, 1, 0), start.Format("2006-01")
		}
		out = append(out, span{name, start, end})
		start = end
	}
	return out
}

func isoWeek(y, w int) string {
	b := []byte("0000-W00")
	for i, n := 3, y; i >= 0; i, n = i-1, n/10 {
		b[i] = byte('0' + n%10)
	}
	b[6], b[7] = byte('0'+w/10), byte('0'+w%10)
	return string(b)
}
