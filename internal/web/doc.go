// Package web is the HTTP face of bayboard: every route in routes.go, the
// middleware that decides who is asking (staff sessions, technicians'
// badge sign-in, API tokens, paired screens, all kept by internal/access,
// which web maps cookies and headers to), CSRF protection, limits,
// problem+json errors, metrics and the websocket upgrade. It is the only
// package that imports fiber; it holds no business rules of its own — the
// domain decides what is allowed, the engine makes it durable.
//
// Handlers pass c.UserContext(), never c.Context(), to code that waits on a
// context: fasthttp's RequestCtx.Done reads server state that Shutdown
// writes without a lock, which the race detector reports.
package web
