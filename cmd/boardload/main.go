// Command boardload measures the board feeds of a running bayboard server
// from another process, as the shop's screens would load it:
//
//	boardload latency --screens 1000 --rate 50 --duration 30s
//	boardload cycles  --cycles 10000
//
// latency connects N screens (gorilla websocket clients, spread over the
// views), measures the server's memory per idle screen from /metrics, then
// changes jobs through the API at a steady rate (pausing and resuming jobs
// in progress, with the demo's API token) and measures, on the workshop
// and advisor screens, the time from sending a change to the screen
// receiving the message that shows it. cycles connects and disconnects
// screens, then checks that the server's screens, goroutines and heap are
// back where they were.
//
// Run the server as `bayboard serve --demo --speed 1` (the slow demo clock
// keeps the simulator from moving the jobs the tool changes), and raise
// `ulimit -n` for both processes above the number of screens.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

// Config is what the tool is told.
type Config struct {
	Mode     string
	URL      string
	Token    string
	Screens  int
	Views    []string
	Rate     float64
	Duration time.Duration
	Cycles   int
	Parallel int
	PID      int
	// Kiosk sends each change as a technician on the job, signed in at a
	// kiosk with badge and PIN, instead of with the API token.
	Kiosk bool
	PIN   string
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) == 0 || (args[0] != "latency" && args[0] != "cycles") {
		fmt.Fprintln(stderr, "usage: boardload latency|cycles [--url URL] [--token TOKEN] [--screens N] [--rate R] [--duration D] [--kiosk] [--cycles N] [--pid PID]")
		return 2
	}
	cfg := Config{Mode: args[0]}
	fs := flag.NewFlagSet("boardload", flag.ContinueOnError)
	fs.SetOutput(stderr)
	views := ""
	fs.StringVar(&cfg.URL, "url", or(getenv("BAYBOARD_URL"), "http://127.0.0.1:8080"), "the server (BAYBOARD_URL)")
	fs.StringVar(&cfg.Token, "token", getenv("BAYBOARD_TOKEN"), "the demo's API token (BAYBOARD_TOKEN)")
	fs.IntVar(&cfg.Screens, "screens", 1000, "screens to connect")
	fs.StringVar(&views, "views", "workshop,lounge,appointments,parts,wash,advisor", "views the screens show, in turn")
	fs.Float64Var(&cfg.Rate, "rate", 50, "job changes per second")
	fs.DurationVar(&cfg.Duration, "duration", 30*time.Second, "how long to change jobs")
	fs.IntVar(&cfg.Cycles, "cycles", 10000, "connect/disconnect cycles")
	fs.IntVar(&cfg.Parallel, "parallel", 50, "cycles under way at once")
	fs.IntVar(&cfg.PID, "pid", 0, "the server's process id, to read its resident memory too")
	fs.BoolVar(&cfg.Kiosk, "kiosk", false, "send each change as a technician on the job, signed in at a kiosk with badge and PIN")
	fs.StringVar(&cfg.PIN, "pin", "1234", "the technicians' PIN, with --kiosk (the demo's)")
	cpuProfile := fs.String("cpuprofile", "", "write the tool's own CPU profile to this file")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	cfg.Views = strings.Split(views, ",")
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			fmt.Fprintln(stderr, "boardload:", err)
			return 1
		}
		pprof.StartCPUProfile(f)
		defer func() { pprof.StopCPUProfile(); f.Close() }()
	}
	l := &load{cfg: cfg, out: stdout, kiosks: map[string]kioskSession{}, http: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}}
	var err error
	switch cfg.Mode {
	case "latency":
		err = l.latency(ctx)
	case "cycles":
		err = l.cycles(ctx)
	}
	if err != nil {
		fmt.Fprintln(stderr, "boardload:", err)
		return 1
	}
	return 0
}

func or(s, def string) string {
	if s != "" {
		return s
	}
	return def
}

type load struct {
	cfg    Config
	out    io.Writer
	http   *http.Client
	kiosks map[string]kioskSession // by technician, with --kiosk
	techOf map[string]string       // job → the technician who changes it, with --kiosk
}

// kioskSession is a technician signed in at a kiosk: the session cookie
// and the CSRF token that goes with it.
type kioskSession struct {
	cookie *http.Cookie
	csrf   string
}

