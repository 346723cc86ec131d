package demo

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"sort"
	"time"

	"bayboard/internal/shop"
)

// Doer applies commands; the engine implements it.
type Doer interface {
	Do(ctx context.Context, a shop.Actor, c shop.Command) (shop.Event, error)
	State() *shop.State
	Now() time.Time
}

// Simulator moves the demo day forward: customers arrive, the controller
// dispatches, technicians clock on and finish, parts arrive late, QC fails
// now and then, cars are washed and delivered. It moves only the cars and
// bookings the demo made (Device): one a person opens or books in the demo
// is theirs alone. Every move is a command with
// the permissions of the person who would make it. At closing time the
// technicians clock off and the clock jumps over the night to the next
// morning, when the work left over carries on and the day after is booked.
type Simulator struct {
	shop  Doer
	clock *Clock
	log   *slog.Logger
	rng   *rand.Rand
	last  time.Time
	// day is the shop day the simulator last worked, "2006-01-02".
	day string
	// Tick is how often (in wall time) the simulator looks at the shop.
	Tick time.Duration
}

// NewSimulator returns a simulator over a shop. The clock is the one the
// shop reads; the simulator moves it over the nights. A nil clock is not
// moved, and the simulator waits for the morning.
func NewSimulator(d Doer, clock *Clock, log *slog.Logger) *Simulator {
	return &Simulator{shop: d, clock: clock, log: log, rng: rand.New(rand.NewPCG(7, 11)), Tick: time.Second}
}

// Run steps until ctx ends.
func (s *Simulator) Run(ctx context.Context) {
	t := time.NewTicker(s.Tick)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			s.Step(ctx)
		}
	}
}

// chance returns true with probability p per simulated hour, scaled to the
// time since the last step.
func (s *Simulator) chance(perHour float64, dt time.Duration) bool {
	return s.rng.Float64() < perHour*dt.Hours()
}

func (s *Simulator) do(ctx context.Context, a shop.Actor, c shop.Command) bool {
	if _, err := s.shop.Do(ctx, a, c); err != nil {
		s.log.Debug("demo move refused", "command", c.CommandType(), "error", err)
		return false
	}
	return true
}

// Step makes the moves due at the shop's current time. Outside opening
// hours it ends the day instead.
func (s *Simulator) Step(ctx context.Context) {
	now := s.shop.Now()
	st := s.shop.State()
	if !isOpen(st.Settings, now) {
		s.endDay(ctx, st, now)
		return
	}
	if day := now.In(Location()).Format("2006-01-02"); day != s.day {
		s.day = day
		s.startDay(ctx, st, now)
		st = s.shop.State()
	}
	dt := now.Sub(s.last)
	if s.last.IsZero() || dt <= 0 || dt > time.Hour {
		dt = time.Minute
	}
	s.last = now
	s.arrivals(ctx, st, now, dt)
	st = s.shop.State()
	busyBays, busyTechs := occupancy(st)
	for _, j := range st.OpenJobs() {
		if ours(j) {
			s.advance(ctx, st, j, now, dt, busyBays, busyTechs)
		}
	}
}

// endDay closes the shop: every technician clocks off, leaving their job in
// its stage for the morning; tomorrow's appointments get their parts staged,
// a bay and a reminder, as the day before asks. Then the night is skipped:
// the clock jumps to the next opening rather than step through empty hours.
func (s *Simulator) endDay(ctx context.Context, st *shop.State, now time.Time) {
	for _, j := range st.OpenJobs() {
		if !ours(j) {
			continue // a person's car is theirs to clock off
		}
		for _, c := range j.Clock {
			if c.End == nil {
				s.do(ctx, techActor(c.TechID), &shop.ClockOff{TechRef: shop.TechRef{JobID: j.ID, TechID: c.TechID}})
			}
		}
	}
	opens := nextOpening(st.Settings, now)
	y, m, d := opens.Date()
	for _, ap := range st.Appointments {
		ay, am, ad := ap.At.In(Location()).Date()
		if ap.Status != shop.ApptBooked || ay != y || am != m || ad != d || !oursBooked(ap) {
			continue
		}
		prep := shop.Prep{AdvisorAssigned: ap.AdvisorID != "", PartsStaged: true, BayAssigned: true, Reminded24h: true}
		if ap.Prep != prep {
			s.do(ctx, asAdvisor, &shop.UpdateAppointment{ID: ap.ID, Prep: &prep})
		}
	}
	if s.clock != nil {
		s.clock.Advance(opens.Sub(now))
	}
}

