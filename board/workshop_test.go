package board_test

import (
	"encoding/json"
	"testing"

	"bayboard/board"
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
