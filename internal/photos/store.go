package photos

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

// tempMarker is in the name of a file being written: <id>.jpg.tmp-<random>
// or <id>.thumb.jpg.tmp-<random>. A name with it is never a photo.
const tempMarker = ".tmp-"

// staleTemp is how old a leftover temp file must be before Open removes
// it: a write in progress in another process (a second server started by
// mistake, a backup's reader) is never that slow, and a crashed one's
// leftovers go at the next start.
const staleTemp = time.Minute

// Store keeps photos' files under one directory (see the package doc). A
// photo's file is written only after its thumbnail, both synced, so a
// photo present means its thumbnail is too; and Put returns only once both
// are on disk, so a record written after it never points at a missing
// file.
type Store struct {
	dir string

	// held counts, for each photo, the uploads that hold it between
	// storing its file and committing the record that refers to it: the
	// retention and a refused upload must not remove a file another
	// upload is about to attach. mu also makes Remove's look at held and
	// its removal one step.
	mu   sync.Mutex
	held map[string]int
}

// ErrHeld is Remove's answer for a photo an upload holds (Hold): its file
// stays; whoever wanted it gone asks again later, if it is still unused.
var ErrHeld = errors.New("an upload holds the photo")

// Hold keeps a photo's file from being removed until release is called
// (once; more calls do nothing). An upload holds its photo before Put and
// releases it once the record that refers to it is committed, or refused:
// a photo removed before the hold is written again by Put, one the upload
// holds stays.
func (s *Store) Hold(id string) (release func()) {
	s.mu.Lock()
	s.held[id]++
	s.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			s.mu.Lock()
			if s.held[id]--; s.held[id] <= 0 {
				delete(s.held, id)
			}
			s.mu.Unlock()
		})
	}
}

// Open opens the photo directory dir, creating it (0700) if it is missing,
// and removes temp files left by writes that a crash cut short.
func Open(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("opening the photo directory: %w", err)
	}
	s := &Store{dir: dir, held: map[string]int{}}
	if err := s.removeStaleTemps(time.Now().Add(-staleTemp)); err != nil {
		return nil, fmt.Errorf("clearing the photo directory's temp files: %w", err)
	}
	return s, nil
}

// Dir is the store's directory.
func (s *Store) Dir() string { return s.dir }

// Put stores a photo and its thumbnail and returns the photo's id, the hex
// SHA-256 of jpeg. Each file is written to a temp file, synced, renamed
// into place and its directory synced; the thumbnail first, the photo
// last. Putting a photo already stored changes nothing (but
// writes its thumbnail again if that was lost).
func (s *Store) Put(jpeg, thumb []byte) (string, error) {
	sum := sha256.Sum256(jpeg)
	id := hex.EncodeToString(sum[:])
	if s.Has(id) && exists(Path(s.dir, id, true)) {
		return id, nil
	}
	sub := filepath.Join(s.dir, id[:2])
	created, err := mkdir(sub)
	if err != nil {
		return "", fmt.Errorf("storing photo %s: %w", id, err)
	}
	if created {
		// The new subdirectory's name must be durable in its parent too.
		if err := syncDir(s.dir); err != nil {
			return "", fmt.Errorf("storing photo %s: %w", id, err)
		}
	}
	if err := writeDurably(Path(s.dir, id, true), thumb); err != nil {
		return "", fmt.Errorf("storing photo %s's thumbnail: %w", id, err)
	}
	if err := writeDurably(Path(s.dir, id, false), jpeg); err != nil {
		return "", fmt.Errorf("storing photo %s: %w", id, err)
	}
	return id, nil
}

// exists says whether a regular file is at path.
func exists(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.Mode().IsRegular()
}

// mkdir makes dir (0700) if it is missing and says whether it did.
func mkdir(dir string) (bool, error) {
	err := os.Mkdir(dir, 0o700)
	if errors.Is(err, fs.ErrExist) {
		return false, nil
	}
	return err == nil, err
}

// writeDurably writes b to path through a temp file beside it: written,
// synced, renamed over path, and the directory synced, so after a crash
// path holds either nothing or all of b.
func writeDurably(path string, b []byte) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, filepath.Base(path)+tempMarker+"*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if _, err = f.Write(b); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return err
	}
	return syncDir(dir)
}

