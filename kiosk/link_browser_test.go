package kiosk_test

import (
	"fmt"
	"testing"
	"time"

	"bayboard/internal/livetest"
	"bayboard/internal/shop"
)

// A phone at a bay loses the server (here: it stops) and gets it back (it
// starts again on the same data file and address). The notice that says
// the server cannot be reached goes by itself once the server answers;
// a tap made while it was away is offered again with one tap, and sent
// with the key of the first try, so the job is clocked on exactly once.
func TestAKioskComesBackAfterTheLinkDrops(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test")
	}
	f := newFloor(t)
	phone := device(t, phoneWidth, phoneHeight)
	livetest.Open(t, phone, f.srv.URL(f.jobPath))
	livetest.WaitFor(t, phone, "the sign-in form", `!!document.querySelector(".signin input[name=badge]")`, 10*time.Second)
	signInWithBadge(t, phone, f.badge)
	livetest.WaitFor(t, phone, "the job's actions", `!!document.querySelector("[data-action=clock_on]")`, 10*time.Second)
	// The page's commands and the keys they carried.
	livetest.Eval[bool](t, phone, `(() => {
		window.sent = [];
		const real = window.fetch;
		window.fetch = (url, init) => {
			if (String(url).endsWith("/api/v1/commands")) window.sent.push({ key: init.headers["Idempotency-Key"], body: init.body });
			return real(url, init);
		};
		window.samePage = true;
		return true;
	})()`)

	// With nothing waiting to be sent, the page's poll finds the server
	// gone and says so; the notice goes when the server is back.
	f.srv.Stop()
	livetest.WaitFor(t, phone, "the link notice", `document.getElementById("notice").dataset.link === "down" && !document.getElementById("notice").hidden`, 15*time.Second)
	f.srv.Restart()
	took := livetest.WaitFor(t, phone, "the notice gone", `document.getElementById("notice").hidden`, 20*time.Second)
	t.Logf("the notice went %v after the server started", took)

	// A tap while the server is away: not confirmed, offered again.
	f.srv.Stop()
	click(t, phone, "clock on", "[data-action=clock_on]")
	livetest.WaitFor(t, phone, "the link notice with its resend button", `document.getElementById("notice").dataset.link === "down" && !!document.querySelector("#notice .resend")`, 10*time.Second)
	checkPage(t, phone)
	livetest.Screenshot(t, phone, "kiosk-link-down")
	f.srv.Restart()
	// Back: the notice no longer says the server is away, and still
	// offers the tap that was not confirmed.
	livetest.WaitFor(t, phone, "the server back", `document.getElementById("notice").dataset.link === "back" && !!document.querySelector("#notice .resend")`, 20*time.Second)
	livetest.Screenshot(t, phone, "kiosk-link-back")
	click(t, phone, "send again", "#notice .resend")
	livetest.WaitFor(t, phone, "the job clocked on", `!!document.querySelector("[data-action=clock_off]")`, 10*time.Second)
	if !livetest.Eval[bool](t, phone, `window.samePage === true`) {
		t.Error("the page reloaded")
	}
	if n := livetest.Eval[int](t, phone, `window.sent.length`); n != 2 {
		t.Fatalf("the page sent %d commands, want the tap and its resend", n)
	}
	if !livetest.Eval[bool](t, phone, `window.sent[0].key && window.sent[0].key === window.sent[1].key && window.sent[0].body === window.sent[1].body`) {
		t.Errorf("the resend was not the same command with the same key: %s", livetest.Eval[string](t, phone, `JSON.stringify(window.sent)`))
	}
	var history []shop.Event
	f.srv.Get(fmt.Sprintf("/api/v1/jobs/%s/history", f.jobID), &history)
	clockOns := 0
	for _, e := range history {
		if e.Type == "clock_on" {
			clockOns++
		}
	}
	if clockOns != 1 {
		t.Errorf("the job was clocked on %d times, want once", clockOns)
	}
	// A second tap on the same action, now that the first was answered,
	// is a new command with a new key (the old one was dropped).
	click(t, phone, "clock off", "[data-action=clock_off]")
	livetest.WaitFor(t, phone, "clocked off", `!!document.querySelector("[data-action=clock_on]")`, 10*time.Second)
	if livetest.Eval[bool](t, phone, `window.sent[2].key === window.sent[0].key`) {
		t.Error("the next command reused the resent one's key")
	}
}
