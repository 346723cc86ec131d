package printing

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"bayboard/internal/shop"
)

func sampleSettlement() SettlementDoc {
	d := sampleJob()
	d.Findings = []*shop.Finding{{
		ID: "f1", JobID: d.Job.ID, Description: "Front stabiliser link worn 前稳定杆连杆磨损，建议更换",
		Hours: 0.6, Price: 38000, Status: shop.FindingApproved,
	}}
	job := *d.Job
	job.Stage = shop.StageDelivered
	job.Labour = append(slices.Clone(job.Labour), shop.Labour{Code: "SUS-LNK", Name: "Replace stabiliser link 更换前稳定杆连杆", SoldHours: 0.6, Price: 18000})
	job.Parts = append(slices.Clone(job.Parts), shop.PartLine{Number: "54830-D3000", Name: "Stabiliser link 稳定杆连杆", Quantity: 1, UnitPrice: 20000})
	d.Job = &job
	d.Now = time.Date(2026, 11, 23, 16, 40, 0, 0, shanghai)
	// The counter issued every part of the agreed work: the settlement
	// bills what was issued.
	job.Issued = nil
	for i, p := range job.Parts {
		job.Issued = append(job.Issued, shop.IssuedPart{ID: fmt.Sprintf("ip-%d", i+1), Number: p.Number, Name: p.Name,
			Quantity: p.Quantity, UnitPrice: p.UnitPrice, CatalogPrice: p.UnitPrice, Basis: shop.BasisScope, IssuedBy: "user-6", IssuedAt: d.Now})
	}
	job.Delivery = &shop.Delivery{
		WorkShown: true, OldPartsShown: true, CarClean: true, SeatRestored: true,
		Explanation: "增项：前稳定杆连杆磨损，经客户电话同意后更换（+¥380.00）",
		Total:       shop.TotalOf(job.Labour, job.Parts), Paid: shop.TotalOf(job.Labour, job.Parts), PaymentMethod: "wechat",
		At: d.Now,
	}
	est := sampleJob().Job
	// Signed at reception; the stabiliser link agreed by phone is the
	// second revision, which the settlement explains.
	signedAt := time.Date(2026, 11, 23, 9, 20, 0, 0, shanghai)
	job.SignedAt = &signedAt
	job.Revisions = []shop.Revision{
		{Number: 1, Kind: shop.RevisionSigned, At: signedAt, By: "user-1", Consent: shop.Consent{Via: shop.ConsentSignature},
			Labour: est.Labour, Parts: est.Parts, Totals: shop.TotalsOf(est.Labour, est.Parts), PromisedAt: est.PromisedAt},
		{Number: 2, Kind: shop.RevisionFinding, At: time.Date(2026, 11, 23, 11, 5, 0, 0, shanghai), By: "user-1",
			Reason: "前稳定杆连杆磨损 Front stabiliser link worn", Consent: shop.Consent{Via: shop.ConsentPhone}, FindingID: "f1",
			Labour: job.Labour, Parts: job.Parts, Totals: shop.TotalsOf(job.Labour, job.Parts), PromisedAt: job.PromisedAt},
	}
	return SettlementDoc{JobDoc: d, Estimate: shop.TotalsOf(est.Labour, est.Parts)}
}

func sampleBays() BaySheet {
	return BaySheet{
		Shop: sampleSettings(), Lang: LangZH, Now: time.Date(2026, 11, 23, 8, 0, 0, 0, shanghai),
		Bays: []BayCard{
			{Name: "3号工位", Kind: shop.BayQuickService, URL: "http://192.168.10.5:8080/k/bay/b3"},
			{Name: "四轮定位 A", Kind: shop.BayAlignment, URL: "http://192.168.10.5:8080/k/bay/b7"},
		},
	}
}

func sampleBadges() BadgeSheet {
	return BadgeSheet{
		Shop: sampleSettings(), Lang: LangZH, Now: time.Date(2026, 11, 23, 8, 0, 0, 0, shanghai),
		Badges: []Badge{
			{Name: "王强", Team: "机修一组", URL: "http://192.168.10.5:8080/k/badge/t1", Code: "B1001"},
			{Name: "赵磊", Team: "机修一组", URL: "http://192.168.10.5:8080/k/badge/t2", Code: "B1002"},
			{Name: "Alexander Konstantinopoulos", Team: "Body shop 钣金组", URL: "http://192.168.10.5:8080/k/badge/t3", Code: "B2017"},
		},
	}
}

type docCase struct {
	name   string
	render func(r *Renderer, w *bytes.Buffer) error
	qr     []string // per page 1
	text   []string
	paged  bool // has "page n / m" footers
}

