package board

import (
	"math"
	"sort"
	"time"

	"bayboard/internal/shop"
)

// The workshop wall board (车间看板) answers the foreman's questions of seed
// 002 at a glance: how many cars are in repair and where, who works on them,
// how many technicians are free, what waits for dispatch and for parts,
// and which cars stand in the lanes off the bays (reception, quality
// check, wash, ready). It hangs in the workshop, so it shows plates and
// technicians but no customer names, phones or prices: nothing on it is
// needed to run the floor.

type workshopHead struct {
	common
	Counts    shop.Counts `json:"counts"`
	FreeTechs []string    `json:"free_techs"`
	Today     today       `json:"today"`
}

// today is the day's figures so far: cars delivered, and the share of
// them ready by their promised time and the share that failed a quality
// check, in whole percent (absent before the first delivery).
type today struct {
	Delivered int  `json:"delivered"`
	OnTime    *int `json:"on_time,omitempty"`
	Rework    *int `json:"rework,omitempty"`
}

func todayOf(st *shop.State, now time.Time) today {
	k := st.Today(now)
	out := today{Delivered: k.Delivered}
	if k.Delivered > 0 {
		on, re := int(math.Round(k.OnTime*100)), int(math.Round(k.ReworkRate*100))
		out.OnTime, out.Rework = &on, &re
	}
	return out
}

// bayRow is one bay and the car on it, if any.
type bayRow struct {
	ID   string       `json:"id"`
	Name string       `json:"name"`
	Kind shop.BayKind `json:"kind"`
	Job  *bayJob      `json:"job,omitempty"` // left out for an empty bay
}

func (r bayRow) rowKey() string { return r.ID }

type bayJob struct {
	ID         string          `json:"id"`
	Plate      string          `json:"plate"`
	Model      string          `json:"model"`
	Work       []string        `json:"work"`
	Techs      []string        `json:"techs"`
	Team       string          `json:"team"`
	Stage      shop.Stage      `json:"stage"`
	Pause      *shop.PauseInfo `json:"pause,omitempty"`
	Sold       float64         `json:"sold_hours"`
	Clocked    float64         `json:"clocked_hours"`
	PromisedAt minute          `json:"promised_at"`
	ETA        minute          `json:"eta"`
	PartsETA   minute          `json:"parts_eta"`
	Flags      []string        `json:"flags"`
}

// queueRow is a job waiting for dispatch, in dispatch order.
type queueRow struct {
	ID         string   `json:"id"`
	Plate      string   `json:"plate"`
	Model      string   `json:"model"`
	Work       []string `json:"work"`
	Sold       float64  `json:"sold_hours"`
	PromisedAt minute   `json:"promised_at"`
	ETA        minute   `json:"eta"`
	Waiting    minute   `json:"waiting_since"`
	Flags      []string `json:"flags"`
}

func (r queueRow) rowKey() string { return r.ID }

// partRow is a part a job waits for.
type partRow struct {
	ID          string           `json:"id"`
	JobID       string           `json:"job_id"`
	Plate       string           `json:"plate"`
	Bay         string           `json:"bay"`
	Number      string           `json:"number"`
	Description string           `json:"description"`
	Quantity    float64          `json:"quantity"`
	Status      shop.PartsStatus `json:"status"`
	ETA         minute           `json:"eta"`
	RequestedAt minute           `json:"requested_at"`
}

func (r partRow) rowKey() string { return r.ID }

// laneRow is a car off the bays, in one of the lanes the board shows
// beside them: at reception, in quality check, at the wash, ready. Its
// plate is masked as on every board the public may glimpse; the foreman
// finds the car by the lane, its last characters and its promised time.
type laneRow struct {
	ID         string     `json:"id"`
	Lane       shop.Stage `json:"lane"`
	Plate      string     `json:"plate"`
	PromisedAt minute     `json:"promised_at"`
	Late       bool       `json:"late,omitempty"`
}

