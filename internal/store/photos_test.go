package store

import (
	"path/filepath"
	"reflect"
	"testing"

	"bayboard/internal/shop"
)

// PhotoFiles lists the photos of every job, open and closed, whose files
// should be beside the data file: the shown ones, not one taken back or
// expired.
func TestPhotoFilesListsEveryJobsShownPhotos(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "shop.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	gone := t0
	open := &shop.Job{ID: "20261123-0001", Stage: shop.StageInProgress, Photos: []shop.Photo{
		{ID: "a1", Kind: shop.PhotoWalkAround, Position: shop.PositionFront},
		{ID: "a2", Kind: shop.PhotoFinding, FindingID: "f1", RemovedAt: &gone, RemovedBy: "u-1"},
	}}
	closed := &shop.Job{ID: "20261120-0001", Stage: shop.StageDelivered, Delivery: &shop.Delivery{At: gone}, Photos: []shop.Photo{
		{ID: "b1", Kind: shop.PhotoWork},
		{ID: "b2", Kind: shop.PhotoWork, ExpiredAt: &gone},
	}}
	if _, err := s.Commit([]shop.Record{{Kind: shop.KindJob, ID: open.ID, Value: open}, {Kind: shop.KindJob, ID: closed.ID, Value: closed}},
		[]shop.Event{{At: t0, Actor: "system", Type: "open_job", JobID: open.ID}}); err != nil {
		t.Fatal(err)
	}
	ids, err := s.PhotoFiles()
	if want := map[string]bool{"a1": true, "b1": true}; err != nil || !reflect.DeepEqual(ids, want) {
		t.Errorf("PhotoFiles: %v %v, want %v", ids, err, want)
	}
}
