package board

import (
	"bayboard/internal/shop"
)

// The parts counter screen (配件) is the clerk's to-do list: every part a
// job waits for, oldest first, with who asked, for which bay, and the
// supplier's ETA once ordered. It is a staff screen behind the counter;
// it shows no customer and no price.

type partsHead struct {
	common
	Counts partsCounts `json:"counts"`
}

type partsCounts struct {
	Requested    int `json:"requested"`
	Picked       int `json:"picked"`
	OnOrder      int `json:"on_order"`
	JobsStopped  int `json:"jobs_stopped"` // jobs waiting for parts
	OverdueParts int `json:"overdue"`      // ordered parts past their ETA
}

type counterRow struct {
	partRow
	RequestedBy string     `json:"requested_by"`
	Stage       shop.Stage `json:"stage"` // the job's
}

func partsView(sc *scene) model {
	st, w, loc := sc.state, sc.workshop, sc.state.Loc
	head := partsHead{common: commonOf(st)}
	head.Counts.JobsStopped = w.Counts.WaitingParts
	base := partRows(w, loc)
	rows := make([]counterRow, 0, len(base))
	for i, pw := range w.PartsWaiting {
		p := pw.Request
		row := counterRow{partRow: base[i], RequestedBy: p.RequestedBy}
		if u := st.Users[p.RequestedBy]; u != nil {
			row.RequestedBy = u.Name
		}
		if j := st.Jobs[p.JobID]; j != nil {
			row.Stage = j.Stage
		}
		switch p.Status {
		case shop.PartsRequested:
			head.Counts.Requested++
		case shop.PartsPicked:
			head.Counts.Picked++
		case shop.PartsOnOrder:
			head.Counts.OnOrder++
			if p.ETA != nil && sc.now.After(*p.ETA) {
				head.Counts.OverdueParts++
			}
		}
		rows = append(rows, row)
	}
	return model{head: head, lists: []list{rowsOf("requests", rows)}}
}
