package web_test

import (
	"testing"
	"time"

	"bayboard/internal/demo"
	"bayboard/internal/livetest"
)

// A person who is not signed in is sent to the sign-in page; a wrong
// password is said next to the form and a right one takes them back to
// the page they asked for.
func TestSigningInAtTheDesk(t *testing.T) {
	ls := livetest.Start(t, livetest.Options{Demo: true})
	ctx := livetest.Browser(t, 1366, 768)
	livetest.Open(t, ctx, ls.URL("/desk"))
	livetest.WaitFor(t, ctx, "the sign-in page", `location.pathname === "/signin" && !!document.querySelector("form.signin input[name=login]")`, 10*time.Second)
	if lang := livetest.Eval[string](t, ctx, `document.documentElement.lang`); lang != "zh-CN" {
		t.Errorf("the demo shop's desk is in %q, want zh-CN", lang)
	}
	livetest.Open(t, ctx, ls.URL("/signin?next=/board/advisor&lang=en"))
	livetest.WaitFor(t, ctx, "the form", `!!document.querySelector("form.signin input[name=password]")`, 10*time.Second)
	fill := func(login, password string) {
		livetest.Eval[bool](t, ctx, `(() => {
			const f = document.querySelector("form.signin");
			f.login.value = `+quote(login)+`; f.password.value = `+quote(password)+`;
			f.requestSubmit(); return true })()`)
	}
	fill("advisor1", "wrong-password")
	livetest.WaitFor(t, ctx, "the refusal", `document.querySelector(".form-error")?.textContent === "Wrong login or password"`, 10*time.Second)
	livetest.Screenshot(t, ctx, "desk-signin")
	if p := livetest.Eval[string](t, ctx, `location.pathname`); p != "/signin" {
		t.Fatalf("a wrong password went on to %s", p)
	}
	fill("advisor1", demo.Password)
	livetest.WaitFor(t, ctx, "the page asked for", `location.pathname === "/board/advisor"`, 10*time.Second)
}

func quote(s string) string {
	out := []byte{'"'}
	for _, r := range s {
		if r == '"' || r == '\\' {
			out = append(out, '\\')
		}
		out = append(out, string(r)...)
	}
	return string(append(out, '"'))
}
