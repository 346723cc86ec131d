// Package livetest runs the real server in a test's process and drives
// real headless Chromium against it: the harness of the browser tests of
// the boards, the kiosk and the desk. It is imported by tests only.
//
// A test needs Chromium (Debian's chromium package); without it the test
// skips with a message, except under CI=true, where it fails.
package livetest
