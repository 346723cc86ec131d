package board_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unsafe"

	"bayboard/board"
	"bayboard/internal/shop"

	"github.com/gorilla/websocket"
)

// serveHub serves the hub's feeds on a real server on 127.0.0.1:0, as
// /ws/board/{view}?epoch=…&seq=…, and returns its ws:// address.
func serveHub(t *testing.T, h *board.Hub) string {
	t.Helper()
	up := websocket.Upgrader{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		q := r.URL.Query()
		h.Serve(conn, strings.TrimPrefix(r.URL.Path, "/ws/board/"), board.ParseResume(q.Get("epoch"), q.Get("seq")))
	}))
	t.Cleanup(srv.Close)
	return "ws" + strings.TrimPrefix(srv.URL, "http")
}

// testScreen is a screen as the tests drive it: a gorilla client that keeps
// a replica of its view.
type testScreen struct {
	t    *testing.T
	conn *websocket.Conn
	r    board.Replica
	// pending holds the envelopes of a message read but not yet returned.
	pending [][]byte
}

func dial(t *testing.T, base, view string, r board.Resume) *testScreen {
	t.Helper()
	u := base + "/ws/board/" + view
	if r.Epoch != "" {
		u += "?epoch=" + url.QueryEscape(r.Epoch) + "&seq=" + strconv.FormatUint(r.Seq, 10)
	}
	conn, _, err := websocket.DefaultDialer.Dial(u, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return &testScreen{t: t, conn: conn}
}

// envelope returns the next envelope of the feed.
func (s *testScreen) envelope() []byte {
	s.t.Helper()
	for len(s.pending) == 0 {
		s.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		_, raw, err := s.conn.ReadMessage()
		if err != nil {
			s.t.Fatalf("reading the feed: %v", err)
		}
		s.pending = board.Split(raw)
	}
	raw := s.pending[0]
	s.pending = s.pending[1:]
	return raw
}

// next returns the next envelope that is not a beat, applied to the
// replica.
func (s *testScreen) next() board.Envelope {
	s.t.Helper()
	for {
		raw := s.envelope()
		e := decodeEnvelope(s.t, raw)
		if e.Type == board.TypeBeat {
			continue
		}
		if err := s.r.Apply(e); err != nil {
			s.t.Fatalf("applying %s: %v", raw, err)
		}
		return e
	}
}

// closeCode reads until the connection ends and returns the close code.
func (s *testScreen) closeCode() int {
	s.t.Helper()
	s.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		if _, _, err := s.conn.ReadMessage(); err != nil {
			var ce *websocket.CloseError
			if errors.As(err, &ce) {
				return ce.Code
			}
			return -1
		}
	}
}

func pauseJob(t *testing.T, ds *demoShop, j *shop.Job) shop.Event {
	t.Helper()
	ev, err := ds.eng.Do(context.Background(), manager, &shop.Pause{JobID: j.ID, Reason: shop.PauseBreak})
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

func resumeJob(t *testing.T, ds *demoShop, j *shop.Job) shop.Event {
	t.Helper()
	ev, err := ds.eng.Do(context.Background(), manager, &shop.Resume{JobRef: shop.JobRef{JobID: j.ID}})
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

func TestScreenGetsASnapshotThenEachChange(t *testing.T) {
	noLeaks(t)
	ds := newDemoShop(t)
	h := hubOn(t, ds, board.Options{})
	base := serveHub(t, h)
	s := dial(t, base, board.ViewWorkshop, board.Resume{})
	first := s.next()
	if first.Type != board.TypeSnapshot || first.Reason != board.ReasonConnect || first.Epoch != h.Epoch() || first.View != board.ViewWorkshop || first.Seq != 0 {
		t.Fatalf("first message: %+v", first)
	}
	j := someJob(t, ds.eng.State(), shop.StageInProgress)
	ev := pauseJob(t, ds, j)
	ch := s.next()
	if ch.Type != board.TypeChange || ch.Seq != 1 || ch.Event != ev.Seq {
		t.Fatalf("change: %+v (event %d)", ch, ev.Seq)
	}
	if len(ch.Data) > 2000 {
		t.Errorf("one job's pause is a %d-byte change", len(ch.Data))
	}
	if got, want := string(s.r.Snapshot()), h.Current(board.ViewWorkshop); got != want {
		t.Errorf("the screen's view\n%s\nis not the server's\n%s", got, want)
	}
	var bay struct {
		ID  string
		Job *struct{ Stage shop.Stage }
	}
	for _, raw := range s.r.Rows("bays") {
		json.Unmarshal(raw, &bay)
		if bay.ID == j.BayID {
			break
		}
	}
	if bay.Job == nil || bay.Job.Stage != shop.StagePaused {
		t.Errorf("bay %s shows %+v after the pause", j.BayID, bay.Job)
	}
}

func TestAReconnectingScreenIsReplayedWhatItMissed(t *testing.T) {
	noLeaks(t)
	ds := newDemoShop(t)
	h := hubOn(t, ds, board.Options{})
	base := serveHub(t, h)
	s := dial(t, base, board.ViewWorkshop, board.Resume{})
	s.next()
	j := someJob(t, ds.eng.State(), shop.StageInProgress)
	pauseJob(t, ds, j)
	s.next()
	held := s.r
	s.conn.Close()

	// The hub folds a burst of commits into one recompute; wait for each
	// change to be numbered before the next, so that none cancels out.
	resumeJob(t, ds, j)
	waitSeq(t, h, board.ViewWorkshop, held.Seq+1)
	pauseJob(t, ds, j)
	waitSeq(t, h, board.ViewWorkshop, held.Seq+2)
	resumeJob(t, ds, j)
	waitSeq(t, h, board.ViewWorkshop, held.Seq+3)

	again := dial(t, base, board.ViewWorkshop, board.Resume{Epoch: held.Epoch, Seq: held.Seq})
	again.r = held
	m := again.next()
	if m.Type != board.TypeResumed || string(m.Data) != `{"from":1,"replayed":3}` || m.Seq != 4 {
		t.Fatalf("resume: %+v %s", m, m.Data)
	}
	for range 3 {
		if e := again.next(); e.Type != board.TypeChange {
			t.Fatalf("replayed %+v", e)
		}
	}
	if got, want := string(again.r.Snapshot()), h.Current(board.ViewWorkshop); got != want {
		t.Errorf("after the replay the screen shows\n%s\nnot\n%s", got, want)
	}
}

// waitSeq waits until the hub has numbered a view's changes up to seq.
func waitSeq(t *testing.T, h *board.Hub, view string, seq uint64) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if h.Seq(view) >= seq {
			return
		}
	}
	t.Fatalf("view %s never reached seq %d", view, seq)
}

