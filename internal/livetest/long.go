package livetest

import (
	"os"
	"testing"
)

// LongEnv is the variable that lets the long tests run: the board's
// half-minute soak, the static build from a cold cache, and the tours that
// walk the whole product (the first day end to end, every page under the
// content policy in both languages, the load tool's short run against a
// demo shop). They leave the default `go test ./...` so that it stays
// quick — each page and each step of the tours has a focused test there —
// and .ci/run runs them in a step of their own with LongEnv=1.
const LongEnv = "BAYBOARD_LONG"

// Long skips a long test unless LongEnv is 1, saying how to run it.
func Long(t testing.TB) {
	t.Helper()
	if os.Getenv(LongEnv) != "1" {
		t.Skipf("a long test: runs with %s=1 (as .ci/run does)", LongEnv)
	}
}
