package printing

import (
	"io"
	"strconv"
	"strings"

	"bayboard/internal/shop"
)

// PickListDoc is a job at the parts counter: what it still draws and what
// it holds (shop.State.DrawLines and the job's issues).
type PickListDoc struct {
	JobDoc
	Lines []shop.DrawLine
}

// PickList writes the parts pick list (领料单) the technician takes to the
// counter and the clerk issues from: the job and its car, bay and crew;
// each part the job draws on its ground (the agreed work, the advisor's
// allowance, a technician's request) with what is wanted, issued and left,
// and a blank column for what is handed over; the parts issued to the job
// so far; the signatures of who drew and who issued; the job's QR code.
func (r *Renderer) PickList(w io.Writer, d PickListDoc) error {
	doc := r.newDoc(d.Lang, d.Shop, d.Now)
	job, _, veh := d.parts()
	f, err := newForm(doc, d.Shop, A4, doc.t("picklist_title"), job.ID, d.JobURL, doc.t("scan_job"))
	if err != nil {
		return err
	}
	f.fields(
		field{label: f.t("plate"), value: veh.Plate, span: 1.4, bold: true},
		field{label: f.t("model"), value: veh.Model, span: 2},
		field{label: f.t("advisor"), value: d.AdvisorName, span: 1.2},
		field{label: f.t("promised"), value: f.dateTime(job.PromisedAt), span: 1.4},
	)
	f.fields(
		field{label: f.t("bay"), value: d.BayName, span: 1.4},
		field{label: f.t("team"), value: d.TeamName, span: 1.2},
		field{label: f.t("techs"), value: strings.Join(d.TechNames, "、"), span: 3.4},
	)
	f.gap(3)
	rows := [][]string{}
	for _, l := range d.Lines {
		if l.ToDraw <= 0 {
			continue
		}
		price := ""
		if l.InCatalog {
			price = f.money(l.UnitPrice)
		}
		rows = append(rows, []string{strconv.Itoa(len(rows) + 1), l.Number, l.Name, f.ground(l),
			formatNumber(l.Wanted), formatNumber(l.Issued), formatNumber(l.ToDraw), price, ""})
	}
	f.table(f.t("picklist_to_draw"), []column{
		{title: f.t("col_no"), width: 0.5, align: center},
		{title: f.t("col_part_no"), width: 1.6},
		{title: f.t("col_part_name"), width: 2.9, wrap: true},
		{title: f.t("col_ground"), width: 1.3, wrap: true},
		{title: f.t("col_wanted"), width: 0.8, align: right},
		{title: f.t("col_issued"), width: 0.8, align: right},
		{title: f.t("col_to_draw"), width: 0.8, align: right},
		{title: f.t("col_unit_price"), width: 1.2, align: right},
		{title: f.t("col_given"), width: 0.9, align: center},
	}, rows, f.t("picklist_nothing"))
	f.gap(3)
	rows = [][]string{}
	for _, ip := range job.Issued {
		returned := ""
		if ip.Returned > 0 {
			returned = formatNumber(ip.Returned)
		}
		rows = append(rows, []string{strconv.Itoa(len(rows) + 1), ip.Number, ip.Name, formatNumber(ip.Quantity), returned,
			f.money(ip.UnitPrice), f.in(ip.IssuedAt).Format("01-02 15:04")})
	}
	f.table(f.t("picklist_issued"), []column{
		{title: f.t("col_no"), width: 0.5, align: center},
		{title: f.t("col_part_no"), width: 1.6},
		{title: f.t("col_part_name"), width: 3.8, wrap: true},
		{title: f.t("col_qty"), width: 0.8, align: right},
		{title: f.t("col_returned"), width: 0.9, align: right},
		{title: f.t("col_unit_price"), width: 1.2, align: right},
		{title: f.t("col_issued_at"), width: 1.5, align: right},
	}, rows, f.t("none"))
	f.gap(3)
	f.ensure(30)
	f.note(f.t("picklist_note"))
	f.gap(2)
	f.signatures(f.t("sign_drawn_by"), f.t("sign_issued_by"), f.t("sign_date"))
	f.finishPages()
	return doc.finish(w, f.info(d.Shop, job))
}

// ground names what a line is drawn on.
func (f *form) ground(l shop.DrawLine) string {
	switch {
	case l.RequestID != "" && l.AllowanceID == "":
		if l.BeyondScope {
			return f.t("ground_request_beyond")
		}
		return f.t("ground_request")
	case l.Basis == shop.BasisAllowance:
		return f.t("ground_allowance")
	}
	return f.t("ground_scope")
}
