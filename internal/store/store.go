package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"bayboard/internal/shop"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

var (
	// ErrLocked means another process has the data file open.
	ErrLocked = errors.New("data file is in use by another process")
	// ErrNewerSchema means the file was written by a newer bayboard.
	ErrNewerSchema = errors.New("data file is newer than this bayboard")
)

// LockWait is how long Open waits for another process to let go of the
// file: long enough for a restarting server to close it, short enough that
// a second server fails at once instead of hanging.
const LockWait = time.Second

// Store is an open data file.
type Store struct {
	db   *bolt.DB
	path string
}

// Open opens (creating if needed) a data file and brings its schema up to
// date.
func Open(path string) (*Store, error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, err
		}
	}
	// An existing file is checked read-only first: bbolt loads the free
	// list and a migration writes on a read-write open, and a refused file
	// must stay byte for byte as it was.
	if _, err := os.Stat(path); err == nil {
		if err := inspect(path, false); err != nil {
			return nil, err
		}
		// A migration writes: the whole file is checked before it.
		v, err := schemaVersionOf(path)
		if err != nil {
			return nil, err
		}
		if v < SchemaVersion {
			if err := Inspect(path); err != nil {
				return nil, err
			}
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("open data file %s: %w", path, err)
	}
	// The check above read every page; the open and the migrations run
	// guarded all the same, so that nothing it missed can crash a start.
	var db *bolt.DB
	err := readSafely(path, func() error {
		var err error
		db, err = bolt.Open(path, 0o600, &bolt.Options{Timeout: LockWait, FreelistType: bolt.FreelistMapType})
		if errors.Is(err, bolterrors.ErrTimeout) {
			return lockedError(path)
		}
		if err != nil {
			return fmt.Errorf("open data file %s: %w", path, err)
		}
		return migrate(db)
	})
	if err != nil {
		if db != nil {
			db.Close()
		}
		return nil, err
	}
	return &Store{db: db, path: path}, nil
}

// Close closes the file.
func (s *Store) Close() error { return s.db.Close() }

// Path is the data file's path.
func (s *Store) Path() string { return s.path }

// Secret returns the shop's random secret.
func (s *Store) Secret() []byte {
	var out []byte
	s.db.View(func(tx *bolt.Tx) error {
		out = append(out, tx.Bucket(bucketMeta).Get(keySecret)...)
		return nil
	})
	return out
}

