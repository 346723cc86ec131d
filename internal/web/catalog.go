package web

import (
	"strconv"
	"strings"
	"sync"
	"time"

	"bayboard/internal/access"
	"bayboard/internal/catalog"
	"bayboard/internal/shop"

	"github.com/gofiber/fiber/v2"
)

// The catalogue: its lists searched and paged, and its import from a
// file. An import is two steps. POST /catalog/imports reads the file and
// answers with a preview — what each row would do, and each bad row's
// error — and keeps the rows it read under an id; nothing is written.
// POST /catalog/imports/{id} applies exactly those rows as one command
// (one commit, one event). A second confirm of the same preview gets the
// first one's answer and changes nothing again.

// Import previews are kept in memory, for a while (on the wall clock, as
// sessions are) and a few at a time: a preview of 50,000 parts holds some
// megabytes. A restart forgets them; the file is read again.
const (
	ImportPreviewFor   = 30 * time.Minute
	maxImportPreviews  = 8
	previewItems       = 200  // rows of the preview table sent to the page
	previewErrors      = 1000 // row errors sent; the count says how many more
	defaultSearchLimit = 50
	maxSearchLimit     = 500
)

// pendingImport is a read file waiting for its confirmation.
type pendingImport struct {
	id, owner string
	kind      catalog.Kind
	name      string
	file      *catalog.File
	at        time.Time

	mu     sync.Mutex // held while it is being applied
	answer []byte     // the confirmation's answer, once applied
}

type imports struct {
	mu   sync.Mutex
	byID map[string]*pendingImport
}

func (im *imports) put(p *pendingImport, now time.Time) {
	im.mu.Lock()
	defer im.mu.Unlock()
	if im.byID == nil {
		im.byID = map[string]*pendingImport{}
	}
	var oldest *pendingImport
	for id, q := range im.byID {
		if now.Sub(q.at) > ImportPreviewFor {
			delete(im.byID, id)
			continue
		}
		if oldest == nil || q.at.Before(oldest.at) {
			oldest = q
		}
	}
	if len(im.byID) >= maxImportPreviews && oldest != nil {
		delete(im.byID, oldest.id)
	}
	im.byID[p.id] = p
}

func (im *imports) get(id, owner string, now time.Time) *pendingImport {
	im.mu.Lock()
	defer im.mu.Unlock()
	p := im.byID[id]
	if p == nil || p.owner != owner || now.Sub(p.at) > ImportPreviewFor {
		return nil
	}
	return p
}

// importCommand is the command a file's rows make; it names the command
// type whose permission decides who may import.
func importCommand(kind catalog.Kind, name string, f *catalog.File) shop.Command {
	switch kind {
	case catalog.KindOperations:
		c := &shop.ImportOperations{Source: name}
		if f != nil {
			for _, r := range f.Operations {
				c.Operations = append(c.Operations, r.Operation)
			}
		}
		return c
	default:
		c := &shop.ImportCatalogParts{Source: name}
		if f != nil {
			for _, r := range f.Parts {
				c.Parts = append(c.Parts, r.Part)
			}
		}
		return c
	}
}

// previewRow is one good row and what it would do.
type previewRow struct {
	Row       int               `json:"row"`
	Action    string            `json:"action"` // add, update or same
	Operation *shop.Operation   `json:"operation,omitempty"`
	Part      *shop.CatalogPart `json:"part,omitempty"`
}

type importPreview struct {
	ID        string             `json:"id"`
	Kind      catalog.Kind       `json:"kind"`
	Name      string             `json:"name"`
	Format    string             `json:"format"`
	Encoding  string             `json:"encoding,omitempty"`
	HeaderRow int                `json:"header_row"`
	Columns   []catalog.Column   `json:"columns"`
	Rows      int                `json:"rows"`
	Valid     int                `json:"valid"`
	Add       int                `json:"add"`
	Update    int                `json:"update"`
	Same      int                `json:"same"`
	Items     []previewRow       `json:"items"`
	Errors    []catalog.RowError `json:"errors"`
	ErrorRows int                `json:"error_rows"`
	ExpiresAt time.Time          `json:"expires_at"`
}

// previewImport reads an uploaded file: POST /catalog/imports?kind=&name=
// with the file as the body.
func (s *Server) previewImport(c *fiber.Ctx) error {
	kind := catalog.Kind(c.Query("kind"))
	if kind != catalog.KindParts && kind != catalog.KindOperations {
		return problem(c, CodeInvalid, "say what the file holds", shop.FieldError{Field: "kind", Message: "must be operations or parts"})
	}
	w := whoOf(c)
	if err := s.eng.State().May(w.actor, importCommand(kind, "", nil)); err != nil {
		return err
	}
	name := strings.TrimSpace(c.Query("name"))
	if len([]rune(name)) > 200 {
		name = string([]rune(name)[:200])
	}
	f, err := catalog.Parse(kind, c.Body())
	if err != nil {
		if fe, ok := err.(*catalog.FileError); ok {
			return problem(c, CodeInvalid, fe.Error(), shop.FieldError{Field: fe.Field, Message: fe.Message})
		}
		return err
	}
	now := s.opts.WallClock()
	p := &pendingImport{id: access.NewToken(), owner: ownerOf(w), kind: kind, name: name, file: f, at: now}
	out := importPreview{ID: p.id, Kind: kind, Name: name, Format: f.Format, Encoding: f.Encoding, HeaderRow: f.HeaderRow, Columns: f.Columns,
		Rows: f.Rows, Items: []previewRow{}, Errors: f.Errors, ExpiresAt: now.Add(ImportPreviewFor)}
	st := s.eng.State()
	action := func(changed, exists bool) string {
		switch {
		case !exists:
			out.Add++
			return "add"
		case changed:
			out.Update++
			return "update"
		}
		out.Same++
		return "same"
	}
	for _, r := range f.Operations {
		o := r.Operation
		old := st.Operations[o.Code]
		a := action(old == nil || *old != o, old != nil)
		if len(out.Items) < previewItems {
			out.Items = append(out.Items, previewRow{Row: r.Row, Action: a, Operation: &o})
		}
	}
	for _, r := range f.Parts {
		cp := r.Part
		old := st.CatalogParts[cp.Number]
		a := action(old == nil || *old != cp, old != nil)
		if len(out.Items) < previewItems {
			out.Items = append(out.Items, previewRow{Row: r.Row, Action: a, Part: &cp})
		}
	}
	out.Valid = out.Add + out.Update + out.Same
	rowsWithErrors := map[int]bool{}
	for _, e := range f.Errors {
		rowsWithErrors[e.Row] = true
	}
	out.ErrorRows = len(rowsWithErrors)
	if len(out.Errors) > previewErrors {
		out.Errors = out.Errors[:previewErrors]
	}
	s.imports.put(p, now)
	return c.JSON(out)
}

