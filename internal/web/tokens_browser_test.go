package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"bayboard/internal/demo"
	"bayboard/internal/livetest"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// tokenRow is a token as GET /api/v1/tokens lists it.
type tokenRow struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	UserID string `json:"user_id"`
}

// The manager makes an API token for a script in the browser, copies it
// from the one place it is ever shown, and the script gets in with it;
// revoking it from the same page (after a first thought better of at the
// confirm dialog) shuts the script out. A token without a name is refused
// next to the field and nothing is made.
func TestTheManagerMakesAndRevokesAnAPIToken(t *testing.T) {
	ls := startShop(t, livetest.Options{Demo: true})
	ctx := livetest.Browser(t, 1366, 768)
	answers, asked := answerDialogs(ctx)
	var staff []idName
	ls.Get("/api/v1/staff", &staff)
	manager, ok := find(staff, func(s idName) bool { return s.ID == demo.ManagerID })
	if !ok {
		t.Fatalf("the demo's manager %s is not among the staff", demo.ManagerID)
	}

	signIn(t, ctx, ls, "manager", "/admin/tokens")
	// The harness's own token is listed, with who made it by name.
	livetest.WaitFor(t, ctx, "the tokens", `document.querySelectorAll("#tokens tbody tr").length === 1 && !!document.querySelector("#new-token input[name=name]")`, 10*time.Second)
	if row := livetest.Eval[string](t, ctx, `document.querySelector("#tokens tbody tr").innerText`); !strings.Contains(row, "live test") || !strings.Contains(row, manager.Name) {
		t.Errorf("the listed token reads %q, want its name and %q", row, manager.Name)
	}
	if intro := livetest.Eval[string](t, ctx, `document.querySelector("#main code")?.textContent || ""`); !strings.HasPrefix(intro, "Authorization: Bearer") {
		t.Errorf("the page names the header as %q", intro)
	}

	// A name of spaces is no name.
	fill(t, ctx, "#new-token", map[string]any{"name": "   "}, true)
	livetest.WaitFor(t, ctx, "the name's error", `document.querySelector("#new-token input[name=name]").closest("label").nextElementSibling?.classList.contains("field-error")`, 10*time.Second)
	var tokens []tokenRow
	ls.Get("/api/v1/tokens", &tokens)
	if len(tokens) != 1 {
		t.Errorf("%d tokens after a refused one, want 1: %+v", len(tokens), tokens)
	}
	if livetest.Eval[bool](t, ctx, `!!document.querySelector("#shown-token input")`) {
		t.Error("a refused form shows a token")
	}

	fill(t, ctx, "#new-token", map[string]any{"name": "DMS 同步"}, true)
	livetest.WaitFor(t, ctx, "the new token, shown", `document.querySelector("#shown-token input[name=token]")?.value.length > 20 && [...document.querySelectorAll("#tokens tbody tr")].some((r) => r.textContent.includes("DMS 同步"))`, 10*time.Second)
	token := livetest.Eval[string](t, ctx, `document.querySelector("#shown-token input[name=token]").value`)
	if !livetest.Eval[bool](t, ctx, `document.querySelector("#shown-token input[name=token]").readOnly`) {
		t.Error("the new token's field can be typed in")
	}
	if livetest.Eval[bool](t, ctx, `!!document.querySelector("#new-token .field-error, #new-token [aria-invalid]")`) {
		t.Error("the name's error stayed after the token was made")
	}
	livetest.Screenshot(t, ctx, "admin-tokens")
	if code := bearer(t, ls, token); code != http.StatusOK {
		t.Fatalf("the token shown gets GET /api/v1/me %d, want 200", code)
	}
	ls.Get("/api/v1/tokens", &tokens)
	made, ok := find(tokens, func(tok tokenRow) bool { return tok.Name == "DMS 同步" })
	if !ok || made.UserID != demo.ManagerID || len(tokens) != 2 {
		t.Fatalf("the tokens are %+v, want the harness's and DMS 同步 by the manager", tokens)
	}
	// The page is the only place the token was: opened again, it shows
	// none.
	livetest.Open(t, ctx, ls.URL("/admin/tokens"))
	livetest.WaitFor(t, ctx, "the tokens, again", `document.querySelectorAll("#tokens tbody tr").length === 2`, 10*time.Second)
	if livetest.Eval[bool](t, ctx, `document.body.innerHTML.includes(`+quote(token)+`)`) {
		t.Error("the token is on the page after it was left")
	}

	// The click returns once the dialog is answered and the page has done
	// what it does on that answer: window.clicked says so.
	revoke := `window.clicked = false; setTimeout(() => { document.querySelector('#tokens tr[data-id="` + made.ID + `"] button.danger').click(); window.clicked = true; }); true`
	// Cancelled at the dialog, the page asks nothing of the server and
	// the token keeps working.
	livetest.WatchRequests(t, ctx)
	answers <- false
	livetest.Eval[bool](t, ctx, revoke)
	if msg := waitDialog(t, asked); !strings.Contains(msg, "DMS 同步") {
		t.Errorf("the confirm dialog says %q, want the token's name", msg)
	}
	livetest.WaitFor(t, ctx, "the cancelled click handled", `window.clicked && `+livetest.Answered, 10*time.Second)
	if sent := livetest.Eval[[]string](t, ctx, `window.requests`); len(sent) != 0 {
		t.Errorf("a cancelled revocation sent %q", sent)
	}
	if code := bearer(t, ls, token); code != http.StatusOK {
		t.Errorf("a cancelled revocation left the token with %d", code)
	}
	// Confirmed, the script is refused.
	answers <- true
	livetest.Eval[bool](t, ctx, revoke)
	waitDialog(t, asked)
	livetest.WaitFor(t, ctx, "the token gone from the list", `document.querySelectorAll("#tokens tbody tr").length === 1 && !document.querySelector('#tokens tr[data-id="`+made.ID+`"]') && !!document.querySelector(".notice.ok")`, 10*time.Second)
	if code := bearer(t, ls, token); code != http.StatusUnauthorized {
		t.Errorf("the revoked token gets GET /api/v1/me %d, want 401", code)
	}
	if code := bearer(t, ls, ls.Token); code != http.StatusOK {
		t.Errorf("the other token gets %d after one was revoked", code)
	}
}

// bearer calls GET /api/v1/me as a script does, with the token in the
// Authorization header, and says the answer's status.
func bearer(t *testing.T, ls *livetest.Server, token string) int {
	t.Helper()
	req, err := http.NewRequest("GET", ls.URL("/api/v1/me"), nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// answerDialogs answers the page's dialogs (confirm) as a person at the
// keyboard would: each with the next answer sent on answers, passing what
// the dialog asked on asked. An unanswered dialog holds the page's
// scripts, so a test clicks what opens one from a setTimeout.
func answerDialogs(ctx context.Context) (answers chan<- bool, asked <-chan string) {
	answer := make(chan bool, 1)
	ask := make(chan string, 4)
	go func() {
		for e, err := range chromedp.Events(ctx, page.JavascriptDialogOpening) {
			if err != nil {
				return
			}
			ask <- e.Message
			var accept bool
			select {
			case accept = <-answer:
			case <-ctx.Done():
				return
			}
			// Answered from another goroutine than the one that reads
			// the tab's events, as chromedp asks.
			go chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: accept})
		}
	}()
	return answer, ask
}

func waitDialog(t *testing.T, asked <-chan string) string {
	t.Helper()
	select {
	case msg := <-asked:
		return msg
	case <-time.After(10 * time.Second):
		t.Fatal("no dialog opened")
		return ""
	}
}
