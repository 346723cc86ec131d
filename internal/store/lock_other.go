//go:build !unix

package store

import "os"

// sharedLock is bbolt's business where flock is not: the read-only open
// that follows the walk reports a held file.
func sharedLock(*os.File) error { return nil }