// syncDir makes a directory's entries (a rename, a new file) durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// Open opens a photo's file, or its thumbnail's. It answers an error
// satisfying errors.Is(err, fs.ErrNotExist) when the photo is not stored,
// and fs.ErrInvalid for a name that is not a photo's.
func (s *Store) Open(id string, thumb bool) (*os.File, error) {
	if !ValidID(id) {
		return nil, fmt.Errorf("photo %q: %w: not a photo's name", id, fs.ErrInvalid)
	}
	return os.Open(Path(s.dir, id, thumb))
}

// Has says whether a photo is stored (its file; the thumbnail was written
// before it).
func (s *Store) Has(id string) bool {
	if !ValidID(id) {
		return false
	}
	return exists(Path(s.dir, id, false))
}

// Remove removes a photo's file, then its thumbnail's; a photo that is
// not stored is not an error, one an upload holds is ErrHeld.
func (s *Store) Remove(id string) error {
	if !ValidID(id) {
		return fmt.Errorf("photo %q: %w: not a photo's name", id, fs.ErrInvalid)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.held[id] > 0 {
		return fmt.Errorf("photo %s: %w", id, ErrHeld)
	}
	for _, thumb := range []bool{false, true} {
		if err := os.Remove(Path(s.dir, id, thumb)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("removing photo %s: %w", id, err)
		}
	}
	if err := syncDir(filepath.Join(s.dir, id[:2])); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("removing photo %s: %w", id, err)
	}
	return nil
}

// Each calls fn with the id of every photo on disk, in the order of their
// names, and stops at fn's first error. Temp files, thumbnails and any
// file whose name is not a photo's in its right subdirectory are passed
// over.
func (s *Store) Each(fn func(id string) error) error {
	subs, err := os.ReadDir(s.dir)
	if err != nil {
		return fmt.Errorf("listing the photos: %w", err)
	}
	for _, sub := range subs {
		if !sub.IsDir() || len(sub.Name()) != 2 {
			continue
		}
		files, err := os.ReadDir(filepath.Join(s.dir, sub.Name()))
		if err != nil {
			return fmt.Errorf("listing the photos: %w", err)
		}
		for _, f := range files {
			id, ok := strings.CutSuffix(f.Name(), ".jpg")
			if !ok || !f.Type().IsRegular() || !ValidID(id) || id[:2] != sub.Name() {
				continue
			}
			if err := fn(id); err != nil {
				return err
			}
		}
	}
	return nil
}

// Check compares the photos on disk with those the records refer to:
// orphans are on disk and referred to by none (a crash between the file
// and its record, or a removal not yet swept), missing are referred to
// but not on disk, or on disk without their thumbnail. Both sorted.
func (s *Store) Check(referenced map[string]bool) (orphans, missing []string, err error) {
	onDisk := map[string]bool{}
	err = s.Each(func(id string) error {
		onDisk[id] = true
		if !referenced[id] {
			orphans = append(orphans, id)
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	for id, ref := range referenced {
		if !ref {
			continue
		}
		if !onDisk[id] {
			missing = append(missing, id)
			continue
		}
		if !exists(Path(s.dir, id, true)) {
			missing = append(missing, id)
		}
	}
	slices.Sort(orphans)
	slices.Sort(missing)
	return orphans, missing, nil
}

// removeStaleTemps removes the temp files in the photo directory's
// subdirectories last changed before cutoff.
func (s *Store) removeStaleTemps(cutoff time.Time) error {
	subs, err := os.ReadDir(s.dir)
	if err != nil {
		return err
	}
	for _, sub := range subs {
		if !sub.IsDir() {
			continue
		}
		files, err := os.ReadDir(filepath.Join(s.dir, sub.Name()))
		if err != nil {
			return err
		}
		for _, f := range files {
			if !strings.Contains(f.Name(), tempMarker) {
				continue
			}
			info, err := f.Info()
			if errors.Is(err, fs.ErrNotExist) {
				continue // gone since it was listed
			}
			if err != nil {
				return err
			}
			if info.ModTime().Before(cutoff) {
				if err := os.Remove(filepath.Join(s.dir, sub.Name(), f.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
					return err
				}
			}
		}
	}
	return nil
}
