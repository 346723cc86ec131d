package shop

import (
	"encoding/json"
	"fmt"
	"sort"
	"time"
)

// What leaves a store for its dealer group (GroupMessage, schema version 1)
// and how the group's replica of the store is built from it. The group
// needs plates, jobs and times to draw its wall board, compare the stores'
// KPIs and show one store's board; it needs no secret, no password hash or
// PIN, no photo file and no free-text note about a person, and a
// customer's name and phone number only when the group's policy
// (GroupLink.Contacts) says so. Each kind is cut here, once, by
// construction: a field not copied by its cut never leaves the store.
//
// The kinds that leave, and how each is cut:
//   - settings: name, hours, language, currency, time zone, the QC and
//     wash minutes, the cover set, the labour rate and the demo flag (what
//     the board views and the KPIs read); not the address, phone, seal,
//     base URL, printers, message templates, discount limits or kiosk and
//     PIN rules.
//   - bays, teams, technicians: whole (names, kinds, skills, duty links).
//   - users: id, name, roles, active; never a login, phone, badge code or
//     hash.
//   - customers: only with contacts, and then only id, name, phone and
//     whether a key customer (no e-mail, no message wishes); only those a
//     job or booking the group keeps names.
//   - vehicles: id, plate, model, mileage and the customer's id as an
//     opaque id; no VIN, no next-service reminder (who called whom); only
//     the cars a job or booking the group keeps names.
//   - appointments: all but the work the customer asked for, in their
//     own words (the customer's and the car's ids are opaque), from
//     KeepClosed before the message on.
//   - jobs: stages, times, labour and parts lines, totals, issued parts,
//     clock sessions, QC results, reworks, comeback, delivery, survey
//     scores; cut: the customer's requests in their own words (a name, a
//     number, "call my wife first"), photos lose their file ids and
//     captions, the follow-up
//     its notes and resolution, the survey its comment, discounts their
//     reasons, pauses, clock sessions and QC their notes, the walk-around
//     its valuables and notes, the notices seen, the customer link's
//     generation.
//   - findings and parts requests: whole (description, hours, prices,
//     status; their people are user ids).
//   - roster: whole (which technician is on duty which day), the days
//     from KeepClosed before the message on.
//
// The group keeps, of the jobs, the store's live state: open ones and
// those closed in the last KeepClosed; the store's years of cars,
// customers and bookings stay with it (groupPrune), so a snapshot is the
// size of a week's work.
//
// Operations, catalogue parts, recommendations, counters, webhooks, the
// message senders and the group link itself never leave.

// groupKinds are the kinds the group keeps, in the order a message lists
// them.
var groupKinds = []string{KindSettings, KindBay, KindTeam, KindTechnician, KindUser, KindCustomer, KindVehicle, KindAppointment, KindJob, KindFinding, KindPartsRequest, KindRoster}

// groupScope says which records an event touched, for the group.
type groupScope int

const (
	// groupNone: the event changed nothing the group keeps.
	groupNone groupScope = iota
	// groupJob: the job, its car, its customer (with contacts), its
	// booking, its findings and its parts requests.
	groupJob
	groupSettings
	groupBay
	groupTeam
	// groupTechnician: the technician and the account it signs in with.
	groupTechnician
	groupUser
	groupCustomer
	groupVehicle
	groupAppointment
	groupRoster
)

