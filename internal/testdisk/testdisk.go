// Package testdisk keeps a test binary's temporary files in memory: the
// data files of the test shops, their photos, the browser's profile. Only
// tests import it, from their TestMain (livetest.Run does it for the
// browser tests).
//
// A committed change costs bbolt two fsyncs, about 10 ms each on this
// project's build machines' disks, and a test shop commits hundreds: on a
// shared machine a package's tests spent as much time waiting on the disk
// as computing. No test can tell an fsync from none (none cuts the power;
// a killed process's writes stay in the page cache either way), so the
// files go to tmpfs, where an fsync returns at once. The files, the
// locks, the renames and the servers' reading them back are the same.
package testdisk

import (
	"os"
	"testing"
)

// shm is where Linux mounts its tmpfs for everyone.
const shm = "/dev/shm"

// minFree is the room /dev/shm must have for the tests' files to go
// there: a container's is often 64 MB, which the browser tests' profiles
// and a few shops would fill.
const minFree = 2 << 30

// Use points TMPDIR (t.TempDir, os.MkdirTemp, and the processes the tests
// start) at a directory of its own under /dev/shm, and returns what
// removes it once the tests are done. A TMPDIR the person running the
// tests set is kept, and so is the disk where there is no /dev/shm or it
// has less than minFree.
func Use() (done func()) {
	if os.Getenv("TMPDIR") != "" || free(shm) < minFree {
		return func() {}
	}
	dir, err := os.MkdirTemp(shm, "bayboard-test-")
	if err != nil {
		return func() {}
	}
	os.Setenv("TMPDIR", dir)
	return func() {
		os.Unsetenv("TMPDIR")
		os.RemoveAll(dir)
	}
}

// Run runs a package's tests with Use: a package calls it from TestMain,
// as os.Exit(testdisk.Run(m)).
func Run(m *testing.M) int {
	defer Use()()
	return m.Run()
}
