package shop

import (
	"sort"
	"time"
)

// Workshop answers the foreman's questions of seed 002 at one moment: how
// many cars are in repair, in which bay, by whom, how many technicians are
// free, which cars wait for parts. The boards are views of it.
type Workshop struct {
	At           time.Time      `json:"at"`
	Counts       Counts         `json:"counts"`
	Bays         []BayStatus    `json:"bays"`
	Queue        []JobStatus    `json:"queue"` // waiting dispatch, in order
	Jobs         []JobStatus    `json:"jobs"`  // every open job, in order
	PartsWaiting []PartsWaiting `json:"parts_waiting"`
	FreeTechs    []string       `json:"free_techs"` // names
}

// Counts are the header figures of the wall board.
type Counts struct {
	Reception       int `json:"reception"`
	WaitingDispatch int `json:"waiting_dispatch"`
	InRepair        int `json:"in_repair"` // dispatched, in progress or paused
	WaitingParts    int `json:"waiting_parts"`
	WaitingApproval int `json:"waiting_approval"`
	QualityCheck    int `json:"quality_check"`
	Washing         int `json:"washing"`
	Ready           int `json:"ready"`
	DeliveredToday  int `json:"delivered_today"`
	TechsFree       int `json:"techs_free"`
	TechsTotal      int `json:"techs_total"`
	AtRisk          int `json:"at_risk"`
	Late            int `json:"late"`
}

// JobStatus is a job with what a board needs beside it.
type JobStatus struct {
	Job      *Job     `json:"job"`
	Plate    string   `json:"plate"`
	Model    string   `json:"model"`
	Customer string   `json:"customer"`
	Key      bool     `json:"key_customer"`
	Bay      string   `json:"bay"`
	Team     string   `json:"team"`
	Techs    []string `json:"techs"` // names
	Advisor  string   `json:"advisor"`
	Progress Progress `json:"progress"`
}

// BayStatus is one bay and the job on it, if any.
type BayStatus struct {
	Bay *Bay       `json:"bay"`
	Job *JobStatus `json:"job,omitempty"`
}

// OnBay reports whether a job occupies its bay in this stage.
func OnBay(s Stage) bool {
	return s == StageDispatched || s == StageInProgress || s.Paused()
}

// Workshop builds the workshop at now.
func (s *State) Workshop(now time.Time) *Workshop {
	w := &Workshop{At: now}
	partsByJob := make(map[string][]*PartsRequest, len(s.Jobs))
	for _, p := range s.PartsRequests {
		partsByJob[p.JobID] = append(partsByJob[p.JobID], p)
	}
	busy := map[string]bool{}
	byBay := map[string]*JobStatus{}
	jobs := s.OpenJobs()
	w.Jobs = make([]JobStatus, 0, len(jobs))
	y, m, d := now.In(s.Loc).Date()
	for _, j := range s.Jobs {
		if j.Stage == StageDelivered {
			if dy, dm, dd := j.UpdatedAt.In(s.Loc).Date(); dy == y && dm == m && dd == d {
				w.Counts.DeliveredToday++
			}
		}
	}
	for _, j := range jobs {
		js := s.jobStatus(j, partsByJob[j.ID], now)
		w.Jobs = append(w.Jobs, js)
		c := &w.Counts
		switch j.Stage {
		case StageReception:
			c.Reception++
		case StageWaitingDispatch:
			c.WaitingDispatch++
		case StageQualityCheck:
			c.QualityCheck++
		case StageWashing:
			c.Washing++
		case StageReady:
			c.Ready++
		}
		if OnBay(j.Stage) {
			c.InRepair++
		}
		if j.Stage == StageWaitingParts {
			c.WaitingParts++
		}
		if j.Stage == StageWaitingApproval {
			c.WaitingApproval++
		}
		if js.Progress.Late {
			c.Late++
		} else if js.Progress.AtRisk {
			c.AtRisk++
		}
		for _, sess := range j.Clock {
			if sess.End == nil {
				busy[sess.TechID] = true
			}
		}
		// A technician holds a car dispatched to them or paused on their
		// bay (for parts, approval, a break): they will come back to it,
		// so the board does not offer them as free.
		if j.Stage == StageDispatched || j.Stage.Paused() {
			for _, t := range j.TechIDs {
				busy[t] = true
			}
		}
	}
	for i := range w.Jobs {
		js := &w.Jobs[i]
		if js.Job.Stage == StageWaitingDispatch {
			w.Queue = append(w.Queue, *js)
		}
		if OnBay(js.Job.Stage) && js.Job.BayID != "" {
			byBay[js.Job.BayID] = js
		}
	}
	for _, r := range s.partsWaiting(now).Rows {
		w.PartsWaiting = append(w.PartsWaiting, r.PartsWaiting)
	}
	for _, b := range s.sortedBays() {
		w.Bays = append(w.Bays, BayStatus{Bay: b, Job: byBay[b.ID]})
	}
	// A technician the roster has off or on leave today is not in the
	// shop: neither free nor counted.
	rostered := s.Roster[now.In(s.Loc).Format(time.DateOnly)]
	for _, t := range s.sortedTechs() {
		if rostered != nil && rostered.Duty[t.ID].Away() {
			continue
		}
		w.Counts.TechsTotal++
		if !busy[t.ID] {
			w.Counts.TechsFree++
			w.FreeTechs = append(w.FreeTechs, t.Name)
		}
	}
	return w
}

func (s *State) jobStatus(j *Job, parts []*PartsRequest, now time.Time) JobStatus {
	js := JobStatus{Job: j, Progress: s.progress(j, parts, now)}
	if v := s.Vehicles[j.VehicleID]; v != nil {
		js.Plate, js.Model = v.Plate, v.Model
	}
	if c := s.Customers[j.CustomerID]; c != nil {
		js.Customer, js.Key = c.Name, c.Key
	}
	if b := s.Bays[j.BayID]; b != nil {
		js.Bay = b.Name
	}
	if t := s.Teams[j.TeamID]; t != nil {
		js.Team = t.Name
	}
	if u := s.Users[j.AdvisorID]; u != nil {
		js.Advisor = u.Name
	}
	for _, id := range j.TechIDs {
		if t := s.Technicians[id]; t != nil {
			js.Techs = append(js.Techs, t.Name)
		}
	}
	return js
}

// JobStatus returns one job with its board details.
func (s *State) JobStatus(j *Job, now time.Time) JobStatus {
	return s.jobStatus(j, s.JobParts(j.ID), now)
}

func (s *State) sortedBays() []*Bay {
	out := make([]*Bay, 0, len(s.Bays))
	for _, b := range s.Bays {
		if b.Active {
			out = append(out, b)
		}
	}
	sort.Slice(out, func(a, b int) bool { return naturalLess(out[a].ID, out[b].ID) })
	return out
}

func (s *State) sortedTechs() []*Technician {
	out := make([]*Technician, 0, len(s.Technicians))
	for _, t := range s.Technicians {
		if t.Active {
			out = append(out, t)
		}
	}
	sort.Slice(out, func(a, b int) bool { return naturalLess(out[a].ID, out[b].ID) })
	return out
}

// naturalLess orders "bay-2" before "bay-10".
func naturalLess(a, b string) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}
