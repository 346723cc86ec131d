package board_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"bayboard/board"
	"bayboard/internal/demo"
	"bayboard/internal/engine"
	"bayboard/internal/shop"
)

// secrets lists what the customers in the lounge must never be sent, as
// found in the state: every customer's name and phone, every full plate
// and VIN, job numbers, the customer's words, notes and pause notes, work
// and part names with their prices.
func secrets(st *shop.State) []string {
	var out []string
	add := func(ss ...string) {
		for _, s := range ss {
			if s = strings.TrimSpace(s); len(s) >= 3 {
				out = append(out, s)
			}
		}
	}
	for _, c := range st.Customers {
		add(c.Name, c.Phone)
	}
	for _, v := range st.Vehicles {
		add(v.Plate, v.VIN)
	}
	for _, u := range st.Users {
		add(u.Name, u.Phone)
	}
	for _, tech := range st.Technicians {
		add(tech.Name)
	}
	for _, j := range st.Jobs {
		add(j.ID, j.Requests, j.CancelReason, j.WalkAround.Notes, j.WalkAround.Damage, j.WalkAround.Valuables)
		if j.Pause != nil {
			add(j.Pause.Note)
		}
		for _, l := range j.Labour {
			add(l.Name)
		}
		for _, p := range j.Parts {
			add(p.Name, p.Number)
		}
		if j.Delivery != nil {
			add(j.Delivery.Explanation)
		}
	}
	for _, p := range st.PartsRequests {
		add(p.Description, p.Number)
	}
	for _, f := range st.Findings {
		add(f.Description)
	}
	for _, a := range st.Appointments {
		add(a.Requested)
	}
	return out
}

var (
	loungeHeadKeys = map[string]bool{"shop": true, "tz": true, "lang": true, "message": true}
	loungeRowKeys  = map[string]bool{"id": true, "plate": true, "model": true, "phase": true, "colour": true, "eta": true}
	loungePhases   = map[string]string{board.PhaseCheckedIn: board.ColourRed, board.PhaseWaiting: board.ColourRed, board.PhaseRepair: board.ColourYellow, board.PhaseParts: board.ColourRed,
		board.PhaseApproval: board.ColourRed, board.PhaseChecking: board.ColourGreen, board.PhaseWashing: board.ColourGreen, board.PhaseReady: board.ColourGreen}
	maskedPlate = regexp.MustCompile(`^\p{Han}[A-Z]·?\*+[0-9A-Z\p{Han}]{2}$`)
)

// checkLounge fails the test for anything in a lounge message that the
// lounge may not carry.
func checkLounge(t *testing.T, at time.Time, raw []byte, st *shop.State) {
	t.Helper()
	fail := func(format string, args ...any) {
		t.Helper()
		t.Fatalf("%s: lounge message %.300s\n%s", at.Format("15:04"), raw, fmt.Sprintf(format, args...))
	}
	for _, s := range secrets(st) {
		if bytes.Contains(raw, []byte(s)) {
			fail("carries %q", s)
		}
	}
	var e board.Envelope
	if err := json.Unmarshal(raw, &e); err != nil {
		fail("not JSON: %v", err)
	}
	if e.View != board.ViewLounge || e.Epoch == "" {
		fail("view %q epoch %q", e.View, e.Epoch)
	}
	var data struct {
		Head  map[string]json.RawMessage `json:"head"`
		Lists map[string]json.RawMessage `json:"lists"`
	}
	if err := json.Unmarshal(e.Data, &data); err != nil {
		fail("data: %v", err)
	}
	for k := range data.Head {
		if !loungeHeadKeys[k] {
			fail("head field %q", k)
		}
	}
	for name, l := range data.Lists {
		if name != "cars" {
			fail("list %q", name)
		}
		var rows []map[string]any
		switch e.Type {
		case board.TypeSnapshot:
			json.Unmarshal(l, &rows)
		case board.TypeChange:
			var d struct {
				Upsert []map[string]any `json:"upsert"`
			}
			json.Unmarshal(l, &d)
			rows = d.Upsert
		}
		for _, row := range rows {
			for k := range row {
				if !loungeRowKeys[k] {
					fail("row field %q", k)
				}
			}
			plate, _ := row["plate"].(string)
			if !maskedPlate.MatchString(plate) {
				fail("plate %q is not masked", plate)
			}
			phase, _ := row["phase"].(string)
			if colour, ok := loungePhases[phase]; !ok || row["colour"] != colour {
				fail("phase %q colour %v", phase, row["colour"])
			}
		}
	}
}

