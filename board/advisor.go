package board

import (
	"bayboard/internal/shop"
)

// The advisor's job list (服务顾问) is the desk's live view of every open
// job: whose it is, where it stands, whether it will keep its promise, and
// what waits on the customer (extra work to approve) or on the parts
// counter. It is a staff screen at the desk, so it names the customer; it
// still carries no phone or price, which the job's own page has.

type advisorHead struct {
	common
	Counts shop.Counts `json:"counts"`
}

type advisorRow struct {
	ID         string          `json:"id"`
	Plate      string          `json:"plate"`
	Model      string          `json:"model"`
	Customer   string          `json:"customer"`
	AdvisorID  string          `json:"advisor_id"`
	Advisor    string          `json:"advisor"`
	Bay        string          `json:"bay"`
	Techs      []string        `json:"techs"`
	Stage      shop.Stage      `json:"stage"`
	Pause      *shop.PauseInfo `json:"pause,omitempty"`
	PromisedAt minute          `json:"promised_at"`
	ETA        minute          `json:"eta"`
	Findings   int             `json:"findings_awaiting"`
	ToPrice    int             `json:"findings_to_price"` // proposed by the floor, for the advisor to price and send
	Parts      int             `json:"parts_open"`
	Wash       bool            `json:"wash"`
	Flags      []string        `json:"flags"`
}

func (r advisorRow) rowKey() string { return r.ID }

func advisorView(sc *scene) model {
	st, w, loc := sc.state, sc.workshop, sc.state.Loc
	awaiting, toPrice := map[string]int{}, map[string]int{}
	for _, f := range st.Findings {
		switch f.Status {
		case shop.FindingAwaiting:
			awaiting[f.JobID]++
		case shop.FindingProposed:
			toPrice[f.JobID]++
		}
	}
	partsOpen := map[string]int{}
	for _, pw := range w.PartsWaiting {
		partsOpen[pw.Request.JobID]++
	}
	rows := make([]advisorRow, 0, len(w.Jobs))
	for i := range w.Jobs {
		js := &w.Jobs[i]
		j := js.Job
		rows = append(rows, advisorRow{ID: j.ID, Plate: js.Plate, Model: js.Model, Customer: js.Customer, AdvisorID: j.AdvisorID, Advisor: js.Advisor,
			Bay: js.Bay, Techs: js.Techs, Stage: j.Stage, Pause: pauseOf(j), PromisedAt: minuteOf(j.PromisedAt, loc),
			ETA: minuteOf(js.Progress.ETA, loc), Findings: awaiting[j.ID], ToPrice: toPrice[j.ID], Parts: partsOpen[j.ID], Wash: j.Wash, Flags: flagsOf(js)})
	}
	return model{head: advisorHead{common: commonOf(st), Counts: w.Counts}, lists: []list{rowsOf("jobs", rows)}}
}
