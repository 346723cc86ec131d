package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"bayboard/internal/photos"
	"bayboard/internal/store"

	bolt "go.etcd.io/bbolt"
)

// newShopFile makes a real shop's data file through a first start, and
// returns its bytes.
func newShopFile(t *testing.T, path string) []byte {
	t.Helper()
	if code, _, errs := serveWhile(t, path, nil); code != 0 {
		t.Fatalf("first start: %d %s", code, errs)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// serveWhile runs serve on a data file until it says it serves, calls fn
// with the address it serves on (when fn is not nil), then stops it; it
// returns the exit code, the console and the log. A serve that refuses to
// start returns at once.
func serveWhile(t *testing.T, data string, fn func(url string)) (int, string, string) {
	t.Helper()
	var out, errb syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--data", data}, func(string) string { return "" }, &out, &errb)
	}()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(out.String(), "serving on") {
		select {
		case code := <-done:
			return code, out.String(), errb.String()
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not start: %s", errb.String())
		}
	}
	if fn != nil {
		fn(strings.Fields(strings.SplitN(out.String(), "serving on ", 2)[1])[0])
	}
	cancel()
	return <-done, out.String(), errb.String()
}

// damagedFiles are files no command may take for a shop's data file, made
// from a real shop's file (cut short, bytes flipped) and from other files.
func damagedFiles(t *testing.T, good []byte) map[string][]byte {
	ps := os.Getpagesize()
	flip := func(offsets ...int) []byte {
		out := bytes.Clone(good)
		for _, o := range offsets {
			out[o] ^= 0xff
		}
		return out
	}
	foreign := filepath.Join(t.TempDir(), "foreign.db")
	db, err := bolt.Open(foreign, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	db.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket([]byte("widgets")); return err })
	db.Close()
	foreignBytes, _ := os.ReadFile(foreign)
	return map[string][]byte{
		"empty":                    nil,
		"a text file":              []byte("name,phone\n张先生,13812345678\n"),
		"another program's bbolt":  foreignBytes,
		"cut after the meta pages": good[:2*ps],
		"cut to three pages":       good[:3*ps],
		"both meta pages flipped":  flip(20, ps+20),
		"every page header flipped": flip(func() []int {
			var offs []int
			for p := 2; p*ps < len(good); p++ {
				offs = append(offs, p*ps+8)
			}
			return offs
		}()...),
	}
}

// serve, restore and backup --data never panic on a damaged or foreign
// file: each says clearly what is wrong, exits 1, and leaves the file
// byte for byte as it was (and a restore, the shop's file too).
func TestEveryCommandRefusesADamagedFileAndLeavesItAsItWas(t *testing.T) {
	dir := t.TempDir()
	shopFile := filepath.Join(dir, "shop.db")
	good := newShopFile(t, shopFile)
	for name, bad := range damagedFiles(t, good) {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "bad.db")
			if err := os.WriteFile(path, bad, 0o600); err != nil {
				t.Fatal(err)
			}
			unchanged := func(what string) {
				t.Helper()
				if after, _ := os.ReadFile(path); !bytes.Equal(after, bad) {
					t.Errorf("%s changed the refused file", what)
				}
				if after, _ := os.ReadFile(shopFile); !bytes.Equal(after, good) {
					t.Errorf("%s changed the shop's file", what)
				}
			}
			clear := func(errs string) bool {
				return (strings.Contains(errs, "not a complete bayboard data file") || strings.Contains(errs, "the data file is damaged")) &&
					!strings.Contains(errs, "panic") && !strings.Contains(errs, "goroutine ")
			}
			if code, _, errs := serveWhile(t, path, nil); code != 1 || !clear(errs) {
				t.Errorf("serve: exit %d\n%s", code, errs)
			}
			unchanged("serve")
			out := filepath.Join(t.TempDir(), "backup.db")
			if code, _, errs := runArgs(t, nil, "backup", "--data", path, "--out", out); code != 1 || !clear(errs) {
				t.Errorf("backup: exit %d\n%s", code, errs)
			}
			if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("a refused backup wrote %s", out)
			}
			unchanged("backup")
			if code, _, errs := runArgs(t, nil, "restore", "--data", shopFile, path); code != 1 || !clear(errs) || !strings.Contains(errs, "the backup "+path+" is refused") {
				t.Errorf("restore: exit %d\n%s", code, errs)
			}
			unchanged("restore")
		})
	}
}

