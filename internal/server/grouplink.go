package server

import (
	"time"

	"bayboard/internal/engine"
	"bayboard/internal/grouplink"
	"bayboard/internal/store"
)

// newGroupLink makes the dealer group's publisher (issue 17), woken by
// every commit as the outbox's worker is: it reads the events after its
// cursor from the data file and publishes them outside the commit, so a
// link that is down costs the floor nothing. Without a link it does
// nothing.
func newGroupLink(st *store.Store, eng *engine.Engine, clock func() time.Time, opts Options) *grouplink.Publisher {
	p := grouplink.New(grouplink.Config{Store: st, State: eng.State, Now: clock, Logger: opts.Logger,
		Name: "bayboard " + opts.Version, MinBackoff: opts.GroupLinkBackoff})
	eng.Subscribe(func(engine.Change) { p.Notify() })
	return p
}
