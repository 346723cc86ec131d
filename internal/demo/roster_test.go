package demo

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"bayboard/internal/engine"
	"bayboard/internal/shop"
	"bayboard/internal/store"
)

// awayRefusals is the engine as the simulator's Doer, counting the
// dispatches the roster refuses.
type awayRefusals struct {
	*engine.Engine
	refused int
}

func (a *awayRefusals) Do(ctx context.Context, actor shop.Actor, c shop.Command) (shop.Event, error) {
	ev, err := a.Engine.Do(ctx, actor, c)
	if err != nil && strings.Contains(err.Error(), "duty roster") {
		a.refused++
	}
	return ev, err
}

// The controller the simulator plays dispatches from the roster: with
// half the technicians on leave, it gives work to the others and never
// asks for a technician who is away.
func TestTheSimulatorDispatchesOnlyTechniciansOnDuty(t *testing.T) {
	st, err := store.Open(filepath.Join(t.TempDir(), "demo.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	clock := NewClock(time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC), 0)
	state, _, _ := st.Load(clock.Now())
	if state, err = Seed(st, state, clock.Now(), testHasher); err != nil {
		t.Fatal(err)
	}
	eng := engine.New(st, state, clock.Now)
	t.Cleanup(eng.Close)
	roster := eng.State().DutyRoster(clock.Now())
	away := map[string]bool{}
	var leave []shop.RosterEntry
	for i, td := range roster.Technicians {
		if i%2 == 1 {
			away[td.TechID] = true
			leave = append(leave, shop.RosterEntry{TechID: td.TechID, Status: shop.DutyLeave})
		}
	}
	if _, err := eng.Do(context.Background(), shop.Actor{System: true}, &shop.SetRoster{Date: roster.Date, Technicians: leave}); err != nil {
		t.Fatal(err)
	}
	doer := &awayRefusals{Engine: eng}
	sim := NewSimulator(doer, clock, slog.New(slog.NewTextHandler(io.Discard, nil)))
	from := clock.Now()
	for end := from.Add(3 * time.Hour); clock.Now().Before(end); {
		clock.Advance(time.Minute)
		sim.Step(context.Background())
	}
	if doer.refused > 0 {
		t.Errorf("the simulator asked %d times to dispatch a technician on leave", doer.refused)
	}
	// Every dispatch the simulator made went to technicians on duty.
	dispatched := 0
	err = st.Events(from.Add(time.Nanosecond), clock.Now().Add(time.Second), func(ev shop.Event) error {
		if ev.Type != "dispatch" {
			return nil
		}
		dispatched++
		var d shop.Dispatch
		if err := json.Unmarshal(ev.Data, &d); err != nil {
			return err
		}
		for _, id := range d.TechIDs {
			if away[id] {
				t.Errorf("job %s went to %s, on leave", d.JobID, id)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if dispatched == 0 {
		t.Error("the simulator dispatched nothing in three hours")
	}
}
