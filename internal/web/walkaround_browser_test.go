package web_test

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"testing"
	"time"

	"bayboard/internal/demo"
	"bayboard/internal/livetest"
	"bayboard/internal/shop"
)

// At reception, before the customer signs, the advisor photographs the
// car into the walk-around's slots (front, left: each tagged by its
// position); a photo still on its way (the Wi-Fi dropped) holds the
// signature back until it is in, since none is taken after. The desk's
// job view shows them by position, full size on a click, and one taken by
// mistake is removed with a reason, which the job keeps.
func TestTheWalkAroundPhotosAtReceptionShowOnTheDesk(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test")
	}
	ls := startShop(t, livetest.Options{Demo: true})
	st := ls.Engine.State()
	car := carWithoutAJob(t, st)
	dir := t.TempDir()
	front, left, rear := filepath.Join(dir, "front.jpg"), filepath.Join(dir, "left.jpg"), filepath.Join(dir, "rear.jpg")
	writeJPEG(t, front, color.RGBA{200, 30, 30, 255})
	writeJPEG(t, left, color.RGBA{30, 30, 200, 255})
	writeJPEG(t, rear, color.RGBA{30, 160, 30, 255})
	notPhoto := filepath.Join(dir, "scratch.jpg")
	if err := os.WriteFile(notPhoto, []byte("not a photo"), 0o600); err != nil {
		t.Fatal(err)
	}

	ctx := livetest.Browser(t, 1366, 768)
	wait := func(what, cond string) { t.Helper(); livetest.WaitFor(t, ctx, what, cond, 15*time.Second) }
	ls.SignIn(ctx, "advisor1", demo.Password)
	livetest.Open(t, ctx, ls.URL("/desk/reception?q="+car.Plate))
	receive := `[data-receive="` + car.Plate + `"]`
	wait("the car found", `!!document.querySelector(`+quote(receive)+`)`)
	livetest.Eval[bool](t, ctx, `(document.querySelector(`+quote(receive)+`).click(), true)`)
	wait("the reception form with a promise", `!!document.querySelector("form#reception") && document.querySelector("form#reception input[name=promised_at]").value !== ""`)
	livetest.Eval[bool](t, ctx, `(() => { const f = document.querySelector("form#reception"); f.requests.value = "保养 Service"; f.requestSubmit(); return true })()`)
	wait("the job opened, its walk-around slots shown", `!!document.querySelector("#opened[data-job] #walk-around-photos [data-position=front]")`)
	jobID := livetest.Eval[string](t, ctx, `document.querySelector("#opened").dataset.job`)

	livetest.Upload(t, ctx, `[data-position=front] input[type=file][capture=environment]`, front)
	livetest.Upload(t, ctx, `[data-position=left] input[type=file]:not([capture])`, left)
	wait("both photos in their slots", `["front", "left"].every((p) => { const i = document.querySelector("[data-position=" + p + "][data-filled] .photo-thumb img"); return !!i && i.complete && i.naturalWidth > 0; })`)
	photos := ls.Engine.State().Jobs[jobID].Photos
	got := map[shop.PhotoPosition]int{}
	for _, p := range photos {
		if p.Kind == shop.PhotoWalkAround {
			got[p.Position]++
		}
	}
	if len(photos) != 2 || got[shop.PositionFront] != 1 || got[shop.PositionLeft] != 1 {
		t.Fatalf("the job's photos %+v, want one walk-around photo at the front and one at the left", photos)
	}
	if stage := ls.Engine.State().Jobs[jobID].Stage; stage != shop.StageReception {
		t.Errorf("the job is at %s while the walk-around is photographed, want reception (before signing)", stage)
	}
	livetest.Eval[bool](t, ctx, `(document.querySelector("#walk-around-section").scrollIntoView(), true)`)
	livetest.Screenshot(t, ctx, "desk-reception-walk-around")

	// A file that is not a photo is refused on the page, said on its tile,
	// and sent nowhere.
	livetest.Upload(t, ctx, `#more-damage input[type=file]:not([capture])`, notPhoto)
	wait("the file refused", `document.querySelector("#walk-around-section .photo-tile[data-state=refused]")?.textContent.includes("scratch.jpg 不是可读取的图片")`)
	livetest.Eval[bool](t, ctx, `(document.querySelector("#walk-around-section .photo-dismiss").click(), true)`)
	wait("the refusal dismissed", `!document.querySelector("#walk-around-section .photo-tile")`)
	if n := len(ls.Engine.State().Jobs[jobID].Photos); n != 2 {
		t.Fatalf("the job has %d photos after a file that is not one, want 2", n)
	}

	// The rear's photo cannot get through: the customer's signature waits.
	uploads := ls.URL("/api/v1/jobs/" + jobID + "/photos?*")
	livetest.CutOff(t, ctx, uploads)
	livetest.Upload(t, ctx, `[data-position=rear] input[type=file][capture=environment]`, rear)
	wait("the rear's photo waiting", `document.querySelector("#walk-around-section .photo-tile")?.dataset.state === "retry"`)
	livetest.Eval[bool](t, ctx, `(document.querySelector("#signed").click(), true)`)
	wait("the signature held back", `document.querySelector("#sign .form-error")?.textContent.includes("1 张环车照片正在上传")`)
	if stage := ls.Engine.State().Jobs[jobID].Stage; stage != shop.StageReception {
		t.Fatalf("the job went to %s with a walk-around photo still on its way", stage)
	}
	livetest.CutOff(t, ctx, "")
	livetest.Eval[bool](t, ctx, `(dispatchEvent(new Event("online")), true)`)
	wait("the rear's photo in its slot", `!!document.querySelector("[data-position=rear][data-filled] .photo-thumb img") && !document.querySelector("#walk-around-section .photo-tile")`)
	livetest.Eval[bool](t, ctx, `(document.querySelector("#signed").click(), true)`)
	wait("the customer's signature recorded", `!!document.querySelector("#submitted")`)
	if livetest.Eval[bool](t, ctx, `!!document.querySelector("#walk-around-section input[type=file]")`) {
		t.Error("the walk-around still takes photos after the customer signed")
	}

	// The desk's job view: the walk-around by position.
	livetest.Open(t, ctx, ls.URL("/desk/jobs?job="+jobID))
	wait("the job's photos", `document.querySelectorAll("#job-photos .photo-thumb img").length === 3 && [...document.querySelectorAll("#job-photos .photo-thumb img")].every((i) => i.complete && i.naturalWidth > 0)`)
	labels := livetest.Eval[[]string](t, ctx, `[...document.querySelectorAll("#job-photos .photo-label")].map((l) => l.textContent)`)
	if len(labels) != 3 || labels[0] != "车头" || labels[1] != "车尾" || labels[2] != "左侧" {
		t.Errorf("the walk-around's photos are labelled %q, want 车头, 车尾, 左侧 (the slots' order)", labels)
	}
	livetest.Eval[bool](t, ctx, `(document.querySelector("#job-photos .photo-thumb").click(), true)`)
	wait("the photo full size", `(() => { const i = document.querySelector("#photo-full img"); return !!i && i.complete && i.naturalWidth > 0; })()`)
	livetest.Eval[bool](t, ctx, `(document.querySelector("#photo-full").click(), true)`)
	wait("the full-size photo closed", `!document.querySelector("#photo-full")`)
	livetest.Eval[bool](t, ctx, `(document.querySelector("#job-photos").scrollIntoView(), true)`)
	livetest.Screenshot(t, ctx, "desk-walk-around")

	// The left photo was of the wrong car: removed, with why.
	leftID := ""
	for _, p := range photos {
		if p.Position == shop.PositionLeft {
			leftID = p.ID
		}
	}
	livetest.Eval[bool](t, ctx, fmt.Sprintf(`(document.querySelector('[data-remove-photo=%q]').click(), true)`, leftID))
	wait("the reason asked", `!!document.querySelector("form.photo-removing input[name=reason]")`)
	livetest.Eval[bool](t, ctx, `(document.querySelector("form.photo-removing").requestSubmit(), true)`)
	wait("a reason wanted", `document.querySelector("form.photo-removing .field-error")?.textContent !== undefined`)
	if removed := ls.Engine.State().Jobs[jobID].Photo(leftID).RemovedAt; removed != nil {
		t.Fatal("a removal without a reason removed the photo")
	}
	livetest.Eval[bool](t, ctx, `(() => { const f = document.querySelector("form.photo-removing"); f.reason.value = "拍错车了 wrong car"; f.requestSubmit(); return true })()`)
	wait("two photos left", `document.querySelectorAll("#job-photos .photo-thumb").length === 2`)
	p := ls.Engine.State().Jobs[jobID].Photo(leftID)
	if p == nil || p.RemovedAt == nil || p.RemovedBy == "" {
		t.Fatalf("the removed photo: %+v", p)
	}
}

// writeJPEG writes a small photo of one colour.
func writeJPEG(t *testing.T, path string, c color.RGBA) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 640, 480))
	for y := 0; y < 480; y++ {
		for x := 0; x < 640; x++ {
			img.SetRGBA(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}
