package catalog

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
)

// maxXMLPart bounds what one part of a workbook may inflate to, so a
// small zip that unpacks to gigabytes is refused rather than read.
const maxXMLPart = 256 << 20

// readXLSX reads the first sheet of a workbook into rows of text, each
// numbered as the spreadsheet numbers it. Shared strings, inline strings,
// formula results and numbers are read; a number is written back as the
// shortest decimal that is the same double (Excel keeps 35.8 as
// 35.799999999999997), so a price keeps the digits the person typed.
func readXLSX(data []byte) ([]row, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("is not a readable .xlsx workbook (%v)", err)
	}
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		files[strings.TrimPrefix(f.Name, "/")] = f
	}
	sheet, err := firstSheet(files)
	if err != nil {
		return nil, err
	}
	var shared []string
	if f := files["xl/sharedStrings.xml"]; f != nil {
		if shared, err = readSharedStrings(f); err != nil {
			return nil, err
		}
	}
	return readSheet(files[sheet], shared)
}

func openPart(f *zip.File) (*xml.Decoder, func() error, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, nil, fmt.Errorf("cannot read %s in the workbook (%v)", f.Name, err)
	}
	return xml.NewDecoder(io.LimitReader(rc, maxXMLPart)), rc.Close, nil
}

// firstSheet finds the part of the workbook's first sheet, through the
// workbook's relationships; a workbook without them has sheet1.xml.
func firstSheet(files map[string]*zip.File) (string, error) {
	wb, rels := files["xl/workbook.xml"], files["xl/_rels/workbook.xml.rels"]
	if wb == nil {
		return "", errors.New("is not an .xlsx workbook (it has no xl/workbook.xml)")
	}
	var book struct {
		Sheets []struct {
			RID string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	if err := decodePart(wb, &book); err != nil {
		return "", err
	}
	if len(book.Sheets) > 0 && rels != nil {
		var rs struct {
			Rel []struct {
				ID     string `xml:"Id,attr"`
				Target string `xml:"Target,attr"`
			} `xml:"Relationship"`
		}
		if err := decodePart(rels, &rs); err != nil {
			return "", err
		}
		for _, r := range rs.Rel {
			if r.ID == book.Sheets[0].RID {
				target := r.Target
				if strings.HasPrefix(target, "/") {
					target = strings.TrimPrefix(target, "/")
				} else {
					target = path.Join("xl", target)
				}
				if files[target] != nil {
					return target, nil
				}
			}
		}
	}
	if files["xl/worksheets/sheet1.xml"] != nil {
		return "xl/worksheets/sheet1.xml", nil
	}
	return "", errors.New("is an .xlsx workbook without a sheet")
}

func decodePart(f *zip.File, v any) error {
	dec, done, err := openPart(f)
	if err != nil {
		return err
	}
	defer done()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("has a broken %s (%v)", f.Name, err)
	}
	return nil
}

// readSharedStrings reads the workbook's string table. A rich-text string
// is the text of its runs; its phonetic guide (rPh) is not part of it.
func readSharedStrings(f *zip.File) ([]string, error) {
	dec, done, err := openPart(f)
	if err != nil {
		return nil, err
	}
	defer done()
	var out []string
	var b strings.Builder
	inSI, inPhonetic, inT := false, false, false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("has a broken string table (%v)", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "si":
				inSI = true
				b.Reset()
			case "rPh":
				inPhonetic = true
			case "t":
				inT = true
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "si":
				inSI = false
				out = append(out, b.String())
			case "rPh":
				inPhonetic = false
			case "t":
				inT = false
			}
		case xml.CharData:
			if inSI && inT && !inPhonetic {
				b.Write(t)
			}
		}
	}
}

// readSheet reads a sheet's cells into rows, placing each cell by its
// reference (a blank cell is often left out of the file).
func readSheet(f *zip.File, shared []string) ([]row, error) {
	dec, done, err := openPart(f)
	if err != nil {
		return nil, err
	}
	defer done()
	var rows []row
	var cur *row
	var cellType, cellRef string
	var value strings.Builder
	inValue, inCell := false, false
	nextRow, nextCol := 1, 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return nil, fmt.Errorf("has a broken sheet (%v)", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "row":
				n := nextRow
				if r := attr(t, "r"); r != "" {
					if n, err = strconv.Atoi(r); err != nil || n < 1 {
						return nil, fmt.Errorf("has a row numbered %q", r)
					}
				}
				if len(rows) >= maxRows+1 {
					return nil, fmt.Errorf("has more than %d rows", maxRows)
				}
				rows = append(rows, row{number: n})
				cur = &rows[len(rows)-1]
				nextRow, nextCol = n+1, 0
			case "c":
				if cur == nil {
					return nil, errors.New("has a cell outside a row")
				}
				inCell = true
				cellType, cellRef = attr(t, "t"), attr(t, "r")
				value.Reset()
			case "v", "t":
				inValue = inCell
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "v", "t":
				inValue = false
			case "c":
				inCell = false
				col := nextCol
				if cellRef != "" {
					if col, err = columnIndex(cellRef); err != nil {
						return nil, err
					}
				}
				nextCol = col + 1
				text, err := cellText(cellType, value.String(), shared)
				if err != nil {
					return nil, fmt.Errorf("cell %s %v", cellRef, err)
				}
				if col >= maxColumns {
					continue // far to the right of any column we read
				}
				for len(cur.cells) <= col {
					cur.cells = append(cur.cells, "")
				}
				cur.cells[col] = text
			}
		case xml.CharData:
			if inValue {
				value.Write(t)
			}
		}
	}
}

func attr(t xml.StartElement, name string) string {
	for _, a := range t.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// cellText is what a cell shows, by its type.
func cellText(typ, v string, shared []string) (string, error) {
	switch typ {
	case "s":
		i, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || i < 0 || i >= len(shared) {
			return "", fmt.Errorf("names shared string %q, which the workbook does not have", v)
		}
		return shared[i], nil
	case "inlineStr", "str", "e":
		return v, nil
	case "b":
		if strings.TrimSpace(v) == "1" {
			return "TRUE", nil
		}
		return "FALSE", nil
	default: // "n", or no type: a number
		v = strings.TrimSpace(v)
		if v == "" {
			return "", nil
		}
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return v, nil
		}
		return strconv.FormatFloat(f, 'f', -1, 64), nil
	}
}

// columnIndex turns a cell reference's letters into a column index:
// A1 → 0, Z9 → 25, AA3 → 26.
func columnIndex(ref string) (int, error) {
	n, i := 0, 0
	for ; i < len(ref) && ref[i] >= 'A' && ref[i] <= 'Z'; i++ {
		n = n*26 + int(ref[i]-'A') + 1
		if n > 16384 { // XFD, Excel's last column
			return 0, fmt.Errorf("has a cell %q beyond the last column", ref)
		}
	}
	if i == 0 {
		return 0, fmt.Errorf("has a cell reference %q without a column", ref)
	}
	return n - 1, nil
}
