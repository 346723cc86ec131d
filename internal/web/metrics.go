package web

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"bayboard/internal/engine"
	"bayboard/internal/shop"

	"github.com/gofiber/fiber/v2"
)

// metrics are what /metrics shows, in Prometheus' text exposition format.
// Written by hand: a handful of counters and two histograms do not need a
// client library.
type metrics struct {
	mu       sync.Mutex
	requests map[requestKey]uint64
	latency  histogram // of answer times

	commits    atomic.Uint64 // durable transactions (each one fsync)
	events     atomic.Uint64 // events they wrote
	commitTime histogram     // how long each durable commit took

	gauges sync.Map // name → gauge, added by other packages
}

// requestKey labels a request by its route's pattern, not its path, so
// that job numbers and tokens do not each make a series.
type requestKey struct {
	method, route string
	status        int
}

// latencyBuckets are the upper bounds, in seconds, of the answer-time
// histogram: a read answers in well under a millisecond, a change waits
// for its fsync (a few ms), a document is drawn in tens of ms.
var latencyBuckets = [...]float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10}

// histogram counts observations per bucket of latencyBuckets (not
// cumulative: the exposition adds them up), with their sum; mu guards it.
type histogram struct {
	counts [len(latencyBuckets) + 1]uint64
	sum    float64
}

func (h *histogram) observe(d time.Duration) {
	sec := d.Seconds()
	h.counts[sort.SearchFloat64s(latencyBuckets[:], sec)]++
	h.sum += sec
}

// write writes the histogram's samples in the exposition format.
func (h *histogram) write(b *strings.Builder, name string) {
	var cumulative uint64
	for i, le := range latencyBuckets {
		cumulative += h.counts[i]
		fmt.Fprintf(b, "%s_bucket{le=\"%g\"} %d\n", name, le, cumulative)
	}
	cumulative += h.counts[len(latencyBuckets)]
	fmt.Fprintf(b, "%s_bucket{le=\"+Inf\"} %d\n%s_sum %g\n%s_count %d\n", name, cumulative, name, h.sum, name, cumulative)
}

func newMetrics() *metrics { return &metrics{requests: map[requestKey]uint64{}} }

// request counts one answered request.
func (m *metrics) request(method, route string, status int, d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests[requestKey{method, route, status}]++
	m.latency.observe(d)
}

// committed counts one durable commit; the engine tells its subscribers
// of each, after its transaction is on disk.
func (m *metrics) committed(c engine.Change) {
	m.mu.Lock()
	m.commitTime.observe(c.Took)
	m.mu.Unlock()
	m.commits.Add(1)
	m.events.Add(uint64(len(c.Events)))
}

// routeOf is the pattern of the route that answered, or "unmatched".
func routeOf(c *fiber.Ctx) string {
	if c.Locals("unmatched") != nil {
		return "unmatched"
	}
	return c.Route().Path
}

// gauge adds a value read at each scrape, such as connected screens.
func (s *Server) gauge(name, help string, read func() float64) {
	s.metrics.gauges.Store(name, gauge{typ: "gauge", help: help, read: read})
}

// counter adds a counter read at each scrape: a count since start that
// only grows. Its name ends in _total, as Prometheus expects.
func (s *Server) counter(name, help string, read func() float64) {
	if !strings.HasSuffix(name, "_total") {
		panic("metrics: counter " + name + " must end in _total")
	}
	s.metrics.gauges.Store(name, gauge{typ: "counter", help: help, read: read})
}

type gauge struct {
	typ  string
	help string
	read func() float64
	// samples, when set, reads a labelled family instead (Family); joint,
	// when set, reads it with others at once (Families): its index-th.
	samples func() []Sample
	joint   *joint
	index   int
}

// joint reads several families at once, once a scrape.
type joint struct{ read func() [][]Sample }

// Label is one label of a sample: its name and value.
type Label struct{ Name, Value string }

// Sample is one value of a labelled family, such as one destination's
// backlog.
type Sample struct {
	Labels []Label
	Value  float64
}

// Family adds a family of labelled samples read at each scrape, for
// another package's figures per thing (the outbox's per destination):
// typ is "gauge" or "counter", a counter's name ending in _total.
func (s *Server) Family(name, typ, help string, read func() []Sample) {
	checkFamily(name, typ)
	s.metrics.gauges.Store(name, gauge{typ: typ, help: help, samples: read})
}

// FamilySpec names a family of Families.
type FamilySpec struct{ Name, Type, Help string }

