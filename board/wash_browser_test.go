package board_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"bayboard/board"
	"bayboard/internal/shop"

	"github.com/chromedp/chromedp"
)

// The wash board tells the cars being washed from those waiting, in two
// lanes, each by promised time: two cars wait (the demo's, and one just
// through its final inspection), then the washer takes one and it moves
// to the washing lane, on the screen, without a reload.
func TestTheWashBoardTellsWaitingFromWashing(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test")
	}
	ls := newLiveServer(t, true)
	st := ls.Engine.State()
	var inQC *shop.Job
	for _, j := range st.OpenJobs() {
		if j.Stage == shop.StageQualityCheck && j.Wash {
			inQC = j
		}
	}
	if inQC == nil {
		t.Fatal("the demo shop has no car in quality check with a wash")
	}
	ls.Command(map[string]any{"type": "qc", "job_id": inQC.ID, "step": "team", "pass": true})
	ls.Command(map[string]any{"type": "qc", "job_id": inQC.ID, "step": "final", "pass": true})
	var waiting []*shop.Job
	for _, j := range ls.Engine.State().Jobs {
		if j.Stage == shop.StageWashing {
			waiting = append(waiting, j)
		}
	}
	if len(waiting) != 2 {
		t.Fatalf("%d cars at the wash, want the demo's and the one inspected", len(waiting))
	}
	sort.Slice(waiting, func(a, b int) bool { return waiting[a].PromisedAt.Before(waiting[b].PromisedAt) })
	if waiting[0].PromisedAt.Equal(waiting[1].PromisedAt) {
		t.Fatal("the two cars are promised at the same time: their order shows nothing")
	}

	ctx := browser(t, 1920, 1080)
	lane := func(name string) string {
		return eval[string](t, ctx, fmt.Sprintf(`[...document.querySelectorAll("#lane-%s .trow[data-job]")].map((r) => r.dataset.job + ":" + r.dataset.state).join(" ")`, name))
	}
	open := func(lang string) {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.Navigate(ls.URL("/board/wash?lang="+lang))); err != nil {
			t.Fatal(err)
		}
		waitFor(t, ctx, "the wash board drawn", drawn[board.ViewWash], 10*time.Second)
	}
	open("zh-CN")
	want := fmt.Sprintf("%s:waiting %s:waiting", waiting[0].ID, waiting[1].ID)
	waitFor(t, ctx, "two cars waiting", `document.querySelectorAll("#lane-waiting .trow[data-job=\"`+waiting[0].ID+`\"], #lane-waiting .trow[data-job=\"`+waiting[1].ID+`\"]").length === 2`, 10*time.Second)
	if got := lane("waiting"); !strings.HasPrefix(got, want) {
		t.Errorf("waiting lane %q, want %q first (by promised time)", got, want)
	}
	if got := lane("washing"); got != "" {
		t.Errorf("washing lane %q before any wash started", got)
	}

	// The washer takes the car promised later: it moves lanes.
	ls.Command(map[string]any{"type": "start_wash", "job_id": waiting[1].ID})
	waitFor(t, ctx, "the car in the washing lane", fmt.Sprintf(`!!document.querySelector('#lane-washing .trow[data-job=%q]')`, waiting[1].ID), 10*time.Second)
	if got, want := lane("washing"), waiting[1].ID+":washing"; got != want {
		t.Errorf("washing lane %q, want %q", got, want)
	}
	if got := lane("waiting"); !strings.HasPrefix(got, waiting[0].ID+":waiting") || strings.Contains(got, waiting[1].ID) {
		t.Errorf("waiting lane %q, want %s first and %s gone", got, waiting[0].ID, waiting[1].ID)
	}
	for _, lang := range []string{"zh-CN", "en"} {
		if lang == "en" {
			open("en")
			waitFor(t, ctx, "the English lanes", `document.querySelector("#lane-washing h2").textContent === "Washing now: 1"`, 10*time.Second)
		}
		text := eval[string](t, ctx, `document.body.innerText`)
		for _, bad := range []string{"undefined", "NaN", "null", "wash.", "fig."} {
			if strings.Contains(text, bad) {
				t.Errorf("the wash board (%s) shows %q:\n%s", lang, bad, text)
			}
		}
		if cut := eval[string](t, ctx, `[...document.querySelectorAll(".wash .trow > *, .wash h2")].filter((e) => e.scrollWidth > e.clientWidth + 1).map((e) => e.textContent).join(" | ")`); cut != "" {
			t.Errorf("the wash board (%s) cuts %s", lang, cut)
		}
		waitFor(t, ctx, "the fonts", `document.fonts.status === "loaded"`, 5*time.Second)
		name := "wash-lanes"
		if lang == "en" {
			name += "-en"
		}
		screenshot(t, ctx, name)
	}
}
