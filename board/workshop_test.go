package board_test

import (
	"context"
	"encoding/json"
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