func TestAScreenTooFarBehindOrFromAnotherRunGetsASnapshot(t *testing.T) {
	noLeaks(t)
	ds := newDemoShop(t)
	h := hubOn(t, ds, board.Options{RingSize: 2})
	base := serveHub(t, h)
	s := dial(t, base, board.ViewWorkshop, board.Resume{})
	s.next()
	j := someJob(t, ds.eng.State(), shop.StageInProgress)
	for i := range uint64(2) {
		pauseJob(t, ds, j)
		waitSeq(t, h, board.ViewWorkshop, 2*i+1)
		resumeJob(t, ds, j)
		waitSeq(t, h, board.ViewWorkshop, 2*i+2)
	}
	cases := []struct {
		name   string
		resume board.Resume
		reason string
	}{
		{"ring too short", board.Resume{Epoch: h.Epoch(), Seq: 0}, board.ReasonTooOld},
		{"server restarted", board.Resume{Epoch: "0123456789abcdef", Seq: 4}, board.ReasonRestart},
		{"seq from the future", board.Resume{Epoch: h.Epoch(), Seq: 99}, board.ReasonTooOld},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			again := dial(t, base, board.ViewWorkshop, c.resume)
			again.t = t
			m := again.next()
			if m.Type != board.TypeSnapshot || m.Reason != c.reason || m.Seq != 4 {
				t.Errorf("got %s %s seq %d, want a snapshot (%s) at 4", m.Type, m.Reason, m.Seq, c.reason)
			}
			if got, want := string(again.r.Snapshot()), h.Current(board.ViewWorkshop); got != want {
				t.Errorf("snapshot\n%s\nis not\n%s", got, want)
			}
		})
	}
}

// A screen that stops reading fills its socket, then its queue, and is
// dropped; a healthy screen of the same view gets every message meanwhile,
// and quickly.
func TestASlowScreenIsDroppedAndNeverDelaysTheOthers(t *testing.T) {
	noLeaks(t)
	ds := newDemoShop(t)
	// A queue of 16 is passed by a stuck screen within a few dozen 1 MB
	// changes, and never by one that reads, however busy the machine.
	h := board.New(ds.eng, board.Options{QueueSize: 16, WriteWait: 30 * time.Second})
	base := serveHub(t, h)
	slow := dial(t, base, board.ViewParts, board.Resume{})
	fast := dial(t, base, board.ViewParts, board.Resume{})
	fast.next()
	waitScreens(t, h, 2)

	const changes = 60
	received := make(chan int, 1)
	go func() {
		n := 0
		fast.conn.SetReadDeadline(time.Now().Add(60 * time.Second))
		for n < changes {
			_, raw, err := fast.conn.ReadMessage()
			if err != nil {
				break
			}
			n += len(board.Split(raw))
		}
		received <- n
	}()
	// Sixty 1 MB changes: far more than the loopback's socket buffers and
	// the slow screen's queue hold. Publishing never waits for a screen,
	// so a stuck one cannot hold up the hub or the screen that reads.
	big := json.RawMessage(`{"head":{"pad":"` + strings.Repeat("x", 1<<20) + `"}}`)
	for range changes {
		h.PublishRaw(board.ViewParts, big)
	}
	if n := <-received; n != changes {
		t.Errorf("the healthy screen got %d of %d messages", n, changes)
	}
	if h.Dropped() != 1 {
		t.Errorf("%d screens dropped, want the slow one", h.Dropped())
	}
	waitScreens(t, h, 1)
	if code := slow.closeCode(); code != websocket.CloseAbnormalClosure && code != -1 {
		t.Errorf("the slow screen was closed with %d, want the connection cut", code)
	}
	fast.conn.Close()
	waitScreens(t, h, 0)
}

