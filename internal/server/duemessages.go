package server

import (
	"context"
	"time"

	"bayboard/internal/shop"
)

// DueEvery is how often, on the wall's clock, the server gives the timed
// messages that have come due (shop.DueMessages: the reminders and the
// survey links) and wakes the outbox's worker for messages whose quiet
// hours ended: a reminder goes within this of its time, and the demo's
// fast clock (30 shop seconds a second) sends it within five shop
// minutes.
const DueEvery = 10 * time.Second

// sendDue gives the due messages every DueEvery until ctx ends.
func (s *Server) sendDue(ctx context.Context) {
	tick := time.NewTicker(DueEvery)
	defer tick.Stop()
	for {
		s.SendDueMessages(ctx)
		// The worker waits for a held message's time on the wall's clock;
		// woken, it looks again by the shop's (the demo's runs faster).
		s.Outbox.Notify()
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// SendDueMessages gives each timed message due at the engine's clock, one
// command each (a booking cancelled meanwhile refuses its own and no
// other), and returns how many were sent.
func (s *Server) SendDueMessages(ctx context.Context) int {
	sent := 0
	for _, c := range s.Engine.State().DueMessages(s.Engine.Now()) {
		if _, err := s.Engine.Do(ctx, shop.Actor{System: true}, c); err != nil {
			if ctx.Err() != nil {
				return sent
			}
			s.log.Info("a timed message is no longer due", "kind", c.Kind, "appointment", c.AppointmentID, "job", c.JobID, "err", err)
			continue
		}
		sent++
	}
	return sent
}
