package printing

import (
	"bytes"
	"fmt"
	"image/jpeg"

	"bayboard/internal/shop"

	"github.com/jung-kurt/gofpdf"
)

// A Thumbnails reads a photo's thumbnail, a JPEG, by the photo's id. The
// web layer gives it from the photo store: printing reads no files.
type Thumbnails func(id string) ([]byte, error)

// stripPhoto is one thumbnail on a document, with what it shows.
type stripPhoto struct {
	jpeg          []byte
	width, height int // the JPEG's own, read from its header
	caption       string
}

// findingPhotos picks the photos of the findings listed, in the order of
// the list and then as taken: shown photos (not taken back, not expired)
// whose thumbnail reads as a JPEG. A thumbnail that cannot be read is left
// out; the settlement still prints.
func findingPhotos(job *shop.Job, findings []*shop.Finding, thumbs Thumbnails) []stripPhoto {
	var out []stripPhoto
	for _, fd := range findings {
		for k := range job.Photos {
			p := &job.Photos[k]
			if p.Kind != shop.PhotoFinding || p.FindingID != fd.ID || !p.Shown() {
				continue
			}
			data, err := thumbs(p.ID)
			if err != nil {
				continue
			}
			cfg, err := jpeg.DecodeConfig(bytes.NewReader(data))
			if err != nil || cfg.Width == 0 || cfg.Height == 0 {
				continue
			}
			caption := fd.Description
			if p.Caption != "" {
				caption = p.Caption + " · " + fd.Description
			}
			out = append(out, stripPhoto{jpeg: data, width: cfg.Width, height: cfg.Height, caption: caption})
		}
	}
	return out
}

// photoStrip draws the thumbnails in rows under a caption bar, each with
// its caption beside it (the photo's caption and its finding's
// description, at most four lines): a row no taller than a thumbnail keeps
// an ordinary job's settlement on one page.
func (f *form) photoStrip(title string, list []stripPhoto) {
	h, captionWidth := 18.0, 30.0 // big enough to see the part; small enough for one page
	if f.pw < 200 {
		h, captionWidth = 14, 24
	}
	const gap = 3.0
	st := textStyle{size: f.base - 2, color: muted}
	maxLines := min(4, int(h/st.lineHeight()))
	f.section(title)
	f.gap(1)
	f.ensure(h + 1)
	x := f.left
	for _, p := range list {
		w := min(h*float64(p.width)/float64(p.height), 1.5*h)
		if x > f.left && x+w+1.5+captionWidth > f.right {
			x = f.left
			f.y += h + 2
			f.ensure(h + 1)
		}
		f.jpeg(x, f.y, w, h, p.jpeg)
		f.strokeRect(x, f.y, w, h, 0.2, rule)
		lines := f.book.wrap(f.book.clean(p.caption), regular, st.size, captionWidth)
		if len(lines) > maxLines {
			// The rest runs on in the last line, cut with an ellipsis.
			rest := ""
			for _, l := range lines[maxLines-1:] {
				rest += l
			}
			lines = append(lines[:maxLines-1], f.book.fit(rest, regular, st.size, captionWidth))
		}
		for i, l := range lines {
			f.text(x+w+1.5, f.y+st.em()+float64(i)*st.lineHeight(), 0, st, left, l)
		}
		x += w + 1.5 + captionWidth + gap
	}
	f.y += h + 1
}

// jpeg places a JPEG's bytes, stretched to w×h millimetres, with its top
// left corner at (x, y). Each image is embedded once per document.
func (c *canvas) jpeg(x, y, w, h float64, data []byte) {
	c.images++
	name := fmt.Sprintf("photo-%d", c.images)
	c.do(func(p *player) {
		opt := gofpdf.ImageOptions{ImageType: "JPG"}
		p.pdf.RegisterImageOptionsReader(name, opt, bytes.NewReader(data))
		p.pdf.ImageOptions(name, x, y, w, h, false, opt, 0, "")
	})
}
