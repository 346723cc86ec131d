package printing

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"bayboard/internal/shop"
)

// sampleRevisedJob is the sample job signed at reception (revision 1),
// then with a finding approved by phone (revision 2): its current lines
// are revision 2's.
func sampleRevisedJob() JobDoc {
	d := sampleJob()
	job := *d.Job
	signedAt := time.Date(2026, 11, 23, 9, 20, 0, 0, shanghai)
	job.Stage, job.SignedAt = shop.StageInProgress, &signedAt
	signed := shop.Revision{Number: 1, Kind: shop.RevisionSigned, At: signedAt, By: "user-1",
		Consent: shop.Consent{Via: shop.ConsentSignature, Who: "张先生"}, Labour: job.Labour, Parts: job.Parts,
		Totals: shop.TotalsOf(job.Labour, job.Parts), PromisedAt: job.PromisedAt}
	job.Labour = append(append([]shop.Labour(nil), job.Labour...), shop.Labour{Name: "Front brake pads 更换前刹车片", SoldHours: 1, Price: 30000})
	job.Parts = append(append([]shop.PartLine(nil), job.Parts...), shop.PartLine{Number: "58101-D3A00", Name: "Brake pad set 前刹车片", Quantity: 1, UnitPrice: 48000})
	job.PromisedAt = time.Date(2026, 11, 23, 18, 0, 0, 0, shanghai)
	finding := shop.Revision{Number: 2, Kind: shop.RevisionFinding, At: time.Date(2026, 11, 23, 11, 5, 0, 0, shanghai), By: "user-1",
		Reason: "前刹车片剩余 2 mm，建议更换", Consent: shop.Consent{Via: shop.ConsentPhone, Who: "张太太"}, FindingID: "fi-1",
		Labour: job.Labour, Parts: job.Parts, Totals: shop.TotalsOf(job.Labour, job.Parts), PromisedAt: job.PromisedAt}
	job.Revisions = []shop.Revision{signed, finding}
	job.Estimated = signed.Totals
	d.Job = &job
	return d
}

// The estimate prints the signed revision by default, never the current
// lines; a later revision prints its own lines with its number, reason
// and who agreed; a revision whose lines were not kept prints its totals
// and says so.
func TestTheEstimatePrintsARevision(t *testing.T) {
	r := testRenderer(t)
	d := sampleRevisedJob()
	render := func(rev *shop.Revision, lang string) string {
		t.Helper()
		d.Lang = lang
		var buf bytes.Buffer
		var err error
		if rev == nil {
			err = r.Estimate(&buf, d, A4)
		} else {
			err = r.EstimateOf(&buf, d, rev, A4)
		}
		if err != nil {
			t.Fatal(err)
		}
		return flat(pdfText(t, buf.Bytes(), 0, 0))
	}
	// Signed: 660.00 labour + 128.00 + 441.00 + 168.00 + 5.00 parts = 1,402.00.
	signed := render(nil, LangZH)
	if !strings.Contains(signed, "第 1 版") || !strings.Contains(signed, "客户签字") || !strings.Contains(signed, "1,402.00") ||
		strings.Contains(signed, "前刹车片") || strings.Contains(signed, "2,182.00") || !strings.Contains(signed, "16:30") || strings.Contains(signed, "18:00") {
		t.Errorf("the default estimate is not the signed one:\n%s", signed)
	}
	second := render(d.Job.Revision(2), LangEN)
	if !strings.Contains(second, "Revision 2") || !strings.Contains(second, "Agreed by phone") || !strings.Contains(second, "张太太") ||
		!strings.Contains(second, "2,182.00") || !strings.Contains(second, "前刹车片剩余 2 mm") || !strings.Contains(second, "18:00") {
		t.Errorf("revision 2:\n%s", second)
	}
	rebuilt := *d.Job.Signed()
	rebuilt.Labour, rebuilt.Parts, rebuilt.Rebuilt, rebuilt.LinesUnknown = nil, nil, true, true
	unknown := render(&rebuilt, LangZH)
	if !strings.Contains(unknown, "明细未保存") || !strings.Contains(unknown, "1,402.00") || strings.Contains(unknown, "机油滤清器") {
		t.Errorf("a revision without its lines:\n%s", unknown)
	}
}
