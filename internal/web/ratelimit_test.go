package web

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"bayboard/internal/access"
	"bayboard/internal/shop"
)

// A script sending commands as fast as it can is held back: past the
// burst it gets 429 rate_limited with Retry-After and nothing is done,
// while another person, and another token of the same person, carry on.
// Once the wall clock has moved on, it may send again.
func TestCommandsAreRateLimitedPerUserAndToken(t *testing.T) {
	wall := &testClock{now: t0}
	ts := newTestShopOptions(t, Options{WallClock: wall.Now,
		CommandLimit: CommandLimit{PerSecond: 0.5, Burst: 3, BytesPerSecond: 1 << 20, BurstBytes: 1 << 20}})
	advisor := ts.tokens[shop.RoleAdvisor]
	before := customers(ts)
	send := func(token string, i int) response {
		body := fmt.Sprintf(`{"type":"put_customer","customer":{"name":"客户%d","phone":"13900001111"}}`, i)
		return ts.call(t, nil, "POST", "/api/v1/commands", token, body)
	}
	for i := range 3 {
		if r := send(advisor, i); r.status != 200 {
			t.Fatalf("command %d within the burst: %d %s", i, r.status, r.body)
		}
	}
	r := send(advisor, 3)
	if r.status != 429 || r.problem(t).Code != "rate_limited" {
		t.Fatalf("the command past the burst: %d %s", r.status, r.body)
	}
	if got := r.header.Get("Retry-After"); got != "2" {
		t.Errorf("Retry-After %q, want 2 (one command every 2 s)", got)
	}
	if n := customers(ts); n != before+3 {
		t.Errorf("%d customers added, want 3: the refused command acted", n-before)
	}
	// A change by another route is held back as well.
	if r := ts.call(t, nil, "POST", "/api/v1/me/password", advisor, `{"old":"x","new":"y","new_again":"y"}`); r.status != 429 {
		t.Errorf("a password change past the limit: %d %s", r.status, r.body)
	}
	// Reading is not limited.
	if r := ts.call(t, nil, "GET", "/api/v1/customers", advisor, nil); r.status != 200 {
		t.Errorf("a read past the limit: %d", r.status)
	}
	// Another person, and another token of the same person, have their own.
	if r := send(ts.tokens[shop.RoleManager], 10); r.status != 200 {
		t.Errorf("the manager was held back by the advisor's script: %d %s", r.status, r.body)
	}
	second, err := access.IssueToken(ts.store, access.BySystem(t0), ts.users[shop.RoleAdvisor], "second")
	if err != nil {
		t.Fatal(err)
	}
	if r := send(second, 11); r.status != 200 {
		t.Errorf("the advisor's other token was held back: %d %s", r.status, r.body)
	}
	wall.advance(2 * time.Second)
	if r := send(advisor, 12); r.status != 200 {
		t.Errorf("after Retry-After: %d %s", r.status, r.body)
	}
	if r := send(advisor, 13); r.status != 429 {
		t.Errorf("one token earned in 2 s, two spent: %d", r.status)
	}
}

// Bodies are limited in bytes too: a few large commands are held back
// before many small ones would be.
func TestCommandBytesAreRateLimited(t *testing.T) {
	wall := &testClock{now: t0}
	ts := newTestShopOptions(t, Options{WallClock: wall.Now,
		CommandLimit: CommandLimit{PerSecond: 100, Burst: 100, BytesPerSecond: 100, BurstBytes: 1000}})
	advisor := ts.tokens[shop.RoleAdvisor]
	// About 400 bytes each (JSON's white space counts): two fit in the
	// burst, a third does not.
	body := `{"type":"put_customer",` + strings.Repeat(" ", 330) + `"customer":{"name":"王女士","phone":"13900001111"}}`
	for i := range 2 {
		if r := ts.call(t, nil, "POST", "/api/v1/commands", advisor, body); r.status != 200 {
			t.Fatalf("large command %d: %d %s", i, r.status, r.body)
		}
	}
	r := ts.call(t, nil, "POST", "/api/v1/commands", advisor, body)
	if r.status != 429 || r.problem(t).Code != "rate_limited" {
		t.Fatalf("the third large command: %d %s", r.status, r.body)
	}
	if s, _ := strconv.Atoi(r.header.Get("Retry-After")); s < 1 {
		t.Errorf("Retry-After %q", r.header.Get("Retry-After"))
	}
}

// The bucket refills at its rate up to its burst, on the clock it is
// given.
func TestLimiterRefillsOnItsClock(t *testing.T) {
	clock := &testClock{now: t0}
	l := newLimiter(CommandLimit{PerSecond: 2, Burst: 4, BytesPerSecond: 1000, BurstBytes: 1000}, clock.Now)
	for i := range 4 {
		if w := l.take(10, "k"); w != 0 {
			t.Fatalf("take %d: wait %v", i, w)
		}
	}
	if w := l.take(10, "k"); w != 500*time.Millisecond {
		t.Errorf("empty bucket: wait %v, want 500ms", w)
	}
	clock.advance(time.Hour)
	for i := range 4 {
		if w := l.take(10, "k"); w != 0 {
			t.Fatalf("after an hour, take %d: wait %v (the burst is 4, not 7200)", i, w)
		}
	}
	if w := l.take(10, "k"); w == 0 {
		t.Errorf("the bucket held more than its burst")
	}
	// A body larger than the byte burst waits for a full bucket, not forever.
	clock.advance(time.Hour)
	if w := l.take(5000, "big"); w != 0 {
		t.Errorf("an oversized body on a full bucket: wait %v", w)
	}
	// Off is off.
	off := newLimiter(CommandLimit{PerSecond: -1}, clock.Now)
	for range 1000 {
		if w := off.take(1<<20, "k"); w != 0 {
			t.Fatalf("a limit turned off held back: %v", w)
		}
	}
}
