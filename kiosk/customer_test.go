package kiosk

import (
	"errors"
	"strings"
	"testing"
	"time"

	"bayboard/internal/shop"
)

func TestCustomerLinks(t *testing.T) {
	tok := NewTokens([]byte("0123456789abcdef0123456789abcdef"))
	urls := URLs{Base: "http://192.168.1.20:8080/", Tokens: tok}
	j := &shop.Job{ID: "20261123-0007", Stage: shop.StageInProgress}
	link := urls.Customer(j)
	if !strings.HasPrefix(link, "http://192.168.1.20:8080/c/20261123-0007.") {
		t.Fatalf("link %q", link)
	}
	token := link[strings.LastIndex(link, "/")+1:]
	set := shop.DefaultSettings()
	find := func(id string) *shop.Job {
		if id == j.ID {
			return j
		}
		return nil
	}
	if got, err := CustomerJob(tok, set, token, t0, find); err != nil || got != j {
		t.Fatalf("open job: %v", err)
	}
	// Delivered: the link works for the shop's days, then stops.
	delivered := *j
	delivered.Stage = shop.StageDelivered
	delivered.Stages = []shop.StageChange{{Stage: shop.StageDelivered, At: t0}}
	j = &delivered
	if _, err := CustomerJob(tok, set, token, t0.Add(6*24*time.Hour), find); err != nil {
		t.Errorf("six days after delivery: %v", err)
	}
	if _, err := CustomerJob(tok, set, token, t0.Add(8*24*time.Hour), find); !errors.Is(err, ErrExpired) {
		t.Errorf("eight days after delivery: %v", err)
	}
	// Revoked: the generation moved on.
	j.CustomerLinkGen = 1
	if _, err := CustomerJob(tok, set, token, t0, find); !errors.Is(err, ErrRevoked) {
		t.Errorf("revoked: %v", err)
	}
	// A job code is not a customer link.
	jobLink := urls.Job(j.ID)
	if _, err := CustomerJob(tok, set, jobLink[strings.LastIndex(jobLink, "/")+1:], t0, find); !errors.Is(err, ErrWrongPurpose) {
		t.Errorf("job code as customer link: %v", err)
	}
}
