package store

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"bayboard/internal/shop"

	bolt "go.etcd.io/bbolt"
)

var updateSeeds = flag.Bool("update-fuzz-seeds", false, "rewrite the committed seeds of FuzzDataFile in testdata/fuzz")

// smallShopFile is a complete data file with 1 KiB pages, a job, a
// customer and their events, cut to the pages it uses: a seed small
// enough to commit and to mutate.
func smallShopFile(t testing.TB) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "small.db")
	db, err := bolt.Open(path, 0o600, &bolt.Options{PageSize: 1024})
	if err != nil {
		t.Fatal(err)
	}
	var used int64
	err = db.Update(func(tx *bolt.Tx) error {
		meta, err := tx.CreateBucket(bucketMeta)
		if err != nil {
			return err
		}
		for _, m := range migrations {
			if err := m(tx); err != nil {
				return err
			}
		}
		if err := meta.Put(keySchemaVersion, u64(SchemaVersion)); err != nil {
			return err
		}
		job := &shop.Job{ID: "20261123-0001", CustomerID: "cu-1", VehicleID: "ve-1", Stage: shop.StageReception}
		for _, r := range []shop.Record{
			{Kind: shop.KindCustomer, ID: "cu-1", Value: &shop.Customer{ID: "cu-1", Name: "张先生", Phone: "13812345678"}},
			{Kind: shop.KindJob, ID: job.ID, Value: job},
		} {
			data, err := encodeRecord(r.Value)
			if err != nil {
				return err
			}
			if err := records(tx, r.Kind).Put([]byte(r.ID), data); err != nil {
				return err
			}
		}
		if err := indexJob(tx, job); err != nil {
			return err
		}
		return appendEvent(tx, &shop.Event{At: t0, Actor: "system", Type: "open_job", JobID: job.ID})
	})
	if err == nil {
		db.View(func(tx *bolt.Tx) error { used = tx.Size(); return nil })
	}
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data[:used]
}

// fuzzSeeds are the committed seeds: the small shop file whole, cut
// short, with a page header or a record's bytes flipped, and files that
// are not data files at all.
func fuzzSeeds(t testing.TB) map[string][]byte {
	good := smallShopFile(t)
	flip := func(offsets ...int) []byte {
		out := bytes.Clone(good)
		for _, o := range offsets {
			out[o%len(out)] ^= 0xff
		}
		return out
	}
	seeds := map[string][]byte{
		"good":          good,
		"empty":         {},
		"text":          []byte("not a database"),
		"meta-only":     good[:2048],
		"cut-half":      good[:len(good)/2],
		"cut-one-byte":  good[:len(good)-1],
		"meta-flipped":  flip(20, 1024+20),
		"page3-flags":   flip(3*1024 + 8),
		"page4-count":   flip(4*1024 + 10),
		"record-bytes":  flip(len(good) - 100),
		"last-page-hdr": flip(len(good) - 1024 + 8),
	}
	return seeds
}

// The seeds under testdata/fuzz are written by
// go test -run TestFuzzSeeds -update-fuzz-seeds ./internal/store/.
func TestFuzzSeeds(t *testing.T) {
	if !*updateSeeds {
		t.Skip("rewrites the seeds only with -update-fuzz-seeds")
	}
	dir := filepath.Join("testdata", "fuzz", "FuzzDataFile")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, data := range fuzzSeeds(t) {
		body := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", data)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// FuzzDataFile opens, backs up and restores whatever bytes it is given as
// a data file. None may panic or crash the process; the three must agree
// on whether the file is a sound data file; a refused file is byte for
// byte as it was and a refused restore leaves no file behind; a start
// opens every file they take, and a file that opens loads.
func FuzzDataFile(f *testing.F) {
	for _, data := range fuzzSeeds(f) {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		path := filepath.Join(dir, "shop.db")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		unchanged := func(what string) {
			if after, _ := os.ReadFile(path); !bytes.Equal(after, data) {
				t.Fatalf("%s changed a refused file", what)
			}
		}
		inspectErr := Inspect(path)
		unchanged("inspect")
		if _, err := BackupFile(path, &bytes.Buffer{}); (err == nil) != (inspectErr == nil) {
			t.Fatalf("backup: %v; inspect: %v", err, inspectErr)
		}
		unchanged("backup")
		target := filepath.Join(dir, "target.db")
		_, err := Restore(path, target, t0)
		if (err == nil) != (inspectErr == nil) {
			t.Fatalf("restore: %v; inspect: %v", err, inspectErr)
		}
		if err != nil {
			if _, serr := os.Stat(target); !errors.Is(serr, os.ErrNotExist) {
				t.Fatalf("a refused restore left %s", target)
			}
		}
		unchanged("restore")
		// A start leaves the event history's pages to a restore's and a
		// backup's full check: it may open a file they refuse, never the
		// other way round.
		s, err := Open(path)
		if err != nil && inspectErr == nil {
			t.Fatalf("open: %v; inspect passed", err)
		}
		if err != nil {
			unchanged("open")
			return
		}
		defer s.Close()
		if _, _, err := s.Load(t0); err != nil {
			t.Fatalf("a file that opens does not load: %v", err)
		}
		if inspectErr != nil {
			return // damaged in the history only, which bbolt's check would read
		}
		if err := s.Check(); err != nil {
			t.Fatalf("the file fails the check after open and load: %v", err)
		}
	})
}
