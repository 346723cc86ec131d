package shop

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

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

// MaxCommandBytes bounds a command's JSON; the longest real one, an estimate
// with a hundred lines, is far below it.
const MaxCommandBytes = 256 << 10

// DecodeCommand reads one command strictly: unknown fields, wrong types,
// trailing data and unknown command types are errors.
func DecodeCommand(data []byte) (Command, error) {
	if len(data) > MaxCommandBytes {
		return nil, &Error{Code: CodeInvalid, Message: fmt.Sprintf("the command is larger than %d bytes", MaxCommandBytes)}
	}
	var head struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, invalidJSON(err)
	}
	c := NewCommand(head.Type)
	if c == nil {
		return nil, &Error{Code: CodeInvalid, Message: "unknown command type", Fields: []FieldError{{Field: "type", Message: fmt.Sprintf("%q is not a command", head.Type)}}}
	}
	if err := DecodeStrict(data, c); err != nil {
		return nil, err
	}
	return c, nil
}

// DecodeStrict decodes one JSON value into v, refusing unknown fields and
// trailing data. It is the one JSON decoder for everything users send.
func DecodeStrict(data []byte, v any) error {
	if !utf8.Valid(data) {
		return &Error{Code: CodeInvalid, Message: "the body is not valid UTF-8"}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var timeErr *time.ParseError
		if errors.As(err, &timeErr) {
			// The decoder does not say which field held the time; the body
			// does: the string it could not read.
			field := pathOf(data, timeErr.Value)
			if field == "" {
				field = "(body)"
			}
			return &Error{Code: CodeInvalid, Message: "a time is not in RFC 3339 form", Fields: []FieldError{{Field: field, Message: "must be a time such as 2026-11-23T14:30:00+08:00"}}}
		}
		if e, ok := invalidJSON(err).(*Error); ok && e.Message == "the request has an unknown field" {
			// The decoder names the key alone; the body tells where it is.
			if path := keyPath(data, e.Fields[0].Field); path != "" {
				e.Fields[0].Field = path
			}
			return e
		}
		return invalidJSON(err)
	}
	if dec.More() {
		return &Error{Code: CodeInvalid, Message: "the body has data after its JSON value"}
	}
	return nil
}

func invalidJSON(err error) error {
	var typeErr *json.UnmarshalTypeError
	if ok := asType(err, &typeErr); ok {
		field := jsonPath(typeErr.Field)
		if field == "" {
			field = "(body)"
		}
		return &Error{Code: CodeInvalid, Message: "a field has the wrong type", Fields: []FieldError{{Field: field, Message: "must be " + typeErr.Type.String()}}}
	}
	msg := err.Error()
	if strings.HasPrefix(msg, "json: unknown field ") {
		name := strings.Trim(strings.TrimPrefix(msg, "json: unknown field "), `"`)
		return &Error{Code: CodeInvalid, Message: "the request has an unknown field", Fields: []FieldError{{Field: name, Message: "unknown field"}}}
	}
	return &Error{Code: CodeInvalid, Message: "the body is not valid JSON: " + strings.TrimPrefix(msg, "json: ")}
}

// keyPath finds where a JSON document has a key, as a path such as
// "customer.nickname"; "" when nowhere.
func keyPath(data []byte, key string) string {
	return findPath(data, func(path string, k string, _ any) bool { return k == key })
}

// pathOf finds where a JSON document holds the string value, as a path
// such as "estimate.promised_at" or "labour[2].name"; "" when nowhere.
func pathOf(data []byte, value string) string {
	return findPath(data, func(_ string, _ string, v any) bool { str, ok := v.(string); return ok && str == value })
}

// findPath walks a JSON document, objects' keys in order, and returns the
// path of the first member or element for which match is true.
func findPath(data []byte, match func(path, key string, v any) bool) string {
	var doc any
	if json.Unmarshal(data, &doc) != nil {
		return ""
	}
	var walk func(v any, path, key string) (string, bool)
	walk = func(v any, path, key string) (string, bool) {
		if path != "" && match(path, key, v) {
			return path, true
		}
		switch v := v.(type) {
		case map[string]any:
			keys := make([]string, 0, len(v))
			for k := range v {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				p := k
				if path != "" {
					p = path + "." + k
				}
				if found, ok := walk(v[k], p, k); ok {
					return found, true
				}
			}
		case []any:
			for i, e := range v {
				if found, ok := walk(e, fmt.Sprintf("%s[%d]", path, i), ""); ok {
					return found, true
				}
			}
		}
		return "", false
	}
	found, _ := walk(doc, "", "")
	return found
}

// jsonPath drops the Go names of embedded structs from a decoder's field
// path, leaving the JSON path a client sent: "JobRef.job_id" → "job_id".
func jsonPath(p string) string {
	var keep []string
	for _, seg := range strings.Split(p, ".") {
		if seg != "" && seg[0] >= 'A' && seg[0] <= 'Z' {
			continue
		}
		keep = append(keep, seg)
	}
	return strings.Join(keep, ".")
}

func asType(err error, target **json.UnmarshalTypeError) bool {
	e, ok := err.(*json.UnmarshalTypeError)
	if ok {
		*target = e
	}
	return ok
}

// kind embeds the "type" field in every command's JSON.
type kind struct {
	Type string `json:"type"`
}

// Text limits keep one careless paste from filling a job card.
const (
	maxName  = 80
	maxText  = 2000
	maxLines = 200
)

func checkText(p *problems, field, v string, max int, required bool) {
	switch {
	case required && strings.TrimSpace(v) == "":
		p.add(field, "is required")
	case utf8.RuneCountInString(v) > max:
		p.add(field, "is longer than %d characters", max)
	}
}

func checkLines(p *problems, labour []Labour, parts []PartLine) {
	if len(labour) > maxLines || len(parts) > maxLines {
		p.add("labour", "at most %d lines each of labour and parts", maxLines)
		return
	}
	for i, l := range labour {
		f := fmt.Sprintf("labour[%d]", i)
		checkText(p, f+".name", l.Name, maxName, true)
		if l.SoldHours < 0 || l.SoldHours > 200 {
			p.add(f+".sold_hours", "must be between 0 and 200")
		}
		if l.Price < 0 {
			p.add(f+".price", "must not be negative")
		}
	}
	for i, l := range parts {
		f := fmt.Sprintf("parts[%d]", i)
		checkText(p, f+".name", l.Name, maxName, true)
		checkText(p, f+".number", l.Number, 40, false)
		if l.Quantity <= 0 || l.Quantity > 10000 {
			p.add(f+".quantity", "must be more than 0 and at most 10000")
		}
		if l.UnitPrice < 0 {
			p.add(f+".unit_price", "must not be negative")
		}
	}
}

// cloneJob copies a job deeply enough that the copy can be changed.
func cloneJob(j *Job) *Job {
	c := *j
	c.Labour = append([]Labour(nil), j.Labour...)
	c.Parts = append([]PartLine(nil), j.Parts...)
	c.TechIDs = append([]string(nil), j.TechIDs...)
	c.QC = append([]QCResult(nil), j.QC...)
	c.Clock = append([]ClockSession(nil), j.Clock...)
	c.Stages = append([]StageChange(nil), j.Stages...)
	return &c
}

// editJob returns a changeable copy of an open job, put in the draft.
func (d *Draft) editJob(id string, now time.Time) (*Job, error) {
	j := d.jobs.get(id)
	if j == nil {
		return nil, notFound("job", id)
	}
	c := cloneJob(j)
	c.UpdatedAt = now
	set(d, &d.jobs, id, c)
	return c, nil
}

func (j *Job) moveTo(to Stage, now time.Time) error {
	if err := checkMove(j.Stage, to); err != nil {
		return err
	}
	j.Stage = to
	if !to.Paused() {
		j.PauseReason = ""
	}
	j.Stages = append(j.Stages, StageChange{Stage: to, At: now})
	return nil
}

