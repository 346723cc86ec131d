package testdisk

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestTheTestsFilesGoToMemoryAndAreRemoved(t *testing.T) {
	if free(shm) < minFree {
		t.Skipf("no /dev/shm here with %d MB free: the tests' files stay on the disk", minFree>>20)
	}
	t.Setenv("TMPDIR", "")
	os.Unsetenv("TMPDIR")
	done := Use()
	dir := os.TempDir()
	if filepath.Dir(dir) != shm || !strings.HasPrefix(filepath.Base(dir), "bayboard-test-") {
		done()
		t.Fatalf("TMPDIR is %q, want a directory of its own under %s", dir, shm)
	}
	if err := os.WriteFile(filepath.Join(dir, "shop.db"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	done()
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("%s is still there after the tests: %v", dir, err)
	}
	if v, set := os.LookupEnv("TMPDIR"); set {
		t.Errorf("TMPDIR is still %q", v)
	}
}

func TestATMPDIRSetByThePersonIsKept(t *testing.T) {
	mine := t.TempDir()
	t.Setenv("TMPDIR", mine)
	done := Use()
	defer done()
	if got := os.TempDir(); got != mine {
		t.Errorf("TMPDIR is %q, want %q as set", got, mine)
	}
}

func TestShmsRoomIsRead(t *testing.T) {
	if _, err := os.Stat(shm); err != nil {
		t.Skip("no /dev/shm here")
	}
	if free(shm) == 0 {
		t.Errorf("the room on %s reads 0", shm)
	}
	if free(filepath.Join(t.TempDir(), "missing")) != 0 {
		t.Errorf("a missing path has room")
	}
}
