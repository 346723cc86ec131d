package grouplink_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"bayboard/internal/access"
	"bayboard/internal/demo"
	"bayboard/internal/engine"
	"bayboard/internal/grouplink"
	"bayboard/internal/shop"
	"bayboard/internal/store"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// demoStore is one store of the group running the demo's day: its data
// file, engine, simulator and publisher.
type demoStore struct {
	id    string
	st    *store.Store
	eng   *engine.Engine
	sim   *demo.Simulator
	pub   *grouplink.Publisher
	clock *demo.Clock
	stop  context.CancelFunc
	done  chan struct{}
}

func openDemoStore(t *testing.T, id, urls string, start time.Time) *demoStore {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), id+".db"))
	if err != nil {
		t.Fatal(err)
	}
	clock := demo.NewClock(start, 0)
	state, _, err := st.Load(clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if state, err = demo.Seed(st, state, clock.Now(), access.NewHasher(1_000)); err != nil {
		t.Fatal(err)
	}
	s := &demoStore{id: id, st: st, clock: clock, done: make(chan struct{})}
	s.eng = engine.New(st, state, clock.Now)
	s.sim = demo.NewSimulator(s.eng, clock, quiet)
	s.pub = grouplink.New(grouplink.Config{Store: st, State: s.eng.State, Now: clock.Now, Logger: quiet,
		MinBackoff: 10 * time.Millisecond, MaxBackoff: 200 * time.Millisecond})
	s.eng.Subscribe(func(engine.Change) { s.pub.Notify() })
	ctx, stop := context.WithCancel(context.Background())
	s.stop = stop
	go func() {
		defer close(s.done)
		s.pub.Run(ctx)
	}()
	t.Cleanup(func() {
		s.stop()
		<-s.done
		s.eng.Close()
		s.st.Close()
	})
	if _, err := s.eng.Do(context.Background(), manager, &shop.PutGroupLink{Link: shop.GroupLink{URLs: urls, StoreID: id, Active: true}}); err != nil {
		t.Fatal(err)
	}
	return s
}

// minutes runs the store's simulated day on by n minutes, and gives one
// command of its own every ten, which must succeed whatever the link.
func (s *demoStore) minutes(t *testing.T, n int) {
	t.Helper()
	for i := range n {
		s.clock.Advance(time.Minute)
		s.sim.Step(context.Background())
		if i%10 == 0 {
			if _, err := s.eng.Do(context.Background(), manager, &shop.PutBay{Bay: shop.Bay{Name: fmt.Sprintf("%s 临时工位 %s", s.id, s.clock.Now().Format("15:04")), Kind: shop.BayGeneral, Active: true}}); err != nil {
				t.Fatalf("%s: a command with the link %v: %v", s.id, s.pub.Status().Connected, err)
			}
		}
	}
}

func (s *demoStore) caughtUp(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if st := s.pub.Status(); st.Connected && st.Backlog == 0 && st.Cursor == s.st.LastSeq() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("%s never caught up: %+v", s.id, s.pub.Status())
}

// groupKinds is a state's records of the kinds the group keeps, as JSON.
func groupKinds(t *testing.T, s *shop.State) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for kind, v := range map[string]any{
		shop.KindSettings: s.Settings, shop.KindBay: s.Bays, shop.KindTeam: s.Teams, shop.KindTechnician: s.Technicians,
		shop.KindUser: s.Users, shop.KindCustomer: s.Customers, shop.KindVehicle: s.Vehicles, shop.KindAppointment: s.Appointments,
		shop.KindJob: s.Jobs, shop.KindFinding: s.Findings, shop.KindPartsRequest: s.PartsRequests, shop.KindRoster: s.Roster,
	} {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		out[kind] = b
	}
	return out
}

// Three stores run the demo's day, each publishing to the group's one
// server. The server goes down for a simulated hour: the stores work on
// (every command answered), and when it returns each catches up by
// itself. On the stream every store's events are there exactly once, in
// order after its snapshot, and the replica built from them holds, kind
// by kind, what the store itself holds.
func TestThreeStoresPublishThroughAnHoursOutageAndTheGroupEqualsThem(t *testing.T) {
	srv, conn := startGroup(t)
	start := time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC) // 09:00 in Beijing
	var stores []*demoStore
	for _, id := range []string{"bj-01", "sh-02", "gz-03"} {
		stores = append(stores, openDemoStore(t, id, srv.URL(), start))
	}
	for _, s := range stores {
		s.minutes(t, 30)
	}
	for _, s := range stores {
		s.caughtUp(t)
	}

	srv.Stop()
	before := map[string]uint64{}
	for _, s := range stores {
		before[s.id] = s.st.LastSeq()
		s.minutes(t, 60) // the simulated hour without the group
	}
	for _, s := range stores {
		st := s.pub.Status()
		if st.Backlog == 0 || s.st.LastSeq() <= before[s.id] {
			t.Fatalf("%s worked nothing during the outage: %+v", s.id, st)
		}
	}
	srv.Restart(t)
	for _, s := range stores {
		s.caughtUp(t)
	}

	want := map[string]uint64{}
	for _, s := range stores {
		want[s.id] = s.st.LastSeq()
	}
	got := stream(t, conn, want)
	for _, s := range stores {
		ms := got[s.id]
		exactlyOnce(t, s.id, ms, 1, want[s.id])
		var replica *shop.State
		for _, m := range ms {
			var err error
			if replica, err = shop.ApplyGroupMessage(replica, m); err != nil {
				t.Fatalf("%s: apply %d: %v", s.id, m.Seq, err)
			}
		}
		own, err := shop.ApplyGroupMessage(nil, s.eng.State().GroupSnapshot(s.id, 0, s.clock.Now(), false))
		if err != nil {
			t.Fatal(err)
		}
		gotKinds, wantKinds := groupKinds(t, replica), groupKinds(t, own)
		for kind := range wantKinds {
			if !bytes.Equal(gotKinds[kind], wantKinds[kind]) {
				t.Errorf("%s: the group's %s differ from the store's:\ngroup %.400s\nstore %.400s", s.id, kind, gotKinds[kind], wantKinds[kind])
			}
		}
		t.Logf("%s: %d events, %d during the outage, %d messages on the stream", s.id, want[s.id], want[s.id]-before[s.id], len(ms))
	}
}
