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
	JobsToDraw  int `json:"jobs_to_draw"` // jobs with parts still to draw
	Overdue     int `json:"overdue"`      // ordered parts past their ETA
}

// PartsCounter is the counter's list and its figures at one moment, with
// its pick list: what each job still has to draw.
type PartsCounter struct {
	Rows     []CounterRow
	Counts   PartsCounts
	PickList PickList
}

// PartsCounter lists the parts open jobs wait for, oldest first (a
// request of a delivered or cancelled job is nobody's work any more), and
// counts them by status at now, with the pick list: what each job still
// draws.
func (s *State) PartsCounter(now time.Time) PartsCounter {
	pc := s.partsWaiting(now)
	pc.PickList = s.PickList(now)
	for _, j := range pc.PickList.Jobs {
		if j.Left() > 0 {
			pc.Counts.JobsToDraw++
		}
	}
	return pc
}

// partsWaiting is the counter's requests and their figures, without the
// pick list: the workshop's summary lists the same requests.
func (s *State) partsWaiting(now time.Time) PartsCounter {
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

// JobToDraw is a job on the counter's pick list: every ground it draws
// on with what is issued and what is left, and the issues it holds (to
// take back what comes back).
type JobToDraw struct {
	JobID string       `json:"job_id"`
	Plate string       `json:"plate"`
	Bay   string       `json:"bay"`
	Stage Stage        `json:"stage"`
	Lines []DrawLine   `json:"lines"`
	Held  []IssuedPart `json:"held"`
}

// Left is how many lines still have something to draw.
func (j JobToDraw) Left() int {
	n := 0
	for _, l := range j.Lines {
		if l.ToDraw > 0 {
			n++
		}
	}
	return n
}

// ToPrepare is a booking of the next day whose parts the counter puts
// ready the day before (seed 002's preparation).
type ToPrepare struct {
	AppointmentID string     `json:"appointment_id"`
	At            time.Time  `json:"at"`
	Plate         string     `json:"plate"`
	Requested     string     `json:"requested"`
	Parts         []PartLine `json:"parts"`
	Staged        bool       `json:"staged"`
}

// PickList is what the counter hands out: the jobs dispatched and not yet
// done with their parts, the cancelled ones still holding parts to come
// back, and the next day's bookings to prepare.
type PickList struct {
	Jobs    []JobToDraw `json:"jobs"`
	Prepare []ToPrepare `json:"prepare"`
}

// PickList builds the counter's pick list at now: jobs from dispatch to
// the quality check that draw parts, those with parts left to draw first,
// each group in dispatch order (priority, promise), then the
// cancelled jobs that hold parts; the bookings with parts of the shop's
// day (those not yet arrived) and of its next day, earliest first.
func (s *State) PickList(now time.Time) PickList {
	pl := PickList{Jobs: []JobToDraw{}, Prepare: []ToPrepare{}}
	jobs := make([]*Job, 0, len(s.Jobs))
	for _, j := range s.Jobs {
		held := false
		for _, ip := range j.Issued {
			held = held || ip.Billed() > quantityEpsilon
		}
		if (issuable(j.Stage) && j.Stage != StageWaitingDispatch) || (j.Stage == StageCancelled && held) {
			jobs = append(jobs, j)
		}
	}
	SortJobs(jobs)
	requests := map[string][]*PartsRequest{}
	for _, p := range s.PartsRequests {
		requests[p.JobID] = append(requests[p.JobID], p)
	}
	catalog := func(number string) *CatalogPart { return s.CatalogParts[number] }
	for _, j := range jobs {
		row := JobToDraw{JobID: j.ID, Stage: j.Stage, Lines: drawLinesOf(j, requests[j.ID], catalog), Held: []IssuedPart{}}
		if row.Lines == nil {
			row.Lines = []DrawLine{}
		}
		if v := s.Vehicles[j.VehicleID]; v != nil {
			row.Plate = v.Plate
		}
		if b := s.Bays[j.BayID]; b != nil {
			row.Bay = b.Name
		}
		for _, ip := range j.Issued {
			if ip.Billed() > quantityEpsilon {
				row.Held = append(row.Held, ip)
			}
		}
		if len(row.Lines) == 0 && len(row.Held) == 0 {
			continue // labour only: nothing to draw or take back
		}
		pl.Jobs = append(pl.Jobs, row)
	}
	// What is still to draw comes first: the clerk's work; then the jobs
	// that have drawn all (their returns), then the cancelled ones.
	rank := func(j JobToDraw) int {
		switch {
		case j.Stage == StageCancelled:
			return 2
		case j.Left() == 0:
			return 1
		}
		return 0
	}
	sort.SliceStable(pl.Jobs, func(a, b int) bool { return rank(pl.Jobs[a]) < rank(pl.Jobs[b]) })
	loc := s.Loc
	if loc == nil {
		loc = time.UTC
	}
	y, m, d := now.In(loc).Date()
	// Today's bookings not yet arrived are still to prepare: a booking
	// made this morning for the afternoon brings its parts to the counter
	// as tomorrow's do.
	from := time.Date(y, m, d, 0, 0, 0, 0, loc)
	to := time.Date(y, m, d+2, 0, 0, 0, 0, loc)
	for _, ap := range s.Appointments {
		if ap.Status != ApptBooked || ap.At.Before(from) || !ap.At.Before(to) || len(ap.Parts) == 0 {
			continue
		}
		tp := ToPrepare{AppointmentID: ap.ID, At: ap.At, Requested: ap.Requested, Parts: ap.Parts, Staged: ap.Prep.PartsStaged}
		if v := s.Vehicles[ap.VehicleID]; v != nil {
			tp.Plate = v.Plate
		}
		pl.Prepare = append(pl.Prepare, tp)
	}
	sort.Slice(pl.Prepare, func(a, b int) bool {
		if !pl.Prepare[a].At.Equal(pl.Prepare[b].At) {
			return pl.Prepare[a].At.Before(pl.Prepare[b].At)
		}
		return pl.Prepare[a].AppointmentID < pl.Prepare[b].AppointmentID
	})
	return pl
}
