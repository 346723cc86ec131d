package kiosk_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"bayboard/internal/demo"
	"bayboard/internal/livetest"
	"bayboard/internal/shop"
	"bayboard/kiosk"

	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// A phone held upright: the kiosk pages are built for it first.
const phoneWidth, phoneHeight = 390, 844

// floor is a demo shop with one fresh job dispatched to a technician on a
// free bay, and the QR paths of the bay, the job, the technician's badge
// and the customer's page.
type floor struct {
	srv                          *livetest.Server
	jobID, bayID                 string
	badge                        string // the technician's badge code
	bayPath, jobPath, custPath   string
	badgePath                    string
	leaderBadge                  string // a team leader's badge code
	techName, bayName, partsName string
}

func newFloor(t *testing.T) *floor {
	t.Helper()
	// The pages ask again every half second rather than every 3 to 10:
	// what the tests wait for is a change made on another page, not the
	// pace (a shop's pages keep theirs: TestPagesAskAgainAtTheirOwnPaceUnlessTold).
	srv := livetest.Start(t, livetest.Options{Demo: true, PagePoll: 500 * time.Millisecond})
	st := srv.Engine.State()
	f := &floor{srv: srv}
	// The technician of badge B1002 and a free bay their team works on.
	user := st.UserByBadge("B1002")
	tech := st.TechnicianOfUser(user.ID)
	f.badge, f.techName = "B1002", tech.Name
	f.leaderBadge = "B1001"
	busy := map[string]bool{}
	hasCar := map[string]bool{}
	for _, j := range st.OpenJobs() {
		if shop.OnBay(j.Stage) {
			busy[j.BayID] = true
		}
		hasCar[j.VehicleID] = true
	}
	for _, b := range st.Bays {
		if !busy[b.ID] && b.Active && b.Kind != shop.BayWash && (f.bayID == "" || b.ID < f.bayID) {
			f.bayID, f.bayName = b.ID, b.Name
		}
	}
	var vehicle *shop.Vehicle
	for _, v := range st.Vehicles {
		if !hasCar[v.ID] && (vehicle == nil || v.ID < vehicle.ID) {
			vehicle = v
		}
	}
	if f.bayID == "" || vehicle == nil {
		t.Fatal("the demo shop has no free bay or no car without a job")
	}
	now := srv.Clock.Now()
	var opened struct {
		Event shop.Event `json:"event"`
	}
	post(t, srv, map[string]any{"type": "open_job", "customer_id": vehicle.CustomerID, "vehicle_id": vehicle.ID, "advisor_id": "user-2",
		"requests": "刹车异响 Brake noise", "promised_at": now.Add(4 * time.Hour).Format(time.RFC3339), "wash": true,
		"labour": []map[string]any{{"code": "B02", "name": "检查更换前刹车片 Front brake pads", "sold_hours": 1.2, "price": 24000}}}, &opened)
	f.jobID = opened.Event.JobID
	srv.Command(map[string]any{"type": "submit", "job_id": f.jobID})
	srv.Command(map[string]any{"type": "dispatch", "job_id": f.jobID, "team_id": tech.TeamID, "tech_ids": []string{tech.ID}, "bay_id": f.bayID})
	urls := kiosk.URLs{Tokens: srv.Tokens}
	f.bayPath, f.jobPath, f.badgePath = urls.Bay(f.bayID), urls.Job(f.jobID), urls.Badge(user)
	f.custPath = urls.Customer(srv.Engine.State().Jobs[f.jobID])
	for _, p := range srv.Engine.State().CatalogParts {
		if strings.Contains(p.Name, "刹车片") {
			f.partsName = p.Name
		}
	}
	return f
}

func post(t *testing.T, srv *livetest.Server, cmd map[string]any, out any) {
	t.Helper()
	res := srv.Post("/api/v1/commands", cmd)
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("%v: %d %s", cmd, res.StatusCode, raw)
	}
	if err := json.Unmarshal(raw, out); err != nil {
		t.Fatal(err)
	}
}

func (f *floor) stage() shop.Stage { return f.srv.Engine.State().Jobs[f.jobID].Stage }

