package web

import (
	"errors"

	"bayboard/internal/engine"
	"bayboard/internal/shop"

	"github.com/gofiber/fiber/v2"
)

// problemType is one row of the error table: every error the API returns
// has a stable code, an HTTP status and a title. Clients and log lines name
// the same code; docs/API.md lists them.
type problemType struct {
	Status int
	Title  string
}

var problemTypes = map[string]problemType{
	shop.CodeInvalid:           {fiber.StatusBadRequest, "The request is invalid"},
	shop.CodeNotFound:          {fiber.StatusNotFound, "Not found"},
	shop.CodeForbidden:         {fiber.StatusForbidden, "Not allowed"},
	shop.CodeIllegalMove:       {fiber.StatusConflict, "The job cannot make that move"},
	shop.CodeConflict:          {fiber.StatusConflict, "The request conflicts with the job's state"},
	"unauthorized":             {fiber.StatusUnauthorized, "Sign in first"},
	"csrf":                     {fiber.StatusForbidden, "Missing or wrong CSRF token"},
	"password_change_required": {fiber.StatusForbidden, "Set a new password first"},
	"too_large":                {fiber.StatusRequestEntityTooLarge, "The body is too large"},
	"unsupported_media":        {fiber.StatusUnsupportedMediaType, "Send application/json"},
	"locked":                   {fiber.StatusTooManyRequests, "Too many failed attempts; wait and try again"},
	"route_not_found":          {fiber.StatusNotFound, "No such endpoint"},
	"method_not_allowed":       {fiber.StatusMethodNotAllowed, "Method not allowed"},
	"shutting_down":            {fiber.StatusServiceUnavailable, "The server is shutting down"},
	"bad_link":                 {fiber.StatusForbidden, "This link does not open anything"},
	"print_failed":             {fiber.StatusBadGateway, "The printer did not take the document"},
	"no_printer":               {fiber.StatusConflict, "No printer is set up for this document"},
	"internal":                 {fiber.StatusInternalServerError, "Internal error"},
}

// Problem is an RFC 9457 problem document.
type Problem struct {
	Type   string            `json:"type"`
	Title  string            `json:"title"`
	Status int               `json:"status"`
	Detail string            `json:"detail,omitempty"`
	Code   string            `json:"code"`
	Errors []shop.FieldError `json:"errors,omitempty"`
	// Allowed lists the stages a job may move to, on illegal_move.
	Allowed []shop.Stage `json:"allowed,omitempty"`
	// Reason is why a print failed: unreachable, rejected or timeout.
	Reason string `json:"reason,omitempty"`
}

// problem writes a problem document for a code.
func problem(c *fiber.Ctx, code, detail string, fields ...shop.FieldError) error {
	pt, ok := problemTypes[code]
	if !ok {
		code, pt = "internal", problemTypes["internal"]
	}
	return writeProblem(c, Problem{Type: "urn:bayboard:problem:" + code, Title: pt.Title, Status: pt.Status, Detail: detail, Code: code, Errors: fields})
}

func writeProblem(c *fiber.Ctx, p Problem) error {
	c.Locals("problem", p.Code)
	c.Status(p.Status)
	c.Set(fiber.HeaderContentType, "application/problem+json")
	body, err := jsonMarshal(p)
	if err != nil {
		return err
	}
	return c.Send(body)
}

// fail turns any error into its problem: the one place domain errors meet
// HTTP statuses.
func fail(c *fiber.Ctx, err error) error {
	var de *shop.Error
	var me *shop.IllegalMoveError
	var fe *fiber.Error
	switch {
	case errors.As(err, &me):
		pt := problemTypes[shop.CodeIllegalMove]
		return writeProblem(c, Problem{Type: "urn:bayboard:problem:illegal_move", Title: pt.Title, Status: pt.Status, Detail: me.Error(), Code: shop.CodeIllegalMove, Allowed: me.Allowed})
	case errors.As(err, &de):
		return problem(c, de.Code, de.Message, de.Fields...)
	case errors.Is(err, engine.ErrClosed):
		return problem(c, "shutting_down", err.Error())
	case errors.As(err, &fe):
		switch fe.Code {
		case fiber.StatusRequestEntityTooLarge:
			return problem(c, "too_large", fe.Message)
		case fiber.StatusNotFound:
			return problem(c, "route_not_found", fe.Message)
		case fiber.StatusMethodNotAllowed:
			return problem(c, "method_not_allowed", fe.Message)
		case fiber.StatusBadRequest:
			return problem(c, shop.CodeInvalid, fe.Message)
		}
		return writeProblem(c, Problem{Type: "urn:bayboard:problem:http", Title: fe.Message, Status: fe.Code, Code: "http"})
	}
	c.Locals("error", err.Error())
	return problem(c, "internal", "")
}
