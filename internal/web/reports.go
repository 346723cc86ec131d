package web

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strconv"
	"time"

	"bayboard/internal/shop"
	"bayboard/internal/wire"

	"github.com/gofiber/fiber/v2"
)

// MaxReportDays bounds one report or export: a year.
const MaxReportDays = 366

// period reads ?from=YYYY-MM-DD&to=YYYY-MM-DD in the shop's time zone; to is
// inclusive, so from=to is one day. The default is the last 30 days.
func (s *Server) period(c *fiber.Ctx) (time.Time, time.Time, error) {
	st := s.eng.State()
	now := s.eng.Now().In(st.Loc)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, st.Loc)
	from, to := today.AddDate(0, 0, -29), today.AddDate(0, 0, 1)
	var fields []shop.FieldError
	if v := c.Query("from"); v != "" {
		d, err := time.ParseInLocation("2006-01-02", v, st.Loc)
		if err != nil {
			fields = append(fields, shop.FieldError{Field: "from", Message: "a date such as 2026-11-01"})
		}
		from = d
	}
	if v := c.Query("to"); v != "" {
		d, err := time.ParseInLocation("2006-01-02", v, st.Loc)
		if err != nil {
			fields = append(fields, shop.FieldError{Field: "to", Message: "a date such as 2026-11-30"})
		}
		to = d.AddDate(0, 0, 1)
	}
	if len(fields) == 0 && (!to.After(from) || to.Sub(from) > MaxReportDays*24*time.Hour) {
		fields = append(fields, shop.FieldError{Field: "to", Message: fmt.Sprintf("must be on or after from, at most %d days later", MaxReportDays)})
	}
	if len(fields) > 0 {
		return from, to, &shop.Error{Code: shop.CodeInvalid, Message: "the period is invalid", Fields: fields}
	}
	return from, to, nil
}

// reportJobs returns the jobs a period's report needs, with those of the
// 30 days before it (comebacks).
func (s *Server) reportJobs(from time.Time) ([]*shop.Job, error) {
	jobs, err := s.history.JobsClosedSince(from.Add(-shop.ComebackWindow))
	if err != nil {
		return nil, err
	}
	// The live state is newer than nothing on disk, but may hold a change
	// committed after the read above: prefer it.
	live := s.eng.State().Jobs
	for i, j := range jobs {
		if l := live[j.ID]; l != nil {
			jobs[i] = l
		}
	}
	return jobs, nil
}

func (s *Server) kpis(c *fiber.Ctx) error {
	from, to, err := s.period(c)
	if err != nil {
		return err
	}
	jobs, err := s.reportJobs(from)
	if err != nil {
		return err
	}
	st := s.eng.State()
	k := st.KPIs(jobs, from, to, s.eng.Now())
	for i := range k.Technicians {
		if t := st.Technicians[k.Technicians[i].ID]; t != nil {
			k.Technicians[i].Name = t.Name
		}
	}
	for i := range k.Bays {
		if b := st.Bays[k.Bays[i].ID]; b != nil {
			k.Bays[i].Name = b.Name
		}
	}
	for i := range k.CSIAdvisors {
		if u := st.Users[k.CSIAdvisors[i].ID]; u != nil {
			k.CSIAdvisors[i].Name = u.Name
		}
	}
	return c.JSON(k)
}

// jobsCreatedIn returns the jobs opened in [from, to), oldest first.
func (s *Server) jobsCreatedIn(from, to time.Time) ([]*shop.Job, error) {
	jobs, err := s.reportJobs(from)
	if err != nil {
		return nil, err
	}
	out := jobs[:0]
	for _, j := range jobs {
		if !j.CreatedAt.Before(from) && j.CreatedAt.Before(to) {
			out = append(out, j)
		}
	}
	sort.Slice(out, func(a, b int) bool { return out[a].ID < out[b].ID })
	return out, nil
}

