package web

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"
)

// cell is one cell of a spreadsheet export: text, which a spreadsheet must
// never run, or a number, which it must read as a number. An export names
// which each column is, so no text reaches a sheet unguarded.
type cell struct {
	value string
}

// formulaStarts are the characters that make a spreadsheet read a cell as a
// formula (OWASP's CSV injection list), with the full-width forms a Chinese
// input method types and some spreadsheets read alike.
const formulaStarts = "=+-@\t\r＝＋－＠"

// textCell is a cell of text; one a spreadsheet would run as a formula
// (=HYPERLINK(…), +cmd|…, @SUM(…)) is prefixed with a single quote, as
// OWASP advises, so the sheet shows it as the text it is.
func textCell(s string) cell {
	if s != "" && strings.ContainsRune(formulaStarts, []rune(s)[0]) {
		return cell{"'" + s}
	}
	return cell{s}
}

// numberCell is a number with the given decimals, written as a number.
func numberCell(f float64, decimals int) cell {
	return cell{strconv.FormatFloat(f, 'f', decimals, 64)}
}

// intCell is a whole number, written as a number.
func intCell(n int) cell { return cell{strconv.Itoa(n)} }

// sheet writes a CSV export for a spreadsheet: a UTF-8 byte order mark
// first, so that Excel shows the Chinese right, then rows of cells.
type sheet struct{ w *csv.Writer }

func newSheet(w io.Writer) (*sheet, error) {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return nil, err
	}
	return &sheet{csv.NewWriter(w)}, nil
}

// header writes the column names.
func (s *sheet) header(names ...string) error {
	row := make([]cell, len(names))
	for i, n := range names {
		row[i] = textCell(n)
	}
	return s.row(row...)
}

func (s *sheet) row(cells ...cell) error {
	rec := make([]string, len(cells))
	for i, c := range cells {
		rec[i] = c.value
	}
	return s.w.Write(rec)
}

func (s *sheet) flush() error {
	s.w.Flush()
	return s.w.Error()
}
