package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"bayboard/internal/photos"
	"bayboard/internal/store"
)

// writePhoto puts a photo file (and a thumbnail that is a JPEG's first
// and last bytes) beside the data file, as the photo store lays them out.
func writePhoto(t *testing.T, data string, photo []byte) string {
	t.Helper()
	sum := sha256.Sum256(photo)
	id := hex.EncodeToString(sum[:])
	dir := photos.Dir(data)
	if err := os.MkdirAll(filepath.Join(dir, id[:2]), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(photos.Path(dir, id, false), photo, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(photos.Path(dir, id, true), []byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 0xFF, 0xD9}, 0o600); err != nil {
		t.Fatal(err)
	}
	return id
}

// `bayboard backup` writes one archive of the data file and its photos;
// `bayboard restore` puts both onto another data file, which then serves
// (and its first start removes what the restore replaced). A tampered
// archive is refused, changing nothing; an old backup of the data file
// alone still restores.
func TestBackupAndRestoreCarryThePhotos(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "shop.db")
	newShopFile(t, data)
	first := bytes.Repeat([]byte("the worn brake pad "), 500)
	ids := []string{writePhoto(t, data, first), writePhoto(t, data, []byte("the old part beside the new one"))}

	archive := filepath.Join(dir, "backup.tar")
	code, out, errs := runArgs(t, nil, "backup", "--data", data, "--out", archive)
	if code != 0 || !strings.Contains(out, "the data file and 2 photos") {
		t.Fatalf("backup: %d %s %s", code, out, errs)
	}

	target := filepath.Join(t.TempDir(), "other.db")
	newShopFile(t, target)
	stray := writePhoto(t, target, []byte("a photo of the shop the restore replaces"))
	code, out, errs = runArgs(t, nil, "restore", "--data", target, archive)
	if code != 0 || !strings.Contains(out, "and 2 photos from") || !strings.Contains(out, "the photos it replaced are kept") {
		t.Fatalf("restore: %d %s %s", code, out, errs)
	}
	for _, id := range ids {
		want, _ := os.ReadFile(photos.Path(photos.Dir(data), id, false))
		got, err := os.ReadFile(photos.Path(photos.Dir(target), id, false))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("photo %s after the restore: %v", id, err)
		}
	}
	if _, err := os.Stat(photos.Path(photos.Dir(target), stray, false)); !os.IsNotExist(err) {
		t.Errorf("the replaced shop's photo is among the restored ones: %v", err)
	}
	code, _, errs = serveWhile(t, target, func(url string) {
		resp, err := http.Get(url + "/healthz")
		if err != nil || resp.StatusCode != 200 {
			t.Errorf("the restored shop does not serve: %v", err)
			return
		}
		resp.Body.Close()
	})
	if code != 0 {
		t.Fatalf("serve the restored shop: %d %s", code, errs)
	}
	if matches, _ := filepath.Glob(target + store.ReplacedSuffix + "*"); len(matches) != 0 {
		t.Errorf("left after a good start: %v", matches)
	}

	// One byte of the first photo changed: its bytes no longer match its name.
	raw, err := os.ReadFile(archive)
	if err != nil {
		t.Fatal(err)
	}
	at := bytes.Index(raw, first[:200])
	if at < 0 {
		t.Fatal("the photo is not in the archive as it is")
	}
	raw[at+100] ^= 1
	tampered := filepath.Join(dir, "tampered.tar")
	os.WriteFile(tampered, raw, 0o600)
	before, _ := os.ReadFile(target)
	code, _, errs = runArgs(t, nil, "restore", "--data", target, tampered)
	if code != 1 || !strings.Contains(errs, "the backup "+tampered+" is refused") || !strings.Contains(errs, "do not match its name") {
		t.Errorf("a tampered archive: %d %s", code, errs)
	}
	if after, _ := os.ReadFile(target); !bytes.Equal(after, before) {
		t.Error("a refused restore changed the data file")
	}

	// A backup from before photos: the data file alone.
	plain := filepath.Join(dir, "old.db")
	f, err := os.Create(plain)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.BackupFile(data, f); err != nil {
		t.Fatal(err)
	}
	f.Close()
	code, out, errs = runArgs(t, nil, "restore", "--data", target, plain)
	if code != 0 || !strings.Contains(out, "without photos") {
		t.Errorf("an old plain backup: %d %s %s", code, out, errs)
	}
}

// `backup --url` reads the archive as it streams: one cut short (the
// server stopped midway, the network dropped) is an error and no backup
// file is left, where a plain copy would have written half a backup.
func TestBackupFromAServerRefusesAnArchiveCutShort(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "shop.db")
	newShopFile(t, data)
	writePhoto(t, data, bytes.Repeat([]byte("a dented door "), 2000))
	archive := filepath.Join(dir, "whole.tar")
	if code, out, errs := runArgs(t, nil, "backup", "--data", data, "--out", archive); code != 0 {
		t.Fatalf("backup: %d %s %s", code, out, errs)
	}
	whole, err := os.ReadFile(archive)
	if err != nil {
		t.Fatal(err)
	}
	for _, size := range []int{len(whole), len(whole) - 3000} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/api/v1/backup" || r.Header.Get("Authorization") != "Bearer tok" {
				http.NotFound(w, r)
				return
			}
			w.Write(whole[:size])
		}))
		out := filepath.Join(dir, fmt.Sprintf("from-server-%d.tar", size))
		code, stdout, errs := runArgs(t, nil, "backup", "--url", srv.URL, "--token", "tok", "--out", out)
		srv.Close()
		_, statErr := os.Stat(out)
		if size == len(whole) {
			if code != 0 || statErr != nil || !strings.Contains(stdout, "1 photos") {
				t.Errorf("a whole archive: %d %s %s", code, stdout, errs)
			}
			continue
		}
		if code != 1 || !strings.Contains(errs, "cut short") || !os.IsNotExist(statErr) {
			t.Errorf("an archive cut short: exit %d, %s, file: %v", code, errs, statErr)
		}
	}
}
