package printing

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/jung-kurt/gofpdf"
	qrcode "github.com/skip2/go-qrcode"
)

type rgb struct{ r, g, b int }

var (
	black    = rgb{0, 0, 0}
	ink      = rgb{33, 37, 41}    // body text
	muted    = rgb{96, 103, 112}  // captions
	rule     = rgb{150, 156, 163} // box borders
	shade    = rgb{236, 239, 242} // table headers
	zebra    = rgb{248, 249, 250} // alternate table rows
	sealRed  = rgb{214, 32, 40}
	brandRed = rgb{170, 20, 30}
)

// textStyle is how a run of text looks: size in points.
type textStyle struct {
	size  float64
	bold  bool
	color rgb
}

func (s textStyle) weight() weight {
	if s.bold {
		return bold
	}
	return regular
}

// lineHeight is the distance between baselines of wrapped text, in mm.
func (s textStyle) lineHeight() float64 { return s.size * ptToMM * 1.3 }

// em is the font size in millimetres.
func (s textStyle) em() float64 { return s.size * ptToMM }

type align int

const (
	left align = iota
	center
	right
)

// canvas records a document as a list of drawing operations per page, laid
// out entirely with the fontBook's metrics. Only when the layout is done,
// and so every character the document prints is known, does finish build
// the document's fonts and replay the operations into gofpdf. Recording
// first is what lets each document embed one small font instead of three
// large ones, and lets footers say "page 1 / 3".
type canvas struct {
	book     *fontBook
	pages    []*pageOps
	cur      int // index of the page operations are recorded on
	used     [2]runeSet
	usedBold bool
	compress bool
	images   int // JPEGs placed so far, naming each
	err      error
}

type pageOps struct {
	w, h float64
	ops  []func(*player)
}

// player is the replay state: the gofpdf document and what was last set,
// so repeated settings are not written again.
type player struct {
	pdf   *gofpdf.Fpdf
	k     float64 // points per mm
	pageH float64
}

func newCanvas(book *fontBook) *canvas { return &canvas{book: book, compress: true} }

func (c *canvas) addPage(w, h float64) {
	c.pages = append(c.pages, &pageOps{w: w, h: h})
	c.cur = len(c.pages) - 1
}

func (c *canvas) page() *pageOps { return c.pages[c.cur] }

// onPage records what draw draws on an earlier page: footers that need the
// page count are added once the layout is done.
func (c *canvas) onPage(i int, draw func()) {
	saved := c.cur
	c.cur = i
	draw()
	c.cur = saved
}

func (c *canvas) do(op func(*player)) {
	p := c.page()
	p.ops = append(p.ops, op)
}

// text draws clean single-line s with its baseline at y, aligned within
// [x, x+width] (width is ignored for left alignment).
func (c *canvas) text(x, y, width float64, st textStyle, a align, s string) {
	s = oneLine(c.book.clean(s))
	if s == "" {
		return
	}
	w := st.weight()
	switch a {
	case center:
		x += (width - c.book.width(s, w, st.size)) / 2
	case right:
		x += width - c.book.width(s, w, st.size)
	}
	c.markUsed(w, s)
	runs := c.runs(s, st)
	c.do(func(p *player) { p.text(x, y, st, runs) })
}

// textRotated draws s centred on (x, y) baseline, turned by angle degrees
// anticlockwise about that point; the seal's arc lettering uses it.
func (c *canvas) textRotated(x, y, angle float64, st textStyle, s string) {
	s = oneLine(c.book.clean(s))
	if s == "" {
		return
	}
	w := st.weight()
	c.markUsed(w, s)
	wd := c.book.width(s, w, st.size)
	runs := c.runs(s, st)
	c.do(func(p *player) {
		p.pdf.TransformBegin()
		p.pdf.TransformRotate(angle, x, y)
		p.text(x-wd/2, y, st, runs)
		p.pdf.TransformEnd()
	})
}

func (c *canvas) markUsed(w weight, s string) {
	if w == bold {
		c.usedBold = true
	}
	for _, r := range s {
		c.used[w].add(r)
	}
}

// textRun is a stretch of text drawn in one go. Bold ideographs have no
// bold font, so they are drawn filled and stroked ("fake bold"); that needs
// a run of their own.
type textRun struct {
	dx       float64
	s        string
	fakeBold bool
}