func docCases() []docCase {
	job := sampleJob()
	set := sampleSettlement()
	lines := []string{
		"Oil filter 机油滤清器", "26300-35505", "¥128.00",
		"Engine oil 5W-30 机油 (L)", "¥441.00",
		"10,000 km service 一万公里常规保养", "MT-10K", "¥360.00",
		"Front suspension noise check 前悬架异响检查",
	}
	return []docCase{
		{
			name:   "job card",
			paged:  true,
			render: func(r *Renderer, w *bytes.Buffer) error { return r.JobCard(w, job) },
			qr:     []string{job.JobURL},
			text: append([]string{"任务委托书", "20261123-0007", "京A·12345", "张先生", "138 0013 8000", "李娜",
				"LBEHDAFB5KY123456", "现代 途胜 Tucson 1.5T 2023", "10,236 公里", "50%", "王强、赵磊", "3号快修工位",
				"做一万公里保养", "¥1,402.00", "2026年11月23日 16:30", "左后门轻微划痕约5cm", "行车记录仪、雨伞"}, lines...),
		},
		{
			name:   "seat label",
			render: func(r *Renderer, w *bytes.Buffer) error { return r.SeatLabel(w, job, LabelSize{}) },
			qr:     []string{job.JobURL},
			text:   []string{"座椅位置已记录", "京A·12345", "20261123-0007", "2026-11-23", "李娜"},
		},
		{
			name:   "estimate A4",
			paged:  true,
			render: func(r *Renderer, w *bytes.Buffer) error { return r.Estimate(w, job, A4) },
			qr:     []string{job.CustomerURL},
			text:   append([]string{"费用和时间预估", "京A·12345", "张先生", "¥1,402.00", "2026年11月23日 16:30", "2026-11-23"}, lines...),
		},
		{
			name:   "estimate A5",
			paged:  true,
			render: func(r *Renderer, w *bytes.Buffer) error { return r.Estimate(w, job, A5) },
			qr:     []string{job.CustomerURL},
			text:   append([]string{"费用和时间预估", "京A·12345", "张先生", "¥1,402.00"}, lines...),
		},
		{
			name:   "settlement",
			paged:  true,
			render: func(r *Renderer, w *bytes.Buffer) error { return r.Settlement(w, set) },
			qr:     []string{set.CustomerURL},
			text: append([]string{"结算单", "京A·12345", "张先生", "Replace stabiliser link 更换前稳定杆连杆",
				"Stabiliser link 稳定杆连杆", "¥1,402.00", "¥1,782.00", "+¥380.00", "20,236 公里",
				"2026年11月25日 19:00", "出门证", "费用解释和洗车满意度确认", "经客户电话同意后更换", "微信支付"}, lines...),
		},
		{
			name:   "pick list",
			paged:  true,
			render: func(r *Renderer, w *bytes.Buffer) error { return r.PickList(w, samplePickList()) },
			qr:     []string{job.JobURL},
			text:   []string{"领料单", "20261123-0007", "京A·12345", "97133-D3000"},
		},
		{
			name:   "bay sheet",
			render: func(r *Renderer, w *bytes.Buffer) error { return r.BaySheet(w, sampleBays()) },
			qr:     []string{"http://192.168.10.5:8080/k/bay/b3"},
			text:   []string{"3号工位", "快修工位", "四轮定位 A", "技师扫码"},
		},
		{
			name:   "badges",
			render: func(r *Renderer, w *bytes.Buffer) error { return r.Badges(w, sampleBadges()) },
			qr:     []string{"http://192.168.10.5:8080/k/badge/t1", "http://192.168.10.5:8080/k/badge/t2", "http://192.168.10.5:8080/k/badge/t3"},
			text:   []string{"王强", "赵磊", "Alexander", "Konstantinopoulos", "Body shop 钣金组", "技师工牌", "B1001", "B1002", "B2017"},
		},
	}
}

// TestDocumentsPrintTheJob renders every document for a realistic Chinese
// job and reads it back the way a person would: the QR code with a scanner
// on a 150 dpi raster, the words with pdftotext.
func TestDocumentsPrintTheJob(t *testing.T) {
	r := testRenderer(t)
	for _, tc := range docCases() {
		t.Run(tc.name, func(t *testing.T) {
			// Each document is drawn and read by pdftoppm, zbarimg and
			// pdftotext, waiting on them: side by side (a Renderer draws
			// concurrently, TestConcurrentRendering).
			t.Parallel()
			var buf bytes.Buffer
			if err := tc.render(r, &buf); err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
				t.Fatalf("not a PDF: %q", buf.Bytes()[:min(16, buf.Len())])
			}
			codes := decodeQR(t, buf.Bytes(), 1)
			slices.Sort(codes)
			want := slices.Clone(tc.qr)
			slices.Sort(want)
			if !slices.Equal(codes, want) {
				t.Errorf("QR codes read %q, want %q", codes, want)
			}
			text := pdfText(t, buf.Bytes(), 0, 0)
			assertContains(t, text, tc.text...)
			if tc.paged {
				assertPageNumber(t, text, 1, 1)
			}
		})
	}
}

