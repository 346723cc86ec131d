package store

import (
	"bytes"
	"errors"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"bayboard/internal/shop"

	bolt "go.etcd.io/bbolt"
)

// goodFile is a sound data file with a seeded shop, as bytes, and the
// size its pages take (the file may be longer: bbolt grows it in steps).
func goodFile(t testing.TB) ([]byte, int) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "good.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	seed(t, s)
	var used int64
	s.db.View(func(tx *bolt.Tx) error { used = tx.Size(); return nil })
	s.Close()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data, int(used)
}

// boltFile is a bbolt file made by fn, as bytes.
func boltFile(t testing.TB, fn func(tx *bolt.Tx) error) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "other.db")
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(fn); err != nil {
		t.Fatal(err)
	}
	db.Close()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// flipped is data with the bytes at offsets inverted.
func flipped(data []byte, offsets ...int) []byte {
	out := bytes.Clone(data)
	for _, o := range offsets {
		out[o] ^= 0xff
	}
	return out
}

// badFiles are files that are not complete, sound bayboard data files,
// each with the error it must be refused with: nothing, junk of several
// sizes, other programs' bbolt files, a bayboard file missing its parts,
// one from a newer bayboard, and a real shop's file truncated or with
// bytes flipped where bbolt can tell.
func badFiles(t testing.TB) map[string]struct {
	data []byte
	want error
} {
	good, used := goodFile(t)
	ps := os.Getpagesize()
	junk := make([]byte, 1<<20)
	rand.NewChaCha8([32]byte{1}).Read(junk)
	type bad = struct {
		data []byte
		want error
	}
	return map[string]bad{
		"empty":                  {nil, ErrNotDataFile},
		"text":                   {[]byte("not a database"), ErrNotDataFile},
		"a page of junk":         {bytes.Repeat([]byte("x"), ps), ErrNotDataFile},
		"four pages of zeros":    {make([]byte, 4*ps), ErrNotDataFile},
		"a megabyte of noise":    {junk, ErrNotDataFile},
		"another program's file": {boltFile(t, func(tx *bolt.Tx) error { _, err := tx.CreateBucket([]byte("widgets")); return err }), ErrNotDataFile},
		"meta without a schema version": {boltFile(t, func(tx *bolt.Tx) error {
			_, err := tx.CreateBucket(bucketMeta)
			return err
		}), ErrNotDataFile},
		"a schema version and nothing else": {boltFile(t, func(tx *bolt.Tx) error {
			meta, err := tx.CreateBucket(bucketMeta)
			if err != nil {
				return err
			}
			return meta.Put(keySchemaVersion, u64(SchemaVersion))
		}), ErrNotDataFile},
		"a newer bayboard's file": {boltFile(t, func(tx *bolt.Tx) error {
			meta, _ := tx.CreateBucket(bucketMeta)
			for _, m := range migrations {
				if err := m(tx); err != nil {
					return err
				}
			}
			return meta.Put(keySchemaVersion, u64(SchemaVersion+1))
		}), ErrNewerSchema},
		"only the meta pages":          {good[:2*ps], ErrDamaged},
		"truncated to half":            {good[:used/2/ps*ps], ErrDamaged},
		"the last page cut off":        {good[:used-ps], ErrDamaged},
		"cut inside the last page":     {good[:used-ps/2], ErrDamaged},
		"one byte short":               {good[:used-1], ErrDamaged},
		"both meta pages flipped":      {flipped(good, 20, ps+20), ErrNotDataFile},
		"every page header flipped":    {flipped(good, pageHeaderOffsets(used, ps)...), ErrDamaged},
		"every branch and leaf header": {flipped(good, pageHeaderOffsets(used, ps)[2:]...), ErrDamaged},
	}
}

// pageHeaderOffsets are the offsets of each page's flags (a page header
// is id u64, flags u16, count u16, overflow u32).
func pageHeaderOffsets(size, ps int) []int {
	var out []int
	for p := 0; p*ps < size; p++ {
		out = append(out, p*ps+8)
	}
	return out
}

