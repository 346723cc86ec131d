package shop

import (
	"net/url"
	"strings"
)

// A printer's address is the one URL of the shop's settings the server
// connects to by itself, so only the manager enters it, and only as the
// address of a printer: ipp, ipps, http or https, with a host, without a
// fragment. It may carry a user and password for the printer
// (ipp://user:pass@host/…): the settings answer everyone else gets has
// them taken out (Settings.ForStaff).

// maxPrinterURI bounds a printer's address.
const maxPrinterURI = 500

var printerSchemes = map[string]bool{"ipp": true, "ipps": true, "http": true, "https": true}

// checkPrinterURI adds to p what is wrong with a printer's address.
func checkPrinterURI(p *problems, field, raw string) {
	for _, r := range raw {
		if r <= ' ' || r == 0x7f {
			p.add(field, "must not hold spaces or control characters")
			return
		}
	}
	u, err := url.Parse(raw)
	if len(raw) > maxPrinterURI || err != nil || !printerSchemes[u.Scheme] || u.Opaque != "" || u.Hostname() == "" ||
		len(u.Port()) > 5 || u.Port() == "0" {
		p.add(field, "must be an ipp, ipps, http or https address with a host")
		return
	}
	if u.Fragment != "" || strings.Contains(raw, "#") {
		p.add(field, "must not have a fragment")
	}
}

// PrinterURIForStaff is a printer's address without the user and
// password in it.
func PrinterURIForStaff(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	u.User = nil
	return u.String()
}

// ForStaff is the settings as anyone but a manager sees them: the
// printers' addresses without their credentials.
func (s Settings) ForStaff() Settings {
	printers := make([]Printer, len(s.Printers))
	for i, p := range s.Printers {
		p.URI = PrinterURIForStaff(p.URI)
		printers[i] = p
	}
	s.Printers = printers
	return s
}
