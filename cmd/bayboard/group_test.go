package main

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"bayboard/internal/jetstream/natstest"
)

func TestGroupFlagsAreChecked(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no NATS", []string{"group"}, "--nats names"},
		{"too many replicas", []string{"group", "--nats", "nats://127.0.0.1:1", "--replicas", "9"}, "--replicas must be 1 to 5"},
		{"a stream kept one day", []string{"group", "--nats", "nats://127.0.0.1:1", "--keep-days", "1"}, "--keep-days must be 2 to 3650"},
		{"a consumer name NATS refuses", []string{"group", "--nats", "nats://127.0.0.1:1", "--consumer", "a.b"}, "--consumer is"},
		// The secret is never taken on the command line.
		{"a secret on the command line", []string{"group", "--nats", "nats://127.0.0.1:1", "--nats-secret", "s3cret"}, "flag provided but not defined"},
		{"an argument", []string{"group", "--nats", "nats://127.0.0.1:1", "extra"}, "unexpected arguments"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errs := runArgs(t, nil, tc.args...)
			if code != 2 || !strings.Contains(errs, tc.want) {
				t.Errorf("exit %d, want 2 saying %q: %s", code, tc.want, errs)
			}
		})
	}
	if code, _, errs := runArgs(t, nil, "group", "--nats", "nats://127.0.0.1:1", "--addr", "127.0.0.1:0",
		"--data", filepath.Join(t.TempDir(), "g.db"), "--nats-secret-file", filepath.Join(t.TempDir(), "missing")); code != 1 || !strings.Contains(errs, "--nats-secret-file") {
		t.Errorf("a missing secret file: exit %d: %s", code, errs)
	}
}

// The first start of a group makes its director and shows the one-time
// password once, which signs in and must be changed; the secret read from
// its file is never logged.
func TestGroupFirstStartCreatesTheDirectorOnce(t *testing.T) {
	nats := natstest.Start(t)
	dir := t.TempDir()
	data := filepath.Join(dir, "group.db")
	secretFile := filepath.Join(dir, "nats.secret")
	if err := os.WriteFile(secretFile, []byte("s3cret-token-of-the-group\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"BAYBOARD_NATS": nats.URL(), "BAYBOARD_NATS_SECRET_FILE": secretFile}
	start := func(signIn func(url, out string)) (string, string) {
		var out, errb syncBuffer
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan int)
		go func() {
			done <- run(ctx, []string{"group", "--addr", "127.0.0.1:0", "--data", data, "--consumer", "group-test", "--log-level", "debug"},
				func(k string) string { return env[k] }, &out, &errb)
		}()
		deadline := time.Now().Add(20 * time.Second)
		for !strings.Contains(out.String(), "serving on") && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		if !strings.Contains(out.String(), "serving on") {
			cancel()
			<-done
			t.Fatalf("the group did not start: %s %s", out.String(), errb.String())
		}
		url := strings.Fields(strings.SplitN(out.String(), "serving on ", 2)[1])[0]
		if signIn != nil {
			signIn(url, out.String())
		}
		cancel()
		if code := <-done; code != 0 {
			t.Fatalf("group exited %d: %s", code, errb.String())
		}
		return out.String(), errb.String()
	}
	first, logs := start(func(url, out string) {
		if !strings.Contains(out, "login:    director") || !strings.Contains(out, url+"/group/wall") {
			t.Errorf("the first start's printout:\n%s", out)
		}
		pw := strings.TrimSpace(strings.SplitN(strings.SplitN(out, "password: ", 2)[1], "\n", 2)[0])
		res, err := http.Post(url+"/group/api/session", "application/json", strings.NewReader(`{"login":"director","password":"`+pw+`"}`))
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var body strings.Builder
		buf := make([]byte, 4096)
		n, _ := res.Body.Read(buf)
		body.Write(buf[:n])
		if res.StatusCode != http.StatusOK || !strings.Contains(body.String(), `"must_change_password":true`) {
			t.Errorf("the director's first sign-in: %d %s", res.StatusCode, body.String())
		}
	})
	if !strings.Contains(first, "password: ") {
		t.Fatalf("no password on the first start:\n%s", first)
	}
	if strings.Contains(logs, "s3cret") || strings.Contains(first, "s3cret") {
		t.Errorf("the NATS secret was printed:\n%s\n%s", first, logs)
	}
	if second, _ := start(nil); strings.Contains(second, "password:") {
		t.Errorf("the second start printed a password again:\n%s", second)
	}
}
