package main

import (
	"context"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"bayboard/assets"
	"bayboard/board"
	"bayboard/internal/demo"
	"bayboard/internal/engine"
	"bayboard/internal/store"
	"bayboard/internal/web"
)

func TestLastEventReadsTheNewestEnvelope(t *testing.T) {
	cases := []struct {
		msg  string
		want uint64
	}{
		{`{"type":"beat","epoch":"e","seq":0,"data":{}}`, 0},
		{`{"type":"change","view":"workshop","epoch":"e","seq":4,"event":812,"data":{}}`, 812},
		{`{"type":"beat","epoch":"e","seq":0,"data":{}}` + "\n" + `{"type":"change","view":"workshop","epoch":"e","seq":5,"event":813,"data":{}}`, 813},
		{`{"type":"change","seq":5,"event":9,"data":{}}` + "\n" + `{"type":"change","seq":6,"event":12,"data":{}}` + "\n", 12},
	}
	for _, c := range cases {
		if got := lastEvent([]byte(c.msg)); got != c.want {
			t.Errorf("lastEvent(%.60s…) = %d, want %d", c.msg, got, c.want)
		}
	}
}

func TestUsage(t *testing.T) {
	var out, errs strings.Builder
	if code := run(context.Background(), []string{"fly"}, func(string) string { return "" }, &out, &errs); code != 2 || !strings.Contains(errs.String(), "usage") {
		t.Errorf("exit %d: %s", code, errs.String())
	}
}

// A short run of both modes against the demo shop in this process.
func TestAShortLoadRun(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server and tens of screens")
	}
	st, err := store.Open(filepath.Join(t.TempDir(), "demo.db"))
	if err != nil {
		t.Fatal(err)
	}
	clock := demo.NewClock(time.Now(), 1)
	state, _ := st.Load(clock.Now())
	if state, err = demo.Seed(st, state, clock.Now()); err != nil {
		t.Fatal(err)
	}
	eng := engine.New(st, state, clock.Now)
	hub := board.New(eng, board.Options{})
	eng.Subscribe(func(c engine.Change) { hub.Changed(c.State, c.Events) })
	ctx, cancel := context.WithCancel(context.Background())
	go hub.Run(ctx)
	token, err := web.IssueToken(st, demo.ManagerID, "load test", clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	boards, err := web.Boards(hub, assets.Pages())
	if err != nil {
		t.Fatal(err)
	}
	deps := web.Deps{Engine: eng, Auth: st, Backup: st, History: st}
	deps.Extra = append(deps.Extra, boards)
	srv := web.New(deps, web.Options{Demo: true})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	defer func() {
		closing, stop := context.WithTimeout(context.Background(), 5*time.Second)
		defer stop()
		srv.Shutdown(closing)
		hub.Close(closing)
		cancel()
		eng.Close()
		st.Close()
	}()
	env := map[string]string{"BAYBOARD_URL": "http://" + ln.Addr().String(), "BAYBOARD_TOKEN": token}
	for _, args := range [][]string{
		{"latency", "--screens", "24", "--rate", "20", "--duration", "2s"},
		{"cycles", "--cycles", "200", "--parallel", "10"},
	} {
		var out, errs strings.Builder
		if code := run(context.Background(), args, func(k string) string { return env[k] }, &out, &errs); code != 0 {
			t.Fatalf("%v: exit %d\n%s%s", args, code, out.String(), errs.String())
		}
		t.Logf("%v:\n%s", args, out.String())
		if !strings.Contains(out.String(), "| ") {
			t.Errorf("%v printed no result row:\n%s", args, out.String())
		}
	}
}
