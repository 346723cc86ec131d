package printing

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// requireTool returns the path of an external program a test needs. It
// skips the test when the program is missing, except under CI=true, where
// a missing tool is a failure: CI must not pass by testing nothing.
func requireTool(tb testing.TB, name, pkg string) string {
	tb.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("%s is required when CI=true (apt-get install %s): %v", name, pkg, err)
		}
		tb.Skipf("skipping: %s not installed (apt-get install %s)", name, pkg)
	}
	return path
}

func run(tb testing.TB, name string, args ...string) []byte {
	tb.Helper()
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		tb.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.String())
	}
	return stdout.Bytes()
}

func writeTemp(tb testing.TB, name string, data []byte) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		tb.Fatal(err)
	}
	return path
}

// pdfText extracts a PDF's text with pdftotext, pages first to last
// (0, 0 for all pages).
func pdfText(tb testing.TB, pdf []byte, first, last int) string {
	tb.Helper()
	bin := requireTool(tb, "pdftotext", "poppler-utils")
	args := []string{"-enc", "UTF-8"}
	if first > 0 {
		args = append(args, "-f", strconv.Itoa(first), "-l", strconv.Itoa(last))
	}
	args = append(args, writeTemp(tb, "doc.pdf", pdf), "-")
	return string(run(tb, bin, args...))
}

var spaces = regexp.MustCompile(`\s+`)

// flat collapses runs of white space to one space: pdftotext breaks lines
// and pads columns as it sees fit, but never splits a word it was given.
func flat(s string) string { return strings.TrimSpace(spaces.ReplaceAllString(s, " ")) }

// assertContains checks that every key string appears in the text, with
// white space compared loosely but characters exactly.
func assertContains(t *testing.T, text string, keys ...string) {
	t.Helper()
	ft := flat(text)
	for _, k := range keys {
		if !strings.Contains(ft, flat(k)) {
			t.Errorf("text lacks %q\n--- text ---\n%s", k, text)
		}
	}
}

func pdfPages(tb testing.TB, pdf []byte) int {
	tb.Helper()
	bin := requireTool(tb, "pdfinfo", "poppler-utils")
	out := run(tb, bin, writeTemp(tb, "doc.pdf", pdf))
	m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`).FindSubmatch(out)
	if m == nil {
		tb.Fatalf("pdfinfo gave no page count:\n%s", out)
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}

// decodeQR rasterises one page at 150 dpi, as a phone camera would see a
// print, in grey (what zbarimg reads; an uncompressed grey page costs a
// fifth less CPU than a colour PNG), and returns what zbarimg reads from it.
func decodeQR(tb testing.TB, pdf []byte, page int) []string {
	tb.Helper()
	pdftoppm := requireTool(tb, "pdftoppm", "poppler-utils")
	zbarimg := requireTool(tb, "zbarimg", "zbar-tools")
	dir := tb.TempDir()
	in := filepath.Join(dir, "doc.pdf")
	if err := os.WriteFile(in, pdf, 0o644); err != nil {
		tb.Fatal(err)
	}
	p := strconv.Itoa(page)
	run(tb, pdftoppm, "-r", "150", "-gray", "-f", p, "-l", p, "-singlefile", in, filepath.Join(dir, "page"))
	// zbarimg exits 4 when it finds no symbol; report that as "nothing".
	var stdout bytes.Buffer
	cmd := exec.Command(zbarimg, "--raw", "-q", filepath.Join(dir, "page.pgm"))
	cmd.Stdout = &stdout
	if err := cmd.Run(); err != nil {
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 4 {
			tb.Fatalf("zbarimg: %v", err)
		}
	}
	var codes []string
	for _, l := range strings.Split(stdout.String(), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			codes = append(codes, l)
		}
	}
	return codes
}

// pageNumber matches a "page n / m" footer in either language. pdftotext
// drops the spaces in "第 1 / 2 页" (they are as wide as the gaps between
// its characters, so it takes them for letter spacing); the digits are
// what matter.
var pageNumber = regexp.MustCompile(`(?:第|Page)\s*(\d+)\s*/\s*(\d+)\s*(?:页)?`)

func assertPageNumber(t *testing.T, text string, page, pages int) {
	t.Helper()
	for _, m := range pageNumber.FindAllStringSubmatch(text, -1) {
		if m[1] == strconv.Itoa(page) && m[2] == strconv.Itoa(pages) {
			return
		}
	}
	t.Errorf("no \"page %d / %d\" footer in:\n%s", page, pages, text)
}
