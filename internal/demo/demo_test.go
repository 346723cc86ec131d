package demo

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

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
		if s != shop.StagePaused && seen[s] == 0 {
			t.Errorf("no job in stage %s", s)
		}
	}
	if len(state.Bays) != 12 || len(state.Teams) != 4 || len(state.Technicians) != 16 {
		t.Errorf("bays %d, teams %d, technicians %d", len(state.Bays), len(state.Teams), len(state.Technicians))
	}
	tomorrow := 0
	for _, ap := range state.Appointments {
		if ap.At.Day() != start.Day() {
			tomorrow++
		}
	}
	if tomorrow == 0 || !state.Settings.Demo {
		t.Errorf("tomorrow's appointments: %d, demo flag %v", tomorrow, state.Settings.Demo)
	}
	for _, v := range state.Vehicles {
		if _, ok := shop.ParsePlate(v.Plate); !ok {
			t.Errorf("demo plate %q is not valid", v.Plate)
		}
	}
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