// ownerOf is whom a preview belongs to: the person, and the screen or
// token they use.
func ownerOf(w *who) string { return w.actor.UserID + "\x00" + w.actor.DeviceID }

// confirmImport applies a preview's good rows, once.
func (s *Server) confirmImport(c *fiber.Ctx) error {
	w := whoOf(c)
	p := s.imports.get(c.Params("id"), ownerOf(w), s.opts.WallClock())
	if p == nil {
		return problem(c, CodeNotFound, "no import preview "+c.Params("id")+": it has expired or was never made; read the file again")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.answer != nil {
		c.Set(headerIdempotency+"-Replayed", "true")
		c.Type("json")
		return c.Send(p.answer)
	}
	cmd := importCommand(p.kind, p.name, p.file)
	ev, err := s.eng.Do(c.UserContext(), w.actor, cmd)
	if err != nil {
		return err
	}
	var summary shop.ImportSummary
	switch cmd := cmd.(type) {
	case *shop.ImportOperations:
		summary = cmd.Summary()
	case *shop.ImportCatalogParts:
		summary = cmd.Summary()
	}
	body, err := jsonMarshal(fiber.Map{"event": ev, "summary": summary})
	if err != nil {
		return err
	}
	p.answer = body
	c.Type("json")
	return c.Send(body)
}

// page reads ?q=, ?limit=, ?offset= and ?active=.
type pageQuery struct {
	q             string
	limit, offset int
	paged         bool
	activeOnly    bool
}

func readPageQuery(c *fiber.Ctx) (pageQuery, error) {
	pq := pageQuery{q: c.Query("q"), limit: -1}
	var fields []shop.FieldError
	number := func(name string, min, max int) int {
		v := c.Query(name)
		if v == "" {
			return -1
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < min || n > max {
			fields = append(fields, shop.FieldError{Field: name, Message: "must be between " + strconv.Itoa(min) + " and " + strconv.Itoa(max)})
		}
		return n
	}
	limit := number("limit", 1, maxSearchLimit)
	offset := number("offset", 0, shop.MaxImportRows)
	switch c.Query("active") {
	case "", "false":
	case "true":
		pq.activeOnly = true
	default:
		fields = append(fields, shop.FieldError{Field: "active", Message: "must be true or false"})
	}
	if len(fields) > 0 {
		return pq, &shop.Error{Code: shop.CodeInvalid, Message: "the query has invalid fields", Fields: fields}
	}
	// With any of them, the answer is a page; without, the full list as
	// the pages before search read it.
	pq.paged = limit >= 0 || offset >= 0 || pq.q != "" || pq.activeOnly
	if pq.paged {
		pq.limit, pq.offset = defaultSearchLimit, 0
		if limit >= 0 {
			pq.limit = limit
		}
		if offset >= 0 {
			pq.offset = offset
		}
	}
	return pq, nil
}

// listOperations is GET /operations: every operation, or with ?q=,
// ?limit=, ?offset= or ?active=true a page {items, total, limit, offset}.
func (s *Server) listOperations(c *fiber.Ctx) error {
	pq, err := readPageQuery(c)
	if err != nil {
		return err
	}
	st := s.eng.State()
	if !pq.paged {
		return c.JSON(sortedValues(st.Operations))
	}
	var keep func(*shop.Operation) bool
	if pq.activeOnly {
		keep = func(o *shop.Operation) bool { return o.Active }
	}
	page := s.catalog.Operations(st).Search(pq.q, keep, pq.offset, pq.limit)
	return c.JSON(fiber.Map{"items": page.Items, "total": page.Total, "limit": pq.limit, "offset": pq.offset})
}

// listCatalogParts is GET /catalog-parts, as listOperations.
func (s *Server) listCatalogParts(c *fiber.Ctx) error {
	pq, err := readPageQuery(c)
	if err != nil {
		return err
	}
	st := s.eng.State()
	if !pq.paged {
		return c.JSON(sortedValues(st.CatalogParts))
	}
	var keep func(*shop.CatalogPart) bool
	if pq.activeOnly {
		keep = func(p *shop.CatalogPart) bool { return p.Active }
	}
	page := s.catalog.Parts(st).Search(pq.q, keep, pq.offset, pq.limit)
	return c.JSON(fiber.Map{"items": page.Items, "total": page.Total, "limit": pq.limit, "offset": pq.offset})
}
