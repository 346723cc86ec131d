package printing

import (
	"fmt"
	"strings"

	"bayboard/internal/shop"
)

// form lays out an A4 or A5 dealership form: a header with the shop, the
// document's title and number and its QR code on every page; sections,
// field grids and tables that flow onto new pages; footers with the page
// count.
type form struct {
	*doc
	shop       shop.Settings
	pw, ph     float64 // page size
	m          float64 // margin
	left       float64 // content edges
	right      float64
	y          float64 // next free line
	contentTop float64 // first line below the page header
	floor      float64 // lowest drawing that y may have moved above (the seal)
	bottom     float64 // lowest y content may use
	base       float64 // body text size, pt
	qrSize     float64
	title      string
	number     string
	qrURL      string
	qrCaption  string
	pageHeader func() // extra per-page drawing after the header, if any
}

func newForm(d *doc, s shop.Settings, paper Paper, title, number, qrURL, qrCaption string) (*form, error) {
	pw, ph, err := paper.size()
	if err != nil {
		return nil, err
	}
	f := &form{doc: d, shop: s, pw: pw, ph: ph, title: title, number: number, qrURL: qrURL, qrCaption: qrCaption}
	if pw < 200 { // A5
		f.m, f.base, f.qrSize = 9, 7.5, 19
	} else {
		f.m, f.base, f.qrSize = 12, 9, 25
	}
	f.left, f.right = f.m, pw-f.m
	f.bottom = ph - f.m - 4
	f.newPage()
	return f, nil
}

func (f *form) width() float64 { return f.right - f.left }

// newPage starts a page and draws the header on it.
func (f *form) newPage() {
	f.addPage(f.pw, f.ph)
	y0 := f.m
	titleRight := f.right
	if f.qrURL != "" {
		q := f.qrSize
		f.qr(f.right-q+q*0.08, y0-q*0.08, q, f.qrURL)
		f.text(f.right-q-2, y0+q*0.92+1.8, q+4, textStyle{size: f.base - 2.5, color: muted}, center, f.qrCaption)
		titleRight = f.right - q - 2
	}
	titleStyle := textStyle{size: f.base + 9, bold: true, color: ink}
	f.text(f.left, y0+7, titleRight-f.left, titleStyle, right, f.title)
	numStyle := textStyle{size: f.base + 2.5, bold: true, color: ink}
	numLabel := textStyle{size: f.base - 1, color: muted}
	used := f.book.width(f.book.clean(f.title), bold, titleStyle.size)
	if f.number != "" {
		nw := f.book.width(f.book.clean(f.number), bold, numStyle.size)
		f.text(f.left, y0+14.5, titleRight-f.left, numStyle, right, f.number)
		f.text(f.left, y0+14.5, titleRight-f.left-nw-2, numLabel, right, f.t("job_no"))
		used = max(used, nw+2+f.book.width(f.t("job_no"), regular, numLabel.size))
	}
	// The shop's name and address take what the title block leaves.
	room := titleRight - f.left - used - 6
	shopName := textStyle{size: f.base + 5, bold: true, color: brandRed}
	name := f.book.clean(oneLine(f.shop.Name))
	for shopName.size > f.base+1 && f.book.width(name, bold, shopName.size) > room {
		shopName.size -= 0.5
	}
	f.text(f.left, y0+5, 0, shopName, left, f.book.fit(name, bold, shopName.size, room))
	small := textStyle{size: f.base - 1.5, color: muted}
	f.text(f.left, y0+10, 0, small, left, f.book.fit(f.book.clean(oneLine(strings.TrimSpace(f.shop.Address))), regular, small.size, room))
	if f.shop.Phone != "" {
		f.text(f.left, y0+14, 0, small, left, f.book.fit(f.book.clean(f.t("phone")+" "+f.shop.Phone), regular, small.size, room))
	}
	dateLine := f.t("date") + " " + f.date(f.now)
	f.text(f.left, y0+19.5, titleRight-f.left, textStyle{size: f.base - 1, color: muted}, right, dateLine)

	ruleY := y0 + 21.5
	if f.qrURL != "" {
		ruleY = y0 + f.qrSize + 3
	}
	f.fillRect(f.left, ruleY, f.width(), 0.7, brandRed)
	f.y = ruleY + 4
	f.contentTop = f.y
	f.floor = 0
	if f.pageHeader != nil {
		f.pageHeader()
	}
}

