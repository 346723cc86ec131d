package web

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"bayboard/internal/access"
	"bayboard/internal/shop"
	"bayboard/kiosk"
)

const testJob = "20261123-0001"

// dispatchTestJob makes the test shop's job washable and puts it on bay-1
// with the technician.
func dispatchTestJob(t *testing.T, ts *testShop) {
	t.Helper()
	sys := shop.Actor{System: true}
	for _, c := range []shop.Command{
		&shop.UpdateEstimate{JobID: testJob, Estimate: shop.Estimate{Requests: "保养", PromisedAt: t0.Add(3 * time.Hour), Wash: true,
			Labour: []shop.Labour{{Name: "保养", SoldHours: 1, Price: 20000}}}},
		&shop.Submit{JobRef: shop.JobRef{JobID: testJob}},
		&shop.Dispatch{JobID: testJob, TeamID: "team-1", TechIDs: []string{"tech-1"}, BayID: "bay-1"},
	} {
		if _, err := ts.eng.Do(context.Background(), sys, c); err != nil {
			t.Fatal(err)
		}
	}
}

// A good code opens its page; a forged, altered, wrong-purpose, expired or
// revoked one, or one for something the shop no longer has, gets a 403
// page saying which, and nothing of any job.
func TestKioskPagesRefuseBadCodes(t *testing.T) {
	ts := newTestShop(t)
	urls := kiosk.URLs{Tokens: ts.qr}
	job := ts.eng.State().Jobs[testJob]
	custPath := urls.Customer(job)
	other := kiosk.NewTokens([]byte("another shop's secret, 32 bytes!"))
	jobToken := lastPart(urls.Job(testJob))
	// The revoked link is made before the advisor revokes it, below.
	revoked := custPath
	good := []struct{ path, page string }{
		{urls.Bay("bay-1"), "bay"},
		{urls.Job(testJob), "job"},
		{urls.Badge(ts.eng.State().Users[ts.users[shop.RoleTechnician]]), "badge"},
		{"/k/parts", "parts"},
	}
	for _, g := range good {
		r := ts.call(t, nil, "GET", g.path, "", nil)
		if r.status != 200 || !strings.Contains(string(r.body), `data-page="`+g.page+`"`) {
			t.Errorf("%s: %d %s", g.path, r.status, r.body)
		}
		if cc := r.header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("%s: Cache-Control %q", g.path, cc)
		}
	}
	if _, err := ts.eng.Do(context.Background(), shop.Actor{System: true}, &shop.RevokeCustomerLink{JobRef: shop.JobRef{JobID: testJob}}); err != nil {
		t.Fatal(err)
	}
	fresh := urls.Customer(ts.eng.State().Jobs[testJob])
	if r := ts.call(t, nil, "GET", fresh, "", nil); r.status != 200 || !strings.Contains(string(r.body), `data-page="customer"`) {
		t.Errorf("the customer's new link: %d %s", r.status, r.body)
	}
	bad := []struct{ name, path, reason, say string }{
		{"another shop's job code", "/k/job/" + other.Sign(kiosk.PurposeJob, testJob, time.Time{}, 0), "forged", "not made by this shop"},
		{"an altered job code", "/k/job/" + strings.Replace(jobToken, "0001", "0002", 1), "forged", "not made by this shop"},
		{"garbage", "/k/job/x", "forged", "not made by this shop"},
		{"an over-long code", "/k/bay/" + strings.Repeat("a", 300), "forged", "not made by this shop"},
		{"a bay code as a job code", "/k/job/" + lastPart(urls.Bay("bay-1")), "wrong_purpose", "for something else"},
		{"a job code as a customer link", "/c/" + jobToken, "wrong_purpose", "for something else"},
		{"a customer link as a job code", "/k/job/" + lastPart(fresh), "wrong_purpose", "for something else"},
		{"a job code as a badge", "/k/badge/" + jobToken, "wrong_purpose", "for something else"},
		{"an expired job code", "/k/job/" + ts.qr.Sign(kiosk.PurposeJob, testJob, t0.Add(-time.Minute), 0), "expired", "expired"},
		{"an expired customer link", "/c/" + ts.qr.Sign(kiosk.PurposeCustomer, testJob, t0.Add(-time.Minute), 1), "expired", "expired"},
		{"a revoked customer link", revoked, "revoked", "no longer works"},
		{"a bay the shop no longer has", urls.Bay("bay-99"), "gone", "no longer in the shop"},
		{"a job the shop never had", urls.Job("20261123-0999"), "gone", "no longer in the shop"},
	}
	for _, b := range bad {
		r := ts.call(t, nil, "GET", b.path+"?lang=en", "", nil)
		body := string(r.body)
		if r.status != http.StatusForbidden {
			t.Errorf("%s: status %d", b.name, r.status)
		}
		if !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") || !strings.Contains(body, `data-reason="`+b.reason+`"`) || !strings.Contains(body, b.say) {
			t.Errorf("%s: want a page saying %q (%s):\n%s", b.name, b.say, b.reason, body)
		}
		for _, leak := range []string{testJob, "京A", "Sonata", "张先生"} {
			if strings.Contains(body, leak) {
				t.Errorf("%s: the refusal carries %q", b.name, leak)
			}
		}
	}
	// The refusal speaks the shop's language unless asked.
	r := ts.call(t, nil, "GET", "/k/job/x", "", nil)
	if r.status != http.StatusForbidden || !strings.Contains(string(r.body), "此二维码不是本店生成的") {
		t.Errorf("refusal in zh-CN: %d %s", r.status, r.body)
	}
}

