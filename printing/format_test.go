package printing

import (
	"testing"
	"time"

	"bayboard/internal/shop"
)

func TestFormatMoney(t *testing.T) {
	for _, tc := range []struct {
		m    shop.Money
		cur  string
		want string
	}{
		{12800, "CNY", "¥128.00"},
		{140200, "CNY", "¥1,402.00"},
		{5, "CNY", "¥0.05"},
		{0, "CNY", "¥0.00"},
		{-4200, "CNY", "-¥42.00"},
		{123456789, "cny", "¥1,234,567.89"},
		{1500, "JPY", "¥1,500"},
		{1999, "USD", "$19.99"},
		{1999, "", "¥19.99"},
		{1999, "CHF", "CHF 19.99"},
	} {
		if got := formatMoney(tc.m, tc.cur); got != tc.want {
			t.Errorf("formatMoney(%d, %q) = %q, want %q", tc.m, tc.cur, got, tc.want)
		}
	}
}

func TestFormatNumbersAndDates(t *testing.T) {
	for v, want := range map[float64]string{1: "1", 4.5: "4.5", 0.25: "0.25", 1.2: "1.2", 0: "0", 2.999: "3"} {
		if got := formatNumber(v); got != want {
			t.Errorf("formatNumber(%v) = %q, want %q", v, got, want)
		}
	}
	if got := formatKM(10236, LangZH); got != "10,236 公里" {
		t.Errorf("formatKM zh = %q", got)
	}
	if got := formatKM(10236, LangEN); got != "10,236 km" {
		t.Errorf("formatKM en = %q", got)
	}
	at := time.Date(2026, 11, 3, 9, 5, 0, 0, shanghai)
	for _, tc := range []struct{ got, want string }{
		{formatDate(at, LangZH), "2026年11月3日"},
		{formatDate(at, LangEN), "3 Nov 2026"},
		{formatDateTime(at, LangZH), "2026年11月3日 09:05"},
		{formatShortDate(at), "2026-11-03"},
		{formatDateTime(time.Time{}, LangZH), ""},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
	for in, want := range map[[2]string]string{{"", "zh-CN"}: LangZH, {"en", "zh-CN"}: LangEN, {"", "en-GB"}: LangEN, {"fr", ""}: LangZH, {"", ""}: LangZH} {
		if got := normLang(in[0], in[1]); got != want {
			t.Errorf("normLang(%q, %q) = %q", in[0], in[1], got)
		}
	}
}

// TestTimesPrintInTheShopsZone: a job stored in UTC prints in Beijing time.
func TestTimesPrintInTheShopsZone(t *testing.T) {
	r := testRenderer(t)
	d := r.newDoc(LangZH, shop.Settings{TimeZone: "Asia/Shanghai"}, time.Date(2026, 11, 23, 1, 30, 0, 0, time.UTC))
	if d.loc == nil {
		t.Skip("no time zone database on this machine")
	}
	if got := d.dateTime(time.Date(2026, 11, 23, 8, 30, 0, 0, time.UTC)); got != "2026年11月23日 16:30" {
		t.Errorf("got %q", got)
	}
}