// A file that is not a complete, sound bayboard data file is refused by
// every path that reads one (a start, a restore, a cold backup), with a
// clear error and no panic, and stays byte for byte as it was: it is
// checked before anything writes to it.
func TestADamagedOrForeignFileIsRefusedAndLeftAsItWas(t *testing.T) {
	for name, bad := range badFiles(t) {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "shop.db")
			if err := os.WriteFile(path, bad.data, 0o600); err != nil {
				t.Fatal(err)
			}
			if s, err := Open(path); !errors.Is(err, bad.want) {
				if err == nil {
					s.Close()
				}
				t.Errorf("open: %v, want %v", err, bad.want)
			}
			if _, err := BackupFile(path, &bytes.Buffer{}); !errors.Is(err, bad.want) {
				t.Errorf("cold backup: %v, want %v", err, bad.want)
			}
			target := filepath.Join(dir, "target.db")
			if _, err := Restore(path, target, t0); !errors.Is(err, bad.want) || !strings.Contains(err.Error(), "the backup "+path+" is refused") {
				t.Errorf("restore: %v, want %v", err, bad.want)
			}
			if _, err := os.Stat(target); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("a refused restore left a file: %v", err)
			}
			if after, _ := os.ReadFile(path); !bytes.Equal(after, bad.data) {
				t.Error("the refused file changed")
			}
		})
	}
}

// A refused restore leaves the shop's file as it was; a good one keeps
// the file it replaces beside it, which RemoveReplaced (a successful
// start) then removes.
func TestRestoreKeepsTheReplacedFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "shop.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	seed(t, s)
	s.Close()
	shopBytes, _ := os.ReadFile(path)

	junk := filepath.Join(dir, "junk.db")
	os.WriteFile(junk, []byte("junk"), 0o600)
	if _, err := Restore(junk, path, t0); err == nil {
		t.Fatal("restored junk")
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(after, shopBytes) {
		t.Fatal("a refused restore changed the shop's file")
	}

	empty := filepath.Join(dir, "empty.db")
	e, err := Open(empty)
	if err != nil {
		t.Fatal(err)
	}
	e.Close()
	kept, err := Restore(empty, path, t0)
	if err != nil {
		t.Fatal(err)
	}
	if want := path + ReplacedSuffix + "20261123T090000Z"; kept != want {
		t.Errorf("kept as %q, want %q", kept, want)
	}
	if got, _ := os.ReadFile(kept); !bytes.Equal(got, shopBytes) {
		t.Error("the kept file is not the replaced shop's file")
	}
	// A second restore within the same second keeps the first one's too.
	again, err := Restore(empty, path, t0)
	if err != nil || again == kept {
		t.Fatalf("second restore kept %q (%v)", again, err)
	}
	removed, err := RemoveReplaced(path)
	if err != nil || len(removed) != 2 {
		t.Fatalf("removed %v (%v)", removed, err)
	}
	for _, f := range []string{kept, again} {
		if _, err := os.Stat(f); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s still there", f)
		}
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("the data file went too: %v", err)
	}
}

// One record that cannot be read does not stop the shop loading: a job
// with damaged bytes, a customer with a field a newer bayboard wrote and
// an index entry naming a job that is not there are set aside (kept whole
// in set_aside/, out of the records and the job indexes), reported, and
// the rest of the shop loads. The next load finds nothing new to set aside
// and still lists them.
func TestAnUnreadableRecordIsSetAsideAndTheRestLoads(t *testing.T) {
	s := open(t)
	seed(t, s)
	damagedJob := []byte(`{"id":"20261123-0001","stage":`)
	newerCustomer := []byte(`{"id":"cu-1","name":"张先生","phone":"13812345678","loyalty_tier":"gold"}`)
	err := s.db.Update(func(tx *bolt.Tx) error {
		records(tx, shop.KindJob).Put([]byte("20261123-0001"), damagedJob)
		records(tx, shop.KindCustomer).Put([]byte("cu-1"), newerCustomer)
		return tx.Bucket(bucketOpenJobs).Put([]byte("20261123-0099"), present)
	})
	if err != nil {
		t.Fatal(err)
	}
	st, aside, err := s.Load(t0)
	if err != nil {
		t.Fatalf("one bad record stopped the load: %v", err)
	}
	if st.Jobs["20261123-0002"] == nil || st.Vehicles["ve-1"] == nil || st.Jobs["20261123-0001"] != nil || st.Customers["cu-1"] != nil {
		t.Errorf("loaded jobs %v, customers %v", st.Jobs, st.Customers)
	}
	want := map[string]string{
		"jobs 20261123-0001": reasonUnreadable,
		"customers cu-1":     reasonUnknownField,
		"jobs 20261123-0099": reasonMissing,
	}
	got := map[string]string{}
	for _, a := range aside {
		got[a.Kind+" "+a.ID] = a.Reason
		if a.Detail() == "" {
			t.Errorf("%s %s set aside without a detail for the log", a.Kind, a.ID)
		}
	}
	if !maps.Equal(got, want) {
		t.Errorf("set aside %v, want %v", got, want)
	}

	// Out of the records and the indexes, kept whole beside them.
	s.db.View(func(tx *bolt.Tx) error {
		if records(tx, shop.KindJob).Get([]byte("20261123-0001")) != nil || has(tx.Bucket(bucketOpenJobs), []byte("20261123-0001")) || has(tx.Bucket(bucketOpenJobs), []byte("20261123-0099")) {
			t.Error("the damaged job is still in the records or the index")
		}
		return nil
	})
	kept, err := s.SetAsideRecords()
	if err != nil || len(kept) != 3 {
		t.Fatalf("set_aside holds %d (%v)", len(kept), err)
	}
	for _, k := range kept {
		switch k.Kind + " " + k.ID {
		case "jobs 20261123-0001":
			if !bytes.Equal(k.Record, damagedJob) {
				t.Errorf("the damaged job's bytes were not kept: %q", k.Record)
			}
		case "customers cu-1":
			if !bytes.Equal(k.Record, newerCustomer) {
				t.Errorf("the newer customer's bytes were not kept: %q", k.Record)
			}
		}
	}
	if _, err := s.JobsClosedSince(t0.Add(-time.Hour)); err != nil {
		t.Errorf("a report after the setting aside: %v", err)
	}
	again, aside, err := s.Load(t0)
	if err != nil || len(aside) != 0 || again.Jobs["20261123-0002"] == nil {
		t.Errorf("the second load: %v set aside, %v", aside, err)
	}
	if s.Check() != nil {
		t.Error("the file fails the check after the setting aside")
	}
}

