package web

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"bayboard/internal/shop"
)

// sampleLine is one sample of the text exposition format: a name, labels
// in braces, a value.
var sampleLine = regexp.MustCompile(`^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*\})? (\S+)$`)

// checkExposition checks Prometheus' text format: each family has its HELP
// and TYPE before its samples, a counter's name ends in _total, no series
// repeats, values are numbers, and a histogram's buckets add up to its
// count. It returns the samples by series.
func checkExposition(t *testing.T, text string) map[string]float64 {
	t.Helper()
	types := map[string]string{}
	helped := map[string]bool{}
	samples := map[string]float64{}
	if !strings.HasSuffix(text, "\n") {
		t.Errorf("the exposition does not end with a newline")
	}
	for _, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		if rest, ok := strings.CutPrefix(line, "# HELP "); ok {
			name, help, _ := strings.Cut(rest, " ")
			if help == "" || helped[name] {
				t.Errorf("HELP of %s empty or repeated", name)
			}
			helped[name] = true
			continue
		}
		if rest, ok := strings.CutPrefix(line, "# TYPE "); ok {
			name, typ, _ := strings.Cut(rest, " ")
			if !helped[name] || types[name] != "" {
				t.Errorf("TYPE of %s without its HELP first, or repeated", name)
			}
			switch typ {
			case "counter":
				if !strings.HasSuffix(name, "_total") {
					t.Errorf("the counter %s does not end in _total", name)
				}
			case "gauge", "histogram":
			default:
				t.Errorf("%s has the type %q", name, typ)
			}
			types[name] = typ
			continue
		}
		m := sampleLine.FindStringSubmatch(line)
		if m == nil {
			t.Errorf("not a sample: %q", line)
			continue
		}
		name, series := m[1], m[1]+m[2]
		family := name
		if types[name] == "" {
			for _, suffix := range []string{"_bucket", "_sum", "_count"} {
				if base, ok := strings.CutSuffix(name, suffix); ok && types[base] == "histogram" {
					family = base
				}
			}
		}
		if types[family] == "" {
			t.Errorf("%s has no TYPE before it", series)
		}
		if _, dup := samples[series]; dup {
			t.Errorf("%s repeats", series)
		}
		v, err := strconv.ParseFloat(m[3], 64)
		if err != nil {
			t.Errorf("%s: value %q", series, m[3])
		}
		samples[series] = v
	}
	for name, typ := range types {
		if typ != "histogram" {
			continue
		}
		last := -1.0
		for _, line := range strings.Split(text, "\n") {
			if strings.HasPrefix(line, name+"_bucket{") {
				v := samples[line[:strings.LastIndex(line, " ")]]
				if v < last {
					t.Errorf("%s: buckets not cumulative at %q", name, line)
				}
				last = v
			}
		}
		if inf, ok := samples[name+`_bucket{le="+Inf"}`]; !ok || inf != samples[name+"_count"] {
			t.Errorf("%s: +Inf bucket %v, count %v", name, inf, samples[name+"_count"])
		}
	}
	return samples
}

