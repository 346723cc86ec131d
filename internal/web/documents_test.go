package web

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"bayboard/assets"
	"bayboard/internal/shop"
	"bayboard/printing"
)

var (
	rendererOnce sync.Once
	renderer     *printing.Renderer
	rendererErr  error
)

// testRenderer parses the fonts once for every test server.
func testRenderer(t *testing.T) *printing.Renderer {
	rendererOnce.Do(func() { renderer, rendererErr = printing.NewRenderer(assets.Fonts) })
	if rendererErr != nil {
		t.Fatal(rendererErr)
	}
	return renderer
}

func TestJobDocumentsOverHTTP(t *testing.T) {
	ts := newTestShop(t)
	adv := ts.tokens[shop.RoleAdvisor]
	for _, kind := range []string{"job-card", "seat-label", "estimate"} {
		r := ts.call(t, nil, "GET", "/api/v1/jobs/20261123-0001/documents/"+kind+".pdf", adv, nil)
		if r.status != 200 || r.header.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(r.body, []byte("%PDF")) {
			t.Errorf("%s: %d %s", kind, r.status, r.header.Get("Content-Type"))
		}
	}
	if r := ts.call(t, nil, "GET", "/api/v1/jobs/20261123-0001/documents/settlement.pdf", adv, nil); r.status != 409 {
		t.Errorf("settlement before the car is ready: %d", r.status)
	}
	if r := ts.call(t, nil, "GET", "/api/v1/jobs/20261123-0001/documents/invoice.pdf", adv, nil); r.status != 404 {
		t.Errorf("unknown document: %d", r.status)
	}
	if r := ts.call(t, nil, "GET", "/api/v1/jobs/20261123-0001/documents/estimate.pdf?paper=B5", adv, nil); r.status != 400 {
		t.Errorf("unknown paper: %d", r.status)
	}
	if r := ts.call(t, nil, "GET", "/api/v1/jobs/20261123-0001/documents/job-card.pdf", ts.tokens[shop.RoleWasher], nil); r.status != 403 {
		t.Errorf("washer printing: %d", r.status)
	}
	labels := ts.call(t, nil, "GET", "/api/v1/documents/seat-labels.pdf?jobs=20261123-0001,20261123-0001", adv, nil)
	if labels.status != 200 || !bytes.HasPrefix(labels.body, []byte("%PDF")) {
		t.Errorf("labels: %d", labels.status)
	}
	mgr := ts.tokens[shop.RoleManager]
	for _, p := range []string{"/api/v1/documents/bay-sheet.pdf", "/api/v1/documents/badges.pdf?lang=en"} {
		if r := ts.call(t, nil, "GET", p, mgr, nil); r.status != 200 || !bytes.HasPrefix(r.body, []byte("%PDF")) {
			t.Errorf("%s: %d %s", p, r.status, r.body)
		}
	}
}

func TestPrintingFailuresSayWhy(t *testing.T) {
	ts := newTestShop(t)
	adv := ts.tokens[shop.RoleAdvisor]
	if r := ts.call(t, nil, "POST", "/api/v1/jobs/20261123-0001/print", adv, `{"kind":"job-card"}`); r.status != 409 || r.problem(t).Code != "no_printer" || !strings.Contains(r.problem(t).Detail, "no a4 printer") {
		t.Errorf("no printer set up: %d %s", r.status, r.body)
	}
	// A printer address where nothing listens.
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	dead := ln.Addr().String()
	ln.Close()
	setPrinters(t, ts, shop.Printer{Name: "前台", URI: "http://" + dead + "/printers/a4", Use: shop.PrinterA4})
	r := ts.call(t, nil, "POST", "/api/v1/jobs/20261123-0001/print", adv, `{"kind":"job-card"}`)
	if p := r.problem(t); r.status != 502 || p.Code != "print_failed" || p.Reason != "unreachable" {
		t.Errorf("unreachable printer: %d %s", r.status, r.body)
	}
	if r := ts.call(t, nil, "POST", "/api/v1/jobs/20261123-0001/print", adv, `{"kind":"job-card","printer":"后台"}`); r.status != 400 {
		t.Errorf("unknown printer: %d", r.status)
	}
}

func setPrinters(t *testing.T, ts *testShop, printers ...shop.Printer) {
	t.Helper()
	set := ts.eng.State().Settings
	set.Printers = printers
	if _, err := ts.eng.Do(context.Background(), shop.Actor{System: true}, &shop.SetSettings{Settings: set}); err != nil {
		t.Fatal(err)
	}
}

// The job card goes through the server's IPP printing to a real CUPS
// queue (cups-pdf, set up by .ci/cups.sh), which accepts it.
func TestPrintToCUPS(t *testing.T) {
	const queue = "http://127.0.0.1:631/printers/bayboard-pdf"
	resp, err := http.Get(queue)
	if err != nil || resp.StatusCode >= 400 {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CUPS queue bayboard-pdf is not there under CI (run .ci/cups.sh): %v", err)
		}
		t.Skip("no CUPS queue bayboard-pdf on this machine; run .ci/cups.sh to set one up")
	}
	resp.Body.Close()
	ts := newTestShop(t)
	setPrinters(t, ts, shop.Printer{Name: "PDF", URI: queue, Use: shop.PrinterA4})
	r := ts.call(t, nil, "POST", "/api/v1/jobs/20261123-0001/print", ts.tokens[shop.RoleAdvisor], `{"kind":"job-card"}`)
	if r.status != 200 || !strings.Contains(string(r.body), `"job_id":`) {
		t.Fatalf("print to CUPS: %d %s", r.status, r.body)
	}
	if out, err := exec.Command("lpstat", "-W", "all", "-o", "bayboard-pdf").CombinedOutput(); err == nil {
		t.Logf("queue: %s", out)
	}
}
