package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"bayboard/internal/demo"
	"bayboard/internal/livetest"
	"bayboard/internal/shop"
)

// signIn signs a demo login in and waits for the page it asked for. The
// session comes from the API, as the sign-in page gets it, and goes to the
// browser as the page's cookie: a test of another page starts on it, one
// page load (about 0.2 s of Chromium's CPU) sooner. The sign-in page's own
// form and where it sends a person are TestSigningInAtTheDesk's and
// TestSignInGoesOnlyToAPageOfThisServer's.
func signIn(t *testing.T, ctx context.Context, ls *livetest.Server, login, next string) {
	t.Helper()
	ls.SignIn(ctx, login, demo.Password)
	livetest.Open(t, ctx, ls.URL(next))
	livetest.WaitFor(t, ctx, next, `location.pathname === `+quote(next)+` && !document.querySelector("#main > p.muted[data-i18n]")`, 10*time.Second)
}

// fill is livetest.Fill: a form filled in as a person would.
func fill(t *testing.T, ctx context.Context, form string, values map[string]any, submit bool) {
	t.Helper()
	livetest.Fill(t, ctx, form, values, submit)
}

// eventually polls the API (as the manager) until ok holds.
func eventually[T any](t *testing.T, ls *livetest.Server, path, what string, ok func(T) bool) T {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var v T
		ls.Get(path, &v)
		if ok(v) {
			return v
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %s never showed it: %+v", what, path, v)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

type settingsView struct {
	Name             string     `json:"name"`
	Currency         string     `json:"currency"`
	Hours            shop.Hours `json:"hours"`
	LoungeMessage    string     `json:"lounge_message"`
	QCMinutes        int        `json:"qc_minutes"`
	KioskIdleMinutes int        `json:"kiosk_idle_minutes"`
}

// The manager changes the shop's settings and they are saved; a bad
// currency and a bad opening time are said next to their fields, and
// nothing of that form is saved.
func TestTheManagerChangesTheShopSettings(t *testing.T) {
	ls := startShop(t, livetest.Options{Demo: true})
	ctx := livetest.Browser(t, 1366, 768)
	signIn(t, ctx, ls, "manager", "/admin/settings")
	livetest.WaitFor(t, ctx, "the settings form", `!!document.querySelector("#settings input[name=currency]")`, 10*time.Second)
	fill(t, ctx, "#settings", map[string]any{"name": "京城汽车服务中心", "lounge_message": "今日保养套餐九折", "qc_minutes": "25", "kiosk_idle_minutes": "45"}, true)
	eventually(t, ls, "/api/v1/settings", "the saved settings", func(s settingsView) bool {
		return s.Name == "京城汽车服务中心" && s.LoungeMessage == "今日保养套餐九折" && s.QCMinutes == 25 && s.KioskIdleMinutes == 45
	})
	livetest.WaitFor(t, ctx, "the saved notice", `!!document.querySelector(".notice.ok")`, 5*time.Second)
	livetest.Screenshot(t, ctx, "admin-settings")

	fill(t, ctx, "#settings", map[string]any{"name": "不该保存的名字", "currency": "yuan", "day0_opens": "25:99"}, true)
	livetest.WaitFor(t, ctx, "the errors next to their fields", `(() => {
		const after = (n) => document.querySelector("#settings input[name=" + n + "]").closest("label").nextElementSibling;
		return after("currency")?.classList.contains("field-error") && after("day0_opens")?.classList.contains("field-error");
	})()`, 10*time.Second)
	msg := livetest.Eval[string](t, ctx, `document.querySelector("#settings input[name=currency]").closest("label").nextElementSibling.textContent`)
	if !strings.Contains(msg, "CNY") && !strings.Contains(msg, "货币") {
		t.Errorf("the currency's error says %q", msg)
	}
	livetest.Screenshot(t, ctx, "admin-settings-errors")
	var s settingsView
	ls.Get("/api/v1/settings", &s)
	if s.Name != "京城汽车服务中心" || s.Currency != "CNY" || s.Hours.Week[0].Opens == "25:99" {
		t.Errorf("a refused form changed the settings: %+v", s)
	}
}

// The manager sets the shop's week: a lunch break on Monday copied to the
// other weekdays, a short Saturday, Sunday closed and 春节 off. A lunch
// outside the day and a closed day listed twice are refused next to their
// fields, and nothing of that form is saved.
func TestTheManagerSetsTheOpeningHours(t *testing.T) {
	ls := startShop(t, livetest.Options{Demo: true})
	ctx := livetest.Browser(t, 1366, 900)
	signIn(t, ctx, ls, "manager", "/admin/settings")
	livetest.WaitFor(t, ctx, "the week", `document.querySelectorAll("#week tr.day").length === 7`, 10*time.Second)
	fill(t, ctx, "#settings", map[string]any{"day0_lunch_from": "12:00", "day0_lunch_to": "13:30",
		"day5_opens": "09:00", "day5_closes": "16:00", "day6_open": false}, false)
	livetest.Eval[bool](t, ctx, `(() => {
			document.getElementById("copy-monday").click();
			document.getElementById("add-closed-day").click();
			const row = document.querySelector("#closed-days tr.closed-day:last-child");
			row.querySelector("input[name=closed_date]").value = "2027-02-06";
			row.querySelector("input[name=closed_name]").value = "春节";
			return true;
		})()`)
	fill(t, ctx, "#settings", map[string]any{}, true)
	s := eventually(t, ls, "/api/v1/settings", "the saved week", func(s settingsView) bool {
		return len(s.Hours.Week) == 7 && s.Hours.Week[6].Closed
	})
	want := shop.Hours{Week: []shop.DayHours{
		{Opens: "08:00", Closes: "18:00", LunchFrom: "12:00", LunchTo: "13:30"},
		{Opens: "08:00", Closes: "18:00", LunchFrom: "12:00", LunchTo: "13:30"},
		{Opens: "08:00", Closes: "18:00", LunchFrom: "12:00", LunchTo: "13:30"},
		{Opens: "08:00", Closes: "18:00", LunchFrom: "12:00", LunchTo: "13:30"},
		{Opens: "08:00", Closes: "18:00", LunchFrom: "12:00", LunchTo: "13:30"},
		{Opens: "09:00", Closes: "16:00"},
		{Closed: true, Opens: "08:00", Closes: "18:00"},
	}, ClosedDays: []shop.ClosedDay{{Date: "2027-02-06", Name: "春节"}}}
	got, _ := json.Marshal(s.Hours)
	if wanted, _ := json.Marshal(want); string(got) != string(wanted) {
		t.Errorf("saved hours:\n%s\nwant\n%s", got, wanted)
	}
	livetest.WaitFor(t, ctx, "the saved notice", `!!document.querySelector(".notice.ok")`, 5*time.Second)
	livetest.Eval[bool](t, ctx, `(() => { document.getElementById("hours").scrollIntoView(); return true })()`)
	livetest.Screenshot(t, ctx, "admin-settings-hours")

	// A lunch before opening, and the same day off twice.
	fill(t, ctx, "#settings", map[string]any{"day2_lunch_from": "07:00"}, false)
	livetest.Eval[bool](t, ctx, `(() => {
			document.getElementById("add-closed-day").click();
			document.querySelector("#closed-days tr.closed-day:last-child input[name=closed_date]").value = "2027-02-06";
			return true;
		})()`)
	fill(t, ctx, "#settings", map[string]any{}, true)
	livetest.WaitFor(t, ctx, "the errors next to their fields", `(() => {
			const after = (sel) => document.querySelector(sel).closest("label").nextElementSibling;
			return after("#settings input[name=day2_lunch_from]")?.classList.contains("field-error") &&
				after("#closed-days tr.closed-day:last-child input[name=closed_date]")?.classList.contains("field-error");
		})()`, 10*time.Second)
	msg := livetest.Eval[string](t, ctx, `document.querySelector("#settings input[name=day2_lunch_from]").closest("label").nextElementSibling.textContent`)
	if msg != "午休须在营业时间之内" {
		t.Errorf("the lunch's error says %q", msg)
	}
	livetest.Eval[bool](t, ctx, `(() => { document.getElementById("hours").scrollIntoView(); return true })()`)
	livetest.Screenshot(t, ctx, "admin-settings-hours-errors")
	var after settingsView
	ls.Get("/api/v1/settings", &after)
	if again, _ := json.Marshal(after.Hours); string(again) != string(got) {
		t.Errorf("a refused form changed the hours: %s", again)
	}

	// The same week in English.
	livetest.Open(t, ctx, ls.URL("/admin/settings?lang=en"))
	livetest.WaitFor(t, ctx, "the week in English", `document.querySelectorAll("#week tr.day").length === 7 && document.querySelector("#hours legend").textContent === "Opening hours"`, 10*time.Second)
	if days := livetest.Eval[string](t, ctx, `[...document.querySelectorAll("#week tr.day th")].map((th) => th.textContent).join(",")`); days != "Monday,Tuesday,Wednesday,Thursday,Friday,Saturday,Sunday" {
		t.Errorf("the week's days: %s", days)
	}
	if v := livetest.Eval[string](t, ctx, `document.querySelector("#settings input[name=day3_lunch_to]").value + " " + document.querySelector("#closed-days input[name=closed_name]").value`); v != "13:30 春节" {
		t.Errorf("the saved week is not what the page shows: %q", v)
	}
	livetest.Eval[bool](t, ctx, `(() => { document.getElementById("hours").scrollIntoView(); return true })()`)
	livetest.Screenshot(t, ctx, "admin-settings-hours-en")
}

type idName struct {
	ID     string   `json:"id"`
	Name   string   `json:"name"`
	TeamID string   `json:"team_id"`
	UserID string   `json:"user_id"`
	Skills []string `json:"skills"`
	Kind   string   `json:"kind"`
	Active bool     `json:"active"`
}

type userRow struct {
	ID        string   `json:"id"`
	Login     string   `json:"login"`
	Roles     []string `json:"roles"`
	BadgeCode string   `json:"badge_code"`
}

func find[T any](list []T, ok func(T) bool) (T, bool) {
	for _, v := range list {
		if ok(v) {
			return v, true
		}
	}
	var zero T
	return zero, false
}

// The manager sets the shop up in the browser: a bay, a team, a
// technician with badge and PIN (who can then sign in with them), a user
// with roles, a paired screen and a catalogue operation.
func TestTheManagerSetsUpTheShop(t *testing.T) {
	ls := startShop(t, livetest.Options{Demo: true})
	ctx := livetest.Browser(t, 1366, 768)

	signIn(t, ctx, ls, "manager", "/admin/bays")
	livetest.WaitFor(t, ctx, "the bays", `document.querySelectorAll(".editor-list tbody tr").length >= 12`, 10*time.Second)
	// Sent twice at once (a double click), the form makes one bay.
	fill(t, ctx, "form.editor", map[string]any{"name": "机修13", "kind": "general"}, false)
	livetest.Eval[bool](t, ctx, `(() => { const f = document.querySelector("form.editor"); f.requestSubmit(); f.requestSubmit(); return true })()`)
	eventually(t, ls, "/api/v1/bays", "the new bay", func(bays []idName) bool {
		_, ok := find(bays, func(b idName) bool { return b.Name == "机修13" && b.Kind == "general" && b.Active })
		return ok
	})
	livetest.WaitFor(t, ctx, "the bay in the list", `[...document.querySelectorAll(".editor-list tbody tr")].some((r) => r.textContent.includes("机修13"))`, 10*time.Second)
	var bays []idName
	ls.Get("/api/v1/bays", &bays)
	n := 0
	for _, b := range bays {
		if b.Name == "机修13" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("a form sent twice made %d bays", n)
	}
	// A bay without a name is refused next to the field.
	livetest.Eval[bool](t, ctx, `(document.getElementById("new").click(), true)`)
	fill(t, ctx, "form.editor", map[string]any{"name": " "}, true)
	livetest.WaitFor(t, ctx, "the name's error", `document.querySelector("form.editor input[name=name]").closest("label").nextElementSibling?.classList.contains("field-error")`, 10*time.Second)
	livetest.Screenshot(t, ctx, "admin-bays")
	ls.Get("/api/v1/bays", &bays)
	if len(bays) != 13 {
		t.Errorf("%d bays after a refused one, want 13", len(bays))
	}

	livetest.Open(t, ctx, ls.URL("/admin/teams"))
	livetest.WaitFor(t, ctx, "the teams", `document.querySelectorAll(".editor-list tbody tr").length >= 4`, 10*time.Second)
	fill(t, ctx, "form.editor", map[string]any{"name": "夜班组"}, true)
	teams := eventually(t, ls, "/api/v1/teams", "the new team", func(teams []idName) bool {
		_, ok := find(teams, func(tm idName) bool { return tm.Name == "夜班组" })
		return ok
	})
	team, _ := find(teams, func(tm idName) bool { return tm.Name == "夜班组" })

	livetest.Open(t, ctx, ls.URL("/admin/technicians"))
	livetest.WaitFor(t, ctx, "the technicians", `document.querySelectorAll(".editor-list tbody tr").length >= 16 && [...document.querySelectorAll("form.editor select[name=team_id] option")].some((o) => o.value === `+quote(team.ID)+`)`, 10*time.Second)
	// A PIN too short is refused next to it, and no technician is made.
	fill(t, ctx, "form.editor", map[string]any{"name": "李明", "team_id": team.ID, "skill": []string{"general", "diagnosis"}, "badge_code": "B2001", "pin": "12"}, true)
	livetest.WaitFor(t, ctx, "the PIN's error", `document.querySelector("form.editor input[name=pin]").closest("label").nextElementSibling?.classList.contains("field-error")`, 10*time.Second)
	var techs []idName
	ls.Get("/api/v1/technicians", &techs)
	if _, ok := find(techs, func(x idName) bool { return x.Name == "李明" }); ok {
		t.Fatal("a refused technician was saved")
	}
	fill(t, ctx, "form.editor", map[string]any{"pin": "5678"}, true)
	techs = eventually(t, ls, "/api/v1/technicians", "the new technician", func(techs []idName) bool {
		_, ok := find(techs, func(x idName) bool { return x.Name == "李明" && x.UserID != "" })
		return ok
	})
	tech, _ := find(techs, func(x idName) bool { return x.Name == "李明" })
	if tech.TeamID != team.ID || strings.Join(tech.Skills, ",") != "general,diagnosis" {
		t.Errorf("the technician is %+v", tech)
	}
	livetest.WaitFor(t, ctx, "the technician in the list", `[...document.querySelectorAll(".editor-list tbody tr")].some((r) => r.textContent.includes("B2001"))`, 10*time.Second)
	livetest.Screenshot(t, ctx, "admin-technicians")
	if code := post(t, ls, "/api/v1/session", map[string]any{"badge": "B2001", "pin": "5678"}); code != http.StatusOK {
		t.Errorf("the new badge and PIN sign in with %d", code)
	}
	// The PIN is reset from the technician's form, opened from their row.
	livetest.Eval[bool](t, ctx, `(document.querySelector('.editor-list tr[data-id=`+quote(tech.ID)+`]').click(), true)`)
	livetest.WaitFor(t, ctx, "the technician's form", `document.querySelector("form.editor").dataset.editing === `+quote(tech.ID), 5*time.Second)
	fill(t, ctx, "form.editor", map[string]any{"pin": "9090"}, true)
	// Once saved, the form is drawn again with the PIN field empty.
	livetest.WaitFor(t, ctx, "the saved PIN", `document.querySelector("form.editor input[name=pin]").value === "" && !document.querySelector("form.editor .field-error, form.editor .form-error")`, 10*time.Second)
	if code := post(t, ls, "/api/v1/session", map[string]any{"badge": "B2001", "pin": "9090"}); code != http.StatusOK {
		t.Errorf("the reset PIN signs in with %d", code)
	}

	livetest.Open(t, ctx, ls.URL("/admin/users"))
	livetest.WaitFor(t, ctx, "the users", `document.querySelectorAll(".editor-list tbody tr").length >= 10`, 10*time.Second)
	fill(t, ctx, "form.editor", map[string]any{"login": "cashier2", "name": "钱多多", "role": []string{"cashier", "followup"}, "password": "a-long-password"}, true)
	users := eventually(t, ls, "/api/v1/users", "the new user", func(users []userRow) bool {
		_, ok := find(users, func(u userRow) bool { return u.Login == "cashier2" })
		return ok
	})
	u, _ := find(users, func(u userRow) bool { return u.Login == "cashier2" })
	if strings.Join(u.Roles, ",") != "cashier,followup" {
		t.Errorf("the new user's roles are %v", u.Roles)
	}
	if code := post(t, ls, "/api/v1/session", map[string]any{"login": "cashier2", "password": "a-long-password"}); code != http.StatusOK {
		t.Errorf("the new user signs in with %d", code)
	}
	livetest.Screenshot(t, ctx, "admin-users")

	// A screen asks to pair and shows its code; the manager approves it.
	var pairing struct {
		Code string `json:"code"`
		ID   string `json:"device_id"`
	}
	res := ls.Post("/api/v1/devices/pair", map[string]any{"name": "lounge"})
	json.NewDecoder(res.Body).Decode(&pairing)
	res.Body.Close()
	livetest.Open(t, ctx, ls.URL("/admin/devices"))
	livetest.WaitFor(t, ctx, "the waiting screen", `document.querySelector("#devices")?.textContent.includes(`+quote(pairing.Code)+`)`, 10*time.Second)
	fill(t, ctx, "#approve", map[string]any{"code": "12", "name": "休息区电视", "view": []string{"lounge"}, "lang": "en"}, true)
	livetest.WaitFor(t, ctx, "the code's error", `document.querySelector("#approve input[name=code]").closest("label").nextElementSibling?.classList.contains("field-error")`, 10*time.Second)
	fill(t, ctx, "#approve", map[string]any{"code": pairing.Code}, true)
	type device struct {
		ID       string   `json:"id"`
		Name     string   `json:"name"`
		Approved bool     `json:"approved"`
		Views    []string `json:"views"`
		Lang     string   `json:"lang"`
	}
	eventually(t, ls, "/api/v1/devices", "the approved screen", func(ds []device) bool {
		d, ok := find(ds, func(d device) bool { return d.ID == pairing.ID })
		return ok && d.Approved && d.Name == "休息区电视" && strings.Join(d.Views, ",") == "lounge" && d.Lang == "en"
	})
	// Renamed and given a second view.
	row := `[...document.querySelectorAll("#devices tr")].find((r) => r.dataset.id === ` + quote(pairing.ID) + ` && r.querySelector(".flag.green"))?.querySelector("button:not(.danger)")`
	livetest.WaitFor(t, ctx, "the paired screen", "!!"+row, 10*time.Second)
	livetest.Eval[bool](t, ctx, "("+row+".click(), true)")
	livetest.WaitFor(t, ctx, "the screen's form", `!!document.querySelector("#device-form")`, 5*time.Second)
	fill(t, ctx, "#device-form", map[string]any{"name": "休息区电视 2", "view": []string{"lounge", "appointments"}}, true)
	eventually(t, ls, "/api/v1/devices", "the renamed screen", func(ds []device) bool {
		d, ok := find(ds, func(d device) bool { return d.ID == pairing.ID })
		return ok && d.Name == "休息区电视 2" && strings.Join(d.Views, ",") == "lounge,appointments"
	})
	livetest.WaitFor(t, ctx, "the list", `document.querySelector("#devices").textContent.includes("休息区电视 2")`, 5*time.Second)
	livetest.Screenshot(t, ctx, "admin-devices")

	livetest.Open(t, ctx, ls.URL("/admin/catalog"))
	livetest.WaitFor(t, ctx, "the catalogue", `!!document.querySelector("#operations form.editor input[name=code]")`, 10*time.Second)
	fill(t, ctx, "#operations form.editor", map[string]any{"code": "T-100", "name": "更换雨刮 Wiper blades", "sold_hours": "0.3", "price": "x"}, true)
	livetest.WaitFor(t, ctx, "the price's error", `document.querySelector("#operations input[name=price]").closest("label").nextElementSibling?.classList.contains("field-error")`, 10*time.Second)
	fill(t, ctx, "#operations form.editor", map[string]any{"price": "45.00"}, true)
	type operation struct {
		Code      string  `json:"code"`
		Name      string  `json:"name"`
		SoldHours float64 `json:"sold_hours"`
		Price     int     `json:"price"`
		Active    bool    `json:"active"`
	}
	eventually(t, ls, "/api/v1/operations", "the new operation", func(ops []operation) bool {
		_, ok := find(ops, func(o operation) bool {
			return o.Code == "T-100" && o.Name == "更换雨刮 Wiper blades" && o.SoldHours == 0.3 && o.Price == 4500 && o.Active
		})
		return ok
	})
	livetest.WaitFor(t, ctx, "the operation in the list", `document.querySelector("#operations .editor-list").textContent.includes("T-100")`, 5*time.Second)
	livetest.Screenshot(t, ctx, "admin-catalog")

	for _, page := range []string{"printers", "export"} {
		livetest.Open(t, ctx, ls.URL("/admin/"+page))
		livetest.WaitFor(t, ctx, "the "+page+" page", `!!document.querySelector("#main h1") && !document.body.innerText.includes("admin.")`, 10*time.Second)
		livetest.Screenshot(t, ctx, "admin-"+page)
	}
}

// post sends JSON without credentials and says the answer's status.
func post(t *testing.T, ls *livetest.Server, path string, body any) int {
	t.Helper()
	raw, _ := json.Marshal(body)
	res, err := http.Post(ls.URL(path), "application/json", strings.NewReader(string(raw)))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// The admin pages are the manager's: an advisor who opens one is told so
// and sees no form.
func TestAnAdvisorIsToldTheAdminIsTheManagers(t *testing.T) {
	ls := startShop(t, livetest.Options{Demo: true})
	ctx := livetest.Browser(t, 1366, 768)
	signIn(t, ctx, ls, "advisor1", "/admin/settings")
	livetest.WaitFor(t, ctx, "the refusal", `!!document.getElementById("managers-only") && !document.querySelector("#main form")`, 10*time.Second)
	if n := livetest.Eval[int](t, ctx, `document.querySelectorAll(".nav a[href^='/admin/']").length`); n != 0 {
		t.Errorf("an advisor's navigation lists %d admin pages", n)
	}
}

// startShop starts a live shop for a browser test and lets the test run
// beside this package's other browser tests: each has a shop and a browser
// context of its own. The package is the suite's longest and, in `go test
// ./...`, the last to start: side by side its tests take the second core
// once the other packages are done, instead of leaving it idle.
func startShop(t *testing.T, opts livetest.Options) *livetest.Server {
	t.Helper()
	t.Parallel()
	return livetest.Start(t, opts)
}

// carWithoutAJob is the demo shop's first car (by id) with no open job:
// one the desk can receive.
func carWithoutAJob(t *testing.T, st *shop.State) *shop.Vehicle {
	t.Helper()
	busy := map[string]bool{}
	for _, j := range st.OpenJobs() {
		busy[j.VehicleID] = true
	}
	var car *shop.Vehicle
	for _, v := range st.Vehicles {
		if !busy[v.ID] && (car == nil || v.ID < car.ID) {
			car = v
		}
	}
	if car == nil {
		t.Fatal("the demo shop has no car without a job")
	}
	return car
}
