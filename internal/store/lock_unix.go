//go:build unix

package store

import (
	"errors"
	"os"
	"syscall"
	"time"
)

// sharedLock takes a shared lock on an open data file, as a read-only
// bbolt open does, waiting up to LockWait: while a server holds the file
// (bbolt's exclusive lock) it fails with ErrLocked, so that a file being
// written is never read as if it were damaged. Closing f lets it go.
func sharedLock(f *os.File) error {
	deadline := time.Now().Add(LockWait)
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB)
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			return err
		}
		if time.Now().After(deadline) {
			return lockedError(f.Name())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// mapFile maps an open file read-only, whole.
func mapFile(f *os.File) ([]byte, func(), error) {
	info, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	if info.Size() == 0 {
		return nil, func() {}, nil
	}
	data, err := syscall.Mmap(int(f.Fd()), 0, int(info.Size()), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil, nil, err
	}
	return data, func() { syscall.Munmap(data) }, nil
}
