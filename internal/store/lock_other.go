//go:build !unix

package store

import (
	"io"
	"os"
)

// sharedLock is bbolt's business where flock is not: the read-only open
// that follows the walk reports a held file.
func sharedLock(*os.File) error { return nil }

// mapFile reads the whole file where mmap is not at hand.
func mapFile(f *os.File) ([]byte, func(), error) {
	data, err := io.ReadAll(f)
	return data, func() {}, err
}
