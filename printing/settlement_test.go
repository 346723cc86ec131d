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

// The settlement names who pays each line and each payer's total, lists
// the warranty's lines for the claim and the discounts with their reasons,
// asks the customer to pay their share only, and lists the recommended
// work they declined with a line for their signature.
func TestTheSettlementSplitsItsPayers(t *testing.T) {
	r := testRenderer(t)
	d := sampleSettlementSplit()
	// ¥1,782.00 in all: ¥240.00 the warranty's, ¥22.00 off the rest.
	for lang, want := range map[string][]string{
		LangZH: {"付款方", "费用分摊（按付款方）", "自费", "索赔", "¥240.00", "−¥22.00", "¥1,520.00", "索赔项目（向厂家索赔）",
			"Front suspension noise check", "优惠及原因", "老客户抹零", "整单", "客户应付金额",
			"建议维修项目（客户拒绝维修）", "后刹车片剩余 3 mm", "¥520.00", "不修复可能带来的后果", "客户签字（拒绝维修）"},
		LangEN: {"Payer", "Split by payer", "Customer", "Warranty", "¥240.00", "¥1,520.00", "Warranty claim lines",
			"Discounts and reasons", "Whole order", "Customer pays", "Recommended work declined by the customer",
			"Customer signature (work declined)"},
	} {
		d.Lang = lang
		var b bytes.Buffer
		if err := r.Settlement(&b, d); err != nil {
			t.Fatal(err)
		}
		text := pdfText(t, b.Bytes(), 0, 0)
		assertContains(t, text, want...)
		// The declined work is not billed: it is not among the findings
		// done, and the customer's share leaves it out.
		if strings.Contains(text, "¥2,302.00") {
			t.Errorf("%s: the declined work is counted", lang)
		}
	}
	// Without another payer, a discount or a declined recommendation the
	// settlement has none of these sections.
	plain := sampleSettlement()
	var b bytes.Buffer
	if err := r.Settlement(&b, plain); err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, b.Bytes(), 0, 0)
	for _, s := range []string{"费用分摊", "索赔项目", "优惠及原因", "拒绝维修"} {
		if strings.Contains(text, s) {
			t.Errorf("a settlement with only the customer's lines prints %q", s)
		}
	}
}

// The settlement lists each change agreed after signing — the finding
// approved by phone, with its reason, who agreed and what it added — so
// it reads against the signed estimate (费用解释); a job never changed
// after signing prints no such section.
func TestTheSettlementExplainsTheRevisions(t *testing.T) {
	r := testRenderer(t)
	d := SettlementDoc{JobDoc: sampleRevisedJob()}
	job := *d.Job
	job.Stage = shop.StageReady
	d.Job, d.Draft = &job, true
	for lang, want := range map[string][]string{
		LangZH: {"签字后的变更（费用解释）", "增项经客户同意 — 前刹车片剩余 2 mm", "电话确认 · 张太太 11-23 11:05", "+¥780.00"},
		LangEN: {"Changes agreed since signing (cost explanation)", "extra work the customer approved", "Agreed by phone · 张太太", "+¥780.00"},
	} {
		d.Lang = lang
		var b bytes.Buffer
		if err := r.Settlement(&b, d); err != nil {
			t.Fatal(err)
		}
		assertContains(t, flat(pdfText(t, b.Bytes(), 0, 0)), want...)
	}
	plain := sampleSettlement()
	unchanged := *plain.Job
	unchanged.Revisions = unchanged.Revisions[:1]
	plain.Job, plain.Lang = &unchanged, LangZH
	var b bytes.Buffer
	if err := r.Settlement(&b, plain); err != nil {
		t.Fatal(err)
	}
	if text := pdfText(t, b.Bytes(), 0, 0); strings.Contains(text, "签字后的变更") {
		t.Error("a job without revisions prints a section of them")
	}
}

// Work the floor recommended at this visit and the customer did not have
// done is listed with the declined findings, a safety item marked, above
// the customer's signature (seed 002's delivery step).
func TestTheSettlementListsTheVisitsRecommendations(t *testing.T) {
	r := testRenderer(t)
	d := sampleSettlement()
	d.Recommendations = []*shop.Recommendation{{ID: "re-1", VehicleID: "ve-1", JobID: d.Job.ID, Description: "左前轮胎花纹 2 mm，建议更换",
		Hours: 0.5, LabourPrice: 5000, Parts: []shop.PartLine{{Name: "轮胎", Quantity: 1, UnitPrice: 65000}}, Safety: true}}
	for lang, want := range map[string][]string{
		LangZH: {"建议维修项目（客户拒绝维修）", "【安全】 左前轮胎花纹 2 mm", "¥700.00", "客户签字（拒绝维修）"},
		LangEN: {"Recommended work declined by the customer", "[Safety] 左前轮胎花纹 2 mm", "¥700.00"},
	} {
		d.Lang = lang
		var b bytes.Buffer
		if err := r.Settlement(&b, d); err != nil {
			t.Fatal(err)
		}
		assertContains(t, flat(pdfText(t, b.Bytes(), 0, 0)), want...)
	}
}
