package main

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"bayboard/internal/imaging/imagingtest"
	"bayboard/internal/livetest"
)

// phonePhoto12MP is a 12-megapixel photo as a phone sends it: 4000×3000
// stored, EXIF orientation 6 with GPS tags, gradients and sensor noise so
// that it is as large (about 5 MB) and as much work as a real one.
func phonePhoto12MP(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 4000, 3000))
	rng := rand.New(rand.NewPCG(1, 2))
	for y := range 3000 {
		for x := range 4000 {
			n := int(rng.NormFloat64() * 12)
			v := func(base int) uint8 { return uint8(max(0, min(255, base+n))) }
			img.SetRGBA(x, y, color.RGBA{v(120 + x/40), v(130 + y/40), v(140 + (x+y)/80), 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 92}); err != nil {
		t.Fatal(err)
	}
	return imagingtest.WithAPP1(b.Bytes(), imagingtest.EXIF(binary.BigEndian, 6, true))
}

// peakRSS is a process's peak resident set (VmHWM), in MiB.
func peakRSS(t *testing.T, pid int) float64 {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(raw), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.Atoi(f[1])
			return float64(kb) / 1024
		}
	}
	t.Fatal("no VmHWM")
	return 0
}

// photoLoadBound is the peak resident set the real server stays within
// while twenty 12-megapixel phone photos are uploaded at once
// (docs/BENCHMARKS.md, Photos): the twenty bodies held by their requests,
// two photos processed at a time (imaging.Parallel), the rest waiting.
const photoLoadBound = 600 // MiB

// TestTwentyUploadsAtOnceStayWithinTheMemoryBound uploads twenty 12 MP
// phone photos at once to the real binary, each to its own job, and
// reads the server's peak resident set: every upload is taken (the 21st
// of a burst waits for a slot, none is refused) and the peak stays within
// photoLoadBound. The figures go to docs/BENCHMARKS.md. A long test: it
// runs with BAYBOARD_LONG=1.
func TestTwentyUploadsAtOnceStayWithinTheMemoryBound(t *testing.T) {
	livetest.Long(t)
	bin := buildBinary(t)
	data := filepath.Join(t.TempDir(), "shop.db")
	c, token := startNewShop(t, bin, data)
	const uploads = 20
	jobs := receptionJobs(t, c, token, uploads)
	body := phonePhoto12MP(t)
	before := peakRSS(t, c.cmd.Process.Pid)

	var wg sync.WaitGroup
	took := make([]time.Duration, uploads)
	status := make([]int, uploads)
	start := time.Now()
	for i := range uploads {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			req, _ := http.NewRequest("POST", c.url+"/api/v1/jobs/"+jobs[i]+"/photos?kind=walk_around&position=front", bytes.NewReader(body))
			req.Header.Set("Content-Type", "image/jpeg")
			req.Header.Set("Authorization", "Bearer "+token)
			t0 := time.Now()
			resp, err := (&http.Client{Timeout: 5 * time.Minute}).Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			took[i], status[i] = time.Since(t0), resp.StatusCode
		}(i)
	}
	wg.Wait()
	wall := time.Since(start)
	for i, s := range status {
		if s != http.StatusCreated {
			t.Errorf("upload %d: %d", i, s)
		}
	}
	peak := peakRSS(t, c.cmd.Process.Pid)
	slowest := time.Duration(0)
	for _, d := range took {
		slowest = max(slowest, d)
	}
	t.Logf("%d uploads of a %.1f MB 12 MP photo at once: all taken in %s (slowest answer %s); the server's peak RSS %.0f MiB (%.0f MiB before the uploads)",
		uploads, float64(len(body))/1e6, wall.Round(100*time.Millisecond), slowest.Round(100*time.Millisecond), peak, before)
	if peak > photoLoadBound {
		t.Errorf("peak RSS %.0f MiB, over the bound of %d MiB", peak, photoLoadBound)
	}
}
