package shop

import (
	"sort"
	"time"
)

// CSIScore is the customer satisfaction index of a set of survey answers: the
// mean of all their satisfaction scores (work, charges, wash when asked,
// advisor; would-recommend is not one), 1–5 scaled to 0–100 (1 is 0, 5 is
// 100), with the number of answers. No answers: CSI 0, Answers 0.
type CSIScore struct {
	CSI     float64 `json:"csi"`
	Answers int     `json:"answers"`
	scores  int
	sum     int
}

func (c *CSIScore) add(s *Survey) {
	c.Answers++
	for _, x := range []int{s.Work, s.Charges, s.Wash, s.Advisor} {
		if x > 0 {
			c.sum += x
			c.scores++
		}
	}
	if c.scores > 0 {
		c.CSI = (float64(c.sum)/float64(c.scores) - 1) * 25
	}
}

// AdvisorCSI is one advisor's CSI; the name is filled in by the caller.
type AdvisorCSI struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	CSIScore
}

// MonthCSI is one month's CSI ("2026-12", in the shop's time zone).
type MonthCSI struct {
	Month string `json:"month"`
	CSIScore
}

// csiKPIs adds the survey answers given in the period, and the complaints
// opened in it by category, to the KPIs.
func csiKPIs(k *KPIs, input KPIInput) {
	in := func(t time.Time) bool { return !t.IsZero() && !t.Before(input.From) && t.Before(input.To) }
	loc := input.Open.loc
	if loc == nil {
		loc = time.UTC
	}
	var all CSIScore
	perAdvisor, perMonth := map[string]*AdvisorCSI{}, map[string]*MonthCSI{}
	k.ComplaintsByCategory = map[string]int{}
	for _, c := range ComplaintCategories {
		k.ComplaintsByCategory[c] = 0
	}
	for _, j := range input.Jobs {
		if opened := j.complaintOpenedAt(); in(opened) {
			k.ComplaintsByCategory[j.FollowUp.complaintCategory()]++
		}
		s := j.Survey
		if s == nil || !in(s.At) {
			continue
		}
		all.add(s)
		a := perAdvisor[j.AdvisorID]
		if a == nil {
			a = &AdvisorCSI{ID: j.AdvisorID}
			perAdvisor[j.AdvisorID] = a
		}
		a.add(s)
		month := s.At.In(loc).Format("2006-01")
		m := perMonth[month]
		if m == nil {
			m = &MonthCSI{Month: month}
			perMonth[month] = m
		}
		m.add(s)
	}
	k.CSI, k.Surveys = all.CSI, all.Answers
	k.CSIAdvisors, k.CSIMonths = []AdvisorCSI{}, []MonthCSI{}
	for _, a := range perAdvisor {
		k.CSIAdvisors = append(k.CSIAdvisors, *a)
	}
	sort.Slice(k.CSIAdvisors, func(a, b int) bool { return naturalLess(k.CSIAdvisors[a].ID, k.CSIAdvisors[b].ID) })
	for _, m := range perMonth {
		k.CSIMonths = append(k.CSIMonths, *m)
	}
	sort.Slice(k.CSIMonths, func(a, b int) bool { return k.CSIMonths[a].Month < k.CSIMonths[b].Month })
}

// complaintOpenedAt is when a job's complaint was opened: the survey's
// time for one the survey opened, else the call's; zero with none.
func (j *Job) complaintOpenedAt() time.Time {
	f := j.FollowUp
	if f == nil || (f.Outcome != FollowUpComplaint && f.Category == "") {
		return time.Time{}
	}
	if f.Outcome != FollowUpComplaint || f.By == SurveyBy {
		if j.Survey != nil {
			return j.Survey.At
		}
	}
	return f.At
}

// complaintCategory is a complaint's category; one recorded before there
// were categories counts as process.
func (f *FollowUp) complaintCategory() string {
	if f.Category == "" {
		return ComplaintProcess
	}
	return f.Category
}