// js quotes a Go string for JavaScript.
func js(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// click waits for an element and clicks it, as a finger would.
func click(t *testing.T, ctx context.Context, what, selector string) {
	t.Helper()
	livetest.WaitFor(t, ctx, what, fmt.Sprintf(`(() => { const e = document.querySelector(%s); return !!e && !e.disabled; })()`, js(selector)), 10*time.Second)
	livetest.Eval[bool](t, ctx, fmt.Sprintf(`(document.querySelector(%s).click(), true)`, js(selector)))
}

// fill types into a field.
func fill(t *testing.T, ctx context.Context, selector, value string) {
	t.Helper()
	livetest.WaitFor(t, ctx, "the field "+selector, fmt.Sprintf(`!!document.querySelector(%s)`, js(selector)), 10*time.Second)
	livetest.Eval[bool](t, ctx, fmt.Sprintf(`(() => { const e = document.querySelector(%s); e.focus(); e.value = %s; e.dispatchEvent(new Event("input", { bubbles: true })); return true; })()`, js(selector), js(value)))
}

// scan types a code's URL as a keyboard-wedge scanner does: fast, then
// Enter, with no field chosen. The page reads keys as a scan only when
// they come at a scanner's speed (under 35 ms apart on average); on a
// loaded machine the browser can deliver the test's keys slower than
// that, and the page then rightly takes them for a person's typing. So
// the keys' pace is measured in the page, and a scan that came too slowly
// is typed again, up to three times.
func scan(t *testing.T, ctx context.Context, url string) {
	t.Helper()
	livetest.WaitFor(t, ctx, "the page listening for scans", `document.documentElement.dataset.scanner === "on"`, 10*time.Second)
	for try := 1; ; try++ {
		livetest.Eval[bool](t, ctx, `(() => {
			window.scanKeys = [];
			if (!window.scanKeysWatched) {
				document.addEventListener("keydown", () => window.scanKeys.push(performance.now()), true);
				window.scanKeysWatched = true;
			}
			return true;
		})()`)
		if err := chromedp.Do(ctx, chromedp.KeyEvent(url+"\r")); err != nil {
			t.Fatal(err)
		}
		// A page the scan opened (or is opening) has no keys noted: the
		// scan was read.
		pace, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`(() => {
			const k = window.scanKeys || [];
			return k.length > 1 ? (k[k.length - 1] - k[0]) / (k.length - 1) : 0;
		})()`))
		if err != nil || pace < 30 || try == 3 {
			return
		}
		t.Logf("the scan's keys came %.0f ms apart, slower than a scanner's: scanning again", pace)
	}
}

func signInWithBadge(t *testing.T, ctx context.Context, badge string) {
	t.Helper()
	click(t, ctx, "the badge tab", ".signin .tab:first-of-type")
	fill(t, ctx, ".signin input[name=badge]", badge)
	fill(t, ctx, ".signin input[name=pin]", demo.PIN)
	click(t, ctx, "sign in", ".signin button[type=submit]")
}

func signInWithPassword(t *testing.T, ctx context.Context, login string) {
	t.Helper()
	click(t, ctx, "the password tab", ".signin .tab:last-of-type")
	fill(t, ctx, ".signin input[name=login]", login)
	fill(t, ctx, ".signin input[name=password]", demo.Password)
	click(t, ctx, "sign in", ".signin button[type=submit]")
}

func signOut(t *testing.T, ctx context.Context) {
	t.Helper()
	click(t, ctx, "sign out", "#signout")
	livetest.WaitFor(t, ctx, "the sign-in form", `!!document.querySelector(".signin")`, 10*time.Second)
}

// board is the workshop wall board in a tab, showing what happens to one
// job: its bay's tile and the header's figures.
type board struct {
	ctx   context.Context
	jobID string
}

func (b board) tile(t *testing.T, want string) {
	t.Helper()
	cond := fmt.Sprintf(`(() => { const e = document.querySelector('.bay-row[data-job=%s] .badge'); return !!e && e.textContent === %s; })()`, js(b.jobID), js(want))
	took := livetest.WaitFor(t, b.ctx, "the board showing "+want, cond, 5*time.Second)
	t.Logf("the board showed %q after %v", want, took)
}

func (b board) figure(t *testing.T, label string) int {
	t.Helper()
	return livetest.Eval[int](t, b.ctx, fmt.Sprintf(`(%s)(%s)`, boardCount, js(label)))
}

// boardCount reads a count off the workshop board: a header figure by its
// label, or a lane's (质检 2, 待交车 1).
const boardCount = `(label) => {
  const f = [...document.querySelectorAll(".figure")].find((f) => f.querySelector("span").textContent === label);
  if (f) return Number(f.querySelector("b").textContent);
  const lane = [...document.querySelectorAll(".lane h2")].find((h) => h.textContent.startsWith(label + " "));
  return lane ? Number(lane.textContent.slice(label.length + 1)) : NaN;
}`