// startDay opens the shop: the technicians clock back on to the work left
// in progress last night, and the day after today is booked, so the
// appointment board always shows today and tomorrow.
func (s *Simulator) startDay(ctx context.Context, st *shop.State, now time.Time) {
	for _, j := range st.OpenJobs() {
		if j.Stage != shop.StageInProgress || clockedOn(j) || !ours(j) {
			continue
		}
		for _, t := range j.TechIDs {
			s.do(ctx, techActor(t), &shop.ClockOn{TechRef: shop.TechRef{JobID: j.ID, TechID: t}})
		}
	}
	s.bookDay(ctx, s.shop.State(), now.In(Location()).AddDate(0, 0, 1))
}

// ours says whether the demo opened a job (seeded or simulated): the
// simulator moves only those. A job a person opens in the demo is theirs
// to work through; its bay and technicians count as busy all the same.
func ours(j *shop.Job) bool { return j.OpenedFrom == Device }

// oursBooked says whether the demo booked an appointment: a person's
// booking arrives, or not, when they say.
func oursBooked(ap *shop.Appointment) bool { return ap.BookedFrom == Device }

// clockedOn says whether anyone is clocked on a job.
func clockedOn(j *shop.Job) bool {
	for _, c := range j.Clock {
		if c.End == nil {
			return true
		}
	}
	return false
}

func occupancy(st *shop.State) (map[string]bool, map[string]bool) {
	bays, techs := map[string]bool{}, map[string]bool{}
	for _, j := range st.Jobs {
		if j.Stage == shop.StageDispatched || j.Stage == shop.StageInProgress || j.Stage.Paused() {
			bays[j.BayID] = true
			for _, t := range j.TechIDs {
				techs[t] = true
			}
		}
	}
	return bays, techs
}

// arrivals opens jobs for booked customers whose time has come, marks
// no-shows, and lets a walk-in arrive now and then during opening hours.
func (s *Simulator) arrivals(ctx context.Context, st *shop.State, now time.Time, dt time.Duration) {
	for _, ap := range st.Appointments {
		if ap.Status != shop.ApptBooked || ap.At.After(now) || !oursBooked(ap) {
			continue
		}
		if now.Sub(ap.At) > time.Hour {
			s.do(ctx, asAdvisor, &shop.UpdateAppointment{ID: ap.ID, Status: shop.ApptNoShow})
			continue
		}
		if s.rng.IntN(10) == 0 && now.Sub(ap.At) < 2*time.Minute {
			continue // late; most come later, some not at all
		}
		s.open(ctx, now, ap.CustomerID, ap.VehicleID, ap.ID)
	}
	// Walk-ins come while the shop is open, until an hour before closing.
	_, closes := openingHours(st.Settings, now)
	if now.Before(closes.Add(-time.Hour)) && s.chance(1.5, dt) {
		st := s.shop.State()
		for _, v := range st.Vehicles {
			if !hasOpenJob(st, v.ID) && s.rng.IntN(4) == 0 {
				s.open(ctx, now, v.CustomerID, v.ID, "")
				break
			}
		}
	}
}

func hasOpenJob(st *shop.State, vehicleID string) bool {
	for _, j := range st.Jobs {
		if j.VehicleID == vehicleID && j.Stage.Open() {
			return true
		}
	}
	return false
}

func (s *Simulator) open(ctx context.Context, now time.Time, customerID, vehicleID, appointmentID string) {
	w := works[s.rng.IntN(len(works))]
	hours := 0.0
	for _, l := range w.labour {
		hours += l.SoldHours
	}
	promised := now.Add(time.Duration((hours + 1.5 + s.rng.Float64()) * float64(time.Hour))).Truncate(15 * time.Minute).Add(15 * time.Minute)
	lastKM := 0
	if v := s.shop.State().Vehicles[vehicleID]; v != nil {
		lastKM = v.MileageKM
	}
	s.do(ctx, asAdvisor, &shop.OpenJob{AppointmentID: appointmentID, CustomerID: customerID, VehicleID: vehicleID, Estimate: shop.Estimate{
		Requests: w.request, Labour: w.labour, Parts: w.parts, PromisedAt: promised, Wash: s.rng.IntN(4) != 0,
		KeepOldParts: s.rng.IntN(3) == 0, WalkAround: shop.WalkAround{MileageKM: walkAroundKM(s.rng, lastKM), FuelPercent: 10 + s.rng.IntN(90), CoversOn: true}}})
}

