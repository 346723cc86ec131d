package printing

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"bayboard/assets"
	"bayboard/internal/shop"
)

var (
	testRendererOnce sync.Once
	testRendererVal  *Renderer
	testRendererErr  error
)

// testRenderer parses the embedded fonts once for the whole test binary.
func testRenderer(tb testing.TB) *Renderer {
	tb.Helper()
	testRendererOnce.Do(func() { testRendererVal, testRendererErr = NewRenderer(assets.Fonts) })
	if testRendererErr != nil {
		tb.Fatal(testRendererErr)
	}
	return testRendererVal
}

var shanghai = time.FixedZone("CST", 8*3600)

// sampleSettings is a Beijing dealer's service department.
func sampleSettings() shop.Settings {
	s := shop.DefaultSettings()
	s.Name = "北京望京现代汽车4S店"
	s.Address = "北京市朝阳区望京东路8号 售后服务部"
	s.Phone = "010-6478 8888"
	s.SealText = "北京望京现代汽车销售服务有限公司"
	return s
}

// sampleJob is a realistic reception: a 10,000 km service plus a noise the
// customer describes in their own words.
func sampleJob() JobDoc {
	at := time.Date(2026, 11, 23, 9, 12, 0, 0, shanghai)
	next := time.Date(2027, 5, 23, 0, 0, 0, 0, shanghai)
	follow := time.Date(2026, 11, 25, 19, 0, 0, 0, shanghai)
	return JobDoc{
		Shop: sampleSettings(),
		Job: &shop.Job{
			ID:       "20261123-0007",
			Stage:    shop.StageReception,
			Requests: "做一万公里保养；早上冷车启动时右前轮附近有“咯噔”异响，过减速带更明显。顺便检查一下空调滤芯。",
			Labour: []shop.Labour{
				{Code: "MT-10K", Name: "10,000 km service 一万公里常规保养", SoldHours: 1.2, Price: 36000},
				{Code: "SUS-CHK", Name: "Front suspension noise check 前悬架异响检查", SoldHours: 0.8, Price: 24000},
				{Code: "AC-FLT", Name: "Cabin filter replacement 更换空调滤芯", SoldHours: 0.3, Price: 6000},
			},
			Parts: []shop.PartLine{
				{Number: "26300-35505", Name: "Oil filter 机油滤清器", Quantity: 1, UnitPrice: 12800},
				{Number: "05100-00451", Name: "Engine oil 5W-30 机油 (L)", Quantity: 4.5, UnitPrice: 9800},
				{Number: "97133-D3000", Name: "Cabin air filter 空调滤芯", Quantity: 1, UnitPrice: 16800},
				{Number: "21513-23001", Name: "Drain plug gasket 放油螺塞垫片", Quantity: 1, UnitPrice: 500},
			},
			PromisedAt:   time.Date(2026, 11, 23, 16, 30, 0, 0, shanghai),
			Wash:         true,
			KeepOldParts: false,
			WalkAround: shop.WalkAround{
				FuelPercent: 50, MileageKM: 10236, CoversOn: true,
				Damage:    "左后门轻微划痕约5cm；前保险杠右侧擦伤",
				Valuables: "行车记录仪、雨伞",
				Notes:     "客户要求保留旧机油滤清器的包装盒。",
			},
			FollowUpAt:    &follow,
			NextServiceAt: &next,
			NextServiceKM: 20236,
			CreatedAt:     at,
		},
		Customer:    &shop.Customer{ID: "c1", Name: "张先生", Phone: "138 0013 8000"},
		Vehicle:     &shop.Vehicle{ID: "v1", Plate: "京A·12345", VIN: "LBEHDAFB5KY123456", Model: "现代 途胜 Tucson 1.5T 2023", MileageKM: 10236},
		AdvisorName: "李娜",
		TeamName:    "机修一组",
		BayName:     "3号快修工位",
		TechNames:   []string{"王强", "赵磊"},
		JobURL:      "http://192.168.10.5:8080/j/20261123-0007",
		CustomerURL: "http://192.168.10.5:8080/c/20261123-0007?t=Qm9vaw",
		Lang:        LangZH,
		Now:         time.Date(2026, 11, 23, 9, 30, 0, 0, shanghai),
	}
}

// bigJob has n labour and n part lines, for pagination.
func bigJob(n int) JobDoc {
	d := sampleJob()
	job := *d.Job
	job.Labour, job.Parts = nil, nil
	for i := 0; i < n; i++ {
		job.Labour = append(job.Labour, shop.Labour{Code: fmt.Sprintf("OP-%03d", i+1), Name: fmt.Sprintf("Operation %d 检查项目第%d项", i+1, i+1), SoldHours: 0.5, Price: 5000})
		job.Parts = append(job.Parts, shop.PartLine{Number: fmt.Sprintf("P-%05d", i+1), Name: fmt.Sprintf("Part %d 配件第%d号", i+1, i+1), Quantity: 1, UnitPrice: 1000})
	}
	d.Job = &job
	return d
}