func (b board) waitFigure(t *testing.T, label string, want int) {
	t.Helper()
	cond := fmt.Sprintf(`(%s)(%s) === %d`, boardCount, js(label), want)
	took := livetest.WaitFor(t, b.ctx, fmt.Sprintf("the board's %s at %d", label, want), cond, 5*time.Second)
	t.Logf("the board's %s showed %d after %v", label, want, took)
}

func openBoard(t *testing.T, f *floor, ctx context.Context) board {
	t.Helper()
	tab := livetest.Tab(t, ctx, 1920, 1080)
	livetest.Open(t, tab, f.srv.URL("/board/workshop"))
	b := board{ctx: tab, jobID: f.jobID}
	b.tile(t, "已派工")
	return b
}

// The whole way of a job through the shop floor on a phone: the bay's
// code, sign-in by a scanned badge, the job's code scanned, clock on,
// pause for parts, the parts clerk issues them at the counter, resume,
// finish with the self-check, the team leader's check, the final
// inspection and the wash — with the workshop board in another tab
// showing each step as it happens.
func TestAJobCrossesTheShopFloorOnAPhone(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test")
	}
	f := newFloor(t)
	phone := device(t, phoneWidth, phoneHeight)
	wall := openBoard(t, f, phone)
	qcBefore, readyBefore := wall.figure(t, "质检"), wall.figure(t, "待交车")

	// The bay's code opens its page, which asks who is there; the badge,
	// scanned, asks for the PIN only.
	livetest.Open(t, phone, f.srv.URL(f.bayPath))
	livetest.WaitFor(t, phone, "the sign-in form", `!!document.querySelector(".signin input[name=badge]")`, 10*time.Second)
	livetest.Screenshot(t, phone, "kiosk-signin")
	scan(t, phone, "http://192.168.1.20:8080"+f.badgePath)
	livetest.WaitFor(t, phone, "the PIN of the scanned badge", `!!document.querySelector(".signin input[name=pin]") && !document.querySelector(".signin input[name=badge]")`, 5*time.Second)
	fill(t, phone, ".signin input[name=pin]", demo.PIN)
	click(t, phone, "sign in", ".signin button[type=submit]")
	livetest.WaitFor(t, phone, "the job on the bay", fmt.Sprintf(`!!document.querySelector('.here a.card[data-job=%s]')`, js(f.jobID)), 10*time.Second)
	livetest.WaitFor(t, phone, "the technician's queue", fmt.Sprintf(`!!document.querySelector('.queue a.card[data-job=%s]')`, js(f.jobID)), 10*time.Second)
	if who := livetest.Eval[string](t, phone, `document.getElementById("who").textContent`); who != f.techName {
		t.Errorf("signed in as %q, want %q", who, f.techName)
	}
	checkPage(t, phone)
	livetest.Screenshot(t, phone, "kiosk-bay")

	// The job card's code, scanned anywhere on the page, opens the job.
	scan(t, phone, "http://192.168.1.20:8080"+f.jobPath)
	click(t, phone, "clock on", "[data-action=clock_on]")
	wall.tile(t, "维修中")
	livetest.WaitFor(t, phone, "the clocked-on job", `!!document.querySelector("[data-action=clock_off]")`, 5*time.Second)
	checkPage(t, phone)
	livetest.Screenshot(t, phone, "kiosk-job")

	// Pause for parts: pick one from the catalogue.
	click(t, phone, "pause", "[data-action=pause]")
	livetest.Screenshot(t, phone, "kiosk-pause")
	click(t, phone, "waiting for parts", "[data-reason=waiting_parts]")
	fill(t, phone, "#panel input[name=part]", f.partsName)
	// The catalogue is searched as he types, a few parts offered at a
	// time: the phone is never handed the shop's whole parts list.
	livetest.WaitFor(t, phone, "the part offered", fmt.Sprintf(`[...document.querySelectorAll("#catalog-parts option")].some((o) => o.value === %s)`, js(f.partsName)), 5*time.Second)
	if asked := livetest.Eval[[]string](t, phone, `performance.getEntriesByType("resource").map((e) => e.name).filter((n) => n.includes("/api/v1/catalog-parts"))`); len(asked) == 0 || !allContain(asked, "limit=") {
		t.Errorf("the phone asked the catalogue for %v", asked)
	}
	fill(t, phone, "#panel input[name=quantity]", "2")
	click(t, phone, "add the part", "#panel button[name=add]")
	livetest.WaitFor(t, phone, "the chosen part", `document.querySelectorAll("#panel .chosen li").length === 1`, 5*time.Second)
	livetest.Screenshot(t, phone, "kiosk-parts-request")
	click(t, phone, "request and pause", "#panel button[type=submit]")
	wall.tile(t, "停工待料")
	livetest.WaitFor(t, phone, "the part on the job", `document.querySelector(".part-requested") !== null`, 5*time.Second)

	// The parts clerk, at the counter on another device, issues it.
	counter := device(t, 800, 1000)
	livetest.Open(t, counter, f.srv.URL("/k/parts"))
	livetest.WaitFor(t, counter, "the sign-in form", `!!document.querySelector(".signin input[name=login]")`, 10*time.Second)
	signInWithPassword(t, counter, "parts")
	var request, number string
	for _, pr := range f.srv.Engine.State().JobParts(f.jobID) {
		request, number = pr.ID, pr.Number
	}
	card := fmt.Sprintf(`article.request[data-request=%s]`, js(request))
	livetest.WaitFor(t, counter, "the request at the counter", fmt.Sprintf(`!!document.querySelector('%s')`, card), 10*time.Second)
	checkPage(t, counter)
	livetest.Screenshot(t, counter, "parts-counter")
	// First on order with an ETA (tomorrow, as the form offers), then
	// issued when it comes.
	click(t, counter, "on order", card+` .big.warn`)
	livetest.WaitFor(t, counter, "the ETA field", `!!document.querySelector("input[name=eta]")`, 5*time.Second)
	click(t, counter, "mark on order", card+` button[type=submit]`)
	livetest.WaitFor(t, counter, "the ETA on the card", fmt.Sprintf(`document.querySelector('%s .badge').textContent.startsWith("预计")`, card), 10*time.Second)
	if got := f.srv.Engine.State().PartsRequests[request]; got.Status != shop.PartsOnOrder || got.ETA == nil {
		t.Fatalf("the request on order: %+v", got)
	}
	livetest.WaitFor(t, phone, "the part on order on the phone", `document.querySelector(".part-on_order") !== null`, 10*time.Second)
	// The pads are beyond the job's agreed work (a check): the advisor
	// allows them with the customer's consent, and the counter issues them
	// from the pick list, against the allowance.
	f.srv.Command(map[string]any{"type": "allow_part", "job_id": f.jobID, "number": number, "quantity": 2,
		"reason": "客户电话同意更换 agreed by phone", "request_id": request, "consent": map[string]any{"via": "phone"}})
	line := fmt.Sprintf(`li.pick-line[data-request=%s]`, js(request))
	click(t, counter, "issue", line+` .big.primary`)
	click(t, counter, "issue to the job", line+` form button[type=submit]`)
	livetest.WaitFor(t, counter, "the request gone", fmt.Sprintf(`!document.querySelector('%s')`, card), 10*time.Second)
	if billed := f.srv.Engine.State().Jobs[f.jobID].BilledParts(); len(billed) != 1 || billed[0].Number != number || billed[0].Quantity != 2 {
		t.Errorf("the job bills %+v, want the two pads", billed)
	}
	livetest.WaitFor(t, phone, "the part issued on the phone", `document.querySelector(".part-issued") !== null && !!document.querySelector(".ready")`, 10*time.Second)
	livetest.Screenshot(t, phone, "kiosk-parts-issued")

	// One button takes the paused job up again: it resumes the job and
	// starts the technician's clock.
	if livetest.Eval[bool](t, phone, `!!document.querySelector("[data-action=resume]")`) {
		t.Error("the paused job offers resume beside clocking on")
	}
	click(t, phone, "resume work", "[data-action=clock_on]")
	wall.tile(t, "维修中")
	livetest.WaitFor(t, phone, "clocked on again", `!!document.querySelector("[data-action=clock_off]")`, 5*time.Second)

	// Finish: every self-check item ticked.
	click(t, phone, "finish", "[data-action=finish]")
	livetest.WaitFor(t, phone, "the self-check", `document.querySelectorAll("#panel .check input").length === 6`, 5*time.Second)
	if !livetest.Eval[bool](t, phone, `document.querySelector("#panel button[type=submit]").disabled`) {
		t.Error("the self-check can be sent with nothing ticked")
	}
	// The covers by the shop's name (the demo's never chose: three pieces).
	if clean := livetest.Eval[string](t, phone, `[...document.querySelectorAll("#panel .check")].map((c) => c.textContent).find((s) => s.includes("车内清洁")) || ""`); clean != "已取下三件套，车内清洁" {
		t.Errorf("the self-check's covers item reads %q", clean)
	}
	livetest.Eval[bool](t, phone, `(document.querySelectorAll("#panel .check input").forEach((c) => c.click()), true)`)
	livetest.Screenshot(t, phone, "kiosk-self-check")
	click(t, phone, "finish", "#panel button[type=submit]")
	wall.waitFigure(t, "质检", qcBefore+1)
	livetest.WaitFor(t, wall.ctx, "the bay freed", fmt.Sprintf(`!document.querySelector('.bay-row[data-job=%s]')`, js(f.jobID)), 5*time.Second)

	// The team leader signs in on the same phone and passes the team check.
	signOut(t, phone)
	signInWithBadge(t, phone, f.leaderBadge)
	click(t, phone, "team check pass", "[data-action=qc_team_pass]")
	click(t, phone, "pass with no notes", "#team-check button[type=submit]")
	livetest.WaitFor(t, phone, "the team check done", `!document.querySelector("[data-action=qc_team_pass]")`, 5*time.Second)
	if got := f.stage(); got != shop.StageQualityCheck {
		t.Fatalf("after the team check the job is %s", got)
	}

	// The QC inspector: the final inspection sends the car to the wash.
	signOut(t, phone)
	signInWithPassword(t, phone, "qc")
	livetest.WaitFor(t, phone, "the final inspection", `!!document.querySelector("[data-action=qc_final_fail]")`, 10*time.Second)
	livetest.Screenshot(t, phone, "kiosk-qc")
	click(t, phone, "final pass", "[data-action=qc_final_pass]")
	wall.waitFigure(t, "质检", qcBefore)
	if got := f.stage(); got != shop.StageWashing {
		t.Fatalf("after the final inspection the job is %s", got)
	}

	// The washer marks the wash done: the car is ready.
	signOut(t, phone)
	signInWithPassword(t, phone, "washer")
	click(t, phone, "wash done", "[data-action=wash_done]")
	wall.waitFigure(t, "待交车", readyBefore+1)
	livetest.WaitFor(t, phone, "the job ready", `document.querySelector(".card.job .badge").textContent === "竣工待交车"`, 5*time.Second)
	if got := f.stage(); got != shop.StageReady {
		t.Fatalf("after the wash the job is %s", got)
	}
}

