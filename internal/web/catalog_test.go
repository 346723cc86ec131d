package web

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"bayboard/internal/catalog/xlsxtest"
	"bayboard/internal/shop"
)

// The import in two steps: a preview writes nothing; the confirmation
// writes exactly the previewed rows as one event; a second confirmation
// changes nothing; a re-import updates by part number.
func TestCatalogImportPreviewThenConfirm(t *testing.T) {
	ts := newTestShop(t)
	clerk := ts.tokens[shop.RoleParts]
	csv := "零件号,名称,单价（元）,启用\n" +
		"90915-YZZD1,机油滤清器,35.80,是\n" +
		"04465-02220,前刹车片,\"1,280.00\",\n" +
		"X-1,价格不对,abc,\n" +
		"17801-21050,空气滤芯,88,否\n"
	before := ts.store.LastSeq()
	r := ts.call(t, nil, "POST", "/api/v1/catalog/imports?kind=parts&name=parts.csv", clerk, csv)
	if r.status != 200 {
		t.Fatalf("preview: %d %s", r.status, r.body)
	}
	var pv importPreview
	r.json(t, &pv)
	if pv.Rows != 4 || pv.Valid != 3 || pv.Add != 3 || pv.ErrorRows != 1 || len(pv.Items) != 3 || pv.Format != "csv" || pv.Name != "parts.csv" {
		t.Errorf("preview %+v", pv)
	}
	if len(pv.Errors) != 1 || pv.Errors[0].Row != 4 || pv.Errors[0].Field != "unit_price" || pv.Errors[0].Column != "单价（元）" {
		t.Errorf("errors %+v", pv.Errors)
	}
	if ts.store.LastSeq() != before || len(ts.eng.State().CatalogParts) != 0 {
		t.Fatal("the preview wrote something")
	}

	// Another person cannot confirm the clerk's preview.
	if r := ts.call(t, nil, "POST", "/api/v1/catalog/imports/"+pv.ID, ts.tokens[shop.RoleManager], nil); r.status != http.StatusNotFound {
		t.Errorf("someone else's confirmation: %d %s", r.status, r.body)
	}

	// Two confirmations at once: one import.
	var wg sync.WaitGroup
	answers := make([]response, 2)
	for i := range answers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			answers[i] = ts.call(t, nil, "POST", "/api/v1/catalog/imports/"+pv.ID, clerk, nil)
		}()
	}
	wg.Wait()
	for _, a := range answers {
		if a.status != 200 || string(a.body) != string(answers[0].body) {
			t.Fatalf("confirmations: %d %s / %d %s", answers[0].status, answers[0].body, a.status, a.body)
		}
	}
	var out struct {
		Event   shop.Event         `json:"event"`
		Summary shop.ImportSummary `json:"summary"`
	}
	answers[0].json(t, &out)
	if ts.store.LastSeq() != before+1 || out.Event.Type != "import_catalog_parts" || out.Event.Seq != before+1 {
		t.Fatalf("events after the confirmation: %d (was %d), answer %s", ts.store.LastSeq(), before, answers[0].body)
	}
	if out.Summary != (shop.ImportSummary{Source: "parts.csv", Rows: 3, Added: 3}) {
		t.Errorf("summary %+v", out.Summary)
	}
	parts := ts.eng.State().CatalogParts
	if len(parts) != 3 || *parts["04465-02220"] != (shop.CatalogPart{Number: "04465-02220", Name: "前刹车片", UnitPrice: 128000, Active: true}) || parts["17801-21050"].Active {
		t.Errorf("parts %v", parts)
	}

	// A re-import, as a workbook: one price changed, one name changed, one
	// the same; a part the file does not name stays.
	book := xlsxtest.Workbook("Sheet1", [][]any{
		{"配件编码", "配件名称", "销售价"},
		{"90915-YZZD1", "机油滤清器", 36.5},
		{"04465-02220", "前刹车片（陶瓷）", 1280},
		{"NEW-1", "雨刮片", 45},
	})
	r = ts.call(t, nil, "POST", "/api/v1/catalog/imports?kind=parts&name=oem.xlsx", ts.tokens[shop.RoleManager], book)
	r.json(t, &pv)
	if pv.Format != "xlsx" || pv.Add != 1 || pv.Update != 2 || pv.Same != 0 || pv.ErrorRows != 0 {
		t.Fatalf("re-import preview %s", r.body)
	}
	r = ts.call(t, nil, "POST", "/api/v1/catalog/imports/"+pv.ID, ts.tokens[shop.RoleManager], nil)
	r.json(t, &out)
	if out.Summary != (shop.ImportSummary{Source: "oem.xlsx", Rows: 3, Added: 1, Updated: 2}) {
		t.Errorf("re-import summary %+v (%s)", out.Summary, r.body)
	}
	parts = ts.eng.State().CatalogParts
	if len(parts) != 4 || parts["90915-YZZD1"].UnitPrice != 3650 || parts["04465-02220"].Name != "前刹车片（陶瓷）" || parts["17801-21050"] == nil {
		t.Errorf("after the re-import %v", parts)
	}
}

