package shop

// Permissions says which roles may give each command. The manager may give
// every command; the system actor (first start, demo) is not limited; the
// customer may only decide findings on the one job their link opens.
var Permissions = map[string][]Role{
	"set_settings":         {RoleManager},
	"put_bay":              {RoleManager},
	"put_team":             {RoleManager},
	"put_technician":       {RoleManager},
	"put_user":             {RoleManager},
	"put_customer":         {RoleManager, RoleAdvisor},
	"put_vehicle":          {RoleManager, RoleAdvisor},
	"book_appointment":     {RoleManager, RoleAdvisor},
	"update_appointment":   {RoleManager, RoleAdvisor},
	"open_job":             {RoleManager, RoleAdvisor},
	"update_estimate":      {RoleManager, RoleAdvisor},
	"submit":               {RoleManager, RoleAdvisor},
	"dispatch":             {RoleManager, RoleController, RoleAdvisor},
	"undispatch":           {RoleManager, RoleController, RoleAdvisor},
	"clock_on":             {RoleManager, RoleController, RoleTeamLeader, RoleTechnician},
	"clock_off":            {RoleManager, RoleController, RoleTeamLeader, RoleTechnician},
	"pause":                {RoleManager, RoleController, RoleTeamLeader, RoleTechnician},
	"resume":               {RoleManager, RoleController, RoleTeamLeader, RoleTechnician},
	"finish":               {RoleManager, RoleController, RoleTeamLeader, RoleTechnician},
	"qc":                   {RoleManager, RoleTeamLeader, RoleQC},
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
