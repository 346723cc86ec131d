package store

import (
	"encoding/json"
	"errors"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"bayboard/internal/shop"

	bolt "go.etcd.io/bbolt"
)

// groupFeed is a store's messages as its link sends them: a snapshot of
// the state before, then one message per event built from the state right
// after it, seq counting on from first.
func groupFeed(t *testing.T, store string, first uint64, contacts bool, cmds ...shop.Command) ([]shop.GroupMessage, *shop.State) {
	t.Helper()
	st := shop.NewState()
	msgs := []shop.GroupMessage{st.GroupSnapshot(store, first-1, t0, contacts)}
	at, seq := t0, first-1
	for _, c := range cmds {
		d := shop.NewDraft(st)
		at = at.Add(time.Minute)
		ev, err := d.Apply(shop.Actor{System: true}, c, at)
		if err != nil {
			t.Fatalf("%s: %v", c.CommandType(), err)
		}
		st = d.Publish()
		seq++
		ev.Seq = seq
		msgs = append(msgs, st.GroupMessage(store, ev, contacts))
	}
	return msgs, st
}

func groupShop(name string) []shop.Command {
	return []shop.Command{
		&shop.SetSettings{Settings: func() shop.Settings { s := shop.DefaultSettings(); s.Name = name; return s }()},
		&shop.PutBay{Bay: shop.Bay{Name: "1号工位", Kind: shop.BayGeneral, Active: true}},
		&shop.PutCustomer{Customer: shop.Customer{Name: "张先生", Phone: "13812345678"}},
		&shop.PutVehicle{Vehicle: shop.Vehicle{CustomerID: "cu-1", Plate: "京A12345", Model: "Sonata"}},
		&shop.PutVehicle{Vehicle: shop.Vehicle{CustomerID: "cu-1", Plate: "京A54321", Model: "Tucson"}},
		&shop.OpenJob{CustomerID: "cu-1", VehicleID: "ve-1", Estimate: shop.Estimate{Requests: "保养", PromisedAt: t0.Add(3 * time.Hour)}},
		&shop.OpenJob{CustomerID: "cu-1", VehicleID: "ve-2", Estimate: shop.Estimate{Requests: "洗车", PromisedAt: t0.Add(3 * time.Hour)}},
		&shop.Submit{JobRef: shop.JobRef{JobID: "20261123-0001"}},
		&shop.Cancel{JobID: "20261123-0002", Reason: "客户改期"},
	}
}

