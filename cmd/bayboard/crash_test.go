package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"bayboard/internal/store"
)

// child is the real bayboard binary running as another process.
type child struct {
	cmd *exec.Cmd
	url string
	out *syncBuffer
}

func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "bayboard")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

func startChild(t *testing.T, bin, data string) *child {
	t.Helper()
	c := &child{cmd: exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--data", data, "--log-level", "warn"), out: &syncBuffer{}}
	stdout, _ := c.cmd.StdoutPipe()
	c.cmd.Stderr = c.out
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
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

// signInAsAdmin uses the password a new shop prints once and makes an API
// token with it.
func signInAsAdmin(t *testing.T, c *child) string {
	t.Helper()
	out := c.out.String()
	i := strings.Index(out, "password: ")
	if i < 0 {
		t.Fatalf("no first password in:\n%s", out)
	}
	pw := strings.Fields(out[i+len("password: "):])[0]
	body, _ := json.Marshal(map[string]string{"login": "admin", "password": pw})
	resp, err := http.Post(c.url+"/api/v1/session", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var in struct{ CSRF string }
	json.NewDecoder(resp.Body).Decode(&in)
	resp.Body.Close()
	req, _ := http.NewRequest("POST", c.url+"/api/v1/tokens", strings.NewReader(`{"name":"crash test"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", in.CSRF)
	for _, ck := range resp.Cookies() {
		req.AddCookie(ck)
	}
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tok struct{ Token string }
	json.NewDecoder(resp.Body).Decode(&tok)
	if tok.Token == "" {
		t.Fatalf("no token: %d", resp.StatusCode)
	}
	return tok.Token
}

// TestAcknowledgedChangesSurviveSIGKILL runs the real binary under write
// load, kills it without warning, and checks that every change it
// acknowledged is in the file and that the file is sound.
func TestAcknowledgedChangesSurviveSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test builds and runs the binary")
	}
	bin := buildBinary(t)
	data := filepath.Join(t.TempDir(), "shop.db")
	c := startChild(t, bin, data)
	token := signInAsAdmin(t, c)

	var mu sync.Mutex
	var acked []string
	stop := make(chan struct{})
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 5 * time.Second}
	for w := 0; w < 16; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
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
					mu.Lock()
					acked = append(acked, name)
					mu.Unlock()
				}
			}
		}(w)
	}
	time.Sleep(1500 * time.Millisecond)
	if err := c.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	c.cmd.Wait()
	close(stop)
	wg.Wait()
	if len(acked) < 50 {
		t.Fatalf("only %d changes acknowledged before the kill: the load did not run", len(acked))
	}

	// The killed server's file opens, starts a server again, and holds
	// every acknowledged change.
	again := startChild(t, bin, data)
	if resp, err := http.Get(again.url + "/healthz"); err != nil || resp.StatusCode != 200 {
		t.Fatalf("restarted server unhealthy: %v", err)
	}
	again.cmd.Process.Signal(syscall.SIGTERM)
	if err := again.cmd.Wait(); err != nil {
		t.Fatalf("graceful stop: %v\n%s", err, again.out.String())
	}
	st, err := store.Open(data)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Check(); err != nil {
		t.Fatalf("consistency check: %v", err)
	}
	state, err := st.Load(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, cu := range state.Customers {
		have[cu.Name] = true
	}
	lost := 0
	for _, name := range acked {
		if !have[name] {
			lost++
		}
	}
	if lost > 0 {
		t.Fatalf("%d of %d acknowledged changes lost", lost, len(acked))
	}
	t.Logf("%d acknowledged changes, all present after SIGKILL; %d in the file", len(acked), len(state.Customers))
}
