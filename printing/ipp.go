package printing

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"bayboard/internal/shop"
)

// Printer is an IPP printer or a CUPS queue on the shop's LAN.
type Printer struct {
	Name string
	// URI is ipp://host[:port]/path (port 631 when absent), ipps://…, or
	// the equivalent http(s):// address, e.g.
	// http://127.0.0.1:631/printers/bayboard-pdf.
	URI string
	// Media is an optional PWG media keyword sent with every job, e.g.
	// "iso_a4_210x297mm"; see MediaFor.
	Media string
}

// PrinterFrom takes a printer from the shop settings.
func PrinterFrom(p shop.Printer) Printer {
	return Printer{Name: p.Name, URI: p.URI, Media: p.Media}
}

// MediaFor names paper and label stock the PWG way (PWG 5101.1), for
// Printer.Media.
func MediaFor(paper Paper) string {
	if paper == A5 {
		return "iso_a5_148x210mm"
	}
	return "iso_a4_210x297mm"
}

// LabelMedia is the custom PWG media name of a label size.
func LabelMedia(s LabelSize) string {
	s, _ = s.check()
	n := strconv.FormatFloat(s.Width, 'f', -1, 64) + "x" + strconv.FormatFloat(s.Height, 'f', -1, 64) + "mm"
	return "custom_" + n + "_" + n
}

// LabelSizeOf returns the shop's seat-label stock, or DefaultLabel.
func LabelSizeOf(s shop.Settings) LabelSize {
	if s.LabelWidthMM <= 0 || s.LabelHeightMM <= 0 {
		return DefaultLabel
	}
	return LabelSize{Width: float64(s.LabelWidthMM), Height: float64(s.LabelHeightMM)}
}

// PrintOptions describes one print job.
type PrintOptions struct {
	JobName string // shown in the printer's queue; "bayboard" if empty
	User    string // requesting-user-name; "bayboard" if empty
	Copies  int    // 0 or 1 for one copy
	// Timeout bounds the whole exchange when ctx has no deadline;
	// DefaultPrintTimeout if zero.
	Timeout time.Duration
	// Client sends the request; a plain http.Client if nil.
	Client *http.Client
}

// DefaultPrintTimeout is how long a print may take to be accepted: a
// printer on the LAN answers in well under a second, but one waking from
// sleep can take several.
const DefaultPrintTimeout = 30 * time.Second

// PrintResult is the printer's answer to an accepted job.
type PrintResult struct {
	JobID    int
	JobURI   string
	JobState string // "pending", "processing", "completed", …
	Status   string // IPP status name, "successful-ok" or a variant
	Message  string // status-message, if the printer sent one
}

// Errors a print can end in; test with errors.Is. A rejection is also an
// *IPPError with the printer's status.
var (
	ErrPrinterUnreachable = errors.New("printer unreachable")
	ErrPrinterTimeout     = errors.New("printer did not answer in time")
	ErrPrinterRejected    = errors.New("printer rejected the job")
)

// IPPError is a job the printer refused, with its IPP status.
type IPPError struct {
	Printer    string
	Status     int    // IPP status code, e.g. 0x0404
	StatusName string // e.g. "client-error-not-possible"
	Message    string // the printer's status-message, if any
	HTTPStatus int    // set when the refusal came at the HTTP level
}

func (e *IPPError) Error() string {
	var why string
	if e.HTTPStatus != 0 && e.HTTPStatus != http.StatusOK {
		why = fmt.Sprintf("HTTP %d %s", e.HTTPStatus, http.StatusText(e.HTTPStatus))
	} else {
		why = e.StatusName
	}
	if e.Message != "" {
		why += " (" + e.Message + ")"
	}
	return fmt.Sprintf("printing: printer %q rejected the job: %s", e.Printer, why)
}

func (e *IPPError) Unwrap() error { return ErrPrinterRejected }

// IPP protocol constants (RFC 8010, RFC 8011).
const (
	ippOpPrintJob         = 0x0002
	ippOpGetPrinterAttrs  = 0x000B
	ippTagOperation       = 0x01
	ippTagJob             = 0x02
	ippTagEnd             = 0x03
	ippTagInteger         = 0x21
	ippTagBoolean         = 0x22
	ippTagEnum            = 0x23
	ippTagText            = 0x41
	ippTagName            = 0x42
	ippTagKeyword         = 0x44
	ippTagURI             = 0x45
	ippTagCharset         = 0x47
	ippTagNaturalLanguage = 0x48
	ippTagMimeMediaType   = 0x49
)

