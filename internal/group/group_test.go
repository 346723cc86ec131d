package group

import (
	"math"
	"testing"
	"time"

	"bayboard/internal/shop"
	"bayboard/internal/store"
)

var beijing = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return loc
}()

// local is a time on the stores' clocks (Beijing): day of November 2026,
// hour and minute.
func local(day, hour, minute int) time.Time {
	return time.Date(2026, 11, day, hour, minute, 0, 0, beijing)
}

// now is Monday 23 November 2026, 14:00 in Beijing.
var now = local(23, 14, 0)

func at(t time.Time) *time.Time { return &t }

// job is a job in a stage, with its stage changes at the times given
// (stage, time, stage, time, ...).
func job(id string, promised time.Time, soldHours float64, stages ...any) *shop.Job {
	j := &shop.Job{ID: id, CustomerID: "cu-1", VehicleID: "ve-1", PromisedAt: promised, AdvisorID: "user-1",
		Labour: []shop.Labour{{Name: "保养", SoldHours: soldHours, Price: 30000}}}
	for i := 0; i < len(stages); i += 2 {
		sc := shop.StageChange{Stage: stages[i].(shop.Stage), At: stages[i+1].(time.Time)}
		j.Stages = append(j.Stages, sc)
		j.Stage, j.UpdatedAt = sc.Stage, sc.At
	}
	j.CreatedAt = j.Stages[0].At
	return j
}

func clock(tech string, from, to time.Time) shop.ClockSession {
	return shop.ClockSession{TechID: tech, Start: from, End: &to}
}

// replica is a store's state as the group holds it: through the store's
// own snapshot, cut by the policy, applied to an empty replica.
func replica(t *testing.T, id string, st *shop.State) store.GroupStore {
	t.Helper()
	r, err := shop.ApplyGroupMessage(nil, st.GroupSnapshot(id, 42, now, false))
	if err != nil {
		t.Fatal(err)
	}
	return store.GroupStore{ID: id, Name: r.Settings.Name, Seq: 42, LastAt: now.Add(-time.Minute), State: r}
}

