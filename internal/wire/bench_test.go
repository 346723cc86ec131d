package wire

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"bayboard/internal/shop"
)

// busyJobs is what GET /api/v1/jobs sends for a busy shop: 500 open jobs,
// each with two labour lines, a part, a technician and a clock session.
func busyJobs() []*shop.Job {
	t0 := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	jobs := make([]*shop.Job, 500)
	for i := range jobs {
		start := t0.Add(-time.Duration(i%120) * time.Minute)
		jobs[i] = &shop.Job{ID: fmt.Sprintf("20261123-%04d", i), CustomerID: fmt.Sprint("cu-", i), VehicleID: fmt.Sprint("ve-", i),
			Stage: shop.StageInProgress, PromisedAt: t0.Add(time.Duration(i%240) * time.Minute), Requests: "保养，刹车有异响",
			TechIDs: []string{fmt.Sprint("tech-", 1+i%60)}, Labour: []shop.Labour{{Name: "保养", SoldHours: 1.5, Price: 30000}, {Name: "刹车", SoldHours: 1, Price: 20000}},
			Parts: []shop.PartLine{{Number: "26300-35505", Name: "机油滤清器", Quantity: 1, UnitPrice: 12800}},
			Clock: []shop.ClockSession{{TechID: fmt.Sprint("tech-", 1+i%60), Start: start}}, CreatedAt: start, UpdatedAt: start,
			Stages: []shop.StageChange{{Stage: shop.StageReception, At: start}}}
	}
	return jobs
}

// BenchmarkJobs500 encodes 500 jobs as the server answers them, beside
// encoding/json doing the same (which would write null for the empty QC).
func BenchmarkJobs500(b *testing.B) {
	jobs := busyJobs()
	for _, c := range []struct {
		name    string
		marshal func(any) ([]byte, error)
	}{{"wire", Marshal}, {"encoding-json", json.Marshal}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.marshal(jobs); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
