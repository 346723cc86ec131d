package printing

import (
	"io"
	"strconv"
	"strings"
	"time"

	"bayboard/internal/shop"
)

// JobCard writes the work order (任务委托书) the customer signs at
// reception: customer and vehicle, their requests in their own words, the
// labour and parts with the estimate, the promised time, wash and old-parts
// choices, the walk-around check, signature lines and the job's QR code.
func (r *Renderer) JobCard(w io.Writer, d JobDoc) error {
	doc := r.newDoc(d.Lang, d.Shop, d.Now)
	job, _, _ := d.parts()
	f, err := newForm(doc, d.Shop, A4, doc.t("jobcard_title"), job.ID, d.JobURL, doc.t("scan_job"))
	if err != nil {
		return err
	}
	f.customerAndVehicle(d, true)
	f.gap(3)
	f.section(f.t("requests"))
	f.box(job.Requests, 2, 10)
	f.gap(3)
	f.jobLines(job.Labour, job.Parts)
	f.estimateTotals(shop.TotalsOf(job.Labour, job.Parts), "estimate_total")
	f.gap(1)
	f.choices(d)
	f.gap(3)
	f.walkAround(job.WalkAround)
	if len(d.Findings) > 0 {
		f.gap(3)
		f.findings(d.Findings)
	}
	f.gap(4)
	f.ensure(30)
	f.note(f.t("jobcard_consent"))
	f.gap(2)
	f.signatures(f.t("sign_customer"), f.t("sign_date"), f.t("sign_advisor"))
	f.finishPages()
	return doc.finish(w, f.info(d.Shop, job))
}

func (f *form) info(s shop.Settings, job *shop.Job) docInfo {
	title := f.title
	if job.ID != "" {
		title += " " + job.ID
	}
	return docInfo{title: title, author: s.Name, created: f.now}
}

// customerAndVehicle draws the grid of who and what: customer, vehicle,
// times and, on the job card, who works on it.
func (f *form) customerAndVehicle(d JobDoc, crew bool) {
	job, cust, veh := d.parts()
	km := job.WalkAround.MileageKM
	if km == 0 {
		km = veh.MileageKM
	}
	mileage, fuel := "", ""
	if km > 0 {
		mileage = formatKM(km, f.lang)
	}
	if job.WalkAround.FuelPercent > 0 {
		fuel = strconv.Itoa(job.WalkAround.FuelPercent) + "%"
	}
	f.fields(
		field{label: f.t("customer"), value: cust.Name, span: 2, bold: true},
		field{label: f.t("phone"), value: cust.Phone, span: 1.5},
		field{label: f.t("advisor"), value: d.AdvisorName, span: 1.5},
	)
	f.fields(
		field{label: f.t("plate"), value: veh.Plate, span: 1.4, bold: true},
		field{label: f.t("model"), value: veh.Model, span: 2},
		field{label: f.t("vin"), value: veh.VIN, span: 1.6},
	)
	f.fields(
		field{label: f.t("mileage"), value: mileage},
		field{label: f.t("fuel"), value: fuel, span: 0.6},
		field{label: f.t("received"), value: f.dateTime(job.CreatedAt), span: 1.2},
		field{label: f.t("promised"), value: f.dateTime(job.PromisedAt), span: 1.2, bold: true},
	)
	if crew {
		f.fields(
			field{label: f.t("team"), value: d.TeamName},
			field{label: f.t("techs"), value: strings.Join(d.TechNames, "、"), span: 2},
			field{label: f.t("bay"), value: d.BayName},
		)
	}
}

// jobLines draws the labour and parts tables.
func (f *form) jobLines(labour []shop.Labour, parts []shop.PartLine) {
	rows := make([][]string, 0, len(labour))
	for i, l := range labour {
		rows = append(rows, []string{strconv.Itoa(i + 1), l.Code, l.Name, formatNumber(l.SoldHours), f.money(l.Price)})
	}
	f.table(f.t("labour"), []column{
		{title: f.t("col_no"), width: 0.6, align: center},
		{title: f.t("col_code"), width: 1.5},
		{title: f.t("col_operation"), width: 5.2, wrap: true},
		{title: f.t("col_hours"), width: 1, align: right},
		{title: f.t("col_amount"), width: 1.7, align: right},
	}, rows, f.t("none"))
	f.gap(3)
	rows = make([][]string, 0, len(parts))
	for i, p := range parts {
		rows = append(rows, []string{strconv.Itoa(i + 1), p.Number, p.Name, formatNumber(p.Quantity), f.money(p.UnitPrice), f.money(p.Total())})
	}
	f.table(f.t("parts"), []column{
		{title: f.t("col_no"), width: 0.6, align: center},
		{title: f.t("col_part_no"), width: 1.8},
		{title: f.t("col_part_name"), width: 3.8, wrap: true},
		{title: f.t("col_qty"), width: 0.8, align: right},
		{title: f.t("col_unit_price"), width: 1.5, align: right},
		{title: f.t("col_amount"), width: 1.5, align: right},
	}, rows, f.t("none"))
}

