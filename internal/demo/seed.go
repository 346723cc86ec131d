package demo

import (
	"fmt"
	"math/rand/v2"
	"time"

	"bayboard/internal/access"
	"bayboard/internal/shop"
)

// Committer writes a batch; the store implements it.
type Committer interface {
	Commit(recs []shop.Record, events []shop.Event) ([]shop.Event, error)
}

// ManagerID is the demo manager's user id; the demo API token acts as them.
const ManagerID = "user-1"

// Demo secrets, printed at start: this shop is not real.
const (
	Password = "demo-password"
	PIN      = "1234"
)

// SignIn is one demo account, for the start-up banner.
type SignIn struct{ Login, Role string }

// SignIns lists the demo accounts worth trying.
var SignIns = []SignIn{
	{"manager", "service manager 服务经理"},
	{"advisor1", "service advisor 服务顾问"},
	{"controller", "workshop controller 车间主管"},
	{"parts", "parts clerk 配件员"},
	{"qc", "QC inspector 质检员"},
	{"washer", "washer 洗车工"},
	{"cashier", "cashier 收银员"},
	{"followup", "follow-up clerk 回访专员"},
	{"badge B1001", "team leader 班组长 (badge + PIN)"},
	{"badge B1002", "technician 维修技师 (badge + PIN)"},
}