// bookDay books a day's appointment slots, as the advisors do the day
// before, for customers whose car is neither in the shop nor booked already.
// A day that has appointments is left as it is.
func (s *Simulator) bookDay(ctx context.Context, st *shop.State, day time.Time) {
	y, m, d := day.Date()
	booked := map[string]bool{}
	for _, ap := range st.Appointments {
		if ay, am, ad := ap.At.In(Location()).Date(); ay == y && am == m && ad == d {
			return
		}
		if ap.Status == shop.ApptBooked {
			booked[ap.VehicleID] = true
		}
	}
	var free []string
	for id := range st.Vehicles {
		if !booked[id] && !hasOpenJob(st, id) {
			free = append(free, id)
		}
	}
	// Sorted first, so a seeded random generator books the same cars each run.
	sort.Strings(free)
	s.rng.Shuffle(len(free), func(a, b int) { free[a], free[b] = free[b], free[a] })
	for slot, at := range appointmentSlots(st.Settings, day) {
		if slot >= len(free) {
			return
		}
		v := st.Vehicles[free[slot]]
		w := works[s.rng.IntN(len(works))]
		s.do(ctx, asAdvisor, &shop.BookAppointment{At: at, CustomerID: v.CustomerID, VehicleID: v.ID, Requested: w.request,
			AdvisorID: advisors[slot%len(advisors)], Parts: w.parts})
	}
}

// advance makes the next move of one job if it is due.
func (s *Simulator) advance(ctx context.Context, st *shop.State, j *shop.Job, now time.Time, dt time.Duration, busyBays, busyTechs map[string]bool) {
	since := now.Sub(j.UpdatedAt)
	ref := shop.JobRef{JobID: j.ID}
	switch j.Stage {
	case shop.StageReception:
		if since > 10*time.Minute {
			s.do(ctx, asAdvisor, &shop.Submit{JobRef: ref})
		}
	case shop.StageWaitingDispatch:
		if since > 5*time.Minute {
			s.dispatch(ctx, st, j, busyBays, busyTechs)
		}
	case shop.StageDispatched:
		if since > 5*time.Minute {
			for _, t := range j.TechIDs {
				s.do(ctx, techActor(t), &shop.ClockOn{TechRef: shop.TechRef{JobID: j.ID, TechID: t}})
			}
		}
	case shop.StageInProgress:
		s.counter(ctx, st, j)
		s.work(ctx, st, j, now, dt)
	case shop.StageWaitingParts:
		s.parts(ctx, st, j, now)
	case shop.StageWaitingApproval:
		// The advisor prices a proposed finding at the shop's rate and
		// the catalogue's prices and sends it; the customer answers by
		// phone a while later.
		for _, f := range st.JobFindings(j.ID) {
			switch {
			case f.Status == shop.FindingProposed && now.Sub(f.ReportedAt) > 5*time.Minute:
				s.do(ctx, asAdvisor, &shop.PriceFinding{FindingID: f.ID, Send: true})
			case f.Status == shop.FindingAwaiting && f.SentAt != nil && now.Sub(*f.SentAt) > 15*time.Minute:
				s.do(ctx, asAdvisor, &shop.DecideFinding{FindingID: f.ID, Approve: s.rng.IntN(5) != 0, Via: "phone"})
			}
		}
		if len(awaiting(st, j.ID)) == 0 {
			s.resume(ctx, j)
		}
	case shop.StagePaused:
		if since > 15*time.Minute {
			s.resume(ctx, j)
		}
	case shop.StageQualityCheck:
		s.qc(ctx, j, since)
	case shop.StageWashing:
		// The washer takes a car a few minutes after it comes, and
		// marks it washed the shop's wash time later.
		switch {
		case j.WashStartedAt == nil && since > 5*time.Minute:
			s.do(ctx, asWasher, &shop.StartWash{JobRef: ref})
		case j.WashStartedAt != nil && now.Sub(*j.WashStartedAt) > time.Duration(st.Settings.WashMinutes)*time.Minute:
			s.do(ctx, asWasher, &shop.WashDone{JobRef: ref})
		}
	case shop.StageReady:
		if since > 20*time.Minute && (now.After(j.PromisedAt.Add(-30*time.Minute)) || since > time.Hour) {
			s.do(ctx, asAdvisor, delivery(j, now))
		}
	}
}

// wiperBlade is the catalogue's part the simulator's technicians propose.
var wiperBlade = shop.CatalogPart{Number: "98350-3S000", Name: "雨刮片 Wiper blade", UnitPrice: 5500, Active: true}

func awaiting(st *shop.State, jobID string) []*shop.Finding {
	var out []*shop.Finding
	for _, f := range st.JobFindings(jobID) {
		if f.Undecided() {
			out = append(out, f)
		}
	}
	return out
}