// A simulated day of the demo shop, one minute at a time: every message
// the lounge is sent (the snapshots and every change) carries nothing a
// customer may not see.
func TestLoungeCarriesNothingPrivateThroughASimulatedDay(t *testing.T) {
	if testing.Short() {
		t.Skip("a simulated day takes a few seconds")
	}
	ds := newDemoShop(t)
	h := board.New(ds.eng, board.Options{RingSize: 4096})
	ds.eng.Subscribe(func(c engine.Change) { h.Changed(c.State, c.Events) })
	// The manager sets a lounge message, as a shop would.
	settings := ds.eng.State().Settings
	settings.LoungeMessage = "休息区提供免费咖啡 Free coffee in the lounge"
	if _, err := ds.eng.Do(context.Background(), manager, &shop.SetSettings{Settings: settings}); err != nil {
		t.Fatal(err)
	}
	sim := demo.NewSimulator(ds.eng, nil, quiet)
	var seen, snapshots uint64
	phases := map[string]bool{}
	steps := 0
	for ds.clock.Now().Hour() < 20 {
		ds.clock.Advance(time.Minute)
		sim.Step(context.Background())
		h.Recompute()
		st := ds.eng.State()
		missed, ok := h.ChangesSince(board.ViewLounge, seen)
		if !ok {
			t.Fatalf("the ring lost lounge changes after %d", seen)
		}
		for _, m := range missed {
			checkLounge(t, ds.clock.Now(), m, st)
		}
		seen += uint64(len(missed))
		if steps%30 == 0 {
			snap := h.SnapshotMessage(board.ViewLounge)
			checkLounge(t, ds.clock.Now(), snap, st)
			snapshots++
			var r board.Replica
			r.Apply(decodeEnvelope(t, snap))
			for _, raw := range r.Rows("cars") {
				var car struct{ Phase string }
				json.Unmarshal(raw, &car)
				phases[car.Phase] = true
			}
		}
		steps++
	}
	t.Logf("%d lounge changes and %d snapshots checked over %d simulated minutes", seen, snapshots, steps)
	if seen < 100 {
		t.Errorf("only %d lounge changes in a day: the test saw too little", seen)
	}
	for phase := range loungePhases {
		if !phases[phase] && phase != board.PhaseCheckedIn {
			t.Errorf("the lounge never showed a car in phase %s", phase)
		}
	}
}

func decodeEnvelope(t testing.TB, raw []byte) board.Envelope {
	t.Helper()
	var e board.Envelope
	if err := json.Unmarshal(raw, &e); err != nil {
		t.Fatalf("%v: %.200s", err, raw)
	}
	return e
}

// The staff boards carry what the floor needs, but no customer phone and
// no price; only the advisor's desk names the customer.
func TestStaffBoardsCarryNoPhonesOrPrices(t *testing.T) {
	ds := newDemoShop(t)
	h := board.New(ds.eng, board.Options{})
	st := ds.eng.State()
	for _, name := range board.Views {
		raw := h.Current(name)
		for _, cu := range st.Customers {
			if strings.Contains(raw, cu.Phone) {
				t.Errorf("%s shows the phone %s", name, cu.Phone)
			}
			if name != board.ViewAdvisor && strings.Contains(raw, `"`+cu.Name+`"`) {
				t.Errorf("%s shows the customer %s", name, cu.Name)
			}
		}
		for _, bad := range []string{`"price"`, `"unit_price"`, `"total"`, `"phone"`, `"requests":"`, `"walk_around"`} {
			if strings.Contains(raw, bad) {
				t.Errorf("%s carries %s", name, bad)
			}
		}
	}
}

// At half past five the cars with work left past closing are ready
// tomorrow morning: the lounge never shows a time after the shop closes
// (it once showed 23:00, running the work through the night), and every
// time it shows falls in the shop's opening hours (08:00–18:00, rounded
// up to five minutes).
func TestTheLoungeShowsTheNextMorningForWorkPastClosing(t *testing.T) {
	ds := newDemoShop(t)
	ds.clock.Advance(8 * time.Hour) // 17:30 in Beijing
	now := ds.clock.Now().In(demo.Location())
	if now.Format("15:04") != "17:30" {
		t.Fatalf("the shop's clock says %s", now.Format("15:04"))
	}
	h := hubOn(t, ds, board.Options{})
	var snap struct {
		Data struct {
			Lists struct {
				Cars []struct {
					Phase string `json:"phase"`
					ETA   string `json:"eta"`
				} `json:"cars"`
			} `json:"lists"`
		} `json:"data"`
	}
	raw := h.SnapshotMessage(board.ViewLounge)
	if err := json.Unmarshal(raw, &snap); err != nil {
		t.Fatal(err)
	}
	tomorrow := 0
	for _, car := range snap.Data.Lists.Cars {
		if car.Phase == board.PhaseReady {
			continue
		}
		eta, err := time.Parse("2006-01-02T15:04Z07:00", car.ETA)
		if err != nil {
			t.Fatalf("a car's ETA %q: %v", car.ETA, err)
		}
		eta = eta.In(demo.Location())
		if clock := eta.Format("15:04"); clock < "08:00" || clock > "18:00" {
			t.Errorf("a car (%s) is shown ready at %s, outside the opening hours", car.Phase, eta.Format("01-02 15:04"))
		}
		if eta.Day() != now.Day() {
			tomorrow++
		}
	}
	if tomorrow == 0 {
		t.Errorf("no car has work left past closing at 17:30: nothing checked\n%.600s", raw)
	}
}
