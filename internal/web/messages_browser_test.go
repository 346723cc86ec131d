package web_test

import (
	"testing"
	"time"

	"bayboard/internal/livetest"
	"bayboard/internal/shop"
)

// optedOutSummary is what the closed panel says of a customer who opted
// out, in the demo shop's language.
const optedOutSummary = "已退订"

type messageTemplateView struct {
	Kind    string            `json:"kind"`
	Texts   map[string]string `json:"texts"`
	Preview map[string]string `json:"preview"`
}

// The manager edits "your car is ready": a placeholder that message may
// not use is refused next to its text and nothing is saved; a good text
// is saved and its preview, rendered by the server, shows the sample
// values in place of the placeholders. At reception, the customer's
// wishes: e-mail without a good address is refused on its field; with
// one, quiet hours and an opt-out, they are saved.
func TestTheManagerEditsACustomerMessage(t *testing.T) {
	ls := startShop(t, livetest.Options{Demo: true})
	ctx := livetest.Browser(t, 1366, 900)
	signIn(t, ctx, ls, "manager", "/admin/messages")
	const form = `#messages form[data-kind=car_ready]`
	livetest.WaitFor(t, ctx, "the car-ready message", `!!document.querySelector("`+form+` textarea[name=text-en]") && document.querySelectorAll("#messages form").length === 6`, 10*time.Second)
	if !livetest.Eval[bool](t, ctx, `document.querySelector("`+form+` .placeholders").textContent.includes("{pickup_hours}")`) {
		t.Error("the placeholders it may use are not listed beside it")
	}

	fill(t, ctx, form, map[string]any{"text-en": "{customer}, your {plate} has done {mileage} km."}, true)
	livetest.WaitFor(t, ctx, "the refusal next to the English text", `(() => {
		const after = document.querySelector("`+form+` textarea[name=text-en]").closest("label").nextElementSibling;
		return !!after && after.classList.contains("field-error") && after.textContent.includes("{mileage}");
	})()`, 10*time.Second)
	livetest.Screenshot(t, ctx, "admin-messages-refused")

	fill(t, ctx, form, map[string]any{"text-en": "{customer}, your {plate} is ready: {amount}, collect {pickup_hours}."}, true)
	want := "Mr Zhang Wei, your 京A·12345 is ready: 1,280.00, collect 08:00–18:00."
	livetest.WaitFor(t, ctx, "the saved preview", `document.querySelector("`+form+` [data-preview] [data-lang=en]").textContent === `+quote(want), 10*time.Second)
	var saved []messageTemplateView
	ls.Get("/api/v1/message-templates", &saved)
	if saved[4].Kind != "car_ready" || saved[4].Texts["en"] != "{customer}, your {plate} is ready: {amount}, collect {pickup_hours}." || saved[4].Preview["en"] != want {
		t.Errorf("saved: %+v", saved[4])
	}
	livetest.Screenshot(t, ctx, "admin-messages")

	// The customer's wishes at reception, for a car without a job.
	st := ls.Engine.State()
	car := carWithoutAJob(t, st)
	livetest.Open(t, ctx, ls.URL("/desk/reception?q="+car.Plate))
	receive := `[data-receive="` + car.Plate + `"]`
	livetest.WaitFor(t, ctx, "the car found", `!!document.querySelector(`+quote(receive)+`)`, 10*time.Second)
	livetest.Eval[bool](t, ctx, `(document.querySelector(`+quote(receive)+`).click(), document.querySelector("#message-prefs").open = true, true)`)
	livetest.WaitFor(t, ctx, "the message wishes as stored", `!!document.querySelector("#prefs-form[data-loaded] select[name=channel]")`, 10*time.Second)
	fill(t, ctx, "#prefs-form", map[string]any{"channel": "email", "email": "zhang at example"}, true)
	livetest.WaitFor(t, ctx, "the e-mail refused on its field", `(() => {
		const after = document.querySelector("#prefs-form input[name=email]").closest("label").nextElementSibling;
		return !!after && after.classList.contains("field-error");
	})()`, 10*time.Second)
	fill(t, ctx, "#prefs-form", map[string]any{"email": "zhang@example.cn", "quiet_from": "22:00", "quiet_to": "07:30", "opted_out": true, "way": "phone"}, true)
	livetest.WaitFor(t, ctx, "the wishes saved", `document.querySelector("#prefs-summary").textContent === `+quote(optedOutSummary), 10*time.Second)
	cu := ls.Engine.State().Customers[car.CustomerID]
	if p := cu.Prefs(); p.Channel != shop.ChannelEmail || p.Email != "zhang@example.cn" || p.QuietFrom != "22:00" || p.QuietTo != "07:30" || p.OptedOut == nil || p.OptedOut.Way != shop.OptOutPhone {
		t.Errorf("the customer's wishes: %+v", p)
	}
	livetest.Screenshot(t, ctx, "desk-message-prefs")
}

// The manager sets the channels on the messages page: an e-mail port out
// of range is refused on its field; the SMS settings saved say that the
// secret is set, and the page, loaded again, holds the settings but not
// the secret.
func TestTheManagerSetsTheMessageChannels(t *testing.T) {
	ls := startShop(t, livetest.Options{Demo: true})
	ctx := livetest.Browser(t, 1366, 900)
	signIn(t, ctx, ls, "manager", "/admin/messages")
	livetest.WaitFor(t, ctx, "the channels' forms", `!!document.querySelector("#sender-sms input[name=access_key_id]") && !!document.querySelector("#sender-email input[name=port]")`, 10*time.Second)

	fill(t, ctx, "#sender-email", map[string]any{"host": "smtp.example.cn", "port": "70000", "username": "service@jinghua4s.cn", "from": "service@jinghua4s.cn", "secret": "smtp-Pass-1"}, true)
	livetest.WaitFor(t, ctx, "the port refused on its field", `(() => {
		const after = document.querySelector("#sender-email input[name=port]").closest("label").nextElementSibling;
		return !!after && after.classList.contains("field-error");
	})()`, 10*time.Second)
	if ls.Engine.State().MessageSenders["email"] != nil {
		t.Error("a refused e-mail setting was saved")
	}

	const secret = "sms-Key-Secret-5d2e"
	fill(t, ctx, "#sender-sms", map[string]any{"access_key_id": "LTAI5tExample", "sign_name": "京华4S店", "secret": secret}, true)
	livetest.WaitFor(t, ctx, "the secret said to be set", `!!document.querySelector("#sender-sms[data-set=true] [data-secret-set=true]")`, 10*time.Second)
	if s := ls.Engine.State().MessageSenders["sms"]; s == nil || s.Secret != secret || s.SignName != "京华4S店" {
		t.Fatalf("saved: %+v", s)
	}
	// Saving the SMS settings redraws their card only: what the manager
	// typed into the e-mail form, refused and not yet corrected, stays.
	if host := livetest.Eval[string](t, ctx, `document.querySelector("#sender-email input[name=host]").value`); host != "smtp.example.cn" {
		t.Errorf("the e-mail form after the SMS was saved holds host %q, want what was typed", host)
	}
	livetest.Screenshot(t, ctx, "admin-message-channels")
	livetest.Open(t, ctx, ls.URL("/admin/messages"))
	livetest.WaitFor(t, ctx, "the page again", `document.querySelector("#sender-sms input[name=access_key_id]")?.value === "LTAI5tExample"`, 10*time.Second)
	if livetest.Eval[bool](t, ctx, `document.documentElement.outerHTML.includes(`+quote(secret)+`) || document.querySelector("#sender-sms input[name=secret]").value !== ""`) {
		t.Error("the page shows the secret")
	}
}