// groupScopes places every event type. An event with a job id is a job's
// whatever its type; the table says where the others go. A type missing
// here sends nothing, so a test walks every command type against it.
var groupScopes = map[string]groupScope{
	"set_settings":          groupSettings,
	"set_message_templates": groupSettings,
	"put_bay":               groupBay,
	"put_team":              groupTeam,
	"put_technician":        groupTechnician,
	"put_user":              groupUser,
	"change_own_password":   groupUser,
	"put_customer":          groupCustomer,
	"put_vehicle":           groupVehicle,
	// The next service's reminder is the vehicle's (nextservice.go).
	"record_service_reminder": groupVehicle,
	"book_appointment":        groupAppointment,
	"update_appointment":      groupAppointment,
	// A reminder is the booking's; the survey's link carries its job id.
	"send_message": groupAppointment,
	"set_roster":   groupRoster,

	"open_job": groupJob, "update_estimate": groupJob, "submit": groupJob,
	"agree_promise": groupJob, "reopen_comeback": groupJob, "dispatch": groupJob,
	"undispatch": groupJob, "clock_on": groupJob, "clock_off": groupJob,
	"pause": groupJob, "resume": groupJob, "finish": groupJob, "qc": groupJob,
	"wash_done": groupJob, "start_wash": groupJob, "deliver": groupJob,
	"cancel": groupJob, "set_payer": groupJob, "give_discount": groupJob,
	"remove_discount": groupJob, "request_parts": groupJob, "update_parts": groupJob,
	"issue_part": groupJob, "return_part": groupJob, "allow_part": groupJob,
	"report_finding": groupJob, "decide_finding": groupJob, "withdraw_finding": groupJob,
	"price_finding": groupJob, "record_followup": groupJob, "close_complaint": groupJob,
	"revoke_customer_link": groupJob, "acknowledge_notice": groupJob,
	"attach_photo": groupJob, "remove_photo": groupJob, "expire_photos": groupJob,
	"answer_survey": groupJob, "assign_complaint": groupJob,

	// Kept for the car, the catalogue, the outbox and the link: none
	// leaves the store.
	"record_recommendation": groupNone, "close_recommendation": groupNone,
	"put_operation": groupNone, "put_catalog_part": groupNone,
	"import_operations": groupNone, "import_catalog_parts": groupNone,
	"put_webhook": groupNone, "remove_webhook": groupNone,
	"put_message_sender": groupNone, "put_group_link": groupNone,
}

// GroupMessage returns the message of one event for the group: the
// event's type, subject and job, and the records it touched as they stand
// in s (the state when the message is built, which may be later than the
// event: the record's latest is what the group wants), cut by the
// group's policy. A record the event touched that is no longer in s (a
// job closed long enough ago to have left the live state) goes as
// Removed.
func (s *State) GroupMessage(store string, ev Event, contacts bool) GroupMessage {
	m := GroupMessage{V: GroupMessageVersion, Store: store, Seq: ev.Seq, At: ev.At, Type: ev.Type, Subject: ev.Subject, JobID: ev.JobID, Records: []GroupRecord{}}
	scope, ok := groupScopes[ev.Type]
	if ev.JobID != "" {
		scope, ok = groupJob, true
	}
	if !ok {
		return m
	}
	add := func(kind, id string, v any, present bool) {
		if id == "" {
			return
		}
		if !present {
			m.Records = append(m.Records, GroupRecord{Kind: kind, ID: id, Removed: true})
			return
		}
		if r, ok := groupRecord(kind, id, v, contacts); ok {
			m.Records = append(m.Records, r)
		}
	}
	id := ev.Subject
	switch scope {
	case groupJob:
		jobID := ev.JobID
		if jobID == "" {
			jobID = ev.Subject
		}
		j, ok := s.Jobs[jobID]
		add(KindJob, jobID, j, ok)
		if !ok {
			return m
		}
		if v, ok := s.Vehicles[j.VehicleID]; ok {
			add(KindVehicle, v.ID, v, true)
		}
		if c, ok := s.Customers[j.CustomerID]; ok {
			add(KindCustomer, c.ID, c, true)
		}
		if ap, ok := s.Appointments[j.AppointmentID]; ok {
			add(KindAppointment, ap.ID, ap, true)
		}
		for _, f := range s.JobFindings(j.ID) {
			add(KindFinding, f.ID, f, true)
		}
		for _, p := range s.JobParts(j.ID) {
			add(KindPartsRequest, p.ID, p, true)
		}
	case groupSettings:
		add(KindSettings, "shop", &s.Settings, true)
	case groupBay:
		v, ok := s.Bays[id]
		add(KindBay, id, v, ok)
	case groupTeam:
		v, ok := s.Teams[id]
		add(KindTeam, id, v, ok)
	case groupTechnician:
		v, ok := s.Technicians[id]
		add(KindTechnician, id, v, ok)
		if ok {
			if u, ok := s.Users[v.UserID]; ok {
				add(KindUser, u.ID, u, true)
			}
		}
	case groupUser:
		v, ok := s.Users[id]
		add(KindUser, id, v, ok)
	case groupCustomer:
		// Without contacts no customer leaves, not even as removed.
		if contacts {
			v, ok := s.Customers[id]
			add(KindCustomer, id, v, ok)
		}
	case groupVehicle:
		v, ok := s.Vehicles[id]
		add(KindVehicle, id, v, ok)
	case groupAppointment:
		v, ok := s.Appointments[id]
		add(KindAppointment, id, v, ok)
		if ok {
			// The booking's car and customer: the group keeps only the
			// cars and customers its jobs and bookings name (groupPrune).
			if ve, ok := s.Vehicles[v.VehicleID]; ok {
				add(KindVehicle, ve.ID, ve, true)
			}
			if c, ok := s.Customers[v.CustomerID]; ok {
				add(KindCustomer, c.ID, c, true)
			}
		}
	case groupRoster:
		v, ok := s.Roster[id]
		add(KindRoster, id, v, ok)
	}
	return m
}