func waitScreens(t *testing.T, h *board.Hub, n int) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if h.Screens() == n {
			return
		}
	}
	t.Fatalf("%d screens connected, want %d", h.Screens(), n)
}

// A screen that answers no pings (a TV switched off at the wall leaves no
// FIN behind) is dropped once PongWait passes.
func TestASilentScreenIsDropped(t *testing.T) {
	noLeaks(t)
	ds := newDemoShop(t)
	h := board.New(ds.eng, board.Options{PingEvery: 50 * time.Millisecond, PongWait: 300 * time.Millisecond})
	base := serveHub(t, h)
	// gorilla answers pings only while reading; this screen never reads.
	dial(t, base, board.ViewLounge, board.Resume{})
	waitScreens(t, h, 1)
	start := time.Now()
	waitScreens(t, h, 0)
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("the silent screen stayed %v", took)
	}
	// A screen that reads answers the pings and stays: it hears ping
	// after ping for well over three pong waits, and the hub keeps it.
	alive := dial(t, base, board.ViewLounge, board.Resume{})
	pings := make(chan struct{}, 100)
	alive.conn.SetPingHandler(func(data string) error {
		select {
		case pings <- struct{}{}:
		default:
		}
		return alive.conn.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(time.Second))
	})
	dropped := make(chan error, 1)
	go func() {
		for {
			if _, _, err := alive.conn.ReadMessage(); err != nil {
				dropped <- err
				return
			}
		}
	}()
	for heard := 0; heard < 20; heard++ {
		select {
		case <-pings:
		case err := <-dropped:
			t.Fatalf("a screen answering pings was dropped after %d pings: %v", heard, err)
		case <-time.After(5 * time.Second):
			t.Fatalf("the hub sent %d pings, then none for 5 s", heard)
		}
	}
	if h.Screens() != 1 {
		t.Errorf("a screen answering pings was dropped")
	}
}

func TestScreensHearTheClockAndAreToldWhenTheServerStops(t *testing.T) {
	noLeaks(t)
	ds := newDemoShop(t)
	h := board.New(ds.eng, board.Options{BeatEvery: 20 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan struct{})
	go func() { defer close(ran); h.Run(ctx) }()
	defer func() { cancel(); <-ran }()
	base := serveHub(t, h)
	s := dial(t, base, board.ViewAppointments, board.Resume{})
	var beat board.Envelope
	for beat.Type != board.TypeBeat {
		beat = decodeEnvelope(t, s.envelope())
	}
	if now, err := time.Parse(time.RFC3339, beat.Now); err != nil || !now.Equal(ds.clock.Now().Truncate(time.Second)) {
		t.Errorf("beat at %q: the shop's clock is %v", beat.Now, ds.clock.Now())
	}
	closing, stop := context.WithTimeout(context.Background(), 5*time.Second)
	defer stop()
	h.Close(closing)
	if code := s.closeCode(); code != board.CloseGoingAway {
		t.Errorf("closed with %d, want %d (going away)", code, board.CloseGoingAway)
	}
	if h.Screens() != 0 {
		t.Errorf("%d screens left after Close", h.Screens())
	}
	// Once closed, a screen that connects is turned away at once.
	late := dial(t, base, board.ViewAppointments, board.Resume{})
	if code := late.closeCode(); code != board.CloseGoingAway {
		t.Errorf("a screen connecting after Close: %d", code)
	}
}

// fakeConn records what the hub writes, to see which bytes each screen
// was handed.
type fakeConn struct {
	mu     sync.Mutex
	writes [][]byte
	closed chan struct{}
	once   sync.Once
}

func newFakeConn() *fakeConn { return &fakeConn{closed: make(chan struct{})} }

func (f *fakeConn) SetReadLimit(int64)                        {}
func (f *fakeConn) SetReadDeadline(time.Time) error           { return nil }
func (f *fakeConn) SetWriteDeadline(time.Time) error          { return nil }
func (f *fakeConn) SetPongHandler(func(string) error)         {}
func (f *fakeConn) WriteControl(int, []byte, time.Time) error { return nil }
func (f *fakeConn) ReadMessage() (int, []byte, error) {
	<-f.closed
	return 0, nil, errors.New("closed")
}
func (f *fakeConn) WriteMessage(_ int, p []byte) error {
	f.mu.Lock()
	f.writes = append(f.writes, p)
	f.mu.Unlock()
	return nil
}

// NextWriter records each piece of a batched message as it is handed
// over, so that the test sees whose bytes they are.
func (f *fakeConn) NextWriter(int) (io.WriteCloser, error) { return fakeWriter{f}, nil }

type fakeWriter struct{ f *fakeConn }

func (w fakeWriter) Write(p []byte) (int, error) { return len(p), w.f.WriteMessage(0, p) }
func (w fakeWriter) Close() error                { return nil }
func (f *fakeConn) Close() error                 { f.once.Do(func() { close(f.closed) }); return nil }

func (f *fakeConn) written() [][]byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([][]byte(nil), f.writes...)
}