// ensure starts a new page unless h millimetres fit above the footer.
func (f *form) ensure(h float64) bool {
	if f.y+h <= f.bottom {
		return false
	}
	f.newPage()
	return true
}

// finishPages writes every page's footer: job number, print time and
// "page n / m".
func (f *form) finishPages() {
	n := len(f.pages)
	st := textStyle{size: f.base - 2, color: muted}
	for i := 0; i < n; i++ {
		f.onPage(i, func() {
			y := f.ph - f.m + 1
			f.line(f.left, y-3.5, f.right, y-3.5, 0.2, rule)
			var parts []string
			if f.number != "" {
				parts = append(parts, f.t("job_no")+" "+f.number)
			}
			if !f.now.IsZero() {
				parts = append(parts, f.t("printed")+" "+f.dateTime(f.now))
			}
			f.text(f.left, y, 0, st, left, strings.Join(parts, " · "))
			f.text(f.left, y, f.width(), st, right, fmt.Sprintf(f.t("page"), i+1, n))
		})
	}
}

// section draws a caption bar.
func (f *form) section(title string) {
	h := f.base * 0.72
	f.ensure(h + 12)
	f.fillRect(f.left, f.y, f.width(), h, shade)
	f.fillRect(f.left, f.y, 1.2, h, brandRed)
	f.text(f.left+3, f.y+h*0.7, 0, textStyle{size: f.base, bold: true, color: ink}, left, title)
	f.y += h
}

// field is one labelled value in a grid row; span is its share of the row.
type field struct {
	label string
	value string
	span  float64
	bold  bool
}

func (f *form) fieldHeight() float64 { return max(8.4, f.base) }

// fields draws a row of labelled cells.
func (f *form) fields(row ...field) { f.fieldsOfHeight(f.fieldHeight(), row...) }

// fieldsOfHeight draws a row of labelled cells h millimetres tall, the
// value on the cell's last line (cells left blank are for signing).
func (f *form) fieldsOfHeight(h float64, row ...field) {
	f.ensure(h)
	total := 0.0
	for _, c := range row {
		total += max(c.span, 1)
	}
	x := f.left
	for _, c := range row {
		w := f.width() * max(c.span, 1) / total
		f.strokeRect(x, f.y, w, h, 0.2, rule)
		f.text(x+1.5, f.y+3, 0, textStyle{size: f.base - 2.5, color: muted}, left, c.label)
		// A long value first shrinks a little, then is shortened.
		st := textStyle{size: f.base + 0.5, bold: c.bold, color: ink}
		value := f.book.clean(oneLine(c.value))
		for st.size > f.base-1 && f.book.width(value, st.weight(), st.size) > w-3 {
			st.size -= 0.25
		}
		f.text(x+1.5, f.y+h-2, 0, st, left, f.book.fit(value, st.weight(), st.size, w-3))
		x += w
	}
	f.y += h
}

// box draws wrapped text in a bordered box of at least minLines lines,
// shortening the last line when the text runs past maxLines.
func (f *form) box(text string, minLines, maxLines int) {
	st := f.style(f.base + 0.5)
	lh := st.lineHeight()
	lines := f.book.wrap(f.book.clean(strings.TrimSpace(text)), regular, st.size, f.width()-4)
	if len(lines) == 1 && lines[0] == "" {
		lines = nil
	}
	if len(lines) > maxLines {
		last := strings.Join(lines[maxLines-1:], " ")
		lines = append(lines[:maxLines-1], f.book.fit(last+" …", regular, st.size, f.width()-4))
	}
	n := max(len(lines), minLines)
	h := float64(n)*lh + 2.5
	f.ensure(h) // a box never splits; it moves whole to the next page
	f.strokeRect(f.left, f.y, f.width(), h, 0.2, rule)
	for i, l := range lines {
		f.text(f.left+2, f.y+1.2+st.em()*0.95+float64(i)*lh, 0, st, left, l)
	}
	f.y += h
}

// column describes a table column; width is its share of the table.
type column struct {
	title string
	width float64
	align align
	wrap  bool
}

