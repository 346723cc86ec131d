package web_test

import (
	"testing"
	"time"

	"bayboard/internal/livetest"
	"bayboard/internal/shop"
)

// The manager sets how long photos are kept and whether the settlement
// prints the findings' photos on the settings page; a keep shorter than
// 30 days is refused on its field and changes nothing.
func TestTheManagerSetsThePhotoSettings(t *testing.T) {
	ls := startShop(t, livetest.Options{Demo: true})
	ctx := livetest.Browser(t, 1366, 900)
	signIn(t, ctx, ls, "manager", "/admin/settings")
	livetest.Open(t, ctx, ls.URL("/admin/settings"))
	livetest.WaitFor(t, ctx, "the photo settings", `document.querySelector("form#settings input[name=photo_keep_days]") !== null`, 10*time.Second)
	if got := livetest.Eval[string](t, ctx, `document.querySelector("#photo-settings legend").textContent`); got != "照片" {
		t.Errorf("the photo settings' legend: %q", got)
	}

	livetest.Eval[bool](t, ctx, `(() => { const f = document.querySelector("form#settings"); f.photo_keep_days.value = "7"; f.requestSubmit(); return true; })()`)
	livetest.WaitFor(t, ctx, "the refusal on the field", `document.querySelector("#settings input[name=photo_keep_days]").closest("label").nextElementSibling?.textContent === "30 至 3650 天，或 0 表示永久保留"`, 10*time.Second)
	livetest.Screenshot(t, ctx, "photo-settings-refused")
	var s shop.Settings
	ls.Get("/api/v1/settings", &s)
	if s.PhotoKeepDays != 0 {
		t.Errorf("a refused keep was saved: %d", s.PhotoKeepDays)
	}

	livetest.Eval[bool](t, ctx, `(() => { const f = document.querySelector("form#settings"); f.photo_keep_days.value = "90"; f.settlement_photos.checked = true; f.requestSubmit(); return true; })()`)
	eventually(t, ls, "/api/v1/settings", "the photo settings", func(s shop.Settings) bool { return s.PhotoKeepDays == 90 && s.SettlementPhotos })

	livetest.Open(t, ctx, ls.URL("/admin/settings"))
	livetest.WaitFor(t, ctx, "the saved settings shown", `document.querySelector("form#settings input[name=photo_keep_days]")?.value === "90" && document.querySelector("form#settings input[name=settlement_photos]").checked`, 10*time.Second)
	livetest.Screenshot(t, ctx, "photo-settings")
}