func (l *load) printf(format string, args ...any) {
	fmt.Fprintf(l.out, "%s  "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
}

// ---- the server's figures ----

// metrics reads the server's /metrics into name → value.
func (l *load) metrics() (map[string]float64, error) {
	res, err := l.http.Get(l.cfg.URL + "/metrics")
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	out := map[string]float64{}
	sc := bufio.NewScanner(res.Body)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		name, value, ok := strings.Cut(line, " ")
		if !ok {
			continue
		}
		if v, err := strconv.ParseFloat(value, 64); err == nil {
			out[name] = v
		}
	}
	return out, sc.Err()
}

// settled waits for a garbage collection on the server, so that its live
// heap is measured, not its garbage: it asks for the workshop until the
// allocations have made the collector run twice.
func (l *load) settled(ctx context.Context) (map[string]float64, error) {
	m, err := l.metrics()
	if err != nil {
		return nil, err
	}
	start := m["go_gc_cycles_total"]
	for deadline := time.Now().Add(3 * time.Minute); time.Now().Before(deadline); {
		for range 20 {
			l.get(ctx, "/api/v1/workshop")
		}
		if m, err = l.metrics(); err != nil {
			return nil, err
		}
		if m["go_gc_cycles_total"] >= start+2 {
			return m, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
	}
	return m, errors.New("the server did not collect garbage in three minutes")
}

func (l *load) get(ctx context.Context, path string) ([]byte, error) {
	req, _ := http.NewRequestWithContext(ctx, "GET", l.cfg.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+l.cfg.Token)
	res, err := l.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		return nil, fmt.Errorf("GET %s: %s %s", path, res.Status, body)
	}
	return body, err
}

// rss is the server's resident memory, when its pid is known.
func (l *load) rss() float64 {
	if l.cfg.PID == 0 {
		return 0
	}
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", l.cfg.PID))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			f := strings.Fields(line)
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb * 1024
		}
	}
	return 0
}

func heap(m map[string]float64) float64 { return m["go_heap_live_bytes"] + m["go_stack_bytes"] }

// ---- screens ----

// screen is one connected gorilla client. It keeps, for the measured
// views, when each message arrived and the last shop event it reflected.
type screen struct {
	view    string
	conn    *websocket.Conn
	ready   chan struct{}
	leaving atomic.Bool // the tool closes it: not a drop
	mu      sync.Mutex
	seen    []sighting
	closeWG sync.WaitGroup
}

type sighting struct {
	event uint64
	at    time.Time
}

// readInto reads the next message into buf.
func readInto(conn *websocket.Conn, buf []byte) ([]byte, error) {
	_, r, err := conn.NextReader()
	if err != nil {
		return buf, err
	}
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}

var eventField = []byte(`"event":`)

// lastEvent is the newest event a message reflects: the last envelope's
// (a message may carry several, one per line).
func lastEvent(msg []byte) uint64 {
	var last uint64
	for len(msg) > 0 {
		line := msg
		if i := bytes.IndexByte(msg, '\n'); i >= 0 {
			line, msg = msg[:i], msg[i+1:]
		} else {
			msg = nil
		}
		if e := eventOf(line); e > last {
			last = e
		}
	}
	return last
}

// eventOf reads the event number of an envelope without decoding it all:
// the server writes it among the first fields.
func eventOf(msg []byte) uint64 {
	i := bytes.Index(msg[:min(len(msg), 200)], eventField)
	if i < 0 {
		return 0
	}
	j := i + len(eventField)
	var n uint64
	for ; j < len(msg) && msg[j] >= '0' && msg[j] <= '9'; j++ {
		n = n*10 + uint64(msg[j]-'0')
	}
	return n
}

func (l *load) feedURL(view string) string {
	u, _ := url.Parse(l.cfg.URL)
	u.Scheme = map[string]string{"http": "ws", "https": "wss"}[u.Scheme]
	u.Path = "/ws/board/" + view
	return u.String()
}

func (l *load) dial(ctx context.Context, view string) (*websocket.Conn, error) {
	h := http.Header{}
	h.Set("Authorization", "Bearer "+l.cfg.Token)
	d := websocket.Dialer{HandshakeTimeout: 30 * time.Second, ReadBufferSize: 4096, WriteBufferSize: 512}
	conn, _, err := d.DialContext(ctx, l.feedURL(view), h)
	return conn, err
}