// replicaJSON is what a group page can read of a replica, kind by kind.
func replicaJSON(t *testing.T, s *shop.State) string {
	t.Helper()
	b, err := json.Marshal([]any{s.Settings, s.Bays, s.Teams, s.Technicians, s.Users, s.Customers, s.Vehicles, s.Appointments, s.Jobs, s.Findings, s.PartsRequests, s.Roster, s.Loc.String()})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func openGroup(t *testing.T, path string) *Group {
	t.Helper()
	g, err := OpenGroup(path)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// Two stores' messages applied, the file closed and opened again: each
// store's replica rebuilt from the file equals the one kept in memory,
// and both equal the store's own state cut by the policy.
func TestAGroupFileReadsBackWhatWasApplied(t *testing.T) {
	path := filepath.Join(t.TempDir(), "group.db")
	g := openGroup(t, path)
	a, aState := groupFeed(t, "bj-01", 1, false, groupShop("北京一店")...)
	b, bState := groupFeed(t, "sh-02", 500, true, groupShop("上海二店")...)
	for i := range a {
		for _, m := range []shop.GroupMessage{a[i], b[i]} {
			if ok, err := g.Apply(m); err != nil || !ok {
				t.Fatalf("%s: applied %v, %v", shop.GroupMessageID(m), ok, err)
			}
		}
	}
	inMemory := g.Replicas()
	fromFile, err := g.Stores()
	if err != nil {
		t.Fatal(err)
	}
	if err := g.Close(); err != nil {
		t.Fatal(err)
	}
	g = openGroup(t, path)
	defer g.Close()
	reopened, err := g.Stores()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		name    string
		seq     uint64
		state   *shop.State
		contact bool
	}{"bj-01": {"北京一店", 9, aState, false}, "sh-02": {"上海二店", 508, bState, true}}
	for _, list := range [][]GroupStore{inMemory, fromFile, reopened, g.Replicas()} {
		if len(list) != 2 {
			t.Fatalf("%d stores, want 2", len(list))
		}
		for _, s := range list {
			w := want[s.ID]
			if s.Name != w.name || s.Seq != w.seq || !s.LastAt.Equal(t0.Add(9*time.Minute)) {
				t.Errorf("store %s: %q seq %d at %s, want %q seq %d", s.ID, s.Name, s.Seq, s.LastAt, w.name, w.seq)
			}
			cut, err := shop.ApplyGroupMessage(nil, w.state.GroupSnapshot(s.ID, s.Seq, s.LastAt, w.contact))
			if err != nil {
				t.Fatal(err)
			}
			if got, exp := replicaJSON(t, s.State), replicaJSON(t, cut); got != exp {
				t.Errorf("store %s:\nreplica %s\nwant    %s", s.ID, got, exp)
			}
		}
	}
	if got := len(reopened[1].State.Customers); got != 1 {
		t.Errorf("sh-02 sends contacts: %d customers", got)
	}
	if got := len(reopened[0].State.Customers); got != 0 {
		t.Errorf("bj-01 sends none: %d customers", got)
	}
}

// A message delivered twice, or an older one after a newer, counts once:
// the store's seq does not move back and its records stay the newer.
func TestADuplicateOrOlderMessageCountsOnce(t *testing.T) {
	g := openGroup(t, filepath.Join(t.TempDir(), "group.db"))
	defer g.Close()
	msgs, _ := groupFeed(t, "bj-01", 1, false, groupShop("北京一店")...)
	applied := 0
	for i, m := range msgs {
		for _, again := range []shop.GroupMessage{m, m, msgs[i/2]} {
			ok, err := g.Apply(again)
			if err != nil {
				t.Fatal(err)
			}
			if ok {
				applied++
			}
		}
	}
	if applied != len(msgs) {
		t.Errorf("%d messages applied, want %d", applied, len(msgs))
	}
	stores, err := g.Stores()
	if err != nil {
		t.Fatal(err)
	}
	if len(stores) != 1 || stores[0].Seq != 9 || stores[0].State.Jobs["20261123-0002"].Stage != shop.StageCancelled {
		t.Errorf("stores after duplicates: %+v", stores)
	}
	// A snapshot with a higher seq replaces the store's records: a
	// second store's snapshot sent under this store's id has its data only.
	fresh := shop.NewState().GroupSnapshot("bj-01", 20, t0.Add(time.Hour), false)
	if ok, err := g.Apply(fresh); err != nil || !ok {
		t.Fatalf("snapshot: %v %v", ok, err)
	}
	stores, _ = g.Stores()
	if len(stores[0].State.Jobs) != 0 || len(stores[0].State.Vehicles) != 0 || stores[0].Seq != 20 {
		t.Errorf("after the snapshot: %d jobs, %d vehicles, seq %d", len(stores[0].State.Jobs), len(stores[0].State.Vehicles), stores[0].Seq)
	}
	// An older snapshot is skipped like any older message.
	if ok, _ := g.Apply(msgs[0]); ok {
		t.Errorf("an older snapshot was applied")
	}
}

// A store restored from a backup numbers its events again from where the
// backup was: its link's snapshot of a new epoch replaces what the group
// had whatever its number, the old epoch's events no longer apply, and
// the new epoch's go on from the snapshot's number.
func TestANewEpochsSnapshotReplacesTheStoreWhateverItsNumber(t *testing.T) {
	g := openGroup(t, filepath.Join(t.TempDir(), "group.db"))
	defer g.Close()
	epoch := func(ms []shop.GroupMessage, e string) []shop.GroupMessage {
		for i := range ms {
			ms[i].Epoch = e
		}
		return ms
	}
	before := epoch(func() []shop.GroupMessage {
		m, _ := groupFeed(t, "bj-01", 1, false, groupShop("北京一店")...)
		return m
	}(), "aaaa")
	for _, m := range before {
		if _, err := g.Apply(m); err != nil {
			t.Fatal(err)
		}
	}
	// The backup was taken at event 4 (settings, a bay, a customer, a
	// car): the restored store's snapshot is at 4, its next events 5 on.
	after := epoch(func() []shop.GroupMessage {
		m, _ := groupFeed(t, "bj-01", 5, false, &shop.SetSettings{Settings: func() shop.Settings { s := shop.DefaultSettings(); s.Name = "北京一店"; return s }()},
			&shop.PutBay{Bay: shop.Bay{Name: "2号工位", Kind: shop.BayGeneral, Active: true}})
		return m
	}(), "bbbb")
	after[0].Seq = 4
	for i, m := range after {
		if ok, err := g.Apply(m); err != nil || !ok {
			t.Fatalf("the new epoch's message %d (seq %d): applied %v, %v", i, m.Seq, ok, err)
		}
	}
	if ok, _ := g.Apply(before[len(before)-1]); ok {
		t.Error("an event of the old epoch applied after the new epoch's snapshot")
	}
	stores, _ := g.Stores()
	if s := stores[0]; s.Epoch != "bbbb" || s.Seq != 6 || len(s.State.Jobs) != 0 || len(s.State.Bays) != 1 {
		t.Errorf("after the restore: epoch %q seq %d, %d jobs, %d bays; want bbbb, 6, none, the one bay", s.Epoch, s.Seq, len(s.State.Jobs), len(s.State.Bays))
	}
}

// A group process that starts after the stream let a store's older
// messages go meets the store's events before any snapshot of it: it
// cannot place them (the records they touch may lean on ones it never
// had), so it skips them, and takes the store from its next snapshot.
func TestAStoresEventsBeforeItsSnapshotAreSkipped(t *testing.T) {
	g := openGroup(t, filepath.Join(t.TempDir(), "group.db"))
	defer g.Close()
	msgs, st := groupFeed(t, "bj-01", 1, false, groupShop("北京一店")...)
	for _, m := range msgs[5:] { // the stream's oldest left: events 5 to 9
		if ok, err := g.Apply(m); err != nil || ok {
			t.Fatalf("event %d before the store's snapshot: applied %v, %v", m.Seq, ok, err)
		}
	}
	if stores, _ := g.Stores(); len(stores) != 0 {
		t.Fatalf("the group knows %d stores from events alone", len(stores))
	}
	snap := st.GroupSnapshot("bj-01", 9, t0.Add(24*time.Hour), false)
	if ok, err := g.Apply(snap); err != nil || !ok {
		t.Fatalf("the store's snapshot: applied %v, %v", ok, err)
	}
	stores, _ := g.Stores()
	if len(stores) != 1 || stores[0].Seq != 9 || len(stores[0].State.Jobs) != 2 {
		t.Fatalf("after the snapshot: %+v", stores)
	}
	want, err := shop.ApplyGroupMessage(nil, snap)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := replicaJSON(t, stores[0].State), replicaJSON(t, want); got != want {
		t.Errorf("the replica is not the snapshot's:\n got %s\nwant %s", got, want)
	}
}

// A job removed, with its findings and parts requests, and a job closed
// long enough ago to leave the replica, leave the file too.
func TestARemovedJobLeavesTheGroupFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "group.db")
	g := openGroup(t, path)
	msgs, st := groupFeed(t, "bj-01", 1, false, groupShop("北京一店")...)
	for _, m := range msgs {
		if _, err := g.Apply(m); err != nil {
			t.Fatal(err)
		}
	}
	// A week and a day later: the cancelled job left the store's live
	// state; an event on the bay prunes it from the replica and the file.
	later := shop.Event{Seq: 10, At: t0.Add(shop.KeepClosed + 24*time.Hour), Type: "put_bay", Subject: "bay-1"}
	if ok, err := g.Apply(st.GroupMessage("bj-01", later, false)); err != nil || !ok {
		t.Fatal(ok, err)
	}
	g.Close()
	g = openGroup(t, path)
	defer g.Close()
	var left []string
	g.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketGroupStores).Bucket([]byte("bj-01")).Bucket(bucketGroupRecords).Bucket([]byte(shop.KindJob)).ForEach(func(k, _ []byte) error {
			left = append(left, string(k))
			return nil
		})
	})
	if len(left) != 1 || left[0] != "20261123-0001" {
		t.Errorf("jobs in the file: %v, want the open one only", left)
	}
	// The cancelled job's car is named by no job or booking now: it
	// leaves the file too.
	var cars []string
	g.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketGroupStores).Bucket([]byte("bj-01")).Bucket(bucketGroupRecords).Bucket([]byte(shop.KindVehicle)).ForEach(func(k, _ []byte) error {
			cars = append(cars, string(k))
			return nil
		})
	})
	if len(cars) != 1 || cars[0] != "ve-1" {
		t.Errorf("cars in the file: %v, want ve-1 only", cars)
	}
	// The cancelled job is kept in the archive, for a longer period's
	// comparison: found in a period holding its closing, not in another.
	for _, c := range []struct {
		from, to time.Time
		want     int
	}{{t0, t0.Add(24 * time.Hour), 1}, {t0.Add(-24 * time.Hour), t0, 0}, {t0.Add(time.Hour), t0.Add(48 * time.Hour), 0}} {
		stores, err := g.WithClosed(g.Replicas(), c.from, c.to)
		if err != nil {
			t.Fatal(err)
		}
		if len(stores[0].Closed) != c.want || (c.want == 1 && (stores[0].Closed[0].ID != "20261123-0002" || stores[0].Closed[0].Stage != shop.StageCancelled)) {
			t.Errorf("closed in [%s, %s): %+v, want %d", c.from, c.to, stores[0].Closed, c.want)
		}
	}
}

