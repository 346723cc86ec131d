package board

import (
	"io"
	"sync"
	"time"
)

// Conn is the websocket connection of one screen: the part of the gorilla
// API (which github.com/fasthttp/websocket, under gofiber's websocket, and
// github.com/gorilla/websocket both have) that the hub needs. One goroutine
// may read and one may write at a time; Close and WriteControl may be
// called from any goroutine.
type Conn interface {
	SetReadLimit(limit int64)
	SetReadDeadline(t time.Time) error
	SetWriteDeadline(t time.Time) error
	SetPongHandler(h func(appData string) error)
	ReadMessage() (messageType int, p []byte, err error)
	WriteMessage(messageType int, data []byte) error
	NextWriter(messageType int) (io.WriteCloser, error)
	WriteControl(messageType int, data []byte, deadline time.Time) error
	Close() error
}

// Websocket opcodes (RFC 6455 §11.8), as both libraries number them.
const (
	textMessage  = 1
	closeMessage = 8
	pingMessage  = 9
)

// Close codes the hub sends (RFC 6455 §7.4). 4000–4999 are the
// application's own.
const (
	CloseNormal    = 1000
	CloseGoingAway = 1001 // the server is shutting down: reconnect soon
	CloseTooSlow   = 4001 // the screen fell behind and was dropped: reconnect and resume
)

// maxBatch bounds how many queued messages one write carries.
const maxBatch = 32

// maxIncoming bounds what a screen may send. It sends nothing but pongs and
// close frames; anything big is a misbehaving client.
const maxIncoming = 512

// screen is one connected screen: its queue and its writer's stop signal.
type screen struct {
	conn Conn
	send chan *message
	done chan struct{}
	once sync.Once
	// code and text are the close frame the writer sends when stopped.
	code int
	text string
}

func newScreen(conn Conn, queue int) *screen {
	return &screen{conn: conn, send: make(chan *message, queue), done: make(chan struct{})}
}

// enqueue hands a message to the screen's writer without ever waiting: a
// screen whose queue is full has fallen behind, and is dropped so that it
// reconnects and resumes instead of holding up anyone else. Its writer is
// stuck in a write to a full socket, where no close frame would get
// through, so the connection is cut at once; that also frees the writer.
// It reports whether this message dropped the screen.
func (s *screen) enqueue(m *message) bool {
	select {
	case s.send <- m:
		return false
	default:
		if s.stop(CloseTooSlow, "too slow: reconnect and resume") {
			s.conn.Close()
			return true
		}
		return false
	}
}

// stop tells the writer to close the connection with a code; the first
// reason wins. It reports whether this call stopped the screen.
func (s *screen) stop(code int, text string) bool {
	stopped := false
	s.once.Do(func() {
		s.code, s.text = code, text
		close(s.done)
		stopped = true
	})
	return stopped
}

// write is the screen's one writer: the first messages (a snapshot, or a
// replay), then whatever the hub queues, with a ping now and then so that
// a screen that has gone away is noticed. It closes the connection when it
// returns, which also ends the reader.
func (s *screen) write(first []*message, o Options) {
	defer s.conn.Close()
	if !s.writeBatch(first, o.WriteWait) {
		return
	}
	ping := time.NewTicker(o.PingEvery)
	defer ping.Stop()
	var batch [maxBatch]*message
	for {
		select {
		case m := <-s.send:
			// What else is queued goes in the same write: a screen that
			// fell a little behind catches up in one system call instead
			// of one per message.
			n := 1
			batch[0] = m
		more:
			for n < maxBatch {
				select {
				case next := <-s.send:
					batch[n] = next
					n++
				default:
					break more
				}
			}
			ok := s.writeBatch(batch[:n], o.WriteWait)
			clear(batch[:n])
			if !ok {
				return
			}
		case <-ping.C:
			if s.conn.WriteControl(pingMessage, nil, time.Now().Add(o.WriteWait)) != nil {
				return
			}
		case <-s.done:
			// The close frame is a courtesy: a screen that is too slow may
			// never read it, so it gets little time.
			frame := closeFrame(s.code, s.text)
			s.conn.WriteControl(closeMessage, frame, time.Now().Add(time.Second))
			return
		}
	}
}

// writeBatch writes messages in one websocket message, one envelope per
// line (see Split). A single message is written as it is, shared bytes
// and all.
func (s *screen) writeBatch(ms []*message, wait time.Duration) bool {
	if len(ms) == 0 {
		return true
	}
	if s.conn.SetWriteDeadline(time.Now().Add(wait)) != nil {
		return false
	}
	if len(ms) == 1 {
		return s.conn.WriteMessage(textMessage, ms[0].data) == nil
	}
	w, err := s.conn.NextWriter(textMessage)
	if err != nil {
		return false
	}
	for i, m := range ms {
		if i > 0 {
			if _, err := w.Write(newline); err != nil {
				return false
			}
		}
		if _, err := w.Write(m.data); err != nil {
			return false
		}
	}
	return w.Close() == nil
}

var newline = []byte{'\n'}

// read reads until the connection fails or closes. A screen sends nothing
// but pongs: each one, like any message, proves it is alive and pushes the
// read deadline on. fasthttp sets no timeouts on a hijacked connection, so
// without this deadline a screen that vanished would be kept forever.
func (s *screen) read(o Options) {
	s.conn.SetReadLimit(maxIncoming)
	alive := func(string) error { return s.conn.SetReadDeadline(time.Now().Add(o.PongWait)) }
	alive("")
	s.conn.SetPongHandler(alive)
	for {
		if _, _, err := s.conn.ReadMessage(); err != nil {
			return
		}
		alive("")
	}
}

// closeFrame is a close frame's payload: the code, then the reason.
func closeFrame(code int, text string) []byte {
	if len(text) > 120 {
		text = text[:120]
	}
	return append([]byte{byte(code >> 8), byte(code)}, text...)
}
