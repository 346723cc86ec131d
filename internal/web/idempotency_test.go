package web

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"bayboard/internal/shop"
)

// A new customer's form: each accepted one adds a customer.
const newCustomer = `{"type":"put_customer","customer":{"name":"王女士","phone":"13900001111"}}`

func customers(ts *testShop) int { return len(ts.eng.State().Customers) }

// A form sent twice with its key adds one customer; the repeat gets the first
// answer, marked as replayed.
func TestADoubleSubmitAddsOneCustomer(t *testing.T) {
	ts := newTestShop(t)
	before := customers(ts)
	tok := ts.tokens[shop.RoleAdvisor]
	first := ts.call(t, nil, "POST", "/api/v1/commands", tok, newCustomer, "Idempotency-Key", "form-7f3a")
	again := ts.call(t, nil, "POST", "/api/v1/commands", tok, newCustomer, "Idempotency-Key", "form-7f3a")
	if first.status != 200 || again.status != 200 {
		t.Fatalf("%d %s / %d %s", first.status, first.body, again.status, again.body)
	}
	if string(again.body) != string(first.body) || again.header.Get("Idempotency-Key-Replayed") != "true" {
		t.Errorf("the repeat got %s, not the first answer %s", again.body, first.body)
	}
	if n := customers(ts); n != before+1 {
		t.Errorf("%d customers added, want 1", n-before)
	}
	// Another key, or another user with the same key, is another form.
	ts.call(t, nil, "POST", "/api/v1/commands", tok, newCustomer, "Idempotency-Key", "form-8b01")
	ts.call(t, nil, "POST", "/api/v1/commands", ts.tokens[shop.RoleManager], newCustomer, "Idempotency-Key", "form-7f3a")
	if n := customers(ts); n != before+3 {
		t.Errorf("%d customers added, want 3", n-before)
	}
}

// Two clicks that race each other still add one customer.
func TestConcurrentRepeatsAddOneCustomer(t *testing.T) {
	ts := newTestShop(t)
	before := customers(ts)
	var wg sync.WaitGroup
	bodies := make([]string, 8)
	for i := range bodies {
		wg.Go(func() {
			r := ts.call(t, nil, "POST", "/api/v1/commands", ts.tokens[shop.RoleAdvisor], newCustomer, "Idempotency-Key", "click")
			if r.status != 200 {
				t.Errorf("%d %s", r.status, r.body)
			}
			bodies[i] = string(r.body)
		})
	}
	wg.Wait()
	if n := customers(ts); n != before+1 {
		t.Errorf("%d customers added, want 1", n-before)
	}
	for _, b := range bodies[1:] {
		if b != bodies[0] {
			t.Errorf("answers differ: %s / %s", b, bodies[0])
		}
	}
}

// A refused command is not remembered: once fixed, the same key acts.
// A bad key is refused and changes nothing.
func TestARefusedCommandIsJudgedAfreshAndBadKeysAreRefused(t *testing.T) {
	ts := newTestShop(t)
	before := customers(ts)
	tok := ts.tokens[shop.RoleAdvisor]
	bad := `{"type":"put_customer","customer":{"name":"","phone":"13900001111"}}`
	if r := ts.call(t, nil, "POST", "/api/v1/commands", tok, bad, "Idempotency-Key", "k1"); r.status == 200 {
		t.Fatalf("a customer without a name was added: %s", r.body)
	}
	if r := ts.call(t, nil, "POST", "/api/v1/commands", tok, newCustomer, "Idempotency-Key", "k1"); r.status != 200 || r.header.Get("Idempotency-Key-Replayed") != "" {
		t.Fatalf("the corrected form: %d %s", r.status, r.body)
	}
	for _, key := range []string{"has space", "tab\there", strings.Repeat("k", 101)} {
		r := ts.call(t, nil, "POST", "/api/v1/commands", tok, newCustomer, "Idempotency-Key", key)
		if r.status != 400 || r.problem(t).Code != "invalid" {
			t.Errorf("key %q: %d %s", key, r.status, r.body)
		}
	}
	if n := customers(ts); n != before+1 {
		t.Errorf("%d customers added, want 1", n-before)
	}
}

