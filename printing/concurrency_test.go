package printing

import (
	"bytes"
	"sync"
	"testing"
)

// TestConcurrentRendering draws eight documents at once, as a busy
// reception desk would, and checks each is byte for byte what it is when
// drawn alone. Run it with -race: the documents share the parsed fonts and
// their glyph cache, and nothing else.
func TestConcurrentRendering(t *testing.T) {
	r := testRenderer(t)
	job, en := sampleJob(), sampleJob()
	en.Lang = LangEN
	docs := []func(*bytes.Buffer) error{
		func(b *bytes.Buffer) error { return r.JobCard(b, job) },
		func(b *bytes.Buffer) error { return r.JobCard(b, en) },
		func(b *bytes.Buffer) error { return r.SeatLabel(b, job, LabelSize{}) },
		func(b *bytes.Buffer) error { return r.Estimate(b, job, A4) },
		func(b *bytes.Buffer) error { return r.Estimate(b, en, A5) },
		func(b *bytes.Buffer) error { return r.Settlement(b, sampleSettlement()) },
		func(b *bytes.Buffer) error { return r.BaySheet(b, sampleBays()) },
		func(b *bytes.Buffer) error { return r.Badges(b, sampleBadges()) },
	}
	alone := make([][]byte, len(docs))
	for i, draw := range docs {
		var b bytes.Buffer
		if err := draw(&b); err != nil {
			t.Fatal(err)
		}
		alone[i] = b.Bytes()
	}
	together := make([][]byte, len(docs))
	errs := make([]error, len(docs))
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, draw := range docs {
		wg.Go(func() {
			<-start
			var b bytes.Buffer
			errs[i] = draw(&b)
			together[i] = b.Bytes()
		})
	}
	close(start)
	wg.Wait()
	for i := range docs {
		if errs[i] != nil {
			t.Errorf("document %d: %v", i, errs[i])
		} else if !bytes.Equal(alone[i], together[i]) {
			t.Errorf("document %d differs when drawn concurrently", i)
		}
	}
}
