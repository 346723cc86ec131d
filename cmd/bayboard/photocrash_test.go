package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"bayboard/internal/imaging/imagingtest"
	"bayboard/internal/photos"
	"bayboard/internal/shop"
	"bayboard/internal/store"
)

// api sends a JSON command to the child with the manager's token and
// returns the event's subject.
func apiCommand(t *testing.T, c *child, token, body string) string {
	t.Helper()
	req, _ := http.NewRequest("POST", c.url+"/api/v1/commands", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Event shop.Event `json:"event"`
	}
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || json.Unmarshal(raw, &out) != nil {
		t.Fatalf("%s: %d %s", body, resp.StatusCode, raw)
	}
	return out.Event.Subject
}

// receptionJobs opens n jobs, each in reception, on cars of one customer.
func receptionJobs(t *testing.T, c *child, token string, n int) []string {
	t.Helper()
	cu := apiCommand(t, c, token, `{"type":"put_customer","customer":{"name":"张先生","phone":"13812345678"}}`)
	var jobs []string
	for i := range n {
		ve := apiCommand(t, c, token, fmt.Sprintf(`{"type":"put_vehicle","vehicle":{"customer_id":%q,"plate":"京A%05d","model":"Sonata"}}`, cu, 10000+i))
		promised := time.Now().Add(6 * time.Hour).UTC().Format(time.RFC3339)
		jobs = append(jobs, apiCommand(t, c, token, fmt.Sprintf(`{"type":"open_job","customer_id":%q,"vehicle_id":%q,"requests":"保养","promised_at":%q}`, cu, ve, promised)))
	}
	return jobs
}

// TestNoJobPointsAtAMissingPhotoAfterSIGKILL runs the real binary while
// clients upload photos, kills it without warning, and checks that every
// photo any job refers to has its file (and its thumbnail), that every
// acknowledged upload is on its job, and that the restarted server's
// start-up check finds nothing missing.
func TestNoJobPointsAtAMissingPhotoAfterSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test builds and runs the binary")
	}
	bin := buildBinary(t)
	data := filepath.Join(t.TempDir(), "shop.db")
	c, token := startNewShop(t, bin, data)
	const clients = 6
	jobs := receptionJobs(t, c, token, clients)

	// Each client uploads distinct walk-around photos to its own job, as
	// fast as the server answers, until the kill.
	var (
		mu      sync.Mutex
		acked   = map[string]string{} // photo id → job
		reached = make(chan struct{})
		wg      sync.WaitGroup
		once    sync.Once
	)
	client := &http.Client{Timeout: 30 * time.Second}
	for w := range clients {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < shop.MaxWalkAroundPhotos; i++ {
				body := imagingtest.PhoneJPEG(400+w*30+i, 300, 6, true)
				req, _ := http.NewRequest("POST", c.url+"/api/v1/jobs/"+jobs[w]+"/photos?kind=walk_around&position=front", bytes.NewReader(body))
				req.Header.Set("Content-Type", "image/jpeg")
				req.Header.Set("Authorization", "Bearer "+token)
				resp, err := client.Do(req)
				if err != nil {
					return // the server is gone
				}
				raw, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusCreated {
					t.Errorf("upload: %d %s", resp.StatusCode, raw)
					return
				}
				var p shop.Photo
				json.Unmarshal(raw, &p)
				mu.Lock()
				acked[p.ID] = jobs[w]
				if len(acked) == 20 {
					once.Do(func() { close(reached) })
				}
				mu.Unlock()
			}
		}(w)
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-reached:
	case <-done:
		t.Fatalf("the uploads stopped before 20 were acknowledged:\n%s", c.out.String())
	}
	// The clients are still uploading: the kill lands in the middle.
	if err := c.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	c.cmd.Wait()
	<-done

	// The data file and the photo directory as the killed server left them.
	st, err := store.Open(data)
	if err != nil {
		t.Fatal(err)
	}
	dir := photos.Dir(data)
	ps, err := photos.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	onJobs := map[string]string{}
	err = st.JobPhotos(func(jobID string, list []shop.Photo) error {
		for _, p := range list {
			onJobs[p.ID] = jobID
			for _, thumb := range []bool{false, true} {
				f, err := ps.Open(p.ID, thumb)
				if err != nil {
					t.Errorf("job %s refers to photo %s (thumbnail %v), whose file is missing: %v", jobID, p.ID, thumb, err)
					continue
				}
				f.Close()
			}
		}
		return nil
	})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	for id, job := range acked {
		if onJobs[id] != job {
			t.Errorf("acknowledged photo %s is not on job %s", id, job)
		}
	}
	t.Logf("%d uploads acknowledged; %d photos on the jobs, every file present after SIGKILL", len(acked), len(onJobs))
	mu.Unlock()

	// The restarted server's start-up check finds no photo missing.
	again := startChild(t, bin, data)
	resp, err := http.Get(again.url + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	var h struct {
		Photos struct {
			Orphans int      `json:"orphans"`
			Missing []string `json:"missing"`
		} `json:"photos"`
	}
	json.NewDecoder(resp.Body).Decode(&h)
	resp.Body.Close()
	if len(h.Photos.Missing) != 0 {
		t.Errorf("the start-up check finds photos missing: %v", h.Photos.Missing)
	}
	t.Logf("the start-up check: %d orphans (uploads stored but not yet attached at the kill), none missing", h.Photos.Orphans)
	again.cmd.Process.Signal(syscall.SIGTERM)
	if err := again.cmd.Wait(); err != nil {
		t.Fatalf("graceful stop: %v\n%s", err, again.out.String())
	}
}