// GroupSnapshot returns every record the group keeps of the store, cut by
// its policy, as one message: the first after a link is made, or after the
// store's cursor fell behind the oldest event it still has. seq is the
// last event it includes.
func (s *State) GroupSnapshot(store string, seq uint64, at time.Time, contacts bool) GroupMessage {
	m := GroupMessage{V: GroupMessageVersion, Store: store, Seq: seq, At: at, Snapshot: true, Records: []GroupRecord{}}
	if !at.IsZero() {
		s = groupPrune(s, at)
	}
	add := func(kind, id string, v any) {
		if r, ok := groupRecord(kind, id, v, contacts); ok {
			m.Records = append(m.Records, r)
		}
	}
	add(KindSettings, "shop", &s.Settings)
	each := func(kind string, ids []string, get func(string) any) {
		sort.Strings(ids)
		for _, id := range ids {
			add(kind, id, get(id))
		}
	}
	each(KindBay, keysOf(s.Bays), func(id string) any { return s.Bays[id] })
	each(KindTeam, keysOf(s.Teams), func(id string) any { return s.Teams[id] })
	each(KindTechnician, keysOf(s.Technicians), func(id string) any { return s.Technicians[id] })
	each(KindUser, keysOf(s.Users), func(id string) any { return s.Users[id] })
	each(KindCustomer, keysOf(s.Customers), func(id string) any { return s.Customers[id] })
	each(KindVehicle, keysOf(s.Vehicles), func(id string) any { return s.Vehicles[id] })
	each(KindAppointment, keysOf(s.Appointments), func(id string) any { return s.Appointments[id] })
	each(KindJob, keysOf(s.Jobs), func(id string) any { return s.Jobs[id] })
	each(KindFinding, keysOf(s.Findings), func(id string) any { return s.Findings[id] })
	each(KindPartsRequest, keysOf(s.PartsRequests), func(id string) any { return s.PartsRequests[id] })
	each(KindRoster, keysOf(s.Roster), func(id string) any { return s.Roster[id] })
	return m
}

func keysOf[T any](m map[string]T) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// groupRecord cuts one record by the group's policy and encodes it; false
// for a kind that does not leave the store (or a customer without
// contacts).
func groupRecord(kind, id string, v any, contacts bool) (GroupRecord, bool) {
	cut, ok := groupCut(kind, v, contacts)
	if !ok {
		return GroupRecord{}, false
	}
	data, err := json.Marshal(cut)
	if err != nil {
		// The shop's own types always encode; a failure is a bug.
		panic(fmt.Sprintf("shop: encoding a %s for the group: %v", kind, err))
	}
	return GroupRecord{Kind: kind, ID: id, Data: data}, true
}

