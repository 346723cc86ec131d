package catalog

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"bayboard/internal/catalog/xlsxtest"
	"bayboard/internal/shop"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

func TestParseYuan(t *testing.T) {
	good := map[string]shop.Money{
		"128": 12800, "128.5": 12850, "128.50": 12850, "0.1": 10, "0.29": 29, ".5": 50, "128.": 12800,
		"1,280.00": 128000, "12,345,678.9": 1234567890, "¥128.50": 12850, "￥ 128.5": 12850, "128.50元": 12850,
		"12.5000": 1250, " 35.8 ": 3580, "-3": -300, "+7.07": 707, "0": 0, "9999999999999.99": 999999999999999,
	}
	for in, want := range good {
		if got, err := ParseYuan(in); err != nil || got != want {
			t.Errorf("ParseYuan(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	bad := map[string]error{
		"": errNotAmount, ".": errNotAmount, "abc": errNotAmount, "12.3.4": errNotAmount, "1,28": errNotAmount,
		"1234,567": errNotAmount, "1e3": errNotAmount, "12.345": errTooManyDecimal, "0.001": errTooManyDecimal,
		"12 345": errNotAmount, "10000000000000": errNotAmount, "--1": errNotAmount, "NaN": errNotAmount,
	}
	for in, want := range bad {
		if got, err := ParseYuan(in); !errors.Is(err, want) {
			t.Errorf("ParseYuan(%q) = %d, %v; want %v", in, got, err, want)
		}
	}
}

func TestParsePartsCSV(t *testing.T) {
	csv := "零件号,名称,单价（元）,备注\n" +
		"90915-YZZD1,机油滤清器,35.80,常用\n" +
		"\n" + // a blank line is not a row
		"04465-02220,\"前刹车片, 陶瓷\",\"1,280.00\",\n" +
		",没有号码,10,\n" +
		"X-1,,abc,\n" +
		"X-2,价格太精确,1.005,\n" +
		"90915-YZZD1,重复的号码,36,\n" +
		"X-3,负价格,-1,\n" +
		"X-4," + strings.Repeat("长", 81) + ",1,\n"
	f, err := Parse(KindParts, []byte(csv))
	if err != nil {
		t.Fatal(err)
	}
	if f.Format != FormatCSV || f.Encoding != EncodingUTF8 || f.HeaderRow != 1 || f.Rows != 8 {
		t.Errorf("format %s, encoding %s, header row %d, rows %d", f.Format, f.Encoding, f.HeaderRow, f.Rows)
	}
	wantCols := []Column{{"零件号", "number"}, {"名称", "name"}, {"单价（元）", "unit_price"}, {"备注", ""}}
	if !reflect.DeepEqual(f.Columns, wantCols) {
		t.Errorf("columns %+v", f.Columns)
	}
	wantParts := []PartRow{
		{2, shop.CatalogPart{Number: "90915-YZZD1", Name: "机油滤清器", UnitPrice: 3580, Active: true}},
		{4, shop.CatalogPart{Number: "04465-02220", Name: "前刹车片, 陶瓷", UnitPrice: 128000, Active: true}},
	}
	if !reflect.DeepEqual(f.Parts, wantParts) {
		t.Errorf("parts %+v", f.Parts)
	}
	wantErrors := []RowError{
		{5, "零件号", "number", "is required"},
		{6, "单价（元）", "unit_price", "is not an amount such as 12.50"},
		{6, "名称", "name", "is required"},
		{7, "单价（元）", "unit_price", "has more than two decimal places"},
		{8, "零件号", "number", "is listed twice (first on row 2)"},
		{9, "单价（元）", "unit_price", "must not be negative"},
		{10, "名称", "name", "is longer than 80 characters"},
	}
	if !reflect.DeepEqual(f.Errors, wantErrors) {
		t.Errorf("errors\n got %+v\nwant %+v", f.Errors, wantErrors)
	}
}

func TestParseOperationsCSVInEnglishWithBOMAndActive(t *testing.T) {
	csv := "\ufeffCode,Name,Sold hours,Price (CNY),Active\r\n" +
		"OIL-01,Oil change,0.5,120,yes\r\n" +
		"BRK-02,Brake pads front,1.2,\"216.00\",停用\r\n" +
		"BAD-03,Hours wrong,one,100,\r\n" +
		"BAD-04,Too long a job,250,100,\r\n" +
		"BAD-05,Active wrong,1,100,maybe\r\n"
	f, err := Parse(KindOperations, []byte(csv))
	if err != nil {
		t.Fatal(err)
	}
	want := []OperationRow{
		{2, shop.Operation{Code: "OIL-01", Name: "Oil change", SoldHours: 0.5, Price: 12000, Active: true}},
		{3, shop.Operation{Code: "BRK-02", Name: "Brake pads front", SoldHours: 1.2, Price: 21600, Active: false}},
	}
	if !reflect.DeepEqual(f.Operations, want) {
		t.Errorf("operations %+v", f.Operations)
	}
	wantErrors := []RowError{
		{4, "Sold hours", "sold_hours", "is not a number"},
		{5, "Sold hours", "sold_hours", "must be between 0 and 200"},
		{6, "Active", "active", "must be yes or no"},
	}
	if !reflect.DeepEqual(f.Errors, wantErrors) {
		t.Errorf("errors\n got %+v\nwant %+v", f.Errors, wantErrors)
	}
}

func TestParseGBKCSV(t *testing.T) {
	text := "配件编码;配件名称;销售价\n90915-YZZD1;机油滤清器;35.8\n"
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	f, err := Parse(KindParts, []byte(gbk))
	if err != nil {
		t.Fatal(err)
	}
	if f.Encoding != EncodingGB18030 || len(f.Parts) != 1 || f.Parts[0].Part.Name != "机油滤清器" || f.Parts[0].Part.UnitPrice != 3580 {
		t.Errorf("encoding %s, parts %+v, errors %+v", f.Encoding, f.Parts, f.Errors)
	}
}

func TestParseUTF16TabText(t *testing.T) {
	text := "零件号\t名称\t单价\r\n90915-YZZD1\t机油滤清器\t35.8\r\n"
	u16, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	f, err := Parse(KindParts, []byte(u16))
	if err != nil {
		t.Fatal(err)
	}
	if f.Encoding != EncodingUTF16 || len(f.Parts) != 1 || f.Parts[0].Part.Name != "机油滤清器" {
		t.Errorf("encoding %s, parts %+v, errors %+v", f.Encoding, f.Parts, f.Errors)
	}
}

func TestParseXLSX(t *testing.T) {
	book := xlsxtest.Workbook("配件", [][]any{
		{"OEM parts list 2026-12"}, // a title above the heading
		nil,
		{"零件号", "名称", nil, "单价"}, // a gap in the heading: column C is left out
		{"90915-YZZD1", "机油滤清器", nil, 35.8},
		{xlsxtest.Inline("04465-02220"), xlsxtest.Inline("前刹车片"), nil, 1280},
		{1234567890123.0, "号码是数字", nil, 12.5},
		{"X-1", "价格是字", nil, "很贵"},
	})
	// The first row with anything in it is the heading: a title above it
	// is named as the heading row that lacks the columns.
	_, err := Parse(KindParts, book)
	var fe *FileError
	if !errors.As(err, &fe) || fe.Field != "number" || !strings.Contains(fe.Message, "(row 1)") {
		t.Fatalf("a title above the heading: %v", err)
	}
	book = xlsxtest.Workbook("配件", [][]any{
		{"零件号", "名称", nil, "单价"},
		{"90915-YZZD1", "机油滤清器", nil, 35.8},
		{xlsxtest.Inline("04465-02220"), xlsxtest.Inline("前刹车片"), nil, 1280},
		{1234567890123.0, "号码是数字", nil, 12.5},
		{"X-1", "价格是字", nil, "很贵"},
	})
	f, err := Parse(KindParts, book)
	if err != nil {
		t.Fatal(err)
	}
	want := []PartRow{
		{2, shop.CatalogPart{Number: "90915-YZZD1", Name: "机油滤清器", UnitPrice: 3580, Active: true}},
		{3, shop.CatalogPart{Number: "04465-02220", Name: "前刹车片", UnitPrice: 128000, Active: true}},
		{4, shop.CatalogPart{Number: "1234567890123", Name: "号码是数字", UnitPrice: 1250, Active: true}},
	}
	if f.Format != FormatXLSX || !reflect.DeepEqual(f.Parts, want) {
		t.Errorf("format %s parts %+v", f.Format, f.Parts)
	}
	wantErrors := []RowError{{5, "单价", "unit_price", "is not an amount such as 12.50"}}
	if !reflect.DeepEqual(f.Errors, wantErrors) {
		t.Errorf("errors %+v", f.Errors)
	}
}

func TestParseRefusesFiles(t *testing.T) {
	cases := []struct {
		name  string
		kind  Kind
		data  string
		field string
		says  string
	}{
		{"empty", KindParts, " \n", "file", "is empty"},
		{"old xls", KindParts, "\xD0\xCF\x11\xE0rest", "file", ".xls"},
		{"broken zip", KindParts, "PK\x03\x04broken", "file", "not a readable .xlsx"},
		{"missing column", KindParts, "零件号,名称\nA,B\n", "unit_price", "has no column for it in its heading row (row 1)"},
		{"two columns for one field", KindParts, "零件号,配件编码,名称,单价\n", "number", "has two columns for it (零件号, 配件编码)"},
		{"heading only", KindOperations, "编码,名称,工时,工时费\n\n", "file", "no rows under it"},
		{"unknown kind", "tyres", "a\n", "kind", "must be operations or parts"},
		{"bad quotes", KindParts, "零件号,名称,单价\n\"A,B,1\n", "file", "line 2"},
		{"not text", KindParts, "\x81\x20\xff\xff", "file", "neither UTF-8 nor GBK"},
		{"odd UTF-16", KindParts, "\xff\xfe\x00\xd8", "file", "says it is UTF-16"},
	}
	for _, c := range cases {
		f, err := Parse(c.kind, []byte(c.data))
		var fe *FileError
		if !errors.As(err, &fe) || fe.Field != c.field || !strings.Contains(fe.Error(), c.says) || f != nil {
			t.Errorf("%s: %v (%#v)", c.name, err, fe)
		}
	}
}

func TestColumnIndex(t *testing.T) {
	for ref, want := range map[string]int{"A1": 0, "Z9": 25, "AA3": 26, "AZ1": 51, "BA1": 52, "XFD1": 16383} {
		if got, err := columnIndex(ref); err != nil || got != want {
			t.Errorf("%s: %d %v", ref, got, err)
		}
	}
	for _, ref := range []string{"1", "", "XFE1"} {
		if _, err := columnIndex(ref); err == nil {
			t.Errorf("%s read", ref)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("零件号,名称,单价\nA,B,1.5\n"), false)
	f.Add([]byte("code,name,hours,price\nA,B,1,2\n"), true)
	f.Add(xlsxtest.Workbook("s", [][]any{{"零件号", "名称", "单价"}, {"A", "B", 1.5}}), false)
	f.Fuzz(func(t *testing.T, data []byte, ops bool) {
		kind := KindParts
		if ops {
			kind = KindOperations
		}
		file, err := Parse(kind, data)
		if err != nil {
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("an error that is not a FileError: %v", err)
			}
			return
		}
		// Every good row is one the shop would save.
		for _, r := range file.Parts {
			if p := shop.CatalogPartProblems(r.Part); p != nil {
				t.Fatalf("row %d passed but %v", r.Row, p)
			}
		}
		for _, r := range file.Operations {
			if p := shop.OperationProblems(r.Operation); p != nil {
				t.Fatalf("row %d passed but %v", r.Row, p)
			}
		}
	})
}

func FuzzParseYuan(f *testing.F) {
	for _, s := range []string{"128.50", "1,280.00", "¥1", "-0.01", "1.005"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseYuan(s)
		if err != nil {
			return
		}
		// What was read is what is written back: the decimal text of the fen.
		back, err := ParseYuan(strings.TrimPrefix(shopYuan(m), "+"))
		if err != nil || back != m {
			t.Fatalf("%q → %d → %q → %d, %v", s, m, shopYuan(m), back, err)
		}
	})
}

func shopYuan(m shop.Money) string {
	sign := ""
	if m < 0 {
		sign, m = "-", -m
	}
	return sign + strings.TrimLeft(string(rune('0'+0)), "0") + itoa(int64(m)/100) + "." + pad2(int64(m)%100)
}

func itoa(n int64) string {
	if n == 0 {
		return "0"
	}
	s := ""
	for ; n > 0; n /= 10 {
		s = string(rune('0'+n%10)) + s
	}
	return s
}

func pad2(n int64) string { return string(rune('0'+n/10)) + string(rune('0'+n%10)) }
