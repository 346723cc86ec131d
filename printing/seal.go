package printing

import (
	"math"
	"strings"

	"github.com/jung-kurt/gofpdf"
)

// seal draws a red round seal (印章) of radius r centred on (cx, cy), in
// vector: the ring, a five-pointed star, the shop's name along the upper
// arc, the seal's purpose across beneath the star and the date below it.
// It is printed like ink, multiplied over whatever lies under it, so the
// signature line and text it overlaps stay readable.
func (d *doc) seal(cx, cy, r float64, name, purpose, date string) {
	name = strings.TrimSpace(oneLine(d.book.clean(name)))
	purpose = strings.TrimSpace(oneLine(d.book.clean(purpose)))
	d.withAlpha(0.9, "Multiply", func() {
		ring := r * 0.055
		d.circle(cx, cy, r-ring/2, ring, sealRed)
		d.star(cx, cy, r*0.25)
		d.arcText(cx, cy, r-ring-r*0.07, name)
		d.purpose(cx, cy, r, purpose)
		if date != "" {
			st := textStyle{size: r * 0.105 / ptToMM, color: sealRed}
			d.text(cx-r, cy+r*0.74, 2*r, st, center, date)
		}
	})
}

// star fills a five-pointed star of outer radius rs, point up.
func (d *doc) star(cx, cy, rs float64) {
	inner := rs * 0.382
	pts := make([]gofpdf.PointType, 0, 10)
	for i := 0; i < 10; i++ {
		rad := rs
		if i%2 == 1 {
			rad = inner
		}
		a := math.Pi/2 + float64(i)*math.Pi/5
		pts = append(pts, gofpdf.PointType{X: cx + rad*math.Cos(a), Y: cy - rad*math.Sin(a)})
	}
	d.fillPolygon(pts, sealRed)
}

// arcText sets name along the upper arc, inside radius outer, each
// character upright towards the rim. Long names get a smaller size and
// tighter spacing; short ones are spread so the arc looks like a seal's.
func (d *doc) arcText(cx, cy, outer float64, name string) {
	runes := []rune(name)
	if len(runes) == 0 {
		return
	}
	const maxSpan = 250 * math.Pi / 180
	size := outer * 0.24 / ptToMM
	var widths []float64
	var baseline, natural float64
	for {
		st := textStyle{size: size, bold: true}
		baseline = outer - st.em()*0.86
		widths = widths[:0]
		natural = 0
		for _, r := range runes {
			w := d.book.width(string(r), bold, size)
			widths = append(widths, w)
			natural += w * 1.12 / baseline
		}
		if natural <= maxSpan || size <= 6 {
			break
		}
		size *= 0.92
	}
	span := natural
	if len(runes) >= 4 && span < 170*math.Pi/180 {
		span = math.Min(170*math.Pi/180, natural*1.6)
	}
	span = math.Min(span, maxSpan)
	stretch := span / natural
	st := textStyle{size: size, bold: true, color: sealRed}
	theta := math.Pi/2 + span/2
	for i, r := range runes {
		step := widths[i] * 1.12 / baseline * stretch
		a := theta - step/2
		x, y := cx+baseline*math.Cos(a), cy-baseline*math.Sin(a)
		d.textRotated(x, y, (a-math.Pi/2)*180/math.Pi, st, string(r))
		theta -= step
	}
}

// purpose sets the seal's purpose across the lower half: on one line when
// it fits at a legible size, else on two balanced lines.
func (d *doc) purpose(cx, cy, r float64, text string) {
	if text == "" {
		return
	}
	unit := d.book.width(text, bold, 1) // width at 1 pt
	size := math.Min(r*0.15/ptToMM, r*1.42/unit)
	lines := []string{text}
	if size < r*0.115/ptToMM {
		a, b := d.splitBalanced(text)
		size = math.Min(r*0.14/ptToMM, r*1.3/math.Max(d.book.width(a, bold, 1), d.book.width(b, bold, 1)))
		lines = []string{a, b}
	}
	st := textStyle{size: size, bold: true, color: sealRed}
	y := cy + r*0.5
	if len(lines) == 2 {
		y = cy + r*0.43
	}
	for i, l := range lines {
		d.text(cx-r, y+float64(i)*st.lineHeight()*0.95, 2*r, st, center, l)
	}
}

// splitBalanced breaks text in two at the allowed break nearest the
// middle of its width.
func (d *doc) splitBalanced(text string) (string, string) {
	runes := []rune(text)
	total := d.book.width(text, bold, 1)
	best, bestDiff := -1, math.Inf(1)
	acc := 0.0
	for i := 1; i < len(runes); i++ {
		acc += d.book.width(string(runes[i-1]), bold, 1)
		if !breakable(runes[i-1], runes[i]) {
			continue
		}
		if diff := math.Abs(total - 2*acc); diff < bestDiff {
			best, bestDiff = i, diff
		}
	}
	if best < 0 {
		return text, ""
	}
	return strings.TrimSpace(string(runes[:best])), strings.TrimSpace(string(runes[best:]))
}