func TestBaySheetOnePagePerBay(t *testing.T) {
	r := testRenderer(t)
	var buf bytes.Buffer
	bays := sampleBays()
	if err := r.BaySheet(&buf, bays); err != nil {
		t.Fatal(err)
	}
	if n := pdfPages(t, buf.Bytes()); n != len(bays.Bays) {
		t.Fatalf("%d pages for %d bays", n, len(bays.Bays))
	}
	for i, bay := range bays.Bays {
		if got := decodeQR(t, buf.Bytes(), i+1); !slices.Equal(got, []string{bay.URL}) {
			t.Errorf("page %d QR %q, want %q", i+1, got, bay.URL)
		}
		assertContains(t, pdfText(t, buf.Bytes(), i+1, i+1), bay.Name)
	}
}

func TestEnglishDocuments(t *testing.T) {
	r := testRenderer(t)
	d := sampleJob()
	d.Lang = LangEN
	var buf bytes.Buffer
	if err := r.JobCard(&buf, d); err != nil {
		t.Fatal(err)
	}
	assertContains(t, pdfText(t, buf.Bytes(), 0, 0), "Work order", "Job no.", "20261123-0007", "京A·12345", "张先生",
		"Oil filter 机油滤清器", "¥128.00", "23 Nov 2026 16:30", "10,236 km", "Page 1 / 1", "Kept by customer")
	assertPageNumber(t, pdfText(t, buf.Bytes(), 0, 0), 1, 1)
	buf.Reset()
	if err := r.SeatLabel(&buf, d, LabelSize{}); err != nil {
		t.Fatal(err)
	}
	assertContains(t, pdfText(t, buf.Bytes(), 0, 0), "Seat position saved", "京A·12345", "20261123-0007", "Advisor 李娜")
}

// TestJobCardPaginates prints 200 labour and 200 part lines: every line
// must appear once, each page must say "page n / N", and every page a
// table runs onto must repeat its caption and column headers.
func TestJobCardPaginates(t *testing.T) {
	r := testRenderer(t)
	var buf bytes.Buffer
	if err := r.JobCard(&buf, bigJob(200)); err != nil {
		t.Fatal(err)
	}
	pages := pdfPages(t, buf.Bytes())
	if pages < 8 {
		t.Fatalf("200+200 lines on %d pages; expected at least 8", pages)
	}
	all := flat(pdfText(t, buf.Bytes(), 0, 0))
	for i := 1; i <= 200; i++ {
		for _, key := range []string{fmt.Sprintf("OP-%03d ", i), fmt.Sprintf("P-%05d ", i)} {
			if n := strings.Count(all, key); n != 1 {
				t.Errorf("%q printed %d times", key, n)
			}
		}
	}
	continued := 0
	for p := 1; p <= pages; p++ {
		text := flat(pdfText(t, buf.Bytes(), p, p))
		assertPageNumber(t, text, p, pages)
		if !strings.Contains(text, "任务委托书") || !strings.Contains(text, "20261123-0007") {
			t.Errorf("page %d lacks the header", p)
		}
		if p > 1 && (strings.Contains(text, "OP-") || strings.Contains(text, "P-0")) {
			if !strings.Contains(text, "（续）") || !strings.Contains(text, "序号") || !strings.Contains(text, "金额") {
				t.Errorf("page %d continues a table without its caption and header:\n%s", p, text)
			}
			continued++
		}
	}
	if continued < 6 {
		t.Errorf("only %d continuation pages", continued)
	}
}

// TestEmojiAndOddCharacters: what no font has is replaced, never a crash.
func TestEmojiAndOddCharacters(t *testing.T) {
	r := testRenderer(t)
	d := sampleJob()
	cust := *d.Customer
	cust.Name = "张先生😀"
	d.Customer = &cust
	job := *d.Job
	job.Requests = "空调有异味👃🏽，请检查。\tTab\x00NUL\u200bZWSP 👨‍👩‍👧 family"
	job.WalkAround.Notes = "🚗💨 车内有儿童座椅"
	job.Parts = append(slices.Clone(job.Parts), shop.PartLine{Name: "Wiper 雨刮 🌧️", Quantity: 2, UnitPrice: 4500})
	d.Job = &job
	var buf bytes.Buffer
	if err := r.JobCard(&buf, d); err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, buf.Bytes(), 0, 0)
	assertContains(t, text, "张先生?", "空调有异味?，请检查。", "Tab", "NULZWSP", "? family", "?? 车内有儿童座椅", "Wiper 雨刮 ?")
	for _, docs := range []func() error{
		func() error { return r.SeatLabel(&bytes.Buffer{}, d, LabelSize{}) },
		func() error { return r.Estimate(&bytes.Buffer{}, d, A5) },
		func() error { return r.Settlement(&bytes.Buffer{}, SettlementDoc{JobDoc: d}) },
		func() error {
			return r.Badges(&bytes.Buffer{}, BadgeSheet{Badges: []Badge{{Name: "🦊", Team: "🔧", URL: "x"}}})
		},
	} {
		if err := docs(); err != nil {
			t.Error(err)
		}
	}
}