// closeClock ends the open sessions of a job, of one technician or of all.
func (j *Job) closeClock(techID string, now time.Time, note string) {
	for i := range j.Clock {
		s := &j.Clock[i]
		if s.End == nil && (techID == "" || s.TechID == techID) {
			end := now
			s.End = &end
			if note != "" {
				s.Note = note
			}
		}
	}
}

// clockedOn reports whether a technician has an open session on the job.
func (j *Job) clockedOn(techID string) bool {
	for _, s := range j.Clock {
		if s.End == nil && s.TechID == techID {
			return true
		}
	}
	return false
}

func jobResult(j *Job) result { return result{subject: j.ID, job: j.ID} }

// ---- shop setup ----

// SetSettings replaces the shop's settings.
type SetSettings struct {
	kind
	Settings Settings `json:"settings"`
}

func (c *SetSettings) CommandType() string { return "set_settings" }
func (c *SetSettings) apply(d *Draft, a Actor, now time.Time) (result, error) {
	var p problems
	s := c.Settings
	checkText(&p, "settings.name", s.Name, maxName, true)
	checkText(&p, "settings.address", s.Address, 200, false)
	checkText(&p, "settings.seal_text", s.SealText, 40, false)
	checkText(&p, "settings.lounge_message", s.LoungeMessage, 120, false)
	if s.Phone != "" {
		if _, ok := ParsePhone(s.Phone); !ok {
			p.add("settings.phone", "is not a phone number")
		}
	}
	if s.Language != "zh-CN" && s.Language != "en" {
		p.add("settings.language", "must be zh-CN or en")
	}
	// Promised times and ETAs are worked out over the opening hours.
	checkHours(&p, "settings.hours", s.Hours)
	if len(s.Currency) != 3 {
		p.add("settings.currency", "must be a three-letter currency code")
	}
	s.BaseURL = checkBaseURL(&p, s.BaseURL)
	if s.QCMinutes < 0 || s.QCMinutes > 600 || s.WashMinutes < 0 || s.WashMinutes > 600 {
		p.add("settings.qc_minutes", "QC and wash minutes must be between 0 and 600")
	}
	if s.LabelWidthMM < 30 || s.LabelWidthMM > 150 || s.LabelHeightMM < 20 || s.LabelHeightMM > 150 {
		p.add("settings.label_width_mm", "labels must be 30–150 mm wide and 20–150 mm high")
	}
	if s.CustomerLinkDays < 1 || s.CustomerLinkDays > 365 {
		p.add("settings.customer_link_days", "must be between 1 and 365")
	}
	if s.KioskIdleMinutes != 0 && (s.KioskIdleMinutes < 2 || s.KioskIdleMinutes > 720) {
		p.add("settings.kiosk_idle_minutes", "must be between 2 and 720, or 0 for the default")
	}
	// The zone database is data compiled into the binary (time/tzdata),
	// looked up by name: the one lookup the domain makes.
	loc, err := time.LoadLocation(s.TimeZone)
	if err != nil || s.TimeZone == "" {
		p.add("settings.time_zone", "must be an IANA time zone such as Asia/Shanghai")
	}
	names := map[string]bool{}
	for i, pr := range s.Printers {
		f := fmt.Sprintf("settings.printers[%d]", i)
		checkText(&p, f+".name", pr.Name, 40, true)
		if names[pr.Name] {
			p.add(f+".name", "is used twice")
		}
		names[pr.Name] = true
		if !strings.HasPrefix(pr.URI, "ipp://") && !strings.HasPrefix(pr.URI, "ipps://") && !strings.HasPrefix(pr.URI, "http://") && !strings.HasPrefix(pr.URI, "https://") {
			p.add(f+".uri", "must be an ipp://, ipps://, http:// or https:// address")
		}
		checkText(&p, f+".media", pr.Media, 60, false)
		if pr.Use != PrinterA4 && pr.Use != PrinterLabel {
			p.add(f+".use", "must be a4 or label")
		}
	}
	if err := p.err(); err != nil {
		return result{}, err
	}
	s.Printers = append([]Printer{}, s.Printers...)
	s.Hours.Week = append([]DayHours{}, s.Hours.Week...)
	s.Hours.ClosedDays = append([]ClosedDay{}, s.Hours.ClosedDays...)
	sortClosedDays(s.Hours.ClosedDays)
	prev := d.settings
	prevLoc := d.loc
	d.settings, d.loc = &s, loc
	d.undo = append(d.undo, func() { d.settings, d.loc = prev, prevLoc })
	return result{subject: "settings"}, nil
}

// PutBay creates a bay (empty id) or changes one.
type PutBay struct {
	kind
	Bay Bay `json:"bay"`
}

func (c *PutBay) CommandType() string { return "put_bay" }
func (c *PutBay) apply(d *Draft, a Actor, now time.Time) (result, error) {
	var p problems
	b := c.Bay
	checkText(&p, "bay.name", b.Name, maxName, true)
	if !knownBayKind(b.Kind) {
		p.add("bay.kind", "must be one of quick_service, general, alignment, diagnosis, body, paint, wash")
	}
	if err := p.err(); err != nil {
		return result{}, err
	}
	return upsert(d, &d.bays, "bay", "bay", &b.ID, &b)
}

func knownBayKind(k BayKind) bool {
	for _, known := range BayKinds {
		if k == known {
			return true
		}
	}
	return false
}

// upsert stores a created object under a new id, or a changed one under
// its id once it is known to exist.
func upsert[T any](d *Draft, l *layer[T], what, prefix string, id *string, v *T) (result, error) {
	if *id == "" {
		*id = d.newID(prefix)
	} else if l.get(*id) == nil {
		return result{}, notFound(what, *id)
	}
	set(d, l, *id, v)
	return result{subject: *id}, nil
}

// PutTeam creates or changes a team.
type PutTeam struct {
	kind
	Team Team `json:"team"`
}

func (c *PutTeam) CommandType() string { return "put_team" }
func (c *PutTeam) apply(d *Draft, a Actor, now time.Time) (result, error) {
	var p problems
	t := c.Team
	checkText(&p, "team.name", t.Name, maxName, true)
	if t.LeaderID != "" && d.technicians.get(t.LeaderID) == nil {
		p.add("team.leader_id", "is not a technician")
	}
	if err := p.err(); err != nil {
		return result{}, err
	}
	return upsert(d, &d.teams, "team", "team", &t.ID, &t)
}

// PutTechnician creates or changes a technician.
type PutTechnician struct {
	kind
	Technician Technician `json:"technician"`
}

func (c *PutTechnician) CommandType() string { return "put_technician" }
func (c *PutTechnician) apply(d *Draft, a Actor, now time.Time) (result, error) {
	var p problems
	t := c.Technician
	checkText(&p, "technician.name", t.Name, maxName, true)
	if d.teams.get(t.TeamID) == nil {
		p.add("technician.team_id", "is not a team")
	}
	// The technician signs in with the badge code and PIN of this account.
	if u := d.users.get(t.UserID); t.UserID != "" && u == nil {
		p.add("technician.user_id", "is not a user")
	} else if u != nil && !u.Has(RoleTechnician) && !u.Has(RoleTeamLeader) {
		p.add("technician.user_id", "is not a technician")
	}
	if len(t.Skills) > 20 {
		p.add("technician.skills", "at most 20 skills")
	}
	// Skills are the kinds of bay a technician can work in: the controller
	// dispatches by them.
	seenSkill := map[string]bool{}
	for i, sk := range t.Skills {
		f := fmt.Sprintf("technician.skills[%d]", i)
		if !knownBayKind(BayKind(sk)) {
			p.add(f, "must be one of quick_service, general, alignment, diagnosis, body, paint, wash")
		} else if seenSkill[sk] {
			p.add(f, "is listed twice")
		}
		seenSkill[sk] = true
	}
	if err := p.err(); err != nil {
		return result{}, err
	}
	t.Skills = append([]string(nil), t.Skills...)
	return upsert(d, &d.technicians, "technician", "tech", &t.ID, &t)
}

