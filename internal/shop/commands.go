package shop

import "time"

// Command is one change a user asks for. Its JSON form is flat, with a
// "type" field naming the command: {"type":"clock_on","job_id":"…"}.
type Command interface {
	CommandType() string
	apply(d *Draft, a Actor, now time.Time) (result, error)
}

// result names what a command changed, for its event.
type result struct {
	subject string
	job     string
}

// commandType is one kind of command: how the decoder makes an empty one,
// and which roles may give it at all. The manager may give every command
// and the system actor (first start, demo) is not limited; the customer
// may only decide findings on the one job their link opens. Whether a
// person may give a command to the shop as it stands now (their own
// clock, the job's stage, the check that is theirs) is State.May's.
type commandType struct {
	// decode makes an empty command for the decoder; nil for a command a
	// client never sends as JSON.
	decode func() Command
	roles  []Role
}

// Role lists, named once for the commands many roles share.
var (
	managerRoles = []Role{RoleManager}
	deskRoles    = []Role{RoleManager, RoleAdvisor}
	floorRoles   = []Role{RoleManager, RoleController, RoleTeamLeader, RoleTechnician}
)

// commandTypes is every command type: its constructor and its roles.
var commandTypes = map[string]commandType{
	"set_settings":       {func() Command { return &SetSettings{} }, managerRoles},
	"put_bay":            {func() Command { return &PutBay{} }, managerRoles},
	"put_team":           {func() Command { return &PutTeam{} }, managerRoles},
	"put_technician":     {func() Command { return &PutTechnician{} }, managerRoles},
	"put_user":           {func() Command { return &PutUser{} }, managerRoles},
	"put_customer":       {func() Command { return &PutCustomer{} }, deskRoles},
	"put_vehicle":        {func() Command { return &PutVehicle{} }, deskRoles},
	"book_appointment":   {func() Command { return &BookAppointment{} }, deskRoles},
	"update_appointment": {func() Command { return &UpdateAppointment{} }, deskRoles},
	"open_job":           {func() Command { return &OpenJob{} }, deskRoles},
	"update_estimate":    {func() Command { return &UpdateEstimate{} }, deskRoles},
	"submit":             {func() Command { return &Submit{} }, deskRoles},
	"agree_promise":      {func() Command { return &AgreePromise{} }, deskRoles},
	"reopen_comeback":    {func() Command { return &ReopenComeback{} }, deskRoles},
	"dispatch":           {func() Command { return &Dispatch{} }, []Role{RoleManager, RoleController, RoleAdvisor}},
	"undispatch":         {func() Command { return &Undispatch{} }, []Role{RoleManager, RoleController, RoleAdvisor}},
	"clock_on":           {func() Command { return &ClockOn{} }, floorRoles},
	"clock_off":          {func() Command { return &ClockOff{} }, floorRoles},
	"pause":              {func() Command { return &Pause{} }, floorRoles},
	"resume":             {func() Command { return &Resume{} }, floorRoles},
	"finish":             {func() Command { return &Finish{} }, floorRoles},
	// The team check is the leader's of the job's team, who may hold only
	// the technician role; MayQC decides which step and which team.
	"qc":                   {func() Command { return &QC{} }, []Role{RoleManager, RoleTeamLeader, RoleTechnician, RoleQC}},
	"wash_done":            {func() Command { return &WashDone{} }, []Role{RoleManager, RoleController, RoleWasher}},
	"start_wash":           {func() Command { return &StartWash{} }, []Role{RoleManager, RoleController, RoleWasher}},
	"deliver":              {func() Command { return &Deliver{} }, []Role{RoleManager, RoleAdvisor, RoleCashier}},
	"cancel":               {func() Command { return &Cancel{} }, deskRoles},
	"set_payer":            {func() Command { return &SetPayer{} }, deskRoles},
	"give_discount":        {func() Command { return &GiveDiscount{} }, []Role{RoleManager, RoleAdvisor, RoleCashier}},
	"remove_discount":      {func() Command { return &RemoveDiscount{} }, []Role{RoleManager, RoleAdvisor, RoleCashier}},
	"request_parts":        {func() Command { return &RequestParts{} }, []Role{RoleManager, RoleController, RoleTeamLeader, RoleTechnician, RoleAdvisor, RoleParts}},
	"update_parts":         {func() Command { return &UpdateParts{} }, []Role{RoleManager, RoleParts}},
	"issue_part":           {func() Command { return &IssuePart{} }, []Role{RoleManager, RoleParts}},
	"return_part":          {func() Command { return &ReturnPart{} }, []Role{RoleManager, RoleParts}},
	"allow_part":           {func() Command { return &AllowPart{} }, deskRoles},
	"report_finding":       {func() Command { return &ReportFinding{} }, []Role{RoleManager, RoleController, RoleTeamLeader, RoleTechnician, RoleAdvisor}},
	"decide_finding":       {func() Command { return &DecideFinding{} }, deskRoles},
	"withdraw_finding":     {func() Command { return &WithdrawFinding{} }, deskRoles},
	"price_finding":        {func() Command { return &PriceFinding{} }, deskRoles},
	"record_followup":      {func() Command { return &RecordFollowUp{} }, []Role{RoleManager, RoleFollowUp, RoleAdvisor}},
	"close_complaint":      {func() Command { return &CloseComplaint{} }, []Role{RoleManager, RoleFollowUp}},
	"put_operation":        {func() Command { return &PutOperation{} }, managerRoles},
	"put_catalog_part":     {func() Command { return &PutCatalogPart{} }, []Role{RoleManager, RoleParts}},
	"revoke_customer_link": {func() Command { return &RevokeCustomerLink{} }, deskRoles},
	// The car's history: the floor notes work for next time on its own
	// jobs, the desk on any car; the desk closes a recommendation; the
	// follow-up desk calls about the next service.
	"record_recommendation":   {func() Command { return &RecordRecommendation{} }, []Role{RoleManager, RoleController, RoleTeamLeader, RoleTechnician, RoleAdvisor}},
	"close_recommendation":    {func() Command { return &CloseRecommendation{} }, deskRoles},
	"record_service_reminder": {func() Command { return &RecordServiceReminder{} }, []Role{RoleManager, RoleFollowUp, RoleAdvisor}},
	// The desk acknowledges its own notices (notices.go).
	"acknowledge_notice": {func() Command { return &AcknowledgeNotice{} }, []Role{RoleManager, RoleAdvisor, RoleCashier, RoleController}},
	// Everyone signed in, for their own account only (the command acts on
	// its actor). It carries a hash, so a client never sends it.
	"change_own_password": {nil, Roles},
	// Photos (photos.go): attach_photo is built only by the upload route,
	// once the file is stored, so a client cannot name a file that is not
	// there; its rules of the moment are per kind of photo.
	"attach_photo": {nil, photoRoles},
	"remove_photo": {func() Command { return &RemovePhoto{} }, photoRoles},
	// The photo retention's, the server's own (System): no role gives it.
	"expire_photos": {nil, nil},
	// The reminders and the survey link as they come due (duemessages.go),
	// the server's own too.
	"send_message": {nil, nil},
	// The duty roster is the controller's (roster.go).
	"set_roster": {func() Command { return &SetRoster{} }, []Role{RoleManager, RoleController}},
	// The catalogue's imports, as the put commands of what they bring in.
	// The web layer builds them from a file the person has previewed.
	"import_operations":    {nil, managerRoles},
	"import_catalog_parts": {nil, []Role{RoleManager, RoleParts}},
	// The follow-up survey (survey.go): the customer answers through their
	// link's route only; the follow-up desk assigns a complaint.
	"answer_survey":    {nil, nil},
	"assign_complaint": {func() Command { return &AssignComplaint{} }, []Role{RoleManager, RoleFollowUp}},
	// The outbox's webhooks (outbox.go): the web layer builds them, since
	// the server generates the signing secret.
	"put_webhook":    {nil, managerRoles},
	"remove_webhook": {nil, managerRoles},
	// The customer messages' channels (senders.go): the web layer builds
	// them, so that the secret is in no command's JSON.
	"put_message_sender": {nil, managerRoles},
	// The dealer group's link (grouplink.go): the web layer builds it too,
	// for its secret.
	"put_group_link": {nil, managerRoles},
	// The customer message templates (messages.go) are the manager's.
	"set_message_templates": {func() Command { return &SetMessageTemplates{} }, managerRoles},
}

// CommandTypes returns every command type a client may send, for
// documentation and tests.
func CommandTypes() []string {
	out := make([]string, 0, len(commandTypes))
	for t, ct := range commandTypes {
		if ct.decode != nil {
			out = append(out, t)
		}
	}
	return out
}

// NewCommand returns an empty command of a type a client may send, or nil.
func NewCommand(t string) Command {
	if ct, ok := commandTypes[t]; ok && ct.decode != nil {
		return ct.decode()
	}
	return nil
}

// kind embeds the "type" field in every command's JSON.
type kind struct {
	Type string `json:"type"`
}