// Load reads the live state: every record but jobs, the open jobs, the jobs
// closed since now-shop.KeepClosed, and the parts and findings of those jobs.
// It does not replay the event history, so start-up does not grow with it.
//
// A record it cannot read (damaged, or with a field a newer bayboard
// wrote) does not stop the start: it is moved to set_aside/ and left out,
// and Load returns it with the state, so that the start can report it.
func (s *Store) Load(now time.Time) (*shop.State, []SetAside, error) {
	st := shop.NewState()
	var aside []SetAside
	err := s.db.View(func(tx *bolt.Tx) error {
		jobs := records(tx, shop.KindJob)
		loadJob := func(id []byte) {
			var v []byte
			if jobs != nil {
				v = jobs.Get(id)
			}
			if v == nil {
				aside = append(aside, SetAside{Kind: shop.KindJob, ID: string(id), Reason: reasonMissing, At: now.UTC(), detail: reasonMissing})
				return
			}
			j := &shop.Job{}
			if err := decodeStrict(v, j); err != nil {
				aside = append(aside, setAsideOf(shop.KindJob, id, v, err, now))
				return
			}
			st.Put(shop.Record{Kind: shop.KindJob, ID: j.ID, Value: j})
		}
		st.Seq = tx.Bucket(bucketEvents).Sequence()
		tx.Bucket(bucketOpenJobs).ForEach(func(k, _ []byte) error { loadJob(k); return nil })
		c := tx.Bucket(bucketClosedJobs).Cursor()
		from := []byte(now.Add(-shop.KeepClosed).UTC().Format(time.RFC3339))
		for k, _ := c.Seek(from); k != nil; k, _ = c.Next() {
			if len(k) > closedTimeLen {
				loadJob(k[closedTimeLen:])
			}
		}
		for _, kind := range shop.RecordKinds {
			if kind == shop.KindJob {
				continue
			}
			b := records(tx, kind)
			if b == nil {
				continue
			}
			b.ForEach(func(k, v []byte) error {
				val, err := decodeRecord(kind, v)
				if err != nil {
					aside = append(aside, setAsideOf(kind, k, v, err, now))
					return nil
				}
				st.Put(shop.Record{Kind: kind, ID: string(k), Value: val})
				return nil
			})
		}
		// A counter set aside would start again at 1 and hand out ids
		// that records already have: it restarts after the highest id in
		// use instead.
		for _, a := range aside {
			if a.Kind == shop.KindCounter {
				st.Put(shop.Record{Kind: shop.KindCounter, ID: a.ID, Value: &shop.Counter{Name: a.ID, Value: highestNumber(tx, a.ID)}})
			}
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	if len(aside) > 0 {
		if err := s.setAside(aside); err != nil {
			return nil, nil, fmt.Errorf("set aside %d unreadable records: %w", len(aside), err)
		}
	}
	// Parts requests and findings of jobs no longer live stay on disk only.
	for id, p := range st.PartsRequests {
		if st.Jobs[p.JobID] == nil {
			delete(st.PartsRequests, id)
		}
	}
	for id, f := range st.Findings {
		if st.Jobs[f.JobID] == nil {
			delete(st.Findings, id)
		}
	}
	return st, aside, nil
}

// encoded is a record marshalled before the transaction starts, so that the
// write lock is held for as short a time as possible.
type encoded struct {
	kind, id string
	data     []byte
	job      *shop.Job
}

// Commit writes changed records and their events in one transaction and
// returns the events numbered, once the transaction is on disk.
func (s *Store) Commit(recs []shop.Record, events []shop.Event) ([]shop.Event, error) {
	return s.commit(recs, events, nil)
}

func (s *Store) commit(recs []shop.Record, events []shop.Event, deliveries [][]string) ([]shop.Event, error) {
	return s.commitWith(recs, events, deliveries, nil)
}

// commitWith writes records and events, and queues the events' outbox
// entries: deliveries for webhooks, messages for customers.
func (s *Store) commitWith(recs []shop.Record, events []shop.Event, deliveries [][]string, messages [][]shop.OutboxMessage) ([]shop.Event, error) {
	encs := make([]encoded, len(recs))
	for i, r := range recs {
		data, err := encodeRecord(r.Value)
		if err != nil {
			return nil, fmt.Errorf("encode %s %s: %w", r.Kind, r.ID, err)
		}
		encs[i] = encoded{kind: r.Kind, id: r.ID, data: data}
		if j, ok := r.Value.(*shop.Job); ok {
			encs[i].job = j
		}
	}
	out := make([]shop.Event, len(events))
	copy(out, events)
	err := s.db.Update(func(tx *bolt.Tx) error {
		for _, e := range encs {
			if err := records(tx, e.kind).Put([]byte(e.id), e.data); err != nil {
				return err
			}
			if e.job != nil {
				if err := indexJob(tx, e.job); err != nil {
					return err
				}
			}
		}
		for i := range out {
			if err := appendEvent(tx, &out[i]); err != nil {
				return err
			}
		}
		if err := writeOutbox(tx, out, deliveries); err != nil {
			return err
		}
		return writeMessages(tx, out, messages)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// appendEvent numbers an event, adds it to the log and, when it is a
// job's, to that job's index.
func appendEvent(tx *bolt.Tx, ev *shop.Event) error {
	evb := tx.Bucket(bucketEvents)
	seq, err := evb.NextSequence()
	if err != nil {
		return err
	}
	ev.Seq = seq
	data, err := json.Marshal(ev)
	if err != nil {
		return err
	}
	key := u64(seq)
	if err := evb.Put(key, data); err != nil {
		return err
	}
	if ev.JobID == "" {
		return nil
	}
	b, err := tx.Bucket(bucketJobEvents).CreateBucketIfNotExists([]byte(ev.JobID))
	if err != nil {
		return err
	}
	return b.Put(key, present)
}

// indexJob keeps open_jobs and closed_jobs in step with a job's stage. A
// closed job is keyed by when it closed, which later saves do not move, so
// writing its key again is harmless; a job opened and closed in the same
// transaction (a walk-in cancelled at once, a seeded history) is indexed too.
func indexJob(tx *bolt.Tx, j *shop.Job) error {
	if err := indexVehicleJob(tx, j.VehicleID, j.ID); err != nil {
		return err
	}
	open := tx.Bucket(bucketOpenJobs)
	if j.Stage.Open() {
		return open.Put([]byte(j.ID), present)
	}
	if err := open.Delete([]byte(j.ID)); err != nil {
		return err
	}
	return tx.Bucket(bucketClosedJobs).Put(closedKey(j), present)
}

// indexVehicleJob files a job under its vehicle in vehicle_jobs.
func indexVehicleJob(tx *bolt.Tx, vehicleID, jobID string) error {
	if vehicleID == "" {
		return nil
	}
	b, err := tx.Bucket(bucketVehicleJobs).CreateBucketIfNotExists([]byte(vehicleID))
	if err != nil {
		return err
	}
	return b.Put([]byte(jobID), present)
}

// VehicleJobs reads every job of a vehicle from disk, live or long closed,
// through the vehicle_jobs index: the car's history.
func (s *Store) VehicleJobs(vehicleID string) ([]*shop.Job, error) {
	out := []*shop.Job{}
	err := s.db.View(func(tx *bolt.Tx) error {
		idx, jobs := tx.Bucket(bucketVehicleJobs).Bucket([]byte(vehicleID)), records(tx, shop.KindJob)
		if idx == nil || jobs == nil {
			return nil
		}
		return idx.ForEach(func(id, _ []byte) error {
			v := jobs.Get(id)
			if v == nil {
				return nil // set aside since: its history is in the log
			}
			j := &shop.Job{}
			if err := json.Unmarshal(v, j); err != nil {
				return fmt.Errorf("job %s: %w", id, err)
			}
			out = append(out, j)
			return nil
		})
	})
	return out, err
}

func closedKey(j *shop.Job) []byte {
	return append([]byte(j.ClosedAt().UTC().Format(time.RFC3339)), j.ID...)
}

// Job reads one job from disk, live or not.
func (s *Store) Job(id string) (*shop.Job, error) {
	var j *shop.Job
	err := s.db.View(func(tx *bolt.Tx) error {
		b := records(tx, shop.KindJob)
		if b == nil {
			return nil
		}
		if v := b.Get([]byte(id)); v != nil {
			j = &shop.Job{}
			return json.Unmarshal(v, j)
		}
		return nil
	})
	return j, err
}

// JobHistory returns every event of one job, oldest first.
func (s *Store) JobHistory(jobID string) ([]shop.Event, error) {
	var out []shop.Event
	err := s.db.View(func(tx *bolt.Tx) error {
		idx := tx.Bucket(bucketJobEvents).Bucket([]byte(jobID))
		if idx == nil {
			return nil
		}
		evb := tx.Bucket(bucketEvents)
		return idx.ForEach(func(k, _ []byte) error {
			var ev shop.Event
			if err := json.Unmarshal(evb.Get(k), &ev); err != nil {
				return err
			}
			out = append(out, ev)
			return nil
		})
	})
	return out, err
}

// JobHistoryPage returns up to limit events of one job whose number is
// above after, oldest first: a history read page by page, each page in a
// short read transaction of its own, so that a client reading a long
// history slowly neither holds the whole of it in memory nor keeps a
// transaction open (a long one would hold up the file's growth).
func (s *Store) JobHistoryPage(jobID string, after uint64, limit int) ([]shop.Event, error) {
	var out []shop.Event
	err := s.db.View(func(tx *bolt.Tx) error {
		idx := tx.Bucket(bucketJobEvents).Bucket([]byte(jobID))
		if idx == nil {
			return nil
		}
		evb := tx.Bucket(bucketEvents)
		c := idx.Cursor()
		for k, _ := c.Seek(u64(after + 1)); k != nil && len(out) < limit; k, _ = c.Next() {
			var ev shop.Event
			if err := json.Unmarshal(evb.Get(k), &ev); err != nil {
				return fmt.Errorf("event %d: %w", getU64(k), err)
			}
			out = append(out, ev)
		}
		return nil
	})
	return out, err
}

// EventsPage returns up to limit events of the log whose number is above
// after, in log order, read as JobHistoryPage reads a job's.
func (s *Store) EventsPage(after uint64, limit int) ([]shop.Event, error) {
	var out []shop.Event
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketEvents).Cursor()
		for k, v := c.Seek(u64(after + 1)); k != nil && len(out) < limit; k, v = c.Next() {
			var ev shop.Event
			if err := json.Unmarshal(v, &ev); err != nil {
				return fmt.Errorf("event %d: %w", getU64(k), err)
			}
			out = append(out, ev)
		}
		return nil
	})
	return out, err
}

// Events calls fn for each event with from <= ev.At < to, in log order.
// It reads the whole log: events are not strictly in time order (a batch
// imported or seeded carries its own times), and exports are rare.
func (s *Store) Events(from, to time.Time, fn func(shop.Event) error) error {
	return s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketEvents).Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			var ev shop.Event
			if err := json.Unmarshal(v, &ev); err != nil {
				return err
			}
			if ev.At.Before(from) || !ev.At.Before(to) {
				continue
			}
			if err := fn(ev); err != nil {
				return err
			}
		}
		return nil
	})
}

