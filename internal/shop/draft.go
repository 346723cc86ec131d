package shop

import (
	"encoding/json"
	"fmt"
	"time"
)

// Actor is who asks for a change, and from which device.
type Actor struct {
	UserID   string `json:"user_id,omitempty"`
	Roles    []Role `json:"roles,omitempty"`
	DeviceID string `json:"device_id,omitempty"`
	// Customer is set when the customer acts from their own page; CustomerJob
	// is the one job their link opens.
	Customer    bool   `json:"customer,omitempty"`
	CustomerJob string `json:"customer_job,omitempty"`
	// System is the server itself (first start, demo seeding, the simulator).
	System bool `json:"system,omitempty"`
}

// Has reports whether the actor holds role r.
func (a Actor) Has(r Role) bool {
	for _, have := range a.Roles {
		if have == r {
			return true
		}
	}
	return false
}

// Event is one change in the append-only history: who, which device, when,
// what. Data is the command as it was accepted.
type Event struct {
	Seq     uint64          `json:"seq"`
	At      time.Time       `json:"at"`
	Actor   string          `json:"actor"`
	Device  string          `json:"device,omitempty"`
	Type    string          `json:"type"`
	Subject string          `json:"subject"`
	JobID   string          `json:"job_id,omitempty"`
	Data    json.RawMessage `json:"data"`
}

// layer is one kind of object in a draft: changed copies over the published
// map. Reads see the draft's changes; the published map is never written.
type layer[T any] struct {
	base map[string]*T
	over map[string]*T
}

func (l *layer[T]) get(id string) *T {
	if v, ok := l.over[id]; ok {
		return v
	}
	return l.base[id]
}

func (l *layer[T]) each(fn func(*T)) {
	for id, v := range l.base {
		if _, changed := l.over[id]; !changed {
			fn(v)
		}
	}
	for _, v := range l.over {
		fn(v)
	}
}

// merged returns the published map with the draft's changes, copying the
// map only when something changed so readers of the old state are safe.
// ofJob lists what a layer holds for one job, as the draft sees it.
func ofJob[T any](l *layer[T], jobID string, jobOf func(*T) string) []*T {
	var out []*T
	l.each(func(v *T) {
		if jobOf(v) == jobID {
			out = append(out, v)
		}
	})
	return out
}

func (l *layer[T]) merged() map[string]*T {
	if len(l.over) == 0 {
		return l.base
	}
	m := make(map[string]*T, len(l.base)+len(l.over))
	for id, v := range l.base {
		m[id] = v
	}
	for id, v := range l.over {
		m[id] = v
	}
	return m
}

// Draft is a batch of changes over a published State. Commands are applied
// one by one; one that fails leaves the draft as it was before it.
type Draft struct {
	base         *State
	settings     *Settings
	loc          *time.Location // the time zone of new settings
	bays         layer[Bay]
	teams        layer[Team]
	technicians  layer[Technician]
	users        layer[User]
	customers    layer[Customer]
	vehicles     layer[Vehicle]
	appointments layer[Appointment]
	jobs         layer[Job]
	parts        layer[PartsRequest]
	findings     layer[Finding]
	operations   layer[Operation]
	catalogParts layer[CatalogPart]
	counters     map[string]int
	undo         []func()
	events       []Event

	// recommendations are the cars' (history.go).
	recommendations layer[Recommendation]
	// roster is the duty roster's days (roster.go).
	roster layer[RosterDay]
	// webhooks are the outbox's destinations (outbox.go).
	webhooks layer[Webhook]
	// messageSenders are the customer messages' channels (senders.go).
	messageSenders layer[MessageSender]
	// groupLink is the group link as changed, or nil (grouplink.go).
	groupLink *GroupLink
	// closedJobs are jobs long closed, read from the data file, that a
	// command changes (the photo retention's ExpirePhotos): written with
	// the batch, never published into the live state, which they left.
	closedJobs layer[Job]
}

