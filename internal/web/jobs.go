package web

import (
	"sort"
	"strings"
	"time"

	"bayboard/internal/shop"

	"github.com/gofiber/fiber/v2"
)

// decodeBody reads a JSON body strictly: the one decoder of the API.
func decodeBody(c *fiber.Ctx, v any) error {
	if ct := string(c.Request().Header.ContentType()); !strings.HasPrefix(ct, fiber.MIMEApplicationJSON) {
		return problem(c, CodeUnsupportedMedia, "Content-Type must be application/json")
	}
	return shop.DecodeStrict(c.Body(), v)
}

// command applies one command: POST /api/v1/commands with the command's
// JSON. It answers once the change is on disk.
func (s *Server) command(c *fiber.Ctx) error {
	if ct := string(c.Request().Header.ContentType()); !strings.HasPrefix(ct, fiber.MIMEApplicationJSON) {
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
	body, first, err := s.replays.begin(c.UserContext(), key, time.Now())
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
			out["job"] = st.JobStatus(j, s.eng.Now())
		}
	}
	return c.JSON(out)
}

func (s *Server) workshop(c *fiber.Ctx) error {
	return c.JSON(s.eng.State().Workshop(s.eng.Now()))
}

// listJobs returns the live jobs with their board details; ?stage= filters.
func (s *Server) listJobs(c *fiber.Ctx) error {
	st := s.eng.State()
	now := s.eng.Now()
	stage := shop.Stage(c.Query("stage"))
	if stage != "" && !stage.Valid() {
		return problem(c, CodeInvalid, "unknown stage", shop.FieldError{Field: "stage", Message: "not a stage"})
	}
	out := []shop.JobStatus{}
	for _, j := range st.OpenJobs() {
		if stage == "" || j.Stage == stage {
			out = append(out, st.JobStatus(j, now))
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
	return jobDetail{JobStatus: st.JobStatus(j, s.eng.Now()), Parts: st.JobParts(j.ID), Findings: st.JobFindings(j.ID), Moves: shop.MovesFrom(j.Stage),
		May: st.MayOnJob(caller, j.ID), Phone: phoneOf(st, j)}
}

func (s *Server) jobHistory(c *fiber.Ctx) error {
	evs, err := s.history.JobHistory(c.Params("id"))
	if err != nil {
		return err
	}
	if len(evs) == 0 {
		return problem(c, CodeNotFound, "job "+c.Params("id")+" has no history")
	}
	return c.JSON(evs)
}

func (s *Server) getSettings(c *fiber.Ctx) error { return c.JSON(s.eng.State().Settings) }

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

// listCustomers finds customers by ?q= (name or phone, partial).
func (s *Server) listCustomers(c *fiber.Ctx) error {
	q := strings.TrimSpace(c.Query("q"))
	out := []*shop.Customer{}
	for _, cu := range sortedValues(s.eng.State().Customers) {
		if q == "" || strings.Contains(cu.Name, q) || strings.Contains(cu.Phone, q) {
			out = append(out, cu)
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