func (c *canvas) runs(s string, st textStyle) []textRun {
	if !st.bold {
		return []textRun{{s: s}}
	}
	var runs []textRun
	start, dx := 0, 0.0
	units := 0
	cur := false
	for i, r := range s {
		sl := c.book.slot(bold, r)
		fake := sl.src == srcCJK
		if i > start && fake != cur {
			runs = append(runs, textRun{dx: dx, s: s[start:i], fakeBold: cur})
			start, dx = i, float64(units)*st.size/1000*ptToMM
		}
		cur = fake
		units += int(sl.width)
	}
	return append(runs, textRun{dx: dx, s: s[start:], fakeBold: cur})
}

func (p *player) text(x, y float64, st textStyle, runs []textRun) {
	style := ""
	if st.bold {
		style = "B"
	}
	p.pdf.SetFont("bb", style, st.size)
	p.pdf.SetTextColor(st.color.r, st.color.g, st.color.b)
	for _, r := range runs {
		if r.fakeBold {
			p.pdf.SetDrawColor(st.color.r, st.color.g, st.color.b)
			p.pdf.SetLineWidth(st.size * ptToMM * 0.045)
			p.pdf.SetTextRenderingMode(2)
		}
		p.pdf.Text(x+r.dx, y, r.s)
		if r.fakeBold {
			p.pdf.SetTextRenderingMode(0)
		}
	}
}

func (c *canvas) line(x1, y1, x2, y2, lw float64, col rgb) {
	c.do(func(p *player) {
		p.pdf.SetLineWidth(lw)
		p.pdf.SetDrawColor(col.r, col.g, col.b)
		p.pdf.Line(x1, y1, x2, y2)
	})
}

func (c *canvas) dashedLine(x1, y1, x2, y2, lw float64, col rgb, dash float64) {
	c.do(func(p *player) {
		p.pdf.SetLineWidth(lw)
		p.pdf.SetDrawColor(col.r, col.g, col.b)
		p.pdf.SetDashPattern([]float64{dash, dash}, 0)
		p.pdf.Line(x1, y1, x2, y2)
		p.pdf.SetDashPattern(nil, 0)
	})
}

func (c *canvas) strokeRect(x, y, w, h, lw float64, col rgb) {
	c.do(func(p *player) {
		p.pdf.SetLineWidth(lw)
		p.pdf.SetDrawColor(col.r, col.g, col.b)
		p.pdf.Rect(x, y, w, h, "D")
	})
}

func (c *canvas) fillRect(x, y, w, h float64, col rgb) {
	c.do(func(p *player) {
		p.pdf.SetFillColor(col.r, col.g, col.b)
		p.pdf.Rect(x, y, w, h, "F")
	})
}

func (c *canvas) circle(x, y, r, lw float64, col rgb) {
	c.do(func(p *player) {
		p.pdf.SetLineWidth(lw)
		p.pdf.SetDrawColor(col.r, col.g, col.b)
		p.pdf.Circle(x, y, r, "D")
	})
}

func (c *canvas) fillPolygon(pts []gofpdf.PointType, col rgb) {
	c.do(func(p *player) {
		p.pdf.SetFillColor(col.r, col.g, col.b)
		p.pdf.Polygon(pts, "F")
	})
}

// checkbox draws a small square, ticked when on.
func (c *canvas) checkbox(x, y, size float64, on bool) {
	c.strokeRect(x, y, size, size, 0.25, ink)
	if on {
		c.do(func(p *player) {
			p.pdf.SetLineWidth(size * 0.14)
			p.pdf.SetDrawColor(ink.r, ink.g, ink.b)
			p.pdf.SetLineCapStyle("round")
			p.pdf.SetLineJoinStyle("round")
			p.pdf.MoveTo(x+size*0.2, y+size*0.55)
			p.pdf.LineTo(x+size*0.42, y+size*0.78)
			p.pdf.LineTo(x+size*0.82, y+size*0.22)
			p.pdf.DrawPath("D")
			p.pdf.SetLineCapStyle("butt")
			p.pdf.SetLineJoinStyle("miter")
		})
	}
}