// A counter that cannot be read is set aside like any record, but does
// not start again at 1: it goes on after the highest id in use, so that
// no new record takes an existing one's id.
func TestASetAsideCounterGoesOnAfterTheHighestID(t *testing.T) {
	s := open(t)
	seed(t, s)
	err := s.db.Update(func(tx *bolt.Tx) error {
		counters := records(tx, shop.KindCounter)
		counters.Put([]byte("cu"), []byte(`{"name":"cu","value":`))
		return counters.Put([]byte("job:20261123"), []byte(`{"name":"job:20261123","value":2,"step":1}`))
	})
	if err != nil {
		t.Fatal(err)
	}
	st, aside, err := s.Load(t0)
	if err != nil || len(aside) != 2 {
		t.Fatalf("set aside %v (%v)", aside, err)
	}
	if st.Counters["cu"] != 1 || st.Counters["job:20261123"] != 2 {
		t.Errorf("counters after the setting aside: %v", st.Counters)
	}
	st = apply(t, s, st, t0.Add(time.Minute),
		&shop.PutCustomer{Customer: shop.Customer{Name: "李女士", Phone: "13900000000"}},
		&shop.PutVehicle{Vehicle: shop.Vehicle{CustomerID: "cu-2", Plate: "京B12345"}},
		&shop.OpenJob{CustomerID: "cu-2", VehicleID: "ve-3", Estimate: shop.Estimate{Requests: "补胎", PromisedAt: t0.Add(time.Hour)}})
	if st.Customers["cu-2"] == nil || st.Customers["cu-1"].Name != "张先生" || st.Jobs["20261123-0003"] == nil {
		t.Errorf("new records after the setting aside: customers %v, jobs %v", st.Customers, st.Jobs)
	}
}

// A restored file's group link forgets its cursor: its events are
// numbered again from the backup's, and the link starts a new epoch with
// a snapshot (shop.GroupMessage.Epoch) rather than go on from a number
// the group already has. The backup itself is not changed.
func TestARestoredFileForgetsItsGroupCursor(t *testing.T) {
	dir := t.TempDir()
	backup := filepath.Join(dir, "backup.db")
	b, err := Open(backup)
	if err != nil {
		t.Fatal(err)
	}
	seed(t, b)
	if err := b.SetGroupCursor(GroupCursor{StoreID: "bj-01", URLs: "nats://group:4222", Seq: 3, Snapshot: 1, Epoch: "aaaa"}); err != nil {
		t.Fatal(err)
	}
	b.Close()
	path := filepath.Join(dir, "shop.db")
	if _, err := Restore(backup, path, t0); err != nil {
		t.Fatal(err)
	}
	for file, want := range map[string]GroupCursor{path: {}, backup: {StoreID: "bj-01", URLs: "nats://group:4222", Seq: 3, Snapshot: 1, Epoch: "aaaa"}} {
		s, err := Open(file)
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.GroupCursor()
		s.Close()
		if err != nil || got != want {
			t.Errorf("%s's cursor: %+v (%v), want %+v", filepath.Base(file), got, err, want)
		}
	}
}
