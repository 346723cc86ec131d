package shop

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Text limits keep one careless paste from filling a job card.
const (
	maxName  = 80
	maxText  = 2000
	maxLines = 200
)

func checkText(p *problems, field, v string, max int, required bool) {
	switch {
	case required && strings.TrimSpace(v) == "":
		p.add(field, "is required")
	case utf8.RuneCountInString(v) > max:
		p.add(field, "is longer than %d characters", max)
	}
}

func checkLines(p *problems, labour []Labour, parts []PartLine) {
	if len(labour) > maxLines || len(parts) > maxLines {
		p.add("labour", "at most %d lines each of labour and parts", maxLines)
		return
	}
	for i, l := range labour {
		f := fmt.Sprintf("labour[%d]", i)
		checkText(p, f+".name", l.Name, maxName, true)
		if l.SoldHours < 0 || l.SoldHours > MaxLineHours {
			p.add(f+".sold_hours", "must be between 0 and %d", MaxLineHours)
		}
		checkMoney(p, f+".price", l.Price, MaxLinePrice)
		checkPayer(p, f+".payer", l.Payer)
	}
	for i, l := range parts {
		f := fmt.Sprintf("parts[%d]", i)
		checkText(p, f+".name", l.Name, maxName, true)
		checkText(p, f+".number", l.Number, 40, false)
		checkQuantity(p, f+".quantity", l.Quantity)
		checkMoney(p, f+".unit_price", l.UnitPrice, MaxLinePrice)
		checkPayer(p, f+".payer", l.Payer)
		if l.Quantity > 0 && l.Quantity <= MaxQuantity && l.UnitPrice > 0 && l.UnitPrice <= MaxLinePrice && l.Total() > MaxLinePrice {
			p.add(f+".quantity", "the line comes to more than %d (¥%d)", MaxLinePrice, MaxLinePrice/100)
		}
	}
	checkJobBounds(p, labour, parts)
}

// checkJobBounds refuses lines that together come to more than one job may
// hold. The lines are checked one by one first, so the sum cannot overflow.
func checkJobBounds(p *problems, labour []Labour, parts []PartLine) {
	t := TotalsOf(labour, parts)
	if t.Total > MaxJobTotal {
		p.add("total", "the job's labour and parts come to more than %d yuan", MaxJobTotal/100)
	}
	if t.Hours > MaxJobHours {
		p.add("hours", "the job's labour lines sell more than %d hours", MaxJobHours)
	}
}

// checkPayer refuses a line's payer that names none. The customer is
// stored as empty (Payer.stored), but a client may name them.
// checkQuantity holds a quantity of parts to more than 0 and at most
// MaxQuantity.
func checkQuantity(p *problems, field string, q float64) {
	if q <= 0 || q > MaxQuantity {
		p.add(field, "must be more than 0 and at most %d", MaxQuantity)
	}
}

func checkPayer(p *problems, field string, payer Payer) {
	if !payer.Valid() {
		p.add(field, "must be customer, warranty, insurance or internal")
	}
}