var ippStatusNames = map[int]string{
	0x0000: "successful-ok",
	0x0001: "successful-ok-ignored-or-substituted-attributes",
	0x0002: "successful-ok-conflicting-attributes",
	0x0400: "client-error-bad-request",
	0x0401: "client-error-forbidden",
	0x0402: "client-error-not-authenticated",
	0x0403: "client-error-not-authorized",
	0x0404: "client-error-not-possible",
	0x0405: "client-error-timeout",
	0x0406: "client-error-not-found",
	0x0407: "client-error-gone",
	0x0408: "client-error-request-entity-too-large",
	0x0409: "client-error-request-value-too-long",
	0x040A: "client-error-document-format-not-supported",
	0x040B: "client-error-attributes-or-values-not-supported",
	0x040C: "client-error-uri-scheme-not-supported",
	0x040D: "client-error-charset-not-supported",
	0x040E: "client-error-conflicting-attributes",
	0x040F: "client-error-compression-not-supported",
	0x0410: "client-error-compression-error",
	0x0411: "client-error-document-format-error",
	0x0412: "client-error-document-access-error",
	0x0500: "server-error-internal-error",
	0x0501: "server-error-operation-not-supported",
	0x0502: "server-error-service-unavailable",
	0x0503: "server-error-version-not-supported",
	0x0504: "server-error-device-error",
	0x0505: "server-error-temporary-error",
	0x0506: "server-error-not-accepting-jobs",
	0x0507: "server-error-busy",
	0x0508: "server-error-job-canceled",
	0x0509: "server-error-multiple-document-jobs-not-supported",
}

// IPPStatusName names an IPP status code.
func IPPStatusName(code int) string {
	if n, ok := ippStatusNames[code]; ok {
		return n
	}
	return fmt.Sprintf("0x%04x", code)
}

var jobStates = map[int]string{3: "pending", 4: "pending-held", 5: "processing", 6: "processing-stopped", 7: "canceled", 8: "aborted", 9: "completed"}

var ippRequestID atomic.Int32

// ippEndpoints returns where to POST and what to name as printer-uri:
// ipp://host/path is http://host:631/path on the wire.
func ippEndpoints(raw string) (httpURL, printerURI string, err error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return "", "", fmt.Errorf("printing: bad printer URI %q", raw)
	}
	web, ipp := *u, *u
	switch strings.ToLower(u.Scheme) {
	case "ipp", "ipps":
		if u.Port() == "" {
			web.Host = net.JoinHostPort(u.Hostname(), "631")
		}
		web.Scheme = map[string]string{"ipp": "http", "ipps": "https"}[strings.ToLower(u.Scheme)]
	case "http", "https":
		ipp.Scheme = map[string]string{"http": "ipp", "https": "ipps"}[strings.ToLower(u.Scheme)]
	default:
		return "", "", fmt.Errorf("printing: printer URI %q: scheme must be ipp, ipps, http or https", raw)
	}
	if ipp.Port() == "" {
		ipp.Host = web.Host
	}
	return web.String(), ipp.String(), nil
}

// Print sends pdf to the printer as an IPP Print-Job (application/ipp over
// HTTP POST) and returns the job the printer created. It fails with
// ErrPrinterUnreachable, ErrPrinterTimeout or an *IPPError
// (ErrPrinterRejected).
func (p Printer) Print(ctx context.Context, pdf []byte, opts PrintOptions) (PrintResult, error) {
	_, printerURI, err := ippEndpoints(p.URI)
	if err != nil {
		return PrintResult{}, err
	}
	body := encodePrintJob(ippRequestID.Add(1), printerURI, p.Media, pdf, opts)
	res, _, err := p.exchange(ctx, body, opts)
	return res, err
}

// PrinterStatus is what a printer says about itself.
type PrinterStatus struct {
	State          string // "idle", "processing" or "stopped"
	Message        string // printer-state-message
	AcceptingJobs  bool
	MakeAndModel   string
	StatusName     string // IPP status of the query
	AcceptsPDF     bool
	DocumentFormat []string
}

