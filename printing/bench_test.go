package printing

import (
	"bytes"
	"fmt"
	"io/fs"
	"slices"
	"testing"
	"time"

	"github.com/jung-kurt/gofpdf"

	"bayboard/assets"
)

// Run with: go test ./printing/ -run '^$' -bench . -benchmem
//
// Each benchmark reports, besides ns/op, the median and 95th percentile of
// single documents (p50-ms, p95-ms): the targets are on the median.

// timed runs draw b.N times and reports the per-document percentiles.
func timed(b *testing.B, draw func(*bytes.Buffer) error) {
	b.Helper()
	b.ReportAllocs()
	var buf bytes.Buffer
	if err := draw(&buf); err != nil { // warm the glyph cache, size the buffer
		b.Fatal(err)
	}
	times := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		buf.Reset()
		start := time.Now()
		if err := draw(&buf); err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(times)
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(times[len(times)/2]), "p50-ms")
	b.ReportMetric(ms(times[len(times)*95/100]), "p95-ms")
	b.ReportMetric(float64(buf.Len())/1024, "KiB/pdf")
}

func BenchmarkJobCard(b *testing.B) {
	r, d := testRenderer(b), sampleJob()
	timed(b, func(w *bytes.Buffer) error { return r.JobCard(w, d) })
}

func BenchmarkSeatLabel(b *testing.B) {
	r, d := testRenderer(b), sampleJob()
	timed(b, func(w *bytes.Buffer) error { return r.SeatLabel(w, d, LabelSize{}) })
}

func BenchmarkSeatLabels50(b *testing.B) {
	r := testRenderer(b)
	docs := make([]JobDoc, 50)
	for i := range docs {
		d := sampleJob()
		job := *d.Job
		job.ID = fmt.Sprintf("20261123-%04d", i+1)
		d.Job = &job
		d.JobURL = "http://192.168.10.5:8080/j/" + job.ID
		docs[i] = d
	}
	timed(b, func(w *bytes.Buffer) error { return r.SeatLabels(w, docs, LabelSize{}) })
}

func BenchmarkEstimate(b *testing.B) {
	r, d := testRenderer(b), sampleJob()
	timed(b, func(w *bytes.Buffer) error { return r.Estimate(w, d, A4) })
}

func BenchmarkSettlement(b *testing.B) {
	r, d := testRenderer(b), sampleSettlement()
	timed(b, func(w *bytes.Buffer) error { return r.Settlement(w, d) })
}

func BenchmarkJobCard200Lines(b *testing.B) {
	r, d := testRenderer(b), bigJob(200)
	timed(b, func(w *bytes.Buffer) error { return r.JobCard(w, d) })
}

// BenchmarkBareGofpdf is the yardstick: one A4 page drawn directly with
// gofpdf and the same three fonts, the way the gofpdf documentation shows
// (AddUTF8FontFromBytes, switching fonts for each run of Latin or Chinese
// text). Each document gets its own copy of the font bytes, as gofpdf
// writes into them while subsetting. gofpdf parses each TrueType file
// again for every document, which is what the printing package avoids.
func BenchmarkBareGofpdf(b *testing.B) {
	read := func(name string) []byte {
		data, err := fs.ReadFile(assets.Fonts, name)
		if err != nil {
			b.Fatal(err)
		}
		return data
	}
	latin, latinBold, cjk := read(fontLatin), read(fontLatinBold), read(fontCJK)
	type run struct{ family, s string }
	lines := [][]run{
		{{"cjk", "北京望京现代汽车4S店 任务委托书"}},
		{{"cjk", "京"}, {"latin", "A·12345 "}, {"cjk", "张先生"}},
		{{"latin", "Oil filter "}, {"cjk", "机油滤清器"}, {"latin", " ×1 ¥128.00"}},
		{{"latin", "10,000 km service "}, {"cjk", "一万公里常规保养"}, {"latin", " ¥360.00"}},
	}
	timed(b, func(w *bytes.Buffer) error {
		pdf := gofpdf.New("P", "mm", "A4", "")
		pdf.AddUTF8FontFromBytes("latin", "", slices.Clone(latin))
		pdf.AddUTF8FontFromBytes("latin", "B", slices.Clone(latinBold))
		pdf.AddUTF8FontFromBytes("cjk", "", slices.Clone(cjk))
		pdf.AddPage()
		pdf.SetFont("latin", "B", 16)
		pdf.Text(12, 20, "Work order 20261123-0007")
		y := 30.0
		for _, l := range lines {
			x := 12.0
			for _, r := range l {
				pdf.SetFont(r.family, "", 10)
				pdf.Text(x, y, r.s)
				x += pdf.GetStringWidth(r.s)
			}
			y += 6
		}
		return pdf.Output(w)
	})
}

// BenchmarkNewRenderer is the one-time cost at start-up: parsing the three
// fonts and building the per-character tables.
func BenchmarkNewRenderer(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := NewRenderer(assets.Fonts); err != nil {
			b.Fatal(err)
		}
	}
}
