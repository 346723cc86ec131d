package server

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"bayboard/internal/demo"
	"bayboard/internal/engine"
	"bayboard/internal/jetstream"
	"bayboard/internal/jetstream/natstest"
	"bayboard/internal/shop"
)

// BenchmarkAGroupsWholeDay runs BAYBOARD_BENCH_STORES demo stores (100 by
// default), each a full assembled server with its group link to one NATS
// server, and one group process, through a whole simulated day: every
// store's simulator from the shop's opening to its closing, a simulated
// minute at a time, all stores stepping together as fast as they go, and
// the day's end (the technicians clock off, tomorrow is prepared).
// BAYBOARD_BENCH_HOURS stops the day after that many hours from opening,
// and BAYBOARD_BENCH_FROM starts it that many hours after opening (the
// stores' day up to then is worked unmeasured, links paused).
//
// Per simulated hour it logs the events the stores' links published (from
// their cursors) and the group applied, per second of wall time; the
// latency from a store's commit to the group's having applied it, p50 and
// p99; the live heap after a GC (the whole test process: stores, NATS and
// group) and the heap the group process added since before it started; and
// the process's VmRSS. At the end: the group's bbolt file, the stream's
// bytes and messages. Meanwhile a probe gives a fixed floor command
// (put_bay on one bay) alternately to s-000, one of the publishing stores,
// and to one more store worked by the simulator like the rest that has
// never had a link: the command's latency with and without the group link
// under the same load at the same moments. BAYBOARD_BENCH_PROFILES names a
// directory for a heap profile at each hour.
//
//	BAYBOARD_BENCH_STORES=100 go test -run '^$' -bench AGroupsWholeDay -benchtime 1x -timeout 60m -v ./internal/server/
func BenchmarkAGroupsWholeDay(b *testing.B) {
	n := benchStores(100)
	maxHours := envInt("BAYBOARD_BENCH_HOURS", 0)
	fromHour := envInt("BAYBOARD_BENCH_FROM", 0)
	profiles := os.Getenv("BAYBOARD_BENCH_PROFILES")
	nats := natstest.Start(b)
	clk := demo.NewClock(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC), 0)
	ctx := context.Background()

	type commit struct {
		at   time.Time
		hour int
	}
	var (
		mu        sync.Mutex
		committed = map[string]commit{} // "store:seq" → when its commit was published, in which hour
		latencies = map[int][]time.Duration{}
		hour      atomic.Int64 // the simulated hour of the day being worked; -1 before the day
	)
	hour.Store(-1)
	setupStart := time.Now()
	stores := make([]*groupStore, n)
	for i := range stores {
		s := newGroupStore(b, fmt.Sprintf("s-%03d", i), fmt.Sprintf("门店 %d", i), nats.URL(), clk)
		s.srv.Engine.Subscribe(func(c engine.Change) {
			h := int(hour.Load())
			if h < 0 {
				return
			}
			now := time.Now()
			mu.Lock()
			for _, ev := range c.Events {
				committed[s.id+":"+strconv.FormatUint(ev.Seq, 10)] = commit{now, h}
			}
			mu.Unlock()
		})
		stores[i] = s
	}
	unlinked := newUnlinkedStore(b, "probe", "探针门店", nats.URL(), clk)
	working := append(slices.Clone(stores), unlinked)
	b.Logf("%d stores and an unlinked one seeded in %v", n, time.Since(setupStart).Round(time.Second))

	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	path := filepath.Join(b.TempDir(), "group.db")
	g := startGroup(b, path, nats.URL(), "group-day", clk)
	tap := func(d jetstream.Delivery) {
		key, snapshot := messageKey(d)
		now := time.Now()
		mu.Lock()
		defer mu.Unlock()
		if c, ok := committed[key]; ok {
			delete(committed, key)
			if !snapshot {
				latencies[c.hour] = append(latencies[c.hour], now.Sub(c.at))
			}
		}
	}
	g.tap.Store(&tap)
	for _, s := range stores {
		s.waitPublished(b)
	}
	g.caughtUp(b, stores...)
	b.Logf("the group has every store's snapshot after %v", time.Since(setupStart).Round(time.Second))

	// The seeded morning's shops go home and the day measured is the next
	// one, from its opening: a closer is a simulator on no clock, whose
	// step out of hours only ends the day (the stores share one clock, so
	// no store's simulator may move it over the night for the others).
	sched := stores[0].srv.Engine.State().Settings.Hours.Schedule(demo.Location())
	_, closes, _ := sched.On(clk.Now())
	clk.Advance(closes.Sub(clk.Now()))
	endDay := func() {
		for _, s := range working {
			demo.NewSimulator(s.srv.Engine, nil, quiet).Step(ctx)
		}
	}
	endDay()
	opens := sched.NextOpening(clk.Now())
	clk.Advance(opens.Sub(clk.Now()))
	_, closes, _ = sched.On(opens)
	first, last := opens.Add(time.Duration(fromHour)*time.Hour), closes
	if maxHours > 0 && first.Add(time.Duration(maxHours)*time.Hour).Before(last) {
		last = first.Add(time.Duration(maxHours) * time.Hour)
	}
	if fromHour > 0 {
		// The morning before the measured hours is worked with the links
		// paused, then they resume and catch up before the measure.
		for _, s := range stores {
			s.link(b, false)
		}
		for clk.Now().Before(first) {
			for _, s := range working {
				s.sim.Step(ctx)
			}
			clk.Advance(time.Minute)
		}
		for _, s := range stores {
			s.link(b, true)
		}
	}
	for _, s := range stores {
		s.waitPublished(b)
	}
	g.caughtUp(b, stores...)
	b.Logf("the day measured: %s to %s (opening %s, closing %s)", first.Format("15:04"), last.Format("15:04"),
		opens.Format("15:04"), closes.Format("15:04"))

	// The probe: the same floor command on a linked and an unlinked store,
	// alternately, first one then the other, through the whole day.
	probeBay := func(s *groupStore) string {
		ev, err := s.srv.Engine.Do(ctx, shop.Actor{System: true}, &shop.PutBay{Bay: shop.Bay{Name: "探针工位 probe", Kind: shop.BayGeneral}})
		if err != nil {
			b.Fatal(err)
		}
		return ev.Subject
	}
	probes := []*groupStore{stores[0], unlinked}
	bays := []string{probeBay(stores[0]), probeBay(unlinked)}
	probeLat := [2][]time.Duration{}
	probeCtx, stopProbe := context.WithCancel(ctx)
	defer stopProbe()
	probed := make(chan struct{})
	go func() {
		defer close(probed)
		for i := 0; probeCtx.Err() == nil; i++ {
			for k := range 2 {
				p := (i + k) % 2
				cmd := &shop.PutBay{Bay: shop.Bay{ID: bays[p], Name: fmt.Sprintf("探针工位 probe %d", i), Kind: shop.BayGeneral}}
				t0 := time.Now()
				if _, err := probes[p].srv.Engine.Do(ctx, shop.Actor{System: true}, cmd); err != nil {
					b.Error(err)
					return
				}
				probeLat[p] = append(probeLat[p], time.Since(t0))
			}
			select {
			case <-probeCtx.Done():
			case <-time.After(50 * time.Millisecond):
			}
		}
	}()

	type mark struct {
		wall             time.Time
		published        uint64
		applied          uint64
		heap, added, rss uint64
	}
	cursors := func() uint64 {
		var sum uint64
		for _, s := range stores {
			sum += s.srv.GroupLink.Status().Cursor
		}
		return sum
	}
	measure := func(h int) mark {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		if profiles != "" {
			if f, err := os.Create(filepath.Join(profiles, fmt.Sprintf("heap-%02d.pprof", h))); err == nil {
				pprof.WriteHeapProfile(f)
				f.Close()
			}
		}
		return mark{wall: time.Now(), published: cursors(), applied: g.Applied(), heap: ms.HeapAlloc,
			added: ms.HeapAlloc - min(ms.HeapAlloc, before.HeapAlloc), rss: vmRSS()}
	}
	b.ResetTimer()
	marks := []mark{measure(0)}
	start := marks[0].wall
	for h := 0; clk.Now().Before(last); h++ {
		hour.Store(int64(h))
		end := first.Add(time.Duration(h+1) * time.Hour)
		for clk.Now().Before(end) && clk.Now().Before(last) {
			for _, s := range working {
				s.sim.Step(ctx)
			}
			clk.Advance(time.Minute)
		}
		if !clk.Now().Before(last) {
			// The floor's day is over: the probe stops, so the group
			// can be seen to have every store's last event.
			stopProbe()
			<-probed
			if last.Equal(closes) {
				endDay()
			}
			for _, s := range stores {
				s.waitPublished(b)
			}
			g.caughtUp(b, stores...)
		}
		marks = append(marks, measure(h+1))
	}
	elapsed := time.Since(start)
	b.StopTimer()

	// Each hour's latencies are its commits', read once the day is applied.
	mu.Lock()
	defer mu.Unlock()
	b.Logf("%-13s %8s %8s %10s %10s %8s %8s %9s %9s %9s", "simulated", "wall", "events", "publ/s", "applied/s", "p50", "p99",
		"heap MB", "added MB", "RSS MB")
	for h := 1; h < len(marks); h++ {
		lat := latencies[h-1]
		slices.Sort(lat)
		var p50, p99 time.Duration
		if len(lat) > 0 {
			p50, p99 = lat[len(lat)/2], lat[len(lat)*99/100]
		}
		a, z := marks[h-1], marks[h]
		secs := z.wall.Sub(a.wall).Seconds()
		from := first.Add(time.Duration(h-1) * time.Hour)
		to := from.Add(time.Hour)
		if to.After(last) {
			to = last
		}
		b.Logf("%s–%s %7.1fs %8d %10.0f %10.0f %8s %8s %9.0f %9.0f %9.0f", from.Format("15:04"), to.Format("15:04"), secs,
			z.published-a.published, float64(z.published-a.published)/secs, float64(z.applied-a.applied)/secs,
			p50.Round(100*time.Microsecond), p99.Round(100*time.Microsecond), mb(z.heap), mb(z.added), mb(z.rss))
	}
	var day []time.Duration
	for _, l := range latencies {
		day = append(day, l...)
	}
	left := len(committed)
	slices.Sort(day)
	a, z := marks[0], marks[len(marks)-1]
	info, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	conn, err := jetstream.Connect(ctx, jetstream.Config{URLs: nats.URL()})
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	stream, err := conn.StreamState(ctx)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("the day: %d events published in %v (%.0f/s), %d applied (%.0f/s), %d commits not seen applied (the tap sees every delivery the group handled)", z.published-a.published,
		elapsed.Round(time.Second), float64(z.published-a.published)/elapsed.Seconds(), z.applied-a.applied,
		float64(z.applied-a.applied)/elapsed.Seconds(), left)
	if len(day) > 0 {
		b.Logf("commit to group: p50 %v, p99 %v, max %v over %d events", day[len(day)/2], day[len(day)*99/100], day[len(day)-1], len(day))
	}
	b.Logf("group file %.1f MB; stream %d messages, %.1f MB", mb(uint64(info.Size())), stream.Messages, mb(stream.Bytes))
	for p, name := range []string{"with the group link (s-000)", "never linked (probe)"} {
		l := probeLat[p]
		slices.Sort(l)
		if len(l) > 0 {
			b.Logf("put_bay %s: p50 %v, p99 %v over %d commands", name, l[len(l)/2].Round(10*time.Microsecond),
				l[len(l)*99/100].Round(10*time.Microsecond), len(l))
		}
	}
	b.ReportMetric(float64(z.published-a.published)/elapsed.Seconds(), "published/s")
	b.ReportMetric(float64(z.applied-a.applied)/elapsed.Seconds(), "applied/s")
	if len(day) > 0 {
		b.ReportMetric(float64(day[len(day)/2].Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(day[len(day)*99/100].Microseconds())/1000, "p99-ms")
	}
	b.ReportMetric(mb(z.added), "group-heap-MB")
	b.ReportMetric(0, "ns/op")
}

// envInt is the environment's integer name, or n when it is not set.
func envInt(name string, n int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v >= 0 {
		return v
	}
	return n
}

func mb(n uint64) float64 { return float64(n) / (1 << 20) }

// vmRSS is the process's resident memory (VmRSS in /proc/self/status), 0
// where there is none.
func vmRSS() uint64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}