// kioskBody is the command behind a kiosk action, given by a person for
// themselves (their own technician id, or none).
func kioskBody(a kiosk.Action, techID string) string {
	switch a {
	case kiosk.ActionClockOn, kiosk.ActionClockOff:
		return fmt.Sprintf(`{"type":%q,"job_id":%q,"tech_id":%q}`, a, testJob, techID)
	case kiosk.ActionPause:
		return fmt.Sprintf(`{"type":"pause","job_id":%q,"reason":"waiting_parts","parts":[{"description":"机油滤清器","quantity":1}]}`, testJob)
	case kiosk.ActionResume:
		return fmt.Sprintf(`{"type":"resume","job_id":%q}`, testJob)
	case kiosk.ActionFinish:
		return fmt.Sprintf(`{"type":"finish","job_id":%q,"tech_id":%q,"self_check":["work_done"]}`, testJob, techID)
	case kiosk.ActionQCTeam:
		return fmt.Sprintf(`{"type":"qc","job_id":%q,"step":"team","pass":true}`, testJob)
	case kiosk.ActionQCFinal:
		return fmt.Sprintf(`{"type":"qc","job_id":%q,"step":"final","pass":true}`, testJob)
	case kiosk.ActionWashDone:
		return fmt.Sprintf(`{"type":"wash_done","job_id":%q}`, testJob)
	case kiosk.ActionWashStart:
		return fmt.Sprintf(`{"type":"start_wash","job_id":%q}`, testJob)
	}
	panic(a)
}

var allActions = []kiosk.Action{kiosk.ActionClockOn, kiosk.ActionClockOff, kiosk.ActionPause, kiosk.ActionResume,
	kiosk.ActionFinish, kiosk.ActionQCTeam, kiosk.ActionQCFinal, kiosk.ActionWashStart, kiosk.ActionWashDone}

