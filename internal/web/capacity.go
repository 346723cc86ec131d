package web

import (
	"strconv"
	"time"

	"bayboard/internal/shop"

	"github.com/gofiber/fiber/v2"
)

// The day's capacity and the duty roster, as the booking page and the
// roster page read them. The arithmetic is the domain's (shop/capacity.go,
// shop/roster.go); these only read the query.

// dayOf reads ?date= (a shop-local date) or, absent, today.
func (s *Server) dayOf(c *fiber.Ctx, st *shop.State) (time.Time, error) {
	q := c.Query("date")
	if q == "" {
		return s.eng.Now().In(st.Loc), nil
	}
	day, err := time.ParseInLocation(time.DateOnly, q, st.Loc)
	if err != nil {
		return time.Time{}, problem(c, CodeInvalid, "date must be a date such as 2027-02-06",
			shop.FieldError{Field: "date", Message: "must be a date such as 2027-02-06"})
	}
	return day, nil
}

// capacityAnswer is a day's capacity and, when the query names a
// booking (at, hours), whether it fits.
type capacityAnswer struct {
	shop.Capacity
	Fit *shop.Fit `json:"fit,omitempty"`
}

// capacity serves GET /api/v1/capacity?date=&at=&hours=: the day's
// labour hours, per booking slot, and whether a booking at `at` needing
// `hours` fits.
func (s *Server) capacity(c *fiber.Ctx) error {
	st := s.eng.State()
	day, err := s.dayOf(c, st)
	if err != nil {
		return err
	}
	out := capacityAnswer{Capacity: st.Capacity(day, s.eng.Now())}
	if q := c.Query("at"); q != "" {
		at, err := time.Parse(time.RFC3339, q)
		if err != nil {
			return problem(c, CodeInvalid, "at must be a time such as 2026-11-23T14:30:00+08:00",
				shop.FieldError{Field: "at", Message: "must be a time such as 2026-11-23T14:30:00+08:00"})
		}
		hours := 0.0
		if h := c.Query("hours"); h != "" {
			hours, err = strconv.ParseFloat(h, 64)
			if err != nil || hours < 0 || hours > shop.MaxBookingHours {
				return problem(c, CodeInvalid, "hours must be a number from 0 to 200", shop.FieldError{Field: "hours", Message: "0 to 200"})
			}
		}
		if at.In(st.Loc).Format(time.DateOnly) != out.Date {
			out.Capacity = st.Capacity(at, s.eng.Now())
		}
		fit := out.Capacity.Fit(at, hours)
		out.Fit = &fit
	}
	return c.JSON(out)
}

// roster serves GET /api/v1/roster?date=: every active technician's duty
// on the day, recorded or the default.
func (s *Server) roster(c *fiber.Ctx) error {
	st := s.eng.State()
	day, err := s.dayOf(c, st)
	if err != nil {
		return err
	}
	return c.JSON(st.DutyRoster(day))
}