// Families adds families read together at each scrape, once for all of
// them: figures of one costly read (each outbox queue's backlog, dead
// letters and oldest entry). read returns each family's samples in the
// order of specs.
func (s *Server) Families(specs []FamilySpec, read func() [][]Sample) {
	j := &joint{read: read}
	for i, f := range specs {
		checkFamily(f.Name, f.Type)
		s.metrics.gauges.Store(f.Name, gauge{typ: f.Type, help: f.Help, joint: j, index: i})
	}
}

func checkFamily(name, typ string) {
	if typ != "gauge" && typ != "counter" || typ == "counter" && !strings.HasSuffix(name, "_total") {
		panic("metrics: family " + name + " must be a gauge or a counter ending in _total")
	}
}

// labelValue escapes a label's value as the exposition format asks: a
// backslash, a double quote and a line feed.
var labelValue = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)

// writeSample writes one sample of a labelled family.
func writeSample(b *strings.Builder, name string, sm Sample) {
	b.WriteString(name)
	if len(sm.Labels) > 0 {
		b.WriteByte('{')
		for i, l := range sm.Labels {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(b, `%s="%s"`, l.Name, labelValue.Replace(l.Value))
		}
		b.WriteByte('}')
	}
	fmt.Fprintf(b, " %g\n", sm.Value)
}

func (s *Server) serveMetrics(c *fiber.Ctx) error {
	var b strings.Builder
	m := s.metrics
	family := func(name, typ, help string) { fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, typ) }

	family("bayboard_http_requests_total", "counter", "HTTP requests answered, by method, route pattern and status.")
	m.mu.Lock()
	keys := make([]requestKey, 0, len(m.requests))
	for k := range m.requests {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.route != b.route {
			return a.route < b.route
		}
		if a.method != b.method {
			return a.method < b.method
		}
		return a.status < b.status
	})
	for _, k := range keys {
		fmt.Fprintf(&b, "bayboard_http_requests_total{method=%q,route=%q,status=\"%d\"} %d\n", k.method, k.route, k.status, m.requests[k])
	}
	family("bayboard_http_request_duration_seconds", "histogram", "Time to answer an HTTP request.")
	m.latency.write(&b, "bayboard_http_request_duration_seconds")
	family("bayboard_commit_duration_seconds", "histogram", "Time to write and fsync one durable commit (a group of changes).")
	m.commitTime.write(&b, "bayboard_commit_duration_seconds")
	m.mu.Unlock()

	family("bayboard_commits_total", "counter", "Durable commits of changes: one bbolt transaction, fsynced, each.")
	fmt.Fprintf(&b, "bayboard_commits_total %d\n", m.commits.Load())
	family("bayboard_events_total", "counter", "Events committed to the history.")
	fmt.Fprintf(&b, "bayboard_events_total %d\n", m.events.Load())

	st := s.eng.State()
	counts := map[shop.Stage]int{}
	openJobs := 0
	for _, j := range st.Jobs {
		counts[j.Stage]++
		if j.Stage.Open() {
			openJobs++
		}
	}
	family("bayboard_jobs", "gauge", "Live jobs by stage.")
	for _, stage := range shop.Stages {
		fmt.Fprintf(&b, "bayboard_jobs{stage=%q} %d\n", stage, counts[stage])
	}
	family("bayboard_open_jobs", "gauge", "Jobs in the workshop: neither delivered nor cancelled.")
	fmt.Fprintf(&b, "bayboard_open_jobs %d\n", openJobs)
	family("bayboard_uptime_seconds", "gauge", "Seconds since start.")
	fmt.Fprintf(&b, "bayboard_uptime_seconds %d\n", int(time.Since(s.started).Seconds()))
	var names []string
	m.gauges.Range(func(k, _ any) bool { names = append(names, k.(string)); return true })
	sort.Strings(names)
	joints := map[*joint][][]Sample{} // this scrape's joint reads
	for _, name := range names {
		v, _ := m.gauges.Load(name)
		g := v.(gauge)
		family(name, g.typ, g.help)
		if g.joint != nil {
			read, ok := joints[g.joint]
			if !ok {
				read = g.joint.read()
				joints[g.joint] = read
			}
			if g.index < len(read) {
				for _, sm := range read[g.index] {
					writeSample(&b, name, sm)
				}
			}
			continue
		}
		if g.samples != nil {
			for _, sm := range g.samples() {
				writeSample(&b, name, sm)
			}
			continue
		}
		fmt.Fprintf(&b, "%s %g\n", name, g.read())
	}
	c.Set(fiber.HeaderContentType, "text/plain; version=0.0.4; charset=utf-8")
	return c.SendString(b.String())
}
