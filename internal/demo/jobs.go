package demo

import (
	"sort"
	"strings"
	"time"

	"bayboard/internal/shop"
)

// Device is the device the seeding and the simulator act from: every job
// and booking they make records it (shop.Job.OpenedFrom,
// shop.Appointment.BookedFrom), and the simulator moves only those, never
// a car a person opened or booked in the demo.
const Device = "demo"

// Demo staff by role: the seeding and the simulator act as them, so their
// commands pass the same permission checks as a person's.
var (
	asAdvisor    = shop.Actor{UserID: "user-2", Roles: []shop.Role{shop.RoleAdvisor}, DeviceID: Device}
	asController = shop.Actor{UserID: "user-5", Roles: []shop.Role{shop.RoleController}, DeviceID: Device}
	asParts      = shop.Actor{UserID: "user-6", Roles: []shop.Role{shop.RoleParts}, DeviceID: Device}
	asQC         = shop.Actor{UserID: "user-7", Roles: []shop.Role{shop.RoleQC}, DeviceID: Device}
	asWasher     = shop.Actor{UserID: "user-8", Roles: []shop.Role{shop.RoleWasher}, DeviceID: Device}
)

type step struct {
	at    time.Time
	actor shop.Actor
	cmd   shop.Command
}

type scenario struct {
	stage shop.Stage
	bay   string
	team  string
	techs []string
	work  int
}

// jobs puts jobs in every stage at start. The first wave came in when the
// shop opened this morning and has left its bays; the second is on the
// bays now. A step due after start is made at start.
func (s *seeder) jobs(start time.Time) {
	opens, _ := openingHours(s.d.Settings(), start)
	wave1 := []scenario{
		{shop.StageDelivered, "bay-1", "team-1", []string{"tech-2"}, 0},
		{shop.StageDelivered, "bay-2", "team-1", []string{"tech-3"}, 0},
		{shop.StageReady, "bay-4", "team-2", []string{"tech-6"}, 2},
		{shop.StageWashing, "bay-8", "team-3", []string{"tech-10"}, 6},
		{shop.StageQualityCheck, "bay-3", "team-1", []string{"tech-4"}, 0},
		{shop.StageQualityCheck, "bay-9", "team-2", []string{"tech-8"}, 6},
	}
	// The second wave takes over the first wave's bays as they free up,
	// so the jobs going to them come later in it.
	wave2 := []scenario{
		{shop.StageWaitingParts, "bay-6", "team-3", []string{"tech-11"}, 1},
		{shop.StageWaitingParts, "bay-1", "team-1", []string{"tech-2"}, 3},
		{shop.StageInProgress, "bay-2", "team-1", []string{"tech-3"}, 0},
		{shop.StageInProgress, "bay-4", "team-2", []string{"tech-6", "tech-7"}, 4},
		{shop.StageInProgress, "bay-10", "team-4", []string{"tech-14"}, 5},
		{shop.StageInProgress, "bay-7", "team-3", []string{"tech-10"}, 1},
		{shop.StageWaitingApproval, "bay-9", "team-2", []string{"tech-8"}, 6},
		{shop.StageDispatched, "bay-11", "team-4", []string{"tech-15"}, 5},
		{shop.StageDispatched, "bay-5", "team-2", []string{"tech-5"}, 4},
		{shop.StageWaitingDispatch, "", "", nil, 1},
		{shop.StageWaitingDispatch, "", "", nil, 4},
		{shop.StageWaitingDispatch, "", "", nil, 0},
		{shop.StageReception, "", "", nil, 3},
		{shop.StageCancelled, "", "", nil, 2},
		{shop.StagePaused, "bay-8", "team-3", []string{"tech-12"}, 2},
	}
	var steps []step
	vehicle := 0
	add := func(list []scenario, open time.Time, gap time.Duration) {
		for i, sc := range list {
			vehicle++
			steps = append(steps, s.timeline(sc, vehicle, open.Add(time.Duration(i)*gap))...)
		}
	}
	add(wave1, opens, 3*time.Minute)
	add(wave2, opens.Add(time.Hour), 4*time.Minute)
	sort.SliceStable(steps, func(a, b int) bool { return steps[a].at.Before(steps[b].at) })
	for _, st := range steps {
		if st.at.After(start) {
			st.at = start
		}
		s.do(st.actor, st.at, st.cmd)
	}
}

