package web

import (
	"errors"
	"mime"
	"sort"
	"strings"
	"time"

	"bayboard/internal/shop"

	"github.com/gofiber/fiber/v2"
)

// decodeBody reads a JSON body strictly: the one decoder of the API.
func decodeBody(c *fiber.Ctx, v any) error {
	if !isJSON(string(c.Request().Header.ContentType())) {
		// An error, not a problem written here: the caller returns it and
		// stops, where a written problem let it carry on and answer again.
		return &codedError{code: CodeUnsupportedMedia, message: "Content-Type must be application/json"}
	}
	return shop.DecodeStrict(c.Body(), v)
}

// isJSON reports whether a Content-Type is exactly JSON: application/json,
// with at most a charset parameter that says UTF-8. A prefix is not enough
// (application/jsonp, application/json-seq), nor another charset: the body
// is read as UTF-8.
func isJSON(contentType string) bool {
	media, params, err := mime.ParseMediaType(contentType)
	if err != nil || media != fiber.MIMEApplicationJSON {
		return false
	}
	for k, v := range params {
		if k != "charset" || !strings.EqualFold(v, "utf-8") {
			return false
		}
	}
	return true
}

// command applies one command: POST /api/v1/commands with the command's
// JSON. It answers once the change is on disk.
func (s *Server) command(c *fiber.Ctx) error {
	if !isJSON(string(c.Request().Header.ContentType())) {
		return problem(c, CodeUnsupportedMedia, "Content-Type must be application/json")
	}
	cmd, err := shop.DecodeCommand(c.Body())
	if err != nil {
		return err
	}
	actor := whoOf(c).actor
	key := c.Get(headerIdempotency)
	if key == "" {
		return s.do(c, actor, cmd)
	}
	if !validKey(key) {
		return problem(c, CodeInvalid, "Idempotency-Key must be 1 to 100 printable ASCII characters",
			shop.FieldError{Field: headerIdempotency, Message: "1 to 100 printable ASCII characters"})
	}
	// Keys are per user (or token, or device): one's key never answers another.
	key = actor.UserID + "\x00" + actor.DeviceID + "\x00" + key
	digest := requestDigest(c.Method(), c.Path(), c.Body())
	body, first, err := s.replays.begin(c.UserContext(), key, digest, time.Now())
	if errors.Is(err, errKeyReused) {
		return problem(c, CodeKeyReused, "this Idempotency-Key was sent with another request; make a new key for a new request",
			shop.FieldError{Field: headerIdempotency, Message: "used for another request"})
	}
	if err != nil {
		return err
	}
	if !first {
		c.Set(headerIdempotency+"-Replayed", "true")
		c.Type("json")
		return c.Send(body)
	}
	err = s.do(c, actor, cmd)
	s.replays.finish(key, err == nil, append([]byte(nil), c.Response().Body()...))
	return err
}

// do carries a command out and answers with its event and, for a job,
// the job's status after it.
func (s *Server) do(c *fiber.Ctx, actor shop.Actor, cmd shop.Command) error {
	var before *shop.User
	put, isPutUser := cmd.(*shop.PutUser)
	if isPutUser {
		before = s.eng.State().Users[put.User.ID]
	}
	// A car can come back for the same fault after its job has left the
	// live state: the job it comes back from is read from the data file.
	if rc, ok := cmd.(*shop.ReopenComeback); ok {
		rc.Delivered = s.job(rc.JobID)
	}
	ev, err := s.eng.Do(c.UserContext(), actor, cmd)
	if err != nil {
		return err
	}
	if isPutUser {
		if err := s.userChanged(before, ev.Subject); err != nil {
			return err
		}
	}
	out := fiber.Map{"event": ev}
	if ev.JobID != "" {
		st := s.eng.State()
		if j := st.Jobs[ev.JobID]; j != nil {
			out["job"] = st.JobStatus(j, s.eng.Now()).ForReader(actor)
		}
	}
	return c.JSON(out)
}

func (s *Server) workshop(c *fiber.Ctx) error {
	return c.JSON(s.eng.State().Workshop(s.eng.Now()).ForReader(whoOf(c).actor))
}

// listJobs returns the live jobs with their board details; ?stage= filters.
func (s *Server) listJobs(c *fiber.Ctx) error {
	st := s.eng.State()
	now := s.eng.Now()
	stage := shop.Stage(c.Query("stage"))
	if stage != "" && !stage.Valid() {
		return problem(c, CodeInvalid, "unknown stage", shop.FieldError{Field: "stage", Message: "not a stage"})
	}
	reader := whoOf(c).actor
	out := []shop.JobStatus{}
	for _, j := range st.OpenJobs() {
		if stage == "" || j.Stage == stage {
			out = append(out, st.JobStatus(j, now).ForReader(reader))
		}
	}
	return c.JSON(out)
}

