package demo

import (
	"sync"
	"time"
)

// Clock is the demo's accelerated time: it starts at the shop's morning of
// the real day and runs speed times faster than the wall clock.
type Clock struct {
	mu        sync.Mutex
	realStart time.Time
	simStart  time.Time
	speed     float64
	wall      func() time.Time
}

// NewClock starts a demo clock at 09:30 Beijing time on the real day.
func NewClock(real time.Time, speed float64) *Clock {
	loc := Location()
	y, m, d := real.In(loc).Date()
	return &Clock{realStart: real, simStart: time.Date(y, m, d, 9, 30, 0, 0, loc), speed: speed, wall: time.Now}
}

// Now is the simulated time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	elapsed := c.wall().Sub(c.realStart)
	return c.simStart.Add(time.Duration(float64(elapsed) * c.speed))
}

// Advance moves the clock on by d. A clock of speed 0 stands still and
// only Advance moves it: the tests that run a shop day step it so.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.simStart = c.simStart.Add(d)
}

// Location is the demo shop's time zone.
func Location() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}
