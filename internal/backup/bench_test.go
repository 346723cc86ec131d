package backup

import (
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"bayboard/internal/photos"
	"bayboard/internal/shop"
	"bayboard/internal/store"
)

// benchShop writes a shop of jobs × perJob photos of about size bytes
// each (random bytes, named by their SHA-256 as the photo store names
// them; JPEGs do not compress either), each with a real JPEG thumbnail.
func benchShop(b *testing.B, dir string, jobs, perJob, size int) string {
	b.Helper()
	path := filepath.Join(dir, "shop.db")
	s, err := store.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	thumb := testThumbJPEG(b)
	rng := rand.NewChaCha8([32]byte{1})
	buf := make([]byte, size)
	for j := range jobs {
		job := &shop.Job{ID: fmt.Sprintf("20261123-%05d", j), CustomerID: "cu-1", VehicleID: "ve-1", Stage: shop.StageDelivered}
		for range perJob {
			rng.Read(buf)
			id := putPhoto(b, photos.Dir(path), buf, thumb)
			job.Photos = append(job.Photos, shop.Photo{ID: id, Kind: shop.PhotoFinding, FindingID: "f1", Bytes: size, By: "u-1", At: t0})
		}
		if _, err := s.Commit([]shop.Record{{Kind: shop.KindJob, ID: job.ID, Value: job}},
			[]shop.Event{{At: t0, Actor: "system", Type: "open_job", JobID: job.ID}}); err != nil {
			b.Fatal(err)
		}
	}
	return path
}

// testThumbJPEG is a thumbnail-sized JPEG (320×240).
func testThumbJPEG(tb testing.TB) []byte {
	tb.Helper()
	return thumbOf(tb, 320, 240)
}

// peakHeap samples the heap in use every few milliseconds while fn runs
// and returns the highest it saw, over what was in use before.
func peakHeap(fn func()) (peak uint64) {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	base := m.HeapInuse
	var top atomic.Uint64
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			if m.HeapInuse > top.Load() {
				top.Store(m.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	fn()
	close(done)
	<-stopped
	if top.Load() < base {
		return 0
	}
	return top.Load() - base
}

// BenchmarkBackup20000Photos writes the archive of a shop with 20,000
// photos of ~200 KB (BAYBOARD_BENCH_PHOTOS changes the count), then
// restores it onto another data file:
//
//	go test -run XXX -bench Backup20000Photos -benchtime 1x -timeout 60m ./internal/backup/
//
// It needs about three times the photos' size on disk (~12 GB).
func BenchmarkBackup20000Photos(b *testing.B) {
	n := 20000
	if v, err := strconv.Atoi(os.Getenv("BAYBOARD_BENCH_PHOTOS")); err == nil && v > 0 {
		n = v
	}
	dir := b.TempDir()
	start := time.Now()
	path := benchShop(b, dir, n/10, 10, 200<<10)
	b.Logf("fixture: %d photos written in %s", n, time.Since(start).Round(time.Second))
	for b.Loop() {
		archive := filepath.Join(dir, "backup.tar")
		var sum Summary
		var took time.Duration
		peak := peakHeap(func() {
			start := time.Now()
			f, err := os.Create(archive)
			if err != nil {
				b.Fatal(err)
			}
			snap, size, err := Snapshot(dir, func(w io.Writer) (int64, error) { return store.BackupFile(path, w) })
			if err != nil {
				b.Fatal(err)
			}
			if sum, err = Write(f, snap, size, photos.Dir(path)); err != nil {
				b.Fatal(err)
			}
			snap.Close()
			if err := f.Sync(); err != nil {
				b.Fatal(err)
			}
			f.Close()
			took = time.Since(start)
		})
		if sum.Photos != n {
			b.Fatalf("archived %d photos of %d", sum.Photos, n)
		}
		b.ReportMetric(took.Seconds(), "backup-s")
		b.ReportMetric(float64(sum.Bytes)/(1<<20), "archive-MiB")
		b.ReportMetric(float64(peak)/(1<<20), "backup-peak-heap-MiB")

		target := filepath.Join(dir, "restored.db")
		var done Restored
		peak = peakHeap(func() {
			start := time.Now()
			var err error
			if done, err = Restore(archive, target, t0); err != nil {
				b.Fatal(err)
			}
			took = time.Since(start)
		})
		if done.Photos != n || len(done.Missing) != 0 {
			b.Fatalf("restored %d photos of %d, %d missing", done.Photos, n, len(done.Missing))
		}
		b.ReportMetric(took.Seconds(), "restore-s")
		b.ReportMetric(float64(peak)/(1<<20), "restore-peak-heap-MiB")
		os.Remove(archive)
		os.RemoveAll(photos.Dir(target))
		os.Remove(target)
	}
}