// PutUser creates or changes a user. Secrets arrive already hashed: the web
// layer hashes them, so the event history never holds a password.
type PutUser struct {
	kind
	User User `json:"user"`
}

func (c *PutUser) CommandType() string { return "put_user" }
func (c *PutUser) apply(d *Draft, a Actor, now time.Time) (result, error) {
	var p problems
	u := c.User
	checkText(&p, "user.login", u.Login, 40, true)
	checkText(&p, "user.name", u.Name, maxName, true)
	checkText(&p, "user.badge_code", u.BadgeCode, 20, false)
	if len(u.Roles) == 0 {
		p.add("user.roles", "at least one role")
	}
	for i, r := range u.Roles {
		ok := false
		for _, known := range Roles {
			ok = ok || r == known
		}
		if !ok {
			p.add(fmt.Sprintf("user.roles[%d]", i), "%q is not a role", r)
		}
	}
	if u.Phone != "" {
		if ph, ok := ParsePhone(u.Phone); ok {
			u.Phone = ph
		} else {
			p.add("user.phone", "is not a phone number")
		}
	}
	d.users.each(func(o *User) {
		if o.ID == u.ID {
			return
		}
		if o.Login == u.Login {
			p.add("user.login", "is taken")
		}
		if u.BadgeCode != "" && o.BadgeCode == u.BadgeCode {
			p.add("user.badge_code", "is taken")
		}
	})
	if err := p.err(); err != nil {
		return result{}, err
	}
	u.Roles = append([]Role(nil), u.Roles...)
	// A password someone else sets must be changed by its user at the next
	// sign-in; the flag is this rule's, not the client's to send. The
	// system (first start, the demo) sets it as it means to.
	if !a.System {
		u.MustChangePassword = u.PasswordHash != ""
	}
	if u.ID == "" {
		u.ID = d.newID("user")
	} else if old := d.users.get(u.ID); old == nil {
		return result{}, notFound("user", u.ID)
	} else {
		// An update that leaves a secret empty keeps the old one.
		if u.PasswordHash == "" {
			u.PasswordHash = old.PasswordHash
			u.MustChangePassword = old.MustChangePassword
		}
		if u.PINHash == "" {
			u.PINHash = old.PINHash
		}
	}
	set(d, &d.users, u.ID, &u)
	return result{subject: u.ID}, nil
}

// eventData keeps the secrets' hashes out of the event log, which exports
// and histories show: the log says a secret was set, not what it hashes to.
func (c *PutUser) eventData() any {
	u := c.User
	u.PasswordHash, u.PINHash = "", ""
	return struct {
		User        User `json:"user"`
		SetPassword bool `json:"set_password,omitempty"`
		SetPIN      bool `json:"set_pin,omitempty"`
	}{u, c.User.PasswordHash != "", c.User.PINHash != ""}
}

// ChangeOwnPassword sets the acting user's own password, whatever their
// role. The web layer checks the old password and hashes the new one; the
// command is not among those a client may send, since it takes a hash.
type ChangeOwnPassword struct {
	kind
	PasswordHash string `json:"-"`
}

func (c *ChangeOwnPassword) CommandType() string { return "change_own_password" }
func (c *ChangeOwnPassword) apply(d *Draft, a Actor, now time.Time) (result, error) {
	old := d.users.get(a.UserID)
	if old == nil || !old.Active {
		return result{}, notFound("user", a.UserID)
	}
	if c.PasswordHash == "" {
		return result{}, &Error{Code: CodeInvalid, Message: "no new password", Fields: []FieldError{{Field: "password", Message: "is required"}}}
	}
	u := *old
	u.PasswordHash, u.MustChangePassword = c.PasswordHash, false
	set(d, &d.users, u.ID, &u)
	return result{subject: u.ID}, nil
}

// PutCustomer creates or changes a customer.
type PutCustomer struct {
	kind
	Customer Customer `json:"customer"`
}

func (c *PutCustomer) CommandType() string { return "put_customer" }
func (c *PutCustomer) apply(d *Draft, a Actor, now time.Time) (result, error) {
	var p problems
	cu := c.Customer
	checkText(&p, "customer.name", cu.Name, maxName, true)
	if ph, ok := ParsePhone(cu.Phone); ok {
		cu.Phone = ph
	} else {
		p.add("customer.phone", "is not a phone number")
	}
	if err := p.err(); err != nil {
		return result{}, err
	}
	return upsert(d, &d.customers, "customer", "cu", &cu.ID, &cu)
}

// PutVehicle creates or changes a vehicle.
type PutVehicle struct {
	kind
	Vehicle Vehicle `json:"vehicle"`
}

func (c *PutVehicle) CommandType() string { return "put_vehicle" }
func (c *PutVehicle) apply(d *Draft, a Actor, now time.Time) (result, error) {
	var p problems
	v := c.Vehicle
	if d.customers.get(v.CustomerID) == nil {
		p.add("vehicle.customer_id", "is not a customer")
	}
	if plate, ok := ParsePlate(v.Plate); ok {
		v.Plate = plate
		d.vehicles.each(func(o *Vehicle) {
			if o.Plate == plate && o.ID != v.ID {
				p.add("vehicle.plate", "is registered already")
			}
		})
	} else {
		p.add("vehicle.plate", "is not a licence plate (such as 京A·12345)")
	}
	if v.VIN != "" {
		if vin, ok := ParseVIN(v.VIN); ok {
			v.VIN = vin
		} else {
			p.add("vehicle.vin", "is not a valid 17-character VIN")
		}
	}
	checkText(&p, "vehicle.model", v.Model, maxName, false)
	if v.MileageKM < 0 || v.MileageKM > 3_000_000 {
		p.add("vehicle.mileage_km", "must be between 0 and 3000000")
	}
	if err := p.err(); err != nil {
		return result{}, err
	}
	return upsert(d, &d.vehicles, "vehicle", "ve", &v.ID, &v)
}

// ---- appointments ----

// BookAppointment books a slot.
type BookAppointment struct {
	kind
	At         time.Time `json:"at"`
	CustomerID string    `json:"customer_id"`
	VehicleID  string    `json:"vehicle_id"`
	Requested  string    `json:"requested"`
	AdvisorID  string    `json:"advisor_id"`
}

func (c *BookAppointment) CommandType() string { return "book_appointment" }
func (c *BookAppointment) apply(d *Draft, a Actor, now time.Time) (result, error) {
	var p problems
	if c.At.Before(now.Add(-time.Hour)) || c.At.After(now.AddDate(1, 0, 0)) {
		p.add("at", "must be between now and a year ahead")
	}
	checkVehicle(d, &p, c.CustomerID, c.VehicleID)
	checkText(&p, "requested", c.Requested, maxText, true)
	if c.AdvisorID != "" {
		if u := d.users.get(c.AdvisorID); u == nil || !u.Has(RoleAdvisor) {
			p.add("advisor_id", "is not an advisor")
		}
	}
	if err := p.err(); err != nil {
		return result{}, err
	}
	ap := &Appointment{ID: d.newID("ap"), At: c.At, CustomerID: c.CustomerID, VehicleID: c.VehicleID,
		Requested: c.Requested, AdvisorID: c.AdvisorID, Status: ApptBooked}
	ap.Prep.AdvisorAssigned = c.AdvisorID != ""
	set(d, &d.appointments, ap.ID, ap)
	return result{subject: ap.ID}, nil
}

