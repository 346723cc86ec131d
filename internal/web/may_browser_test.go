package web_test

import (
	"testing"
	"time"

	"bayboard/internal/demo"
	"bayboard/internal/livetest"
)

// A page offers what the server says one may do, not a copy of the
// roles: the washer, whose roles give no dispatch, is told so on the
// dispatch page, and the parts counter, which the server opens to the
// parts clerk and the controller only, tells the washer it is the
// clerk's.
func TestPagesAskTheServerWhatOneMay(t *testing.T) {
	ls := startShop(t, livetest.Options{Demo: true})
	ctx := livetest.Browser(t, 1366, 768)
	signIn(t, ctx, ls, "washer", "/desk/dispatch")
	livetest.WaitFor(t, ctx, "the dispatch page refused", `document.body.dataset.drawn === "ok" && !!document.querySelector("#main p.error") && !document.querySelector("#queue")`, 10*time.Second)

	phone := livetest.Browser(t, 400, 800)
	livetest.Open(t, phone, ls.URL("/k/parts"))
	livetest.WaitFor(t, phone, "the password tab", `!!document.querySelector(".signin .tab:last-of-type")`, 10*time.Second)
	livetest.Eval[bool](t, phone, `(document.querySelector(".signin .tab:last-of-type").click(), true)`)
	livetest.WaitFor(t, phone, "the password form", `!!document.querySelector(".signin input[name=password]")`, 10*time.Second)
	livetest.Fill(t, phone, "form.signin", map[string]any{"login": "washer", "password": demo.Password}, true)
	livetest.WaitFor(t, phone, "the counter's card for others", `document.querySelector("#main .card.empty p")?.textContent.length > 0 && !document.querySelector(".request-list")`, 10*time.Second)
}