// periodFile names an export by its period: jobs-20261101-20261130.csv.
func periodFile(what string, from, to time.Time, ext string) string {
	return fmt.Sprintf("%s-%s-%s.%s", what, from.Format("20060102"), to.AddDate(0, 0, -1).Format("20060102"), ext)
}

func attachment(c *fiber.Ctx, name, contentType string) {
	c.Set(fiber.HeaderContentType, contentType)
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`"`)
}

func (s *Server) exportJobsJSON(c *fiber.Ctx) error {
	from, to, err := s.period(c)
	if err != nil {
		return err
	}
	jobs, err := s.jobsCreatedIn(from, to)
	if err != nil {
		return err
	}
	attachment(c, periodFile("jobs", from, to, "json"), fiber.MIMEApplicationJSON)
	// Written as the client reads, a job at a time: the answer is not
	// held in memory beside the jobs.
	log, path := s.log, c.Path()
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		w.WriteString("[")
		for i, j := range jobs {
			raw, err := wire.Marshal(j)
			if err != nil {
				log.Error("export jobs", "path", path, "job", j.ID, "error", err)
				return
			}
			if i > 0 {
				w.WriteString(",\n")
			}
			w.Write(raw)
		}
		w.WriteString("]\n")
	})
	return nil
}

// exportJobsCSV writes one row a job, for a spreadsheet.
func (s *Server) exportJobsCSV(c *fiber.Ctx) error {
	from, to, err := s.period(c)
	if err != nil {
		return err
	}
	jobs, err := s.jobsCreatedIn(from, to)
	if err != nil {
		return err
	}
	st := s.eng.State()
	attachment(c, periodFile("jobs", from, to, "csv"), "text/csv; charset=utf-8")
	now := s.eng.Now()
	// Written as the client reads, a row at a time (as exportJobsJSON).
	log, path := s.log, c.Path()
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		if err := writeJobsCSV(w, st, jobs, now); err != nil {
			log.Error("export jobs", "path", path, "error", err)
		}
	})
	return nil
}

// writeJobsCSV writes the jobs' rows; every text cell goes through
// textCell, so none runs as a formula.
func writeJobsCSV(w io.Writer, st *shop.State, jobs []*shop.Job, now time.Time) error {
	sh, err := newSheet(w)
	if err != nil {
		return err
	}
	sh.header("job", "stage", "created_at", "promised_at", "ready_at", "delivered_at", "plate", "model", "customer", "advisor",
		"sold_hours", "clocked_hours", "estimated", "settled", "reworks", "follow_up")
	timeOf := func(t time.Time) cell {
		if t.IsZero() {
			return textCell("")
		}
		return textCell(t.In(st.Loc).Format("2006-01-02 15:04"))
	}
	money := func(m shop.Money) cell { return numberCell(float64(m)/100, 2) }
	for _, j := range jobs {
		plate, model, customer, advisor := "", "", "", ""
		if v := st.Vehicles[j.VehicleID]; v != nil {
			plate, model = v.Plate, v.Model
		}
		if cu := st.Customers[j.CustomerID]; cu != nil {
			customer = cu.Name
		}
		if u := st.Users[j.AdvisorID]; u != nil {
			advisor = u.Name
		}
		settled, follow := textCell(""), ""
		if j.Delivery != nil {
			settled = money(j.Delivery.Total)
		}
		if j.FollowUp != nil {
			follow = j.FollowUp.Outcome
		}
		end := j.EnteredStage(shop.StageDelivered)
		if end.IsZero() {
			end = now
		}
		err := sh.row(textCell(j.ID), textCell(string(j.Stage)), timeOf(j.CreatedAt), timeOf(j.PromisedAt), timeOf(j.EnteredStage(shop.StageReady)),
			timeOf(j.EnteredStage(shop.StageDelivered)), textCell(plate), textCell(model), textCell(customer), textCell(advisor),
			numberCell(j.SoldHours(), 2), numberCell(j.ClockedHours(end), 2),
			money(j.Estimated.Total), settled, intCell(j.Reworks), textCell(follow))
		if err != nil {
			return err
		}
	}
	return sh.flush()
}