func checkVehicle(d *Draft, p *problems, customerID, vehicleID string) {
	if d.customers.get(customerID) == nil {
		p.add("customer_id", "is not a customer")
	}
	if v := d.vehicles.get(vehicleID); v == nil {
		p.add("vehicle_id", "is not a vehicle")
	} else if v.CustomerID != customerID {
		p.add("vehicle_id", "belongs to another customer")
	}
}

// UpdateAppointment ticks the prep checklist, assigns the advisor (the day
// before, seed 002), or marks a no-show or cancellation.
type UpdateAppointment struct {
	kind
	ID        string            `json:"id"`
	Prep      *Prep             `json:"prep,omitempty"`
	AdvisorID string            `json:"advisor_id,omitempty"`
	Status    AppointmentStatus `json:"status,omitempty"`
}

func (c *UpdateAppointment) CommandType() string { return "update_appointment" }
func (c *UpdateAppointment) apply(d *Draft, a Actor, now time.Time) (result, error) {
	old := d.appointments.get(c.ID)
	if old == nil {
		return result{}, notFound("appointment", c.ID)
	}
	ap := *old
	if c.Prep != nil {
		ap.Prep = *c.Prep
	}
	if c.AdvisorID != "" {
		if u := d.users.get(c.AdvisorID); u == nil || !u.Has(RoleAdvisor) {
			return result{}, (&problems{{Field: "advisor_id", Message: "is not an advisor"}}).err()
		}
		if old.Status != ApptBooked {
			return result{}, conflict("appointment %s is %s, not booked", c.ID, old.Status)
		}
		ap.AdvisorID, ap.Prep.AdvisorAssigned = c.AdvisorID, true
	}
	switch c.Status {
	case "":
	case ApptNoShow, ApptCancelled:
		if old.Status != ApptBooked {
			return result{}, conflict("appointment %s is %s, not booked", c.ID, old.Status)
		}
		ap.Status = c.Status
	default:
		return result{}, (&problems{{Field: "status", Message: "must be no_show or cancelled (arrival opens a job)"}}).err()
	}
	set(d, &d.appointments, ap.ID, &ap)
	return result{subject: ap.ID}, nil
}

// ---- jobs ----

// Estimate is what the advisor agrees with the customer at reception.
type Estimate struct {
	Requests     string     `json:"requests"`
	Labour       []Labour   `json:"labour"`
	Parts        []PartLine `json:"parts"`
	PromisedAt   time.Time  `json:"promised_at"`
	Wash         bool       `json:"wash"`
	KeepOldParts bool       `json:"keep_old_parts"`
	WalkAround   WalkAround `json:"walk_around"`
	FollowUpAt   *time.Time `json:"follow_up_at,omitempty"`
}

func (e *Estimate) check(p *problems, now time.Time, createdAt time.Time) {
	checkText(p, "requests", e.Requests, maxText, true)
	checkLines(p, e.Labour, e.Parts)
	if e.PromisedAt.IsZero() {
		p.add("promised_at", "is required")
	} else if e.PromisedAt.Before(createdAt) || e.PromisedAt.After(createdAt.AddDate(0, 3, 0)) {
		p.add("promised_at", "must be after the car arrived and within three months")
	}
	w := e.WalkAround
	if w.FuelPercent < 0 || w.FuelPercent > 100 {
		p.add("walk_around.fuel_percent", "must be between 0 and 100")
	}
	if w.MileageKM < 0 || w.MileageKM > 3_000_000 {
		p.add("walk_around.mileage_km", "must be between 0 and 3000000")
	}
	checkText(p, "walk_around.damage", w.Damage, maxText, false)
	checkText(p, "walk_around.valuables", w.Valuables, maxText, false)
	checkText(p, "walk_around.notes", w.Notes, maxText, false)
	if e.FollowUpAt != nil && (e.FollowUpAt.Before(createdAt) || e.FollowUpAt.After(createdAt.AddDate(0, 6, 0))) {
		p.add("follow_up_at", "must be after the car arrived and within six months")
	}
}

func (e *Estimate) applyTo(j *Job) {
	j.Requests = e.Requests
	j.Labour = append([]Labour(nil), e.Labour...)
	j.Parts = append([]PartLine(nil), e.Parts...)
	j.PromisedAt = e.PromisedAt
	j.Wash = e.Wash
	j.KeepOldParts = e.KeepOldParts
	j.WalkAround = e.WalkAround
	j.FollowUpAt = e.FollowUpAt
}

// OpenJob receives a car: it opens a job in reception, from an appointment
// or as a walk-in.
type OpenJob struct {
	kind
	AppointmentID string `json:"appointment_id,omitempty"`
	CustomerID    string `json:"customer_id"`
	VehicleID     string `json:"vehicle_id"`
	AdvisorID     string `json:"advisor_id,omitempty"`
	Priority      int    `json:"priority"`
	Estimate
}

func (c *OpenJob) CommandType() string { return "open_job" }
func (c *OpenJob) apply(d *Draft, a Actor, now time.Time) (result, error) {
	var p problems
	checkVehicle(d, &p, c.CustomerID, c.VehicleID)
	c.Estimate.check(&p, now, now)
	if c.Priority < 0 || c.Priority > 9 {
		p.add("priority", "must be between 0 and 9")
	}
	advisor := c.AdvisorID
	if advisor == "" {
		advisor = a.UserID
	}
	if u := d.users.get(advisor); u == nil && !a.System {
		p.add("advisor_id", "is not a user")
	}
	var ap *Appointment
	if c.AppointmentID != "" {
		if ap = d.appointments.get(c.AppointmentID); ap == nil {
			p.add("appointment_id", "is not an appointment")
		} else if ap.Status != ApptBooked {
			p.add("appointment_id", "is %s, not booked", ap.Status)
		} else if ap.VehicleID != c.VehicleID {
			p.add("appointment_id", "is for another vehicle")
		}
	}
	d.jobs.each(func(j *Job) {
		if j.VehicleID == c.VehicleID && j.Stage.Open() {
			p.add("vehicle_id", "has an open job already: %s", j.ID)
		}
	})
	if err := p.err(); err != nil {
		return result{}, err
	}
	day := now.In(d.location()).Format("20060102")
	id := fmt.Sprintf("%s-%04d", day, d.next("job:"+day))
	j := &Job{ID: id, AppointmentID: c.AppointmentID, CustomerID: c.CustomerID, VehicleID: c.VehicleID,
		AdvisorID: advisor, Stage: StageReception, Priority: c.Priority, CreatedAt: now, UpdatedAt: now,
		Stages: []StageChange{{Stage: StageReception, At: now}}}
	if cu := d.customers.get(c.CustomerID); cu.Key && j.Priority < 5 {
		j.Priority = 5 // key customers go first (seed 001)
	}
	c.Estimate.applyTo(j)
	set(d, &d.jobs, id, j)
	if ap != nil {
		arrived := *ap
		arrived.Status, arrived.JobID = ApptArrived, id
		set(d, &d.appointments, ap.ID, &arrived)
	}
	if v := d.vehicles.get(c.VehicleID); c.WalkAround.MileageKM > v.MileageKM {
		nv := *v
		nv.MileageKM = c.WalkAround.MileageKM
		set(d, &d.vehicles, nv.ID, &nv)
	}
	return jobResult(j), nil
}

// UpdateEstimate changes the agreed work of an open job.
type UpdateEstimate struct {
	kind
	JobID string `json:"job_id"`
	Estimate
}

func (c *UpdateEstimate) CommandType() string { return "update_estimate" }
func (c *UpdateEstimate) apply(d *Draft, a Actor, now time.Time) (result, error) {
	old := d.jobs.get(c.JobID)
	if old == nil {
		return result{}, notFound("job", c.JobID)
	}
	if !old.Stage.Open() {
		return result{}, conflict("job %s is %s and can no longer change", c.JobID, old.Stage)
	}
	var p problems
	c.Estimate.check(&p, now, old.CreatedAt)
	if err := p.err(); err != nil {
		return result{}, err
	}
	j, _ := d.editJob(c.JobID, now)
	c.Estimate.applyTo(j)
	return jobResult(j), nil
}