// reportFinding signs the technician in on the job's page, clocks on and
// pauses for the customer's approval of a finding, proposed without a
// price, and waits until the workshop board shows the job waiting for it;
// then the advisor (the manager, by the API) prices it at the shop's rate
// and sends it to the customer.
func reportFinding(t *testing.T, f *floor, phone context.Context, wall board) {
	t.Helper()
	proposed := proposeFinding(t, f, phone, wall, false)
	f.srv.Command(map[string]any{"type": "price_finding", "finding_id": proposed.ID, "send": true})
	livetest.WaitFor(t, phone, "the finding awaiting the customer", `document.querySelector(".finding-awaiting") !== null`, 10*time.Second)
}

// proposeFinding is the technician's part of reportFinding, with the
// catalogue's brake pads when withPart: it returns the proposed finding.
func proposeFinding(t *testing.T, f *floor, phone context.Context, wall board, withPart bool) *shop.Finding {
	t.Helper()
	livetest.Open(t, phone, f.srv.URL(f.jobPath))
	livetest.WaitFor(t, phone, "the sign-in form", `!!document.querySelector(".signin input[name=badge]")`, 10*time.Second)
	signInWithBadge(t, phone, f.badge)
	click(t, phone, "clock on", "[data-action=clock_on]")
	wall.tile(t, "维修中")
	click(t, phone, "pause", "[data-action=pause]")
	click(t, phone, "waiting for approval", "[data-reason=waiting_approval]")
	fill(t, phone, "#panel input[name=what]", "更换前刹车盘 Front brake discs")
	fill(t, phone, "#panel textarea[name=why]", "刹车盘磨损超限 Discs worn below the limit")
	fill(t, phone, "#panel input[name=hours]", "1.5")
	if withPart {
		fill(t, phone, "#panel input[name=part]", f.partsName)
		click(t, phone, "add the part", "#panel button[name=add]")
		livetest.WaitFor(t, phone, "the part chosen", `document.querySelectorAll("#panel .chosen li").length === 1`, 10*time.Second)
	}
	if livetest.Eval[bool](t, phone, `!!document.querySelector("#panel input[name=price]")`) {
		t.Error("the technician's finding form asks for a price")
	}
	livetest.Screenshot(t, phone, "kiosk-finding")
	click(t, phone, "send the finding", "#panel button[type=submit]")
	wall.tile(t, "增项待确认")
	livetest.WaitFor(t, phone, "the finding with the advisor", `document.querySelector(".finding-proposed") !== null`, 5*time.Second)
	if livetest.Eval[bool](t, phone, `!!document.querySelector("[data-action=finish]")`) {
		t.Error("the job can be finished while a finding awaits the advisor's price")
	}
	var proposed *shop.Finding
	for _, fi := range f.srv.Engine.State().JobFindings(f.jobID) {
		proposed = fi
	}
	if proposed == nil || proposed.Status != shop.FindingProposed || proposed.Price != 0 || proposed.Why == "" {
		t.Fatalf("the proposed finding: %+v", proposed)
	}
	return proposed
}

