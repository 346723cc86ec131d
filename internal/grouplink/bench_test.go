package grouplink_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"bayboard/internal/engine"
	"bayboard/internal/grouplink"
	"bayboard/internal/jetstream"
	"bayboard/internal/jetstream/natstest"
	"bayboard/internal/shop"
	"bayboard/internal/store"
)

// BenchmarkPublish is events a second a store publishes to a local NATS
// server: b.N events already in the log, published from a fresh link (a
// snapshot, then batches of 500, each acked before the cursor advances).
func BenchmarkPublish(b *testing.B) {
	srv := natstest.Start(b)
	ensureStream(b, srv.URL())
	st, err := store.Open(filepath.Join(b.TempDir(), "shop.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	state, _, _ := st.Load(time.Now())
	eng := engine.New(st, state, time.Now)
	defer eng.Close()
	ctx := context.Background()
	for i := range b.N {
		if _, err := eng.Do(ctx, manager, &shop.PutBay{Bay: shop.Bay{Name: fmt.Sprintf("%d号工位", i+1), Kind: shop.BayGeneral, Active: true}}); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := eng.Do(ctx, manager, &shop.PutGroupLink{Link: shop.GroupLink{URLs: srv.URL(), StoreID: "bench", Active: true}}); err != nil {
		b.Fatal(err)
	}
	// The link's event is the snapshot's; the b.N bays go again as events
	// from a cursor put back before them, as after a long outage.
	if err := st.SetGroupCursor(store.GroupCursor{StoreID: "bench", URLs: srv.URL(), Seq: 0, Snapshot: 0}); err != nil {
		b.Fatal(err)
	}
	pub := grouplink.New(grouplink.Config{Store: st, State: eng.State})
	last := st.LastSeq()
	b.ResetTimer()
	start := time.Now()
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); pub.Run(rctx) }()
	for pub.Status().Cursor != last {
		time.Sleep(time.Millisecond)
	}
	elapsed := time.Since(start)
	b.StopTimer()
	cancel()
	<-done
	b.ReportMetric(float64(last)/elapsed.Seconds(), "events/s")
}

// BenchmarkFloorCommandWithTheGroupLink is the latency of a command the
// floor gives with no link, with an active link to a server that is up
// (publishing as it goes), and with one whose server is down.
func BenchmarkFloorCommandWithTheGroupLink(b *testing.B) {
	for _, link := range []string{"none", "up", "down"} {
		b.Run(link, func(b *testing.B) {
			st, err := store.Open(filepath.Join(b.TempDir(), "shop.db"))
			if err != nil {
				b.Fatal(err)
			}
			defer st.Close()
			state, _, _ := st.Load(time.Now())
			eng := engine.New(st, state, time.Now)
			defer eng.Close()
			ctx := context.Background()
			pub := grouplink.New(grouplink.Config{Store: st, State: eng.State})
			eng.Subscribe(func(engine.Change) { pub.Notify() })
			rctx, cancel := context.WithCancel(ctx)
			done := make(chan struct{})
			go func() { defer close(done); pub.Run(rctx) }()
			defer func() { cancel(); <-done }()
			if link != "none" {
				srv := natstest.Start(b)
				ensureStream(b, srv.URL())
				if link == "down" {
					srv.Stop()
				}
				if _, err := eng.Do(ctx, manager, &shop.PutGroupLink{Link: shop.GroupLink{URLs: srv.URL(), StoreID: "bench", Active: true}}); err != nil {
					b.Fatal(err)
				}
			}
			lat := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for i := range b.N {
				t0 := time.Now()
				if _, err := eng.Do(ctx, manager, &shop.PutBay{Bay: shop.Bay{Name: fmt.Sprintf("%d号工位", i+1), Kind: shop.BayGeneral, Active: true}}); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(t0))
			}
			b.StopTimer()
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
			if link == "up" {
				b.ReportMetric(float64(pub.Status().Published), "published")
			}
		})
	}
}

func ensureStream(b *testing.B, url string) {
	b.Helper()
	conn, err := jetstream.Connect(context.Background(), jetstream.Config{URLs: url})
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	if err := conn.EnsureStream(context.Background(), jetstream.Stream{Replicas: 1}); err != nil {
		b.Fatal(err)
	}
}
