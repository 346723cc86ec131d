package server

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"bayboard/internal/jetstream"
	"bayboard/internal/jetstream/natstest"
	"bayboard/internal/shop"
	"bayboard/internal/store"
)

// The assembled server publishes while its link is active, and a server
// closed and a new one started on the same file resume from the file's
// cursor: no second snapshot, every event once.
func TestAServerRestartedResumesTheGroupLinkFromItsCursor(t *testing.T) {
	group := natstest.Start(t)
	conn, err := jetstream.Connect(context.Background(), jetstream.Config{URLs: group.URL()})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := conn.EnsureStream(context.Background(), jetstream.Stream{Replicas: 1}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "shop.db")
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	sys := shop.Actor{System: true}
	run := func(first bool, bays int) uint64 {
		st, err := store.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		state, err := Load(st, now, quiet)
		if err != nil {
			t.Fatal(err)
		}
		srv, err := New(st, state, func() time.Time { return now }, Options{Logger: quiet, GroupLinkBackoff: 10 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		defer srv.Close()
		if first {
			if _, err := srv.Engine.Do(context.Background(), sys, &shop.PutGroupLink{Link: shop.GroupLink{URLs: group.URL(), StoreID: "bj-01", Active: true}}); err != nil {
				t.Fatal(err)
			}
		}
		for i := range bays {
			if _, err := srv.Engine.Do(context.Background(), sys, &shop.PutBay{Bay: shop.Bay{Name: fmt.Sprintf("%v-%d", first, i), Kind: shop.BayGeneral, Active: true}}); err != nil {
				t.Fatal(err)
			}
		}
		deadline := time.Now().Add(30 * time.Second)
		for {
			s := srv.GroupLink.Status()
			if s.Connected && s.Backlog == 0 && s.Cursor == st.LastSeq() {
				return s.Cursor
			}
			if time.Now().After(deadline) {
				t.Fatalf("never caught up: %+v", s)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	run(true, 5)
	last := run(false, 4)

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var ms []shop.GroupMessage
	done := make(chan struct{})
	go conn.Consume(ctx, "check", func(d jetstream.Delivery) error {
		var m shop.GroupMessage
		if err := json.Unmarshal(d.Data, &m); err != nil {
			return err
		}
		ms = append(ms, m)
		if m.Seq == last && !m.Snapshot {
			close(done)
		}
		return nil
	})
	select {
	case <-done:
	case <-ctx.Done():
		t.Fatalf("the stream never reached event %d: %d messages", last, len(ms))
	}
	// The snapshot holds what was committed when it was taken (the link,
	// maybe a bay or two); every event after it follows once, in order,
	// across the restart.
	snap := ms[0]
	if !snap.Snapshot || snap.Seq == 0 || snap.Seq > 6 {
		t.Fatalf("first message: snapshot %v at %d", snap.Snapshot, snap.Seq)
	}
	for i, m := range ms[1:] {
		if want := snap.Seq + uint64(i) + 1; m.Snapshot || m.Seq != want {
			t.Fatalf("message %d: snapshot %v seq %d, want event %d", i+1, m.Snapshot, m.Seq, want)
		}
	}
	if got := uint64(len(ms)); got != last-snap.Seq+1 {
		t.Errorf("%d messages for events %d..%d after the snapshot", got, snap.Seq+1, last)
	}
}