// groupCut returns a record as the group's policy lets it leave the store:
// a new value of the same type with only the fields the group may have
// (see the list at the top of this file), or false when the kind does not
// leave at all. v is a pointer to the record (*Job, *Settings, ...); it is
// never changed.
func groupCut(kind string, v any, contacts bool) (any, bool) {
	switch r := v.(type) {
	case *Settings:
		return &Settings{
			Name: r.Name, Hours: r.Hours, Language: r.Language, Currency: r.Currency,
			TimeZone: r.TimeZone, QCMinutes: r.QCMinutes, WashMinutes: r.WashMinutes,
			Demo: r.Demo, CoverSet: r.CoverSet, LabourRate: r.LabourRate,
			Printers: []Printer{},
		}, kind == KindSettings
	case *Bay:
		c := *r
		return &c, kind == KindBay
	case *Team:
		c := *r
		return &c, kind == KindTeam
	case *Technician:
		c := *r
		return &c, kind == KindTechnician
	case *User:
		return &User{ID: r.ID, Name: r.Name, Roles: r.Roles, Active: r.Active}, kind == KindUser
	case *Customer:
		if !contacts {
			return nil, false
		}
		return &Customer{ID: r.ID, Name: r.Name, Phone: r.Phone, Key: r.Key}, kind == KindCustomer
	case *Vehicle:
		return &Vehicle{ID: r.ID, CustomerID: r.CustomerID, Plate: r.Plate, Model: r.Model, MileageKM: r.MileageKM}, kind == KindVehicle
	case *Appointment:
		c := *r
		c.Requested = "" // the customer's own words
		return &c, kind == KindAppointment
	case *Job:
		return cutJob(r), kind == KindJob
	case *Finding:
		c := *r
		return &c, kind == KindFinding
	case *PartsRequest:
		c := *r
		return &c, kind == KindPartsRequest
	case *RosterDay:
		c := *r
		return &c, kind == KindRoster
	}
	return nil, false
}

// cutJob is a job as the group gets it: everything the boards and the KPIs
// read, nothing a person wrote about a person nor the customer's own
// words, no photo's file.
func cutJob(j *Job) *Job {
	c := *j
	c.Requests = ""
	c.CustomerLinkGen = 0
	c.NoticesSeen = nil
	c.WalkAround.Valuables, c.WalkAround.Notes = "", ""
	if j.Pause != nil {
		p := *j.Pause
		p.Note = ""
		c.Pause = &p
	}
	if j.Photos != nil {
		c.Photos = make([]Photo, len(j.Photos))
		for i, p := range j.Photos {
			p.ID, p.Caption = "", ""
			c.Photos[i] = p
		}
	}
	if j.Clock != nil {
		c.Clock = make([]ClockSession, len(j.Clock))
		for i, cs := range j.Clock {
			cs.Note = ""
			c.Clock[i] = cs
		}
	}
	if j.QC != nil {
		c.QC = make([]QCResult, len(j.QC))
		for i, q := range j.QC {
			q.Notes = ""
			c.QC[i] = q
		}
	}
	if j.Discounts != nil {
		c.Discounts = make([]Discount, len(j.Discounts))
		for i, d := range j.Discounts {
			d.Reason = ""
			c.Discounts[i] = d
		}
	}
	if j.FollowUp != nil {
		f := *j.FollowUp
		f.Notes, f.Resolution = "", ""
		c.FollowUp = &f
	}
	if j.Survey != nil {
		sv := *j.Survey
		sv.Comment = ""
		c.Survey = &sv
	}
	return &c
}

