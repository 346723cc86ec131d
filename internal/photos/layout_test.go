package photos

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestAPhotoIsNamedByItsHash(t *testing.T) {
	id := strings.Repeat("ab", 32)
	if !ValidID(id) {
		t.Fatalf("%s is a photo's name", id)
	}
	for _, bad := range []string{"", "AB" + id[2:], id[:63], id + "0", "../" + id[3:], strings.Repeat("g", 64)} {
		if ValidID(bad) {
			t.Errorf("ValidID(%q) = true", bad)
		}
	}
	if got, want := Path("/d/shop.db.photos", id, true), filepath.Join("/d/shop.db.photos", "ab", id+".thumb.jpg"); got != want {
		t.Errorf("Path = %s, want %s", got, want)
	}
	if got := Dir("/d/shop.db"); got != "/d/shop.db.photos" {
		t.Errorf("Dir = %s", got)
	}
}
