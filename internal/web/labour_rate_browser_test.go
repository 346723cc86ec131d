package web_test

import (
	"testing"
	"time"

	"bayboard/internal/livetest"
)

// The manager sets the labour rate, in yuan an hour, on the settings
// page; it is kept in fen. A negative rate is refused next to its field
// and not saved. The field is named in both languages.
func TestTheManagerSetsTheLabourRate(t *testing.T) {
	ls := startShop(t, livetest.Options{Demo: true})
	ctx := livetest.Browser(t, 1366, 900)
	signIn(t, ctx, ls, "manager", "/admin/settings")
	livetest.WaitFor(t, ctx, "the labour rate", `document.querySelector("#settings input[name=labour_rate]")?.value === "200.00"`, 10*time.Second)
	type rate struct {
		LabourRate int64 `json:"labour_rate"`
	}
	fill(t, ctx, "#settings", map[string]any{"labour_rate": "235.5"}, true)
	eventually(t, ls, "/api/v1/settings", "the saved rate", func(s rate) bool { return s.LabourRate == 23550 })
	livetest.WaitFor(t, ctx, "the saved notice", `!!document.querySelector(".notice.ok")`, 5*time.Second)

	fill(t, ctx, "#settings", map[string]any{"labour_rate": "-1"}, true)
	livetest.WaitFor(t, ctx, "the refusal next to the rate", `document.querySelector("#settings input[name=labour_rate]").closest("label").nextElementSibling?.classList.contains("field-error")`, 10*time.Second)
	var after rate
	ls.Get("/api/v1/settings", &after)
	if after.LabourRate != 23550 {
		t.Errorf("a refused rate changed it to %d", after.LabourRate)
	}
	livetest.Eval[bool](t, ctx, `(() => { document.getElementById("labour-rate").scrollIntoView(); return true })()`)
	livetest.Screenshot(t, ctx, "admin-settings-labour-rate")

	for lang, want := range map[string]string{"en": "Labour rate (yuan an hour)", "zh-CN": "工时单价（元/小时）"} {
		livetest.Open(t, ctx, ls.URL("/admin/settings?lang="+lang))
		livetest.WaitFor(t, ctx, "the rate's label in "+lang, `document.querySelector("#settings input[name=labour_rate]")?.closest("label").textContent.includes(`+quote(want)+`) && document.querySelector("#settings input[name=labour_rate]").value === "235.50"`, 10*time.Second)
	}
}
