package catalog_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"bayboard/internal/catalog"
	"bayboard/internal/catalog/xlsxtest"
	"bayboard/internal/engine"
	"bayboard/internal/shop"
	"bayboard/internal/store"
)

// oemList is a maker's parts list of n numbers, as a workbook and as CSV.
func oemList(n int) (xlsx, csv []byte) {
	names := []string{"机油滤清器", "空气滤芯", "前刹车片", "后刹车片", "火花塞", "雨刮片", "正时皮带", "水泵", "节温器", "减震器"}
	rows := [][]any{{"零件号", "零件名称", "销售价（元）"}}
	var b strings.Builder
	b.WriteString("零件号,零件名称,销售价（元）\n")
	for i := 0; i < n; i++ {
		num := fmt.Sprintf("%05d-%05d", 10000+i%90000, i)
		name := fmt.Sprintf("%s %d型", names[i%len(names)], i%97)
		price := float64(1000+i%50000) / 100 // 10.00 … 509.99 yuan
		rows = append(rows, []any{num, name, price})
		fmt.Fprintf(&b, "%s,%s,%.2f\n", num, name, price)
	}
	return xlsxtest.Workbook("配件", rows), []byte(b.String())
}

// BenchmarkImport50000Parts is the whole import of a 50,000-part list
// into an empty shop: the file read, the rows checked, the one command
// applied and committed (written and fsynced) by the engine.
func BenchmarkImport50000Parts(b *testing.B) {
	xlsx, csv := oemList(50_000)
	for _, file := range []struct {
		name string
		data []byte
	}{{"xlsx", xlsx}, {"csv", csv}} {
		b.Run(file.name, func(b *testing.B) {
			b.SetBytes(int64(len(file.data)))
			for b.Loop() {
				b.StopTimer()
				st, err := store.Open(filepath.Join(b.TempDir(), "shop.db"))
				if err != nil {
					b.Fatal(err)
				}
				t0 := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
				state, _, err := st.Load(t0)
				if err != nil {
					b.Fatal(err)
				}
				eng := engine.New(st, state, func() time.Time { return t0 })
				b.StartTimer()

				f, err := catalog.Parse(catalog.KindParts, file.data)
				if err != nil || len(f.Errors) > 0 || len(f.Parts) != 50_000 {
					b.Fatalf("%v, %d errors, %d parts", err, len(f.Errors), len(f.Parts))
				}
				imp := &shop.ImportCatalogParts{Source: "oem." + file.name}
				for _, r := range f.Parts {
					imp.Parts = append(imp.Parts, r.Part)
				}
				if _, err := eng.Do(context.Background(), shop.Actor{System: true}, imp); err != nil {
					b.Fatal(err)
				}

				b.StopTimer()
				if got := len(eng.State().CatalogParts); got != 50_000 {
					b.Fatalf("%d parts in the shop", got)
				}
				eng.Close()
				st.Close()
				b.StartTimer()
			}
		})
	}
}

// BenchmarkParse50000Parts is the file read alone.
func BenchmarkParse50000Parts(b *testing.B) {
	xlsx, csv := oemList(50_000)
	for _, file := range []struct {
		name string
		data []byte
	}{{"xlsx", xlsx}, {"csv", csv}} {
		b.Run(file.name, func(b *testing.B) {
			b.SetBytes(int64(len(file.data)))
			for b.Loop() {
				if _, err := catalog.Parse(catalog.KindParts, file.data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
