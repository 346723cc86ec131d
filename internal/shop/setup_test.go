package shop

import (
	"reflect"
	"testing"
)

// A new shop lacks everything, in the order it is set up; each thing added
// takes its gap away, and a team whose leader cannot check (none named,
// or one gone) is named as a gap however many teams there are.
func TestSetupSaysWhatIsMissing(t *testing.T) {
	st := NewState()
	st.Users["user-1"] = &User{ID: "user-1", Login: "admin", Name: "Admin", Roles: []Role{RoleManager}, Active: true}
	gaps := func(screens int) map[SetupStep][]Missing {
		t.Helper()
		out := map[SetupStep][]Missing{}
		steps := st.Setup(screens)
		if len(steps) != 7 {
			t.Fatalf("%d steps", len(steps))
		}
		for i, want := range []SetupStep{"bays", "teams", "technicians", "users", "printers", "catalog", "screens"} {
			if steps[i].Step != want {
				t.Errorf("step %d is %s, want %s", i, steps[i].Step, want)
			}
			if steps[i].Done != (len(steps[i].Missing) == 0) {
				t.Errorf("%s: done %v with %v missing", want, steps[i].Done, steps[i].Missing)
			}
			if len(steps[i].Missing) > 0 {
				out[want] = steps[i].Missing
			}
		}
		return out
	}
	g := func(code SetupGap) Missing { return Missing{Gap: code} }
	want := map[SetupStep][]Missing{
		"bays":        {g("no_bay")},
		"teams":       {g("no_team")},
		"technicians": {g("no_technician")},
		"users":       {g("no_advisor"), g("no_qc_inspector")},
		"printers":    {g("no_printer"), g("no_base_url")},
		"catalog":     {g("no_catalog")},
		"screens":     {g("no_screen")},
	}
	if got := gaps(0); !reflect.DeepEqual(got, want) {
		t.Fatalf("a new shop:\n got %v\nwant %v", got, want)
	}

	st.Bays["bay-1"] = &Bay{ID: "bay-1", Name: "1", Kind: BayGeneral, Active: true}
	st.Teams["team-1"] = &Team{ID: "team-1", Name: "一组", LeaderID: "tech-1"}
	st.Teams["team-2"] = &Team{ID: "team-2", Name: "二组"}
	st.Teams["team-3"] = &Team{ID: "team-3", Name: "三组", LeaderID: "tech-3"}
	st.Technicians["tech-1"] = &Technician{ID: "tech-1", Name: "李师傅", TeamID: "team-1", UserID: "user-2", Active: true}
	st.Technicians["tech-2"] = &Technician{ID: "tech-2", Name: "王师傅", TeamID: "team-2", Active: true}
	st.Technicians["tech-3"] = &Technician{ID: "tech-3", Name: "赵师傅", TeamID: "team-3", UserID: "user-3", Active: false}
	st.Users["user-2"] = &User{ID: "user-2", Login: "li", Name: "李师傅", Roles: []Role{RoleTechnician}, Active: true}
	st.Users["user-3"] = &User{ID: "user-3", Login: "zhao", Name: "赵师傅", Roles: []Role{RoleTechnician, RoleTeamLeader}, Active: true}
	st.Users["user-4"] = &User{ID: "user-4", Login: "wang", Name: "王顾问", Roles: []Role{RoleAdvisor}, Active: true}
	st.Settings.Printers = []Printer{{Name: "A4", URI: "ipp://192.168.1.20/ipp/print", Use: PrinterA4}}
	st.Settings.BaseURL = "http://127.0.0.1:8080"
	want = map[SetupStep][]Missing{
		"teams":       {{Gap: "team_without_leader", Subject: "team-2", Name: "二组"}, {Gap: "team_without_leader", Subject: "team-3", Name: "三组"}},
		"technicians": {{Gap: "technician_without_account", Subject: "tech-2", Name: "王师傅"}},
		"users":       {g("no_qc_inspector")},
		"printers":    {g("no_base_url")},
		"catalog":     {g("no_catalog")},
	}
	if got := gaps(1); !reflect.DeepEqual(got, want) {
		t.Fatalf("half set up:\n got %v\nwant %v", got, want)
	}

	st.Teams["team-2"].LeaderID = "tech-1"
	st.Teams["team-3"].LeaderID = "tech-1"
	st.Technicians["tech-2"].UserID = "user-3"
	st.Users["user-5"] = &User{ID: "user-5", Login: "sun", Name: "孙质检", Roles: []Role{RoleQC}, Active: true}
	st.Settings.BaseURL = "http://192.168.1.10:8080"
	st.Operations["OIL"] = &Operation{Code: "OIL", Name: "换机油", SoldHours: 0.5, Price: 8000, Active: true}
	if got := gaps(2); len(got) != 0 {
		t.Errorf("set up: %v still missing", got)
	}
	// A catalogue of retired items is none, and no screen paired is a gap.
	st.Operations["OIL"].Active = false
	want = map[SetupStep][]Missing{"catalog": {g("no_catalog")}, "screens": {g("no_screen")}}
	if got := gaps(0); !reflect.DeepEqual(got, want) {
		t.Errorf("a retired catalogue, no screen:\n got %v\nwant %v", got, want)
	}
}
