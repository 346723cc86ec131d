package shop

import (
	"math"
	"time"
)

// The day's capacity in labour hours (seed 001: at least three booking
// slots a day, and not more cars than the shop can take). Two things
// limit it: the work bays (every active bay but the wash bays, each open
// the shop's hours) and the technicians on duty (the roster, each working
// the shop's hours); the lesser is what can be booked. Booked work uses
// it: the cars in the shop first (their sold hours not yet clocked), then
// each booking from its slot on. Work that does not fit its slot runs
// into the next, as a car on a bay at 11:00 still holds it after lunch.

// DefaultBookingHours is what a booking without an estimate is taken to
// need: a routine service (保养), the commonest booking.
const DefaultBookingHours = 1.0

// MaxBookingHours bounds a booking's estimate: a long body job.
const MaxBookingHours = 200

// slotLength is a booking slot: two hours, as 4S shops offer arrival
// windows (08:00–10:00, 10:00–12:00, …), shorter when the day would
// otherwise have fewer than three.
const slotLength = 2 * time.Hour

// CapacityLimit says why a day can take no work, for the page to say so.
type CapacityLimit string

const (
	LimitClosed        CapacityLimit = "closed"
	LimitNoBays        CapacityLimit = "no_bays"
	LimitNoTechnicians CapacityLimit = "no_technicians"
)

// CapacityLimits lists the limits, for the catalogs.
var CapacityLimits = []CapacityLimit{LimitClosed, LimitNoBays, LimitNoTechnicians}

// BayKindHours is the hours the bays of one kind offer on a day.
type BayKindHours struct {
	Kind  BayKind `json:"kind"`
	Bays  int     `json:"bays"`
	Hours float64 `json:"hours"`
}

// Slot is one booking slot of a day and what is left of it.
type Slot struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
	// Hours is what the slot can take: its working time still to come,
	// times the lesser of the work bays and the technicians on duty.
	Hours float64 `json:"hours"`
	// Booked is the hours of the bookings arriving in the slot.
	Booked float64 `json:"booked"`
	// Bookings counts them.
	Bookings int `json:"bookings"`
	// Used is what booked work (of this slot and earlier ones run over,
	// and the cars in the shop) takes of Hours; Left is the rest.
	Used float64 `json:"used"`
	Left float64 `json:"left"`
	Full bool    `json:"full"`
}

// Capacity is a day's labour hours: what the shop can take, by what, and
// what is left.
type Capacity struct {
	Date string `json:"date"`
	Open bool   `json:"open"`
	// Limit says why the day can take nothing; empty when it can.
	Limit CapacityLimit `json:"limit,omitempty"`
	// BayKinds are the work bays by kind; BayHours their sum.
	BayKinds []BayKindHours `json:"bay_kinds"`
	BayHours float64        `json:"bay_hours"`
	// Technicians is how many are on duty; TechHours their hours.
	Technicians int     `json:"technicians"`
	TechHours   float64 `json:"tech_hours"`
	// Hours is the lesser of BayHours and TechHours, less the working
	// time already gone when the day is today.
	Hours float64 `json:"hours"`
	// InShop is the work of the cars in the shop not yet done (today
	// only); Booked the hours of the day's bookings.
	InShop float64 `json:"in_shop"`
	Booked float64 `json:"booked"`
	Used   float64 `json:"used"`
	Left   float64 `json:"left"`
	// Over is booked work that does not fit the day.
	Over  float64 `json:"over"`
	Full  bool    `json:"full"`
	Slots []Slot  `json:"slots"`
}

// Capacity is the capacity of the day of t, as it stands at now.
func (s *State) Capacity(t, now time.Time) Capacity { return NewDraft(s).capacity(t, now) }

func (d *Draft) capacity(t, now time.Time) Capacity {
	loc := d.location()
	sched := d.Settings().Hours.Schedule(loc)
	local := t.In(loc)
	midnight := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, loc)
	c := Capacity{Date: midnight.Format(time.DateOnly), BayKinds: []BayKindHours{}, Slots: []Slot{}}
	work := sched.day(midnight)
	c.Open = work.n > 0

	var open time.Duration
	for _, iv := range work.all() {
		open += iv.to.Sub(iv.from)
	}
	byKind := map[BayKind]int{}
	bays := 0
	d.bays.each(func(b *Bay) {
		if b.Active && b.Kind != BayWash {
			byKind[b.Kind]++
			bays++
		}
	})
	for _, k := range BayKinds {
		if byKind[k] > 0 {
			c.BayKinds = append(c.BayKinds, BayKindHours{Kind: k, Bays: byKind[k], Hours: hours(time.Duration(byKind[k]) * open)})
		}
	}
	for _, td := range d.dutyRoster(midnight).Technicians {
		if td.Status == DutyOn {
			c.Technicians++
		}
	}
	c.BayHours = hours(time.Duration(bays) * open)
	c.TechHours = hours(time.Duration(c.Technicians) * open)
	switch {
	case !c.Open:
		c.Limit = LimitClosed
	case bays == 0:
		c.Limit = LimitNoBays
	case c.Technicians == 0:
		c.Limit = LimitNoTechnicians
	}
	places := min(bays, c.Technicians)

	// The cars in the shop come first: they are on the bays now.
	var carry float64
	if c.Date == now.In(loc).Format(time.DateOnly) {
		d.jobs.each(func(j *Job) {
			if waitsForWork(j.Stage) {
				c.InShop += workLeft(j, now)
			}
		})
		carry = c.InShop
	}
	slots := bookingSlots(work)
	booked := make([]float64, len(slots))
	count := make([]int, len(slots))
	d.appointments.each(func(ap *Appointment) {
		if ap.Status != ApptBooked || len(slots) == 0 || ap.At.In(loc).Format(time.DateOnly) != c.Date {
			return
		}
		i := slotOf(slots, ap.At)
		booked[i] += ap.BookedHours()
		count[i]++
		c.Booked += ap.BookedHours()
	})
	for i, iv := range slots {
		from := iv.from
		if from.Before(now) {
			from = now
		}
		sl := Slot{From: iv.from, To: iv.to, Booked: round2(booked[i]), Bookings: count[i]}
		if iv.to.After(from) {
			sl.Hours = hours(time.Duration(places) * iv.to.Sub(from))
		}
		demand := carry + booked[i]
		sl.Used = math.Min(demand, sl.Hours)
		carry = demand - sl.Used
		sl.Left = round2(sl.Hours - sl.Used)
		sl.Used = round2(sl.Used)
		sl.Full = sl.Left <= 0
		c.Hours += sl.Hours
		c.Used += sl.Used
		c.Slots = append(c.Slots, sl)
	}
	c.Hours, c.Used, c.InShop, c.Booked = round2(c.Hours), round2(c.Used), round2(c.InShop), round2(c.Booked)
	c.Left = round2(c.Hours - c.Used)
	c.Over = round2(carry)
	c.Full = c.Left <= 0
	return c
}