func TestHealthAndMetrics(t *testing.T) {
	ts := newTestShop(t)
	if r := ts.call(t, nil, "GET", "/healthz", "", nil); r.status != 200 || !strings.Contains(string(r.body), `"status":"ok"`) {
		t.Errorf("healthz: %d %s", r.status, r.body)
	}
	scrape := func() map[string]float64 {
		r := ts.call(t, nil, "GET", "/metrics", "", nil)
		if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/plain; version=0.0.4") {
			t.Fatalf("metrics: %d %s", r.status, r.header.Get("Content-Type"))
		}
		return checkExposition(t, string(r.body))
	}
	before := scrape()
	adv := ts.tokens[shop.RoleAdvisor]
	ts.call(t, nil, "GET", "/api/v1/jobs/20261123-0001", adv, nil)
	ts.call(t, nil, "GET", "/api/v1/nothing", adv, nil)
	if r := ts.call(t, nil, "POST", "/api/v1/commands", adv, `{"type":"submit","job_id":"20261123-0001"}`); r.status != 200 {
		t.Fatalf("submit: %d %s", r.status, r.body)
	}
	after := scrape()

	// Requests are counted by their route's pattern, not by each job's path.
	for series, want := range map[string]float64{
		`bayboard_http_requests_total{method="GET",route="/api/v1/jobs/:id",status="200"}`:  1,
		`bayboard_http_requests_total{method="GET",route="unmatched",status="404"}`:         1,
		`bayboard_http_requests_total{method="POST",route="/api/v1/commands",status="200"}`: 1,
		`bayboard_commits_total`:                       1,
		`bayboard_events_total`:                        1,
		`bayboard_commit_duration_seconds_count`:       1,
		`bayboard_http_request_duration_seconds_count`: 4, // the first scrape too
		`bayboard_jobs{stage="reception"}`:             -1,
		`bayboard_jobs{stage="waiting_dispatch"}`:      1,
		`bayboard_open_jobs`:                           0,
		`bayboard_board_screens`:                       0,
	} {
		if got := after[series] - before[series]; got != want {
			t.Errorf("%s went from %v to %v, want a change of %v", series, before[series], after[series], want)
		}
	}
	for series := range after {
		if strings.Contains(series, "20261123") {
			t.Errorf("a series per job: %s", series)
		}
	}
	if after["bayboard_commit_duration_seconds_sum"] <= before["bayboard_commit_duration_seconds_sum"] {
		t.Errorf("the commit's time was not added: %v → %v", before["bayboard_commit_duration_seconds_sum"], after["bayboard_commit_duration_seconds_sum"])
	}
	if after["bayboard_open_jobs"] != 1 {
		t.Errorf("open jobs: %v", after["bayboard_open_jobs"])
	}
}

// A family another package adds (Family) shows a sample per label set,
// its label values escaped as the exposition format asks.
func TestALabelledFamilyOnMetrics(t *testing.T) {
	ts := newTestShop(t)
	ts.srv.Family("bayboard_test_backlog", "gauge", "A test's backlog by destination.", func() []Sample {
		return []Sample{
			{Labels: []Label{{Name: "destination", Value: "webhook-1"}}, Value: 3},
			{Labels: []Label{{Name: "destination", Value: "a \"quoted\" \\ name\non two lines"}}, Value: 0.5},
		}
	})
	r := ts.call(t, nil, "GET", "/metrics", "", nil)
	samples := checkExposition(t, string(r.body))
	for series, want := range map[string]float64{
		`bayboard_test_backlog{destination="webhook-1"}`:                          3,
		`bayboard_test_backlog{destination="a \"quoted\" \\ name\non two lines"}`: 0.5,
	} {
		if got, ok := samples[series]; !ok || got != want {
			t.Errorf("%s = %v (present %v), want %v", series, got, ok, want)
		}
	}
	if !strings.Contains(string(r.body), "# TYPE bayboard_test_backlog gauge\n") {
		t.Errorf("no TYPE line for the family:\n%s", r.body)
	}
}

// Families read together (Families) are read once a scrape, however many
// they are: three figures of each outbox queue cost one read of it.
func TestFamiliesReadTogetherAreReadOnceAScrape(t *testing.T) {
	ts := newTestShop(t)
	reads := 0
	ts.srv.Families([]FamilySpec{
		{Name: "bayboard_test_waiting", Type: "gauge", Help: "Waiting, by queue."},
		{Name: "bayboard_test_given_up", Type: "gauge", Help: "Given up, by queue."},
		{Name: "bayboard_test_sent_total", Type: "counter", Help: "Sent, by queue."},
	}, func() [][]Sample {
		reads++
		q := []Label{{Name: "queue", Value: "sms"}}
		return [][]Sample{{{Labels: q, Value: 2}}, {{Labels: q, Value: 1}}, {{Labels: q, Value: float64(10 * reads)}}}
	})
	for scrape := 1; scrape <= 2; scrape++ {
		r := ts.call(t, nil, "GET", "/metrics", "", nil)
		samples := checkExposition(t, string(r.body))
		for series, want := range map[string]float64{
			`bayboard_test_waiting{queue="sms"}`:    2,
			`bayboard_test_given_up{queue="sms"}`:   1,
			`bayboard_test_sent_total{queue="sms"}`: float64(10 * scrape),
		} {
			if got, ok := samples[series]; !ok || got != want {
				t.Errorf("scrape %d: %s = %v (present %v), want %v", scrape, series, got, ok, want)
			}
		}
		if reads != scrape {
			t.Errorf("after %d scrapes the families were read %d times", scrape, reads)
		}
	}
}
