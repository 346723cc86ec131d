// Package outbox delivers what the store's transactional outbox holds: a
// worker per destination takes the oldest entry, posts its event as a
// signed webhook and removes the entry only after a 2xx, so every event
// reaches each destination that wants it at least once, in order, across
// restarts and outages. A failure is counted and tried again after a
// growing back-off; after MaxTries the entry becomes a dead letter and the
// next goes.
//
// The worker runs beside the engine, never inside its commit: the commit
// only writes entries, so a dead destination costs the floor nothing. It
// reads no clock of its own and holds no HTTP client of its own: both are
// injected, so its tests drive real receivers on a fake clock.
package outbox