var (
	surnames = []string{"张", "王", "李", "赵", "刘", "陈", "杨", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗"}
	givens   = []string{"伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "霞", "平", "刚", "桂英", "建华"}
	letters  = "ABCEFGHJKLMNPQ"
	works    = []struct {
		request string
		labour  []shop.Labour
		parts   []shop.PartLine
	}{
		{"首保，换机油机滤", []shop.Labour{{Code: "M01", Name: "更换机油机滤 Oil service", SoldHours: 0.8, Price: 16000}},
			[]shop.PartLine{{Number: "26300-35505", Name: "Oil filter 机油滤清器", Quantity: 1, UnitPrice: 12800}, {Number: "05100-00451", Name: "机油 5W-30 Engine oil", Quantity: 4, UnitPrice: 9800}}},
		{"刹车有异响，检查刹车", []shop.Labour{{Code: "B02", Name: "检查更换前刹车片 Front brake pads", SoldHours: 1.2, Price: 24000}},
			[]shop.PartLine{{Number: "58101-C1A00", Name: "前刹车片 Front brake pads", Quantity: 1, UnitPrice: 46000}}},
		{"四轮定位，方向跑偏", []shop.Labour{{Code: "A01", Name: "四轮定位 Wheel alignment", SoldHours: 1.0, Price: 30000}}, nil},
		{"空调不凉", []shop.Labour{{Code: "C03", Name: "空调检测加注 A/C service", SoldHours: 1.5, Price: 28000}},
			[]shop.PartLine{{Number: "97133-D3000", Name: "空调滤芯 Cabin filter", Quantity: 1, UnitPrice: 9500}}},
		{"4万公里保养", []shop.Labour{{Code: "M04", Name: "4万公里保养 40,000 km service", SoldHours: 2.0, Price: 45000}},
			[]shop.PartLine{{Number: "28113-C1100", Name: "空气滤芯 Air filter", Quantity: 1, UnitPrice: 13500}, {Number: "18855-10060", Name: "火花塞 Spark plug", Quantity: 4, UnitPrice: 6500}}},
		{"右前门刮擦，钣喷", []shop.Labour{{Code: "P01", Name: "右前门钣金喷漆 Door panel & paint", SoldHours: 4.0, Price: 120000}}, nil},
		{"发动机故障灯亮", []shop.Labour{{Code: "D01", Name: "故障诊断 Diagnosis", SoldHours: 1.0, Price: 20000}}, nil},
	}
)

// spareParts are in the catalogue beside the works' parts: what the
// technicians ask for during the work, and the extra work's parts.
var spareParts = []shop.PartLine{
	{Number: "58302-2SA30", Name: "后刹车片 Rear brake pads", Quantity: 1, UnitPrice: 42000},
	{Number: "21513-23001", Name: "密封垫 Gasket", Quantity: 1, UnitPrice: 3500},
	{Number: "98350-C1000", Name: "雨刮片 Wiper blade", Quantity: 2, UnitPrice: 5500},
}

type seeder struct {
	d     *shop.Draft
	rng   *rand.Rand
	err   error
	plate map[string]bool
	// mileage is each vehicle's recorded mileage, for the walk-around.
	mileage map[string]int
	// partsSeen counts the parts requests made so far, to name them;
	// findingsSeen the findings.
	partsSeen, findingsSeen int
}

func (s *seeder) do(a shop.Actor, at time.Time, c shop.Command) shop.Event {
	if s.err != nil {
		return shop.Event{}
	}
	ev, err := s.d.Apply(a, c, at)
	if err != nil {
		s.err = fmt.Errorf("%s at %s: %w", c.CommandType(), at.Format("15:04"), err)
	}
	return ev
}

var sys = shop.Actor{System: true, DeviceID: Device}

func (s *seeder) name() string {
	return surnames[s.rng.IntN(len(surnames))] + givens[s.rng.IntN(len(givens))]
}

func (s *seeder) newPlate() string {
	for {
		var p string
		if s.rng.IntN(6) == 0 {
			p = fmt.Sprintf("京A%c%05d", "DF"[s.rng.IntN(2)], s.rng.IntN(100000))
		} else {
			p = fmt.Sprintf("京%c·%05d", letters[s.rng.IntN(len(letters))], s.rng.IntN(100000))
		}
		if !s.plate[p] {
			s.plate[p] = true
			return p
		}
	}
}

// customer adds a customer with one car and returns their ids.
func (s *seeder) customer(at time.Time) (string, string) {
	title := []string{"先生", "女士"}[s.rng.IntN(2)]
	name := string([]rune(s.name())[:1]) + title
	phone := fmt.Sprintf("13%d%08d", 5+s.rng.IntN(5), s.rng.IntN(100000000))
	cu := s.do(sys, at, &shop.PutCustomer{Customer: shop.Customer{Name: name, Phone: phone, Key: s.rng.IntN(8) == 0}})
	m := models[s.rng.IntN(len(models))]
	km := 5000 + s.rng.IntN(120000)
	ve := s.do(sys, at, &shop.PutVehicle{Vehicle: shop.Vehicle{CustomerID: cu.Subject, Plate: s.newPlate(),
		VIN: newVIN(s.rng, m, modelYear(at.Year(), km)), Model: m.name, MileageKM: km}})
	s.mileage[ve.Subject] = km
	return cu.Subject, ve.Subject
}

// Seed builds the demo shop around start (the simulated morning) and
// commits it in one transaction; h hashes the staff's password and the
// technicians' PIN (access.NewHasher(0) for a shop's cost).
func Seed(c Committer, st *shop.State, start time.Time, h access.Hasher) (*shop.State, error) {
	st.Loc = Location()
	s := &seeder{d: shop.NewDraft(st), rng: rand.New(rand.NewPCG(2026, 11)), plate: map[string]bool{}, mileage: map[string]int{}}
	early := start.Add(-3 * time.Hour)
	settings := shop.DefaultSettings()
	settings.Name = "北京朝阳现代汽车特约服务站"
	settings.Address = "北京市朝阳区东四环中路 88 号"
	settings.Phone = "010-65881234"
	settings.SealText = "北京朝阳现代汽车特约服务站"
	settings.Demo = true
	// Findings are priced at the shop's rate: ¥200 an hour, as the
	// catalogue's operations mostly are.
	settings.LabourRate = 20000
	// The demo prints to a local CUPS queue when there is one (.ci/cups.sh
	// sets up cups-pdf as bayboard-pdf); without it a print says the
	// printer is unreachable and the PDF is still there to download.
	settings.Printers = []shop.Printer{
		{Name: "前台A4 Front desk", URI: "http://127.0.0.1:631/printers/bayboard-pdf", Use: shop.PrinterA4},
		{Name: "标签 Labels", URI: "http://127.0.0.1:631/printers/bayboard-pdf", Use: shop.PrinterLabel},
	}
	s.do(sys, early, &shop.SetSettings{Settings: settings})

	staff := []struct {
		login, name string
		role        shop.Role
	}{
		{"manager", "周经理", shop.RoleManager}, {"advisor1", "王芳", shop.RoleAdvisor}, {"advisor2", "刘洋", shop.RoleAdvisor},
		{"advisor3", "陈静", shop.RoleAdvisor}, {"controller", "赵强", shop.RoleController}, {"parts", "孙丽", shop.RoleParts},
		{"qc", "马超", shop.RoleQC}, {"washer", "吴磊", shop.RoleWasher}, {"cashier", "郑敏", shop.RoleCashier},
		{"followup", "何琳", shop.RoleFollowUp},
	}
	hash := h.Hash(Password)
	for _, u := range staff {
		s.do(sys, early, &shop.PutUser{User: shop.User{Login: u.login, Name: u.name, Roles: []shop.Role{u.role}, PasswordHash: hash, Active: true}})
	}
	bays := []struct {
		name string
		kind shop.BayKind
	}{
		{"快修1", shop.BayQuickService}, {"快修2", shop.BayQuickService}, {"快修3", shop.BayQuickService},
		{"机修4", shop.BayGeneral}, {"机修5", shop.BayGeneral}, {"机修6", shop.BayGeneral}, {"机修7", shop.BayGeneral},
		{"定位8", shop.BayAlignment}, {"诊断9", shop.BayDiagnosis}, {"钣金10", shop.BayBody}, {"喷漆11", shop.BayPaint}, {"洗车12", shop.BayWash},
	}
	for _, b := range bays {
		s.do(sys, early, &shop.PutBay{Bay: shop.Bay{Name: b.name, Kind: b.kind, Active: true}})
	}
	teams := []string{"快修组", "机修一组", "机修二组", "钣喷组"}
	skills := [][]string{{"quick_service"}, {"general", "diagnosis", "alignment"}, {"general", "diagnosis", "alignment"}, {"body", "paint"}}
	pin := h.Hash(PIN)
	n := 0
	for ti, team := range teams {
		tm := s.do(sys, early, &shop.PutTeam{Team: shop.Team{Name: team}})
		for k := 0; k < 4; k++ {
			n++
			roles := []shop.Role{shop.RoleTechnician}
			if k == 0 {
				roles = append(roles, shop.RoleTeamLeader)
			}
			name := s.name()
			u := s.do(sys, early, &shop.PutUser{User: shop.User{Login: fmt.Sprintf("tech%02d", n), Name: name, Roles: roles,
				BadgeCode: fmt.Sprintf("B%d", 1000+n), PINHash: pin, Active: true}})
			t := s.do(sys, early, &shop.PutTechnician{Technician: shop.Technician{Name: name, TeamID: tm.Subject, UserID: u.Subject, Skills: skills[ti], Active: true}})
			if k == 0 {
				s.do(sys, early, &shop.PutTeam{Team: shop.Team{ID: tm.Subject, Name: team, LeaderID: t.Subject}})
			}
		}
	}
	for _, w := range works {
		for _, l := range w.labour {
			s.do(sys, early, &shop.PutOperation{Operation: shop.Operation{Code: l.Code, Name: l.Name, SoldHours: l.SoldHours, Price: l.Price, Active: true}})
		}
		for _, p := range w.parts {
			s.do(sys, early, &shop.PutCatalogPart{Part: shop.CatalogPart{Number: p.Number, Name: p.Name, UnitPrice: p.UnitPrice, Active: true}})
		}
	}
	// The wiper blade a technician proposes during the day's work
	// (simulator.go) is priced from the catalogue.
	s.do(sys, early, &shop.PutCatalogPart{Part: wiperBlade})
	for _, p := range spareParts {
		s.do(sys, early, &shop.PutCatalogPart{Part: shop.CatalogPart{Number: p.Number, Name: p.Name, UnitPrice: p.UnitPrice, Active: true}})
	}
	for i := 0; i < 40; i++ {
		s.customer(early)
	}
	s.jobs(start)
	s.appointments(start)
	if s.err != nil {
		return nil, s.err
	}
	if _, err := c.Commit(s.d.Records(), s.d.Events()); err != nil {
		return nil, err
	}
	return s.d.Publish(), nil
}
