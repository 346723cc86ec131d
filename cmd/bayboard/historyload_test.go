package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"bayboard/internal/livetest"
	"bayboard/internal/shop"
	"bayboard/internal/store"
)

// TestFourClientsReadALongHistory is the load figure of docs/BENCHMARKS.md:
// the real binary serves a job whose history is 100,000 events, four
// clients read it at once, and the server's resident memory is read from
// /proc before and at its peak. A long test: BAYBOARD_LONG=1.
func TestFourClientsReadALongHistory(t *testing.T) {
	livetest.Long(t)
	bin := buildBinary(t)
	data := filepath.Join(t.TempDir(), "shop.db")
	c, token := startNewShop(t, bin, data)
	c.cmd.Process.Signal(syscall.SIGTERM)
	c.cmd.Wait()

	// The history is written straight to the file, in batches, while no
	// server holds it.
	const job, events = "20261123-0001", 100_000
	st, err := store.Open(data)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	for done := 0; done < events; {
		batch := make([]shop.Event, 0, 2000)
		for ; done < events && len(batch) < cap(batch); done++ {
			batch = append(batch, shop.Event{At: at, Actor: "user-1", Type: "update_estimate", Subject: job, JobID: job,
				Data: json.RawMessage(fmt.Sprintf(`{"type":"update_estimate","job_id":%q,"requests":"保养 %d","labour":[{"name":"更换机油机滤","sold_hours":0.5,"price":12000}]}`, job, done))})
		}
		if _, err := st.Commit(nil, batch); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()
	info, _ := os.Stat(data)

	c = startChild(t, bin, data)
	defer func() { c.cmd.Process.Signal(syscall.SIGTERM); c.cmd.Wait() }()
	get := func() (int64, error) {
		req, _ := http.NewRequest("GET", c.url+"/api/v1/jobs/"+job+"/history", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		if resp.StatusCode != 200 {
			return 0, fmt.Errorf("status %d", resp.StatusCode)
		}
		return io.Copy(io.Discard, resp.Body)
	}
	// One read first, so that what the server keeps after any read (its
	// pools, the file's pages in its mapping) counts as at rest.
	size, err := get()
	if err != nil {
		t.Fatal(err)
	}
	rest := procStatus(t, c.cmd.Process.Pid, "VmRSS")
	before := procStatus(t, c.cmd.Process.Pid, "VmHWM")
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			if n, err := get(); err != nil || n != size {
				t.Errorf("a client read %d bytes of %d: %v", n, size, err)
			}
		})
	}
	wg.Wait()
	peak := procStatus(t, c.cmd.Process.Pid, "VmHWM")
	t.Logf("history of %d events, %.1f MB as JSON, data file %.1f MB; RSS at rest %.1f MB, peak before the four reads %.1f MB, peak during them %.1f MB",
		events, float64(size)/1e6, float64(info.Size())/1e6, rest/1024, before/1024, peak/1024)
	// The answer is several times the memory the server may take for it.
	if grew := (peak - rest) * 1024; grew > float64(size) {
		t.Errorf("the server's peak memory grew by %.1f MB over rest for four reads of a %.1f MB history: not bounded", grew/1e6, float64(size)/1e6)
	}
}

// procStatus reads a figure in kB from /proc/{pid}/status.
func procStatus(t *testing.T, pid int, field string) float64 {
	t.Helper()
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(raw), "\n") {
		if rest, ok := strings.CutPrefix(l, field+":"); ok {
			v, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return v
		}
	}
	t.Fatalf("no %s in /proc/%d/status", field, pid)
	return 0
}
