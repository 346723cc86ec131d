package shop

import (
	"errors"
	"fmt"
	"strings"
)

// Code is what kind of domain error a user can act on. The codes are a
// closed set: an error is built with one of the constants below, never
// from a string, so a misspelt code does not compile. The web's problem
// catalogue (internal/web/problems.go) gives each its name on the wire,
// its HTTP status and its title.
type Code uint8

// The domain's error codes.
const (
	// The zero Code is no code: an unexpected error.
	_ Code = iota
	CodeInvalid
	CodeNotFound
	CodeForbidden
	CodeIllegalMove
	CodeConflict
)

// Codes lists every domain error code.
var Codes = []Code{CodeInvalid, CodeNotFound, CodeForbidden, CodeIllegalMove, CodeConflict}

// Error is a domain error a user can act on.
type Error struct {
	Code    Code
	Message string
	Fields  []FieldError
}

// FieldError names one bad field of a command.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return e.Message
	}
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Field + ": " + f.Message
	}
	return e.Message + " (" + strings.Join(parts, "; ") + ")"
}

// CodeOf returns the stable code of an error, the zero Code for
// unexpected errors.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	var m *IllegalMoveError
	if errors.As(err, &m) {
		return CodeIllegalMove
	}
	return 0
}

func notFound(what, id string) error {
	return &Error{Code: CodeNotFound, Message: fmt.Sprintf("%s %q does not exist", what, id)}
}

func forbidden(format string, args ...any) error {
	return &Error{Code: CodeForbidden, Message: fmt.Sprintf(format, args...)}
}

func conflict(format string, args ...any) error {
	return &Error{Code: CodeConflict, Message: fmt.Sprintf(format, args...)}
}

// problems collects field errors while a command is checked.
type problems []FieldError

func (p *problems) add(field, format string, args ...any) {
	*p = append(*p, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

func (p problems) err() error {
	if len(p) == 0 {
		return nil
	}
	return &Error{Code: CodeInvalid, Message: "the request has invalid fields", Fields: p}
}