// TestEmptyFields: a job with nothing filled in prints blanks, not
// "<nil>", year 1 or zero kilometres.
func TestEmptyFields(t *testing.T) {
	r := testRenderer(t)
	for _, d := range []JobDoc{{}, {Job: &shop.Job{}, Customer: &shop.Customer{}, Vehicle: &shop.Vehicle{}}} {
		for name, render := range map[string]func(*bytes.Buffer) error{
			"job card":   func(b *bytes.Buffer) error { return r.JobCard(b, d) },
			"label":      func(b *bytes.Buffer) error { return r.SeatLabel(b, d, LabelSize{}) },
			"estimate":   func(b *bytes.Buffer) error { return r.Estimate(b, d, A4) },
			"settlement": func(b *bytes.Buffer) error { return r.Settlement(b, SettlementDoc{JobDoc: d}) },
		} {
			var buf bytes.Buffer
			if err := render(&buf); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			text := pdfText(t, buf.Bytes(), 0, 0)
			for _, bad := range []string{"<nil>", "0001", "0 公里", "%!"} {
				if strings.Contains(text, bad) {
					t.Errorf("%s prints %q:\n%s", name, bad, text)
				}
			}
		}
	}
}

func TestBadInputs(t *testing.T) {
	r := testRenderer(t)
	var buf bytes.Buffer
	if err := r.SeatLabels(&buf, nil, LabelSize{}); err == nil {
		t.Error("no labels: want an error")
	}
	if err := r.SeatLabel(&buf, sampleJob(), LabelSize{Width: 5, Height: 5}); err == nil {
		t.Error("5×5 mm label: want an error")
	}
	if err := r.Estimate(&buf, sampleJob(), "Letter"); err == nil {
		t.Error("Letter paper: want an error")
	}
	if err := r.BaySheet(&buf, BaySheet{}); err == nil {
		t.Error("no bays: want an error")
	}
	if err := r.Badges(&buf, BadgeSheet{}); err == nil {
		t.Error("no badges: want an error")
	}
}

// TestSeatLabelsOnePerPage prints a batch in one PDF, and a label of other
// stock.
func TestSeatLabelsOnePerPage(t *testing.T) {
	r := testRenderer(t)
	var docs []JobDoc
	for i := 0; i < 5; i++ {
		d := sampleJob()
		job := *d.Job
		job.ID = fmt.Sprintf("20261123-%04d", i+1)
		d.Job = &job
		d.JobURL = "http://192.168.10.5:8080/j/" + job.ID
		docs = append(docs, d)
	}
	var buf bytes.Buffer
	if err := r.SeatLabels(&buf, docs, LabelSize{Width: 50, Height: 30}); err != nil {
		t.Fatal(err)
	}
	if n := pdfPages(t, buf.Bytes()); n != 5 {
		t.Fatalf("%d pages for 5 labels", n)
	}
	for i, d := range docs {
		assertContains(t, pdfText(t, buf.Bytes(), i+1, i+1), d.Job.ID, "京A·12345")
	}
	if got := decodeQR(t, buf.Bytes(), 5); !slices.Equal(got, []string{docs[4].JobURL}) {
		t.Errorf("label 5 QR %q", got)
	}
}

// sampleSettlementSplit is sampleSettlement with a line the maker's
// warranty pays, a discount on the order and a recommendation the
// customer declined: the settlement's split, as docs/samples shows it.
func sampleSettlementSplit() SettlementDoc {
	d := sampleSettlement()
	job := *d.Job
	job.Labour = slices.Clone(job.Labour)
	job.Labour[1].Payer = shop.PayerWarranty // the suspension noise check
	job.Discounts = []shop.Discount{{ID: "dc-1", Line: shop.LineOrder, Amount: 2200, Reason: "老客户抹零 Loyal customer", By: "u-cashier", At: d.Now}}
	delivery := *job.Delivery
	delivery.Due = job.Settlement().CustomerDue
	delivery.Paid = delivery.Due
	delivery.Explanation += "；前悬架异响检查由厂家索赔"
	job.Delivery = &delivery
	d.Job = &job
	d.Findings = append(slices.Clone(d.Findings), &shop.Finding{
		ID: "f2", JobID: job.ID, Description: "Rear brake pads at 3 mm 后刹车片剩余 3 mm，建议更换（安全项目）",
		Hours: 0.8, Price: 52000, Status: shop.FindingDeclined,
	})
	return d
}