// withAlpha draws what body records with the given opacity and blend mode;
// the seal is printed like ink, multiplied over the text beneath it.
func (c *canvas) withAlpha(alpha float64, mode string, body func()) {
	c.do(func(p *player) { p.pdf.SetAlpha(alpha, mode) })
	body()
	c.do(func(p *player) { p.pdf.SetAlpha(1, "Normal") })
}

// qr draws a QR code of content as a size×size mm square with its quiet
// zone inside the square. The modules are filled as one path of rectangles
// so that no hairline seams appear between them when rasterised.
func (c *canvas) qr(x, y, size float64, content string) {
	if content == "" {
		return
	}
	code, err := qrcode.New(content, qrcode.Medium)
	if err != nil {
		c.fail(fmt.Errorf("printing: QR code: %w", err))
		return
	}
	bits := code.Bitmap() // includes a four-module quiet zone
	n := len(bits)
	if n == 0 {
		return
	}
	m := size / float64(n)
	c.do(func(p *player) {
		var sb strings.Builder
		sb.Grow(n * n * 4)
		k := p.k
		for row, line := range bits {
			for col := 0; col < n; {
				if !line[col] {
					col++
					continue
				}
				end := col
				for end < n && line[end] {
					end++
				}
				rx, ry := (x+float64(col)*m)*k, (p.pageH-(y+float64(row)*m))*k
				sb.WriteString(strconv.FormatFloat(rx, 'f', 2, 64))
				sb.WriteByte(' ')
				sb.WriteString(strconv.FormatFloat(ry, 'f', 2, 64))
				sb.WriteByte(' ')
				sb.WriteString(strconv.FormatFloat(float64(end-col)*m*k, 'f', 2, 64))
				sb.WriteByte(' ')
				sb.WriteString(strconv.FormatFloat(-m*k, 'f', 2, 64))
				sb.WriteString(" re\n")
				col = end
			}
		}
		sb.WriteString("f")
		p.pdf.SetFillColor(0, 0, 0)
		p.pdf.RawWriteStr(sb.String())
	})
}

func (c *canvas) fail(err error) {
	if c.err == nil {
		c.err = err
	}
}

// docInfo is the PDF metadata of a document.
type docInfo struct {
	title, author string
	created       time.Time
}

// finish builds the document's fonts from the characters it uses, replays
// the recorded pages into gofpdf and writes the PDF to w.
func (c *canvas) finish(w io.Writer, info docInfo) error {
	if c.err != nil {
		return c.err
	}
	if len(c.pages) == 0 {
		return fmt.Errorf("printing: document has no pages")
	}
	first := c.pages[0]
	pdf := gofpdf.NewCustom(&gofpdf.InitType{
		OrientationStr: "P",
		UnitStr:        "mm",
		Size:           gofpdf.SizeType{Wd: first.w, Ht: first.h},
	})
	pdf.SetCompression(c.compress)
	pdf.SetCatalogSort(true)
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetMargins(0, 0, 0)
	pdf.SetCellMargin(0)
	if !info.created.IsZero() {
		pdf.SetCreationDate(info.created)
		pdf.SetModificationDate(info.created)
	}
	pdf.SetTitle(info.title, true)
	pdf.SetAuthor(info.author, true)
	pdf.SetCreator("bayboard", true)
	pdf.SetProducer("bayboard printing (gofpdf)", true)

	c.used[regular].add(' ') // gofpdf selects a font before any text
	font, err := c.book.buildFont(regular, c.used[regular].runes())
	if err != nil {
		return err
	}
	pdf.AddUTF8FontFromBytes("bb", "", font)
	if c.usedBold {
		font, err := c.book.buildFont(bold, c.used[bold].runes())
		if err != nil {
			return err
		}
		pdf.AddUTF8FontFromBytes("bb", "B", font)
	}
	p := &player{pdf: pdf, k: pdf.GetConversionRatio()}
	for _, pg := range c.pages {
		pdf.AddPageFormat("P", gofpdf.SizeType{Wd: pg.w, Ht: pg.h})
		p.pageH = pg.h
		pdf.SetFont("bb", "", 10)
		for _, op := range pg.ops {
			op(p)
		}
	}
	return pdf.Output(w)
}
