package shop

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// Notices are what the desk is told about its jobs: extra work to price or
// awaiting the customer, a failed quality check, a car ready, a promise at
// risk or passed. A notice stays in the person's list until they
// acknowledge it; the acknowledgement is theirs and kept on the job (so it
// follows them to another PC and goes with the job when it closes), and a
// colleague's list is their own.

// NoticeKind names what a notice is about.
type NoticeKind string

const (
	NoticeFindingToPrice NoticeKind = "finding_to_price" // the floor proposed extra work: price it
	NoticeFinding        NoticeKind = "finding"          // extra work awaits the customer's approval
	NoticeQCFailed       NoticeKind = "qc_failed"        // a quality check failed: rework
	NoticeReady          NoticeKind = "ready"            // the car is ready for delivery
	NoticeAtRisk         NoticeKind = "at_risk"          // the ETA passes the promised time
	NoticeLate           NoticeKind = "late"             // the promised time has passed
	// NoticeComplaintOverdue escalates to the manager a complaint past its
	// due time, still open.
	NoticeComplaintOverdue NoticeKind = "complaint_overdue"
)

// NoticeKinds is every kind, in the order a list explains them.
var NoticeKinds = []NoticeKind{NoticeFindingToPrice, NoticeFinding, NoticeQCFailed, NoticeReady, NoticeAtRisk, NoticeLate, NoticeComplaintOverdue}

// Notice is one thing to tell. Key names it within its job, once for each
// time it happens: "qc_failed/2" is the job's third check result, failed;
// "ready/1" the first time it was ready; "late/<promise>" the promise it
// passed (a new promise that passes too is a new notice).
type Notice struct {
	Key    string     `json:"key"`
	Kind   NoticeKind `json:"kind"`
	JobID  string     `json:"job_id"`
	Plate  string     `json:"plate"`
	At     time.Time  `json:"at"`
	Reason string     `json:"reason,omitempty"` // why the check failed
}

// NoticeSeen is a person's acknowledgement of one of a job's notices.
type NoticeSeen struct {
	Key    string    `json:"key"`
	UserID string    `json:"user_id"`
	At     time.Time `json:"at"`
}

// noticeKey names one occurrence of a kind.
func noticeKey(k NoticeKind, occurrence string) string { return string(k) + "/" + occurrence }

// jobNotices lists what a job tells now, seen or not. A closed job tells
// nothing: there is nothing left to do about it.
func (s *State) jobNotices(j *Job, now time.Time) []Notice {
	if !j.Stage.Open() {
		return nil
	}
	var out []Notice
	plate := ""
	if v := s.Vehicles[j.VehicleID]; v != nil {
		plate = v.Plate
	}
	add := func(k NoticeKind, occurrence string, at time.Time, reason string) {
		out = append(out, Notice{Key: noticeKey(k, occurrence), Kind: k, JobID: j.ID, Plate: plate, At: at, Reason: reason})
	}
	for _, f := range s.Findings {
		if f.JobID != j.ID {
			continue
		}
		switch f.Status {
		case FindingProposed:
			add(NoticeFindingToPrice, f.ID, f.ReportedAt, "")
		case FindingAwaiting:
			add(NoticeFinding, f.ID, f.ReportedAt, "")
		}
	}
	for i, q := range j.QC {
		if !q.Pass {
			add(NoticeQCFailed, fmt.Sprint(i), q.At, q.Reason)
		}
	}
	if j.Stage == StageReady {
		times := 0
		for _, sc := range j.Stages {
			if sc.Stage == StageReady {
				times++
			}
		}
		add(NoticeReady, fmt.Sprint(times), j.EnteredStage(StageReady), "")
	}
	p := s.Progress(j, now)
	promise := fmt.Sprint(j.PromisedAt.Unix())
	switch {
	case p.Late:
		add(NoticeLate, promise, j.PromisedAt, "")
	case p.AtRisk:
		add(NoticeAtRisk, promise, p.ETA, "")
	}
	return out
}

// toldTo says whether a person is told about a job: an advisor about the
// jobs they advise, anyone else who follows the desk (the manager, a
// cashier) about every job.
func toldTo(a Actor, j *Job) bool {
	return !a.Has(RoleAdvisor) || a.Has(RoleManager) || j.AdvisorID == a.UserID
}

// NoticesFor lists a person's notices at now that they have not
// acknowledged, the newest first.
func (s *State) NoticesFor(a Actor, now time.Time) []Notice {
	out := []Notice{}
	for _, j := range s.Jobs {
		if !toldTo(a, j) {
			continue
		}
		ns := s.jobNotices(j, now)
		if f := j.FollowUp; a.Has(RoleManager) && f.Overdue(now) {
			plate := ""
			if v := s.Vehicles[j.VehicleID]; v != nil {
				plate = v.Plate
			}
			ns = append(ns, Notice{Key: noticeKey(NoticeComplaintOverdue, fmt.Sprint(f.DueAt.Unix())), Kind: NoticeComplaintOverdue,
				JobID: j.ID, Plate: plate, At: *f.DueAt})
		}
		for _, n := range ns {
			if !j.noticeSeen(n.Key, a.UserID) {
				out = append(out, n)
			}
		}
	}
	sort.Slice(out, func(x, y int) bool {
		if !out[x].At.Equal(out[y].At) {
			return out[x].At.After(out[y].At)
		}
		if out[x].JobID != out[y].JobID {
			return out[x].JobID < out[y].JobID
		}
		return out[x].Key < out[y].Key
	})
	return out
}

func (j *Job) noticeSeen(key, userID string) bool {
	for _, s := range j.NoticesSeen {
		if s.Key == key && s.UserID == userID {
			return true
		}
	}
	return false
}

// AcknowledgeNotice takes one of a job's notices off the acting person's
// list; it stays on everyone else's.
type AcknowledgeNotice struct {
	kind
	JobRef
	Key string `json:"key"`
}

func (c *AcknowledgeNotice) CommandType() string { return "acknowledge_notice" }

func (c *AcknowledgeNotice) apply(d *Draft, a Actor, now time.Time) (result, error) {
	var p problems
	kindOf, occurrence, _ := strings.Cut(c.Key, "/")
	known := false
	for _, k := range NoticeKinds {
		known = known || NoticeKind(kindOf) == k
	}
	if !known || occurrence == "" || len(c.Key) > 80 {
		p.add("key", "is not a notice")
	}
	if a.UserID == "" {
		p.add("user_id", "is not a person")
	}
	if err := p.err(); err != nil {
		return result{}, err
	}
	j := d.jobs.get(c.JobID)
	if j == nil {
		return result{}, notFound("job", c.JobID)
	}
	if j.noticeSeen(c.Key, a.UserID) {
		return result{}, conflict("the notice is acknowledged already")
	}
	// Seeing a notice is not work on the job: its UpdatedAt, which says
	// when the job last moved, stays.
	j = cloneJob(j)
	j.NoticesSeen = append(j.NoticesSeen, NoticeSeen{Key: c.Key, UserID: a.UserID, At: now})
	set(d, &d.jobs, j.ID, j)
	return result{subject: c.JobID, job: c.JobID}, nil
}
