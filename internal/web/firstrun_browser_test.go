package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"bayboard/internal/access"
	"bayboard/internal/demo"
	"bayboard/internal/livetest"
	"bayboard/internal/shop"
)

// A manager whose password was given to them signs in, is asked for their
// own (a mismatch refused next to its field), lands on the setup list,
// which names the shop's gaps in the order to mend them; a team without a
// leader is warned of on the teams page until one is named; and the
// header's name leads to their account, where the password is changed
// again.
func TestTheFirstSignInLeadsThroughTheSetup(t *testing.T) {
	ls := startShop(t, livetest.Options{Demo: true})
	ctx := livetest.Browser(t, 1366, 768)
	if _, err := ls.Engine.Do(context.Background(), shop.Actor{System: true}, &shop.PutUser{User: shop.User{
		Login: "boss", Name: "新经理", Roles: []shop.Role{shop.RoleManager}, PasswordHash: access.NewHasher(livetest.HashCost).Hash(demo.Password),
		Active: true, MustChangePassword: true}}); err != nil {
		t.Fatal(err)
	}
	ls.Command(map[string]any{"type": "put_team", "team": map[string]any{"name": "夜班组"}})

	livetest.Open(t, ctx, ls.URL("/signin?lang=en")) // the language is kept in a cookie
	livetest.Open(t, ctx, ls.URL("/admin"))
	livetest.WaitFor(t, ctx, "the sign-in form", `location.pathname === "/signin" && !!document.querySelector("form.signin input[name=password]")`, 10*time.Second)
	fill(t, ctx, "form.signin", map[string]any{"login": "boss", "password": demo.Password}, true)
	livetest.WaitFor(t, ctx, "the new-password form", `!!document.querySelector("form.must-change input[name=new_again]")`, 10*time.Second)
	fill(t, ctx, "form.must-change", map[string]any{"new": "my very own password", "new_again": "my very own passwort"}, true)
	livetest.WaitFor(t, ctx, "the mismatch named", `document.querySelector("form.must-change [name=new_again]").getAttribute("aria-invalid") === "true" && !!document.querySelector("form.must-change .field-error")`, 10*time.Second)
	if got := livetest.Eval[string](t, ctx, `document.querySelector("form.must-change .field-error").textContent`); got != "Does not match the new password" {
		t.Errorf("the mismatch says %q", got)
	}
	livetest.Screenshot(t, ctx, "first-signin-new-password")
	fill(t, ctx, "form.must-change", map[string]any{"new_again": "my very own password"}, true)

	livetest.WaitFor(t, ctx, "the setup list", `location.pathname === "/admin/setup" && document.querySelectorAll("#setup > li").length === 7`, 10*time.Second)
	steps := livetest.Eval[[]string](t, ctx, `[...document.querySelectorAll("#setup > li")].map((li) => li.dataset.step + ":" + li.className)`)
	want := []string{"bays:done", "teams:todo", "technicians:done", "users:done", "printers:todo", "catalog:done", "screens:todo"}
	for i := range want {
		if i >= len(steps) || steps[i] != want[i] {
			t.Fatalf("the setup steps: %v, want %v", steps, want)
		}
	}
	gaps := livetest.Eval[[]string](t, ctx, `[...document.querySelectorAll("#setup .missing li")].map((li) => li.dataset.gap)`)
	// The demo shop has its printers, but its base URL is this machine's
	// own name, which no phone reaches.
	wantGaps := []string{"team_without_leader", "no_base_url", "no_screen"}
	if len(gaps) != len(wantGaps) {
		t.Errorf("the gaps: %v, want %v", gaps, wantGaps)
	}
	for i := range wantGaps {
		if i < len(gaps) && gaps[i] != wantGaps[i] {
			t.Errorf("the gaps: %v, want %v", gaps, wantGaps)
			break
		}
	}
	livetest.Screenshot(t, ctx, "admin-setup")
	if u := ls.Engine.State().UserByLogin("boss"); u.MustChangePassword {
		t.Errorf("the hold stays after the change")
	}

	// The team without a leader: warned of on its page until one is named.
	livetest.Eval[bool](t, ctx, `(document.querySelector('#setup li[data-gap=team_without_leader] a').click(), true)`)
	livetest.WaitFor(t, ctx, "the teams page's warning", `location.pathname === "/admin/teams" && !!document.querySelector('#setup-warnings [data-gap=team_without_leader]')`, 10*time.Second)
	if got := livetest.Eval[string](t, ctx, `document.querySelector('#setup-warnings [data-gap=team_without_leader]').textContent`); got == "" || !strings.Contains(got, "夜班组") {
		t.Errorf("the warning does not name the team: %q", got)
	}
	livetest.Screenshot(t, ctx, "admin-teams-warning")
	var teamID, techID string
	for _, tm := range ls.Engine.State().Teams {
		if tm.Name == "夜班组" {
			teamID = tm.ID
		}
	}
	for _, tc := range ls.Engine.State().Technicians {
		if techID == "" || tc.ID < techID {
			techID = tc.ID
		}
	}
	livetest.WaitFor(t, ctx, "the team's row", `!!document.querySelector('tr[data-id=`+quote(teamID)+`]')`, 10*time.Second)
	livetest.Eval[bool](t, ctx, `(document.querySelector('tr[data-id=`+quote(teamID)+`]').click(), true)`)
	livetest.WaitFor(t, ctx, "the team's form", `document.querySelector("form.editor")?.dataset.editing === `+quote(teamID), 10*time.Second)
	// A new team has no members yet; its leader may be any technician.
	livetest.Eval[bool](t, ctx, `(() => { const s = document.querySelector("form.editor [name=leader_id]");
		if (![...s.options].some((o) => o.value === `+quote(techID)+`)) s.append(new Option("x", `+quote(techID)+`));
		s.value = `+quote(techID)+`; document.querySelector("form.editor").requestSubmit(); return true })()`)
	livetest.WaitFor(t, ctx, "the warning gone", `!document.querySelector('#setup-warnings [data-gap=team_without_leader]') && !!document.querySelector(".notice.ok")`, 10*time.Second)

	// My account, from the name in the header.
	livetest.Eval[bool](t, ctx, `(document.querySelector("#who").click(), true)`)
	livetest.WaitFor(t, ctx, "my account", `location.pathname === "/desk/account" && !!document.querySelector("#account dl")`, 10*time.Second)
	if got := livetest.Eval[string](t, ctx, `document.querySelector("#account").textContent`); !strings.Contains(got, "boss") || !strings.Contains(got, "新经理") || !strings.Contains(got, "Manager") {
		t.Errorf("my account shows %q", got)
	}
	fill(t, ctx, "#password form", map[string]any{"old": "my very own password", "new": "short", "new_again": "short"}, true)
	livetest.WaitFor(t, ctx, "too short, named", `document.querySelector("#password [name=new]").getAttribute("aria-invalid") === "true"`, 10*time.Second)
	fill(t, ctx, "#password form", map[string]any{"old": "my very own password", "new": "another good password", "new_again": "another good password"}, true)
	livetest.WaitFor(t, ctx, "the password changed", `!!document.querySelector(".notice.ok") && document.querySelector("#password [name=old]").value === ""`, 10*time.Second)
	livetest.Screenshot(t, ctx, "desk-account")
	if nav := livetest.Eval[int](t, ctx, `document.querySelectorAll('.nav a[href="/desk/account"]').length`); nav != 0 {
		t.Errorf("my account is in the navigation")
	}
}
