package printing

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

var samples = flag.Bool("samples", false, "write docs/samples/*.pdf and *.png")

// TestWriteSamples regenerates the sample documents in docs/samples:
//
//	go test ./printing/ -run WriteSamples -samples
func TestWriteSamples(t *testing.T) {
	if !*samples {
		t.Skip("run with -samples to regenerate docs/samples")
	}
	pdftoppm := requireTool(t, "pdftoppm", "poppler-utils")
	r := testRenderer(t)
	badges := sampleBadges()
	badges.Badges = append(badges.Badges,
		Badge{Name: "陈晓东", Team: "机修二组", URL: "http://192.168.10.5:8080/k/badge/t4", Code: "B1004"},
		Badge{Name: "刘洋", Team: "钣金组", URL: "http://192.168.10.5:8080/k/badge/t5", Code: "B1005"},
		Badge{Name: "孙丽", Team: "质检", URL: "http://192.168.10.5:8080/k/badge/t6", Code: "B1006"},
		Badge{Name: "周建华", Team: "喷漆组", URL: "http://192.168.10.5:8080/k/badge/t7", Code: "B1007"},
		Badge{Name: "Maria Schmidt", Team: "Diagnosis 诊断", URL: "http://192.168.10.5:8080/k/badge/t8", Code: "B1008"},
	)
	dir := filepath.Join("..", "docs", "samples")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, draw := range map[string]func(*bytes.Buffer) error{
		"job-card":   func(b *bytes.Buffer) error { return r.JobCard(b, sampleJob()) },
		"seat-label": func(b *bytes.Buffer) error { return r.SeatLabel(b, sampleJob(), LabelSize{}) },
		"estimate":   func(b *bytes.Buffer) error { return r.Estimate(b, sampleJob(), A4) },
		"estimate-revision-2": func(b *bytes.Buffer) error {
			d := sampleRevisedJob()
			return r.EstimateOf(b, d, d.Job.Revision(2), A4)
		},
		"settlement": func(b *bytes.Buffer) error { return r.Settlement(b, sampleSettlementSplit()) },
		"pick-list":  func(b *bytes.Buffer) error { return r.PickList(b, samplePickList()) },
		"bay-sheet":  func(b *bytes.Buffer) error { return r.BaySheet(b, sampleBays()) },
		"badges":     func(b *bytes.Buffer) error { return r.Badges(b, badges) },
	} {
		var buf bytes.Buffer
		if err := draw(&buf); err != nil {
			t.Fatal(name, err)
		}
		pdf := filepath.Join(dir, name+".pdf")
		if err := os.WriteFile(pdf, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(pdftoppm, "-r", "100", "-png", "-f", "1", "-l", "1", "-singlefile", pdf, filepath.Join(dir, name)).CombinedOutput()
		if err != nil {
			t.Fatalf("pdftoppm %s: %v\n%s", name, err, out)
		}
	}
}
