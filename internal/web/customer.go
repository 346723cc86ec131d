package web

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"

	"bayboard/internal/shop"
	"bayboard/kiosk"

	"github.com/gofiber/fiber/v2"
)

// job finds a job live or, when closed long ago, on disk.
func (s *Server) job(id string) *shop.Job {
	if j := s.eng.State().Jobs[id]; j != nil {
		return j
	}
	if s.history != nil {
		if j, err := s.history.Job(id); err == nil {
			return j
		}
	}
	return nil
}

// customerLink checks the token of a customer's page; every failure is the
// same 403 with a message the customer can act on, never another job.
func (s *Server) customerLink(c *fiber.Ctx) (*shop.Job, error) {
	if s.tokens == nil {
		return nil, problem(c, CodeBadLink, "customer links are not set up")
	}
	j, err := kiosk.CustomerJob(s.tokens, s.eng.State().Settings, c.Params("token"), s.eng.Now(), s.job)
	switch {
	case err == nil:
		return j, nil
	case errors.Is(err, kiosk.ErrExpired), errors.Is(err, kiosk.ErrRevoked):
		return nil, problem(c, CodeBadLink, err.Error()+"; ask your service advisor for a new one")
	default:
		return nil, problem(c, CodeBadLink, "this link is not valid here; scan the code on your copy again")
	}
}

func (s *Server) customerJob(c *fiber.Ctx) error {
	j, err := s.customerLink(c)
	if j == nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(kiosk.ViewForCustomer(s.eng.State(), j, s.eng.Now()))
}

// customerDecides records the customer's approval or refusal of extra work,
// with the time and the device it came from, as their authorisation.
func (s *Server) customerDecides(c *fiber.Ctx) error {
	j, err := s.customerLink(c)
	if j == nil {
		return err
	}
	var req struct {
		Approve *bool `json:"approve"`
	}
	if err := decodeBody(c, &req); err != nil {
		return err
	}
	if req.Approve == nil {
		return problem(c, CodeInvalid, "say yes or no", shop.FieldError{Field: "approve", Message: "is required"})
	}
	sum := sha256.Sum256([]byte(c.IP() + "\x00" + c.Get(fiber.HeaderUserAgent)))
	actor := shop.Actor{Customer: true, CustomerJob: j.ID, DeviceID: "customer:" + hex.EncodeToString(sum[:6])}
	if _, err := s.eng.Do(c.UserContext(), actor, &shop.DecideFinding{FindingID: c.Params("id"), Approve: *req.Approve, Via: "customer_page"}); err != nil {
		return err
	}
	return c.JSON(kiosk.ViewForCustomer(s.eng.State(), s.job(j.ID), s.eng.Now()))
}

// customerAnswers records the customer's answer to the follow-up survey,
// given through their link: for its own job only, once.
func (s *Server) customerAnswers(c *fiber.Ctx) error {
	j, err := s.customerLink(c)
	if j == nil {
		return err
	}
	var cmd shop.AnswerSurvey
	if err := decodeBody(c, &cmd); err != nil {
		return err
	}
	if cmd.JobID != "" && cmd.JobID != j.ID {
		return problem(c, CodeBadLink, "this link answers for its own car only", shop.FieldError{Field: "job_id", Message: "is not this link's job"})
	}
	if s.eng.State().Jobs[j.ID] == nil {
		// A job no longer live: its survey closed with it (shop.SurveyCloses).
		return problem(c, CodeConflict, "the survey has closed; thank you")
	}
	cmd.Type, cmd.JobID = "answer_survey", j.ID
	sum := sha256.Sum256([]byte(c.IP() + "\x00" + c.Get(fiber.HeaderUserAgent)))
	actor := shop.Actor{Customer: true, CustomerJob: j.ID, DeviceID: "customer:" + hex.EncodeToString(sum[:6])}
	if _, err := s.eng.Do(c.UserContext(), actor, &cmd); err != nil {
		return err
	}
	return c.JSON(kiosk.ViewForCustomer(s.eng.State(), s.job(j.ID), s.eng.Now()))
}