// exportEvents streams the events of the period as a JSON array, read
// page by page (stream.go). It reads the whole log: events are not
// strictly in time order (a batch imported or seeded carries its own
// times), and exports are rare.
func (s *Server) exportEvents(c *fiber.Ctx) error {
	from, to, err := s.period(c)
	if err != nil {
		return err
	}
	first, err := s.history.EventsPage(0, eventPage)
	if err != nil {
		return err
	}
	attachment(c, periodFile("events", from, to, "json"), fiber.MIMEApplicationJSON)
	streamEvents(c, s.log, first, func(after uint64) ([]shop.Event, error) {
		return s.history.EventsPage(after, eventPage)
	}, func(ev shop.Event) bool { return !ev.At.Before(from) && ev.At.Before(to) })
	return nil
}

func (s *Server) reminders(c *fiber.Ctx) error {
	return c.JSON(s.eng.State().RemindersDue(s.eng.Now()))
}

func (s *Server) followUps(c *fiber.Ctx) error {
	st := s.eng.State()
	now := s.eng.Now()
	due, complaints := st.FollowUpsDue(now)
	reader := whoOf(c).actor
	status := func(jobs []*shop.Job) []withPhone {
		out := make([]withPhone, len(jobs))
		for i, j := range jobs {
			out[i] = withPhone{JobStatus: st.JobStatus(j, now).ForReader(reader)}
			if shop.MaySeeContact(reader) {
				out[i].Phone = phoneOf(st, j)
			}
		}
		return out
	}
	rows := make([]complaintRow, 0, len(complaints))
	for i, r := range status(complaints) {
		f := complaints[i].FollowUp
		row := complaintRow{withPhone: r, Overdue: f.Overdue(now)}
		if u := st.Users[f.OwnerID]; u != nil {
			row.Owner = u.Name
		}
		rows = append(rows, row)
	}
	// The survey's answers of the last fortnight, the newest first.
	answers := []surveyRow{}
	for _, j := range st.SurveysSince(now.Add(-surveyListDays * 24 * time.Hour)) {
		r := surveyRow{JobID: j.ID, Survey: j.Survey, Complaint: j.FollowUp != nil && j.FollowUp.ComplaintOpen}
		if v := st.Vehicles[j.VehicleID]; v != nil {
			r.Plate = v.Plate
		}
		if u := st.Users[j.AdvisorID]; u != nil {
			r.Advisor = u.Name
		}
		answers = append(answers, r)
	}
	return c.JSON(fiber.Map{"due": status(due), "complaints": rows, "surveys": answers})
}

// surveyListDays is how far back the follow-up desk lists survey answers.
const surveyListDays = 14

// complaintRow is an open complaint on the follow-up desk: its job, the
// owner's name, and whether it is past its due time (escalated).
type complaintRow struct {
	withPhone
	Owner   string `json:"owner"`
	Overdue bool   `json:"overdue"`
}

// surveyRow is one survey answer on the follow-up desk.
type surveyRow struct {
	JobID     string       `json:"job_id"`
	Plate     string       `json:"plate"`
	Advisor   string       `json:"advisor"`
	Survey    *shop.Survey `json:"survey"`
	Complaint bool         `json:"complaint_open"`
}

// suggestPromise proposes a promised time: ?hours=2.5&wash=true.
func (s *Server) suggestPromise(c *fiber.Ctx) error {
	hours, err := strconv.ParseFloat(c.Query("hours"), 64)
	if err != nil || hours < 0 || hours > 200 {
		return problem(c, CodeInvalid, "hours must be a number from 0 to 200", shop.FieldError{Field: "hours", Message: "0 to 200"})
	}
	wash := c.Query("wash") == "true"
	return c.JSON(fiber.Map{"promised_at": s.eng.State().SuggestPromise(hours, wash, s.eng.Now())})
}
