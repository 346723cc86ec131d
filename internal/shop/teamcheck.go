package shop

import (
	"fmt"
	"time"
)

// This file is what the team leader writes at the team check (seed 002
// §5: "检查合格后,班组长在《任务委托书》写下车辆维修建议、注意事项等"):
// the notes for the advisor (注意事项), kept on the check, and the work
// recommended for later (维修建议), which becomes the car's recommendations,
// offered at its next visit like any other (history.go).

// maxTeamRecommendations bounds the recommendations one team check records.
const maxTeamRecommendations = 20

// checkTeamNotes checks what a quality check carries beyond pass or fail:
// notes and recommendations are the team check's only.
func (c *QC) checkTeamNotes(p *problems) {
	if c.Step != QCTeam {
		if c.Notes != "" {
			p.add("notes", "are written at the team check")
		}
		if len(c.Recommendations) > 0 {
			p.add("recommendations", "are written at the team check")
		}
		return
	}
	checkText(p, "notes", c.Notes, maxText, false)
	if len(c.Recommendations) > maxTeamRecommendations {
		p.add("recommendations", "at most 20 recommendations")
		return
	}
	for i := range c.Recommendations {
		var one problems
		c.Recommendations[i].check(&one)
		for _, e := range one {
			p.add(fmt.Sprintf("recommendations[%d].%s", i, e.Field), "%s", e.Message)
		}
	}
}

// recordTeamRecommendations makes the team check's recommendations the
// car's, recorded on the job where they were seen.
func (c *QC) recordTeamRecommendations(d *Draft, a Actor, j *Job, now time.Time) {
	for _, in := range c.Recommendations {
		recordRecommendation(d, a, j.VehicleID, j.ID, in, now)
	}
}

// TeamCheck is what the advisor reads of a job's team check: the leader's
// latest check with its notes, and the work recommended on the job for
// later visits (by the leader at the check, or by anyone on the job).
type TeamCheck struct {
	Check           *QCResult         `json:"check,omitempty"`
	Recommendations []*Recommendation `json:"recommendations"`
}

// TeamCheckOf is a job's team check as the advisor reads it.
func (s *State) TeamCheckOf(j *Job) TeamCheck {
	out := TeamCheck{Recommendations: []*Recommendation{}}
	for i := len(j.QC) - 1; i >= 0; i-- {
		if j.QC[i].Step == QCTeam {
			r := j.QC[i]
			out.Check = &r
			break
		}
	}
	for _, r := range s.Recommendations {
		if r.JobID == j.ID {
			out.Recommendations = append(out.Recommendations, r)
		}
	}
	sortRecommendations(out.Recommendations)
	return out
}
