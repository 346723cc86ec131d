package web

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"bayboard/internal/shop"

	"github.com/gofiber/fiber/v2"
)

// metrics are the counters /metrics shows, in Prometheus' text format.
// Written by hand: a handful of counters do not need a client library.
type metrics struct {
	mu        sync.Mutex
	byStatus  map[int]uint64
	latencyNs atomic.Uint64
	requests  atomic.Uint64
	gauges    sync.Map // name → func() float64, added by other packages
}

func newMetrics() *metrics { return &metrics{byStatus: map[int]uint64{}} }

func (m *metrics) request(status int, d time.Duration) {
	m.mu.Lock()
	m.byStatus[status]++
	m.mu.Unlock()
	m.requests.Add(1)
	m.latencyNs.Add(uint64(d))
}

// Gauge adds a value read at each scrape, such as connected screens.
func (s *Server) Gauge(name, help string, read func() float64) {
	s.metrics.gauges.Store(name, gauge{help, read})
}

type gauge struct {
	help string
	read func() float64
}

func (s *Server) serveMetrics(c *fiber.Ctx) error {
	var b strings.Builder
	m := s.metrics
	b.WriteString("# HELP bayboard_http_requests_total HTTP requests by status.\n# TYPE bayboard_http_requests_total counter\n")
	m.mu.Lock()
	statuses := make([]int, 0, len(m.byStatus))
	for st := range m.byStatus {
		statuses = append(statuses, st)
	}
	sort.Ints(statuses)
	for _, st := range statuses {
		fmt.Fprintf(&b, "bayboard_http_requests_total{status=\"%d\"} %d\n", st, m.byStatus[st])
	}
	m.mu.Unlock()
	fmt.Fprintf(&b, "# HELP bayboard_http_request_seconds_sum Time spent answering requests.\n# TYPE bayboard_http_request_seconds_sum counter\nbayboard_http_request_seconds_sum %g\n",
		float64(m.latencyNs.Load())/1e9)
	st := s.eng.State()
	counts := map[shop.Stage]int{}
	for _, j := range st.Jobs {
		counts[j.Stage]++
	}
	b.WriteString("# HELP bayboard_jobs Live jobs by stage.\n# TYPE bayboard_jobs gauge\n")
	for _, stage := range shop.Stages {
		fmt.Fprintf(&b, "bayboard_jobs{stage=%q} %d\n", stage, counts[stage])
	}
	fmt.Fprintf(&b, "# HELP bayboard_uptime_seconds Seconds since start.\n# TYPE bayboard_uptime_seconds gauge\nbayboard_uptime_seconds %d\n", int(time.Since(s.started).Seconds()))
	var names []string
	m.gauges.Range(func(k, _ any) bool { names = append(names, k.(string)); return true })
	sort.Strings(names)
	for _, name := range names {
		v, _ := m.gauges.Load(name)
		g := v.(gauge)
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s gauge\n%s %g\n", name, g.help, name, name, g.read())
	}
	c.Set(fiber.HeaderContentType, "text/plain; version=0.0.4; charset=utf-8")
	return c.SendString(b.String())
}
