package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"bayboard/internal/demo"
	"bayboard/internal/store"
)

func runArgs(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	code := run(ctx, args, func(k string) string { return env[k] }, &out, &errb)
	return code, out.String(), errb.String()
}

func TestRun(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "shop.db")
	held, err := store.Open(filepath.Join(dir, "held.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	cases := []struct {
		name   string
		args   []string
		env    map[string]string
		code   int
		stdout string
		stderr string
	}{
		{"no command", nil, nil, 2, "", "Usage:"},
		{"version", []string{"version"}, nil, 0, "bayboard ", ""},
		{"help", []string{"help"}, nil, 0, "bayboard serve", ""},
		{"unknown command", []string{"fly"}, nil, 2, "", `unknown command "fly"`},
		{"bad flag", []string{"serve", "--colour"}, nil, 2, "", "flag provided but not defined"},
		{"bad speed", []string{"serve", "--demo", "--speed", "0"}, nil, 2, "", "--speed"},
		{"bad command rate", []string{"serve", "--command-rate", "-1"}, nil, 2, "", "--command-rate"},
		{"bad command rate from the environment", []string{"serve"}, map[string]string{"BAYBOARD_COMMAND_RATE": "fast"}, 2, "", "--command-rate"},
		{"stray argument", []string{"serve", "now"}, nil, 2, "", "unexpected arguments"},
		{"data file in use", []string{"serve", "--addr", "127.0.0.1:0"}, map[string]string{"BAYBOARD_DATA": held.Path()}, 1, "", "in use by another process"},
		{"backup needs --out", []string{"backup", "--data", data}, nil, 2, "", "--out is required"},
		{"backup of a missing file", []string{"backup", "--data", filepath.Join(dir, "typo.db"), "--out", filepath.Join(dir, "b.db")}, nil, 1, "", "no data file to back up"},
		{"backup of a file in use", []string{"backup", "--data", held.Path(), "--out", filepath.Join(dir, "b.db")}, nil, 1, "", "--url and --token"},
		{"restore needs a file", []string{"restore", "--data", data}, nil, 2, "", "name one backup file"},
		{"restore from nothing", []string{"restore", "--data", data, filepath.Join(dir, "missing.db")}, nil, 1, "", "no such file"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errs := runArgs(t, c.env, c.args...)
			if code != c.code || !strings.Contains(out, c.stdout) || !strings.Contains(errs, c.stderr) {
				t.Errorf("exit %d (want %d)\nstdout: %s\nstderr: %s", code, c.code, out, errs)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "typo.db")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a backup of a missing file created it: %v", err)
	}
}

// bayboard health, the container's HEALTHCHECK, asks the server where
// BAYBOARD_ADDR says it listens.
func TestHealthURLFollowsTheListenAddress(t *testing.T) {
	for addr, want := range map[string]string{
		":8080":             "http://127.0.0.1:8080",
		"0.0.0.0:9000":      "http://127.0.0.1:9000",
		"[::]:9000":         "http://127.0.0.1:9000",
		"192.168.1.10:8080": "http://192.168.1.10:8080",
		"[::1]:8080":        "http://[::1]:8080",
		"nonsense":          "http://127.0.0.1:8080",
	} {
		if got := healthURL(addr); got != want {
			t.Errorf("healthURL(%q) = %q, want %q", addr, got, want)
		}
	}
}

// A new shop creates its manager once, with a random password; a second
// start does not.
func TestFirstStartCreatesTheManagerOnce(t *testing.T) {
	data := filepath.Join(t.TempDir(), "shop.db")
	serveBriefly := func() string {
		var out, errb syncBuffer
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan int)
		go func() {
			done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--data", data}, func(string) string { return "" }, &out, &errb)
		}()
		deadline := time.Now().Add(20 * time.Second)
		for !strings.Contains(out.String(), "serving on") && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		cancel()
		if code := <-done; code != 0 {
			t.Fatalf("serve exited %d: %s", code, errb.String())
		}
		return out.String()
	}
	first := serveBriefly()
	if !strings.Contains(first, "login:    admin") || !strings.Contains(first, "password: ") {
		t.Fatalf("first start output:\n%s", first)
	}
	// The pages are named with the address served, as the demo names them.
	served := strings.Fields(strings.SplitN(first, "serving on ", 2)[1])[0]
	for _, page := range []string{"/admin", "/desk", "/board"} {
		if !strings.Contains(first, "  "+served+page+" ") {
			t.Errorf("the first start does not name %s%s:\n%s", served, page, first)
		}
	}
	pw := strings.TrimSpace(strings.SplitN(strings.SplitN(first, "password: ", 2)[1], "\n", 2)[0])
	if len(pw) < 16 || pw == "admin" {
		t.Errorf("password %q is guessable", pw)
	}
	// The printed password is known to whoever saw the console: the
	// manager must set their own at the first sign-in.
	db, err := store.Open(data)
	if err != nil {
		t.Fatal(err)
	}
	state, _, err := db.Load(time.Now())
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	if admin := state.UserByLogin("admin"); admin == nil || !admin.MustChangePassword {
		t.Errorf("the first manager is not asked for a new password: %+v", admin)
	}
	if second := serveBriefly(); strings.Contains(second, "password:") {
		t.Errorf("second start printed a password again:\n%s", second)
	}
	// The file can be backed up and restored from the command line.
	dir := filepath.Dir(data)
	backupFile := filepath.Join(dir, "backup.db")
	if code, out, errs := runArgs(t, nil, "backup", "--data", data, "--out", backupFile); code != 0 || !strings.Contains(out, "backup written") {
		t.Fatalf("backup: %d %s %s", code, out, errs)
	}
	os.Remove(data)
	if code, out, errs := runArgs(t, nil, "restore", "--data", data, backupFile); code != 0 || !strings.Contains(out, "restored") {
		t.Fatalf("restore: %d %s %s", code, out, errs)
	}
	if second := serveBriefly(); strings.Contains(second, "password:") {
		t.Errorf("the restored shop lost its manager:\n%s", second)
	}
	if code, _, errs := runArgs(t, nil, "health", "--url", "http://127.0.0.1:1"); code != 1 || !strings.Contains(errs, "refused") {
		t.Errorf("health of nothing: %d %s", code, errs)
	}
}

