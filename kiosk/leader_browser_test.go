package kiosk_test

import (
	"context"
	"testing"
	"time"

	"bayboard/internal/livetest"
	"bayboard/internal/shop"
)

// The technician a team names as its leader passes the team check of the
// team's job on a phone, with no team_leader role ticked on his account;
// the leader of another team, who has the role, is offered nothing there.
func TestTheNamedLeaderPassesTheTeamCheckOnAPhone(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test")
	}
	f := newFloor(t)
	st := f.srv.Engine.State()
	techID := st.TechnicianOfUser(st.UserByBadge(f.badge).ID).ID
	job := st.Jobs[f.jobID]
	// The job's team is led by the technician of f.leaderBadge: take the
	// team_leader role off his account, so that only the team names him.
	leader := *st.UserByBadge(f.leaderBadge)
	if lt := st.TechnicianOfUser(leader.ID); lt == nil || st.Teams[job.TeamID].LeaderID != lt.ID {
		t.Fatalf("the badge %s is not the leader of the job's team %s", f.leaderBadge, job.TeamID)
	}
	leader.Roles = []shop.Role{shop.RoleTechnician}
	leader.PasswordHash, leader.PINHash = "", "" // kept as they are
	if _, err := f.srv.Engine.Do(context.Background(), shop.Actor{System: true}, &shop.PutUser{User: leader}); err != nil {
		t.Fatal(err)
	}
	// Another team's leader, who holds the team_leader role.
	var otherBadge string
	for _, team := range st.Teams {
		if team.ID == job.TeamID || team.LeaderID == "" {
			continue
		}
		u := st.Users[st.Technicians[team.LeaderID].UserID]
		if u.Has(shop.RoleTeamLeader) && (otherBadge == "" || u.BadgeCode < otherBadge) {
			otherBadge = u.BadgeCode
		}
	}
	if otherBadge == "" {
		t.Fatal("the demo shop has no other team's leader with the role")
	}
	for _, c := range []map[string]any{
		{"type": "clock_on", "job_id": f.jobID, "tech_id": techID},
		{"type": "finish", "job_id": f.jobID, "tech_id": techID, "self_check": []string{"work_done"}},
	} {
		f.srv.Command(c)
	}

	phone := device(t, phoneWidth, phoneHeight)
	livetest.Open(t, phone, f.srv.URL(f.jobPath))
	livetest.WaitFor(t, phone, "the sign-in form", `!!document.querySelector(".signin")`, 10*time.Second)
	signInWithBadge(t, phone, otherBadge)
	livetest.WaitFor(t, phone, "the job's actions", `!!document.querySelector("#actions")`, 10*time.Second)
	if livetest.Eval[bool](t, phone, `!!document.querySelector("[data-action=qc_team_pass]")`) {
		t.Errorf("the leader of another team (%s) is offered this team's check", otherBadge)
	}
	if got := livetest.Eval[string](t, phone, `document.querySelector("#actions .hint")?.textContent || ""`); got == "" {
		t.Errorf("the other team's leader is not told there is nothing to do")
	}

	signOut(t, phone)
	signInWithBadge(t, phone, f.leaderBadge)
	click(t, phone, "team check pass", "[data-action=qc_team_pass]")
	click(t, phone, "pass with no notes", "#team-check button[type=submit]")
	livetest.WaitFor(t, phone, "the team check done", `!document.querySelector("[data-action=qc_team_pass]") && !!document.querySelector("#actions")`, 5*time.Second)
	livetest.Screenshot(t, phone, "kiosk-named-leader-team-check")
	var passed *shop.QCResult
	for _, r := range f.srv.Engine.State().Jobs[f.jobID].CurrentQC() {
		if r.Step == shop.QCTeam {
			passed = &r
		}
	}
	if passed == nil || !passed.Pass || passed.By != leader.ID {
		t.Errorf("the team check: %+v, want passed by %s", passed, leader.ID)
	}
	checkPage(t, phone)
}