func techActor(techID string) shop.Actor {
	// tech-N belongs to user-(10+N): ten staff accounts come first.
	n := 0
	for _, r := range techID[len("tech-"):] {
		n = n*10 + int(r-'0')
	}
	return shop.Actor{UserID: "user-" + itoa(10+n), Roles: []shop.Role{shop.RoleTechnician}, DeviceID: Device}
}

// leaderActor is the leader of a demo team, who passes its team check:
// team-N is led by its first technician, tech-(4N-3) (four to a team).
func leaderActor(teamID string) shop.Actor {
	n := 0
	for _, r := range strings.TrimPrefix(teamID, "team-") {
		n = n*10 + int(r-'0')
	}
	a := techActor("tech-" + itoa(4*n-3))
	a.Roles = []shop.Role{shop.RoleTechnician, shop.RoleTeamLeader}
	return a
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

// timeline returns the steps that bring one job to its scenario's stage.
func (s *seeder) timeline(sc scenario, vehicle int, open time.Time) []step {
	w := works[sc.work]
	veID, cuID := "ve-"+itoa(vehicle), "cu-"+itoa(vehicle)
	hours := 0.0
	for _, l := range w.labour {
		hours += l.SoldHours
	}
	promised := open.Add(time.Duration((hours + 1.5) * float64(time.Hour))).Truncate(15 * time.Minute)
	est := shop.Estimate{Requests: w.request, Labour: w.labour, Parts: w.parts, PromisedAt: promised,
		Wash: sc.work != 6 || sc.stage == shop.StageWashing, KeepOldParts: vehicle%3 == 0,
		WalkAround: shop.WalkAround{MileageKM: walkAroundKM(s.rng, s.mileage[veID]), FuelPercent: 25 + vehicle*7%70, CoversOn: true, Damage: []string{"", "右后保险杠轻微划痕", "", "左前轮毂擦伤"}[vehicle%4]}}
	jobID := open.Format("20060102") + "-" + pad4(vehicle)
	steps := []step{{open, asAdvisor, &shop.OpenJob{CustomerID: cuID, VehicleID: veID, Estimate: est}}}
	at := open
	next := func(d time.Duration, a shop.Actor, c shop.Command) {
		at = at.Add(d)
		steps = append(steps, step{at, a, c})
	}
	ref := shop.JobRef{JobID: jobID}
	switch {
	case sc.stage == shop.StageReception:
		return steps
	case sc.stage == shop.StageCancelled:
		next(10*time.Minute, asAdvisor, &shop.Cancel{JobID: jobID, Reason: "客户临时有事，改天再来"})
		return steps
	}
	next(5*time.Minute, asAdvisor, &shop.Submit{JobRef: ref})
	if sc.stage == shop.StageWaitingDispatch {
		return steps
	}
	next(3*time.Minute, asController, &shop.Dispatch{JobID: jobID, TeamID: sc.team, TechIDs: sc.techs, BayID: sc.bay})
	if sc.stage == shop.StageDispatched {
		return steps
	}
	for _, t := range sc.techs {
		next(2*time.Minute, techActor(t), &shop.ClockOn{TechRef: shop.TechRef{JobID: jobID, TechID: t}})
	}
	// The technician draws the estimate's parts at the counter as the
	// work starts; the dispatched jobs have theirs on the pick list.
	for _, p := range w.parts {
		next(3*time.Minute, asParts, &shop.IssuePart{JobID: jobID, Number: p.Number, Quantity: p.Quantity})
	}
	switch sc.stage {
	case shop.StageInProgress:
		return steps
	case shop.StageWaitingParts:
		next(12*time.Minute, techActor(sc.techs[0]), &shop.Pause{JobID: jobID, Reason: shop.PauseWaitingParts,
			Parts: []shop.PartItem{{Number: "58302-2SA30", Description: "后刹车片 Rear brake pads", Quantity: 1}}})
		if vehicle%2 == 1 {
			eta := at.Add(3 * time.Hour).Truncate(30 * time.Minute)
			next(8*time.Minute, asParts, &shop.UpdateParts{RequestID: "pr-" + itoa(s.partsSeen+1), Status: shop.PartsOnOrder, ETA: &eta})
		}
		s.partsSeen++
		return steps
	case shop.StageWaitingApproval:
		next(15*time.Minute, techActor(sc.techs[0]), &shop.Pause{JobID: jobID, Reason: shop.PauseWaitingApproval,
			Finding: &shop.FindingInput{Description: "节气门积碳严重，建议清洗 Throttle body carbon, clean",
				Why: "怠速抖动，节气门积碳 Rough idle, carbon on the throttle body", Hours: 0.8}})
		// The advisor prices it at the shop's rate and sends it to the
		// customer, who has not answered yet.
		s.findingsSeen++
		next(6*time.Minute, asAdvisor, &shop.PriceFinding{FindingID: "fi-" + itoa(s.findingsSeen), Send: true})
		return steps
	case shop.StagePaused:
		next(10*time.Minute, techActor(sc.techs[0]), &shop.Pause{JobID: jobID, Reason: shop.PauseOther,
			Note: "定位仪校准中 Alignment rig being calibrated"})
		return steps
	}
	// The rest of the first wave has finished its repair.
	work := time.Duration(hours * float64(time.Hour) / float64(len(sc.techs)))
	next(work, techActor(sc.techs[0]), &shop.Finish{TechRef: shop.TechRef{JobID: jobID, TechID: sc.techs[0]}, SelfCheck: []string{"扭矩复查", "油液位"}})
	if sc.stage == shop.StageQualityCheck {
		return steps
	}
	next(8*time.Minute, leaderActor(sc.team), &shop.QC{JobID: jobID, Step: shop.QCTeam, Pass: true})
	next(10*time.Minute, asQC, &shop.QC{JobID: jobID, Step: shop.QCFinal, Pass: true})
	if sc.stage == shop.StageWashing {
		return steps
	}
	if est.Wash {
		next(20*time.Minute, asWasher, &shop.WashDone{JobRef: ref})
	}
	if sc.stage == shop.StageReady {
		return steps
	}
	nextService := at.AddDate(0, 6, 0)
	next(15*time.Minute, asAdvisor, &shop.Deliver{JobID: jobID, WorkShown: true, SeatRestored: true, CarClean: est.Wash,
		NextServiceAt: &nextService, NextServiceKM: est.WalkAround.MileageKM + 10000,
		Paid: shop.TotalOf(est.Labour, est.Parts), PaymentMethod: "wechat"})
	return steps
}

func pad4(n int) string {
	s := itoa(n)
	for len(s) < 4 {
		s = "0" + s
	}
	return s
}

// appointmentSlots are a day's booking times: every 40 minutes from half
// an hour after opening, twelve a day, the last well before closing.
func appointmentSlots(settings shop.Settings, day time.Time) []time.Time {
	opens, closes := openingHours(settings, day)
	var slots []time.Time
	for at := opens.Add(30 * time.Minute); len(slots) < 12 && at.Before(closes.Add(-time.Hour)); at = at.Add(40 * time.Minute) {
		slots = append(slots, at)
	}
	return slots
}

// appointments books today's remaining slots and tomorrow's, with the prep
// checklist done for some; one of this morning's customers did not come.
func (s *seeder) appointments(start time.Time) {
	booked := start.Add(-20 * time.Hour)
	for day := 0; day < 2; day++ {
		for slot, at := range appointmentSlots(s.d.Settings(), start.AddDate(0, 0, day)) {
			if day == 0 && at.Before(start) && slot > 0 {
				continue
			}
			cu, ve := s.customer(booked)
			w := works[(slot+day)%len(works)]
			advisor := advisors[slot%len(advisors)]
			ev := s.do(sys, booked, &shop.BookAppointment{At: at, CustomerID: cu, VehicleID: ve, Requested: w.request, AdvisorID: advisor, Parts: w.parts})
			prep := shop.Prep{AdvisorAssigned: true, PartsStaged: slot%3 != 2, BayAssigned: slot%4 != 3, Reminded24h: true, Reminded1h: day == 0 && slot < 4}
			s.do(sys, booked, &shop.UpdateAppointment{ID: ev.Subject, Prep: &prep})
			if day == 0 && slot == 0 {
				s.do(sys, at.Add(time.Hour), &shop.UpdateAppointment{ID: ev.Subject, Status: shop.ApptNoShow})
			}
		}
	}
}

// advisors are the demo's three service advisors' user ids.
var advisors = []string{"user-2", "user-3", "user-4"}