// LastSeq is the number of the newest event.
func (s *Store) LastSeq() uint64 {
	var seq uint64
	s.db.View(func(tx *bolt.Tx) error {
		seq = tx.Bucket(bucketEvents).Sequence()
		return nil
	})
	return seq
}

// Backup writes a consistent copy of the file while the server keeps
// serving (a read transaction sees one moment).
func (s *Store) Backup(w io.Writer) (int64, error) {
	var n int64
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		n, err = tx.WriteTo(w)
		return err
	})
	return n, err
}

// BackupFile copies a data file that no server holds, as it is: it is
// opened read-only, so not even a migration touches the original, and a
// file that is not a sound bayboard data file is refused, not copied.
func BackupFile(path string, w io.Writer) (int64, error) {
	if err := Inspect(path); err != nil {
		return 0, err
	}
	var n int64
	err := withReadOnly(path, func(tx *bolt.Tx) error {
		var err error
		n, err = tx.WriteTo(w)
		return err
	})
	return n, err
}

// MarkDemo records that the file holds the demo shop, which the demo may
// delete and rebuild at its next start. A real shop's file never has the
// mark, so the demo can never take a real shop's file for its own.
func (s *Store) MarkDemo() error {
	return s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketMeta).Put(keyDemo, present)
	})
}

