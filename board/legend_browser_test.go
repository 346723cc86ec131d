package board_test

import (
	"testing"
	"time"

	"bayboard/board"
	"bayboard/internal/livetest"
)

// The appointment board's prep chips are one character each (料/位/顾 in
// Chinese): a legend under the columns says what each stands for, in both
// languages, and the board still fits the TV.
func TestTheAppointmentBoardExplainsItsChips(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test")
	}
	ls := newLiveServer(t, true)
	ctx := browser(t, 1920, 1080)
	for _, c := range []struct{ lang, want string }{
		{"zh-CN", "准备 料 配件已备 位 工位已排 顾 顾问已定 料 红色：未完成"},
		{"en", "Prep Parts parts staged Bay bay assigned Advisor advisor assigned Parts red: not yet"},
	} {
		livetest.Open(t, ctx, ls.URL("/board/appointments?lang="+c.lang))
		waitFor(t, ctx, "the appointment board", drawn[board.ViewAppointments], 10*time.Second)
		got := eval[string](t, ctx, `[...document.querySelectorAll("#prep-legend > span")].map((s) => s.textContent).join(" ")`)
		if got != c.want {
			t.Errorf("%s: the legend says %q, want %q", c.lang, got, c.want)
		}
		if eval[bool](t, ctx, `document.documentElement.scrollHeight > innerHeight + 1`) {
			t.Errorf("%s: the board with its legend is taller than the screen", c.lang)
		}
		if c.lang == "zh-CN" {
			screenshot(t, ctx, "appointments")
		}
	}
}