// Racing repeats of a refused command are each refused, none waits on.
func TestConcurrentRefusalsAreEachAnswered(t *testing.T) {
	ts := newTestShop(t)
	bad := `{"type":"put_customer","customer":{"name":"","phone":"13900001111"}}`
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			r := ts.call(t, nil, "POST", "/api/v1/commands", ts.tokens[shop.RoleAdvisor], bad, "Idempotency-Key", "same")
			if r.status != 400 {
				t.Errorf("%d %s", r.status, r.body)
			}
		})
	}
	wg.Wait()
}

// However many keyed commands are refused or answered, the server keeps
// at most maxReplays keys.
func TestRememberedKeysStayBounded(t *testing.T) {
	r := newReplays()
	now := t0
	for i := range 3 * maxReplays {
		key := fmt.Sprint(i)
		if _, first, err := r.begin(context.Background(), key, requestDigest("POST", "/c", []byte(key)), now); err != nil || !first {
			t.Fatalf("key %s: first %v, %v", key, first, err)
		}
		r.finish(key, i%2 == 0, []byte("{}"))
	}
	if len(r.order) > maxReplays+1 || len(r.byKey) > maxReplays+1 {
		t.Errorf("%d keys listed, %d remembered; at most %d", len(r.order), len(r.byKey), maxReplays)
	}
	// An old answer is forgotten after ReplayFor.
	r.begin(context.Background(), "late", requestDigest("POST", "/c", nil), now.Add(ReplayFor+time.Second))
	if len(r.byKey) != 1 {
		t.Errorf("%d keys remembered a day later, want just the new one", len(r.byKey))
	}
}

// A key sent again with another request is refused with 422 and acts
// nothing: it is not answered with the first request's reply.
func TestAKeyReusedForAnotherRequestIsRefused(t *testing.T) {
	ts := newTestShop(t)
	before := customers(ts)
	tok := ts.tokens[shop.RoleAdvisor]
	first := ts.call(t, nil, "POST", "/api/v1/commands", tok, newCustomer, "Idempotency-Key", "form-1")
	if first.status != 200 {
		t.Fatalf("%d %s", first.status, first.body)
	}
	other := `{"type":"put_customer","customer":{"name":"李先生","phone":"13900002222"}}`
	r := ts.call(t, nil, "POST", "/api/v1/commands", tok, other, "Idempotency-Key", "form-1")
	if r.status != 422 || r.problem(t).Code != "idempotency_key_reused" {
		t.Errorf("another request under the same key: %d %s", r.status, r.body)
	}
	if r.header.Get("Idempotency-Key-Replayed") != "" {
		t.Errorf("the other request was answered as a replay")
	}
	if n := customers(ts); n != before+1 {
		t.Errorf("%d customers added, want 1", n-before)
	}
	// The same request again is still the first's answer.
	again := ts.call(t, nil, "POST", "/api/v1/commands", tok, newCustomer, "Idempotency-Key", "form-1")
	if again.status != 200 || string(again.body) != string(first.body) {
		t.Errorf("the true repeat: %d %s", again.status, again.body)
	}
}

// However large the answers, the ones kept stay within maxReplayBytes; an
// answer too large to keep is not kept, and its repeat is judged afresh.
func TestRememberedAnswersStayBoundedInBytes(t *testing.T) {
	r := newReplays()
	answer := make([]byte, maxReplayBytes/20)
	for i := range 100 {
		key := fmt.Sprint(i)
		d := requestDigest("POST", "/c", []byte(key))
		if _, first, err := r.begin(context.Background(), key, d, t0); err != nil || !first {
			t.Fatalf("key %s: first %v, %v", key, first, err)
		}
		r.finish(key, true, answer)
	}
	r.begin(context.Background(), "next", requestDigest("POST", "/c", nil), t0)
	kept := 0
	for _, p := range r.byKey {
		kept += len(p.body)
	}
	if kept > maxReplayBytes || r.bytes != kept {
		t.Errorf("%d bytes kept (counted %d), at most %d", kept, r.bytes, maxReplayBytes)
	}
	// The newest answers are the ones kept.
	if _, ok := r.byKey["99"]; !ok {
		t.Errorf("the newest answer was forgotten")
	}
	huge := requestDigest("POST", "/c", []byte("huge"))
	r.begin(context.Background(), "huge", huge, t0)
	r.finish("huge", true, make([]byte, maxReplayBytes/10+1))
	if _, first, _ := r.begin(context.Background(), "huge", huge, t0); !first {
		t.Errorf("an answer too large to keep was kept")
	}
}