// NewDraft starts a batch of changes over s.
func NewDraft(s *State) *Draft {
	return &Draft{
		base:         s,
		bays:         layer[Bay]{base: s.Bays},
		teams:        layer[Team]{base: s.Teams},
		technicians:  layer[Technician]{base: s.Technicians},
		users:        layer[User]{base: s.Users},
		customers:    layer[Customer]{base: s.Customers},
		vehicles:     layer[Vehicle]{base: s.Vehicles},
		appointments: layer[Appointment]{base: s.Appointments},
		jobs:         layer[Job]{base: s.Jobs},
		parts:        layer[PartsRequest]{base: s.PartsRequests},
		findings:     layer[Finding]{base: s.Findings},
		operations:   layer[Operation]{base: s.Operations},
		catalogParts: layer[CatalogPart]{base: s.CatalogParts},

		recommendations: layer[Recommendation]{base: s.Recommendations},
		roster:          layer[RosterDay]{base: s.Roster},
		webhooks:        layer[Webhook]{base: s.Webhooks},
		messageSenders:  layer[MessageSender]{base: s.MessageSenders},
	}
}

// set puts a changed object into a layer and remembers how to take it back.
func set[T any](d *Draft, l *layer[T], id string, v *T) {
	if l.over == nil {
		l.over = map[string]*T{}
	}
	prev, had := l.over[id]
	l.over[id] = v
	d.undo = append(d.undo, func() {
		if had {
			l.over[id] = prev
		} else {
			delete(l.over, id)
		}
	})
}

func (d *Draft) counter(name string) int {
	if v, ok := d.counters[name]; ok {
		return v
	}
	return d.base.Counters[name]
}

// next returns the next value of a named sequence.
func (d *Draft) next(name string) int {
	if d.counters == nil {
		d.counters = map[string]int{}
	}
	prev, had := d.counters[name]
	v := d.counter(name) + 1
	d.counters[name] = v
	d.undo = append(d.undo, func() {
		if had {
			d.counters[name] = prev
		} else {
			delete(d.counters, name)
		}
	})
	return v
}

func (d *Draft) newID(prefix string) string {
	return fmt.Sprintf("%s-%d", prefix, d.next(prefix))
}

// Settings returns the settings as the draft sees them.
func (d *Draft) Settings() Settings {
	if d.settings != nil {
		return *d.settings
	}
	return d.base.Settings
}

// Job returns a job as the draft sees it, or nil.
func (d *Draft) Job(id string) *Job { return d.jobs.get(id) }

// Apply checks and applies one command. On error nothing is changed.
func (d *Draft) Apply(a Actor, c Command, now time.Time) (ev Event, err error) {
	sp := d.Savepoint()
	defer func() {
		if err != nil {
			d.Rollback(sp)
		}
	}()
	if err := authorize(a, c.CommandType()); err != nil {
		return Event{}, err
	}
	if err := checkStrings(c); err != nil {
		return Event{}, err
	}
	res, err := c.apply(d, a, now)
	if err != nil {
		return Event{}, err
	}
	var logged any = c
	if r, ok := c.(interface{ eventData() any }); ok {
		logged = r.eventData()
	}
	data, err := json.Marshal(withEmptyLists(logged))
	if err != nil {
		return Event{}, err
	}
	ev = Event{At: now, Actor: actorName(a), Device: a.DeviceID, Type: c.CommandType(), Subject: res.subject, JobID: res.job, Data: data}
	d.events = append(d.events, ev)
	return ev, nil
}

func actorName(a Actor) string {
	switch {
	case a.System:
		return "system"
	case a.Customer:
		return "customer"
	}
	return a.UserID
}

// Savepoint marks a draft's changes so far.
type Savepoint struct{ undo, events int }

// Savepoint returns a mark to roll back to.
func (d *Draft) Savepoint() Savepoint { return Savepoint{len(d.undo), len(d.events)} }

// Rollback takes back every change made since the savepoint.
func (d *Draft) Rollback(sp Savepoint) {
	for i := len(d.undo) - 1; i >= sp.undo; i-- {
		d.undo[i]()
	}
	d.undo = d.undo[:sp.undo]
	d.events = d.events[:sp.events]
}

// Empty reports whether the draft holds no change.
func (d *Draft) Empty() bool { return len(d.events) == 0 }

// Events returns the events of the accepted commands, in order.
func (d *Draft) Events() []Event { return d.events }