// Fit says whether a booking of some hours at a moment fits the day: its
// slot has hours left, and the slot and those after it have enough.
type Fit struct {
	Slot  int     `json:"slot"` // index in Slots; -1 outside the day's slots
	Fits  bool    `json:"fits"`
	Why   FitWhy  `json:"why,omitempty"`
	Hours float64 `json:"hours"`
}

// FitWhy says why a booking does not fit.
type FitWhy string

const (
	FitNoCapacity FitWhy = "no_capacity" // the day takes nothing (Limit)
	FitOutside    FitWhy = "outside"     // not within the day's slots
	FitSlotFull   FitWhy = "slot_full"
	FitDayFull    FitWhy = "day_full" // the slot has room, the rest of the day not enough
)

// FitWhys lists the reasons, for the catalogs.
var FitWhys = []FitWhy{FitNoCapacity, FitOutside, FitSlotFull, FitDayFull}

// Fit is whether a booking at at needing h hours (0: the default) fits.
func (c Capacity) Fit(at time.Time, h float64) Fit {
	if h <= 0 {
		h = DefaultBookingHours
	}
	f := Fit{Slot: -1, Hours: h}
	switch {
	case c.Limit != "":
		f.Why = FitNoCapacity
		return f
	case len(c.Slots) == 0 || at.Before(c.Slots[0].From) || !at.Before(c.Slots[len(c.Slots)-1].To):
		f.Why = FitOutside
		return f
	}
	for i, s := range c.Slots {
		if !at.Before(s.From) && at.Before(s.To) {
			f.Slot = i
		}
	}
	if f.Slot < 0 {
		f.Why = FitOutside // at lunch
		return f
	}
	if c.Slots[f.Slot].Full {
		f.Why = FitSlotFull
		return f
	}
	var left float64
	for _, s := range c.Slots[f.Slot:] {
		left += s.Left
	}
	if left+0.005 < h {
		f.Why = FitDayFull
		return f
	}
	f.Fits = true
	return f
}

// BookedHours is what a booking is taken to need.
func (ap *Appointment) BookedHours() float64 {
	if ap.Hours > 0 {
		return ap.Hours
	}
	return DefaultBookingHours
}

// waitsForWork says whether a job in the shop still needs a bay and a
// technician: from reception until its quality check.
func waitsForWork(s Stage) bool {
	switch s {
	case StageReception, StageWaitingDispatch, StageDispatched, StageInProgress:
		return true
	}
	return s.Paused()
}

// workLeft is a job's sold hours less the hours clocked on it, or the
// default booking's when its estimate has no labour yet.
func workLeft(j *Job, now time.Time) float64 {
	var sold float64
	for _, l := range j.Labour {
		sold += l.SoldHours
	}
	if sold == 0 {
		sold = DefaultBookingHours
	}
	return math.Max(0, sold-j.ClockedHours(now))
}

// bookingSlots cuts a day's working time into booking slots of two hours
// (a last piece under an hour joins the slot before it), or into three
// when two-hour slots would make fewer.
func bookingSlots(w workingDay) []interval {
	var open time.Duration
	for _, iv := range w.all() {
		open += iv.to.Sub(iv.from)
	}
	length := slotLength
	if open < 3*slotLength {
		length = (open / 3).Truncate(15 * time.Minute)
		if length < 15*time.Minute {
			length = 15 * time.Minute
		}
	}
	var out []interval
	for _, iv := range w.all() {
		first := len(out)
		for from := iv.from; from.Before(iv.to); from = from.Add(length) {
			to := from.Add(length)
			if to.After(iv.to) {
				to = iv.to
			}
			if to.Sub(from) < length/2 && len(out) > first {
				out[len(out)-1].to = to
				break
			}
			out = append(out, interval{from, to})
		}
	}
	return out
}

// slotOf is the slot a booking at t arrives in: the one it falls in, the
// next one at lunch, the first before opening, the last after closing.
func slotOf(slots []interval, t time.Time) int {
	for i, s := range slots {
		if t.Before(s.to) {
			return i
		}
	}
	return len(slots) - 1
}

func hours(d time.Duration) float64 { return round2(d.Hours()) }

func round2(h float64) float64 { return math.Round(h*100) / 100 }
