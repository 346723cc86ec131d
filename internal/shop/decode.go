package shop

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxCommandBytes bounds a command's JSON; the longest real one, an estimate
// with a hundred lines, is far below it.
const MaxCommandBytes = 256 << 10

// DecodeCommand reads one command strictly: unknown fields, wrong types,
// trailing data and unknown command types are errors.
func DecodeCommand(data []byte) (Command, error) {
	if len(data) > MaxCommandBytes {
		return nil, &Error{Code: CodeInvalid, Message: fmt.Sprintf("the command is larger than %d bytes", MaxCommandBytes)}
	}
	var head struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, invalidJSON(err)
	}
	c := NewCommand(head.Type)
	if c == nil {
		return nil, &Error{Code: CodeInvalid, Message: "unknown command type", Fields: []FieldError{{Field: "type", Message: fmt.Sprintf("%q is not a command", head.Type)}}}
	}
	if err := DecodeStrict(data, c); err != nil {
		return nil, err
	}
	return c, nil
}

// DecodeStrict decodes one JSON value into v, refusing unknown fields and
// trailing data. It is the one JSON decoder for everything users send.
func DecodeStrict(data []byte, v any) error {
	if !utf8.Valid(data) {
		return &Error{Code: CodeInvalid, Message: "the body is not valid UTF-8"}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var timeErr *time.ParseError
		if errors.As(err, &timeErr) {
			// The decoder does not say which field held the time; the body
			// does: the string it could not read.
			field := pathOf(data, timeErr.Value)
			if field == "" {
				field = "(body)"
			}
			return &Error{Code: CodeInvalid, Message: "a time is not in RFC 3339 form", Fields: []FieldError{{Field: field, Message: "must be a time such as 2026-11-23T14:30:00+08:00"}}}
		}
		if e, ok := invalidJSON(err).(*Error); ok && e.Message == "the request has an unknown field" {
			// The decoder names the key alone; the body tells where it is.
			if path := keyPath(data, e.Fields[0].Field); path != "" {
				e.Fields[0].Field = path
			}
			return e
		}
		return invalidJSON(err)
	}
	if dec.More() {
		return &Error{Code: CodeInvalid, Message: "the body has data after its JSON value"}
	}
	return nil
}

func invalidJSON(err error) error {
	var typeErr *json.UnmarshalTypeError
	if ok := asType(err, &typeErr); ok {
		field := jsonPath(typeErr.Field)
		if field == "" {
			field = "(body)"
		}
		return &Error{Code: CodeInvalid, Message: "a field has the wrong type", Fields: []FieldError{{Field: field, Message: "must be " + typeErr.Type.String()}}}
	}
	msg := err.Error()
	if strings.HasPrefix(msg, "json: unknown field ") {
		name := strings.Trim(strings.TrimPrefix(msg, "json: unknown field "), `"`)
		return &Error{Code: CodeInvalid, Message: "the request has an unknown field", Fields: []FieldError{{Field: name, Message: "unknown field"}}}
	}
	return &Error{Code: CodeInvalid, Message: "the body is not valid JSON: " + strings.TrimPrefix(msg, "json: ")}
}

// keyPath finds where a JSON document has a key, as a path such as
// "customer.nickname"; "" when nowhere.
func keyPath(data []byte, key string) string {
	return findPath(data, func(path string, k string, _ any) bool { return k == key })
}

// pathOf finds where a JSON document holds the string value, as a path
// such as "estimate.promised_at" or "labour[2].name"; "" when nowhere.
func pathOf(data []byte, value string) string {
	return findPath(data, func(_ string, _ string, v any) bool { str, ok := v.(string); return ok && str == value })
}

// findPath walks a JSON document, objects' keys in order, and returns the
// path of the first member or element for which match is true.
func findPath(data []byte, match func(path, key string, v any) bool) string {
	var doc any
	if json.Unmarshal(data, &doc) != nil {
		return ""
	}
	var walk func(v any, path, key string) (string, bool)
	walk = func(v any, path, key string) (string, bool) {
		if path != "" && match(path, key, v) {
			return path, true
		}
		switch v := v.(type) {
		case map[string]any:
			keys := make([]string, 0, len(v))
			for k := range v {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				p := k
				if path != "" {
					p = path + "." + k
				}
				if found, ok := walk(v[k], p, k); ok {
					return found, true
				}
			}
		case []any:
			for i, e := range v {
				if found, ok := walk(e, fmt.Sprintf("%s[%d]", path, i), ""); ok {
					return found, true
				}
			}
		}
		return "", false
	}
	found, _ := walk(doc, "", "")
	return found
}

// jsonPath drops the Go names of embedded structs from a decoder's field
// path, leaving the JSON path a client sent: "JobRef.job_id" → "job_id".
func jsonPath(p string) string {
	var keep []string
	for _, seg := range strings.Split(p, ".") {
		if seg != "" && seg[0] >= 'A' && seg[0] <= 'Z' {
			continue
		}
		keep = append(keep, seg)
	}
	return strings.Join(keep, ".")
}

func asType(err error, target **json.UnmarshalTypeError) bool {
	e, ok := err.(*json.UnmarshalTypeError)
	if ok {
		*target = e
	}
	return ok
}
