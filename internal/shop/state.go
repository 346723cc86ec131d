package shop

import (
	"sort"
	"time"
)

// Record kinds: each is one bucket in the store, keyed by ID.
const (
	KindSettings     = "settings"
	KindBay          = "bays"
	KindTeam         = "teams"
	KindTechnician   = "technicians"
	KindUser         = "users"
	KindCustomer     = "customers"
	KindVehicle      = "vehicles"
	KindAppointment  = "appointments"
	KindJob          = "jobs"
	KindPartsRequest = "parts_requests"
	KindFinding      = "findings"
	KindCounter      = "counters"
	KindOperation    = "operations"
	KindCatalogPart  = "catalog_parts"
	// KindRecommendation is the work recommended for a car (history.go).
	KindRecommendation = "recommendations"
	// KindRoster is the duty roster, a record a day (roster.go).
	KindRoster = "roster"
)

// State is the live shop: everything the boards, kiosks and desks read. Values
// reached through it are never changed once published; a Draft replaces them
// with changed copies, so a reader holding a *Job may keep it without a lock.
type State struct {
	Settings      Settings
	Bays          map[string]*Bay
	Teams         map[string]*Team
	Technicians   map[string]*Technician
	Users         map[string]*User
	Customers     map[string]*Customer
	Vehicles      map[string]*Vehicle
	Appointments  map[string]*Appointment
	Jobs          map[string]*Job // open jobs and those closed recently
	PartsRequests map[string]*PartsRequest
	Findings      map[string]*Finding
	Counters      map[string]int
	Operations    map[string]*Operation   // by code
	CatalogParts  map[string]*CatalogPart // by part number
	// Recommendations are kept for the car, not a job: they stay live
	// after their job leaves (history.go).
	Recommendations map[string]*Recommendation
	// Roster is the duty recorded for each day, by date (roster.go).
	Roster map[string]*RosterDay
	// Webhooks are the outbox's destinations, removed ones too (outbox.go).
	Webhooks map[string]*Webhook
	// MessageSenders are the customer messages' channels by channel
	// (senders.go).
	MessageSenders map[string]*MessageSender
	// GroupLink is the store's link to its dealer group, or nil
	// (grouplink.go).
	GroupLink *GroupLink
	// Loc is the shop's time zone, for job numbers and "today".
	Loc *time.Location
	// Seq is the number of the last event this state includes: set by the
	// store's Load and by the engine for each state it publishes, so a
	// reader of the event log (the group link) knows which events the
	// state it holds already shows.
	Seq uint64
}

// NewState returns an empty shop.
func NewState() *State {
	return &State{
		Settings:      DefaultSettings(),
		Bays:          map[string]*Bay{},
		Teams:         map[string]*Team{},
		Technicians:   map[string]*Technician{},
		Users:         map[string]*User{},
		Customers:     map[string]*Customer{},
		Vehicles:      map[string]*Vehicle{},
		Appointments:  map[string]*Appointment{},
		Jobs:          map[string]*Job{},
		PartsRequests: map[string]*PartsRequest{},
		Findings:      map[string]*Finding{},
		Counters:      map[string]int{},
		Operations:    map[string]*Operation{},
		CatalogParts:  map[string]*CatalogPart{},
		Loc:           time.UTC,

		// Kept for the car, not a job (history.go).
		Recommendations: map[string]*Recommendation{},
		Roster:          map[string]*RosterDay{},
		Webhooks:        map[string]*Webhook{},
		MessageSenders:  map[string]*MessageSender{},
	}
}

// DefaultSettings are what a new shop starts with.
func DefaultSettings() Settings {
	return Settings{
		Name: "Service Workshop", Hours: EveryDay("08:00", "18:00"),
		Language: "zh-CN", Currency: "CNY", TimeZone: "Asia/Shanghai",
		QCMinutes: 20, WashMinutes: 25,
		LabelWidthMM: 60, LabelHeightMM: 40, Printers: []Printer{}, CustomerLinkDays: 7,
	}
}

// Put stores a record loaded from disk into the state. It is used only
// while loading, before the state is shared.
func (s *State) Put(r Record) {
	switch v := r.Value.(type) {
	case *Settings:
		s.Settings = *v
	case *Bay:
		s.Bays[v.ID] = v
	case *Team:
		s.Teams[v.ID] = v
	case *Technician:
		s.Technicians[v.ID] = v
	case *User:
		s.Users[v.ID] = v
	case *Customer:
		s.Customers[v.ID] = v
	case *Vehicle:
		s.Vehicles[v.ID] = v
	case *Appointment:
		s.Appointments[v.ID] = v
	case *Job:
		s.Jobs[v.ID] = v
	case *PartsRequest:
		s.PartsRequests[v.ID] = v
	case *Finding:
		s.Findings[v.ID] = v
	case *Counter:
		s.Counters[v.Name] = v.Value
	case *Operation:
		s.Operations[v.Code] = v
	case *CatalogPart:
		s.CatalogParts[v.Number] = v
	case *Recommendation:
		s.Recommendations[v.ID] = v
	case *RosterDay:
		s.Roster[v.Date] = v
	case *Webhook:
		s.Webhooks[v.ID] = v
	case *MessageSender:
		s.MessageSenders[string(v.Channel)] = v
	case *GroupLink:
		s.GroupLink = v
	}
}

// Counter is a named sequence persisted as a record.
type Counter struct {
	Name  string `json:"name"`
	Value int    `json:"value"`
}

