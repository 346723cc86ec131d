package kiosk

import (
	"slices"
	"testing"
	"time"

	"bayboard/internal/shop"
)

// The cases the server's table of roles and stages does not reach: no one
// signed in, a closed job, an inactive technician, a finding awaiting the
// customer, and a technician who is on the job already.
func TestActionsAtTheEdges(t *testing.T) {
	st := shop.NewState()
	tech := &shop.User{ID: "user-1", Roles: []shop.Role{shop.RoleTechnician}, Active: true}
	st.Users[tech.ID] = tech
	st.Technicians["tech-1"] = &shop.Technician{ID: "tech-1", UserID: tech.ID, Active: true}
	now := t0
	job := &shop.Job{ID: "20261123-0001", Stage: shop.StageInProgress, TechIDs: []string{"tech-1"}}
	st.Jobs[job.ID] = job

	cases := []struct {
		name  string
		setup func()
		user  *shop.User
		want  []Action
	}{
		{"nobody signed in", func() {}, nil, []Action{}},
		{"in progress, not on it", func() {}, tech, []Action{ActionClockOn, ActionPause, ActionFinish}},
		{"on it", func() { job.Clock = []shop.ClockSession{{TechID: "tech-1", Start: now}} }, tech, []Action{ActionClockOff, ActionPause, ActionFinish}},
		{"a finding awaits the customer", func() {
			st.Findings["fi-1"] = &shop.Finding{ID: "fi-1", JobID: job.ID, Status: shop.FindingAwaiting}
		}, tech, []Action{ActionClockOff, ActionPause}},
		{"the finding decided", func() { st.Findings["fi-1"].Status = shop.FindingDeclined }, tech, []Action{ActionClockOff, ActionPause, ActionFinish}},
		{"an inactive technician", func() {
			job.Clock = nil
			st.Technicians["tech-1"].Active = false
		}, tech, []Action{ActionPause}},
		{"a delivered job", func() {
			st.Technicians["tech-1"].Active = true
			job.Stage = shop.StageDelivered
		}, tech, []Action{}},
	}
	for _, c := range cases {
		c.setup()
		if got := Actions(st, c.user, job); !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
	job.Stage = shop.StageInProgress
	other := &shop.Job{ID: "20261123-0002", Stage: shop.StageInProgress, Clock: []shop.ClockSession{{TechID: "tech-1", Start: now.Add(-time.Hour)}}}
	st.Jobs[other.ID] = other
	if got := st.ClockedOnElsewhere("tech-1", job.ID); got != other.ID {
		t.Errorf("clocked on elsewhere: %q", got)
	}
	if got := st.ClockedOnElsewhere("tech-1", other.ID); got != "" {
		t.Errorf("clocked on elsewhere than the job it is on: %q", got)
	}
}