// connect opens a screen and reads its feed until it closes.
func (l *load) connect(ctx context.Context, view string, measured bool, dropped *atomic.Int64) (*screen, error) {
	conn, err := l.dial(ctx, view)
	if err != nil {
		return nil, err
	}
	s := &screen{view: view, conn: conn, ready: make(chan struct{})}
	s.closeWG.Add(1)
	go func() {
		defer s.closeWG.Done()
		snap := false
		// One buffer per screen, reused: the tool shares the machine with
		// the server, and should spend its CPU reading, not collecting.
		buf := make([]byte, 0, 4096)
		for {
			msg, err := readInto(conn, buf[:0])
			if cap(msg) > cap(buf) {
				buf = msg
			}
			if err != nil {
				if !s.leaving.Load() {
					dropped.Add(1)
				}
				if !snap {
					close(s.ready)
				}
				return
			}
			now := time.Now()
			if !snap && bytes.Contains(msg, []byte(`{"type":"snapshot"`)) {
				snap = true
				close(s.ready)
			}
			if measured {
				if e := lastEvent(msg); e > 0 {
					s.mu.Lock()
					if n := len(s.seen); n == 0 || s.seen[n-1].event < e {
						s.seen = append(s.seen, sighting{e, now})
					}
					s.mu.Unlock()
				}
			}
		}
	}()
	return s, nil
}

// ---- latency ----

