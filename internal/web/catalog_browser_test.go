package web_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"bayboard/internal/catalog/xlsxtest"
	"bayboard/internal/livetest"
)

type catalogPage struct {
	Items []struct {
		Number    string `json:"number"`
		Code      string `json:"code"`
		Name      string `json:"name"`
		UnitPrice int64  `json:"unit_price"`
		Price     int64  `json:"price"`
	} `json:"items"`
	Total int `json:"total"`
}

// The manager imports the maker's parts list (an .xlsx workbook) and the
// DMS's labour list (a CSV file) on the catalogue page: each is read into
// a preview with its bad rows and their reasons, nothing is written until
// the import is confirmed, and then the lists show and find the new rows.
func TestTheManagerImportsTheCatalogue(t *testing.T) {
	ls := startShop(t, livetest.Options{Demo: true})
	ctx := livetest.Browser(t, 1366, 900)
	signIn(t, ctx, ls, "manager", "/admin/catalog")
	wait := func(what, cond string) { t.Helper(); livetest.WaitFor(t, ctx, what, cond, 10*time.Second) }
	wait("the parts list", `/\d/.test(document.querySelector("#parts-shown")?.textContent || "")`)

	dir := t.TempDir()
	book := filepath.Join(dir, "配件价格表.xlsx")
	if err := os.WriteFile(book, xlsxtest.Workbook("配件", [][]any{
		{"配件编码", "配件名称", "销售价（元）", "备注"},
		{"26300-35505", "Oil filter 机油滤清器", 130.0, "调价"}, // a demo part, its price changed
		{"90915-YZZD1", "机油滤清器（丰田）", 35.8, nil},
		{"X-1", "价格写错", "很贵", nil},
	}), 0o600); err != nil {
		t.Fatal(err)
	}
	livetest.Upload(t, ctx, "#import-form input[name=file]", book)
	fill(t, ctx, "#import-form", map[string]any{"kind": "parts"}, true)
	wait("the preview", `!!document.querySelector("#import-summary") && document.querySelectorAll("#import-items tbody tr").length === 2`)
	if got := livetest.Eval[string](t, ctx, `document.querySelector("#import-errors tr[data-row='4']")?.innerText || ""`); got != "4\t销售价（元）\t不是金额（如 12.50）" {
		t.Errorf("the bad row reads %q", got)
	}
	if got := livetest.Eval[string](t, ctx, `[...document.querySelectorAll("#import-items tbody tr")].map((r) => r.dataset.row + " " + r.cells[1].innerText).join(", ")`); got != "2 修改, 3 新增" {
		t.Errorf("the rows to import: %q", got)
	}
	livetest.Screenshot(t, ctx, "admin-catalog-import")
	var page catalogPage
	ls.Get("/api/v1/catalog-parts?q=90915-YZZD1", &page)
	if page.Total != 0 {
		t.Fatal("the preview wrote the new part")
	}

	livetest.Eval[bool](t, ctx, `(document.querySelector("#import-confirm").click(), true)`)
	wait("the import done", `!!document.querySelector("#import-done")`)
	ls.Get("/api/v1/catalog-parts?q=机油滤清器", &page)
	prices := map[string]int64{}
	for _, p := range page.Items {
		prices[p.Number] = p.UnitPrice
	}
	if page.Total != 2 || prices["26300-35505"] != 13000 || prices["90915-YZZD1"] != 3580 {
		t.Errorf("after the import: %+v", page)
	}

	// The list finds both oil filters by the pinyin initials of 机油滤.
	livetest.Eval[bool](t, ctx, `(() => { const s = document.querySelector("#parts-search"); s.value = "jyl"; s.dispatchEvent(new Event("input")); return true })()`)
	wait("the parts found", `[...document.querySelectorAll("#parts tbody tr")].map((r) => r.dataset.id).join(",") === "26300-35505,90915-YZZD1"`)

	// The labour list, as a DMS writes CSV: UTF-8 with a byte-order mark.
	csv := filepath.Join(dir, "labour.csv")
	if err := os.WriteFile(csv, []byte("\ufeff编码,名称,工时,工时费\r\nM01,更换机油机滤 Oil service,0.8,170\r\nW01,更换雨刮片,0.2,30.00\r\nW02,工时写错,两个,30\r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	livetest.Upload(t, ctx, "#import-form input[name=file]", csv)
	fill(t, ctx, "#import-form", map[string]any{"kind": "operations"}, true)
	wait("the labour preview", `document.querySelectorAll("#import-items tbody tr").length === 2 && !!document.querySelector("#import-errors tr[data-row='4']")`)
	livetest.Eval[bool](t, ctx, `(document.querySelector("#import-confirm").click(), true)`)
	wait("the labour imported", `!!document.querySelector("#import-done")`)
	ls.Get("/api/v1/operations?q=W0", &page)
	if page.Total != 1 || page.Items[0].Code != "W01" || page.Items[0].Price != 3000 {
		t.Errorf("labour after the import: %+v", page)
	}
	ls.Get("/api/v1/operations?q=M01", &page)
	if page.Total != 1 || page.Items[0].Price != 17000 {
		t.Errorf("M01 after the import: %+v", page)
	}
}
