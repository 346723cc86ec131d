package photos

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Whatever name a request carries, the store opens only a stored photo
// under its own directory: any other name is refused as invalid or not
// there, and a file beside the directory is never reached.
func FuzzOpen(f *testing.F) {
	root := f.TempDir()
	dir := filepath.Join(root, "shop.db.photos")
	s, err := Open(dir)
	if err != nil {
		f.Fatal(err)
	}
	id, err := s.Put([]byte("stored"), []byte("stored thumb"))
	if err != nil {
		f.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "secret.jpg"), []byte("secret"), 0o600); err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{id, "", "../secret", "../../secret.jpg", strings.ToUpper(id), id[:63], id + "/", "./" + id[2:]} {
		f.Add(seed, false)
		f.Add(seed, true)
	}
	f.Fuzz(func(t *testing.T, name string, thumb bool) {
		file, err := s.Open(name, thumb)
		if err != nil {
			if !errors.Is(err, fs.ErrInvalid) && !errors.Is(err, fs.ErrNotExist) {
				t.Fatalf("Open(%q): %v", name, err)
			}
			if s.Has(name) && !thumb {
				t.Fatalf("Has(%q) but Open fails", name)
			}
			return
		}
		defer file.Close()
		b, err := io.ReadAll(file)
		if err != nil {
			t.Fatal(err)
		}
		want := "stored"
		if thumb {
			want = "stored thumb"
		}
		if name != id || string(b) != want {
			t.Fatalf("Open(%q, %v) read %q", name, thumb, b)
		}
	})
}