// The job's kiosk page offers each role exactly the actions it may take at
// each step of the job's way through the shop; every action it does not
// offer is refused by the server and changes nothing.
//
// The team check is offered to the technician the team names as its
// leader, who holds only the technician role; the team_leader role alone
// leads no team and is offered no check, nor any other action on the
// team's job: a team's leader acts on the team's jobs.
func TestKioskActionsFollowRolesAndStages(t *testing.T) {
	ts := newTestShop(t)
	dispatchTestJob(t, ts)
	if _, err := ts.eng.Do(context.Background(), shop.Actor{System: true}, &shop.PutTeam{Team: shop.Team{ID: "team-1", Name: "一组", LeaderID: "tech-1"}}); err != nil {
		t.Fatal(err)
	}
	path := "/api/v1/kiosk/job/" + lastPart(kiosk.URLs{Tokens: ts.qr}.Job(testJob))
	none := []kiosk.Action{}
	A := func(a ...kiosk.Action) []kiosk.Action { return a }
	steps := []struct {
		stage shop.Stage
		want  map[shop.Role][]kiosk.Action // roles not named: none
		// then is the action that moves the job on, and who takes it.
		then kiosk.Action
		by   shop.Role
	}{
		{shop.StageDispatched, map[shop.Role][]kiosk.Action{shop.RoleTechnician: A(kiosk.ActionClockOn)}, kiosk.ActionClockOn, shop.RoleTechnician},
		{shop.StageInProgress, map[shop.Role][]kiosk.Action{
			shop.RoleTechnician: A(kiosk.ActionClockOff, kiosk.ActionPause, kiosk.ActionFinish),
			shop.RoleController: A(kiosk.ActionPause), shop.RoleManager: A(kiosk.ActionPause),
		}, kiosk.ActionPause, shop.RoleTechnician},
		// Paused: one way to resume — the technician's clock-on, which
		// resumes the job and starts their clock; resume for the others.
		{shop.StageWaitingParts, map[shop.Role][]kiosk.Action{
			shop.RoleTechnician: A(kiosk.ActionClockOn),
			shop.RoleController: A(kiosk.ActionResume), shop.RoleManager: A(kiosk.ActionResume),
		}, kiosk.ActionClockOn, shop.RoleTechnician},
		{shop.StageInProgress, map[shop.Role][]kiosk.Action{
			shop.RoleTechnician: A(kiosk.ActionClockOff, kiosk.ActionPause, kiosk.ActionFinish),
			shop.RoleController: A(kiosk.ActionPause), shop.RoleManager: A(kiosk.ActionPause),
		}, kiosk.ActionFinish, shop.RoleTechnician},
		{shop.StageQualityCheck, map[shop.Role][]kiosk.Action{
			shop.RoleTechnician: A(kiosk.ActionQCTeam), shop.RoleManager: A(kiosk.ActionQCTeam),
		}, kiosk.ActionQCTeam, shop.RoleTechnician},
		{shop.StageQualityCheck, map[shop.Role][]kiosk.Action{
			shop.RoleQC: A(kiosk.ActionQCFinal), shop.RoleManager: A(kiosk.ActionQCFinal),
		}, kiosk.ActionQCFinal, shop.RoleQC},
		// Waiting for the washer: the wash starts, or is marked done at once.
		{shop.StageWashing, map[shop.Role][]kiosk.Action{
			shop.RoleWasher: A(kiosk.ActionWashStart, kiosk.ActionWashDone), shop.RoleController: A(kiosk.ActionWashStart, kiosk.ActionWashDone),
			shop.RoleManager: A(kiosk.ActionWashStart, kiosk.ActionWashDone),
		}, kiosk.ActionWashStart, shop.RoleWasher},
		{shop.StageWashing, map[shop.Role][]kiosk.Action{
			shop.RoleWasher: A(kiosk.ActionWashDone), shop.RoleController: A(kiosk.ActionWashDone), shop.RoleManager: A(kiosk.ActionWashDone),
		}, kiosk.ActionWashDone, shop.RoleWasher},
	}
	for i, step := range steps {
		if got := ts.eng.State().Jobs[testJob].Stage; got != step.stage {
			t.Fatalf("step %d: the job is %s, want %s", i, got, step.stage)
		}
		for _, role := range shop.Roles {
			want := step.want[role]
			if want == nil {
				want = none
			}
			r := ts.call(t, nil, "GET", path, ts.tokens[role], nil)
			var v struct {
				Actions      []kiosk.Action `json:"actions"`
				TechnicianID string         `json:"technician_id"`
			}
			r.json(t, &v)
			if r.status != 200 || !slices.Equal(v.Actions, want) {
				t.Errorf("step %d (%s), %s: actions %v, want %v", i, step.stage, role, v.Actions, want)
			}
			for _, a := range allActions {
				if slices.Contains(want, a) || a == kiosk.ActionResume && slices.Contains(want, kiosk.ActionClockOn) {
					// Resume is not offered beside clocking on, which
					// resumes too (kiosk.Actions): both are allowed.
					continue
				}
				before := ts.store.LastSeq()
				r := ts.call(t, nil, "POST", "/api/v1/commands", ts.tokens[role], kioskBody(a, v.TechnicianID))
				if r.status < 400 || ts.store.LastSeq() != before {
					t.Errorf("step %d (%s), %s: %s was not offered, yet the server answered %d %s", i, step.stage, role, a, r.status, r.body)
				}
			}
		}
		techID := ""
		if step.by == shop.RoleTechnician {
			techID = "tech-1"
		}
		if r := ts.call(t, nil, "POST", "/api/v1/commands", ts.tokens[step.by], kioskBody(step.then, techID)); r.status != 200 {
			t.Fatalf("step %d: %s by %s: %d %s", i, step.then, step.by, r.status, r.body)
		}
	}
	if got := ts.eng.State().Jobs[testJob].Stage; got != shop.StageReady {
		t.Errorf("after the wash the job is %s", got)
	}
	// The checks name who made them, for the next inspector.
	r := ts.call(t, nil, "GET", path, ts.tokens[shop.RoleQC], nil)
	var v struct {
		Checks []struct {
			Step   shop.QCStep `json:"step"`
			Pass   bool        `json:"pass"`
			ByName string      `json:"by_name"`
		} `json:"checks"`
	}
	r.json(t, &v)
	if len(v.Checks) != 3 || v.Checks[0].ByName != "李师傅" || v.Checks[1].ByName != "technician" || v.Checks[2].Step != shop.QCFinal || !v.Checks[2].Pass {
		t.Errorf("checks: %s", r.body)
	}
}

