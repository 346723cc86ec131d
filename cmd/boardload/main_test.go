package main

import (
	"context"
	"strings"
	"testing"

	"bayboard/internal/livetest"
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
	livetest.Long(t)
	ls := livetest.Start(t, livetest.Options{Demo: true})
	env := map[string]string{"BAYBOARD_URL": ls.URL(""), "BAYBOARD_TOKEN": ls.Token}
	for _, args := range [][]string{
		// Two screens of each of the six views, and a second of changes:
		// enough for every figure the tool prints to have rows (the run
		// sleeps five seconds of its own to measure idle screens), and a
		// tenth of the tool's defaults at most.
		{"latency", "--screens", "12", "--rate", "20", "--duration", "1s"},
		{"latency", "--screens", "12", "--rate", "10", "--duration", "1s", "--kiosk"},
		{"cycles", "--cycles", "60", "--parallel", "10"},
	} {
		var out, errs strings.Builder
		if code := run(context.Background(), args, func(k string) string { return env[k] }, &out, &errs); code != 0 {
			t.Fatalf("%v: exit %d\n%s%s", args, code, out.String(), errs.String())
		}
		t.Logf("%v:\n%s", args, out.String())
		if !strings.Contains(out.String(), "| ") {
			t.Errorf("%v printed no result row:\n%s", args, out.String())
		}
		if args[0] == "latency" && !strings.Contains(out.String(), "every workshop/advisor screen") {
			t.Errorf("%v printed no whole-shop latency:\n%s", args, out.String())
		}
	}
}
