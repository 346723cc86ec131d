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
	Counts shop.PartsCounts `json:"counts"`
}

type counterRow struct {
	partRow
	RequestedBy string     `json:"requested_by"`
	Stage       shop.Stage `json:"stage"` // the job's
}

func partsView(sc *scene) model {
	st, loc := sc.state, sc.state.Loc
	counter := st.PartsCounter(sc.now)
	rows := make([]counterRow, 0, len(counter.Rows))
	for _, r := range counter.Rows {
		rows = append(rows, counterRow{partRow: partRowOf(r.PartsWaiting, loc), RequestedBy: r.RequestedBy, Stage: r.JobStage})
	}
	return model{head: partsHead{common: commonOf(st), Counts: counter.Counts}, lists: []list{rowsOf("requests", rows)}}
}
