package web_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"

	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"bayboard/internal/demo"
	"bayboard/internal/livetest"
)

// colleague is a member of staff signed in through the API with their
// own session, as their own screen would be.
type colleague struct {
	t      *testing.T
	ls     *livetest.Server
	client *http.Client
	csrf   string
}

func signInAs(t *testing.T, ls *livetest.Server, login string) *colleague {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &colleague{t: t, ls: ls, client: &http.Client{Jar: jar}}
	var out struct{ CSRF string }
	c.post("/api/v1/session", map[string]any{"login": login, "password": demo.Password}, &out)
	c.csrf = out.CSRF
	return c
}

func (c *colleague) post(path string, body, into any) {
	c.t.Helper()
	raw, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", c.ls.URL(path), bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	if c.csrf != "" {
		req.Header.Set("X-CSRF-Token", c.csrf)
	}
	res, err := c.client.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		var p map[string]any
		json.NewDecoder(res.Body).Decode(&p)
		c.t.Fatalf("POST %s %s: %d %v", path, raw, res.StatusCode, p)
	}
	if into != nil {
		json.NewDecoder(res.Body).Decode(into)
	}
}

func (c *colleague) command(cmd map[string]any) { c.t.Helper(); c.post("/api/v1/commands", cmd, nil) }

// The advisor's day in a real browser: book an appointment, receive the
// car, build the estimate from the catalogue, open the job (sent twice:
// one job), print, have the customer sign; the controller dispatches and
// the floor works the job through the API; the advisor is told it is
// ready, delivers it against the estimate with the payment, and the
// follow-up call is recorded. Each page shows where the job stands, and a
// bad form says what is wrong next to the field and saves nothing.
func TestTheAdvisorsDayAtTheDesk(t *testing.T) {
	ls := startShop(t, livetest.Options{Demo: true})
	ctx := livetest.Browser(t, 1366, 768)
	wait := func(what, cond string) { t.Helper(); livetest.WaitFor(t, ctx, what, cond, 15*time.Second) }
	eval := func(js string) { t.Helper(); livetest.Eval[any](t, ctx, js) }

	livetest.Open(t, ctx, ls.URL("/signin?next=/desk/appointments"))
	wait("the sign-in form", `!!document.querySelector("form.signin input[name=password]")`)
	eval(`(() => { const f = document.querySelector("form.signin"); f.login.value = "advisor1"; f.password.value = ` + quote(demo.Password) + `; f.requestSubmit(); })()`)
	wait("the appointments page", `location.pathname === "/desk/appointments" && !!document.querySelector("form#book") && !!document.querySelector("[data-day]")`)
	if nav := livetest.Eval[string](t, ctx, `[...document.querySelectorAll(".nav a")].map(a => a.textContent).join(" ")`); !strings.Contains(nav, "接车") || !strings.Contains(nav, "交车") || !strings.Contains(nav, "回访") {
		t.Errorf("the navigation says %q", nav)
	}

	appointments := func() int {
		var list []map[string]any
		ls.Get("/api/v1/appointments", &list)
		return len(list)
	}
	before := appointments()
	// Today's KPIs before this car: the KPI page must count its delivery.
	day := ls.Clock.Now().In(demo.Location()).Format("2006-01-02")
	var kpisBefore struct{ Delivered int }
	ls.Get("/api/v1/kpis?from="+day+"&to="+day, &kpisBefore)

	// A booking with no customer and no work is refused, said next to
	// the fields, and nothing is booked.
	eval(`document.querySelector("form#book").requestSubmit()`)
	wait("the refusal next to the work", `document.querySelector("form#book textarea[name=requested]")?.closest("label").nextElementSibling?.classList.contains("field-error")`)
	if n := appointments(); n != before {
		t.Fatalf("a refused booking made %d appointments", n-before)
	}

	// A new customer and car, booked in two hours.
	const plate = "京N·8K2W6"
	// Two hours on the shop's clock (the demo's, not the browser's: in the
	// small hours of Beijing they are on different days), as the advisor's
	// browser in Beijing types it.
	bookAt := ls.Clock.Now().Add(2 * time.Hour).In(demo.Location()).Format("2006-01-02T15:04")
	eval(`(() => {
		const f = document.querySelector("form#book");
		document.querySelector("#new-customer").click();
		f.name.value = "钱女士"; f.phone.value = "13911112222"; f.plate.value = "` + plate + `"; f.model.value = "途胜L";
		f.at.value = "` + bookAt + `";
		f.requested.value = "保养，左前轮有异响";
		f.stage_parts.value = "机油滤清器";
		f.requestSubmit();
	})()`)
	wait("the booking in the list", `[...document.querySelectorAll("tr[data-appointment] .plate")].some(td => td.textContent.startsWith("`+plate+`"))`)
	if n := appointments(); n != before+1 {
		t.Fatalf("the booking made %d appointments, want 1", n-before)
	}
	livetest.Screenshot(t, ctx, "desk-appointments")

	// The car arrives: reception from the appointment.
	eval(`[...document.querySelectorAll("tr[data-appointment]")].find(tr => tr.querySelector(".plate").textContent.startsWith("` + plate + `")).querySelector("[data-arrived]").click()`)
	wait("the reception form", `!!document.querySelector("form#reception") && document.querySelector("form#reception textarea[name=requests]").value.includes("异响")`)

	jobsOf := func() []string {
		var jobs []struct {
			Job   struct{ ID string }
			Plate string
		}
		ls.Get("/api/v1/jobs", &jobs)
		var ids []string
		for _, j := range jobs {
			if j.Plate == plate {
				ids = append(ids, j.Job.ID)
			}
		}
		return ids
	}

	// The estimate from the catalogue, searched as the advisor types: an
	// operation by its code, picked with the mouse; a part by the pinyin
	// initials of 机油滤清器, picked with Enter (which does not send the form).
	eval(`(() => {
		const f = document.querySelector("form#reception");
		f.mileage_km.value = "23456"; f.fuel_percent.value = "40";
		f.damage.value = "右前门划痕"; f.valuables.value = "行车记录仪";
		const op = f.querySelector("input[name=op]");
		op.value = "m01"; op.dispatchEvent(new Event("input"));
	})()`)
	wait("the operation found by its code", `document.querySelectorAll("form#reception .picker-list:not([hidden]) li[role=option]").length === 1 && !!document.querySelector("form#reception li[data-value=M01]")`)
	eval(`document.querySelector("form#reception li[data-value=M01]").dispatchEvent(new MouseEvent("mousedown", { bubbles: true }))`)
	wait("the labour line", `document.querySelectorAll("#lines tr[data-line]").length === 1`)
	eval(`(() => {
		const f = document.querySelector("form#reception");
		f.part_qty.value = "2";
		const part = f.querySelector("input[name=part]");
		part.focus(); part.value = "jyl"; part.dispatchEvent(new Event("input"));
	})()`)
	wait("the part found by its pinyin initials", `(() => {
		const opts = [...document.querySelectorAll("form#reception .picker-list:not([hidden]) li[role=option]")];
		return opts.length === 1 && opts[0].dataset.value === "26300-35505" && opts[0].getAttribute("aria-selected") === "true";
	})()`)
	livetest.Screenshot(t, ctx, "desk-reception-picker")
	eval(`document.querySelector("form#reception input[name=part]").dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true, cancelable: true }))`)
	wait("two estimate lines and a suggested promise", `document.querySelectorAll("#lines tr[data-line]").length === 2 && document.querySelector("form#reception input[name=promised_at]").value !== ""`)
	livetest.Screenshot(t, ctx, "desk-reception")

	// Without the customer's words the job is not opened.
	eval(`(() => { const f = document.querySelector("form#reception"); f.requests.value = ""; f.requestSubmit(); })()`)
	wait("the refusal next to the requests", `document.querySelector("form#reception textarea[name=requests]").closest("label").nextElementSibling?.classList.contains("field-error")`)
	if ids := jobsOf(); len(ids) != 0 {
		t.Fatalf("a refused reception opened %v", ids)
	}
	eval(`document.querySelector("form#reception").requests.value = "保养，左前轮有异响"`)

	// Sent twice, as a double click does: one job, counted once every
	// request the page sent has its answer.
	livetest.WatchRequests(t, ctx)
	eval(`(() => { const f = document.querySelector("form#reception"); f.requestSubmit(); f.requestSubmit(); })()`)
	wait("the job opened", `!!document.querySelector("#opened[data-job]")`)
	wait("every request answered", livetest.Answered)
	ids := jobsOf()
	if len(ids) != 1 {
		t.Fatalf("the double submit opened %v, want one job", ids)
	}
	jobID := ids[0]

	// Its documents: the PDF for the browser, and the shop's printer.
	eval(`fetch(document.querySelector("#opened [data-pdf=job-card]").href).then(r => { window.pdfAnswer = r.status + " " + r.headers.get("Content-Type"); })`)
	wait("the PDF's answer", `!!window.pdfAnswer`)
	if ct := livetest.Eval[string](t, ctx, `window.pdfAnswer`); ct != "200 application/pdf" {
		t.Errorf("the job card's PDF answers %q", ct)
	}
	eval(`document.querySelector("#opened [data-print=job-card]").click()`)
	wait("the printer's answer", `(() => { const s = document.querySelector("#opened .print-status[data-kind=job-card]"); return s.classList.contains("ok") || s.classList.contains("bad"); })()`)
	status := livetest.Eval[string](t, ctx, `document.querySelector("#opened .print-status[data-kind=job-card]").className + " | " + document.querySelector("#opened .print-status[data-kind=job-card]").textContent`)
	if cupsUp() {
		if !strings.Contains(status, "ok") {
			t.Errorf("printing to the local CUPS: %s", status)
		}
	} else if !strings.Contains(status, "bad") || !strings.Contains(status, "打印机没有接受文件") || !strings.Contains(status, "连不上打印机") {
		t.Errorf("printing with no CUPS says %q, want the print_failed message and why", status)
	} else if retry := livetest.Eval[string](t, ctx, `document.querySelector("#opened [data-print=job-card]").textContent`); retry != "重试" {
		t.Errorf("a failed print offers %q, want a retry", retry)
	}
	// With a printer that answers, the retry prints and says so.
	var settings map[string]any
	ls.Get("/api/v1/settings", &settings)
	printer := fakePrinter(t)
	settings["printers"] = []map[string]any{{"name": "前台A4", "uri": printer, "use": "a4"}, {"name": "标签", "uri": printer, "use": "label"}}
	ls.Command(map[string]any{"type": "set_settings", "settings": settings})
	eval(`document.querySelector("#opened [data-print=job-card]").click()`)
	wait("the printer's acceptance", `document.querySelector("#opened .print-status[data-kind=job-card]").classList.contains("ok")`)
	if said := livetest.Eval[string](t, ctx, `document.querySelector("#opened .print-status[data-kind=job-card]").textContent`); said != "已发送到 前台A4（排队中 #7）" {
		t.Errorf("a print taken by the printer says %q", said)
	}

	// The customer signs: the job goes to dispatch.
	eval(`document.querySelector("#signed").click()`)
	wait("the signature recorded", `!!document.querySelector("#submitted")`)

	// The live job list shows it waiting for dispatch.
	livetest.Open(t, ctx, ls.URL("/desk/jobs?job="+jobID))
	wait("the job in the list and its detail", `!!document.querySelector("tr[data-job='`+jobID+`'] [data-stage=waiting_dispatch]") && !!document.querySelector("#detail [data-job='`+jobID+`']") && document.querySelector("#detail .history").textContent.includes("接车开单")`)

	// The controller dispatches it; the floor works it.
	controller := signInAs(t, ls, "controller")
	team, tech, bay := freeCrew(t, ls)
	controller.command(map[string]any{"type": "dispatch", "job_id": jobID, "team_id": team, "tech_ids": []string{tech}, "bay_id": bay})
	wait("the job dispatched", `!!document.querySelector("tr[data-job='`+jobID+`'] [data-stage=dispatched]")`)
	controller.command(map[string]any{"type": "clock_on", "job_id": jobID, "tech_id": tech})
	// The counter issues the estimate's parts from the pick list: the job
	// bills what it drew.
	var drawing struct {
		ToDraw []struct {
			Number string
			ToDraw float64 `json:"to_draw"`
		} `json:"to_draw"`
	}
	ls.Get("/api/v1/jobs/"+jobID, &drawing)
	if len(drawing.ToDraw) == 0 {
		t.Fatal("the estimate's parts are not on the job's pick list")
	}
	for _, l := range drawing.ToDraw {
		ls.Command(map[string]any{"type": "issue_part", "job_id": jobID, "number": l.Number, "quantity": l.ToDraw})
	}

	// The technician finds worn brake pads: the advisor is told, prices
	// the extra work (the findings page's own test does it there), calls
	// the customer and approves it on their behalf.
	controller.command(map[string]any{"type": "report_finding", "job_id": jobID, "description": "左前刹车片磨损", "hours": 0.5})
	wait("the advisor told of the finding", `[...document.querySelectorAll("#notices .notice")].some(n => n.textContent.includes("`+plate+`") && n.textContent.includes("增项"))`)
	wait("the finding to price", `!!document.querySelector("#detail [data-price]")`)
	var proposed []struct {
		ID, Status string
		JobID      string `json:"job_id"`
	}
	ls.Get("/api/v1/findings", &proposed)
	findingID := ""
	for _, fi := range proposed {
		if fi.Status == "proposed" && fi.JobID == jobID {
			findingID = fi.ID
		}
	}
	ls.Command(map[string]any{"type": "price_finding", "finding_id": findingID, "labour_price": 38000, "send": true})
	wait("the finding to approve", `!!document.querySelector("#detail [data-approve]")`)
	eval(`document.querySelector("#detail [data-approve]").click()`)
	wait("the approved work on the job", `!document.querySelector("#detail [data-approve]") && document.querySelector("#detail").textContent.includes("左前刹车片磨损") && document.querySelector("#detail .history").textContent.includes("增项已决定")`)
	controller.command(map[string]any{"type": "finish", "job_id": jobID, "tech_id": tech, "self_check": []string{"done"}})
	ls.Command(map[string]any{"type": "qc", "job_id": jobID, "step": "team", "pass": true})
	signInAs(t, ls, "qc").command(map[string]any{"type": "qc", "job_id": jobID, "step": "final", "pass": true})
	wait("the job washing", `!!document.querySelector("tr[data-job='`+jobID+`'] [data-stage=washing]")`)
	controller.command(map[string]any{"type": "wash_done", "job_id": jobID})
	wait("the advisor told the car is ready", `[...document.querySelectorAll("#notices .notice")].some(n => n.textContent.includes("`+plate+`") && n.textContent.includes("可以交车"))`)
	wait("the settlement offered once ready", `!!document.querySelector("#detail [data-print=settlement]")`)
	livetest.Screenshot(t, ctx, "desk-jobs")

	// Delivery: the settlement against the estimate and the payment.
	livetest.Open(t, ctx, ls.URL("/desk/delivery"))
	wait("the ready car", `!!document.querySelector("tr[data-job='`+jobID+`']")`)
	eval(`document.querySelector("tr[data-job='` + jobID + `']").click()`)
	wait("the delivery form", `!!document.querySelector("form#deliver")`)
	// The approved finding is the difference from the signed estimate,
	// and explains it.
	if diff := livetest.Eval[string](t, ctx, `document.querySelector("#difference").textContent`); !strings.Contains(diff, "+¥380.00") {
		t.Errorf("the settlement differs from the signed estimate by %q, want +¥380.00", diff)
	}
	if why := livetest.Eval[string](t, ctx, `document.querySelector("form#deliver").explanation.value`); why != "左前刹车片磨损" {
		t.Errorf("the explanation offered is %q", why)
	}
	eval(`(() => { const f = document.querySelector("form#deliver"); for (const n of ["work_shown", "old_parts_shown", "car_clean", "seat_restored"]) f[n].checked = true; })()`)
	livetest.Screenshot(t, ctx, "desk-delivery")
	// Before delivery is confirmed the settlement is a draft: the button
	// says so, and so does the PDF.
	if got := livetest.Eval[string](t, ctx, `document.querySelector("#detail [data-print=settlement][data-draft]")?.textContent || ""`); got != "打印草稿" {
		t.Errorf("before delivery the settlement's button says %q", got)
	}
	if text := settlementText(t, ls, jobID); !strings.Contains(text, "草稿 DRAFT") || !strings.Contains(text, "出门证（草稿，无效）") {
		t.Errorf("the settlement before delivery is not marked as a draft:\n%s", text)
	}
	// A payment without its method is refused next to the method.
	eval(`document.querySelector("form#deliver").requestSubmit()`)
	wait("the refusal next to the payment method", `document.querySelector("form#deliver select[name=payment_method]").closest("label").nextElementSibling?.classList.contains("field-error")`)
	var job struct {
		Job struct {
			Stage    string
			Delivery *struct{ Paid int64 }
		}
	}
	ls.Get("/api/v1/jobs/"+jobID, &job)
	if job.Job.Stage != "ready" {
		t.Fatalf("a refused delivery left the job %s", job.Job.Stage)
	}
	// A settlement that differs from the estimate needs its explanation.
	eval(`(() => { const f = document.querySelector("form#deliver"); f.payment_method.value = "wechat"; f.explanation.value = ""; f.requestSubmit(); })()`)
	wait("the refusal next to the explanation", `document.querySelector("form#deliver textarea[name=explanation]").closest("label").nextElementSibling?.textContent === "结算与预估不同，请说明原因"`)
	eval(`(() => { const f = document.querySelector("form#deliver"); f.explanation.value = "左前刹车片磨损，客户电话同意更换"; f.requestSubmit(); })()`)
	wait("the car delivered", `!!document.querySelector("#delivered") && !!document.querySelector("#detail [data-print=settlement]")`)
	ls.Get("/api/v1/jobs/"+jobID, &job)
	if job.Job.Stage != "delivered" || job.Job.Delivery == nil || job.Job.Delivery.Paid <= 0 {
		t.Fatalf("after delivery: %+v", job.Job)
	}
	if livetest.Eval[bool](t, ctx, `!!document.querySelector("#detail [data-print=settlement][data-draft]")`) {
		t.Errorf("after delivery the settlement's button still says draft")
	}
	if text := settlementText(t, ls, jobID); strings.Contains(text, "草稿") || strings.Contains(text, "DRAFT") || !strings.Contains(text, "微信支付") || !strings.Contains(text, "凭此证放行车辆") {
		t.Errorf("the settlement after delivery:\n%s", text)
	}

	// The follow-up call.
	livetest.Open(t, ctx, ls.URL("/desk/followups"))
	wait("the call due", `!!document.querySelector("form[data-job='`+jobID+`']")`)
	livetest.Screenshot(t, ctx, "desk-followups")
	eval(`document.querySelector("form[data-job='` + jobID + `']").requestSubmit()`)
	wait("the refusal next to the outcome", `document.querySelector("form[data-job='`+jobID+`'] [data-field=outcome]").nextElementSibling?.classList.contains("field-error")`)
	eval(`(() => { const f = document.querySelector("form[data-job='` + jobID + `']"); f.querySelector("input[value=satisfied]").checked = true; f.notes.value = "很满意"; f.requestSubmit(); })()`)
	wait("the call recorded", `!document.querySelector("form[data-job='`+jobID+`']")`)
	var follow struct {
		Job struct {
			FollowUp *struct{ Outcome string } `json:"follow_up"`
		}
	}
	ls.Get("/api/v1/jobs/"+jobID, &follow)
	if follow.Job.FollowUp == nil || follow.Job.FollowUp.Outcome != "satisfied" {
		t.Errorf("the follow-up is %+v", follow.Job.FollowUp)
	}

	// The KPI page counts the car among today's deliveries.
	livetest.Open(t, ctx, ls.URL("/desk/kpis"))
	wait("the KPI page", `!!document.getElementById("today")`)
	eval(`(document.getElementById("figures").dataset.from = "", document.getElementById("today").click())`)
	wait("today's figures", `!!document.getElementById("figures").dataset.from && !!document.querySelector("#figures .tile[data-kpi=delivered]")`)
	if got := livetest.Eval[string](t, ctx, `document.querySelector("#figures .tile[data-kpi=delivered]").dataset.value`); got != fmt.Sprint(kpisBefore.Delivered+1) {
		t.Errorf("the KPI page shows %s delivered today; %d were before this car", got, kpisBefore.Delivered)
	}

	// In English too, every page has all its words.
	for _, page := range []string{"jobs?job=" + jobID, "appointments", "reception", "delivery?job=" + jobID, "followups"} {
		sep := "?"
		if strings.Contains(page, "?") {
			sep = "&"
		}
		livetest.Open(t, ctx, ls.URL("/desk/"+page+sep+"lang=en"))
		wait("the page "+page+" in English", `document.documentElement.lang === "en" && document.querySelector("#main h1")?.textContent.length > 0 && !document.querySelector("#main .error") && document.body.dataset.drawn === "ok"`)
		if text := livetest.Eval[string](t, ctx, `document.body.innerText`); strings.Contains(text, "desk.") || strings.Contains(text, "staff.") {
			t.Errorf("%s in English shows a message key:\n%s", page, text)
		}
	}
}

