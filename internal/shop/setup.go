package shop

import (
	"fmt"
	"time"
)

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
	if s.PINMinDigits != 0 && (s.PINMinDigits < PINMinDigitsDefault || s.PINMinDigits > PINMaxDigits) {
		// The saying is written out, as the pages translate it whole.
		p.add("settings.pin_min_digits", "must be between 4 and 8, or 0 for 4")
	}
	checkMoney(&p, "settings.labour_rate", s.LabourRate, MaxLinePrice)
	checkCoverSet(&p, s.CoverSet)
	if s.KioskIdleMinutes != 0 && (s.KioskIdleMinutes < 2 || s.KioskIdleMinutes > 720) {
		p.add("settings.kiosk_idle_minutes", "must be between 2 and 720, or 0 for the default")
	}
	checkDiscountLimits(&p, s.DiscountLimits)
	// A closed job leaves the live state after KeepClosed (7 days); the
	// retention sweeper reads it from the data file after that, so a
	// shorter keep would be kept longer than it says.
	if s.PhotoKeepDays != 0 && (s.PhotoKeepDays < 30 || s.PhotoKeepDays > 3650) {
		p.add("settings.photo_keep_days", "must be between 30 and 3650, or 0 to keep for good")
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
		checkPrinterURI(&p, f+".uri", pr.URI)
		checkText(&p, f+".media", pr.Media, 60, false)
		if pr.Use != PrinterA4 && pr.Use != PrinterLabel {
			p.add(f+".use", "must be a4 or label")
		}
	}
	if err := p.err(); err != nil {
		return result{}, err
	}
	s.Printers = append([]Printer{}, s.Printers...)
	// The message templates are set_message_templates'.
	s.Messages = d.Settings().Messages
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

// eventData says in the event log, which exports and histories show, that
// a secret was set; what it hashes to stays out, as a User's JSON never
// holds the hashes.
func (c *PutUser) eventData() any {
	return struct {
		User        User `json:"user"`
		SetPassword bool `json:"set_password,omitempty"`
		SetPIN      bool `json:"set_pin,omitempty"`
	}{c.User, c.User.PasswordHash != "", c.User.PINHash != ""}
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
