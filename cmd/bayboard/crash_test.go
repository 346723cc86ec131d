package main

import (
	"bufio"
	"bytes"
	"debug/elf"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"bayboard/internal/livetest"
	"bayboard/internal/photos"
	"bayboard/internal/shop"
	"bayboard/internal/store"
)

// child is the real bayboard binary running as another process.
type child struct {
	cmd *exec.Cmd
	url string
	out *syncBuffer
}

// builtVersion is stamped into the binary the tests build, to show the
// stamp reaches `bayboard version`.
const builtVersion = "test-build-stamp"

// built is the binary the process tests share: one build per test run, by
// .ci/build.sh, as CI and the Dockerfile build it.
var built struct {
	once sync.Once
	dir  string
	path string
	err  error
}

func buildBinary(t *testing.T) string {
	t.Helper()
	built.once.Do(func() {
		if built.dir, built.err = os.MkdirTemp("", "bayboard-test"); built.err != nil {
			return
		}
		built.path = filepath.Join(built.dir, "bayboard")
		build := exec.Command("bash", ".ci/build.sh", built.path)
		build.Dir = filepath.Join("..", "..")
		build.Env = append(os.Environ(), "VERSION="+builtVersion)
		if out, err := build.CombinedOutput(); err != nil {
			built.err = fmt.Errorf("build: %v\n%s", err, out)
		}
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.path
}

func TestMain(m *testing.M) {
	// livetest.Run also ends the Chromium the browser tests share.
	code := livetest.Run(m)
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
	os.Exit(code)
}

func startChild(t *testing.T, bin, data string) *child {
	t.Helper()
	c := &child{cmd: exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--data", data, "--log-level", "warn", "--command-rate", "0"), out: &syncBuffer{}}
	stdout, _ := c.cmd.StdoutPipe()
	c.cmd.Stderr = c.out
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// A test that does not end its child itself leaves no server running.
	t.Cleanup(func() {
		if c.cmd.ProcessState == nil {
			c.cmd.Process.Kill()
			c.cmd.Wait()
		}
	})
	lines := make(chan string, 64)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			c.out.Write([]byte(sc.Text() + "\n"))
			lines <- sc.Text()
		}
		close(lines)
	}()
	timeout := time.After(30 * time.Second)
	for c.url == "" {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("child exited:\n%s", c.out.String())
			}
			if i := strings.Index(l, "serving on "); i >= 0 {
				c.url = strings.Fields(l[i+len("serving on "):])[0]
			}
		case <-timeout:
			t.Fatalf("child did not start:\n%s", c.out.String())
		}
	}
	go func() {
		for range lines {
		}
	}()
	return c
}

// The binary as it ships is static (the distroless image has no C library
// to load) and says its stamped version. A long test (the build, from a
// cold cache in CI): it runs with BAYBOARD_LONG=1.
func TestTheShippedBuildIsStaticAndStamped(t *testing.T) {
	livetest.Long(t)
	bin := buildBinary(t)
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Errorf("the binary asks for a dynamic loader: not static")
		}
	}
	if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
		t.Errorf("the binary needs %v", libs)
	}
	out, err := exec.Command(bin, "version").Output()
	if err != nil || strings.TrimSpace(string(out)) != "bayboard "+builtVersion {
		t.Errorf("version: %q %v", out, err)
	}
}

// firstPassword is the manager's password a new shop printed once.
func firstPassword(t *testing.T, c *child) string {
	t.Helper()
	out := c.out.String()
	i := strings.Index(out, "password: ")
	if i < 0 {
		t.Fatalf("no first password in:\n%s", out)
	}
	return strings.Fields(out[i+len("password: "):])[0]
}

// adminPassword is the password the manager sets at the first sign-in,
// in place of the printed one.
const adminPassword = "the manager's own password"

// signInAsAdmin signs in as the manager with a password, sets their own
// password (adminPassword) when the server asks for it, and makes an API
// token with the session.
// startNewShop starts the binary on a new data file and signs the first
// manager in with the password it printed: the server and an API token.
func startNewShop(t *testing.T, bin, data string) (*child, string) {
	t.Helper()
	c := startChild(t, bin, data)
	return c, signInAsAdmin(t, c.url, firstPassword(t, c))
}