func (l *load) latency(ctx context.Context) error {
	cfg := l.cfg
	base, err := l.settled(ctx)
	if err != nil {
		return err
	}
	baseRSS := l.rss()
	l.printf("before: %d screens, %.0f goroutines, heap+stacks %.1f MB",
		int(base["bayboard_board_screens"]), base["go_goroutines"], heap(base)/1e6)
	if cfg.PID != 0 {
		l.printf("before: RSS %.1f MB", baseRSS/1e6)
	}

	var dropped atomic.Int64
	screens := make([]*screen, 0, cfg.Screens)
	start := time.Now()
	var mu sync.Mutex
	sem := make(chan struct{}, 100)
	var wg sync.WaitGroup
	var dialErr atomic.Value
	for i := range cfg.Screens {
		view := cfg.Views[i%len(cfg.Views)]
		measured := view == "workshop" || view == "advisor"
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			s, err := l.connect(ctx, view, measured, &dropped)
			if err != nil {
				dialErr.Store(err)
				return
			}
			mu.Lock()
			screens = append(screens, s)
			mu.Unlock()
		}()
	}
	wg.Wait()
	if err, ok := dialErr.Load().(error); ok {
		return fmt.Errorf("connecting screens: %w", err)
	}
	for _, s := range screens {
		<-s.ready
	}
	l.printf("%d screens connected and showing their views in %v", len(screens), time.Since(start).Round(time.Millisecond))
	defer func() {
		for _, s := range screens {
			s.leaving.Store(true)
			s.conn.Close()
		}
		for _, s := range screens {
			s.closeWG.Wait()
		}
	}()

	time.Sleep(3 * time.Second)
	idle, err := l.settled(ctx)
	if err != nil {
		return err
	}
	idleRSS := l.rss()
	n := float64(len(screens))
	l.printf("idle: %d screens, %.0f goroutines (%.2f per screen), heap+stacks %.1f MB: %.1f KB per screen (%.1f KB heap, %.1f KB stacks)",
		int(idle["bayboard_board_screens"]), idle["go_goroutines"], (idle["go_goroutines"]-base["go_goroutines"])/n,
		heap(idle)/1e6, (heap(idle)-heap(base))/n/1024,
		(idle["go_heap_live_bytes"]-base["go_heap_live_bytes"])/n/1024, (idle["go_stack_bytes"]-base["go_stack_bytes"])/n/1024)
	if cfg.PID != 0 {
		l.printf("idle: RSS %.1f MB: %.1f KB per screen", idleRSS/1e6, (idleRSS-baseRSS)/n/1024)
	}

	jobs, paused, err := l.jobsToChange(ctx)
	if err != nil {
		return err
	}
	if cfg.Kiosk {
		if jobs, err = l.signInTechnicians(ctx, jobs); err != nil {
			return err
		}
		l.printf("%d technicians signed in at kiosks (badge + PIN)", len(l.kiosks))
	}
	l.printf("changing %d jobs at %.0f/s for %v", len(jobs), cfg.Rate, cfg.Duration)
	sent, failed, behind := l.change(ctx, jobs, paused)
	time.Sleep(2 * time.Second)

	// Each change, on each measured screen: the first message that
	// reflects its event. And each change on every measured screen: the
	// last of those, when the whole shop's boards showed it.
	var lat []time.Duration
	every := make([]time.Duration, len(sent))
	unseen := make([]bool, len(sent))
	missing := 0
	measuredScreens := 0
	for _, s := range screens {
		if s.view != "workshop" && s.view != "advisor" {
			continue
		}
		measuredScreens++
		s.mu.Lock()
		seen := slices.Clone(s.seen)
		s.mu.Unlock()
		for k, c := range sent {
			i, _ := slices.BinarySearchFunc(seen, c.event, func(a sighting, e uint64) int {
				switch {
				case a.event < e:
					return -1
				case a.event > e:
					return 1
				}
				return 0
			})
			if i == len(seen) {
				missing++
				unseen[k] = true
				continue
			}
			d := max(0, seen[i].at.Sub(c.at))
			lat = append(lat, d)
			every[k] = max(every[k], d)
		}
	}
	var all []time.Duration
	for k, d := range every {
		if !unseen[k] {
			all = append(all, d)
		}
	}
	slices.Sort(all)
	slices.Sort(lat)
	after, _ := l.metrics()
	l.printf("changes: %d acknowledged, %d refused, %d late to leave (the API was behind); screens dropped: %d (server says %.0f)",
		len(sent), failed, behind, dropped.Load(), after["bayboard_board_screens_dropped_total"])
	if len(lat) == 0 {
		return errors.New("no change reached a measured screen")
	}
	pct := func(p float64) time.Duration { return lat[min(len(lat)-1, int(float64(len(lat))*p))] }
	l.printf("change → screen over %d deliveries to %d workshop/advisor screens (%d not seen): p50 %v  p90 %v  p99 %v  max %v",
		len(lat), measuredScreens, missing, pct(0.50).Round(100*time.Microsecond), pct(0.90).Round(100*time.Microsecond),
		pct(0.99).Round(100*time.Microsecond), lat[len(lat)-1].Round(100*time.Microsecond))
	if len(all) > 0 {
		at := func(p float64) time.Duration { return all[min(len(all)-1, int(float64(len(all))*p))] }
		who := "API token"
		if cfg.Kiosk {
			who = "technicians at kiosks"
		}
		l.printf("change → every workshop/advisor screen over %d changes (%s): p50 %v  p90 %v  p99 %v  max %v",
			len(all), who, at(0.50).Round(100*time.Microsecond), at(0.90).Round(100*time.Microsecond),
			at(0.99).Round(100*time.Microsecond), all[len(all)-1].Round(100*time.Microsecond))
	}
	fmt.Fprintf(l.out, "| %d screens, %.0f changes/s | %v | %v | %v | %v | %.1f KB | %.1f KB |\n", len(screens), cfg.Rate,
		pct(0.50).Round(100*time.Microsecond), pct(0.90).Round(100*time.Microsecond), pct(0.99).Round(100*time.Microsecond),
		lat[len(lat)-1].Round(100*time.Microsecond), (heap(idle)-heap(base))/n/1024, (idleRSS-baseRSS)/n/1024)
	return nil
}

