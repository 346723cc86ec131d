package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"bayboard/board"

	"github.com/gorilla/websocket"
)

// WatchConfig is what watch is told.
type WatchConfig struct {
	URL   string
	Token string
	View  string
	JSON  bool // print the messages as they come, one per line
	Once  bool // print the snapshot and stop
}

// DefaultURL is the server on this box.
const DefaultURL = "http://127.0.0.1:8080"

// Reconnection backoff of watch, as the screens do it: from half a second,
// doubling to ten seconds, each time ±50 %.
const (
	watchBackoffMin = 500 * time.Millisecond
	watchBackoffMax = 10 * time.Second
)

func watchConfig(args []string, getenv func(string) string, stderr io.Writer) (WatchConfig, error) {
	fs := newFlags("watch", stderr)
	cfg := WatchConfig{}
	fs.StringVar(&cfg.URL, "url", envDefault(getenv, "BAYBOARD_URL", DefaultURL), "the server (BAYBOARD_URL)")
	fs.StringVar(&cfg.Token, "token", getenv("BAYBOARD_TOKEN"), "an API token or a screen's device token (BAYBOARD_TOKEN)")
	fs.BoolVar(&cfg.JSON, "json", false, "print each message as the server sends it")
	fs.BoolVar(&cfg.Once, "once", false, "print the view once and exit")
	// The view may come before or after the flags.
	var rest []string
	for len(args) > 0 {
		if err := parse(fs, args); err != nil {
			return cfg, err
		}
		if fs.NArg() == 0 {
			break
		}
		rest = append(rest, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(rest) != 1 {
		return cfg, usageError{"name one view: " + strings.Join(board.Views, ", ")}
	}
	cfg.View = rest[0]
	if !board.Known(cfg.View) {
		return cfg, usageError{fmt.Sprintf("no view %q; the views are %s", cfg.View, strings.Join(board.Views, ", "))}
	}
	u, err := url.Parse(cfg.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return cfg, usageError{"--url must be http://host:port or https://host:port"}
	}
	return cfg, nil
}

// watch prints a board's live feed in a terminal: the view, then each
// change as it comes. It reconnects by itself, resuming where it was, and
// stops when ctx ends (Ctrl-C).
func watch(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	cfg, err := watchConfig(args, getenv, stdout)
	if err != nil {
		return err
	}
	w := &watcher{cfg: cfg, out: stdout}
	return w.run(ctx)
}

type watcher struct {
	cfg WatchConfig
	out io.Writer
	r   board.Replica
}

func (w *watcher) feedURL() string {
	u, _ := url.Parse(w.cfg.URL)
	u.Scheme = map[string]string{"http": "ws", "https": "wss"}[u.Scheme]
	u.Path = strings.TrimSuffix(u.Path, "/") + "/ws/board/" + w.cfg.View
	if w.r.Epoch != "" {
		u.RawQuery = url.Values{"epoch": {w.r.Epoch}, "seq": {strconv.FormatUint(w.r.Seq, 10)}}.Encode()
	}
	return u.String()
}

func (w *watcher) run(ctx context.Context) error {
	attempt := 0
	for {
		err := w.session(ctx)
		if ctx.Err() != nil {
			return nil
		}
		var refused refusedError
		if errors.As(err, &refused) || errors.Is(err, errDone) {
			if errors.Is(err, errDone) {
				return nil
			}
			return err
		}
		if err == nil {
			attempt = 0
		}
		wait := min(watchBackoffMax, watchBackoffMin<<min(attempt, 5))
		wait = time.Duration(float64(wait) * (0.5 + rand.Float64()))
		attempt++
		fmt.Fprintf(w.out, "%s  link down (%v); reconnecting in %.1fs\n", stamp(), err, wait.Seconds())
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(wait):
		}
	}
}

var errDone = errors.New("done")

// refusedError is the server saying no: retrying will not help.
type refusedError struct{ msg string }

func (e refusedError) Error() string { return e.msg }

// session is one connection: it returns when the link fails.
func (w *watcher) session(ctx context.Context) error {
	h := http.Header{}
	if w.cfg.Token != "" {
		h.Set("Authorization", "Bearer "+w.cfg.Token)
	}
	dialer := websocket.Dialer{HandshakeTimeout: 10 * time.Second}
	conn, res, err := dialer.DialContext(ctx, w.feedURL(), h)
	if err != nil {
		if res != nil && res.StatusCode >= 400 && res.StatusCode < 500 {
			var p struct{ Detail string }
			json.NewDecoder(io.LimitReader(res.Body, 4096)).Decode(&p)
			return refusedError{fmt.Sprintf("the server refused the %s feed (%s): %s", w.cfg.View, res.Status, p.Detail)}
		}
		return err
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	for {
		// Beats come every second: silence means the link is gone.
		conn.SetReadDeadline(time.Now().Add(10 * time.Second))
		_, msg, err := conn.ReadMessage()
		if err != nil {
			return err
		}
		for _, raw := range board.Split(msg) {
			var e board.Envelope
			if err := json.Unmarshal(raw, &e); err != nil {
				return fmt.Errorf("a message that is not JSON: %w", err)
			}
			if err := w.show(e, raw); err != nil {
				return err
			}
			if w.cfg.Once && e.Type == board.TypeSnapshot {
				return errDone
			}
		}
	}
}

func (w *watcher) show(e board.Envelope, raw []byte) error {
	// Which rows were there before, to tell a new row (+) from a changed
	// one (~).
	had := map[string]bool{}
	for name, l := range w.r.Lists {
		for k := range l.Rows {
			had[name+"/"+k] = true
		}
	}
	if err := w.r.Apply(e); err != nil {
		return err
	}
	if w.cfg.JSON {
		if e.Type != board.TypeBeat {
			fmt.Fprintf(w.out, "%s\n", raw)
		}
		return nil
	}
	switch e.Type {
	case board.TypeSnapshot:
		fmt.Fprintf(w.out, "%s  %s: snapshot at seq %d (%s), epoch %s\n", stamp(), e.View, e.Seq, e.Reason, e.Epoch)
		fmt.Fprintf(w.out, "  head %s\n", flatten(w.r.Head))
		for _, name := range w.r.Names {
			rows := w.r.Rows(name)
			fmt.Fprintf(w.out, "  %s (%d)\n", name, len(rows))
			for _, row := range rows {
				fmt.Fprintf(w.out, "    %s\n", flatten(row))
			}
		}
	case board.TypeResumed:
		var d struct{ Replayed int }
		json.Unmarshal(e.Data, &d)
		fmt.Fprintf(w.out, "%s  %s: resumed at seq %d, %d change(s) replayed\n", stamp(), e.View, e.Seq, d.Replayed)
	case board.TypeChange:
		var d board.Change
		json.Unmarshal(e.Data, &d)
		fmt.Fprintf(w.out, "%s  %s: change %d (event %d)\n", stamp(), e.View, e.Seq, e.Event)
		if d.Head != nil {
			fmt.Fprintf(w.out, "  head %s\n", flatten(d.Head))
		}
		names := make([]string, 0, len(d.Lists))
		for name := range d.Lists {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			l := d.Lists[name]
			for _, row := range l.Upsert {
				mark := "+"
				var id struct{ ID string }
				json.Unmarshal(row, &id)
				if had[name+"/"+id.ID] {
					mark = "~"
				}
				fmt.Fprintf(w.out, "  %s %s %s\n", mark, name, flatten(row))
			}
			for _, k := range l.Remove {
				fmt.Fprintf(w.out, "  - %s %s\n", name, k)
			}
			if l.Order != nil {
				fmt.Fprintf(w.out, "  ↕ %s order %s\n", name, strings.Join(l.Order, " "))
			}
		}
	}
	return nil
}

func stamp() string { return time.Now().Format("15:04:05") }

// flatten writes a JSON object on one line as key=value pairs, nested
// objects as a.b=value, leaving out what is empty.
func flatten(raw json.RawMessage) string {
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return string(raw)
	}
	var parts []string
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch x := v.(type) {
		case map[string]any:
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			sort.Slice(keys, func(a, b int) bool {
				// The row's id first, then the rest in order.
				if (keys[a] == "id") != (keys[b] == "id") {
					return keys[a] == "id"
				}
				return keys[a] < keys[b]
			})
			for _, k := range keys {
				name := k
				if prefix != "" {
					name = prefix + "." + k
				}
				walk(name, x[k])
			}
		case []any:
			var items []string
			for _, it := range x {
				items = append(items, fmt.Sprint(it))
			}
			if len(items) > 0 {
				parts = append(parts, prefix+"="+strings.Join(items, ","))
			}
		case string:
			if x != "" {
				parts = append(parts, prefix+"="+x)
			}
		case bool:
			if x {
				parts = append(parts, prefix)
			}
		case float64:
			if x != 0 {
				parts = append(parts, prefix+"="+strconv.FormatFloat(x, 'f', -1, 64))
			}
		}
	}
	walk("", v)
	return strings.Join(parts, " ")
}