// Extra work found on the kiosk goes to the customer's own page, where
// they approve it; the technician sees the approval and resumes.
func TestAFindingIsApprovedOnTheCustomersPhone(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test")
	}
	f := newFloor(t)
	phone := device(t, phoneWidth, phoneHeight)
	wall := openBoard(t, f, phone)
	reportFinding(t, f, phone, wall)

	// The customer opens the link from their estimate on their own phone.
	customer := device(t, phoneWidth, phoneHeight)
	livetest.Open(t, customer, f.srv.URL(f.custPath))
	livetest.WaitFor(t, customer, "the finding on the customer's page", `!!document.querySelector(".finding-card")`, 10*time.Second)
	text := livetest.Eval[string](t, customer, `document.body.innerText`)
	// 1.5 hours at the demo shop's ¥200 an hour.
	for _, want := range []string{"更换前刹车盘", "¥300.00", "王芳"} {
		if !strings.Contains(text, want) {
			t.Errorf("the customer's page lacks %q:\n%s", want, text)
		}
	}
	checkPage(t, customer)
	livetest.Screenshot(t, customer, "customer")
	click(t, customer, "approve", ".finding-card .big.primary")
	click(t, customer, "confirm", ".finding-card .big.primary")
	livetest.WaitFor(t, customer, "the approval recorded", `!document.querySelector(".finding-card") && !!document.querySelector(".finding-approved")`, 10*time.Second)
	livetest.Screenshot(t, customer, "customer-approved")
	var decided *shop.Finding
	for _, fi := range f.srv.Engine.State().JobFindings(f.jobID) {
		decided = fi
	}
	if decided == nil || decided.Status != shop.FindingApproved || decided.DecidedVia != "customer_page" {
		t.Fatalf("the finding: %+v", decided)
	}

	// The technician's page shows it approved; they resume.
	livetest.WaitFor(t, phone, "the approval on the kiosk", `document.querySelector(".finding-approved") !== null`, 10*time.Second)
	click(t, phone, "clock on, which resumes", "[data-action=clock_on]")
	wall.tile(t, "维修中")
	if got := f.stage(); got != shop.StageInProgress {
		t.Errorf("after the approval the job is %s", got)
	}

	// A pause for another reason shows the technician's note whole, on
	// the phone and on the board, a time in it too.
	click(t, phone, "pause", "[data-action=pause]")
	click(t, phone, "another reason", "[data-reason=other]")
	fill(t, phone, "#panel textarea[name=note]", "等 10:30 的车")
	click(t, phone, "pause with the note", "#panel button[type=submit]")
	wall.tile(t, "暂停 · 等 10:30 的车")
	livetest.WaitFor(t, phone, "the note on the phone", `document.querySelector(".card.job .badge").textContent === "暂停 · 等 10:30 的车"`, 5*time.Second)

	// In English, with the switch.
	click(t, customer, "the language switch", "#lang")
	livetest.WaitFor(t, customer, "the English page", `document.documentElement.lang === "en" && document.body.innerText.includes("Your service advisor")`, 10*time.Second)
	checkPage(t, customer)
	livetest.Screenshot(t, customer, "customer-en")
}

