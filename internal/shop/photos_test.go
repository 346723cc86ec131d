package shop

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

// photoID is a stored photo's id: 64 lower-case hex digits.
func photoID(n int) string { return fmt.Sprintf("%064x", n) }

func photo(n int, kind PhotoKind) Photo {
	return Photo{ID: photoID(n), Kind: kind, Width: 2048, Height: 1536, Bytes: 400_000}
}

func walkAround(n int) Photo {
	p := photo(n, PhotoWalkAround)
	p.Position = PositionFront
	return p
}

func findingPhoto(n int, findingID string) Photo {
	p := photo(n, PhotoFinding)
	p.FindingID = findingID
	return p
}

// Walk-around photos are the desk's, at reception before the customer
// signs: the car's state as it arrived.
func TestWalkAroundPhotosAreTheDesksBeforeSigning(t *testing.T) {
	f := newFixture(t)
	j := f.openJob(t)
	if err := f.apply(tech, &AttachPhoto{JobID: j.ID, Photo: walkAround(1)}); CodeOf(err) != CodeForbidden {
		t.Errorf("a technician took a walk-around photo: %v", err)
	}
	f.must(t, controller, &AttachPhoto{JobID: j.ID, Photo: walkAround(1)})
	f.must(t, advisor, &AttachPhoto{JobID: j.ID, Photo: walkAround(2)})
	got := f.state.Jobs[j.ID].Photos
	if len(got) != 2 || got[1].By != "user-1" || !got[1].At.Equal(t0) || got[1].Position != PositionFront || !got[1].Shown() {
		t.Fatalf("photos: %+v", got)
	}
	if err := f.apply(advisor, &AttachPhoto{JobID: j.ID, Photo: walkAround(2)}); CodeOf(err) != CodeConflict {
		t.Errorf("the same photo twice on a job: %v", err)
	}
	f.must(t, advisor, &Submit{JobRef: JobRef{j.ID}})
	if err := f.apply(advisor, &AttachPhoto{JobID: j.ID, Photo: walkAround(3)}); CodeOf(err) != CodeConflict {
		t.Errorf("a walk-around photo after signing: %v", err)
	}
}

// A command's fields are checked: the id's shape, the kind, the position
// only for a walk-around, the finding only for a finding photo, the
// caption's length, the size.
func TestAPhotosFieldsAreChecked(t *testing.T) {
	f := newFixture(t)
	j := f.openJob(t)
	bad := map[string]func(p *Photo){
		"photo.id":         func(p *Photo) { p.ID = strings.ToUpper(photoID(0xabc)) },
		"photo.id ":        func(p *Photo) { p.ID = "../../etc/passwd" },
		"photo.kind":       func(p *Photo) { p.Kind = "selfie" },
		"photo.position":   func(p *Photo) { p.Position = "roof" },
		"photo.finding_id": func(p *Photo) { p.FindingID = "fi-1" },
		"photo.caption":    func(p *Photo) { p.Caption = strings.Repeat("字", maxLine+1) },
		"photo.bytes":      func(p *Photo) { p.Bytes = 0 },
	}
	for field, spoil := range bad {
		p := walkAround(1)
		spoil(&p)
		err := f.apply(advisor, &AttachPhoto{JobID: j.ID, Photo: p})
		e, ok := err.(*Error)
		if !ok || e.Code != CodeInvalid || e.Fields[0].Field != strings.TrimSpace(field) {
			t.Errorf("%s: %v", field, err)
		}
	}
	p := photo(1, PhotoWork)
	p.Position = PositionRear
	if CodeOf(f.apply(advisor, &AttachPhoto{JobID: j.ID, Photo: p})) != CodeInvalid {
		t.Error("a work photo with a position")
	}
	if CodeOf(f.apply(advisor, &AttachPhoto{JobID: j.ID, Photo: photo(1, PhotoFinding)})) != CodeInvalid {
		t.Error("a finding photo without its finding")
	}
	if len(f.state.Jobs[j.ID].Photos) != 0 {
		t.Errorf("refused photos stayed: %+v", f.state.Jobs[j.ID].Photos)
	}
}

