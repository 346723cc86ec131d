package board

import (
	"sort"

	"bayboard/internal/shop"
)

// The wash queue (洗车) shows the washer two lanes: the cars being washed,
// and the cars waiting — first those whose wash is due (the final
// inspection passed), then those coming (in quality check, the customer
// having accepted the wash) — each by the time it is promised: the washer
// takes the most urgent first.

type washHead struct {
	common
	Washing int `json:"washing"`
	Waiting int `json:"waiting"`
	Next    int `json:"next"`
}

type washRow struct {
	ID         string `json:"id"`
	Plate      string `json:"plate"`
	Model      string `json:"model"`
	State      string `json:"state"` // washing, waiting or next
	Since      minute `json:"since"`
	PromisedAt minute `json:"promised_at"`
	ETA        minute `json:"eta"`
	Late       bool   `json:"late"`
}

func (r washRow) rowKey() string { return r.ID }

// Wash states: being washed, waiting for the washer, and still in
// quality check.
const (
	WashWashing = "washing"
	WashWaiting = "waiting"
	WashNext    = "next"
)

// WashStates lists the states of the wash queue, for the catalogs.
var WashStates = []string{WashWashing, WashWaiting, WashNext}

// washOrder is the order of the states in the waiting lane.
var washOrder = map[string]int{WashWashing: 0, WashWaiting: 1, WashNext: 2}

func washView(sc *scene) model {
	st, w, loc := sc.state, sc.workshop, sc.state.Loc
	head := washHead{common: commonOf(st)}
	washing, waiting := []washRow{}, []washRow{}
	for i := range w.Jobs {
		js := &w.Jobs[i]
		j := js.Job
		state, since := "", j.EnteredStage(j.Stage)
		switch {
		case j.Washing():
			state, since = WashWashing, *j.WashStartedAt
			head.Washing++
		case j.Stage == shop.StageWashing:
			state = WashWaiting
			head.Waiting++
		case j.Stage == shop.StageQualityCheck && j.Wash:
			state = WashNext
			head.Next++
		default:
			continue
		}
		r := washRow{ID: j.ID, Plate: js.Plate, Model: js.Model, State: state, Since: minuteOf(since, loc),
			PromisedAt: minuteOf(j.PromisedAt, loc), ETA: minuteOf(js.Progress.ETA, loc), Late: js.Progress.Late || js.Progress.AtRisk}
		if state == WashWashing {
			washing = append(washing, r)
		} else {
			waiting = append(waiting, r)
		}
	}
	for _, rows := range [][]washRow{washing, waiting} {
		sort.SliceStable(rows, func(a, b int) bool {
			if rows[a].State != rows[b].State {
				return washOrder[rows[a].State] < washOrder[rows[b].State]
			}
			if !rows[a].PromisedAt.t.Equal(rows[b].PromisedAt.t) {
				return rows[a].PromisedAt.t.Before(rows[b].PromisedAt.t)
			}
			return rows[a].ID < rows[b].ID
		})
	}
	return model{head: head, lists: []list{rowsOf("washing", washing), rowsOf("waiting", waiting)}}
}