// syncBuffer is a buffer a test may read while the server writes to it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// The demo says where its pages are, and the bay kiosk link it prints
// opens that bay's page.
func TestTheDemoPrintsItsPages(t *testing.T) {
	data := filepath.Join(t.TempDir(), "demo.db")
	var out, errb syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"serve", "--demo", "--addr", "127.0.0.1:0", "--data", data, "--log-level", "warn"}, func(string) string { return "" }, &out, &errb)
	}()
	defer func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("serve exited %d: %s", code, errb.String())
		}
	}()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(out.String(), "API token") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	text := out.String()
	for _, want := range []string{"/desk (advisors)", "/admin (manager)", "/board (the TVs)", "/k/parts", "badge B1002"} {
		if !strings.Contains(text, want) {
			t.Errorf("the demo's printout lacks %q:\n%s", want, text)
		}
	}
	// Every printed sign-in signs in, as the printout says, and the
	// printed token opens the API.
	base := text[strings.Index(text, "http://"):]
	base = strings.Fields(base)[0]
	tried := 0
	for _, line := range strings.Split(text[strings.Index(text, "Sign in at"):strings.Index(text, "Pages:")], "\n")[1:] {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		tried++
		body := fmt.Sprintf(`{"login":%q,"password":"demo-password"}`, f[0])
		if f[0] == "badge" {
			body = fmt.Sprintf(`{"badge":%q,"pin":"1234"}`, f[1])
		}
		res, err := http.Post(base+"/api/v1/session", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Errorf("the printed sign-in %q: %d", strings.TrimSpace(line), res.StatusCode)
		}
	}
	if tried != len(demo.SignIns) || tried < 10 {
		t.Errorf("%d sign-ins tried of %d printed", tried, len(demo.SignIns))
	}
	token := strings.TrimSpace(text[strings.Index(text, "Authorization: Bearer …):")+len("Authorization: Bearer …):"):])
	req, _ := http.NewRequest("GET", base+"/api/v1/jobs", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != http.StatusOK {
		t.Errorf("the printed token %q: %v %v", token, res, err)
	} else {
		res.Body.Close()
	}
	i := strings.Index(text, "/k/bay/")
	if i < 0 {
		t.Fatalf("no bay kiosk link:\n%s", text)
	}
	start := strings.LastIndex(text[:i], "http://")
	link := strings.Fields(text[start:])[0]
	res, err := http.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("%s: %d", link, res.StatusCode)
	}
}

