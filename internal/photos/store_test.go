package photos

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func idOf(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func openStore(t *testing.T) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "shop.db.photos"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func read(t *testing.T, s *Store, id string, thumb bool) string {
	t.Helper()
	f, err := s.Open(id, thumb)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Open makes the directory, private to the server's user.
func TestOpenMakesThePhotoDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "shop.db.photos")
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(dir)
	if err != nil || !info.IsDir() || info.Mode().Perm() != 0o700 {
		t.Fatalf("the directory: %v %v", info, err)
	}
	if s.Dir() != dir {
		t.Errorf("Dir = %s", s.Dir())
	}
	if _, err := Open(dir); err != nil {
		t.Errorf("opening it again: %v", err)
	}
	if _, err := Open(filepath.Join(dir, "ab", "not-a-dir")); err != nil {
		t.Errorf("a nested directory: %v", err)
	}
}

// Put stores both files under the photo's hash, with no temp file left;
// the same bytes again are the same photo and change nothing.
func TestPutStoresAPhotoByItsHash(t *testing.T) {
	s := openStore(t)
	jpeg, thumb := []byte("the photo's bytes"), []byte("the thumbnail's bytes")
	id, err := s.Put(jpeg, thumb)
	if err != nil {
		t.Fatal(err)
	}
	if id != idOf(jpeg) {
		t.Errorf("id %s, want the hash %s", id, idOf(jpeg))
	}
	if !s.Has(id) {
		t.Error("Has = false after Put")
	}
	if got := read(t, s, id, false); got != string(jpeg) {
		t.Errorf("the photo reads %q", got)
	}
	if got := read(t, s, id, true); got != string(thumb) {
		t.Errorf("the thumbnail reads %q", got)
	}
	files := filesUnder(t, s.Dir())
	want := []string{id[:2] + "/" + id + ".jpg", id[:2] + "/" + id + ".thumb.jpg"}
	if !slices.Equal(files, want) {
		t.Errorf("files %v, want %v", files, want)
	}
	info, _ := os.Stat(Path(s.Dir(), id, false))
	before := info.ModTime()
	os.Chtimes(Path(s.Dir(), id, false), before.Add(-time.Hour), before.Add(-time.Hour))

	again, err := s.Put(jpeg, thumb)
	if err != nil || again != id {
		t.Fatalf("again: %s %v", again, err)
	}
	if info, _ := os.Stat(Path(s.Dir(), id, false)); !info.ModTime().Equal(before.Add(-time.Hour)) {
		t.Error("putting the same photo again rewrote it")
	}
	if files := filesUnder(t, s.Dir()); !slices.Equal(files, want) {
		t.Errorf("files after again %v", files)
	}

	// A photo whose thumbnail was lost gets it back.
	os.Remove(Path(s.Dir(), id, true))
	if _, err := s.Put(jpeg, thumb); err != nil {
		t.Fatal(err)
	}
	if got := read(t, s, id, true); got != string(thumb) {
		t.Errorf("the thumbnail put back reads %q", got)
	}
}

// filesUnder lists the files under dir, as slash paths relative to it.
func filesUnder(t *testing.T, dir string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		files = append(files, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(files)
	return files
}

// Open tells a photo not stored (fs.ErrNotExist) from a name that is not a
// photo's (fs.ErrInvalid), and never opens a path outside the directory.
func TestOpenRefusesWhatIsNotAStoredPhoto(t *testing.T) {
	s := openStore(t)
	absent := strings.Repeat("ab", 32)
	if _, err := s.Open(absent, false); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("an absent photo: %v", err)
	}
	if _, err := s.Open(absent, true); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("an absent thumbnail: %v", err)
	}
	outside := filepath.Join(filepath.Dir(s.Dir()), "secret.jpg")
	os.WriteFile(outside, []byte("x"), 0o600)
	for _, bad := range []string{"", "../secret", "../../" + absent[6:], strings.ToUpper(absent)} {
		if _, err := s.Open(bad, false); !errors.Is(err, fs.ErrInvalid) {
			t.Errorf("Open(%q): %v", bad, err)
		}
		if s.Has(bad) {
			t.Errorf("Has(%q)", bad)
		}
		if err := s.Remove(bad); !errors.Is(err, fs.ErrInvalid) {
			t.Errorf("Remove(%q): %v", bad, err)
		}
	}
	if s.Has(absent) {
		t.Error("Has an absent photo")
	}
}

