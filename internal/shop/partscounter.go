package shop

import (
	"sort"
	"time"
)

// The parts counter (配件) is the parts clerk's to-do list: every part an
// open job waits for, oldest first, with the job's plate, bay and stage
// and who asked. It is built here once, for the parts board and the
// counter's page alike; the workshop summary lists the same requests.

// PartsWaiting is an open parts request with its job's plate and bay.
type PartsWaiting struct {
	Request *PartsRequest `json:"request"`
	Plate   string        `json:"plate"`
	Bay     string        `json:"bay"`
}

// CounterRow is a part at the counter: the request, where its job is,
// and the name of whoever asked (their id when no user has it).
type CounterRow struct {
	PartsWaiting
	JobStage    Stage
	RequestedBy string
}

// PartsCounts are the counter's figures.
type PartsCounts struct {
	Requested   int `json:"requested"`
	Picked      int `json:"picked"`
	OnOrder     int `json:"on_order"`
	JobsStopped int `json:"jobs_stopped"` // jobs waiting for parts
	Overdue     int `json:"overdue"`      // ordered parts past their ETA
}

// PartsCounter is the counter's list and its figures at one moment.
type PartsCounter struct {
	Rows   []CounterRow
	Counts PartsCounts
}

// PartsCounter lists the parts open jobs wait for, oldest first (a
// request of a delivered or cancelled job is nobody's work any more), and
// counts them by status at now.
func (s *State) PartsCounter(now time.Time) PartsCounter {
	var pc PartsCounter
	for _, j := range s.Jobs {
		if j.Stage == StageWaitingParts {
			pc.Counts.JobsStopped++
		}
	}
	for _, p := range s.PartsRequests {
		j := s.Jobs[p.JobID]
		if !p.Open() || j == nil || !j.Stage.Open() {
			continue
		}
		row := CounterRow{PartsWaiting: PartsWaiting{Request: p}, JobStage: j.Stage, RequestedBy: p.RequestedBy}
		if v := s.Vehicles[j.VehicleID]; v != nil {
			row.Plate = v.Plate
		}
		if b := s.Bays[j.BayID]; b != nil {
			row.Bay = b.Name
		}
		if u := s.Users[p.RequestedBy]; u != nil {
			row.RequestedBy = u.Name
		}
		switch p.Status {
		case PartsRequested:
			pc.Counts.Requested++
		case PartsPicked:
			pc.Counts.Picked++
		case PartsOnOrder:
			pc.Counts.OnOrder++
			if p.ETA != nil && now.After(*p.ETA) {
				pc.Counts.Overdue++
			}
		}
		pc.Rows = append(pc.Rows, row)
	}
	sort.Slice(pc.Rows, func(a, b int) bool {
		ra, rb := pc.Rows[a].Request, pc.Rows[b].Request
		if !ra.RequestedAt.Equal(rb.RequestedAt) {
			return ra.RequestedAt.Before(rb.RequestedAt)
		}
		return ra.ID < rb.ID
	})
	return pc
}
