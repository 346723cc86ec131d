package board

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"

	"bayboard/internal/wire"
)

// A view at one moment is a head (the figures above the lists) and named,
// ordered lists of rows. Each row carries its own key ("id"), unique in its
// list, so that a change can name the rows it replaces or removes.
type model struct {
	head  any
	lists []list
}

type list struct {
	name string
	rows []keyedRow
}

type keyedRow struct {
	key string
	val any
}

// keyed is a row type: it says its key.
type keyed interface{ rowKey() string }

// rowsOf turns typed rows into a list.
func rowsOf[T keyed](name string, rows []T) list {
	l := list{name: name, rows: make([]keyedRow, len(rows))}
	for i, r := range rows {
		l.rows[i] = keyedRow{key: r.rowKey(), val: r}
	}
	return l
}

// frame is a model encoded: every row is encoded on its own, so that two
// frames are compared row by row, as bytes.
type frame struct {
	head  json.RawMessage
	lists []encodedList
}

type encodedList struct {
	name string
	keys []string
	rows map[string]json.RawMessage
}

// encode encodes a model into a frame. A duplicate key in a list is a bug
// in the view, reported rather than silently merged.
func (m model) encode() (*frame, error) {
	f := &frame{lists: make([]encodedList, len(m.lists))}
	var err error
	if f.head, err = wire.Marshal(m.head); err != nil {
		return nil, err
	}
	for i, l := range m.lists {
		el := encodedList{name: l.name, keys: make([]string, len(l.rows)), rows: make(map[string]json.RawMessage, len(l.rows))}
		for j, r := range l.rows {
			if _, dup := el.rows[r.key]; dup {
				return nil, fmt.Errorf("view list %s has the key %q twice", l.name, r.key)
			}
			raw, err := wire.Marshal(r.val)
			if err != nil {
				return nil, err
			}
			el.keys[j], el.rows[r.key] = r.key, raw
		}
		f.lists[i] = el
	}
	return f, nil
}

// snapshot is the frame as a whole:
//
//	{"head":{…},"lists":{"bays":[{…},…],…}}
func (f *frame) snapshot() json.RawMessage {
	var b bytes.Buffer
	b.WriteString(`{"head":`)
	b.Write(f.head)
	b.WriteString(`,"lists":{`)
	for i, l := range f.lists {
		if i > 0 {
			b.WriteByte(',')
		}
		writeString(&b, l.name)
		b.WriteString(":[")
		for j, k := range l.keys {
			if j > 0 {
				b.WriteByte(',')
			}
			b.Write(l.rows[k])
		}
		b.WriteByte(']')
	}
	b.WriteString("}}")
	return b.Bytes()
}

// diff describes what changed from prev to next, or returns nil when
// nothing did. Only what differs is sent, so a change on a busy board stays
// a few hundred bytes:
//
//	{"head":{…},"lists":{"bays":{"upsert":[{…}],"remove":["bay-3"],"order":["bay-1",…]}}}
//
// head is present only when it changed; in a list, upsert holds new and
// changed rows, remove the keys that left, and order the full key order
// whenever it is not the old order with the removed keys taken out. Both
// frames come from the same view, so their lists are in the same order.
func diff(prev, next *frame) json.RawMessage {
	var b bytes.Buffer
	changed := false
	b.WriteByte('{')
	if !bytes.Equal(prev.head, next.head) {
		b.WriteString(`"head":`)
		b.Write(next.head)
		changed = true
	}
	listsOpen := false
	for i, nl := range next.lists {
		pl := prev.lists[i]
		var upserts []string
		var removed []string
		for _, k := range nl.keys {
			if old, ok := pl.rows[k]; !ok || !bytes.Equal(old, nl.rows[k]) {
				upserts = append(upserts, k)
			}
		}
		kept := make([]string, 0, len(pl.keys))
		for _, k := range pl.keys {
			if _, ok := nl.rows[k]; ok {
				kept = append(kept, k)
			} else {
				removed = append(removed, k)
			}
		}
		reordered := !slices.Equal(kept, nl.keys)
		if len(upserts) == 0 && len(removed) == 0 && !reordered {
			continue
		}
		if !listsOpen {
			if changed {
				b.WriteByte(',')
			}
			b.WriteString(`"lists":{`)
			listsOpen = true
		} else {
			b.WriteByte(',')
		}
		changed = true
		writeString(&b, nl.name)
		b.WriteString(":{")
		sep := false
		if len(upserts) > 0 {
			b.WriteString(`"upsert":[`)
			for j, k := range upserts {
				if j > 0 {
					b.WriteByte(',')
				}
				b.Write(nl.rows[k])
			}
			b.WriteByte(']')
			sep = true
		}
		if len(removed) > 0 {
			if sep {
				b.WriteByte(',')
			}
			b.WriteString(`"remove":`)
			writeStrings(&b, removed)
			sep = true
		}
		if reordered {
			if sep {
				b.WriteByte(',')
			}
			b.WriteString(`"order":`)
			writeStrings(&b, nl.keys)
		}
		b.WriteByte('}')
	}
	if listsOpen {
		b.WriteByte('}')
	}
	if !changed {
		return nil
	}
	b.WriteByte('}')
	return b.Bytes()
}

func writeString(b *bytes.Buffer, s string) {
	raw, _ := json.Marshal(s)
	b.Write(raw)
}

func writeStrings(b *bytes.Buffer, ss []string) {
	raw, _ := wire.Marshal(ss)
	b.Write(raw)
}
