package backup

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"

	"time"

	"bayboard/internal/photos"
	"bayboard/internal/store"
)

// Snapshot takes the data file's copy (take writes it, as
// store.Store.Backup or store.BackupFile do) into an unlinked temporary
// file in dir and returns it at its start, with its size: the copy is
// taken at disk speed, so no read transaction stays open while a slow
// reader downloads the archive, and nothing of it sits in memory. The
// caller closes the file.
func Snapshot(dir string, take func(io.Writer) (int64, error)) (*os.File, int64, error) {
	f, err := os.CreateTemp(dir, ".backup-*.db")
	if err != nil {
		return nil, 0, err
	}
	os.Remove(f.Name()) // the open file stays readable until it is closed
	n, err := take(f)
	if err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	return f, n, nil
}

// Restored says what a restore did.
type Restored struct {
	// Plain is an older backup: the data file alone, without photos.
	Plain bool
	// Kept and KeptPhotos are the data file and photo directory the
	// restore replaced, kept beside until the next good start ("" when
	// there was none).
	Kept, KeptPhotos string
	Photos           int
	// Missing are photos the restored data file refers to whose files the
	// backup did not hold.
	Missing []string
}

// Restore replaces the data file at dataPath and its photos
// (photos.Dir) by a backup: an archive, or an older backup that is the
// data file alone (told apart by the first bytes). Everything is checked
// before anything changes (the archive by Read, the data file as
// store.Restore checks it): a bad backup is refused and the shop is left
// as it was. The replaced file and photos are kept beside.
func Restore(from, dataPath string, now time.Time) (Restored, error) {
	var done Restored
	f, err := os.Open(from)
	if err != nil {
		return done, err
	}
	defer f.Close()
	first := make([]byte, 512)
	n, err := io.ReadFull(f, first)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return done, err
	}
	photoDir := photos.Dir(dataPath)
	if !IsArchive(first[:n]) {
		done.Plain = true
		done.Kept, done.KeptPhotos, err = store.RestoreWith(from, dataPath, photoDir, "", now)
		if err != nil {
			return done, err
		}
		return done, done.missing(dataPath)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return done, err
	}
	if err := store.NotInUse(dataPath); err != nil {
		return done, err
	}
	stagedData := dataPath + ".restore-archive"
	stagedPhotos := photoDir + ".restore"
	// Leftovers of an interrupted restore are ours to remove.
	os.Remove(stagedData)
	if err := os.RemoveAll(stagedPhotos); err != nil {
		return done, err
	}
	defer os.Remove(stagedData)
	defer os.RemoveAll(stagedPhotos) // gone once moved into place
	sum, err := Read(f, stagedData, stagedPhotos)
	if err != nil {
		return done, fmt.Errorf("the backup %s is refused: %w", from, err)
	}
	done.Photos = sum.Photos
	done.Kept, done.KeptPhotos, err = store.RestoreWith(stagedData, dataPath, photoDir, stagedPhotos, now)
	if err != nil {
		return done, fmt.Errorf("the backup %s: %w", from, err)
	}
	return done, done.missing(dataPath)
}

// missing lists the photos the restored data file refers to that are
// not beside it.
func (r *Restored) missing(dataPath string) error {
	s, err := store.Open(dataPath)
	if err != nil {
		return err
	}
	defer s.Close()
	ids, err := s.PhotoFiles()
	if err != nil {
		return err
	}
	dir := photos.Dir(dataPath)
	for id := range ids {
		if !photos.ValidID(id) {
			r.Missing = append(r.Missing, id)
			continue
		}
		if _, err := os.Stat(photos.Path(dir, id, false)); err != nil {
			r.Missing = append(r.Missing, id)
		}
	}
	slices.Sort(r.Missing)
	return nil
}
