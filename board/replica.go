package board

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// Replica is a view as a screen holds it, rebuilt from the feed: what the
// browser's feed client does, in Go, for `bayboard watch`, the load tool
// and the tests.
type Replica struct {
	View  string
	Epoch string
	Seq   uint64
	Event uint64
	Head  json.RawMessage
	Lists map[string]*ReplicaList
	// Names lists the lists in the view's order.
	Names []string
}

// ReplicaList is one list of a replica: its keys in order and each row.
type ReplicaList struct {
	Keys []string
	Rows map[string]json.RawMessage
}

// ErrGap means a change arrived that does not follow the replica's seq:
// the screen must reconnect and resume.
var ErrGap = errors.New("board: a change is missing; reconnect and resume")

// Apply applies one message. A beat changes nothing. After ErrGap the
// replica is unchanged and the feed must be reconnected.
func (r *Replica) Apply(e Envelope) error {
	switch e.Type {
	case TypeBeat:
		return nil
	case TypeSnapshot:
		var snap struct {
			Head  json.RawMessage `json:"head"`
			Lists orderedLists    `json:"lists"`
		}
		if err := json.Unmarshal(e.Data, &snap); err != nil {
			return fmt.Errorf("board: snapshot: %w", err)
		}
		r.View, r.Epoch, r.Seq, r.Event, r.Head = e.View, e.Epoch, e.Seq, e.Event, snap.Head
		r.Lists, r.Names = map[string]*ReplicaList{}, nil
		for _, l := range snap.Lists {
			rl := &ReplicaList{Rows: map[string]json.RawMessage{}}
			for _, raw := range l.rows {
				k, err := rowID(raw)
				if err != nil {
					return err
				}
				rl.Keys = append(rl.Keys, k)
				rl.Rows[k] = raw
			}
			r.Lists[l.name] = rl
			r.Names = append(r.Names, l.name)
		}
		return nil
	case TypeResumed:
		if e.Epoch != r.Epoch || e.Seq < r.Seq {
			return ErrGap
		}
		return nil
	case TypeChange:
		if e.Epoch != r.Epoch || e.Seq != r.Seq+1 {
			return ErrGap
		}
		var ch Change
		if err := json.Unmarshal(e.Data, &ch); err != nil {
			return fmt.Errorf("board: change: %w", err)
		}
		if ch.Head != nil {
			r.Head = ch.Head
		}
		for name, d := range ch.Lists {
			l := r.Lists[name]
			if l == nil {
				return fmt.Errorf("board: change to an unknown list %q", name)
			}
			gone := map[string]bool{}
			for _, k := range d.Remove {
				gone[k] = true
				delete(l.Rows, k)
			}
			kept := l.Keys[:0:0]
			for _, k := range l.Keys {
				if !gone[k] {
					kept = append(kept, k)
				}
			}
			l.Keys = kept
			for _, raw := range d.Upsert {
				k, err := rowID(raw)
				if err != nil {
					return err
				}
				if _, had := l.Rows[k]; !had && d.Order == nil {
					l.Keys = append(l.Keys, k)
				}
				l.Rows[k] = raw
			}
			if d.Order != nil {
				l.Keys = d.Order
			}
		}
		r.Seq, r.Event = e.Seq, e.Event
		return nil
	}
	return fmt.Errorf("board: unknown message type %q", e.Type)
}

// Snapshot encodes the replica as the server encodes a snapshot's data, so
// a test can compare the two.
func (r *Replica) Snapshot() json.RawMessage {
	f := &frame{head: r.Head}
	for _, name := range r.Names {
		l := r.Lists[name]
		f.lists = append(f.lists, encodedList{name: name, keys: l.Keys, rows: l.Rows})
	}
	return f.snapshot()
}

// Rows returns a list's rows in order.
func (r *Replica) Rows(list string) []json.RawMessage {
	l := r.Lists[list]
	if l == nil {
		return nil
	}
	out := make([]json.RawMessage, len(l.Keys))
	for i, k := range l.Keys {
		out[i] = l.Rows[k]
	}
	return out
}

func rowID(raw json.RawMessage) (string, error) {
	var row struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(raw, &row); err != nil || row.ID == "" {
		return "", fmt.Errorf("board: a row without an id: %.80s", raw)
	}
	return row.ID, nil
}

// orderedLists decodes the snapshot's lists object keeping its order,
// which a Go map would lose.
type orderedLists []struct {
	name string
	rows []json.RawMessage
}

func (o *orderedLists) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return fmt.Errorf("board: lists is not an object")
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		name, _ := t.(string)
		var rows []json.RawMessage
		if err := dec.Decode(&rows); err != nil {
			return err
		}
		*o = append(*o, struct {
			name string
			rows []json.RawMessage
		}{name, rows})
	}
	return nil
}