// Records returns every object the draft changed, to be written with the
// events in one transaction.
func (d *Draft) Records() []Record {
	var rs []Record
	if d.settings != nil {
		rs = append(rs, Record{KindSettings, "shop", d.settings})
	}
	rs = appendRecords(rs, KindBay, &d.bays, func(v *Bay) string { return v.ID })
	rs = appendRecords(rs, KindTeam, &d.teams, func(v *Team) string { return v.ID })
	rs = appendRecords(rs, KindTechnician, &d.technicians, func(v *Technician) string { return v.ID })
	rs = appendRecords(rs, KindUser, &d.users, func(v *User) string { return v.ID })
	rs = appendRecords(rs, KindCustomer, &d.customers, func(v *Customer) string { return v.ID })
	rs = appendRecords(rs, KindVehicle, &d.vehicles, func(v *Vehicle) string { return v.ID })
	rs = appendRecords(rs, KindAppointment, &d.appointments, func(v *Appointment) string { return v.ID })
	rs = appendRecords(rs, KindJob, &d.jobs, func(v *Job) string { return v.ID })
	rs = appendRecords(rs, KindJob, &d.closedJobs, func(v *Job) string { return v.ID })
	rs = appendRecords(rs, KindPartsRequest, &d.parts, func(v *PartsRequest) string { return v.ID })
	rs = appendRecords(rs, KindFinding, &d.findings, func(v *Finding) string { return v.ID })
	rs = appendRecords(rs, KindOperation, &d.operations, func(v *Operation) string { return v.Code })
	rs = appendRecords(rs, KindCatalogPart, &d.catalogParts, func(v *CatalogPart) string { return v.Number })
	rs = appendRecords(rs, KindRecommendation, &d.recommendations, func(v *Recommendation) string { return v.ID })
	rs = appendRecords(rs, KindRoster, &d.roster, func(v *RosterDay) string { return v.Date })
	rs = appendRecords(rs, KindWebhook, &d.webhooks, func(v *Webhook) string { return v.ID })
	rs = appendRecords(rs, KindMessageSender, &d.messageSenders, func(v *MessageSender) string { return string(v.Channel) })
	if d.groupLink != nil {
		rs = append(rs, Record{KindGroupLink, groupLinkID, d.groupLink})
	}
	for name, v := range d.counters {
		rs = append(rs, Record{KindCounter, name, &Counter{Name: name, Value: v}})
	}
	return rs
}

func appendRecords[T any](rs []Record, kind string, l *layer[T], id func(*T) string) []Record {
	for _, v := range l.over {
		rs = append(rs, Record{kind, id(v), v})
	}
	return rs
}

// Publish returns the new State with the draft's changes. The old State is
// untouched, so readers holding it stay consistent.
func (d *Draft) Publish() *State {
	s := *d.base
	if d.settings != nil {
		s.Settings = *d.settings
	}
	if d.loc != nil {
		s.Loc = d.loc // a new time zone takes effect at once, not at the next start
	}
	s.Bays = d.bays.merged()
	s.Teams = d.teams.merged()
	s.Technicians = d.technicians.merged()
	s.Users = d.users.merged()
	s.Customers = d.customers.merged()
	s.Vehicles = d.vehicles.merged()
	s.Appointments = d.appointments.merged()
	s.Jobs = d.jobs.merged()
	s.PartsRequests = d.parts.merged()
	s.Findings = d.findings.merged()
	s.Operations = d.operations.merged()
	s.CatalogParts = d.catalogParts.merged()
	s.Recommendations = d.recommendations.merged()
	s.Roster = d.roster.merged()
	s.Webhooks = d.webhooks.merged()
	s.MessageSenders = d.messageSenders.merged()
	if d.groupLink != nil {
		s.GroupLink = d.groupLink
	}
	if len(d.counters) > 0 {
		s.Counters = make(map[string]int, len(d.base.Counters)+len(d.counters))
		for k, v := range d.base.Counters {
			s.Counters[k] = v
		}
		for k, v := range d.counters {
			s.Counters[k] = v
		}
	}
	return &s
}

// location is the shop's time zone as the draft sees it.
func (d *Draft) location() *time.Location {
	if d.loc != nil {
		return d.loc
	}
	return d.base.Loc
}
