package board_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"bayboard/board"
	"bayboard/internal/shop"
)

// The workshop board's head carries the day's figures, as the shop's KPIs
// count them: cars delivered today and how many of them on time.
func TestTheWorkshopBoardShowsTodaysFigures(t *testing.T) {
	ds := newDemoShop(t)
	h := hubOn(t, ds, board.Options{})
	var snap struct {
		Data struct {
			Head struct {
				Today struct {
					Delivered int  `json:"delivered"`
					OnTime    *int `json:"on_time"`
				} `json:"today"`
			} `json:"head"`
		} `json:"data"`
	}
	if err := json.Unmarshal(h.SnapshotMessage(board.ViewWorkshop), &snap); err != nil {
		t.Fatal(err)
	}
	got := snap.Data.Head.Today
	k := ds.eng.State().Today(ds.clock.Now())
	if k.Delivered == 0 {
		t.Fatal("the demo shop delivered no car this morning: nothing to check")
	}
	if got.Delivered != k.Delivered || got.OnTime == nil || *got.OnTime != int(k.OnTime*100+0.5) {
		t.Errorf("the board says %d delivered, on time %v; the KPIs say %d and %.2f", got.Delivered, got.OnTime, k.Delivered, k.OnTime)
	}
}

// A paused job's bay and its advisor row carry why, as the technician
// gave it: the reason for the screen to translate and the note whole,
// a time with its colon in it too.
func TestTheBoardsCarryAPauseWithItsNote(t *testing.T) {
	ds := newDemoShop(t)
	j := someJob(t, ds.eng.State(), shop.StageInProgress)
	if _, err := ds.eng.Do(context.Background(), manager, &shop.Pause{JobID: j.ID, Reason: shop.PauseOther, Note: "等 10:30 的车"}); err != nil {
		t.Fatal(err)
	}
	h := board.New(ds.eng, board.Options{})
	want := shop.PauseInfo{Reason: shop.PauseOther, Note: "等 10:30 的车"}
	var workshop struct {
		Lists struct {
			Bays []struct {
				Job *struct {
					ID    string          `json:"id"`
					Pause *shop.PauseInfo `json:"pause"`
				} `json:"job"`
			} `json:"bays"`
		} `json:"lists"`
	}
	if err := json.Unmarshal([]byte(h.Current(board.ViewWorkshop)), &workshop); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, b := range workshop.Lists.Bays {
		if b.Job != nil && b.Job.ID == j.ID {
			found = true
			if b.Job.Pause == nil || *b.Job.Pause != want {
				t.Errorf("the workshop board's bay shows the pause %+v, want %+v", b.Job.Pause, want)
			}
		}
	}
	if !found {
		t.Errorf("no bay shows %s", j.ID)
	}
	var advisor struct {
		Lists struct {
			Jobs []struct {
				ID    string          `json:"id"`
				Pause *shop.PauseInfo `json:"pause"`
			} `json:"jobs"`
		} `json:"lists"`
	}
	if err := json.Unmarshal([]byte(h.Current(board.ViewAdvisor)), &advisor); err != nil {
		t.Fatal(err)
	}
	found = false
	for _, r := range advisor.Lists.Jobs {
		if r.ID == j.ID {
			found = true
			if r.Pause == nil || *r.Pause != want {
				t.Errorf("the advisor board shows the pause %+v, want %+v", r.Pause, want)
			}
		}
	}
	if !found {
		t.Errorf("the advisor board does not list %s", j.ID)
	}
}