func signInAsAdmin(t *testing.T, url, password string) string {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"login": "admin", "password": password})
	resp, err := http.Post(url+"/api/v1/session", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var in struct {
		CSRF string
		User struct {
			MustChangePassword bool `json:"must_change_password"`
		}
	}
	json.NewDecoder(resp.Body).Decode(&in)
	resp.Body.Close()
	send := func(path, body string) *http.Response {
		req, _ := http.NewRequest("POST", url+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-CSRF-Token", in.CSRF)
		for _, ck := range resp.Cookies() {
			req.AddCookie(ck)
		}
		out, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	if in.User.MustChangePassword {
		change, _ := json.Marshal(map[string]string{"old": password, "new": adminPassword, "new_again": adminPassword})
		if r := send("/api/v1/me/password", string(change)); r.StatusCode != http.StatusNoContent {
			t.Fatalf("the first password change: %d", r.StatusCode)
		}
	}
	resp = send("/api/v1/tokens", `{"name":"crash test"}`)
	defer resp.Body.Close()
	var tok struct{ Token string }
	json.NewDecoder(resp.Body).Decode(&tok)
	if tok.Token == "" {
		t.Fatalf("no token: %d", resp.StatusCode)
	}
	return tok.Token
}

// writeLoad is clients adding customers through the API as fast as the
// server answers, each remembering the names it was told are stored.
type writeLoad struct {
	mu      sync.Mutex
	acked   []string
	reached chan struct{} // closed once enough changes are acknowledged
	gone    chan struct{} // closed once every client has stopped
	stop    chan struct{}
	once    sync.Once
}

func startLoad(c *child, token string, clients, enough int) *writeLoad {
	l := &writeLoad{reached: make(chan struct{}), gone: make(chan struct{}), stop: make(chan struct{})}
	client := &http.Client{Timeout: 30 * time.Second}
	var wg sync.WaitGroup
	for w := 0; w < clients; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-l.stop:
					return
				default:
				}
				name := fmt.Sprintf("客户%d-%d", w, i)
				body := fmt.Sprintf(`{"type":"put_customer","customer":{"name":%q,"phone":"13800000000"}}`, name)
				req, _ := http.NewRequest("POST", c.url+"/api/v1/commands", strings.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+token)
				resp, err := client.Do(req)
				if err != nil {
					return // the server is gone
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode == 200 {
					l.mu.Lock()
					l.acked = append(l.acked, name)
					if len(l.acked) == enough {
						close(l.reached)
					}
					l.mu.Unlock()
				}
			}
		}(w)
	}
	go func() { wg.Wait(); close(l.gone) }()
	return l
}

// waitFor returns once enough changes are acknowledged; it fails the test
// if every client stopped before that.
func (l *writeLoad) waitFor(t *testing.T, c *child) {
	t.Helper()
	select {
	case <-l.reached:
	case <-l.gone:
		t.Fatalf("the clients stopped after %d acknowledged changes:\n%s", len(l.ackedNow()), c.out.String())
	}
}

func (l *writeLoad) ackedNow() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.acked...)
}

func (l *writeLoad) end() []string {
	l.once.Do(func() { close(l.stop) })
	<-l.gone
	return l.ackedNow()
}

