package web_test

import (
	"testing"
	"time"

	"bayboard/internal/livetest"
)

// A picker's answer that comes after its box has lost the focus does not
// open the list again: the advisor has moved on to the next field, and a
// list left open under it would cover that field.
func TestAPickersLateAnswerDoesNotOpenItsList(t *testing.T) {
	ls := startShop(t, livetest.Options{Demo: true})
	ctx := livetest.Browser(t, 1366, 768)
	signIn(t, ctx, ls, "manager", "/desk/jobs")
	// The picker's search answers only when the test says so.
	livetest.Await[bool](t, ctx, `(async () => {
		const { picker } = await import("/assets/staff/picker.js");
		window.answers = [];
		const p = picker({
			name: "late", label: "late", placeholder: "", empty: "none", more: () => "",
			search: () => new Promise((resolve) => window.answers.push(() => resolve({ items: [{ code: "A" }], total: 1 }))),
			value: (i) => i.code, text: (i) => i.code, onPick: () => {},
		});
		const other = document.createElement("input");
		other.id = "other";
		document.body.append(p, other);
		const box = p.querySelector("input");
		box.focus();
		box.value = "a";
		box.dispatchEvent(new Event("input"));
		other.focus();
		return true;
	})()`)
	livetest.WaitFor(t, ctx, "the searches asked", `window.answers.length === 2`, 5*time.Second)
	if open := livetest.Eval[bool](t, ctx, `(window.answers.forEach((a) => a()), true)`); !open {
		t.Fatal("the answers were not given")
	}
	// Both answers have run once the page has had a turn to take them.
	livetest.Await[bool](t, ctx, `new Promise((r) => setTimeout(() => r(true), 0))`)
	if shown := livetest.Eval[bool](t, ctx, `!document.querySelector("input[name=late]").closest(".picker").querySelector(".picker-list").hidden`); shown {
		t.Error("an answer that came after the box lost the focus opened the list")
	}
}
