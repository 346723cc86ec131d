package printing

import (
	"bytes"
	"testing"
	"time"

	"bayboard/internal/shop"
)

// samplePickList is the sample job dispatched, its oil filter issued and
// half a litre of oil of the 4.5 given back, a wiper blade the advisor
// allowed, and a technician's request for a part beyond the work; the
// lines are the domain's own (shop.State.DrawLines).
func samplePickList() PickListDoc {
	d := sampleJob()
	at := time.Date(2026, 11, 23, 10, 5, 0, 0, shanghai)
	job := *d.Job
	job.Stage = shop.StageInProgress
	job.Issued = []shop.IssuedPart{
		{ID: "ip-1", Number: "26300-35505", Name: "Oil filter 机油滤清器", Quantity: 1, UnitPrice: 12800, CatalogPrice: 12800, Basis: shop.BasisScope, IssuedBy: "user-6", IssuedAt: at},
		{ID: "ip-2", Number: "05100-00451", Name: "Engine oil 5W-30 机油 (L)", Quantity: 4.5, Returned: 0.5, UnitPrice: 9800, CatalogPrice: 9800, Basis: shop.BasisScope, IssuedBy: "user-6", IssuedAt: at},
	}
	job.Allowances = []shop.PartAllowance{{ID: "pa-1", Number: "98350-C1000", Name: "Wiper blade 雨刮片", Quantity: 2, Reason: "客户电话同意", By: "user-2", At: at}}
	st := shop.NewState()
	for _, p := range []shop.CatalogPart{
		{Number: "26300-35505", Name: "Oil filter 机油滤清器", UnitPrice: 12800, Active: true},
		{Number: "05100-00451", Name: "Engine oil 5W-30 机油 (L)", UnitPrice: 9800, Active: true},
		{Number: "97133-D3000", Name: "Cabin air filter 空调滤芯", UnitPrice: 16800, Active: true},
		{Number: "21513-23001", Name: "Drain plug gasket 放油螺塞垫片", UnitPrice: 500, Active: true},
		{Number: "98350-C1000", Name: "Wiper blade 雨刮片", UnitPrice: 5500, Active: true},
	} {
		st.CatalogParts[p.Number] = &p
	}
	st.Jobs[job.ID] = &job
	st.PartsRequests["pr-1"] = &shop.PartsRequest{ID: "pr-1", JobID: job.ID, Number: "54830-D3000", Description: "Stabiliser link 稳定杆连杆",
		Quantity: 1, Status: shop.PartsRequested, RequestedBy: "user-12", RequestedAt: at}
	d.Job = &job
	d.Now = time.Date(2026, 11, 23, 10, 30, 0, 0, shanghai)
	return PickListDoc{JobDoc: d, Lines: st.DrawLines(&job)}
}

// The pick list prints what is left to draw on each ground, with the
// catalogue's price, and what the job holds, read back with pdftotext.
func TestThePickListPrintsWhatIsLeftToDraw(t *testing.T) {
	r := testRenderer(t)
	for _, c := range []struct {
		lang string
		want []string
	}{
		{LangZH, []string{"领料单", "待领配件", "已发配件", "领料人", "发料人", "约定项目", "顾问特批", "申请待特批", "实发"}},
		{LangEN, []string{"Parts pick list", "Parts to draw", "Parts issued", "Drawn by", "Issued by", "Agreed work", "Advisor's allowance", "Given"}},
	} {
		d := samplePickList()
		d.Lang = c.lang
		var buf bytes.Buffer
		if err := r.PickList(&buf, d); err != nil {
			t.Fatal(err)
		}
		text := pdfText(t, buf.Bytes(), 0, 0)
		assertContains(t, text, c.want...)
		assertContains(t, text, "20261123-0007", "京A·12345", "3号快修工位", "王强、赵磊",
			// Left to draw: the cabin filter and the gasket of the scope,
			// 0.5 l of oil given back, the allowed wipers, the request.
			"97133-D3000", "¥168.00", "21513-23001", "¥5.00", "98350-C1000", "¥55.00", "54830-D3000", "0.5",
			// Issued: the filter and the oil with its return.
			"26300-35505", "05100-00451", "4.5", "11-23 10:05")
		assertPageNumber(t, text, 1, 1)
	}
	// A drawn line is not on the list: the filter appears once, among
	// the issued parts.
	var buf bytes.Buffer
	if err := r.PickList(&buf, samplePickList()); err != nil {
		t.Fatal(err)
	}
	if text := pdfText(t, buf.Bytes(), 0, 0); bytes.Count([]byte(text), []byte("26300-35505")) != 1 {
		t.Errorf("the issued filter is listed %d times:\n%s", bytes.Count([]byte(text), []byte("26300-35505")), text)
	}
}