// storeA has three technicians (one on leave today, one more inactive)
// and eight jobs, counted by hand in the tests:
//
//	a1 in progress, tech-1 on the clock since 13:30, 1 h sold, promised 17:00: fine
//	a2 waiting for parts since 12:00 on tech-2's bay, promised 13:00: late
//	a3 ready since 12:00, promised 13:00: ready, on time
//	a4 delivered today 10:00, ready 09:30, promised 10:00: on time; 2 h sold, 1 h clocked
//	a5 delivered today 11:00, ready 10:30, promised 10:00: late; 1 h sold, 1 h clocked
//	a6 delivered Sunday 15:00, ready 14:00, promised 16:00: on time; 1 h sold, 2 h clocked;
//	   its survey today 10:00: work 5, charges 4, advisor 5 (CSI (14/3-1)×25 = 91.67)
//	a7 at reception, 2 h sold, promised 14:30: at risk
//	a8 at reception, a comeback of a6 opened today 13:00, promised 19:00: fine
func storeA() *shop.State {
	st := shop.NewState()
	st.Settings.Name = "北京一店"
	st.Loc = beijing
	for _, id := range []string{"tech-1", "tech-2", "tech-3", "tech-4"} {
		st.Technicians[id] = &shop.Technician{ID: id, Name: id, TeamID: "team-1", Active: id != "tech-4"}
	}
	st.Roster["2026-11-23"] = &shop.RosterDay{Date: "2026-11-23", Duty: map[string]shop.DutyStatus{"tech-3": shop.DutyLeave}}
	a1 := job("a1", local(23, 17, 0), 1, shop.StageReception, local(23, 13, 0), shop.StageDispatched, local(23, 13, 10), shop.StageInProgress, local(23, 13, 30))
	a1.TechIDs = []string{"tech-1"}
	a1.Clock = []shop.ClockSession{{TechID: "tech-1", Start: local(23, 13, 30)}}
	a2 := job("a2", local(23, 13, 0), 2, shop.StageReception, local(23, 10, 0), shop.StageInProgress, local(23, 11, 0), shop.StageWaitingParts, local(23, 12, 0))
	a2.TechIDs = []string{"tech-2"}
	a2.Clock = []shop.ClockSession{clock("tech-2", local(23, 11, 0), local(23, 12, 0))}
	st.PartsRequests["pr-1"] = &shop.PartsRequest{ID: "pr-1", JobID: "a2", Description: "刹车片", Quantity: 1, Status: shop.PartsOnOrder, ETA: at(local(24, 10, 0))}
	a3 := job("a3", local(23, 13, 0), 1, shop.StageReception, local(23, 9, 0), shop.StageReady, local(23, 12, 0))
	a4 := job("a4", local(23, 10, 0), 2, shop.StageReception, local(23, 8, 0), shop.StageReady, local(23, 9, 30), shop.StageDelivered, local(23, 10, 0))
	a4.Clock = []shop.ClockSession{clock("tech-1", local(23, 8, 0), local(23, 9, 0))}
	a5 := job("a5", local(23, 10, 0), 1, shop.StageReception, local(23, 8, 0), shop.StageReady, local(23, 10, 30), shop.StageDelivered, local(23, 11, 0))
	a5.Clock = []shop.ClockSession{clock("tech-2", local(23, 9, 0), local(23, 10, 0))}
	a6 := job("a6", local(22, 16, 0), 1, shop.StageReception, local(22, 9, 0), shop.StageReady, local(22, 14, 0), shop.StageDelivered, local(22, 15, 0))
	a6.Clock = []shop.ClockSession{clock("tech-1", local(22, 10, 0), local(22, 12, 0))}
	a6.Survey = &shop.Survey{At: local(23, 10, 0), Work: 5, Charges: 4, Advisor: 5, Recommend: 9, Comment: "师傅很好"}
	a6.UpdatedAt = a6.Survey.At // as answer_survey changes it
	a7 := job("a7", local(23, 14, 30), 2, shop.StageReception, local(23, 13, 45))
	a8 := job("a8", local(23, 19, 0), 0, shop.StageReception, local(23, 13, 0))
	a8.ComebackOf = "a6"
	for _, j := range []*shop.Job{a1, a2, a3, a4, a5, a6, a7, a8} {
		st.Jobs[j.ID] = j
	}
	return st
}

// storeB has two technicians, no roster, and one job dispatched to one
// of them.
func storeB() *shop.State {
	st := shop.NewState()
	st.Settings.Name = "上海二店"
	st.Loc = beijing
	st.Technicians["tech-1"] = &shop.Technician{ID: "tech-1", Name: "王", Active: true}
	st.Technicians["tech-2"] = &shop.Technician{ID: "tech-2", Name: "李", Active: true}
	b1 := job("b1", local(23, 19, 0), 1, shop.StageReception, local(23, 9, 0), shop.StageDispatched, local(23, 9, 30))
	b1.TechIDs = []string{"tech-1"}
	st.Jobs["b1"] = b1
	return st
}