// The customer declines the extra work on their page: the item is dropped
// from the job, the technician sees the decision and carries on with what
// was agreed.
func TestAFindingIsDeclinedOnTheCustomersPhone(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test")
	}
	f := newFloor(t)
	phone := device(t, phoneWidth, phoneHeight)
	wall := openBoard(t, f, phone)
	reportFinding(t, f, phone, wall)
	sold := f.srv.Engine.State().Jobs[f.jobID].SoldHours()

	customer := device(t, phoneWidth, phoneHeight)
	livetest.Open(t, customer, f.srv.URL(f.custPath))
	livetest.WaitFor(t, customer, "the finding on the customer's page", `!!document.querySelector(".finding-card")`, 10*time.Second)
	click(t, customer, "decline", ".finding-card .row-buttons button:nth-child(2)")
	click(t, customer, "confirm", ".finding-card .big.danger")
	livetest.WaitFor(t, customer, "the decision recorded", `!document.querySelector(".finding-card") && !!document.querySelector(".finding-declined")`, 10*time.Second)
	checkPage(t, customer)
	var decided *shop.Finding
	for _, fi := range f.srv.Engine.State().JobFindings(f.jobID) {
		decided = fi
	}
	if decided == nil || decided.Status != shop.FindingDeclined || decided.DecidedVia != "customer_page" {
		t.Fatalf("the finding: %+v", decided)
	}
	if now := f.srv.Engine.State().Jobs[f.jobID].SoldHours(); now != sold {
		t.Errorf("a declined finding changed the job's sold hours from %v to %v", sold, now)
	}

	livetest.WaitFor(t, phone, "the decision on the kiosk", `document.querySelector(".finding-declined") !== null`, 10*time.Second)
	click(t, phone, "clock on, which resumes", "[data-action=clock_on]")
	wall.tile(t, "维修中")
	if got := f.stage(); got != shop.StageInProgress {
		t.Errorf("after the decision the job is %s", got)
	}
}