// The role checks behind the kiosk's buttons, each refused with 403.
func TestKioskActionsRefuseTheWrongRole(t *testing.T) {
	ts := newTestShop(t)
	dispatchTestJob(t, ts)
	cases := []struct {
		role shop.Role
		body string
	}{
		{shop.RoleWasher, kioskBody(kiosk.ActionClockOn, "tech-1")},
		{shop.RoleQC, kioskBody(kiosk.ActionClockOn, "tech-1")},
		{shop.RoleParts, kioskBody(kiosk.ActionPause, "")},
		{shop.RoleAdvisor, kioskBody(kiosk.ActionResume, "")},
		{shop.RoleCashier, kioskBody(kiosk.ActionFinish, "tech-1")},
		{shop.RoleTechnician, kioskBody(kiosk.ActionQCTeam, "")},
		{shop.RoleQC, kioskBody(kiosk.ActionQCTeam, "")},
		{shop.RoleTeamLeader, kioskBody(kiosk.ActionQCFinal, "")},
		{shop.RoleTechnician, kioskBody(kiosk.ActionQCFinal, "")},
		{shop.RoleTechnician, kioskBody(kiosk.ActionWashDone, "")},
		{shop.RoleAdvisor, kioskBody(kiosk.ActionWashDone, "")},
		{shop.RoleTechnician, `{"type":"update_parts","request_id":"pr-1","status":"issued"}`},
		{shop.RoleAdvisor, `{"type":"update_parts","request_id":"pr-1","status":"issued"}`},
	}
	for _, c := range cases {
		before := ts.store.LastSeq()
		r := ts.call(t, nil, "POST", "/api/v1/commands", ts.tokens[c.role], c.body)
		if r.status != http.StatusForbidden || r.problem(t).Code != "forbidden" || ts.store.LastSeq() != before {
			t.Errorf("%s: %s → %d %s", c.role, c.body, r.status, r.body)
		}
	}
	// A technician clocks only for themselves.
	ev, err := ts.eng.Do(context.Background(), shop.Actor{System: true}, &shop.PutTechnician{Technician: shop.Technician{Name: "王师傅", TeamID: "team-1", Active: true}})
	if err != nil {
		t.Fatal(err)
	}
	if r := ts.call(t, nil, "POST", "/api/v1/commands", ts.tokens[shop.RoleTechnician], kioskBody(kiosk.ActionClockOn, ev.Subject)); r.status != http.StatusForbidden {
		t.Errorf("clocking another technician on: %d %s", r.status, r.body)
	}
}

