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

// commandTypes maps each command's type to a constructor, for the decoder.
var commandTypes = map[string]func() Command{
	"set_settings":         func() Command { return &SetSettings{} },
	"put_bay":              func() Command { return &PutBay{} },
	"put_team":             func() Command { return &PutTeam{} },
	"put_technician":       func() Command { return &PutTechnician{} },
	"put_user":             func() Command { return &PutUser{} },
	"put_customer":         func() Command { return &PutCustomer{} },
	"put_vehicle":          func() Command { return &PutVehicle{} },
	"book_appointment":     func() Command { return &BookAppointment{} },
	"update_appointment":   func() Command { return &UpdateAppointment{} },
	"open_job":             func() Command { return &OpenJob{} },
	"update_estimate":      func() Command { return &UpdateEstimate{} },
	"submit":               func() Command { return &Submit{} },
	"dispatch":             func() Command { return &Dispatch{} },
	"undispatch":           func() Command { return &Undispatch{} },
	"clock_on":             func() Command { return &ClockOn{} },
	"clock_off":            func() Command { return &ClockOff{} },
	"pause":                func() Command { return &Pause{} },
	"resume":               func() Command { return &Resume{} },
	"finish":               func() Command { return &Finish{} },
	"qc":                   func() Command { return &QC{} },
	"wash_done":            func() Command { return &WashDone{} },
	"deliver":              func() Command { return &Deliver{} },
	"cancel":               func() Command { return &Cancel{} },
	"request_parts":        func() Command { return &RequestParts{} },
	"update_parts":         func() Command { return &UpdateParts{} },
	"report_finding":       func() Command { return &ReportFinding{} },
	"decide_finding":       func() Command { return &DecideFinding{} },
	"record_followup":      func() Command { return &RecordFollowUp{} },
	"close_complaint":      func() Command { return &CloseComplaint{} },
	"put_operation":        func() Command { return &PutOperation{} },
	"put_catalog_part":     func() Command { return &PutCatalogPart{} },
	"revoke_customer_link": func() Command { return &RevokeCustomerLink{} },
}

// CommandTypes returns every command type, for documentation and tests.
func CommandTypes() []string {
	out := make([]string, 0, len(commandTypes))
	for t := range commandTypes {
		out = append(out, t)
	}
	return out
}

// NewCommand returns an empty command of a type, or nil.
func NewCommand(t string) Command {
	if mk, ok := commandTypes[t]; ok {
		return mk()
	}
	return nil
}

// kind embeds the "type" field in every command's JSON.
type kind struct {
	Type string `json:"type"`
}
