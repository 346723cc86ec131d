package grouplink_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"bayboard/internal/engine"
	"bayboard/internal/grouplink"
	"bayboard/internal/jetstream"
	"bayboard/internal/jetstream/natstest"
	"bayboard/internal/shop"
	"bayboard/internal/store"
)

var manager = shop.Actor{System: true}

// aStore is one store's box: its data file, engine and publisher.
type aStore struct {
	path string
	st   *store.Store
	eng  *engine.Engine
	pub  *grouplink.Publisher
	stop context.CancelFunc
	done chan struct{}
	bays int
	// clock is the shop's time, in Unix nanoseconds: a test moves it.
	clock atomic.Int64
}

func openStore(t *testing.T, path string) *aStore {
	t.Helper()
	st, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	clock := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	state, _, err := st.Load(clock)
	if err != nil {
		t.Fatal(err)
	}
	s := &aStore{path: path, st: st, done: make(chan struct{}), bays: len(state.Bays)}
	s.clock.Store(clock.UnixNano())
	s.eng = engine.New(st, state, s.now)
	s.pub = grouplink.New(grouplink.Config{Store: st, State: s.eng.State, Now: s.now,
		MinBackoff: 10 * time.Millisecond, MaxBackoff: 100 * time.Millisecond, Recheck: 20 * time.Millisecond})
	s.eng.Subscribe(func(engine.Change) { s.pub.Notify() })
	ctx, stop := context.WithCancel(context.Background())
	s.stop = stop
	go func() {
		defer close(s.done)
		s.pub.Run(ctx)
	}()
	t.Cleanup(s.close)
	return s
}

func (s *aStore) now() time.Time { return time.Unix(0, s.clock.Load()).UTC() }

// close stops the publisher and closes the engine and the file, as a
// store's server does when it stops.
func (s *aStore) close() {
	if s.stop == nil {
		return
	}
	s.stop()
	<-s.done
	s.eng.Close()
	s.st.Close()
	s.stop = nil
}

// work gives n commands, as the floor does.
func (s *aStore) work(t *testing.T, n int) {
	t.Helper()
	for range n {
		s.bays++
		if _, err := s.eng.Do(context.Background(), manager, &shop.PutBay{Bay: shop.Bay{Name: fmt.Sprintf("%d号工位", s.bays), Kind: shop.BayGeneral, Active: true}}); err != nil {
			t.Fatalf("a command while the link is %v: %v", s.pub.Status().Connected, err)
		}
	}
}

func (s *aStore) link(t *testing.T, urls, id string) {
	t.Helper()
	if _, err := s.eng.Do(context.Background(), manager, &shop.PutGroupLink{Link: shop.GroupLink{URLs: urls, StoreID: id, Active: true}}); err != nil {
		t.Fatal(err)
	}
}

