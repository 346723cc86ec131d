package shop

// Permissions says which roles may give each command. The manager may give
// every command; the system actor (first start, demo) is not limited; the
// customer may only decide findings on the one job their link opens.
var Permissions = map[string][]Role{
	"set_settings":       {RoleManager},
	"put_bay":            {RoleManager},
	"put_team":           {RoleManager},
	"put_technician":     {RoleManager},
	"put_user":           {RoleManager},
	"put_customer":       {RoleManager, RoleAdvisor},
	"put_vehicle":        {RoleManager, RoleAdvisor},
	"book_appointment":   {RoleManager, RoleAdvisor},
	"update_appointment": {RoleManager, RoleAdvisor},
	"open_job":           {RoleManager, RoleAdvisor},
	"update_estimate":    {RoleManager, RoleAdvisor},
	"submit":             {RoleManager, RoleAdvisor},
	"dispatch":           {RoleManager, RoleController, RoleAdvisor},
	"undispatch":         {RoleManager, RoleController, RoleAdvisor},
	"clock_on":           {RoleManager, RoleController, RoleTeamLeader, RoleTechnician},
	"clock_off":          {RoleManager, RoleController, RoleTeamLeader, RoleTechnician},
	"pause":              {RoleManager, RoleController, RoleTeamLeader, RoleTechnician},
	"resume":             {RoleManager, RoleController, RoleTeamLeader, RoleTechnician},
	"finish":             {RoleManager, RoleController, RoleTeamLeader, RoleTechnician},
	// The team check is the leader's of the job's team, who may hold only
	// the technician role; MayQC decides which step and which team.
	"qc":                   {RoleManager, RoleTeamLeader, RoleTechnician, RoleQC},
	"wash_done":            {RoleManager, RoleController, RoleWasher},
	"deliver":              {RoleManager, RoleAdvisor, RoleCashier},
	"cancel":               {RoleManager, RoleAdvisor},
	"request_parts":        {RoleManager, RoleController, RoleTeamLeader, RoleTechnician, RoleAdvisor, RoleParts},
	"update_parts":         {RoleManager, RoleParts},
	"report_finding":       {RoleManager, RoleController, RoleTeamLeader, RoleTechnician, RoleAdvisor},
	"decide_finding":       {RoleManager, RoleAdvisor},
	"record_followup":      {RoleManager, RoleFollowUp, RoleAdvisor},
	"close_complaint":      {RoleManager, RoleFollowUp},
	"put_operation":        {RoleManager},
	"put_catalog_part":     {RoleManager, RoleParts},
	"revoke_customer_link": {RoleManager, RoleAdvisor},
	// Everyone signed in, for their own account only (the command acts on
	// its actor). It is never decoded from a client's JSON.
	"change_own_password": Roles,
	// The catalogue's imports, as the put commands of what they bring in.
	// They are never decoded from a client's JSON either: the web layer
	// builds them from a file the person has previewed.
	"import_operations":    {RoleManager},
	"import_catalog_parts": {RoleManager, RoleParts},
}

// Authorize checks that the actor may give the command at all; commands
// check the finer rules (a technician acts for themselves, a QC step needs
// its inspector) when they apply.
func Authorize(a Actor, c Command) error {
	if a.System {
		return nil
	}
	t := c.CommandType()
	if a.Customer {
		if t == "decide_finding" {
			return nil // the command checks the job
		}
		return forbidden("a customer link cannot %s", t)
	}
	if a.Has(RoleManager) {
		return nil
	}
	for _, r := range Permissions[t] {
		if a.Has(r) {
			return nil
		}
	}
	return forbidden("your role may not %s", t)
}

// MayQC says whether an actor may record a step of a job's quality check.
// The final inspection is the QC inspector's. The team check is the job's
// team's leader's: the technician the team names as its leader (Team.
// LeaderID), through that technician's account. The team_leader role alone
// names no team: a user who holds it checks the jobs of the teams that
// name them as leader and no others, and naming a technician leader is
// enough without the role. The manager and the system may do both.
func (s *State) MayQC(a Actor, j *Job, step QCStep) error {
	return mayQC(a, j, step, func(teamID string) string {
		return leaderAccount(s.Teams[teamID], func(id string) *Technician { return s.Technicians[id] })
	})
}

func mayQC(a Actor, j *Job, step QCStep, leaderOf func(teamID string) string) error {
	if a.System || a.Has(RoleManager) {
		return nil
	}
	switch step {
	case QCTeam:
		if a.UserID != "" && j.TeamID != "" && leaderOf(j.TeamID) == a.UserID {
			return nil
		}
		return forbidden("the team check is for the leader of the job's team")
	case QCFinal:
		if a.Has(RoleQC) {
			return nil
		}
		return forbidden("the final inspection is the QC inspector's")
	}
	return forbidden("no such check")
}

// leaderAccount is the user id of the active technician a team names as
// its leader, or "" when it names none, or one who is inactive or has no
// account.
func leaderAccount(team *Team, tech func(id string) *Technician) string {
	if team == nil || team.LeaderID == "" {
		return ""
	}
	t := tech(team.LeaderID)
	if t == nil || !t.Active {
		return ""
	}
	return t.UserID
}
