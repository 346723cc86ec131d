package printing

import (
	"errors"
	"io"
	"math"
)

// SeatLabel writes one seat-position label (座椅标签) for the label stock
// size (zero means DefaultLabel, 60×40 mm): the plate, job number, date and
// advisor, a line telling the customer their seat position is recorded,
// and the job's QR code. The advisor sticks it on the driver's seat at
// reception and restores the seat to it at delivery. Labels print in
// black only, for thermal label printers.
func (r *Renderer) SeatLabel(w io.Writer, d JobDoc, size LabelSize) error {
	return r.SeatLabels(w, []JobDoc{d}, size)
}

// SeatLabels writes one label per page, for a batch of jobs.
func (r *Renderer) SeatLabels(w io.Writer, docs []JobDoc, size LabelSize) error {
	if len(docs) == 0 {
		return errors.New("printing: no labels to print")
	}
	size, err := size.check()
	if err != nil {
		return err
	}
	doc := r.newDoc(docs[0].Lang, docs[0].Shop, docs[0].Now)
	// Label pages are tiny; compressing each costs more than it saves.
	doc.compress = false
	for _, d := range docs {
		doc.lang = normLang(d.Lang, d.Shop.Language)
		doc.now = doc.in(d.Now)
		doc.seatLabel(d, size)
	}
	title := doc.t("seat_title")
	if len(docs) == 1 && docs[0].Job != nil {
		title += " " + docs[0].Job.ID
	}
	return doc.finish(w, docInfo{title: title, author: docs[0].Shop.Name, created: doc.now})
}

func (d *doc) seatLabel(jd JobDoc, size LabelSize) {
	job, _, veh := jd.parts()
	W, H := size.Width, size.Height
	s := math.Min(W/60, H/40)
	m := 2.5 * s
	d.addPage(W, H)

	note := textStyle{size: 6 * s, color: black}
	noteLines := d.book.wrap(d.book.clean(d.t("seat_note")), regular, note.size, W-2*m)
	if len(noteLines) > 2 {
		noteLines = []string{noteLines[0], d.book.fit(noteLines[1]+noteLines[2], regular, note.size, W-2*m)}
	}
	noteTop := H - m - float64(len(noteLines))*note.lineHeight()
	q := math.Min(noteTop-m+1.5*s, W*0.45)
	qx := W - m - q + q*0.07
	if jd.JobURL != "" {
		d.qr(qx, m-q*0.07, q, jd.JobURL)
	} else {
		qx = W - m
	}
	colW := qx - m - 0.5*s

	title := textStyle{size: 7.5 * s, bold: true, color: black}
	titleText := d.book.clean(d.t("seat_title"))
	for title.size > 5.5*s && d.book.width(titleText, bold, title.size) > colW {
		title.size -= 0.25 * s
	}
	d.text(m, m+2.9*s, 0, title, left, d.book.fit(titleText, bold, title.size, colW))
	d.line(m, m+4.4*s, m+colW, m+4.4*s, 0.25*s, black)

	plate := textStyle{size: 15 * s, bold: true, color: black}
	plateText := d.book.clean(oneLine(veh.Plate))
	for plate.size > 8*s && d.book.width(plateText, bold, plate.size) > colW {
		plate.size -= 0.5 * s
	}
	d.text(m, m+11.6*s, 0, plate, left, d.book.fit(plateText, bold, plate.size, colW))

	lab := textStyle{size: 5.8 * s, color: black}
	rows := [][2]string{
		{d.t("seat_job"), job.ID},
		{d.t("seat_date"), d.shortDate(d.now)},
		{d.t("seat_advisor"), jd.AdvisorName},
	}
	labW := 0.0
	for _, r := range rows {
		labW = math.Max(labW, d.book.width(d.book.clean(r[0]), regular, lab.size))
	}
	valW := colW - labW - 1.2*s
	y := m + 17.6*s
	step := math.Min(4.6*s, (noteTop-1.6*s-y)/2.4)
	// Values shrink rather than lose characters (a job number cut short
	// cannot be looked up), all to the same size.
	val := textStyle{size: 7.5 * s, bold: true, color: black}
	for _, r := range rows {
		v := d.book.clean(oneLine(r[1]))
		for val.size > 5*s && d.book.width(v, bold, val.size) > valW {
			val.size -= 0.25 * s
		}
	}
	for _, r := range rows {
		d.text(m, y, 0, lab, left, r[0])
		d.text(m+labW+1.2*s, y, 0, val, left, d.book.fit(d.book.clean(oneLine(r[1])), bold, val.size, valW))
		y += step
	}

	d.line(m, noteTop-0.6*s, W-m, noteTop-0.6*s, 0.2*s, black)
	for i, l := range noteLines {
		d.text(m, noteTop+note.em()+float64(i)*note.lineHeight(), W-2*m, note, center, l)
	}
}