// ApplyGroupMessage returns the replica with a message applied: a
// snapshot replaces it; an event's records replace the replica's of the
// same kind and id, and a removed one is dropped (a removed job with its
// findings and parts requests). replica nil is an empty one; it is never
// changed (its maps are copied before they are written), so a reader
// holding it stays consistent. Jobs closed more than KeepClosed before
// the message leave the replica as they leave the store's live state. A
// kind the group does not know (a newer store's) is skipped.
func ApplyGroupMessage(replica *State, m GroupMessage) (*State, error) {
	if m.V != GroupMessageVersion {
		return nil, fmt.Errorf("shop: group message of version %d, this build reads %d", m.V, GroupMessageVersion)
	}
	if replica == nil || m.Snapshot {
		replica = NewState()
	}
	n := *replica
	copied := map[string]bool{}
	own := func(kind string) {
		if copied[kind] {
			return
		}
		copied[kind] = true
		switch kind {
		case KindBay:
			n.Bays = copyMap(n.Bays)
		case KindTeam:
			n.Teams = copyMap(n.Teams)
		case KindTechnician:
			n.Technicians = copyMap(n.Technicians)
		case KindUser:
			n.Users = copyMap(n.Users)
		case KindCustomer:
			n.Customers = copyMap(n.Customers)
		case KindVehicle:
			n.Vehicles = copyMap(n.Vehicles)
		case KindAppointment:
			n.Appointments = copyMap(n.Appointments)
		case KindJob:
			n.Jobs = copyMap(n.Jobs)
		case KindFinding:
			n.Findings = copyMap(n.Findings)
		case KindPartsRequest:
			n.PartsRequests = copyMap(n.PartsRequests)
		case KindRoster:
			n.Roster = copyMap(n.Roster)
		}
	}
	for _, r := range m.Records {
		if !isGroupKind(r.Kind) {
			continue
		}
		own(r.Kind)
		if r.Removed {
			removeGroupRecord(&n, r.Kind, r.ID, own)
			continue
		}
		v := NewRecord(r.Kind)
		if err := json.Unmarshal(r.Data, v); err != nil {
			return nil, fmt.Errorf("shop: group message %s: %s %s: %w", GroupMessageID(m), r.Kind, r.ID, err)
		}
		if key := recordKey(v); key != r.ID {
			return nil, fmt.Errorf("shop: group message %s: %s %q carries the id %q", GroupMessageID(m), r.Kind, r.ID, key)
		}
		if st, ok := v.(*Settings); ok {
			n.Loc = time.UTC
			if loc, err := time.LoadLocation(st.TimeZone); err == nil && st.TimeZone != "" {
				n.Loc = loc
			}
		}
		n.Put(Record{Kind: r.Kind, ID: r.ID, Value: v})
	}
	if !m.At.IsZero() {
		return groupPrune(&n, m.At), nil
	}
	return &n, nil
}

// groupPrune is what the group keeps of a store at a message's time: the
// jobs of the store's live state (closed ones for KeepClosed), the
// bookings from KeepClosed before on, the roster's days from then, and
// only the cars and customers those jobs and bookings name. The store
// keeps every car, customer and booking it ever had; the group needs
// today's, and its snapshot stays the size of a week, not of the store's
// years. It returns s itself when nothing goes.
func groupPrune(s *State, at time.Time) *State {
	horizon := at.Add(-KeepClosed)
	s = s.WithoutClosedBefore(horizon)
	var oldAppts []string
	for id, ap := range s.Appointments {
		if ap.At.Before(horizon) {
			oldAppts = append(oldAppts, id)
		}
	}
	// The roster's days by their date in UTC, a day more: the same on
	// the store's side and the group's, whatever either's zone.
	firstDay := horizon.UTC().AddDate(0, 0, -1).Format(time.DateOnly)
	var oldDays []string
	for date := range s.Roster {
		if date < firstDay {
			oldDays = append(oldDays, date)
		}
	}
	old := make(map[string]bool, len(oldAppts))
	for _, id := range oldAppts {
		old[id] = true
	}
	cars, people := map[string]bool{}, map[string]bool{}
	for _, j := range s.Jobs {
		cars[j.VehicleID], people[j.CustomerID] = true, true
	}
	for id, ap := range s.Appointments {
		if !old[id] {
			cars[ap.VehicleID], people[ap.CustomerID] = true, true
		}
	}
	var oldCars, oldPeople []string
	for id, v := range s.Vehicles {
		if !cars[id] {
			oldCars = append(oldCars, id)
		} else {
			people[v.CustomerID] = true
		}
	}
	for id := range s.Customers {
		if !people[id] {
			oldPeople = append(oldPeople, id)
		}
	}
	if len(oldAppts)+len(oldDays)+len(oldCars)+len(oldPeople) == 0 {
		return s
	}
	n := *s
	if len(oldAppts) > 0 {
		n.Appointments = copyMap(s.Appointments)
		for _, id := range oldAppts {
			delete(n.Appointments, id)
		}
	}
	if len(oldDays) > 0 {
		n.Roster = copyMap(s.Roster)
		for _, d := range oldDays {
			delete(n.Roster, d)
		}
	}
	if len(oldCars) > 0 {
		n.Vehicles = copyMap(s.Vehicles)
		for _, id := range oldCars {
			delete(n.Vehicles, id)
		}
	}
	if len(oldPeople) > 0 {
		n.Customers = copyMap(s.Customers)
		for _, id := range oldPeople {
			delete(n.Customers, id)
		}
	}
	return &n
}

