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
		if l.SoldHours < 0 || l.SoldHours > 200 {
			p.add(f+".sold_hours", "must be between 0 and 200")
		}
		if l.Price < 0 {
			p.add(f+".price", "must not be negative")
		}
	}
	for i, l := range parts {
		f := fmt.Sprintf("parts[%d]", i)
		checkText(p, f+".name", l.Name, maxName, true)
		checkText(p, f+".number", l.Number, 40, false)
		if l.Quantity <= 0 || l.Quantity > 10000 {
			p.add(f+".quantity", "must be more than 0 and at most 10000")
		}
		if l.UnitPrice < 0 {
			p.add(f+".unit_price", "must not be negative")
		}
	}
}
