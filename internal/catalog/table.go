package catalog

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

// Bounds on what one file may hold.
const (
	maxRows    = 100_000 // shop.MaxImportRows
	maxColumns = 64
)

// row is one line of a file, numbered as a person sees it: the line of a
// CSV file (a quoted field may span lines; the number is where the record
// starts), the row of a spreadsheet.
type row struct {
	number int
	cells  []string
}

func (r row) blank() bool {
	for _, c := range r.cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// Encodings of a CSV file.
const (
	EncodingUTF8    = "utf-8"
	EncodingGB18030 = "gb18030"
	EncodingUTF16   = "utf-16"
)

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// decodeText returns a CSV file as UTF-8. A file that is valid UTF-8 is
// taken as UTF-8 (a GBK file of Chinese text is almost never valid
// UTF-8); a file starting with a UTF-16 byte-order mark is Excel's
// "Unicode text"; anything else is read as GB18030, the superset of GBK
// and GB2312 that Chinese Windows and Excel write "CSV" in.
func decodeText(data []byte) (string, string, error) {
	if bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}) {
		out, err := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder().Bytes(data)
		if err != nil || bytes.ContainsRune(out, utf8.RuneError) {
			return "", "", errors.New("says it is UTF-16 but is not")
		}
		return string(out), EncodingUTF16, nil
	}
	if bytes.HasPrefix(data, utf8BOM) {
		data = data[len(utf8BOM):]
		if !utf8.Valid(data) {
			return "", "", errors.New("says it is UTF-8 but is not")
		}
		return string(data), EncodingUTF8, nil
	}
	if utf8.Valid(data) {
		return string(data), EncodingUTF8, nil
	}
	out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
	if err != nil || !utf8.Valid(out) || bytes.ContainsRune(out, utf8.RuneError) {
		return "", "", errors.New("is neither UTF-8 nor GBK/GB18030 text")
	}
	return string(out), EncodingGB18030, nil
}

// readCSV reads comma-, semicolon- or tab-separated text into rows.
func readCSV(text string) ([]row, error) {
	r := csv.NewReader(strings.NewReader(text))
	r.Comma = separator(text)
	r.FieldsPerRecord = -1
	r.ReuseRecord = false
	var rows []row
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, fmt.Errorf("cannot be read at line %d: %v", pe.StartLine, pe.Err)
			}
			return nil, err
		}
		if len(rows) >= maxRows+1 {
			return nil, fmt.Errorf("has more than %d rows", maxRows)
		}
		line, _ := r.FieldPos(0)
		if len(rec) > maxColumns {
			rec = rec[:maxColumns]
		}
		rows = append(rows, row{number: line, cells: rec})
	}
}

// separator guesses the file's field separator from its first line: what
// appears most of comma, semicolon (a European Excel) and tab.
func separator(text string) rune {
	first, _, _ := strings.Cut(text, "\n")
	best, n := ',', strings.Count(first, ",")
	for _, c := range []rune{';', '\t'} {
		if k := strings.Count(first, string(c)); k > n {
			best, n = c, k
		}
	}
	return best
}
