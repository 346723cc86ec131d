package web

import (
	"github.com/gofiber/fiber/v2"

	"bayboard/internal/shop"
)

// notices lists the caller's notices not yet acknowledged, the newest
// first (GET /api/v1/notices): the desk's list and its count.
// acknowledge_notice takes one off the caller's list.
func (s *Server) notices(c *fiber.Ctx) error {
	_, actor, _ := Who(c)
	list := s.eng.State().NoticesFor(actor, s.eng.Now())
	return c.JSON(struct {
		Count   int           `json:"count"`
		Notices []shop.Notice `json:"notices"`
	}{len(list), list})
}
