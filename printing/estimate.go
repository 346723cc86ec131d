package printing

import (
	"fmt"
	"io"
	"math"
	"strings"

	"bayboard/internal/shop"
)

// Estimate writes the job's estimate as the customer signed it (revision
// 1), or, before signing, as it stands to be signed: EstimateOf with the
// signed revision.
func (r *Renderer) Estimate(w io.Writer, d JobDoc, paper Paper) error {
	var rev *shop.Revision
	if d.Job != nil {
		rev = d.Job.Signed()
	}
	return r.EstimateOf(w, d, rev, paper)
}

// EstimateOf writes the stamped cost and time estimate (费用和时间预估) on
// A4 or A5: the lines and total the customer agreed to, the promised time,
// a customer signature line under the red "费用和时间预估" seal, and the
// customer's QR code to follow the car. With a revision it prints that
// revision's lines, totals and time, never the job's current ones, and
// names it (revision 1 is the signed estimate; a later one says what
// changed, why and who agreed); without one, the estimate not yet signed.
func (r *Renderer) EstimateOf(w io.Writer, d JobDoc, rev *shop.Revision, paper Paper) error {
	if rev != nil && d.Job != nil {
		// Everything the page prints of the job's scope is the revision's:
		// the lines, the totals and the promised time in the header too.
		j := *d.Job
		j.Labour, j.Parts, j.PromisedAt = rev.Labour, rev.Parts, rev.PromisedAt
		d.Job = &j
	}
	doc := r.newDoc(d.Lang, d.Shop, d.Now)
	job, _, _ := d.parts()
	f, err := newForm(doc, d.Shop, paper, doc.t("estimate_title"), job.ID, d.CustomerURL, doc.t("scan_customer"))
	if err != nil {
		return err
	}
	f.customerAndVehicle(d, false)
	// The customer's own words are on the job card; the A5 estimate keeps
	// to the figures so that it fits one sheet.
	if paper != A5 && strings.TrimSpace(job.Requests) != "" {
		f.gap(3)
		f.section(f.t("requests"))
		f.box(job.Requests, 1, 6)
	}
	totals := shop.TotalsOf(job.Labour, job.Parts)
	if rev != nil {
		totals = rev.Totals
		f.gap(3)
		f.highlight(f.revisionTitle(rev), f.revisionLine(rev, d.Customer))
		if rev.Number > 1 && strings.TrimSpace(rev.Reason) != "" {
			f.note(f.t("revision_reason") + rev.Reason)
		}
	}
	f.gap(3)
	if rev != nil && rev.LinesUnknown {
		f.note(f.t("revision_lines_unknown"))
	} else {
		f.jobLines(job.Labour, job.Parts)
	}
	f.estimateTotals(totals, "estimate_total")
	f.highlight(f.t("promised"), f.dateTime(job.PromisedAt))
	f.gap(2)
	f.choices(d)
	f.gap(3)
	f.noteWithin(f.t("estimate_note"), f.sealClear(19))
	f.stampedSignature(d.Shop, 19, 0, f.t("seal_estimate"), f.t("sign_customer"), f.t("sign_date"))
	f.finishPages()
	return doc.finish(w, f.info(d.Shop, job))
}

// highlight draws one important line in a shaded band: the promised time.
func (f *form) highlight(label, value string) {
	st := f.boldStyle(f.base + 2)
	h := st.lineHeight() + 1.8
	f.ensure(h + 1)
	f.y += 0.8
	f.fillRect(f.left, f.y, f.width(), h, shade)
	lab := textStyle{size: f.base, color: ink}
	f.text(f.left+3, f.y+h/2+st.em()*0.35, 0, lab, left, label)
	f.text(f.left+3+f.book.width(f.book.clean(label), regular, lab.size)+4, f.y+h/2+st.em()*0.35, 0, st, left, value)
	f.y += h
}

// sealClear is the width left of a seal of radius r stamped by
// stampedSignature: text just above the seal wraps within it.
func (f *form) sealClear(r float64) float64 {
	if f.pw < 200 {
		r *= 0.84
	}
	return f.width() - 2*r - 10
}

// stampedSignature draws the customer's signature lines with the shop's
// seal stamped at their right end, reaching up over the text above as a
// real stamp does (it is multiplied over, so that text stays readable).
// The seal sits lower, clear of the text above, when the page has room to
// spare beyond reserve millimetres kept free at its foot.
func (f *form) stampedSignature(s shop.Settings, r, reserve float64, purpose string, captions ...string) {
	sigW := f.sealClear(r)
	if f.pw < 200 { // A5
		r *= 0.84
	}
	f.ensure(r + 14)
	cy := math.Max(f.y+4, f.contentTop+r)
	if room := f.bottom - reserve - (cy + r + 1); room > 0 {
		cy += math.Min(room, r*0.45)
	}
	lineY := cy + 4
	gap := 6.0
	w := (sigW - gap*float64(len(captions)-1)) / float64(len(captions))
	for i, c := range captions {
		x := f.left + float64(i)*(w+gap)
		f.line(x, lineY, x+w, lineY, 0.3, ink)
		f.text(x, lineY+3.5, 0, textStyle{size: f.base - 1.5, color: muted}, left, c)
	}
	name := s.SealText
	if strings.TrimSpace(name) == "" {
		name = s.Name
	}
	f.seal(f.right-r-4, cy, r, name, purpose, f.shortDate(f.now))
	f.y = lineY + 6
	f.floor = cy + r + 1
}

// revisionTitle names a revision: "第 1 版（客户签字）", "Revision 1 (signed)".
func (f *form) revisionTitle(r *shop.Revision) string {
	return fmt.Sprintf(f.t("revision_no"), r.Number) + " " + f.t("revision_kind_"+string(r.Kind))
}

// revisionLine says when the revision was agreed and how: the signature's
// time, or the time, the way and the person who agreed (by default the
// customer on record).
func (f *form) revisionLine(r *shop.Revision, cust *shop.Customer) string {
	line := f.dateTime(r.At) + "  " + f.t("consent_"+string(r.Consent.Via))
	who := r.Consent.Who
	if who == "" && cust != nil {
		who = cust.Name
	}
	if who != "" {
		line += " · " + who
	}
	return line
}
