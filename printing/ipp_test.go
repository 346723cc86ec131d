package printing

import (
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestIPPEndpoints(t *testing.T) {
	for _, tc := range []struct{ in, web, printer string }{
		{"ipp://127.0.0.1/printers/bayboard-pdf", "http://127.0.0.1:631/printers/bayboard-pdf", "ipp://127.0.0.1:631/printers/bayboard-pdf"},
		{"ipp://printer.local:8631/ipp/print", "http://printer.local:8631/ipp/print", "ipp://printer.local:8631/ipp/print"},
		{"ipps://10.0.0.9/ipp/print", "https://10.0.0.9:631/ipp/print", "ipps://10.0.0.9:631/ipp/print"},
		{"http://127.0.0.1:631/printers/bayboard-pdf", "http://127.0.0.1:631/printers/bayboard-pdf", "ipp://127.0.0.1:631/printers/bayboard-pdf"},
		{" IPP://[::1]/printers/q ", "http://[::1]:631/printers/q", "ipp://[::1]:631/printers/q"},
	} {
		web, printer, err := ippEndpoints(tc.in)
		if err != nil || web != tc.web || printer != tc.printer {
			t.Errorf("ippEndpoints(%q) = %q, %q, %v; want %q, %q", tc.in, web, printer, err, tc.web, tc.printer)
		}
	}
	for _, bad := range []string{"", "lpd://host/queue", "/printers/x", "ipp://"} {
		if _, _, err := ippEndpoints(bad); err == nil {
			t.Errorf("ippEndpoints(%q): want an error", bad)
		}
	}
}

// ippRequest is a Print-Job as the fake printer sees it.
type ippRequest struct {
	version   [2]byte
	operation uint16
	groups    []byte
	attrs     map[string]string
	document  []byte
}

func parseIPPRequest(t *testing.T, b []byte) ippRequest {
	t.Helper()
	req := ippRequest{attrs: map[string]string{}}
	copy(req.version[:], b)
	req.operation = binary.BigEndian.Uint16(b[2:])
	p := 8
	for {
		tag := b[p]
		p++
		if tag == ippTagEnd {
			req.document = b[p:]
			return req
		}
		if tag < 0x10 {
			req.groups = append(req.groups, tag)
			continue
		}
		n := int(binary.BigEndian.Uint16(b[p:]))
		name := string(b[p+2 : p+2+n])
		p += 2 + n
		vn := int(binary.BigEndian.Uint16(b[p:]))
		value := b[p+2 : p+2+vn]
		p += 2 + vn
		if tag == ippTagInteger {
			req.attrs[name] = strconv.Itoa(int(binary.BigEndian.Uint32(value)))
		} else {
			req.attrs[name] = string(value)
		}
	}
}

// ippAnswer encodes a response with a status, a status-message and, when
// accepted, the job's attributes.
func ippAnswer(status uint16, message string, jobID int) []byte {
	b := []byte{1, 1}
	b = binary.BigEndian.AppendUint16(b, status)
	b = binary.BigEndian.AppendUint32(b, 1)
	b = append(b, ippTagOperation)
	b = ippAttr(b, ippTagCharset, "attributes-charset", []byte("utf-8"))
	b = ippAttr(b, ippTagNaturalLanguage, "attributes-natural-language", []byte("en"))
	if message != "" {
		b = ippAttr(b, ippTagText, "status-message", []byte(message))
	}
	if jobID > 0 {
		b = append(b, ippTagJob)
		b = ippAttr(b, ippTagURI, "job-uri", []byte("ipp://127.0.0.1:631/jobs/42"))
		b = ippAttr(b, ippTagInteger, "job-id", binary.BigEndian.AppendUint32(nil, uint32(jobID)))
		b = ippAttr(b, ippTagEnum, "job-state", binary.BigEndian.AppendUint32(nil, 3))
	}
	return append(b, ippTagEnd)
}

func TestPrintSendsAPrintJob(t *testing.T) {
	pdf := []byte("%PDF-1.4 pretend document")
	var got ippRequest
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/ipp" || r.URL.Path != "/printers/front-desk" {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		body, _ := io.ReadAll(r.Body)
		got = parseIPPRequest(t, body)
		w.Header().Set("Content-Type", "application/ipp")
		w.Write(ippAnswer(0x0000, "", 42))
	}))
	defer srv.Close()

	// An ipp:// URI with a port goes to that port over HTTP.
	uri := strings.Replace(srv.URL, "http://", "ipp://", 1) + "/printers/front-desk"
	p := Printer{Name: "front desk", URI: uri, Media: "iso_a4_210x297mm"}
	res, err := p.Print(context.Background(), pdf, PrintOptions{JobName: "任务委托书 20261123-0007", User: "lina", Copies: 2})
	if err != nil {
		t.Fatal(err)
	}
	if res.JobID != 42 || res.JobState != "pending" || res.Status != "successful-ok" || res.JobURI == "" {
		t.Errorf("result %+v", res)
	}
	if got.version != [2]byte{1, 1} || got.operation != ippOpPrintJob {
		t.Errorf("version %v operation %#x", got.version, got.operation)
	}
	if string(got.groups) != string([]byte{ippTagOperation, ippTagJob}) {
		t.Errorf("attribute groups %v", got.groups)
	}
	for name, want := range map[string]string{
		"attributes-charset":          "utf-8",
		"attributes-natural-language": "en",
		"printer-uri":                 uri,
		"requesting-user-name":        "lina",
		"job-name":                    "任务委托书 20261123-0007",
		"document-format":             "application/pdf",
		"media":                       "iso_a4_210x297mm",
		"copies":                      "2",
	} {
		if got.attrs[name] != want {
			t.Errorf("%s = %q, want %q", name, got.attrs[name], want)
		}
	}
	if string(got.document) != string(pdf) {
		t.Errorf("document %q", got.document)
	}
}

