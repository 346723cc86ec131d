package shop

import (
	"fmt"
	"sort"
	"time"
)

// The duty roster (排班): who of the technicians works on a day. The
// controller records the exceptions, a day at a time; a technician the
// roster does not name for a day has the default: on duty when the shop
// opens that day, off when it is closed. The capacity of a day
// (capacity.go) counts the technicians on duty, and dispatch refuses a
// technician recorded off or on leave that day.

// DutyStatus is where a technician stands on a day of the roster.
type DutyStatus string

const (
	DutyOn DutyStatus = "on_duty"
	// DutyOff is a rest day (轮休): the technician does not work that day.
	DutyOff DutyStatus = "off"
	// DutyLeave is leave (请假): holiday, sick leave, training away.
	DutyLeave DutyStatus = "leave"
)

// DutyStatuses lists the statuses in display order.
var DutyStatuses = []DutyStatus{DutyOn, DutyOff, DutyLeave}

// Away reports whether the status keeps a technician from the floor.
func (s DutyStatus) Away() bool { return s == DutyOff || s == DutyLeave }

// RosterDay is one day's recorded duty, keyed by its date in the shop's
// time zone ("2027-03-02"). Duty names only the technicians recorded for
// the day; the others have the default.
type RosterDay struct {
	Date string                `json:"date"`
	Duty map[string]DutyStatus `json:"duty"` // by technician id
}

// RosterEntry is one technician's duty in set_roster.
type RosterEntry struct {
	TechID string     `json:"tech_id"`
	Status DutyStatus `json:"status"`
}

// SetRoster records technicians' duty on a day. A technician it does not
// name keeps what the day had; naming one with the default (on duty on an
// open day, off on a closed one) records it all the same, so the roster
// says someone decided.
type SetRoster struct {
	kind
	Date        string        `json:"date"`
	Technicians []RosterEntry `json:"technicians"`
}

func (c *SetRoster) CommandType() string { return "set_roster" }

// rosterDaysBack and rosterDaysAhead bound the days a roster is set for:
// a correction of last month, the leave planned for the year.
const (
	rosterDaysBack  = 31
	rosterDaysAhead = 366
)

func (c *SetRoster) apply(d *Draft, a Actor, now time.Time) (result, error) {
	var p problems
	loc := d.location()
	day, err := time.ParseInLocation(time.DateOnly, c.Date, loc)
	if err != nil {
		p.add("date", "must be a date such as 2027-02-06")
	} else {
		y, m, dd := now.In(loc).Date()
		today := time.Date(y, m, dd, 0, 0, 0, 0, loc)
		if day.Before(today.AddDate(0, 0, -rosterDaysBack)) || day.After(today.AddDate(0, 0, rosterDaysAhead)) {
			p.add("date", "must be within a month back and a year ahead")
		}
	}
	if len(c.Technicians) == 0 || len(c.Technicians) > 500 {
		p.add("technicians", "one to 500 technicians")
	}
	seen := map[string]bool{}
	for i, e := range c.Technicians {
		if d.technicians.get(e.TechID) == nil {
			p.add(fmt.Sprintf("technicians[%d].tech_id", i), "is not a technician")
		} else if seen[e.TechID] {
			p.add(fmt.Sprintf("technicians[%d].tech_id", i), "is listed twice")
		}
		seen[e.TechID] = true
		if !validDuty(e.Status) {
			p.add(fmt.Sprintf("technicians[%d].status", i), "must be on_duty, off or leave")
		}
	}
	if err := p.err(); err != nil {
		return result{}, err
	}
	rd := &RosterDay{Date: c.Date, Duty: map[string]DutyStatus{}}
	if old := d.roster.get(c.Date); old != nil {
		for id, s := range old.Duty {
			rd.Duty[id] = s
		}
	}
	for _, e := range c.Technicians {
		rd.Duty[e.TechID] = e.Status
	}
	set(d, &d.roster, rd.Date, rd)
	return result{subject: rd.Date}, nil
}

func validDuty(s DutyStatus) bool {
	for _, v := range DutyStatuses {
		if s == v {
			return true
		}
	}
	return false
}

// TechDuty is a technician's duty on a day, as the roster page and the
// capacity show it.
type TechDuty struct {
	TechID string     `json:"tech_id"`
	Name   string     `json:"name"`
	TeamID string     `json:"team_id"`
	Status DutyStatus `json:"status"`
	// Recorded says the controller recorded the status; false is the
	// default of the day.
	Recorded bool `json:"recorded"`
	// Away says the technician is recorded off or on leave: dispatch
	// refuses them work that day, and the dispatch page offers them none.
	Away bool `json:"away"`
}

// Roster is a day's duty of every active technician, by name.
type Roster struct {
	Date string `json:"date"`
	// Open says whether the shop opens that day (the default duty).
	Open        bool       `json:"open"`
	Technicians []TechDuty `json:"technicians"`
}

// DutyRoster is the duty of every active technician on the day of t.
func (s *State) DutyRoster(t time.Time) Roster { return NewDraft(s).dutyRoster(t) }

func (d *Draft) dutyRoster(t time.Time) Roster {
	sched := d.Settings().Hours.Schedule(d.location())
	_, _, open := sched.On(t)
	date := t.In(d.location()).Format(time.DateOnly)
	r := Roster{Date: date, Open: open, Technicians: []TechDuty{}}
	day := d.roster.get(date)
	d.technicians.each(func(tech *Technician) {
		if !tech.Active {
			return
		}
		td := TechDuty{TechID: tech.ID, Name: tech.Name, TeamID: tech.TeamID, Status: DutyOff}
		if open {
			td.Status = DutyOn
		}
		if day != nil {
			if s, ok := day.Duty[tech.ID]; ok {
				td.Status, td.Recorded, td.Away = s, true, s.Away()
			}
		}
		r.Technicians = append(r.Technicians, td)
	})
	sort.Slice(r.Technicians, func(a, b int) bool {
		ta, tb := r.Technicians[a], r.Technicians[b]
		if ta.TeamID != tb.TeamID {
			return ta.TeamID < tb.TeamID
		}
		if ta.Name != tb.Name {
			return ta.Name < tb.Name
		}
		return ta.TechID < tb.TechID
	})
	return r
}

// recordedAway is the status recorded for a technician on the day of t
// when it keeps them from the floor (off or on leave), else "". The
// default of a closed day is not a refusal: work on a closed day is
// overtime the controller arranges on the day.
func (d *Draft) recordedAway(techID string, t time.Time) DutyStatus {
	day := d.roster.get(t.In(d.location()).Format(time.DateOnly))
	if day == nil {
		return ""
	}
	if s := day.Duty[techID]; s.Away() {
		return s
	}
	return ""
}