// IsDemoFile reports whether the data file at path holds the demo shop,
// reading it without changing it (no migration runs). It fails with
// ErrLocked while a server holds the file.
func IsDemoFile(path string) (bool, error) {
	if err := checkPages(path, false); err != nil {
		return false, err
	}
	demo := false
	err := withReadOnly(path, func(tx *bolt.Tx) error {
		if meta := tx.Bucket(bucketMeta); meta != nil {
			demo = meta.Get(keyDemo) != nil
		}
		return nil
	})
	return demo, err
}

// Check runs bbolt's consistency check over the whole file.
func (s *Store) Check() error {
	return s.db.View(func(tx *bolt.Tx) error {
		var errs []error
		for err := range tx.Check() {
			errs = append(errs, err)
		}
		return errors.Join(errs...)
	})
}

// ReplacedSuffix names the file a restore replaced, kept beside the data
// file (path + ReplacedSuffix + the time of the restore) until the next
// successful start removes it (RemoveReplaced).
const ReplacedSuffix = ".before-restore-"

// Restore replaces the data file at path by a backup, after checking that
// the backup is a complete, sound bayboard data file this code can read;
// anything else is refused and the data file is not touched. It refuses
// while a server holds the data file. The file it replaces is kept beside
// it, under the name it returns ("" when there was none).
func Restore(backup, path string, now time.Time) (kept string, err error) {
	kept, _, err = RestoreWith(backup, path, "", "", now)
	return kept, err
}

// NotInUse fails with ErrLocked while a server holds the data file at
// path (a missing file is not in use): a restore asks before it unpacks
// a whole archive beside it.
func NotInUse(path string) error {
	if _, err := os.Stat(path); err != nil {
		return nil
	}
	if err := probeLock(path); errors.Is(err, ErrLocked) {
		return fmt.Errorf("%w: stop the server before restoring %s", ErrLocked, path)
	}
	return nil
}

