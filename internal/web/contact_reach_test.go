package web

import (
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"bayboard/board"
	"bayboard/internal/access"
	"bayboard/internal/demo"
	"bayboard/internal/engine"
	"bayboard/internal/shop"
	"bayboard/internal/store"
)

// newDemoTestShop serves the demo shop, seeded at half past nine on a
// Monday, with an API token for one of its users of each role.
func newDemoTestShop(t *testing.T) *testShop {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "shop.db"))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 11, 23, 9, 30, 0, 0, demo.Location())
	state, _, _ := st.Load(start)
	if state, err = demo.Seed(st, state, start, access.NewHasher(testHashCost)); err != nil {
		t.Fatal(err)
	}
	shopClock := &testClock{now: start}
	ts := &testShop{eng: engine.New(st, state, shopClock.Now), store: st, tokens: map[shop.Role]string{}, users: map[shop.Role]string{}, shopClock: shopClock}
	for _, u := range sortedValues(state.Users) {
		for _, r := range u.Roles {
			if ts.users[r] != "" || !u.Active || u.MustChangePassword {
				continue
			}
			ts.users[r] = u.ID
			if ts.tokens[r], err = access.IssueToken(st, access.BySystem(start), u.ID, "test"); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, r := range shop.Roles {
		if ts.users[r] == "" {
			t.Fatalf("the demo has no user of role %s", r)
		}
	}
	ts.serve(t, Options{}, nil)
	return ts
}

// contactOf lists the customers' names and phones of a shop, as a
// reader would find them in an answer: the names that are also part of a
// colleague's (the demo draws both from the same surnames) are left out,
// since finding them says nothing.
func contactOf(st *shop.State) []string {
	var staff []string
	for _, u := range st.Users {
		staff = append(staff, u.Name)
	}
	for _, tech := range st.Technicians {
		staff = append(staff, tech.Name)
	}
	var out []string
	for _, cu := range sortedValues(st.Customers) {
		out = append(out, cu.Phone)
		colleague := false
		for _, name := range staff {
			colleague = colleague || strings.Contains(name, cu.Name)
		}
		if !colleague {
			out = append(out, cu.Name)
		}
	}
	return out
}

// A customer's name and phone reach only the roles that need them: every
// GET route that answers JSON, asked by every role, on the demo shop and
// on a shop with a job of each shape, holds a customer's name or phone
// only for a role that shop.MaySeeContact admits, and does hold them for
// the advisor (so the walk is not blind).
func TestContactDataReachesOnlyItsRoles(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range []struct {
		name string
		shop func(t *testing.T) *testShop
	}{
		{"one job of each shape", func(t *testing.T) *testShop { return newTestShopSeeded(t, Options{}, oneJobOfEachShape) }},
		{"the demo shop", newDemoTestShop},
		{"a car with its history", func(t *testing.T) *testShop { return newTestShopSeeded(t, Options{}, carWithHistory) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			ts := c.shop(t)
			contact := contactOf(ts.eng.State())
			for _, route := range sortedKeys(getRoutes) {
				paths := getRoutes[route]
				if paths == nil {
					continue
				}
				for _, path := range paths(ts) {
					for _, role := range shop.Roles {
						r := ts.call(t, nil, "GET", path, ts.tokens[role], nil)
						if r.status != http.StatusOK {
							continue
						}
						body := string(r.body)
						for _, c := range contact {
							if !strings.Contains(body, c) {
								continue
							}
							if role == shop.RoleAdvisor {
								seen[route] = true
							}
							if !shop.MaySeeContact(shop.Actor{Roles: []shop.Role{role}}) {
								t.Errorf("%s as %s shows %s", path, role, c)
								break
							}
						}
					}
				}
			}
		})
	}
	for _, route := range []string{"GET /api/v1/jobs", "GET /api/v1/jobs/:id", "GET /api/v1/customers", "GET /api/v1/desk/lookup", "GET /api/v1/workshop", "GET /api/v1/follow-ups", "GET /api/v1/service-reminders"} {
		if !seen[route] {
			t.Errorf("%s showed the advisor no customer: the walk reads nothing there", route)
		}
	}
}

// The advisor board names customers and is one frame for all its screens:
// it opens for a person who may see contact data and for a screen paired
// for it, and refuses the floor's people (the other boards stay theirs).
func TestTheAdvisorBoardOpensOnlyForContactRoles(t *testing.T) {
	bs := newBoardShop(t, false)
	for _, role := range shop.Roles {
		want := shop.MaySeeContact(shop.Actor{Roles: []shop.Role{role}})
		conn, status, err := bs.dialFeed(board.ViewAdvisor, "Authorization", "Bearer "+bs.tokens[role])
		if opened := err == nil; opened != want {
			t.Errorf("the advisor board as %s: opened %v (status %d), want %v", role, opened, status, want)
		}
		if conn != nil {
			conn.Close()
		}
		if !want && status != http.StatusForbidden {
			t.Errorf("the advisor board as %s: status %d, want 403", role, status)
		}
		conn, _, err = bs.dialFeed(board.ViewWorkshop, "Authorization", "Bearer "+bs.tokens[role])
		if err != nil {
			t.Errorf("the workshop board as %s: %v", role, err)
		} else {
			conn.Close()
		}
	}
	screen := bs.pairScreen(t, board.ViewAdvisor)
	conn, status, err := bs.dialFeed(board.ViewAdvisor, "Authorization", "Bearer "+screen)
	if err != nil {
		t.Fatalf("a screen paired for the advisor board: %d %v", status, err)
	}
	conn.Close()
}

// The answer to a command carries the job as its giver may read it: the
// technician who clocks on sees the plate, not the customer.
func TestACommandsAnswerHoldsNoContactForTheFloor(t *testing.T) {
	ts := newTestShop(t)
	dispatchTestJob(t, ts)
	r := ts.call(t, nil, "POST", "/api/v1/commands", ts.tokens[shop.RoleTechnician], `{"type":"clock_on","job_id":"`+testJob+`","tech_id":"tech-1"}`)
	if r.status != http.StatusOK {
		t.Fatalf("clock_on: %d %s", r.status, r.body)
	}
	if !strings.Contains(string(r.body), "京A") || strings.Contains(string(r.body), "张先生") {
		t.Errorf("the technician's answer: %s", r.body)
	}
	r = ts.call(t, nil, "POST", "/api/v1/commands", ts.tokens[shop.RoleAdvisor], `{"type":"report_finding","job_id":"`+testJob+`","description":"刹车盘磨损","hours":1}`)
	if r.status != http.StatusOK || !strings.Contains(string(r.body), "张先生") {
		t.Errorf("the advisor's answer: %d %s", r.status, r.body)
	}
}