// Finding photos are taken by those who may report a finding, on a
// finding of that job not withdrawn, while the job is open; the floor
// only on its own jobs.
func TestFindingPhotosGoOnTheJobsOwnFindings(t *testing.T) {
	f := newFixture(t)
	j := f.dispatchedJob(t, "tech-1")
	f.must(t, tech, &ReportFinding{JobID: j.ID, FindingInput: FindingInput{Description: "前刹车片磨损", Hours: 1}})
	f.must(t, tech, &AttachPhoto{JobID: j.ID, Photo: findingPhoto(1, "fi-1")})
	if err := f.apply(lead, &AttachPhoto{JobID: j.ID, Photo: findingPhoto(2, "fi-1")}); err != nil {
		t.Errorf("the team's leader: %v", err)
	}
	other := Actor{UserID: "user-7", Roles: []Role{RoleTechnician}}
	if err := f.apply(other, &AttachPhoto{JobID: j.ID, Photo: findingPhoto(3, "fi-1")}); CodeOf(err) != CodeForbidden {
		t.Errorf("a technician not on the job: %v", err)
	}
	if err := f.apply(washer, &AttachPhoto{JobID: j.ID, Photo: findingPhoto(3, "fi-1")}); CodeOf(err) != CodeForbidden {
		t.Errorf("a washer: %v", err)
	}

	// Another job's finding is not this job's.
	f.must(t, system, &PutVehicle{Vehicle: Vehicle{CustomerID: "cu-1", Plate: "京B54321", Model: "Tucson"}})
	f.must(t, advisor, &OpenJob{CustomerID: "cu-1", VehicleID: "ve-2", Estimate: Estimate{Requests: "保养", PromisedAt: t0.Add(4 * time.Hour)}})
	if err := f.apply(advisor, &AttachPhoto{JobID: "20261123-0002", Photo: findingPhoto(3, "fi-1")}); CodeOf(err) != CodeNotFound {
		t.Errorf("another job's finding: %v", err)
	}
	f.must(t, advisor, &WithdrawFinding{FindingID: "fi-1", Reason: "done under warranty"})
	if err := f.apply(tech, &AttachPhoto{JobID: j.ID, Photo: findingPhoto(3, "fi-1")}); CodeOf(err) != CodeConflict {
		t.Errorf("a withdrawn finding: %v", err)
	}
}

// Work photos are the floor's and the advisor's from dispatch until
// delivery, not at reception nor on a closed job.
func TestWorkPhotosFromDispatchUntilDelivery(t *testing.T) {
	f := newFixture(t)
	j := f.openJob(t)
	if err := f.apply(advisor, &AttachPhoto{JobID: j.ID, Photo: photo(1, PhotoWork)}); CodeOf(err) != CodeConflict {
		t.Errorf("a work photo at reception: %v", err)
	}
	f.must(t, advisor, &Submit{JobRef: JobRef{j.ID}})
	f.must(t, advisor, &Dispatch{JobID: j.ID, TeamID: "team-1", TechIDs: []string{"tech-1"}, BayID: "bay-1"})
	f.must(t, tech, &AttachPhoto{JobID: j.ID, Photo: photo(1, PhotoWork)})
	f.must(t, advisor, &AttachPhoto{JobID: j.ID, Photo: photo(2, PhotoWork)})
	f.must(t, advisor, &Cancel{JobID: j.ID, Reason: "customer left"})
	if err := f.apply(advisor, &AttachPhoto{JobID: j.ID, Photo: photo(3, PhotoWork)}); CodeOf(err) != CodeConflict {
		t.Errorf("a work photo on a cancelled job: %v", err)
	}
	if err := f.apply(advisor, &RemovePhoto{JobID: j.ID, PhotoID: photoID(1), Reason: "blurred"}); CodeOf(err) != CodeConflict {
		t.Errorf("a photo removed from a cancelled job: %v", err)
	}
}

// The counts are bounded: 24 shown walk-around photos, 8 per finding, 60
// on a job; a removed photo no longer counts.
func TestPhotoCountsAreBounded(t *testing.T) {
	f := newFixture(t)
	j := f.openJob(t)
	for n := 1; n <= MaxWalkAroundPhotos; n++ {
		f.must(t, advisor, &AttachPhoto{JobID: j.ID, Photo: walkAround(n)})
	}
	if err := f.apply(advisor, &AttachPhoto{JobID: j.ID, Photo: walkAround(100)}); CodeOf(err) != CodeConflict {
		t.Fatalf("the 25th walk-around photo: %v", err)
	}
	f.must(t, advisor, &RemovePhoto{JobID: j.ID, PhotoID: photoID(1), Reason: "the wrong car"})
	f.must(t, advisor, &AttachPhoto{JobID: j.ID, Photo: walkAround(100)})

	f.must(t, advisor, &Submit{JobRef: JobRef{j.ID}})
	f.must(t, advisor, &Dispatch{JobID: j.ID, TeamID: "team-1", TechIDs: []string{"tech-1"}, BayID: "bay-1"})
	f.must(t, tech, &ReportFinding{JobID: j.ID, FindingInput: FindingInput{Description: "轮胎偏磨", Hours: 1}})
	f.must(t, tech, &ReportFinding{JobID: j.ID, FindingInput: FindingInput{Description: "雨刮老化", Hours: 0.2}})
	for n := 200; n < 200+MaxFindingPhotos; n++ {
		f.must(t, tech, &AttachPhoto{JobID: j.ID, Photo: findingPhoto(n, "fi-1")})
	}
	if err := f.apply(tech, &AttachPhoto{JobID: j.ID, Photo: findingPhoto(300, "fi-1")}); CodeOf(err) != CodeConflict {
		t.Fatalf("the 9th photo of a finding: %v", err)
	}
	f.must(t, tech, &AttachPhoto{JobID: j.ID, Photo: findingPhoto(300, "fi-2")})
	// 24 walk-around + 8 + 1 shown: fill to 60 with work photos.
	for n := 400; n < 400+MaxJobPhotos-33; n++ {
		f.must(t, tech, &AttachPhoto{JobID: j.ID, Photo: photo(n, PhotoWork)})
	}
	if err := f.apply(tech, &AttachPhoto{JobID: j.ID, Photo: photo(999, PhotoWork)}); CodeOf(err) != CodeConflict {
		t.Fatalf("the 61st photo of a job: %v", err)
	}
}