func (f *form) estimateTotals(t Totals, totalKey string) {
	f.totals([][2]string{
		{f.t("labour_total") + " (" + formatNumber(t.Hours) + " " + f.t("col_hours") + ")", f.money(t.Labour)},
		{f.t("parts_total"), f.money(t.Parts)},
		{f.t(totalKey), f.money(t.Total)},
	}, true)
}

// coversLabel names the protective covers as the shop's settings say
// (三件套 or 五件套), as the desk's reception page does.
func coversLabel(s shop.Settings) string {
	if s.Covers() == shop.CoversFive {
		return "covers_on_five"
	}
	return "covers_on"
}

// choices draws the reception choices as ticked boxes: wash, old parts,
// protective covers.
func (f *form) choices(d JobDoc) {
	job, _, _ := d.parts()
	type option struct {
		text string
		on   bool
	}
	groups := []struct {
		label   string
		options []option
	}{
		{f.t("wash"), []option{{f.t("yes"), job.Wash}, {f.t("no"), !job.Wash}}},
		{f.t("old_parts"), []option{{f.t("old_parts_kept"), job.KeepOldParts}, {f.t("old_parts_left"), !job.KeepOldParts}}},
		{f.t(coversLabel(d.Shop)), []option{{f.t("yes"), job.WalkAround.CoversOn}, {f.t("no"), !job.WalkAround.CoversOn}}},
	}
	h := f.base * 0.95
	f.ensure(h)
	f.strokeRect(f.left, f.y, f.width(), h, 0.2, rule)
	lab := textStyle{size: f.base - 1, color: muted}
	st := f.style(f.base)
	// Each group takes its natural width plus a share of what is left;
	// long labels (English) shrink the type until all three fit.
	natural := func() ([]float64, float64) {
		ws := make([]float64, len(groups))
		total := 0.0
		for i, g := range groups {
			w := 4 + f.book.width(f.book.clean(g.label), regular, lab.size) + 3
			for _, o := range g.options {
				w += st.em()*0.85 + 1.2 + f.book.width(f.book.clean(o.text), regular, st.size) + 3.5
			}
			ws[i] = w
			total += w
		}
		return ws, total
	}
	ws, total := natural()
	for total > f.width() && st.size > f.base-2.5 {
		st.size -= 0.25
		lab.size -= 0.25
		ws, total = natural()
	}
	extra := max(0, (f.width()-total)/float64(len(groups)))
	box := st.em() * 0.85
	base := f.y + h/2 + st.em()*0.35
	x0 := f.left
	for i, g := range groups {
		x := x0 + 2
		if i > 0 {
			f.line(x0, f.y, x0, f.y+h, 0.2, rule)
		}
		f.text(x, base, 0, lab, left, g.label)
		x += f.book.width(f.book.clean(g.label), regular, lab.size) + 3
		for _, o := range g.options {
			f.checkbox(x, base-box*0.95, box, o.on)
			x += box + 1.2
			f.text(x, base, 0, st, left, o.text)
			x += f.book.width(f.book.clean(o.text), regular, st.size) + 3.5
		}
		x0 += ws[i] + extra
	}
	f.y += h
}

func (f *form) walkAround(wa shop.WalkAround) {
	f.section(f.t("walk_around"))
	f.fields(
		field{label: f.t("damage"), value: wa.Damage, span: 3},
		field{label: f.t("valuables"), value: wa.Valuables, span: 2},
	)
	if strings.TrimSpace(wa.Notes) != "" {
		f.box(f.t("notes")+f.colon()+wa.Notes, 1, 6)
	}
}

func (f *form) findings(list []*shop.Finding) {
	rows := make([][]string, 0, len(list))
	for i, fd := range list {
		if fd == nil {
			continue
		}
		// A proposal the advisor has not priced has no price yet.
		amount := f.money(fd.Price)
		if fd.Status == shop.FindingProposed && fd.PricedAt == nil {
			amount = "—"
		}
		rows = append(rows, []string{strconv.Itoa(i + 1), fd.Description, formatNumber(fd.Hours), amount, f.t("finding_" + string(fd.Status))})
	}
	f.table(f.t("findings"), []column{
		{title: f.t("col_no"), width: 0.6, align: center},
		{title: f.t("col_item"), width: 5.6, wrap: true},
		{title: f.t("col_hours"), width: 1, align: right},
		{title: f.t("col_amount"), width: 1.6, align: right},
		{title: f.t("col_status"), width: 1.6, align: center},
	}, rows, f.t("none"))
}

// nonZero returns t, or the zero time when t is nil.
func nonZero(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}
