package group

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"bayboard/internal/access"
	"bayboard/internal/demo"
	"bayboard/internal/engine"
	"bayboard/internal/shop"
	"bayboard/internal/store"
)

// groupKindsJSON is a state's records of every kind the group keeps, as
// JSON, kind by kind.
func groupKindsJSON(t *testing.T, s *shop.State) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for kind, v := range map[string]any{
		shop.KindSettings: s.Settings, shop.KindBay: s.Bays, shop.KindTeam: s.Teams, shop.KindTechnician: s.Technicians,
		shop.KindUser: s.Users, shop.KindCustomer: s.Customers, shop.KindVehicle: s.Vehicles, shop.KindAppointment: s.Appointments,
		shop.KindJob: s.Jobs, shop.KindFinding: s.Findings, shop.KindPartsRequest: s.PartsRequests, shop.KindRoster: s.Roster,
		"time_zone": s.Loc.String(),
	} {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		out[kind] = b
	}
	return out
}

// The test that matters most, on the demo's shop: its simulator runs a
// day through the engine; every committed event's group message, built
// from the state right after its commit, goes through JSON to a replica
// and to the group's data file. After every simulated minute the replica
// holds, kind by kind, the store's own state cut the same way; at the end
// the file reads back the same replica, the wall board's row is the
// store's own board's figures, and without contacts no customer's name or
// phone left the store.
func TestADemoDayReplicatedEventByEvent(t *testing.T) {
	dir := t.TempDir()
	st, err := store.Open(filepath.Join(dir, "shop.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	g, err := store.OpenGroup(filepath.Join(dir, "group.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	clock := demo.NewClock(time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC), 0)
	state, _, err := st.Load(clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	state, err = demo.Seed(st, state, clock.Now(), access.NewHasher(1_000))
	if err != nil {
		t.Fatal(err)
	}
	const storeID = "bj-demo"
	var (
		mu       sync.Mutex
		replica  *shop.State
		sent     [][]byte
		events   int
		types    = map[string]bool{}
		lastAt   time.Time
		applied  uint64 // the last event the replica has
		applyErr error
	)
	apply := func(m shop.GroupMessage) {
		raw, err := json.Marshal(m)
		if err != nil {
			applyErr = err
			return
		}
		sent = append(sent, raw)
		var back shop.GroupMessage
		if err := json.Unmarshal(raw, &back); err != nil {
			applyErr = err
			return
		}
		if replica, err = shop.ApplyGroupMessage(replica, back); err != nil {
			applyErr = err
			return
		}
		if ok, err := g.Apply(back); err != nil || !ok {
			applyErr = err
			if err == nil {
				applyErr = errNotApplied
			}
		}
	}
	// The link is made after the seeding: a snapshot first.
	lastAt, applied = clock.Now(), st.LastSeq()
	apply(state.GroupSnapshot(storeID, st.LastSeq(), lastAt, false))
	eng := engine.New(st, state, clock.Now)
	defer eng.Close()
	eng.Subscribe(func(c engine.Change) {
		mu.Lock()
		defer mu.Unlock()
		for _, ev := range c.Events {
			events++
			types[ev.Type] = true
			lastAt, applied = ev.At, ev.Seq
			apply(c.State.GroupMessage(storeID, ev, false))
		}
	})
	sim := demo.NewSimulator(eng, clock, slog.New(slog.NewTextHandler(io.Discard, nil)))
	closes := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC) // 18:00 in Beijing
	steps := 0
	for clock.Now().Before(closes) {
		clock.Advance(time.Minute)
		sim.Step(context.Background())
		steps++
		// The engine answers a command before its subscribers have heard
		// of the commit: wait until the replica has the events of the state
		// it is compared with.
		target := eng.State().Seq
		for deadline := time.Now().Add(10 * time.Second); ; {
			mu.Lock()
			if applied >= target || applyErr != nil {
				break
			}
			mu.Unlock()
			if time.Now().After(deadline) {
				t.Fatalf("the replica never had event %d", target)
			}
			time.Sleep(time.Millisecond)
		}
		if applyErr != nil {
			t.Fatal(applyErr)
		}
		if testing.Short() && steps%30 != 0 {
			mu.Unlock()
			continue
		}
		// The store's state kept as of the replica's last message.
		want, err := shop.ApplyGroupMessage(nil, eng.State().GroupSnapshot(storeID, 0, lastAt, false))
		if err != nil {
			t.Fatal(err)
		}
		got, exp := groupKindsJSON(t, replica), groupKindsJSON(t, want)
		for kind := range exp {
			if !bytes.Equal(got[kind], exp[kind]) {
				t.Fatalf("%s: %s differ after %d events:\nreplica %s\nstore   %s", clock.Now().Format("15:04"), kind, events, got[kind], exp[kind])
			}
		}
		if d := eng.State().GroupDiff(replica, lastAt, false); len(d) != 0 {
			t.Fatalf("%s: GroupDiff says %v differ", clock.Now().Format("15:04"), d)
		}
		mu.Unlock()
	}
	mu.Lock()
	defer mu.Unlock()
	if events < 200 || len(types) < 15 {
		t.Fatalf("the day had %d events of %d types: too quiet to prove much", events, len(types))
	}
	snap, err := json.Marshal(eng.State().GroupSnapshot(storeID, st.LastSeq(), lastAt, false))
	if err != nil {
		t.Fatal(err)
	}
	largest := 0
	for _, raw := range sent[1:] {
		largest = max(largest, len(raw))
	}
	t.Logf("the snapshot at the day's end: %d bytes for %d jobs; the largest event's message %d bytes", len(snap), len(eng.State().Jobs), largest)
	t.Logf("%d simulated minutes, %d events of %d types, %d messages", steps, events, len(types), len(sent))

	// The file reads back the replica.
	stores, err := g.Stores()
	if err != nil {
		t.Fatal(err)
	}
	if len(stores) != 1 || stores[0].Seq != st.LastSeq() {
		t.Fatalf("the group file: %+v, want seq %d", stores, st.LastSeq())
	}
	got, exp := groupKindsJSON(t, stores[0].State), groupKindsJSON(t, replica)
	for kind := range exp {
		if !bytes.Equal(got[kind], exp[kind]) {
			t.Errorf("the file's %s differ from the replica's", kind)
		}
	}

	// The wall board's row is the store's own board's figures, seen at
	// the day's last minute (the simulator has moved the clock on to the
	// next morning).
	now := closes.Add(-time.Minute)
	own := eng.State().Workshop(now).Counts
	today := eng.State().Today(now)
	row := Wall(stores, now)[0]
	if row.InWorkshop != len(eng.State().OpenJobs()) || row.WaitingParts != own.WaitingParts || row.Late != own.Late || row.AtRisk != own.AtRisk ||
		row.Ready != own.Ready || row.TechsFree != own.TechsFree || row.TechsOnDuty != own.TechsTotal || row.DeliveredToday != today.Delivered {
		t.Errorf("the wall's row %+v, the store's board %+v, delivered %d", row, own, today.Delivered)
	}
	t.Logf("the wall's row at %s: %+v", now.Format(time.DateTime), row)
	if row.DeliveredToday == 0 {
		t.Errorf("no car delivered in the demo's day")
	}
	// And the comparison's day is the store's own KPIs of the day.
	k := Compare(stores, now, now, PeriodDay, now)[0]
	jobs := make([]*shop.Job, 0, len(eng.State().Jobs))
	for _, j := range eng.State().Jobs {
		jobs = append(jobs, j)
	}
	ownK := eng.State().KPIs(jobs, k.From, k.To, now)
	if k.Delivered != ownK.Delivered || !near(k.OnTimeRate, ownK.OnTime) || !near(k.LabourEfficiency, ownK.Efficiency) ||
		!near(k.PartsWaitHours, ownK.PartsWaitHours) || !near(k.ComebackRate, ownK.ComebackRate) || !near(k.CSI, ownK.CSI) {
		t.Errorf("the comparison's day %+v, the store's KPIs %+v", k, ownK)
	}

	t.Logf("the comparison's day: %+v", k)

	// No customer's name or phone left the store.
	for _, c := range eng.State().Customers {
		for _, word := range []string{c.Name, c.Phone} {
			if word == "" {
				continue
			}
			for _, raw := range sent {
				if bytes.Contains(raw, []byte(word)) {
					t.Fatalf("customer %s's %q left the store: %s", c.ID, word, raw)
				}
			}
		}
	}
}

var errNotApplied = errorString("a new message was not applied")

type errorString string

func (e errorString) Error() string { return string(e) }
