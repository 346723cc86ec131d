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
	ls := startShop(t, livetest.Options{Demo: true})
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

// The server's field messages read in the page's language, numbers and
// all; one the catalogs do not know shows as the server wrote it.
func TestFieldMessagesReadInThePagesLanguage(t *testing.T) {
	ls := startShop(t, livetest.Options{Demo: true})
	ctx := livetest.Browser(t, 1366, 768)
	ls.SignIn(ctx, "advisor1", demo.Password)
	livetest.Open(t, ctx, ls.URL("/desk/jobs"))
	livetest.WaitFor(t, ctx, "the job list", `location.pathname === "/desk/jobs" && document.documentElement.lang === "zh-CN" && !!document.querySelector("#main h1")`, 10*time.Second)
	for message, want := range map[string]string{
		"is longer than 200 characters": "超过 200 个字",
		"is required":                   "必填",
		"4 to 8 digits":                 "4 到 8 位数字",
		"is something new":              "is something new",
	} {
		got := livetest.Await[string](t, ctx, `import("/assets/staff/app.js").then((m) => {
			const f = document.createElement("form");
			const i = document.createElement("input");
			i.name = "notes";
			f.append(i);
			m.showErrors(f, { fields: [{ field: "notes", message: `+quote(message)+` }] });
			return f.querySelector(".field-error").textContent;
		})`)
		if got != want {
			t.Errorf("%q reads %q, want %q", message, got, want)
		}
	}
}
