package web

import (
	"errors"

	"bayboard/internal/engine"
	"bayboard/internal/shop"

	"github.com/gofiber/fiber/v2"
)

// Code is a problem's stable code: every error the API returns has one.
// Clients and log lines name the same code; docs/API.md lists them, and a
// test keeps the list and the catalogue below in step. Codes are constants,
// never strings, so an unknown code does not compile.
type Code uint8

// The problem codes. The zero Code is an internal error: a code left unset
// is a bug, and says so.
const (
	CodeInternal Code = iota
	// The domain's codes (shop.Code), in domainCodes.
	CodeInvalid
	CodeNotFound
	CodeForbidden
	CodeIllegalMove
	CodeConflict
	// The HTTP layer's own.
	CodeUnauthorized
	CodeCSRF
	CodePasswordChangeRequired
	CodeTooLarge
	CodeUnsupportedMedia
	CodeLocked
	CodeRouteNotFound
	CodeMethodNotAllowed
	CodeShuttingDown
	CodeBadLink
	CodePrintFailed
	CodeNoPrinter
	CodeKeyReused
	CodeRateLimited
	// A photo upload that is not one (imaging.ErrNotImage), or one too
	// large in pixels to decode (imaging.ErrTooManyPixels).
	CodeNotAnImage
	CodeTooManyPixels
	// CodeHTTP is any other error of the HTTP framework: its status and
	// title are the error's own.
	CodeHTTP
	codeCount
)

// problemType is one row of the catalogue: the code's name on the wire,
// its HTTP status and its title.
type problemType struct {
	Name   string
	Status int
	Title  string
}

// problemTypes is the catalogue, indexed by Code.
var problemTypes = [codeCount]problemType{
	CodeInternal:               {"internal", fiber.StatusInternalServerError, "Internal error"},
	CodeInvalid:                {"invalid", fiber.StatusBadRequest, "The request is invalid"},
	CodeNotFound:               {"not_found", fiber.StatusNotFound, "Not found"},
	CodeForbidden:              {"forbidden", fiber.StatusForbidden, "Not allowed"},
	CodeIllegalMove:            {"illegal_move", fiber.StatusConflict, "The job cannot make that move"},
	CodeConflict:               {"conflict", fiber.StatusConflict, "The request conflicts with the job's state"},
	CodeUnauthorized:           {"unauthorized", fiber.StatusUnauthorized, "Sign in first"},
	CodeCSRF:                   {"csrf", fiber.StatusForbidden, "Missing or wrong CSRF token"},
	CodePasswordChangeRequired: {"password_change_required", fiber.StatusForbidden, "Set a new password first"},
	CodeTooLarge:               {"too_large", fiber.StatusRequestEntityTooLarge, "The body is too large"},
	CodeUnsupportedMedia:       {"unsupported_media", fiber.StatusUnsupportedMediaType, "Send application/json"},
	CodeLocked:                 {"locked", fiber.StatusTooManyRequests, "Too many failed attempts; wait and try again"},
	CodeRouteNotFound:          {"route_not_found", fiber.StatusNotFound, "No such endpoint"},
	CodeMethodNotAllowed:       {"method_not_allowed", fiber.StatusMethodNotAllowed, "Method not allowed"},
	CodeShuttingDown:           {"shutting_down", fiber.StatusServiceUnavailable, "The server is shutting down"},
	CodeBadLink:                {"bad_link", fiber.StatusForbidden, "This link does not open anything"},
	CodePrintFailed:            {"print_failed", fiber.StatusBadGateway, "The printer did not take the document"},
	CodeNoPrinter:              {"no_printer", fiber.StatusConflict, "No printer is set up for this document"},
	CodeKeyReused:              {"idempotency_key_reused", fiber.StatusUnprocessableEntity, "The Idempotency-Key was used for another request"},
	CodeRateLimited:            {"rate_limited", fiber.StatusTooManyRequests, "Too many commands; wait and try again"},
	CodeNotAnImage:             {"not_an_image", fiber.StatusUnprocessableEntity, "The file is not a photo that can be read"},
	CodeTooManyPixels:          {"too_many_pixels", fiber.StatusUnprocessableEntity, "The photo has too many pixels"},
	CodeHTTP:                   {"http", 0, ""},
}

// domainCodes gives each of the domain's error codes its problem code.
var domainCodes = map[shop.Code]Code{
	shop.CodeInvalid:     CodeInvalid,
	shop.CodeNotFound:    CodeNotFound,
	shop.CodeForbidden:   CodeForbidden,
	shop.CodeIllegalMove: CodeIllegalMove,
	shop.CodeConflict:    CodeConflict,
}

// String is the code's name on the wire.
func (c Code) String() string { return problemTypes[c].Name }

// codedError is an error of this package with its problem code, for a
// helper that returns an error rather than writing the problem itself.
type codedError struct {
	code    Code
	message string
}

func (e *codedError) Error() string { return e.message }

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
func problem(c *fiber.Ctx, code Code, detail string, fields ...shop.FieldError) error {
	return writeProblem(c, newProblem(code, detail, fields...))
}

// newProblem is the problem document of a code, to be written as is or
// with more said (the allowed moves, why a print failed).
func newProblem(code Code, detail string, fields ...shop.FieldError) Problem {
	pt := problemTypes[code]
	return Problem{Type: "urn:bayboard:problem:" + pt.Name, Title: pt.Title, Status: pt.Status, Detail: detail, Code: pt.Name, Errors: fields}
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
	var ce *codedError
	var fe *fiber.Error
	switch {
	case errors.As(err, &me):
		p := newProblem(CodeIllegalMove, me.Error())
		p.Allowed = me.Allowed
		return writeProblem(c, p)
	case errors.As(err, &de):
		code, ok := domainCodes[de.Code]
		if !ok {
			break // a domain error without its code is a bug
		}
		return problem(c, code, de.Message, de.Fields...)
	case errors.As(err, &ce):
		return problem(c, ce.code, ce.message)
	case errors.Is(err, engine.ErrClosed):
		return problem(c, CodeShuttingDown, err.Error())
	case errors.As(err, &fe):
		switch fe.Code {
		case fiber.StatusRequestEntityTooLarge:
			return problem(c, CodeTooLarge, fe.Message)
		case fiber.StatusNotFound:
			return problem(c, CodeRouteNotFound, fe.Message)
		case fiber.StatusMethodNotAllowed:
			return problem(c, CodeMethodNotAllowed, fe.Message)
		case fiber.StatusBadRequest:
			return problem(c, CodeInvalid, fe.Message)
		}
		p := newProblem(CodeHTTP, "")
		p.Title, p.Status = fe.Message, fe.Code
		return writeProblem(c, p)
	}
	c.Locals("error", err.Error())
	return problem(c, CodeInternal, "")
}
