package board_test

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"bayboard/board"
	"bayboard/internal/access"
	"bayboard/internal/demo"
	"bayboard/internal/engine"
	"bayboard/internal/shop"
	"bayboard/internal/store"
)

// demoShop is the demo shop on a temporary store, its engine on a fake
// clock starting at the demo's morning.
type demoShop struct {
	eng   *engine.Engine
	clock *demo.Clock
	store *store.Store
}

func newDemoShop(t testing.TB) *demoShop {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "demo.db"))
	if err != nil {
		t.Fatal(err)
	}
	clock := demo.NewClock(time.Date(2026, 11, 23, 9, 30, 0, 0, demo.Location()), 0)
	state, _, err := st.Load(clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if state, err = demo.Seed(st, state, clock.Now(), access.NewHasher(1_000)); err != nil {
		t.Fatal(err)
	}
	eng := engine.New(st, state, clock.Now)
	t.Cleanup(func() { eng.Close(); st.Close() })
	return &demoShop{eng: eng, clock: clock, store: st}
}

// hubOn starts a hub on the shop, subscribed to its commits and running
// until the test ends.
func hubOn(t testing.TB, ds *demoShop, opts board.Options) *board.Hub {
	t.Helper()
	h := board.New(ds.eng, opts)
	ds.eng.Subscribe(func(c engine.Change) { h.Changed(c.State, c.Events) })
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); h.Run(ctx) }()
	t.Cleanup(func() {
		closing, stop := context.WithTimeout(context.Background(), 5*time.Second)
		defer stop()
		h.Close(closing)
		cancel()
		<-done
	})
	return h
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

var manager = shop.Actor{UserID: demo.ManagerID, Roles: []shop.Role{shop.RoleManager}}

// someJob returns an open job of the demo shop in a stage.
func someJob(t testing.TB, st *shop.State, stage shop.Stage) *shop.Job {
	t.Helper()
	for _, j := range st.OpenJobs() {
		if j.Stage == stage {
			return j
		}
	}
	t.Fatalf("no job in stage %s", stage)
	return nil
}

// noLeaks fails the test if goroutines started during it outlive it. It
// must be called first, so that its check runs after every other cleanup.
func noLeaks(t *testing.T) {
	t.Helper()
	before := runtime.NumGoroutine()
	t.Cleanup(func() {
		deadline := time.Now().Add(5 * time.Second)
		for {
			n := runtime.NumGoroutine()
			if n <= before {
				return
			}
			if time.Now().After(deadline) {
				buf := make([]byte, 1<<20)
				buf = buf[:runtime.Stack(buf, true)]
				t.Errorf("%d goroutines before the test, %d after:\n%s", before, n, relevant(string(buf)))
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
}

// relevant keeps the stacks that mention this module.
func relevant(stacks string) string {
	var out []string
	for _, g := range strings.Split(stacks, "\n\n") {
		if strings.Contains(g, "bayboard/") || strings.Contains(g, "websocket") {
			out = append(out, g)
		}
	}
	return strings.Join(out, "\n\n")
}
