package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode"

	"bayboard/internal/access"
	"bayboard/internal/engine"
	"bayboard/internal/shop"
	"bayboard/internal/store"
)

// runDay seeds the demo shop and drives the simulator through the first
// simulated day, to its closing, in one-minute steps, calling each after
// every step.
// testHasher hashes the demo's password and PIN at a low cost: these
// tests check the shop the seed builds, not the hashing (see access).
var testHasher = access.NewHasher(1_000)

func runDay(t *testing.T, each func(*shop.State, time.Time)) (*engine.Engine, *store.Store) {
	t.Helper()
	eng, st, _ := runShop(t, func(eng *engine.Engine, now time.Time) bool {
		_, closes := openingHours(eng.State().Settings, testMorning)
		return now.Before(closes)
	}, each)
	return eng, st
}

// testMorning is when the tests' demo day starts: 09:30 in Beijing.
var testMorning = NewClock(time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC), 0).Now()

// runShop seeds the demo shop on a stopped clock and steps the simulator
// a simulated minute at a time while more says so.
func runShop(t *testing.T, more func(*engine.Engine, time.Time) bool, each func(*shop.State, time.Time)) (*engine.Engine, *store.Store, *Clock) {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "demo.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	clock := NewClock(time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC), 0)
	state, _, _ := st.Load(clock.Now())
	state, err = Seed(st, state, clock.Now(), testHasher)
	if err != nil {
		t.Fatal(err)
	}
	eng := engine.New(st, state, clock.Now)
	t.Cleanup(eng.Close)
	sim := NewSimulator(withinTheRules{t, eng}, clock, slog.New(slog.NewTextHandler(io.Discard, nil)))
	for more(eng, clock.Now()) {
		clock.Advance(time.Minute)
		sim.Step(context.Background())
		each(eng.State(), clock.Now())
	}
	return eng, st, clock
}

// withinTheRules is the engine as the simulator's Doer, failing the test
// on a move the rules forbid its actor (a technician on a job not
// dispatched to them, a role that may not give the command): the
// simulator may race the shop's stage, never its permissions.
type withinTheRules struct {
	t *testing.T
	*engine.Engine
}

func (w withinTheRules) Do(ctx context.Context, a shop.Actor, c shop.Command) (shop.Event, error) {
	ev, err := w.Engine.Do(ctx, a, c)
	if shop.CodeOf(err) == shop.CodeForbidden {
		w.t.Errorf("the simulator's %s as %v: %v", c.CommandType(), a.Roles, err)
	}
	return ev, err
}

