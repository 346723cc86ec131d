package backup

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"image"
	"image/jpeg"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"bayboard/internal/photos"
	"bayboard/internal/shop"
	"bayboard/internal/store"
)

var t0 = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

// thumbJPEG is a real (tiny) JPEG, as a thumbnail is.
func thumbJPEG(t testing.TB) []byte { return thumbOf(t, 8, 8) }

// thumbOf is a JPEG of w×h pixels of noise (as a photo's detail is).
func thumbOf(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, w, h))
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range img.Pix {
		img.Pix[i] = uint8(rng.IntN(256))
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// putPhoto writes a photo and its thumbnail in the photo store's layout
// and returns its id.
func putPhoto(t testing.TB, dir string, photo, thumb []byte) string {
	t.Helper()
	sum := sha256.Sum256(photo)
	id := hex.EncodeToString(sum[:])
	if err := os.MkdirAll(filepath.Join(dir, id[:2]), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(photos.Path(dir, id, false), photo, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(photos.Path(dir, id, true), thumb, 0o600); err != nil {
		t.Fatal(err)
	}
	return id
}

// newShop writes a data file whose one job refers to n photos, with the
// photos beside it; it returns the file and the photos' ids.
func newShop(t testing.TB, dir string, n int) (string, []string) {
	t.Helper()
	path := filepath.Join(dir, "shop.db")
	thumb := thumbJPEG(t)
	job := &shop.Job{ID: "20261123-0001", CustomerID: "cu-1", VehicleID: "ve-1", Stage: shop.StageReception}
	var ids []string
	for i := range n {
		photo := bytes.Repeat([]byte{byte(i), byte(i >> 8), 0xAB}, 1000+i)
		id := putPhoto(t, photos.Dir(path), photo, thumb)
		ids = append(ids, id)
		job.Photos = append(job.Photos, shop.Photo{ID: id, Kind: shop.PhotoFinding, FindingID: "f1", Bytes: len(photo), By: "u-1", At: t0})
	}
	s, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Commit([]shop.Record{{Kind: shop.KindJob, ID: job.ID, Value: job}},
		[]shop.Event{{At: t0, Actor: "system", Type: "open_job", JobID: job.ID}}); err != nil {
		t.Fatal(err)
	}
	return path, ids
}

// archiveOf writes the archive of the data file at path as the CLI does.
func archiveOf(t testing.TB, path, to string) Summary {
	t.Helper()
	snap, size, err := Snapshot(filepath.Dir(to), func(w io.Writer) (int64, error) { return store.BackupFile(path, w) })
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close()
	f, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sum, err := Write(f, snap, size, photos.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

// tree reads every file under dir, by its path under dir.
func tree(t testing.TB, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			t.Fatal(err)
		}
		if !d.IsDir() {
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			rel, _ := filepath.Rel(dir, p)
			out[rel] = string(b)
		}
		return nil
	})
	return out
}

// A backup restored onto another data file gives the shop and every
// photo, byte for byte; the data file and photos it replaced are kept
// beside until RemoveReplaced.
func TestBackupRestoresTheShopWithItsPhotos(t *testing.T) {
	dir := t.TempDir()
	path, ids := newShop(t, dir, 3)
	archive := filepath.Join(dir, "backup.tar")
	sum := archiveOf(t, path, archive)
	if sum.Photos != 3 || sum.Thumbs != 3 || sum.Skipped != 0 {
		t.Fatalf("archive summary %+v", sum)
	}
	// Another shop with a photo of its own: replaced, kept beside.
	other := t.TempDir()
	target, otherIDs := newShop(t, other, 1)
	if otherIDs[0] != ids[0] {
		t.Fatal("the two shops' first photos should be the same bytes")
	}
	stray := putPhoto(t, photos.Dir(target), []byte("only in the replaced shop"), thumbJPEG(t))
	done, err := Restore(archive, target, t0)
	if err != nil {
		t.Fatal(err)
	}
	if done.Plain || done.Photos != 3 || len(done.Missing) != 0 || done.Kept == "" || done.KeptPhotos == "" {
		t.Errorf("restore: %+v", done)
	}
	if want, got := tree(t, photos.Dir(path)), tree(t, photos.Dir(target)); len(got) != 6 || !mapsEqual(got, want) {
		t.Errorf("restored photos differ: %d files, want %d", len(got), len(want))
	}
	if _, err := os.Stat(photos.Path(done.KeptPhotos, stray, false)); err != nil {
		t.Errorf("the replaced photos are not kept: %v", err)
	}
	s, err := store.Open(target)
	if err != nil {
		t.Fatal(err)
	}
	st, _, err := s.Load(t0)
	if err != nil || len(st.Jobs) != 1 || len(st.Jobs["20261123-0001"].Photos) != 3 {
		t.Errorf("restored shop: %v", err)
	}
	s.Close()
	removed, err := store.RemoveReplaced(target)
	if err != nil || len(removed) != 2 {
		t.Errorf("RemoveReplaced: %v %v", removed, err)
	}
	if _, err := os.Stat(done.KeptPhotos); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the kept photos are still there: %v", err)
	}
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// entry is a tar entry to write by hand.
type entry struct {
	name string
	body []byte
	flag byte
	link string
}

func writeTar(t *testing.T, path string, entries []entry, cut int) {
	t.Helper()
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, e := range entries {
		flag := e.flag
		if flag == 0 {
			flag = tar.TypeReg
		}
		if err := tw.WriteHeader(&tar.Header{Name: e.name, Size: int64(len(e.body)), Mode: 0o600, Typeflag: flag, Linkname: e.link}); err != nil {
			t.Fatal(err)
		}
		tw.Write(e.body)
	}
	tw.Close()
	raw := b.Bytes()
	if cut > 0 {
		raw = raw[:cut]
	}
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
}

// A bad archive is refused with a clear error and changes nothing: the
// target's data file and photos stay as they were, nothing staged is
// left behind.
func TestBadArchivesAreRefusedAndChangeNothing(t *testing.T) {
	dir := t.TempDir()
	path, ids := newShop(t, dir, 2)
	dataBytes, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(dir, "good.tar")
	archiveOf(t, path, good)
	goodRaw, _ := os.ReadFile(good)
	photo, _ := os.ReadFile(photos.Path(photos.Dir(path), ids[0], false))
	entryOf := func(id string, isThumb bool, body []byte) entry {
		return entry{name: entryName(id, isThumb), body: body}
	}
	end := func(photos, thumbs int) entry {
		return entry{name: EndName, body: []byte(`{"photos":` + string(rune('0'+photos)) + `,"thumbs":` + string(rune('0'+thumbs)) + `}`)}
	}
	db := entry{name: DataName, body: dataBytes}
	other := bytes.Repeat([]byte("x"), 100)
	cases := []struct {
		name    string
		entries []entry
		cut     int
		want    string
	}{
		{"a photo whose bytes do not match its name", []entry{db, entryOf(ids[0], false, other), end(1, 0)}, 0, "do not match its name"},
		{"a thumbnail that is not a JPEG", []entry{db, entryOf(ids[0], false, photo), entryOf(ids[0], true, other), end(1, 1)}, 0, "not a JPEG"},
		{"a path out of the folder", []entry{db, {name: "../x", body: photo}, end(1, 0)}, 0, `entry "../x" is not a photo's name`},
		{"a photo's name with ../", []entry{db, {name: "photos/" + ids[0][:2] + "/../../" + ids[0] + ".jpg", body: photo}, end(1, 0)}, 0, "is not a photo's name"},
		{"an absolute path", []entry{db, {name: "/tmp/" + ids[0] + ".jpg", body: photo}, end(1, 0)}, 0, "is not a photo's name"},
		{"a photo in the wrong folder", []entry{db, {name: "photos/zz/" + ids[0] + ".jpg", body: photo}, end(1, 0)}, 0, "is not a photo's name"},
		{"a symbolic link", []entry{db, {name: entryName(ids[0], false), flag: tar.TypeSymlink, link: "/etc/passwd"}, end(1, 0)}, 0, "not a regular file"},
		{"a hard link", []entry{db, {name: entryName(ids[0], false), flag: tar.TypeLink, link: DataName}, end(1, 0)}, 0, "not a regular file"},
		{"a photo twice", []entry{db, entryOf(ids[0], false, photo), entryOf(ids[0], false, photo), end(2, 0)}, 0, "comes twice"},
		{"no data file first", []entry{entryOf(ids[0], false, photo), db, end(1, 0)}, 0, "not the data file"},
		{"no end entry", []entry{db, entryOf(ids[0], false, photo)}, 0, "cut short"},
		{"an end that miscounts", []entry{db, entryOf(ids[0], false, photo), end(2, 0)}, 0, "counts 2 photos"},
		{"cut inside a photo", nil, len(goodRaw) - 3000, "cut short"},
		{"cut inside the data file", nil, 9000, "cut short"},
		{"a data file that is not one", []entry{{name: DataName, body: other}, end(0, 0)}, 0, "not a complete bayboard data file"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			target, _ := newShop(t, t.TempDir(), 1)
			before, beforePhotos := fileOf(t, target), tree(t, photos.Dir(target))
			archive := filepath.Join(t.TempDir(), "bad.tar")
			if c.entries == nil {
				if err := os.WriteFile(archive, goodRaw[:c.cut], 0o600); err != nil {
					t.Fatal(err)
				}
			} else {
				writeTar(t, archive, c.entries, 0)
			}
			_, err := Restore(archive, target, t0)
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "the backup "+archive) {
				t.Fatalf("restore: %v, want an error saying %q", err, c.want)
			}
			if fileOf(t, target) != before || !mapsEqual(tree(t, photos.Dir(target)), beforePhotos) {
				t.Error("a refused restore changed the shop")
			}
			entries, _ := os.ReadDir(filepath.Dir(target))
			var names []string
			for _, e := range entries {
				names = append(names, e.Name())
			}
			if !slices.Equal(names, []string{"shop.db", "shop.db.photos"}) {
				t.Errorf("left beside the data file: %v", names)
			}
		})
	}
}

