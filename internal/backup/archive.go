package backup

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"bayboard/internal/photos"
)

// The archive's fixed entries.
const (
	DataName = "bayboard.db"
	EndName  = "bayboard.end"
	// photoPrefix is the folder of the photo entries, as photos.Dir's
	// layout is under it.
	photoPrefix = "photos/"
)

// ErrRefused means an archive is not a complete, sound bayboard backup:
// nothing of it is used.
var ErrRefused = errors.New("not a complete bayboard backup archive")

// Summary counts what an archive holds.
type Summary struct {
	DataBytes int64 `json:"data_bytes"`
	Photos    int   `json:"photos"`
	Thumbs    int   `json:"thumbs"`
	// Skipped are photo files that vanished while the archive was written
	// (the retention removed them): not in it.
	Skipped int `json:"-"`
	// Bytes is the archive's whole length (written, or read to its end).
	Bytes int64 `json:"-"`
}

// end is the end entry's content.
type end struct {
	Photos int `json:"photos"`
	Thumbs int `json:"thumbs"`
}

// Write writes an archive to w: the data file's copy (size bytes read
// from data, taken before the photos, so every photo it refers to is
// already on disk) and then every photo file under photoDir (a missing
// photoDir is a shop without photos). A photo removed while it runs is
// left out; the files are streamed one by one.
func Write(w io.Writer, data io.Reader, size int64, photoDir string) (Summary, error) {
	cw := &countingWriter{w: w}
	tw := tar.NewWriter(cw)
	sum := Summary{DataBytes: size}
	if err := tw.WriteHeader(header(DataName, size)); err != nil {
		return sum, err
	}
	if _, err := io.CopyN(tw, data, size); err != nil {
		return sum, fmt.Errorf("the data file's copy: %w", err)
	}
	err := eachPhotoFile(photoDir, func(id string, thumb bool) error {
		f, err := os.Open(photos.Path(photoDir, id, thumb))
		if errors.Is(err, os.ErrNotExist) {
			sum.Skipped++
			return nil
		}
		if err != nil {
			return err
		}
		defer f.Close()
		info, err := f.Stat()
		if err != nil {
			return err
		}
		if err := tw.WriteHeader(header(entryName(id, thumb), info.Size())); err != nil {
			return err
		}
		if _, err := io.CopyN(tw, f, info.Size()); err != nil {
			return fmt.Errorf("photo %s: %w", id, err)
		}
		if thumb {
			sum.Thumbs++
		} else {
			sum.Photos++
		}
		return nil
	})
	if err != nil {
		return sum, err
	}
	tail, _ := json.Marshal(end{Photos: sum.Photos, Thumbs: sum.Thumbs})
	if err := tw.WriteHeader(header(EndName, int64(len(tail)))); err != nil {
		return sum, err
	}
	if _, err := tw.Write(tail); err != nil {
		return sum, err
	}
	err = tw.Close()
	sum.Bytes = cw.n
	return sum, err
}

// eachPhotoFile calls fn for each photo file under dir in the layout of
// internal/photos (temporary files and anything else are not photos),
// one folder read at a time.
func eachPhotoFile(dir string, fn func(id string, thumb bool) error) error {
	folders, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, folder := range folders {
		if !folder.IsDir() || len(folder.Name()) != 2 {
			continue
		}
		files, err := os.ReadDir(filepath.Join(dir, folder.Name()))
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return err
		}
		for _, file := range files {
			id, thumb, ok := photoFileName(file.Name())
			if !ok || id[:2] != folder.Name() || !file.Type().IsRegular() {
				continue
			}
			if err := fn(id, thumb); err != nil {
				return err
			}
		}
	}
	return nil
}

// photoFileName reads a photo file's name: <id>.jpg or <id>.thumb.jpg.
func photoFileName(name string) (id string, thumb bool, ok bool) {
	if id, found := strings.CutSuffix(name, ".thumb.jpg"); found {
		return id, true, photos.ValidID(id)
	}
	if id, found := strings.CutSuffix(name, ".jpg"); found {
		return id, false, photos.ValidID(id)
	}
	return "", false, false
}

