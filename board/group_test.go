package board

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"bayboard/internal/group"
)

// groupRows is a fixed group: three stores, one silent for 16 minutes, one
// never heard from.
type groupRows struct{ now time.Time }

func (g groupRows) Now() time.Time { return g.now }
func (g groupRows) GroupRows() ([]group.StoreRow, uint64) {
	return []group.StoreRow{
		{ID: "bj-01", Name: "北京一店", InWorkshop: 12, WaitingParts: 2, Late: 1, AtRisk: 3, Ready: 2, TechsFree: 4, TechsOnDuty: 10,
			DeliveredToday: 8, OnTimeToday: 6, LastEventAt: g.now.Add(-2 * time.Minute)},
		{ID: "sh-02", Name: "上海二店", InWorkshop: 9, DeliveredToday: 3, OnTimeToday: 3, LastEventAt: g.now.Add(-16 * time.Minute)},
		{ID: "gz-03", Name: "广州三店"},
	}, 42
}

func TestTheGroupWallShowsEachScopeItsStoresAndFlagsTheSilent(t *testing.T) {
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	hub := NewGroupHub(groupRows{now}, time.UTC, Options{})
	for _, tc := range []struct {
		scope     string
		stores    []string
		silent    int
		workshop  int
		delivered int
		onTime    string // the totals' on-time percent
	}{
		{ScopeAll, []string{"bj-01", "sh-02", "gz-03"}, 2, 21, 11, `"on_time_today":82`},
		{"bj-01", []string{"bj-01"}, 0, 12, 8, `"on_time_today":75`},
		{"gz-03,sh-02", []string{"sh-02", "gz-03"}, 2, 9, 3, `"on_time_today":100`},
	} {
		raw, err := hub.Snapshot(tc.scope)
		if err != nil {
			t.Fatal(err)
		}
		var snap struct {
			Head struct {
				Stores, Silent int
				Totals         struct {
					InWorkshop     int `json:"in_workshop"`
					DeliveredToday int `json:"delivered_today"`
				}
			}
			Lists struct {
				Stores []struct {
					ID            string
					Silent        bool
					SilentMinutes *int `json:"silent_minutes"`
				}
			}
		}
		if err := json.Unmarshal(raw, &snap); err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, r := range snap.Lists.Stores {
			ids = append(ids, r.ID)
			wantSilent := r.ID != "bj-01"
			if r.Silent != wantSilent {
				t.Errorf("%s: silent %v, want %v", r.ID, r.Silent, wantSilent)
			}
			if (r.SilentMinutes == nil) != (r.ID == "gz-03") {
				t.Errorf("%s: silent minutes %v", r.ID, r.SilentMinutes)
			}
		}
		if strings.Join(ids, " ") != strings.Join(tc.stores, " ") {
			t.Errorf("scope %q shows %v, want %v", tc.scope, ids, tc.stores)
		}
		if snap.Head.Stores != len(tc.stores) || snap.Head.Silent != tc.silent || snap.Head.Totals.InWorkshop != tc.workshop ||
			snap.Head.Totals.DeliveredToday != tc.delivered || !strings.Contains(string(raw), tc.onTime) {
			t.Errorf("scope %q's head: %+v (%s)", tc.scope, snap.Head, raw)
		}
		for _, other := range []string{"bj-01", "sh-02", "gz-03"} {
			if !InScope(tc.scope, other) && strings.Contains(string(raw), other) {
				t.Errorf("scope %q's snapshot names %s", tc.scope, other)
			}
		}
	}
}
