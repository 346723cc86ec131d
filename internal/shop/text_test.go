package shop

import (
	"reflect"
	"strings"
	"testing"
)

// stringField is one string a command carries: where it is in the
// command's JSON, and how to set it in a fresh command.
type stringField struct {
	path string
	key  string
	set  func(c Command, v string)
}

// stringFields lists every string field of a command type, reaching into
// nested structs and one element of each list; written here apart from the
// walker it tests.
func stringFields(typ string) []stringField {
	var out []stringField
	var visit func(t reflect.Type, path, key string, at []func(reflect.Value) reflect.Value)
	visit = func(t reflect.Type, path, key string, at []func(reflect.Value) reflect.Value) {
		reach := func(step func(reflect.Value) reflect.Value) []func(reflect.Value) reflect.Value {
			return append(append([]func(reflect.Value) reflect.Value(nil), at...), step)
		}
		switch t.Kind() {
		case reflect.Pointer:
			visit(t.Elem(), path, key, reach(func(v reflect.Value) reflect.Value {
				if v.IsNil() {
					v.Set(reflect.New(v.Type().Elem()))
				}
				return v.Elem()
			}))
		case reflect.Slice:
			visit(t.Elem(), path+"[0]", key, reach(func(v reflect.Value) reflect.Value {
				if v.Len() == 0 {
					v.Set(reflect.MakeSlice(v.Type(), 1, 1))
				}
				return v.Index(0)
			}))
		case reflect.Struct:
			if t.PkgPath() == "time" {
				return
			}
			for i := 0; i < t.NumField(); i++ {
				f := t.Field(i)
				if !f.IsExported() {
					continue
				}
				i := i
				name := strings.Split(f.Tag.Get("json"), ",")[0]
				field := reach(func(v reflect.Value) reflect.Value { return v.Field(i) })
				if f.Anonymous && name == "" {
					visit(f.Type, path, key, field)
					continue
				}
				if name == "" || name == "-" {
					name = strings.ToLower(f.Name)
				}
				p := name
				if path != "" {
					p = path + "." + name
				}
				visit(f.Type, p, name, field)
			}
		case reflect.String:
			steps := at
			out = append(out, stringField{path: path, key: key, set: func(c Command, s string) {
				v := reflect.ValueOf(c).Elem()
				for _, step := range steps {
					v = step(v)
				}
				v.SetString(s)
			}})
		}
	}
	visit(reflect.TypeOf(NewCommand(typ)).Elem(), "", "", nil)
	return out
}

// Every string of every command a client may send is bounded and free of
// control characters and directional overrides: an over-long value, a
// control character and a right-to-left override are each refused with the
// field named, and nothing changes.
func TestEveryCommandStringIsBounded(t *testing.T) {
	f := newFixture(t)
	free := map[string]bool{"requested": true, "requests": true, "reason": true, "explanation": true,
		"description": true, "why": true, "note": true, "notes": true, "resolution": true,
		"damage": true, "valuables": true, "address": true, "lounge_message": true, "comment": true}
	checked := 0
	for _, typ := range CommandTypes() {
		for _, sf := range stringFields(typ) {
			if sf.path == "type" {
				continue
			}
			limit := 200
			if free[sf.key] {
				limit = 2000
			}
			bad := map[string]string{
				"over-long":    strings.Repeat("长", limit+1),
				"control":      "a\x07b",
				"NUL":          "a\x00b",
				"RLO override": "京A\u202e54321",
				"LRI isolate":  "王\u2066五",
				"RLM mark":     "王\u200f五",
			}
			if !free[sf.key] {
				bad["line break"] = "王\n五"
			}
			for what, v := range bad {
				c := NewCommand(typ)
				sf.set(c, v)
				before := f.state
				err := f.apply(system, c)
				if !hasField(err, sf.path) {
					t.Errorf("%s.%s with %s: got %v, want the field refused", typ, sf.path, what, err)
				}
				if f.state != before {
					t.Errorf("%s.%s with %s changed the shop", typ, sf.path, what)
				}
				checked++
			}
		}
	}
	if checked < 500 {
		t.Fatalf("only %d values checked: the walk over the commands found too few fields", checked)
	}
}

// Free text keeps its line breaks and tabs; a name keeps what names have.
func TestTextKeepsWhatPeopleType(t *testing.T) {
	for _, c := range []struct {
		v    string
		long bool
	}{{"保养\n刹车有异响\t左前", true}, {"王顾问 (Wang)", false}, {"京A·12345", false}, {"Müller-Łukasz O'Neil", false}, {strings.Repeat("长", 2000), true}, {strings.Repeat("x", 200), false}} {
		var p problems
		checkString(&p, "f", c.v, c.long)
		if len(p) != 0 {
			t.Errorf("%q (long %v) refused: %v", c.v, c.long, p)
		}
	}
}

// The imports' rows are built by the web layer, not decoded from JSON; they
// are bounded all the same.
func TestImportRowsAreBounded(t *testing.T) {
	f := newFixture(t)
	err := f.apply(system, &ImportOperations{Operations: []Operation{{Code: "A1", Name: "保养\u202e", SoldHours: 1, Active: true}}})
	if !hasField(err, "operations[0].name") {
		t.Fatalf("got %v", err)
	}
}