func (r laneRow) rowKey() string { return r.ID }

// Lanes are the stages off the bays that the workshop board shows as
// lanes of cars, in the order a car passes them.
var Lanes = []shop.Stage{shop.StageReception, shop.StageQualityCheck, shop.StageWashing, shop.StageReady}

// laneRows lists the cars in the lanes, lane by lane, each lane by
// promised time.
func laneRows(w *shop.Workshop, loc *time.Location) []laneRow {
	rows := []laneRow{}
	for _, lane := range Lanes {
		from := len(rows)
		for i := range w.Jobs {
			js := &w.Jobs[i]
			if js.Job.Stage != lane {
				continue
			}
			rows = append(rows, laneRow{ID: js.Job.ID, Lane: lane, Plate: shop.MaskPlate(js.Plate),
				PromisedAt: minuteOf(js.Job.PromisedAt, loc), Late: js.Progress.Late})
		}
		in := rows[from:]
		sort.SliceStable(in, func(a, b int) bool { return in[a].PromisedAt.t.Before(in[b].PromisedAt.t) })
	}
	return rows
}

func workshopView(sc *scene) model {
	st, w, loc := sc.state, sc.workshop, sc.state.Loc
	head := workshopHead{common: commonOf(st), Counts: w.Counts, FreeTechs: w.FreeTechs, Today: todayOf(st, sc.now)}
	bays := make([]bayRow, 0, len(w.Bays))
	for _, b := range w.Bays {
		row := bayRow{ID: b.Bay.ID, Name: b.Bay.Name, Kind: b.Bay.Kind}
		if js := b.Job; js != nil {
			j := js.Job
			row.Job = &bayJob{ID: j.ID, Plate: js.Plate, Model: js.Model, Work: workOf(j), Techs: js.Techs, Team: js.Team,
				Stage: j.Stage, Pause: pauseOf(j), Sold: hours(js.Progress.SoldHours), Clocked: hours(js.Progress.ClockedHours),
				PromisedAt: minuteOf(j.PromisedAt, loc), ETA: minuteOf(js.Progress.ETA, loc), PartsETA: minuteOf(js.Progress.PartsETA, loc),
				Flags: flagsOf(js)}
		}
		bays = append(bays, row)
	}
	queue := make([]queueRow, 0, len(w.Queue))
	for i := range w.Queue {
		js := &w.Queue[i]
		j := js.Job
		queue = append(queue, queueRow{ID: j.ID, Plate: js.Plate, Model: js.Model, Work: workOf(j), Sold: hours(js.Progress.SoldHours),
			PromisedAt: minuteOf(j.PromisedAt, loc), ETA: minuteOf(js.Progress.ETA, loc),
			Waiting: minuteOf(j.EnteredStage(shop.StageWaitingDispatch), loc), Flags: flagsOf(js)})
	}
	return model{head: head, lists: []list{rowsOf("bays", bays), rowsOf("queue", queue), rowsOf("parts", partRows(w, loc)), rowsOf("lanes", laneRows(w, loc))}}
}

// partRows lists the open parts requests, oldest first.
func partRows(w *shop.Workshop, loc *time.Location) []partRow {
	rows := make([]partRow, 0, len(w.PartsWaiting))
	for _, pw := range w.PartsWaiting {
		rows = append(rows, partRowOf(pw, loc))
	}
	return rows
}

func partRowOf(pw shop.PartsWaiting, loc *time.Location) partRow {
	p := pw.Request
	eta := minute{}
	if p.ETA != nil {
		eta = minuteOf(*p.ETA, loc)
	}
	return partRow{ID: p.ID, JobID: p.JobID, Plate: pw.Plate, Bay: pw.Bay, Number: p.Number, Description: p.Description,
		Quantity: p.Quantity, Status: p.Status, ETA: eta, RequestedAt: minuteOf(p.RequestedAt, loc)}
}
