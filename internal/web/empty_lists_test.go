package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"bayboard/board"
	"bayboard/internal/access"
	"bayboard/internal/shop"
	"bayboard/kiosk"
)

// oneJobOfEachShape is a shop with a labour-only job and a parts-only job
// waiting for dispatch, and a job with neither still at reception.
func oneJobOfEachShape(ts *testShop) []shop.Command {
	promised := t0.Add(4 * time.Hour)
	return []shop.Command{
		&shop.PutTeam{Team: shop.Team{Name: "一组"}},
		&shop.PutTechnician{Technician: shop.Technician{Name: "李师傅", TeamID: "team-1", UserID: ts.users[shop.RoleTechnician], Active: true}},
		&shop.PutBay{Bay: shop.Bay{Name: "1号", Kind: shop.BayAlignment, Active: true}},
		&shop.PutCustomer{Customer: shop.Customer{Name: "张先生", Phone: "13812345678"}},
		&shop.PutVehicle{Vehicle: shop.Vehicle{CustomerID: "cu-1", Plate: "京A12345", Model: "Sonata"}},
		&shop.PutVehicle{Vehicle: shop.Vehicle{CustomerID: "cu-1", Plate: "京B23456", Model: "Tucson"}},
		&shop.PutVehicle{Vehicle: shop.Vehicle{CustomerID: "cu-1", Plate: "京C34567", Model: "Elantra"}},
		&shop.OpenJob{CustomerID: "cu-1", VehicleID: "ve-1", Estimate: shop.Estimate{Requests: "四轮定位", PromisedAt: promised,
			Labour: []shop.Labour{{Name: "四轮定位", SoldHours: 1, Price: 30000}}}},
		&shop.OpenJob{CustomerID: "cu-1", VehicleID: "ve-2", Estimate: shop.Estimate{Requests: "换雨刮", PromisedAt: promised,
			Parts: []shop.PartLine{{Number: "98350-2S000", Name: "雨刮片", Quantity: 2, UnitPrice: 8000}}}},
		&shop.OpenJob{CustomerID: "cu-1", VehicleID: "ve-3", Estimate: shop.Estimate{Requests: "异响，先看看", PromisedAt: promised}},
		&shop.Submit{JobRef: shop.JobRef{JobID: "20261123-0001"}},
		&shop.Submit{JobRef: shop.JobRef{JobID: "20261123-0002"}},
	}
}

func aFirstDay(*testShop) []shop.Command { return nil }

