package web

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"bayboard/internal/shop"
	"bayboard/printing"

	"github.com/gofiber/fiber/v2"
)

// MaxLabelsPerRequest bounds one batch of seat labels: a morning's
// appointments with room to spare.
const MaxLabelsPerRequest = 100

// lang picks the document language: ?lang= or the shop's.
func lang(c *fiber.Ctx, st *shop.State) (string, error) {
	switch l := c.Query("lang"); l {
	case "":
		return st.Settings.Language, nil
	case "zh-CN", "en":
		return l, nil
	}
	return "", &shop.Error{Code: shop.CodeInvalid, Message: "unknown language", Fields: []shop.FieldError{{Field: "lang", Message: "zh-CN or en"}}}
}

// jobDoc gathers what a job's documents print.
func (s *Server) jobDoc(c *fiber.Ctx, st *shop.State, j *shop.Job, language string) printing.JobDoc {
	u := s.urls(c)
	names := st.JobStatus(j, s.eng.Now())
	return printing.JobDoc{Shop: st.Settings, Job: j, Customer: st.Customers[j.CustomerID], Vehicle: st.Vehicles[j.VehicleID],
		AdvisorName: names.Advisor, TeamName: names.Team, BayName: names.Bay, TechNames: names.Techs,
		Findings: st.JobFindings(j.ID), JobURL: u.Job(j.ID), CustomerURL: u.Customer(j), Lang: language, Now: s.eng.Now()}
}

// renderJobDocument draws one of a job's documents.
// An estimate prints a revision (0: the signed one).
func (s *Server) renderJobDocument(c *fiber.Ctx, jobID string, kind printing.Kind, paper printing.Paper, revision int) ([]byte, error) {
	st := s.eng.State()
	j := s.job(jobID)
	if j == nil {
		return nil, &shop.Error{Code: shop.CodeNotFound, Message: "job " + jobID + " does not exist"}
	}
	language, err := lang(c, st)
	if err != nil {
		return nil, err
	}
	doc := s.jobDoc(c, st, j, language)
	var buf bytes.Buffer
	switch kind {
	case printing.KindJobCard:
		err = s.printing.JobCard(&buf, doc)
	case printing.KindSeatLabel:
		err = s.printing.SeatLabel(&buf, doc, printing.LabelSizeOf(st.Settings))
	case printing.KindEstimate:
		rev, err := j.EstimateRevision(revision)
		if err != nil {
			return nil, err
		}
		err = s.printing.EstimateOf(&buf, doc, rev, paper)
		return buf.Bytes(), err
	case printing.KindSettlement:
		if j.Stage != shop.StageReady && j.Stage != shop.StageDelivered {
			return nil, &shop.Error{Code: shop.CodeConflict, Message: fmt.Sprintf("job %s is %s; the settlement prints when the car is ready", j.ID, j.Stage)}
		}
		// Until delivery is confirmed, the payment and the next service are
		// not known and the exit pass must not let the car out.
		var recs []*shop.Recommendation
		for _, r := range st.VehicleRecommendations(j.VehicleID) {
			if r.JobID == j.ID && r.FindingID == "" {
				recs = append(recs, r)
			}
		}
		err = s.printing.Settlement(&buf, printing.SettlementDoc{JobDoc: doc, Estimate: printing.Totals(j.Estimated),
			Draft: j.Stage != shop.StageDelivered, Recommendations: recs, Thumbnails: s.thumbnail})
	case printing.KindPickList:
		err = s.printing.PickList(&buf, printing.PickListDoc{JobDoc: doc, Lines: st.DrawLines(j)})
	}
	return buf.Bytes(), err
}

// thumbnail reads a photo's thumbnail from the photo directory beside the
// data file, for the settlement's photos (printing reads no files).
func (s *Server) thumbnail(id string) ([]byte, error) {
	if s.photos == nil {
		return nil, fmt.Errorf("no thumbnail for photo %q", id)
	}
	f, err := s.photos.Open(id, true)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

func paperOf(v string) (printing.Paper, error) {
	switch strings.ToUpper(v) {
	case "", "A4":
		return printing.A4, nil
	case "A5":
		return printing.A5, nil
	}
	return "", &shop.Error{Code: shop.CodeInvalid, Message: "unknown paper", Fields: []shop.FieldError{{Field: "paper", Message: "A4 or A5"}}}
}

// revisionOf reads ?revision=: empty for the signed estimate, or a
// revision's number.
func revisionOf(v string) (int, error) {
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, &shop.Error{Code: shop.CodeInvalid, Message: "unknown revision", Fields: []shop.FieldError{{Field: "revision", Message: "is not a revision number"}}}
	}
	return n, nil
}