type jobDetail struct {
	shop.JobStatus
	Parts    []*shop.PartsRequest `json:"parts_requests"`
	Findings []*shop.Finding      `json:"findings"`
	Moves    []shop.Stage         `json:"moves"`
	// May is what the caller may give to the job as a whole now
	// (shop.State.MayOnJob), for the page's buttons.
	May []string `json:"may"`
	// Phone is the customer's, for the advisor who calls about the job.
	Phone string `json:"phone"`
	// Settlement is the job's bill as it stands: lines with their payers,
	// each payer's total, the discounts, what the customer pays.
	Settlement shop.Settlement `json:"settlement"`
	// ToDraw is what the job still has to draw from the parts counter;
	// BilledParts what it bills: issued less returned.
	ToDraw      []shop.DrawLine `json:"to_draw"`
	BilledParts []shop.PartLine `json:"billed_parts"`
	// TeamCheck is the team leader's latest check with their notes for the
	// advisor, and the work recommended on the job for later visits.
	TeamCheck shop.TeamCheck `json:"team_check"`
	// Rework says why the job is worked again: the check it failed and
	// why, or the job the car came back from; absent the first time.
	Rework *shop.Rework `json:"rework,omitempty"`
}

func (s *Server) getJob(c *fiber.Ctx) error {
	st := s.eng.State()
	id := c.Params("id")
	j := st.Jobs[id]
	if j == nil && s.history != nil {
		old, err := s.history.Job(id)
		if err != nil {
			return err
		}
		j = old
	}
	if j == nil {
		return problem(c, CodeNotFound, "job "+id+" does not exist")
	}
	return c.JSON(s.detail(st, j, whoOf(c).actor))
}

// detail is a job with its parts requests, findings and allowed moves.
func (s *Server) detail(st *shop.State, j *shop.Job, caller shop.Actor) jobDetail {
	d := jobDetail{JobStatus: st.JobStatus(j, s.eng.Now()).ForReader(caller), Parts: st.JobParts(j.ID), Findings: st.JobFindings(j.ID), Moves: shop.MovesFrom(j.Stage),
		May: st.MayOnJob(caller, j), Settlement: j.Settlement(), ToDraw: st.ToDraw(j), BilledParts: j.BilledParts(),
		TeamCheck: st.TeamCheckOf(j), Rework: j.Rework()}
	if shop.MaySeeContact(caller) {
		d.Phone = phoneOf(st, j)
	}
	return d
}

func (s *Server) jobHistory(c *fiber.Ctx) error {
	id := c.Params("id")
	first, err := s.history.JobHistoryPage(id, 0, eventPage)
	if err != nil {
		return err
	}
	if len(first) == 0 {
		return problem(c, CodeNotFound, "job "+id+" has no history")
	}
	c.Type("json")
	streamEvents(c, s.log, first, func(after uint64) ([]shop.Event, error) {
		return s.history.JobHistoryPage(id, after, eventPage)
	}, nil)
	return nil
}

// getSettings answers the shop's settings; the printers' credentials
// only to a manager.
func (s *Server) getSettings(c *fiber.Ctx) error {
	set := s.eng.State().Settings
	if !whoOf(c).user.Has(shop.RoleManager) {
		set = set.ForStaff()
	}
	return c.JSON(set)
}

// listOf serves a list read from the live state.
func (s *Server) listOf(read func(*shop.State) any) fiber.Handler {
	return func(c *fiber.Ctx) error {
		return c.JSON(read(s.eng.State()))
	}
}

// sortedValues returns a map's values ordered by key, short keys first so
// bay-2 precedes bay-10.
func sortedValues[T any](m map[string]*T) []*T {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(a, b int) bool {
		if len(keys[a]) != len(keys[b]) {
			return len(keys[a]) < len(keys[b])
		}
		return keys[a] < keys[b]
	})
	out := make([]*T, len(keys))
	for i, k := range keys {
		out[i] = m[k]
	}
	return out
}

// listCustomers finds customers by ?q= (name or phone, partial). A reader
// who may not see contact data gets them without it, and cannot find them
// by it either: a search would tell them what it hides.
func (s *Server) listCustomers(c *fiber.Ctx) error {
	q := strings.TrimSpace(c.Query("q"))
	reader := whoOf(c).actor
	if q != "" && !shop.MaySeeContact(reader) {
		return c.JSON([]*shop.Customer{})
	}
	out := []*shop.Customer{}
	for _, cu := range sortedValues(s.eng.State().Customers) {
		if q == "" || strings.Contains(cu.Name, q) || strings.Contains(cu.Phone, q) {
			out = append(out, cu.ForReader(reader))
			if len(out) == 200 {
				break
			}
		}
	}
	return c.JSON(out)
}

// listVehicles finds vehicles by ?plate= (any separators) or ?customer_id=.
func (s *Server) listVehicles(c *fiber.Ctx) error {
	plate := shop.PlateKey(c.Query("plate"))
	customer := c.Query("customer_id")
	out := []*shop.Vehicle{}
	for _, v := range sortedValues(s.eng.State().Vehicles) {
		if (plate == "" || strings.Contains(shop.PlateKey(v.Plate), plate)) && (customer == "" || v.CustomerID == customer) {
			out = append(out, v)
			if len(out) == 200 {
				break
			}
		}
	}
	return c.JSON(out)
}

func (s *Server) listAppointments(c *fiber.Ctx) error {
	out := sortedValues(s.eng.State().Appointments)
	sort.SliceStable(out, func(a, b int) bool { return out[a].At.Before(out[b].At) })
	return c.JSON(out)
}
