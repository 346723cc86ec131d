package web

import (
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"bayboard/internal/shop"
)

// documentedProblem finds a row of docs/API.md's problem table:
// "| `code` | status | meaning |".
var documentedProblem = regexp.MustCompile("^\\| `([a-z_]+)` \\| ([0-9]+|other) \\|")

// The problem catalogue and docs/API.md's problem table list the same
// codes with the same statuses, both ways; every code has a name, and every
// name is one code's.
func TestProblemCatalogueMatchesTheDocs(t *testing.T) {
	raw, err := os.ReadFile("../../docs/API.md")
	if err != nil {
		t.Fatal(err)
	}
	_, errorsSection, ok := strings.Cut(string(raw), "\n## Errors\n")
	if !ok {
		t.Fatal("docs/API.md has no Errors section")
	}
	documented := map[string]string{} // code → status
	for _, line := range strings.Split(errorsSection, "\n") {
		if m := documentedProblem.FindStringSubmatch(line); m != nil {
			documented[m[1]] = m[2]
		}
	}
	catalogued := map[string]bool{}
	for code := Code(0); code < codeCount; code++ {
		pt := problemTypes[code]
		if pt.Name == "" {
			t.Errorf("code %d has no row in the catalogue", code)
			continue
		}
		if catalogued[pt.Name] {
			t.Errorf("%s names two codes", pt.Name)
		}
		catalogued[pt.Name] = true
		want := strconv.Itoa(pt.Status)
		if pt.Status == 0 {
			want = "other" // the HTTP layer's own status
		}
		switch status, ok := documented[pt.Name]; {
		case !ok:
			t.Errorf("%s is not in docs/API.md's problem table", pt.Name)
		case status != want:
			t.Errorf("%s: docs/API.md says %s, the catalogue %s", pt.Name, status, want)
		}
	}
	for name := range documented {
		if !catalogued[name] {
			t.Errorf("docs/API.md lists the problem %s, which the catalogue lacks", name)
		}
	}
	if len(documented) < 15 {
		t.Errorf("only %d problems read from docs/API.md: the table is not read", len(documented))
	}
}

// Every domain error code has its problem, with the same meaning's name.
func TestEveryDomainCodeHasItsProblem(t *testing.T) {
	want := map[shop.Code]string{shop.CodeInvalid: "invalid", shop.CodeNotFound: "not_found", shop.CodeForbidden: "forbidden",
		shop.CodeIllegalMove: "illegal_move", shop.CodeConflict: "conflict"}
	if len(shop.Codes) != len(want) {
		t.Errorf("the domain has %d codes; this test knows %d", len(shop.Codes), len(want))
	}
	for _, dc := range shop.Codes {
		code, ok := domainCodes[dc]
		if !ok {
			t.Errorf("domain code %d has no problem", dc)
			continue
		}
		if code.String() != want[dc] {
			t.Errorf("domain code %d is the problem %s, want %s", dc, code, want[dc])
		}
	}
}
