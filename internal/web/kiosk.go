package web

import (
	"bayboard/internal/shop"
	"bayboard/kiosk"

	"github.com/gofiber/fiber/v2"
)

// kioskBay answers a scanned bay code: the bay, the job on it, and the
// signed-in technician's own queue.
func (s *Server) kioskBay(c *fiber.Ctx) error {
	id, _, err := s.tokens.Verify(kiosk.PurposeBay, c.Params("token"), s.eng.Now())
	if err != nil {
		return problem(c, "bad_link", "this bay code is not valid here; "+err.Error())
	}
	st := s.eng.State()
	bay := st.Bays[id]
	if bay == nil {
		return problem(c, "bad_link", "this bay no longer exists")
	}
	now := s.eng.Now()
	out := fiber.Map{"bay": bay}
	mine := []shop.JobStatus{}
	var tech *shop.Technician
	if u, _, _ := Who(c); u != nil {
		tech = st.TechnicianOfUser(u.ID)
	}
	for _, j := range st.OpenJobs() {
		if j.BayID == id && shop.OnBay(j.Stage) {
			out["job"] = st.JobStatus(j, now)
			out["job_url"] = s.urls().Job(j.ID)
		}
		if tech != nil && (contains(j.TechIDs, tech.ID)) && j.Stage != shop.StageQualityCheck && j.Stage != shop.StageWashing && j.Stage != shop.StageReady {
			mine = append(mine, st.JobStatus(j, now))
		}
	}
	if tech != nil {
		out["technician"] = tech
		out["queue"] = mine
	}
	return c.JSON(out)
}

// kioskJob answers a scanned job code for signed-in staff: the job, its
// parts and findings, and the moves it allows.
func (s *Server) kioskJob(c *fiber.Ctx) error {
	id, _, err := s.tokens.Verify(kiosk.PurposeJob, c.Params("token"), s.eng.Now())
	if err != nil {
		return problem(c, "bad_link", "this job code is not valid here; "+err.Error())
	}
	st := s.eng.State()
	j := s.job(id)
	if j == nil {
		return problem(c, shop.CodeNotFound, "job "+id+" does not exist")
	}
	return c.JSON(s.detail(st, j))
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
