package web

import (
	"strings"
	"testing"
	"time"
)

// A shop's kiosk, customer and pairing pages keep their own pace of
// asking again (no data-poll: 3 to 10 s, in the scripts); only a server
// given a PagePoll, as the browser tests' are, tells them another.
func TestPagesAskAgainAtTheirOwnPaceUnlessTold(t *testing.T) {
	paths := []string{"/k/parts", "/board/lounge"}
	shopServer := newTestShop(t)
	for _, p := range paths {
		r := shopServer.call(t, nil, "GET", p, "", nil)
		if r.status != 200 || !strings.Contains(string(r.body), "<html") {
			t.Fatalf("%s: %d %s", p, r.status, r.body)
		}
		if strings.Contains(string(r.body), "data-poll") {
			t.Errorf("%s of a shop's server sets a pace: %s", p, r.body)
		}
	}
	told := newTestShopOptions(t, Options{PagePoll: 250 * time.Millisecond})
	for _, p := range paths {
		if r := told.call(t, nil, "GET", p, "", nil); !strings.Contains(string(r.body), `data-poll="250"`) {
			t.Errorf("%s of a server told 250 ms: %d %s", p, r.status, r.body)
		}
	}
}