// Record is one changed object, to be written to the store under Kind/ID.
type Record struct {
	Kind  string
	ID    string
	Value any
}

// NewRecord returns an empty value for a record kind, to decode into.
func NewRecord(kind string) any {
	switch kind {
	case KindSettings:
		return &Settings{}
	case KindBay:
		return &Bay{}
	case KindTeam:
		return &Team{}
	case KindTechnician:
		return &Technician{}
	case KindUser:
		return &User{}
	case KindCustomer:
		return &Customer{}
	case KindVehicle:
		return &Vehicle{}
	case KindAppointment:
		return &Appointment{}
	case KindJob:
		return &Job{}
	case KindPartsRequest:
		return &PartsRequest{}
	case KindFinding:
		return &Finding{}
	case KindCounter:
		return &Counter{}
	case KindOperation:
		return &Operation{}
	case KindCatalogPart:
		return &CatalogPart{}
	case KindRecommendation:
		return &Recommendation{}
	case KindRoster:
		return &RosterDay{}
	case KindWebhook:
		return &Webhook{}
	case KindMessageSender:
		return &MessageSender{}
	case KindGroupLink:
		return &GroupLink{}
	}
	return nil
}

// RecordKinds lists every kind the store keeps.
var RecordKinds = []string{KindSettings, KindBay, KindTeam, KindTechnician, KindUser, KindCustomer, KindVehicle, KindAppointment, KindJob, KindPartsRequest, KindFinding, KindCounter, KindOperation, KindCatalogPart, KindRecommendation, KindRoster, KindWebhook, KindMessageSender, KindGroupLink}

// OpenJobs returns the jobs still in the shop, highest priority first, then
// oldest first.
func (s *State) OpenJobs() []*Job {
	jobs := make([]*Job, 0, len(s.Jobs))
	for _, j := range s.Jobs {
		if j.Stage.Open() {
			jobs = append(jobs, j)
		}
	}
	SortJobs(jobs)
	return jobs
}

// SortJobs orders jobs for a queue: priority, then the earliest promise, then
// the number.
func SortJobs(jobs []*Job) {
	sort.Slice(jobs, func(a, b int) bool {
		ja, jb := jobs[a], jobs[b]
		if ja.Priority != jb.Priority {
			return ja.Priority > jb.Priority
		}
		if !ja.PromisedAt.Equal(jb.PromisedAt) {
			return ja.PromisedAt.Before(jb.PromisedAt)
		}
		return ja.ID < jb.ID
	})
}

// JobParts returns the parts requests of a job, oldest first.
func (s *State) JobParts(jobID string) []*PartsRequest {
	var out []*PartsRequest
	for _, p := range s.PartsRequests {
		if p.JobID == jobID {
			out = append(out, p)
		}
	}
	sort.Slice(out, func(a, b int) bool { return out[a].ID < out[b].ID })
	return out
}

// JobFindings returns the findings of a job, oldest first.
func (s *State) JobFindings(jobID string) []*Finding {
	var out []*Finding
	for _, f := range s.Findings {
		if f.JobID == jobID {
			out = append(out, f)
		}
	}
	sort.Slice(out, func(a, b int) bool { return out[a].ID < out[b].ID })
	return out
}

// UserByLogin finds an active user by login name.
func (s *State) UserByLogin(login string) *User {
	for _, u := range s.Users {
		if u.Login == login && u.Active {
			return u
		}
	}
	return nil
}

// UserByBadge finds an active user by badge code.
func (s *State) UserByBadge(badge string) *User {
	if badge == "" {
		return nil
	}
	for _, u := range s.Users {
		if u.BadgeCode == badge && u.Active {
			return u
		}
	}
	return nil
}

// TechnicianOfUser returns the technician record of a user, if any.
func (s *State) TechnicianOfUser(userID string) *Technician {
	for _, t := range s.Technicians {
		if t.UserID == userID {
			return t
		}
	}
	return nil
}

// VehicleByPlate finds a vehicle by its normalised plate.
func (s *State) VehicleByPlate(plate string) *Vehicle {
	for _, v := range s.Vehicles {
		if v.Plate == plate {
			return v
		}
	}
	return nil
}

// KeepClosed is how long a delivered or cancelled job stays in the live
// state after it closes: the follow-up calls of the next days need it.
// Older jobs are read from disk when asked for.
const KeepClosed = 7 * 24 * time.Hour

// WithoutClosedBefore returns the state without the jobs closed before a
// time, and their parts requests and findings: they stay on disk, out of
// the live state, so a server running for months does not grow. It returns
// s itself when nothing is that old.
func (s *State) WithoutClosedBefore(before time.Time) *State {
	old := map[string]bool{}
	for id, j := range s.Jobs {
		if !j.Stage.Open() && j.UpdatedAt.Before(before) {
			old[id] = true
		}
	}
	if len(old) == 0 {
		return s
	}
	n := *s
	n.Jobs = make(map[string]*Job, len(s.Jobs)-len(old))
	for id, j := range s.Jobs {
		if !old[id] {
			n.Jobs[id] = j
		}
	}
	n.PartsRequests = make(map[string]*PartsRequest, len(s.PartsRequests))
	for id, p := range s.PartsRequests {
		if !old[p.JobID] {
			n.PartsRequests[id] = p
		}
	}
	n.Findings = make(map[string]*Finding, len(s.Findings))
	for id, f := range s.Findings {
		if !old[f.JobID] {
			n.Findings[id] = f
		}
	}
	return &n
}
