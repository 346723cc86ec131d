package printing

import (
	"fmt"
	"io/fs"
	"sync"
	"time"

	"bayboard/internal/shop"
)

// Renderer draws the shop's documents as PDFs. Make one with NewRenderer
// at start-up (it parses the fonts, which takes a moment) and share it: it
// is safe for concurrent use, every document drawing its own gofpdf
// instance and its own font bytes.
type Renderer struct {
	book  *fontBook
	zones sync.Map // IANA name → *time.Location
}

// NewRenderer loads the fonts from fonts (assets.Fonts: a file system with
// fonts/DejaVuSans.ttf, fonts/DejaVuSans-Bold.ttf and
// fonts/DroidSansFallbackFull.ttf).
func NewRenderer(fonts fs.FS) (*Renderer, error) {
	book, err := loadFontBook(fonts)
	if err != nil {
		return nil, err
	}
	return &Renderer{book: book}, nil
}

// Kind names a job document, as in GET /api/v1/jobs/{id}/documents/{kind}.pdf.
type Kind string

const (
	KindJobCard    Kind = "job-card"
	KindSeatLabel  Kind = "seat-label"
	KindEstimate   Kind = "estimate"
	KindSettlement Kind = "settlement"
	KindPickList   Kind = "pick-list"
)

// Kinds lists the job documents.
var Kinds = []Kind{KindJobCard, KindSeatLabel, KindEstimate, KindSettlement, KindPickList}

// ParseKind checks a document kind from a URL.
func ParseKind(s string) (Kind, bool) {
	for _, k := range Kinds {
		if string(k) == s {
			return k, true
		}
	}
	return "", false
}

// JobDoc is what a job's documents print: the job and the names the caller
// looked up for it. Nil pointers and empty strings print as blanks.
type JobDoc struct {
	Shop        shop.Settings
	Job         *shop.Job
	Customer    *shop.Customer
	Vehicle     *shop.Vehicle
	AdvisorName string
	TeamName    string
	BayName     string
	TechNames   []string
	Findings    []*shop.Finding
	// JobURL is encoded in the QR code of the job card and the seat label
	// (the job's page for staff); CustomerURL in the estimate's and the
	// settlement's (the customer's own page).
	JobURL      string
	CustomerURL string
	// Lang is "zh-CN" or "en"; empty means Shop.Language.
	Lang string
	// Now is the print time, in the footer and as the date of seals.
	Now time.Time
}

// Totals is the sums of a set of job lines, as the domain keeps them for
// the signed estimate (shop.Job.Estimated).
type Totals = shop.Totals

// SettlementDoc is a job at delivery: its final lines are the job's, and
// Estimate is what the signed estimate said (shop.Job.Estimated), to
// compare against.
type SettlementDoc struct {
	JobDoc
	Estimate Totals
	// Draft marks a settlement printed before delivery is confirmed: the
	// payment and next service are not known yet, and the exit pass must
	// not let the car out.
	Draft bool
	// Recommendations are the work recommended at this visit that was not
	// done (建议维修项目 the floor or the desk noted, beside the findings
	// the customer declined): the customer signs for them too.
	Recommendations []*shop.Recommendation
	// Thumbnails reads the findings' photos' thumbnails, printed when the
	// shop's SettlementPhotos setting is on (nil: none are printed).
	Thumbnails Thumbnails
}

// Paper is a sheet size for documents that come in more than one.
type Paper string

const (
	A4 Paper = "A4"
	A5 Paper = "A5"
)

func (p Paper) size() (w, h float64, err error) {
	switch p {
	case A4, "":
		return 210, 297, nil
	case A5:
		return 148, 210, nil
	}
	return 0, 0, fmt.Errorf("printing: unknown paper %q (want A4 or A5)", string(p))
}

// LabelSize is the label stock for seat labels, in millimetres.
type LabelSize struct {
	Width  float64 `json:"width_mm"`
	Height float64 `json:"height_mm"`
}

// DefaultLabel is the common 60×40 mm adhesive label.
var DefaultLabel = LabelSize{Width: 60, Height: 40}

func (s LabelSize) check() (LabelSize, error) {
	if s.Width == 0 && s.Height == 0 {
		return DefaultLabel, nil
	}
	if s.Width < 30 || s.Height < 20 || s.Width > 150 || s.Height > 150 {
		return s, fmt.Errorf("printing: label size %.0f×%.0f mm is outside 30×20 to 150×150", s.Width, s.Height)
	}
	return s, nil
}

// doc is one document being drawn: the canvas plus its language, time zone
// and currency.
type doc struct {
	*canvas
	lang     string
	loc      *time.Location
	currency string
	now      time.Time
}

func (r *Renderer) newDoc(lang string, s shop.Settings, now time.Time) *doc {
	d := &doc{
		canvas:   newCanvas(r.book),
		lang:     normLang(lang, s.Language),
		loc:      r.zone(s.TimeZone),
		currency: s.Currency,
	}
	if d.currency == "" {
		d.currency = "CNY"
	}
	d.now = d.in(now)
	return d
}

// zone loads a time zone once; an unknown name prints times as given.
func (r *Renderer) zone(name string) *time.Location {
	if name == "" {
		return nil
	}
	if loc, ok := r.zones.Load(name); ok {
		return loc.(*time.Location)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil
	}
	r.zones.Store(name, loc)
	return loc
}

func (d *doc) in(t time.Time) time.Time {
	if d.loc == nil || t.IsZero() {
		return t
	}
	return t.In(d.loc)
}

func (d *doc) t(key string) string { return label(d.lang, key) }

// colon is the label separator: full-width in Chinese.
func (d *doc) colon() string {
	if d.lang == LangZH {
		return "："
	}
	return ": "
}

func (d *doc) money(m shop.Money) string { return formatMoney(m, d.currency) }

func (d *doc) date(t time.Time) string { return formatDate(d.in(t), d.lang) }

func (d *doc) dateTime(t time.Time) string { return formatDateTime(d.in(t), d.lang) }

func (d *doc) shortDate(t time.Time) string { return formatShortDate(d.in(t)) }

func (d *doc) style(size float64) textStyle { return textStyle{size: size, color: ink} }

func (d *doc) boldStyle(size float64) textStyle { return textStyle{size: size, bold: true, color: ink} }

// parts returns the job, customer and vehicle, with empty values for the
// absent ones so the layouts never meet a nil pointer: blank fields print.
func (j JobDoc) parts() (*shop.Job, *shop.Customer, *shop.Vehicle) {
	job, cust, veh := j.Job, j.Customer, j.Vehicle
	if job == nil {
		job = &shop.Job{}
	}
	if cust == nil {
		cust = &shop.Customer{}
	}
	if veh == nil {
		veh = &shop.Vehicle{}
	}
	return job, cust, veh
}
