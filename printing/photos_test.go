package printing

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"io/fs"
	"os"
	"strings"
	"testing"

	"bayboard/internal/shop"
)

// testThumb is a thumbnail as the photo store keeps one: a JPEG, here a
// grey disc (a worn part) on a light ground, w×h pixels.
func testThumb(tb testing.TB, w, h int) []byte {
	tb.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	cx, cy, r := w/2, h/2, min(w, h)/3
	for y := range h {
		for x := range w {
			c := color.RGBA{230, 226, 214, 255}
			if (x-cx)*(x-cx)+(y-cy)*(y-cy) < r*r {
				c = color.RGBA{90, 90, 96, 255}
			}
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// sampleSettlementWithPhotos is the sample settlement whose finding has
// two photos (one with a caption) and a third taken back, with the shop's
// setting on.
func sampleSettlementWithPhotos(tb testing.TB) (SettlementDoc, map[string][]byte) {
	d := sampleSettlement()
	job := *d.Job
	removed := d.Now
	job.Photos = []shop.Photo{
		{ID: "p1", Kind: shop.PhotoFinding, FindingID: "f1", Width: 320, Height: 240, By: "user-4", At: d.Now},
		{ID: "p2", Kind: shop.PhotoFinding, FindingID: "f1", Caption: "Torn boot 防尘套破裂", Width: 240, Height: 320, By: "user-4", At: d.Now},
		{ID: "p3", Kind: shop.PhotoFinding, FindingID: "f1", By: "user-4", At: d.Now, RemovedAt: &removed, RemovedBy: "user-4"},
		{ID: "p4", Kind: shop.PhotoWalkAround, Position: shop.PositionFront, By: "user-1", At: d.Now},
	}
	// An ordinary job: two labour lines and two parts, as a brake job
	// with a finding has (the full sample already fills its page).
	job.Labour = job.Labour[len(job.Labour)-2:]
	job.Parts = job.Parts[len(job.Parts)-2:]
	job.Issued = job.Issued[len(job.Issued)-2:]
	d.Job = &job
	d.Shop.SettlementPhotos = true
	thumbs := map[string][]byte{"p1": testThumb(tb, 320, 240), "p2": testThumb(tb, 240, 320), "p3": testThumb(tb, 320, 240), "p4": testThumb(tb, 320, 240)}
	d.Thumbnails = func(id string) ([]byte, error) {
		if b, ok := thumbs[id]; ok {
			return b, nil
		}
		return nil, fs.ErrNotExist
	}
	return d, thumbs
}

// With the shop's setting on, the settlement prints the thumbnails of the
// findings' shown photos (not a photo taken back, not the walk-around),
// captioned, in both languages, still on one page; with it off, none,
// and no thumbnail is read.
func TestTheSettlementPrintsTheFindingsPhotos(t *testing.T) {
	r := testRenderer(t)
	for _, lang := range []string{LangZH, LangEN} {
		d, _ := sampleSettlementWithPhotos(t)
		d.Lang = lang
		var read []string
		thumbs := d.Thumbnails
		d.Thumbnails = func(id string) ([]byte, error) { read = append(read, id); return thumbs(id) }
		var b bytes.Buffer
		if err := r.Settlement(&b, d); err != nil {
			t.Fatal(err)
		}
		if n := imagesIn(b.Bytes()); n != 2 {
			t.Errorf("%s: %d images on the settlement, want the 2 shown photos of the finding", lang, n)
		}
		if strings.Join(read, ",") != "p1,p2" {
			t.Errorf("%s: read the thumbnails %v", lang, read)
		}
		// In Chinese, the shop's language, the job stays on one page; the
		// English wording wraps more and may take a second.
		if n := pdfPages(t, b.Bytes()); lang == LangZH && n != 1 {
			t.Errorf("%s: the settlement with photos takes %d pages", lang, n)
		}
		text := pdfText(t, b.Bytes(), 0, 0)
		assertContains(t, text, map[string]string{LangZH: "检查发现的照片", LangEN: "Photos of the findings"}[lang], "Torn boot")

		d.Shop.SettlementPhotos = false
		read = nil
		b.Reset()
		if err := r.Settlement(&b, d); err != nil {
			t.Fatal(err)
		}
		if n := imagesIn(b.Bytes()); n != 0 || len(read) != 0 {
			t.Errorf("%s: the setting off, %d images and %v read", lang, n, read)
		}
	}
}

// A thumbnail that is missing or not a JPEG is left out; the settlement
// still prints.
func TestAnUnreadableThumbnailIsLeftOut(t *testing.T) {
	d, _ := sampleSettlementWithPhotos(t)
	d.Thumbnails = func(id string) ([]byte, error) {
		switch id {
		case "p1":
			return []byte("not a jpeg"), nil
		case "p2":
			return nil, errors.New("gone")
		}
		return nil, fs.ErrNotExist
	}
	var b bytes.Buffer
	if err := testRenderer(t).Settlement(&b, d); err != nil {
		t.Fatal(err)
	}
	if n := imagesIn(b.Bytes()); n != 0 {
		t.Errorf("%d images from unreadable thumbnails", n)
	}
}

// imagesIn counts the image objects a PDF embeds.
func imagesIn(pdf []byte) int { return bytes.Count(pdf, []byte("/Subtype /Image")) }

// TestWriteSettlementPhotosSample renders the sample with photos to look
// at: go test ./printing/ -run WriteSettlementPhotosSample -samples
func TestWriteSettlementPhotosSample(t *testing.T) {
	if !*samples {
		t.Skip("run with -samples to regenerate docs/samples")
	}
	d, _ := sampleSettlementWithPhotos(t)
	var b bytes.Buffer
	if err := testRenderer(t).Settlement(&b, d); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile("../docs/samples/settlement-photos.pdf", b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	run(t, requireTool(t, "pdftoppm", "poppler-utils"), "-png", "-r", "80", "-singlefile", "../docs/samples/settlement-photos.pdf", "../docs/samples/settlement-photos")
}