// The cars off the bays stand in the workshop board's lanes — reception,
// quality check, wash, ready — each with its plate masked and its
// promised time, lane by lane in the order a car passes them.
func TestTheWorkshopBoardShowsTheLanes(t *testing.T) {
	ds := newDemoShop(t)
	h := board.New(ds.eng, board.Options{})
	var ws struct {
		Lists struct {
			Lanes []struct {
				ID         string     `json:"id"`
				Lane       shop.Stage `json:"lane"`
				Plate      string     `json:"plate"`
				PromisedAt string     `json:"promised_at"`
			} `json:"lanes"`
		} `json:"lists"`
	}
	if err := json.Unmarshal([]byte(h.Current(board.ViewWorkshop)), &ws); err != nil {
		t.Fatal(err)
	}
	st := ds.eng.State()
	want := map[string]shop.Stage{}
	for _, j := range st.OpenJobs() {
		for _, lane := range board.Lanes {
			if j.Stage == lane {
				want[j.ID] = lane
			}
		}
	}
	if len(want) == 0 || len(ws.Lists.Lanes) != len(want) {
		t.Fatalf("the lanes hold %d cars, the shop %d off the bays", len(ws.Lists.Lanes), len(want))
	}
	order := map[shop.Stage]int{}
	for i, lane := range board.Lanes {
		order[lane] = i
	}
	for i, r := range ws.Lists.Lanes {
		j := st.Jobs[r.ID]
		if want[r.ID] != r.Lane {
			t.Errorf("%s stands in the %s lane, its stage is %s", r.ID, r.Lane, j.Stage)
		}
		if plate := st.Vehicles[j.VehicleID].Plate; r.Plate != shop.MaskPlate(plate) || r.Plate == plate {
			t.Errorf("%s's plate on the lane is %q, want %q", r.ID, r.Plate, shop.MaskPlate(plate))
		}
		if r.PromisedAt == "" {
			t.Errorf("%s has no promised time on its lane", r.ID)
		}
		if i > 0 {
			p := ws.Lists.Lanes[i-1]
			if order[p.Lane] > order[r.Lane] || p.Lane == r.Lane && p.PromisedAt > r.PromisedAt {
				t.Errorf("lane order: %s %s before %s %s", p.Lane, p.PromisedAt, r.Lane, r.PromisedAt)
			}
		}
	}
}

// The lounge lists its cars by the plate's last characters, which the
// mask leaves, and the appointment board masks its plates as the lounge
// does: customers stand in front of both.
func TestTheLoungeAndTheAppointmentsShowMaskedPlatesInOrder(t *testing.T) {
	ds := newDemoShop(t)
	h := board.New(ds.eng, board.Options{})
	var lounge struct {
		Lists struct {
			Cars []struct {
				Plate string `json:"plate"`
			} `json:"cars"`
		} `json:"lists"`
	}
	if err := json.Unmarshal([]byte(h.Current(board.ViewLounge)), &lounge); err != nil {
		t.Fatal(err)
	}
	tail := func(p string) string { return p[strings.LastIndexAny(p, "*·")+1:] }
	cars := lounge.Lists.Cars
	if len(cars) < 5 {
		t.Fatalf("%d cars in the lounge", len(cars))
	}
	for i := 1; i < len(cars); i++ {
		if tail(cars[i-1].Plate) > tail(cars[i].Plate) {
			t.Errorf("the lounge lists %s before %s", cars[i-1].Plate, cars[i].Plate)
		}
	}
	var appts struct {
		Lists struct {
			Slots []struct {
				Plate string `json:"plate"`
			} `json:"slots"`
		} `json:"lists"`
	}
	if err := json.Unmarshal([]byte(h.Current(board.ViewAppointments)), &appts); err != nil {
		t.Fatal(err)
	}
	masked := map[string]bool{}
	for _, v := range ds.eng.State().Vehicles {
		masked[shop.MaskPlate(v.Plate)] = true
	}
	if len(appts.Lists.Slots) == 0 {
		t.Fatal("no bookings on the appointment board")
	}
	for _, s := range appts.Lists.Slots {
		if !strings.Contains(s.Plate, "*") || !masked[s.Plate] {
			t.Errorf("the appointment board shows the plate %q, not a masked one", s.Plate)
		}
	}
}
