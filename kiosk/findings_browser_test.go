package kiosk_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"bayboard/internal/demo"
	"bayboard/internal/livetest"
	"bayboard/internal/shop"
)

// The technician proposes extra work on the kiosk, without a price; the
// advisor prices it on the desk's findings page, prices it again and
// sends it; the customer's page shows the advisor's price, never the
// first one, and the part at the catalogue's price.
func TestTheAdvisorPricesAndSendsAFindingFromTheDesk(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test")
	}
	f := newFloor(t)
	phone := device(t, phoneWidth, phoneHeight)
	wall := openBoard(t, f, phone)
	proposed := proposeFinding(t, f, phone, wall, true)
	var pads *shop.CatalogPart
	for _, p := range f.srv.Engine.State().CatalogParts {
		if p.Name == f.partsName {
			pads = p
		}
	}
	if pads == nil || len(proposed.Parts) != 1 || proposed.Parts[0].Number != pads.Number {
		t.Fatalf("the proposal's parts %+v, the catalogue's pads %+v", proposed.Parts, pads)
	}

	// The customer's page does not show a finding the advisor has not sent.
	customer := device(t, phoneWidth, phoneHeight)
	livetest.Open(t, customer, f.srv.URL(f.custPath))
	livetest.WaitFor(t, customer, "the customer's page", `document.body.innerText.includes("王芳")`, 10*time.Second)
	if livetest.Eval[bool](t, customer, `!!document.querySelector(".finding-card")`) {
		t.Error("the customer's page shows a finding the advisor has not priced")
	}

	desk := device(t, 1366, 768)
	// The advisor signed in (the sign-in page is internal/web's test's).
	f.srv.SignIn(desk, "advisor1", demo.Password)
	livetest.Open(t, desk, f.srv.URL("/desk/findings"))
	card := fmt.Sprintf(`form[data-finding='%s']`, proposed.ID)
	livetest.WaitFor(t, desk, "the finding to price", `!!document.querySelector("#to-price `+card+`")`, 15*time.Second)
	// 1.5 hours at the demo's ¥200 an hour, and the pads at the catalogue's price.
	if got := livetest.Eval[string](t, desk, `document.querySelector(`+js(card+` input[name=labour_price]`)+`).placeholder`); !strings.Contains(got, "300.00") {
		t.Errorf("the labour at the rate shows as %q", got)
	}
	if got := livetest.Eval[string](t, desk, `document.querySelector(`+js(card+` .finding-total`)+`).textContent`); got != yuan(30000+pads.UnitPrice) {
		t.Errorf("the price at the rate shows as %q, want %s", got, yuan(30000+pads.UnitPrice))
	}

	// Priced by hand and saved: still the advisor's.
	fill(t, desk, card+" input[name=labour_price]", "450")
	click(t, desk, "save the price", card+" button[name=save]")
	livetest.WaitFor(t, desk, "the price saved", `[...document.querySelectorAll("#notices .notice")].some((n) => n.textContent.includes("尚未发送"))`, 10*time.Second)
	fi := f.srv.Engine.State().Findings[proposed.ID]
	if fi.Status != shop.FindingProposed || fi.LabourPrice != 45000 || fi.Price != 45000+pads.UnitPrice {
		t.Fatalf("saved: %+v", fi)
	}

	// Priced again, two hours, and sent. The saved price is drawn anew,
	// its labour as the server keeps it.
	livetest.WaitFor(t, desk, "the form drawn with the saved price", `document.querySelector(`+js("#to-price "+card+" input[name=labour_price]")+`)?.value === "450.00"`, 10*time.Second)
	fill(t, desk, card+" input[name=hours]", "2")
	fill(t, desk, card+" input[name=labour_price]", "520")
	livetest.Screenshot(t, desk, "desk-findings")
	click(t, desk, "send it", card+" button[name=send]")
	livetest.WaitFor(t, desk, "the finding sent", `!!document.querySelector("#sent `+card+`")`, 10*time.Second)
	fi = f.srv.Engine.State().Findings[proposed.ID]
	want := Money(52000) + pads.UnitPrice
	if fi.Status != shop.FindingAwaiting || fi.Hours != 2 || fi.LabourPrice != 52000 || fi.Price != want || fi.PricedBy == "" || fi.SentAt == nil {
		t.Fatalf("sent: %+v", fi)
	}
	livetest.Screenshot(t, desk, "desk-findings-sent")

	// The customer sees the advisor's price, not the first one.
	livetest.Open(t, customer, f.srv.URL(f.custPath))
	livetest.WaitFor(t, customer, "the finding on the customer's page", `!!document.querySelector(".finding-card")`, 10*time.Second)
	text := livetest.Eval[string](t, customer, `document.querySelector(".finding-card").innerText`)
	if !strings.Contains(text, yuan(want)) || strings.Contains(text, yuan(45000+pads.UnitPrice)) || !strings.Contains(text, proposed.Why) {
		t.Errorf("the customer's finding card, want %s:\n%s", yuan(want), text)
	}
	checkPage(t, customer)
	livetest.Screenshot(t, customer, "customer-priced-finding")
}

// Money is the shop's money, in fen.
type Money = shop.Money

// yuan writes fen as the pages do in Chinese: ¥1,234.50.
func yuan(m Money) string {
	whole, cents := int64(m)/100, int64(m)%100
	digits := fmt.Sprint(whole)
	var b strings.Builder
	for i, r := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return fmt.Sprintf("¥%s.%02d", b.String(), cents)
}