func TestABadGroupMessageChangesNothing(t *testing.T) {
	g := openGroup(t, filepath.Join(t.TempDir(), "group.db"))
	defer g.Close()
	msgs, _ := groupFeed(t, "bj-01", 1, false, groupShop("北京一店")...)
	if _, err := g.Apply(msgs[0]); err != nil {
		t.Fatal(err)
	}
	bad := shop.GroupMessage{V: 1, Store: "bj-01", Seq: 5, Records: []shop.GroupRecord{{Kind: shop.KindJob, ID: "j-1", Data: json.RawMessage(`{"id":7}`)}}}
	if ok, err := g.Apply(bad); !errors.Is(err, ErrBadGroupMessage) || ok {
		t.Fatalf("a bad message: %v %v", ok, err)
	}
	if ok, err := g.Apply(shop.GroupMessage{V: 1, Seq: 9}); !errors.Is(err, ErrBadGroupMessage) || ok {
		t.Fatalf("a message without a store: %v %v", ok, err)
	}
	stores, _ := g.Stores()
	if stores[0].Seq != 0 {
		t.Errorf("seq %d after a refused message", stores[0].Seq)
	}
}

// A shop's data file is not a group's, and a newer group file is refused.
func TestOpenGroupRefusesAnotherFile(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(filepath.Join(dir, "shop.db"))
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := OpenGroup(filepath.Join(dir, "shop.db")); err == nil {
		t.Errorf("a shop's data file opened as a group's")
	}
	path := filepath.Join(dir, "group.db")
	g := openGroup(t, path)
	g.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketGroupMeta).Put(keySchemaVersion, u64(GroupSchemaVersion+1))
	})
	g.Close()
	if _, err := OpenGroup(path); !errors.Is(err, ErrNewerSchema) {
		t.Errorf("a newer group file: %v", err)
	}
}

