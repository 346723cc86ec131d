package store

import (
	"errors"
	"fmt"
	"os"
	"runtime/debug"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

var (
	// ErrNotDataFile means a file is not a complete bayboard data file:
	// empty, not a bbolt file, or a bbolt file of something else.
	ErrNotDataFile = errors.New("not a complete bayboard data file")
	// ErrDamaged means a bayboard data file fails bbolt's consistency
	// check or cannot be read to its end (truncated, bytes flipped).
	ErrDamaged = errors.New("the data file is damaged")
)

// Inspect checks the file at path without writing a byte to it: its page
// tree is walked as bytes read from the file (checkPages), so that bbolt
// never follows a page number or a length out of the file; then it is
// opened read-only, must have a meta bucket with a schema version this
// code knows and the buckets that version has, and must pass bbolt's
// consistency check. A fault or a panic inside bbolt becomes an error,
// never a crash. Restore and BackupFile call it before anything else.
func Inspect(path string) error { return inspect(path, true) }

// inspect is Inspect; without full, the walk leaves out the event
// history (events/, job_events/: most of a year's file, which a start
// does not read) and bbolt's own check (every key in order: seconds on a
// year's file) is not run, which keeps a start within its second
// (docs/BENCHMARKS.md). Open runs the full check before a migration.
func inspect(path string, full bool) error {
	info, err := os.Stat(path)
	if err != nil {
		return err
	}
	if !info.Mode().IsRegular() {
		return fmt.Errorf("%w: %s is not a regular file", ErrNotDataFile, path)
	}
	if info.Size() == 0 {
		return fmt.Errorf("%w: %s is empty", ErrNotDataFile, path)
	}
	if err := checkPages(path, full); err != nil {
		return err
	}
	return withReadOnly(path, func(tx *bolt.Tx) error { return checkTx(tx, full) })
}

// withReadOnly opens path read-only and calls fn in a read transaction,
// turning a fault or a panic inside bbolt into ErrDamaged.
func withReadOnly(path string, fn func(tx *bolt.Tx) error) error {
	return readSafely(path, func() error {
		db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: LockWait, ReadOnly: true})
		if errors.Is(err, bolterrors.ErrTimeout) {
			return lockedError(path)
		}
		if err != nil {
			return fmt.Errorf("%w: %s: %v", ErrNotDataFile, path, err)
		}
		defer db.Close()
		return db.View(fn)
	})
}

// readSafely runs fn, which reads the file at path through bbolt's memory
// map, so that a read past the end of a truncated file (SIGBUS) or a
// bbolt panic on a garbage page is returned as ErrDamaged. It runs fn on
// the caller's goroutine: the panic-on-fault setting is per goroutine.
func readSafely(path string, fn func() error) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: %s cannot be read (%v)", ErrDamaged, path, r)
		}
	}()
	return fn()
}

// checkTx checks a file's bayboard buckets in one read transaction and,
// when full or when a migration will write, runs bbolt's check.
func checkTx(tx *bolt.Tx, full bool) error {
	path := tx.DB().Path()
	meta := tx.Bucket(bucketMeta)
	if meta == nil {
		return fmt.Errorf("%w: %s has no bayboard meta bucket", ErrNotDataFile, path)
	}
	raw := meta.Get(keySchemaVersion)
	if len(raw) != 8 || getU64(raw) == 0 {
		return fmt.Errorf("%w: %s has no schema version", ErrNotDataFile, path)
	}
	version := getU64(raw)
	if version > SchemaVersion {
		return fmt.Errorf("%w: %s has schema version %d and this bayboard knows up to %d; run a newer bayboard", ErrNewerSchema, path, version, SchemaVersion)
	}
	if len(meta.Get(keySecret)) != 32 {
		return fmt.Errorf("%w: %s has no shop secret", ErrNotDataFile, path)
	}
	for _, b := range requiredBuckets(version) {
		if tx.Bucket(b) == nil {
			return fmt.Errorf("%w: %s lacks its %s bucket", ErrNotDataFile, path, b)
		}
	}
	if !full {
		return nil
	}
	var errs []error
	for err := range tx.Check() {
		errs = append(errs, err)
		if len(errs) == 10 {
			break // enough to say it is damaged
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("%w: %s fails the consistency check: %w", ErrDamaged, path, errors.Join(errs...))
	}
	return nil
}

// requiredBuckets are the top-level buckets a file at a schema version
// has: what the migrations up to it create.
func requiredBuckets(version uint64) [][]byte {
	out := [][]byte{bucketRecords, bucketEvents, bucketOpenJobs, bucketClosedJobs, bucketAuth}
	if version >= 2 {
		out = append(out, bucketJobEvents)
	}
	if version >= setAsideVersion {
		out = append(out, bucketSetAside)
	}
	if version >= vehicleHistoryVersion {
		out = append(out, bucketVehicleJobs)
	}
	return out
}

func lockedError(path string) error {
	return fmt.Errorf("%w: %s (is another bayboard running on it?)", ErrLocked, path)
}

// probeLock fails with ErrLocked while a server holds the file at path,
// reading nothing of it.
func probeLock(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return sharedLock(f)
}

// schemaVersionOf reads a checked file's schema version, read-only.
func schemaVersionOf(path string) (uint64, error) {
	var v uint64
	err := withReadOnly(path, func(tx *bolt.Tx) error {
		v = getU64(tx.Bucket(bucketMeta).Get(keySchemaVersion))
		return nil
	})
	return v, err
}
