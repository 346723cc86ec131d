package web

import (
	"context"
	"fmt"
	"testing"

	"bayboard/internal/shop"
	"bayboard/kiosk"
)

// A bay's kiosk answer carries the queues of those who work them, and of
// no one else: the final inspection's cars for the QC inspector (and the
// manager) at any bay; the wash's cars, with the next step each may take,
// for the washer, the controller and the manager at the wash bay only.
func TestTheBayKioskCarriesTheWashAndInspectionQueues(t *testing.T) {
	ts := newTestShop(t)
	dispatchTestJob(t, ts)
	sys := shop.Actor{System: true}
	do := func(cs ...shop.Command) {
		t.Helper()
		for _, c := range cs {
			if _, err := ts.eng.Do(context.Background(), sys, c); err != nil {
				t.Fatalf("%s: %v", c.CommandType(), err)
			}
		}
	}
	do(&shop.PutBay{Bay: shop.Bay{Name: "洗车", Kind: shop.BayWash, Active: true}},
		&shop.ClockOn{TechRef: shop.TechRef{JobID: testJob, TechID: "tech-1"}},
		&shop.Finish{TechRef: shop.TechRef{JobID: testJob, TechID: "tech-1"}},
		&shop.QC{JobID: testJob, Step: shop.QCTeam, Pass: true})
	urls := kiosk.URLs{Tokens: ts.qr}
	bays := map[string]string{"bay-1": "/api/v1/kiosk/bay/" + lastPart(urls.Bay("bay-1")), "bay-2": "/api/v1/kiosk/bay/" + lastPart(urls.Bay("bay-2"))}
	type ref struct {
		Job struct {
			ID string `json:"id"`
		} `json:"job"`
		Path    string       `json:"path"`
		Washing bool         `json:"washing"`
		Action  kiosk.Action `json:"action"`
	}
	read := func(bay string, role shop.Role) (wash, inspections *[]ref) {
		t.Helper()
		var v struct {
			Wash        *[]ref `json:"wash"`
			Inspections *[]ref `json:"inspections"`
		}
		r := ts.call(t, nil, "GET", bays[bay], ts.tokens[role], nil)
		if r.status != 200 {
			t.Fatalf("%s at %s: %d %s", role, bay, r.status, r.body)
		}
		r.json(t, &v)
		return v.Wash, v.Inspections
	}

	// In quality check, its team check passed: the inspector's.
	for _, role := range shop.Roles {
		for bay := range bays {
			wash, inspections := read(bay, role)
			inspects := role == shop.RoleQC || role == shop.RoleManager
			if (inspections != nil) != inspects {
				t.Errorf("%s at %s: inspections %v, want a queue: %v", role, bay, inspections, inspects)
			}
			if inspects && (len(*inspections) != 1 || (*inspections)[0].Job.ID != testJob || (*inspections)[0].Path != urls.Job(testJob)) {
				t.Errorf("%s at %s: inspections %+v, want %s with its page", role, bay, *inspections, testJob)
			}
			if wash != nil && len(*wash) != 0 {
				t.Errorf("%s at %s: %+v at the wash while the car is in quality check", role, bay, *wash)
			}
		}
	}

	// Inspected: its wash is due.
	do(&shop.QC{JobID: testJob, Step: shop.QCFinal, Pass: true})
	washes := map[shop.Role]bool{shop.RoleWasher: true, shop.RoleController: true, shop.RoleManager: true}
	for _, role := range shop.Roles {
		wash, inspections := read("bay-2", role)
		if (wash != nil) != washes[role] {
			t.Errorf("%s at the wash bay: wash %v, want a queue: %v", role, wash, washes[role])
		}
		if washes[role] && (len(*wash) != 1 || (*wash)[0].Job.ID != testJob || (*wash)[0].Washing || (*wash)[0].Action != kiosk.ActionWashStart) {
			t.Errorf("%s at the wash bay: %+v, want %s waiting, to start", role, *wash, testJob)
		}
		if inspections != nil && len(*inspections) != 0 {
			t.Errorf("%s: %+v still waiting for inspection", role, *inspections)
		}
		if wash, _ := read("bay-1", role); wash != nil {
			t.Errorf("%s at a general bay: the wash queue %+v", role, *wash)
		}
		// At another bay, whoever washes is told which bay's code has
		// the queue; no one else is.
		var elsewhere struct {
			WashBays *[]string `json:"wash_bays"`
		}
		ts.call(t, nil, "GET", bays["bay-1"], ts.tokens[role], nil).json(t, &elsewhere)
		if (elsewhere.WashBays != nil) != washes[role] || (washes[role] && fmt.Sprint(*elsewhere.WashBays) != "[洗车]") {
			t.Errorf("%s at a general bay: wash_bays %v, want [洗车] only to those who wash", role, elsewhere.WashBays)
		}
	}
	do(&shop.StartWash{JobRef: shop.JobRef{JobID: testJob}})
	if wash, _ := read("bay-2", shop.RoleWasher); len(*wash) != 1 || !(*wash)[0].Washing || (*wash)[0].Action != kiosk.ActionWashDone {
		t.Errorf("the washer after the start: %+v, want it washing, to mark done", *wash)
	}
}