// table draws rows under a header, repeating the caption and the header on
// every page the table runs onto.
func (f *form) table(caption string, cols []column, rows [][]string, empty string) {
	st := f.style(f.base)
	head := textStyle{size: f.base - 1, bold: true, color: ink}
	lh := st.lineHeight()
	pad := 1.1
	total := 0.0
	for _, c := range cols {
		total += c.width
	}
	widths := make([]float64, len(cols))
	for i, c := range cols {
		widths[i] = f.width() * c.width / total
	}
	headH := f.base * 0.75
	drawHead := func(cont bool) {
		title := caption
		if cont {
			title += " " + f.t("continued")
		}
		f.section(title)
		f.fillRect(f.left, f.y, f.width(), headH, zebra)
		x := f.left
		for i, c := range cols {
			f.text(x+1.5, f.y+headH*0.68, widths[i]-3, head, c.align, c.title)
			x += widths[i]
		}
		f.line(f.left, f.y+headH, f.right, f.y+headH, 0.3, rule)
		f.y += headH
	}
	f.ensure(f.base*0.72 + headH + lh + 2*pad)
	drawHead(false)
	if len(rows) == 0 {
		f.text(f.left+1.5, f.y+pad+st.em()*0.95, 0, textStyle{size: f.base, color: muted}, left, empty)
		f.y += lh + 2*pad
		f.line(f.left, f.y, f.right, f.y, 0.2, rule)
		return
	}
	for ri, row := range rows {
		cells := make([][]string, len(cols))
		lines := 1
		for i, c := range cols {
			v := ""
			if i < len(row) {
				v = f.book.clean(row[i])
			}
			if c.wrap {
				cells[i] = f.book.wrap(v, regular, st.size, widths[i]-3)
				if len(cells[i]) > 3 {
					cells[i] = append(cells[i][:2], f.book.fit(strings.Join(cells[i][2:], " "), regular, st.size, widths[i]-3))
				}
			} else {
				cells[i] = []string{f.book.fit(oneLine(v), regular, st.size, widths[i]-3)}
			}
			lines = max(lines, len(cells[i]))
		}
		h := float64(lines)*lh + 2*pad - (lh - st.em()*1.15)
		if f.y+h > f.bottom {
			f.newPage()
			drawHead(true)
		}
		if ri%2 == 1 {
			f.fillRect(f.left, f.y, f.width(), h, zebra)
		}
		x := f.left
		for i, c := range cols {
			for li, l := range cells[i] {
				f.text(x+1.5, f.y+pad+st.em()*0.92+float64(li)*lh, widths[i]-3, st, c.align, l)
			}
			x += widths[i]
		}
		f.y += h
		f.line(f.left, f.y, f.right, f.y, 0.15, rule)
	}
}

// totals draws right-aligned label/amount lines; the last may be bold.
func (f *form) totals(lines [][2]string, boldLast bool) {
	st := f.style(f.base)
	lh := st.lineHeight() + 0.6
	f.ensure(float64(len(lines))*lh + 2)
	f.y += 1.5
	labelRight := f.right - 38
	for i, l := range lines {
		s := st
		if boldLast && i == len(lines)-1 {
			s = f.boldStyle(f.base + 2)
			f.line(labelRight-30, f.y+0.2, f.right, f.y+0.2, 0.3, ink)
			f.y += 1
		}
		f.text(f.left, f.y+s.em(), labelRight-f.left, s, right, l[0])
		f.text(labelRight, f.y+s.em(), f.right-labelRight, s, right, l[1])
		f.y += s.lineHeight() + 0.6
	}
	f.y += 1
}

// signatures draws signature lines with captions side by side.
func (f *form) signatures(captions ...string) {
	h := 15.0
	f.ensure(h)
	gap := 8.0
	w := (f.width() - gap*float64(len(captions)-1)) / float64(len(captions))
	for i, c := range captions {
		x := f.left + float64(i)*(w+gap)
		f.line(x, f.y+9, x+w, f.y+9, 0.3, ink)
		f.text(x, f.y+12.5, 0, textStyle{size: f.base - 1.5, color: muted}, left, c)
	}
	f.y += h
}

// note draws a wrapped line of small print across the page.
func (f *form) note(text string) { f.noteWithin(text, f.width()) }

// noteWithin draws small print wrapped at width millimetres.
func (f *form) noteWithin(text string, width float64) {
	st := textStyle{size: f.base - 1, color: muted}
	lines := f.book.wrap(f.book.clean(text), regular, st.size, width)
	f.ensure(float64(len(lines))*st.lineHeight() + 1)
	for _, l := range lines {
		f.text(f.left, f.y+st.em(), 0, st, left, l)
		f.y += st.lineHeight()
	}
	f.y += 1
}

// gap adds vertical space.
func (f *form) gap(mm float64) { f.y += mm }
