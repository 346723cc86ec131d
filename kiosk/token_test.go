package kiosk

import (
	"errors"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

func TestTokens(t *testing.T) {
	tok := NewTokens([]byte("shop secret of 32 bytes, random!"))
	job := tok.Sign(PurposeJob, "20261123-0007", time.Time{}, 0)
	cust := tok.Sign(PurposeCustomer, "20261123-0007", t0.Add(72*time.Hour), 2)
	if id, gen, err := tok.Verify(PurposeJob, job, t0); err != nil || id != "20261123-0007" || gen != 0 {
		t.Fatalf("job token: %q %d %v", id, gen, err)
	}
	if id, gen, err := tok.Verify(PurposeCustomer, cust, t0.Add(71*time.Hour)); err != nil || id != "20261123-0007" || gen != 2 {
		t.Fatalf("customer token: %q %d %v", id, gen, err)
	}
	other := NewTokens([]byte("another shop's secret............"))
	tampered := strings.Replace(job, "0007", "0008", 1)
	cases := []struct {
		name    string
		purpose Purpose
		token   string
		want    error
	}{
		{"expired", PurposeCustomer, cust, ErrExpired},
		{"wrong purpose", PurposeCustomer, job, ErrWrongPurpose},
		{"tampered id", PurposeJob, tampered, ErrForged},
		{"another shop's", PurposeJob, other.Sign(PurposeJob, "20261123-0007", time.Time{}, 0), ErrForged},
		{"garbage", PurposeJob, "not-a-token", ErrForged},
		{"empty", PurposeJob, "", ErrForged},
		{"long", PurposeJob, strings.Repeat("a", 500), ErrForged},
	}
	for _, c := range cases {
		now := t0
		if c.name == "expired" {
			now = t0.Add(72 * time.Hour)
		}
		if _, _, err := tok.Verify(c.purpose, c.token, now); !errors.Is(err, c.want) {
			t.Errorf("%s: err = %v, want %v", c.name, err, c.want)
		}
	}
	if len(job) > 48 {
		t.Errorf("job token %q is long for a QR code", job)
	}
}