// Remove takes both files; removing what is not there is not an error.
func TestRemoveTakesBothFiles(t *testing.T) {
	s := openStore(t)
	id, err := s.Put([]byte("a"), []byte("a thumb"))
	if err != nil {
		t.Fatal(err)
	}
	kept, err := s.Put([]byte("b"), []byte("b thumb"))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Remove(id); err != nil {
		t.Fatal(err)
	}
	if s.Has(id) {
		t.Error("Has after Remove")
	}
	if _, err := s.Open(id, true); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the thumbnail after Remove: %v", err)
	}
	if !s.Has(kept) {
		t.Error("Remove took another photo")
	}
	if err := s.Remove(id); err != nil {
		t.Errorf("removing it again: %v", err)
	}
	if err := s.Remove(strings.Repeat("cd", 32)); err != nil {
		t.Errorf("removing one never stored: %v", err)
	}
}

// A photo an upload holds, between storing its file and committing its
// record, is not removed (by the retention, or by another upload of the
// same picture that was refused): its file stays until the last hold is
// released; one removed before the hold is written again by Put.
func TestAHeldPhotoIsNotRemoved(t *testing.T) {
	s := openStore(t)
	jpeg, thumb := []byte("held"), []byte("held thumb")
	id := hex.EncodeToString(func() []byte { h := sha256.Sum256(jpeg); return h[:] }())
	first := s.Hold(id)
	if _, err := s.Put(jpeg, thumb); err != nil {
		t.Fatal(err)
	}
	second := s.Hold(id)
	if err := s.Remove(id); !errors.Is(err, ErrHeld) || !s.Has(id) {
		t.Fatalf("removing a held photo: %v, still there: %v", err, s.Has(id))
	}
	first()
	first() // a second call changes nothing
	if err := s.Remove(id); !errors.Is(err, ErrHeld) || !s.Has(id) {
		t.Fatalf("removing a photo one upload still holds: %v, still there: %v", err, s.Has(id))
	}
	second()
	if err := s.Remove(id); err != nil || s.Has(id) {
		t.Fatalf("removing a photo no one holds: %v, still there: %v", err, s.Has(id))
	}
	// Removed first, then held and put: the file is back.
	release := s.Hold(id)
	defer release()
	if _, err := s.Put(jpeg, thumb); err != nil || !s.Has(id) {
		t.Fatalf("put after the removal: %v, there: %v", err, s.Has(id))
	}
}

// Each lists the photos on disk in order and nothing else: not their
// thumbnails, temp files, stray files, or a photo in the wrong
// subdirectory.
func TestEachListsThePhotosOnly(t *testing.T) {
	s := openStore(t)
	var want []string
	for _, b := range []string{"one", "two", "three", "four"} {
		id, err := s.Put([]byte(b), []byte(b+" thumb"))
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, id)
	}
	slices.Sort(want)
	stray := strings.Repeat("ef", 32)
	sub := filepath.Join(s.Dir(), want[0][:2])
	for _, name := range []string{
		want[0] + ".jpg.tmp-123456",
		want[0] + ".thumb.jpg.tmp-9",
		"notes.txt",
		stray + ".jpg", // its name says another subdirectory
		strings.Repeat("AB", 32) + ".jpg",
	} {
		if err := os.WriteFile(filepath.Join(sub, name), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(s.Dir(), "README"), []byte("x"), 0o600)
	os.Mkdir(filepath.Join(s.Dir(), "lost+found"), 0o700)

	var got []string
	if err := s.Each(func(id string) error { got = append(got, id); return nil }); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Errorf("Each gave\n%v\nwant\n%v", got, want)
	}
	stop := errors.New("enough")
	n := 0
	if err := s.Each(func(string) error { n++; return stop }); !errors.Is(err, stop) || n != 1 {
		t.Errorf("Each went on after an error: %v, %d calls", err, n)
	}
}

