package group

import (
	"math"
	"time"

	"bayboard/internal/shop"
	"bayboard/internal/store"
)

// StoreRow is one store's line on the group's wall board.
type StoreRow struct {
	ID, Name string
	// InWorkshop counts the open jobs, reception to ready.
	InWorkshop   int
	WaitingParts int
	// Late jobs passed their promised time; AtRisk ones will, by their
	// ETA (shop.Progress). A late job is not also at risk.
	Late, AtRisk int
	Ready        int
	// TechsFree are the technicians on duty with no car on their clock or
	// held on their bay; TechsOnDuty those the roster does not have off or
	// on leave today.
	TechsFree, TechsOnDuty int
	// DeliveredToday and OnTimeToday are the day's deliveries in the
	// store's time zone, and those ready by the promised time last agreed.
	DeliveredToday, OnTimeToday int
	// LastEventAt is when the store's last event applied happened: an old
	// one says the store's link is down, not that it is quiet.
	LastEventAt time.Time
}

// Wall returns a row per store, in the order given, at now. A store with
// no replica yet (nothing received) has a row of zeros.
func Wall(stores []store.GroupStore, now time.Time) []StoreRow {
	rows := make([]StoreRow, 0, len(stores))
	for _, s := range stores {
		row := StoreRow{ID: s.ID, Name: s.Name, LastEventAt: s.LastAt}
		if st := s.State; st != nil {
			w := st.Workshop(now)
			row.InWorkshop = len(w.Jobs)
			row.WaitingParts = w.Counts.WaitingParts
			row.Late, row.AtRisk = w.Counts.Late, w.Counts.AtRisk
			row.Ready = w.Counts.Ready
			row.TechsFree, row.TechsOnDuty = w.Counts.TechsFree, w.Counts.TechsTotal
			// The day's deliveries and their on-time rate as the store's
			// board counts them (shop.State.Today's KPIs), over the jobs
			// delivered today only: the rest count for neither.
			l := now.In(st.Loc)
			from := time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, st.Loc)
			to := from.AddDate(0, 0, 1)
			var today []*shop.Job
			for _, j := range st.Jobs {
				if d := j.EnteredStage(shop.StageDelivered); !d.Before(from) && d.Before(to) {
					today = append(today, j)
				}
			}
			k := shop.ComputeKPIs(shop.KPIInput{Jobs: today, From: from, To: to, Now: now, Open: st.Schedule()})
			row.DeliveredToday = k.Delivered
			row.OnTimeToday = int(math.Round(k.OnTime * float64(k.Delivered)))
		}
		rows = append(rows, row)
	}
	return rows
}
