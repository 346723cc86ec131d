package web_test

import (
	"testing"
	"time"

	"bayboard/internal/livetest"
	"bayboard/internal/shop"
)

// The manager says the shop fits five-piece covers on the settings page;
// the reception page then names them 五件套, as the job card prints them.
func TestTheShopsCoverSetNamesTheCovers(t *testing.T) {
	ls := startShop(t, livetest.Options{Demo: true})
	ctx := livetest.Browser(t, 1366, 768)
	var apID string
	st := ls.Engine.State()
	for _, a := range st.Appointments {
		if a.Status == shop.ApptBooked && a.At.After(ls.Clock.Now()) && (apID == "" || a.ID < apID) {
			apID = a.ID
		}
	}
	if apID == "" {
		t.Fatal("the demo shop has no booking to receive")
	}
	covers := `document.querySelector("form#reception input[name=covers_on]")?.closest("label").textContent`

	signIn(t, ctx, ls, "manager", "/desk/reception")
	livetest.Open(t, ctx, ls.URL("/desk/reception?appointment="+apID))
	livetest.WaitFor(t, ctx, "the reception form", covers+` !== undefined`, 10*time.Second)
	if got := livetest.Eval[string](t, ctx, covers); got != "已装三件套（座椅套、方向盘套、脚垫）" {
		t.Errorf("a shop that never chose names the covers %q", got)
	}

	livetest.Open(t, ctx, ls.URL("/admin/settings"))
	livetest.WaitFor(t, ctx, "the settings form", `document.querySelector("form#settings select[name=cover_set]")?.value === "three"`, 10*time.Second)
	livetest.Eval[bool](t, ctx, `(() => { const f = document.querySelector("form#settings"); f.cover_set.value = "five"; f.requestSubmit(); return true; })()`)
	eventually(t, ls, "/api/v1/settings", "the five-piece set", func(s shop.Settings) bool { return s.CoverSet == shop.CoversFive })

	livetest.Open(t, ctx, ls.URL("/desk/reception?appointment="+apID))
	livetest.WaitFor(t, ctx, "the reception form again", covers+` !== undefined`, 10*time.Second)
	if got := livetest.Eval[string](t, ctx, covers); got != "已装五件套（座椅套、方向盘套、脚垫、换挡杆套、手刹套）" {
		t.Errorf("a five-piece shop names the covers %q", got)
	}
}
