package shop

import "time"

// PartsCounterLead is how long the parts counter takes to pick a part that
// is in stock and not yet answered: the in-house wait before a part issued.
const PartsCounterLead = 15 * time.Minute

// Progress is what the boards show about a job's time: work sold and done,
// and the live ETA derived from them. It is computed, never typed in.
type Progress struct {
	SoldHours    float64   `json:"sold_hours"`
	ClockedHours float64   `json:"clocked_hours"`
	ETA          time.Time `json:"eta"`
	// PartsETA is when the last awaited part is expected; zero when none.
	PartsETA time.Time `json:"parts_eta,omitzero"`
	AtRisk   bool      `json:"at_risk"` // the ETA passes the promised time
	Late     bool      `json:"late"`    // the promised time has passed
}

// SoldHours sums the labour sold on the job (approved findings included).
func (j *Job) SoldHours() float64 {
	var h float64
	for _, l := range j.Labour {
		h += l.SoldHours
	}
	return h
}

// ClockedHours sums the technicians' sessions, open ones up to now.
func (j *Job) ClockedHours(now time.Time) float64 {
	var d time.Duration
	for _, s := range j.Clock {
		end := now
		if s.End != nil {
			end = *s.End
		}
		if end.After(s.Start) {
			d += end.Sub(s.Start)
		}
	}
	return d.Hours()
}

// EnteredStage returns when the job last entered a stage, or zero.
func (j *Job) EnteredStage(s Stage) time.Time {
	for i := len(j.Stages) - 1; i >= 0; i-- {
		if j.Stages[i].Stage == s {
			return j.Stages[i].At
		}
	}
	return time.Time{}
}

// ClosedAt is when a delivered or cancelled job closed (zero while open):
// the time it entered its last stage, which later saves do not move.
func (j *Job) ClosedAt() time.Time {
	if j.Stage.Open() {
		return time.Time{}
	}
	if at := j.EnteredStage(j.Stage); !at.IsZero() {
		return at
	}
	return j.UpdatedAt
}

// Progress derives a job's live ETA: the remaining sold hours shared by the
// technicians on it, after the awaited parts arrive, then the shop's QC and
// wash times.
func (s *State) Progress(j *Job, now time.Time) Progress {
	return s.progress(j, s.JobParts(j.ID), now)
}

func (s *State) progress(j *Job, parts []*PartsRequest, now time.Time) Progress {
	p := Progress{SoldHours: j.SoldHours(), ClockedHours: j.ClockedHours(now)}
	switch j.Stage {
	case StageReady, StageDelivered, StageCancelled:
		p.ETA = j.EnteredStage(StageReady)
		if p.ETA.IsZero() {
			p.ETA = j.UpdatedAt
		}
		p.Late = j.Stage == StageReady && p.ETA.After(j.PromisedAt)
		return p
	}
	start := now
	for _, pr := range parts {
		if !pr.Open() {
			continue
		}
		due := now.Add(PartsCounterLead)
		if pr.Status == PartsOnOrder && pr.ETA != nil {
			due = *pr.ETA
		} else if pr.Status == PartsPicked {
			due = now
		}
		if due.After(p.PartsETA) {
			p.PartsETA = due
		}
	}
	if j.Stage == StageWaitingParts && p.PartsETA.After(start) {
		start = p.PartsETA
	}
	// The work, QC and the wash take working time: work left at closing
	// goes on the next morning, after lunch, past closed days.
	var work time.Duration
	if j.Stage != StageQualityCheck && j.Stage != StageWashing {
		remaining := p.SoldHours - p.ClockedHours
		if remaining < 0 {
			remaining = 0
		}
		techs := len(j.TechIDs)
		if techs == 0 {
			techs = 1
		}
		work = time.Duration(remaining / float64(techs) * float64(time.Hour))
	}
	if j.Stage != StageWashing {
		work += time.Duration(s.Settings.QCMinutes) * time.Minute
	}
	if j.Wash {
		work += time.Duration(s.Settings.WashMinutes) * time.Minute
	}
	eta := s.Schedule().Add(start, work)
	p.ETA = eta.Truncate(time.Minute)
	p.Late = now.After(j.PromisedAt)
	p.AtRisk = !p.Late && p.ETA.After(j.PromisedAt)
	return p
}

// SuggestPromise proposes a promised time for new work of soldHours at
// reception: after the work already waiting for the shop's free hands,
// plus QC and the wash, in the shop's working time (work that would end
// after closing goes on at the next opening, past lunch and closed days),
// rounded up to the quarter hour. The advisor may change it.
func (s *State) SuggestPromise(soldHours float64, wash bool, now time.Time) time.Time {
	techs := 0
	for _, t := range s.Technicians {
		if t.Active {
			techs++
		}
	}
	if techs == 0 {
		techs = 1
	}
	var queued float64
	for _, j := range s.Jobs {
		if j.Stage == StageReception || j.Stage == StageWaitingDispatch {
			queued += j.SoldHours()
		}
	}
	// The queue is shared by every technician; the new job by one.
	work := queued/float64(techs) + soldHours
	extra := time.Duration(s.Settings.QCMinutes) * time.Minute
	if wash {
		extra += time.Duration(s.Settings.WashMinutes) * time.Minute
	}
	at := s.Schedule().Add(now, time.Duration(work*float64(time.Hour))+extra)
	rounded := at.Truncate(15 * time.Minute)
	if rounded.Before(at) {
		rounded = rounded.Add(15 * time.Minute)
	}
	return rounded
}