// bayFor says which bay kinds suit a job's first labour code.
func bayFor(j *shop.Job) []shop.BayKind {
	code := ""
	if len(j.Labour) > 0 {
		code = j.Labour[0].Code
	}
	switch {
	case code == "":
		return []shop.BayKind{shop.BayGeneral}
	case code[0] == 'M':
		return []shop.BayKind{shop.BayQuickService, shop.BayGeneral}
	case code[0] == 'A':
		return []shop.BayKind{shop.BayAlignment, shop.BayGeneral}
	case code[0] == 'D':
		return []shop.BayKind{shop.BayDiagnosis, shop.BayGeneral}
	case code[0] == 'P':
		return []shop.BayKind{shop.BayBody, shop.BayPaint}
	}
	return []shop.BayKind{shop.BayGeneral, shop.BayQuickService}
}

// dispatch puts a job on a free bay of a suitable kind with a free
// technician whose team has the skill and who is not away today (the
// roster: dispatch refuses them).
func (s *Simulator) dispatch(ctx context.Context, st *shop.State, j *shop.Job, busyBays, busyTechs map[string]bool) {
	for _, td := range st.DutyRoster(s.shop.Now()).Technicians {
		if td.Away {
			busyTechs[td.TechID] = true
		}
	}
	for _, kind := range bayFor(j) {
		for id, b := range st.Bays {
			if b.Kind != kind || !b.Active || busyBays[id] {
				continue
			}
			for tid, t := range st.Technicians {
				if busyTechs[tid] || !t.Active || !hasSkill(t, string(kind)) {
					continue
				}
				if s.do(ctx, asController, &shop.Dispatch{JobID: j.ID, TeamID: t.TeamID, TechIDs: []string{tid}, BayID: id}) {
					busyBays[id], busyTechs[tid] = true, true
				}
				return
			}
		}
	}
}

func hasSkill(t *shop.Technician, kind string) bool {
	for _, sk := range t.Skills {
		if sk == kind || (sk == "general" && kind == "quick_service") {
			return true
		}
	}
	return false
}

// work finishes a job when its sold hours are clocked, and now and then
// stops it for parts or a finding.
func (s *Simulator) work(ctx context.Context, st *shop.State, j *shop.Job, now time.Time, dt time.Duration) {
	if len(j.TechIDs) == 0 {
		return
	}
	tech := j.TechIDs[0]
	if !clockedOn(j) {
		s.do(ctx, techActor(tech), &shop.ClockOn{TechRef: shop.TechRef{JobID: j.ID, TechID: tech}})
		return
	}
	switch {
	case j.ClockedHours(now) >= j.SoldHours()*(0.8+0.4*s.rng.Float64()):
		s.do(ctx, techActor(tech), &shop.Finish{TechRef: shop.TechRef{JobID: j.ID, TechID: tech}, SelfCheck: []string{"扭矩复查", "油液位", "工具清点"}})
	case s.chance(0.25, dt):
		s.do(ctx, techActor(tech), &shop.Pause{JobID: j.ID, Reason: shop.PauseWaitingParts,
			Parts: []shop.PartItem{{Number: spareParts[1].Number, Description: spareParts[1].Name, Quantity: 1}}})
	case s.chance(0.12, dt):
		s.do(ctx, techActor(tech), &shop.Pause{JobID: j.ID, Reason: shop.PauseWaitingApproval,
			Finding: &shop.FindingInput{Description: "雨刮片老化，建议更换 Wiper blades worn", Why: "刮不干净 Streaks the windscreen", Hours: 0.2,
				Parts: []shop.PartLine{{Number: wiperBlade.Number, Name: wiperBlade.Name, Quantity: 2}}}})
	case s.chance(0.05, dt):
		s.do(ctx, techActor(tech), &shop.Pause{JobID: j.ID, Reason: shop.PauseBreak})
	}
}

// parts is the parts counter: pick, then issue, sometimes order with an
// ETA; when nothing is awaited the technician resumes.
func (s *Simulator) parts(ctx context.Context, st *shop.State, j *shop.Job, now time.Time) {
	open := 0
	for _, p := range st.JobParts(j.ID) {
		if !p.Open() {
			continue
		}
		open++
		age := now.Sub(p.UpdatedAt)
		switch {
		case p.Status == shop.PartsRequested && age > 5*time.Minute:
			// One part in three is not in stock and is ordered, with an
			// ETA the boards show until it comes.
			if s.rng.IntN(3) == 0 {
				eta := now.Add(time.Duration(1+s.rng.IntN(3)) * time.Hour)
				s.do(ctx, asParts, &shop.UpdateParts{RequestID: p.ID, Status: shop.PartsOnOrder, ETA: &eta})
			} else {
				s.do(ctx, asParts, &shop.UpdateParts{RequestID: p.ID, Status: shop.PartsPicked})
			}
		case p.Status == shop.PartsPicked && age > 5*time.Minute,
			p.Status == shop.PartsOnOrder && p.ETA != nil && now.After(*p.ETA):
			s.issueRequest(ctx, st, j, p)
		}
	}
	if open == 0 {
		s.resume(ctx, j)
	}
}

