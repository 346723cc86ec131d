package shop

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
)

func TestImportCatalogPartsIsOneEventAndUpdatesByNumber(t *testing.T) {
	f := newFixture(t)
	f.must(t, system, &PutCatalogPart{Part: CatalogPart{Number: "A", Name: "旧名", UnitPrice: 100, Active: true}})
	f.must(t, system, &PutCatalogPart{Part: CatalogPart{Number: "KEEP", Name: "不在文件里", UnitPrice: 700, Active: true}})
	f.must(t, system, &PutCatalogPart{Part: CatalogPart{Number: "SAME", Name: "不变", UnitPrice: 300, Active: true}})
	clerk := Actor{UserID: "user-9", Roles: []Role{RoleParts}}
	imp := &ImportCatalogParts{Source: "parts.xlsx", Parts: []CatalogPart{
		{Number: "A", Name: "新名", UnitPrice: 150, Active: true},
		{Number: "B", Name: "新件", UnitPrice: 200, Active: false},
		{Number: "SAME", Name: "不变", UnitPrice: 300, Active: true},
	}}
	d := NewDraft(f.state)
	ev, err := d.Apply(clerk, imp, t0)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Events()) != 1 || ev.Type != "import_catalog_parts" || ev.Actor != "user-9" {
		t.Fatalf("events %+v", d.Events())
	}
	var logged ImportSummary
	if err := json.Unmarshal(ev.Data, &logged); err != nil {
		t.Fatal(err)
	}
	want := ImportSummary{Source: "parts.xlsx", Rows: 3, Added: 1, Updated: 1, Unchanged: 1}
	if logged != want || imp.Summary() != want {
		t.Errorf("logged %+v, summary %+v, want %+v", logged, imp.Summary(), want)
	}
	// Only what changed is written.
	written := map[string]bool{}
	for _, r := range d.Records() {
		if r.Kind == KindCatalogPart {
			written[r.ID] = true
		}
	}
	if !reflect.DeepEqual(written, map[string]bool{"A": true, "B": true}) {
		t.Errorf("records written %v", written)
	}
	s := d.Publish()
	if *s.CatalogParts["A"] != (CatalogPart{Number: "A", Name: "新名", UnitPrice: 150, Active: true}) || s.CatalogParts["B"].Active || s.CatalogParts["KEEP"].UnitPrice != 700 {
		t.Errorf("after the import: A %+v, B %+v, KEEP %+v", s.CatalogParts["A"], s.CatalogParts["B"], s.CatalogParts["KEEP"])
	}
}

func TestImportRefusesBadRowsAndChangesNothing(t *testing.T) {
	f := newFixture(t)
	cases := []struct {
		name  string
		a     Actor
		c     Command
		code  Code
		field string
	}{
		{"no rows", system, &ImportCatalogParts{}, CodeInvalid, "rows"},
		{"a part twice", system, &ImportCatalogParts{Parts: []CatalogPart{{Number: "A", Name: "a"}, {Number: "A", Name: "b"}}}, CodeInvalid, "parts[1].number"},
		{"a negative price", system, &ImportCatalogParts{Parts: []CatalogPart{{Number: "A", Name: "a"}, {Number: "B", Name: "b", UnitPrice: -1}}}, CodeInvalid, "parts[1].unit_price"},
		{"an operation without a name", system, &ImportOperations{Operations: []Operation{{Code: "X", SoldHours: 1}}}, CodeInvalid, "operations[0].name"},
		{"hours out of range", system, &ImportOperations{Operations: []Operation{{Code: "X", Name: "x", SoldHours: 201}}}, CodeInvalid, "operations[0].sold_hours"},
		{"the parts clerk imports labour", Actor{UserID: "u", Roles: []Role{RoleParts}}, &ImportOperations{Operations: []Operation{{Code: "X", Name: "x"}}}, CodeForbidden, ""},
		{"an advisor imports parts", Actor{UserID: "u", Roles: []Role{RoleAdvisor}}, &ImportCatalogParts{Parts: []CatalogPart{{Number: "A", Name: "a"}}}, CodeForbidden, ""},
	}
	parts := len(f.state.CatalogParts) // the fixture's oil filter
	for _, c := range cases {
		before := f.state
		err := f.apply(c.a, c.c)
		var e *Error
		if !errors.As(err, &e) || e.Code != c.code || (c.field != "" && (len(e.Fields) == 0 || e.Fields[0].Field != c.field)) {
			t.Errorf("%s: %v", c.name, err)
		}
		if f.state != before || len(f.state.CatalogParts) != parts || len(f.state.Operations) != 0 {
			t.Errorf("%s: changed the state", c.name)
		}
	}
}

func TestImportOperations(t *testing.T) {
	f := newFixture(t)
	imp := &ImportOperations{Source: "labour.csv", Operations: []Operation{{Code: "OIL", Name: "换机油", SoldHours: 0.5, Price: 12000, Active: true}}}
	f.must(t, Actor{UserID: "m", Roles: []Role{RoleManager}}, imp)
	if got := f.state.Operations["OIL"]; got == nil || got.Price != 12000 || imp.Summary().Added != 1 {
		t.Errorf("operation %+v, summary %+v", got, imp.Summary())
	}
	if NewCommand("import_operations") != nil || NewCommand("import_catalog_parts") != nil {
		t.Error("an import can be decoded from a client's JSON")
	}
}
