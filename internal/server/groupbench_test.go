package server

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"bayboard/internal/demo"
	"bayboard/internal/engine"
	"bayboard/internal/jetstream"
	"bayboard/internal/jetstream/natstest"
)

// BenchmarkAGroupFollowsItsStores runs BAYBOARD_BENCH_STORES demo stores
// (20 by default) with their group links to one NATS server and a group
// process consuming them; each iteration is one simulated minute of every
// store. It reports the events the group applied per second, the latency
// from a store's commit to the group's having applied it (and told its
// wall), p50 and p99, and the heap the group process added; then the
// stores work an hour with their links paused and the rate at which the
// group applies their backlog once they resume.
//
//	go test -run '^$' -bench AGroupFollowsItsStores -benchtime 60x ./internal/server/
func BenchmarkAGroupFollowsItsStores(b *testing.B) {
	n := benchStores(20)
	nats := natstest.Start(b)
	clk := demo.NewClock(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC), 0)
	ctx := context.Background()
	var mu sync.Mutex
	committed := map[string]time.Time{} // "store:seq" → when its commit was published
	stores := make([]*groupStore, n)
	for i := range stores {
		s := newGroupStore(b, fmt.Sprintf("s-%03d", i), fmt.Sprintf("门店 %d", i), nats.URL(), clk)
		s.srv.Engine.Subscribe(func(c engine.Change) {
			now := time.Now()
			mu.Lock()
			for _, ev := range c.Events {
				committed[s.id+":"+strconv.FormatUint(ev.Seq, 10)] = now
			}
			mu.Unlock()
		})
		stores[i] = s
	}
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	g := startGroup(b, filepath.Join(b.TempDir(), "group.db"), nats.URL(), "group-bench", clk)
	var latencies []time.Duration
	applied := 0
	tap := func(d jetstream.Delivery) {
		key, snapshot := messageKey(d)
		now := time.Now()
		mu.Lock()
		defer mu.Unlock()
		applied++
		if at, ok := committed[key]; ok && !snapshot {
			latencies = append(latencies, now.Sub(at))
		}
	}
	g.tap.Store(&tap)
	for _, s := range stores {
		s.link(b, true)
	}
	for _, s := range stores {
		s.waitPublished(b)
	}
	g.caughtUp(b, stores...)
	mu.Lock()
	latencies, applied = nil, 0
	mu.Unlock()

	b.ResetTimer()
	start := time.Now()
	for range b.N {
		clk.Advance(time.Minute)
		for _, s := range stores {
			s.sim.Step(ctx)
		}
	}
	for _, s := range stores {
		s.waitPublished(b)
	}
	g.caughtUp(b, stores...)
	elapsed := time.Since(start)
	b.StopTimer()

	// Catching up: the stores work an hour with their links paused (an
	// outage), then resume; the group applies their backlog as fast as it
	// can.
	for _, s := range stores {
		s.link(b, false)
	}
	for range 60 {
		clk.Advance(time.Minute)
		for _, s := range stores {
			s.sim.Step(ctx)
		}
	}
	mu.Lock()
	live, liveLatencies := applied, slices.Clone(latencies)
	mu.Unlock()
	resumed := time.Now()
	for _, s := range stores {
		s.link(b, true)
	}
	for _, s := range stores {
		s.waitPublished(b)
	}
	g.caughtUp(b, stores...)
	catchUp := time.Since(resumed)
	runtime.GC()
	runtime.ReadMemStats(&after)
	mu.Lock()
	defer mu.Unlock()
	b.ReportMetric(float64(applied-live)/catchUp.Seconds(), "catchup-applied/s")
	applied, latencies = live, liveLatencies
	slices.Sort(latencies)
	if len(latencies) > 0 {
		b.ReportMetric(float64(latencies[len(latencies)/2].Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(latencies[len(latencies)*99/100].Microseconds())/1000, "p99-ms")
	}
	b.ReportMetric(float64(applied)/elapsed.Seconds(), "applied/s")
	b.ReportMetric(float64(applied), "events")
	b.ReportMetric(float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))/(1<<20), "group-heap-MB")
	b.ReportMetric(0, "ns/op")
}

// benchStores is BAYBOARD_BENCH_STORES, or n when it is not set.
func benchStores(n int) int {
	if v, err := strconv.Atoi(os.Getenv("BAYBOARD_BENCH_STORES")); err == nil && v > 0 {
		return v
	}
	return n
}

// messageKey is a delivery's store and event number ("bj-01:42"), as a
// benchmark's commits are noted, and whether it is a snapshot.
func messageKey(d jetstream.Delivery) (key string, snapshot bool) {
	var m struct {
		Store    string `json:"store"`
		Seq      uint64 `json:"seq"`
		Snapshot bool   `json:"snapshot"`
	}
	json.Unmarshal(d.Data, &m)
	return m.Store + ":" + strconv.FormatUint(m.Seq, 10), m.Snapshot
}

// waitPublished waits until the store's active link has published every
// event.
func (s *groupStore) waitPublished(t testing.TB) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		st := s.srv.GroupLink.Status()
		if st.Backlog == 0 && st.Cursor > 0 && st.Cursor == s.st.LastSeq() {
			s.sent = st.Cursor
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s's link did not publish: %+v", s.id, st)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
