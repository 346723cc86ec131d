package printing

import (
	"errors"
	"io"
	"strings"
	"time"

	"bayboard/internal/shop"
)

// BayCard is one bay's QR poster: technicians scan it to clock on, pause
// or finish at that bay.
type BayCard struct {
	Name string
	Kind shop.BayKind
	URL  string
}

// BaySheet is a set of bay posters, one A4 page each.
type BaySheet struct {
	Shop shop.Settings
	Bays []BayCard
	Lang string
	Now  time.Time
}

// BaySheet writes one A4 page per bay: the bay's name large and a QR code
// of its URL, to hang at the bay.
func (r *Renderer) BaySheet(w io.Writer, s BaySheet) error {
	if len(s.Bays) == 0 {
		return errors.New("printing: no bays to print")
	}
	d := r.newDoc(s.Lang, s.Shop, s.Now)
	const pw, ph, m = 210.0, 297.0, 15.0
	cw := pw - 2*m
	for _, bay := range s.Bays {
		d.addPage(pw, ph)
		d.fillRect(0, 0, pw, 6, brandRed)
		shopStyle := textStyle{size: 16, bold: true, color: brandRed}
		d.text(m, 24, cw, shopStyle, center, d.book.fit(d.book.clean(oneLine(s.Shop.Name)), bold, shopStyle.size, cw))

		name := d.book.clean(oneLine(bay.Name))
		big := textStyle{size: 64, bold: true, color: ink}
		for big.size > 24 && d.book.width(name, bold, big.size) > cw {
			big.size -= 2
		}
		d.text(m, 62, cw, big, center, d.book.fit(name, bold, big.size, cw))
		if bay.Kind != "" {
			d.text(m, 78, cw, textStyle{size: 20, color: muted}, center, d.t("bay_kind_"+string(bay.Kind)))
		}

		q := 140.0
		d.qr((pw-q)/2, 88, q, bay.URL)
		d.strokeRect((pw-q)/2+q*0.06, 88+q*0.06, q*0.88, q*0.88, 0.3, rule)
		d.text(m, 246, cw, textStyle{size: 17, bold: true, color: ink}, center, d.t("bay_scan"))
		url := textStyle{size: 9, color: muted}
		d.text(m, 256, cw, url, center, d.book.fit(d.book.clean(bay.URL), regular, url.size, cw))

		foot := textStyle{size: 8, color: muted}
		d.line(m, ph-16, pw-m, ph-16, 0.2, rule)
		d.text(m, ph-11, 0, foot, left, d.t("bay")+" "+name)
		d.text(m, ph-11, cw, foot, right, d.t("printed")+" "+d.dateTime(d.now))
	}
	return d.finish(w, docInfo{title: d.t("bay") + " QR", author: s.Shop.Name, created: d.now})
}

// Badge is one technician's badge card; URL is what the badge QR holds,
// and Code, the badge code, is printed under it to type in when a camera
// cannot read the code.
type Badge struct {
	Name string
	Team string
	URL  string
	Code string
}

// BadgeSheet is a set of badges printed ten to an A4 page.
type BadgeSheet struct {
	Shop   shop.Settings
	Badges []Badge
	Lang   string
	Now    time.Time
}

// Badge card size: ISO/IEC 7810 ID-1, the size of a bank card, to fit
// standard badge holders.
const badgeW, badgeH = 85.6, 54.0

// Badges writes technician badge cards, two columns by five rows per A4
// page, each with the technician's name and badge QR, and dashed cut lines.
func (r *Renderer) Badges(w io.Writer, s BadgeSheet) error {
	if len(s.Badges) == 0 {
		return errors.New("printing: no badges to print")
	}
	d := r.newDoc(s.Lang, s.Shop, s.Now)
	const pw, ph = 210.0, 297.0
	const cols, rows, gapX, gapY = 2, 5, 6.0, 2.5
	x0 := (pw - cols*badgeW - (cols-1)*gapX) / 2
	y0 := (ph - rows*badgeH - (rows-1)*gapY) / 2
	for i, b := range s.Badges {
		if i%(cols*rows) == 0 {
			d.addPage(pw, ph)
		}
		slot := i % (cols * rows)
		x := x0 + float64(slot%cols)*(badgeW+gapX)
		y := y0 + float64(slot/cols)*(badgeH+gapY)
		d.badge(x, y, s.Shop, b)
	}
	return d.finish(w, docInfo{title: d.t("badge_title"), author: s.Shop.Name, created: d.now})
}

func (d *doc) badge(x, y float64, s shop.Settings, b Badge) {
	d.dashedLine(x, y, x+badgeW, y, 0.2, rule, 1.2)
	d.dashedLine(x, y+badgeH, x+badgeW, y+badgeH, 0.2, rule, 1.2)
	d.dashedLine(x, y, x, y+badgeH, 0.2, rule, 1.2)
	d.dashedLine(x+badgeW, y, x+badgeW, y+badgeH, 0.2, rule, 1.2)

	band := 10.0
	d.fillRect(x, y, badgeW, band, brandRed)
	white := rgb{255, 255, 255}
	shopStyle := textStyle{size: 8.5, bold: true, color: white}
	d.text(x+4, y+6.4, 0, shopStyle, left, d.book.fit(d.book.clean(oneLine(s.Name)), bold, shopStyle.size, badgeW-34))
	d.text(x, y+6.4, badgeW-4, textStyle{size: 7, color: white}, right, d.t("badge_title"))

	// The code sits under the QR, clear of its quiet zone.
	q := 36.0
	qx, qy := x+badgeW-q-2.5, y+band+1.5
	d.qr(qx, qy, q, b.URL)
	if code := d.book.clean(oneLine(b.Code)); code != "" {
		codeStyle := textStyle{size: 10, bold: true, color: ink}
		d.text(qx, y+badgeH-2.8, q, codeStyle, center, d.book.fit(code, bold, codeStyle.size, q))
	}

	colW := qx - x - 4
	name := d.book.clean(oneLine(b.Name))
	big := textStyle{size: 20, bold: true, color: ink}
	for big.size > 14 && d.book.width(name, bold, big.size) > colW {
		big.size--
	}
	lines := []string{name}
	if d.book.width(name, bold, big.size) > colW {
		// A long name goes on two lines rather than losing its end.
		for big.size = 14; big.size > 9; big.size-- {
			if lines = d.book.wrap(name, bold, big.size, colW); len(lines) <= 2 {
				break
			}
		}
		if len(lines) > 2 {
			lines = []string{lines[0], d.book.fit(strings.Join(lines[1:], " "), bold, big.size, colW)}
		}
	}
	ny := y + band + 13
	if len(lines) == 2 {
		ny = y + band + 9
	}
	for i, l := range lines {
		d.text(x+4, ny+float64(i)*big.lineHeight(), 0, big, left, l)
	}
	team := textStyle{size: 9, color: muted}
	d.text(x+4, ny+float64(len(lines)-1)*big.lineHeight()+7, 0, team, left, d.book.fit(d.book.clean(oneLine(b.Team)), regular, team.size, colW))
	d.line(x+4, y+badgeH-10, x+4+colW-2, y+badgeH-10, 0.2, rule)
	d.text(x+4, y+badgeH-5.5, 0, textStyle{size: 7.5, color: ink}, left, d.t("badge_scan"))
	if strings.TrimSpace(b.URL) == "" {
		d.text(qx, qy+q/2, q, textStyle{size: 8, color: muted}, center, "—")
	}
}
