package printing

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// These tests print through a real CUPS queue made by .ci/cups.sh: a
// cups-pdf printer that writes each job it receives as a PDF file.

func envOr(key, fallback string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return fallback
}

// cupsQueue returns the test queue and where cups-pdf writes, skipping
// (failing under CI=true) when the queue is not there.
func cupsQueue(t *testing.T) (Printer, string) {
	t.Helper()
	p := Printer{Name: "bayboard-pdf", URI: envOr("BAYBOARD_TEST_PRINTER", "http://127.0.0.1:631/printers/bayboard-pdf")}
	out := envOr("CUPS_PDF_OUT", "/var/spool/cups-pdf/out")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	st, err := p.Status(ctx, PrintOptions{})
	if err == nil && !st.AcceptingJobs {
		err = fmt.Errorf("queue is %s and not accepting jobs", st.State)
	}
	if err != nil {
		msg := fmt.Sprintf("no usable CUPS queue at %s (run .ci/cups.sh first): %v", p.URI, err)
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip("skipping: " + msg)
	}
	if _, err := os.Stat(out); err != nil {
		t.Fatalf("cups-pdf output directory: %v (set CUPS_PDF_OUT to what .ci/cups.sh printed)", err)
	}
	return p, out
}

// waitForJobPDF waits (at most 30 s) for the file cups-pdf writes for a
// job: .ci/cups.sh sets Label 2, which ends its name with "job_<id>.pdf".
func waitForJobPDF(t *testing.T, dir string, jobID int, since time.Time) []byte {
	t.Helper()
	suffix := "job_" + strconv.Itoa(jobID) + ".pdf"
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			name := e.Name()
			if !strings.HasSuffix(name, suffix) {
				continue
			}
			if prev := strings.TrimSuffix(name, suffix); prev != "" && !strings.HasSuffix(prev, "-") {
				continue // job_12.pdf must not match job_2.pdf
			}
			info, err := e.Info()
			if err != nil || info.ModTime().Before(since.Add(-time.Second)) {
				continue // left over from an earlier CUPS with the same job id
			}
			data, err := os.ReadFile(filepath.Join(dir, name))
			if err == nil && bytes.Contains(data, []byte("%%EOF")) {
				return data
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("cups-pdf wrote no *%s in %s within 30 s (see /var/log/cups/)", suffix, dir)
	return nil
}

// grey renders page 1 at 40 dpi in greyscale for a coarse visual compare.
func grey(t *testing.T, pdf []byte) (w, h int, pix []byte) {
	t.Helper()
	bin := requireTool(t, "pdftoppm", "poppler-utils")
	// Ghostscript's Type 3 glyphs make poppler warn about every one of them;
	// run discards stderr unless the command fails.
	out := run(t, bin, "-r", "40", "-gray", "-f", "1", "-l", "1", "-singlefile", writeTemp(t, "g.pdf", pdf))
	var magic string
	var maxv int
	n, err := fmt.Fscan(bytes.NewReader(out), &magic, &w, &h, &maxv)
	if err != nil || n != 4 || magic != "P5" {
		t.Fatalf("pdftoppm -gray gave no PGM: %v", err)
	}
	return w, h, out[len(out)-w*h:]
}

func meanDiff(t *testing.T, a, b []byte) float64 {
	t.Helper()
	aw, ah, ap := grey(t, a)
	bw, bh, bp := grey(t, b)
	if aw != bw || ah != bh {
		t.Fatalf("page sizes differ: %dx%d and %dx%d", aw, ah, bw, bh)
	}
	var sum int
	for i := range ap {
		d := int(ap[i]) - int(bp[i])
		if d < 0 {
			d = -d
		}
		sum += d
	}
	return float64(sum) / float64(len(ap))
}

// TestCUPSPrintsTheJobCard sends a job card through the real queue and
// checks that what cups-pdf wrote is that job card. cups-pdf re-renders
// through PostScript and Ghostscript, which turns the embedded fonts into
// Type 3 glyphs without a usable Unicode map, so the job is recognised by
// its QR code (which carries the job number), its page count, and how it
// looks, rather than by pdftotext.
func TestCUPSPrintsTheJobCard(t *testing.T) {
	// Most of its time is CUPS's (Ghostscript turning the job into a PDF):
	// the package's other tests run meanwhile.
	t.Parallel()
	p, out := cupsQueue(t)
	r := testRenderer(t)
	d := sampleJob()
	var sent bytes.Buffer
	if err := r.JobCard(&sent, d); err != nil {
		t.Fatal(err)
	}
	started := time.Now()
	res, err := p.Print(context.Background(), sent.Bytes(), PrintOptions{JobName: "job-card " + d.Job.ID, User: "bayboard-test"})
	if err != nil {
		t.Fatal(err)
	}
	if res.JobID <= 0 {
		t.Fatalf("no job id: %+v", res)
	}
	t.Logf("CUPS job %d (%s, %s)", res.JobID, res.Status, res.JobState)
	printed := waitForJobPDF(t, out, res.JobID, started)

	if got, want := pdfPages(t, printed), pdfPages(t, sent.Bytes()); got != want {
		t.Errorf("printed %d pages, sent %d", got, want)
	}
	codes := decodeQR(t, printed, 1)
	if len(codes) != 1 || codes[0] != d.JobURL || !strings.Contains(codes[0], d.Job.ID) {
		t.Errorf("QR on the printed page reads %q, want %q", codes, d.JobURL)
	}
	same := meanDiff(t, sent.Bytes(), printed)
	var other bytes.Buffer
	if err := r.Settlement(&other, sampleSettlement()); err != nil {
		t.Fatal(err)
	}
	different := meanDiff(t, other.Bytes(), printed)
	t.Logf("mean grey difference: %.2f from the job card sent, %.2f from a settlement", same, different)
	if same > 8 || same*3 > different {
		t.Errorf("printed page does not look like the job card sent (difference %.2f, vs %.2f for another document)", same, different)
	}
	if text := flat(pdfText(t, printed, 0, 0)); strings.Contains(text, d.Job.ID) {
		t.Logf("pdftotext also finds the job number in the printed PDF")
	}
}

func TestCUPSNonexistentQueue(t *testing.T) {
	p, _ := cupsQueue(t)
	missing := Printer{Name: "missing", URI: strings.Replace(p.URI, "/printers/bayboard-pdf", "/printers/bayboard-no-such-queue", 1)}
	_, err := missing.Print(context.Background(), []byte("%PDF-1.4"), PrintOptions{})
	var ippErr *IPPError
	if !errors.Is(err, ErrPrinterRejected) || !errors.As(err, &ippErr) || ippErr.StatusName != "client-error-not-found" {
		t.Fatalf("err = %v; want client-error-not-found", err)
	}
	if !strings.Contains(err.Error(), `"missing"`) {
		t.Errorf("message does not name the printer: %v", err)
	}
	if _, err := missing.Status(context.Background(), PrintOptions{}); !errors.Is(err, ErrPrinterRejected) {
		t.Errorf("Status: %v", err)
	}
}

func TestCUPSUnreachablePrinter(t *testing.T) {
	cupsQueue(t)
	// Port 9 (discard) on loopback has no IPP server in any sane setup.
	_, err := Printer{Name: "off", URI: "ipp://127.0.0.1:9/printers/bayboard-pdf"}.Print(context.Background(), []byte("%PDF-1.4"), PrintOptions{Timeout: 5 * time.Second})
	if !errors.Is(err, ErrPrinterUnreachable) && !errors.Is(err, ErrPrinterTimeout) {
		t.Fatalf("err = %v; want unreachable", err)
	}
	t.Log(err)
}
