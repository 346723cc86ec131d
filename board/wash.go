package board

import (
	"sort"

	"bayboard/internal/shop"
)

// The wash queue (洗车) shows the washer the cars being washed and those
// coming next (in quality check, the customer having accepted the wash),
// with the time each is promised: the washer takes the most urgent first.

type washHead struct {
	common
	Washing int `json:"washing"`
	Next    int `json:"next"`
}

type washRow struct {
	ID         string `json:"id"`
	Plate      string `json:"plate"`
	Model      string `json:"model"`
	State      string `json:"state"` // washing or next
	Since      minute `json:"since"`
	PromisedAt minute `json:"promised_at"`
	ETA        minute `json:"eta"`
	Late       bool   `json:"late"`
}

func (r washRow) rowKey() string { return r.ID }

// Wash states.
const (
	WashWashing = "washing"
	WashNext    = "next"
)

// WashStates lists the states of the wash queue, for the catalogs.
var WashStates = []string{WashWashing, WashNext}

func washView(sc *scene) model {
	st, w, loc := sc.state, sc.workshop, sc.state.Loc
	head := washHead{common: commonOf(st)}
	rows := []washRow{}
	for i := range w.Jobs {
		js := &w.Jobs[i]
		j := js.Job
		state := ""
		switch {
		case j.Stage == shop.StageWashing:
			state = WashWashing
			head.Washing++
		case j.Stage == shop.StageQualityCheck && j.Wash:
			state = WashNext
			head.Next++
		default:
			continue
		}
		rows = append(rows, washRow{ID: j.ID, Plate: js.Plate, Model: js.Model, State: state, Since: minuteOf(j.EnteredStage(j.Stage), loc),
			PromisedAt: minuteOf(j.PromisedAt, loc), ETA: minuteOf(js.Progress.ETA, loc), Late: js.Progress.Late || js.Progress.AtRisk})
	}
	sort.SliceStable(rows, func(a, b int) bool {
		if rows[a].State != rows[b].State {
			return rows[a].State == WashWashing
		}
		if !rows[a].PromisedAt.t.Equal(rows[b].PromisedAt.t) {
			return rows[a].PromisedAt.t.Before(rows[b].PromisedAt.t)
		}
		return rows[a].ID < rows[b].ID
	})
	return model{head: head, lists: []list{rowsOf("cars", rows)}}
}
