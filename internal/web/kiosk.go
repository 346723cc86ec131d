package web

import (
	"time"

	"bayboard/internal/shop"
	"bayboard/kiosk"

	"github.com/gofiber/fiber/v2"
)

// kioskJobRef is a job with the path of its kiosk page, so that a
// technician can tap it instead of scanning its code. The path is
// relative: the kiosk may reach the server by another address than the
// shop's base URL printed on the codes.
type kioskJobRef struct {
	shop.JobStatus
	Path string `json:"path"`
}

func (s *Server) jobPath(id string) string { return kiosk.URLs{Tokens: s.tokens}.Job(id) }

// kioskBay answers a scanned bay code: the bay, the job on it, and the
// signed-in technician's own queue.
func (s *Server) kioskBay(c *fiber.Ctx) error {
	id, _, err := s.tokens.Verify(kiosk.PurposeBay, c.Params("token"), s.eng.Now())
	if err != nil {
		return problem(c, CodeBadLink, "this bay code is not valid here; "+err.Error())
	}
	st := s.eng.State()
	bay := st.Bays[id]
	if bay == nil {
		return problem(c, CodeBadLink, "this bay no longer exists")
	}
	now := s.eng.Now()
	reader := whoOf(c).actor
	out := fiber.Map{"bay": bay}
	mine := []kioskJobRef{}
	var tech *shop.Technician
	if u, _, _ := Who(c); u != nil {
		tech = st.TechnicianOfUser(u.ID)
	}
	for _, j := range st.OpenJobs() {
		if j.BayID == id && shop.OnBay(j.Stage) {
			out["job"] = st.JobStatus(j, now).ForReader(reader)
			out["job_url"] = s.urls(c).Job(j.ID)
			out["job_path"] = s.jobPath(j.ID)
		}
		if tech != nil && (contains(j.TechIDs, tech.ID)) && j.Stage != shop.StageQualityCheck && j.Stage != shop.StageWashing && j.Stage != shop.StageReady {
			mine = append(mine, kioskJobRef{JobStatus: st.JobStatus(j, now).ForReader(reader), Path: s.jobPath(j.ID)})
		}
	}
	if tech != nil {
		out["technician"] = tech
		out["queue"] = mine
	}
	s.kioskQueues(out, st, bay, whoOf(c).user, reader, now)
	return c.JSON(out)
}

// kioskJobView is a job as its kiosk page shows it to the signed-in
// person: the job, and the actions they may take on it now.
type kioskJobView struct {
	jobDetail
	Actions      []kiosk.Action `json:"actions"`
	TechnicianID string         `json:"technician_id,omitempty"`
	ClockedOn    bool           `json:"clocked_on"`
	// Elsewhere is the job the technician is clocked on now, which
	// clocking on this one ends.
	Elsewhere string `json:"clocked_on_elsewhere,omitempty"`
	// Checks are the quality checks since the job last went to quality
	// check, with who made them, for the next inspector.
	Checks []kioskCheck `json:"checks"`
	// MayRecommend says whether the person may note work for the car's
	// next visit on this job (record_recommendation), as State.May answers.
	MayRecommend bool `json:"may_recommend"`
	// DrawLines are the parts the job draws, each with what is drawn and
	// what is left (shop.State.DrawLines): what the technician fetches.
	DrawLines []shop.DrawLine `json:"draw_lines"`
	// ReworkBy names who failed the check that sent the job back.
	ReworkBy string `json:"rework_by,omitempty"`
	// CoverSet is the shop's protective covers (three or five pieces):
	// the self-check names them as reception and the job card do.
	CoverSet shop.CoverSet `json:"cover_set"`
}

type kioskCheck struct {
	shop.QCResult
	ByName string `json:"by_name"`
}

// checksOf names who made each of a job's current quality checks: the
// self-check is a technician's, the others a user's.
func checksOf(st *shop.State, j *shop.Job) []kioskCheck {
	out := []kioskCheck{}
	for _, r := range j.CurrentQC() {
		out = append(out, kioskCheck{QCResult: r, ByName: checkerName(st, r)})
	}
	return out
}

// checkerName is who made a quality check: the self-check is a
// technician's, the others a user's.
func checkerName(st *shop.State, r shop.QCResult) string {
	if t := st.Technicians[r.By]; t != nil && r.Step == shop.QCSelf {
		return t.Name
	} else if u := st.Users[r.By]; u != nil {
		return u.Name
	}
	return r.By
}

// kioskJob answers a scanned job code for signed-in staff: the job, its
// parts and findings, the moves it allows and the actions the caller may
// take.
func (s *Server) kioskJob(c *fiber.Ctx) error {
	id, _, err := s.tokens.Verify(kiosk.PurposeJob, c.Params("token"), s.eng.Now())
	if err != nil {
		return problem(c, CodeBadLink, "this job code is not valid here; "+err.Error())
	}
	st := s.eng.State()
	j := s.job(id)
	if j == nil {
		return problem(c, CodeNotFound, "job "+id+" does not exist")
	}
	u := whoOf(c).user
	actor := whoOf(c).actor
	v := kioskJobView{jobDetail: s.detail(st, j, actor), Actions: kiosk.Actions(st, u, j), Checks: checksOf(st, j),
		MayRecommend: st.May(actor, &shop.RecordRecommendation{VehicleID: j.VehicleID, JobID: j.ID}) == nil,
		DrawLines:    st.DrawLines(j), CoverSet: st.Settings.Covers()}
	if v.DrawLines == nil {
		v.DrawLines = []shop.DrawLine{}
	}
	if r := v.Rework; r != nil && r.Failed != nil {
		v.ReworkBy = checkerName(st, *r.Failed)
	}
	if t := st.TechnicianOfUser(u.ID); t != nil {
		v.TechnicianID = t.ID
		v.ClockedOn = j.ClockedOn(t.ID)
		v.Elsewhere = st.ClockedOnElsewhere(t.ID, j.ID)
	}
	return c.JSON(v)
}

// counterRow is an open parts request as the parts counter sees it.
type counterRow struct {
	Request     *shop.PartsRequest `json:"request"`
	Plate       string             `json:"plate"`
	Bay         string             `json:"bay"`
	JobStage    shop.Stage         `json:"job_stage"`
	RequestedBy string             `json:"requested_by_name"`
	// Waiting is how long the request has been open, in whole minutes
	// of the shop's clock.
	Waiting int `json:"waiting_minutes"`
}

// partsCounter lists the open parts requests, oldest first: what the
// parts clerk has to pick, issue or order.
func (s *Server) partsCounter(c *fiber.Ctx) error {
	now := s.eng.Now()
	counter := s.eng.State().PartsCounter(now)
	out := make([]counterRow, 0, len(counter.Rows))
	for _, r := range counter.Rows {
		out = append(out, counterRow{Request: r.Request, Plate: r.Plate, Bay: r.Bay, JobStage: r.JobStage, RequestedBy: r.RequestedBy,
			Waiting: int(now.Sub(r.Request.RequestedAt) / time.Minute)})
	}
	return c.JSON(out)
}

// pickList is the counter's pick list: each job from dispatch to its
// quality check with what it draws, has drawn and has left, the parts it
// holds (to take returns), the cancelled jobs still holding parts, and
// the next day's bookings whose parts are prepared today.
func (s *Server) pickList(c *fiber.Ctx) error {
	return c.JSON(s.eng.State().PickList(s.eng.Now()))
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