func TestTheWallCountsEachStoreAsItsBoardDoes(t *testing.T) {
	stores := []store.GroupStore{replica(t, "bj-01", storeA()), replica(t, "sh-02", storeB()), {ID: "gz-03"}}
	got := Wall(stores, now)
	want := []StoreRow{
		{ID: "bj-01", Name: "北京一店", InWorkshop: 5, WaitingParts: 1, Late: 1, AtRisk: 1, Ready: 1, TechsFree: 0, TechsOnDuty: 2, DeliveredToday: 2, OnTimeToday: 1, LastEventAt: now.Add(-time.Minute)},
		{ID: "sh-02", Name: "上海二店", InWorkshop: 1, TechsFree: 1, TechsOnDuty: 2, LastEventAt: now.Add(-time.Minute)},
		{ID: "gz-03"},
	}
	if len(got) != len(want) {
		t.Fatalf("%d rows, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("row %d:\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}
	// The next morning the roster's leave is over and a4, a5 are
	// yesterday's.
	tomorrow := Wall(stores[:1], local(24, 9, 0))[0]
	if tomorrow.TechsOnDuty != 3 || tomorrow.DeliveredToday != 0 {
		t.Errorf("the next morning: %+v", tomorrow)
	}
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestCompareGivesEachStoresKPIsPerPeriod(t *testing.T) {
	a := replica(t, "bj-01", storeA())
	// c1 closed on 5 November: it left the replica, the group file's
	// archive brings it for the month.
	c1 := job("c1", local(5, 12, 0), 1, shop.StageReception, local(5, 9, 0), shop.StageReady, local(5, 11, 0), shop.StageDelivered, local(5, 12, 0))
	c1.Clock = []shop.ClockSession{clock("tech-1", local(5, 9, 0), local(5, 10, 0))}
	a.Closed = []*shop.Job{c1}
	stores := []store.GroupStore{a, replica(t, "sh-02", storeB())}
	type row struct {
		id, period                        string
		delivered                         int
		onTime, comeback, eff, parts, csi float64
		surveys                           int
	}
	csi := (14.0/3 - 1) * 25
	for _, c := range []struct {
		period   string
		from, to time.Time
		want     []row
	}{
		{PeriodDay, local(22, 0, 0), local(24, 0, 0), []row{
			{"bj-01", "2026-11-22", 1, 1, 0, 0.5, 0, 0, 0},
			{"bj-01", "2026-11-23", 2, 0.5, 0.5, 1.5, 2, csi, 1},
			{"sh-02", "2026-11-22", 0, 0, 0, 0, 0, 0, 0},
			{"sh-02", "2026-11-23", 0, 0, 0, 0, 0, 0, 0},
		}},
		{PeriodWeek, local(18, 12, 0), local(24, 0, 0), []row{
			{"bj-01", "2026-W47", 1, 1, 0, 0.5, 0, 0, 0},
			{"bj-01", "2026-W48", 2, 0.5, 0.5, 1.5, 2, csi, 1},
			{"sh-02", "2026-W47", 0, 0, 0, 0, 0, 0, 0},
			{"sh-02", "2026-W48", 0, 0, 0, 0, 0, 0, 0},
		}},
		{PeriodMonth, local(23, 0, 0), local(24, 0, 0), []row{
			{"bj-01", "2026-11", 4, 0.75, 0.25, 1, 2, csi, 1},
			{"sh-02", "2026-11", 0, 0, 0, 0, 0, 0, 0},
		}},
	} {
		got := Compare(stores, c.from, c.to, c.period, now)
		if len(got) != len(c.want) {
			t.Fatalf("%s: %d rows, want %d: %+v", c.period, len(got), len(c.want), got)
		}
		for i, w := range c.want {
			g := got[i]
			if g.ID != w.id || g.Period != w.period || g.Delivered != w.delivered || !near(g.OnTimeRate, w.onTime) ||
				!near(g.ComebackRate, w.comeback) || !near(g.LabourEfficiency, w.eff) || !near(g.PartsWaitHours, w.parts) || !near(g.CSI, w.csi) || g.Surveys != w.surveys {
				t.Errorf("%s row %d:\n got %+v\nwant %+v", c.period, i, g, w)
			}
		}
	}
}

func TestPeriodsAreTheStoresCalendar(t *testing.T) {
	got := periods(local(30, 12, 0), local(2, 0, 0).AddDate(0, 1, 0), PeriodWeek, beijing)
	if len(got) != 1 || got[0].name != "2026-W49" || !got[0].from.Equal(local(30, 0, 0)) || !got[0].to.Equal(local(7, 0, 0).AddDate(0, 1, 0)) {
		t.Errorf("weeks: %+v", got)
	}
	got = periods(local(30, 12, 0), local(2, 0, 0).AddDate(0, 1, 0), PeriodMonth, beijing)
	if len(got) != 2 || got[0].name != "2026-11" || got[1].name != "2026-12" || !got[1].from.Equal(local(1, 0, 0).AddDate(0, 1, 0)) {
		t.Errorf("months: %+v", got)
	}
	if got := periods(local(1, 0, 0), local(2, 0, 0), "year", beijing); len(got) != 1 || got[0].name != "" {
		t.Errorf("an unknown period: %+v", got)
	}
}