// jobsToChange readies the jobs the tool pauses and resumes in turn: those
// in progress, those stopped (which it resumes first), and those
// dispatched, on which it clocks their technician on. It returns them and
// which are paused.
func (l *load) jobsToChange(ctx context.Context) ([]string, map[string]bool, error) {
	body, err := l.get(ctx, "/api/v1/jobs")
	if err != nil {
		return nil, nil, err
	}
	var jobs []struct {
		Job struct {
			ID      string   `json:"id"`
			Stage   string   `json:"stage"`
			TechIDs []string `json:"tech_ids"`
		} `json:"job"`
	}
	if err := json.Unmarshal(body, &jobs); err != nil {
		return nil, nil, err
	}
	var ids []string
	paused := map[string]bool{}
	l.techOf = map[string]string{}
	for _, js := range jobs {
		j := js.Job
		switch j.Stage {
		case "in_progress":
		case "paused", "waiting_parts", "waiting_approval":
			paused[j.ID] = true
		case "dispatched":
			if len(j.TechIDs) == 0 {
				continue
			}
			if _, err := l.command(ctx, map[string]any{"type": "clock_on", "job_id": j.ID, "tech_id": j.TechIDs[0]}); err != nil {
				continue
			}
		default:
			continue
		}
		if len(j.TechIDs) > 0 {
			l.techOf[j.ID] = j.TechIDs[0]
		}
		ids = append(ids, j.ID)
	}
	if len(ids) == 0 {
		return nil, nil, errors.New("no job in progress, stopped or dispatched to change")
	}
	return ids, paused, nil
}

type change struct {
	event uint64
	at    time.Time
}

// change pauses and resumes jobs in turn at the configured rate, each
// command sent when its tick comes (a worker pool keeps a slow answer from
// delaying the next send).
func (l *load) change(ctx context.Context, jobs []string, paused map[string]bool) (sent []change, failed, behind int) {
	type work struct {
		job    string
		paused bool
	}
	var mu sync.Mutex
	busy := map[string]bool{}
	queue := make(chan work, 64)
	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for w := range queue {
				cmd := map[string]any{"type": "pause", "job_id": w.job, "reason": "break"}
				if w.paused {
					cmd = map[string]any{"type": "resume", "job_id": w.job}
				}
				at := time.Now()
				ev, err := l.command(ctx, cmd)
				mu.Lock()
				busy[w.job] = false
				if err != nil {
					failed++
					// The simulator may have moved it: take its answer as
					// the truth next time.
					paused[w.job] = !w.paused && strings.Contains(err.Error(), "in stage paused")
				} else {
					paused[w.job] = !w.paused
					sent = append(sent, change{ev, at})
				}
				mu.Unlock()
			}
		}()
	}
	tick := time.NewTicker(time.Duration(float64(time.Second) / l.cfg.Rate))
	defer tick.Stop()
	end := time.After(l.cfg.Duration)
	next := rand.IntN(len(jobs))
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case <-end:
			break loop
		case <-tick.C:
			mu.Lock()
			var w *work
			for range jobs {
				next = (next + 1) % len(jobs)
				if j := jobs[next]; !busy[j] {
					busy[j] = true
					w = &work{job: j, paused: paused[j]}
					break
				}
			}
			mu.Unlock()
			if w == nil {
				behind++
				continue
			}
			select {
			case queue <- *w:
			default:
				behind++
				mu.Lock()
				busy[w.job] = false
				mu.Unlock()
			}
		}
	}
	close(queue)
	wg.Wait()
	slices.SortFunc(sent, func(a, b change) int { return int(a.event) - int(b.event) })
	return sent, failed, behind
}

func (l *load) command(ctx context.Context, cmd map[string]any) (uint64, error) {
	body, _ := json.Marshal(cmd)
	req, _ := http.NewRequestWithContext(ctx, "POST", l.cfg.URL+"/api/v1/commands", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	job, _ := cmd["job_id"].(string)
	if k, ok := l.kiosks[l.techOf[job]]; ok && cmd["type"] != "clock_on" {
		req.AddCookie(k.cookie)
		req.Header.Set("X-CSRF-Token", k.csrf)
	} else {
		req.Header.Set("Authorization", "Bearer "+l.cfg.Token)
	}
	res, err := l.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		return 0, fmt.Errorf("%s: %s", res.Status, raw)
	}
	var out struct {
		Event struct{ Seq uint64 } `json:"event"`
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		return 0, err
	}
	return out.Event.Seq, nil
}

