package web

import (
	"bayboard/internal/shop"
	"bayboard/kiosk"

	"github.com/gofiber/fiber/v2"
)

// routes lists every route of the server in one place: the API, the
// boards and their feeds, the staff's pages, the kiosk and customer pages
// and the assets. docs/API.md documents each /api/v1 route and the boards;
// a test keeps the two in step.
func (s *Server) routes() {
	app := s.app
	app.Use(s.securityHeaders)
	app.Use(s.logRequests)
	app.Get("/healthz", s.healthz)
	app.Get("/metrics", s.serveMetrics)

	app.Use(s.identify)

	// The screens (websocket.go): a board's page, its live feed, and the
	// embedded pages, scripts, styles and catalogs every page loads.
	b := s.boards
	app.Get("/assets/*", b.asset)
	app.Get("/board", b.index)
	app.Get("/board/:view", b.page)
	app.Get("/ws/board/:view", b.upgrade, b.feedHandler())

	// The staff's pages (desk.go): the advisors' desk and the manager's
	// admin, one template each, the data read through the API below.
	d := s.desk
	app.Get("/", func(c *fiber.Ctx) error { return c.Redirect("/desk", fiber.StatusSeeOther) })
	app.Get("/signin", d.signIn)
	app.Get("/desk", d.home("desk"))
	app.Get("/desk/:page", d.page("desk"))
	app.Get("/admin", d.home("admin"))
	app.Get("/admin/:page", d.page("admin"))

	// The pages behind the QR codes and the parts counter (kioskpages.go).
	kp := s.kioskPages
	app.Get("/k/bay/:token", kp.scanned(kiosk.PurposeBay, "bay"))
	app.Get("/k/job/:token", kp.scanned(kiosk.PurposeJob, "job"))
	app.Get("/k/badge/:token", kp.scanned(kiosk.PurposeBadge, "badge"))
	app.Get("/k/parts", kp.parts)
	app.Get("/c/:token", kp.customer)

	api := app.Group("/api/v1")
	api.Post("/session", s.signIn)
	api.Delete("/session", s.signOut)
	api.Post("/devices/pair", s.pairStart)
	api.Get("/devices/pair/:id", s.pairPoll)
	api.Get("/customer/:token", s.customerJob)
	api.Post("/customer/:token/findings/:id", s.customerDecides)
	api.Get("/customer/:token/photos/:photo", s.customerPhoto)
	api.Post("/customer/:token/survey", s.customerAnswers)

	// Guards are attached per route, not to groups: a group's middleware
	// would also run for unknown paths and hide the 404.
	staff := func(method, path string, h fiber.Handler) {
		api.Add(method, path, s.requireUser, h)
	}
	// Who may call a route that gives no command is listed here, once per
	// list (the manager may call them all); a route that gives one command
	// asks the domain's command table who may give it.
	only := func(roles ...shop.Role) func(method, path string, h fiber.Handler) {
		return func(method, path string, h fiber.Handler) {
			api.Add(method, path, s.requireUser, requireRole(roles...), h)
		}
	}
	manager := only(shop.RoleManager)
	reports := only(shop.RoleAdvisor, shop.RoleController)
	desk := only(shop.RoleAdvisor, shop.RoleCashier, shop.RoleController)
	counter := only(shop.RoleParts, shop.RoleController)
	command := func(method, path, commandType string, h fiber.Handler) {
		api.Add(method, path, s.requireUser, requireCommand(commandType), h)
	}
	// Who one is and one's own password: open to a person who must set a
	// new password before anything else.
	api.Add("GET", "/me", s.requireSignedIn, s.me)
	api.Add("POST", "/me/password", s.requireSignedIn, s.changePassword)
	staff("GET", "/kiosk/bay/:token", s.kioskBay)
	staff("GET", "/kiosk/job/:token", s.kioskJob)
	staff("POST", "/commands", s.command)
	staff("GET", "/workshop", s.workshop)
	staff("GET", "/jobs", s.listJobs)
	staff("GET", "/jobs/:id", s.getJob)
	staff("GET", "/jobs/:id/history", s.jobHistory)
	// Photos (photos.go): the upload gives attach_photo, whose rules are
	// the domain's by kind of photo; any staff who may see a job sees its
	// photos.
	command("POST", "/jobs/:id/photos", "attach_photo", s.uploadPhoto)
	staff("GET", "/jobs/:id/photos/:photo", s.jobPhoto)
	staff("GET", "/settings", s.getSettings)
	manager("GET", "/settings/phone-check.png", s.phoneCheck)
	staff("GET", "/bays", s.listOf(func(st *shop.State) any { return sortedValues(st.Bays) }))
	staff("GET", "/teams", s.listOf(func(st *shop.State) any { return sortedValues(st.Teams) }))
	staff("GET", "/technicians", s.listOf(func(st *shop.State) any { return sortedValues(st.Technicians) }))
	staff("GET", "/customers", s.listCustomers)
	staff("GET", "/vehicles", s.listVehicles)
	staff("GET", "/appointments", s.listAppointments)
	staff("GET", "/parts-requests", s.listOf(func(st *shop.State) any { return sortedValues(st.PartsRequests) }))
	staff("GET", "/operations", s.listOperations)
	staff("GET", "/catalog-parts", s.listCatalogParts)
	// Who may import is the import command's permission (catalog.go).
	staff("POST", "/catalog/imports", s.previewImport) // importPath
	staff("POST", "/catalog/imports/:id", s.confirmImport)
	staff("GET", "/promise", s.suggestPromise)
	staff("GET", "/capacity", s.capacity)
	staff("GET", "/roster", s.roster)
	staff("GET", "/reminders", s.reminders)
	staff("GET", "/follow-ups", s.followUps)
	staff("GET", "/service-reminders", s.serviceReminders)
	staff("GET", "/vehicles/:id/history", s.vehicleHistory)
	staff("GET", "/staff", s.listStaff)
	staff("GET", "/desk/appointments", s.deskAppointments)
	staff("GET", "/desk/lookup", s.deskLookup)
	desk("GET", "/notices", s.notices)
	staff("GET", "/findings", s.listOf(func(st *shop.State) any { return sortedValues(st.Findings) }))

	reports("GET", "/kpis", s.kpis)
	manager("GET", "/export/jobs.csv", s.exportJobsCSV)
	manager("GET", "/export/jobs.json", s.exportJobsJSON)
	manager("GET", "/export/events.json", s.exportEvents)
	counter("GET", "/parts-counter", s.partsCounter)
	counter("GET", "/pick-list", s.pickList)
	counter("GET", "/jobs/:id/pick-list.pdf", s.pickListDocument)
	desk("GET", "/jobs/:id/documents/:file", s.jobDocument)
	desk("POST", "/jobs/:id/print", s.printJob)
	desk("GET", "/documents/seat-labels.pdf", s.seatLabels)
	manager("GET", "/documents/bay-sheet.pdf", s.baySheet)
	manager("GET", "/documents/badges.pdf", s.badges)
	manager("GET", "/setup", s.setup)
	manager("GET", "/message-templates", s.messageTemplates)
	manager("GET", "/users", s.listUsers)
	command("POST", "/users", "put_user", s.putUser)
	manager("POST", "/users/:id/unlock", s.unlockUser)
	manager("GET", "/tokens", s.listTokens)
	manager("POST", "/tokens", s.createToken)
	manager("DELETE", "/tokens/:id", s.revokeToken)
	manager("GET", "/devices", s.listDevices)
	manager("POST", "/devices/approve", s.approveDevice)
	manager("POST", "/devices/:id", s.updateDevice)
	manager("DELETE", "/devices/:id", s.revokeDevice)
	manager("GET", "/backup", s.downloadBackup)
	// The outbox's webhooks and their queues (webhooks.go).
	manager("GET", "/webhooks", s.listWebhooks)
	manager("POST", "/webhooks", s.createWebhook)
	manager("PUT", "/webhooks/:id", s.updateWebhook)
	manager("POST", "/webhooks/:id/secret", s.rotateWebhookSecret)
	manager("DELETE", "/webhooks/:id", s.removeWebhook)
	manager("POST", "/webhooks/:id/dead/:key/retry", s.retryDeadLetter)
	manager("DELETE", "/webhooks/:id/dead/:key", s.dropDeadLetter)
	// The customer messages' channels and their queues (senders.go).
	manager("GET", "/message-senders", s.listMessageSenders)
	manager("PUT", "/message-senders/:channel", s.putMessageSender)
	manager("POST", "/message-senders/:channel/dead/:key/retry", s.retryDeadLetter)
	manager("DELETE", "/message-senders/:channel/dead/:key", s.dropDeadLetter)
	// The dealer group's link (grouplink.go).
	manager("GET", "/group-link", s.getGroupLink)
	manager("PUT", "/group-link", s.putGroupLink)

	app.Use(func(c *fiber.Ctx) error {
		c.Locals("unmatched", true) // for the metrics: not a route of its own
		return problem(c, CodeRouteNotFound, c.Method()+" "+c.Path())
	})
}

// requireCommand lets through who may give a type of command at all, for a
// route that gives only that command: the roles are the domain's.
func requireCommand(commandType string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if err := shop.MayGiveType(whoOf(c).actor, commandType); err != nil {
			return err
		}
		return c.Next()
	}
}

// importPath takes a catalogue file, the one body larger than BodyLimit.
const importPath = "/api/v1/catalog/imports"

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
