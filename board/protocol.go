package board

import (
	"bytes"
	"encoding/json"
	"strconv"
	"time"
)

// The feed speaks JSON text messages, each an envelope
//
//	{"type":…, "view":…, "epoch":…, "seq":…, "event":…, "reason":…, "data":…}
//
// Message types, server to screen:
//
//   - snapshot: data is the whole view ({"head":…,"lists":…}); seq is the
//     change it includes. reason says why a snapshot was sent: "connect"
//     (no resume was asked), "restart" (the epoch the screen knew is gone:
//     the server restarted) or "too_old" (the ring no longer holds the
//     changes the screen missed).
//   - resumed: the screen's epoch and seq were still known; the changes it
//     missed follow at once, and seq is the last of them. data says how
//     many: {"from":12,"replayed":3}.
//   - change: data is a diff (see diff); seq is one more than the last.
//   - beat: sent every second to the screens of every view that had no
//     change in that second; data is {}. A screen that hears nothing for a
//     few seconds knows its link is down.
//
// Changes and beats carry the shop's clock in "now"
// ("2026-11-23T10:42:05+08:00"): screens show the shop's time, which in
// the demo runs faster than the wall's.
//
// One websocket message usually carries one envelope. A screen that has
// fallen a little behind is sent what is queued for it in one message, the
// envelopes one per line (JSON never holds a raw newline): Split them.
//
// A connection starts with a beat (so the screen shows the shop's time at
// once), then the snapshot, or "resumed" and the missed changes. event is
// the number of the last shop event the view reflects, so a client that
// made a change through the API can tell when a screen shows it. A screen
// resumes by connecting with ?epoch=…&seq=… (see Resume); it sends
// nothing else.
const (
	TypeSnapshot = "snapshot"
	TypeResumed  = "resumed"
	TypeChange   = "change"
	TypeBeat     = "beat"
)

// Reasons for a snapshot.
const (
	ReasonConnect = "connect"
	ReasonRestart = "restart"
	ReasonTooOld  = "too_old"
)

// Envelope is one message of the feed.
type Envelope struct {
	Type   string          `json:"type"`
	View   string          `json:"view,omitempty"`
	Epoch  string          `json:"epoch"`
	Seq    uint64          `json:"seq"`
	Event  uint64          `json:"event,omitempty"`
	Reason string          `json:"reason,omitempty"`
	Now    string          `json:"now,omitempty"`
	Data   json.RawMessage `json:"data"`
}

// Split returns the envelopes of one websocket message.
func Split(msg []byte) [][]byte {
	var out [][]byte
	for len(msg) > 0 {
		i := bytes.IndexByte(msg, '\n')
		if i < 0 {
			out = append(out, msg)
			break
		}
		if i > 0 {
			out = append(out, msg[:i])
		}
		msg = msg[i+1:]
	}
	return out
}

// Change is the data of a change envelope as a screen reads it (see
// diff): the head when it changed, and per list the new and changed rows,
// the keys that left, and the key order when it moved.
type Change struct {
	Head  json.RawMessage       `json:"head"`
	Lists map[string]ListChange `json:"lists"`
}

// ListChange is what changed in one list of a view.
type ListChange struct {
	Upsert []json.RawMessage `json:"upsert"`
	Remove []string          `json:"remove"`
	Order  []string          `json:"order"`
}

// Resume is what a reconnecting screen knows: the epoch it was in and the
// last seq it applied. The zero Resume asks for a snapshot.
type Resume struct {
	Epoch string
	Seq   uint64
}

// ParseResume reads the epoch and seq query parameters; anything malformed
// is a plain connect, which is always safe.
func ParseResume(epoch, seq string) Resume {
	n, err := strconv.ParseUint(seq, 10, 64)
	if err != nil || epoch == "" || len(epoch) > 64 {
		return Resume{}
	}
	return Resume{Epoch: epoch, Seq: n}
}

// message is one encoded envelope, shared by every screen it goes to.
type message struct {
	seq  uint64
	data []byte
}

func encodeMessage(e Envelope) *message {
	raw, err := json.Marshal(e)
	if err != nil {
		// Every field is a string, a number or JSON this package produced.
		panic("board: encoding an envelope: " + err.Error())
	}
	return &message{seq: e.Seq, data: raw}
}

// clock writes the shop's time as screens read it, in the shop's zone.
func clock(now time.Time, loc *time.Location) string { return now.In(loc).Format(time.RFC3339) }

var empty = json.RawMessage(`{}`)
