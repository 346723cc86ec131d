package shop

import (
	"sort"
	"time"
)

// The follow-up survey (3DC): the customer answers it on their own page,
// once, from delivery until their link ends. A low score opens a
// complaint, as the follow-up caller's "complaint" does.

// Survey is the customer's answer. Scores are 1–5; Wash is 0 when the car
// was not washed (the question is not asked); Recommend is 0–10.
type Survey struct {
	At        time.Time `json:"at"`
	Work      int       `json:"work"`
	Charges   int       `json:"charges"`
	Wash      int       `json:"wash,omitempty"`
	Advisor   int       `json:"advisor"`
	Recommend int       `json:"recommend"`
	Comment   string    `json:"comment,omitempty"`
}

// Complaint categories, the four kinds of problem seed 002 sorts the
// follow-up's findings into: 硬件问题 (facilities), 服务态度问题
// (attitude), 维修技术问题 (workmanship), 核心流程问题 (process).
const (
	ComplaintFacilities  = "facilities"
	ComplaintAttitude    = "attitude"
	ComplaintWorkmanship = "workmanship"
	ComplaintProcess     = "process"
)

// ComplaintCategories is every category, in the order the desk offers them.
var ComplaintCategories = []string{ComplaintFacilities, ComplaintAttitude, ComplaintWorkmanship, ComplaintProcess}

func knownCategory(c string) bool {
	for _, k := range ComplaintCategories {
		if k == c {
			return true
		}
	}
	return false
}

// Survey bounds.
const (
	maxSurveyComment = 1000
	// LowScore is the highest satisfaction score that opens a complaint;
	// LowRecommend the highest would-recommend that does (a detractor).
	LowScore     = 2
	LowRecommend = 6
	// ComplaintWorkingDays is how many of the shop's working days a
	// complaint has before it is overdue and escalated.
	ComplaintWorkingDays = 2
)

// SurveyBy is the follow-up's By for a complaint the survey opened.
const SurveyBy = "survey"

// SurveyCloses is when a delivered job's survey can no longer be
// answered: when it leaves the live state (KeepClosed after delivery),
// where the follow-up desk sees the answer and the complaint it may open,
// or sooner when the customer's link closes (CustomerLinkDays).
func SurveyCloses(j *Job, set Settings) time.Time {
	delivered := j.EnteredStage(StageDelivered)
	closes := delivered.Add(KeepClosed)
	if link := delivered.Add(time.Duration(set.CustomerLinkDays) * 24 * time.Hour); link.Before(closes) {
		closes = link
	}
	return closes
}

// SurveyOpen says whether a job's survey may be answered at now: the car
// delivered, no answer given, the job still live and the survey not
// closed.
func (s *State) SurveyOpen(j *Job, now time.Time) bool {
	return j.Stage == StageDelivered && j.Survey == nil && s.Jobs[j.ID] != nil && now.Before(SurveyCloses(j, s.Settings))
}

// Washed says whether the car went through the wash on this job.
func (j *Job) Washed() bool { return !j.EnteredStage(StageWashing).IsZero() }

// Low says whether an answer opens a complaint: any satisfaction score of
// 1–2, or would-recommend 0–6.
func (s *Survey) Low() bool {
	for _, x := range []int{s.Work, s.Charges, s.Wash, s.Advisor} {
		if x >= 1 && x <= LowScore {
			return true
		}
	}
	return s.Recommend <= LowRecommend
}

// Category is the complaint category a low answer implies: the work
// scored low is workmanship (维修技术); else the advisor, attitude (服务态
// 度); else the wash, facilities (硬件); anything else — the charges'
// explanation, or only a low would-recommend — is process (流程).
func (s *Survey) Category() string {
	low := func(x int) bool { return x >= 1 && x <= LowScore }
	switch {
	case low(s.Work):
		return ComplaintWorkmanship
	case low(s.Advisor):
		return ComplaintAttitude
	case low(s.Wash):
		return ComplaintFacilities
	}
	return ComplaintProcess
}

// ComplaintDue is when a complaint opened at t is overdue: the close of
// the shop's second working day after t's day.
func ComplaintDue(sched Schedule, t time.Time) time.Time {
	day := sched.midnight(t)
	for n, left := 0, ComplaintWorkingDays; n < maxScheduleDays; n++ {
		day = sched.nextDay(day)
		if _, closes, open := sched.On(day.Add(12 * time.Hour)); open {
			if left--; left == 0 {
				return closes.In(t.Location())
			}
		}
	}
	return t.Add(ComplaintWorkingDays * 24 * time.Hour)
}

// Overdue says whether an open complaint has passed its due time.
func (f *FollowUp) Overdue(now time.Time) bool {
	return f != nil && f.ComplaintOpen && f.DueAt != nil && now.After(*f.DueAt)
}

// AnswerSurvey is the customer's answer, given through their link.
type AnswerSurvey struct {
	kind
	JobRef
	Work      int    `json:"work"`
	Charges   int    `json:"charges"`
	Wash      int    `json:"wash"`
	Advisor   int    `json:"advisor"`
	Recommend *int   `json:"recommend"`
	Comment   string `json:"comment"`
}

func (c *AnswerSurvey) CommandType() string { return "answer_survey" }

