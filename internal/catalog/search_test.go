package catalog

import (
	"fmt"
	"reflect"
	"testing"

	"bayboard/internal/shop"
)

func TestInitials(t *testing.T) {
	for name, want := range map[string]string{
		"机油滤清器":           "jylqq",
		"前刹车片":            "qscp",
		"空气滤芯":            "kqlx",
		"火花塞":             "hhs",
		"5W-30全合成机油":      "5w30qhcjy",
		"Wiper blade 雨刮片": "wiperbladeygp",
		"啊座":              "az", // the first and last characters of level 1
	} {
		if got := Initials(name); got != want {
			t.Errorf("Initials(%q) = %q, want %q", name, got, want)
		}
	}
}

func partsIndex(parts ...shop.CatalogPart) *Index[shop.CatalogPart] {
	m := map[string]*shop.CatalogPart{}
	for i := range parts {
		m[parts[i].Number] = &parts[i]
	}
	return NewIndex(m, func(p *shop.CatalogPart) string { return p.Number }, func(p *shop.CatalogPart) string { return p.Name })
}

func numbers(p Page[shop.CatalogPart]) []string {
	out := []string{}
	for _, it := range p.Items {
		out = append(out, it.Number)
	}
	return out
}

func TestSearch(t *testing.T) {
	x := partsIndex(
		shop.CatalogPart{Number: "90915-YZZD1", Name: "机油滤清器", Active: true},
		shop.CatalogPart{Number: "17801-21050", Name: "空气滤芯", Active: true},
		shop.CatalogPart{Number: "04465-02220", Name: "前刹车片", Active: true},
		shop.CatalogPart{Number: "90919-01253", Name: "火花塞", Active: false},
		shop.CatalogPart{Number: "JY-0001", Name: "Engine oil 5W-30", Active: true},
		shop.CatalogPart{Number: "A-90915", Name: "滤清器支架", Active: true},
	)
	cases := []struct {
		q             string
		active        bool
		offset, limit int
		want          []string
		total         int
	}{
		{"", false, 0, -1, []string{"04465-02220", "17801-21050", "90915-YZZD1", "90919-01253", "A-90915", "JY-0001"}, 6},
		{"", false, 2, 2, []string{"90915-YZZD1", "90919-01253"}, 6},
		{"jyl", false, 0, -1, []string{"90915-YZZD1"}, 1},           // 机油滤清器 by initials
		{"JY", false, 0, -1, []string{"JY-0001", "90915-YZZD1"}, 2}, // the code starting with it first
		{"滤", false, 0, -1, []string{"17801-21050", "90915-YZZD1", "A-90915"}, 3},
		{"90915", false, 0, -1, []string{"90915-YZZD1", "A-90915"}, 2},
		{"90915yzzd1", false, 0, -1, []string{"90915-YZZD1"}, 1}, // typed without the dash
		{"hhs", true, 0, -1, []string{}, 0},                      // 火花塞 is not in use
		{"hhs", false, 0, -1, []string{"90919-01253"}, 1},
		{"oil 5w", false, 0, -1, []string{"JY-0001"}, 1},
		{"qq", false, 1, 5, []string{"A-90915"}, 2}, // 机油滤清器 jylqq, 滤清器支架 lqqzj
		{"nothing", false, 0, 10, []string{}, 0},
		{"\x1f", false, 0, 1, []string{"04465-02220"}, 6}, // a separator is not a query
	}
	for _, c := range cases {
		var keep func(*shop.CatalogPart) bool
		if c.active {
			keep = func(p *shop.CatalogPart) bool { return p.Active }
		}
		got := x.Search(c.q, keep, c.offset, c.limit)
		if !reflect.DeepEqual(numbers(got), c.want) || got.Total != c.total {
			t.Errorf("Search(%q, active %v, %d, %d) = %v total %d; want %v total %d", c.q, c.active, c.offset, c.limit, numbers(got), got.Total, c.want, c.total)
		}
	}
}

func TestIndexesRebuildOnlyForANewList(t *testing.T) {
	var ix Indexes
	s := shop.NewState()
	s.CatalogParts["A"] = &shop.CatalogPart{Number: "A", Name: "一"}
	first := ix.Parts(s)
	if ix.Parts(s) != first {
		t.Fatal("the same list was indexed again")
	}
	next := *s
	next.CatalogParts = map[string]*shop.CatalogPart{"A": s.CatalogParts["A"], "B": {Number: "B", Name: "二"}}
	if got := ix.Parts(&next); got == first || got.Len() != 2 {
		t.Fatalf("a new list kept the old index (%d items)", got.Len())
	}
}

func benchIndex(b *testing.B, n int) *Index[shop.CatalogPart] {
	names := []string{"机油滤清器", "空气滤芯", "前刹车片", "后刹车片", "火花塞", "雨刮片", "正时皮带", "水泵", "节温器", "减震器"}
	m := make(map[string]*shop.CatalogPart, n)
	for i := 0; i < n; i++ {
		num := fmt.Sprintf("%05d-%05d", i%90000+10000, i)
		m[num] = &shop.CatalogPart{Number: num, Name: fmt.Sprintf("%s %d型", names[i%len(names)], i%97), UnitPrice: shop.Money(1000 + i), Active: i%7 != 0}
	}
	return NewIndex(m, func(p *shop.CatalogPart) string { return p.Number }, func(p *shop.CatalogPart) string { return p.Name })
}

// BenchmarkTypeAhead is one keystroke's answer at reception on a
// catalogue of 50,000 parts: the first 20 in-use parts matching.
func BenchmarkTypeAhead(b *testing.B) {
	x := benchIndex(b, 50_000)
	active := func(p *shop.CatalogPart) bool { return p.Active }
	for _, q := range []string{"jyl", "12345", "刹车", "zzz"} {
		b.Run(q, func(b *testing.B) {
			for b.Loop() {
				x.Search(q, active, 0, 20)
			}
		})
	}
}

// BenchmarkIndexBuild is the index of 50,000 parts built again, as after
// each change of the catalogue (on the first search that follows it).
func BenchmarkIndexBuild(b *testing.B) {
	m := benchIndex(b, 50_000).items
	parts := make(map[string]*shop.CatalogPart, len(m))
	for _, p := range m {
		parts[p.Number] = p
	}
	for b.Loop() {
		NewIndex(parts, func(p *shop.CatalogPart) string { return p.Number }, func(p *shop.CatalogPart) string { return p.Name })
	}
}
