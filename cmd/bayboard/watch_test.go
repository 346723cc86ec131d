package main

import (
	"bufio"
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestWatchArguments(t *testing.T) {
	cases := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"no view", []string{"watch"}, 2, "name one view"},
		{"two views", []string{"watch", "lounge", "workshop"}, 2, "name one view"},
		{"unknown view", []string{"watch", "kitchen"}, 2, `no view "kitchen"`},
		{"bad url", []string{"watch", "lounge", "--url", "ftp://x"}, 2, "--url"},
		{"nobody there", []string{"watch", "lounge", "--url", "http://127.0.0.1:1", "--once"}, 0, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.name == "nobody there" {
				// It keeps trying until stopped, and stopping is not an error.
				ctx, cancel := context.WithTimeout(context.Background(), 700*time.Millisecond)
				defer cancel()
				var out, errb strings.Builder
				if code := run(ctx, c.args, func(string) string { return "" }, &out, &errb); code != 0 || !strings.Contains(out.String(), "link down") {
					t.Errorf("exit %d\n%s%s", code, out.String(), errb.String())
				}
				return
			}
			code, out, errs := runArgs(t, nil, c.args...)
			if code != c.code || !strings.Contains(errs, c.stderr) {
				t.Errorf("exit %d (want %d)\nstdout: %s\nstderr: %s", code, c.code, out, errs)
			}
		})
	}
}

// serveInProcess runs `bayboard serve` with args until the test ends and
// returns its address and the lines it printed up to it (with --demo, up
// to the demo's API token).
func serveInProcess(t *testing.T, args ...string) (string, []string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	served := make(chan int, 1)
	args = append([]string{"serve", "--addr", "127.0.0.1:0", "--data", filepath.Join(t.TempDir(), "shop.db"), "--log-level", "error"}, args...)
	go func() {
		served <- run(ctx, args, func(string) string { return "" }, pw, io.Discard)
		pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		<-served
	})
	var url string
	var lines []string
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		line := sc.Text()
		lines = append(lines, line)
		if i := strings.Index(line, "serving on "); i >= 0 {
			url = strings.Fields(line[i+len("serving on "):])[0]
		}
		demo := len(args) > 0 && args[len(args)-1] == "--demo"
		if url != "" && (!demo || len(lines) > 1 && strings.Contains(lines[len(lines)-2], "API token")) {
			break
		}
	}
	go io.Copy(io.Discard, pr)
	if url == "" {
		t.Fatalf("the server did not start: %s", strings.Join(lines, "\n"))
	}
	return url, lines
}

// watch prints the demo shop's lounge, as a summary or as the messages.
func TestWatchPrintsAView(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the demo server")
	}
	url, lines := serveInProcess(t, "--demo")
	token := ""
	for i, l := range lines {
		if strings.Contains(l, "API token") && i+1 < len(lines) {
			token = strings.TrimSpace(lines[i+1])
		}
	}
	env := map[string]string{"BAYBOARD_URL": url, "BAYBOARD_TOKEN": token}
	code, out, errs := runArgs(t, env, "watch", "lounge", "--once")
	if code != 0 || !strings.Contains(out, "lounge: snapshot at seq") || !strings.Contains(out, "cars (") || !strings.Contains(out, "phase=") {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	if strings.Contains(out, "customer") {
		t.Errorf("the lounge feed names a customer:\n%s", out)
	}
	code, out, errs = runArgs(t, env, "watch", "--json", "--once", "workshop")
	if code != 0 || !strings.HasPrefix(out, `{"type":"snapshot","view":"workshop"`) {
		t.Errorf("--json: exit %d\n%.300s%s", code, out, errs)
	}
}

// A real shop's server refuses a feed to a stranger, and watch says so
// instead of retrying for ever.
func TestWatchSaysWhenTheServerRefuses(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server")
	}
	url, _ := serveInProcess(t)
	for _, token := range []string{"", "not-a-token"} {
		code, _, errs := runArgs(t, map[string]string{"BAYBOARD_URL": url, "BAYBOARD_TOKEN": token}, "watch", "workshop")
		if code != 1 || !strings.Contains(errs, "refused the workshop feed (401") {
			t.Errorf("token %q: exit %d, %s", token, code, errs)
		}
	}
}
