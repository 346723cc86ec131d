package printing

import (
	"bytes"
	"strings"
	"testing"

	"bayboard/internal/shop"
)

// A finding the advisor has not priced prints on the job card as to be
// priced, with no amount; a priced one with the advisor's price.
func TestTheJobCardShowsAProposedFindingWithoutAPrice(t *testing.T) {
	d := sampleJob()
	d.Findings = []*shop.Finding{
		{ID: "f1", JobID: d.Job.ID, Description: "Wiper blades worn 雨刮片老化", Hours: 0.2, SuggestedPrice: 12300, Status: shop.FindingProposed},
		{ID: "f2", JobID: d.Job.ID, Description: "Tyre wear 轮胎偏磨", Hours: 0.5, Price: 45600, Status: shop.FindingAwaiting},
	}
	var pdf bytes.Buffer
	if err := testRenderer(t).JobCard(&pdf, d); err != nil {
		t.Fatal(err)
	}
	text := goldenText(t, pdf.Bytes())
	var wiper, tyre string
	for _, l := range strings.Split(text, "\n") {
		switch {
		case strings.Contains(l, "雨刮片老化"):
			wiper = l
		case strings.Contains(l, "轮胎偏磨"):
			tyre = l
		}
	}
	if !strings.Contains(wiper, "待报价") || !strings.Contains(wiper, "—") || strings.Contains(text, "123.00") {
		t.Errorf("the proposed finding's row: %q", wiper)
	}
	if !strings.Contains(tyre, "456.00") || !strings.Contains(tyre, "待确认") {
		t.Errorf("the sent finding's row: %q", tyre)
	}
}