// A restore keeps the file it replaces beside it and says where; the
// next start that serves removes it.
func TestRestoreKeepsTheReplacedFileUntilTheNextStart(t *testing.T) {
	dir := t.TempDir()
	shopFile := filepath.Join(dir, "shop.db")
	good := newShopFile(t, shopFile)
	other := filepath.Join(dir, "other.db")
	newShopFile(t, other)
	code, out, errs := runArgs(t, nil, "restore", "--data", shopFile, other)
	if code != 0 {
		t.Fatalf("restore: %d %s", code, errs)
	}
	// The replaced file, and beside it the photo directory it had (a
	// served shop has one, if empty).
	kept, _ := filepath.Glob(shopFile + ".before-restore-*[0-9]Z")
	if len(kept) != 1 || !strings.Contains(out, "kept as "+kept[0]+" until the next successful start") {
		t.Fatalf("kept %v; restore said:\n%s", kept, out)
	}
	keptPhotos := photos.Dir(kept[0])
	if _, err := os.Stat(keptPhotos); err != nil || !strings.Contains(out, "kept in "+keptPhotos+" until the next successful start") {
		t.Fatalf("the replaced photos: %v; restore said:\n%s", err, out)
	}
	if b, _ := os.ReadFile(kept[0]); !bytes.Equal(b, good) {
		t.Fatal("the kept file is not the shop's file as it was")
	}
	if code, _, errs := serveWhile(t, shopFile, nil); code != 0 {
		t.Fatalf("serve: %d %s", code, errs)
	}
	for _, k := range []string{kept[0], keptPhotos} {
		if _, err := os.Stat(k); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("the replaced %s is still there after a start: %v", k, err)
		}
	}
}

// A shop with one record that cannot be read starts: the record is named
// in the log and in /healthz, and the rest of the shop serves.
func TestAShopWithAnUnreadableRecordStarts(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shop.db")
	newShopFile(t, path)
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		users := tx.Bucket([]byte("records")).Bucket([]byte("users"))
		if err := users.Put([]byte("user-77"), []byte(`{"id":"user-77","login":"`)); err != nil {
			return err
		}
		return users.Put([]byte("user-78"), []byte(`{"id":"user-78","login":"li","name":"李","active":true,"face_id":"x"}`))
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	var health struct {
		Status   string `json:"status"`
		SetAside []struct {
			Kind, ID, Reason string
		} `json:"set_aside"`
	}
	var body []byte
	code, out, errs := serveWhile(t, path, func(url string) {
		res, err := http.Get(url + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ = io.ReadAll(res.Body)
		if err := json.Unmarshal(body, &health); err != nil || res.StatusCode != 200 {
			t.Errorf("healthz %d: %s (%v)", res.StatusCode, body, err)
		}
	})
	if code != 0 {
		t.Fatalf("serve: %d %s", code, errs)
	}
	if strings.Contains(out, "password:") {
		t.Error("the shop's manager was not loaded: a new one was made")
	}
	for _, id := range []string{"user-77", "user-78"} {
		if !strings.Contains(errs, "set aside") || !strings.Contains(errs, "id="+id) {
			t.Errorf("the log does not name %s:\n%s", id, errs)
		}
	}
	got := map[string]string{}
	for _, a := range health.SetAside {
		got[a.Kind+" "+a.ID] = a.Reason
	}
	if health.Status != "ok" || got["users user-77"] != "unreadable" || !strings.HasPrefix(got["users user-78"], "unknown field") || len(got) != 2 {
		t.Errorf("healthz: %s", body)
	}
	if strings.Contains(string(body), "李") {
		t.Errorf("healthz shows a set-aside record's content: %s", body)
	}
	s, err := store.Open(path)
	if err != nil {
		t.Fatalf("the file after the setting aside: %v", err)
	}
	defer s.Close()
	if aside, err := s.SetAsideRecords(); err != nil || len(aside) != 2 {
		t.Errorf("set_aside holds %d records (%v), want 2", len(aside), err)
	}
}