// The QC inspector fails the final inspection with a reason: the job goes
// back to its bay as rework, and the board shows it there again.
func TestAFailedInspectionSendsTheJobBack(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test")
	}
	f := newFloor(t)
	techID := f.srv.Engine.State().TechnicianOfUser(f.srv.Engine.State().UserByBadge(f.badge).ID).ID
	for _, c := range []map[string]any{
		{"type": "clock_on", "job_id": f.jobID, "tech_id": techID},
		{"type": "finish", "job_id": f.jobID, "tech_id": techID, "self_check": []string{"work_done"}},
		{"type": "qc", "job_id": f.jobID, "step": "team", "pass": true},
	} {
		f.srv.Command(c)
	}
	phone := device(t, phoneWidth, phoneHeight)
	wall := board{ctx: livetest.Tab(t, phone, 1920, 1080), jobID: f.jobID}
	livetest.Open(t, wall.ctx, f.srv.URL("/board/workshop"))
	livetest.WaitFor(t, wall.ctx, "the board", `document.querySelectorAll(".bay-row").length > 0`, 10*time.Second)

	livetest.Open(t, phone, f.srv.URL(f.jobPath))
	livetest.WaitFor(t, phone, "the sign-in form", `!!document.querySelector(".signin")`, 10*time.Second)
	signInWithPassword(t, phone, "qc")
	click(t, phone, "final inspection: fail", "[data-action=qc_final_fail]")
	click(t, phone, "fail without a reason", "#panel button[type=submit]")
	if got := f.stage(); got != shop.StageQualityCheck {
		t.Fatalf("a failure without a reason moved the job to %s", got)
	}
	fill(t, phone, "#panel textarea[name=reason]", "刹车仍有异响 Brakes still squeal")
	livetest.Screenshot(t, phone, "kiosk-qc-fail")
	click(t, phone, "fail", "#panel button[type=submit]")
	wall.tile(t, "已派工")
	j := f.srv.Engine.State().Jobs[f.jobID]
	if j.Reworks != 1 || j.BayID != f.bayID {
		t.Errorf("after the failure: reworks %d, bay %s", j.Reworks, j.BayID)
	}
	livetest.WaitFor(t, phone, "the job back in the shop", `document.querySelector(".card.job .badge").textContent === "已派工" && document.querySelector(".notice.ok") !== null`, 5*time.Second)
	checkPage(t, phone)
}

