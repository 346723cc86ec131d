package web

import (
	"sort"
	"strings"
	"time"

	"bayboard/internal/shop"

	"github.com/gofiber/fiber/v2"
)

// The advisor desk's reads: the joins a desk page would otherwise make
// from several lists (an appointment with its customer, vehicle and
// advisor; a plate or phone with its customer, vehicle, open job and
// booking). They carry the customer's phone, which the desk calls; they
// are staff reads like the lists they join.

// staffMember is a colleague as the desk names them: no login, no secrets.
type staffMember struct {
	ID    string      `json:"id"`
	Name  string      `json:"name"`
	Roles []shop.Role `json:"roles"`
}

// listStaff serves GET /api/v1/staff: the active users by name and roles,
// for choosing an advisor and naming who did what in a job's history.
func (s *Server) listStaff(c *fiber.Ctx) error {
	out := []staffMember{}
	for _, u := range sortedValues(s.eng.State().Users) {
		if u.Active {
			out = append(out, staffMember{ID: u.ID, Name: u.Name, Roles: u.Roles})
		}
	}
	return c.JSON(out)
}

// deskAppointment is an appointment with the names the desk shows.
type deskAppointment struct {
	*shop.Appointment
	Day      string `json:"day"` // shop-local date, 2026-11-23
	Plate    string `json:"plate"`
	Model    string `json:"model"`
	Customer string `json:"customer"`
	Phone    string `json:"phone"`
	Key      bool   `json:"key_customer"`
	Advisor  string `json:"advisor"`
}

func appointmentOf(st *shop.State, a *shop.Appointment, reader shop.Actor) deskAppointment {
	d := deskAppointment{Appointment: a, Day: a.At.In(st.Loc).Format(time.DateOnly)}
	if v := st.Vehicles[a.VehicleID]; v != nil {
		d.Plate, d.Model = v.Plate, v.Model
	}
	if cu := st.Customers[a.CustomerID].ForReader(reader); cu != nil {
		d.Customer, d.Phone, d.Key = cu.Name, cu.Phone, cu.Key
	}
	if u := st.Users[a.AdvisorID]; u != nil {
		d.Advisor = u.Name
	}
	return d
}

// deskAppointments serves GET /api/v1/desk/appointments: today's and
// tomorrow's appointments in the shop's time zone, by time, with the
// customer, vehicle and advisor named, and the two dates.
func (s *Server) deskAppointments(c *fiber.Ctx) error {
	st := s.eng.State()
	now := s.eng.Now().In(st.Loc)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, st.Loc)
	tomorrow, end := today.AddDate(0, 0, 1), today.AddDate(0, 0, 2)
	out := []deskAppointment{}
	for _, a := range st.Appointments {
		if !a.At.Before(today) && a.At.Before(end) {
			out = append(out, appointmentOf(st, a, whoOf(c).actor))
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].At.Equal(out[j].At) {
			return out[i].At.Before(out[j].At)
		}
		return out[i].ID < out[j].ID
	})
	return c.JSON(fiber.Map{"today": today.Format(time.DateOnly), "tomorrow": tomorrow.Format(time.DateOnly), "appointments": out})
}

// lookupHit is a vehicle found at the desk, with its owner, the job open
// on it and its next booked appointment.
type lookupHit struct {
	Vehicle     *shop.Vehicle    `json:"vehicle"`
	Customer    *shop.Customer   `json:"customer"`
	OpenJob     string           `json:"open_job,omitempty"`
	Appointment *deskAppointment `json:"appointment,omitempty"`
}

// MaxLookupHits bounds one desk search: more than a screenful means the
// advisor should type more.
const MaxLookupHits = 20

// deskLookup serves GET /api/v1/desk/lookup?q=: vehicles whose plate
// contains q (separators ignored), and the vehicles of customers whose
// name or phone contains it. A customer with no vehicle yet is listed
// with a null vehicle.
func (s *Server) deskLookup(c *fiber.Ctx) error {
	q := strings.TrimSpace(c.Query("q"))
	if q == "" {
		return problem(c, CodeInvalid, "say what to look for", shop.FieldError{Field: "q", Message: "is required"})
	}
	st := s.eng.State()
	reader := whoOf(c).actor
	openJob := map[string]string{}
	for _, j := range st.Jobs {
		if j.Stage.Open() {
			openJob[j.VehicleID] = j.ID
		}
	}
	booked := map[string]*shop.Appointment{}
	for _, a := range st.Appointments {
		if a.Status == shop.ApptBooked && (booked[a.VehicleID] == nil || a.At.Before(booked[a.VehicleID].At)) {
			booked[a.VehicleID] = a
		}
	}
	out := []lookupHit{}
	seen := map[string]bool{}
	hit := func(v *shop.Vehicle, cu *shop.Customer) {
		if len(out) >= MaxLookupHits {
			return
		}
		h := lookupHit{Vehicle: v, Customer: cu.ForReader(reader)}
		if v != nil {
			if seen[v.ID] {
				return
			}
			seen[v.ID] = true
			h.OpenJob = openJob[v.ID]
			if a := booked[v.ID]; a != nil {
				d := appointmentOf(st, a, reader)
				h.Appointment = &d
			}
		}
		out = append(out, h)
	}
	plate := shop.PlateKey(q)
	for _, v := range sortedValues(st.Vehicles) {
		if plate != "" && strings.Contains(shop.PlateKey(v.Plate), plate) {
			hit(v, st.Customers[v.CustomerID])
		}
	}
	for _, cu := range sortedValues(st.Customers) {
		// By name or phone only for a reader who may see them: the hit
		// would say what the redaction hides.
		if !shop.MaySeeContact(reader) || !strings.Contains(cu.Name, q) && !strings.Contains(cu.Phone, q) {
			continue
		}
		found := false
		for _, v := range sortedValues(st.Vehicles) {
			if v.CustomerID == cu.ID {
				found = true
				hit(v, cu)
			}
		}
		if !found {
			hit(nil, cu)
		}
	}
	return c.JSON(out)
}

// withPhone is a job as the desk lists it, with the customer's phone to
// call.
type withPhone struct {
	shop.JobStatus
	Phone string `json:"phone"`
}

func phoneOf(st *shop.State, j *shop.Job) string {
	if cu := st.Customers[j.CustomerID]; cu != nil {
		return cu.Phone
	}
	return ""
}