// customersIn opens a data file no server holds, runs bbolt's consistency
// check over it, and returns the customers' names. It fails the test unless
// each customer has the event that created it and each such event its
// customer: state and history are written in one transaction.
func customersIn(t *testing.T, path string) map[string]bool {
	t.Helper()
	st, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Check(); err != nil {
		t.Fatalf("consistency check of %s: %v", path, err)
	}
	state, _, err := st.Load(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	created := map[string]bool{}
	err = st.Events(time.Time{}, time.Now().AddDate(10, 0, 0), func(ev shop.Event) error {
		if ev.Type == "put_customer" {
			created[ev.Subject] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for id, cu := range state.Customers {
		names[cu.Name] = true
		if !created[id] {
			t.Errorf("customer %s has no event", id)
		}
	}
	if len(created) != len(state.Customers) {
		t.Errorf("%d put_customer events, %d customers", len(created), len(state.Customers))
	}
	return names
}

func missing(acked []string, have map[string]bool) int {
	n := 0
	for _, name := range acked {
		if !have[name] {
			n++
		}
	}
	return n
}

// TestAcknowledgedChangesSurviveSIGKILL runs the real binary under write
// load, kills it without warning, and checks that every change it
// acknowledged is in the file, that the file is sound, and that the server
// starts on it again.
func TestAcknowledgedChangesSurviveSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test builds and runs the binary")
	}
	bin := buildBinary(t)
	data := filepath.Join(t.TempDir(), "shop.db")
	c, token := startNewShop(t, bin, data)

	load := startLoad(c, token, 16, 300)
	load.waitFor(t, c)
	// The clients are still writing: the kill lands in the middle of it.
	if err := c.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	c.cmd.Wait()
	acked := load.end()

	// The file as the killed server left it, before anything opens it again.
	have := customersIn(t, data)
	if lost := missing(acked, have); lost > 0 {
		t.Fatalf("%d of %d acknowledged changes lost", lost, len(acked))
	}
	t.Logf("%d acknowledged changes, all present after SIGKILL; %d in the file", len(acked), len(have))

	// A server starts on it again, healthy as the container's HEALTHCHECK
	// asks (no --url: the port comes from BAYBOARD_ADDR), and stops cleanly.
	again := startChild(t, bin, data)
	health := exec.Command(bin, "health")
	health.Env = append(os.Environ(), "BAYBOARD_ADDR="+strings.TrimPrefix(again.url, "http://"), "BAYBOARD_URL=")
	if out, err := health.CombinedOutput(); err != nil || !strings.Contains(string(out), `"status":"ok"`) {
		t.Errorf("bayboard health on the restarted server: %v\n%s", err, out)
	}
	if strings.Contains(again.out.String(), "password:") {
		t.Errorf("the restarted shop made a new manager:\n%s", again.out.String())
	}
	again.cmd.Process.Signal(syscall.SIGTERM)
	if err := again.cmd.Wait(); err != nil {
		t.Fatalf("graceful stop: %v\n%s", err, again.out.String())
	}
	if lost := missing(acked, customersIn(t, data)); lost > 0 {
		t.Fatalf("%d acknowledged changes lost after the restart", lost)
	}
}

// TestHotBackupWhileServingRestores takes a backup with `bayboard backup
// --url` from a server under write load, and restores it with `bayboard
// restore` into a file a new server starts on. Meanwhile a second server,
// a file backup and a restore over the served file are each refused.
func TestHotBackupWhileServingRestores(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildBinary(t)
	dir := t.TempDir()
	data := filepath.Join(dir, "shop.db")
	c, token := startNewShop(t, bin, data)
	load := startLoad(c, token, 4, 100)
	load.waitFor(t, c)
	// The photos beside the data file are streamed in the same archive.
	photo := bytes.Repeat([]byte("the cracked windscreen "), 4000)
	photoID := writePhoto(t, data, photo)

	// Everything acknowledged before the backup starts is in it.
	before := load.ackedNow()
	backupFile := filepath.Join(dir, "backup.tar")
	if out, err := exec.Command(bin, "backup", "--url", c.url, "--token", token, "--out", backupFile).CombinedOutput(); err != nil {
		t.Fatalf("hot backup: %v\n%s", err, out)
	}

	refused := []struct {
		name string
		args []string
		says string
	}{
		{"a second server", []string{"serve", "--addr", "127.0.0.1:0", "--data", data}, "in use by another process"},
		{"a backup from the file", []string{"backup", "--data", data, "--out", filepath.Join(dir, "cold.db")}, "--url and --token"},
		{"a restore over the served file", []string{"restore", "--data", data, backupFile}, "stop the server"},
	}
	for _, r := range refused {
		out, err := exec.Command(bin, r.args...).CombinedOutput()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != 1 || !strings.Contains(string(out), r.says) {
			t.Errorf("%s: %v\n%s", r.name, err, out)
		}
	}
	load.end()
	c.cmd.Process.Signal(syscall.SIGTERM)
	if err := c.cmd.Wait(); err != nil {
		t.Fatalf("graceful stop: %v\n%s", err, c.out.String())
	}

	restored := filepath.Join(dir, "restored.db")
	if out, err := exec.Command(bin, "restore", "--data", restored, backupFile).CombinedOutput(); err != nil {
		t.Fatalf("restore: %v\n%s", err, out)
	}
	if lost := missing(before, customersIn(t, restored)); lost > 0 {
		t.Fatalf("%d of %d changes acknowledged before the backup are not in it", lost, len(before))
	}
	if got, err := os.ReadFile(photos.Path(photos.Dir(restored), photoID, false)); err != nil || !bytes.Equal(got, photo) {
		t.Errorf("the photo after a hot backup and a restore: %v", err)
	}
	// The restored file is a working shop: its manager signs in with the
	// password they set in place of the printed one, and no new manager is
	// made.
	back := startChild(t, bin, restored)
	if strings.Contains(back.out.String(), "password:") {
		t.Errorf("the restored shop made a new manager:\n%s", back.out.String())
	}
	signInAsAdmin(t, back.url, adminPassword)
	back.cmd.Process.Signal(syscall.SIGTERM)
	if err := back.cmd.Wait(); err != nil {
		t.Fatalf("graceful stop of the restored server: %v\n%s", err, back.out.String())
	}
}
