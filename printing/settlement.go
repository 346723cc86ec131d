package printing

import (
	"io"
	"math"
	"strconv"
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
	// The lines billed, each with its payer, from the domain's settlement:
	// what the customer pays is worked out once, there.
	s := job.Settlement()
	f.settlementLines(s)
	final := Totals{Total: s.Gross}
	for _, l := range s.Lines {
		if l.Kind == shop.LineLabour {
			final.Labour += l.Amount
		} else {
			final.Parts += l.Amount
		}
	}
	// The changes agreed since signing explain the difference from the
	// signed estimate, approved extra work among them; a job without any
	// (or signed before revisions were kept) lists its approved findings.
	work, declined := splitFindings(d.Findings)
	if len(job.Revisions) > 1 {
		f.gap(3)
		f.revisions(job.Revisions, d.Customer)
	} else if len(work) > 0 {
		f.gap(3)
		f.findings(work)
	}
	f.payerSplit(s)
	if len(declined) > 0 || len(d.Recommendations) > 0 {
		f.gap(3)
		f.declinedWork(declined, d.Recommendations)
	}
	// The findings' photos show the customer what was found, the work
	// done and the work declined alike.
	if d.Shop.SettlementPhotos && d.Thumbnails != nil {
		if strip := findingPhotos(job, d.Findings, d.Thumbnails); len(strip) > 0 {
			f.gap(2)
			f.photoStrip(f.t("settlement_photos"), strip)
		}
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
	due := f.t("amount_due")
	if s.CustomerDue != s.Gross {
		due = f.t("customer_due") // others pay a share, or a discount was given
	}
	f.highlight(due, f.money(s.CustomerDue))
	f.gap(1)
	f.noteWithin(f.t("settlement_consent"), f.sealClear(18))
	f.stampedSignature(d.Shop, 18, exitPassHeight+1, f.t("seal_settlement"), f.t("sign_customer"), f.t("sign_date"))
	f.exitPass(d.JobDoc, d.Draft)
	f.finishPages()
	return doc.finish(w, f.info(d.Shop, job))
}

// splitFindings parts the job's findings into the work found (approved,
// awaiting, withdrawn), listed with the lines, and the recommendations the
// customer declined, which they sign for apart (seed 002's delivery: a
// refused repair, safety above all, is noted on the settlement and signed).
func splitFindings(all []*shop.Finding) (work, declined []*shop.Finding) {
	for _, fd := range all {
		switch {
		case fd == nil:
		case fd.Status == shop.FindingDeclined:
			declined = append(declined, fd)
		default:
			work = append(work, fd)
		}
	}
	return work, declined
}

// settlementLines draws the labour and the parts billed, each line with
// who pays it.
func (f *form) settlementLines(s shop.Settlement) {
	var labour, parts [][]string
	for _, l := range s.Lines {
		if l.Kind == shop.LineLabour {
			labour = append(labour, []string{strconv.Itoa(len(labour) + 1), l.Code, l.Name, formatNumber(l.Hours), f.payer(l.Payer), f.money(l.Amount)})
		} else {
			parts = append(parts, []string{strconv.Itoa(len(parts) + 1), l.Code, l.Name, formatNumber(l.Quantity), f.money(l.UnitPrice), f.payer(l.Payer), f.money(l.Amount)})
		}
	}
	f.table(f.t("labour"), []column{
		{title: f.t("col_no"), width: 0.6, align: center},
		{title: f.t("col_code"), width: 1.5},
		{title: f.t("col_operation"), width: 4.4, wrap: true},
		{title: f.t("col_hours"), width: 0.8, align: right},
		{title: f.t("col_payer"), width: 0.9, align: center},
		{title: f.t("col_amount"), width: 1.5, align: right},
	}, labour, f.t("none"))
	f.gap(3)
	f.table(f.t("parts"), []column{
		{title: f.t("col_no"), width: 0.6, align: center},
		{title: f.t("col_part_no"), width: 1.8},
		{title: f.t("col_part_name"), width: 3.2, wrap: true},
		{title: f.t("col_qty"), width: 0.7, align: right},
		{title: f.t("col_unit_price"), width: 1.3, align: right},
		{title: f.t("col_payer"), width: 0.9, align: center},
		{title: f.t("col_amount"), width: 1.4, align: right},
	}, parts, f.t("none"))
}

// payerSplit draws, when anyone but the customer pays a line or a
// discount was given, each payer's total, the warranty's lines for the
// claim to the maker, and the discounts with their reasons.
func (f *form) payerSplit(s shop.Settlement) {
	if len(s.Discounts) == 0 && (len(s.Payers) == 0 || len(s.Payers) == 1 && s.Payers[0].Payer == shop.PayerCustomer) {
		return
	}
	rows := make([][]string, 0, len(s.Payers))
	for _, p := range s.Payers {
		discount := ""
		if p.Discount > 0 {
			discount = "−" + f.money(p.Discount)
		}
		rows = append(rows, []string{f.payer(p.Payer), f.money(p.Labour), f.money(p.Parts), discount, f.money(p.Total)})
	}
	f.gap(3)
	f.table(f.t("payer_split"), []column{
		{title: f.t("col_payer"), width: 2.4},
		{title: f.t("labour_total"), width: 1.8, align: right},
		{title: f.t("parts_total"), width: 1.8, align: right},
		{title: f.t("col_discount"), width: 1.6, align: right},
		{title: f.t("col_payer_total"), width: 1.8, align: right},
	}, rows, f.t("none"))
	if len(s.Warranty) > 0 {
		rows = rows[:0]
		for i, l := range s.Warranty {
			qty := formatNumber(l.Hours)
			if l.Kind == shop.LinePart {
				qty = formatNumber(l.Quantity)
			}
			rows = append(rows, []string{strconv.Itoa(i + 1), l.Code, l.Name, qty, f.money(l.Amount)})
		}
		f.gap(3)
		f.table(f.t("warranty_claim"), []column{
			{title: f.t("col_no"), width: 0.6, align: center},
			{title: f.t("col_code"), width: 1.8},
			{title: f.t("col_item"), width: 4.6, wrap: true},
			{title: f.t("col_hours_qty"), width: 1.2, align: right},
			{title: f.t("col_amount"), width: 1.6, align: right},
		}, rows, f.t("none"))
	}
	if len(s.Discounts) > 0 {
		rows = rows[:0]
		for i, dc := range s.Discounts {
			on := f.t("discount_order")
			for _, l := range s.Lines {
				if dc.Line == l.Kind && dc.Index == l.Index {
					on = l.Name
				}
			}
			rows = append(rows, []string{strconv.Itoa(i + 1), on, dc.Reason, "−" + f.money(dc.Amount)})
		}
		f.gap(3)
		f.table(f.t("discounts"), []column{
			{title: f.t("col_no"), width: 0.6, align: center},
			{title: f.t("col_discount_on"), width: 3.4, wrap: true},
			{title: f.t("col_reason"), width: 4.2, wrap: true},
			{title: f.t("col_amount"), width: 1.6, align: right},
		}, rows, "")
	}
}

// revisions lists each change agreed after signing (费用解释): what it
// was and why, how, by whom and when the customer agreed, and what it
// changed the agreed total by, so the settlement reads against the signed
// estimate. Kept to the height of the findings table it replaces, so the
// settlement and its exit pass stay on one page.
func (f *form) revisions(all []shop.Revision, cust *shop.Customer) {
	rows := make([][]string, 0, len(all)-1)
	for i := 1; i < len(all); i++ {
		r := &all[i]
		change := r.Totals.Total - all[i-1].Totals.Total
		sign := "+"
		if change < 0 {
			sign, change = "−", -change
		}
		what := strings.Trim(f.t("revision_kind_"+string(r.Kind)), "（）()")
		if r.Reason != "" {
			what += " — " + r.Reason
		}
		who := r.Consent.Who
		if who == "" && cust != nil {
			who = cust.Name
		}
		agreed := f.t("consent_"+string(r.Consent.Via)) + " · " + who + " " + f.in(r.At).Format("01-02 15:04")
		rows = append(rows, []string{strconv.Itoa(r.Number), what, agreed, sign + f.money(change)})
	}
	f.table(f.t("revisions_title"), []column{
		{title: f.t("col_revision"), width: 0.6, align: center},
		{title: f.t("col_item"), width: 5.6, wrap: true},
		{title: f.t("col_agreed"), width: 2.7},
		{title: f.t("col_change"), width: 1.3, align: right},
	}, rows, "")
}

// declinedWork lists the recommended work the customer declined (建议维修
// 项目), with the customer's note that they were told why it is needed and
// what may follow if it is not done, and their signature.
func (f *form) declinedWork(list []*shop.Finding, recs []*shop.Recommendation) {
	rows := make([][]string, 0, len(list)+len(recs))
	for _, fd := range list {
		rows = append(rows, []string{strconv.Itoa(len(rows) + 1), fd.Description, formatNumber(fd.Hours), f.money(fd.Price)})
	}
	for _, r := range recs {
		what := r.Description
		if r.Safety {
			what = f.t("safety_item") + " " + what
		}
		rows = append(rows, []string{strconv.Itoa(len(rows) + 1), what, formatNumber(r.Hours), f.money(r.Total())})
	}
	// The list, the note and the signature stay on one page: a signature
	// parted from what it declines would sign nothing.
	lh := f.style(f.base).lineHeight()
	f.ensure(f.base*0.75*2 + float64(len(rows))*(2*lh+2.2) + 3*lh + 16)
	f.table(f.t("declined_title"), []column{
		{title: f.t("col_no"), width: 0.6, align: center},
		{title: f.t("col_item"), width: 6.6, wrap: true},
		{title: f.t("col_hours"), width: 1, align: right},
		{title: f.t("col_amount"), width: 1.6, align: right},
	}, rows, "")
	f.gap(1)
	f.note(f.t("declined_consent"))
	f.signatures(f.t("sign_declined"), f.t("sign_date"))
}

// payer names who pays a line.
func (f *form) payer(p shop.Payer) string { return f.t("payer_" + string(p.Or())) }

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
