package shop

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
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
	return strictKeys(data, reflect.TypeOf(v))
}

// strictKeys walks a JSON document beside the Go type it was decoded into
// and refuses what encoding/json lets through: a key given twice in one
// object (the decoder keeps the last, a proxy or a log may read the
// first), and a key that names a field in another case ("Job_ID" for
// "job_id"), which the decoder matches without a word.
func strictKeys(data []byte, t reflect.Type) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	return walkKeys(dec, t, "")
}

func walkKeys(dec *json.Decoder, t reflect.Type, path string) error {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	tok, err := dec.Token()
	if err != nil {
		return nil // the decoder has read the document already
	}
	delim, ok := tok.(json.Delim)
	if !ok {
		return nil
	}
	var elem reflect.Type
	if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Map) {
		elem = t.Elem()
	}
	switch delim {
	case '[':
		for i := 0; dec.More(); i++ {
			if err := walkKeys(dec, elem, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	case '{':
		var fields map[string]reflect.Type
		if t != nil && t.Kind() == reflect.Struct {
			fields = map[string]reflect.Type{}
			jsonFields(t, fields)
		}
		seen := map[string]bool{}
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return nil
			}
			key, _ := kt.(string)
			at := key
			if path != "" {
				at = path + "." + key
			}
			if seen[key] {
				return &Error{Code: CodeInvalid, Message: "the request has a key twice", Fields: []FieldError{{Field: at, Message: "is given twice"}}}
			}
			seen[key] = true
			next := elem
			if fields != nil {
				ft, exact := fields[key]
				if !exact {
					for name := range fields {
						if strings.EqualFold(name, key) {
							return &Error{Code: CodeInvalid, Message: "the request has an unknown field", Fields: []FieldError{{Field: at, Message: fmt.Sprintf("unknown field; names are matched exactly: %q", name)}}}
						}
					}
				}
				next = ft
			}
			if err := walkKeys(dec, next, at); err != nil {
				return err
			}
		}
	}
	_, _ = dec.Token() // the closing ] or }
	return nil
}

// jsonFields lists a struct's fields by their JSON names, with those of
// embedded structs, as encoding/json reads them.
func jsonFields(t reflect.Type, out map[string]reflect.Type) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				jsonFields(ft, out)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		if _, ok := out[name]; !ok {
			out[name] = f.Type
		}
	}
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
