package printing

import (
	"bytes"
	"strings"
	"testing"

	"bayboard/internal/shop"
)

// The job card names the protective covers as the shop's settings do:
// 三件套 by default, 五件套 in a shop that fits five; never the other.
func TestTheJobCardNamesTheShopsCoverSet(t *testing.T) {
	r := testRenderer(t)
	for _, c := range []struct {
		set       shop.CoverSet
		want, not string
	}{
		{"", "三件套", "五件套"},
		{shop.CoversFive, "五件套", "三件套"},
	} {
		d := sampleJob()
		d.Shop.CoverSet = c.set
		var buf bytes.Buffer
		if err := r.JobCard(&buf, d); err != nil {
			t.Fatal(err)
		}
		text := pdfText(t, buf.Bytes(), 0, 0)
		if !strings.Contains(text, c.want) || strings.Contains(text, c.not) {
			t.Errorf("cover set %q: the job card does not name %s alone:\n%s", c.set, c.want, text)
		}
	}
}