// JobRef names the job a simple command acts on.
type JobRef struct {
	JobID string `json:"job_id"`
}

// Submit hands a received job, signed by the customer, to dispatch.
type Submit struct {
	kind
	JobRef
}

func (c *Submit) CommandType() string { return "submit" }
func (c *Submit) apply(d *Draft, a Actor, now time.Time) (result, error) {
	// Only a job in reception is submitted: a dispatched job may go back to
	// the queue too, but by undispatch, which frees its bay and keeps the
	// signed estimate.
	if j := d.jobs.get(c.JobID); j != nil && j.Stage != StageReception {
		return result{}, &IllegalMoveError{From: j.Stage, To: StageWaitingDispatch, Allowed: moves[j.Stage], Action: "be submitted again"}
	}
	r, err := moveJob(d, c.JobID, StageWaitingDispatch, now)
	if err != nil {
		return r, err
	}
	// Submitting is the customer's signature on the work order: the
	// estimate is fixed here, to compare the settlement with.
	j := d.jobs.get(c.JobID)
	at := now
	j.SignedAt, j.Estimated = &at, TotalsOf(j.Labour, j.Parts)
	return r, nil
}

func moveJob(d *Draft, id string, to Stage, now time.Time) (result, error) {
	j, err := d.editJob(id, now)
	if err != nil {
		return result{}, err
	}
	if err := j.moveTo(to, now); err != nil {
		return result{}, err
	}
	return jobResult(j), nil
}

// Dispatch assigns a team, technicians and a bay. From waiting_dispatch it
// moves the job to dispatched; on a job already dispatched or in work it
// changes the assignment.
type Dispatch struct {
	kind
	JobID    string   `json:"job_id"`
	TeamID   string   `json:"team_id"`
	TechIDs  []string `json:"tech_ids"`
	BayID    string   `json:"bay_id"`
	Priority *int     `json:"priority,omitempty"`
}

func (c *Dispatch) CommandType() string { return "dispatch" }
func (c *Dispatch) apply(d *Draft, a Actor, now time.Time) (result, error) {
	var p problems
	if d.teams.get(c.TeamID) == nil {
		p.add("team_id", "is not a team")
	}
	if len(c.TechIDs) == 0 || len(c.TechIDs) > 8 {
		p.add("tech_ids", "one to eight technicians")
	}
	seen := map[string]bool{}
	for i, id := range c.TechIDs {
		if t := d.technicians.get(id); t == nil || !t.Active {
			p.add(fmt.Sprintf("tech_ids[%d]", i), "is not an active technician")
		} else if seen[id] {
			p.add(fmt.Sprintf("tech_ids[%d]", i), "is listed twice")
		}
		seen[id] = true
	}
	if b := d.bays.get(c.BayID); b == nil || !b.Active {
		p.add("bay_id", "is not an active bay")
	}
	if c.Priority != nil && (*c.Priority < 0 || *c.Priority > 9) {
		p.add("priority", "must be between 0 and 9")
	}
	if err := p.err(); err != nil {
		return result{}, err
	}
	j, err := d.editJob(c.JobID, now)
	if err != nil {
		return result{}, err
	}
	switch {
	case j.Stage == StageWaitingDispatch:
		if err := j.moveTo(StageDispatched, now); err != nil {
			return result{}, err
		}
	case j.Stage == StageDispatched || j.Stage == StageInProgress || j.Stage.Paused():
	default:
		return result{}, &IllegalMoveError{From: j.Stage, To: StageDispatched, Allowed: moves[j.Stage]}
	}
	if busy := d.bayTakenBy(c.BayID, j.ID); busy != "" {
		return result{}, conflict("bay %s is taken by job %s", c.BayID, busy)
	}
	j.TeamID, j.BayID = c.TeamID, c.BayID
	j.TechIDs = append([]string(nil), c.TechIDs...)
	if c.Priority != nil {
		j.Priority = *c.Priority
	}
	return jobResult(j), nil
}

// bayTakenBy returns the job other than except that occupies a bay, or "".
func (d *Draft) bayTakenBy(bayID, except string) string {
	var busy string
	d.jobs.each(func(o *Job) {
		if o.ID != except && o.BayID == bayID && OnBay(o.Stage) {
			busy = o.ID
		}
	})
	return busy
}

// Undispatch takes a dispatched job back to the queue.
type Undispatch struct {
	kind
	JobRef
}

func (c *Undispatch) CommandType() string { return "undispatch" }
func (c *Undispatch) apply(d *Draft, a Actor, now time.Time) (result, error) {
	r, err := moveJob(d, c.JobID, StageWaitingDispatch, now)
	if err == nil {
		j := d.jobs.get(c.JobID)
		j.TeamID, j.BayID, j.TechIDs = "", "", nil
	}
	return r, err
}

// TechRef names a job and the technician acting on it.
type TechRef struct {
	JobID  string `json:"job_id"`
	TechID string `json:"tech_id"`
}

// actingTech checks that the technician exists and that the actor may act
// for them: technicians act for themselves; team leaders, the controller and
// the manager for anyone.
func actingTech(d *Draft, a Actor, techID string) (*Technician, error) {
	t := d.technicians.get(techID)
	if t == nil || !t.Active {
		return nil, (&problems{{Field: "tech_id", Message: "is not an active technician"}}).err()
	}
	if a.System || a.Has(RoleManager) || a.Has(RoleController) || a.Has(RoleTeamLeader) {
		return t, nil
	}
	if t.UserID != a.UserID {
		return nil, forbidden("a technician clocks only for themselves")
	}
	return t, nil
}

// ClockOn starts a technician's work on a job. A technician is on one job
// at a time: clocking on here clocks them off any other, with a note.
type ClockOn struct {
	kind
	TechRef
}

