package shop

import (
	"sort"
	"time"
)

// This file is the wash bay and the final inspection seen as queues: the
// cars whose wash is due (the final inspection passed and the customer
// took the wash), waiting or being washed, and the cars waiting for the
// QC inspector. The washer starts a wash (start_wash) and marks it done
// (wash_done, delivery.go); a car whose wash is marked done without a
// start was washed all the same.

// StartWash says the washer has taken a car waiting for its wash.
type StartWash struct {
	kind
	JobRef
}

func (c *StartWash) CommandType() string { return "start_wash" }

func (c *StartWash) apply(d *Draft, a Actor, now time.Time) (result, error) {
	if err := c.permit(d, a); err != nil {
		return result{}, err
	}
	j, err := d.editJob(c.JobID, now)
	if err != nil {
		return result{}, err
	}
	at := now
	j.WashStartedAt = &at
	return jobResult(j), nil
}

// permit: a wash starts once, on a car waiting for it.
func (c *StartWash) permit(d *Draft, a Actor) error {
	j, err := d.job(c.JobID)
	if err != nil {
		return err
	}
	if j.Stage != StageWashing {
		return &IllegalMoveError{From: j.Stage, To: StageWashing, Allowed: moves[j.Stage], Action: "start its wash"}
	}
	if j.WashStartedAt != nil {
		return conflict("the wash of job %s has started already", j.ID)
	}
	return nil
}

// Washing reports whether the car is being washed now: its wash has
// started and is not done. A car in the washing stage that is not being
// washed waits for the washer.
func (j *Job) Washing() bool { return j.Stage == StageWashing && j.WashStartedAt != nil }

// WashQueue lists the cars whose wash is due, waiting or being washed,
// by the time each is promised (then number): the washer takes the most
// urgent first.
func (s *State) WashQueue() []*Job {
	out := []*Job{}
	for _, j := range s.Jobs {
		if j.Stage == StageWashing {
			out = append(out, j)
		}
	}
	byPromise(out)
	return out
}

// InspectionQueue lists the cars waiting for the final inspection (the
// team check passed, the inspection not yet made), by the time each is
// promised (then number). It asks the rule the qc command's permit asks.
func (s *State) InspectionQueue() []*Job {
	out := []*Job{}
	for _, j := range s.Jobs {
		if qcDue(j, QCFinal) == nil {
			out = append(out, j)
		}
	}
	byPromise(out)
	return out
}

// byPromise orders jobs by their promised time, then their number.
func byPromise(jobs []*Job) {
	sort.Slice(jobs, func(a, b int) bool {
		if !jobs[a].PromisedAt.Equal(jobs[b].PromisedAt) {
			return jobs[a].PromisedAt.Before(jobs[b].PromisedAt)
		}
		return jobs[a].ID < jobs[b].ID
	})
}

// Inspects says whether an actor makes the final inspection (MayQC's
// final step, which names no job): whose phone shows the inspection
// queue.
func (s *State) Inspects(a Actor) bool { return s.MayQC(a, &Job{}, QCFinal) == nil }

// WashBays are the shop's active wash bays, in the bays' order: the codes
// at which the washer finds the wash's queue.
func (s *State) WashBays() []*Bay {
	var out []*Bay
	for _, b := range s.sortedBays() {
		if b.Kind == BayWash {
			out = append(out, b)
		}
	}
	return out
}
