package web

import (
	"bayboard/internal/shop"

	"github.com/gofiber/fiber/v2"
)

// vehicleHistory answers a car's history: its past visits, read from the
// data file (a job closed more than a week ago is no longer live), its
// open recommendations and its next service. It names no customer, so
// the floor reads it as the desk does.
func (s *Server) vehicleHistory(c *fiber.Ctx) error {
	st := s.eng.State()
	id := c.Params("id")
	if st.Vehicles[id] == nil {
		return problem(c, CodeNotFound, "vehicle "+id+" does not exist")
	}
	jobs, err := s.history.VehicleJobs(id)
	if err != nil {
		return err
	}
	h, err := st.VehicleHistoryOf(id, jobs)
	if err != nil {
		return err
	}
	return c.JSON(h)
}

// serviceReminder is a reminder call as the follow-up desk gets it: the
// customer's name and phone for a reader who may see them.
type serviceReminder struct {
	shop.ServiceReminder
	Customer string `json:"customer"`
	Phone    string `json:"phone"`
}

// serviceReminders lists the cars whose next service falls due soon and
// whose customer has not been called about it.
func (s *Server) serviceReminders(c *fiber.Ctx) error {
	st := s.eng.State()
	reader := whoOf(c).actor
	due := st.ServiceRemindersDue(s.eng.Now())
	out := make([]serviceReminder, len(due))
	for i, r := range due {
		out[i] = serviceReminder{ServiceReminder: r}
		if cu := st.Customers[r.Vehicle.CustomerID].ForReader(reader); cu != nil {
			out[i].Customer, out[i].Phone = cu.Name, cu.Phone
		}
	}
	return c.JSON(out)
}