func sendPDF(c *fiber.Ctx, name string, pdf []byte) error {
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderContentDisposition, `inline; filename="`+name+`"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(pdf)
}

// jobDocument serves GET /api/v1/jobs/{id}/documents/{kind}.pdf for the
// browser's print dialog.
func (s *Server) jobDocument(c *fiber.Ctx) error {
	file := c.Params("file")
	kind, ok := printing.ParseKind(strings.TrimSuffix(file, ".pdf"))
	if !ok || !strings.HasSuffix(file, ".pdf") {
		return problem(c, CodeNotFound, "no document "+file+"; job-card.pdf, seat-label.pdf, estimate.pdf, settlement.pdf or pick-list.pdf")
	}
	paper, err := paperOf(c.Query("paper"))
	if err != nil {
		return err
	}
	revision, err := revisionOf(c.Query("revision"))
	if err != nil {
		return err
	}
	pdf, err := s.renderJobDocument(c, c.Params("id"), kind, paper, revision)
	if err != nil {
		return err
	}
	return sendPDF(c, c.Params("id")+"-"+file, pdf)
}

// pickListDocument serves the parts counter a job's pick list
// (GET /api/v1/jobs/{id}/pick-list.pdf): the counter prints it without
// the desk's other documents.
func (s *Server) pickListDocument(c *fiber.Ctx) error {
	pdf, err := s.renderJobDocument(c, c.Params("id"), printing.KindPickList, printing.A4, 0)
	if err != nil {
		return err
	}
	return sendPDF(c, c.Params("id")+"-pick-list.pdf", pdf)
}

// printJob sends a job's document to a printer by IPP and reports the
// printer's answer; a failed print says why and may simply be sent again.
func (s *Server) printJob(c *fiber.Ctx) error {
	var req struct {
		Kind    string `json:"kind"`
		Printer string `json:"printer,omitempty"`
		Paper   string `json:"paper,omitempty"`
		Copies  int    `json:"copies,omitempty"`
		// Revision is the estimate's revision to print; 0: the signed one.
		Revision int `json:"revision,omitempty"`
	}
	if err := decodeBody(c, &req); err != nil {
		return err
	}
	kind, ok := printing.ParseKind(req.Kind)
	if !ok {
		return problem(c, CodeInvalid, "unknown document", shop.FieldError{Field: "kind", Message: "job-card, seat-label, estimate, settlement or pick-list"})
	}
	if req.Copies < 0 || req.Copies > 10 {
		return problem(c, CodeInvalid, "copies must be 1 to 10", shop.FieldError{Field: "copies", Message: "1 to 10"})
	}
	paper, err := paperOf(req.Paper)
	if err != nil {
		return err
	}
	printer, err := choosePrinter(s.eng.State().Settings, req.Printer, kind)
	if err != nil {
		return err
	}
	pdf, err := s.renderJobDocument(c, c.Params("id"), kind, paper, req.Revision)
	if err != nil {
		return err
	}
	p := printing.PrinterFrom(printer)
	if kind == printing.KindSeatLabel && p.Media == "" {
		p.Media = printing.LabelMedia(printing.LabelSizeOf(s.eng.State().Settings))
	}
	user, _, _ := Who(c)
	res, err := p.Print(c.UserContext(), pdf, printing.PrintOptions{JobName: c.Params("id") + " " + string(kind), User: user.Login, Copies: req.Copies})
	if err != nil {
		s.log.Warn("print failed", "job", c.Params("id"), "kind", kind, "printer", printer.Name, "error", err)
		reason, detail := printFailure(printer.Name, err)
		c.Locals("print_reason", reason)
		p := newProblem(CodePrintFailed, detail)
		p.Reason = reason
		return writeProblem(c, p)
	}
	s.log.Info("printed", "job", c.Params("id"), "kind", kind, "printer", printer.Name, "ipp_job", res.JobID)
	return c.JSON(fiber.Map{"printer": printer.Name, "job_id": res.JobID, "job_state": res.JobState, "status": res.Status, "message": res.Message})
}

// printFailure says why a print failed in the printer's terms: it did not
// answer, or it refused the job and what it said. The network's own words
// (connection refused, no route, the address and port) stay in the log:
// told to the desk, they would let anyone with the print button learn
// which ports of the printer's host are open.
func printFailure(name string, err error) (reason, detail string) {
	var refused *printing.IPPError
	switch {
	case errors.Is(err, printing.ErrPrinterTimeout):
		return "timeout", fmt.Sprintf("the printer %q did not answer in time", name)
	case errors.As(err, &refused):
		why := refused.StatusName
		if refused.HTTPStatus != 0 && refused.HTTPStatus != 200 {
			why = fmt.Sprintf("HTTP %d", refused.HTTPStatus)
		}
		if refused.Message != "" {
			why += " (" + refused.Message + ")"
		}
		return "rejected", fmt.Sprintf("the printer %q refused the job: %s", name, why)
	case errors.Is(err, printing.ErrPrinterRejected):
		return "rejected", fmt.Sprintf("the printer %q refused the job", name)
	default:
		return "unreachable", fmt.Sprintf("the printer %q did not answer", name)
	}
}

// choosePrinter finds a printer by name, or the default for the document:
// labels to the label printer, the rest to the A4 printer.
func choosePrinter(set shop.Settings, name string, kind printing.Kind) (shop.Printer, error) {
	use := shop.PrinterA4
	if kind == printing.KindSeatLabel {
		use = shop.PrinterLabel
	}
	for _, p := range set.Printers {
		if (name != "" && p.Name == name) || (name == "" && p.Use == use) {
			return p, nil
		}
	}
	if name != "" {
		return shop.Printer{}, &shop.Error{Code: shop.CodeInvalid, Message: "no such printer", Fields: []shop.FieldError{{Field: "printer", Message: fmt.Sprintf("%q is not set up", name)}}}
	}
	return shop.Printer{}, &codedError{code: CodeNoPrinter, message: fmt.Sprintf("no %s printer is set up; add one in the settings or use the PDF", use)}
}

// seatLabels serves many jobs' seat labels in one PDF: ?jobs=id,id,…
func (s *Server) seatLabels(c *fiber.Ctx) error {
	ids := strings.Split(c.Query("jobs"), ",")
	if c.Query("jobs") == "" || len(ids) > MaxLabelsPerRequest {
		return problem(c, CodeInvalid, "name the jobs", shop.FieldError{Field: "jobs", Message: fmt.Sprintf("1 to %d job ids, comma-separated", MaxLabelsPerRequest)})
	}
	st := s.eng.State()
	language, err := lang(c, st)
	if err != nil {
		return err
	}
	docs := make([]printing.JobDoc, 0, len(ids))
	for _, id := range ids {
		j := s.job(strings.TrimSpace(id))
		if j == nil {
			return problem(c, CodeNotFound, "job "+id+" does not exist")
		}
		docs = append(docs, s.jobDoc(c, st, j, language))
	}
	var buf bytes.Buffer
	if err := s.printing.SeatLabels(&buf, docs, printing.LabelSizeOf(st.Settings)); err != nil {
		return err
	}
	return sendPDF(c, "seat-labels.pdf", buf.Bytes())
}

// baySheet prints every active bay's QR poster.
func (s *Server) baySheet(c *fiber.Ctx) error {
	st := s.eng.State()
	language, err := lang(c, st)
	if err != nil {
		return err
	}
	u := s.urls(c)
	sheet := printing.BaySheet{Shop: st.Settings, Lang: language, Now: s.eng.Now()}
	for _, b := range sortedValues(st.Bays) {
		if b.Active {
			sheet.Bays = append(sheet.Bays, printing.BayCard{Name: b.Name, Kind: b.Kind, URL: u.Bay(b.ID)})
		}
	}
	if len(sheet.Bays) == 0 {
		return problem(c, CodeConflict, "there are no active bays to print")
	}
	var buf bytes.Buffer
	if err := s.printing.BaySheet(&buf, sheet); err != nil {
		return err
	}
	return sendPDF(c, "bays.pdf", buf.Bytes())
}

// badges prints the technicians' badge cards.
func (s *Server) badges(c *fiber.Ctx) error {
	st := s.eng.State()
	language, err := lang(c, st)
	if err != nil {
		return err
	}
	u := s.urls(c)
	sheet := printing.BadgeSheet{Shop: st.Settings, Lang: language, Now: s.eng.Now()}
	for _, t := range sortedValues(st.Technicians) {
		if !t.Active || t.UserID == "" {
			continue
		}
		team := ""
		if tm := st.Teams[t.TeamID]; tm != nil {
			team = tm.Name
		}
		user := st.Users[t.UserID]
		if user == nil {
			continue
		}
		sheet.Badges = append(sheet.Badges, printing.Badge{Name: t.Name, Team: team, URL: u.Badge(user), Code: user.BadgeCode})
	}
	if len(sheet.Badges) == 0 {
		return problem(c, CodeConflict, "there are no technicians with accounts to print badges for")
	}
	var buf bytes.Buffer
	if err := s.printing.Badges(&buf, sheet); err != nil {
		return err
	}
	return sendPDF(c, "badges.pdf", buf.Bytes())
}
