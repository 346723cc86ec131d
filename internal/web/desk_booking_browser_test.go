package web_test

import (
	"testing"
	"time"

	"bayboard/internal/demo"
	"bayboard/internal/livetest"
	"bayboard/internal/shop"
)

// A new customer books for tomorrow with the parts to stage: the parts
// are the booking's part lines, on the counter's pick list, and the
// booking's words are the customer's alone (the job card prints them);
// the list shows the parts under the words, and the form is empty for
// the next booking.
func TestTheBookingsPartsGoToTheCounter(t *testing.T) {
	ls := startShop(t, livetest.Options{Demo: true})
	ctx := livetest.Browser(t, 1366, 768)
	signIn(t, ctx, ls, "advisor1", "/desk/appointments")
	livetest.WaitFor(t, ctx, "the appointments page", `!!document.querySelector("form#book") && !!document.querySelector("[data-day]")`, 10*time.Second)
	const plate, words = "京N·7Q3C1", "保养，左前轮有异响"
	bookAt := ls.Clock.Now().In(demo.Location()).AddDate(0, 0, 1).Format("2006-01-02") + "T10:00"
	livetest.Eval[bool](t, ctx, `(() => {
		const f = document.querySelector("form#book");
		document.querySelector("#new-customer").click();
		f.name.value = "孙女士"; f.phone.value = "13922223333"; f.plate.value = "`+plate+`"; f.model.value = "途胜L";
		f.at.value = "`+bookAt+`";
		f.requested.value = "`+words+`";
		f.stage_parts.value = "机油滤清器、空气滤清器";
		f.requestSubmit();
		return true;
	})()`)
	livetest.WaitFor(t, ctx, "the booking in the list with its parts", `[...document.querySelectorAll("tr[data-appointment]")].some((tr) => tr.querySelector(".plate").textContent.startsWith("`+plate+`") && tr.querySelector("[data-parts]")?.textContent === "备料：机油滤清器、空气滤清器")`, 10*time.Second)
	livetest.WaitFor(t, ctx, "the booking form empty", `(() => {
		const f = document.querySelector("form#book");
		return f.q.value === "" && f.requested.value === "" && f.stage_parts.value === "" && f.name.value === "" && f.plate.value === "" &&
			document.getElementById("new-fields").hidden && !document.querySelector("#chosen .plate") && !f.querySelector(".form-error");
	})()`, 5*time.Second)

	var list []struct {
		ID        string
		VehicleID string `json:"vehicle_id"`
		Requested string
		Parts     []shop.PartLine
	}
	ls.Get("/api/v1/appointments", &list)
	var id string
	for _, a := range list {
		if v := ls.Engine.State().Vehicles[a.VehicleID]; v != nil && v.Plate == plate {
			id = a.ID
			if a.Requested != words || len(a.Parts) != 2 || a.Parts[0].Name != "机油滤清器" || a.Parts[1].Name != "空气滤清器" || a.Parts[0].Quantity != 1 {
				t.Errorf("booked with words %q and parts %+v, want the customer's words and two part lines", a.Requested, a.Parts)
			}
		}
	}
	var pl shop.PickList
	ls.Get("/api/v1/pick-list", &pl)
	found := false
	for _, p := range pl.Prepare {
		if p.AppointmentID == id && id != "" {
			found = len(p.Parts) == 2 && p.Plate == plate
		}
	}
	if !found {
		t.Errorf("the counter's list to prepare has not the booking %q: %+v", id, pl.Prepare)
	}
}