func TestTheDemoShopStartsWithJobsInEveryStage(t *testing.T) {
	st, err := store.Open(filepath.Join(t.TempDir(), "demo.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	start := NewClock(time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC), 1).simStart
	state, _, _ := st.Load(start)
	state, err = Seed(st, state, start, testHasher)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[shop.Stage]int{}
	for _, j := range state.Jobs {
		seen[j.Stage]++
	}
	for _, s := range shop.Stages {
		if seen[s] == 0 {
			t.Errorf("no job in stage %s", s)
		}
	}
	for _, j := range state.Jobs {
		if j.Stage.Paused() && j.Pause == nil {
			t.Errorf("job %s is %s without a pause reason", j.ID, j.Stage)
		}
	}
	if len(state.Bays) != 12 || len(state.Teams) != 4 || len(state.Technicians) != 16 {
		t.Errorf("bays %d, teams %d, technicians %d", len(state.Bays), len(state.Teams), len(state.Technicians))
	}
	kinds := map[shop.BayKind]bool{}
	for _, b := range state.Bays {
		kinds[b.Kind] = true
	}
	for _, k := range []shop.BayKind{shop.BayQuickService, shop.BayGeneral, shop.BayAlignment, shop.BayBody, shop.BayPaint, shop.BayWash} {
		if !kinds[k] {
			t.Errorf("no %s bay", k)
		}
	}
	roles := map[shop.Role]int{}
	for _, u := range state.Users {
		for _, r := range u.Roles {
			roles[r]++
		}
	}
	for _, r := range shop.Roles {
		if roles[r] == 0 {
			t.Errorf("no demo user is a %s", r)
		}
	}
	if roles[shop.RoleAdvisor] < 2 {
		t.Errorf("%d advisors, want several", roles[shop.RoleAdvisor])
	}
	today, tomorrow := 0, 0
	y, m, d := start.Date()
	for _, ap := range state.Appointments {
		switch ay, am, ad := ap.At.In(start.Location()).Date(); {
		case ay == y && am == m && ad == d:
			today++
		case ay == y && am == m && ad == d+1:
			tomorrow++
		default:
			t.Errorf("appointment %s is on %v, neither today nor tomorrow", ap.ID, ap.At)
		}
	}
	if today == 0 || tomorrow == 0 || !state.Settings.Demo {
		t.Errorf("today's appointments: %d, tomorrow's: %d, demo flag %v", today, tomorrow, state.Settings.Demo)
	}
	for _, v := range state.Vehicles {
		if p, ok := shop.ParsePlate(v.Plate); !ok || p != v.Plate || !strings.HasPrefix(v.Plate, "京") {
			t.Errorf("demo plate %q is not a Beijing plate in the written form", v.Plate)
		}
	}
	for _, v := range state.Vehicles {
		if vin, ok := shop.ParseVIN(v.VIN); !ok || vin != v.VIN || !strings.HasPrefix(vin, "LBE") {
			t.Errorf("vehicle %s (%s) has VIN %q, want a valid Beijing Hyundai VIN", v.ID, v.Model, v.VIN)
		}
	}
	for _, j := range state.Jobs {
		if opens, closes := openingHours(state.Settings, j.CreatedAt); j.CreatedAt.Before(opens) || !j.CreatedAt.Before(closes) {
			t.Errorf("job %s was received at %s, outside the opening hours %s–%s", j.ID,
				j.CreatedAt.In(Location()).Format("15:04"), opens.In(Location()).Format("15:04"), closes.In(Location()).Format("15:04"))
		}
	}
	checkMileage(t, state)
	for _, c := range state.Customers {
		if !hasHan(c.Name) {
			t.Errorf("customer name %q is not Chinese", c.Name)
		}
	}
	for _, tc := range state.Technicians {
		if !hasHan(tc.Name) {
			t.Errorf("technician name %q is not Chinese", tc.Name)
		}
	}
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// A simulated day visibly lives: cars arrive, are dispatched, wait for
// parts, pass QC and leave, and the shop's rules hold at every step.
func TestASimulatedDay(t *testing.T) {
	visited := map[shop.Stage]bool{}
	maxQueue := 0
	runDay(t, func(st *shop.State, now time.Time) {
		onBay := map[string]string{}
		clocked := map[string]string{}
		queue := 0
		for _, j := range st.Jobs {
			visited[j.Stage] = true
			if j.Stage == shop.StageWaitingDispatch {
				queue++
			}
			if j.Stage == shop.StageDispatched || j.Stage == shop.StageInProgress || j.Stage.Paused() {
				if other, taken := onBay[j.BayID]; taken {
					t.Fatalf("%s: bay %s holds %s and %s", now.Format("15:04"), j.BayID, other, j.ID)
				}
				onBay[j.BayID] = j.ID
			}
			for _, s := range j.Clock {
				if s.End == nil {
					if other, busy := clocked[s.TechID]; busy {
						t.Fatalf("%s: %s clocked on %s and %s", now.Format("15:04"), s.TechID, other, j.ID)
					}
					clocked[s.TechID] = j.ID
				}
			}
		}
		maxQueue = max(maxQueue, queue)
	})
	for _, s := range []shop.Stage{shop.StageReception, shop.StageWaitingDispatch, shop.StageDispatched, shop.StageInProgress,
		shop.StageWaitingParts, shop.StageWaitingApproval, shop.StageQualityCheck, shop.StageWashing, shop.StageReady, shop.StageDelivered} {
		if !visited[s] {
			t.Errorf("no job was ever %s during the day", s)
		}
	}
}

// The simulator itself makes each move of a shop day, not only the seeding:
// customers arrive for their appointments, the controller dispatches,
// technicians clock on and stop for parts and approvals, the parts counter
// answers, QC checks, the washer washes and the advisor delivers. A car that
// arrived during the day leaves delivered the same day.
func TestTheSimulatorMakesEveryMoveOfTheDay(t *testing.T) {
	morning := NewClock(time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC), 0).Now()
	eng, st := runDay(t, func(*shop.State, time.Time) {})
	moves := map[string]int{}
	arrived := map[string]bool{} // jobs the simulator opened
	err := st.Events(morning.Add(time.Nanosecond), morning.Add(24*time.Hour), func(ev shop.Event) error {
		c := shop.NewCommand(ev.Type)
		if c == nil {
			return fmt.Errorf("event %d has an unknown type %q", ev.Seq, ev.Type)
		}
		if err := json.Unmarshal(ev.Data, c); err != nil {
			return fmt.Errorf("event %d: %w", ev.Seq, err)
		}
		move := ev.Type
		switch c := c.(type) {
		case *shop.OpenJob:
			if c.AppointmentID != "" {
				move = "arrival with an appointment"
			} else {
				move = "walk-in"
			}
			arrived[ev.JobID] = true
		case *shop.Pause:
			move = "pause " + string(c.Reason)
		case *shop.UpdateParts:
			move = "parts " + string(c.Status)
		case *shop.QC:
			move = "qc " + string(c.Step)
		case *shop.IssuePart:
			move = "issue from the scope"
			switch {
			case c.AllowanceID != "" && c.RequestID != "":
				move = "issue a request against an allowance"
			case c.RequestID != "":
				move = "issue a request from the scope"
			case c.AllowanceID != "":
				move = "issue against an allowance"
			}
		}
		moves[move]++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("the simulator's moves: %v", moves)
	for _, want := range []string{"arrival with an appointment", "submit", "dispatch", "clock_on", "pause waiting_parts",
		"parts picked", "parts on_order", "allow_part", "issue from the scope", "issue a request against an allowance", "pause waiting_approval", "price_finding", "decide_finding", "resume", "finish",
		"qc team", "qc final", "start_wash", "wash_done", "deliver"} {
		if moves[want] == 0 {
			t.Errorf("the simulator never made the move %q", want)
		}
	}
	delivered := 0
	for id := range arrived {
		if j := eng.State().Jobs[id]; j != nil && j.Stage == shop.StageDelivered {
			delivered++
		}
	}
	if delivered == 0 {
		t.Errorf("none of the %d cars that arrived during the day was delivered", len(arrived))
	}
	// A delivered car bills the parts it drew: its whole scope was
	// issued, so its settlement is not empty of parts.
	for id := range arrived {
		j := eng.State().Jobs[id]
		if j == nil || j.Stage != shop.StageDelivered || len(j.Parts) == 0 {
			continue
		}
		if len(j.BilledParts()) == 0 {
			t.Errorf("delivered job %s bills no parts; its scope holds %+v", id, j.Parts)
		}
		for _, l := range eng.State().DrawLines(j) {
			if l.ToDraw > 0 {
				t.Errorf("delivered job %s left %g of %s undrawn", id, l.ToDraw, l.Number)
			}
		}
	}
}

func TestTheSimulatedDayDeliversCars(t *testing.T) {
	eng, st := runDay(t, func(*shop.State, time.Time) {})
	delivered := 0
	for _, j := range eng.State().Jobs {
		if j.Stage != shop.StageDelivered {
			continue
		}
		delivered++
		// The demo's counter draws every part of the agreed work, approved
		// extra work included: a delivered car bills what it was agreed.
		billed := map[string]float64{}
		for _, p := range j.BilledParts() {
			billed[p.Number] += p.Quantity
		}
		for _, p := range j.Parts {
			if billed[p.Number] < p.Quantity-1e-9 {
				t.Errorf("job %s delivered billing %g of %s %s, agreed %g", j.ID, billed[p.Number], p.Number, p.Name, p.Quantity)
			}
		}
	}
	t.Logf("%d delivered, %d events", delivered, st.LastSeq())
	if delivered < 15 {
		t.Errorf("only %d cars delivered in a day", delivered)
	}
	if st.LastSeq() < 500 {
		t.Errorf("only %d events in a day", st.LastSeq())
	}
}

// A clock of speed 0 stands at the demo's morning until a test moves it.
func TestAStoppedClockMovesOnlyWhenAdvanced(t *testing.T) {
	c := NewClock(time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC), 0)
	morning := c.Now()
	if morning.In(Location()).Format("15:04") != "09:30" || !c.Now().Equal(morning) {
		t.Fatalf("a stopped clock reads %v, then %v", morning, c.Now())
	}
	c.Advance(90 * time.Minute)
	if got := c.Now().Sub(morning); got != 90*time.Minute {
		t.Errorf("advanced by %v, want 1h30m", got)
	}
}

// checkMileage holds every walk-around's mileage against the vehicle's: the
// jobs of a car read ever more kilometres, the latest is the car's recorded
// mileage, and the next service is due 10,000 km after the reading.
func checkMileage(t *testing.T, st *shop.State) {
	t.Helper()
	byVehicle := map[string][]*shop.Job{}
	for _, j := range st.Jobs {
		byVehicle[j.VehicleID] = append(byVehicle[j.VehicleID], j)
	}
	for id, jobs := range byVehicle {
		sort.Slice(jobs, func(a, b int) bool { return jobs[a].CreatedAt.Before(jobs[b].CreatedAt) })
		v := st.Vehicles[id]
		last := jobs[len(jobs)-1]
		if last.WalkAround.MileageKM != v.MileageKM || v.MileageKM == 0 {
			t.Errorf("job %s's walk-around read %d km, but its vehicle %s has %d km", last.ID, last.WalkAround.MileageKM, id, v.MileageKM)
		}
		for i := 1; i < len(jobs); i++ {
			if jobs[i].WalkAround.MileageKM <= jobs[i-1].WalkAround.MileageKM {
				t.Errorf("vehicle %s read %d km at job %s, then %d km at job %s", id,
					jobs[i-1].WalkAround.MileageKM, jobs[i-1].ID, jobs[i].WalkAround.MileageKM, jobs[i].ID)
			}
		}
		for _, j := range jobs {
			if j.Delivery != nil && j.NextServiceKM != j.WalkAround.MileageKM+10000 {
				t.Errorf("job %s read %d km and sets the next service at %d km", j.ID, j.WalkAround.MileageKM, j.NextServiceKM)
			}
		}
	}
}

// clockOnLate clocks a technician on a job that can take one (dispatched,
// paused or in progress), unless somebody is clocked on already.
func clockOnLate(eng *engine.Engine) error {
	var candidates []*shop.Job
	for _, j := range eng.State().OpenJobs() {
		if clockedOn(j) {
			return nil
		}
		if len(j.TechIDs) > 0 && (j.Stage == shop.StageDispatched || j.Stage == shop.StageInProgress || j.Stage.Paused()) {
			candidates = append(candidates, j)
		}
	}
	if len(candidates) == 0 {
		return fmt.Errorf("no job a technician could work on at closing")
	}
	j := candidates[0]
	_, err := eng.Do(context.Background(), shop.Actor{System: true}, &shop.ClockOn{TechRef: shop.TechRef{JobID: j.ID, TechID: j.TechIDs[0]}})
	return err
}

// At closing the technicians clock off and nobody arrives; the clock jumps
// over the night to the next opening, where the work left over carries on,
// the day's appointments arrive and the day after is booked.
func TestTheShopClosesForTheNightAndOpensTheNextMorning(t *testing.T) {
	y, m, d := testMorning.Date()
	loc := Location()
	nextMorning := time.Date(y, m, d+1, 8, 0, 0, 0, loc)
	stepsAt := map[int64]bool{}
	lateWork := false
	eng, st, _ := runShop(t, func(eng *engine.Engine, now time.Time) bool {
		// Somebody is at work when the shop closes, whatever the day's
		// draws left on the bays: a technician starts a job two minutes
		// before closing if nobody is clocked on.
		if late := time.Date(y, m, d, 17, 58, 0, 0, loc); !lateWork && !now.Before(late) {
			lateWork = true
			if err := clockOnLate(eng); err != nil {
				t.Fatal(err)
			}
		}
		return now.Before(time.Date(y, m, d+1, 13, 0, 0, 0, loc))
	}, func(state *shop.State, now time.Time) {
		stepsAt[now.Unix()] = true
		if !isOpen(state.Settings, now) {
			t.Fatalf("the demo clock reads %s, when the shop is closed", now.Format("Jan 2 15:04"))
		}
		for _, j := range state.Jobs {
			for _, c := range j.Clock {
				if c.End == nil && !sameDay(c.Start, now) {
					t.Fatalf("%s: %s has been clocked on job %s since %s", now.Format("Jan 2 15:04"), c.TechID, j.ID, c.Start.Format("Jan 2 15:04"))
				}
			}
		}
	})
	state := eng.State()
	if !stepsAt[nextMorning.Unix()] {
		t.Errorf("the clock did not jump from closing to the next opening, %s", nextMorning.Format("Jan 2 15:04"))
	}

	// Every clock session lies within one day's opening hours.
	carriedOver := 0
	for _, j := range state.Jobs {
		endedAtClosing := false
		for _, c := range j.Clock {
			opens, closes := openingHours(state.Settings, c.Start)
			if c.Start.Before(opens) || !c.Start.Before(closes) || (c.End != nil && c.End.After(closes)) {
				t.Errorf("%s worked on job %s from %s to %v, outside the opening hours", c.TechID, j.ID, c.Start.Format("Jan 2 15:04"), c.End)
			}
			if c.End != nil && c.End.Equal(closes) {
				endedAtClosing = true
			} else if endedAtClosing && sameDay(c.Start, nextMorning) {
				carriedOver++
				endedAtClosing = false
			}
		}
	}
	if carriedOver == 0 {
		var left []string
		for _, j := range state.Jobs {
			for _, c := range j.Clock {
				if _, closes := openingHours(state.Settings, c.Start); c.End != nil && c.End.Equal(closes) {
					left = append(left, fmt.Sprintf("%s %s %v", j.ID, c.TechID, j.Stages))
				}
			}
		}
		t.Errorf("no technician went back in the morning to the work they clocked off at closing: %v", left)
	}

	// Nothing happens in the night but the clocking off at closing, and no
	// car arrives outside the opening hours.
	arrivals := map[bool]int{}
	err := st.Events(testMorning.Add(time.Nanosecond), nextMorning.Add(24*time.Hour), func(ev shop.Event) error {
		opens, closes := openingHours(state.Settings, ev.At)
		switch {
		case ev.At.Before(opens) || ev.At.After(closes):
			t.Errorf("%s at %s, when the shop is closed", ev.Type, ev.At.In(loc).Format("Jan 2 15:04"))
		case ev.At.Equal(closes) && ev.Type != "clock_off" && ev.Type != "update_appointment":
			t.Errorf("%s at closing time", ev.Type)
		case ev.Type == "open_job":
			arrivals[sameDay(ev.At, nextMorning)]++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if arrivals[true] == 0 {
		t.Errorf("no car arrived on the second morning (%d on the first day)", arrivals[false])
	}

	// The appointment board has today and tomorrow again, and today's had
	// their preparation done the day before.
	perDay := map[string]int{}
	for _, ap := range state.Appointments {
		perDay[ap.At.In(loc).Format("Jan 2")]++
		if opens, closes := openingHours(state.Settings, ap.At); ap.At.Before(opens) || !ap.At.Before(closes) {
			t.Errorf("appointment %s is at %s, outside the opening hours", ap.ID, ap.At.In(loc).Format("Jan 2 15:04"))
		}
		if sameDay(ap.At, nextMorning) && !(ap.Prep.PartsStaged && ap.Prep.BayAssigned && ap.Prep.Reminded24h) {
			t.Errorf("appointment %s at %s was not prepared the day before: %+v", ap.ID, ap.At.In(loc).Format("Jan 2 15:04"), ap.Prep)
		}
	}
	dayAfter := nextMorning.AddDate(0, 0, 1).Format("Jan 2")
	if perDay[nextMorning.Format("Jan 2")] == 0 || perDay[dayAfter] < 10 {
		t.Errorf("appointments per day: %v; want today's and about twelve for %s", perDay, dayAfter)
	}

	// Today's figures are the second day's alone.
	now := eng.Now()
	k := state.Today(now)
	opened := 0
	for _, j := range state.Jobs {
		if sameDay(j.CreatedAt, now) {
			opened++
		}
	}
	if !k.From.Equal(time.Date(y, m, d+1, 0, 0, 0, 0, loc)) || k.Opened != opened {
		t.Errorf("today's KPIs run from %v and count %d jobs opened; %d were opened today", k.From, k.Opened, opened)
	}
	t.Logf("second day at %s: %d opened, %d delivered, bay utilisation %.2f", now.In(loc).Format("15:04"), k.Opened, k.Delivered, k.BayUtilisation)
	checkMileage(t, state)
}

func sameDay(a, b time.Time) bool {
	ay, am, ad := a.In(Location()).Date()
	by, bm, bd := b.In(Location()).Date()
	return ay == by && am == bm && ad == bd
}

// Everything the demo's shop writes in a morning reads back strictly: a
// start sets aside a record with a field it does not know, so a field
// the code writes but cannot read would lose records at every start.
func TestTheDemoShopReadsBackWithNothingSetAside(t *testing.T) {
	var until time.Time
	_, st, clock := runShop(t, func(_ *engine.Engine, now time.Time) bool {
		if until.IsZero() {
			until = now.Add(4 * time.Hour)
		}
		return now.Before(until)
	}, func(*shop.State, time.Time) {})
	state, aside, err := st.Load(clock.Now())
	if err != nil || len(aside) > 0 {
		t.Fatalf("set aside %v (%v)", aside, err)
	}
	if len(state.Jobs) == 0 || len(state.Findings) == 0 && len(state.PartsRequests) == 0 {
		t.Errorf("the morning wrote too little to tell: %d jobs, %d findings, %d parts requests", len(state.Jobs), len(state.Findings), len(state.PartsRequests))
	}
}

// A trainee opens a job in the demo, has it dispatched, clocks on and
// pauses it; they book another car for later in the morning. The
// simulator runs the whole day, the night and the next morning: the
// trainee's job is as they left it (not resumed, clocked on or off,
// moved), and their booking is neither received nor marked a no-show.
func TestTheSimulatorLeavesAPersonsCarAlone(t *testing.T) {
	trainee := func(a shop.Actor) shop.Actor { a.DeviceID = "browser:trainee"; return a }
	var jobID, apID string
	var left, booked []byte
	y, m, d := testMorning.Date()
	loc := Location()
	eng, _, _ := runShop(t, func(eng *engine.Engine, now time.Time) bool {
		if jobID == "" {
			jobID, apID = traineesCar(t, eng, now, trainee)
			left, _ = json.Marshal(eng.State().Jobs[jobID])
			booked, _ = json.Marshal(eng.State().Appointments[apID])
		}
		return now.Before(time.Date(y, m, d+1, 13, 0, 0, 0, loc))
	}, func(*shop.State, time.Time) {})
	st := eng.State()
	if got, _ := json.Marshal(st.Jobs[jobID]); string(got) != string(left) {
		t.Errorf("the simulator moved the trainee's job:\nleft %s\nnow  %s", left, got)
	}
	if got, _ := json.Marshal(st.Appointments[apID]); string(got) != string(booked) {
		t.Errorf("the simulator moved the trainee's booking:\nleft %s\nnow  %s", booked, got)
	}
	// The simulator worked the day all the same.
	delivered := 0
	for _, j := range st.Jobs {
		if j.Stage == shop.StageDelivered && j.EnteredStage(shop.StageDelivered).After(testMorning) {
			delivered++
		}
	}
	if delivered == 0 {
		t.Error("the simulator delivered nothing")
	}
}

// traineesCar opens, dispatches, clocks on and pauses a job as a person in
// the demo would (their browser, not the demo's device), on a car and a
// bay and technician that are free, and books another free car for an
// hour from now.
func traineesCar(t *testing.T, eng *engine.Engine, now time.Time, trainee func(shop.Actor) shop.Actor) (jobID, apID string) {
	t.Helper()
	ctx := context.Background()
	do := func(a shop.Actor, c shop.Command) shop.Event {
		t.Helper()
		ev, err := eng.Do(ctx, trainee(a), c)
		if err != nil {
			t.Fatalf("%s: %v", c.CommandType(), err)
		}
		return ev
	}
	st := eng.State()
	var free []*shop.Vehicle
	for _, v := range st.Vehicles {
		taken := hasOpenJob(st, v.ID)
		for _, ap := range st.Appointments {
			taken = taken || (ap.VehicleID == v.ID && ap.Status == shop.ApptBooked)
		}
		if !taken {
			free = append(free, v)
		}
	}
	sort.Slice(free, func(a, b int) bool { return free[a].ID < free[b].ID })
	if len(free) < 2 {
		t.Fatal("no free car in the demo shop")
	}
	busyBays, busyTechs := occupancy(st)
	var bayID, techID string
	for _, id := range sortedKeys(st.Bays) {
		b := st.Bays[id]
		if !b.Active || busyBays[id] || bayID != "" {
			continue
		}
		for _, tid := range sortedKeys(st.Technicians) {
			if tc := st.Technicians[tid]; tc.Active && hasSkill(tc, string(b.Kind)) && !busyTechs[tid] {
				bayID, techID = id, tid
				break
			}
		}
	}
	if bayID == "" || techID == "" {
		t.Fatalf("no free bay (%q) or technician (%q)", bayID, techID)
	}
	car := free[0]
	ev := do(asAdvisor, &shop.OpenJob{CustomerID: car.CustomerID, VehicleID: car.ID, Estimate: shop.Estimate{
		Requests: "学员练习：保养", PromisedAt: now.Add(3 * time.Hour), Labour: works[0].labour, Parts: works[0].parts}})
	jobID = ev.Subject
	do(asAdvisor, &shop.Submit{JobRef: shop.JobRef{JobID: jobID}})
	do(asController, &shop.Dispatch{JobID: jobID, TeamID: st.Technicians[techID].TeamID, TechIDs: []string{techID}, BayID: bayID})
	do(techActor(techID), &shop.ClockOn{TechRef: shop.TechRef{JobID: jobID, TechID: techID}})
	do(techActor(techID), &shop.Pause{JobID: jobID, Reason: shop.PauseBreak})
	other := free[1]
	ev = do(asAdvisor, &shop.BookAppointment{At: now.Add(time.Hour), CustomerID: other.CustomerID, VehicleID: other.ID, Requested: "学员练习：预约", AdvisorID: "user-2"})
	return jobID, ev.Subject
}

func sortedKeys[T any](m map[string]T) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