// The bay's kiosk lists the technician's queue with the path of each
// job's page; the job's kiosk names the job clocking on here ends.
func TestKioskBayQueueAndClockingOnElsewhere(t *testing.T) {
	ts := newTestShop(t)
	dispatchTestJob(t, ts)
	urls := kiosk.URLs{Tokens: ts.qr}
	tech := ts.tokens[shop.RoleTechnician]
	r := ts.call(t, nil, "GET", "/api/v1/kiosk/bay/"+lastPart(urls.Bay("bay-1")), tech, nil)
	var bay struct {
		JobPath string `json:"job_path"`
		Queue   []struct {
			Job  *shop.Job `json:"job"`
			Path string    `json:"path"`
		} `json:"queue"`
	}
	r.json(t, &bay)
	if r.status != 200 || len(bay.Queue) != 1 || bay.Queue[0].Path != urls.Job(testJob) || bay.JobPath != urls.Job(testJob) {
		t.Fatalf("bay: %d %s", r.status, r.body)
	}
	if page := ts.call(t, nil, "GET", bay.Queue[0].Path, "", nil); page.status != 200 {
		t.Errorf("the queue's path: %d", page.status)
	}
	// A second job, dispatched to the same technician on another bay.
	sys := shop.Actor{System: true}
	ctx := context.Background()
	for _, c := range []shop.Command{
		&shop.PutBay{Bay: shop.Bay{Name: "2号", Kind: shop.BayGeneral, Active: true}},
		&shop.PutCustomer{Customer: shop.Customer{Name: "刘女士", Phone: "13912345678"}},
		&shop.PutVehicle{Vehicle: shop.Vehicle{CustomerID: "cu-2", Plate: "京B54321", Model: "Tucson"}},
		&shop.OpenJob{CustomerID: "cu-2", VehicleID: "ve-2", Estimate: shop.Estimate{Requests: "洗车", PromisedAt: t0.Add(4 * time.Hour),
			Labour: []shop.Labour{{Name: "检查", SoldHours: 0.5, Price: 5000}}}},
		&shop.Submit{JobRef: shop.JobRef{JobID: "20261123-0002"}},
		&shop.Dispatch{JobID: "20261123-0002", TeamID: "team-1", TechIDs: []string{"tech-1"}, BayID: "bay-2"},
	} {
		if _, err := ts.eng.Do(ctx, sys, c); err != nil {
			t.Fatal(err)
		}
	}
	if r := ts.call(t, nil, "POST", "/api/v1/commands", tech, kioskBody(kiosk.ActionClockOn, "tech-1")); r.status != 200 {
		t.Fatalf("clock on: %d %s", r.status, r.body)
	}
	second := ts.call(t, nil, "GET", "/api/v1/kiosk/job/"+lastPart(urls.Job("20261123-0002")), tech, nil)
	var v struct {
		Elsewhere string `json:"clocked_on_elsewhere"`
		ClockedOn bool   `json:"clocked_on"`
	}
	second.json(t, &v)
	if v.Elsewhere != testJob || v.ClockedOn {
		t.Errorf("second job: %s", second.body)
	}
	body := `{"type":"clock_on","job_id":"20261123-0002","tech_id":"tech-1"}`
	if r := ts.call(t, nil, "POST", "/api/v1/commands", tech, body); r.status != 200 {
		t.Fatalf("clock on the second job: %d %s", r.status, r.body)
	}
	first := ts.eng.State().Jobs[testJob]
	if first.ClockedOn("tech-1") || first.Clock[len(first.Clock)-1].Note != "clocked on 20261123-0002" {
		t.Errorf("the first job's clock: %+v", first.Clock)
	}
}

