package catalog

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"

	"bayboard/internal/shop"
)

// Kind is what a file brings in.
type Kind string

const (
	KindOperations Kind = "operations"
	KindParts      Kind = "parts"
)

// Formats of a file.
const (
	FormatCSV  = "csv"
	FormatXLSX = "xlsx"
)

// FileError is a file that cannot be imported at all: not a table, no
// header, a required column missing.
type FileError struct {
	Field   string // "file", or the missing column's field
	Message string
}

// refusal makes FileErrors, saying what is wrong as the shop's commands
// do (the staff pages translate the sayings).
type refusal struct{}

func (refusal) add(field, format string, args ...any) *FileError {
	return &FileError{Field: field, Message: fmt.Sprintf(format, args...)}
}

var refuse refusal

func (e *FileError) Error() string {
	if e.Field == "file" || e.Field == "kind" {
		return "the " + e.Field + " " + e.Message
	}
	return "the file's " + e.Field + " column: " + e.Message
}

// RowError says why one row cannot be imported: its row number as the
// person sees it in the file, the column's heading as the file writes it,
// the field it fills, and why.
type RowError struct {
	Row     int    `json:"row"`
	Column  string `json:"column,omitempty"`
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Column is one heading of the file and the field it fills; Field is
// empty for a column the import does not read.
type Column struct {
	Header string `json:"header"`
	Field  string `json:"field,omitempty"`
}

// OperationRow and PartRow are good rows, with where they are in the file.
type OperationRow struct {
	Row       int            `json:"row"`
	Operation shop.Operation `json:"operation"`
}

type PartRow struct {
	Row  int              `json:"row"`
	Part shop.CatalogPart `json:"part"`
}

// File is a read file: its good rows and each bad row's errors.
type File struct {
	Kind       Kind           `json:"kind"`
	Format     string         `json:"format"`
	Encoding   string         `json:"encoding,omitempty"`
	HeaderRow  int            `json:"header_row"`
	Columns    []Column       `json:"columns"`
	Rows       int            `json:"rows"` // data rows, blank ones not counted
	Operations []OperationRow `json:"operations,omitempty"`
	Parts      []PartRow      `json:"parts,omitempty"`
	Errors     []RowError     `json:"errors"`
}

// headings maps each field to the headings DMS exports and OEM parts lists
// use for it, zh-CN and en, normalised as normHeading writes them.
var headings = map[Kind]map[string][]string{
	KindParts: {
		"number":     {"零件号", "零件编号", "零件编码", "配件编码", "配件编号", "配件号", "配件代码", "备件号", "备件编号", "备件编码", "件号", "物料号", "物料编码", "编码", "编号", "partnumber", "partno", "part#", "number", "pn", "code", "sku"},
		"name":       {"名称", "零件名称", "配件名称", "备件名称", "物料名称", "品名", "中文名称", "name", "partname", "description"},
		"unit_price": {"单价", "销售价", "销售单价", "零售价", "零售单价", "售价", "价格", "unitprice", "price", "retailprice", "listprice", "saleprice"},
		"active":     {"启用", "状态", "有效", "是否启用", "active", "enabled", "status", "inuse"},
	},
	KindOperations: {
		"code":       {"编码", "工时编码", "工时代码", "项目编码", "项目代码", "操作代码", "代码", "编号", "code", "operationcode", "opcode", "labourcode", "laborcode"},
		"name":       {"名称", "项目名称", "工时名称", "维修项目", "作业名称", "name", "operation", "description"},
		"sold_hours": {"工时", "标准工时", "工时数", "销售工时", "soldhours", "hours", "labourhours", "laborhours"},
		"price":      {"工时费", "单价", "价格", "金额", "销售价", "price", "labourprice", "laborprice", "amount"},
		"active":     {"启用", "状态", "有效", "是否启用", "active", "enabled", "status", "inuse"},
	},
}

// required are the columns a file must have.
var required = map[Kind][]string{
	KindParts:      {"number", "name", "unit_price"},
	KindOperations: {"code", "name", "sold_hours", "price"},
}

// normHeading makes "单价（元）", "Unit Price (CNY)" and "unit_price" the
// same as "单价", "unitprice" and "unitprice": a unit in brackets, case,
// spaces, underscores, dashes and dots do not matter.
func normHeading(h string) string {
	h = strings.TrimSpace(h)
	for _, open := range []string{"(", "（", "["} {
		if i := strings.Index(h, open); i > 0 {
			h = h[:i]
		}
	}
	var b strings.Builder
	for _, r := range strings.ToLower(h) {
		if unicode.IsSpace(r) || r == '_' || r == '-' || r == '.' || r == '\ufeff' {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Parse reads a CSV or .xlsx file (told apart by their bytes, not their
// names) of operations or parts. A file that cannot be read at all is a
// *FileError; a readable file returns its good rows and an error for each
// bad one, and a part number or operation code that appears twice keeps
// its first row.
func Parse(kind Kind, data []byte) (*File, error) {
	if _, ok := headings[kind]; !ok {
		return nil, refuse.add("kind", "must be operations or parts")
	}
	f := &File{Kind: kind, Errors: []RowError{}}
	var rows []row
	var err error
	switch {
	case len(bytes.TrimSpace(data)) == 0:
		return nil, refuse.add("file", "is empty")
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		f.Format = FormatXLSX
		rows, err = readXLSX(data)
	case bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		return nil, refuse.add("file", "is an old Excel .xls workbook: save it as .xlsx or CSV")
	default:
		f.Format = FormatCSV
		var text string
		if text, f.Encoding, err = decodeText(data); err == nil {
			rows, err = readCSV(text)
		}
	}
	if err != nil {
		return nil, &FileError{Field: "file", Message: err.Error()} // the readers' own words
	}
	// The first row with anything in it is the heading.
	start := 0
	for start < len(rows) && rows[start].blank() {
		start++
	}
	if start == len(rows) {
		return nil, refuse.add("file", "has no rows")
	}
	head := rows[start]
	f.HeaderRow = head.number
	fieldCol := map[string]int{}
	for i, h := range head.cells {
		c := Column{Header: strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))}
		n := normHeading(h)
		for field, names := range headings[kind] {
			for _, name := range names {
				if n == name {
					c.Field = field
				}
			}
		}
		if c.Field != "" {
			if prev, dup := fieldCol[c.Field]; dup {
				return nil, refuse.add(c.Field, "has two columns for it (%s)", f.Columns[prev].Header+", "+c.Header)
			}
			fieldCol[c.Field] = i
		}
		f.Columns = append(f.Columns, c)
	}
	var missing []string
	for _, field := range required[kind] {
		if _, ok := fieldCol[field]; !ok {
			missing = append(missing, field)
		}
	}
	if len(missing) > 0 {
		// The first missing column is named by its field; the heading row
		// is where the person looks for it.
		first := missing[0]
		return nil, refuse.add(first, "has no column for it in its heading row (row %d)", head.number)
	}
	firstRow := map[string]int{} // code → the row it was first read on
	for _, r := range rows[start+1:] {
		if r.blank() {
			continue
		}
		f.Rows++
		p := rowParser{file: f, row: r, cols: fieldCol}
		switch kind {
		case KindParts:
			cp := shop.CatalogPart{
				Number:    p.text("number"),
				Name:      p.text("name"),
				UnitPrice: p.money("unit_price"),
				Active:    p.active(),
			}
			p.domain(shop.CatalogPartProblems(cp))
			if p.ok() && p.unique(firstRow, "number", cp.Number) {
				f.Parts = append(f.Parts, PartRow{Row: r.number, Part: cp})
			}
		case KindOperations:
			o := shop.Operation{
				Code:      p.text("code"),
				Name:      p.text("name"),
				SoldHours: p.hours("sold_hours"),
				Price:     p.money("price"),
				Active:    p.active(),
			}
			p.domain(shop.OperationProblems(o))
			if p.ok() && p.unique(firstRow, "code", o.Code) {
				f.Operations = append(f.Operations, OperationRow{Row: r.number, Operation: o})
			}
		}
	}
	if f.Rows == 0 {
		return nil, refuse.add("file", "has a heading row (row %d) but no rows under it", head.number)
	}
	return f, nil
}

// rowParser reads one row's cells, noting an error per bad field.
type rowParser struct {
	file  *File
	row   row
	cols  map[string]int
	bad   map[string]bool
	count int
}

func (p *rowParser) cell(field string) string {
	i, ok := p.cols[field]
	if !ok || i >= len(p.row.cells) {
		return ""
	}
	return strings.TrimSpace(p.row.cells[i])
}

// add notes why a field of the row is refused.
func (p *rowParser) add(field, format string, args ...any) {
	message := fmt.Sprintf(format, args...)
	if p.bad[field] {
		return // one reason per field is enough
	}
	if p.bad == nil {
		p.bad = map[string]bool{}
	}
	p.bad[field] = true
	p.count++
	col := ""
	if i, ok := p.cols[field]; ok {
		col = p.file.Columns[i].Header
	}
	p.file.Errors = append(p.file.Errors, RowError{Row: p.row.number, Column: col, Field: field, Message: message})
}

func (p *rowParser) ok() bool { return p.count == 0 }

func (p *rowParser) text(field string) string { return p.cell(field) }

func (p *rowParser) money(field string) shop.Money {
	s := p.cell(field)
	if s == "" {
		p.add(field, "is required")
		return 0
	}
	m, err := ParseYuan(s)
	switch {
	case errors.Is(err, errTooManyDecimal):
		p.add(field, "has more than two decimal places")
	case err != nil:
		p.add(field, "is not an amount such as 12.50")
	}
	return m
}

func (p *rowParser) hours(field string) float64 {
	s := p.cell(field)
	if s == "" {
		p.add(field, "is required")
		return 0
	}
	h, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSuffix(s, "h"), "小时"), 64)
	if err != nil || math.IsNaN(h) || math.IsInf(h, 0) {
		p.add(field, "is not a number")
		return 0
	}
	return h
}

// active reads an optional yes/no column; a file without one, or a blank
// cell, imports the row as in use.
func (p *rowParser) active() bool {
	switch strings.ToLower(p.cell("active")) {
	case "", "是", "y", "yes", "true", "1", "启用", "有效", "正常", "active", "在用":
		return true
	case "否", "n", "no", "false", "0", "停用", "禁用", "无效", "inactive", "停售":
		return false
	}
	p.add("active", "must be yes or no")
	return true
}

// domain adds the shop's own objections (a name too long, a negative
// price) for the fields not already refused.
func (p *rowParser) domain(problems []shop.FieldError) {
	for _, fe := range problems {
		p.add(fe.Field, "%s", fe.Message)
	}
}

func (p *rowParser) unique(first map[string]int, field, code string) bool {
	if at, dup := first[code]; dup {
		p.add(field, "is listed twice (first on row %d)", at)
		return false
	}
	first[code] = p.row.number
	return true
}