// A flag wins over its environment variable, and the demo keeps to its own
// file whatever BAYBOARD_DATA names: that is the real shop's.
func TestServeConfigFromFlagsAndEnvironment(t *testing.T) {
	env := map[string]string{"BAYBOARD_ADDR": ":9000", "BAYBOARD_DATA": "/srv/shop.db"}
	cases := []struct {
		name       string
		args       []string
		env        map[string]string
		addr, data string
	}{
		{"defaults", nil, nil, DefaultAddr, DefaultData},
		{"demo defaults", []string{"--demo"}, nil, DefaultAddr, DefaultDemoData},
		{"environment", nil, env, ":9000", "/srv/shop.db"},
		{"flags win", []string{"--addr", ":9001", "--data", "other.db"}, env, ":9001", "other.db"},
		{"the demo ignores BAYBOARD_DATA", []string{"--demo"}, env, ":9000", DefaultDemoData},
		{"the demo takes --data", []string{"--demo", "--data", "mine.db"}, env, ":9000", "mine.db"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := serveConfig(c.args, func(k string) string { return c.env[k] }, &bytes.Buffer{})
			if err != nil || cfg.Addr != c.addr || cfg.Data != c.data {
				t.Errorf("addr %q data %q (%v); want %q %q", cfg.Addr, cfg.Data, err, c.addr, c.data)
			}
		})
	}
}

// The demo rebuilds its file at each start; named a real shop's file by
// mistake, it refuses and the shop's data stays as it was.
func TestTheDemoNeverReplacesARealShop(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shop.db")
	real, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	secret := real.Secret()
	real.Close()
	code, _, errs := runArgs(t, nil, "serve", "--demo", "--addr", "127.0.0.1:0", "--data", path)
	if code != 2 || !strings.Contains(errs, "not a demo shop's file") {
		t.Fatalf("exit %d: %s", code, errs)
	}
	again, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if !bytes.Equal(again.Secret(), secret) {
		t.Errorf("the real shop's file was replaced")
	}
	// The demo's own file, marked as such, is cleared for a fresh day.
	demoPath := filepath.Join(t.TempDir(), "demo.db")
	demo, err := store.Open(demoPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := demo.MarkDemo(); err != nil {
		t.Fatal(err)
	}
	demo.Close()
	if err := removeDemoFile(demoPath); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(demoPath); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the demo's old file is still there: %v", err)
	}
}

// A demo file a running bayboard holds is not pulled from under it, even
// at the demo's own default path.
func TestASecondDemoLeavesTheRunningDemosFile(t *testing.T) {
	t.Chdir(t.TempDir())
	held, err := store.Open(DefaultDemoData)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	held.MarkDemo()
	secret := held.Secret()
	before, _ := os.Stat(DefaultDemoData)

	code, out, errs := runArgs(t, nil, "serve", "--demo", "--addr", "127.0.0.1:0")
	if code == 0 || !strings.Contains(errs, "another bayboard") {
		t.Errorf("a second demo on a held file: exit %d, %s", code, errs)
	}
	if strings.Contains(out, "DEMO SHOP") {
		t.Errorf("the second demo started:\n%s", out)
	}
	after, err := os.Stat(DefaultDemoData)
	if err != nil || !os.SameFile(before, after) || !bytes.Equal(held.Secret(), secret) {
		t.Errorf("the running demo's file was replaced: %v", err)
	}
}

// A busy port stops a new shop's first start before its one-time password
// is shown and its manager made, so the next start shows one.
func TestABusyPortStopsTheFirstStartBeforeThePassword(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	data := filepath.Join(t.TempDir(), "shop.db")
	code, out, errs := runArgs(t, nil, "serve", "--addr", busy.Addr().String(), "--data", data)
	if code == 0 || !strings.Contains(errs, "listen on") {
		t.Fatalf("serve on a busy port: exit %d, %s", code, errs)
	}
	if strings.Contains(out, "password") {
		t.Errorf("the password was shown before the start failed:\n%s", out)
	}
	if _, err := os.Stat(data); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the data file was made before the start failed: %v", err)
	}
}