func (c *ClockOn) CommandType() string { return "clock_on" }
func (c *ClockOn) apply(d *Draft, a Actor, now time.Time) (result, error) {
	t, err := actingTech(d, a, c.TechID)
	if err != nil {
		return result{}, err
	}
	j, err := d.editJob(c.JobID, now)
	if err != nil {
		return result{}, err
	}
	switch {
	case j.Stage == StageInProgress:
	case j.Stage == StageDispatched || j.Stage.Paused():
		if err := j.moveTo(StageInProgress, now); err != nil {
			return result{}, err
		}
	default:
		return result{}, &IllegalMoveError{From: j.Stage, To: StageInProgress, Allowed: moves[j.Stage]}
	}
	if j.clockedOn(t.ID) {
		return result{}, conflict("%s is already clocked on job %s", t.Name, j.ID)
	}
	var others []string
	d.jobs.each(func(o *Job) {
		if o.ID != j.ID && o.clockedOn(t.ID) {
			others = append(others, o.ID)
		}
	})
	for _, id := range others {
		o, _ := d.editJob(id, now)
		o.closeClock(t.ID, now, "clocked on "+j.ID)
	}
	j.Clock = append(j.Clock, ClockSession{TechID: t.ID, Start: now})
	if !contains(j.TechIDs, t.ID) {
		j.TechIDs = append(j.TechIDs, t.ID)
	}
	return jobResult(j), nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// ClockOff ends a technician's session on a job.
type ClockOff struct {
	kind
	TechRef
}

func (c *ClockOff) CommandType() string { return "clock_off" }
func (c *ClockOff) apply(d *Draft, a Actor, now time.Time) (result, error) {
	t, err := actingTech(d, a, c.TechID)
	if err != nil {
		return result{}, err
	}
	j, err := d.editJob(c.JobID, now)
	if err != nil {
		return result{}, err
	}
	if !j.clockedOn(t.ID) {
		return result{}, conflict("%s is not clocked on job %s", t.Name, j.ID)
	}
	j.closeClock(t.ID, now, "")
	return jobResult(j), nil
}

// Pause reasons; the first two are stages of their own.
const (
	PauseWaitingParts    = "waiting_parts"
	PauseWaitingApproval = "waiting_approval"
	PauseBreak           = "break"
	PauseOther           = "other"
)

// PartItem is a part a technician asks for.
type PartItem struct {
	Number      string  `json:"number,omitempty"`
	Description string  `json:"description"`
	Quantity    float64 `json:"quantity"`
}

// FindingInput is extra work a technician proposes.
type FindingInput struct {
	Description string     `json:"description"`
	Hours       float64    `json:"hours"`
	Parts       []PartLine `json:"parts,omitempty"`
	Price       Money      `json:"price"`
}

// Pause stops the work with a reason. Waiting for parts may name the parts
// to request; waiting for approval may carry the finding to approve.
type Pause struct {
	kind
	JobID   string        `json:"job_id"`
	Reason  string        `json:"reason"`
	Note    string        `json:"note,omitempty"`
	Parts   []PartItem    `json:"parts,omitempty"`
	Finding *FindingInput `json:"finding,omitempty"`
}

func (c *Pause) CommandType() string { return "pause" }
func (c *Pause) apply(d *Draft, a Actor, now time.Time) (result, error) {
	var p problems
	to := StagePaused
	switch c.Reason {
	case PauseWaitingParts:
		to = StageWaitingParts
	case PauseWaitingApproval:
		to = StageWaitingApproval
	case PauseBreak, PauseOther:
	default:
		p.add("reason", "must be waiting_parts, waiting_approval, break or other")
	}
	checkText(&p, "note", c.Note, maxText, c.Reason == PauseOther)
	if len(c.Parts) > 0 && c.Reason != PauseWaitingParts {
		p.add("parts", "only when waiting for parts")
	}
	if c.Finding != nil && c.Reason != PauseWaitingApproval {
		p.add("finding", "only when waiting for approval")
	}
	checkPartItems(&p, c.Parts)
	if c.Finding != nil {
		c.Finding.check(&p, "finding.")
	}
	if err := p.err(); err != nil {
		return result{}, err
	}
	j, err := d.editJob(c.JobID, now)
	if err != nil {
		return result{}, err
	}
	if err := j.moveTo(to, now); err != nil {
		return result{}, err
	}
	j.PauseReason = c.Reason
	if c.Note != "" {
		j.PauseReason = c.Reason + ": " + c.Note
	}
	j.closeClock("", now, "paused: "+c.Reason)
	for _, it := range c.Parts {
		addPartsRequest(d, a, j.ID, it, now)
	}
	if c.Finding != nil {
		addFinding(d, a, j.ID, *c.Finding, now)
	}
	return jobResult(j), nil
}

func checkPartItems(p *problems, items []PartItem) {
	if len(items) > 50 {
		p.add("parts", "at most 50 parts in one request")
	}
	for i, it := range items {
		f := fmt.Sprintf("parts[%d]", i)
		checkText(p, f+".description", it.Description, maxName, true)
		checkText(p, f+".number", it.Number, 40, false)
		if it.Quantity <= 0 || it.Quantity > 10000 {
			p.add(f+".quantity", "must be more than 0 and at most 10000")
		}
	}
}

func (f *FindingInput) check(p *problems, prefix string) {
	checkText(p, prefix+"description", f.Description, maxText, true)
	if f.Hours < 0 || f.Hours > 200 {
		p.add(prefix+"hours", "must be between 0 and 200")
	}
	if f.Price < 0 {
		p.add(prefix+"price", "must not be negative")
	}
	checkLines(p, nil, f.Parts)
}

func addPartsRequest(d *Draft, a Actor, jobID string, it PartItem, now time.Time) *PartsRequest {
	pr := &PartsRequest{ID: d.newID("pr"), JobID: jobID, Number: it.Number, Description: it.Description,
		Quantity: it.Quantity, Status: PartsRequested, RequestedBy: actorName(a), RequestedAt: now, UpdatedAt: now}
	set(d, &d.parts, pr.ID, pr)
	return pr
}

func addFinding(d *Draft, a Actor, jobID string, in FindingInput, now time.Time) *Finding {
	f := &Finding{ID: d.newID("fi"), JobID: jobID, Description: in.Description, Hours: in.Hours,
		Parts: append([]PartLine(nil), in.Parts...), Price: in.Price, Status: FindingAwaiting,
		ReportedBy: actorName(a), ReportedAt: now}
	set(d, &d.findings, f.ID, f)
	return f
}

// Resume puts a paused job back in work.
type Resume struct {
	kind
	JobRef
}

func (c *Resume) CommandType() string { return "resume" }
func (c *Resume) apply(d *Draft, a Actor, now time.Time) (result, error) {
	j := d.jobs.get(c.JobID)
	if j == nil {
		return result{}, notFound("job", c.JobID)
	}
	if !j.Stage.Paused() {
		return result{}, &IllegalMoveError{From: j.Stage, To: StageInProgress, Allowed: moves[j.Stage]}
	}
	return moveJob(d, c.JobID, StageInProgress, now)
}

// Finish ends the repair: the technician's self-check passes and the job
// goes to the team leader and the QC inspector.
type Finish struct {
	kind
	TechRef
	SelfCheck []string `json:"self_check"`
}

func (c *Finish) CommandType() string { return "finish" }
func (c *Finish) apply(d *Draft, a Actor, now time.Time) (result, error) {
	t, err := actingTech(d, a, c.TechID)
	if err != nil {
		return result{}, err
	}
	if len(c.SelfCheck) > 50 {
		return result{}, (&problems{{Field: "self_check", Message: "at most 50 items"}}).err()
	}
	for _, f := range d.jobFindings(c.JobID) {
		if f.Status == FindingAwaiting {
			return result{}, conflict("finding %s awaits the customer's decision", f.ID)
		}
	}
	j, err := d.editJob(c.JobID, now)
	if err != nil {
		return result{}, err
	}
	if err := j.moveTo(StageQualityCheck, now); err != nil {
		return result{}, err
	}
	j.closeClock("", now, "finished")
	j.QC = append(j.QC, QCResult{Step: QCSelf, Pass: true, Reason: strings.Join(c.SelfCheck, "; "), By: t.ID, At: now})
	return jobResult(j), nil
}

func (d *Draft) jobFindings(jobID string) []*Finding {
	var out []*Finding
	d.findings.each(func(f *Finding) {
		if f.JobID == jobID {
			out = append(out, f)
		}
	})
	return out
}

// CurrentQC returns the QC results since the job last went to quality check.
func (j *Job) CurrentQC() []QCResult {
	for i := len(j.QC) - 1; i >= 0; i-- {
		if j.QC[i].Step == QCSelf {
			return j.QC[i:]
		}
	}
	return nil
}

// QC records the team leader's check or the final inspection. A failure
// sends the job back to work as rework.
type QC struct {
	kind
	JobID  string `json:"job_id"`
	Step   QCStep `json:"step"`
	Pass   bool   `json:"pass"`
	Reason string `json:"reason,omitempty"`
}

func (c *QC) CommandType() string { return "qc" }
func (c *QC) apply(d *Draft, a Actor, now time.Time) (result, error) {
	var p problems
	if c.Step != QCTeam && c.Step != QCFinal {
		p.add("step", "must be team or final")
	}
	checkText(&p, "reason", c.Reason, maxText, !c.Pass)
	if err := p.err(); err != nil {
		return result{}, err
	}
	if j := d.jobs.get(c.JobID); j != nil {
		leaderOf := func(teamID string) string { return leaderAccount(d.teams.get(teamID), d.technicians.get) }
		if err := mayQC(a, j, c.Step, leaderOf); err != nil {
			return result{}, err
		}
	}
	j, err := d.editJob(c.JobID, now)
	if err != nil {
		return result{}, err
	}
	if j.Stage != StageQualityCheck {
		action := "have its team check"
		if c.Step == QCFinal {
			action = "have its final inspection"
		}
		return result{}, &IllegalMoveError{From: j.Stage, To: StageQualityCheck, Allowed: moves[j.Stage], Action: action}
	}
	done := map[QCStep]bool{}
	for _, r := range j.CurrentQC() {
		done[r.Step] = r.Pass
	}
	if c.Step == QCFinal && !done[QCTeam] {
		return result{}, conflict("the team check must pass before the final inspection")
	}
	if done[c.Step] {
		return result{}, conflict("the %s check has passed already", c.Step)
	}
	j.QC = append(j.QC, QCResult{Step: c.Step, Pass: c.Pass, Reason: c.Reason, By: actorName(a), At: now})
	switch {
	case !c.Pass:
		j.Reworks++
		if busy := d.bayTakenBy(j.BayID, j.ID); j.BayID == "" || busy != "" {
			// The bay has a new car: the rework waits, first in the queue.
			j.BayID, j.Priority = "", max(j.Priority, 8)
			err = j.moveTo(StageWaitingDispatch, now)
		} else {
			err = j.moveTo(StageDispatched, now)
		}
	case c.Step == QCFinal && j.Wash:
		err = j.moveTo(StageWashing, now)
	case c.Step == QCFinal:
		err = j.moveTo(StageReady, now)
	}
	if err != nil {
		return result{}, err
	}
	return jobResult(j), nil
}

// WashDone marks the car washed and ready.
type WashDone struct {
	kind
	JobRef
}

func (c *WashDone) CommandType() string { return "wash_done" }
func (c *WashDone) apply(d *Draft, a Actor, now time.Time) (result, error) {
	// Quality check may also move to ready (a car without a wash), but
	// only the final inspection may take it there: a wash marks done
	// only a car that is being washed.
	if j := d.jobs.get(c.JobID); j != nil && j.Stage != StageWashing {
		return result{}, &IllegalMoveError{From: j.Stage, To: StageReady, Allowed: moves[j.Stage]}
	}
	return moveJob(d, c.JobID, StageReady, now)
}

// Deliver hands the car back to the customer: the checklist, the
// settlement explained, the payment, and the next service due.
type Deliver struct {
	kind
	JobID         string     `json:"job_id"`
	NextServiceAt *time.Time `json:"next_service_at,omitempty"`
	NextServiceKM int        `json:"next_service_km,omitempty"`
	WorkShown     bool       `json:"work_shown"`
	OldPartsShown bool       `json:"old_parts_shown"`
	CarClean      bool       `json:"car_clean"`
	SeatRestored  bool       `json:"seat_restored"`
	Explanation   string     `json:"explanation,omitempty"`
	Paid          Money      `json:"paid"`
	PaymentMethod string     `json:"payment_method,omitempty"` // cash, card, wechat, alipay, transfer, account
}

func (c *Deliver) CommandType() string { return "deliver" }
func (c *Deliver) apply(d *Draft, a Actor, now time.Time) (result, error) {
	if c.NextServiceKM < 0 || c.NextServiceKM > 3_000_000 {
		return result{}, (&problems{{Field: "next_service_km", Message: "must be between 0 and 3000000"}}).err()
	}
	var p problems
	if c.NextServiceAt != nil && !c.NextServiceAt.After(now) {
		p.add("next_service_at", "must be in the future")
	}
	checkText(&p, "explanation", c.Explanation, maxText, false)
	if c.Paid < 0 {
		p.add("paid", "must not be negative")
	}
	switch c.PaymentMethod {
	case "", "cash", "card", "wechat", "alipay", "transfer", "account":
	default:
		p.add("payment_method", "must be cash, card, wechat, alipay, transfer or account")
	}
	if c.Paid > 0 && c.PaymentMethod == "" {
		p.add("payment_method", "is required with a payment")
	}
	if err := p.err(); err != nil {
		return result{}, err
	}
	r, err := moveJob(d, c.JobID, StageDelivered, now)
	if err != nil {
		return r, err
	}
	j := d.jobs.get(c.JobID)
	j.NextServiceAt, j.NextServiceKM = c.NextServiceAt, c.NextServiceKM
	j.Delivery = &Delivery{WorkShown: c.WorkShown, OldPartsShown: c.OldPartsShown, CarClean: c.CarClean, SeatRestored: c.SeatRestored,
		Explanation: c.Explanation, Total: j.Total(), Paid: c.Paid, PaymentMethod: c.PaymentMethod, At: now, By: actorName(a)}
	if j.Estimated.Total != j.Total() && c.Explanation == "" {
		var why problems
		why.add("explanation", "explain why the settlement differs from the estimate")
		return result{}, why.err()
	}
	return r, nil
}

// Cancel closes a job without work, with a reason. It is kept, not deleted.
type Cancel struct {
	kind
	JobID  string `json:"job_id"`
	Reason string `json:"reason"`
}

func (c *Cancel) CommandType() string { return "cancel" }
func (c *Cancel) apply(d *Draft, a Actor, now time.Time) (result, error) {
	var p problems
	checkText(&p, "reason", c.Reason, maxText, true)
	if err := p.err(); err != nil {
		return result{}, err
	}
	r, err := moveJob(d, c.JobID, StageCancelled, now)
	if err != nil {
		return r, err
	}
	j := d.jobs.get(c.JobID)
	j.PauseReason = c.Reason
	j.closeClock("", now, "cancelled")
	for _, pr := range d.jobParts(j.ID) {
		if pr.Open() {
			n := *pr
			n.Status, n.UpdatedAt = PartsCancelled, now
			set(d, &d.parts, n.ID, &n)
		}
	}
	return r, nil
}

func (d *Draft) jobParts(jobID string) []*PartsRequest {
	var out []*PartsRequest
	d.parts.each(func(p *PartsRequest) {
		if p.JobID == jobID {
			out = append(out, p)
		}
	})
	return out
}

// RequestParts asks the parts counter for parts without pausing the job.
type RequestParts struct {
	kind
	JobID string     `json:"job_id"`
	Parts []PartItem `json:"parts"`
}

func (c *RequestParts) CommandType() string { return "request_parts" }
func (c *RequestParts) apply(d *Draft, a Actor, now time.Time) (result, error) {
	var p problems
	if len(c.Parts) == 0 {
		p.add("parts", "at least one part")
	}
	checkPartItems(&p, c.Parts)
	if err := p.err(); err != nil {
		return result{}, err
	}
	j := d.jobs.get(c.JobID)
	if j == nil {
		return result{}, notFound("job", c.JobID)
	}
	if !j.Stage.Open() {
		return result{}, conflict("job %s is %s", j.ID, j.Stage)
	}
	for _, it := range c.Parts {
		addPartsRequest(d, a, j.ID, it, now)
	}
	return jobResult(j), nil
}

// UpdateParts is the parts counter's answer to a request.
type UpdateParts struct {
	kind
	RequestID string      `json:"request_id"`
	Status    PartsStatus `json:"status"`
	ETA       *time.Time  `json:"eta,omitempty"`
}

func (c *UpdateParts) CommandType() string { return "update_parts" }
func (c *UpdateParts) apply(d *Draft, a Actor, now time.Time) (result, error) {
	var p problems
	switch c.Status {
	case PartsPicked, PartsIssued, PartsCancelled:
		if c.ETA != nil {
			p.add("eta", "only for parts on order")
		}
	case PartsOnOrder:
		if c.ETA == nil {
			p.add("eta", "is required for parts on order")
		} else if c.ETA.Before(now) || c.ETA.After(now.AddDate(0, 6, 0)) {
			p.add("eta", "must be between now and six months ahead")
		}
	default:
		p.add("status", "must be picked, issued, on_order or cancelled")
	}
	if err := p.err(); err != nil {
		return result{}, err
	}
	old := d.parts.get(c.RequestID)
	if old == nil {
		return result{}, notFound("parts request", c.RequestID)
	}
	if !old.Open() {
		return result{}, conflict("parts request %s is %s already", old.ID, old.Status)
	}
	pr := *old
	pr.Status, pr.ETA, pr.UpdatedAt = c.Status, c.ETA, now
	set(d, &d.parts, pr.ID, &pr)
	return result{subject: pr.ID, job: pr.JobID}, nil
}

// ReportFinding proposes extra work without pausing the job.
type ReportFinding struct {
	kind
	JobID string `json:"job_id"`
	FindingInput
}

func (c *ReportFinding) CommandType() string { return "report_finding" }
func (c *ReportFinding) apply(d *Draft, a Actor, now time.Time) (result, error) {
	var p problems
	c.FindingInput.check(&p, "")
	if err := p.err(); err != nil {
		return result{}, err
	}
	j := d.jobs.get(c.JobID)
	if j == nil {
		return result{}, notFound("job", c.JobID)
	}
	if !j.Stage.Open() {
		return result{}, conflict("job %s is %s", j.ID, j.Stage)
	}
	f := addFinding(d, a, j.ID, c.FindingInput, now)
	return result{subject: f.ID, job: j.ID}, nil
}

// DecideFinding records the customer's approval or refusal of extra work,
// given on their own page or taken by the advisor on the phone. Approved
// work joins the job's estimate.
type DecideFinding struct {
	kind
	FindingID string `json:"finding_id"`
	Approve   bool   `json:"approve"`
	Via       string `json:"via"` // customer_page, phone, in_person
}

func (c *DecideFinding) CommandType() string { return "decide_finding" }
func (c *DecideFinding) apply(d *Draft, a Actor, now time.Time) (result, error) {
	switch c.Via {
	case "customer_page", "phone", "in_person":
	default:
		return result{}, (&problems{{Field: "via", Message: "must be customer_page, phone or in_person"}}).err()
	}
	old := d.findings.get(c.FindingID)
	if old == nil || (a.Customer && old.JobID != a.CustomerJob) {
		return result{}, notFound("finding", c.FindingID)
	}
	if a.Customer != (c.Via == "customer_page") {
		return result{}, forbidden("only the customer's own page decides via customer_page")
	}
	if old.Status != FindingAwaiting {
		return result{}, conflict("finding %s is %s already", old.ID, old.Status)
	}
	f := *old
	f.Status = FindingDeclined
	if c.Approve {
		f.Status = FindingApproved
	}
	at := now
	f.DecidedBy, f.DecidedVia, f.DecidedAt = actorName(a), c.Via, &at
	set(d, &d.findings, f.ID, &f)
	j, err := d.editJob(f.JobID, now)
	if err != nil {
		return result{}, err
	}
	if c.Approve {
		labourPrice := f.Price
		for _, pl := range f.Parts {
			labourPrice -= pl.Total()
		}
		if labourPrice < 0 {
			labourPrice = 0
		}
		j.Labour = append(j.Labour, Labour{Name: f.Description, SoldHours: f.Hours, Price: labourPrice})
		j.Parts = append(j.Parts, f.Parts...)
	}
	return result{subject: f.ID, job: f.JobID}, nil
}

// RecordFollowUp records the call after delivery (回访). An unreachable
// customer may be called again; a complaint stays open until closed.
type RecordFollowUp struct {
	kind
	JobID   string `json:"job_id"`
	Outcome string `json:"outcome"`
	Notes   string `json:"notes,omitempty"`
}

func (c *RecordFollowUp) CommandType() string { return "record_followup" }
func (c *RecordFollowUp) apply(d *Draft, a Actor, now time.Time) (result, error) {
	var p problems
	switch c.Outcome {
	case FollowUpSatisfied, FollowUpUnreachable:
		checkText(&p, "notes", c.Notes, maxText, false)
	case FollowUpComplaint:
		checkText(&p, "notes", c.Notes, maxText, true)
	default:
		p.add("outcome", "must be satisfied, complaint or unreachable")
	}
	if err := p.err(); err != nil {
		return result{}, err
	}
	j, err := d.editJob(c.JobID, now)
	if err != nil {
		return result{}, err
	}
	if j.Stage != StageDelivered {
		return result{}, conflict("job %s is %s; follow-up comes after delivery", j.ID, j.Stage)
	}
	if j.FollowUp != nil && j.FollowUp.Outcome != FollowUpUnreachable {
		return result{}, conflict("job %s was followed up already", j.ID)
	}
	j.FollowUp = &FollowUp{At: now, By: actorName(a), Outcome: c.Outcome, Notes: c.Notes, ComplaintOpen: c.Outcome == FollowUpComplaint}
	return jobResult(j), nil
}

// CloseComplaint closes a complaint with what was done about it.
type CloseComplaint struct {
	kind
	JobID      string `json:"job_id"`
	Resolution string `json:"resolution"`
}

func (c *CloseComplaint) CommandType() string { return "close_complaint" }
func (c *CloseComplaint) apply(d *Draft, a Actor, now time.Time) (result, error) {
	var p problems
	checkText(&p, "resolution", c.Resolution, maxText, true)
	if err := p.err(); err != nil {
		return result{}, err
	}
	j, err := d.editJob(c.JobID, now)
	if err != nil {
		return result{}, err
	}
	if j.FollowUp == nil || !j.FollowUp.ComplaintOpen {
		return result{}, conflict("job %s has no open complaint", j.ID)
	}
	f := *j.FollowUp
	at := now
	f.ComplaintOpen, f.Resolution, f.ClosedAt = false, c.Resolution, &at
	j.FollowUp = &f
	return jobResult(j), nil
}

// PutOperation adds or changes a catalogue operation, by its code.
type PutOperation struct {
	kind
	Operation Operation `json:"operation"`
}

func (c *PutOperation) CommandType() string { return "put_operation" }
func (c *PutOperation) apply(d *Draft, a Actor, now time.Time) (result, error) {
	var p problems
	o := c.Operation
	checkOperation(&p, "operation.", o)
	if err := p.err(); err != nil {
		return result{}, err
	}
	set(d, &d.operations, o.Code, &o)
	return result{subject: o.Code}, nil
}

// PutCatalogPart adds or changes a catalogue part, by its number.
type PutCatalogPart struct {
	kind
	Part CatalogPart `json:"part"`
}

func (c *PutCatalogPart) CommandType() string { return "put_catalog_part" }
func (c *PutCatalogPart) apply(d *Draft, a Actor, now time.Time) (result, error) {
	var p problems
	cp := c.Part
	checkCatalogPart(&p, "part.", cp)
	if err := p.err(); err != nil {
		return result{}, err
	}
	set(d, &d.catalogParts, cp.Number, &cp)
	return result{subject: cp.Number}, nil
}

// RevokeCustomerLink stops every customer QR link printed so far for a job;
// documents printed afterwards carry a new one.
type RevokeCustomerLink struct {
	kind
	JobRef
}

func (c *RevokeCustomerLink) CommandType() string { return "revoke_customer_link" }
func (c *RevokeCustomerLink) apply(d *Draft, a Actor, now time.Time) (result, error) {
	j, err := d.editJob(c.JobID, now)
	if err != nil {
		return result{}, err
	}
	j.CustomerLinkGen++
	return jobResult(j), nil
}