// getRoutes says how the empty-list test calls each GET route: the paths
// to ask (parameters filled in from the shop), or none with why not. A
// GET route missing here fails the test, so a new one is walked too.
var getRoutes = map[string]func(ts *testShop) []string{
	"GET /healthz":                              nil, // text
	"GET /metrics":                              nil, // text exposition
	"GET /api/v1/devices/pair/:id":              nil, // walked by TestNoListIsNull's screen
	"GET /api/v1/customer/:token":               eachJob(func(ts *testShop, j *shop.Job) string { return "/api/v1/customer/" + lastPart(ts.urls().Customer(j)) }),
	"GET /api/v1/me":                            fixedPaths("/api/v1/me"),
	"GET /api/v1/kiosk/bay/:token":              eachBay(func(ts *testShop, id string) string { return "/api/v1/kiosk/bay/" + lastPart(ts.urls().Bay(id)) }),
	"GET /api/v1/kiosk/job/:token":              eachJob(func(ts *testShop, j *shop.Job) string { return "/api/v1/kiosk/job/" + lastPart(ts.urls().Job(j.ID)) }),
	"GET /api/v1/workshop":                      fixedPaths("/api/v1/workshop"),
	"GET /api/v1/jobs":                          fixedPaths("/api/v1/jobs", "/api/v1/jobs?stage=waiting_dispatch", "/api/v1/jobs?closed=true"),
	"GET /api/v1/jobs/:id":                      eachJob(func(_ *testShop, j *shop.Job) string { return "/api/v1/jobs/" + j.ID }),
	"GET /api/v1/jobs/:id/history":              eachJob(func(_ *testShop, j *shop.Job) string { return "/api/v1/jobs/" + j.ID + "/history" }),
	"GET /api/v1/settings":                      fixedPaths("/api/v1/settings"),
	"GET /api/v1/setup":                         fixedPaths("/api/v1/setup"),
	"GET /api/v1/message-templates":             fixedPaths("/api/v1/message-templates"),
	"GET /api/v1/settings/phone-check.png":      nil, // PNG
	"GET /api/v1/bays":                          fixedPaths("/api/v1/bays"),
	"GET /api/v1/teams":                         fixedPaths("/api/v1/teams"),
	"GET /api/v1/technicians":                   fixedPaths("/api/v1/technicians"),
	"GET /api/v1/customers":                     fixedPaths("/api/v1/customers", "/api/v1/customers?q=张"),
	"GET /api/v1/vehicles":                      fixedPaths("/api/v1/vehicles", "/api/v1/vehicles?q=京A"),
	"GET /api/v1/appointments":                  fixedPaths("/api/v1/appointments"),
	"GET /api/v1/parts-requests":                fixedPaths("/api/v1/parts-requests"),
	"GET /api/v1/operations":                    fixedPaths("/api/v1/operations"),
	"GET /api/v1/catalog-parts":                 fixedPaths("/api/v1/catalog-parts"),
	"GET /api/v1/promise":                       fixedPaths("/api/v1/promise?hours=1.5", "/api/v1/promise?hours=2&wash=true"),
	"GET /api/v1/reminders":                     fixedPaths("/api/v1/reminders"),
	"GET /api/v1/capacity":                      fixedPaths("/api/v1/capacity", "/api/v1/capacity?date=2026-11-24&at=2026-11-24T10:00:00Z&hours=2"),
	"GET /api/v1/roster":                        fixedPaths("/api/v1/roster", "/api/v1/roster?date=2026-11-24"),
	"GET /api/v1/follow-ups":                    fixedPaths("/api/v1/follow-ups"),
	"GET /api/v1/service-reminders":             fixedPaths("/api/v1/service-reminders"),
	"GET /api/v1/vehicles/:id/history":          eachVehicle(func(id string) string { return "/api/v1/vehicles/" + id + "/history" }),
	"GET /api/v1/staff":                         fixedPaths("/api/v1/staff"),
	"GET /api/v1/desk/appointments":             fixedPaths("/api/v1/desk/appointments"),
	"GET /api/v1/notices":                       fixedPaths("/api/v1/notices"),
	"GET /api/v1/desk/lookup":                   fixedPaths("/api/v1/desk/lookup?q=京A12345", "/api/v1/desk/lookup?q=nobody"),
	"GET /api/v1/findings":                      fixedPaths("/api/v1/findings"),
	"GET /api/v1/kpis":                          fixedPaths("/api/v1/kpis"),
	"GET /api/v1/export/jobs.csv":               nil, // CSV
	"GET /api/v1/export/jobs.json":              fixedPaths("/api/v1/export/jobs.json"),
	"GET /api/v1/export/events.json":            fixedPaths("/api/v1/export/events.json"),
	"GET /api/v1/parts-counter":                 fixedPaths("/api/v1/parts-counter"),
	"GET /api/v1/pick-list":                     fixedPaths("/api/v1/pick-list"),
	"GET /api/v1/jobs/:id/pick-list.pdf":        nil, // PDF
	"GET /api/v1/jobs/:id/photos/:photo":        nil, // a JPEG
	"GET /api/v1/customer/:token/photos/:photo": nil,
	"GET /api/v1/jobs/:id/documents/:file":      nil, // PDF
	"GET /api/v1/documents/seat-labels.pdf":     nil,
	"GET /api/v1/documents/bay-sheet.pdf":       nil,
	"GET /api/v1/documents/badges.pdf":          nil,
	"GET /api/v1/users":                         fixedPaths("/api/v1/users"),
	"GET /api/v1/tokens":                        fixedPaths("/api/v1/tokens"),
	"GET /api/v1/webhooks":                      fixedPaths("/api/v1/webhooks"),
	"GET /api/v1/message-senders":               fixedPaths("/api/v1/message-senders"),
	"GET /api/v1/group-link":                    fixedPaths("/api/v1/group-link"),
	"GET /api/v1/devices":                       fixedPaths("/api/v1/devices"),
	"GET /api/v1/backup":                        nil, // the data file
	"GET /k/bay/:token":                         nil, // pages: their modules are walked in Chromium
	"GET /k/job/:token":                         nil,
	"GET /k/badge/:token":                       nil,
	"GET /k/parts":                              nil,
	"GET /c/:token":                             nil,
	"GET /assets/*":                             nil,
	"GET /board":                                nil,
	"GET /board/:view":                          nil,
	"GET /ws/board/:view":                       nil, // walked by TestNoListIsNull's screen
	"GET /signin":                               nil,
	"GET /desk":                                 nil,
	"GET /desk/:page":                           nil,
	"GET /admin":                                nil,
	"GET /admin/:page":                          nil,
}

func (ts *testShop) urls() kiosk.URLs { return kiosk.URLs{Base: "http://shop", Tokens: ts.qr} }