// caughtUp waits until the stream acknowledged the store's every event.
func (s *aStore) caughtUp(t *testing.T) grouplink.Status {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if st := s.pub.Status(); st.Connected && st.Backlog == 0 && st.Cursor == s.st.LastSeq() {
			return st
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("the store never caught up: %+v", s.pub.Status())
	return grouplink.Status{}
}

func startGroup(t *testing.T) (*natstest.Server, *jetstream.Conn) {
	t.Helper()
	srv := natstest.Start(t)
	conn, err := jetstream.Connect(context.Background(), jetstream.Config{URLs: srv.URL(), Name: "group"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(conn.Close)
	if err := conn.EnsureStream(context.Background(), jetstream.Stream{Replicas: 1}); err != nil {
		t.Fatal(err)
	}
	return srv, conn
}

// stream reads every message on the stream (through a new consumer) until
// the stores' cursors are all there, and returns them by store.
func stream(t *testing.T, conn *jetstream.Conn, want map[string]uint64) map[string][]shop.GroupMessage {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var mu sync.Mutex
	got := map[string][]shop.GroupMessage{}
	finished := false // the consumer may deliver more after the read ends
	done := make(chan struct{})
	reached := func() bool {
		for id, seq := range want {
			ms := got[id]
			if len(ms) == 0 || ms[len(ms)-1].Seq < seq {
				return false
			}
		}
		return true
	}
	go conn.Consume(ctx, fmt.Sprintf("check-%d", time.Now().UnixNano()), func(d jetstream.Delivery) error {
		var m shop.GroupMessage
		if err := json.Unmarshal(d.Data, &m); err != nil {
			t.Errorf("message %d: %v", d.StreamSeq, err)
			return nil
		}
		mu.Lock()
		defer mu.Unlock()
		if finished {
			return nil
		}
		got[m.Store] = append(got[m.Store], m)
		if reached() {
			select {
			case <-done:
			default:
				close(done)
			}
		}
		return nil
	})
	select {
	case <-done:
	case <-ctx.Done():
		mu.Lock()
		defer mu.Unlock()
		t.Fatalf("the stream never reached %v", want)
	}
	cancel()
	mu.Lock()
	defer mu.Unlock()
	finished = true
	return got
}

// exactlyOnce checks a store's messages: one snapshot at the head, then
// every event after it once, in order, up to last.
func exactlyOnce(t *testing.T, id string, ms []shop.GroupMessage, snapshots int, last uint64) {
	t.Helper()
	seen := map[uint64]int{}
	snaps := 0
	var next uint64
	for i, m := range ms {
		if m.Snapshot {
			snaps++
			next = m.Seq + 1
			continue
		}
		if i == 0 {
			t.Fatalf("%s: the first message is event %d, not a snapshot", id, m.Seq)
		}
		seen[m.Seq]++
		if m.Seq != next {
			t.Fatalf("%s: event %d after %d", id, m.Seq, next-1)
		}
		next++
	}
	if snaps != snapshots {
		t.Errorf("%s: %d snapshots, want %d", id, snaps, snapshots)
	}
	for seq, n := range seen {
		if n != 1 {
			t.Errorf("%s: event %d on the stream %d times", id, seq, n)
		}
	}
	if next-1 != last {
		t.Errorf("%s: the stream ends at event %d, the store at %d", id, next-1, last)
	}
}

// A store linked after it worked publishes a snapshot of what it has, then
// each event after it, once and in order.
func TestALinkedStorePublishesASnapshotThenEveryEvent(t *testing.T) {
	srv, conn := startGroup(t)
	s := openStore(t, filepath.Join(t.TempDir(), "bj.db"))
	s.work(t, 5)
	if st := s.pub.Status(); st.Active || st.Published != 0 {
		t.Fatalf("a store without a link: %+v", st)
	}
	s.link(t, srv.URL(), "bj-01")
	s.caughtUp(t) // the snapshot, at the link's event
	s.work(t, 20)
	st := s.caughtUp(t)
	if st.Published != 1+20 || st.LastSuccessAt.IsZero() {
		t.Errorf("status: %+v, want a snapshot and 20 events published", st)
	}
	got := stream(t, conn, map[string]uint64{"bj-01": s.st.LastSeq()})
	exactlyOnce(t, "bj-01", got["bj-01"], 1, s.st.LastSeq())
	snap := got["bj-01"][0]
	if snap.Seq != 6 { // 5 bays and the link
		t.Errorf("the snapshot is at event %d, want 6", snap.Seq)
	}
	// The messages carry the records (the replica part's GroupMessage): the
	// snapshot the five bays there were, each event its new bay; never the
	// link itself.
	bays := 0
	for _, r := range snap.Records {
		if r.Kind == shop.KindBay {
			bays++
		}
		if r.Kind == shop.KindGroupLink {
			t.Errorf("the snapshot carries the group link: %s", r.Data)
		}
	}
	if bays != 5 {
		t.Errorf("the snapshot carries %d bays, want 5", bays)
	}
	if ev := got["bj-01"][1]; ev.Type != "put_bay" || len(ev.Records) != 1 || ev.Records[0].Kind != shop.KindBay {
		t.Errorf("the first event's message: %+v", ev)
	}
}

// The link down: commands still succeed, the status says so, and when the
// server returns the store catches up by itself; a store restarted resumes
// from its cursor, without a new snapshot.
func TestAStoreKeepsWorkingThroughAnOutageAndCatchesUp(t *testing.T) {
	srv, conn := startGroup(t)
	path := filepath.Join(t.TempDir(), "sh.db")
	s := openStore(t, path)
	s.link(t, srv.URL(), "sh-02")
	s.work(t, 10)
	s.caughtUp(t)

	srv.Stop()
	s.work(t, 30) // the floor works on; every command answered
	deadline := time.Now().Add(30 * time.Second)
	for s.pub.Status().LastError == "" && time.Now().Before(deadline) {
		s.work(t, 1)
		time.Sleep(20 * time.Millisecond)
	}
	down := s.pub.Status()
	if down.LastError == "" || down.LastErrorAt.IsZero() || down.Connected || down.Backlog == 0 {
		t.Fatalf("while the server is down: %+v", down)
	}
	srv.Restart(t)
	s.caughtUp(t)

	// A restart of the store resumes from its cursor.
	s.close()
	s = openStore(t, path)
	s.work(t, 7)
	s.caughtUp(t)
	got := stream(t, conn, map[string]uint64{"sh-02": s.st.LastSeq()})
	exactlyOnce(t, "sh-02", got["sh-02"], 1, s.st.LastSeq())
}

// A link changed to another store id starts again from a snapshot on the
// new subject; deactivated, it publishes nothing more.
func TestAChangedLinkRestartsAndAnInactiveOnePublishesNothing(t *testing.T) {
	srv, conn := startGroup(t)
	s := openStore(t, filepath.Join(t.TempDir(), "gz.db"))
	s.link(t, srv.URL(), "gz-03")
	s.work(t, 3)
	s.caughtUp(t)
	s.link(t, srv.URL(), "gz-04")
	s.work(t, 3)
	s.caughtUp(t)
	last := s.st.LastSeq()
	got := stream(t, conn, map[string]uint64{"gz-03": 4, "gz-04": last})
	if snap := got["gz-04"][0]; !snap.Snapshot || snap.Seq < 5 {
		t.Fatalf("the new id began with %+v", snap)
	}
	exactlyOnce(t, "gz-04", got["gz-04"], 1, last)

	if _, err := s.eng.Do(context.Background(), manager, &shop.PutGroupLink{Link: shop.GroupLink{URLs: srv.URL(), StoreID: "gz-04"}}); err != nil {
		t.Fatal(err)
	}
	s.work(t, 4)
	st := s.pub.Status()
	if st.Active || st.Connected || st.Backlog != 5 {
		t.Errorf("an inactive link: %+v, want a backlog of 5 (the change and 4 bays)", st)
	}
}

// A store that crashed with its cursor a second behind (the file's cursor
// lags what the stream acknowledged) publishes those events again on its
// next start, and the stream keeps each once.
func TestACursorBehindTheStreamRepublishesAndTheStreamKeepsEachOnce(t *testing.T) {
	srv, conn := startGroup(t)
	path := filepath.Join(t.TempDir(), "wh.db")
	s := openStore(t, path)
	s.link(t, srv.URL(), "wh-05")
	s.caughtUp(t)
	s.work(t, 12)
	s.caughtUp(t)
	s.close()
	st, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	c, err := st.GroupCursor()
	if err != nil {
		t.Fatal(err)
	}
	c.Seq -= 8 // the crash lost the cursor's last writes
	if err := st.SetGroupCursor(c); err != nil {
		t.Fatal(err)
	}
	st.Close()
	s = openStore(t, path)
	s.work(t, 3)
	s.caughtUp(t)
	if st := s.pub.Status(); st.Published != 8+3 {
		t.Errorf("published %d after the restart, want the 8 again and 3 new", st.Published)
	}
	got := stream(t, conn, map[string]uint64{"wh-05": s.st.LastSeq()})
	exactlyOnce(t, "wh-05", got["wh-05"], 1, s.st.LastSeq())
}

// The engine writes a commit's events before it publishes the state they
// make: a publisher that read an event from the log and the records from
// the state at hand would send the event with its records as they were
// before it, and the group's replica would stay a step behind. It
// publishes only the events the state it holds shows; the next state's
// go with it.
func TestAnEventGoesWithTheStateThatShowsIt(t *testing.T) {
	srv, conn := startGroup(t)
	st, err := store.Open(filepath.Join(t.TempDir(), "sh.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	clock := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	state, _, err := st.Load(clock)
	if err != nil {
		t.Fatal(err)
	}
	eng := engine.New(st, state, func() time.Time { return clock })
	defer eng.Close()
	if _, err := eng.Do(context.Background(), manager, &shop.PutGroupLink{Link: shop.GroupLink{URLs: srv.URL(), StoreID: "sh-01", Active: true}}); err != nil {
		t.Fatal(err)
	}
	// The publisher holds a state the test gives it: the engine's after a
	// first bay's commit and before a second's, as a publisher does between
	// a commit and the state's swap.
	bay := func(name string) {
		t.Helper()
		if _, err := eng.Do(context.Background(), manager, &shop.PutBay{Bay: shop.Bay{Name: name, Kind: shop.BayGeneral, Active: true}}); err != nil {
			t.Fatal(err)
		}
	}
	bay("1号工位")
	var mu sync.Mutex
	held := eng.State()
	bay("2号工位")
	pub := grouplink.New(grouplink.Config{Store: st, State: func() *shop.State { mu.Lock(); defer mu.Unlock(); return held },
		Now: func() time.Time { return clock }, MinBackoff: 10 * time.Millisecond, MaxBackoff: 100 * time.Millisecond, Recheck: 20 * time.Millisecond})
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); pub.Run(ctx) }()
	defer func() { stop(); <-done }()
	// cursorPast waits for the cursor to pass an event and returns it.
	cursorPast := func(seq uint64) uint64 {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for {
			if c := pub.Status().Cursor; c > seq {
				return c
			}
			if time.Now().After(deadline) {
				t.Fatalf("the cursor never passed %d: %+v", seq, pub.Status())
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	// The snapshot and the first bay go in one pass; the second bay's
	// event, in the log but not in the state held, does not go with them.
	if c := cursorPast(0); c != 2 {
		t.Fatalf("the cursor after the first pass is at %d, want 2 (the first bay's event)", c)
	}
	mu.Lock()
	held = eng.State()
	mu.Unlock()
	pub.Notify()
	if c := cursorPast(2); c != 3 {
		t.Fatalf("the cursor is at %d, want 3", c)
	}
	got := stream(t, conn, map[string]uint64{"sh-01": 3})["sh-01"]
	if len(got) != 2 || got[1].Type != "put_bay" || len(got[1].Records) != 1 || !strings.Contains(string(got[1].Records[0].Data), "2号工位") {
		t.Fatalf("the stream: %+v, want the snapshot and the second bay's event with its bay", got)
	}
}

// A working store sends another snapshot a day after its last, in the
// same epoch, once caught up: the stream keeps messages for a while only,
// and always holds a recent one to start from.
func TestALinkSendsASnapshotADay(t *testing.T) {
	srv, conn := startGroup(t)
	s := openStore(t, filepath.Join(t.TempDir(), "bj.db"))
	s.link(t, srv.URL(), "bj-01")
	s.work(t, 3)
	s.caughtUp(t)
	s.clock.Add(int64(grouplink.SnapshotEvery - time.Minute))
	s.work(t, 1)
	s.caughtUp(t)               // not a day yet: no snapshot
	dayBefore := s.st.LastSeq() // the last event before the day is up
	s.clock.Add(int64(time.Minute))
	s.work(t, 2)
	s.caughtUp(t)
	last := s.st.LastSeq()
	got := stream(t, conn, map[string]uint64{"bj-01": last})["bj-01"]
	var seqs []string
	var snaps []shop.GroupMessage
	events := 0
	for _, m := range got {
		if m.Snapshot {
			snaps = append(snaps, m)
			seqs = append(seqs, fmt.Sprintf("snap@%d/%s", m.Seq, m.Epoch))
		} else {
			events++
			seqs = append(seqs, fmt.Sprint(m.Seq))
		}
	}
	if len(snaps) != 2 || snaps[1].Seq < dayBefore || snaps[1].Epoch != snaps[0].Epoch {
		t.Fatalf("the stream %v: want the link's snapshot and, a day on, one at or after event %d, in the same epoch", seqs, dayBefore)
	}
	// Every event after the first snapshot is there once, in order.
	exactlyOnce(t, "bj-01", got, 2, last)
	if events != int(last-snaps[0].Seq) {
		t.Errorf("the stream %v: %d events, want %d", seqs, events, last-snaps[0].Seq)
	}
}

// A store that does nothing for days sends a snapshot a day all the
// same, woken by no commit: the stream lets messages go after the group's
// --keep-days, and a group process started later must find one to begin
// the store from. Each day's has the same event number and is kept.
func TestAQuietStoreSendsItsSnapshotADayToo(t *testing.T) {
	srv, conn := startGroup(t)
	s := openStore(t, filepath.Join(t.TempDir(), "bj.db"))
	s.link(t, srv.URL(), "bj-01")
	s.work(t, 3)
	published := s.caughtUp(t).Published
	last := s.st.LastSeq()
	var days []time.Time
	for day := 1; day <= 2; day++ {
		s.clock.Add(int64(grouplink.SnapshotEvery))
		days = append(days, s.now())
		deadline := time.Now().Add(30 * time.Second)
		for s.pub.Status().Published < published+uint64(day) {
			if time.Now().After(deadline) {
				t.Fatalf("day %d: the quiet store sent nothing: %+v", day, s.pub.Status())
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	// The stream is read until it holds the three (a reader stops at the
	// first message at the store's last event: the first day's snapshot).
	var snaps []shop.GroupMessage
	for deadline := time.Now().Add(30 * time.Second); len(snaps) < 3 && time.Now().Before(deadline); {
		snaps = nil
		for _, m := range stream(t, conn, map[string]uint64{"bj-01": last})["bj-01"] {
			if m.Snapshot {
				snaps = append(snaps, m)
			}
		}
	}
	if len(snaps) != 3 {
		t.Fatalf("the stream holds %d snapshots, want the link's and one a day for two days: %+v", len(snaps), snaps)
	}
	for i, m := range snaps[1:] {
		if m.Seq != last || m.Epoch != snaps[0].Epoch || !m.At.Equal(days[i]) {
			t.Errorf("day %d's snapshot at event %d, epoch %s, %v; want %d, %s, %v", i+1, m.Seq, m.Epoch, m.At, last, snaps[0].Epoch, days[i])
		}
	}
}
