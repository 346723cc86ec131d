package web

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"bayboard/internal/shop"
	"bayboard/kiosk"
)

func lastPart(url string) string { return url[strings.LastIndex(url, "/")+1:] }

// A technician scans their badge and the bay code, then the job code.
func TestKioskScans(t *testing.T) {
	ts := newTestShop(t)
	adv := ts.tokens[shop.RoleAdvisor]
	for _, cmd := range []string{
		`{"type":"submit","job_id":"20261123-0001"}`,
		`{"type":"dispatch","job_id":"20261123-0001","team_id":"team-1","tech_ids":["tech-1"],"bay_id":"bay-1"}`,
	} {
		if r := ts.call(t, nil, "POST", "/api/v1/commands", adv, cmd); r.status != 200 {
			t.Fatalf("%s: %d %s", cmd, r.status, r.body)
		}
	}
	urls := kiosk.URLs{Base: "http://shop", Tokens: ts.qr}
	client := cookieClient()
	badge := lastPart(urls.Badge(ts.eng.State().Users[ts.users[shop.RoleTechnician]]))
	if r := ts.call(t, client, "POST", "/api/v1/session", "", map[string]string{"badge_token": badge, "pin": "9999"}); r.status != 401 {
		t.Errorf("badge with a wrong PIN: %d", r.status)
	}
	if r := ts.call(t, client, "POST", "/api/v1/session", "", map[string]string{"badge_token": lastPart(urls.Bay("bay-1")), "pin": "2468"}); r.status != 403 {
		t.Errorf("a bay code as a badge: %d", r.status)
	}
	r := ts.call(t, client, "POST", "/api/v1/session", "", map[string]string{"badge_token": badge, "pin": "2468"})
	if r.status != 200 {
		t.Fatalf("badge sign-in: %d %s", r.status, r.body)
	}
	bay := ts.call(t, client, "GET", "/api/v1/kiosk/bay/"+lastPart(urls.Bay("bay-1")), "", nil)
	var got struct {
		Job   shop.JobStatus   `json:"job"`
		Queue []shop.JobStatus `json:"queue"`
	}
	json.Unmarshal(bay.body, &got)
	if bay.status != 200 || got.Job.Job == nil || got.Job.Job.ID != "20261123-0001" || len(got.Queue) != 1 {
		t.Fatalf("bay page: %d %s", bay.status, bay.body)
	}
	job := ts.call(t, client, "GET", "/api/v1/kiosk/job/"+lastPart(urls.Job("20261123-0001")), "", nil)
	if job.status != 200 || !strings.Contains(string(job.body), `"moves":["in_progress","waiting_dispatch","cancelled"]`) {
		t.Errorf("job page: %d %s", job.status, job.body)
	}
	if r := ts.call(t, client, "GET", "/api/v1/kiosk/job/"+lastPart(urls.Bay("bay-1")), "", nil); r.status != http.StatusForbidden {
		t.Errorf("a bay code as a job code: %d", r.status)
	}
}
