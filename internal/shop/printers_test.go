package shop

import (
	"errors"
	"strings"
	"testing"
)

// A printer's address is a printer's URL: ipp, ipps, http or https, with
// a host, no fragment, no spaces or control characters. Anything else is
// refused with its field named, and the settings stay as they were.
func TestPrinterAddressesAreChecked(t *testing.T) {
	good := []string{
		"ipp://192.168.1.30/ipp/print",
		"ipps://printer.lan/ipp/print",
		"http://127.0.0.1:631/printers/front-desk",
		"https://printer.lan:443/ipp",
		"ipp://alice:s3cret@printer.lan/ipp/print",
		"ipp://[fe80::1]:631/ipp/print",
		"IPP://printer.lan/x", // schemes are case-insensitive
	}
	bad := []string{
		"", "ftp://printer.lan/x", "file:///etc/passwd", "javascript:alert(1)", "ipp:printer.lan/x",
		"ipp://", "ipp:///printers/a4", "http://:631/x", "ipp://printer.lan/ipp#frag", "ipp://printer.lan/#",
		"ipp://printer lan/x", "ipp://printer.lan/x\n", "ipp://printer.lan/\x00", "ipp://printer.lan:0/x",
		"ipp://printer.lan:999999/x", "ipp://printer.lan/" + strings.Repeat("a", maxPrinterURI),
		"//printer.lan/x", "printer.lan",
	}
	for _, uri := range good {
		f := newFixture(t)
		s := DefaultSettings()
		s.Printers = []Printer{{Name: "A4", URI: uri, Use: PrinterA4}}
		if err := f.apply(system, &SetSettings{Settings: s}); err != nil {
			t.Errorf("%q refused: %v", uri, err)
		}
	}
	for _, uri := range bad {
		f := newFixture(t)
		s := DefaultSettings()
		s.Printers = []Printer{{Name: "A4", URI: uri, Use: PrinterA4}}
		err := f.apply(system, &SetSettings{Settings: s})
		var e *Error
		if !errors.As(err, &e) || len(e.Fields) != 1 || e.Fields[0].Field != "settings.printers[0].uri" {
			t.Errorf("%q: %v", uri, err)
		}
		if len(f.state.Settings.Printers) != 0 {
			t.Errorf("%q: the refused settings were kept", uri)
		}
	}
}

// Everyone but a manager sees the printers without their credentials.
func TestSettingsForStaffHaveNoPrinterCredentials(t *testing.T) {
	s := DefaultSettings()
	s.Printers = []Printer{{Name: "A4", URI: "ipp://alice:s3cret@printer.lan:631/ipp/print", Use: PrinterA4},
		{Name: "Label", URI: "ipps://token@label.lan/ipp", Use: PrinterLabel}}
	staff := s.ForStaff()
	if got := staff.Printers[0].URI; got != "ipp://printer.lan:631/ipp/print" {
		t.Errorf("staff see %q", got)
	}
	if got := staff.Printers[1].URI; got != "ipps://label.lan/ipp" {
		t.Errorf("staff see %q", got)
	}
	if s.Printers[0].URI != "ipp://alice:s3cret@printer.lan:631/ipp/print" {
		t.Errorf("ForStaff changed the shop's own settings: %q", s.Printers[0].URI)
	}
}