// Status asks the printer for its state (IPP Get-Printer-Attributes): for
// a settings page's "test printer" button, and for tests to know whether a
// queue exists.
func (p Printer) Status(ctx context.Context, opts PrintOptions) (PrinterStatus, error) {
	_, printerURI, err := ippEndpoints(p.URI)
	if err != nil {
		return PrinterStatus{}, err
	}
	b := make([]byte, 0, 256)
	b = append(b, 1, 1)
	b = binary.BigEndian.AppendUint16(b, ippOpGetPrinterAttrs)
	b = binary.BigEndian.AppendUint32(b, uint32(ippRequestID.Add(1)))
	b = append(b, ippTagOperation)
	b = ippAttr(b, ippTagCharset, "attributes-charset", []byte("utf-8"))
	b = ippAttr(b, ippTagNaturalLanguage, "attributes-natural-language", []byte("en"))
	b = ippAttr(b, ippTagURI, "printer-uri", []byte(printerURI))
	for i, a := range []string{"printer-state", "printer-state-message", "printer-is-accepting-jobs", "printer-make-and-model", "document-format-supported"} {
		name := "requested-attributes"
		if i > 0 {
			name = "" // additional value
		}
		b = ippAttr(b, ippTagKeyword, name, []byte(a))
	}
	b = append(b, ippTagEnd)
	res, attrs, err := p.exchange(ctx, b, opts)
	if err != nil {
		return PrinterStatus{}, err
	}
	st := PrinterStatus{StatusName: res.Status, Message: attrs.text["printer-state-message"], MakeAndModel: attrs.text["printer-make-and-model"]}
	st.State = map[int]string{3: "idle", 4: "processing", 5: "stopped"}[attrs.ints["printer-state"]]
	st.AcceptingJobs = attrs.ints["printer-is-accepting-jobs"] == 1
	st.DocumentFormat = attrs.lists["document-format-supported"]
	for _, f := range st.DocumentFormat {
		if f == "application/pdf" {
			st.AcceptsPDF = true
		}
	}
	return st, nil
}

// exchange posts one IPP request and decodes the answer.
func (p Printer) exchange(ctx context.Context, body []byte, opts PrintOptions) (PrintResult, ippAttrs, error) {
	endpoint, _, err := ippEndpoints(p.URI)
	if err != nil {
		return PrintResult{}, ippAttrs{}, err
	}
	name := p.Name
	if name == "" {
		name = p.URI
	}
	if _, ok := ctx.Deadline(); !ok {
		timeout := opts.Timeout
		if timeout <= 0 {
			timeout = DefaultPrintTimeout
		}
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(body))
	if err != nil {
		return PrintResult{}, ippAttrs{}, fmt.Errorf("printing: printer %q: %w", name, err)
	}
	req.Header.Set("Content-Type", "application/ipp")
	client := opts.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return PrintResult{}, ippAttrs{}, classifyNetError(ctx, name, endpoint, err)
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return PrintResult{}, ippAttrs{}, classifyNetError(ctx, name, endpoint, err)
	}
	if resp.StatusCode != http.StatusOK {
		return PrintResult{}, ippAttrs{}, &IPPError{Printer: name, HTTPStatus: resp.StatusCode, StatusName: resp.Status}
	}
	res, status, attrs, err := decodeResponse(answer)
	if err != nil {
		return PrintResult{}, ippAttrs{}, fmt.Errorf("printing: printer %q: %w", name, err)
	}
	if status >= 0x0100 {
		return PrintResult{}, ippAttrs{}, &IPPError{Printer: name, Status: status, StatusName: res.Status, Message: res.Message}
	}
	return res, attrs, nil
}

func classifyNetError(ctx context.Context, name, endpoint string, err error) error {
	// The address goes into a log line: without the printer's password.
	if u, perr := url.Parse(endpoint); perr == nil {
		endpoint = u.Redacted()
	}
	var netErr net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded) || ctx.Err() == context.DeadlineExceeded,
		errors.As(err, &netErr) && netErr.Timeout():
		return fmt.Errorf("printing: printer %q at %s: %w", name, endpoint, ErrPrinterTimeout)
	case errors.Is(err, context.Canceled):
		return fmt.Errorf("printing: printer %q: %w", name, err)
	}
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		err = urlErr.Err // the URL is already in the message
	}
	return fmt.Errorf("printing: printer %q at %s: %w: %v", name, endpoint, ErrPrinterUnreachable, err)
}

