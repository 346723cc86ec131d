package web_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"bayboard/internal/demo"
	"bayboard/internal/livetest"
	"bayboard/internal/shop"
)

// covered lists the controls, labels and headings of a form (by CSS
// selector) that a notice (any element the selector notices matches) lies
// over, even in part.
func covered(notices, form string) string {
	return fmt.Sprintf(`(() => {
		const boxes = [...document.querySelectorAll(%s)].filter((n) => !n.hidden).map((n) => n.getBoundingClientRect());
		const hit = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
		const form = document.querySelector(%s);
		return [...form.querySelectorAll("input, select, textarea, button, label, h2")]
			.filter((c) => { const r = c.getBoundingClientRect(); return r.width > 0 && boxes.some((b) => hit(b, r)); })
			.map((c) => c.name || c.textContent).join(", ");
	})()`, quote(notices), quote(form))
}

// After a save the editor is empty for the next item, with the saved one
// marked in the list: the next name typed makes a second bay, it does not
// rename the first. Changing a bay is a choice: a click on its row. The
// "saved" notice sits above the form and covers none of it.
func TestAnEditorIsEmptyForTheNextItemAfterASave(t *testing.T) {
	ls := startShop(t, livetest.Options{Demo: true})
	ctx := livetest.Browser(t, 1366, 768)
	signIn(t, ctx, ls, "manager", "/admin/bays")
	livetest.WaitFor(t, ctx, "the bays", `document.querySelectorAll(".editor-list tbody tr").length >= 12`, 10*time.Second)
	var before []idName
	ls.Get("/api/v1/bays", &before)

	fill(t, ctx, "form.editor", map[string]any{"name": "机修13", "kind": "general"}, true)
	livetest.WaitFor(t, ctx, "the saved bay marked, the form empty", `(() => {
		const f = document.querySelector("form.editor");
		const row = [...document.querySelectorAll(".editor-list tbody tr.saved")].find((r) => r.textContent.includes("机修13"));
		return !!row && f.dataset.editing === "" && f.elements.name.value === "" && document.activeElement === f.elements.name;
	})()`, 10*time.Second)
	if got := livetest.Eval[string](t, ctx, covered(".editor-form > .notice, #notices .notice", "form.editor")); got != "" {
		t.Errorf("the saved notice covers %s", got)
	}
	if !livetest.Eval[bool](t, ctx, `!!document.querySelector(".editor-form > .notice.ok")`) {
		t.Error("the save is not said above the form")
	}
	livetest.Screenshot(t, ctx, "admin-bays-saved")

	fill(t, ctx, "form.editor", map[string]any{"name": "机修14", "kind": "alignment"}, true)
	livetest.WaitFor(t, ctx, "the second bay in the list", `[...document.querySelectorAll(".editor-list tbody tr.saved")].some((r) => r.textContent.includes("机修14"))`, 10*time.Second)
	var after []idName
	ls.Get("/api/v1/bays", &after)
	b13, ok13 := find(after, func(b idName) bool { return b.Name == "机修13" && b.Kind == "general" })
	_, ok14 := find(after, func(b idName) bool { return b.Name == "机修14" && b.Kind == "alignment" })
	if !ok13 || !ok14 || len(after) != len(before)+2 {
		t.Fatalf("after two saves the bays are %+v, want the %d before and 机修13 and 机修14", after, len(before))
	}

	// A click on a row opens that bay; saving it changes it, not a new one.
	livetest.Eval[bool](t, ctx, `(document.querySelector('.editor-list tr[data-id=`+quote(b13.ID)+`]').click(), true)`)
	livetest.WaitFor(t, ctx, "the bay's form", `document.querySelector("form.editor").dataset.editing === `+quote(b13.ID), 5*time.Second)
	fill(t, ctx, "form.editor", map[string]any{"name": "机修13A"}, true)
	eventually(t, ls, "/api/v1/bays", "the renamed bay", func(bays []idName) bool {
		b, ok := find(bays, func(b idName) bool { return b.ID == b13.ID })
		return ok && b.Name == "机修13A" && len(bays) == len(before)+2
	})
	livetest.WaitFor(t, ctx, "the form empty again", `document.querySelector("form.editor").dataset.editing === ""`, 5*time.Second)
}

