package kiosk

import (
	"fmt"
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
		// An inactive technician has no jobs dispatched to them: the
		// account may not act on the floor's jobs.
		{"an inactive technician", func() {
			job.Clock = nil
			st.Technicians["tech-1"].Active = false
		}, tech, []Action{}},
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

// The buttons and the engine agree: for each person and each job, every
// action offered is a command the engine accepts, sent as the job page
// sends it, and every action not offered is one it refuses.
func TestActionsAreWhatTheEngineAccepts(t *testing.T) {
	st := shop.NewState()
	people := []*shop.User{
		{ID: "u-li", Roles: []shop.Role{shop.RoleTechnician}},
		{ID: "u-lead", Roles: []shop.Role{shop.RoleTechnician, shop.RoleTeamLeader}},
		{ID: "u-other", Roles: []shop.Role{shop.RoleTechnician}},
		{ID: "u-qc", Roles: []shop.Role{shop.RoleQC}},
		{ID: "u-washer", Roles: []shop.Role{shop.RoleWasher}},
		{ID: "u-controller", Roles: []shop.Role{shop.RoleController}},
		{ID: "u-advisor", Roles: []shop.Role{shop.RoleAdvisor}},
		{ID: "u-manager", Roles: []shop.Role{shop.RoleManager}},
	}
	for _, u := range people {
		u.Login, u.Name, u.Active = u.ID, u.ID, true
		st.Users[u.ID] = u
	}
	st.Technicians["t-li"] = &shop.Technician{ID: "t-li", Name: "li", TeamID: "team-1", UserID: "u-li", Active: true}
	st.Technicians["t-lead"] = &shop.Technician{ID: "t-lead", Name: "lead", TeamID: "team-1", UserID: "u-lead", Active: true}
	st.Technicians["t-other"] = &shop.Technician{ID: "t-other", Name: "other", TeamID: "team-2", UserID: "u-other", Active: true}
	st.Teams["team-1"] = &shop.Team{ID: "team-1", Name: "一组", LeaderID: "t-lead"}
	st.Teams["team-2"] = &shop.Team{ID: "team-2", Name: "二组", LeaderID: "t-other"}
	self := shop.QCResult{Step: shop.QCSelf, Pass: true}
	jobs := []*shop.Job{
		{ID: "dispatched", Stage: shop.StageDispatched},
		{ID: "working", Stage: shop.StageInProgress, Clock: []shop.ClockSession{{TechID: "t-li", Start: t0.Add(-time.Hour)}}},
		{ID: "awaiting", Stage: shop.StageInProgress},
		{ID: "paused", Stage: shop.StagePaused},
		{ID: "parts", Stage: shop.StageWaitingParts},
		{ID: "check", Stage: shop.StageQualityCheck, QC: []shop.QCResult{self}},
		{ID: "checked", Stage: shop.StageQualityCheck, QC: []shop.QCResult{self, {Step: shop.QCTeam, Pass: true}}},
		{ID: "washing", Stage: shop.StageWashing},
		{ID: "washed", Stage: shop.StageWashing, WashStartedAt: &t0},
		{ID: "ready", Stage: shop.StageReady},
		{ID: "delivered", Stage: shop.StageDelivered},
	}
	for _, j := range jobs {
		j.TeamID, j.TechIDs = "team-1", []string{"t-li"}
		j.Labour = []shop.Labour{{Name: "保养", SoldHours: 1, Price: 100}}
		st.Jobs[j.ID] = j
	}
	st.Findings["fi-1"] = &shop.Finding{ID: "fi-1", JobID: "awaiting", Description: "刹车片", Status: shop.FindingAwaiting}

	// What the job page sends for each button (assets/pages/kiosk/job.js).
	sent := map[Action]string{
		ActionClockOn:  `{"type":"clock_on","job_id":%[1]q,"tech_id":%[2]q}`,
		ActionClockOff: `{"type":"clock_off","job_id":%[1]q,"tech_id":%[2]q}`,
		ActionPause:    `{"type":"pause","job_id":%[1]q,"reason":"break"}`,
		ActionResume:   `{"type":"resume","job_id":%[1]q}`,
		ActionFinish:   `{"type":"finish","job_id":%[1]q,"tech_id":%[2]q,"self_check":["lights"]}`,
		ActionQCTeam:   `{"type":"qc","job_id":%[1]q,"step":"team","pass":true}`,
		ActionQCFinal:  `{"type":"qc","job_id":%[1]q,"step":"final","pass":true}`,
		ActionWashDone: `{"type":"wash_done","job_id":%[1]q}`,
	}
	sent[ActionWashStart] = `{"type":"start_wash","job_id":%[1]q}`
	offers := 0
	for _, u := range people {
		techID := ""
		if tech := st.TechnicianOfUser(u.ID); tech != nil {
			techID = tech.ID
		}
		actor := shop.Actor{UserID: u.ID, Roles: u.Roles}
		for _, j := range jobs {
			offered := Actions(st, u, j)
			offers += len(offered)
			for action, body := range sent {
				c, err := shop.DecodeCommand([]byte(fmt.Sprintf(body, j.ID, techID)))
				if err != nil {
					t.Fatalf("%s: %v", action, err)
				}
				_, err = shop.NewDraft(st).Apply(actor, c, t0)
				want := slices.Contains(offered, action)
				if action == ActionResume && slices.Contains(offered, ActionClockOn) {
					// Clock-on is the one way to resume offered to whom
					// may clock on (TestAPausedJobOffersOneWayToResume).
					want = err == nil
				}
				if (err == nil) != want {
					t.Errorf("%s on %s, %s: offered %v, the engine says %v", u.ID, j.ID, action, want, err)
				}
			}
		}
	}
	if offers == 0 {
		t.Fatal("no action offered to anyone")
	}
}

// A paused job offers one way to take it up again: the technician on it
// clocks on, which resumes it and starts their clock; whoever may resume
// it but not clock on (the controller) is offered resume. Never both.
func TestAPausedJobOffersOneWayToResume(t *testing.T) {
	st := shop.NewState()
	li := &shop.User{ID: "u-li", Roles: []shop.Role{shop.RoleTechnician}, Active: true}
	controller := &shop.User{ID: "u-controller", Roles: []shop.Role{shop.RoleController}, Active: true}
	st.Users[li.ID], st.Users[controller.ID] = li, controller
	st.Technicians["t-li"] = &shop.Technician{ID: "t-li", Name: "li", TeamID: "team-1", UserID: li.ID, Active: true}
	st.Teams["team-1"] = &shop.Team{ID: "team-1", Name: "一组", LeaderID: "t-li"}
	resumes := func(list []Action) []Action {
		var out []Action
		for _, a := range list {
			if a == ActionClockOn || a == ActionResume {
				out = append(out, a)
			}
		}
		return out
	}
	for _, stage := range []shop.Stage{shop.StagePaused, shop.StageWaitingParts, shop.StageWaitingApproval} {
		j := &shop.Job{ID: "j-" + string(stage), Stage: stage, TeamID: "team-1", TechIDs: []string{"t-li"}}
		st.Jobs[j.ID] = j
		if got := resumes(Actions(st, li, j)); !slices.Equal(got, []Action{ActionClockOn}) {
			t.Errorf("%s, the technician on it: %v, want only clock on", stage, got)
		}
		if got := resumes(Actions(st, controller, j)); !slices.Equal(got, []Action{ActionResume}) {
			t.Errorf("%s, the controller: %v, want only resume", stage, got)
		}
	}
}
