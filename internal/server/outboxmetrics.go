package server

import (
	"slices"
	"sync"
	"time"

	"bayboard/internal/engine"
	"bayboard/internal/outbox"
	"bayboard/internal/shop"
	"bayboard/internal/store"
	"bayboard/internal/web"
)

// outboxMetrics are the outbox's figures on /metrics, per destination
// (each webhook's id, "sms", "email"): the backlog, the dead letters and
// the oldest waiting entry's age, read from the store at each scrape, and
// the deliveries and failed tries since start, counted as the worker
// records them. A channel stuck behind a dead gateway shows as a growing
// backlog and age with failures and no deliveries.
type outboxMetrics struct {
	read  func(dest string) (shop.OutboxView, error) // the store's Outbox
	eng   *engine.Engine
	clock func() time.Time

	mu        sync.Mutex
	delivered map[string]uint64
	failed    map[string]uint64
}

func newOutboxMetrics(st *store.Store, eng *engine.Engine, clock func() time.Time) *outboxMetrics {
	return &outboxMetrics{read: st.Outbox, eng: eng, clock: clock, delivered: map[string]uint64{}, failed: map[string]uint64{}}
}

// observe counts one recorded attempt (outbox.Config.Observe).
func (m *outboxMetrics) observe(a outbox.Attempt) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if a.Delivered {
		m.delivered[a.Destination]++
	} else {
		m.failed[a.Destination]++
	}
}

// register adds the families to the web server's /metrics: read together,
// the counts first, so a scrape never shows a delivery counted whose entry
// its backlog still holds (the worker records the delivery, then counts it).
func (m *outboxMetrics) register(srv *web.Server) {
	srv.Families([]web.FamilySpec{
		{Name: "bayboard_outbox_deliveries_total", Type: "counter", Help: "Outbox entries delivered since start, by destination."},
		{Name: "bayboard_outbox_failures_total", Type: "counter", Help: "Failed delivery tries since start, by destination (a dead letter's last try included)."},
		{Name: "bayboard_outbox_backlog", Type: "gauge", Help: "Outbox entries waiting for delivery, by destination (a webhook's id, sms, email)."},
		{Name: "bayboard_outbox_dead_letters", Type: "gauge", Help: "Outbox entries given up after their tries, waiting for a manager to retry or drop them, by destination."},
		{Name: "bayboard_outbox_oldest_age_seconds", Type: "gauge", Help: "Age of the oldest entry waiting for delivery (0 when none waits), by destination."},
	}, m.scrape)
}

// scrape reads the five families, the counts before the queues.
func (m *outboxMetrics) scrape() [][]web.Sample {
	delivered, failed := m.counts()
	return append([][]web.Sample{delivered, failed}, m.queues()...)
}

// destinations are the live webhooks' ids and the message channels, in
// order.
func (m *outboxMetrics) destinations() []string {
	var dests []string
	for id, hook := range m.eng.State().Webhooks {
		if !hook.Removed {
			dests = append(dests, id)
		}
	}
	slices.Sort(dests)
	return append(dests, shop.MessageDestinations...)
}

func sample(dest string, v float64) web.Sample {
	return web.Sample{Labels: []web.Label{{Name: "destination", Value: dest}}, Value: v}
}

// queues reads each destination's queue once and gives its backlog, dead
// letters and oldest entry's age.
func (m *outboxMetrics) queues() [][]web.Sample {
	now := m.clock()
	var backlog, dead, oldest []web.Sample
	for _, dest := range m.destinations() {
		v, err := m.read(dest)
		if err != nil {
			continue // the admin's list names the trouble; a scrape skips it
		}
		age := 0.0
		if v.Oldest != nil {
			age = max(0, now.Sub(v.Oldest.Queued).Seconds())
		}
		backlog = append(backlog, sample(dest, float64(v.Backlog)))
		dead = append(dead, sample(dest, float64(len(v.Dead))))
		oldest = append(oldest, sample(dest, age))
	}
	return [][]web.Sample{backlog, dead, oldest}
}

// counts reads the deliveries and failures of each destination, those
// that have gone included (a counter does not vanish while the server
// runs).
func (m *outboxMetrics) counts() (delivered, failed []web.Sample) {
	dests := m.destinations()
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, counts := range []map[string]uint64{m.delivered, m.failed} {
		for dest := range counts {
			if !slices.Contains(dests, dest) {
				dests = append(dests, dest)
			}
		}
	}
	for _, dest := range dests {
		delivered = append(delivered, sample(dest, float64(m.delivered[dest])))
		failed = append(failed, sample(dest, float64(m.failed[dest])))
	}
	return delivered, failed
}
