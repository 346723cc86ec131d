package shop

import (
	"fmt"
	"reflect"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxLine bounds every single-line string a command carries (names, plates,
// codes, ids, addresses of printers): a field without a smaller bound of its
// own in its command's checks still cannot hold more than this.
const maxLine = 200

// longTextFields are the fields, by their JSON name, that hold free text in
// the customer's or a colleague's words: they may run over several lines
// and up to maxText characters. Every other string is one line.
var longTextFields = map[string]bool{
	"requested": true, "requests": true, "reason": true, "explanation": true,
	"description": true, "why": true, "note": true, "notes": true, "resolution": true,
	"damage": true, "valuables": true, "address": true, "lounge_message": true,
	"comment": true, // the survey's
	"texts":   true, // a message template's, bounded in messages.go
}

// bidiControl reports the invisible characters that reorder the text around
// them (Unicode's explicit directional formatting characters): in a name or
// a plate they make one string read as another on a screen or a print.
func bidiControl(r rune) bool {
	switch {
	case r == '\u061c', r == '\u200e', r == '\u200f':
		return true
	case r >= '\u202a' && r <= '\u202e':
		return true
	case r >= '\u2066' && r <= '\u2069':
		return true
	}
	return false
}

// checkStrings walks every string a command carries, however deep, and
// refuses one that is too long or holds a control character or a
// directional override: one rule for every field of every command, so a
// field added later is bounded without anyone remembering to. A command's
// own checks may then set a smaller bound (a name's 80 characters).
func checkStrings(c Command) error {
	var p problems
	walkStrings(reflect.ValueOf(c), "", "", &p)
	return p.err()
}

func walkStrings(v reflect.Value, path, key string, p *problems) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			walkStrings(v.Elem(), path, key, p)
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			walkStrings(v.Index(i), fmt.Sprintf("%s[%d]", path, i), key, p)
		}
	case reflect.Map:
		iter := v.MapRange()
		for iter.Next() {
			k := fmt.Sprint(iter.Key().Interface())
			walkStrings(iter.Key(), joinPath(path, k), k, p)
			// A map's values are its field's: a template's texts by
			// language are free text as "texts" is.
			walkStrings(iter.Value(), joinPath(path, k), key, p)
		}
	case reflect.Struct:
		t := v.Type()
		if t.PkgPath() == "time" {
			return
		}
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			switch {
			case !f.IsExported():
			case f.Anonymous && name == "":
				walkStrings(v.Field(i), path, key, p)
			default:
				if name == "" || name == "-" {
					// Set by the web layer (an import's rows, a hash),
					// not read from JSON; bounded all the same.
					name = strings.ToLower(f.Name)
				}
				walkStrings(v.Field(i), joinPath(path, name), name, p)
			}
		}
	case reflect.String:
		checkString(p, path, v.String(), longTextFields[key])
	}
}

func joinPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// checkString refuses a string that is too long or holds characters no
// one types: control characters (a line break only in free text) and
// directional overrides.
func checkString(p *problems, field, v string, long bool) {
	max := maxLine
	if long {
		max = maxText
	}
	if utf8.RuneCountInString(v) > max {
		p.add(field, "is longer than %d characters", max)
		return
	}
	for _, r := range v {
		switch {
		case long && (r == '\n' || r == '\r' || r == '\t'):
		case unicode.IsControl(r):
			p.add(field, "must not hold a control character (U+%04X)", r)
			return
		case bidiControl(r):
			p.add(field, "must not hold a text-direction control (U+%04X)", r)
			return
		}
	}
}

// typedByNoOne says whether a character is one no one types in a name or
// a plate: a control character or a text-direction control.
func typedByNoOne(r rune) bool { return unicode.IsControl(r) || bidiControl(r) }