func TestCatalogImportRefusals(t *testing.T) {
	ts := newTestShop(t)
	before := ts.store.LastSeq()
	cases := []struct {
		name        string
		role        shop.Role
		path, body  string
		status      int
		code, field string
	}{
		{"no kind", shop.RoleManager, "/api/v1/catalog/imports", "a,b\n", 400, "invalid", "kind"},
		{"labour by the parts clerk", shop.RoleParts, "/api/v1/catalog/imports?kind=operations", "编码,名称,工时,工时费\nA,B,1,2\n", 403, "forbidden", ""},
		{"parts by an advisor", shop.RoleAdvisor, "/api/v1/catalog/imports?kind=parts", "零件号,名称,单价\nA,B,1\n", 403, "forbidden", ""},
		{"a column missing", shop.RoleManager, "/api/v1/catalog/imports?kind=operations", "编码,名称,工时费\nA,B,2\n", 400, "invalid", "sold_hours"},
		{"an old .xls", shop.RoleManager, "/api/v1/catalog/imports?kind=parts", "\xD0\xCF\x11\xE0", 400, "invalid", "file"},
		{"an unknown preview", shop.RoleManager, "/api/v1/catalog/imports/nosuch", "", 404, "not_found", ""},
	}
	for _, c := range cases {
		var body any
		if c.body != "" {
			body = c.body
		}
		r := ts.call(t, nil, "POST", c.path, ts.tokens[c.role], body)
		p := r.problem(t)
		if r.status != c.status || p.Code != c.code || (c.field != "" && (len(p.Errors) == 0 || p.Errors[0].Field != c.field)) {
			t.Errorf("%s: %d %s", c.name, r.status, r.body)
		}
	}
	if ts.store.LastSeq() != before {
		t.Error("a refused import changed the log")
	}
}

// The lists search and page; without a query they are the full lists
// a script may read.
func TestCatalogSearchAndPaging(t *testing.T) {
	ts := newTestShop(t)
	imp := &shop.ImportCatalogParts{}
	for i := 0; i < 120; i++ {
		imp.Parts = append(imp.Parts, shop.CatalogPart{Number: fmt.Sprintf("P-%03d", i), Name: fmt.Sprintf("零件%d", i), UnitPrice: 100, Active: i%2 == 0})
	}
	imp.Parts = append(imp.Parts, shop.CatalogPart{Number: "90915-YZZD1", Name: "机油滤清器", UnitPrice: 3580, Active: true})
	if _, err := ts.eng.Do(t.Context(), shop.Actor{System: true}, imp); err != nil {
		t.Fatal(err)
	}
	tok := ts.tokens[shop.RoleAdvisor]
	var full []shop.CatalogPart
	ts.call(t, nil, "GET", "/api/v1/catalog-parts", tok, nil).json(t, &full)
	if len(full) != 121 {
		t.Errorf("the full list has %d parts", len(full))
	}
	type page struct {
		Items  []shop.CatalogPart `json:"items"`
		Total  int                `json:"total"`
		Limit  int                `json:"limit"`
		Offset int                `json:"offset"`
	}
	cases := []struct {
		query       string
		total, n    int
		first, last string
	}{
		{"?limit=10", 121, 10, "90915-YZZD1", "P-008"},
		{"?limit=10&offset=115", 121, 6, "P-114", "P-119"},
		{"?q=jyl", 1, 1, "90915-YZZD1", "90915-YZZD1"},
		{"?q=p-11&active=true", 5, 5, "P-110", "P-118"},
		{"?q=90915YZZD1", 1, 1, "90915-YZZD1", "90915-YZZD1"},
		{"?q=" + url.QueryEscape("零件1") + "&limit=3", 31, 3, "P-001", "P-011"},
	}
	for _, c := range cases {
		var p page
		r := ts.call(t, nil, "GET", "/api/v1/catalog-parts"+c.query, tok, nil)
		r.json(t, &p)
		if p.Total != c.total || len(p.Items) != c.n || (c.n > 0 && (p.Items[0].Number != c.first || p.Items[len(p.Items)-1].Number != c.last)) {
			t.Errorf("%s: %s", c.query, r.body)
		}
	}
	for _, q := range []string{"?limit=0", "?limit=501", "?offset=-1", "?active=maybe"} {
		r := ts.call(t, nil, "GET", "/api/v1/operations"+q, tok, nil)
		if r.status != 400 || r.problem(t).Code != "invalid" {
			t.Errorf("%s: %d %s", q, r.status, r.body)
		}
	}
}