func (c *AnswerSurvey) apply(d *Draft, a Actor, now time.Time) (result, error) {
	if a.Customer && a.CustomerJob != c.JobID {
		return result{}, forbidden("a customer link answers for its own job only")
	}
	j := d.jobs.get(c.JobID)
	if j == nil {
		return result{}, notFound("job", c.JobID)
	}
	var p problems
	score := func(field string, x int) {
		if x < 1 || x > 5 {
			p.add(field, "must be 1 to 5")
		}
	}
	score("work", c.Work)
	score("charges", c.Charges)
	score("advisor", c.Advisor)
	if j.Washed() {
		score("wash", c.Wash)
	} else if c.Wash != 0 {
		p.add("wash", "the car was not washed: leave it out")
	}
	if c.Recommend == nil || *c.Recommend < 0 || *c.Recommend > 10 {
		p.add("recommend", "must be 0 to 10")
	}
	checkText(&p, "comment", c.Comment, maxSurveyComment, false)
	if err := p.err(); err != nil {
		return result{}, err
	}
	if j.Stage != StageDelivered {
		return result{}, conflict("job %s is %s; the survey comes after delivery", j.ID, j.Stage)
	}
	if j.Survey != nil {
		return result{}, conflict("the survey was answered already; thank you")
	}
	if !now.Before(SurveyCloses(j, d.Settings())) {
		return result{}, conflict("the survey closed %s after delivery; thank you", SurveyCloses(j, d.Settings()).Sub(j.EnteredStage(StageDelivered)))
	}
	j, _ = d.editJob(c.JobID, now)
	s := &Survey{At: now, Work: c.Work, Charges: c.Charges, Wash: c.Wash, Advisor: c.Advisor, Recommend: *c.Recommend, Comment: c.Comment}
	j.Survey = s
	if s.Low() && (j.FollowUp == nil || !j.FollowUp.ComplaintOpen) {
		due := ComplaintDue(d.Settings().Hours.Schedule(d.location()), now)
		f := FollowUp{At: now, By: SurveyBy, Outcome: FollowUpComplaint, Notes: c.Comment, ComplaintOpen: true,
			Category: s.Category(), OwnerID: j.AdvisorID, DueAt: &due}
		if j.FollowUp != nil && j.FollowUp.Outcome != FollowUpUnreachable {
			// Called already and satisfied then: the call stays, the
			// complaint opens on it.
			f.At, f.By, f.Outcome = j.FollowUp.At, j.FollowUp.By, j.FollowUp.Outcome
			f.Notes = j.FollowUp.Notes
			if c.Comment != "" {
				f.Notes = joinNotes(f.Notes, c.Comment)
			}
			f.Resolution, f.ClosedAt = j.FollowUp.Resolution, j.FollowUp.ClosedAt
		}
		j.FollowUp = &f
	}
	return jobResult(j), nil
}

func joinNotes(a, b string) string {
	if a == "" {
		return b
	}
	return a + "\n" + b
}

// AssignComplaint sets an open complaint's category, owner and due time.
type AssignComplaint struct {
	kind
	JobRef
	Category string     `json:"category"`
	OwnerID  string     `json:"owner_id"`
	DueAt    *time.Time `json:"due_at,omitempty"`
}

func (c *AssignComplaint) CommandType() string { return "assign_complaint" }

func (c *AssignComplaint) apply(d *Draft, a Actor, now time.Time) (result, error) {
	var p problems
	if c.OwnerID == "" {
		p.add("owner_id", "is required")
	}
	checkComplaint(&p, d, c.Category, c.OwnerID, c.DueAt, now)
	if err := p.err(); err != nil {
		return result{}, err
	}
	j := d.jobs.get(c.JobID)
	if j == nil {
		return result{}, notFound("job", c.JobID)
	}
	if j.FollowUp == nil || !j.FollowUp.ComplaintOpen {
		return result{}, conflict("job %s has no open complaint", j.ID)
	}
	j, _ = d.editJob(c.JobID, now)
	f := *j.FollowUp
	f.Category, f.OwnerID = c.Category, c.OwnerID
	if c.DueAt != nil {
		due := *c.DueAt
		f.DueAt = &due
	}
	j.FollowUp = &f
	return jobResult(j), nil
}

// checkComplaint checks a complaint's category, owner (an active user)
// and due time (after now, within 60 days); an empty owner or due time
// is allowed (no owner yet; the default due time).
func checkComplaint(p *problems, d *Draft, category, ownerID string, due *time.Time, now time.Time) {
	if !knownCategory(category) {
		p.add("category", "must be facilities, attitude, workmanship or process")
	}
	if u := d.users.get(ownerID); ownerID != "" && (u == nil || !u.Active) {
		p.add("owner_id", "is not an active user")
	}
	if due != nil && (!due.After(now) || due.After(now.AddDate(0, 0, 60))) {
		p.add("due_at", "must be after now and within 60 days")
	}
}

// SurveysSince lists the survey answers given since a time, the newest
// first, among the state's jobs.
func (s *State) SurveysSince(since time.Time) []*Job {
	out := []*Job{}
	for _, j := range s.Jobs {
		if j.Survey != nil && !j.Survey.At.Before(since) {
			out = append(out, j)
		}
	}
	sort.Slice(out, func(a, b int) bool {
		if !out[a].Survey.At.Equal(out[b].Survey.At) {
			return out[a].Survey.At.After(out[b].Survey.At)
		}
		return out[a].ID < out[b].ID
	})
	return out
}
