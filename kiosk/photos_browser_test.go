package kiosk_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"bayboard/internal/imaging/imagingtest"
	"bayboard/internal/livetest"
	"bayboard/internal/shop"
)

// The technician photographs a worn part on the phone's kiosk page while
// the uploads cannot get through: the photo waits on the phone, through a
// reload of the page too (not lost, not picked again), and goes up, its
// progress shown, once they can. The
// advisor prices the finding and sends it; the customer's page shows the
// photo beside the finding and its price, upright, full size on a tap;
// the file the shop keeps has no EXIF and no GPS.
func TestATechniciansPhotoReachesTheCustomerUpright(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test")
	}
	f := newFloor(t)
	phone := device(t, phoneWidth, phoneHeight)
	photo := filepath.Join(t.TempDir(), "IMG_0001.jpg")
	// As a phone held upright stores it: a landscape frame, orientation 6,
	// the device's name and where it was taken.
	if err := os.WriteFile(photo, imagingtest.PhoneJPEG(2400, 1800, 6, true), 0o600); err != nil {
		t.Fatal(err)
	}

	// The technician reports the finding on the kiosk.
	livetest.Open(t, phone, f.srv.URL(f.jobPath))
	livetest.WaitFor(t, phone, "the sign-in form", `!!document.querySelector(".signin input[name=badge]")`, 10*time.Second)
	signInWithBadge(t, phone, f.badge)
	click(t, phone, "clock on", "[data-action=clock_on]")
	click(t, phone, "pause", "[data-action=pause]")
	click(t, phone, "waiting for approval", "[data-reason=waiting_approval]")
	fill(t, phone, "#panel input[name=what]", "更换前刹车片 Front brake pads")
	fill(t, phone, "#panel input[name=hours]", "1")
	click(t, phone, "send the finding", "#panel button[type=submit]")
	livetest.WaitFor(t, phone, "the finding with the advisor", `!!document.querySelector(".finding-proposed[data-finding]")`, 10*time.Second)
	findings := f.srv.Engine.State().JobFindings(f.jobID)
	if len(findings) != 1 {
		t.Fatalf("the job has %d findings, want 1", len(findings))
	}
	finding := findings[0]
	camera := fmt.Sprintf(`[data-finding=%q] input[type=file][capture=environment]`, finding.ID)

	// The uploads cannot get through (the rest of the page's calls can);
	// the photo is taken and waits on the phone, kept for the job in
	// IndexedDB, and is tried again.
	uploads := f.srv.URL("/api/v1/jobs/" + f.jobID + "/photos?*")
	livetest.CutOff(t, phone, uploads)
	livetest.Upload(t, phone, camera, photo)
	livetest.WaitFor(t, phone, "the photo waiting to be sent again", `document.querySelector("#photo-queue .photo-tile")?.dataset.state === "retry"`, 20*time.Second)
	kept := livetest.Await[float64](t, phone, `new Promise((resolve) => {
		const req = indexedDB.open("bayboard-photos");
		req.onsuccess = () => {
			const get = req.result.transaction("waiting").objectStore("waiting").index("job").getAll(`+js(f.jobID)+`);
			get.onsuccess = () => resolve(get.result.length ? get.result[0].blob.size : 0);
		};
	})`)
	if kept <= 0 || kept > 500*1024 {
		t.Fatalf("the phone keeps %v bytes for the photo, want a JPEG of at most 500 KiB", kept)
	}
	if n := len(f.srv.Engine.State().Jobs[f.jobID].Photos); n != 0 {
		t.Fatalf("the job has %d photos while the uploads cannot get through", n)
	}
	// The page is loaded again (a reload, a phone that dropped the tab):
	// the photo is still there, still being tried.
	livetest.Open(t, phone, f.srv.URL(f.jobPath))
	livetest.WaitFor(t, phone, "the photo still waiting after a reload", `(() => { const p = document.querySelector("#photo-queue .photo-tile"); return !!p && p.dataset.state === "retry" && !!p.querySelector("img"); })()`, 20*time.Second)
	// The uploads get through again: it goes up by itself, its progress
	// shown on its tile.
	livetest.Eval[bool](t, phone, `(() => {
		window.progressSeen = [];
		new MutationObserver((changes) => {
			for (const c of changes) if (c.target.dataset && c.target.dataset.progress) window.progressSeen.push(c.target.querySelector(".photo-status").textContent);
		}).observe(document.querySelector("#photo-queue"), { subtree: true, attributes: true, attributeFilter: ["data-progress"] });
		return true;
	})()`)
	livetest.CutOff(t, phone, "")
	// The phone says its Wi-Fi is back, as it does when it rejoins: the
	// photo is tried at once rather than after its pause.
	livetest.Eval[bool](t, phone, `(dispatchEvent(new Event("online")), true)`)
	livetest.WaitFor(t, phone, "the finding's photo on the kiosk", fmt.Sprintf(`(() => { const i = document.querySelector('[data-finding=%q] .photo-thumb img'); return !!i && i.complete && i.naturalWidth > 0; })()`, finding.ID), 30*time.Second)
	if seen := livetest.Eval[[]string](t, phone, `window.progressSeen`); len(seen) == 0 {
		t.Error("the upload showed no progress")
	} else {
		t.Logf("the tile said %q", seen)
	}
	if left := livetest.Eval[bool](t, phone, `!!document.querySelector("#photo-queue .photo-tile")`); left {
		t.Error("the sent photo is still shown as on its way")
	}
	job := f.srv.Engine.State().Jobs[f.jobID]
	if len(job.Photos) != 1 || job.Photos[0].Kind != shop.PhotoFinding || job.Photos[0].FindingID != finding.ID {
		t.Fatalf("the job's photos %+v, want one of finding %s", job.Photos, finding.ID)
	}
	stored := job.Photos[0]
	checkPage(t, phone)
	livetest.Eval[bool](t, phone, fmt.Sprintf(`(document.querySelector('[data-finding=%q]').scrollIntoView({ block: "center" }), true)`, finding.ID))
	livetest.Screenshot(t, phone, "kiosk-finding-photo")

	// The file the shop keeps is upright, of the resized size, without
	// the phone's metadata.
	res := f.srv.Do("GET", "/api/v1/jobs/"+f.jobID+"/photos/"+stored.ID, nil)
	raw, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || len(raw) == 0 {
		t.Fatalf("the stored photo: %d, %d bytes", res.StatusCode, len(raw))
	}
	if leaks := imagingtest.Leaks(raw); len(leaks) > 0 {
		t.Errorf("the stored photo carries %v", leaks)
	}
	if err := imagingtest.UprightJPEG(raw); err != nil {
		t.Errorf("the stored photo: %v", err)
	}
	if stored.Height <= stored.Width {
		t.Errorf("the stored photo is %d×%d: the phone held it upright", stored.Width, stored.Height)
	}

	// The advisor prices it and sends it to the customer.
	f.srv.Command(map[string]any{"type": "price_finding", "finding_id": finding.ID, "send": true})

	// The customer's page shows it beside the finding and its price,
	// upright: red at the top, as the phone saw it.
	livetest.Open(t, phone, f.srv.URL(f.custPath))
	thumb := `.finding-card[data-finding=` + js(finding.ID) + `] .photo-thumb img`
	livetest.WaitFor(t, phone, "the photo on the customer's page", `(() => { const i = document.querySelector(`+js(thumb)+`); return !!i && i.complete && i.naturalWidth > 0; })()`, 15*time.Second)
	if text := livetest.Eval[string](t, phone, `document.querySelector(".finding-card").innerText`); !bytes.Contains([]byte(text), []byte("¥")) {
		t.Errorf("the finding's card beside the photo shows no price:\n%s", text)
	}
	click(t, phone, "the photo", `.finding-card .photo-thumb`)
	livetest.WaitFor(t, phone, "the photo full size", `(() => { const i = document.querySelector("#photo-full img"); return !!i && i.complete && i.naturalWidth > 0; })()`, 10*time.Second)
	upright := livetest.Eval[[]float64](t, phone, `(() => {
		const i = document.querySelector("#photo-full img");
		const c = document.createElement("canvas");
		c.width = i.naturalWidth; c.height = i.naturalHeight;
		const g = c.getContext("2d");
		g.drawImage(i, 0, 0);
		const top = g.getImageData(Math.floor(c.width / 2), 2, 1, 1).data;
		return [i.naturalWidth, i.naturalHeight, top[0], top[1], top[2]];
	})()`)
	if w, h := upright[0], upright[1]; h <= w || int(w) != stored.Width || int(h) != stored.Height {
		t.Errorf("the customer sees the photo %v×%v, want upright %d×%d", w, h, stored.Width, stored.Height)
	}
	if r, g, b := upright[2], upright[3], upright[4]; r < 180 || g > 80 || b > 80 {
		t.Errorf("the top of the photo is rgb(%v,%v,%v), want red: the photo is not upright", r, g, b)
	}
	livetest.Screenshot(t, phone, "customer-finding-photo-full")
	livetest.Eval[bool](t, phone, `(document.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true })), true)`)
	livetest.WaitFor(t, phone, "the full-size photo closed by Esc", `!document.querySelector("#photo-full")`, 5*time.Second)
	checkPage(t, phone)
	livetest.Screenshot(t, phone, "customer-finding-photo")
}
