package printing

import (
	"io"
	"math"
	"strings"

	"bayboard/internal/shop"
)

// Settlement writes the settlement (结算单) explained to the customer at
// delivery: the final labour and parts, the totals against the signed
// estimate, the next service and the preferred follow-up time, the red
// "费用解释和洗车满意度确认" seal over the signature line, the customer's QR
// code, and an exit-pass stub (出门证) below a dashed cut line.
func (r *Renderer) Settlement(w io.Writer, d SettlementDoc) error {
	doc := r.newDoc(d.Lang, d.Shop, d.Now)
	job, _, _ := d.parts()
	title := doc.t("settlement_title")
	if d.Draft {
		title = doc.t("settlement_draft")
	}
	f, err := newForm(doc, d.Shop, A4, title, job.ID, d.CustomerURL, doc.t("scan_customer"))
	if err != nil {
		return err
	}
	if d.Draft {
		f.pageHeader = f.draftMark
		f.draftMark() // the first page was drawn before the mark was set
	}
	f.settlementParties(d.JobDoc)
	f.gap(3)
	f.jobLines(job.Labour, job.Parts)
	final := shop.TotalsOf(job.Labour, job.Parts)
	if len(d.Findings) > 0 {
		f.gap(3)
		f.findings(d.Findings)
	}
	f.gap(2)
	f.fields(
		field{label: f.t("next_service"), value: f.nextService(job), span: 3.2},
		field{label: f.t("follow_up"), value: f.dateTime(nonZero(job.FollowUpAt)), span: 2},
		field{label: f.t("wash"), value: f.yesNo(job.Wash), span: 0.8},
		field{label: f.t("old_parts"), value: f.oldParts(job.KeepOldParts), span: 1.2},
	)
	if dl := job.Delivery; dl != nil && (strings.TrimSpace(dl.Explanation) != "" || dl.Paid != 0) {
		paid := ""
		if dl.Paid != 0 {
			paid = f.money(dl.Paid)
		}
		f.fields(
			field{label: f.t("explanation"), value: dl.Explanation, span: 4},
			field{label: f.t("paid"), value: paid, span: 1.2},
			field{label: f.t("payment_method"), value: f.paymentMethod(dl.PaymentMethod), span: 1.2},
		)
	}
	f.gap(2)
	// The comparison and the amount due come last, just above the seal,
	// whose top reaches into the amount-due band's empty right-hand side.
	f.comparison(d.Estimate, final)
	f.highlight(f.t("amount_due"), f.money(final.Total))
	f.gap(1)
	f.noteWithin(f.t("settlement_consent"), f.sealClear(18))
	f.stampedSignature(d.Shop, 18, exitPassHeight+1, f.t("seal_settlement"), f.t("sign_customer"), f.t("sign_date"))
	f.exitPass(d.JobDoc, d.Draft)
	f.finishPages()
	return doc.finish(w, f.info(d.Shop, job))
}

// settlementParties is the customer and vehicle grid cut to what matters at
// delivery, in two rows so the exit pass still fits the page.
func (f *form) settlementParties(d JobDoc) {
	job, cust, veh := d.parts()
	km := job.WalkAround.MileageKM
	if km == 0 {
		km = veh.MileageKM
	}
	mileage := ""
	if km > 0 {
		mileage = formatKM(km, f.lang)
	}
	f.fields(
		field{label: f.t("customer"), value: cust.Name, span: 1.5, bold: true},
		field{label: f.t("phone"), value: cust.Phone, span: 1.4},
		field{label: f.t("plate"), value: veh.Plate, span: 1.3, bold: true},
		field{label: f.t("advisor"), value: d.AdvisorName, span: 1.2},
	)
	f.fields(
		field{label: f.t("model"), value: veh.Model, span: 1.9},
		field{label: f.t("vin"), value: veh.VIN, span: 1.6},
		field{label: f.t("mileage"), value: mileage, span: 1},
		field{label: f.t("promised"), value: f.dateTime(job.PromisedAt), span: 1.4},
	)
}

// comparison sets the estimate beside the final figures, so the customer
// sees at once what changed.
func (f *form) comparison(est, final Totals) {
	diff := func(a, b shop.Money) string {
		d := b - a
		if d > 0 {
			return "+" + f.money(d)
		}
		return f.money(d)
	}
	f.table(f.t("compare"), []column{
		{title: f.t("col_item"), width: 3},
		{title: f.t("col_estimate"), width: 2, align: right},
		{title: f.t("col_final"), width: 2, align: right},
		{title: f.t("col_difference"), width: 2, align: right},
	}, [][]string{
		{f.t("labour_total"), f.money(est.Labour), f.money(final.Labour), diff(est.Labour, final.Labour)},
		{f.t("parts_total"), f.money(est.Parts), f.money(final.Parts), diff(est.Parts, final.Parts)},
		{f.t("total"), f.money(est.Total), f.money(final.Total), diff(est.Total, final.Total)},
	}, "")
}

