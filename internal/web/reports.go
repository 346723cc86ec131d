package web

import (
	"fmt"
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
	return c.JSON(jobs)
}

// exportJobsCSV writes one row a job, for a spreadsheet; every text cell
// goes through textCell, so none runs as a formula.
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
	sh, err := newSheet(c.Response().BodyWriter())
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
			end = s.eng.Now()
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

// exportEvents streams the events of the period as a JSON array.
func (s *Server) exportEvents(c *fiber.Ctx) error {
	from, to, err := s.period(c)
	if err != nil {
		return err
	}
	attachment(c, periodFile("events", from, to, "json"), fiber.MIMEApplicationJSON)
	w := c.Response().BodyWriter()
	w.Write([]byte("["))
	first := true
	err = s.history.Events(from, to, func(ev shop.Event) error {
		raw, err := wire.Marshal(ev)
		if err != nil {
			return err
		}
		if !first {
			w.Write([]byte(",\n"))
		}
		first = false
		_, err = w.Write(raw)
		return err
	})
	w.Write([]byte("]\n"))
	return err
}

func (s *Server) reminders(c *fiber.Ctx) error {
	return c.JSON(s.eng.State().RemindersDue(s.eng.Now()))
}

func (s *Server) followUps(c *fiber.Ctx) error {
	st := s.eng.State()
	now := s.eng.Now()
	due, complaints := st.FollowUpsDue(now)
	status := func(jobs []*shop.Job) []withPhone {
		out := make([]withPhone, len(jobs))
		for i, j := range jobs {
			out[i] = withPhone{JobStatus: st.JobStatus(j, now), Phone: phoneOf(st, j)}
		}
		return out
	}
	return c.JSON(fiber.Map{"due": status(due), "complaints": status(complaints)})
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
