package catalog

import (
	"reflect"
	"sort"
	"strings"
	"sync"
	"unicode"

	"bayboard/internal/shop"
)

// Index answers searches of one list of the catalogue (operations or
// parts) by code, by name and by the pinyin initials of the name. It is
// built once for a published list and never changed, so any number of
// requests may read it at once.
//
// Every item's keys are laid end to end in one string, so a search is a
// few strings.Index calls over one block of memory (which the runtime does
// with vector instructions) rather than a loop over 50,000 items.
type Index[T any] struct {
	items    []*T
	codes    []string // lower case, in the items' order
	squashed []string // the codes without separators
	starts   []int    // where each item's keys begin in hay
	hay      string
}

// Item separators in the haystack; a query never holds them.
const (
	keySep  = '\x1f'
	itemSep = '\x1e'
)

// NewIndex indexes items by code (their key) and name; the items are
// listed in code order.
func NewIndex[T any](m map[string]*T, code func(*T) string, name func(*T) string) *Index[T] {
	x := &Index[T]{items: make([]*T, 0, len(m))}
	var b strings.Builder
	for _, v := range m {
		x.items = append(x.items, v)
	}
	sort.Slice(x.items, func(a, b int) bool { return code(x.items[a]) < code(x.items[b]) })
	b.Grow(len(x.items) * 64)
	x.codes = make([]string, len(x.items))
	x.squashed = make([]string, len(x.items))
	x.starts = make([]int, len(x.items))
	for i, v := range x.items {
		c := strings.ToLower(code(v))
		x.codes[i], x.squashed[i] = c, squash(c)
		x.starts[i] = b.Len()
		b.WriteString(c)
		b.WriteByte(keySep)
		b.WriteString(x.squashed[i])
		b.WriteByte(keySep)
		b.WriteString(strings.ToLower(name(v)))
		b.WriteByte(keySep)
		b.WriteString(Initials(name(v)))
		b.WriteByte(itemSep)
	}
	x.hay = b.String()
	return x
}

// squash drops what part numbers are written with or without: 04152-YZZA1
// is 04152YZZA1 to the person typing it.
func squash(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' || r == '.' || r == '/' {
			return -1
		}
		return r
	}, s)
}

// Len is the number of items indexed.
func (x *Index[T]) Len() int { return len(x.items) }

// Page is one page of a search's answer.
type Page[T any] struct {
	Items []*T `json:"items"`
	Total int  `json:"total"`
}

// Search finds the items whose code, name or name's initials contain q
// (any case), keeps those keep accepts (nil keeps all), and returns the
// page from offset of at most limit items, with the total found. The
// best matches come first: the code itself, then codes starting with q,
// then the rest, each in code order. An empty q finds everything.
func (x *Index[T]) Search(q string, keep func(*T) bool, offset, limit int) Page[T] {
	q = strings.ToLower(strings.TrimFunc(q, unicode.IsSpace))
	q = strings.Map(func(r rune) rune {
		if r == keySep || r == itemSep {
			return -1
		}
		return r
	}, q)
	var ranks [3][]int
	add := func(i int) {
		if keep != nil && !keep(x.items[i]) {
			return
		}
		r := 2
		switch c, sq := x.codes[i], x.squashed[i]; {
		case c == q || sq == q:
			r = 0
		case strings.HasPrefix(c, q) || strings.HasPrefix(sq, q):
			r = 1
		}
		ranks[r] = append(ranks[r], i)
	}
	if q == "" {
		for i := range x.items {
			add(i)
		}
	} else {
		for at := 0; at < len(x.hay); {
			j := strings.Index(x.hay[at:], q)
			if j < 0 {
				break
			}
			// The item holding the match; the search goes on after it.
			i := sort.SearchInts(x.starts, at+j+1) - 1
			add(i)
			if i+1 < len(x.starts) {
				at = x.starts[i+1]
			} else {
				at = len(x.hay)
			}
		}
	}
	total := len(ranks[0]) + len(ranks[1]) + len(ranks[2])
	page := Page[T]{Items: []*T{}, Total: total}
	for _, list := range ranks {
		for _, i := range list {
			if offset > 0 {
				offset--
				continue
			}
			if limit >= 0 && len(page.Items) >= limit {
				return page
			}
			page.Items = append(page.Items, x.items[i])
		}
	}
	return page
}

// Indexes keeps the catalogue's two indexes for the published state,
// building one again only when its list has changed: the state changes
// with every commit, the catalogue seldom.
//
// A published map is never changed, only replaced (shop.Draft.Publish),
// so its identity says whether the list is the one already indexed. The
// indexed map is held, so that its address cannot be reused by another.
type Indexes struct {
	mu       sync.Mutex
	opsMap   map[string]*shop.Operation
	ops      *Index[shop.Operation]
	partsMap map[string]*shop.CatalogPart
	parts    *Index[shop.CatalogPart]
}

func sameMap(a, b any) bool { return reflect.ValueOf(a).Pointer() == reflect.ValueOf(b).Pointer() }

// Operations returns the index of s's operations.
func (c *Indexes) Operations(s *shop.State) *Index[shop.Operation] {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ops == nil || !sameMap(s.Operations, c.opsMap) {
		c.ops = NewIndex(s.Operations, func(o *shop.Operation) string { return o.Code }, func(o *shop.Operation) string { return o.Name })
		c.opsMap = s.Operations
	}
	return c.ops
}

// Parts returns the index of s's catalogue parts.
func (c *Indexes) Parts(s *shop.State) *Index[shop.CatalogPart] {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.parts == nil || !sameMap(s.CatalogParts, c.partsMap) {
		c.parts = NewIndex(s.CatalogParts, func(p *shop.CatalogPart) string { return p.Number }, func(p *shop.CatalogPart) string { return p.Name })
		c.partsMap = s.CatalogParts
	}
	return c.parts
}