// issueRequest issues what a technician asked for: against the job's
// scope when the estimate holds the part, else once the advisor has
// allowed it, with the customer's consent taken by phone.
func (s *Simulator) issueRequest(ctx context.Context, st *shop.State, j *shop.Job, p *shop.PartsRequest) {
	issue := &shop.IssuePart{JobID: j.ID, Number: p.Number, Quantity: p.Quantity, RequestID: p.ID}
	for _, l := range st.DrawLines(j) {
		if l.RequestID != p.ID || !l.BeyondScope {
			continue
		}
		if l.AllowanceID == "" {
			s.do(ctx, asAdvisor, &shop.AllowPart{JobID: j.ID, Number: p.Number, Quantity: p.Quantity, RequestID: p.ID,
				Reason: "客户电话同意更换 The customer agreed by phone", Consent: &shop.Consent{Via: shop.ConsentPhone}})
			return // issued at the next look, against the allowance
		}
	}
	for _, al := range j.Allowances {
		if al.RequestID == p.ID {
			issue.AllowanceID = al.ID
		}
	}
	s.do(ctx, asParts, issue)
}

// counter issues what a job at work still has to draw from its scope
// and its allowances: the estimate's parts when the work starts, an
// approved finding's as it joins the scope.
func (s *Simulator) counter(ctx context.Context, st *shop.State, j *shop.Job) {
	for _, l := range st.ToDraw(j) {
		if l.RequestID != "" || !l.InCatalog {
			continue
		}
		s.do(ctx, asParts, &shop.IssuePart{JobID: j.ID, Number: l.Number, Quantity: l.ToDraw, AllowanceID: l.AllowanceID})
	}
}

func (s *Simulator) resume(ctx context.Context, j *shop.Job) {
	if s.do(ctx, asController, &shop.Resume{JobRef: shop.JobRef{JobID: j.ID}}) && len(j.TechIDs) > 0 {
		t := j.TechIDs[0]
		s.do(ctx, techActor(t), &shop.ClockOn{TechRef: shop.TechRef{JobID: j.ID, TechID: t}})
	}
}

// qc runs the team check and the final inspection; one in twenty fails.
func (s *Simulator) qc(ctx context.Context, j *shop.Job, since time.Duration) {
	done := map[shop.QCStep]bool{}
	for _, r := range j.CurrentQC() {
		done[r.Step] = r.Pass
	}
	switch {
	case !done[shop.QCTeam] && since > 8*time.Minute:
		s.do(ctx, leaderActor(j.TeamID), &shop.QC{JobID: j.ID, Step: shop.QCTeam, Pass: true})
	case done[shop.QCTeam] && since > 10*time.Minute:
		if s.rng.IntN(20) == 0 {
			s.do(ctx, asQC, &shop.QC{JobID: j.ID, Step: shop.QCFinal, Pass: false, Reason: "异响未排除 Noise persists"})
		} else {
			s.do(ctx, asQC, &shop.QC{JobID: j.ID, Step: shop.QCFinal, Pass: true})
		}
	}
}

// delivery is the advisor's handover: checklist done, settlement explained
// when it differs from the signed estimate, paid by a common method.
func delivery(j *shop.Job, now time.Time) *shop.Deliver {
	next := now.AddDate(0, 6, 0)
	// The customer pays their share of the settlement.
	s := j.Settlement()
	d := &shop.Deliver{JobID: j.ID, NextServiceAt: &next, NextServiceKM: j.WalkAround.MileageKM + 10000,
		WorkShown: true, OldPartsShown: j.KeepOldParts, CarClean: j.Wash, SeatRestored: true,
		Paid: s.CustomerDue, PaymentMethod: []string{"wechat", "alipay", "card", "cash"}[len(j.ID)%4]}
	if s.Gross != j.Estimated.Total || s.CustomerDue != j.Estimated.Total {
		d.Explanation = "客户电话确认的增项已加入结算 Extra work approved by the customer is included"
	}
	if d.Paid == 0 {
		d.PaymentMethod = ""
	}
	return d
}