func fixedPaths(paths ...string) func(*testShop) []string {
	return func(*testShop) []string { return paths }
}

func eachJob(path func(*testShop, *shop.Job) string) func(*testShop) []string {
	return func(ts *testShop) []string {
		var out []string
		for _, j := range ts.eng.State().Jobs {
			out = append(out, path(ts, j))
		}
		sort.Strings(out)
		return out
	}
}

func eachVehicle(path func(id string) string) func(*testShop) []string {
	return func(ts *testShop) []string {
		var out []string
		for id := range ts.eng.State().Vehicles {
			out = append(out, path(id))
		}
		sort.Strings(out)
		return out
	}
}

func eachBay(path func(*testShop, string) string) func(*testShop) []string {
	return func(ts *testShop) []string {
		var out []string
		for id := range ts.eng.State().Bays {
			out = append(out, path(ts, id))
		}
		sort.Strings(out)
		return out
	}
}

// nulls lists where a JSON document holds null, by path.
func nulls(raw []byte) ([]string, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	var out []string
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch v := v.(type) {
		case nil:
			out = append(out, path)
		case map[string]any:
			for k, e := range v {
				walk(path+"."+k, e)
			}
		case []any:
			for i, e := range v {
				walk(fmt.Sprintf("%s[%d]", path, i), e)
			}
		}
	}
	walk("$", v)
	sort.Strings(out)
	return out, nil
}

// No list is ever null: every GET route that answers JSON, asked by every
// role on a shop's first day and on a shop with a job of each shape, and
// every board's first frame, hold no null at all (a list is [] when empty,
// an absent value is left out).
func TestNoListIsNull(t *testing.T) {
	for _, c := range []struct {
		name string
		seed func(*testShop) []shop.Command
	}{
		{"a first day", aFirstDay},
		{"one job of each shape", oneJobOfEachShape},
	} {
		t.Run(c.name, func(t *testing.T) {
			ts := newTestShopSeeded(t, Options{}, c.seed)
			for _, r := range ts.srv.Routes() {
				if strings.HasPrefix(r, "GET ") {
					if _, ok := getRoutes[r]; !ok {
						t.Errorf("%s has no row in getRoutes", r)
					}
				}
			}
			asked := 0
			for _, route := range sortedKeys(getRoutes) {
				paths := getRoutes[route]
				if paths == nil {
					continue
				}
				for _, path := range paths(ts) {
					for _, role := range shop.Roles {
						r := ts.call(t, nil, "GET", path, ts.tokens[role], nil)
						if r.status != http.StatusOK {
							continue // refused to this role: the access tests check who may
						}
						if !strings.Contains(r.header.Get("Content-Type"), "json") {
							t.Errorf("%s: answers %s, not JSON", path, r.header.Get("Content-Type"))
							continue
						}
						asked++
						found, err := nulls(r.body)
						if err != nil {
							t.Errorf("%s as %s: %v", path, role, err)
						}
						if len(found) > 0 {
							t.Errorf("%s as %s: null at %s", path, role, strings.Join(found, ", "))
						}
					}
				}
			}
			// A job's lists are there, empty, whatever its shape.
			for id := range ts.eng.State().Jobs {
				var detail struct{ Job map[string]any }
				ts.call(t, nil, "GET", "/api/v1/jobs/"+id, ts.tokens[shop.RoleAdvisor], nil).json(t, &detail)
				job := detail.Job
				for _, list := range []string{"labour", "parts", "tech_ids", "qc", "clock", "stages"} {
					if _, ok := job[list].([]any); !ok {
						t.Errorf("job %s: %s is %v, not a list", id, list, job[list])
					}
				}
			}
			if asked < 40 {
				t.Errorf("only %d JSON answers were read", asked)
			}

			bs := newBoardShopOn(t, ts, false, board.Options{})
			screen := bs.pairScreen(t, access.Views...)
			for _, view := range []string{"workshop", "lounge", "appointments", "parts", "wash", "advisor"} {
				conn, status, err := bs.dialFeed(view, "Authorization", "Bearer "+screen)
				if err != nil {
					t.Fatalf("%s: %d %v", view, status, err)
				}
				f := &feed{conn: conn}
				for {
					e := readEnvelope(t, f)
					if e.Type != board.TypeSnapshot {
						continue
					}
					if found, err := nulls(e.Data); err != nil || len(found) > 0 {
						t.Errorf("the %s board's first frame: null at %s %v", view, strings.Join(found, ", "), err)
					}
					break
				}
				conn.Close()
			}
		})
	}
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
