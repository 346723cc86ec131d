package shop

import "math"

// The upper bounds on money, quantities and hours. A workshop's largest
// real line is an engine or a battery pack (some ¥300,000); its largest job
// a rebuilt car. The bounds sit well above both and far below where a sum
// of int64 fen could overflow: a job is at most MaxJobTotal, so even a
// century of such jobs sums to less than 2⁶³ fen.
const (
	// MaxLinePrice bounds one line: a labour line's price, a part's unit
	// price, a part line's total, a catalogue entry's price (¥1,000,000).
	MaxLinePrice Money = 100_000_000
	// MaxJobTotal bounds one job's labour and parts together, a finding's
	// price and a payment (¥10,000,000).
	MaxJobTotal Money = 1_000_000_000
	// MaxQuantity bounds one part line's quantity.
	MaxQuantity = 10_000
	// MaxLineHours bounds one labour line's sold hours or a finding's.
	MaxLineHours = 200
	// MaxJobHours bounds the hours sold on one job.
	MaxJobHours = 2_000
)

// add sums two amounts of money, held at the largest int64 (or the
// smallest) instead of wrapping round: a sum over records written before
// the bounds, or over many years, can be wrong by being capped but never
// by turning negative.
func (m Money) add(n Money) Money {
	s := m + n
	switch {
	case n > 0 && s < m:
		return math.MaxInt64
	case n < 0 && s > m:
		return math.MinInt64
	}
	return s
}

// times is an amount multiplied by a quantity, rounded to the fen and held
// within int64: a float beyond int64's range converts to an
// implementation-defined value in Go.
func (m Money) times(q float64) Money {
	v := math.Round(q * float64(m))
	switch {
	case math.IsNaN(v):
		return 0
	case v >= math.MaxInt64:
		return math.MaxInt64
	case v <= math.MinInt64:
		return math.MinInt64
	}
	return Money(v)
}

// checkMoney refuses an amount below zero or above max, naming the field.
func checkMoney(p *problems, field string, m, max Money) {
	switch {
	case m < 0:
		p.add(field, "must not be negative")
	case m > max:
		p.add(field, "must be at most %d yuan", max/100)
	}
}