// A preview is kept for ImportPreviewFor on the wall clock; after that its
// confirmation is refused and nothing is written.
func TestCatalogImportPreviewExpires(t *testing.T) {
	wall := &testClock{now: t0}
	ts := newTestShopOptions(t, Options{WallClock: wall.Now})
	mgr := ts.tokens[shop.RoleManager]
	var pv importPreview
	ts.call(t, nil, "POST", "/api/v1/catalog/imports?kind=operations", mgr, "编码,名称,工时,工时费\nOIL,换机油,0.5,120\n").json(t, &pv)
	if pv.ID == "" || pv.Add != 1 {
		t.Fatalf("preview %+v", pv)
	}
	before := ts.store.LastSeq()
	wall.advance(ImportPreviewFor + time.Second)
	r := ts.call(t, nil, "POST", "/api/v1/catalog/imports/"+pv.ID, mgr, nil)
	if r.status != http.StatusNotFound || r.problem(t).Code != "not_found" || ts.store.LastSeq() != before || len(ts.eng.State().Operations) != 0 {
		t.Errorf("an expired preview: %d %s", r.status, r.body)
	}
}

// A catalogue file may be far larger than any other body (which
// TestBadInputGetsAProblemAndChangesNothing holds to 1 MiB): 60,000 parts,
// about 2.6 MiB of CSV, come in one file; a file over the import's own
// limit is refused.
func TestAWholePartsListComesInOneFile(t *testing.T) {
	ts := newTestShopOptions(t, Options{ImportLimit: 4 << 20})
	var b strings.Builder
	b.WriteString("零件号,名称,单价\n")
	for i := range 60000 {
		fmt.Fprintf(&b, "P%06d-OEM,机油滤清器 第%d号,%d.50\n", i, i, 30+i%200)
	}
	csv := b.String()
	if len(csv) <= DefaultBodyLimit {
		t.Fatalf("the file is only %d bytes", len(csv))
	}
	r := ts.call(t, nil, "POST", importPath+"?kind=parts&name=oem.csv", ts.tokens[shop.RoleManager], csv)
	var pv importPreview
	if r.status != 200 {
		t.Fatalf("a %d-byte parts list: %d %.300s", len(csv), r.status, r.body)
	}
	r.json(t, &pv)
	if pv.Rows != 60000 || pv.Valid != 60000 {
		t.Errorf("preview of %d rows, %d valid", pv.Rows, pv.Valid)
	}
	before := ts.store.LastSeq()
	// A file over the import's limit is refused from its declared length,
	// before it is read (the client may still be writing: HTTP by hand).
	conn, err := net.Dial("tcp", strings.TrimPrefix(ts.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(conn, "POST %s?kind=parts HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Length: %d\r\n\r\n", importPath, ts.tokens[shop.RoleManager], 5<<20)
	head := make([]byte, 12)
	io.ReadFull(conn, head)
	conn.Close()
	if string(head) != "HTTP/1.1 413" {
		t.Errorf("a file over the import's limit: %q", head)
	}
	if ts.store.LastSeq() != before {
		t.Error("a refused body changed the log")
	}
}