// RestoreWith is Restore that also replaces the directory photoDir (the
// data file's photos) by staged, a directory beside it already checked
// (internal/backup writes it from an archive), in the same step as the
// data file: both are swapped only once the data file passed its checks.
// An empty staged moves photoDir aside and leaves none (a backup without
// photos); an empty photoDir leaves photos alone. The directory it
// replaces is kept beside the kept data file, as keptPhotos, under the
// same prefix, so RemoveReplaced removes both.
func RestoreWith(backup, path, photoDir, staged string, now time.Time) (kept, keptPhotos string, err error) {
	if err := Inspect(backup); err != nil {
		return "", "", fmt.Errorf("the backup %s is refused: %w", backup, err)
	}
	_, err = os.Stat(path)
	exists := err == nil
	// Holding the live file's lock proves no server is using it. The live
	// file may be damaged (that is often why it is restored): only the
	// lock counts here.
	if err := NotInUse(path); err != nil {
		return "", "", err
	}
	tmp := path + ".restore"
	if err := copyFile(backup, tmp); err != nil {
		return "", "", err
	}
	defer os.Remove(tmp)
	b, err := Open(tmp)
	if err != nil {
		return "", "", fmt.Errorf("the backup %s cannot be used: %w", backup, err)
	}
	err = b.Check()
	if err != nil {
		b.Close()
		return "", "", fmt.Errorf("the backup fails the consistency check: %w", err)
	}
	// The restored file numbers its events again from the backup's: its
	// group link forgets its cursor, so it starts a new epoch with a
	// snapshot the group takes in place of what it had.
	err = b.SetGroupCursor(GroupCursor{})
	b.Close()
	if err != nil {
		return "", "", fmt.Errorf("the backup's group link cannot be reset: %w", err)
	}
	photosExist := false
	if photoDir != "" {
		_, err := os.Lstat(photoDir)
		photosExist = err == nil
	}
	stamp := path + ReplacedSuffix + now.UTC().Format("20060102T150405Z")
	name := stamp
	for i := 2; ; i++ {
		_, errFile := os.Lstat(name)
		_, errDir := os.Lstat(name + ".photos")
		if errors.Is(errFile, os.ErrNotExist) && errors.Is(errDir, os.ErrNotExist) {
			break
		}
		name = fmt.Sprintf("%s-%d", stamp, i)
	}
	// Each step is undone, last first, if a later one fails: the data
	// file and its photos change together or not at all.
	var undo []func()
	rollback := func(err error) (string, string, error) {
		for i := len(undo) - 1; i >= 0; i-- {
			undo[i]()
		}
		return "", "", err
	}
	move := func(from, to string) error {
		if err := os.Rename(from, to); err != nil {
			return err
		}
		undo = append(undo, func() { os.Rename(to, from) })
		return nil
	}
	if exists {
		kept = name
		if err := move(path, kept); err != nil {
			return rollback(err)
		}
	}
	if photosExist {
		keptPhotos = name + ".photos"
		if err := move(photoDir, keptPhotos); err != nil {
			return rollback(err)
		}
	}
	if err := move(tmp, path); err != nil {
		return rollback(err)
	}
	if photoDir != "" && staged != "" {
		if err := move(staged, photoDir); err != nil {
			return rollback(err)
		}
	}
	return kept, keptPhotos, syncDir(filepath.Dir(path))
}

// RemoveReplaced removes the files restores replaced beside the data file
// at path (and the photo directories replaced with them), once a start
// has shown the restored file serves; it returns their names.
func RemoveReplaced(path string) ([]string, error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var removed []string
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), base+ReplacedSuffix) {
			continue
		}
		name := filepath.Join(dir, e.Name())
		switch {
		case e.Type().IsRegular():
			err = os.Remove(name)
		case e.IsDir():
			err = os.RemoveAll(name)
		default:
			continue
		}
		if err != nil {
			return removed, err
		}
		removed = append(removed, name)
	}
	return removed, nil
}

// syncDir makes a rename in dir durable: without it a crash just after a
// restore could bring the old file back.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// JobsClosedSince returns the jobs closed at or after a time, oldest
// closing first, and every open job: what a report over a period needs.
func (s *Store) JobsClosedSince(since time.Time) ([]*shop.Job, error) {
	var out []*shop.Job
	err := s.db.View(func(tx *bolt.Tx) error {
		jobs := records(tx, shop.KindJob)
		if jobs == nil {
			return nil
		}
		decode := func(id []byte) error {
			v := jobs.Get(id)
			if v == nil {
				return fmt.Errorf("index names job %s, which is missing", id)
			}
			j := &shop.Job{}
			if err := json.Unmarshal(v, j); err != nil {
				return err
			}
			out = append(out, j)
			return nil
		}
		c := tx.Bucket(bucketClosedJobs).Cursor()
		from := []byte(since.UTC().Format(time.RFC3339))
		for k, _ := c.Seek(from); k != nil; k, _ = c.Next() {
			if len(k) > len(from) {
				if err := decode(k[len(from):]); err != nil {
					return err
				}
			}
		}
		return tx.Bucket(bucketOpenJobs).ForEach(func(k, _ []byte) error { return decode(k) })
	})
	return out, err
}