// lookFor searches the booking form for a plate.
func lookFor(plate string) string {
	return `(() => {
		const f = document.querySelector("form#book");
		f.q.value = ` + quote(plate) + `;
		f.q.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
		return true;
	})()`
}

// someCar is a registered car of the demo shop, the first by id.
func someCar(t *testing.T, ls *livetest.Server) *shop.Vehicle {
	t.Helper()
	st := ls.Engine.State()
	ids := make([]string, 0, len(st.Vehicles))
	for id := range st.Vehicles {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return st.Vehicles[ids[0]]
}

type appointmentRow struct {
	ID         string `json:"id"`
	CustomerID string `json:"customer_id"`
	VehicleID  string `json:"vehicle_id"`
	Requested  string `json:"requested"`
}

// The desk loses the server while booking: the page says so under the
// header, and the booking says it was not confirmed, with a button to
// send it again. When the server is back the banner goes by itself; the
// booking sent again is booked once (its key is the first try's), and
// the form is empty for the next booking, the "booked" notice above the
// page and over none of the form.
func TestTheDeskComesBackAfterTheLinkDrops(t *testing.T) {
	ls := startShop(t, livetest.Options{Demo: true})
	ctx := livetest.Browser(t, 1366, 768)
	signIn(t, ctx, ls, "advisor1", "/desk/appointments")
	livetest.WaitFor(t, ctx, "the appointments page", `!!document.querySelector("form#book") && !!document.querySelector("[data-day]")`, 10*time.Second)
	car := someCar(t, ls)
	livetest.Eval[bool](t, ctx, lookFor(car.Plate))
	livetest.WaitFor(t, ctx, "the car found", `!!document.querySelector('[data-pick=`+quote(car.Plate)+`]')`, 10*time.Second)
	livetest.Eval[bool](t, ctx, `(document.querySelector('[data-pick=`+quote(car.Plate)+`]').click(), true)`)
	livetest.WaitFor(t, ctx, "the car chosen", `document.querySelector("#chosen .plate")?.textContent === `+quote(car.Plate), 5*time.Second)
	bookAt := ls.Clock.Now().Add(2 * time.Hour).In(demo.Location()).Format("2006-01-02T15:04")
	livetest.Eval[bool](t, ctx, `(() => {
		const f = document.querySelector("form#book");
		f.at.value = "`+bookAt+`";
		f.requested.value = "换机油 Oil change";
		window.sent = [];
		const real = window.fetch;
		window.fetch = (url, init) => {
			if (String(url).endsWith("/api/v1/commands")) window.sent.push({ key: init.headers["Idempotency-Key"], body: init.body });
			return real(url, init);
		};
		window.samePage = true;
		return true;
	})()`)
	var list []appointmentRow
	ls.Get("/api/v1/appointments", &list)
	before := len(list)

	ls.Stop()
	livetest.Eval[bool](t, ctx, `(document.querySelector("form#book").requestSubmit(), true)`)
	livetest.WaitFor(t, ctx, "the banner and the resend button", `!!document.getElementById("link-down") && !!document.querySelector("form#book .form-error.offline .resend")`, 10*time.Second)
	livetest.Screenshot(t, ctx, "desk-link-down")
	ls.Restart()
	took := livetest.WaitFor(t, ctx, "the banner gone", `!document.getElementById("link-down")`, 20*time.Second)
	t.Logf("the banner went %v after the server started", took)
	livetest.Eval[bool](t, ctx, `(document.querySelector("form#book .resend").click(), true)`)
	livetest.WaitFor(t, ctx, "the booking in the list", `[...document.querySelectorAll("tr[data-appointment] .plate")].some((td) => td.textContent.startsWith(`+quote(car.Plate)+`))`, 10*time.Second)
	ls.Get("/api/v1/appointments", &list)
	booked := 0
	for _, a := range list {
		if a.VehicleID == car.ID && a.Requested == "换机油 Oil change" {
			booked++
		}
	}
	if len(list) != before+1 || booked != 1 {
		t.Errorf("%d appointments made, %d of them the booking, want one", len(list)-before, booked)
	}
	if !livetest.Eval[bool](t, ctx, `window.samePage === true && window.sent.length === 2 && !!window.sent[0].key && window.sent[0].key === window.sent[1].key && window.sent[0].body === window.sent[1].body`) {
		t.Errorf("the resend was not the first try again: %s", livetest.Eval[string](t, ctx, `JSON.stringify(window.sent)`))
	}

	// The form is empty for the next booking.
	livetest.WaitFor(t, ctx, "the booking form empty", `(() => {
		const f = document.querySelector("form#book");
		return f.q.value === "" && f.requested.value === "" && f.stage_parts.value === "" && document.getElementById("new-fields").hidden &&
			!document.querySelector("#chosen .plate") && !document.querySelector("form#book .hits").children.length && !f.querySelector(".form-error");
	})()`, 5*time.Second)
	livetest.WaitFor(t, ctx, "the booked notice", `!!document.querySelector("#notices .notice.ok")`, 5*time.Second)
	// Wherever the page is scrolled to: here, the form just under the header.
	livetest.Eval[bool](t, ctx, `(scrollTo(0, document.querySelector("form#book").getBoundingClientRect().top + scrollY - document.querySelector(".bar").offsetHeight), true)`)
	if got := livetest.Eval[string](t, ctx, covered("#notices .notice", "form#book")); got != "" {
		t.Errorf("the booked notice covers %s", got)
	}
	livetest.Screenshot(t, ctx, "desk-booked")
}

// A new customer whose car's plate is registered already (typed without
// its dot) is not made: the plate is refused and the car is offered with
// its owner, and the booking is theirs.
func TestBookingARegisteredPlateFindsItsCustomer(t *testing.T) {
	ls := startShop(t, livetest.Options{Demo: true})
	ctx := livetest.Browser(t, 1366, 768)
	signIn(t, ctx, ls, "advisor1", "/desk/appointments")
	livetest.WaitFor(t, ctx, "the appointments page", `!!document.querySelector("form#book") && !!document.querySelector("[data-day]")`, 10*time.Second)
	car := someCar(t, ls)
	customers := func() int {
		var list []map[string]any
		ls.Get("/api/v1/customers", &list)
		return len(list)
	}
	before := customers()
	typed := strings.ReplaceAll(car.Plate, "·", "")
	bookAt := ls.Clock.Now().Add(2 * time.Hour).In(demo.Location()).Format("2006-01-02T15:04")
	livetest.Eval[bool](t, ctx, `(() => {
		const f = document.querySelector("form#book");
		document.querySelector("#new-customer").click();
		f.name.value = "周先生"; f.phone.value = "13700001111"; f.model.value = "途胜";
		f.at.value = "`+bookAt+`";
		f.requested.value = "保养";
		f.plate.value = `+quote(typed)+`;
		f.requestSubmit();
		return true;
	})()`)
	livetest.WaitFor(t, ctx, "the plate refused and its car offered", `document.querySelector("form#book input[name=plate]").closest("label").nextElementSibling?.classList.contains("field-error") && !!document.getElementById("use-registered")`, 10*time.Second)
	if got := livetest.Eval[string](t, ctx, `document.getElementById("registered").textContent`); !strings.Contains(got, car.Plate) || !strings.Contains(got, ls.Engine.State().Customers[car.CustomerID].Name) {
		t.Errorf("the offer says %q", got)
	}
	if got := livetest.Eval[string](t, ctx, `document.querySelector("form#book .field-error").textContent`); got != "已登记过" {
		t.Errorf("the plate's error says %q", got)
	}
	livetest.Screenshot(t, ctx, "desk-plate-registered")
	if n := customers(); n != before {
		t.Fatalf("a refused booking made %d customers", n-before)
	}
	livetest.Eval[bool](t, ctx, `(document.getElementById("use-registered").click(), true)`)
	livetest.WaitFor(t, ctx, "the car chosen", `document.querySelector("#chosen .plate")?.textContent === `+quote(car.Plate)+` && document.getElementById("new-fields").hidden`, 5*time.Second)
	livetest.Eval[bool](t, ctx, `(document.querySelector("form#book").requestSubmit(), true)`)
	var list []appointmentRow
	eventually(t, ls, "/api/v1/appointments", "the booking", func(l []appointmentRow) bool {
		list = l
		_, ok := find(l, func(a appointmentRow) bool { return a.VehicleID == car.ID && a.Requested == "保养" })
		return ok
	})
	a, _ := find(list, func(a appointmentRow) bool { return a.VehicleID == car.ID && a.Requested == "保养" })
	if a.CustomerID != car.CustomerID {
		t.Errorf("booked for customer %s, want the car's owner %s", a.CustomerID, car.CustomerID)
	}
	if n := customers(); n != before {
		t.Errorf("booking a registered car made %d customers", n-before)
	}
	var vehicles []struct{ Plate string }
	ls.Get("/api/v1/vehicles", &vehicles)
	withPlate := 0
	for _, v := range vehicles {
		if v.Plate == car.Plate {
			withPlate++
		}
	}
	if withPlate != 1 {
		t.Errorf("%d cars have the plate %s, want 1", withPlate, car.Plate)
	}
}

// At reception too: a walk-in "new" customer whose car is registered
// already (its plate typed without the dot, after a search by a phone the
// shop does not know) is not made; the car is offered with its owner and
// received for them.
func TestReceivingARegisteredPlateFindsItsCustomer(t *testing.T) {
	ls := startShop(t, livetest.Options{Demo: true})
	ctx := livetest.Browser(t, 1366, 768)
	signIn(t, ctx, ls, "advisor1", "/desk/reception")
	livetest.WaitFor(t, ctx, "the reception page", `!!document.querySelector("form#find")`, 10*time.Second)
	car := someCar(t, ls)
	customers := func() int {
		var list []map[string]any
		ls.Get("/api/v1/customers", &list)
		return len(list)
	}
	before := customers()
	fill(t, ctx, "form#find", map[string]any{"q": "13700009999"}, true)
	livetest.WaitFor(t, ctx, "the new customer's form", `!!document.querySelector("form#new-customer")`, 10*time.Second)
	fill(t, ctx, "form#new-customer", map[string]any{"name": "周先生", "phone": "13700009999", "plate": strings.ReplaceAll(car.Plate, "·", ""), "model": "途胜"}, true)
	livetest.WaitFor(t, ctx, "the plate refused and its car offered", `document.querySelector("form#new-customer input[name=plate]").closest("label").nextElementSibling?.classList.contains("field-error") && !!document.querySelector('#hits [data-receive=`+quote(car.Plate)+`]')`, 10*time.Second)
	livetest.Screenshot(t, ctx, "desk-reception-plate-registered")
	if n := customers(); n != before {
		t.Fatalf("a refused walk-in made %d customers", n-before)
	}
	livetest.Eval[bool](t, ctx, `(document.querySelector('#hits [data-receive=`+quote(car.Plate)+`]').click(), true)`)
	owner := ls.Engine.State().Customers[car.CustomerID]
	livetest.WaitFor(t, ctx, "the car received for its owner", `!!document.querySelector("form#reception") && document.querySelector("form#reception h2.plate").textContent === `+quote(car.Plate)+` && document.querySelector("form#reception").textContent.includes(`+quote(owner.Name)+`)`, 10*time.Second)
}
