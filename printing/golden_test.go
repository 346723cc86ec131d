package printing

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestSeatLabelGolden keeps the words on the seat label, as pdftotext lays
// them out, in testdata/: a change to what the customer reads shows up in
// review. Regenerate with go test ./printing/ -run Golden -update.
func TestSeatLabelGolden(t *testing.T) {
	r := testRenderer(t)
	for _, lang := range []string{LangZH, LangEN} {
		d := sampleJob()
		d.Lang = lang
		var buf bytes.Buffer
		if err := r.SeatLabel(&buf, d, LabelSize{}); err != nil {
			t.Fatal(err)
		}
		got := goldenText(t, buf.Bytes())
		path := filepath.Join("testdata", "seat-label."+lang+".golden")
		if *update {
			if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run with -update to create it)", err)
		}
		if got != string(want) {
			t.Errorf("%s: seat label text changed\n--- got ---\n%s\n--- want ---\n%s", lang, got, want)
		}
	}
}

// goldenText is pdftotext's layout with each line's spacing collapsed, so
// that only the words and their order are pinned, not poppler's padding.
func goldenText(t *testing.T, pdf []byte) string {
	t.Helper()
	bin := requireTool(t, "pdftotext", "poppler-utils")
	out := run(t, bin, "-layout", "-enc", "UTF-8", writeTemp(t, "doc.pdf", pdf), "-")
	var lines []string
	for _, l := range strings.Split(string(out), "\n") {
		if l = flat(l); l != "" {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n") + "\n"
}