// Check finds the photos on disk that no record refers to and those
// referred to that are not on disk (or have lost their thumbnail), sorted.
func TestCheckFindsOrphansAndMissing(t *testing.T) {
	s := openStore(t)
	put := func(b string) string {
		id, err := s.Put([]byte(b), []byte(b+" thumb"))
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	referred, orphanA, orphanB, thumbless := put("referred"), put("orphan a"), put("orphan b"), put("thumbless")
	os.Remove(Path(s.Dir(), thumbless, true))
	neverStored := []string{strings.Repeat("01", 32), strings.Repeat("fe", 32)}
	referenced := map[string]bool{referred: true, thumbless: true, neverStored[1]: true, neverStored[0]: true, "not an id": true}

	orphans, missing, err := s.Check(referenced)
	if err != nil {
		t.Fatal(err)
	}
	wantOrphans := []string{orphanA, orphanB}
	slices.Sort(wantOrphans)
	wantMissing := []string{neverStored[0], neverStored[1], thumbless, "not an id"}
	slices.Sort(wantMissing)
	if !slices.Equal(orphans, wantOrphans) {
		t.Errorf("orphans %v, want %v", orphans, wantOrphans)
	}
	if !slices.Equal(missing, wantMissing) {
		t.Errorf("missing %v, want %v", missing, wantMissing)
	}

	orphans, missing, err = s.Check(map[string]bool{referred: true, orphanA: true, orphanB: true})
	if err != nil || len(orphans) != 1 || orphans[0] != thumbless || len(missing) != 0 {
		t.Errorf("a shop whose records match: orphans %v, missing %v, %v", orphans, missing, err)
	}
}

// Open removes temp files a crash left more than a minute ago, and leaves
// a newer one (a write that may still be under way) and every photo.
func TestOpenRemovesStaleTempFiles(t *testing.T) {
	s := openStore(t)
	id, err := s.Put([]byte("kept"), []byte("kept thumb"))
	if err != nil {
		t.Fatal(err)
	}
	sub := filepath.Join(s.Dir(), id[:2])
	stale := filepath.Join(sub, id+".jpg.tmp-111")
	staleThumb := filepath.Join(sub, id+".thumb.jpg.tmp-222")
	fresh := filepath.Join(sub, id+".jpg.tmp-333")
	for _, p := range []string{stale, staleThumb, fresh} {
		if err := os.WriteFile(p, []byte("half a photo"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-2 * time.Minute)
	os.Chtimes(stale, old, old)
	os.Chtimes(staleThumb, old, old)

	if _, err := Open(s.Dir()); err != nil {
		t.Fatal(err)
	}
	want := []string{id[:2] + "/" + filepath.Base(fresh), id[:2] + "/" + id + ".jpg", id[:2] + "/" + id + ".thumb.jpg"}
	slices.Sort(want)
	if got := filesUnder(t, s.Dir()); !slices.Equal(got, want) {
		t.Errorf("after Open: %v, want %v", got, want)
	}
}

// A failed write leaves no photo: when the thumbnail (written first)
// cannot be put in place, the photo is not written, and no temp file
// stays behind.
func TestAFailedPutLeavesNoPhoto(t *testing.T) {
	s := openStore(t)
	jpeg := []byte("a photo whose thumbnail will not fit")
	id := idOf(jpeg)
	// A directory, with a file in it, where the thumbnail's file should go:
	// renaming over it fails, even for root.
	blocker := Path(s.Dir(), id, true)
	if err := os.MkdirAll(blocker, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(blocker, "x"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Put(jpeg, []byte("thumb")); err == nil || !strings.Contains(err.Error(), id) {
		t.Errorf("Put over a blocked thumbnail: %v", err)
	}
	if s.Has(id) {
		t.Error("Has a photo whose thumbnail failed")
	}
	want := []string{id[:2] + "/" + id + ".thumb.jpg/x"}
	if got := filesUnder(t, s.Dir()); !slices.Equal(got, want) {
		t.Errorf("left %v, want only %v", got, want)
	}
}