// The parts counter lists open requests oldest first with their car and
// bay, for the parts clerk; issuing one takes it off the list.
func TestThePartsCounter(t *testing.T) {
	ts := newTestShop(t)
	dispatchTestJob(t, ts)
	tech := ts.tokens[shop.RoleTechnician]
	clerk := ts.tokens[shop.RoleParts]
	for _, body := range []string{
		kioskBody(kiosk.ActionClockOn, "tech-1"),
		`{"type":"pause","job_id":"20261123-0001","reason":"waiting_parts","parts":[{"description":"机油滤清器","number":"26300-35505","quantity":1},{"description":"机油","quantity":4}]}`,
	} {
		if r := ts.call(t, nil, "POST", "/api/v1/commands", tech, body); r.status != 200 {
			t.Fatalf("%s: %d %s", body, r.status, r.body)
		}
	}
	if r := ts.call(t, nil, "GET", "/api/v1/parts-counter", tech, nil); r.status != http.StatusForbidden {
		t.Errorf("a technician at the parts counter: %d", r.status)
	}
	var rows []struct {
		Request     shop.PartsRequest `json:"request"`
		Plate       string            `json:"plate"`
		Bay         string            `json:"bay"`
		JobStage    shop.Stage        `json:"job_stage"`
		RequestedBy string            `json:"requested_by_name"`
	}
	list := func() {
		t.Helper()
		r := ts.call(t, nil, "GET", "/api/v1/parts-counter", clerk, nil)
		rows = nil
		r.json(t, &rows)
		if r.status != 200 {
			t.Fatalf("parts counter: %d %s", r.status, r.body)
		}
	}
	list()
	if len(rows) != 2 || rows[0].Request.ID != "pr-1" || rows[0].Plate != "京A·12345" || rows[0].Bay != "1号" ||
		rows[0].JobStage != shop.StageWaitingParts || rows[0].RequestedBy != "technician" {
		t.Fatalf("rows: %+v", rows)
	}
	before := ts.store.LastSeq()
	for _, bad := range []string{
		`{"type":"update_parts","request_id":"pr-1","status":"on_order"}`,
		`{"type":"update_parts","request_id":"pr-1","status":"on_order","eta":"2026-11-22T09:00:00Z"}`,
		`{"type":"update_parts","request_id":"pr-1","status":"issued","eta":"2026-11-24T09:00:00Z"}`,
		`{"type":"update_parts","request_id":"pr-1","status":"lost"}`,
		`{"type":"update_parts","request_id":"pr-9","status":"issued"}`,
	} {
		if r := ts.call(t, nil, "POST", "/api/v1/commands", clerk, bad); r.status < 400 {
			t.Errorf("%s: %d", bad, r.status)
		}
	}
	if ts.store.LastSeq() != before {
		t.Error("refused parts updates changed the log")
	}
	for _, body := range []string{
		`{"type":"update_parts","request_id":"pr-1","status":"picked"}`,
		`{"type":"update_parts","request_id":"pr-2","status":"on_order","eta":"2026-11-24T09:00:00Z"}`,
	} {
		if r := ts.call(t, nil, "POST", "/api/v1/commands", clerk, body); r.status != 200 {
			t.Fatalf("%s: %d %s", body, r.status, r.body)
		}
	}
	list()
	if len(rows) != 2 || rows[0].Request.Status != shop.PartsPicked || rows[1].Request.ETA == nil {
		t.Errorf("after picking and ordering: %+v", rows)
	}
	// The filter is beyond the job's scope: refused until the advisor
	// allows it, then issued against the allowance, answering pr-1.
	if _, err := ts.eng.Do(context.Background(), shop.Actor{System: true}, &shop.PutCatalogPart{Part: shop.CatalogPart{Number: "26300-35505", Name: "机油滤清器", UnitPrice: 12800, Active: true}}); err != nil {
		t.Fatal(err)
	}
	if r := ts.call(t, nil, "POST", "/api/v1/commands", clerk, `{"type":"update_parts","request_id":"pr-1","status":"issued"}`); r.status != 400 {
		t.Errorf("a request marked issued: %d %s", r.status, r.body)
	}
	before = ts.store.LastSeq()
	issue := `{"type":"issue_part","job_id":"20261123-0001","number":"26300-35505","quantity":1,"request_id":"pr-1"}`
	if r := ts.call(t, nil, "POST", "/api/v1/commands", clerk, issue); r.status != 409 || r.problem(t).Errors[0].Field != "number" || ts.store.LastSeq() != before {
		t.Errorf("a part beyond the scope issued without an allowance: %d %s", r.status, r.body)
	}
	var pick shop.PickList
	ts.call(t, nil, "GET", "/api/v1/pick-list", clerk, nil).json(t, &pick)
	if len(pick.Jobs) != 1 || len(pick.Jobs[0].Lines) != 2 || !pick.Jobs[0].Lines[0].BeyondScope || pick.Jobs[0].Lines[0].RequestID != "pr-1" {
		t.Errorf("the pick list: %+v", pick)
	}
	if r := ts.call(t, nil, "GET", "/api/v1/pick-list", tech, nil); r.status != http.StatusForbidden {
		t.Errorf("a technician reads the pick list: %d", r.status)
	}
	// The counter prints a job's pick list; the floor does not.
	if r := ts.call(t, nil, "GET", "/api/v1/jobs/20261123-0001/pick-list.pdf", clerk, nil); r.status != 200 || !strings.HasPrefix(string(r.body), "%PDF-") {
		t.Errorf("the pick list's PDF: %d %.40s", r.status, r.body)
	}
	if r := ts.call(t, nil, "GET", "/api/v1/jobs/20261123-0001/pick-list.pdf", tech, nil); r.status != http.StatusForbidden {
		t.Errorf("a technician prints the pick list: %d", r.status)
	}
	if r := ts.call(t, nil, "POST", "/api/v1/commands", ts.tokens[shop.RoleAdvisor],
		`{"type":"allow_part","job_id":"20261123-0001","number":"26300-35505","quantity":1,"reason":"客户电话同意","request_id":"pr-1","consent":{"via":"phone"}}`); r.status != 200 {
		t.Fatalf("allow: %d %s", r.status, r.body)
	}
	issue = `{"type":"issue_part","job_id":"20261123-0001","number":"26300-35505","quantity":1,"request_id":"pr-1","allowance_id":"pa-1"}`
	if r := ts.call(t, nil, "POST", "/api/v1/commands", clerk, issue); r.status != 200 {
		t.Fatalf("issue: %d %s", r.status, r.body)
	}
	var job struct {
		Billed []shop.PartLine `json:"billed_parts"`
	}
	ts.call(t, nil, "GET", "/api/v1/jobs/20261123-0001", clerk, nil).json(t, &job)
	if len(job.Billed) != 1 || job.Billed[0].Number != "26300-35505" || job.Billed[0].UnitPrice != 12800 {
		t.Errorf("the job bills %+v", job.Billed)
	}
	list()
	if len(rows) != 1 || rows[0].Request.ID != "pr-2" {
		t.Errorf("after issuing pr-1: %+v", rows)
	}
}

