package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"

	"bayboard/internal/engine"
	"bayboard/internal/shop"
	"bayboard/internal/store"
)

// RunDay seeds the demo shop and drives the simulator through a simulated
// day in one-minute steps, calling each after every step.
func runDay(t *testing.T, each func(*shop.State, time.Time)) (*engine.Engine, *store.Store) {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "demo.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	clock := NewClock(time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC), 0)
	state, _ := st.Load(clock.Now())
	state, err = Seed(st, state, clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	eng := engine.New(st, state, clock.Now)
	t.Cleanup(eng.Close)
	sim := NewSimulator(eng, nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
	for clock.Now().Hour() < 20 {
		clock.Advance(time.Minute)
		sim.Step(context.Background())
		each(eng.State(), clock.Now())
	}
	return eng, st
}

func TestTheDemoShopStartsWithJobsInEveryStage(t *testing.T) {
	st, err := store.Open(filepath.Join(t.TempDir(), "demo.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	start := NewClock(time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC), 1).simStart
	state, _ := st.Load(start)
	state, err = Seed(st, state, start)
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
		if j.Stage.Paused() && j.PauseReason == "" {
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
			move = "pause " + c.Reason
		case *shop.UpdateParts:
			move = "parts " + string(c.Status)
		case *shop.QC:
			move = "qc " + string(c.Step)
		}
		moves[move]++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("the simulator's moves: %v", moves)
	for _, want := range []string{"arrival with an appointment", "submit", "dispatch", "clock_on", "pause waiting_parts",
		"parts picked", "parts on_order", "parts issued", "pause waiting_approval", "decide_finding", "resume", "finish",
		"qc team", "qc final", "wash_done", "deliver"} {
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
}

func TestTheSimulatedDayDeliversCars(t *testing.T) {
	eng, st := runDay(t, func(*shop.State, time.Time) {})
	delivered := 0
	for _, j := range eng.State().Jobs {
		if j.Stage == shop.StageDelivered {
			delivered++
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