// Every screen of a view is handed the same encoded bytes: a change is
// encoded once, whatever the number of screens.
func TestOneEncodedMessageIsSharedByAllScreensOfAView(t *testing.T) {
	noLeaks(t)
	ds := newDemoShop(t)
	// No beats: a beat queued beside the change would be sent with it in
	// one message, and the change would not be a message of its own.
	h := hubOn(t, ds, board.Options{BeatEvery: time.Hour})
	conns := []*fakeConn{newFakeConn(), newFakeConn(), newFakeConn()}
	var served sync.WaitGroup
	for _, c := range conns {
		served.Add(1)
		go func() { defer served.Done(); h.Serve(c, board.ViewWorkshop, board.Resume{}) }()
	}
	waitScreens(t, h, 3)
	pauseJob(t, ds, someJob(t, ds.eng.State(), shop.StageInProgress))
	waitSeq(t, h, board.ViewWorkshop, 1)
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		// Every screen has had the change (a screen is greeted with a
		// beat and its snapshot first, so counting messages is not enough).
		ready := true
		for _, c := range conns {
			ready = ready && slices.ContainsFunc(c.written(), func(m []byte) bool { return bytes.Contains(m, []byte(`"type":"change"`)) })
		}
		if ready {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the change did not reach every screen")
		}
	}
	firsts := map[*byte]bool{}
	changes := map[*byte]bool{}
	for _, c := range conns {
		for _, m := range c.written() {
			switch {
			case bytes.Contains(m, []byte(`"type":"snapshot"`)):
				firsts[unsafe.SliceData(m)] = true
			case bytes.Contains(m, []byte(`"type":"change"`)):
				changes[unsafe.SliceData(m)] = true
			}
		}
	}
	if len(firsts) != 1 || len(changes) != 1 {
		t.Errorf("%d distinct snapshots and %d distinct changes for 3 screens; want one of each", len(firsts), len(changes))
	}
	for _, c := range conns {
		c.Close()
	}
	served.Wait()
}

// Screens come and go by the hundred while the shop changes: each ends up
// with the server's view, and nothing is left behind.
func TestScreensComingAndGoingLeaveNothingBehind(t *testing.T) {
	noLeaks(t)
	ds := newDemoShop(t)
	h := hubOn(t, ds, board.Options{BeatEvery: 10 * time.Millisecond})
	base := serveHub(t, h)
	j := someJob(t, ds.eng.State(), shop.StageInProgress)
	stop := make(chan struct{})
	changed := make(chan struct{})
	go func() {
		defer close(changed)
		for paused := false; ; paused = !paused {
			select {
			case <-stop:
				if paused {
					ds.eng.Do(context.Background(), manager, &shop.Resume{JobRef: shop.JobRef{JobID: j.ID}})
				}
				return
			default:
			}
			if paused {
				ds.eng.Do(context.Background(), manager, &shop.Resume{JobRef: shop.JobRef{JobID: j.ID}})
			} else {
				ds.eng.Do(context.Background(), manager, &shop.Pause{JobID: j.ID, Reason: shop.PauseBreak})
			}
		}
	}()
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range 25 {
				view := board.Views[(i+k)%len(board.Views)]
				conn, _, err := websocket.DefaultDialer.Dial(base+"/ws/board/"+view, nil)
				if err != nil {
					t.Error(err)
					return
				}
				conn.SetReadDeadline(time.Now().Add(5 * time.Second))
				conn.ReadMessage()
				conn.Close()
			}
		}()
	}
	wg.Wait()
	close(stop)
	<-changed
	waitScreens(t, h, 0)
	for _, name := range board.Views {
		if n := h.Listed(name); n != 0 {
			t.Errorf("view %s still lists %d screens", name, n)
		}
	}
}