// A photo is removed by whoever took it or by the desk, once; the job and
// the event keep that it existed, never its bytes.
func TestAPhotoIsRemovedByItsTakerOrTheDesk(t *testing.T) {
	f := newFixture(t)
	j := f.dispatchedJob(t, "tech-1", "tech-2")
	f.must(t, tech, &AttachPhoto{JobID: j.ID, Photo: photo(1, PhotoWork)})
	if err := f.apply(lead, &RemovePhoto{JobID: j.ID, PhotoID: photoID(1), Reason: "blurred"}); CodeOf(err) != CodeForbidden {
		t.Errorf("another technician removed the photo: %v", err)
	}
	if err := f.apply(tech, &RemovePhoto{JobID: j.ID, PhotoID: photoID(1)}); CodeOf(err) != CodeInvalid {
		t.Errorf("removed without a reason: %v", err)
	}
	if err := f.apply(tech, &RemovePhoto{JobID: j.ID, PhotoID: photoID(2), Reason: "blurred"}); CodeOf(err) != CodeNotFound {
		t.Errorf("a photo not on the job: %v", err)
	}
	d := NewDraft(f.state)
	ev, err := d.Apply(tech, &RemovePhoto{JobID: j.ID, PhotoID: photoID(1), Reason: "blurred"}, t0.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	f.state = d.Publish()
	p := f.state.Jobs[j.ID].Photos[0]
	if p.Shown() || p.RemovedBy != "user-2" || !p.RemovedAt.Equal(t0.Add(time.Minute)) || p.ID != photoID(1) {
		t.Errorf("removed: %+v", p)
	}
	if ev.Subject != photoID(1) || ev.JobID != j.ID {
		t.Errorf("event: %+v", ev)
	}
	if err := f.apply(advisor, &RemovePhoto{JobID: j.ID, PhotoID: photoID(1), Reason: "again"}); CodeOf(err) != CodeConflict {
		t.Errorf("removed twice: %v", err)
	}
	f.must(t, tech, &AttachPhoto{JobID: j.ID, Photo: photo(2, PhotoWork)})
	f.must(t, advisor, &RemovePhoto{JobID: j.ID, PhotoID: photoID(2), Reason: "not this car"})
}

// The attach event names the photo, its kind, position and finding; it
// holds no size, and the client cannot send the command.
func TestAttachPhotoIsTheUploadsOnly(t *testing.T) {
	if NewCommand("attach_photo") != nil {
		t.Error("a client may send attach_photo")
	}
	if NewCommand("remove_photo") == nil {
		t.Error("a client may not send remove_photo")
	}
	f := newFixture(t)
	j := f.openJob(t)
	d := NewDraft(f.state)
	p := walkAround(7)
	p.Caption = "左前门划痕"
	ev, err := d.Apply(advisor, &AttachPhoto{JobID: j.ID, Photo: p}, t0)
	if err != nil {
		t.Fatal(err)
	}
	var data map[string]any
	if err := json.Unmarshal(ev.Data, &data); err != nil {
		t.Fatal(err)
	}
	if data["photo_id"] != photoID(7) || data["kind"] != "walk_around" || data["position"] != "front" || data["caption"] != "左前门划痕" {
		t.Errorf("event data: %s", ev.Data)
	}
	for _, k := range []string{"bytes", "width", "photo"} {
		if _, ok := data[k]; ok {
			t.Errorf("event data holds %s: %s", k, ev.Data)
		}
	}
}

// Photo retention is kept for good, or at least as long as a closed job
// stays in the live state, at most ten years.
func TestPhotoKeepDaysAreChecked(t *testing.T) {
	f := newFixture(t)
	for days, ok := range map[int]bool{0: true, 7: false, 29: false, 30: true, 3650: true, 3651: false, -1: false} {
		s := DefaultSettings()
		s.PhotoKeepDays = days
		err := f.apply(system, &SetSettings{Settings: s})
		if (err == nil) != ok {
			t.Errorf("photo_keep_days %d: %v", days, err)
		}
	}
}