// encodePrintJob builds the Print-Job request: IPP 1.1 header, operation
// attributes, job attributes, then the document.
func encodePrintJob(reqID int32, printerURI, media string, pdf []byte, opts PrintOptions) []byte {
	user := opts.User
	if user == "" {
		user = "bayboard"
	}
	jobName := opts.JobName
	if jobName == "" {
		jobName = "bayboard"
	}
	b := make([]byte, 0, 512+len(pdf))
	b = append(b, 1, 1) // version 1.1, which every IPP printer speaks
	b = binary.BigEndian.AppendUint16(b, ippOpPrintJob)
	b = binary.BigEndian.AppendUint32(b, uint32(reqID))
	b = append(b, ippTagOperation)
	b = ippAttr(b, ippTagCharset, "attributes-charset", []byte("utf-8"))
	b = ippAttr(b, ippTagNaturalLanguage, "attributes-natural-language", []byte("en"))
	b = ippAttr(b, ippTagURI, "printer-uri", []byte(printerURI))
	b = ippAttr(b, ippTagName, "requesting-user-name", []byte(user))
	b = ippAttr(b, ippTagName, "job-name", []byte(jobName))
	b = ippAttr(b, ippTagMimeMediaType, "document-format", []byte("application/pdf"))
	if media != "" || opts.Copies > 1 {
		b = append(b, ippTagJob)
		if media != "" {
			b = ippAttr(b, ippTagKeyword, "media", []byte(media))
		}
		if opts.Copies > 1 {
			b = ippAttr(b, ippTagInteger, "copies", binary.BigEndian.AppendUint32(nil, uint32(opts.Copies)))
		}
	}
	b = append(b, ippTagEnd)
	return append(b, pdf...)
}

func ippAttr(b []byte, tag byte, name string, value []byte) []byte {
	b = append(b, tag)
	b = binary.BigEndian.AppendUint16(b, uint16(len(name)))
	b = append(b, name...)
	b = binary.BigEndian.AppendUint16(b, uint16(len(value)))
	return append(b, value...)
}

var errBadIPP = errors.New("malformed IPP response")

// ippAttrs holds the simple values of a response's attributes by name.
type ippAttrs struct {
	ints  map[string]int
	text  map[string]string
	lists map[string][]string
}

// decodeResponse reads the status and the attributes of an IPP response.
func decodeResponse(b []byte) (PrintResult, int, ippAttrs, error) {
	attrs := ippAttrs{ints: map[string]int{}, text: map[string]string{}, lists: map[string][]string{}}
	if len(b) < 9 {
		return PrintResult{}, 0, attrs, errBadIPP
	}
	status := int(binary.BigEndian.Uint16(b[2:]))
	res := PrintResult{Status: IPPStatusName(status)}
	p := 8
	group := 0
	lastName := ""
	for p < len(b) {
		tag := b[p]
		p++
		if tag == ippTagEnd {
			res.JobID = attrs.ints["job-id"]
			res.JobURI = attrs.text["job-uri"]
			res.JobState = jobStates[attrs.ints["job-state"]]
			return res, status, attrs, nil
		}
		if tag < 0x10 { // a new attribute group
			group = int(tag)
			continue
		}
		if p+2 > len(b) {
			return res, status, attrs, errBadIPP
		}
		n := int(binary.BigEndian.Uint16(b[p:]))
		p += 2
		if p+n+2 > len(b) {
			return res, status, attrs, errBadIPP
		}
		name := string(b[p : p+n])
		p += n
		vn := int(binary.BigEndian.Uint16(b[p:]))
		p += 2
		if p+vn > len(b) {
			return res, status, attrs, errBadIPP
		}
		value := b[p : p+vn]
		p += vn
		if name == "" {
			name = lastName // an additional value of the previous attribute
		} else {
			lastName = name
		}
		switch {
		case tag == ippTagInteger || tag == ippTagEnum:
			if vn == 4 {
				attrs.ints[name] = int(int32(binary.BigEndian.Uint32(value)))
			}
		case tag == ippTagBoolean:
			if vn == 1 {
				attrs.ints[name] = int(value[0])
			}
		case tag >= 0x40 && tag <= 0x4F: // character-string values
			if _, seen := attrs.text[name]; !seen {
				attrs.text[name] = string(value)
			}
			attrs.lists[name] = append(attrs.lists[name], string(value))
		}
		if name == "status-message" && group == ippTagOperation {
			res.Message = string(value)
		}
	}
	return res, status, attrs, errBadIPP
}
