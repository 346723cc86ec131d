package printing

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"bayboard/internal/shop"
)

// A settlement printed before delivery is confirmed says it is a draft, on
// the page and on its exit pass, and carries no payment; the one printed
// after delivery is not marked and names what was paid, how, and the next
// service.
func TestASettlementBeforeDeliveryIsADraft(t *testing.T) {
	r := testRenderer(t)
	final := sampleSettlement()
	next := time.Date(2027, 5, 23, 0, 0, 0, 0, shanghai)
	job := *final.Job
	job.NextServiceAt, job.NextServiceKM = &next, 25000
	final.Job = &job

	draft := final
	ready := job
	ready.Stage, ready.Delivery, ready.NextServiceAt, ready.NextServiceKM = shop.StageReady, nil, nil, 0
	draft.Job, draft.Draft = &ready, true

	for _, lang := range []string{LangZH, LangEN} {
		final.Lang, draft.Lang = lang, lang
		var fb, db bytes.Buffer
		if err := r.Settlement(&fb, final); err != nil {
			t.Fatal(err)
		}
		if err := r.Settlement(&db, draft); err != nil {
			t.Fatal(err)
		}
		if n := pdfPages(t, db.Bytes()); n != 1 {
			t.Errorf("%s: the draft takes %d pages", lang, n)
		}
		dt, ft := pdfText(t, db.Bytes(), 0, 0), pdfText(t, fb.Bytes(), 0, 0)
		assertContains(t, dt, "草稿", "DRAFT")
		for _, mark := range []string{"草稿", "DRAFT"} {
			if strings.Contains(ft, mark) {
				t.Errorf("%s: the delivered car's settlement says %q", lang, mark)
			}
		}
		// The payment is the delivery's: the final copy names it, the draft
		// cannot.
		paid := map[string]string{LangZH: "微信支付", LangEN: "WeChat"}[lang]
		if strings.Contains(dt, paid) || !strings.Contains(ft, paid) {
			t.Errorf("%s: the draft names the payment %q, or the final copy does not", lang, paid)
		}
		switch lang {
		case LangZH:
			assertContains(t, dt, "结算单（草稿）", "出门证（草稿，无效）", "交车确认后重新打印")
			assertContains(t, ft, "结算单", "出门证", "凭此证放行车辆", "微信支付", "¥1,782.00", "2027年5月23日", "25,000 公里")
		case LangEN:
			assertContains(t, dt, "Settlement (draft)", "Exit pass (draft, not valid)")
			assertContains(t, ft, "Exit pass", "¥1,782.00", "25,000 km")
		}
		if codes := decodeQR(t, db.Bytes(), 1); len(codes) != 1 || codes[0] != draft.CustomerURL {
			t.Errorf("%s: the draft's QR code reads %q", lang, codes)
		}
	}
}