func entryName(id string, thumb bool) string {
	name := id + ".jpg"
	if thumb {
		name = id + ".thumb.jpg"
	}
	return photoPrefix + id[:2] + "/" + name
}

// parseEntryName reads a photo entry's name, exactly as Write writes it:
// nothing else (no "..", no absolute path, no other folder) passes.
func parseEntryName(name string) (id string, thumb bool, ok bool) {
	parts := strings.Split(name, "/")
	if len(parts) != 3 || parts[0]+"/" != photoPrefix {
		return "", false, false
	}
	id, thumb, ok = photoFileName(parts[2])
	if !ok || parts[1] != id[:2] {
		return "", false, false
	}
	return id, thumb, true
}

func header(name string, size int64) *tar.Header {
	return &tar.Header{Name: name, Size: size, Mode: 0o600, Typeflag: tar.TypeReg, Format: tar.FormatUSTAR}
}

// IsArchive reports whether a backup's first bytes (at least 512) are a
// tar archive's: a plain data file (an older backup) is not.
func IsArchive(first []byte) bool {
	return len(first) >= 262 && bytes.HasPrefix(first[257:], []byte("ustar"))
}

// Read reads an archive from r, checking every entry: the data file
// first; each photo's name (a photo's file name only, in its folder) and
// its bytes (a photo's SHA-256 is its name, a thumbnail is a JPEG); no
// entry twice, nothing but regular files; the end entry last, counting
// what came before. With dataTo and photoDir set it writes the data file
// to dataTo and the photos under photoDir (created, must not exist); with
// both empty it only checks. An archive that fails a check is refused
// with ErrRefused, naming the entry; what was written is left for the
// caller to remove.
func Read(r io.Reader, dataTo, photoDir string) (Summary, error) {
	cr := &countingReader{r: r}
	tr := tar.NewReader(cr)
	var sum Summary
	refused := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrRefused, fmt.Sprintf(format, args...))
	}
	next := func() (*tar.Header, error) {
		h, err := tr.Next()
		if err == io.EOF {
			return nil, refused("it ends before its end entry (%s): the archive is cut short", EndName)
		}
		if err != nil {
			return nil, refused("it cannot be read (%v): the archive is cut short or damaged", err)
		}
		if h.Typeflag != tar.TypeReg {
			return nil, refused("entry %q is not a regular file (links and folders are not part of a backup)", h.Name)
		}
		return h, nil
	}
	h, err := next()
	if err != nil {
		return sum, err
	}
	if h.Name != DataName {
		return sum, refused("its first entry is %q, not the data file %s", h.Name, DataName)
	}
	sum.DataBytes = h.Size
	if err := copyEntry(tr, dataTo, h.Size, nil); err != nil {
		return sum, refused("the data file cannot be read (%v): the archive is cut short or damaged", err)
	}
	if photoDir != "" {
		if err := os.Mkdir(photoDir, 0o700); err != nil {
			return sum, err
		}
	}
	seen := map[string]bool{}
	for {
		h, err := next()
		if err != nil {
			return sum, err
		}
		if h.Name == EndName {
			break
		}
		id, thumb, ok := parseEntryName(h.Name)
		if !ok {
			return sum, refused("entry %q is not a photo's name (photos/<2 hex>/<64 hex>.jpg or .thumb.jpg)", h.Name)
		}
		if seen[h.Name] {
			return sum, refused("entry %q comes twice", h.Name)
		}
		seen[h.Name] = true
		var check contentCheck = &jpegCheck{}
		if !thumb {
			check = &hashCheck{id: id, h: sha256.New()}
		}
		to := ""
		if photoDir != "" {
			to = photos.Path(photoDir, id, thumb)
			if err := os.MkdirAll(filepath.Dir(to), 0o700); err != nil {
				return sum, err
			}
		}
		if err := copyEntry(tr, to, h.Size, check); errors.Is(err, io.ErrUnexpectedEOF) {
			return sum, refused("entry %q cannot be read (%v): the archive is cut short", h.Name, err)
		} else if err != nil {
			return sum, refused("entry %q: %v", h.Name, err)
		}
		if thumb {
			sum.Thumbs++
		} else {
			sum.Photos++
		}
	}
	var tail end
	if err := json.NewDecoder(io.LimitReader(tr, 4096)).Decode(&tail); err != nil {
		return sum, refused("its end entry cannot be read: %v", err)
	}
	if tail.Photos != sum.Photos || tail.Thumbs != sum.Thumbs {
		return sum, refused("its end entry counts %d photos and %d thumbnails, it holds %d and %d", tail.Photos, tail.Thumbs, sum.Photos, sum.Thumbs)
	}
	if h, err := tr.Next(); err != io.EOF {
		name := ""
		if h != nil {
			name = h.Name
		}
		return sum, refused("something follows its end entry (%q, %v)", name, err)
	}
	// The tar's padding after its end marker, read so that the archive
	// is read to its end (and counted whole).
	if _, err := io.Copy(io.Discard, cr); err != nil {
		return sum, refused("it cannot be read to its end (%v)", err)
	}
	sum.Bytes = cr.n
	if photoDir != "" {
		if err := syncTree(photoDir); err != nil {
			return sum, err
		}
	}
	return sum, nil
}

