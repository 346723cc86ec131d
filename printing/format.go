package printing

import (
	"strconv"
	"strings"
	"time"

	"bayboard/internal/shop"
)

// Languages the documents print in.
const (
	LangZH = "zh-CN"
	LangEN = "en"
)

// normLang picks the catalog for a requested language: Chinese unless
// English is asked for, since the shop is a Chinese dealer's.
func normLang(lang, shopLang string) string {
	if lang == "" {
		lang = shopLang
	}
	if strings.HasPrefix(strings.ToLower(lang), "en") {
		return LangEN
	}
	return LangZH
}

// currencies maps ISO 4217 codes to a symbol and the digits of the minor
// unit that shop.Money counts in.
var currencies = map[string]struct {
	symbol string
	digits int
}{
	"CNY": {"¥", 2}, "HKD": {"HK$", 2}, "TWD": {"NT$", 2}, "USD": {"$", 2},
	"EUR": {"€", 2}, "GBP": {"£", 2}, "JPY": {"¥", 0}, "KRW": {"₩", 0},
}

// formatMoney prints an amount in the shop currency: ¥1,280.00.
func formatMoney(m shop.Money, currency string) string {
	cur, ok := currencies[strings.ToUpper(currency)]
	if !ok {
		cur.digits = 2
		cur.symbol = strings.ToUpper(currency) + " "
		if currency == "" {
			cur.symbol = "¥"
		}
	}
	neg := m < 0
	if neg {
		m = -m
	}
	unit := int64(1)
	for i := 0; i < cur.digits; i++ {
		unit *= 10
	}
	whole, frac := int64(m)/unit, int64(m)%unit
	var sb strings.Builder
	if neg {
		sb.WriteByte('-')
	}
	sb.WriteString(cur.symbol)
	sb.WriteString(groupThousands(strconv.FormatInt(whole, 10)))
	if cur.digits > 0 {
		f := strconv.FormatInt(frac, 10)
		sb.WriteByte('.')
		sb.WriteString(strings.Repeat("0", cur.digits-len(f)))
		sb.WriteString(f)
	}
	return sb.String()
}

func groupThousands(digits string) string {
	if len(digits) <= 3 {
		return digits
	}
	var sb strings.Builder
	lead := len(digits) % 3
	if lead > 0 {
		sb.WriteString(digits[:lead])
	}
	for i := lead; i < len(digits); i += 3 {
		if sb.Len() > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(digits[i : i+3])
	}
	return sb.String()
}

// formatNumber prints a quantity or hours without needless zeros: 1, 2.5, 0.25.
func formatNumber(v float64) string {
	s := strconv.FormatFloat(v, 'f', 2, 64)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

func formatKM(km int, lang string) string {
	n := groupThousands(strconv.Itoa(km))
	if km < 0 {
		n = "-" + groupThousands(strconv.Itoa(-km))
	}
	if lang == LangZH {
		return n + " 公里"
	}
	return n + " km"
}

// formatDate prints a date the way a form in that language writes it.
func formatDate(t time.Time, lang string) string {
	if t.IsZero() {
		return ""
	}
	if lang == LangZH {
		return t.Format("2006年1月2日")
	}
	return t.Format("2 Jan 2006")
}

func formatDateTime(t time.Time, lang string) string {
	if t.IsZero() {
		return ""
	}
	return formatDate(t, lang) + " " + t.Format("15:04")
}

// formatShortDate is for labels and seals: 2026-11-23 in both languages.
func formatShortDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01-02")
}