// A bad code in the browser gets a plain page saying why; the scanner
// still works there; a badge's own page signs its technician in and goes
// back to the bay.
func TestScannedCodesOnAKiosk(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test")
	}
	f := newFloor(t)
	phone := device(t, phoneWidth, phoneHeight)
	tampered := strings.Replace(f.custPath, f.jobID, f.jobID[:len(f.jobID)-1]+"9", 1)
	livetest.Open(t, phone, f.srv.URL(tampered))
	livetest.WaitFor(t, phone, "the refusal", `document.getElementById("denied").dataset.reason === "forged"`, 10*time.Second)
	if text := livetest.Eval[string](t, phone, `document.body.innerText`); !strings.Contains(text, "不是本店生成的") {
		t.Errorf("the refusal says: %s", text)
	}
	livetest.Screenshot(t, phone, "kiosk-denied")
	// A scanner at a kiosk showing the refusal still opens the next code.
	scan(t, phone, f.srv.URL(f.bayPath))
	livetest.WaitFor(t, phone, "the bay page after a scan", `document.documentElement.dataset.page === "bay"`, 10*time.Second)
	livetest.WaitFor(t, phone, "the sign-in form", `!!document.querySelector(".signin")`, 10*time.Second)

	// A phone camera opens the badge's own page: the PIN, then back to
	// the bay, signed in.
	livetest.Open(t, phone, f.srv.URL(f.badgePath))
	livetest.WaitFor(t, phone, "the PIN", `!!document.querySelector(".signin input[name=pin]") && !document.querySelector(".signin input[name=badge]")`, 10*time.Second)
	fill(t, phone, ".signin input[name=pin]", "0000")
	click(t, phone, "sign in", ".signin button[type=submit]")
	livetest.WaitFor(t, phone, "the wrong PIN said", `document.querySelector(".form-error").textContent !== ""`, 10*time.Second)
	fill(t, phone, ".signin input[name=pin]", demo.PIN)
	click(t, phone, "sign in", ".signin button[type=submit]")
	livetest.WaitFor(t, phone, "the bay page, signed in", fmt.Sprintf(`document.documentElement.dataset.page === "bay" && !!document.querySelector('.queue a.card[data-job=%s]')`, js(f.jobID)), 10*time.Second)
	checkPage(t, phone)

	// The narrowest phone the pages are made for, in both languages.
	if err := chromedp.Do(phone, chromedp.EmulateViewport(360, 740)); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{f.bayPath, f.jobPath, f.custPath, "/k/parts"} {
		for _, lang := range []string{"zh-CN", "en"} {
			livetest.Open(t, phone, f.srv.URL(path+"?lang="+lang))
			livetest.WaitFor(t, phone, path+" drawn", `!document.querySelector(".loading")`, 10*time.Second)
			checkPage(t, phone)
		}
	}
}

// device is a browser whose scripts' uncaught errors are kept, so that a
// test can fail on them.
func device(t *testing.T, width, height int) context.Context {
	t.Helper()
	ctx := livetest.Browser(t, width, height)
	var mu sync.Mutex
	var thrown []string
	if err := chromedp.Listen(ctx, func(ev any) {
		if e, ok := ev.(*cdpruntime.EventExceptionThrown); ok {
			msg := e.ExceptionDetails.Text
			if e.ExceptionDetails.Exception != nil {
				msg += " " + e.ExceptionDetails.Exception.Description
			}
			mu.Lock()
			thrown = append(thrown, msg)
			mu.Unlock()
		}
	}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		for _, msg := range thrown {
			t.Errorf("a page threw: %s", msg)
		}
	})
	return ctx
}

// checkPage fails on a missing message or a page wider than the phone.
func checkPage(t *testing.T, ctx context.Context) {
	t.Helper()
	text := livetest.Eval[string](t, ctx, `document.body.innerText`)
	for _, bad := range []string{"undefined", "NaN", "null", "kiosk.", "stage.", "parts.", "[object"} {
		if strings.Contains(text, bad) {
			t.Errorf("the page shows %q:\n%s", bad, text)
		}
	}
	if livetest.Eval[bool](t, ctx, `document.documentElement.scrollWidth > innerWidth + 1`) {
		t.Errorf("the page is wider than the screen (%s)", livetest.Eval[string](t, ctx, `location.pathname`))
	}
	// Nothing sticks out of the screen's right edge, even inside a card.
	out := livetest.Eval[string](t, ctx, `[...document.querySelectorAll("body *")].filter((e) => e.getBoundingClientRect().right > innerWidth + 1).map((e) => e.className || e.tagName).join(", ")`)
	if out != "" {
		t.Errorf("past the right edge of %s: %s", livetest.Eval[string](t, ctx, `location.pathname`), out)
	}
}

func allContain(list []string, part string) bool {
	for _, s := range list {
		if !strings.Contains(s, part) {
			return false
		}
	}
	return true
}
