package web

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"bayboard/internal/shop"
)

// addEvents writes n events of a job straight to the log, in batches, as
// a job worked on for months would have them.
func addEvents(t *testing.T, ts *testShop, jobID string, n int, at func(i int) time.Time) {
	t.Helper()
	for done := 0; done < n; {
		batch := make([]shop.Event, 0, 500)
		for ; done < n && len(batch) < cap(batch); done++ {
			batch = append(batch, shop.Event{At: at(done), Actor: "user-1", Type: "update_estimate", Subject: jobID, JobID: jobID,
				Data: json.RawMessage(fmt.Sprintf(`{"n":%d}`, done))})
		}
		if _, err := ts.store.Commit(nil, batch); err != nil {
			t.Fatal(err)
		}
	}
}

// A history many pages long comes whole, in order, as one JSON array, and
// streamed: written as it is read, with no length known before (a body
// held whole in memory would have one).
func TestALongHistoryIsStreamedWholeAndInOrder(t *testing.T) {
	ts := newTestShop(t)
	const job = "20261123-0001"
	n := 3*eventPage + 7
	addEvents(t, ts, job, n, func(int) time.Time { return t0 })
	// Events of another job in between are not this job's.
	addEvents(t, ts, "20261123-0099", eventPage, func(int) time.Time { return t0 })
	r := ts.call(t, nil, "GET", "/api/v1/jobs/"+job+"/history", ts.tokens[shop.RoleAdvisor], nil)
	if r.status != 200 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if cl := r.header.Get("Content-Length"); cl != "" {
		t.Errorf("the history was answered whole (Content-Length %s), not streamed", cl)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
	var evs []shop.Event
	if err := json.Unmarshal(r.body, &evs); err != nil {
		t.Fatalf("not one JSON array: %v", err)
	}
	if len(evs) != n+1 || evs[0].Type != "open_job" {
		t.Fatalf("%d events, want the opening and %d more", len(evs), n)
	}
	for i, ev := range evs {
		if ev.JobID != job {
			t.Fatalf("event %d is of job %s", i, ev.JobID)
		}
		if i > 0 && ev.Seq <= evs[i-1].Seq {
			t.Fatalf("event %d (seq %d) after seq %d: out of order", i, ev.Seq, evs[i-1].Seq)
		}
	}
	if r := ts.call(t, nil, "GET", "/api/v1/jobs/20260101-0001/history", ts.tokens[shop.RoleAdvisor], nil); r.status != 404 {
		t.Errorf("a job with no history: %d", r.status)
	}
}

// The events export keeps the period's events across pages and streams
// them; the jobs exports stream too.
func TestTheEventsExportIsStreamedAndKeepsToItsPeriod(t *testing.T) {
	ts := newTestShop(t)
	// Half the events a month before the period, half in it, interleaved.
	n := 4 * eventPage
	addEvents(t, ts, "20261123-0001", n, func(i int) time.Time {
		if i%2 == 0 {
			return t0.AddDate(0, -2, 0)
		}
		return t0
	})
	day := t0.In(ts.eng.State().Loc).Format("2006-01-02")
	r := ts.call(t, nil, "GET", "/api/v1/export/events.json?from="+day+"&to="+day, ts.tokens[shop.RoleManager], nil)
	if r.status != 200 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if cl := r.header.Get("Content-Length"); cl != "" {
		t.Errorf("the export was answered whole (Content-Length %s), not streamed", cl)
	}
	var evs []shop.Event
	if err := json.Unmarshal(r.body, &evs); err != nil {
		t.Fatalf("not one JSON array: %v", err)
	}
	added := 0
	for _, ev := range evs {
		if ev.At.Before(t0.AddDate(0, 0, -1)) {
			t.Fatalf("an event of %s, outside the period", ev.At)
		}
		if ev.Type == "update_estimate" {
			added++
		}
	}
	if added != n/2 {
		t.Errorf("%d of the period's %d added events exported", added, n/2)
	}
	for _, path := range []string{"/api/v1/export/jobs.json", "/api/v1/export/jobs.csv"} {
		r := ts.call(t, nil, "GET", path+"?from="+day+"&to="+day, ts.tokens[shop.RoleManager], nil)
		if r.status != 200 || r.header.Get("Content-Length") != "" || len(r.body) < 20 {
			t.Errorf("%s: %d, Content-Length %q, %d bytes", path, r.status, r.header.Get("Content-Length"), len(r.body))
		}
	}
}