func (f *form) nextService(job *shop.Job) string {
	var parts []string
	if job.NextServiceAt != nil {
		parts = append(parts, f.date(*job.NextServiceAt))
	}
	if job.NextServiceKM > 0 {
		parts = append(parts, formatKM(job.NextServiceKM, f.lang))
	}
	s := strings.Join(parts, " "+f.t("next_service_or")+" ")
	if len(parts) == 2 {
		s += f.t("whichever_first")
	}
	return s
}

// paymentMethod names the domain's payment methods; others print as given.
func (f *form) paymentMethod(m string) string {
	if m == "" {
		return ""
	}
	if s := f.t("pay_" + m); s != "pay_"+m {
		return s
	}
	return m
}

func (f *form) yesNo(b bool) string {
	if b {
		return f.t("yes")
	}
	return f.t("no")
}

func (f *form) oldParts(kept bool) string {
	if kept {
		return f.t("old_parts_kept")
	}
	return f.t("old_parts_left")
}

// The exit pass: its title band, its row of cells, and the cut line with its
// caption above it.
const (
	exitBand       = 6.5
	exitCells      = 10.5
	exitPassHeight = exitBand + exitCells + 4.5
)

// exitPass draws the stub the customer hands to the gate, at the foot of
// the last page below a dashed cut line.
func (f *form) exitPass(d JobDoc, draft bool) {
	job, cust, veh := d.parts()
	h := exitPassHeight
	if math.Max(f.y, f.floor)+h > f.bottom {
		f.newPage()
	}
	band, cells := exitBand, exitCells
	top := f.bottom - band - cells
	cutY := top - 4.5
	f.dashedLine(f.left-f.m+3, cutY, f.right+f.m-3, cutY, 0.3, muted, 1.6)
	cutText := f.t("cut_here")
	if f.book.has('✂') {
		cutText = "✂ " + cutText
	}
	f.text(f.left, cutY+3.2, 0, textStyle{size: f.base - 2.5, color: muted}, left, cutText)

	f.fillRect(f.left, top, f.width(), band, shade)
	if draft {
		red := f.boldStyle(f.base + 2)
		red.color = brandRed
		f.text(f.left+3, top+band*0.72, 0, red, left, f.t("exit_pass_draft"))
		f.text(f.left, top+band*0.7, f.width()-3, textStyle{size: f.base - 1, bold: true, color: brandRed}, right, f.t("exit_note_draft"))
	} else {
		f.text(f.left+3, top+band*0.72, 0, f.boldStyle(f.base+2), left, f.t("exit_pass"))
		f.text(f.left, top+band*0.7, f.width()-3, textStyle{size: f.base - 1, color: muted}, right, f.t("exit_note"))
	}
	f.strokeRect(f.left, top, f.width(), band+cells, 0.4, ink)
	f.y = top + band
	f.fieldsOfHeight(cells,
		field{label: f.t("plate"), value: veh.Plate, span: 1.3, bold: true},
		field{label: f.t("job_no"), value: job.ID, span: 1.4},
		field{label: f.t("customer"), value: cust.Name},
		field{label: f.t("date"), value: f.shortDate(f.now)},
		field{label: f.t("cashier"), value: ""},
		field{label: f.t("guard"), value: ""},
	)
	f.y = top + band + cells
	if draft {
		// Struck through, so that no guard takes it for a pass.
		f.line(f.left, top+band, f.right, top+band+cells, 0.6, brandRed)
		f.line(f.left, top+band+cells, f.right, top+band, 0.6, brandRed)
	}
}

// draftMark writes "草稿 DRAFT" large and faint across the page, under
// what is printed on it, and small in red in the footer, in both languages
// so that anyone reads it.
func (f *form) draftMark() {
	f.withAlpha(0.16, "Normal", func() {
		f.textRotated(f.pw/2, f.ph/2, 35, textStyle{size: 84, color: brandRed}, f.t("draft_mark"))
	})
	f.text(f.left, f.ph-f.m+1, f.width(), textStyle{size: f.base, bold: true, color: brandRed}, center, f.t("draft_mark"))
}
