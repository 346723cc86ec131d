package shop

import (
	"fmt"
	"time"
)

// The catalogue's rules, kept once: a put command and an imported row are
// checked by the same functions.

// Catalogue limits.
const (
	MaxOperationCode = 20
	MaxPartNumber    = 40
	MaxSoldHours     = 200
	// MaxImportRows bounds one import: an OEM's full parts list for one
	// brand is some tens of thousands of numbers.
	MaxImportRows = 100_000
)

func checkOperation(p *problems, prefix string, o Operation) {
	checkText(p, prefix+"code", o.Code, MaxOperationCode, true)
	checkText(p, prefix+"name", o.Name, maxName, true)
	if hours := prefix + "sold_hours"; o.SoldHours < 0 || o.SoldHours > MaxSoldHours {
		p.add(hours, "must be between 0 and 200") // MaxSoldHours
	}
	checkMoney(p, prefix+"price", o.Price, MaxLinePrice)
}

func checkCatalogPart(p *problems, prefix string, cp CatalogPart) {
	checkText(p, prefix+"number", cp.Number, MaxPartNumber, true)
	checkText(p, prefix+"name", cp.Name, maxName, true)
	checkMoney(p, prefix+"unit_price", cp.UnitPrice, MaxLinePrice)
}

// OperationProblems says what is wrong with an operation, field by field
// (code, name, sold_hours, price); nil when it may be saved.
func OperationProblems(o Operation) []FieldError {
	var p problems
	checkOperation(&p, "", o)
	return p
}

// CatalogPartProblems says what is wrong with a catalogue part, field by
// field (number, name, unit_price); nil when it may be saved.
func CatalogPartProblems(cp CatalogPart) []FieldError {
	var p problems
	checkCatalogPart(&p, "", cp)
	return p
}

// ImportSummary is what an import did, for its one event and its answer.
type ImportSummary struct {
	Source    string `json:"source"`
	Rows      int    `json:"rows"`
	Added     int    `json:"added"`
	Updated   int    `json:"updated"`
	Unchanged int    `json:"unchanged"`
}

// ImportOperations adds or changes many catalogue operations at once, by
// their codes, as one change with one event. Operations the file does not
// name are left as they are.
type ImportOperations struct {
	kind
	Source     string      `json:"-"`
	Operations []Operation `json:"-"`
	summary    ImportSummary
}

func (c *ImportOperations) CommandType() string { return "import_operations" }
func (c *ImportOperations) apply(d *Draft, a Actor, now time.Time) (result, error) {
	var err error
	c.summary, err = importRows(d, &d.operations, c.Source, "operations", "code", c.Operations,
		func(o Operation) string { return o.Code }, checkOperation)
	return result{subject: "operations"}, err
}

// Summary is what the import did, once applied.
func (c *ImportOperations) Summary() ImportSummary { return c.summary }

// eventData logs what the import did, not its rows: the records written
// with the event hold them.
func (c *ImportOperations) eventData() any { return c.summary }

// ImportCatalogParts adds or changes many catalogue parts at once, by
// their numbers, as one change with one event. Parts the file does not
// name are left as they are.
type ImportCatalogParts struct {
	kind
	Source  string        `json:"-"`
	Parts   []CatalogPart `json:"-"`
	summary ImportSummary
}

func (c *ImportCatalogParts) CommandType() string { return "import_catalog_parts" }
func (c *ImportCatalogParts) apply(d *Draft, a Actor, now time.Time) (result, error) {
	var err error
	c.summary, err = importRows(d, &d.catalogParts, c.Source, "parts", "number", c.Parts,
		func(cp CatalogPart) string { return cp.Number }, checkCatalogPart)
	return result{subject: "catalog_parts"}, err
}

// Summary is what the import did, once applied.
func (c *ImportCatalogParts) Summary() ImportSummary { return c.summary }

func (c *ImportCatalogParts) eventData() any { return c.summary }

// importRows checks an import's rows (each by the rules of its put
// command, a code given twice refused, at most MaxImportRows) and writes
// the new and changed ones into the catalogue's layer by their code:
// rows the same as the catalogue's are not written again. The rows are
// named list[i].field in a refusal; nothing is written unless every row
// is good.
func importRows[T comparable](d *Draft, l *layer[T], source, list, codeField string, rows []T, code func(T) string, check func(*problems, string, T)) (ImportSummary, error) {
	var p problems
	if len(rows) == 0 {
		p.add("rows", "the file has no row to import")
	}
	if len(rows) > MaxImportRows {
		p.add("rows", "has more than %d rows", MaxImportRows)
	}
	seen := make(map[string]bool, len(rows))
	for i, r := range rows {
		prefix := fmt.Sprintf("%s[%d].", list, i)
		check(&p, prefix, r)
		if seen[code(r)] {
			p.add(prefix+codeField, "appears twice")
		}
		seen[code(r)] = true
		if len(p) > 20 {
			break // enough to say the import is wrong
		}
	}
	if err := p.err(); err != nil {
		return ImportSummary{}, err
	}
	sum := ImportSummary{Source: source, Rows: len(rows)}
	for i := range rows {
		r := rows[i]
		switch old := l.get(code(r)); {
		case old == nil:
			sum.Added++
		case *old == r:
			sum.Unchanged++
			continue
		default:
			sum.Updated++
		}
		set(d, l, code(r), &r)
	}
	return sum, nil
}

// PutOperation adds or changes a catalogue operation, by its code.
type PutOperation struct {
	kind
	Operation Operation `json:"operation"`
}

func (c *PutOperation) CommandType() string { return "put_operation" }

func (c *PutOperation) apply(d *Draft, a Actor, now time.Time) (result, error) {
	var p problems
	o := c.Operation
	checkOperation(&p, "operation.", o)
	if err := p.err(); err != nil {
		return result{}, err
	}
	set(d, &d.operations, o.Code, &o)
	return result{subject: o.Code}, nil
}

// PutCatalogPart adds or changes a catalogue part, by its number.
type PutCatalogPart struct {
	kind
	Part CatalogPart `json:"part"`
}

func (c *PutCatalogPart) CommandType() string { return "put_catalog_part" }

func (c *PutCatalogPart) apply(d *Draft, a Actor, now time.Time) (result, error) {
	var p problems
	cp := c.Part
	checkCatalogPart(&p, "part.", cp)
	if err := p.err(); err != nil {
		return result{}, err
	}
	set(d, &d.catalogParts, cp.Number, &cp)
	return result{subject: cp.Number}, nil
}
