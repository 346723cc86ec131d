package web_test

import (
	"os"
	"testing"

	"bayboard/internal/livetest"
)

// The browser tests share one Chromium, which ends with the tests.
func TestMain(m *testing.M) { os.Exit(livetest.Run(m)) }
