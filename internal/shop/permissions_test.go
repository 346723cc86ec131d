package shop

import (
	"testing"
)

// Who may pass a job's team check and its final inspection, written out
// for each person and each job's team: the team check is the leader's of
// the job's team (the technician the team names, with or without the
// team_leader role), never another team's leader's, never the role's
// alone; the final inspection is the QC inspector's; the manager may do
// both.
func TestWhoMayPassEachCheck(t *testing.T) {
	st := NewState()
	users := []struct{ id, login string }{
		{"u-aleader", "aleader"}, {"u-bleader", "bleader"}, {"u-rolelead", "rolelead"},
		{"u-atech", "atech"}, {"u-gone", "gone"}, {"u-qc", "qc"}, {"u-manager", "manager"}, {"u-advisor", "advisor"},
	}
	roles := map[string][]Role{
		"u-aleader":  {RoleTechnician},                 // named leader of team A, no role ticked
		"u-bleader":  {RoleTechnician, RoleTeamLeader}, // named leader of team B, role ticked
		"u-rolelead": {RoleTechnician, RoleTeamLeader}, // role ticked, leads no team
		"u-atech":    {RoleTechnician},
		"u-gone":     {RoleTechnician, RoleTeamLeader}, // leads team D, but is no longer active
		"u-qc":       {RoleQC},
		"u-manager":  {RoleManager},
		"u-advisor":  {RoleAdvisor},
	}
	for _, u := range users {
		st.Users[u.id] = &User{ID: u.id, Login: u.login, Name: u.login, Roles: roles[u.id], Active: true}
	}
	st.Technicians["t-a1"] = &Technician{ID: "t-a1", Name: "a1", TeamID: "team-a", UserID: "u-aleader", Active: true}
	st.Technicians["t-a2"] = &Technician{ID: "t-a2", Name: "a2", TeamID: "team-a", UserID: "u-atech", Active: true}
	st.Technicians["t-a3"] = &Technician{ID: "t-a3", Name: "a3", TeamID: "team-a", UserID: "u-rolelead", Active: true}
	st.Technicians["t-b1"] = &Technician{ID: "t-b1", Name: "b1", TeamID: "team-b", UserID: "u-bleader", Active: true}
	st.Technicians["t-d1"] = &Technician{ID: "t-d1", Name: "d1", TeamID: "team-d", UserID: "u-gone", Active: false}
	st.Teams["team-a"] = &Team{ID: "team-a", Name: "A", LeaderID: "t-a1"}
	st.Teams["team-b"] = &Team{ID: "team-b", Name: "B", LeaderID: "t-b1"}
	st.Teams["team-c"] = &Team{ID: "team-c", Name: "C"}
	st.Teams["team-d"] = &Team{ID: "team-d", Name: "D", LeaderID: "t-d1"}
	teams := []string{"team-a", "team-b", "team-c", "team-d"}
	for _, team := range teams {
		id := "job-" + team
		st.Jobs[id] = &Job{ID: id, Stage: StageQualityCheck, TeamID: team, QC: []QCResult{{Step: QCSelf, Pass: true}}}
		id = "passed-" + team
		st.Jobs[id] = &Job{ID: id, Stage: StageQualityCheck, TeamID: team,
			QC: []QCResult{{Step: QCSelf, Pass: true}, {Step: QCTeam, Pass: true}}}
	}

	// The team check, by the job's team: A, B, C (no leader), D (an
	// inactive leader).
	teamCheck := map[string][4]bool{
		"u-aleader":  {true, false, false, false},
		"u-bleader":  {false, true, false, false},
		"u-rolelead": {false, false, false, false},
		"u-atech":    {false, false, false, false},
		"u-gone":     {false, false, false, false},
		"u-qc":       {false, false, false, false},
		"u-manager":  {true, true, true, true},
		"u-advisor":  {false, false, false, false},
	}
	// The final inspection, whatever the team.
	finalCheck := map[string]bool{
		"u-aleader": false, "u-bleader": false, "u-rolelead": false, "u-atech": false,
		"u-gone": false, "u-qc": true, "u-manager": true, "u-advisor": false,
	}
	for _, u := range users {
		a := Actor{UserID: u.id, Roles: roles[u.id]}
		for i, team := range teams {
			want := teamCheck[u.id][i]
			job := st.Jobs["job-"+team]
			if got := st.MayQC(a, job, QCTeam) == nil; got != want {
				t.Errorf("MayQC: %s, team check of %s: %v, want %v", u.login, team, got, want)
			}
			_, err := NewDraft(st).Apply(a, &QC{JobID: job.ID, Step: QCTeam, Pass: true}, t0)
			if got := err == nil; got != want || (!want && CodeOf(err) != CodeForbidden) {
				t.Errorf("qc command: %s, team check of %s: %v, want allowed %v", u.login, team, err, want)
			}
			job = st.Jobs["passed-"+team]
			want = finalCheck[u.id]
			if got := st.MayQC(a, job, QCFinal) == nil; got != want {
				t.Errorf("MayQC: %s, final inspection of %s: %v, want %v", u.login, team, got, want)
			}
			_, err = NewDraft(st).Apply(a, &QC{JobID: job.ID, Step: QCFinal, Pass: true}, t0)
			if got := err == nil; got != want || (!want && CodeOf(err) != CodeForbidden) {
				t.Errorf("qc command: %s, final inspection of %s: %v, want allowed %v", u.login, team, err, want)
			}
		}
	}
}