func fileOf(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// An older backup, the data file alone, still restores; the photos the
// restored file refers to and the backup lacked are reported, and the
// replaced photo directory is kept beside.
func TestAPlainDataFileBackupStillRestores(t *testing.T) {
	dir := t.TempDir()
	path, ids := newShop(t, dir, 2)
	plain := filepath.Join(dir, "old-backup.db")
	f, err := os.Create(plain)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.BackupFile(path, f); err != nil {
		t.Fatal(err)
	}
	f.Close()
	target, _ := newShop(t, t.TempDir(), 0)
	done, err := Restore(plain, target, t0)
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(ids)
	if !done.Plain || done.Photos != 0 || !slices.Equal(done.Missing, ids) {
		t.Errorf("restore: %+v, want the photos %v missing", done, ids)
	}
}

// A photo removed while the archive is written (the retention's sweep)
// is left out, not an error; files that are not photos are not carried.
func TestWriteSkipsWhatIsNotAPhoto(t *testing.T) {
	dir := t.TempDir()
	photoDir := filepath.Join(dir, "x.photos")
	id := putPhoto(t, photoDir, []byte("kept"), thumbJPEG(t))
	os.WriteFile(filepath.Join(photoDir, id[:2], ".tmp-123"), []byte("half written"), 0o600)
	os.WriteFile(filepath.Join(photoDir, "stray.txt"), []byte("not a photo"), 0o600)
	var b bytes.Buffer
	sum, err := Write(&b, strings.NewReader("data"), 4, photoDir)
	if err != nil || sum.Photos != 1 || sum.Thumbs != 1 {
		t.Fatalf("write: %+v %v", sum, err)
	}
	tr := tar.NewReader(&b)
	var names []string
	for {
		h, err := tr.Next()
		if err != nil {
			break
		}
		names = append(names, h.Name)
	}
	want := []string{DataName, entryName(id, false), entryName(id, true), EndName}
	if !slices.Equal(names, want) {
		t.Errorf("entries %v, want %v", names, want)
	}
}

// A photo whose file is removed while the archive is being written (the
// retention's sweep, after its folder was listed) is left out, and the
// archive is still whole: its end entry counts what it holds.
func TestAPhotoRemovedDuringTheBackupIsSkipped(t *testing.T) {
	photoDir := filepath.Join(t.TempDir(), "x.photos")
	thumb := thumbJPEG(t)
	// Two photos in one folder (the same first two hex digits), so the
	// second is listed before the first is written.
	byFolder := map[string][]byte{}
	var first, second string
	for i := 0; first == ""; i++ {
		photo := []byte("photo " + strconv.Itoa(i))
		sum := sha256.Sum256(photo)
		folder := hex.EncodeToString(sum[:1])
		if other, ok := byFolder[folder]; ok {
			a, b := putPhoto(t, photoDir, other, thumb), putPhoto(t, photoDir, photo, thumb)
			first, second = min(a, b), max(a, b)
		}
		byFolder[folder] = photo
	}
	pr, pw := io.Pipe()
	type result struct {
		sum Summary
		err error
	}
	written := make(chan result, 1)
	go func() {
		sum, err := Write(pw, strings.NewReader("data"), 4, photoDir)
		pw.CloseWithError(err)
		written <- result{sum, err}
	}()
	// The archive read as it is written: once the first photo's entry
	// starts, the second photo's files go.
	var archive bytes.Buffer
	tr := tar.NewReader(io.TeeReader(pr, &archive))
	var names []string
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, h.Name)
		if h.Name == entryName(first, false) {
			os.Remove(photos.Path(photoDir, second, false))
			os.Remove(photos.Path(photoDir, second, true))
		}
	}
	io.Copy(io.Discard, pr)
	r := <-written
	if r.err != nil || r.sum.Photos != 1 || r.sum.Skipped != 2 {
		t.Fatalf("write: %+v %v", r.sum, r.err)
	}
	if want := []string{DataName, entryName(first, false), entryName(first, true), EndName}; !slices.Equal(names, want) {
		t.Errorf("entries %v, want %v", names, want)
	}
	if _, err := Read(&archive, "", ""); err != nil {
		t.Errorf("the archive with a photo skipped: %v", err)
	}
}
