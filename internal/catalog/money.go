package catalog

import (
	"errors"
	"strings"

	"bayboard/internal/shop"
)

// Why an amount is refused, in the words the staff pages translate.
var (
	errNotAmount      = errors.New("is not an amount such as 12.50")
	errTooManyDecimal = errors.New("has more than two decimal places")
)

// ParseYuan reads an amount in yuan as a DMS writes it ("128", "128.5",
// "1,280.00", "¥128.50", "128.50元", "12.5000") into fen, from its decimal
// text, so that 0.1 + 0.2 never becomes 0.30000000000000004. A third
// decimal place that is not zero is refused rather than rounded: the file
// says a price the shop cannot charge.
func ParseYuan(text string) (shop.Money, error) {
	s := strings.TrimSpace(text)
	for _, cut := range []string{"¥", "￥", "RMB", "CNY", "元"} {
		s = strings.TrimSpace(strings.TrimPrefix(strings.TrimSuffix(s, cut), cut))
	}
	neg := false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		s = s[1:]
	}
	whole, frac, hasPoint := strings.Cut(s, ".")
	if strings.Contains(whole, ",") {
		// Thousands separators: every group after the first has three digits.
		groups := strings.Split(whole, ",")
		if len(groups[0]) == 0 || len(groups[0]) > 3 {
			return 0, errNotAmount
		}
		for _, g := range groups[1:] {
			if len(g) != 3 {
				return 0, errNotAmount
			}
		}
		whole = strings.Join(groups, "")
	}
	if (whole == "" && frac == "") || (hasPoint && frac == "" && whole == "") || !digits(whole) || !digits(frac) {
		return 0, errNotAmount
	}
	if len(whole) > 13 { // a trillion yuan: no part costs that, and int64 fen stays far from overflow
		return 0, errNotAmount
	}
	trimmed := strings.TrimRight(frac, "0")
	if len(trimmed) > 2 {
		return 0, errTooManyDecimal
	}
	frac = (trimmed + "00")[:2]
	var fen int64
	for _, c := range whole + frac {
		fen = fen*10 + int64(c-'0')
	}
	if neg {
		fen = -fen
	}
	return shop.Money(fen), nil
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