// copyEntry copies an entry of size bytes to the file to (to "" reads
// and checks only), synced, checking its content as it goes.
func copyEntry(r io.Reader, to string, size int64, check contentCheck) error {
	var w io.Writer = io.Discard
	var f *os.File
	if to != "" {
		var err error
		if f, err = os.OpenFile(to, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600); err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	if check != nil {
		w = io.MultiWriter(w, check)
	}
	if n, err := io.Copy(w, r); err != nil {
		return err
	} else if n != size {
		return fmt.Errorf("%d bytes of %d", n, size)
	}
	if check != nil {
		if err := check.Done(); err != nil {
			return err
		}
	}
	if f != nil {
		if err := f.Sync(); err != nil {
			return err
		}
		return f.Close()
	}
	return nil
}

// A contentCheck sees an entry's bytes as they are copied.
type contentCheck interface {
	io.Writer
	Done() error
}

// hashCheck: a photo's SHA-256 is its name.
type hashCheck struct {
	id string
	h  interface {
		io.Writer
		Sum([]byte) []byte
	}
}

func (c *hashCheck) Write(p []byte) (int, error) { return c.h.Write(p) }

func (c *hashCheck) Done() error {
	if got := hex.EncodeToString(c.h.Sum(nil)); got != c.id {
		return fmt.Errorf("its bytes do not match its name (their SHA-256 is %s)", got)
	}
	return nil
}

// jpegCheck: a thumbnail begins and ends as a JPEG does (SOI … EOI).
type jpegCheck struct {
	n    int64
	head [3]byte
	tail [2]byte
}

func (c *jpegCheck) Write(p []byte) (int, error) {
	for i := 0; i < len(p) && c.n+int64(i) < 3; i++ {
		c.head[c.n+int64(i)] = p[i]
	}
	switch n := len(p); {
	case n >= 2:
		c.tail = [2]byte{p[n-2], p[n-1]}
	case n == 1:
		c.tail = [2]byte{c.tail[1], p[0]}
	}
	c.n += int64(len(p))
	return len(p), nil
}

func (c *jpegCheck) Done() error {
	if c.n < 5 || c.head != [3]byte{0xFF, 0xD8, 0xFF} || c.tail != [2]byte{0xFF, 0xD9} {
		return errors.New("it is not a JPEG thumbnail")
	}
	return nil
}

// syncTree makes the restored photos' folders durable (each file was
// synced as it was written).
func syncTree(dir string) error {
	folders, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, folder := range folders {
		if err := syncDir(filepath.Join(dir, folder.Name())); err != nil {
			return err
		}
	}
	return syncDir(dir)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
