package web_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"bayboard/internal/livetest"
)

// yuanText is an amount as the pages write it in Chinese: ¥1,234.50.
func yuanText(fen int64) string {
	s := fmt.Sprintf("%d", fen/100)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return fmt.Sprintf("¥%s.%02d", b.String(), fen%100)
}

// The manager sets the discount limits on the settings page; the advisor,
// at delivery, marks a line as the maker's warranty and gives a discount
// within the limit (one over it is refused next to the amount); the page
// shows each payer's total and the customer's share, takes that share as
// the payment, and the car is delivered with it.
func TestDeliveryPageSplitsPayersAndTakesDiscounts(t *testing.T) {
	ls := startShop(t, livetest.Options{Demo: true})
	var jobs []struct {
		Job struct {
			ID     string `json:"id"`
			Stage  string `json:"stage"`
			Labour []struct {
				Price int64 `json:"price"`
			} `json:"labour"`
		} `json:"job"`
	}
	ls.Get("/api/v1/jobs", &jobs)
	type view struct {
		Job struct {
			Stage    string `json:"stage"`
			Delivery *struct {
				Due  int64 `json:"due"`
				Paid int64 `json:"paid"`
			} `json:"delivery"`
		} `json:"job"`
		Settlement struct {
			Gross int64 `json:"gross"`
			Due   int64 `json:"customer_due"`
		} `json:"settlement"`
	}
	// A car near the end of its work with a labour line for the warranty
	// and ¥100 or more besides for the customer, made ready.
	jobID, stage, gross, warrantyLine := "", "", int64(0), int64(0)
	for _, r := range jobs {
		if r.Job.Stage != "ready" && r.Job.Stage != "washing" && r.Job.Stage != "quality_check" || len(r.Job.Labour) == 0 {
			continue
		}
		var v view
		ls.Get("/api/v1/jobs/"+r.Job.ID, &v)
		if r.Job.Labour[0].Price > 0 && v.Settlement.Gross-r.Job.Labour[0].Price >= 10000 {
			jobID, stage, gross, warrantyLine = r.Job.ID, r.Job.Stage, v.Settlement.Gross, r.Job.Labour[0].Price
			break
		}
	}
	if jobID == "" {
		t.Fatal("the demo has no car near ready with labour and parts")
	}
	if stage == "quality_check" {
		ls.Command(map[string]any{"type": "qc", "job_id": jobID, "step": "team", "pass": true})
		ls.Command(map[string]any{"type": "qc", "job_id": jobID, "step": "final", "pass": true})
	}
	var now view
	if ls.Get("/api/v1/jobs/"+jobID, &now); now.Job.Stage == "washing" {
		ls.Command(map[string]any{"type": "wash_done", "job_id": jobID})
	}

	ctx := livetest.Browser(t, 1366, 900)
	wait := func(what, cond string) { t.Helper(); livetest.WaitFor(t, ctx, what, cond, 15*time.Second) }

	// The limits, as the manager sets them: a refusal first.
	signIn(t, ctx, ls, "manager", "/admin/settings")
	wait("the discount limits", `!!document.querySelector("#discount-limits input[name=discount_limit_advisor]")`)
	fill(t, ctx, "form#settings", map[string]any{"discount_limit_advisor": "150", "discount_limit_cashier": "5"}, true)
	wait("the refusal next to the advisor's limit", `document.querySelector("input[name=discount_limit_advisor]").closest("label").nextElementSibling?.textContent === "必须在 0 到 100 之间"`)
	fill(t, ctx, "form#settings", map[string]any{"discount_limit_advisor": "10"}, true)
	var settings struct {
		Limits map[string]int `json:"discount_limits"`
	}
	eventually(t, ls, "/api/v1/settings", "the limits saved", func(s struct {
		Limits map[string]int `json:"discount_limits"`
	}) bool {
		settings = s
		return s.Limits["advisor"] == 10
	})
	if settings.Limits["cashier"] != 5 {
		t.Errorf("limits saved %v, want advisor 10, cashier 5", settings.Limits)
	}

	// The advisor at delivery.
	ctx = livetest.Browser(t, 1366, 900)
	signIn(t, ctx, ls, "advisor1", "/desk/delivery")
	livetest.Open(t, ctx, ls.URL("/desk/delivery?job="+jobID))
	wait("the settlement", `!!document.querySelector("#settlement-panel select[data-payer-of='labour:0']") && !!document.querySelector("form#deliver")`)
	if got := livetest.Eval[string](t, ctx, `document.querySelector("#customer-due").textContent`); got != yuanText(gross) {
		t.Errorf("before any payer the customer pays %q, want %q", got, yuanText(gross))
	}
	livetest.Eval[bool](t, ctx, `(() => { const s = document.querySelector("select[data-payer-of='labour:0']"); s.value = "warranty"; s.dispatchEvent(new Event("change")); return true })()`)
	wait("the warranty's line and total", `!!document.querySelector("#settlement tr[data-line='labour:0'][data-payer=warranty]") && !!document.querySelector("#payers tr[data-payer=warranty]")`)
	share := gross - warrantyLine
	if got := livetest.Eval[string](t, ctx, `document.querySelector("#payers tr[data-payer=warranty] .total").textContent`); got != yuanText(warrantyLine) {
		t.Errorf("the warranty's total %q, want %q", got, yuanText(warrantyLine))
	}
	if got := livetest.Eval[string](t, ctx, `document.querySelector("#customer-due").textContent`); got != yuanText(share) {
		t.Errorf("with the warranty line the customer pays %q, want %q", got, yuanText(share))
	}
	if !livetest.Eval[bool](t, ctx, `document.querySelector("#warranty-claim").textContent.includes("索赔")`) {
		t.Error("the warranty's lines are not listed for the claim")
	}

	// A discount of a fifth of the customer's share is over the advisor's
	// tenth: refused next to the amount. A twentieth is taken.
	over, within := share/5, share/20
	fill(t, ctx, "form#discount", map[string]any{"line": "order:0", "amount": fmt.Sprintf("%.2f", float64(over)/100), "reason": "老客户"}, true)
	wait("the refusal next to the amount", `document.querySelector("form#discount input[name=amount]").closest("label").nextElementSibling?.textContent === "超出您的优惠权限（客户自费部分的 10%）"`)
	fill(t, ctx, "form#discount", map[string]any{"amount": fmt.Sprintf("%.2f", float64(within)/100)}, true)
	wait("the discount listed", `[...document.querySelectorAll("#discounts li[data-discount]")].some(li => li.textContent.includes("老客户"))`)
	due := share - within
	if got := livetest.Eval[string](t, ctx, `document.querySelector("#customer-due").textContent`); got != yuanText(due) {
		t.Errorf("after the discount the customer pays %q, want %q", got, yuanText(due))
	}
	if got := livetest.Eval[string](t, ctx, `document.querySelector("form#deliver").paid.value`); got != fmt.Sprintf("%.2f", float64(due)/100) {
		t.Errorf("the payment offered is %q, want the customer's share %d", got, due)
	}
	livetest.Screenshot(t, ctx, "desk-delivery-settlement")

	// Delivered against the customer's share.
	fill(t, ctx, "form#deliver", map[string]any{"work_shown": true, "old_parts_shown": true, "car_clean": true, "seat_restored": true,
		"payment_method": "wechat", "explanation": "首项工时厂家索赔，老客户优惠"}, true)
	wait("the car delivered", `!!document.querySelector("#delivered")`)
	var after view
	ls.Get("/api/v1/jobs/"+jobID, &after)
	if after.Job.Stage != "delivered" || after.Job.Delivery == nil || after.Job.Delivery.Due != due || after.Job.Delivery.Paid != due {
		t.Errorf("after delivery: %+v, want due and paid %d", after.Job, due)
	}
	// A settled job's payers are shown, no longer offered.
	if livetest.Eval[bool](t, ctx, `!!document.querySelector("#settlement-panel select, form#discount")`) {
		t.Error("the delivered job still offers to change its payers or discounts")
	}
}