func TestPrintRejected(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Write(ippAnswer(0x0404, "Printer is out of paper", 0))
	}))
	defer srv.Close()
	_, err := Printer{Name: "label", URI: srv.URL + "/ipp/print"}.Print(context.Background(), []byte("%PDF"), PrintOptions{})
	var ippErr *IPPError
	if !errors.Is(err, ErrPrinterRejected) || !errors.As(err, &ippErr) {
		t.Fatalf("err = %v; want an IPPError", err)
	}
	if ippErr.Status != 0x0404 || ippErr.StatusName != "client-error-not-possible" || ippErr.Message != "Printer is out of paper" {
		t.Errorf("%+v", ippErr)
	}
	if msg := err.Error(); !strings.Contains(msg, `"label"`) || !strings.Contains(msg, "client-error-not-possible") || !strings.Contains(msg, "out of paper") {
		t.Errorf("message %q", msg)
	}
}

func TestPrintHTTPError(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "no such queue", http.StatusNotFound)
	}))
	defer srv.Close()
	_, err := Printer{URI: srv.URL + "/printers/none"}.Print(context.Background(), []byte("%PDF"), PrintOptions{})
	if !errors.Is(err, ErrPrinterRejected) || !strings.Contains(err.Error(), "HTTP 404") {
		t.Fatalf("err = %v", err)
	}
}

func TestPrintUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	_, err = Printer{Name: "gone", URI: "ipp://" + addr + "/printers/x"}.Print(context.Background(), []byte("%PDF"), PrintOptions{})
	if !errors.Is(err, ErrPrinterUnreachable) || !strings.Contains(err.Error(), "unreachable") {
		t.Fatalf("err = %v", err)
	}
}

func TestPrintTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-release // a printer that never answers
	}))
	defer srv.Close()
	defer close(release)
	start := time.Now()
	_, err := Printer{Name: "asleep", URI: srv.URL + "/ipp"}.Print(context.Background(), []byte("%PDF"), PrintOptions{Timeout: 200 * time.Millisecond})
	if !errors.Is(err, ErrPrinterTimeout) {
		t.Fatalf("err = %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
}

func TestDecodeResponseRejectsGarbage(t *testing.T) {
	for _, b := range [][]byte{nil, {1, 1, 0}, {1, 1, 0, 0, 0, 0, 0, 1, 0x01, 0x47, 0, 99}} {
		if _, _, _, err := decodeResponse(b); err == nil {
			t.Errorf("decodeResponse(%v): want an error", b)
		}
	}
}

func TestMediaNames(t *testing.T) {
	if got := LabelMedia(LabelSize{}); got != "custom_60x40mm_60x40mm" {
		t.Errorf("LabelMedia = %q", got)
	}
	if got := MediaFor(A5); got != "iso_a5_148x210mm" {
		t.Errorf("MediaFor(A5) = %q", got)
	}
}