// freeCrew finds a technician with nothing to do, their team and a free
// bay their skills fit.
func freeCrew(t *testing.T, ls *livetest.Server) (team, tech, bay string) {
	t.Helper()
	var w struct {
		Bays []struct {
			Bay struct{ ID, Kind string }
			Job *struct{}
		}
		FreeTechs []string `json:"free_techs"`
	}
	ls.Get("/api/v1/workshop", &w)
	var techs []struct {
		ID, Name string
		TeamID   string `json:"team_id"`
		Skills   []string
	}
	ls.Get("/api/v1/technicians", &techs)
	for _, name := range w.FreeTechs {
		for _, tc := range techs {
			if tc.Name != name {
				continue
			}
			for _, b := range w.Bays {
				if b.Job != nil {
					continue
				}
				for _, s := range tc.Skills {
					if s == b.Bay.Kind {
						return tc.TeamID, tc.ID, b.Bay.ID
					}
				}
			}
		}
	}
	t.Fatalf("no free technician with a free bay: %+v", w.FreeTechs)
	return
}

// fakePrinter is an IPP printer that takes every job as job 7, pending.
func fakePrinter(t *testing.T) string {
	attr := func(b []byte, tag byte, name string, value []byte) []byte {
		b = append(b, tag)
		b = binary.BigEndian.AppendUint16(b, uint16(len(name)))
		b = append(b, name...)
		b = binary.BigEndian.AppendUint16(b, uint16(len(value)))
		return append(b, value...)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		b := []byte{1, 1, 0, 0, 0, 0, 0, 1, 0x01}
		b = attr(b, 0x47, "attributes-charset", []byte("utf-8"))
		b = attr(b, 0x48, "attributes-natural-language", []byte("en"))
		b = append(b, 0x02)
		b = attr(b, 0x45, "job-uri", []byte("ipp://127.0.0.1/jobs/7"))
		b = attr(b, 0x21, "job-id", binary.BigEndian.AppendUint32(nil, 7))
		b = attr(b, 0x23, "job-state", binary.BigEndian.AppendUint32(nil, 3))
		w.Header().Set("Content-Type", "application/ipp")
		w.Write(append(b, 0x03))
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/printers/front-desk"
}

// cupsUp says whether a CUPS answers on this machine (the demo's printers
// point at it).
func cupsUp() bool {
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", "127.0.0.1:631")
	if err != nil {
		return false
	}
	conn.Close()
	return true
}
