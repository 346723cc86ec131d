package web_test

import (
	"net"
	"strings"
	"testing"
	"time"

	"bayboard/internal/livetest"
)

// The manager adds a webhook on the admin page: a URL that is not http(s)
// is refused next to its field, a good one is made and its secret shown
// once, read-only, never in the list. An event it wants, posted while its
// receiver is down, shows in the list as waiting, with the last error.
func TestTheManagerAddsAWebhookAndSeesItsBacklog(t *testing.T) {
	ls := startShop(t, livetest.Options{Demo: true})
	ctx := livetest.Browser(t, 1366, 900)
	// The receiver's port, with nothing listening: every try is refused.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()

	signIn(t, ctx, ls, "manager", "/admin/webhooks")
	livetest.WaitFor(t, ctx, "the new webhook's form", `document.querySelectorAll("#new-webhook input[name=event]").length === 14 && !!document.querySelector("#webhooks")`, 10*time.Second)

	fill(t, ctx, "#new-webhook", map[string]any{"name": "DMS", "url": "ftp://" + addr + "/in", "event": []string{"book_appointment"}}, true)
	livetest.WaitFor(t, ctx, "the URL's error", `document.querySelector("#new-webhook input[name=url]").closest("label").nextElementSibling?.classList.contains("field-error")`, 10*time.Second)
	var list struct {
		Webhooks []struct {
			ID      string
			Backlog int
		}
	}
	ls.Get("/api/v1/webhooks", &list)
	if len(list.Webhooks) != 0 {
		t.Fatalf("a refused webhook was made: %+v", list.Webhooks)
	}

	fill(t, ctx, "#new-webhook", map[string]any{"url": "http://" + addr + "/in"}, true)
	livetest.WaitFor(t, ctx, "the secret, shown", `document.querySelector("#shown-secret input[name=secret]")?.value.length === 64 && document.querySelectorAll("#webhooks tbody tr").length === 1`, 10*time.Second)
	secret := livetest.Eval[string](t, ctx, `document.querySelector("#shown-secret input[name=secret]").value`)
	if !livetest.Eval[bool](t, ctx, `document.querySelector("#shown-secret input[name=secret]").readOnly`) {
		t.Error("the secret's field can be typed in")
	}
	if !livetest.Eval[bool](t, ctx, `!!document.querySelector("#shown-secret button.primary")`) {
		t.Error("no copy button beside the secret")
	}
	if row := livetest.Eval[string](t, ctx, `document.querySelector("#webhooks tbody tr").innerText`); strings.Contains(row, secret) || !strings.Contains(row, "DMS") {
		t.Errorf("the list's row reads %q", row)
	}
	livetest.Screenshot(t, ctx, "admin-webhooks-secret")

	// A booking it wants, while its receiver is down.
	st := ls.Engine.State()
	var customer, vehicle string
	for _, v := range st.Vehicles {
		if st.Customers[v.CustomerID] != nil {
			customer, vehicle = v.CustomerID, v.ID
			break
		}
	}
	ls.Command(map[string]any{"type": "book_appointment", "at": ls.Clock.Now().Add(48 * time.Hour), "customer_id": customer, "vehicle_id": vehicle, "requested": "保养", "over_capacity": "test"})
	eventually(t, ls, "/api/v1/webhooks", "a try refused", func(l struct {
		Webhooks []struct {
			Backlog int
			Status  struct {
				LastError string `json:"last_error"`
			}
		}
	}) bool {
		return len(l.Webhooks) == 1 && l.Webhooks[0].Backlog == 1 && l.Webhooks[0].Status.LastError != ""
	})
	// Seen again, the page has the secret no more, and shows the backlog.
	livetest.Open(t, ctx, ls.URL("/admin/webhooks"))
	livetest.WaitFor(t, ctx, "the backlog", `document.querySelector("#webhooks tbody tr .backlog")?.classList.contains("yellow") && !!document.querySelector("#webhooks tbody tr .tries .error")`, 10*time.Second)
	if livetest.Eval[bool](t, ctx, `!!document.querySelector("#shown-secret input")`) {
		t.Error("the secret is shown again")
	}
	if row := livetest.Eval[string](t, ctx, `document.querySelector("#webhooks tbody tr").innerText`); !strings.Contains(row, "connection refused") {
		t.Errorf("the row does not say the last error: %q", row)
	}
	livetest.Screenshot(t, ctx, "admin-webhooks-backlog")
}