// recordKey is the id a record is kept under, as State.Put keys it.
func recordKey(v any) string {
	switch r := v.(type) {
	case *Settings:
		return "shop"
	case *Bay:
		return r.ID
	case *Team:
		return r.ID
	case *Technician:
		return r.ID
	case *User:
		return r.ID
	case *Customer:
		return r.ID
	case *Vehicle:
		return r.ID
	case *Appointment:
		return r.ID
	case *Job:
		return r.ID
	case *Finding:
		return r.ID
	case *PartsRequest:
		return r.ID
	case *RosterDay:
		return r.Date
	}
	return ""
}

func isGroupKind(kind string) bool {
	for _, k := range groupKinds {
		if k == kind {
			return true
		}
	}
	return false
}

func removeGroupRecord(n *State, kind, id string, own func(string)) {
	switch kind {
	case KindBay:
		delete(n.Bays, id)
	case KindTeam:
		delete(n.Teams, id)
	case KindTechnician:
		delete(n.Technicians, id)
	case KindUser:
		delete(n.Users, id)
	case KindCustomer:
		delete(n.Customers, id)
	case KindVehicle:
		delete(n.Vehicles, id)
	case KindAppointment:
		delete(n.Appointments, id)
	case KindJob:
		// A job leaves with its findings and parts requests, as it
		// leaves the store's live state (WithoutClosedBefore).
		delete(n.Jobs, id)
		own(KindFinding)
		own(KindPartsRequest)
		for fid, f := range n.Findings {
			if f.JobID == id {
				delete(n.Findings, fid)
			}
		}
		for pid, p := range n.PartsRequests {
			if p.JobID == id {
				delete(n.PartsRequests, pid)
			}
		}
	case KindFinding:
		delete(n.Findings, id)
	case KindPartsRequest:
		delete(n.PartsRequests, id)
	case KindRoster:
		delete(n.Roster, id)
	}
}

func copyMap[T any](m map[string]*T) map[string]*T {
	out := make(map[string]*T, len(m)+1)
	for k, v := range m {
		out[k] = v
	}
	return out
}

// GroupKinds lists the kinds of record that leave a store for its group,
// in the order a message lists them.
func GroupKinds() []string { return append([]string(nil), groupKinds...) }

// GroupDiff compares a group's replica of a store with the store's own
// state as the group's policy cuts it and keeps it at a time (a fresh
// snapshot of s at the replica's last message's time, applied to an empty
// replica), kind by kind, and names the kinds that differ; none when the
// group holds what the store does. For the tests and checks that a
// group's state equals its stores'.
func (s *State) GroupDiff(replica *State, at time.Time, contacts bool) []string {
	want, err := ApplyGroupMessage(nil, s.GroupSnapshot("", 0, at, contacts))
	if err != nil {
		return []string{err.Error()}
	}
	if replica == nil {
		replica = NewState()
	}
	kinds := func(st *State) []any {
		return []any{st.Settings, st.Bays, st.Teams, st.Technicians, st.Users, st.Customers, st.Vehicles, st.Appointments, st.Jobs, st.Findings, st.PartsRequests, st.Roster}
	}
	var diff []string
	have, exp := kinds(replica), kinds(want)
	for i, kind := range groupKinds {
		a, errA := json.Marshal(have[i])
		b, errB := json.Marshal(exp[i])
		if errA != nil || errB != nil || string(a) != string(b) {
			diff = append(diff, kind)
		}
	}
	if replica.Loc.String() != want.Loc.String() {
		diff = append(diff, "time_zone")
	}
	return diff
}
