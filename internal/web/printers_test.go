package web

import (
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"bayboard/internal/shop"
)

// A printer's user and password are in the settings answer only for a
// manager; every other role gets the address without them.
func TestPrinterCredentialsAreForManagersOnly(t *testing.T) {
	ts := newTestShop(t)
	setPrinters(t, ts, shop.Printer{Name: "前台", URI: "ipp://alice:s3cret@printer.lan/ipp/print", Use: shop.PrinterA4})
	for _, role := range shop.Roles {
		r := ts.call(t, nil, "GET", "/api/v1/settings", ts.tokens[role], nil)
		if r.status != 200 {
			t.Fatalf("%s: %d %s", role, r.status, r.body)
		}
		shown := strings.Contains(string(r.body), "s3cret") || strings.Contains(string(r.body), "alice")
		if role == shop.RoleManager && !shown {
			t.Errorf("the manager does not see the printer's credentials: %s", r.body)
		}
		if role != shop.RoleManager {
			if shown {
				t.Errorf("%s sees the printer's credentials: %s", role, r.body)
			}
			if !strings.Contains(string(r.body), `"ipp://printer.lan/ipp/print"`) {
				t.Errorf("%s does not see the printer's address: %s", role, r.body)
			}
		}
	}
}

// What a failed print tells the desk is the printer's state: it did not
// answer, or it refused the job and why. Nothing of the network (refused
// connections, addresses, ports) nor the printer's password, so the print
// button cannot be used to probe ports.
func TestAFailedPrintNamesThePrintersStateNotTheNetworks(t *testing.T) {
	ts := newTestShop(t)
	adv := ts.tokens[shop.RoleAdvisor]
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	dead := ln.Addr().String()
	_, port, _ := net.SplitHostPort(dead)
	ln.Close()
	refusing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusUnauthorized)
	}))
	defer refusing.Close()
	setPrinters(t, ts,
		shop.Printer{Name: "前台", URI: "http://alice:s3cret@" + dead + "/printers/a4", Use: shop.PrinterA4},
		shop.Printer{Name: "后台", URI: strings.Replace(refusing.URL, "http://", "http://alice:s3cret@", 1) + "/printers/a4", Use: shop.PrinterA4})
	for _, c := range []struct {
		printer, reason, says string
	}{
		{"前台", "unreachable", `the printer "前台" did not answer`},
		{"后台", "rejected", `the printer "后台" refused the job: HTTP 401`},
	} {
		r := ts.call(t, nil, "POST", "/api/v1/jobs/20261123-0001/print", adv, `{"kind":"job-card","printer":"`+c.printer+`"}`)
		p := r.problem(t)
		if r.status != 502 || p.Code != "print_failed" || p.Reason != c.reason || !strings.HasPrefix(p.Detail, c.says) {
			t.Errorf("%s: %d %s", c.printer, r.status, r.body)
		}
		for _, leak := range []string{"refused", "dial", "tcp", "127.0.0.1", port, "s3cret", "alice", "connect"} {
			if leak == "refused" && c.reason == "rejected" {
				continue // "refused the job" is the printer's word
			}
			if strings.Contains(string(r.body), leak) {
				t.Errorf("%s: the answer tells %q: %s", c.printer, leak, r.body)
			}
		}
	}
}
