package web

import (
	"bayboard/internal/shop"

	"github.com/gofiber/fiber/v2"
)

// routes lists every route of the server in one place. docs/API.md
// documents each /api/v1 route; a test keeps the two in step.
func (s *Server) routes(extra []func(*fiber.App, *Server)) {
	app := s.app
	app.Use(func(c *fiber.Ctx) error { c.Locals("server", s); return c.Next() })
	app.Use(s.logRequests)
	app.Get("/healthz", s.healthz)
	app.Get("/metrics", s.serveMetrics)

	app.Use(s.identify)
	api := app.Group("/api/v1")
	api.Post("/session", s.signIn)
	api.Delete("/session", s.signOut)
	api.Post("/devices/pair", s.pairStart)
	api.Get("/devices/pair/:id", s.pairPoll)

	staff := api.Group("", s.requireUser)
	staff.Get("/me", s.me)
	staff.Post("/me/password", s.changePassword)
	staff.Post("/commands", s.command)
	staff.Get("/workshop", s.workshop)
	staff.Get("/jobs", s.listJobs)
	staff.Get("/jobs/:id", s.getJob)
	staff.Get("/jobs/:id/history", s.jobHistory)
	staff.Get("/settings", s.getSettings)
	staff.Get("/bays", listOf(func(st *shop.State) any { return sortedValues(st.Bays) }))
	staff.Get("/teams", listOf(func(st *shop.State) any { return sortedValues(st.Teams) }))
	staff.Get("/technicians", listOf(func(st *shop.State) any { return sortedValues(st.Technicians) }))
	staff.Get("/customers", s.listCustomers)
	staff.Get("/vehicles", s.listVehicles)
	staff.Get("/appointments", s.listAppointments)
	staff.Get("/parts-requests", listOf(func(st *shop.State) any { return sortedValues(st.PartsRequests) }))
	staff.Get("/findings", listOf(func(st *shop.State) any { return sortedValues(st.Findings) }))

	manager := staff.Group("", requireRole(shop.RoleManager))
	manager.Get("/users", s.listUsers)
	manager.Post("/users", s.putUser)
	manager.Post("/tokens", s.createToken)
	manager.Get("/devices", s.listDevices)
	manager.Post("/devices/approve", s.approveDevice)
	manager.Delete("/devices/:id", s.revokeDevice)
	manager.Get("/backup", s.downloadBackup)

	for _, add := range extra {
		add(app, s)
	}
	app.Use(func(c *fiber.Ctx) error { return problem(c, "route_not_found", c.Method()+" "+c.Path()) })
}

// Routes lists the registered routes as "METHOD /path", for the docs test.
func (s *Server) Routes() []string {
	var out []string
	seen := map[string]bool{}
	for _, r := range s.app.GetRoutes(true) {
		if r.Method == fiber.MethodHead || r.Path == "/" {
			continue
		}
		k := r.Method + " " + r.Path
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}
