// Package web is the HTTP face of bayboard: every route in routes.go, the
// middleware that decides who is asking (staff sessions, technicians'
// badge sign-in, API tokens, paired screens), CSRF protection, limits,
// problem+json errors, metrics and the websocket upgrade. It is the only
// package that imports fiber; it holds no business rules of its own — the
// domain decides what is allowed, the engine makes it durable.
package web