// Five wrong PINs after a scanned badge lock the badge, whether it is
// then tried scanned or typed.
func TestAScannedBadgeLocksAfterFiveWrongPINs(t *testing.T) {
	ts := newTestShop(t)
	badge := lastPart(kiosk.URLs{Tokens: ts.qr}.Badge(ts.eng.State().Users[ts.users[shop.RoleTechnician]]))
	for i := 0; i < access.MaxFailures; i++ {
		if r := ts.call(t, nil, "POST", "/api/v1/session", "", map[string]string{"badge_token": badge, "pin": "1111"}); r.status != 401 {
			t.Fatalf("wrong PIN %d: %d", i, r.status)
		}
	}
	for _, body := range []map[string]string{{"badge_token": badge, "pin": "2468"}, {"badge": "B42", "pin": "2468"}} {
		r := ts.call(t, nil, "POST", "/api/v1/session", "", body)
		if r.status != http.StatusTooManyRequests || r.problem(t).Code != "locked" || r.header.Get("Retry-After") == "" {
			t.Errorf("%v while locked: %d %s", body, r.status, r.body)
		}
	}
}

// The templates and catalogs the pages are built from parse, and every
// message the server writes is in both languages.
func TestKioskPagesLoad(t *testing.T) {
	ts := newTestShop(t)
	for _, lang := range []string{"zh-CN", "en"} {
		r := ts.call(t, nil, "GET", "/k/parts?lang="+lang, "", nil)
		if r.status != 200 || !strings.Contains(string(r.body), `lang="`+lang+`"`) || strings.Contains(string(r.body), ">kiosk.") {
			t.Errorf("%s: %d %s", lang, r.status, r.body)
		}
	}
}

// A shop sets how long a technician's kiosk sign-in lasts unused.
func TestKioskIdleTimeIsTheShops(t *testing.T) {
	ts := newTestShop(t)
	set := ts.eng.State().Settings
	set.KioskIdleMinutes = 1
	if _, err := ts.eng.Do(context.Background(), shop.Actor{System: true}, &shop.SetSettings{Settings: set}); err == nil {
		t.Error("an idle time of one minute was taken")
	}
	set.KioskIdleMinutes = 5
	if _, err := ts.eng.Do(context.Background(), shop.Actor{System: true}, &shop.SetSettings{Settings: set}); err != nil {
		t.Fatal(err)
	}
	r := ts.call(t, nil, "POST", "/api/v1/session", "", map[string]string{"badge": "B42", "pin": "2468"})
	if r.status != 200 {
		t.Fatalf("badge sign-in: %d %s", r.status, r.body)
	}
	var expires time.Time
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		if c.Name == "bb_session" {
			expires = c.Expires
		}
	}
	if left := time.Until(expires); left < 4*time.Minute || left > 6*time.Minute {
		t.Errorf("the kiosk session lasts %v, want 5 minutes", left)
	}
}