// signInTechnicians signs in, with badge and PIN as at a bay's kiosk,
// the technician who changes each job, and returns the jobs that have one.
func (l *load) signInTechnicians(ctx context.Context, jobs []string) ([]string, error) {
	body, err := l.get(ctx, "/api/v1/users")
	if err != nil {
		return nil, err
	}
	var users []struct {
		Badge        string `json:"badge_code"`
		TechnicianID string `json:"technician_id"`
	}
	if err := json.Unmarshal(body, &users); err != nil {
		return nil, err
	}
	badges := map[string]string{}
	for _, u := range users {
		if u.Badge != "" && u.TechnicianID != "" {
			badges[u.TechnicianID] = u.Badge
		}
	}
	var kept []string
	for _, j := range jobs {
		tech := l.techOf[j]
		if _, done := l.kiosks[tech]; !done && badges[tech] != "" {
			k, err := l.signIn(ctx, badges[tech])
			if err != nil {
				return nil, fmt.Errorf("badge %s: %w", badges[tech], err)
			}
			l.kiosks[tech] = k
		}
		if _, ok := l.kiosks[tech]; ok {
			kept = append(kept, j)
		}
	}
	if len(kept) == 0 {
		return nil, errors.New("no job has a technician with a badge")
	}
	return kept, nil
}

func (l *load) signIn(ctx context.Context, badge string) (kioskSession, error) {
	raw, _ := json.Marshal(map[string]string{"badge": badge, "pin": l.cfg.PIN})
	req, _ := http.NewRequestWithContext(ctx, "POST", l.cfg.URL+"/api/v1/session", bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	res, err := l.http.Do(req)
	if err != nil {
		return kioskSession{}, err
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		return kioskSession{}, fmt.Errorf("%s: %s", res.Status, body)
	}
	var out struct {
		CSRF string `json:"csrf"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		return kioskSession{}, err
	}
	for _, c := range res.Cookies() {
		if c.Value != "" {
			return kioskSession{cookie: &http.Cookie{Name: c.Name, Value: c.Value}, csrf: out.CSRF}, nil
		}
	}
	return kioskSession{}, errors.New("no session cookie")
}

// ---- cycles ----

func (l *load) cycles(ctx context.Context) error {
	cfg := l.cfg
	base, err := l.settled(ctx)
	if err != nil {
		return err
	}
	l.printf("before: %d screens, %.0f goroutines, heap+stacks %.1f MB", int(base["bayboard_board_screens"]), base["go_goroutines"], heap(base)/1e6)
	start := time.Now()
	var done, failed atomic.Int64
	var wg sync.WaitGroup
	work := make(chan int)
	for range cfg.Parallel {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				conn, err := l.dial(ctx, cfg.Views[i%len(cfg.Views)])
				if err != nil {
					failed.Add(1)
					continue
				}
				// Read up to the snapshot, then leave: some politely, some
				// by dropping the connection, as TVs do.
				conn.SetReadDeadline(time.Now().Add(10 * time.Second))
				for {
					_, msg, err := conn.ReadMessage()
					if err != nil || bytes.Contains(msg, []byte(`{"type":"snapshot"`)) {
						break
					}
				}
				if i%2 == 0 {
					conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
				}
				conn.Close()
				done.Add(1)
			}
		}()
	}
	for i := range cfg.Cycles {
		if ctx.Err() != nil {
			break
		}
		work <- i
	}
	close(work)
	wg.Wait()
	l.printf("%d cycles in %v (%d failed to connect)", done.Load(), time.Since(start).Round(time.Millisecond), failed.Load())
	var after map[string]float64
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if after, err = l.metrics(); err != nil {
			return err
		}
		if after["bayboard_board_screens"] == 0 && after["go_goroutines"] <= base["go_goroutines"]+2 {
			break
		}
	}
	settled, err := l.settled(ctx)
	if err != nil {
		return err
	}
	l.printf("after: %d screens, %.0f goroutines (%+.0f), heap+stacks %.1f MB (%+.1f KB)",
		int(settled["bayboard_board_screens"]), settled["go_goroutines"], settled["go_goroutines"]-base["go_goroutines"],
		heap(settled)/1e6, (heap(settled)-heap(base))/1024)
	fmt.Fprintf(l.out, "| %d connect/disconnect cycles | %d → %d screens | %.0f → %.0f goroutines | %.1f → %.1f MB heap+stacks |\n",
		done.Load(), int(base["bayboard_board_screens"]), int(settled["bayboard_board_screens"]), base["go_goroutines"], settled["go_goroutines"],
		heap(base)/1e6, heap(settled)/1e6)
	if settled["bayboard_board_screens"] != 0 || settled["go_goroutines"] > base["go_goroutines"]+2 {
		return errors.New("the server kept screens or goroutines after the cycles")
	}
	return nil
}
