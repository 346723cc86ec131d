package board_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"bayboard/board"
	"bayboard/internal/group"

	"github.com/gorilla/websocket"
)

// liveGroup is a group whose rows a test changes.
type liveGroup struct {
	mu      sync.Mutex
	rows    []group.StoreRow
	applied uint64
	now     time.Time
}

func (g *liveGroup) GroupRows() ([]group.StoreRow, uint64) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]group.StoreRow(nil), g.rows...), g.applied
}

func (g *liveGroup) Now() time.Time { return g.now }

func (g *liveGroup) set(i, inWorkshop int) {
	g.mu.Lock()
	g.rows[i].InWorkshop = inWorkshop
	g.applied++
	g.mu.Unlock()
}

// Screens of two scopes follow the group wall: each gets its own stores'
// changes only, resumes after a reconnect, and is told when the server
// stops; nothing the hub started outlives it.
func TestTheGroupWallFeedFollowsEachScope(t *testing.T) {
	noLeaks(t)
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	g := &liveGroup{now: now, rows: []group.StoreRow{
		{ID: "bj-01", Name: "北京一店", InWorkshop: 5, LastEventAt: now},
		{ID: "sh-02", Name: "上海二店", InWorkshop: 7, LastEventAt: now},
	}}
	hub := board.NewGroupHub(g, time.UTC, board.Options{BeatEvery: 20 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan struct{})
	go func() { defer close(ran); hub.Run(ctx) }()
	up := websocket.Upgrader{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		q := r.URL.Query()
		hub.Serve(conn, strings.TrimPrefix(r.URL.Path, "/ws/board/"), board.ParseResume(q.Get("epoch"), q.Get("seq")))
	}))
	defer srv.Close()
	defer func() {
		cancel()
		<-ran
	}()
	base := "ws" + strings.TrimPrefix(srv.URL, "http")
	all := dial(t, base, board.ScopeAll, board.Resume{})
	north := dial(t, base, "bj-01", board.Resume{})
	for _, s := range []*testScreen{all, north} {
		if e := s.next(); e.Type != board.TypeSnapshot || e.View != board.ViewGroupWall {
			t.Fatalf("first message %+v", e)
		}
	}
	if n := len(all.r.Rows("stores")); n != 2 {
		t.Errorf("the director's wall has %d rows", n)
	}
	if rows := north.r.Rows("stores"); len(rows) != 1 || !strings.Contains(string(rows[0]), `"bj-01"`) {
		t.Errorf("the regional wall: %s", rows)
	}

	// sh-02 changes, then bj-01: the director's screen gets both, the
	// regional one only bj-01's, as its next change.
	g.set(1, 8)
	hub.Changed()
	if e := all.next(); e.Type != board.TypeChange || !strings.Contains(string(e.Data), `"in_workshop":8`) {
		t.Fatalf("the director's change: %s", e.Data)
	}
	g.set(0, 6)
	hub.Changed()
	if e := all.next(); !strings.Contains(string(e.Data), `"in_workshop":6`) {
		t.Fatalf("the director's second change: %s", e.Data)
	}
	e := north.next()
	if e.Type != board.TypeChange || e.Seq != 1 || !strings.Contains(string(e.Data), `"bj-01"`) || strings.Contains(string(e.Data), "sh-02") {
		t.Fatalf("the regional change: %+v %s", e, e.Data)
	}

	// A regional screen that reconnects is replayed what it missed.
	resume := board.Resume{Epoch: north.r.Epoch, Seq: north.r.Seq}
	north.conn.Close()
	g.set(0, 9)
	hub.Changed()
	if e := all.next(); !strings.Contains(string(e.Data), `"in_workshop":9`) {
		t.Fatalf("the director's third change: %s", e.Data)
	}
	again := dial(t, base, "bj-01", resume)
	again.r = north.r
	if e := again.next(); e.Type != board.TypeResumed {
		t.Fatalf("the reconnected screen got %+v", e)
	}
	if e := again.next(); e.Type != board.TypeChange || !strings.Contains(string(e.Data), `"in_workshop":9`) {
		t.Fatalf("the replayed change: %s", e.Data)
	}

	closing, stop := context.WithTimeout(context.Background(), 5*time.Second)
	defer stop()
	go hub.Close(closing)
	if code := all.closeCode(); code != board.CloseGoingAway {
		t.Errorf("the director's screen was closed with %d", code)
	}
	if code := again.closeCode(); code != board.CloseGoingAway {
		t.Errorf("the regional screen was closed with %d", code)
	}
}