// The group process's file, per message: one event's records (a job, its
// car, its parts requests) applied in one fsynced transaction, on a
// replica of 60 live jobs.
func BenchmarkGroupApply(b *testing.B) {
	g, err := OpenGroup(filepath.Join(b.TempDir(), "group.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer g.Close()
	st := shop.NewState()
	cmds := []shop.Command{&shop.PutCustomer{Customer: shop.Customer{Name: "张先生", Phone: "13812345678"}}}
	for i := 0; i < 60; i++ {
		cmds = append(cmds, &shop.PutVehicle{Vehicle: shop.Vehicle{CustomerID: "cu-1", Plate: "京A" + strconv.Itoa(10000+i), Model: "Sonata"}},
			&shop.OpenJob{CustomerID: "cu-1", VehicleID: "ve-" + strconv.Itoa(i+1), Estimate: shop.Estimate{Requests: "保养", PromisedAt: t0.Add(3 * time.Hour)}})
	}
	d := shop.NewDraft(st)
	for _, c := range cmds {
		if _, err := d.Apply(shop.Actor{System: true}, c, t0); err != nil {
			b.Fatal(err)
		}
	}
	st = d.Publish()
	if _, err := g.Apply(st.GroupSnapshot("bj-01", 1, t0, false)); err != nil {
		b.Fatal(err)
	}
	seq := uint64(1)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		seq++
		ev := shop.Event{Seq: seq, At: t0, Type: "update_estimate", Subject: "20261123-0007", JobID: "20261123-0007"}
		if ok, err := g.Apply(st.GroupMessage("bj-01", ev, false)); err != nil || !ok {
			b.Fatal(ok, err)
		}
	}
}
